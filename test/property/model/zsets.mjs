/**
 * The sorted-set commands of the reference model, from Redis 7.0's
 * t_zset.c (and db.c's scanGenericCommand for ZSCAN). Score parsing and
 * printing, and the range walks, live in score.mjs.
 *
 * Value: { encoding, members }, where members is a Map from keyOf(member)
 * to { member, score } (member a Buffer, score a JS number: a double, like
 * Redis's; entries are replaced, never edited). The order Redis keeps is
 * by score, then by member bytes (memcmp, then length); sorted() computes
 * it when needed (the sets are small).
 *
 * encoding is 'listpack' or 'skiplist', what OBJECT ENCODING shows, and it
 * matters beyond that: a listpack stores an integral score as an integer,
 * so -0 becomes 0 there, while a skiplist keeps -0 (ZSCORE says "-0").
 * The rules, as in 7.0:
 *   - ZADD / ZINCRBY on a new key: a skiplist if the first member is longer
 *     than 64 bytes (zset-max-listpack-value), else a listpack;
 *   - adding a member to a listpack that would then hold more than 128
 *     (zset-max-listpack-entries), or a member longer than 64 bytes,
 *     converts it to a skiplist first; nothing converts it back...
 *   - ...except the results built anew: ZUNIONSTORE / ZINTERSTORE /
 *     ZDIFFSTORE build a skiplist and turn it into a listpack when it has
 *     at most 128 members of at most 64 bytes; ZRANGESTORE starts from a
 *     skiplist when a rank range names more than 128 members, else from a
 *     listpack, and adds the members one by one.
 * Invariant: never empty; the last member's removal deletes the key.
 *
 * Ranges: Redis walks a listpack from the first member in range (after a
 * quick test of the two ends) while the next one is still within the far
 * bound. For scores that is the same as filtering; for lex ranges it is
 * not when the scores differ (the members are then not in lex order), and
 * the walk is what is modelled (score.mjs's walkRange). A skiplist finds where to start
 * by descending its levels, which agrees with the listpack's scan when the
 * members out of range are all on one side; when they are not (a lex
 * range over a skiplist with unordered members), Redis's answer depends on
 * its random node levels and the model throws UnmodeledInput.
 *
 * ZRANDMEMBER is random: run() returns one valid reply (the first members)
 * and pick() checks that emberkv's reply is one Redis could have given.
 * ZSCAN returns the whole iteration as one page (a listpack ignores the
 * cursor in Redis too).
 */
import { isDeepStrictEqual } from 'node:util';
import { formatReply, isBulk } from '../../support/reply.mjs';
import { LLONG_MAX, is, keyOf, parseLL, rankRange } from './parse.mjs';
import { NOT_FLOAT, NOT_INT, SYNTAX, UnmodeledInput, WrongTypeError, bulk, err, int } from './replies.mjs';
import {
  formatScore, lexWalk, listpackScore, listpackScoreText, parseLexRange, parseScore, parseScoreRange,
  scoreWalk, walkRange, walkStart,
} from './score.mjs';
import { EMPTY_SCAN, INVALID_CURSOR, parseScanCursor, parseScanOptions, scanMatches } from './scan.mjs';
import { sameReply } from './sets.mjs';

const ZSET_MAX_LISTPACK_ENTRIES = 128;
const ZSET_MAX_LISTPACK_VALUE = 64;

const NOT_FLOAT_RANGE = err('ERR min or max is not a float');
const NOT_LEX_RANGE = err('ERR min or max not valid string range item');
const MUST_BE_POSITIVE = err('ERR value is out of range, must be positive');

// ---- the value ------------------------------------------------------------------------------

const emptyZset = (encoding) => ({ encoding, members: new Map() });

/** The live zset at `key`, or undefined; WrongTypeError for another type. */
const zsetAt = (ks, key) => ks.lookup(key, 'zset')?.value;

function byScoreThenMember(a, b) {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return Buffer.compare(a.member, b.member);
}

/** The members in Redis's order: by score, then by member bytes. */
const sorted = (z) => [...z.members.values()].sort(byScoreThenMember);

/** Sets a member's score as the encoding stores it (a listpack turns -0 into 0). */
function putScore(z, member, score) {
  const stored = z.encoding === 'listpack' ? listpackScore(score) : score;
  z.members.set(keyOf(member), { member: Buffer.from(member), score: stored });
}

