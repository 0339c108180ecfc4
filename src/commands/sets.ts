/**
 * Set commands (SADD, SINTER, SSCAN, ...): their typed methods' signatures
 * and their one definition each.
 */
import type { Argument } from '../engine.js';
import { keyAndCount, keysAndLimit, scanOptionArguments } from './arguments.js';
import type { Definitions, Result, ResultMode, Sync } from './define.js';
import { asReplied, isOne, toNumber } from './replies.js';

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

export interface SetCommands<M extends ResultMode> {
  /** SADD: how many members were new. */
  sAdd(key: Argument, ...members: Argument[]): Result<M, number>;
  /** SREM: how many members were removed. */
  sRem(key: Argument, ...members: Argument[]): Result<M, number>;
  sIsMember(key: Argument, member: Argument): Result<M, boolean>;
  /** SMISMEMBER: one boolean per member, in order. */
  sMIsMember(key: Argument, ...members: Argument[]): Result<M, boolean[]>;
  /** SMEMBERS: every member, in no particular order ([] for a missing key). */
  sMembers(key: Argument): Result<M, string[]>;
  sCard(key: Argument): Result<M, number>;
  /** SMOVE: true if the member was moved (or already in both, for source = destination). */
  sMove(source: Argument, destination: Argument, member: Argument): Result<M, boolean>;
  sInter(...keys: Argument[]): Result<M, string[]>;
  sUnion(...keys: Argument[]): Result<M, string[]>;
  /** SDIFF: the members of the first set that are in none of the others. */
  sDiff(...keys: Argument[]): Result<M, string[]>;
  /** SINTERSTORE: the size of the stored result (an empty result deletes `destination`). */
  sInterStore(destination: Argument, ...keys: Argument[]): Result<M, number>;
  sUnionStore(destination: Argument, ...keys: Argument[]): Result<M, number>;
  sDiffStore(destination: Argument, ...keys: Argument[]): Result<M, number>;
  /** SINTERCARD: the size of the intersection, counting up to `limit` (0 = no limit). */
  sInterCard(keys: Argument[], limit?: number): Result<M, number>;
  /**
   * SRANDMEMBER: without `count`, one random member (null for a missing
   * key); with it, up to `count` distinct members, or |count| members with
   * repeats when negative.
   */
  sRandMember(key: Argument): Result<M, string | null>;
  sRandMember(key: Argument, count: number): Result<M, string[]>;
  /** SPOP: removes and returns one random member (null if none), or up to `count`. */
  sPop(key: Argument): Result<M, string | null>;
  sPop(key: Argument, count: number): Result<M, string[]>;
  /** One SSCAN step. Start with cursor '0'; done when it returns '0'. */
  sScan(key: Argument, cursor: string | number, options?: SScanOptions): Result<M, SScanPage>;
}

export const setCommands: Definitions<SetCommands<Sync>> = {
  sAdd: { command: 'sadd', args: (key, ...members) => [key, ...members], reply: toNumber },
  sRem: { command: 'srem', args: (key, ...members) => [key, ...members], reply: toNumber },
  sIsMember: { command: 'sismember', args: (key, member) => [key, member], reply: isOne },
  sMIsMember: {
    command: 'smismember',
    args: (key, ...members) => [key, ...members],
    reply: (raw) => (raw as number[]).map((r) => r === 1),
  },
  sMembers: { command: 'smembers', args: (key) => [key], reply: asReplied },
  sCard: { command: 'scard', args: (key) => [key], reply: toNumber },
  sMove: { command: 'smove', args: (source, destination, member) => [source, destination, member], reply: isOne },
  sInter: { command: 'sinter', args: (...keys) => keys, reply: asReplied },
  sUnion: { command: 'sunion', args: (...keys) => keys, reply: asReplied },
  sDiff: { command: 'sdiff', args: (...keys) => keys, reply: asReplied },
  sInterStore: { command: 'sinterstore', args: (destination, ...keys) => [destination, ...keys], reply: toNumber },
  sUnionStore: { command: 'sunionstore', args: (destination, ...keys) => [destination, ...keys], reply: toNumber },
  sDiffStore: { command: 'sdiffstore', args: (destination, ...keys) => [destination, ...keys], reply: toNumber },
  sInterCard: {
    command: 'sintercard',
    args: keysAndLimit,
    reply: toNumber,
  },
  // The reply is one member or an array, as the overload called promises.
  sRandMember: { command: 'srandmember', args: keyAndCount, reply: asReplied },
  sPop: { command: 'spop', args: keyAndCount, reply: asReplied },
  sScan: {
    command: 'sscan',
    args: (key, cursor, options = {}) => [key, cursor, ...scanOptionArguments(options)],
    reply: (raw) => {
      const [cursor, members] = raw as [string, string[]];
      return { cursor, members };
    },
  },
};
