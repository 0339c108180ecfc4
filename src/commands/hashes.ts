/**
 * Hash commands (HSET, HGETALL, HSCAN, ...): their typed methods'
 * signatures and their one definition each.
 */
import type { Argument } from '../engine.js';
import { pairArguments, scanOptionArguments, type Pairs } from './arguments.js';
import type { Definitions, Items, Page, Result, ResultMode, Sync } from './define.js';
import { asReplied, flatPairs, isOne, toNumber } from './replies.js';

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

export interface HashCommands<M extends ResultMode> {
  /** HSET: sets the fields; returns how many were new. */
  hSet(key: Argument, fields: Pairs): Result<M, number>;
  hGet(key: Argument, field: Argument): Result<M, string | null>;
  /** HMSET: HSET replying 'OK' (deprecated in Redis, kept for compatibility). */
  hmSet(key: Argument, fields: Pairs): Result<M, 'OK'>;
  /** HSETNX: sets the field only if it does not exist; true if it was set. */
  hSetNx(key: Argument, field: Argument, value: Argument): Result<M, boolean>;
  /** HDEL: removes the fields; returns how many existed. */
  hDel(key: Argument, ...fields: Argument[]): Result<M, number>;
  hExists(key: Argument, field: Argument): Result<M, boolean>;
  hLen(key: Argument): Result<M, number>;
  /** HSTRLEN: the length of the field's value in bytes (0 if absent). */
  hStrLen(key: Argument, field: Argument): Result<M, number>;
  /** HMGET: the values of the fields, null for each missing one. */
  hmGet(key: Argument, ...fields: Argument[]): Result<M, (string | null)[]>;
  hKeys(key: Argument): Result<M, string[]>;
  hVals(key: Argument): Result<M, string[]>;
  /** HGETALL as an object (field -> value); {} if the key does not exist. */
  hGetAll(key: Argument): Result<M, Record<string, string>>;
  /** HINCRBY: the field's integer value after adding `increment`. */
  hIncrBy(key: Argument, field: Argument, increment: number | bigint): Result<M, number>;
  /** HINCRBYFLOAT: the new value, as Redis formats it. */
  hIncrByFloat(key: Argument, field: Argument, increment: number | string): Result<M, string>;
  /** HRANDFIELD key: one random field, or null if the key does not exist. */
  hRandField(key: Argument): Result<M, string | null>;
  /** HRANDFIELD key count: distinct fields if count > 0, |count| picks with repeats if count < 0. */
  hRandFieldCount(key: Argument, count: number): Result<M, string[]>;
  /** HRANDFIELD key count WITHVALUES, as [field, value] pairs. */
  hRandFieldWithValues(key: Argument, count: number): Result<M, [string, string][]>;
  /** HSCAN: one page of [field, value] pairs. */
  hScan(key: Argument, cursor: string | number, options?: HScanOptions): Result<M, HScanPage>;
  /** Every [field, value] pair of the hash, through HSCAN pages. */
  hScanIterator(key: Argument, options?: HScanOptions): Items<M, [string, string]>;
}

function hScanArguments(key: Argument, cursor: string | number, options: HScanOptions): Argument[] {
  return [key, String(cursor), ...scanOptionArguments(options)];
}

function toHScanPage(raw: unknown): HScanPage {
  const [cursor, flat] = raw as [string, string[]];
  return { cursor, entries: flatPairs(flat) };
}

function toEntriesPage(raw: unknown): Page<[string, string]> {
  const { cursor, entries } = toHScanPage(raw);
  return { cursor, items: entries };
}

export const hashCommands: Definitions<HashCommands<Sync>> = {
  hSet: { command: 'hset', args: (key, fields) => [key, ...pairArguments(fields)], reply: toNumber },
  hGet: { command: 'hget', args: (key, field) => [key, field], reply: asReplied },
  hmSet: { command: 'hmset', args: (key, fields) => [key, ...pairArguments(fields)], reply: asReplied },
  hSetNx: { command: 'hsetnx', args: (key, field, value) => [key, field, value], reply: isOne },
  hDel: { command: 'hdel', args: (key, ...fields) => [key, ...fields], reply: toNumber },
  hExists: { command: 'hexists', args: (key, field) => [key, field], reply: isOne },
  hLen: { command: 'hlen', args: (key) => [key], reply: toNumber },
  hStrLen: { command: 'hstrlen', args: (key, field) => [key, field], reply: toNumber },
  hmGet: { command: 'hmget', args: (key, ...fields) => [key, ...fields], reply: asReplied },
  hKeys: { command: 'hkeys', args: (key) => [key], reply: asReplied },
  hVals: { command: 'hvals', args: (key) => [key], reply: asReplied },
  // fromEntries defines own properties, so a field named __proto__ is kept as data.
  hGetAll: { command: 'hgetall', args: (key) => [key], reply: (raw) => Object.fromEntries(flatPairs(raw)) },
  hIncrBy: { command: 'hincrby', args: (key, field, increment) => [key, field, increment], reply: toNumber },
  hIncrByFloat: { command: 'hincrbyfloat', args: (key, field, increment) => [key, field, increment], reply: asReplied },
  hRandField: { command: 'hrandfield', args: (key) => [key], reply: asReplied },
  hRandFieldCount: { command: 'hrandfield', args: (key, count) => [key, count], reply: asReplied },
  hRandFieldWithValues: { command: 'hrandfield', args: (key, count) => [key, count, 'WITHVALUES'], reply: flatPairs },
  hScan: { command: 'hscan', args: (key, cursor, options = {}) => hScanArguments(key, cursor, options), reply: toHScanPage },
  hScanIterator: {
    command: 'hscan',
    args: (cursor, key, options = {}) => hScanArguments(key, cursor, options),
    page: toEntriesPage,
  },
};
