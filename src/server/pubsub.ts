/**
 * The server's side of pub/sub: the open Subscribe streams, by the
 * subscriber number the core's registry knows them by (native/core/
 * pubsub.h). After every call that ran commands, flush() takes what
 * PUBLISH queued in the core and writes it to the streams.
 *
 * Each stream has a bounded buffer: the bytes of messages written but not
 * yet taken by the transport are counted, and a subscriber past the limit
 * (it does not read, or reads slower than messages arrive) is ended with
 * RESOURCE_EXHAUSTED and unsubscribed. A publisher never waits for a
 * subscriber, and memory per subscriber stays bounded.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ServerHooks } from '../engine.js';

interface Subscriber {
  call: grpc.ServerWritableStream<SubscribeRequest, object>;
  pendingBytes: number;
}

export interface SubscribeRequest {
  channels: Buffer[];
  patterns: Buffer[];
}

const EMPTY = Buffer.alloc(0);

export class SubscriberHub {
  readonly #hooks: ServerHooks;
  readonly #limitBytes: number;
  readonly #log: Logger;
  readonly #subscribers = new Map<number, Subscriber>();

  constructor(hooks: ServerHooks, limitBytes: number, log: Logger) {
    this.#hooks = hooks;
    this.#limitBytes = limitBytes;
    this.#log = log;
  }

  /** A new Subscribe call: registers its subscriptions, then confirms them. */
  add(call: grpc.ServerWritableStream<SubscribeRequest, object>): void {
    // Numbered from the RESP connections' counter: the core's registry
    // knows both kinds of subscriber by number.
    const id = this.#hooks.newClientId();
    const { channels, patterns } = call.request;
    if (channels.length + patterns.length === 0) {
      call.emit('error', Object.assign(new Error('Subscribe needs at least one channel or pattern'), {
        code: grpc.status.INVALID_ARGUMENT,
      }));
      return;
    }
    this.#subscribers.set(id, { call, pendingBytes: 0 });
    this.#hooks.pubsubSubscribe(id, channels, patterns);
    const drop = () => this.#remove(id);
    call.on('cancelled', drop);
    call.on('error', drop);
    call.on('finish', drop);
    this.#log.info({ peer: call.getPeer(), subscriber: id, channels: channels.length, patterns: patterns.length }, 'subscribed');
    call.write({ kind: 'SUBSCRIBED' });
  }

  /** Writes out what PUBLISH queued since the last flush. */
  flush(): void {
    const deliveries = this.#hooks.takePubsubDeliveries();
    if (!deliveries) return;
    for (const [id, channel, message, pattern] of deliveries) {
      const subscriber = this.#subscribers.get(id);
      if (!subscriber) continue;
      const size = channel.length + message.length + (pattern?.length ?? 0);
      if (subscriber.pendingBytes + size > this.#limitBytes) {
        this.#cutOff(id, subscriber);
        continue;
      }
      subscriber.pendingBytes += size;
      subscriber.call.write(
        { kind: 'MESSAGE', channel, message, by_pattern: pattern !== null, pattern: pattern ?? EMPTY },
        () => {
          subscriber.pendingBytes -= size;
        },
      );
    }
  }

  /** Ends every stream (shutdown). */
  closeAll(): void {
    for (const [id, subscriber] of this.#subscribers) {
      this.#remove(id);
      subscriber.call.end();
    }
  }

  #cutOff(id: number, subscriber: Subscriber): void {
    this.#remove(id);
    const details = `subscriber fell behind: more than ${this.#limitBytes} bytes of messages pending (subscriber-buffer-bytes)`;
    this.#log.warn({ peer: subscriber.call.getPeer(), subscriber: id }, details);
    subscriber.call.emit('error', Object.assign(new Error(details), { code: grpc.status.RESOURCE_EXHAUSTED, details }));
  }

  #remove(id: number): void {
    const subscriber = this.#subscribers.get(id);
    if (!subscriber) return;
    this.#subscribers.delete(id);
    this.#hooks.pubsubRemove(id);
    this.#log.info({ peer: subscriber.call.getPeer(), subscriber: id }, 'unsubscribed');
  }
}
