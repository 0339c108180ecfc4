/**
 * Sorted-set commands (ZADD, ZRANGE, ZUNIONSTORE, ...): their typed
 * methods' signatures and their one definition each. Scores come back as
 * numbers ("inf" / "-inf" as ±Infinity); members with scores as ZMembers.
 */
import type { Argument } from '../engine.js';
import { keyAndCount, keysAndLimit, scanOptionArguments } from './arguments.js';
import type { Definitions, Result, ResultMode, Sync } from './define.js';
import { asReplied, toNumber, toNumberOrNull } from './replies.js';

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

/** ZADD's members: [score, member] pairs or a { member: score } record. */
export type ZAddMembers = Iterable<readonly [number | string, Argument]> | Record<string, number>;

export interface SortedSetCommands<M extends ResultMode> {
  /**
   * ZADD: members as [score, member] pairs or a { member: score } record.
   * Returns the number of members added (added + changed with `ch`).
   */
  zAdd(key: Argument, members: ZAddMembers, options?: ZAddOptions): Result<M, number>;
  /** ZADD ... INCR: the new score, or null when a condition prevented the update. */
  zAddIncr(key: Argument, increment: number | string, member: Argument, options?: ZAddOptions): Result<M, number | null>;
  zCard(key: Argument): Result<M, number>;
  /** ZSCORE: the member's score, or null. */
  zScore(key: Argument, member: Argument): Result<M, number | null>;
  /** ZMSCORE: one score (or null) per member, in order. */
  zmScore(key: Argument, ...members: Argument[]): Result<M, (number | null)[]>;
  /** ZINCRBY: the new score. */
  zIncrBy(key: Argument, increment: number | string, member: Argument): Result<M, number>;
  /** ZREM: how many members were removed. */
  zRem(key: Argument, ...members: Argument[]): Result<M, number>;
  /** ZRANK: the 0-based rank by ascending score, or null. */
  zRank(key: Argument, member: Argument): Result<M, number | null>;
  zRevRank(key: Argument, member: Argument): Result<M, number | null>;
  /** ZCOUNT: members with a score in [min, max] ("(" makes a bound exclusive). */
  zCount(key: Argument, min: number | string, max: number | string): Result<M, number>;
  /** ZRANGE: members by rank (default), score or lex range. */
  zRange(key: Argument, start: Argument, stop: Argument, options?: ZRangeOptions): Result<M, string[]>;
  /** ZRANGE ... WITHSCORES (not with `by: 'lex'`). */
  zRangeWithScores(key: Argument, start: Argument, stop: Argument, options?: ZRangeOptions): Result<M, ZMember[]>;
  zRangeByScore(key: Argument, min: number | string, max: number | string, limit?: ZLimit): Result<M, string[]>;
  zRevRangeByScore(key: Argument, max: number | string, min: number | string, limit?: ZLimit): Result<M, string[]>;
  zRevRange(key: Argument, start: number, stop: number): Result<M, string[]>;
  /** ZRANGEBYLEX: bounds are "[x", "(x", "-" or "+". */
  zRangeByLex(key: Argument, min: Argument, max: Argument, limit?: ZLimit): Result<M, string[]>;
  zRevRangeByLex(key: Argument, max: Argument, min: Argument, limit?: ZLimit): Result<M, string[]>;
  zLexCount(key: Argument, min: Argument, max: Argument): Result<M, number>;
  zRemRangeByRank(key: Argument, start: number, stop: number): Result<M, number>;
  zRemRangeByScore(key: Argument, min: number | string, max: number | string): Result<M, number>;
  zRemRangeByLex(key: Argument, min: Argument, max: Argument): Result<M, number>;
  /** ZPOPMIN: removes and returns up to `count` (default 1) lowest members. */
  zPopMin(key: Argument, count?: number): Result<M, ZMember[]>;
  zPopMax(key: Argument, count?: number): Result<M, ZMember[]>;
  /** ZRANGESTORE: the size of the stored range (an empty one deletes `destination`). */
  zRangeStore(destination: Argument, source: Argument, min: Argument, max: Argument, options?: ZRangeOptions): Result<M, number>;
  zUnionStore(destination: Argument, keys: Argument[], options?: ZCombineOptions): Result<M, number>;
  zInterStore(destination: Argument, keys: Argument[], options?: ZCombineOptions): Result<M, number>;
  zDiffStore(destination: Argument, keys: Argument[]): Result<M, number>;
  zUnion(keys: Argument[], options?: ZCombineOptions): Result<M, ZMember[]>;
  zInter(keys: Argument[], options?: ZCombineOptions): Result<M, ZMember[]>;
  /** ZDIFF: the members of the first key in none of the others, with their scores. */
  zDiff(keys: Argument[]): Result<M, ZMember[]>;
  /** ZINTERCARD: the size of the intersection, counting up to `limit` (0 = no limit). */
  zInterCard(keys: Argument[], limit?: number): Result<M, number>;
  /** ZMPOP: pops from the first non-empty key; null when all are empty. */
  zmPop(keys: Argument[], where: 'MIN' | 'MAX', count?: number): Result<M, { key: string; members: ZMember[] } | null>;
  /**
   * BZPOPMIN: the lowest member of the first non-empty sorted set of
   * `keys`, with its key, or null at the timeout (seconds, 0 = for ever;
   * see blPop for how Engine and Client wait).
   */
  bzPopMin(keys: Argument[], timeout: number): Result<M, { key: string; member: ZMember } | null>;
  /** BZPOPMAX: as bzPopMin, the highest member. */
  bzPopMax(keys: Argument[], timeout: number): Result<M, { key: string; member: ZMember } | null>;
  /** BZMPOP: zmPop, waiting for one of `keys`: its key and members, or null at the timeout. */
  bzmPop(
    keys: Argument[],
    where: 'MIN' | 'MAX',
    timeout: number,
    count?: number,
  ): Result<M, { key: string; members: ZMember[] } | null>;
  /**
   * ZRANDMEMBER: without `count`, one random member (null for a missing
   * key); with it, up to `count` distinct members, or |count| with repeats
   * when negative.
   */
  zRandMember(key: Argument): Result<M, string | null>;
  zRandMember(key: Argument, count: number): Result<M, string[]>;
  /** One ZSCAN step. Start with cursor '0'; done when it returns '0'. */
  zScan(key: Argument, cursor: string | number, options?: ZScanOptions): Result<M, ZScanPage>;
}

