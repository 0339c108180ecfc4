/**
 * Loads the native addon (built by `npm install` into build/Release) and
 * describes its surface. EMBERKV_NATIVE may name another build of it, such
 * as the sanitizer build used by `npm run test:asan`.
 */
import * as path from 'node:path';
import { EmberError } from './errors.js';

/** One command as the native command table declares it. */
export interface CommandDescription {
  readonly id: number;
  readonly name: string;
  readonly arity: number;
  readonly flags: readonly string[];
  readonly categories: readonly string[];
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  readonly subcommands: readonly CommandDescription[];
}

export interface CronReport {
  readonly expired: number;
  readonly moreWork: boolean;
}

/** A value the native layer accepts as a command argument. */
export type NativeArgument = string | Uint8Array | number | bigint;

/** One native store, as the functions bound to it. */
/** What loading a snapshot file did. */
export interface SnapshotLoad {
  ok: boolean;
  missing: boolean;
  keys: number;
  expired: number;
  bytes: number;
  ms: number;
  error: string;
}

/** Called now and then while data loads: bytes done, of how many. */
export type LoadProgress = (done: number, total: number) => void;

/** What loading the append-only log did (Store::loadAppendOnly). */
export interface AppendOnlyLoad {
  ok: boolean;
  /** A log was there (false: a new one was made, from the snapshot file if any). */
  existed: boolean;
  /** For a new log: keys loaded from the snapshot file first. */
  snapshotKeys: number;
  keys: number;
  records: number;
  bytes: number;
  ms: number;
  /** A truncated last record was dropped (a crash while appending). */
  warning: string;
  /** Names the file and offset of the first problem. */
  error: string;
}

/** The append-only log's progress, in records (native/core/append_log.h). */
export interface AppendOnlyState {
  open: boolean;
  appended: number;
  written: number;
  durable: number;
  /** Bytes buffered, not yet written. */
  pending: number;
  syncing: boolean;
  fsync: 'always' | 'everysec' | 'no';
  /** The last write or fsync error ('' if none). */
  error: string;
}