/** Inserts a new member; zsetAdd() converts a listpack that would grow too long or hold a long member. */
function insertNew(z, member, score) {
  if (z.encoding === 'listpack' &&
      (z.members.size + 1 > ZSET_MAX_LISTPACK_ENTRIES || member.length > ZSET_MAX_LISTPACK_VALUE)) {
    z.encoding = 'skiplist';
  }
  putScore(z, member, score);
}

/**
 * zsetAdd(): adds or updates one member under ZADD's flags. Returns
 * { nan: true } for a NaN result, else { nop, added, updated, score }.
 */
function zsetAdd(z, score, member, { incr, nx, xx, gt, lt }) {
  const current = z.members.get(keyOf(member));
  if (current) {
    if (nx) return { nop: true };
    if (incr) {
      score += current.score;
      if (Number.isNaN(score)) return { nan: true };
    }
    if ((lt && score >= current.score) || (gt && score <= current.score)) return { nop: true };
    // -0 == 0: changing a score between them is no change at all.
    if (score !== current.score) {
      putScore(z, member, score);
      return { updated: true, score };
    }
    return { score };
  }
  if (xx) return { nop: true };
  insertNew(z, member, score);
  return { added: true, score };
}

/** Deletes members (their keys) from the zset at `key`; the key goes when it empties. */
function removeMembers(ks, key, z, members) {
  for (const m of members) z.members.delete(keyOf(m));
  if (z.members.size === 0) ks.delete(key);
}

/** A member and its score, as a reply with scores shows them. */
const withScore = (e) => [bulk(e.member), bulk(Buffer.from(formatScore(e.score)))];

/** A flat reply: members, each followed by its score when asked. */
const rangeReply = (entries, withscores) => entries.flatMap((e) => (withscores ? withScore(e) : [bulk(e.member)]));

// ---- ranges (the walks themselves are in score.mjs) ------------------------------------------

/**
 * ZRANGESTORE's destination: built member by member in the order of the
 * range, starting as a skiplist when `sizeHint` (a rank range's length)
 * says it will be long; an empty result deletes the destination.
 */
function storeRange(ks, dst, entries, sizeHint) {
  if (entries.length === 0) {
    ks.delete(dst);
    return int(0);
  }
  const z = emptyZset(sizeHint > ZSET_MAX_LISTPACK_ENTRIES ? 'skiplist' : 'listpack');
  for (const e of entries) insertNew(z, e.member, e.score);
  ks.create(dst, 'zset', z);
  return int(entries.length);
}

/**
 * zrangeGenericCommand(): ZRANGE, ZRANGESTORE and the older forms.
 * `type` is 'auto' | 'rank' | 'score' | 'lex' and `direction` 'auto' |
 * 'forward' | 'reverse' (auto: the options decide).
 */
