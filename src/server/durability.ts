/**
 * The append-only log's side of the server's replies (native/core/append_log.h):
 * the records a call appended are written (write(2)) at the end of this
 * event-loop turn, and its reply is held until then, as Redis writes its
 * log before it replies, so a crash of the process never loses an
 * acknowledged write; with `appendfsync always`, the reply is held until
 * what it wrote is durable (fsync'd).
 *
 * Group commit: whatever the calls of one turn appended is written with
 * one write(2) and made durable by one fsync, run off the event loop (the
 * loop keeps serving meanwhile; calls of later turns wait for the next
 * fsync, which starts as soon as this one ends). A reply waits for the
 * record count the log had when its call finished, so a read also waits
 * for the writes it may have seen: nothing not yet durable is ever
 * answered. Replies are released in order, so a Pipeline's replies keep
 * theirs.
 *
 * If writing or fsyncing fails, the held replies fail with that error
 * (the commands ran in memory but are not durable, so they are not
 * acknowledged) and the store refuses writes with MISCONF until a write
 * works again (Redis exits instead).
 *
 * `everysec` and `no` need nothing here beyond the write per turn: the
 * engine's upkeep timer fsyncs once a second (src/engine.ts). A call that
 * wrote nothing while no write is pending is answered at once.
 */
import type { Logger } from 'pino';
import type { ServerHooks } from '../engine.js';

type Release = (error?: Error) => void;

/** When an fsync made nothing more durable, the next try waits this long. */
const RETRY_MS = 5;

export class Durability {
  readonly #hooks: ServerHooks;
  readonly #log: Logger;
  /** Replies waiting for a durable record count, oldest first. */
  readonly #waiting: { seq: number; release: Release }[] = [];
  #seenAppended = 0;
  #durable = 0;
  #always = false;
  #flushScheduled = false;
  #syncing = false;

  constructor(hooks: ServerHooks, log: Logger) {
    this.#hooks = hooks;
    this.#log = log;
    hooks.aofGroupCommit(true);
    this.#refresh();
  }

  /**
   * After a call ran: `release()` now, or (appendfsync always) once what
   * the log holds so far is durable; `release(error)` if that failed.
   */
  afterCall(release: Release): void {
    const seq = this.#hooks.aofAppended();
    if (seq > this.#seenAppended) {
      this.#seenAppended = seq;
      this.#scheduleFlush();
    }
    // Not before the records are at least written (by #scheduleFlush, at
    // the end of this turn, as Redis writes before it replies); with
    // always, not before they are durable.
    const ready = this.#always ? seq <= this.#durable : !this.#flushScheduled;
    if (ready) {
      release();
      return;
    }
    this.#waiting.push({ seq, release });
  }

  #refresh(): void {
    const state = this.#hooks.aofState();
    this.#always = state.open && state.fsync === 'always';
    if (state.durable > this.#durable) this.#durable = state.durable;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      // CONFIG SET appendonly / appendfsync take effect from here.
      this.#refresh();
      if (!this.#always) {
        if (!this.#hooks.aofWrite()) this.#log.error({ error: this.#hooks.aofState().error }, 'append-only file write failed');
        this.#releaseUpTo(Infinity);
        return;
      }
      this.#sync();
    });
  }

  /** One fsync at a time; when it ends, the next covers what came meanwhile. */
  #sync(): void {
    if (this.#syncing) return;
    this.#syncing = true;
    const before = this.#durable;
    this.#hooks.aofSync().then(
      (durable) => {
        this.#syncing = false;
        if (durable > this.#durable) this.#durable = durable;
        this.#refresh();
        if (!this.#always) {
          this.#releaseUpTo(Infinity);  // the log was turned off, or appendfsync changed
          return;
        }
        this.#releaseUpTo(this.#durable);
        if (this.#waiting.length === 0) return;
        // No progress (the log waits for its first base after CONFIG SET
        // appendonly yes: nothing is durable before it): try again soon
        // rather than spin.
        if (this.#durable > before) this.#sync();
        else setTimeout(() => this.#sync(), RETRY_MS);
      },
      (err: Error) => {
        this.#syncing = false;
        this.#log.error({ error: err.message }, 'append-only file write or fsync failed');
        const waiting = this.#waiting.splice(0);
        for (const { release } of waiting) release(err);
      },
    );
  }

  #releaseUpTo(durable: number): void {
    let n = 0;
    while (n < this.#waiting.length && this.#waiting[n]!.seq <= durable) n++;
    for (const { release } of this.#waiting.splice(0, n)) release();
  }
}
