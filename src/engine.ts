/**
 * Engine: emberkv embedded in this process.
 *
 * Every command runs in the native core, synchronously, on the calling
 * thread: `engine.call('SET', 'k', 'v')` for any command by name, or the
 * typed camelCase methods below, which are thin wrappers resolved against
 * the native command table at load time (see native.ts). Data lives outside
 * the V8 heap.
 */
import { EmberError } from './errors.js';
import { addon, commandId, type CronReport, type NativeArgument, type NativeStore } from './native.js';

/** A command argument: strings are stored as UTF-8, Buffers as raw bytes. */
export type Argument = NativeArgument;

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
] as const satisfies readonly (readonly [keyof EngineOptions, string])[];

/** Options of SET (all optional; at most one expiry option). */
export interface SetOptions {
  /** Expire after this many seconds. */
  ex?: number;
  /** Expire after this many milliseconds. */
  px?: number;
  /** Expire at this unix time in seconds. */
  exat?: number;
  /** Expire at this unix time in milliseconds. */
  pxat?: number;
  /** Keep the key's current time to live. */
  keepTtl?: boolean;
  /** Only set the key if it does not exist. */
  nx?: boolean;
  /** Only set the key if it already exists. */
  xx?: boolean;
}

/** Options of GETEX (at most one). */
export interface GetExOptions {
  ex?: number;
  px?: number;
  exat?: number;
  pxat?: number;
  /** Remove the time to live. */
  persist?: boolean;
}

/** Condition of EXPIRE and its siblings (Redis 7). */
export type ExpireCondition = 'NX' | 'XX' | 'GT' | 'LT';

export interface CopyOptions {
  /** Destination database index. */
  db?: number;
  /** Overwrite the destination if it exists. */
  replace?: boolean;
}

export interface ScanOptions {
  match?: string;
  count?: number;
  /** Only keys holding this type: 'string', 'list', 'set', 'zset', 'hash'. */
  type?: string;
}

export interface ScanPage {
  /** Pass to the next scan call; '0' when the scan is complete. */
  cursor: string;
  keys: string[];
}

const UPKEEP_INTERVAL_MS = 100;
const UPKEEP_BUDGET_NS = 1_000_000;

// Command ids, resolved once against the native command table.
const ID = {
  set: commandId('set'),
  get: commandId('get'),
  getdel: commandId('getdel'),
  getex: commandId('getex'),
  getset: commandId('getset'),
  mget: commandId('mget'),
  mset: commandId('mset'),
  msetnx: commandId('msetnx'),
  setnx: commandId('setnx'),
  setex: commandId('setex'),
  psetex: commandId('psetex'),
  append: commandId('append'),
  strlen: commandId('strlen'),
  getrange: commandId('getrange'),
  setrange: commandId('setrange'),
  incr: commandId('incr'),
  decr: commandId('decr'),
  incrby: commandId('incrby'),
  decrby: commandId('decrby'),
  incrbyfloat: commandId('incrbyfloat'),
  del: commandId('del'),
  unlink: commandId('unlink'),
  exists: commandId('exists'),
  type: commandId('type'),
  expire: commandId('expire'),
  pexpire: commandId('pexpire'),
  expireat: commandId('expireat'),
  pexpireat: commandId('pexpireat'),
  ttl: commandId('ttl'),
  pttl: commandId('pttl'),
  expiretime: commandId('expiretime'),
  pexpiretime: commandId('pexpiretime'),
  persist: commandId('persist'),
  rename: commandId('rename'),
  renamenx: commandId('renamenx'),
  copy: commandId('copy'),
  keys: commandId('keys'),
  scan: commandId('scan'),
  randomkey: commandId('randomkey'),
  dbsize: commandId('dbsize'),
  flushall: commandId('flushall'),
  flushdb: commandId('flushdb'),
  touch: commandId('touch'),
  object: commandId('object'),
  ping: commandId('ping'),
  echo: commandId('echo'),
  time: commandId('time'),
  command: commandId('command'),
  info: commandId('info'),
  memory: commandId('memory'),
  publish: commandId('publish'),
  pubsub: commandId('pubsub'),
} as const;

const CONFIG_ID = commandId('config');

const LIST_ID = {
  lpush: commandId('lpush'),
  rpush: commandId('rpush'),
  lpushx: commandId('lpushx'),
  rpushx: commandId('rpushx'),
  lpop: commandId('lpop'),
  rpop: commandId('rpop'),
  llen: commandId('llen'),
  lrange: commandId('lrange'),
  lindex: commandId('lindex'),
  lset: commandId('lset'),
  linsert: commandId('linsert'),
  lrem: commandId('lrem'),
  ltrim: commandId('ltrim'),
  lpos: commandId('lpos'),
  lmove: commandId('lmove'),
  rpoplpush: commandId('rpoplpush'),
  lmpop: commandId('lmpop'),
} as const;

/** An end of a list (LMOVE, LMPOP). */
export type ListEnd = 'LEFT' | 'RIGHT';

export interface LPosOptions {
  /** 1 = first match, 2 = second, ...; negative counts matches from the tail. */
  rank?: number;
  /** Compare at most this many elements (0 = all). */
  maxLen?: number;
}

function lposArguments(options: LPosOptions): Argument[] {
  const args: Argument[] = [];
  if (options.rank !== undefined) args.push('RANK', options.rank);
  if (options.maxLen !== undefined) args.push('MAXLEN', options.maxLen);
  return args;
}
const HASH_ID = {
  hset: commandId('hset'),
  hget: commandId('hget'),
  hmset: commandId('hmset'),
  hsetnx: commandId('hsetnx'),
  hdel: commandId('hdel'),
  hexists: commandId('hexists'),
  hlen: commandId('hlen'),
  hstrlen: commandId('hstrlen'),
  hmget: commandId('hmget'),
  hkeys: commandId('hkeys'),
  hvals: commandId('hvals'),
  hgetall: commandId('hgetall'),
  hincrby: commandId('hincrby'),
  hincrbyfloat: commandId('hincrbyfloat'),
  hrandfield: commandId('hrandfield'),
  hscan: commandId('hscan'),
} as const;

export interface HScanOptions {
  /** Only fields matching this glob pattern. */
  match?: string;
  count?: number;
}

export interface HScanPage {
  /** Pass to the next hScan call; '0' when the scan is complete. */
  cursor: string;
  /** [field, value] pairs of this page. */
  entries: [string, string][];
}

