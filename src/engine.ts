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
}

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
} as const;

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
function checkCommandName(command: unknown): void {
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

function pairArguments(pairs: Record<string, Argument> | Iterable<readonly [Argument, Argument]>): Argument[] {
  const args: Argument[] = [];
  if (Symbol.iterator in pairs) {
    for (const [key, value] of pairs as Iterable<readonly [Argument, Argument]>) args.push(key, value);
  } else {
    for (const [key, value] of Object.entries(pairs)) args.push(key, value);
  }
  return args;
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
    this.#store = addon.createStore();
    this.#clock = options.clock;
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

  /** Bytes of memory the engine's data holds, as the allocator counts them. */
  memoryUsage(): number {
    return this.#store.memoryUsed();
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
}