/** A score reply ("inf", "-inf" or a decimal) as a number. */
function toScore(raw: unknown): number {
  const text = String(raw);
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

function zmpopArguments(keys: Argument[], where: 'MIN' | 'MAX', count?: number): Argument[] {
  const args: Argument[] = [keys.length, ...keys, where];
  if (count !== undefined) args.push('COUNT', count);
  return args;
}

/** [key, [[member, score] ...]] (ZMPOP, BZMPOP) or null. */
function toKeyAndMembers(raw: unknown): { key: string; members: ZMember[] } | null {
  const reply = raw as [string, [string, string][]] | null;
  if (reply === null) return null;
  return { key: reply[0], members: reply[1].map(([member, score]) => ({ member, score: toScore(score) })) };
}

/** [key, member, score] (BZPOPMIN, BZPOPMAX) or null. */
function toKeyAndMember(raw: unknown): { key: string; member: ZMember } | null {
  const reply = raw as [string, string, string] | null;
  return reply === null ? null : { key: reply[0], member: { member: reply[1], score: toScore(reply[2]) } };
}

function toScoreOrNull(raw: unknown): number | null {
  return raw === null ? null : toScore(raw);
}

/** A flat [member, score, member, score...] reply as ZMembers. */
function toZMembers(raw: unknown): ZMember[] {
  const flat = raw as string[];
  const out: ZMember[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i]!, score: toScore(flat[i + 1]) });
  return out;
}

function zAddConditions(options: ZAddOptions): Argument[] {
  const args: Argument[] = [];
  if (options.nx) args.push('NX');
  if (options.xx) args.push('XX');
  if (options.gt) args.push('GT');
  if (options.lt) args.push('LT');
  return args;
}

