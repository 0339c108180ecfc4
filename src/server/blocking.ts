/**
 * Blocked calls: Execute calls of blocking commands (BLPOP, BZPOPMIN,
 * BLMOVE, ...) that found nothing to serve and wait for a push.
 *
 * The core never waits (Store::BlockRequest in native/core/store.h): a
 * blocking command that cannot serve answers null and says which keys it
 * would wait on and for how long. Here that null is held back and the call
 * parked in a FIFO queue per key. After every command or batch the server
 * runs (serveReady), the keys pushes made ready are taken from the core,
 * and the calls parked on them are served oldest first by running their
 * command again, unchanged: the core's serve-now path is the only place a
 * blocking command's semantics live.
 *
 * Invariants:
 *  - a parked call is in the queue of each of its keys exactly once, and
 *    in no queue once answered, timed out, cancelled or shut down;
 *  - the core tracks ready keys only while some call is parked;
 *  - a call is re-run only while it is still open (not cancelled, deadline
 *    not passed), so a call that ends while waiting consumes nothing.
 */
import * as grpc from '@grpc/grpc-js';
import type { ServerHooks } from '../engine.js';

/** Reply{null: Null{}}: field 6, length-delimited, empty (what a timeout answers). */
const NULL_REPLY = Buffer.from([0x32, 0x00]);

export interface BlockedCall {
  readonly call: grpc.ServerUnaryCall<Buffer, Buffer>;
  /** The ACL user the command runs as (again, when served). */
  readonly user: string;
  /** Answers the call: a Reply message, or the error text of a command error. */
  readonly answer: (reply: Buffer | string) => void;
  /** Ends the call with a status instead (the server is shutting down). */
  readonly abort: (code: grpc.status, message: string) => void;
}

interface Waiter extends BlockedCall {
  readonly keys: string[];
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

/** Map keys: binary-safe (latin1 maps every byte to one char). */
const keyOf = (key: Buffer): string => key.toString('latin1');

export class BlockedCalls {
  readonly #hooks: ServerHooks;
  readonly #queues = new Map<string, Waiter[]>();
  #parked = 0;

  constructor(hooks: ServerHooks) {
    this.#hooks = hooks;
    hooks.allowBlocking(true);
  }

  get size(): number {
    return this.#parked;
  }

  /** Parks a call whose command blocked on `keys` for `timeoutMs` (0: for ever). */
  park(blocked: BlockedCall, timeoutMs: number, keys: Buffer[]): void {
    const waiter: Waiter = { ...blocked, keys: [...new Set(keys.map(keyOf))], timer: undefined, done: false };
    for (const key of waiter.keys) {
      const queue = this.#queues.get(key);
      if (queue) queue.push(waiter);
      else this.#queues.set(key, [waiter]);
    }
    if (this.#parked++ === 0) this.#hooks.trackReadyKeys(true);
    if (timeoutMs > 0) {
      // setTimeout's limit is 2^31-1 ms (~24.8 days): longer waits re-arm.
      const arm = (remaining: number): void => {
        const step = Math.min(remaining, 2 ** 31 - 1);
        waiter.timer = setTimeout(() => (remaining > step ? arm(remaining - step) : this.#finish(waiter, NULL_REPLY)), step);
      };
      arm(timeoutMs);
    }
    // A cancelled call or a passed deadline: grpc-js emits 'cancelled'.
    blocked.call.once('cancelled', () => this.#remove(waiter));
  }

  /**
   * Serves the calls parked on keys that received elements since the last
   * call, oldest first, until each key runs dry. Serving can push to other
   * keys (BLMOVE), so this repeats until no key is ready.
   */
  serveReady(): void {
    if (this.#parked === 0) return;
    for (let ready = this.#hooks.takeReadyKeys(); ready; ready = this.#hooks.takeReadyKeys()) {
      for (const key of ready) this.#serveKey(keyOf(key));
      if (this.#parked === 0) return;
    }
  }

  /** Ends every parked call with UNAVAILABLE (the server is shutting down). */
  closeAll(): void {
    for (const queue of [...this.#queues.values()]) {
      for (const waiter of [...queue]) {
        if (waiter.done) continue;
        this.#remove(waiter);
        waiter.abort(grpc.status.UNAVAILABLE, 'the server is shutting down');
      }
    }
  }

  #serveKey(key: string): void {
    const queue = this.#queues.get(key);
    let i = 0;
    while (queue && i < queue.length) {
      const waiter = queue[i]!;
      if (waiter.call.cancelled) {
        this.#remove(waiter);
        continue;
      }
      const reply = this.#hooks.execWire(waiter.call.request, waiter.user);
      if (this.#hooks.takeBlockRequest()) return;  // nothing left on this key for its kind of waiter
      if (typeof reply === 'string' && reply.startsWith('WRONGTYPE')) {
        // The key now holds another type (a list waiter on a new sorted
        // set, or the reverse): this waiter keeps waiting, as in Redis 7.0;
        // the ones behind it may be served.
        i++;
        continue;
      }
      this.#finish(waiter, reply);
    }
  }

  #finish(waiter: Waiter, reply: Buffer | string): void {
    if (waiter.done) return;
    this.#remove(waiter);
    waiter.answer(reply);
  }

  #remove(waiter: Waiter): void {
    if (waiter.done) return;
    waiter.done = true;
    if (waiter.timer) clearTimeout(waiter.timer);
    for (const key of waiter.keys) {
      const queue = this.#queues.get(key);
      if (!queue) continue;
      const at = queue.indexOf(waiter);
      if (at >= 0) queue.splice(at, 1);
      if (queue.length === 0) this.#queues.delete(key);
    }
    if (--this.#parked === 0) this.#hooks.trackReadyKeys(false);
  }
}
