/**
 * The Client's unary calls, beside its Pipeline stream: blocking commands
 * (each waits on the server in an Execute call of its own, so it never
 * holds up the pipelined commands behind it) and transactions (Watch,
 * Exec, Unwatch). Command and ReplyBatch messages are encoded and decoded
 * natively, as on the Pipeline; Watch and Unwatch, being rare, use
 * protobufjs from the proto file. Every Command, Transaction and
 * WatchRequest carries the Client's db.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { TransactionCommand, WatchToken } from '../commands/transactions.js';
import type { Argument, Reply } from '../engine.js';
import { EmberError } from '../errors.js';
import { addon, argumentBytes, type NativeArgument } from '../native.js';
import { PROTO_FILE, PROTO_ROOT, SERVICE_NAME, emberkvService } from '../wire.js';


/** The proto file's method definitions (protobufjs (de)serializers), loaded once. */
let typedMethods: grpc.ServiceDefinition | undefined;
export function typedMethod(name: string): grpc.MethodDefinition<object, unknown> {
  typedMethods ??= protoLoader.loadSync(PROTO_FILE, {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  })[SERVICE_NAME] as grpc.ServiceDefinition;
  return typedMethods[name] as grpc.MethodDefinition<object, unknown>;
}

/**
 * The statuses the server answers a command's own error with (the Redis
 * text is the message): those reject with an EmberError, as Engine throws;
 * any other status is a transport failure and rejects with a plain Error.
 */
const COMMAND_ERROR_CODES = new Set([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.UNIMPLEMENTED,
]);

function callError(err: grpc.ServiceError): Error {
  return COMMAND_ERROR_CODES.has(err.code) ? new EmberError(err.details) : err;
}

const identity = (bytes: Buffer): Buffer => bytes;

export class UnaryCalls {
  readonly #client: grpc.Client;
  /** Calls in flight, cancelled by cancelAll() (a blocked call may wait for ever). */
  readonly #open = new Set<grpc.ClientUnaryCall>();
  /** The database every call runs in (ClientOptions.db, validated). */
  readonly #db: number;

  constructor(client: grpc.Client, db: number) {
    this.#client = client;
    this.#db = db;
  }

  /** One command in an Execute call of its own. */
  execute(argv: readonly Argument[], asBuffer: boolean): Promise<Reply> {
    const message = addon.encodeCommand(argv as NativeArgument[], this.#db);
    return this.#call(emberkvService.Execute.path, identity, identity, message).then(
      (reply) => addon.decodeReply(reply, asBuffer) as Reply,
    );
  }

  /** A token for `keys`: exec() with it runs only if none of them changed meanwhile. */
  async watch(keys: readonly Argument[]): Promise<WatchToken> {
    const method = typedMethod('Watch');
    const reply = await this.#typed<{ token: string }>(method, { keys: keys.map(argumentBytes), db: this.#db });
    return Number(reply.token);
  }

  /** Releases a token without running a transaction. */
  async unwatch(token: WatchToken): Promise<void> {
    await this.#typed(typedMethod('Unwatch'), { token: String(token) });
  }

  /**
   * Runs the commands as one transaction: their replies (a command's error
   * as an EmberError in its place), or null if the token's keys changed.
   * Rejects with EXECABORT (nothing ran) if a command is unknown or has
   * the wrong number of arguments.
   */
  async exec(commands: readonly TransactionCommand[], token: WatchToken | undefined, asBuffer: boolean): Promise<Reply[] | null> {
    const message = addon.encodeCommandBatch(commands as unknown as NativeArgument[][], token ?? 0, this.#db);
    try {
      const replies = await this.#call(emberkvService.Exec.path, identity, identity, message);
      return addon.decodeReplyBatch(replies, asBuffer) as Reply[];
    } catch (err) {
      if ((err as grpc.ServiceError).code === grpc.status.ABORTED) return null;
      throw err;
    }
  }

  cancelAll(): void {
    for (const call of this.#open) call.cancel();
  }

  /** A call with protobufjs (de)serializers from the proto file (Watch, Unwatch). */
  #typed<T>(method: grpc.MethodDefinition<object, unknown>, request: object): Promise<T> {
    return this.#call(method.path, method.requestSerialize, method.responseDeserialize as (bytes: Buffer) => T, request);
  }

  /** One unary call, tracked until it ends; a command's error rejects as an EmberError. */
  #call<Req, T>(
    path: string,
    serialize: (request: Req) => Buffer,
    deserialize: (bytes: Buffer) => T,
    request: Req,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const call = this.#client.makeUnaryRequest(path, serialize, deserialize, request, (err, reply) => {
        this.#open.delete(call);
        if (err) reject(callError(err));
        else resolve(reply as T);
      });
      this.#open.add(call);
    });
  }
}