function zrangeGeneric(ks, args, { store = false, type, direction }) {
  const keyAt = store ? 2 : 1;
  let withscores = false;
  let offset = 0n;
  let limit = -1n;
  for (let j = keyAt + 3; j < args.length; j++) {
    const left = args.length - j - 1;
    if (!store && is(args[j], 'withscores')) {
      withscores = true;
    } else if (is(args[j], 'limit') && left >= 2) {
      offset = parseLL(args[j + 1]);
      if (offset === null) return NOT_INT;
      limit = parseLL(args[j + 2]);
      if (limit === null) return NOT_INT;
      j += 2;
    } else if (direction === 'auto' && is(args[j], 'rev')) {
      direction = 'reverse';
    } else if (type === 'auto' && is(args[j], 'bylex')) {
      type = 'lex';
    } else if (type === 'auto' && is(args[j], 'byscore')) {
      type = 'score';
    } else {
      return SYNTAX;
    }
  }
  if (type === 'auto') type = 'rank';
  const reverse = direction === 'reverse';
  if (limit !== -1n && type === 'rank') {
    return err('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withscores && type === 'lex') return err('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  // Reversed score and lex ranges are given as max, min.
  const swap = reverse && type !== 'rank';
  const [minArg, maxArg] = swap ? [args[keyAt + 2], args[keyAt + 1]] : [args[keyAt + 1], args[keyAt + 2]];
  let walk;
  let start;
  let end;
  if (type === 'rank') {
    start = parseLL(minArg);
    if (start === null) return NOT_INT;
    end = parseLL(maxArg);
    if (end === null) return NOT_INT;
  } else if (type === 'score') {
    const r = parseScoreRange(minArg, maxArg);
    if (!r) return NOT_FLOAT_RANGE;
    walk = scoreWalk(r);
  } else {
    const r = parseLexRange(minArg, maxArg);
    if (!r) return NOT_LEX_RANGE;
    walk = lexWalk(r);
  }
  const z = zsetAt(ks, args[keyAt]);
  if (!z) return store ? storeRange(ks, args[1], [], 0) : [];
  const list = sorted(z);
  let entries;
  let sizeHint = 0;
  if (type === 'rank') {
    const range = rankRange(start, end, list.length);
    const ordered = reverse ? list.reverse() : list;
    entries = range ? ordered.slice(range[0], range[1] + 1) : [];
    sizeHint = entries.length;
  } else {
    entries = walkRange(list, walk, { reverse, offset, limit, skiplist: z.encoding === 'skiplist' });
  }
  return store ? storeRange(ks, args[1], entries, sizeHint) : rangeReply(entries, withscores);
}

const zrange = (options, arity = -4) => ({ arity, run: (ks, args) => zrangeGeneric(ks, args, options) });

/**
 * ZCOUNT / ZLEXCOUNT: the range first, then the key. A skiplist counts by
 * the ranks of the first and the last member in range, which needs both
 * ends (walkStart() both ways) and then equals the length of the walk.
 */
function countInRange(ks, args, lex) {
  const r = lex ? parseLexRange(args[2], args[3]) : parseScoreRange(args[2], args[3]);
  if (!r) return lex ? NOT_LEX_RANGE : NOT_FLOAT_RANGE;
  const z = zsetAt(ks, args[1]);
  if (!z) return int(0);
  const list = sorted(z);
  const walk = lex ? lexWalk(r) : scoreWalk(r);
  const skiplist = z.encoding === 'skiplist';
  const inRange = walkRange(list, walk, { skiplist });
  if (skiplist && inRange.length > 0) walkStart(list, walk, true, true);
  return int(inRange.length);
}

/**
 * zremrangeGenericCommand(): the range first, then the key; replies how
 * many went. A skiplist deletes from the first member >= min while <= max,
 * without the listpack's test of the two ends.
 */
function zremrange(ks, args, type) {
  let select;
  if (type === 'rank') {
    const start = parseLL(args[2]);
    if (start === null) return NOT_INT;
    const end = parseLL(args[3]);
    if (end === null) return NOT_INT;
    select = (list) => {
      const range = rankRange(start, end, list.length);
      return range ? list.slice(range[0], range[1] + 1) : [];
    };
  } else {
    const r = type === 'lex' ? parseLexRange(args[2], args[3]) : parseScoreRange(args[2], args[3]);
    if (!r) return type === 'lex' ? NOT_LEX_RANGE : NOT_FLOAT_RANGE;
    const walk = type === 'lex' ? lexWalk(r) : scoreWalk(r);
    select = (list, skiplist) => walkRange(list, walk, { skiplist, check: !skiplist });
  }
  const z = zsetAt(ks, args[1]);
  if (!z) return int(0);
  const gone = select(sorted(z), z.encoding === 'skiplist');
  removeMembers(ks, args[1], z, gone.map((e) => e.member));
  return int(gone.length);
}

// ---- ZADD / ZINCRBY ----------------------------------------------------------------------------

const NAN_RESULT = err('ERR resulting score is not a number (NaN)');

/** zaddGenericCommand(); ZINCRBY is ZADD with INCR already set. */
function zadd(ks, args, incrCommand) {
  const flags = { nx: false, xx: false, ch: false, incr: incrCommand, gt: false, lt: false };
  let scoreAt = 2;
  for (; scoreAt < args.length; scoreAt++) {
    const option = ['nx', 'xx', 'ch', 'incr', 'gt', 'lt'].find((o) => is(args[scoreAt], o));
    if (!option) break;
    flags[option] = true;
  }
  const rest = args.length - scoreAt;
  if (rest === 0 || rest % 2 === 1) return SYNTAX;
  const { nx, xx, gt, lt, incr, ch } = flags;
  if (nx && xx) return err('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return err('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (incr && rest > 2) return err('ERR INCR option supports a single increment-element pair');
  const pairs = [];
  for (let j = scoreAt; j < args.length; j += 2) {
    const score = parseScore(args[j]);
    if (score === null) return NOT_FLOAT;
    pairs.push({ score, member: args[j + 1] });
  }
  let z = zsetAt(ks, args[1]);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (!z && !xx) {
    const firstMember = args[scoreAt + 1];
    z = emptyZset(firstMember.length > ZSET_MAX_LISTPACK_VALUE ? 'skiplist' : 'listpack');
    ks.create(args[1], 'zset', z);
  }
  if (z) {
    for (const pair of pairs) {
      const out = zsetAdd(z, pair.score, pair.member, flags);
      if (out.nan) return NAN_RESULT;
      if (out.added) added++;
      if (out.updated) updated++;
      if (!out.nop) processed++;
      score = out.score;
    }
  }
  if (incr) return processed ? bulk(Buffer.from(formatScore(score))) : null;
  return int(ch ? added + updated : added);
}

// ---- ZUNION / ZINTER / ZDIFF and friends -------------------------------------------------------

/** A source of a set operation: a zset's members, or a set's with score 1; empty for a missing key. */
function sourceAt(ks, key) {
  const e = ks.live(key);
  if (!e) return [];
  if (e.type === 'zset') return [...e.value.members.values()];
  if (e.type === 'set') return [...e.value.members.values()].map((member) => ({ member, score: 1 }));
  throw new WrongTypeError();
}

/** zunionInterAggregate(): SUM turns inf + -inf into 0. */
function aggregate(target, value, how) {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/** weight * score, with NaN (0 * inf) read as 0. */
const weighted = (weight, score) => {
  const s = weight * score;
  return Number.isNaN(s) ? 0 : s;
};

/** The result of a set operation over `sources` ([{ members, weight }]), as a Map keyOf -> entry. */
function combine(op, sources, how) {
  const out = new Map();
  if (op === 'union') {
    for (const { members, weight } of sources) {
      for (const { member, score } of members) {
        const k = keyOf(member);
        const s = weighted(weight, score);
        out.set(k, { member, score: out.has(k) ? aggregate(out.get(k).score, s, how) : s });
      }
    }
  } else if (op === 'inter') {
    const [first, ...rest] = sources;
    const index = (members) => new Map(members.map((e) => [keyOf(e.member), e]));
    const lookups = rest.map(({ weight, members }) => ({ weight, byKey: index(members) }));
    for (const { member, score } of first.members) {
      let s = weighted(first.weight, score);
      const k = keyOf(member);
      // The product is not NaN-checked here, unlike the first score: aggregate() sees it as is.
      const inAll = lookups.every(({ weight, byKey }) => {
        if (!byKey.has(k)) return false;
        s = aggregate(s, byKey.get(k).score * weight, how);
        return true;
      });
      if (inAll) out.set(k, { member, score: s });
    }
  } else {
    const [first, ...rest] = sources;
    const others = new Set(rest.flatMap((src) => src.members.map((e) => keyOf(e.member))));
    for (const e of first.members) if (!others.has(keyOf(e.member))) out.set(keyOf(e.member), e);
  }
  return out;
}

/**
 * zunionInterDiffGenericCommand(): numkeys, then every key's type (zsets
 * and sets both count), then the options, then the work. `op` is 'union'
 * | 'inter' | 'diff'; `store` the command has a destination (argv[1]);
 * `cardinality` is ZINTERCARD.
 */
function zsetOp(ks, args, name, { op, store = false, cardinality = false }) {
  const numkeysAt = store ? 2 : 1;
  const setnum = parseLL(args[numkeysAt]);
  if (setnum === null) return NOT_INT;
  if (setnum < 1n) return err(`ERR at least 1 input key is needed for '${name}' command`);
  if (setnum > BigInt(args.length - (numkeysAt + 1))) return SYNTAX;
  const n = Number(setnum);
  const sources = args.slice(numkeysAt + 1, numkeysAt + 1 + n).map((k) => ({ members: sourceAt(ks, k), weight: 1 }));
  let how = 'sum';
  let withscores = false;
  let limit = 0n;
  for (let j = numkeysAt + 1 + n; j < args.length;) {
    const remaining = args.length - j;
    if (op !== 'diff' && !cardinality && remaining >= n + 1 && is(args[j], 'weights')) {
      j++;
      for (const src of sources) {
        const w = parseScore(args[j++]);
        if (w === null) return err('ERR weight value is not a float');
        src.weight = w;
      }
    } else if (op !== 'diff' && !cardinality && remaining >= 2 && is(args[j], 'aggregate')) {
      how = ['sum', 'min', 'max'].find((a) => is(args[j + 1], a));
      if (!how) return SYNTAX;
      j += 2;
    } else if (!store && !cardinality && is(args[j], 'withscores')) {
      withscores = true;
      j++;
    } else if (cardinality && remaining >= 2 && is(args[j], 'limit')) {
      limit = parseLL(args[j + 1]);
      if (limit === null || limit < 0n) return err("ERR LIMIT can't be negative");
      j += 2;
    } else {
      return SYNTAX;
    }
  }
  // Smallest first (a stable sort, like glibc's qsort here): it decides the order of aggregation.
  if (op !== 'diff') sources.sort((a, b) => a.members.length - b.members.length);
  const result = combine(op, sources, how);
  if (cardinality) return int(limit > 0n && BigInt(result.size) > limit ? limit : result.size);
  const entries = [...result.values()].sort(byScoreThenMember);
  if (!store) return rangeReply(entries, withscores);
  if (entries.length === 0) {
    ks.delete(args[1]);
    return int(0);
  }
  // Built as a skiplist, then zsetConvertToListpackIfNeeded().
  const small = entries.length <= ZSET_MAX_LISTPACK_ENTRIES &&
    entries.every((e) => e.member.length <= ZSET_MAX_LISTPACK_VALUE);
  const z = emptyZset(small ? 'listpack' : 'skiplist');
  for (const e of entries) putScore(z, e.member, e.score);
  ks.create(args[1], 'zset', z);
  return int(entries.length);
}

const zsetOpCommand = (arity, options) => ({ arity, run: (ks, args, name) => zsetOp(ks, args, name, options) });

// ---- pops and random picks ----------------------------------------------------------------------

/** genericZpopCommand()'s removal: up to `count` members from one end of the zset at `key`. */
function popFrom(ks, key, z, count, where) {
  const list = sorted(z);
  const n = count < BigInt(list.length) ? Number(count) : list.length;
  const taken = (where === 'max' ? list.reverse() : list).slice(0, n);
  removeMembers(ks, key, z, taken.map((e) => e.member));
  return taken;
}

/** ZPOPMIN / ZPOPMAX key [count]: a flat member, score list. */
function zpop(ks, args, where) {
  if (args.length > 3) return SYNTAX;
  let count = 1n;
  if (args.length === 3) {
    count = parseLL(args[2]);
    if (count === null || count < 0n) return MUST_BE_POSITIVE;
  }
  const z = zsetAt(ks, args[1]);
  if (!z || count === 0n) return [];
  return popFrom(ks, args[1], z, count, where).flatMap(withScore);
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: [key, [[member, score], ...]] from the first non-empty key. */
function zmpop(ks, args) {
  const numkeys = parseLL(args[1]);
  if (numkeys === null || numkeys < 1n) return err('ERR numkeys should be greater than 0');
  const whereAt = 2n + numkeys;
  if (whereAt >= BigInt(args.length)) return SYNTAX;
  const where = ['min', 'max'].find((w) => is(args[Number(whereAt)], w));
  if (!where) return SYNTAX;
  let count = null;
  for (let j = Number(whereAt) + 1; j < args.length; j++) {
    if (count === null && is(args[j], 'count') && j + 1 < args.length) {
      count = parseLL(args[++j]);
      if (count === null || count < 1n) return err('ERR count should be greater than 0');
    } else {
      return SYNTAX;
    }
  }
  // The first existing key is used (and type-checked); the keys after it are not looked at.
  for (const key of args.slice(2, Number(whereAt))) {
    const z = zsetAt(ks, key);
    if (z) return [bulk(key), popFrom(ks, key, z, count ?? 1n, where).map(withScore)];
  }
  return null;
}

const RANGE_ERROR = err(`ERR value is out of range, value must between ${-LLONG_MAX} and ${LLONG_MAX}`);

/**
 * What ZRANDMEMBER will do: { reply } when the outcome is not random (an
 * error, a missing key, count 0), else { z, count, unique, withscores }
 * (count null: the one-member form).
 */
function randomPlan(ks, args) {
  let count = null;
  let unique = true;
  let withscores = false;
  if (args.length >= 3) {
    const l = parseLL(args[2]);
    if (l === null) return { reply: NOT_INT };
    if (l < -LLONG_MAX) return { reply: RANGE_ERROR };
    if (args.length > 4 || (args.length === 4 && !is(args[3], 'withscores'))) return { reply: SYNTAX };
    if (args.length === 4) {
      withscores = true;
      if (l < -LLONG_MAX / 2n || l > LLONG_MAX / 2n) return { reply: err('ERR value is out of range') };
    }
    count = l < 0n ? -l : l;
    unique = l >= 0n;
  }
  const z = zsetAt(ks, args[1]);
  if (!z) return { reply: count === null ? null : [] };
  if (count === 0n) return { reply: [] };
  return { z, count, unique, withscores };
}

/** How many members a count form returns: a positive count stops at the whole zset. */
const replyLength = ({ z, count, unique }) =>
  (unique && count > BigInt(z.members.size) ? z.members.size : Number(count));

/** Why `actual` is not a ZRANDMEMBER reply Redis could give for this plan, or null. */
function checkRandom(plan, actual) {
  const byReply = new Map(sorted(plan.z).map((e) => [bulk(e.member), e]));
  if (plan.count === null) {
    return isBulk(actual) && byReply.has(actual) ? null : `${formatReply(actual)} is not a member`;
  }
  if (!Array.isArray(actual)) return `${formatReply(actual)} is not an array`;
  const per = plan.withscores ? 2 : 1;
  const want = replyLength(plan);
  if (actual.length !== want * per) return `${actual.length / per} members, expected ${want}`;
  const members = [];
  for (let i = 0; i < actual.length; i += per) {
    const e = byReply.get(actual[i]);
    if (!e) return `${formatReply(actual[i])} is not a member`;
    if (per === 2 && !isDeepStrictEqual(actual[i + 1], withScore(e)[1])) {
      return `${formatReply(actual[i])} has score ${formatScore(e.score)}, not ${formatReply(actual[i + 1])}`;
    }
    members.push(actual[i]);
  }
  if (plan.unique && new Set(members).size !== members.length) return 'a member repeats for a positive count';
  return null;
}

// ---- ZSCAN ------------------------------------------------------------------------------------------

function zscan(ks, args) {
  const cursor = parseScanCursor(args[2]);
  if (cursor === null) return INVALID_CURSOR;
  const z = zsetAt(ks, args[1]);
  if (!z) return EMPTY_SCAN();
  const { pattern, error } = parseScanOptions(args, 3);
  if (error) return error;
  // A listpack is returned whole whatever the cursor; a skiplist's hash table walk
  // from another cursor depends on its hash seed.
  if (cursor !== 0n && z.encoding !== 'listpack') {
    throw new UnmodeledInput('ZSCAN of a skiplist from a non-zero cursor');
  }
  // A listpack hands out the score text it stores; a skiplist prints its double ("%.17Lg").
  const scoreText = z.encoding === 'listpack' ? listpackScoreText : formatScore;
  const items = sorted(z)
    .filter((e) => scanMatches(pattern, e.member))
    .flatMap((e) => [bulk(e.member), bulk(Buffer.from(scoreText(e.score)))]);
  return [bulk(Buffer.from('0')), items];
}

// ---- the commands ----------------------------------------------------------------------------------

/** ZRANK / ZREVRANK: the 0-based position, or nil. */
function zrank(ks, args, reverse) {
  const z = zsetAt(ks, args[1]);
  if (!z) return null;
  const list = sorted(z);
  const i = list.findIndex((e) => e.member.equals(args[2]));
  if (i < 0) return null;
  return int(reverse ? list.length - 1 - i : i);
}

const scoreOf = (z, member) => {
  const e = z?.members.get(keyOf(member));
  return e ? bulk(Buffer.from(formatScore(e.score))) : null;
};

export const zsetFamily = {
  type: 'zset',
  clone: ({ encoding, members }) => ({
    encoding,
    members: new Map([...members].map(([k, e]) => [k, { member: Buffer.from(e.member), score: e.score }])),
  }),
  /** OBJECT ENCODING of a zset value. */
  encoding: (value) => value.encoding,
  commands: {
    zadd: { arity: -4, run: (ks, args) => zadd(ks, args, false) },
    zincrby: { arity: 4, run: (ks, args) => zadd(ks, args, true) },
    zrem: {
      arity: -3,
      run(ks, args) {
        const z = zsetAt(ks, args[1]);
        if (!z) return int(0);
        const present = args.slice(2).filter((m, i, all) => z.members.has(keyOf(m)) &&
          all.findIndex((o) => o.equals(m)) === i);
        removeMembers(ks, args[1], z, present);
        return int(present.length);
      },
    },
    zcard: { arity: 2, run: (ks, args) => int(zsetAt(ks, args[1])?.members.size ?? 0) },
    zscore: { arity: 3, run: (ks, args) => scoreOf(zsetAt(ks, args[1]), args[2]) },
    zmscore: {
      arity: -3,
      run(ks, args) {
        const z = zsetAt(ks, args[1]);
        return args.slice(2).map((m) => scoreOf(z, m));
      },
    },
    zrank: { arity: 3, run: (ks, args) => zrank(ks, args, false) },
    zrevrank: { arity: 3, run: (ks, args) => zrank(ks, args, true) },
    zcount: { arity: 4, run: (ks, args) => countInRange(ks, args, false) },
    zlexcount: { arity: 4, run: (ks, args) => countInRange(ks, args, true) },
    zrange: zrange({ type: 'auto', direction: 'auto' }),
    zrangestore: zrange({ store: true, type: 'auto', direction: 'auto' }, -5),
    zrevrange: zrange({ type: 'rank', direction: 'reverse' }),
    zrangebyscore: zrange({ type: 'score', direction: 'forward' }),
    zrevrangebyscore: zrange({ type: 'score', direction: 'reverse' }),
    zrangebylex: zrange({ type: 'lex', direction: 'forward' }),
    zrevrangebylex: zrange({ type: 'lex', direction: 'reverse' }),
    zremrangebyrank: { arity: 4, run: (ks, args) => zremrange(ks, args, 'rank') },
    zremrangebyscore: { arity: 4, run: (ks, args) => zremrange(ks, args, 'score') },
    zremrangebylex: { arity: 4, run: (ks, args) => zremrange(ks, args, 'lex') },
    zpopmin: { arity: -2, run: (ks, args) => zpop(ks, args, 'min') },
    zpopmax: { arity: -2, run: (ks, args) => zpop(ks, args, 'max') },
    zmpop: { arity: -4, run: (ks, args) => zmpop(ks, args) },
    zunionstore: zsetOpCommand(-4, { op: 'union', store: true }),
    zinterstore: zsetOpCommand(-4, { op: 'inter', store: true }),
    zdiffstore: zsetOpCommand(-4, { op: 'diff', store: true }),
    zunion: zsetOpCommand(-3, { op: 'union' }),
    zinter: zsetOpCommand(-3, { op: 'inter' }),
    zdiff: zsetOpCommand(-3, { op: 'diff' }),
    zintercard: zsetOpCommand(-3, { op: 'inter', cardinality: true }),
    zrandmember: {
      arity: -2,
      run(ks, args) {
        const plan = randomPlan(ks, args);
        if ('reply' in plan) return plan.reply;
        const list = sorted(plan.z);
        if (plan.count === null) return bulk(list[0].member);
        const picked = Array.from({ length: replyLength(plan) }, (_, i) => list[i % list.length]);
        return rangeReply(picked, plan.withscores);
      },
      pick(ks, args, actual) {
        const plan = randomPlan(ks, args);
        if ('reply' in plan) return sameReply(plan.reply, actual);
        return checkRandom(plan, actual);
      },
    },
    zscan: { arity: -3, run: zscan },
  },
};