function zAddArguments(key: Argument, members: ZAddMembers, options: ZAddOptions): Argument[] {
  const args: Argument[] = [key, ...zAddConditions(options)];
  if (options.ch) args.push('CH');
  if (Symbol.iterator in members) {
    for (const [score, member] of members as Iterable<readonly [number | string, Argument]>) args.push(score, member);
  } else {
    for (const [member, score] of Object.entries(members)) args.push(score, member);
  }
  return args;
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

/** numkeys key ... [WEIGHTS ...] [AGGREGATE ...] */
function zCombineArguments(keys: Argument[], options: ZCombineOptions): Argument[] {
  const args: Argument[] = [keys.length, ...keys];
  if (options.weights) args.push('WEIGHTS', ...options.weights);
  if (options.aggregate) args.push('AGGREGATE', options.aggregate);
  return args;
}

export const sortedSetCommands: Definitions<SortedSetCommands<Sync>> = {
  zAdd: { command: 'zadd', args: (key, members, options = {}) => zAddArguments(key, members, options), reply: toNumber },
  zAddIncr: {
    command: 'zadd',
    args: (key, increment, member, options = {}) => [key, ...zAddConditions(options), 'INCR', increment, member],
    reply: toScoreOrNull,
  },
  zCard: { command: 'zcard', args: (key) => [key], reply: toNumber },
  zScore: { command: 'zscore', args: (key, member) => [key, member], reply: toScoreOrNull },
  zmScore: {
    command: 'zmscore',
    args: (key, ...members) => [key, ...members],
    reply: (raw) => (raw as (string | null)[]).map(toScoreOrNull),
  },
  zIncrBy: { command: 'zincrby', args: (key, increment, member) => [key, increment, member], reply: toScore },
  zRem: { command: 'zrem', args: (key, ...members) => [key, ...members], reply: toNumber },
  zRank: { command: 'zrank', args: (key, member) => [key, member], reply: toNumberOrNull },
  zRevRank: { command: 'zrevrank', args: (key, member) => [key, member], reply: toNumberOrNull },
  zCount: { command: 'zcount', args: (key, min, max) => [key, min, max], reply: toNumber },
  zRange: {
    command: 'zrange',
    args: (key, start, stop, options = {}) => [key, start, stop, ...zRangeArguments(options)],
    reply: asReplied,
  },
  zRangeWithScores: {
    command: 'zrange',
    args: (key, start, stop, options = {}) => [key, start, stop, ...zRangeArguments(options), 'WITHSCORES'],
    reply: toZMembers,
  },
  zRangeByScore: {
    command: 'zrangebyscore',
    args: (key, min, max, limit) => [key, min, max, ...zLimitArguments(limit)],
    reply: asReplied,
  },
  zRevRangeByScore: {
    command: 'zrevrangebyscore',
    args: (key, max, min, limit) => [key, max, min, ...zLimitArguments(limit)],
    reply: asReplied,
  },
  zRevRange: { command: 'zrevrange', args: (key, start, stop) => [key, start, stop], reply: asReplied },
  zRangeByLex: {
    command: 'zrangebylex',
    args: (key, min, max, limit) => [key, min, max, ...zLimitArguments(limit)],
    reply: asReplied,
  },
  zRevRangeByLex: {
    command: 'zrevrangebylex',
    args: (key, max, min, limit) => [key, max, min, ...zLimitArguments(limit)],
    reply: asReplied,
  },
  zLexCount: { command: 'zlexcount', args: (key, min, max) => [key, min, max], reply: toNumber },
  zRemRangeByRank: { command: 'zremrangebyrank', args: (key, start, stop) => [key, start, stop], reply: toNumber },
  zRemRangeByScore: { command: 'zremrangebyscore', args: (key, min, max) => [key, min, max], reply: toNumber },
  zRemRangeByLex: { command: 'zremrangebylex', args: (key, min, max) => [key, min, max], reply: toNumber },
  zPopMin: { command: 'zpopmin', args: keyAndCount, reply: toZMembers },
  zPopMax: { command: 'zpopmax', args: keyAndCount, reply: toZMembers },
  zRangeStore: {
    command: 'zrangestore',
    args: (destination, source, min, max, options = {}) => [destination, source, min, max, ...zRangeArguments(options)],
    reply: toNumber,
  },
  zUnionStore: {
    command: 'zunionstore',
    args: (destination, keys, options = {}) => [destination, ...zCombineArguments(keys, options)],
    reply: toNumber,
  },
  zInterStore: {
    command: 'zinterstore',
    args: (destination, keys, options = {}) => [destination, ...zCombineArguments(keys, options)],
    reply: toNumber,
  },
  zDiffStore: { command: 'zdiffstore', args: (destination, keys) => [destination, keys.length, ...keys], reply: toNumber },
  zUnion: { command: 'zunion', args: (keys, options = {}) => [...zCombineArguments(keys, options), 'WITHSCORES'], reply: toZMembers },
  zInter: { command: 'zinter', args: (keys, options = {}) => [...zCombineArguments(keys, options), 'WITHSCORES'], reply: toZMembers },
  zDiff: { command: 'zdiff', args: (keys) => [keys.length, ...keys, 'WITHSCORES'], reply: toZMembers },
  zInterCard: {
    command: 'zintercard',
    args: keysAndLimit,
    reply: toNumber,
  },
  zmPop: { command: 'zmpop', args: zmpopArguments, reply: toKeyAndMembers },
  bzPopMin: { command: 'bzpopmin', args: (keys, timeout) => [...keys, timeout], reply: toKeyAndMember },
  bzPopMax: { command: 'bzpopmax', args: (keys, timeout) => [...keys, timeout], reply: toKeyAndMember },
  bzmPop: {
    command: 'bzmpop',
    args: (keys, where, timeout, count) => [timeout, ...zmpopArguments(keys, where, count)],
    reply: toKeyAndMembers,
  },
  // The reply is one member or an array, as the overload called promises.
  zRandMember: { command: 'zrandmember', args: keyAndCount, reply: asReplied },
  zScan: {
    command: 'zscan',
    args: (key, cursor, options = {}) => [key, cursor, ...scanOptionArguments(options)],
    reply: (raw) => {
      const [cursor, flat] = raw as [string, string[]];
      return { cursor, members: toZMembers(flat) };
    },
  },
};