export interface NativeStore {
  /** Runs a command (id or name); bulk replies as strings. */
  exec(command: number | string, ...args: NativeArgument[]): unknown;
  /** Runs a command (id or name); bulk replies as Buffers. */
  execBuffer(command: number | string, ...args: NativeArgument[]): unknown;
  /**
   * The gRPC path (native/core/proto_wire.h): a Command message in, its
   * Reply message out, or the error's text when the command failed. With
   * `user`, the commands run as that ACL user (refused with NOPERM what
   * it may not run); without, unchecked (the embedded engine).
   */
  execWire(message: Uint8Array, user?: string): Buffer | string;
  /**
   * A CommandBatch message in, its ReplyBatch message out; throws on a
   * malformed message (nothing is executed then).
   */
  execWireBatch(message: Uint8Array, user?: string): Buffer;
  /** Subscriber `id` (chosen by the server) listens to these channels and patterns. */
  pubsubSubscribe(id: number, channels: readonly Buffer[], patterns: readonly Buffer[]): void;
  /** Drops every subscription of subscriber `id`. */
  pubsubRemove(id: number): void;
  /** What PUBLISH queued since the last call: [subscriber, channel, message, pattern | null], or null. */
  takePubsubDeliveries(): [number, Buffer, Buffer, Buffer | null][] | null;
  /**
   * A Transaction message in: its ReplyBatch if it ran, the EXECABORT
   * text if a command was rejected (nothing ran), null if its WATCH token
   * was broken (nothing ran); throws on a malformed message.
   */
  execTransaction(message: Uint8Array, user?: string): Buffer | string | null;
  /**
   * A WATCH token for these keys of database `db` (default 0; 0..15, else
   * a RangeError); with `user`, the NOPERM text if it may not read one.
   */
  watch(keys: readonly Uint8Array[], user?: string, db?: number): number | string;
  /** Forgets a WATCH token. */
  unwatch(token: number): void;
  /** Blocking commands that cannot serve record what they would wait for (the server's mode). */
  allowBlocking(on: boolean): void;
  /** Records the keys pushes make ready (while some call is blocked). */
  trackReadyKeys(on: boolean): void;
  /** What the last command would wait for: [timeoutMs (0: for ever), keys, db], or null. */
  takeBlockRequest(): [number, Buffer[], number] | null;
  /** Keys that received elements since the last call, as [db, key] (each once), or null. */
  takeReadyKeys(): [number, Buffer][] | null;
  /**
   * The RESP listener (native/binding/resp.cc): a connection per client
   * socket, known by its client id. respFeed runs what the bytes complete
   * and answers the state after: 0 ready, 1 blocked (respBlock says on
   * what), 2 authenticating (respAuthRequest says whom; answer with
   * respFinishAuth), 3 closing.
   */
  respOpen(addr: string, laddr: string): number;
  respFeed(id: number, bytes: Uint8Array): number;
  /** The RESP bytes produced since the last call, or null. */
  respOutput(id: number): Buffer | null;
  respBlock(id: number): [number, number, Buffer[]];
  respAuthRequest(id: number): [string, string] | null;
  respFinishAuth(id: number, ok: boolean): number;
  /** 0 served, 1 still blocked, 2 still blocked (the key holds another type). */
  respRetry(id: number): number;
  respTimeout(id: number): number;
  respState(id: number): number;
  /** Authenticates the connection as `user` (a client certificate's CN); false if no such enabled user. */
  respSetUser(id: number, user: string): boolean;
  /** The output limits' verdict on that many unwritten bytes: 0 go on, 1 stop reading, or why to close. */
  respCheckOutput(id: number, pendingBytes: number): number | string;
  respClose(id: number): void;
  /** Connections CLIENT KILL marked since the last call (to close), or null. */
  respTakeKilled(): number[] | null;
  /** Renders PUBLISH's messages for the RESP subscribers; the ids that got output, or null. */
  respDeliver(): number[] | null;
  /**
   * The native RESP transport (resp_transport.h): listens on host:port
   * (the port bound) or a Unix socket, calling onEvent(kind, id, ...) when
   * the front end has work: 0 open (peer, local; return a refusal text to
   * refuse), 1 state (bits), 2 closed, 3 closed for an output limit (why).
   */
  respListen(onEvent: (kind: number, id: number, a?: string | number, b?: string | number, c?: number) => string | undefined, host: string, port: number): number;
  respListenUnix(onEvent: (kind: number, id: number, a?: string | number, b?: string | number, c?: number) => string | undefined, path: string): void;
  /** A native connection writes its core output; true if held for the log (then respReleaseHeld once durable). */
  respPump(id: number): boolean;
  respReleaseHeld(id: number): void;
  /** Closes a native connection once its output is written (`now`: at once). */
  respEnd(id: number, now: boolean): void;
  respStopListening(): void;
  /** A client id for a gRPC subscriber (the RESP connections' counter). */
  newClientId(): number;
  /** What INFO clients reports beside the RESP connections: gRPC connections, blocked clients, the limit. */
  setClientCounts(grpcConnections: number, blockedClients: number, maxClients: number): void;
  /**
   * Loads <dir>/<dbfilename> (CONFIG's) into the store, which must hold no
   * keys. `missing`: there was no file (ok). `error` names the file and
   * the offset of the first problem.
   */
  loadFromDisk(progress?: LoadProgress): SnapshotLoad;
  /** Ends a running BGSAVE child (and removes its temporary file). */
  killBackgroundSave(): void;
  /**
   * Loads the append-only log (CONFIG's dir/appenddirname/appendfilename)
   * into the empty store and opens it for appending; `progress` is called
   * with bytes replayed and the total now and then.
   */
  loadAppendOnly(progress?: LoadProgress): AppendOnlyLoad;
  /** Writes the log's pending records (no fsync); false if that failed. */
  aofWrite(): boolean;
  aofState(): AppendOnlyState;
  /** Records appended so far (cheap). */
  aofAppended(): number;
  /**
   * Writes pending records, then fsyncs off the main thread; resolves with
   * the durable record count (at once if nothing needs it or a sync runs).
   */
  aofSync(): Promise<number>;
  /**
   * The caller holds replies until the log is durable (group commit); off
   * (the default), appendfsync always fsyncs each record before the call
   * that made it returns.
   */
  aofGroupCommit(on: boolean): void;
  /** Stops a rewrite, writes and fsyncs, closes the log. */
  stopAppendOnly(): void;
  /** Whether `secret` is a secret of `user` and the user is on; checked off the main thread. */
  authenticate(user: string, secret: string): Promise<boolean>;
  /** Changes whenever any ACL user changes. */
  aclGeneration(): number;
  /** 'open': on and nopass (no secret needed). */
  userStatus(user: string): 'open' | 'on' | 'off' | 'missing';
  /** The user exec and execBuffer run as from now on (null: none, nothing checked). */
  setCurrentUser(user: string | null): void;
  /** The NOPERM text for the first channel or pattern `user` may not subscribe to, or null. */
  checkChannels(user: string, channels: readonly Buffer[], patterns: readonly Buffer[]): string | null;
  /** Refusals and admin commands since the last call: [user, command, denied ('' if it ran)], or null. */
  takeAuditEvents(): [string, string, string][] | null;
  setAuditing(on: boolean): void;
  /** The ACL file ACL SAVE / ACL LOAD use (Redis's aclfile). */
  setAclFile(path: string): void;
  setTime(ms: number | null): void;
  cron(budgetNs: number): CronReport;
  memoryUsed(): number;
  close(): void;
}

