/**
 * String commands (SET, GET, INCR, ...): their typed methods' signatures
 * and their one definition each. Engine's fast paths for get, set, incr
 * and mGet (engine.ts) must answer exactly as these definitions do.
 */
import type { Argument } from '../engine.js';
import { expiryArguments, pairArguments, type Pairs } from './arguments.js';
import type { Definitions, Result, ResultMode, Sync } from './define.js';
import { asReplied, isOne, toNumber } from './replies.js';

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

export interface StringCommands<M extends ResultMode> {
  /** SET: 'OK', or null when NX/XX prevented the write. */
  set(key: Argument, value: Argument, options?: SetOptions): Result<M, 'OK' | null>;
  /** SET ... GET: writes the value and returns the previous one (or null). */
  setGet(key: Argument, value: Argument, options?: SetOptions): Result<M, string | null>;
  get(key: Argument): Result<M, string | null>;
  getBuffer(key: Argument): Result<M, Buffer | null>;
  getDel(key: Argument): Result<M, string | null>;
  getEx(key: Argument, options?: GetExOptions): Result<M, string | null>;
  getSet(key: Argument, value: Argument): Result<M, string | null>;
  mGet(...keys: Argument[]): Result<M, (string | null)[]>;
  mGetBuffer(...keys: Argument[]): Result<M, (Buffer | null)[]>;
  /** MSET from an object or from [key, value] pairs. */
  mSet(pairs: Pairs): Result<M, 'OK'>;
  /** MSETNX: true if every key was set (none existed). */
  mSetNx(pairs: Pairs): Result<M, boolean>;
  setNx(key: Argument, value: Argument): Result<M, boolean>;
  setEx(key: Argument, seconds: number, value: Argument): Result<M, 'OK'>;
  pSetEx(key: Argument, milliseconds: number, value: Argument): Result<M, 'OK'>;
  /** APPEND: the length of the string after the append. */
  append(key: Argument, value: Argument): Result<M, number>;
  strLen(key: Argument): Result<M, number>;
  getRange(key: Argument, start: number, end: number): Result<M, string>;
  /** SETRANGE: the length of the string after the write. */
  setRange(key: Argument, offset: number, value: Argument): Result<M, number>;
  incr(key: Argument): Result<M, number>;
  decr(key: Argument): Result<M, number>;
  incrBy(key: Argument, increment: number | bigint): Result<M, number>;
  decrBy(key: Argument, decrement: number | bigint): Result<M, number>;
  /** INCRBYFLOAT: the new value as Redis prints it (exact decimal text). */
  incrByFloat(key: Argument, increment: number | string): Result<M, string>;
}

/** SET's flags after key and value. */
export function setFlags(options: SetOptions): Argument[] {
  const args = expiryArguments(options);
  if (options.keepTtl) args.push('KEEPTTL');
  if (options.nx) args.push('NX');
  if (options.xx) args.push('XX');
  return args;
}

export const stringCommands: Definitions<StringCommands<Sync>> = {
  set: {
    command: 'set',
    args: (key, value, options) => (options ? [key, value, ...setFlags(options)] : [key, value]),
    reply: asReplied,
  },
  setGet: { command: 'set', args: (key, value, options = {}) => [key, value, ...setFlags(options), 'GET'], reply: asReplied },
  get: { command: 'get', args: (key) => [key], reply: asReplied },
  getBuffer: { command: 'get', args: (key) => [key], reply: asReplied, buffers: true },
  getDel: { command: 'getdel', args: (key) => [key], reply: asReplied },
  getEx: {
    command: 'getex',
    args: (key, options = {}) => {
      const args = [key, ...expiryArguments(options)];
      if (options.persist) args.push('PERSIST');
      return args;
    },
    reply: asReplied,
  },
  getSet: { command: 'getset', args: (key, value) => [key, value], reply: asReplied },
  mGet: { command: 'mget', args: (...keys) => keys, reply: asReplied },
  mGetBuffer: { command: 'mget', args: (...keys) => keys, reply: asReplied, buffers: true },
  mSet: { command: 'mset', args: (pairs) => pairArguments(pairs), reply: asReplied },
  mSetNx: { command: 'msetnx', args: (pairs) => pairArguments(pairs), reply: isOne },
  setNx: { command: 'setnx', args: (key, value) => [key, value], reply: isOne },
  setEx: { command: 'setex', args: (key, seconds, value) => [key, seconds, value], reply: asReplied },
  pSetEx: { command: 'psetex', args: (key, milliseconds, value) => [key, milliseconds, value], reply: asReplied },
  append: { command: 'append', args: (key, value) => [key, value], reply: toNumber },
  strLen: { command: 'strlen', args: (key) => [key], reply: toNumber },
  getRange: { command: 'getrange', args: (key, start, end) => [key, start, end], reply: asReplied },
  setRange: { command: 'setrange', args: (key, offset, value) => [key, offset, value], reply: toNumber },
  incr: { command: 'incr', args: (key) => [key], reply: toNumber },
  decr: { command: 'decr', args: (key) => [key], reply: toNumber },
  incrBy: { command: 'incrby', args: (key, increment) => [key, increment], reply: toNumber },
  decrBy: { command: 'decrby', args: (key, decrement) => [key, decrement], reply: toNumber },
  incrByFloat: { command: 'incrbyfloat', args: (key, increment) => [key, increment], reply: asReplied },
};
