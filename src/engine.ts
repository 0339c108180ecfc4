/**
 * Engine: emberkv embedded in this process.
 *
 * Every command runs in the native core, synchronously, on the calling
 * thread: `engine.call('SET', 'k', 'v')` for any command by name, or the
 * typed camelCase methods Engine shares with Client: each is defined once
 * in src/commands/ and installed here, its command id resolved against the
 * native command table at load time (see native.ts); a few hot ones are
 * written out below from the same definitions. Data lives outside the V8
 * heap.
 */
import { installSyncMethods } from './commands/define.js';
import { commandDefinitions, type CommandMethods, type SetOptions, type Sync } from './commands/index.js';
import { EmberError } from './errors.js';
import type { ExecOptions, TransactionCommand, TransactionMethods, WatchToken } from './commands/transactions.js';
import { addon, argumentBytes, commandId, type CronReport, type NativeArgument, type NativeStore } from './native.js';

/** A command argument: strings are stored as UTF-8, Buffers as raw bytes. */
export type Argument = NativeArgument;

/** watch()'s error when the store's limit of live tokens (1,000,000) is reached. */
export const TOO_MANY_WATCH_TOKENS = 'ERR too many WATCH tokens are live: exec or unwatch the ones in use';

/**
 * A reply: simple and bulk strings as `string` (or `Buffer` from
 * callBuffer), integers as `number` (a `bigint` beyond
 * Number.MAX_SAFE_INTEGER), `null` for a missing value, arrays for
 * aggregates, and an `EmberError` for an error nested in an aggregate.
 */
export type Reply = string | Buffer | number | bigint | boolean | null | EmberError | Reply[];

export interface EngineOptions {
  /**
   * Source of the current time in ms since the epoch, read before every
   * command (tests use it to control expiry). Defaults to the system clock.
   */
  clock?: () => number;
  /**
   * Run background upkeep (active expiry, incremental rehash) on a timer,
   * 10 times a second with a budget of about 1 ms. Default true. The timer
   * never keeps the process alive.
   */
  backgroundUpkeep?: boolean;

  // Runtime settings: the same as CONFIG SET's parameters (Redis's names in
  // camelCase), checked and applied by the native CONFIG SET, so a value is
  // valid here exactly when `CONFIG SET <name> <value>` accepts it; an
  // invalid one makes the constructor throw CONFIG SET's EmberError.

  /**
   * Memory limit (`maxmemory`): bytes, or a string with a unit as Redis
   * reads it ('100mb', '1gb', '512k'; k/m/g are powers of 1000, kb/mb/gb
   * of 1024). 0 (the default) means no limit.
   */
  maxmemory?: number | string;
  /**
   * What happens at the limit (`maxmemory-policy`, default 'noeviction':
   * writes that need memory fail with Redis's OOM error).
   */
  maxmemoryPolicy?: MaxmemoryPolicy;
  /** Keys sampled per eviction (`maxmemory-samples`, 1..2^31-1, default 10; Redis: 5). */
  maxmemorySamples?: number;
  /** LFU counter growth: higher grows slower (`lfu-log-factor`, 0..2^31-1, default 10). */
  lfuLogFactor?: number;
  /** Minutes for an idle key's LFU counter to decay by one (`lfu-decay-time`, 0 = never, default 1). */
  lfuDecayTime?: number;
  /** A hash stays compact up to this many fields (`hash-max-listpack-entries`, default 128). */
  hashMaxListpackEntries?: number;
  /** ... and while no field or value is longer than this many bytes (`hash-max-listpack-value`, default 64). */
  hashMaxListpackValue?: number | string;
  /** A set of integers stays compact up to this many members (`set-max-intset-entries`, default 512). */
  setMaxIntsetEntries?: number;
  /** A sorted set stays compact up to this many members (`zset-max-listpack-entries`, default 128). */
  zsetMaxListpackEntries?: number;
  /** ... and while no member is longer than this many bytes (`zset-max-listpack-value`, default 64). */
  zsetMaxListpackValue?: number | string;
  /**
   * List chunk size (`list-max-listpack-size`, default -2): negative for
   * bytes per chunk (-1 4 KiB ... -5 64 KiB), positive for entries per chunk.
   * Applies to lists created afterwards.
   */
  listMaxListpackSize?: number;

  // Snapshots. Giving any of these makes the engine persistent: it loads
  // <dir>/<dbfilename> when constructed (if the file exists; a corrupt
  // one makes the constructor throw an EmberError naming the file and
  // the offset), and close() saves it again when `save` has rules.