interface NativeAddon {
  createStore(): NativeStore;
  /**
   * A CommandBatch (or Transaction) message of the commands (each: name,
   * then arguments), to run in database `db` (default 0).
   */
  encodeCommandBatch(commands: readonly (readonly NativeArgument[])[], id: number, db?: number): Buffer;
  /**
   * The replies of a ReplyBatch message as JS values (bulk strings as
   * strings, or Buffers); an error reply is an EmberError in the array,
   * not thrown. Throws on a malformed message.
   */
  decodeReplyBatch(message: Uint8Array, bulkAsBuffer: boolean): unknown[];
  /** A Command message (a unary Execute's request), to run in database `db` (default 0). */
  encodeCommand(command: readonly NativeArgument[], db?: number): Buffer;
  /** A Reply message as a JS value (an error reply as an EmberError value). */
  decodeReply(message: Uint8Array, bulkAsBuffer: boolean): unknown;
  commands(): CommandDescription[];
  setErrorClass(errorClass: typeof EmberError): void;
  /** Validates an append-only log's incr file (native/core/aof_record.h). */
  checkAppendOnlyFile(bytes: Buffer): AppendOnlyFileCheck;
  /** Validates a snapshot image (a dump or a log's base file) by loading it into a scratch store. */
  checkSnapshotFile(bytes: Buffer): { ok: boolean; keys: number; errorOffset: number; error: string };
  /** A log's manifest parsed by the loader's rules (AofManifest::parse). */
  parseAofManifest(text: string): { files: { name: string; seq: string; base: boolean }[] } | { error: string };
}

/** What checkAppendOnlyFile found. */
export interface AppendOnlyFileCheck {
  /** 'truncated': the file ends inside its last record; 'corrupt': damage elsewhere. */
  outcome: 'ok' | 'truncated' | 'corrupt';
  /** Good records before the end or the damage. */
  records: number;
  /** Offset just past the last good record: what --fix keeps. */
  goodEnd: number;
  /** Where the incomplete or damaged part starts. */
  errorOffset: number;
  error: string;
}

function load(): NativeAddon {
  const file = process.env.EMBERKV_NATIVE || path.join(__dirname, '..', 'build', 'Release', 'emberkv.node');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(file) as NativeAddon;
  addon.setErrorClass(EmberError);
  return addon;
}

export const addon: NativeAddon = load();

const commandTable = addon.commands();
const commandIds = new Map(commandTable.map((c) => [c.name, c.id]));

/**
 * The id of a command in the native table. Typed methods resolve their ids
 * once at load time through this, so a wrapper for a command the core does
 * not declare fails loudly instead of drifting.
 */
export function commandId(name: string): number {
  const id = commandIds.get(name);
  if (id === undefined) throw new Error(`emberkv: the native command table has no '${name}' command`);
  return id;
}

const blockingCommands = new Set(commandTable.filter((c) => c.flags.includes('blocking')).map((c) => c.name));

/** Whether the native table flags this command (any case) as blocking (BLPOP, BZPOPMIN, ...). */
export function isBlockingCommand(name: string | Uint8Array): boolean {
  if (blockingCommands.size === 0) return false;
  const text = typeof name === 'string' ? name : Buffer.from(name).toString('latin1');
  return blockingCommands.has(text.toLowerCase());
}

/** An argument as the bytes a command gets: strings as UTF-8, numbers and bigints as their decimal text (as the addon converts them). */
export function argumentBytes(value: NativeArgument): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.from(String(value));
}
