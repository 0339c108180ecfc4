/**
 * Generic keyspace commands (DEL, EXPIRE, SCAN, OBJECT, ...): their typed
 * methods' signatures and their one definition each.
 */
import type { Argument } from '../engine.js';
import type { Definitions, Items, Page, Result, ResultMode, Sync } from './define.js';
import { scanOptionArguments } from './arguments.js';
import { asReplied, isOne, toNumber, toNumberOrNull } from './replies.js';

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

export interface KeyCommands<M extends ResultMode> {
  /** DEL: the number of keys removed. */
  del(...keys: Argument[]): Result<M, number>;
  unlink(...keys: Argument[]): Result<M, number>;
  /** EXISTS: how many of the keys exist (a key named twice counts twice). */
  exists(...keys: Argument[]): Result<M, number>;
  /** TYPE: 'string', 'list', 'set', 'zset', 'hash' or 'none'. */
  type(key: Argument): Result<M, string>;
  /** EXPIRE: true if the time to live was set. */
  expire(key: Argument, seconds: number, condition?: ExpireCondition): Result<M, boolean>;
  pExpire(key: Argument, milliseconds: number, condition?: ExpireCondition): Result<M, boolean>;
  expireAt(key: Argument, unixSeconds: number, condition?: ExpireCondition): Result<M, boolean>;
  pExpireAt(key: Argument, unixMilliseconds: number, condition?: ExpireCondition): Result<M, boolean>;
  /** TTL in seconds; -1 without expiry, -2 when the key does not exist. */
  ttl(key: Argument): Result<M, number>;
  pTtl(key: Argument): Result<M, number>;
  /** EXPIRETIME: unix seconds; -1 without expiry, -2 when missing. */
  expireTime(key: Argument): Result<M, number>;
  pExpireTime(key: Argument): Result<M, number>;
  /** PERSIST: true if a time to live was removed. */
  persist(key: Argument): Result<M, boolean>;
  rename(key: Argument, newKey: Argument): Result<M, 'OK'>;
  renameNx(key: Argument, newKey: Argument): Result<M, boolean>;
  /** COPY: true if the value was copied. */
  copy(source: Argument, destination: Argument, options?: CopyOptions): Result<M, boolean>;
  /** MOVE: true if the key moved to database `db` (false: missing here, or present there). */
  move(key: Argument, db: number): Result<M, boolean>;
  /** SWAPDB: the two databases trade their keys. */
  swapDb(db1: number, db2: number): Result<M, 'OK'>;
  keys(pattern: Argument): Result<M, string[]>;
  /** One SCAN step. Start with cursor '0'; done when it returns '0'. */
  scan(cursor: string | number, options?: ScanOptions): Result<M, ScanPage>;
  /** Every key matching the options, one SCAN step at a time. */
  scanIterator(options?: ScanOptions): Items<M, string>;
  randomKey(): Result<M, string | null>;
  dbSize(): Result<M, number>;
  flushAll(): Result<M, 'OK'>;
  flushDb(): Result<M, 'OK'>;
  /** TOUCH: how many of the keys exist (their access time is updated). */
  touch(...keys: Argument[]): Result<M, number>;
  /** OBJECT ENCODING: 'int', 'embstr', 'raw', ...; null for a missing key. */
  objectEncoding(key: Argument): Result<M, string | null>;
  /** OBJECT FREQ (LFU policies only). */
  objectFreq(key: Argument): Result<M, number | null>;
  /** OBJECT REFCOUNT: references to the value (shared small integers report Redis's constant). */
  objectRefCount(key: Argument): Result<M, number | null>;
  /** OBJECT IDLETIME in seconds (not under LFU policies). */
  objectIdleTime(key: Argument): Result<M, number | null>;
}

function expireArguments(key: Argument, when: number, condition: ExpireCondition | undefined): Argument[] {
  return condition ? [key, when, condition] : [key, when];
}

function scanArguments(cursor: string | number, options: ScanOptions): Argument[] {
  const args: Argument[] = [cursor, ...scanOptionArguments(options)];
  if (options.type !== undefined) args.push('TYPE', options.type);
  return args;
}

function toScanPage(raw: unknown): ScanPage {
  const [cursor, keys] = raw as [string, string[]];
  return { cursor, keys };
}

function toKeysPage(raw: unknown): Page<string> {
  const { cursor, keys } = toScanPage(raw);
  return { cursor, items: keys };
}

export const keyCommands: Definitions<KeyCommands<Sync>> = {
  del: { command: 'del', args: (...keys) => keys, reply: toNumber },
  unlink: { command: 'unlink', args: (...keys) => keys, reply: toNumber },
  exists: { command: 'exists', args: (...keys) => keys, reply: toNumber },
  type: { command: 'type', args: (key) => [key], reply: asReplied },
  expire: { command: 'expire', args: expireArguments, reply: isOne },
  pExpire: { command: 'pexpire', args: expireArguments, reply: isOne },
  expireAt: { command: 'expireat', args: expireArguments, reply: isOne },
  pExpireAt: { command: 'pexpireat', args: expireArguments, reply: isOne },
  ttl: { command: 'ttl', args: (key) => [key], reply: toNumber },
  pTtl: { command: 'pttl', args: (key) => [key], reply: toNumber },
  expireTime: { command: 'expiretime', args: (key) => [key], reply: toNumber },
  pExpireTime: { command: 'pexpiretime', args: (key) => [key], reply: toNumber },
  persist: { command: 'persist', args: (key) => [key], reply: isOne },
  rename: { command: 'rename', args: (key, newKey) => [key, newKey], reply: asReplied },
  renameNx: { command: 'renamenx', args: (key, newKey) => [key, newKey], reply: isOne },
  copy: {
    command: 'copy',
    args: (source, destination, options = {}) => {
      const args: Argument[] = [source, destination];
      if (options.db !== undefined) args.push('DB', options.db);
      if (options.replace) args.push('REPLACE');
      return args;
    },
    reply: isOne,
  },
  move: { command: 'move', args: (key, db) => [key, db], reply: isOne },
  swapDb: { command: 'swapdb', args: (db1, db2) => [db1, db2], reply: asReplied },
  keys: { command: 'keys', args: (pattern) => [pattern], reply: asReplied },
  scan: { command: 'scan', args: (cursor, options = {}) => scanArguments(cursor, options), reply: toScanPage },
  scanIterator: { command: 'scan', args: (cursor, options = {}) => scanArguments(cursor, options), page: toKeysPage },
  randomKey: { command: 'randomkey', args: () => [], reply: asReplied },
  dbSize: { command: 'dbsize', args: () => [], reply: toNumber },
  flushAll: { command: 'flushall', args: () => [], reply: asReplied },
  flushDb: { command: 'flushdb', args: () => [], reply: asReplied },
  touch: { command: 'touch', args: (...keys) => keys, reply: toNumber },
  objectEncoding: { command: 'object', args: (key) => ['ENCODING', key], reply: asReplied },
  objectFreq: { command: 'object', args: (key) => ['FREQ', key], reply: toNumberOrNull },
  objectRefCount: { command: 'object', args: (key) => ['REFCOUNT', key], reply: toNumberOrNull },
  objectIdleTime: { command: 'object', args: (key) => ['IDLETIME', key], reply: toNumberOrNull },
};