  /** Directory of the snapshot file (`dir`, default '.'). */
  dir?: string;
  /** Name of the snapshot file in `dir` (`dbfilename`, default 'dump.emb'). */
  dbfilename?: string;
  /**
   * Automatic BGSAVE rules, as Redis's `save`: '<seconds> <changes> ...'
   * pairs ('3600 1 300 100' saves after an hour if one key changed, after
   * 5 minutes if 100 did); '' (the default) for none.
   */
  save?: string;

  // The append-only log (README, "Persistence and durability"). With `appendonly: true`
  // the engine replays <dir>/<appenddirname>/ when constructed (or, the
  // first time, starts the log from the snapshot file if there is one),
  // logs every write, and close() writes and fsyncs what is pending.

  /** Log every write (`appendonly`, default false). */
  appendonly?: boolean;
  /**
   * When the log is fsync'd (`appendfsync`): 'always' before each write
   * call returns (nothing acknowledged is ever lost; slow), 'everysec'
   * (the default) about once a second off the main thread (a crash loses
   * at most about a second), 'no' when the kernel decides.
   */
  appendfsync?: 'always' | 'everysec' | 'no';
  /** Base name of the log's files (`appendfilename`, default 'appendonly.aof'). */
  appendfilename?: string;
  /** The log's directory inside `dir` (`appenddirname`, default 'appendonlydir'). */
  appenddirname?: string;
  /** Rewrite the log once it grew by this % since the last rewrite (`auto-aof-rewrite-percentage`, default 100; 0 = never). */
  autoAofRewritePercentage?: number;
  /** ... and is at least this big (`auto-aof-rewrite-min-size`, default '64mb'). */
  autoAofRewriteMinSize?: number | string;
}

/** A `maxmemory-policy`: which keys may be evicted, and how they are chosen. */
export type MaxmemoryPolicy =
  | 'noeviction'
  | 'allkeys-lfu'
  | 'volatile-lfu'
  | 'allkeys-lru'
  | 'volatile-lru'
  | 'allkeys-random'
  | 'volatile-random'
  | 'volatile-ttl';

/** EngineOptions settings and the CONFIG SET parameters they set. */
const CONFIG_OPTIONS = [
  ['maxmemory', 'maxmemory'],
  ['maxmemoryPolicy', 'maxmemory-policy'],
  ['maxmemorySamples', 'maxmemory-samples'],
  ['lfuLogFactor', 'lfu-log-factor'],
  ['lfuDecayTime', 'lfu-decay-time'],
  ['hashMaxListpackEntries', 'hash-max-listpack-entries'],
  ['hashMaxListpackValue', 'hash-max-listpack-value'],
  ['setMaxIntsetEntries', 'set-max-intset-entries'],
  ['zsetMaxListpackEntries', 'zset-max-listpack-entries'],
  ['zsetMaxListpackValue', 'zset-max-listpack-value'],
  ['listMaxListpackSize', 'list-max-listpack-size'],
  ['dir', 'dir'],
  ['dbfilename', 'dbfilename'],
  ['save', 'save'],
  ['appendfsync', 'appendfsync'],
  ['appendfilename', 'appendfilename'],
  ['appenddirname', 'appenddirname'],
  ['autoAofRewritePercentage', 'auto-aof-rewrite-percentage'],
  ['autoAofRewriteMinSize', 'auto-aof-rewrite-min-size'],
] as const satisfies readonly (readonly [keyof EngineOptions, string])[];

const UPKEEP_INTERVAL_MS = 100;
const UPKEEP_BUDGET_NS = 1_000_000;
/** appendfsync everysec: how often the upkeep timer fsyncs the log. */
const EVERYSEC_MS = 1000;

const CONFIG_ID = commandId('config');
const SAVE_ID = commandId('save');

/**
 * Methods Engine writes out by hand instead of installing them: get, set,
 * incr and mGet skip the generic method's argv array and indirect calls
 * (bench/embedded.mjs measures them); memoryUsage has an Engine-only form.
 * Each uses its definition's command and reply conversion, and
 * test/integration/typed-methods.test.mjs checks each against the Client,
 * whose methods are the plain definitions.
 */
const HAND_WRITTEN = ['get', 'set', 'incr', 'mGet', 'memoryUsage'] as const;
const { get: GET, set: SET, incr: INCR, mGet: MGET, memoryUsage: MEMORY_USAGE } = commandDefinitions;
const GET_ID = commandId(GET.command);
const SET_ID = commandId(SET.command);
const INCR_ID = commandId(INCR.command);
const MGET_ID = commandId(MGET.command);
const MEMORY_ID = commandId(MEMORY_USAGE.command);

