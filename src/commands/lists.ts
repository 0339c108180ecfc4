/**
 * List commands (LPUSH, LRANGE, LMOVE, ...): their typed methods'
 * signatures and their one definition each. The blocking ones (BLPOP, ...)
 * are not here.
 */
import type { Argument } from '../engine.js';
import type { Definitions, Result, ResultMode, Sync } from './define.js';
import { asReplied, toNumber, toNumberOrNull } from './replies.js';

/** An end of a list (LMOVE, LMPOP). */
export type ListEnd = 'LEFT' | 'RIGHT';

export interface LPosOptions {
  /** 1 = first match, 2 = second, ...; negative counts matches from the tail. */
  rank?: number;
  /** Compare at most this many elements (0 = all). */
  maxLen?: number;
}

export interface ListCommands<M extends ResultMode> {
  /** LPUSH: the length of the list after the push. */
  lPush(key: Argument, ...elements: Argument[]): Result<M, number>;
  /** RPUSH: the length of the list after the push. */
  rPush(key: Argument, ...elements: Argument[]): Result<M, number>;
  /** LPUSHX: pushes only onto an existing list; 0 if there is none. */
  lPushX(key: Argument, ...elements: Argument[]): Result<M, number>;
  /** RPUSHX: pushes only onto an existing list; 0 if there is none. */
  rPushX(key: Argument, ...elements: Argument[]): Result<M, number>;
  /** LPOP: the first element, or null if the key does not exist. */
  lPop(key: Argument): Result<M, string | null>;
  /** LPOP key count: up to `count` elements, or null if the key does not exist. */
  lPopCount(key: Argument, count: number): Result<M, string[] | null>;
  /** RPOP: the last element, or null if the key does not exist. */
  rPop(key: Argument): Result<M, string | null>;
  /** RPOP key count: up to `count` elements, or null if the key does not exist. */
  rPopCount(key: Argument, count: number): Result<M, string[] | null>;
  lLen(key: Argument): Result<M, number>;
  /** LRANGE: elements from start to stop, both inclusive (negative from the end). */
  lRange(key: Argument, start: number, stop: number): Result<M, string[]>;
  lIndex(key: Argument, index: number): Result<M, string | null>;
  lSet(key: Argument, index: number, element: Argument): Result<M, 'OK'>;
  /** LINSERT: the new length, -1 if the pivot was not found, 0 if the key does not exist. */
  lInsert(key: Argument, where: 'BEFORE' | 'AFTER', pivot: Argument, element: Argument): Result<M, number>;
  /** LREM: removes `count` matches (0 = all; negative = from the tail); the number removed. */
  lRem(key: Argument, count: number, element: Argument): Result<M, number>;
  lTrim(key: Argument, start: number, stop: number): Result<M, 'OK'>;
  /** LPOS: the index of the matching element, or null. */
  lPos(key: Argument, element: Argument, options?: LPosOptions): Result<M, number | null>;
  /** LPOS ... COUNT: the indexes of up to `count` matches (0 = all). */
  lPosCount(key: Argument, element: Argument, count: number, options?: LPosOptions): Result<M, number[]>;
  /** LMOVE: the element moved, or null if the source does not exist. */
  lMove(source: Argument, destination: Argument, from: ListEnd, to: ListEnd): Result<M, string | null>;
  /** RPOPLPUSH: the element moved, or null if the source does not exist. */
  rPopLPush(source: Argument, destination: Argument): Result<M, string | null>;
  /** LMPOP: pops from the first non-empty list of `keys`: its key and elements, or null. */
  lmPop(keys: Argument[], from: ListEnd, count?: number): Result<M, { key: string; elements: string[] } | null>;

  // Blocking pops. `timeout` is in seconds (fractions allowed, 0 = for
  // ever). Through a Client the call waits on the server until a push
  // serves it (first blocked, first served) or the timeout answers null;
  // an Engine answers at once, as Redis does inside MULTI, since nothing
  // else could push while it waited.