/** A flat [f1, v1, f2, v2, ...] reply as [field, value] pairs. */
function flatPairs(flat: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
  return pairs;
}
const SET_ID = {
  sadd: commandId('sadd'),
  srem: commandId('srem'),
  sismember: commandId('sismember'),
  smismember: commandId('smismember'),
  smembers: commandId('smembers'),
  scard: commandId('scard'),
  smove: commandId('smove'),
  sinter: commandId('sinter'),
  sunion: commandId('sunion'),
  sdiff: commandId('sdiff'),
  sinterstore: commandId('sinterstore'),
  sunionstore: commandId('sunionstore'),
  sdiffstore: commandId('sdiffstore'),
  sintercard: commandId('sintercard'),
  srandmember: commandId('srandmember'),
  spop: commandId('spop'),
  sscan: commandId('sscan'),
} as const;

/** SSCAN options (sets have no TYPE filter). */
export interface SScanOptions {
  match?: Argument;
  count?: number;
}

/** One SSCAN step: the next cursor ('0' when done) and some members. */
export interface SScanPage {
  cursor: string;
  members: string[];
}
const ZSET_ID = {
  zadd: commandId('zadd'),
  zcard: commandId('zcard'),
  zscore: commandId('zscore'),
  zmscore: commandId('zmscore'),
  zincrby: commandId('zincrby'),
  zrem: commandId('zrem'),
  zrank: commandId('zrank'),
  zrevrank: commandId('zrevrank'),
  zcount: commandId('zcount'),
  zrange: commandId('zrange'),
  zrangebyscore: commandId('zrangebyscore'),
  zrevrangebyscore: commandId('zrevrangebyscore'),
  zrevrange: commandId('zrevrange'),
  zrangebylex: commandId('zrangebylex'),
  zrevrangebylex: commandId('zrevrangebylex'),
  zlexcount: commandId('zlexcount'),
  zremrangebyrank: commandId('zremrangebyrank'),
  zremrangebyscore: commandId('zremrangebyscore'),
  zremrangebylex: commandId('zremrangebylex'),
  zpopmin: commandId('zpopmin'),
  zpopmax: commandId('zpopmax'),
  zrangestore: commandId('zrangestore'),
  zunionstore: commandId('zunionstore'),
  zinterstore: commandId('zinterstore'),
  zdiffstore: commandId('zdiffstore'),
  zunion: commandId('zunion'),
  zinter: commandId('zinter'),
  zdiff: commandId('zdiff'),
  zintercard: commandId('zintercard'),
  zmpop: commandId('zmpop'),
  zrandmember: commandId('zrandmember'),
  zscan: commandId('zscan'),
} as const;

/** A sorted-set member with its score. */
export interface ZMember {
  member: string;
  score: number;
}

/** ZADD conditions (Redis's NX / XX / GT / LT) and CH. */
export interface ZAddOptions {
  nx?: boolean;
  xx?: boolean;
  gt?: boolean;
  lt?: boolean;
  /** Count changed members too, not only added ones. */
  ch?: boolean;
}

/** LIMIT offset count of the score and lex ranges. */
export interface ZLimit {
  offset: number;
  count: number;
}

/** ZRANGE / ZRANGESTORE options: by rank (default), score or lex; reversed; limited. */
export interface ZRangeOptions {
  by?: 'score' | 'lex';
  rev?: boolean;
  limit?: ZLimit;
}

/** ZUNION(STORE) / ZINTER(STORE) options. */
export interface ZCombineOptions {
  weights?: number[];
  aggregate?: 'SUM' | 'MIN' | 'MAX';
}

/** ZSCAN options. */
export interface ZScanOptions {
  match?: Argument;
  count?: number;
}

/** One ZSCAN step: the next cursor ('0' when done) and some members. */
export interface ZScanPage {
  cursor: string;
  members: ZMember[];
}

/** A score reply ("inf", "-inf" or a decimal) as a number; null stays null. */
function toScore(reply: unknown): number {
  const text = String(reply);
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

/** A flat [member, score, member, score...] reply as ZMembers. */
function toZMembers(reply: unknown): ZMember[] {
  const flat = reply as string[];
  const out: ZMember[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i]!, score: toScore(flat[i + 1]) });
  return out;
}

function zRangeArguments(options: ZRangeOptions): Argument[] {
  const args: Argument[] = [];
  if (options.by === 'score') args.push('BYSCORE');
  if (options.by === 'lex') args.push('BYLEX');
  if (options.rev) args.push('REV');
  if (options.limit) args.push('LIMIT', options.limit.offset, options.limit.count);
  return args;
}

function zLimitArguments(limit: ZLimit | undefined): Argument[] {
  return limit ? ['LIMIT', limit.offset, limit.count] : [];
}

function zCombineArguments(keys: Argument[], options: ZCombineOptions): Argument[] {
  const args: Argument[] = [keys.length, ...keys];
  if (options.weights) args.push('WEIGHTS', ...options.weights);
  if (options.aggregate) args.push('AGGREGATE', options.aggregate);
  return args;
}

/** An integer reply as a number; integers beyond 2^53 need engine.call. */
function toNumber(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'bigint') {
    throw new RangeError(`emberkv: the reply ${reply} is beyond Number.MAX_SAFE_INTEGER; use engine.call() to get it as a bigint`);
  }
  throw new TypeError(`emberkv: expected an integer reply, got ${typeof reply}`);
}

// The native exec also takes a numeric command id (the typed methods' fast
// path); a name passed to call() must therefore really be a name.
export function checkCommandName(command: unknown): void {
  if (typeof command !== 'string' && !(command instanceof Uint8Array)) {
    throw new TypeError(`emberkv: the command name must be a string or Buffer (got ${typeof command})`);
  }
}

function expiryArguments(options: SetOptions | GetExOptions): Argument[] {
  const args: Argument[] = [];
  if (options.ex !== undefined) args.push('EX', options.ex);
  if (options.px !== undefined) args.push('PX', options.px);
  if (options.exat !== undefined) args.push('EXAT', options.exat);
  if (options.pxat !== undefined) args.push('PXAT', options.pxat);
  return args;
}

/** PUBSUB NUMSUB's flat [channel, count, ...] reply as pairs. */
function channelCounts(reply: unknown): [string, number][] {
  const flat = reply as (string | number)[];
  const pairs: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as number]);
  return pairs;
}

function pairArguments(pairs: Record<string, Argument> | Iterable<readonly [Argument, Argument]>): Argument[] {
  const args: Argument[] = [];
  if (Symbol.iterator in pairs) {
    for (const [key, value] of pairs as Iterable<readonly [Argument, Argument]>) args.push(key, value);
  } else {
    for (const [key, value] of Object.entries(pairs)) args.push(key, value);
  }
  return args;
}