// The native exec also takes a numeric command id (the typed methods' fast
// path); a name passed to call() must therefore really be a name.
export function checkCommandName(command: unknown): void {
  if (typeof command !== 'string' && !(command instanceof Uint8Array)) {
    throw new TypeError(`emberkv: the command name must be a string or Buffer (got ${typeof command})`);
  }
}

/**
 * What emberkv-server needs of an engine beyond its public API: the
 * native store's server path (NativeStore: protobuf messages executed
 * natively, transactions and WATCH tokens, blocking commands' wait
 * requests and ready keys, the pub/sub registry), with the engine's clock
 * applied before anything that runs commands. Internal to the package,
 * not exported by it.
 */
export type ServerHooks = Pick<
  NativeStore,
  | 'execWire'
  | 'execWireBatch'
  | 'execTransaction'
  | 'watch'
  | 'unwatch'
  | 'allowBlocking'
  | 'trackReadyKeys'
  | 'takeBlockRequest'
  | 'takeReadyKeys'
  | 'pubsubSubscribe'
  | 'pubsubRemove'
  | 'takePubsubDeliveries'
  | 'loadFromDisk'
  | 'killBackgroundSave'
  | 'loadAppendOnly'
  | 'aofWrite'
  | 'aofState'
  | 'aofAppended'
  | 'aofSync'
  | 'aofGroupCommit'
  | 'authenticate'
  | 'aclGeneration'
  | 'userStatus'
  | 'checkChannels'
  | 'takeAuditEvents'
  | 'setAuditing'
  | 'setAclFile'
  | 'setCurrentUser'
  | 'respOpen'
  | 'respFeed'
  | 'respOutput'
  | 'respBlock'
  | 'respAuthRequest'
  | 'respFinishAuth'
  | 'respRetry'
  | 'respTimeout'
  | 'respState'
  | 'respSetUser'
  | 'respClose'
  | 'respCheckOutput'
  | 'respListen'
  | 'respListenUnix'
  | 'respPump'
  | 'respReleaseHeld'
  | 'respEnd'
  | 'respStopListening'
  | 'respTakeKilled'
  | 'respDeliver'
  | 'newClientId'
  | 'setClientCounts'
>;

const serverHooks = new WeakMap<Engine, ServerHooks>();

export function serverHooksOf(engine: Engine): ServerHooks {
  return serverHooks.get(engine)!;
}

/** The typed methods (src/commands/), installed on Engine.prototype below. */
export interface Engine extends CommandMethods<Sync> {}

export class Engine implements CommandMethods<Sync>, TransactionMethods<Sync> {
  readonly #store: NativeStore;
  readonly #clock: (() => number) | undefined;
  #upkeep: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Constructed with a snapshot or log option: loaded at start, saved at close(). */
  #persistent = false;

