/**
 * emberkv, remote: `import { Client } from 'emberkv/client'`, the official
 * client of emberkv-server.
 *
 * Every command travels on one long-lived Pipeline stream, auto-pipelined:
 * the commands issued in the same tick go out as one CommandBatch message,
 * and their replies come back, in order, in one ReplyBatch. Encoding and
 * decoding are native (the same protobuf codec as the server's), and the
 * replies are the same JS values Engine.call() returns, errors included
 * (an EmberError rejects that command's promise only).
 *
 * If the stream breaks (the server restarts, the network fails), the
 * commands in flight are rejected (they may or may not have run) and the
 * next command opens a new stream; grpc-js reconnects the channel with
 * exponential backoff. Keepalive pings detect a dead connection while idle.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { checkCommandName, type Argument, type Reply } from '../engine.js';
import { EmberError } from '../errors.js';
import { addon, type NativeArgument } from '../native.js';
import { PROTO_FILE, PROTO_ROOT, SERVICE_NAME, emberkvService } from '../wire.js';
import { Subscription, type PubSubMessage } from './subscription.js';

export interface ClientOptions {
  /** host:port of emberkv-server (default 127.0.0.1:7379). */
  address?: string;
  /** Channel credentials (default: insecure, plaintext). */
  credentials?: grpc.ChannelCredentials;
  /** The largest message sent or received (default 256 MiB, as the server's). */
  maxMessageBytes?: number;
  /** Keepalive ping interval in ms while the connection is idle (default 30 s). */
  keepaliveMs?: number;
}

interface Pending {
  resolve(value: Reply): void;
  reject(error: Error): void;
  asBuffer: boolean;
}

const EmberKVClient = grpc.makeGenericClientConstructor(emberkvService, 'EmberKV');

export interface SubscribeOptions {
  channels?: readonly Argument[];
  /** Glob patterns, as PSUBSCRIBE takes them. */
  patterns?: readonly Argument[];
}

/** Subscribe's method definition (protobufjs (de)serializers), loaded once. */
let subscribeMethod: grpc.MethodDefinition<object, unknown> | undefined;
function subscribeDefinition(): grpc.MethodDefinition<object, unknown> {
  subscribeMethod ??= (
    protoLoader.loadSync(PROTO_FILE, { includeDirs: [PROTO_ROOT], keepCase: true, enums: String, defaults: true })[
      SERVICE_NAME
    ] as grpc.ServiceDefinition
  ).Subscribe as grpc.MethodDefinition<object, unknown>;
  return subscribeMethod;
}

const toBytes = (value: Argument): Buffer =>
  Buffer.isBuffer(value) ? value : value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value));

/** Turns Buffers in a reply decoded with bulk-as-Buffer into strings (maps and sets render as arrays). */
function bulksToStrings(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(bulksToStrings);
  return value;
}

export class Client {
  readonly #client: grpc.Client;
  #stream: grpc.ClientDuplexStream<Buffer, Buffer> | undefined;
  /** Commands of the current tick, not sent yet. */
  #queue: NativeArgument[][] = [];
  #queued: Pending[] = [];
  #flushScheduled = false;
  /** Sent batches awaiting their ReplyBatch, oldest first. */
  #inFlight: Pending[][] = [];
  #nextId = 1;
  #closed = false;
  /** Called once nothing is in flight (close() waits this way). */
  #onIdle: (() => void)[] = [];

