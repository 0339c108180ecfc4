/**
 * A Subscribe stream as an async iterator of messages. `ready` resolves
 * once the server confirms every subscription (from then on, nothing
 * published is missed); iterating yields messages in order; the loop ends
 * when close() is called, and throws if the stream fails (for example
 * RESOURCE_EXHAUSTED when this subscriber fell too far behind).
 */
import type * as grpc from '@grpc/grpc-js';

export interface PubSubMessage<T extends string | Buffer = string> {
  channel: T;
  message: T;
  /** The pattern that matched, for a pattern subscription. */
  pattern?: T;
}

interface WireMessage {
  kind: string;
  channel: Buffer;
  message: Buffer;
  by_pattern: boolean;
  pattern: Buffer;
}

export class Subscription<T extends string | Buffer = string> implements AsyncIterable<PubSubMessage<T>> {
  /** Resolves once every subscription is active; rejects if subscribing failed. */
  readonly ready: Promise<void>;
  readonly #call: grpc.ClientReadableStream<WireMessage>;
  readonly #queue: PubSubMessage<T>[] = [];
  #waiting: { resolve(r: IteratorResult<PubSubMessage<T>>): void; reject(e: Error): void } | undefined;
  #error: Error | undefined;
  #done = false;

  constructor(call: grpc.ClientReadableStream<WireMessage>, asBuffers: boolean) {
    this.#call = call;
    const convert = asBuffers ? (b: Buffer) => b : (b: Buffer) => b.toString('utf8');
    let confirm!: () => void;
    let refuse!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      confirm = resolve;
      refuse = reject;
    });
    this.ready.catch(() => {});  // also surfaced through iteration
    call.on('data', (m: WireMessage) => {
      if (m.kind === 'SUBSCRIBED') return confirm();
      const message = { channel: convert(m.channel), message: convert(m.message) } as PubSubMessage<T>;
      if (m.by_pattern) message.pattern = convert(m.pattern) as T;
      this.#push(message);
    });
    call.on('error', (err: Error & { code?: number }) => {
      refuse(err);
      // A cancel is close() (or the client closing): the loop just ends.
      if (err.code === 1 /* CANCELLED */) this.#finish();
      else this.#fail(err);
    });
    call.on('end', () => this.#finish());
  }

  /** Stops listening; a loop over this subscription ends. */
  close(): void {
    this.#call.cancel();
    this.#finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<PubSubMessage<T>> {
    return {
      next: () => {
        const message = this.#queue.shift();
        if (message) return Promise.resolve({ value: message, done: false });
        if (this.#error) return Promise.reject(this.#error);
        if (this.#done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  #push(message: PubSubMessage<T>): void {
    const waiting = this.#take();
    if (waiting) waiting.resolve({ value: message, done: false });
    else this.#queue.push(message);
  }

  #fail(err: Error): void {
    if (this.#done) return;
    this.#error = err;
    this.#take()?.reject(err);
  }

  #finish(): void {
    this.#done = true;
    this.#take()?.resolve({ value: undefined, done: true });
  }

  #take() {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    return waiting;
  }
}
