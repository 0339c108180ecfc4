/**
 * Blocked clients: blocking commands (BLPOP, BZPOPMIN, BLMOVE, ...) that
 * found nothing to serve and wait for a push, from either front end: a
 * gRPC Execute call or a RESP connection. A push from either protocol
 * wakes either.
 *
 * The core never waits (Store::BlockRequest in native/core/store.h): a
 * blocking command that cannot serve answers null and says which keys it
 * would wait on and for how long. Here the waiter is parked in a FIFO
 * queue per key (of its database). After every command or batch the
 * server runs (serveReady), the keys pushes made ready are taken from the
 * core, and the waiters parked on them are served oldest first by running
 * their command again, unchanged: the core's serve-now path is the only
 * place a blocking command's semantics live.
 *
 * Invariants:
 *  - a parked waiter is in the queue of each of its keys exactly once, and
 *    in no queue once answered, timed out, gone or shut down;
 *  - the core tracks ready keys only while some waiter is parked;
 *  - a waiter is re-run only while it is still there (not cancelled, its
 *    connection open), so one that ends while waiting consumes nothing.
 */
import type { ServerHooks } from '../engine.js';

/** One blocked command, whichever front end it came from. */
export interface Waiter {
  /**
   * Runs the command again: 'served' (it answered), 'wait' (nothing for
   * it: the key ran dry for its kind of waiter), 'skip' (the key holds
   * another type now: it keeps waiting, the waiters behind it may be
   * served, as in Redis 7.0).
   */
  retry(): 'served' | 'wait' | 'skip';
  /** The timeout passed: answers the command's null. */
  timeout(): void;
  /** The server is shutting down. */
  shutdown(): void;
  /** The caller went away (cancelled call, closed connection). */
  gone(): boolean;
}

interface Parked {
  readonly waiter: Waiter;
  readonly keys: string[];
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

/** Queue keys: the database and the key, binary-safe (latin1 maps every byte to one char). */
const keyOf = (db: number, key: Buffer): string => `${db}:${key.toString('latin1')}`;

export class BlockedCalls {
  readonly #hooks: ServerHooks;
  readonly #queues = new Map<string, Parked[]>();
  readonly #parked = new Map<Waiter, Parked>();
  readonly #onChange: () => void;

  /** `onChange` is called whenever the number of parked waiters changes (INFO's blocked_clients). */
  constructor(hooks: ServerHooks, onChange: () => void = () => {}) {
    this.#hooks = hooks;
    this.#onChange = onChange;
    hooks.allowBlocking(true);
  }

  get size(): number {
    return this.#parked.size;
  }

  /** Parks a waiter blocked on `keys` of database `db` for `timeoutMs` (0: for ever). */
  park(waiter: Waiter, db: number, timeoutMs: number, keys: readonly Buffer[]): void {
    const parked: Parked = { waiter, keys: [...new Set(keys.map((key) => keyOf(db, key)))], timer: undefined, done: false };
    for (const key of parked.keys) {
      const queue = this.#queues.get(key);
      if (queue) queue.push(parked);
      else this.#queues.set(key, [parked]);
    }
    if (this.#parked.size === 0) this.#hooks.trackReadyKeys(true);
    this.#parked.set(waiter, parked);
    this.#onChange();
    if (timeoutMs > 0) {
      // setTimeout's limit is 2^31-1 ms (~24.8 days): longer waits re-arm.
      const arm = (remaining: number): void => {
        const step = Math.min(remaining, 2 ** 31 - 1);
        parked.timer = setTimeout(() => {
          if (remaining > step) {
            arm(remaining - step);
            return;
          }
          this.#remove(parked);
          waiter.timeout();
        }, step);
      };
      arm(timeoutMs);
    }
  }

  /** Forgets a waiter (its caller went away); nothing if it is not parked. */
  remove(waiter: Waiter): void {
    const parked = this.#parked.get(waiter);
    if (parked) this.#remove(parked);
  }

  /**
   * Serves the waiters parked on keys that received elements since the
   * last call, oldest first, until each key runs dry. Serving can push to
   * other keys (BLMOVE), so this repeats until no key is ready.
   */
  serveReady(): void {
    if (this.#parked.size === 0) return;
    for (let ready = this.#hooks.takeReadyKeys(); ready; ready = this.#hooks.takeReadyKeys()) {
      for (const [db, key] of ready) this.#serveKey(keyOf(db, key));
      if (this.#parked.size === 0) return;
    }
  }

  /** Ends every waiter (the server is shutting down). */
  closeAll(): void {
    for (const parked of [...this.#parked.values()]) {
      this.#remove(parked);
      parked.waiter.shutdown();
    }
  }

  #serveKey(key: string): void {
    const queue = this.#queues.get(key);
    let i = 0;
    while (queue && i < queue.length) {
      const parked = queue[i]!;
      if (parked.waiter.gone()) {
        this.#remove(parked);
        continue;
      }
      const outcome = parked.waiter.retry();
      if (outcome === 'wait') return;  // nothing left on this key for its kind of waiter
      if (outcome === 'skip') {
        i++;
        continue;
      }
      this.#remove(parked);
    }
  }

  #remove(parked: Parked): void {
    if (parked.done) return;
    parked.done = true;
    if (parked.timer) clearTimeout(parked.timer);
    for (const key of parked.keys) {
      const queue = this.#queues.get(key);
      if (!queue) continue;
      const at = queue.indexOf(parked);
      if (at >= 0) queue.splice(at, 1);
      if (queue.length === 0) this.#queues.delete(key);
    }
    this.#parked.delete(parked.waiter);
    if (this.#parked.size === 0) this.#hooks.trackReadyKeys(false);
    this.#onChange();
  }
}