  constructor(options: ClientOptions = {}) {
    const maxBytes = options.maxMessageBytes ?? 256 * 1024 * 1024;
    this.#client = new EmberKVClient(options.address ?? '127.0.0.1:7379', options.credentials ?? grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': maxBytes,
      'grpc.max_send_message_length': maxBytes,
      'grpc.keepalive_time_ms': options.keepaliveMs ?? 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
    });
  }

  /** Runs any command by name; bulk replies come back as strings. */
  call(command: string, ...args: Argument[]): Promise<Reply> {
    return this.#enqueue(command, args, false);
  }

  /** Runs any command by name; bulk replies come back as Buffers. */
  callBuffer(command: string, ...args: Argument[]): Promise<Reply> {
    return this.#enqueue(command, args, true);
  }

  /**
   * Listens to channels and patterns on a stream of its own; iterate the
   * returned Subscription for messages (strings), await its `ready` before
   * relying on a publish being seen.
   */
  subscribe(options: SubscribeOptions): Subscription<string> {
    return this.#subscribe(options, false);
  }

  /** subscribe() with channels, messages and patterns as Buffers. */
  subscribeBuffer(options: SubscribeOptions): Subscription<Buffer> {
    return this.#subscribe(options, true);
  }

  #subscribe<T extends string | Buffer>(options: SubscribeOptions, asBuffers: boolean): Subscription<T> {
    if (this.#closed) throw new Error('emberkv: the client is closed');
    const method = subscribeDefinition();
    const request = { channels: (options.channels ?? []).map(toBytes), patterns: (options.patterns ?? []).map(toBytes) };
    const call = this.#client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, request);
    return new Subscription<T>(call as never, asBuffers);
  }

  /** Waits for the commands already issued, then closes the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    if (this.#inFlight.length) await new Promise<void>((resolve) => this.#onIdle.push(resolve));
    this.#stream?.end();
    this.#client.close();
  }

  #enqueue(command: string, args: readonly Argument[], asBuffer: boolean): Promise<Reply> {
    if (this.#closed) return Promise.reject(new Error('emberkv: the client is closed'));
    try {
      checkCommandName(command);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<Reply>((resolve, reject) => {
      this.#queue.push([command, ...(args as NativeArgument[])]);
      this.#queued.push({ resolve, reject, asBuffer });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        process.nextTick(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#queue.length === 0) return;
    const commands = this.#queue;
    const pending = this.#queued;
    this.#queue = [];
    this.#queued = [];
    let message: Buffer;
    try {
      message = addon.encodeCommandBatch(commands, this.#nextId++);
    } catch (err) {
      // An argument of a type no command takes: fail just this tick's commands.
      for (const p of pending) p.reject(err as Error);
      return;
    }
    this.#inFlight.push(pending);
    this.#openStream().write(message);
  }

  #openStream(): grpc.ClientDuplexStream<Buffer, Buffer> {
    if (this.#stream) return this.#stream;
    const stream = (this.#client as unknown as {
      Pipeline(): grpc.ClientDuplexStream<Buffer, Buffer>;
    }).Pipeline();
    stream.on('data', (message: Buffer) => this.#settle(message));
    stream.on('error', (err: Error) => this.#fail(stream, err));
    stream.on('end', () => this.#fail(stream, new Error('emberkv: the server closed the stream')));
    this.#stream = stream;
    return stream;
  }

  #settle(message: Buffer): void {
    const pending = this.#inFlight.shift();
    if (!pending) return;
    const anyBuffer = pending.some((p) => p.asBuffer);
    let replies: unknown[];
    try {
      replies = addon.decodeReplyBatch(message, anyBuffer);
    } catch (err) {
      for (const p of pending) p.reject(err as Error);
      this.#checkIdle();
      return;
    }
    pending.forEach((p, i) => {
      const reply = anyBuffer && !p.asBuffer ? bulksToStrings(replies[i]) : replies[i];
      if (reply instanceof EmberError) p.reject(reply);
      else p.resolve(reply as Reply);
    });
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#inFlight.length) return;
    const waiting = this.#onIdle;
    this.#onIdle = [];
    for (const resolve of waiting) resolve();
  }

  /** The stream broke: everything in flight fails; the next command reconnects. */
  #fail(stream: grpc.ClientDuplexStream<Buffer, Buffer>, err: Error): void {
    if (this.#stream !== stream) return;
    this.#stream = undefined;
    const failed = this.#inFlight;
    this.#inFlight = [];
    for (const batch of failed) for (const p of batch) p.reject(err);
    this.#checkIdle();
  }
}

export { EmberError, Subscription };
export type { Argument, PubSubMessage, Reply };