/**
 * What emberkv-server needs of an engine beyond its public API: protobuf
 * messages executed natively (NativeStore.execWire) and the pub/sub
 * registry. Internal to the package, not exported by it.
 */
export interface ServerHooks {
  execute(message: Uint8Array): Buffer | string;
  executeBatch(message: Uint8Array): Buffer;
  subscribe(id: number, channels: readonly Buffer[], patterns: readonly Buffer[]): void;
  unsubscribeAll(id: number): void;
  takeDeliveries(): [number, Buffer, Buffer, Buffer | null][] | null;
}

const serverHooks = new WeakMap<Engine, ServerHooks>();

export function serverHooksOf(engine: Engine): ServerHooks {
  return serverHooks.get(engine)!;
}

export class Engine {
  readonly #store: NativeStore;
  readonly #clock: (() => number) | undefined;
  #upkeep: ReturnType<typeof setInterval> | undefined;
  #closed = false;

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
    serverHooks.set(this, {
      execute: (message) => {
        this.#tick();
        return this.#store.execWire(message);
      },
      executeBatch: (message) => {
        this.#tick();
        return this.#store.execWireBatch(message);
      },
      subscribe: (id, channels, patterns) => this.#store.pubsubSubscribe(id, channels, patterns),
      unsubscribeAll: (id) => this.#store.pubsubRemove(id),
      takeDeliveries: () => this.#store.takePubsubDeliveries(),
    });
    if (options.backgroundUpkeep ?? true) {
      // The timer holds the store weakly, so an Engine that is dropped
      // without close() can still be garbage-collected.
      const store = new WeakRef(this.#store);
      const clock = this.#clock;
      const timer = setInterval(() => {
        const live = store.deref();
        if (!live) {
          clearInterval(timer);
          return;
        }
        if (clock) live.setTime(clock());
        live.cron(UPKEEP_BUDGET_NS);
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
    const reply = this.#exec(ID.memory, 'USAGE', key);
    return reply === null ? null : toNumber(reply);
  }

  /** MEMORY STATS: Redis's field names, as a flat [name, value, ...] array. */
  memoryStats(): unknown[] {
    return this.#exec(ID.memory, 'STATS') as unknown[];
  }

  /** MEMORY PURGE: returns free heap pages to the operating system. */
  memoryPurge(): 'OK' {
    return this.#exec(ID.memory, 'PURGE') as 'OK';
  }

  /** Frees all data; any later use of this engine throws. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#upkeep) clearInterval(this.#upkeep);
    this.#store.close();
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

  #exec(id: number, ...args: Argument[]): unknown {
    this.#tick();
    return this.#store.exec(id, ...args);
  }

  #execBuffer(id: number, ...args: Argument[]): unknown {
    this.#tick();
    return this.#store.execBuffer(id, ...args);
  }

  // ---- strings -------------------------------------------------------------

  /** SET: 'OK', or null when NX/XX prevented the write. */
  set(key: Argument, value: Argument, options?: SetOptions): 'OK' | null {
    if (!options) {
      this.#tick();
      return this.#store.exec(ID.set, key, value) as 'OK';
    }
    return this.#exec(ID.set, key, value, ...this.#setFlags(options)) as 'OK' | null;
  }

  /** SET ... GET: writes the value and returns the previous one (or null). */
  setGet(key: Argument, value: Argument, options: SetOptions = {}): string | null {
    return this.#exec(ID.set, key, value, ...this.#setFlags(options), 'GET') as string | null;
  }

  #setFlags(options: SetOptions): Argument[] {
    const args = expiryArguments(options);
    if (options.keepTtl) args.push('KEEPTTL');
    if (options.nx) args.push('NX');
    if (options.xx) args.push('XX');
    return args;
  }

  get(key: Argument): string | null {
    // The hottest path: no rest parameters, no spread.
    this.#tick();
    return this.#store.exec(ID.get, key) as string | null;
  }

  getBuffer(key: Argument): Buffer | null {
    return this.#execBuffer(ID.get, key) as Buffer | null;
  }

  getDel(key: Argument): string | null {
    return this.#exec(ID.getdel, key) as string | null;
  }

  getEx(key: Argument, options: GetExOptions = {}): string | null {
    const args = expiryArguments(options);
    if (options.persist) args.push('PERSIST');
    return this.#exec(ID.getex, key, ...args) as string | null;
  }

  getSet(key: Argument, value: Argument): string | null {
    return this.#exec(ID.getset, key, value) as string | null;
  }

  mGet(...keys: Argument[]): (string | null)[] {
    return this.#exec(ID.mget, ...keys) as (string | null)[];
  }

  mGetBuffer(...keys: Argument[]): (Buffer | null)[] {
    return this.#execBuffer(ID.mget, ...keys) as (Buffer | null)[];
  }

  /** MSET from an object or from [key, value] pairs. */
  mSet(pairs: Record<string, Argument> | Iterable<readonly [Argument, Argument]>): 'OK' {
    return this.#exec(ID.mset, ...pairArguments(pairs)) as 'OK';
  }

  /** MSETNX: true if every key was set (none existed). */
  mSetNx(pairs: Record<string, Argument> | Iterable<readonly [Argument, Argument]>): boolean {
    return this.#exec(ID.msetnx, ...pairArguments(pairs)) === 1;
  }

  setNx(key: Argument, value: Argument): boolean {
    return this.#exec(ID.setnx, key, value) === 1;
  }

  setEx(key: Argument, seconds: number, value: Argument): 'OK' {
    return this.#exec(ID.setex, key, seconds, value) as 'OK';
  }

  pSetEx(key: Argument, milliseconds: number, value: Argument): 'OK' {
    return this.#exec(ID.psetex, key, milliseconds, value) as 'OK';
  }

  /** APPEND: the length of the string after the append. */
  append(key: Argument, value: Argument): number {
    return toNumber(this.#exec(ID.append, key, value));
  }

  strLen(key: Argument): number {
    return toNumber(this.#exec(ID.strlen, key));
  }

  getRange(key: Argument, start: number, end: number): string {
    return this.#exec(ID.getrange, key, start, end) as string;
  }

  /** SETRANGE: the length of the string after the write. */
  setRange(key: Argument, offset: number, value: Argument): number {
    return toNumber(this.#exec(ID.setrange, key, offset, value));
  }

  incr(key: Argument): number {
    this.#tick();
    return toNumber(this.#store.exec(ID.incr, key));
  }

  decr(key: Argument): number {
    return toNumber(this.#exec(ID.decr, key));
  }

  incrBy(key: Argument, increment: number | bigint): number {
    return toNumber(this.#exec(ID.incrby, key, increment));
  }

  decrBy(key: Argument, decrement: number | bigint): number {
    return toNumber(this.#exec(ID.decrby, key, decrement));
  }

  /** INCRBYFLOAT: the new value as Redis prints it (exact decimal text). */
  incrByFloat(key: Argument, increment: number | string): string {
    return this.#exec(ID.incrbyfloat, key, increment) as string;
  }

  // ---- lists ---------------------------------------------------------------

  /** LPUSH: the length of the list after the push. */
  lPush(key: Argument, ...elements: Argument[]): number {
    return toNumber(this.#exec(LIST_ID.lpush, key, ...elements));
  }

  /** RPUSH: the length of the list after the push. */
  rPush(key: Argument, ...elements: Argument[]): number {
    return toNumber(this.#exec(LIST_ID.rpush, key, ...elements));
  }

  /** LPUSHX: pushes only onto an existing list; 0 if there is none. */
  lPushX(key: Argument, ...elements: Argument[]): number {
    return toNumber(this.#exec(LIST_ID.lpushx, key, ...elements));
  }

  /** RPUSHX: pushes only onto an existing list; 0 if there is none. */
  rPushX(key: Argument, ...elements: Argument[]): number {
    return toNumber(this.#exec(LIST_ID.rpushx, key, ...elements));
  }

  /** LPOP: the first element, or null if the key does not exist. */
  lPop(key: Argument): string | null {
    return this.#exec(LIST_ID.lpop, key) as string | null;
  }

  /** LPOP key count: up to `count` elements, or null if the key does not exist. */
  lPopCount(key: Argument, count: number): string[] | null {
    return this.#exec(LIST_ID.lpop, key, count) as string[] | null;
  }

  /** RPOP: the last element, or null if the key does not exist. */
  rPop(key: Argument): string | null {
    return this.#exec(LIST_ID.rpop, key) as string | null;
  }

  /** RPOP key count: up to `count` elements, or null if the key does not exist. */
  rPopCount(key: Argument, count: number): string[] | null {
    return this.#exec(LIST_ID.rpop, key, count) as string[] | null;
  }

  lLen(key: Argument): number {
    return toNumber(this.#exec(LIST_ID.llen, key));
  }

  /** LRANGE: elements from start to stop, both inclusive (negative from the end). */
  lRange(key: Argument, start: number, stop: number): string[] {
    return this.#exec(LIST_ID.lrange, key, start, stop) as string[];
  }

  lIndex(key: Argument, index: number): string | null {
    return this.#exec(LIST_ID.lindex, key, index) as string | null;
  }

  lSet(key: Argument, index: number, element: Argument): 'OK' {
    return this.#exec(LIST_ID.lset, key, index, element) as 'OK';
  }

  /** LINSERT: the new length, -1 if the pivot was not found, 0 if the key does not exist. */
  lInsert(key: Argument, where: 'BEFORE' | 'AFTER', pivot: Argument, element: Argument): number {
    return toNumber(this.#exec(LIST_ID.linsert, key, where, pivot, element));
  }

  /** LREM: removes `count` matches (0 = all; negative = from the tail); the number removed. */
  lRem(key: Argument, count: number, element: Argument): number {
    return toNumber(this.#exec(LIST_ID.lrem, key, count, element));
  }

  lTrim(key: Argument, start: number, stop: number): 'OK' {
    return this.#exec(LIST_ID.ltrim, key, start, stop) as 'OK';
  }

  /** LPOS: the index of the matching element, or null. */
  lPos(key: Argument, element: Argument, options: LPosOptions = {}): number | null {
    const reply = this.#exec(LIST_ID.lpos, key, element, ...lposArguments(options));
    return reply === null ? null : toNumber(reply);
  }

  /** LPOS ... COUNT: the indexes of up to `count` matches (0 = all). */
  lPosCount(key: Argument, element: Argument, count: number, options: LPosOptions = {}): number[] {
    const reply = this.#exec(LIST_ID.lpos, key, element, ...lposArguments(options), 'COUNT', count) as unknown[];
    return reply.map(toNumber);
  }

  /** LMOVE: the element moved, or null if the source does not exist. */
  lMove(source: Argument, destination: Argument, from: ListEnd, to: ListEnd): string | null {
    return this.#exec(LIST_ID.lmove, source, destination, from, to) as string | null;
  }

  /** RPOPLPUSH: the element moved, or null if the source does not exist. */
  rPopLPush(source: Argument, destination: Argument): string | null {
    return this.#exec(LIST_ID.rpoplpush, source, destination) as string | null;
  }

  /** LMPOP: pops from the first non-empty list of `keys`: its key and elements, or null. */
  lmPop(keys: Argument[], from: ListEnd, count?: number): { key: string; elements: string[] } | null {
    const args: Argument[] = [keys.length, ...keys, from];
    if (count !== undefined) args.push('COUNT', count);
    const reply = this.#exec(LIST_ID.lmpop, ...args) as [string, string[]] | null;
    return reply === null ? null : { key: reply[0], elements: reply[1] };
  }
  /** HSET: sets the fields; returns how many were new. */
  hSet(key: Argument, fields: Record<string, Argument> | Iterable<readonly [Argument, Argument]>): number {
    return toNumber(this.#exec(HASH_ID.hset, key, ...pairArguments(fields)));
  }

  hGet(key: Argument, field: Argument): string | null {
    return this.#exec(HASH_ID.hget, key, field) as string | null;
  }

  /** HMSET: HSET replying 'OK' (deprecated in Redis, kept for compatibility). */
  hmSet(key: Argument, fields: Record<string, Argument> | Iterable<readonly [Argument, Argument]>): 'OK' {
    return this.#exec(HASH_ID.hmset, key, ...pairArguments(fields)) as 'OK';
  }

  /** HSETNX: sets the field only if it does not exist; true if it was set. */
  hSetNx(key: Argument, field: Argument, value: Argument): boolean {
    return this.#exec(HASH_ID.hsetnx, key, field, value) === 1;
  }

  /** HDEL: removes the fields; returns how many existed. */
  hDel(key: Argument, ...fields: Argument[]): number {
    return toNumber(this.#exec(HASH_ID.hdel, key, ...fields));
  }

  hExists(key: Argument, field: Argument): boolean {
    return this.#exec(HASH_ID.hexists, key, field) === 1;
  }

  hLen(key: Argument): number {
    return toNumber(this.#exec(HASH_ID.hlen, key));
  }

  /** HSTRLEN: the length of the field's value in bytes (0 if absent). */
  hStrLen(key: Argument, field: Argument): number {
    return toNumber(this.#exec(HASH_ID.hstrlen, key, field));
  }

  /** HMGET: the values of the fields, null for each missing one. */
  hmGet(key: Argument, ...fields: Argument[]): (string | null)[] {
    return this.#exec(HASH_ID.hmget, key, ...fields) as (string | null)[];
  }

  hKeys(key: Argument): string[] {
    return this.#exec(HASH_ID.hkeys, key) as string[];
  }

  hVals(key: Argument): string[] {
    return this.#exec(HASH_ID.hvals, key) as string[];
  }

  /** HGETALL as an object (field -> value); {} if the key does not exist. */
  hGetAll(key: Argument): Record<string, string> {
    // fromEntries defines own properties, so a field named __proto__ is kept as data.
    return Object.fromEntries(flatPairs(this.#exec(HASH_ID.hgetall, key) as string[]));
  }

  /** HINCRBY: the field's integer value after adding `increment`. */
  hIncrBy(key: Argument, field: Argument, increment: number | bigint): number {
    return toNumber(this.#exec(HASH_ID.hincrby, key, field, increment));
  }

  /** HINCRBYFLOAT: the new value, as Redis formats it. */
  hIncrByFloat(key: Argument, field: Argument, increment: number | string): string {
    return this.#exec(HASH_ID.hincrbyfloat, key, field, increment) as string;
  }

  /** HRANDFIELD key: one random field, or null if the key does not exist. */
  hRandField(key: Argument): string | null {
    return this.#exec(HASH_ID.hrandfield, key) as string | null;
  }

  /** HRANDFIELD key count: distinct fields if count > 0, |count| picks with repeats if count < 0. */
  hRandFieldCount(key: Argument, count: number): string[] {
    return this.#exec(HASH_ID.hrandfield, key, count) as string[];
  }

  /** HRANDFIELD key count WITHVALUES, as [field, value] pairs. */
  hRandFieldWithValues(key: Argument, count: number): [string, string][] {
    return flatPairs(this.#exec(HASH_ID.hrandfield, key, count, 'WITHVALUES') as string[]);
  }

  /** HSCAN: one page of [field, value] pairs. */
  hScan(key: Argument, cursor: string | number, options: HScanOptions = {}): HScanPage {
    const args: Argument[] = [key, String(cursor)];
    if (options.match !== undefined) args.push('MATCH', options.match);
    if (options.count !== undefined) args.push('COUNT', options.count);
    const [next, flat] = this.#exec(HASH_ID.hscan, ...args) as [string, string[]];
    return { cursor: next, entries: flatPairs(flat) };
  }

  /** Every [field, value] pair of the hash, through HSCAN pages. */
  *hScanIterator(key: Argument, options: HScanOptions = {}): Generator<[string, string], void, undefined> {
    let cursor = '0';
    do {
      const page = this.hScan(key, cursor, options);
      yield* page.entries;
      cursor = page.cursor;
    } while (cursor !== '0');
  }
  /** SADD: how many members were new. */
  sAdd(key: Argument, ...members: Argument[]): number {
    return toNumber(this.#exec(SET_ID.sadd, key, ...members));
  }

  /** SREM: how many members were removed. */
  sRem(key: Argument, ...members: Argument[]): number {
    return toNumber(this.#exec(SET_ID.srem, key, ...members));
  }

  sIsMember(key: Argument, member: Argument): boolean {
    return this.#exec(SET_ID.sismember, key, member) === 1;
  }

  /** SMISMEMBER: one boolean per member, in order. */
  sMIsMember(key: Argument, ...members: Argument[]): boolean[] {
    return (this.#exec(SET_ID.smismember, key, ...members) as number[]).map((r) => r === 1);
  }

  /** SMEMBERS: every member, in no particular order ([] for a missing key). */
  sMembers(key: Argument): string[] {
    return this.#exec(SET_ID.smembers, key) as string[];
  }

  sCard(key: Argument): number {
    return toNumber(this.#exec(SET_ID.scard, key));
  }

  /** SMOVE: true if the member was moved (or already in both, for source = destination). */
  sMove(source: Argument, destination: Argument, member: Argument): boolean {
    return this.#exec(SET_ID.smove, source, destination, member) === 1;
  }

  sInter(...keys: Argument[]): string[] {
    return this.#exec(SET_ID.sinter, ...keys) as string[];
  }

  sUnion(...keys: Argument[]): string[] {
    return this.#exec(SET_ID.sunion, ...keys) as string[];
  }

  /** SDIFF: the members of the first set that are in none of the others. */
  sDiff(...keys: Argument[]): string[] {
    return this.#exec(SET_ID.sdiff, ...keys) as string[];
  }

  /** SINTERSTORE: the size of the stored result (an empty result deletes `destination`). */
  sInterStore(destination: Argument, ...keys: Argument[]): number {
    return toNumber(this.#exec(SET_ID.sinterstore, destination, ...keys));
  }

  sUnionStore(destination: Argument, ...keys: Argument[]): number {
    return toNumber(this.#exec(SET_ID.sunionstore, destination, ...keys));
  }

  sDiffStore(destination: Argument, ...keys: Argument[]): number {
    return toNumber(this.#exec(SET_ID.sdiffstore, destination, ...keys));
  }

  /** SINTERCARD: the size of the intersection, counting up to `limit` (0 = no limit). */
  sInterCard(keys: Argument[], limit?: number): number {
    const args: Argument[] = [keys.length, ...keys];
    if (limit !== undefined) args.push('LIMIT', limit);
    return toNumber(this.#exec(SET_ID.sintercard, ...args));
  }

  /**
   * SRANDMEMBER: without `count`, one random member (null for a missing
   * key); with it, up to `count` distinct members, or |count| members with
   * repeats when negative.
   */
  sRandMember(key: Argument): string | null;
  sRandMember(key: Argument, count: number): string[];
  sRandMember(key: Argument, count?: number): string | null | string[] {
    if (count === undefined) return this.#exec(SET_ID.srandmember, key) as string | null;
    return this.#exec(SET_ID.srandmember, key, count) as string[];
  }

  /** SPOP: removes and returns one random member (null if none), or up to `count`. */
  sPop(key: Argument): string | null;
  sPop(key: Argument, count: number): string[];
  sPop(key: Argument, count?: number): string | null | string[] {
    if (count === undefined) return this.#exec(SET_ID.spop, key) as string | null;
    return this.#exec(SET_ID.spop, key, count) as string[];
  }

  /** One SSCAN step. Start with cursor '0'; done when it returns '0'. */
  sScan(key: Argument, cursor: string | number, options: SScanOptions = {}): SScanPage {
    const args: Argument[] = [key, cursor];
    if (options.match !== undefined) args.push('MATCH', options.match);
    if (options.count !== undefined) args.push('COUNT', options.count);
    const [next, members] = this.#exec(SET_ID.sscan, ...args) as [string, string[]];
    return { cursor: next, members };
  }
  // ---- sorted sets -------------------------------------------------------

  /**
   * ZADD: members as [score, member] pairs or a { member: score } record.
   * Returns the number of members added (added + changed with `ch`).
   */
  zAdd(key: Argument, members: Iterable<readonly [number | string, Argument]> | Record<string, number>,
    options: ZAddOptions = {}): number {
    const args: Argument[] = [key];
    if (options.nx) args.push('NX');
    if (options.xx) args.push('XX');
    if (options.gt) args.push('GT');
    if (options.lt) args.push('LT');
    if (options.ch) args.push('CH');
    if (Symbol.iterator in members) {
      for (const [score, member] of members as Iterable<readonly [number | string, Argument]>) args.push(score, member);
    } else {
      for (const [member, score] of Object.entries(members)) args.push(score, member);
    }
    return toNumber(this.#exec(ZSET_ID.zadd, ...args));
  }

  /** ZADD ... INCR: the new score, or null when a condition prevented the update. */
  zAddIncr(key: Argument, increment: number | string, member: Argument, options: ZAddOptions = {}): number | null {
    const args: Argument[] = [key];
    if (options.nx) args.push('NX');
    if (options.xx) args.push('XX');
    if (options.gt) args.push('GT');
    if (options.lt) args.push('LT');
    const reply = this.#exec(ZSET_ID.zadd, ...args, 'INCR', increment, member);
    return reply === null ? null : toScore(reply);
  }

  zCard(key: Argument): number {
    return toNumber(this.#exec(ZSET_ID.zcard, key));
  }

  /** ZSCORE: the member's score, or null. */
  zScore(key: Argument, member: Argument): number | null {
    const reply = this.#exec(ZSET_ID.zscore, key, member);
    return reply === null ? null : toScore(reply);
  }

  /** ZMSCORE: one score (or null) per member, in order. */
  zmScore(key: Argument, ...members: Argument[]): (number | null)[] {
    return (this.#exec(ZSET_ID.zmscore, key, ...members) as (string | null)[]).map((r) => (r === null ? null : toScore(r)));
  }

  /** ZINCRBY: the new score. */
  zIncrBy(key: Argument, increment: number | string, member: Argument): number {
    return toScore(this.#exec(ZSET_ID.zincrby, key, increment, member));
  }

  /** ZREM: how many members were removed. */
  zRem(key: Argument, ...members: Argument[]): number {
    return toNumber(this.#exec(ZSET_ID.zrem, key, ...members));
  }

  /** ZRANK: the 0-based rank by ascending score, or null. */
  zRank(key: Argument, member: Argument): number | null {
    const reply = this.#exec(ZSET_ID.zrank, key, member);
    return reply === null ? null : toNumber(reply);
  }

  zRevRank(key: Argument, member: Argument): number | null {
    const reply = this.#exec(ZSET_ID.zrevrank, key, member);
    return reply === null ? null : toNumber(reply);
  }

  /** ZCOUNT: members with a score in [min, max] ("(" makes a bound exclusive). */
  zCount(key: Argument, min: number | string, max: number | string): number {
    return toNumber(this.#exec(ZSET_ID.zcount, key, min, max));
  }

  /** ZRANGE: members by rank (default), score or lex range. */
  zRange(key: Argument, start: Argument, stop: Argument, options: ZRangeOptions = {}): string[] {
    return this.#exec(ZSET_ID.zrange, key, start, stop, ...zRangeArguments(options)) as string[];
  }

  /** ZRANGE ... WITHSCORES (not with `by: 'lex'`). */
  zRangeWithScores(key: Argument, start: Argument, stop: Argument, options: ZRangeOptions = {}): ZMember[] {
    return toZMembers(this.#exec(ZSET_ID.zrange, key, start, stop, ...zRangeArguments(options), 'WITHSCORES'));
  }

  zRangeByScore(key: Argument, min: number | string, max: number | string, limit?: ZLimit): string[] {
    return this.#exec(ZSET_ID.zrangebyscore, key, min, max, ...zLimitArguments(limit)) as string[];
  }

  zRevRangeByScore(key: Argument, max: number | string, min: number | string, limit?: ZLimit): string[] {
    return this.#exec(ZSET_ID.zrevrangebyscore, key, max, min, ...zLimitArguments(limit)) as string[];
  }

  zRevRange(key: Argument, start: number, stop: number): string[] {
    return this.#exec(ZSET_ID.zrevrange, key, start, stop) as string[];
  }

  /** ZRANGEBYLEX: bounds are "[x", "(x", "-" or "+". */
  zRangeByLex(key: Argument, min: Argument, max: Argument, limit?: ZLimit): string[] {
    return this.#exec(ZSET_ID.zrangebylex, key, min, max, ...zLimitArguments(limit)) as string[];
  }

  zRevRangeByLex(key: Argument, max: Argument, min: Argument, limit?: ZLimit): string[] {
    return this.#exec(ZSET_ID.zrevrangebylex, key, max, min, ...zLimitArguments(limit)) as string[];
  }

  zLexCount(key: Argument, min: Argument, max: Argument): number {
    return toNumber(this.#exec(ZSET_ID.zlexcount, key, min, max));
  }

  zRemRangeByRank(key: Argument, start: number, stop: number): number {
    return toNumber(this.#exec(ZSET_ID.zremrangebyrank, key, start, stop));
  }

  zRemRangeByScore(key: Argument, min: number | string, max: number | string): number {
    return toNumber(this.#exec(ZSET_ID.zremrangebyscore, key, min, max));
  }

  zRemRangeByLex(key: Argument, min: Argument, max: Argument): number {
    return toNumber(this.#exec(ZSET_ID.zremrangebylex, key, min, max));
  }

  /** ZPOPMIN: removes and returns up to `count` (default 1) lowest members. */
  zPopMin(key: Argument, count?: number): ZMember[] {
    return toZMembers(this.#exec(ZSET_ID.zpopmin, key, ...(count === undefined ? [] : [count])));
  }

  zPopMax(key: Argument, count?: number): ZMember[] {
    return toZMembers(this.#exec(ZSET_ID.zpopmax, key, ...(count === undefined ? [] : [count])));
  }

  /** ZRANGESTORE: the size of the stored range (an empty one deletes `destination`). */
  zRangeStore(destination: Argument, source: Argument, min: Argument, max: Argument, options: ZRangeOptions = {}): number {
    return toNumber(this.#exec(ZSET_ID.zrangestore, destination, source, min, max, ...zRangeArguments(options)));
  }

  zUnionStore(destination: Argument, keys: Argument[], options: ZCombineOptions = {}): number {
    return toNumber(this.#exec(ZSET_ID.zunionstore, destination, ...zCombineArguments(keys, options)));
  }

  zInterStore(destination: Argument, keys: Argument[], options: ZCombineOptions = {}): number {
    return toNumber(this.#exec(ZSET_ID.zinterstore, destination, ...zCombineArguments(keys, options)));
  }

  zDiffStore(destination: Argument, keys: Argument[]): number {
    return toNumber(this.#exec(ZSET_ID.zdiffstore, destination, keys.length, ...keys));
  }

  zUnion(keys: Argument[], options: ZCombineOptions = {}): ZMember[] {
    return toZMembers(this.#exec(ZSET_ID.zunion, ...zCombineArguments(keys, options), 'WITHSCORES'));
  }

  zInter(keys: Argument[], options: ZCombineOptions = {}): ZMember[] {
    return toZMembers(this.#exec(ZSET_ID.zinter, ...zCombineArguments(keys, options), 'WITHSCORES'));
  }

  /** ZDIFF: the members of the first key in none of the others, with their scores. */
  zDiff(keys: Argument[]): ZMember[] {
    return toZMembers(this.#exec(ZSET_ID.zdiff, keys.length, ...keys, 'WITHSCORES'));
  }

  /** ZINTERCARD: the size of the intersection, counting up to `limit` (0 = no limit). */
  zInterCard(keys: Argument[], limit?: number): number {
    const args: Argument[] = [keys.length, ...keys];
    if (limit !== undefined) args.push('LIMIT', limit);
    return toNumber(this.#exec(ZSET_ID.zintercard, ...args));
  }

  /** ZMPOP: pops from the first non-empty key; null when all are empty. */
  zmPop(keys: Argument[], where: 'MIN' | 'MAX', count?: number): { key: string; members: ZMember[] } | null {
    const args: Argument[] = [keys.length, ...keys, where];
    if (count !== undefined) args.push('COUNT', count);
    const reply = this.#exec(ZSET_ID.zmpop, ...args) as [string, [string, string][]] | null;
    if (reply === null) return null;
    return { key: reply[0], members: reply[1].map(([member, score]) => ({ member, score: toScore(score) })) };
  }

  /**
   * ZRANDMEMBER: without `count`, one random member (null for a missing
   * key); with it, up to `count` distinct members, or |count| with repeats
   * when negative.
   */
  zRandMember(key: Argument): string | null;
  zRandMember(key: Argument, count: number): string[];
  zRandMember(key: Argument, count?: number): string | null | string[] {
    if (count === undefined) return this.#exec(ZSET_ID.zrandmember, key) as string | null;
    return this.#exec(ZSET_ID.zrandmember, key, count) as string[];
  }

  /** One ZSCAN step. Start with cursor '0'; done when it returns '0'. */
  zScan(key: Argument, cursor: string | number, options: ZScanOptions = {}): ZScanPage {
    const args: Argument[] = [key, cursor];
    if (options.match !== undefined) args.push('MATCH', options.match);
    if (options.count !== undefined) args.push('COUNT', options.count);
    const [next, flat] = this.#exec(ZSET_ID.zscan, ...args) as [string, string[]];
    return { cursor: next, members: toZMembers(flat) };
  }

  // ---- keys ----------------------------------------------------------------

  /** DEL: the number of keys removed. */
  del(...keys: Argument[]): number {
    return toNumber(this.#exec(ID.del, ...keys));
  }

  unlink(...keys: Argument[]): number {
    return toNumber(this.#exec(ID.unlink, ...keys));
  }

  /** EXISTS: how many of the keys exist (a key named twice counts twice). */
  exists(...keys: Argument[]): number {
    return toNumber(this.#exec(ID.exists, ...keys));
  }

  /** TYPE: 'string', 'list', 'set', 'zset', 'hash' or 'none'. */
  type(key: Argument): string {
    return this.#exec(ID.type, key) as string;
  }

  /** EXPIRE: true if the time to live was set. */
  expire(key: Argument, seconds: number, condition?: ExpireCondition): boolean {
    return this.#expireCall(ID.expire, key, seconds, condition);
  }

  pExpire(key: Argument, milliseconds: number, condition?: ExpireCondition): boolean {
    return this.#expireCall(ID.pexpire, key, milliseconds, condition);
  }

  expireAt(key: Argument, unixSeconds: number, condition?: ExpireCondition): boolean {
    return this.#expireCall(ID.expireat, key, unixSeconds, condition);
  }

  pExpireAt(key: Argument, unixMilliseconds: number, condition?: ExpireCondition): boolean {
    return this.#expireCall(ID.pexpireat, key, unixMilliseconds, condition);
  }

  #expireCall(id: number, key: Argument, when: number, condition: ExpireCondition | undefined): boolean {
    const reply = condition ? this.#exec(id, key, when, condition) : this.#exec(id, key, when);
    return reply === 1;
  }

  /** TTL in seconds; -1 without expiry, -2 when the key does not exist. */
  ttl(key: Argument): number {
    return toNumber(this.#exec(ID.ttl, key));
  }

  pTtl(key: Argument): number {
    return toNumber(this.#exec(ID.pttl, key));
  }

  /** EXPIRETIME: unix seconds; -1 without expiry, -2 when missing. */
  expireTime(key: Argument): number {
    return toNumber(this.#exec(ID.expiretime, key));
  }

  pExpireTime(key: Argument): number {
    return toNumber(this.#exec(ID.pexpiretime, key));
  }

  /** PERSIST: true if a time to live was removed. */
  persist(key: Argument): boolean {
    return this.#exec(ID.persist, key) === 1;
  }

  rename(key: Argument, newKey: Argument): 'OK' {
    return this.#exec(ID.rename, key, newKey) as 'OK';
  }

  renameNx(key: Argument, newKey: Argument): boolean {
    return this.#exec(ID.renamenx, key, newKey) === 1;
  }

  /** COPY: true if the value was copied. */
  copy(source: Argument, destination: Argument, options: CopyOptions = {}): boolean {
    const args: Argument[] = [source, destination];
    if (options.db !== undefined) args.push('DB', options.db);
    if (options.replace) args.push('REPLACE');
    return this.#exec(ID.copy, ...args) === 1;
  }

  keys(pattern: Argument): string[] {
    return this.#exec(ID.keys, pattern) as string[];
  }

  /** One SCAN step. Start with cursor '0'; done when it returns '0'. */
  scan(cursor: string | number, options: ScanOptions = {}): ScanPage {
    const args: Argument[] = [cursor];
    if (options.match !== undefined) args.push('MATCH', options.match);
    if (options.count !== undefined) args.push('COUNT', options.count);
    if (options.type !== undefined) args.push('TYPE', options.type);
    const [next, keys] = this.#exec(ID.scan, ...args) as [string, string[]];
    return { cursor: next, keys };
  }

  /** Every key matching the options, one SCAN step at a time. */
  *scanIterator(options: ScanOptions = {}): Generator<string, void, undefined> {
    let cursor = '0';
    do {
      const page = this.scan(cursor, options);
      yield* page.keys;
      cursor = page.cursor;
    } while (cursor !== '0');
  }

  randomKey(): string | null {
    return this.#exec(ID.randomkey) as string | null;
  }

  dbSize(): number {
    return toNumber(this.#exec(ID.dbsize));
  }

  flushAll(): 'OK' {
    return this.#exec(ID.flushall) as 'OK';
  }

  flushDb(): 'OK' {
    return this.#exec(ID.flushdb) as 'OK';
  }

  /** TOUCH: how many of the keys exist (their access time is updated). */
  touch(...keys: Argument[]): number {
    return toNumber(this.#exec(ID.touch, ...keys));
  }

  /** OBJECT ENCODING: 'int', 'embstr', 'raw', ...; null for a missing key. */
  objectEncoding(key: Argument): string | null {
    return this.#exec(ID.object, 'ENCODING', key) as string | null;
  }

  /** OBJECT FREQ (LFU policies only). */
  objectFreq(key: Argument): number | null {
    const reply = this.#exec(ID.object, 'FREQ', key);
    return reply === null ? null : toNumber(reply);
  }

  /** OBJECT REFCOUNT: references to the value (shared small integers report Redis's constant). */
  objectRefCount(key: Argument): number | null {
    const reply = this.#exec(ID.object, 'REFCOUNT', key);
    return reply === null ? null : toNumber(reply);
  }

  /** OBJECT IDLETIME in seconds (not under LFU policies). */
  objectIdleTime(key: Argument): number | null {
    const reply = this.#exec(ID.object, 'IDLETIME', key);
    return reply === null ? null : toNumber(reply);
  }

  // ---- config --------------------------------------------------------------

  /**
   * CONFIG GET: the parameters matching any of the names or glob patterns
   * (case-insensitive), as an object of name -> value (exact names keep the
   * spelling given). Unknown names are left out.
   */
  configGet(...parameters: string[]): Record<string, string> {
    const flat = this.#exec(CONFIG_ID, 'GET', ...parameters) as string[];
    const out: Record<string, string> = {};
    for (const [name, value] of flatPairs(flat)) out[name] = value;
    return out;
  }

  /**
   * CONFIG SET of one or more parameters (Redis's names, e.g.
   * `{ 'maxmemory': '100mb', 'maxmemory-policy': 'allkeys-lfu' }`): all
   * applied, or none when any is unknown, repeated or invalid (it throws).
   */
  configSet(parameters: Record<string, Argument> | Iterable<readonly [Argument, Argument]>): 'OK' {
    return this.#exec(CONFIG_ID, 'SET', ...pairArguments(parameters)) as 'OK';
  }

  /** CONFIG RESETSTAT: zeroes INFO's stats counters (hits, misses, expired, evicted, commands). */
  configResetStat(): 'OK' {
    return this.#exec(CONFIG_ID, 'RESETSTAT') as 'OK';
  }

  // ---- server --------------------------------------------------------------

  ping(message?: Argument): string {
    return (message === undefined ? this.#exec(ID.ping) : this.#exec(ID.ping, message)) as string;
  }

  echo(message: Argument): string {
    return this.#exec(ID.echo, message) as string;
  }

  /** TIME: [unix seconds, microseconds]. */
  time(): [number, number] {
    const [seconds, micros] = this.#exec(ID.time) as [string, string];
    return [Number(seconds), Number(micros)];
  }

  commandCount(): number {
    return toNumber(this.#exec(ID.command, 'COUNT'));
  }

  /**
   * COMMAND INFO: Redis 7's description of each named command (all commands
   * when none is named); null for an unknown name.
   */
  commandInfo(...names: string[]): (Reply[] | null)[] {
    return this.#exec(ID.command, 'INFO', ...names) as (Reply[] | null)[];
  }

  /** COMMAND LIST: every command name. */
  commandList(): string[] {
    return this.#exec(ID.command, 'LIST') as string[];
  }

  /** INFO text, Redis's format ("# Section" headers, key:value lines). */
  info(...sections: string[]): string {
    return this.#exec(ID.info, ...sections) as string;
  }

  // ---- pub/sub ---------------------------------------------------------------
  // Subscribers are emberkv-server's Subscribe streams (Client.subscribe);
  // an embedded engine has none, so these answer as a server with no
  // subscriber would.

  /** PUBLISH: the number of subscriptions the message was delivered to. */
  publish(channel: Argument, message: Argument): number {
    return toNumber(this.#exec(ID.publish, channel, message));
  }

  /** PUBSUB CHANNELS: the channels with a subscriber (matching `pattern`). */
  pubsubChannels(pattern?: Argument): string[] {
    return (pattern === undefined ? this.#exec(ID.pubsub, 'CHANNELS') : this.#exec(ID.pubsub, 'CHANNELS', pattern)) as string[];
  }

  /** PUBSUB NUMSUB: [channel, subscribers] for each channel. */
  pubsubNumSub(...channels: Argument[]): [string, number][] {
    return channelCounts(this.#exec(ID.pubsub, 'NUMSUB', ...channels));
  }

  /** PUBSUB NUMPAT: the number of patterns subscribed to. */
  pubsubNumPat(): number {
    return toNumber(this.#exec(ID.pubsub, 'NUMPAT'));
  }

  /** PUBSUB SHARDCHANNELS: always empty (emberkv has no sharded pub/sub). */
  pubsubShardChannels(pattern?: Argument): string[] {
    return (pattern === undefined
      ? this.#exec(ID.pubsub, 'SHARDCHANNELS')
      : this.#exec(ID.pubsub, 'SHARDCHANNELS', pattern)) as string[];
  }

  /** PUBSUB SHARDNUMSUB: [channel, 0] for each channel. */
  pubsubShardNumSub(...channels: Argument[]): [string, number][] {
    return channelCounts(this.#exec(ID.pubsub, 'SHARDNUMSUB', ...channels));
  }
}