  /** BLPOP: the first element of the first non-empty list of `keys`, with its key, or null at the timeout. */
  blPop(keys: Argument[], timeout: number): Result<M, { key: string; element: string } | null>;
  /** BRPOP: as blPop, from the tail. */
  brPop(keys: Argument[], timeout: number): Result<M, { key: string; element: string } | null>;
  /** BLMOVE: lMove, waiting for the source: the element moved, or null at the timeout. */
  blMove(source: Argument, destination: Argument, from: ListEnd, to: ListEnd, timeout: number): Result<M, string | null>;
  /** BLMPOP: lmPop, waiting for one of `keys`: its key and elements, or null at the timeout. */
  blmPop(
    keys: Argument[],
    from: ListEnd,
    timeout: number,
    count?: number,
  ): Result<M, { key: string; elements: string[] } | null>;
}

function toKeyAndElement(raw: unknown): { key: string; element: string } | null {
  const reply = raw as [string, string] | null;
  return reply === null ? null : { key: reply[0], element: reply[1] };
}

function toKeyAndElements(raw: unknown): { key: string; elements: string[] } | null {
  const reply = raw as [string, string[]] | null;
  return reply === null ? null : { key: reply[0], elements: reply[1] };
}

function mpopArguments(keys: Argument[], from: ListEnd, count: number | undefined): Argument[] {
  const args: Argument[] = [keys.length, ...keys, from];
  if (count !== undefined) args.push('COUNT', count);
  return args;
}

function lPosArguments(options: LPosOptions): Argument[] {
  const args: Argument[] = [];
  if (options.rank !== undefined) args.push('RANK', options.rank);
  if (options.maxLen !== undefined) args.push('MAXLEN', options.maxLen);
  return args;
}

export const listCommands: Definitions<ListCommands<Sync>> = {
  lPush: { command: 'lpush', args: (key, ...elements) => [key, ...elements], reply: toNumber },
  rPush: { command: 'rpush', args: (key, ...elements) => [key, ...elements], reply: toNumber },
  lPushX: { command: 'lpushx', args: (key, ...elements) => [key, ...elements], reply: toNumber },
  rPushX: { command: 'rpushx', args: (key, ...elements) => [key, ...elements], reply: toNumber },
  lPop: { command: 'lpop', args: (key) => [key], reply: asReplied },
  lPopCount: { command: 'lpop', args: (key, count) => [key, count], reply: asReplied },
  rPop: { command: 'rpop', args: (key) => [key], reply: asReplied },
  rPopCount: { command: 'rpop', args: (key, count) => [key, count], reply: asReplied },
  lLen: { command: 'llen', args: (key) => [key], reply: toNumber },
  lRange: { command: 'lrange', args: (key, start, stop) => [key, start, stop], reply: asReplied },
  lIndex: { command: 'lindex', args: (key, index) => [key, index], reply: asReplied },
  lSet: { command: 'lset', args: (key, index, element) => [key, index, element], reply: asReplied },
  lInsert: { command: 'linsert', args: (key, where, pivot, element) => [key, where, pivot, element], reply: toNumber },
  lRem: { command: 'lrem', args: (key, count, element) => [key, count, element], reply: toNumber },
  lTrim: { command: 'ltrim', args: (key, start, stop) => [key, start, stop], reply: asReplied },
  lPos: { command: 'lpos', args: (key, element, options = {}) => [key, element, ...lPosArguments(options)], reply: toNumberOrNull },
  lPosCount: {
    command: 'lpos',
    args: (key, element, count, options = {}) => [key, element, ...lPosArguments(options), 'COUNT', count],
    reply: (raw) => (raw as unknown[]).map(toNumber),
  },
  lMove: { command: 'lmove', args: (source, destination, from, to) => [source, destination, from, to], reply: asReplied },
  rPopLPush: { command: 'rpoplpush', args: (source, destination) => [source, destination], reply: asReplied },
  lmPop: {
    command: 'lmpop',
    args: (keys, from, count) => mpopArguments(keys, from, count),
    reply: toKeyAndElements,
  },
  blPop: { command: 'blpop', args: (keys, timeout) => [...keys, timeout], reply: toKeyAndElement },
  brPop: { command: 'brpop', args: (keys, timeout) => [...keys, timeout], reply: toKeyAndElement },
  blMove: {
    command: 'blmove',
    args: (source, destination, from, to, timeout) => [source, destination, from, to, timeout],
    reply: asReplied,
  },
  blmPop: {
    command: 'blmpop',
    args: (keys, from, timeout, count) => [timeout, ...mpopArguments(keys, from, count)],
    reply: toKeyAndElements,
  },
};
