/**
 * The typed RPCs of the contract (proto/emberkv/v1/emberkv.proto, "Typed
 * RPCs"): each is a row here that turns its request message into a
 * command's arguments and the command's reply into its reply message. The
 * command itself runs through Engine.callBuffer, the same native command
 * table as everything else: nothing here knows what a command does, only
 * how its arguments and replies are spelled.
 *
 * Requests arrive as proto-loader objects (bytes as Buffers, 64-bit
 * integers as decimal strings, enums as names, every field defaulted).
 */
import type { Reply } from '../engine.js';

type Argument = string | Buffer;
type Request = Record<string, unknown>;

export interface TypedRpc {
  /** The command's arguments (name first) for a request. */
  args(request: Request): Argument[];
  /** The reply message for the command's reply (bulks as Buffers). */
  reply(result: Reply, request: Request): object;
}

const EMPTY = Buffer.alloc(0);

const bytes = (value: unknown): Buffer => (Buffer.isBuffer(value) ? value : EMPTY);
const list = (value: unknown): Buffer[] => (Array.isArray(value) ? (value as Buffer[]) : []);
const text = (value: unknown): string => String(value ?? '');

/** A score as ZADD / ZINCRBY take it: Redis spells infinities inf / -inf. */
function scoreArgument(score: unknown): string {
  const x = Number(score);
  if (Number.isFinite(x)) return String(x);
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/** A score as Redis replies it ("1.5", "inf", "-inf"). */
function parseScore(reply: Reply): number {
  const s = String(reply);
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

const count = (result: Reply) => ({ count: String(result) });
const integer = (result: Reply) => ({ value: String(result) });
const value = (result: Reply) => (result === null ? { found: false } : { found: true, value: result });
const values = (result: Reply) => ({ values: Array.isArray(result) ? result : [] });
const done = (result: Reply) => ({ done: result === 1 || result === 'OK' });

/** NX / XX (and GT / LT) as their argument, or nothing for ALWAYS. */
function condition(request: Request, field = 'condition'): Argument[] {
  const c = request[field];
  return typeof c === 'string' && c !== 'ALWAYS' ? [c] : [];
}

function expiry(request: Request): Argument[] {
  switch (request.expiry) {
    case 'ex_seconds':
      return ['EX', text(request.ex_seconds)];
    case 'px_milliseconds':
      return ['PX', text(request.px_milliseconds)];
    case 'exat_unix_seconds':
      return ['EXAT', text(request.exat_unix_seconds)];
    case 'pxat_unix_milliseconds':
      return ['PXAT', text(request.pxat_unix_milliseconds)];
    case 'keep_ttl':
      return request.keep_ttl ? ['KEEPTTL'] : [];
    default:
      return [];
  }
}

function pop(name: string): TypedRpc {
  return {
    args: (r) => (text(r.count) === '0' ? [name, bytes(r.key)] : [name, bytes(r.key), text(r.count)]),
    reply: (result) => ({ values: result === null ? [] : Array.isArray(result) ? result : [result] }),
  };
}

export const TYPED_RPCS: Record<string, TypedRpc> = {
  Get: { args: (r) => ['GET', bytes(r.key)], reply: value },
  Set: {
    args: (r) => ['SET', bytes(r.key), bytes(r.value), ...expiry(r), ...condition(r), ...(r.get ? ['GET'] : [])],
    reply: (result, r) => {
      if (!r.get) return { written: result === 'OK' };
      // SET ... GET replies with the previous value; whether it wrote
      // follows from it and the condition.
      const existed = result !== null;
      const written = r.condition === 'NX' ? !existed : r.condition === 'XX' ? existed : true;
      return { written, previous: value(result) };
    },
  },
  Del: { args: (r) => ['DEL', ...list(r.keys)], reply: count },
  Exists: { args: (r) => ['EXISTS', ...list(r.keys)], reply: count },
  Expire: { args: (r) => ['EXPIRE', bytes(r.key), text(r.seconds), ...condition(r)], reply: done },
  Ttl: {
    args: (r) => ['TTL', bytes(r.key)],
    reply: (result) => {
      const ttl = Number(result);
      if (ttl === -2) return { found: false };
      if (ttl === -1) return { found: true, has_expiry: false };
      return { found: true, has_expiry: true, seconds: String(result) };
    },
  },
  IncrBy: { args: (r) => ['INCRBY', bytes(r.key), text(r.increment)], reply: integer },
  MGet: {
    args: (r) => ['MGET', ...list(r.keys)],
    reply: (result) => ({ values: (result as Reply[]).map(value) }),
  },
  MSet: {
    args: (r) => ['MSET', ...(r.pairs as Request[]).flatMap((p) => [bytes(p.key), bytes(p.value)])],
    reply: done,
  },
  Scan: {
    args: (r) => [
      'SCAN',
      text(r.cursor),
      ...(bytes(r.match).length ? ['MATCH', bytes(r.match)] : []),
      ...(text(r.count) !== '0' ? ['COUNT', text(r.count)] : []),
      ...(text(r.type) ? ['TYPE', text(r.type)] : []),
    ],
    reply: (result) => {
      const [cursor, keys] = result as [Buffer, Buffer[]];
      return { cursor: cursor.toString(), keys };
    },
  },
  HSet: {
    args: (r) => ['HSET', bytes(r.key), ...(r.fields as Request[]).flatMap((f) => [bytes(f.field), bytes(f.value)])],
    reply: count,
  },
  HGet: { args: (r) => ['HGET', bytes(r.key), bytes(r.field)], reply: value },
  HGetAll: {
    args: (r) => ['HGETALL', bytes(r.key)],
    reply: (result) => {
      const flat = result as Buffer[];
      const fields = [];
      for (let i = 0; i < flat.length; i += 2) fields.push({ field: flat[i], value: flat[i + 1] });
      return { fields };
    },
  },
  HDel: { args: (r) => ['HDEL', bytes(r.key), ...list(r.fields)], reply: count },
  HIncrBy: { args: (r) => ['HINCRBY', bytes(r.key), bytes(r.field), text(r.increment)], reply: integer },
  LPush: { args: (r) => ['LPUSH', bytes(r.key), ...list(r.elements)], reply: count },
  RPush: { args: (r) => ['RPUSH', bytes(r.key), ...list(r.elements)], reply: count },
  LPop: pop('LPOP'),
  RPop: pop('RPOP'),
  LRange: { args: (r) => ['LRANGE', bytes(r.key), text(r.start), text(r.stop)], reply: values },
  LLen: { args: (r) => ['LLEN', bytes(r.key)], reply: count },
  SAdd: { args: (r) => ['SADD', bytes(r.key), ...list(r.elements)], reply: count },
  SRem: { args: (r) => ['SREM', bytes(r.key), ...list(r.elements)], reply: count },
  SMembers: { args: (r) => ['SMEMBERS', bytes(r.key)], reply: values },
  SIsMember: { args: (r) => ['SISMEMBER', bytes(r.key), bytes(r.member)], reply: done },
  SCard: { args: (r) => ['SCARD', bytes(r.key)], reply: count },
  ZAdd: {
    args: (r) => [
      'ZADD',
      bytes(r.key),
      ...condition(r),
      ...condition(r, 'compare'),
      ...(r.changed ? ['CH'] : []),
      ...(r.members as Request[]).flatMap((m) => [scoreArgument(m.score), bytes(m.member)]),
    ],
    reply: count,
  },
  ZScore: {
    args: (r) => ['ZSCORE', bytes(r.key), bytes(r.member)],
    reply: (result) => (result === null ? { found: false } : { found: true, score: parseScore(result) }),
  },
  ZIncrBy: {
    args: (r) => ['ZINCRBY', bytes(r.key), scoreArgument(r.increment), bytes(r.member)],
    reply: (result) => ({ found: true, score: parseScore(result) }),
  },
  ZRem: { args: (r) => ['ZREM', bytes(r.key), ...list(r.elements)], reply: count },
  ZRange: {
    args: (r) => [
      'ZRANGE',
      bytes(r.key),
      text(r.start),
      text(r.stop),
      ...(r.by === 'SCORE' ? ['BYSCORE'] : r.by === 'LEX' ? ['BYLEX'] : []),
      ...(r.rev ? ['REV'] : []),
      ...(r.limit ? ['LIMIT', text(r.offset), text(r.count)] : []),
      ...(r.with_scores ? ['WITHSCORES'] : []),
    ],
    reply: (result, r) => {
      const flat = result as Buffer[];
      if (!r.with_scores) return { members: flat.map((member) => ({ member })) };
      const members = [];
      for (let i = 0; i < flat.length; i += 2) members.push({ member: flat[i], score: parseScore(flat[i + 1]!) });
      return { members };
    },
  },
  ZRank: {
    args: (r) => ['ZRANK', bytes(r.key), bytes(r.member)],
    reply: (result) => (result === null ? { found: false } : { found: true, rank: String(result) }),
  },
  ZCard: { args: (r) => ['ZCARD', bytes(r.key)], reply: count },
  Publish: { args: (r) => ['PUBLISH', bytes(r.channel), bytes(r.message)], reply: count },
};
