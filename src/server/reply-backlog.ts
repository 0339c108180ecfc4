/**
 * One Pipeline stream's pending replies (max-pending-replies): batches it
 * ran whose ReplyBatch the transport has not taken yet, because the reply
 * is held until what the batch wrote is durable (durability.ts), or
 * because it is written but the client reads slower than it sends (the
 * write's callback comes once HTTP/2 took the message).
 *
 * At the limit the stream stops reading batches, so the client feels
 * backpressure through HTTP/2 flow control and nothing more piles up; it
 * reads again as soon as a reply is taken. A stream that sits at the
 * limit with written replies and none of them taken for the timeout is
 * not reading at all: onStuck() is called once, to end it.
 */
import type * as grpc from '@grpc/grpc-js';

export class ReplyBacklog {
  readonly #call: grpc.ServerDuplexStream<Buffer, Buffer>;
  readonly #limit: number;
  readonly #timeoutMs: number;
  readonly #onStuck: () => void;
  /** Batches run whose reply the transport has not taken (held or written). */
  #pending = 0;
  /** Of those, the ones written. */
  #written = 0;
  #paused = false;
  #stuckTimer: NodeJS.Timeout | undefined;

  constructor(call: grpc.ServerDuplexStream<Buffer, Buffer>, limit: number, timeoutMs: number, onStuck: () => void) {
    this.#call = call;
    this.#limit = limit;
    this.#timeoutMs = timeoutMs;
    this.#onStuck = onStuck;
  }

  get pending(): number {
    return this.#pending;
  }

  /** A batch ran: its reply is pending until the transport takes it. */
  ran(): void {
    this.#pending++;
    if (this.#pending < this.#limit || this.#paused) return;
    this.#paused = true;
    this.#call.pause();
    this.#armStuckTimer();
  }

  /** Writes the reply of a batch that ran. */
  write(reply: Buffer): void {
    this.#written++;
    this.#call.write(reply, () => {
      this.#written--;
      this.#settled();
    });
  }

  /** A batch that ran will send no reply (the stream fails instead). */
  dropped(): void {
    this.#settled();
  }

  /** The stream is over: no timer may outlive it. */
  close(): void {
    clearTimeout(this.#stuckTimer);
  }

  #settled(): void {
    this.#pending--;
    if (!this.#paused) return;
    if (this.#pending < this.#limit) {
      this.#paused = false;
      clearTimeout(this.#stuckTimer);
      this.#call.resume();
    } else {
      this.#armStuckTimer();  // progress: the client reads, however slowly
    }
  }

  #armStuckTimer(): void {
    clearTimeout(this.#stuckTimer);
    this.#stuckTimer = setTimeout(() => {
      // Replies only waiting for fsync are the disk's delay, not the client's.
      if (this.#written > 0) this.#onStuck();
      else this.#armStuckTimer();
    }, this.#timeoutMs);
    this.#stuckTimer.unref();
  }
}