  constructor(options: EngineOptions = {}) {
    if (options.clock !== undefined && typeof options.clock !== 'function') {
      throw new TypeError('emberkv: options.clock must be a function returning ms since the epoch');
    }
    const settings: Argument[] = [];
    for (const [option, parameter] of CONFIG_OPTIONS) {
      const value = options[option];
      if (value === undefined) continue;
      if (typeof value !== 'number' && typeof value !== 'string') {
        throw new TypeError(`emberkv: options.${option} must be a number or a string (got ${typeof value})`);
      }
      settings.push(parameter, value);
    }
    this.#store = addon.createStore();
    this.#clock = options.clock;
    if (settings.length) {
      // One CONFIG SET, so the settings apply all together or not at all;
      // a bad one closes the store at once rather than leaving it to GC.
      try {
        this.#tick();
        this.#store.exec(CONFIG_ID, 'SET', ...settings);
      } catch (err) {
        this.#store.close();
        throw err;
      }
    }
    if (options.appendonly !== undefined && typeof options.appendonly !== 'boolean') {
      this.#store.close();
      throw new TypeError(`emberkv: options.appendonly must be a boolean (got ${typeof options.appendonly})`);
    }
    this.#persistent =
      options.dir !== undefined || options.dbfilename !== undefined || options.save !== undefined || options.appendonly === true;
    if (this.#persistent) {
      this.#tick();
      const loaded = options.appendonly ? this.#store.loadAppendOnly() : this.#store.loadFromDisk();
      if (!loaded.ok) {
        this.#store.close();
        throw new EmberError(`ERR ${loaded.error}`);
      }
      if ('warning' in loaded && loaded.warning) process.emitWarning(loaded.warning, 'EmberkvWarning');
    }
    // The store's functions carry their store with them, so they may be
    // handed over unbound.
    const store = this.#store;
    const timed =
      <A extends unknown[], R>(run: (...args: A) => R) =>
      (...args: A): R => {
        this.#tick();
        return run(...args);
      };
    serverHooks.set(this, {
      execWire: timed(store.execWire),
      execWireBatch: timed(store.execWireBatch),
      execTransaction: timed(store.execTransaction),
      watch: timed(store.watch),
      unwatch: store.unwatch,
      allowBlocking: store.allowBlocking,
      trackReadyKeys: store.trackReadyKeys,
      takeBlockRequest: store.takeBlockRequest,
      takeReadyKeys: store.takeReadyKeys,
      pubsubSubscribe: store.pubsubSubscribe,
      pubsubRemove: store.pubsubRemove,
      takePubsubDeliveries: store.takePubsubDeliveries,
      loadFromDisk: timed(store.loadFromDisk),
      killBackgroundSave: store.killBackgroundSave,
      loadAppendOnly: timed(store.loadAppendOnly),
      aofWrite: store.aofWrite,
      aofState: store.aofState,
      aofAppended: store.aofAppended,
      aofSync: store.aofSync,
      aofGroupCommit: store.aofGroupCommit,
      authenticate: store.authenticate,
      aclGeneration: store.aclGeneration,
      userStatus: store.userStatus,
      checkChannels: store.checkChannels,
      takeAuditEvents: store.takeAuditEvents,
      setAuditing: store.setAuditing,
      setAclFile: store.setAclFile,
      setCurrentUser: store.setCurrentUser,
      respOpen: store.respOpen,
      respFeed: timed(store.respFeed),
      respOutput: store.respOutput,
      respBlock: store.respBlock,
      respAuthRequest: store.respAuthRequest,
      respFinishAuth: timed(store.respFinishAuth),
      respRetry: timed(store.respRetry),
      respTimeout: timed(store.respTimeout),
      respState: store.respState,
      respSetUser: store.respSetUser,
      respClose: store.respClose,
      respCheckOutput: store.respCheckOutput,
      respListen: store.respListen,
      respListenUnix: store.respListenUnix,
      respPump: store.respPump,
      respReleaseHeld: store.respReleaseHeld,
      respEnd: store.respEnd,
      respStopListening: store.respStopListening,
      respTakeKilled: store.respTakeKilled,
      respDeliver: store.respDeliver,
      newClientId: store.newClientId,
      setClientCounts: store.setClientCounts,
    });
    if (options.backgroundUpkeep ?? true) {
      // The timer holds the store weakly, so an Engine that is dropped
      // without close() can still be garbage-collected.
      const store = new WeakRef(this.#store);
      const clock = this.#clock;
      let lastFsync = performance.now();
      const timer = setInterval(() => {
        const live = store.deref();
        if (!live) {
          clearInterval(timer);
          return;
        }
        if (clock) live.setTime(clock());
        // cron also writes the log's pending records.
        live.cron(UPKEEP_BUDGET_NS);
        if (performance.now() - lastFsync >= EVERYSEC_MS) {
          lastFsync = performance.now();
          const log = live.aofState();
          // A failure is recorded by the store (INFO aof_last_write_status,
          // MISCONF on writes); nothing to do here.
          if (log.open && log.fsync === 'everysec' && (log.pending > 0 || log.durable < log.written)) {
            live.aofSync().catch(() => {});
          }
        }
      }, UPKEEP_INTERVAL_MS);
      timer.unref();
      this.#upkeep = timer;
    }
  }

  /** Runs any command by name; bulk replies come back as strings. */
  call(command: string, ...args: Argument[]): Reply {
    checkCommandName(command);
    this.#tick();
    return this.#store.exec(command, ...args) as Reply;
  }

  /** Runs any command by name; bulk replies come back as Buffers. */
  callBuffer(command: string, ...args: Argument[]): Reply {
    checkCommandName(command);
    this.#tick();
    return this.#store.execBuffer(command, ...args) as Reply;
  }

  /**
   * One round of upkeep now (active expiry, incremental rehash) within
   * `budgetMs`; the background timer calls the same thing.
   */
  runUpkeep(budgetMs = 1): CronReport {
    this.#tick();
    return this.#store.cron(Math.max(0, budgetMs) * 1e6);
  }

  /**
   * Without a key: bytes of memory the engine's data holds, as the
   * allocator counts them (INFO's used_memory; what maxmemory limits).
   * With a key: MEMORY USAGE, the bytes that key and its value take
   * (exact, not sampled), or null if it does not exist.
   */
  memoryUsage(): number;
  memoryUsage(key: Argument): number | null;
  memoryUsage(key?: Argument): number | null {
    if (key === undefined) return this.#store.memoryUsed();
    return MEMORY_USAGE.reply(this.#exec(MEMORY_ID, MEMORY_USAGE.args(key)));
  }

  // ---- transactions (TransactionMethods: the same signatures as Client's)

  watch(...keys: Argument[]): WatchToken {
    this.#tick();
    // Without a user the store checks nothing: always a number.
    const token = this.#store.watch(keys.map(argumentBytes)) as number;
    if (token === 0) throw new EmberError(TOO_MANY_WATCH_TOKENS);
    return token;
  }

  unwatch(token: WatchToken): void {
    this.#store.unwatch(token);
  }

  exec(commands: readonly TransactionCommand[], options: ExecOptions = {}): Reply[] | null {
    return this.#transaction(commands, options, false);
  }

  execBuffer(commands: readonly TransactionCommand[], options: ExecOptions = {}): Reply[] | null {
    return this.#transaction(commands, options, true);
  }

  #transaction(commands: readonly TransactionCommand[], options: ExecOptions, asBuffer: boolean): Reply[] | null {
    // The same native path as the server's Exec RPC: a Transaction message.
    for (const command of commands) checkCommandName(command[0]);
    const message = addon.encodeCommandBatch(commands as unknown as NativeArgument[][], options.watch ?? 0);
    this.#tick();
    const result = this.#store.execTransaction(message);
    if (result === null) return null;
    if (typeof result === 'string') throw new EmberError(result);
    return addon.decodeReplyBatch(result, asBuffer) as Reply[];
  }

  /** Frees all data; any later use of this engine throws. */
  close(): void {
    if (this.#closed) return;
    let saveError: unknown;
    if (this.#persistent && this.#saveRules() !== '') {
      // As Redis at shutdown with save rules: a last SAVE (a running
      // BGSAVE is stopped first). If it fails the data is still freed,
      // and close() throws the reason.
      try {
        this.#tick();
        this.#store.killBackgroundSave();
        this.#store.exec(SAVE_ID);
      } catch (err) {
        saveError = err;
      }
    }
    this.#closed = true;
    if (this.#upkeep) clearInterval(this.#upkeep);
    this.#store.close();
    if (saveError) throw saveError;
  }

  /** CONFIG GET save: the automatic save rules, '' for none. */
  #saveRules(): string {
    const [, rules] = this.#store.exec(CONFIG_ID, 'GET', 'save') as [string, string];
    return rules;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #tick(): void {
    if (this.#clock) {
      if (this.#closed) return;  // the native call reports the closed engine
      this.#store.setTime(this.#clock());
    }
  }

  #exec(id: number, argv: Argument[]): unknown {
    this.#tick();
    return this.#store.exec(id, ...argv);
  }

  #execBuffer(id: number, argv: Argument[]): unknown {
    this.#tick();
    return this.#store.execBuffer(id, ...argv);
  }

  // ---- typed methods ---------------------------------------------------------
  // Every CommandMethods method is installed from its definition by the
  // static block below, except the HAND_WRITTEN ones here.

  set(key: Argument, value: Argument, options?: SetOptions): 'OK' | null {
    if (!options) {
      this.#tick();
      return SET.reply(this.#store.exec(SET_ID, key, value));
    }
    return SET.reply(this.#exec(SET_ID, SET.args(key, value, options)));
  }

  get(key: Argument): string | null {
    // The hottest path: no rest parameters, no spread.
    this.#tick();
    return GET.reply(this.#store.exec(GET_ID, key));
  }

  incr(key: Argument): number {
    this.#tick();
    return INCR.reply(this.#store.exec(INCR_ID, key));
  }

  mGet(...keys: Argument[]): (string | null)[] {
    this.#tick();
    return MGET.reply(this.#store.exec(MGET_ID, ...keys));
  }

  static {
    installSyncMethods<Engine, number>(
      Engine.prototype,
      commandDefinitions,
      {
        resolve: commandId,
        run: (engine, id, argv) => engine.#exec(id, argv),
        runBuffer: (engine, id, argv) => engine.#execBuffer(id, argv),
      },
      HAND_WRITTEN,
    );
  }
}
