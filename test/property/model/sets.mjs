/**
 * The set commands of the reference model, from Redis 7.0's t_set.c (and
 * db.c's scanGenericCommand for SSCAN).
 *
 * Value: { encoding, members }, where members is a Map from keyOf(member)
 * to the member's bytes (a Buffer, never modified), and encoding is
 * 'intset' or 'hashtable', the one OBJECT ENCODING would show: a set is an
 * intset while every member is a canonical int64 ("7", not "007" nor
 * "-0": string2ll) and it has at most 512 members (set-max-intset-entries),
 * and once a hashtable it stays one, except that a set built anew (the
 * *STORE commands, SMOVE into a new key, SPOP's "new set" strategy) starts
 * over as an intset. Invariant: never empty; the last member's removal
 * deletes the key.
 *
 * Orders: SMEMBERS, SINTER, SUNION, SDIFF (and SPOP/SRANDMEMBER, which are
 * random) are compared without order by the comparators the generators
 * register, so members come out in insertion order here.
 *
 * Order of checks, as in Redis: SPOP's and SRANDMEMBER's count before the
 * key; SINTER / SUNION / SDIFF and their STORE forms check the type of
 * every source key before anything else (a missing key is an empty set,
 * the destination's type does not matter); SMOVE answers 0 for a missing
 * source before looking at the destination's type; SSCAN parses its cursor
 * before the lookup and its other options after (a missing key ignores
 * them).
 *
 * SPOP and SRANDMEMBER are random: run() returns one valid reply (the
 * first members) and pick() checks that emberkv's reply is one Redis could
 * have given, leaving the model as that reply implies (SPOP removes what
 * emberkv popped). SSCAN returns the whole iteration as one page.
 */
import { isDeepStrictEqual } from 'node:util';
import { formatReply, isBulk } from '../../support/reply.mjs';
import { LLONG_MAX, is, keyOf, parseLL } from './parse.mjs';
import { NOT_INT, SYNTAX, UnmodeledInput, bulk, err, int } from './replies.mjs';
import { EMPTY_SCAN, INVALID_CURSOR, parseScanCursor, parseScanOptions, scanMatches } from './scan.mjs';

const SET_MAX_INTSET_ENTRIES = 512;

// ---- the value ----------------------------------------------------------------------------

/** isSdsRepresentableAsLongLong(): could an intset hold this member? */
const isIntMember = (buf) => parseLL(buf) !== null;

/** A set built anew from distinct members (createIntsetObject() / setTypeCreate() then setTypeAdd()). */
function newSet(members) {
  const map = new Map();
  for (const m of members) map.set(keyOf(m), Buffer.from(m));
  const intset = map.size <= SET_MAX_INTSET_ENTRIES && [...map.values()].every(isIntMember);
  return { encoding: intset ? 'intset' : 'hashtable', members: map };
}

/** setTypeAdd(): 1 if added; a non-integer or the 513th member turns an intset into a hashtable. */
function addMember(set, member) {
  const k = keyOf(member);
  if (set.members.has(k)) return 0;
  set.members.set(k, Buffer.from(member));
  if (set.encoding === 'intset' && (!isIntMember(member) || set.members.size > SET_MAX_INTSET_ENTRIES)) {
    set.encoding = 'hashtable';
  }
  return 1;
}

/** The live set at `key`, or undefined; WrongTypeError for another type. */
const setAt = (ks, key) => ks.lookup(key, 'set')?.value;

const membersOf = (set) => [...set.members.values()];

/** Removes members from the set at `key`, deleting the key when it empties. */
function removeMembers(ks, key, members) {
  const set = setAt(ks, key);
  for (const m of members) set.members.delete(keyOf(m));
  if (set.members.size === 0) ks.delete(key);
}

/** Stores the result of a *STORE command: the new set, or deletes `dst` when empty. */
function storeSet(ks, dst, members) {
  if (members.length === 0) {
    ks.delete(dst);
    return int(0);
  }
  const set = newSet(members);
  ks.create(dst, 'set', set);
  return int(set.members.size);
}

// ---- SSCAN / ZSCAN helpers (shared with zsets.mjs) ---------------------------------------------


// ---- random picks -------------------------------------------------------------------------------

const RANGE_ERROR = err(`ERR value is out of range, value must between ${-LLONG_MAX} and ${LLONG_MAX}`);
const MUST_BE_POSITIVE = err('ERR value is out of range, must be positive');

/**
 * What SRANDMEMBER / SPOP will do: { reply } when the outcome is not random
 * (an error, a missing key, count 0), else { key, set, count, unique }
 * (count null: the one-member form).
 */
function randomPlan(ks, args, name) {
  if (args.length > 3) return { reply: SYNTAX };
  let count = null;
  let unique = true;
  if (args.length === 3) {
    const l = parseLL(args[2]);
    if (name === 'spop') {
      // getPositiveLongFromObjectOrReply(): one message for "not a number" and "negative".
      if (l === null || l < 0n) return { reply: MUST_BE_POSITIVE };
    } else {
      if (l === null) return { reply: NOT_INT };
      if (l < -LLONG_MAX) return { reply: RANGE_ERROR };
    }
    count = l < 0n ? -l : l;
    unique = l >= 0n;
  }
  const set = setAt(ks, args[1]);
  if (!set) return { reply: count === null ? null : [] };
  if (count === 0n) return { reply: [] };
  return { key: args[1], set, count, unique };
}

/** How many members a count form returns. */
const replyLength = ({ set, count, unique }) => {
  const size = BigInt(set.members.size);
  return Number(unique && count > size ? size : count);
};

/** A deterministic valid reply: the first members (repeated in order for a negative count). */
function firstMembers(plan) {
  const members = membersOf(plan.set);
  if (plan.count === null) return [members[0]];
  return Array.from({ length: replyLength(plan) }, (_, i) => members[i % members.length]);
}

/**
 * Why `actual` is not a reply Redis could give for this plan (null if it
 * is one); on success also returns the members it names, as Buffers.
 */
function checkPick(plan, actual) {
  const byReply = new Map(membersOf(plan.set).map((m) => [bulk(m), m]));
  if (plan.count === null) {
    if (!isBulk(actual) || !byReply.has(actual)) return { why: `${formatReply(actual)} is not a member` };
    return { picked: [byReply.get(actual)] };
  }
  if (!Array.isArray(actual)) return { why: `${formatReply(actual)} is not an array` };
  const want = replyLength(plan);
  if (actual.length !== want) return { why: `${actual.length} members, expected ${want}` };
  const outside = actual.find((r) => !byReply.has(r));
  if (outside !== undefined) return { why: `${formatReply(outside)} is not a member` };
  if (plan.unique && new Set(actual).size !== actual.length) return { why: 'a member repeats for a positive count' };
  return { picked: actual.map((r) => byReply.get(r)) };
}

/** pick() for a reply that is not random: it must be exactly this one. */
export const sameReply = (expected, actual) =>
  (isDeepStrictEqual(expected, actual) ? null : `expected ${formatReply(expected)}`);

/** SPOP's effect on the set: the popped members go; the key goes when empty. */
function applyPop(ks, plan, popped) {
  const size = plan.set.members.size;
  removeMembers(ks, plan.key, popped);
  // spopWithCountCommand() CASE 3 (few members left): the rest is copied into a new set.
  const remaining = size - popped.length;
  if (plan.count !== null && remaining > 0 && remaining * 5 <= popped.length) {
    const fresh = newSet(membersOf(plan.set));
    plan.set.encoding = fresh.encoding;
  }
}

// ---- set algebra ------------------------------------------------------------------------------

/** The sets at `keys` (undefined for a missing key), every type checked first. */
const setsAt = (ks, keys) => keys.map((k) => setAt(ks, k));

function intersection(sets) {
  if (sets.some((s) => s === undefined)) return [];
  const [first, ...rest] = sets;
  return membersOf(first).filter((m) => rest.every((s) => s.members.has(keyOf(m))));
}

function union(sets) {
  const out = new Map();
  for (const s of sets) if (s) for (const [k, m] of s.members) out.set(k, m);
  return [...out.values()];
}

function difference(sets) {
  const [first, ...rest] = sets;
  if (!first) return [];
  return membersOf(first).filter((m) => !rest.some((s) => s && s.members.has(keyOf(m))));
}

const algebra = (op) => ({
  arity: -2,
  run: (ks, args) => op(setsAt(ks, args.slice(1))).map(bulk),
});

const algebraStore = (op) => ({
  arity: -3,
  run: (ks, args) => storeSet(ks, args[1], op(setsAt(ks, args.slice(2)))),
});

// ---- the commands -------------------------------------------------------------------------------

export const setFamily = {
  type: 'set',
  clone: ({ encoding, members }) => ({ encoding, members: new Map([...members].map(([k, m]) => [k, Buffer.from(m)])) }),
  /** OBJECT ENCODING of a set value. */
  encoding: (value) => value.encoding,
  commands: {
    sadd: {
      arity: -3,
      run(ks, args) {
        const set = setAt(ks, args[1]);
        const members = args.slice(2);
        if (!set) {
          const fresh = newSet(members);
          ks.create(args[1], 'set', fresh);
          return int(fresh.members.size);
        }
        return int(members.reduce((added, m) => added + addMember(set, m), 0));
      },
    },
    srem: {
      arity: -3,
      run(ks, args) {
        const set = setAt(ks, args[1]);
        if (!set) return int(0);
        let removed = 0;
        for (const m of args.slice(2)) if (set.members.delete(keyOf(m))) removed++;
        if (set.members.size === 0) ks.delete(args[1]);
        return int(removed);
      },
    },
    smove: {
      arity: 4,
      run(ks, args) {
        const [, srcKey, dstKey, member] = args;
        const src = setAt(ks, srcKey);
        if (!src) return int(0);
        const dst = setAt(ks, dstKey);
        const k = keyOf(member);
        if (srcKey.equals(dstKey)) return int(src.members.has(k) ? 1 : 0);
        if (!src.members.has(k)) return int(0);
        removeMembers(ks, srcKey, [member]);
        if (dst) addMember(dst, member);
        else ks.create(dstKey, 'set', newSet([member]));
        return int(1);
      },
    },
    sismember: {
      arity: 3,
      run: (ks, args) => int(setAt(ks, args[1])?.members.has(keyOf(args[2])) ? 1 : 0),
    },
    smismember: {
      arity: -3,
      run(ks, args) {
        const set = setAt(ks, args[1]);
        return args.slice(2).map((m) => int(set?.members.has(keyOf(m)) ? 1 : 0));
      },
    },
    smembers: {
      arity: 2,
      run(ks, args) {
        const set = setAt(ks, args[1]);
        return set ? membersOf(set).map(bulk) : [];
      },
    },
    scard: {
      arity: 2,
      run: (ks, args) => int(setAt(ks, args[1])?.members.size ?? 0),
    },
    sinter: algebra(intersection),
    sunion: algebra(union),
    sdiff: algebra(difference),
    sinterstore: algebraStore(intersection),
    sunionstore: algebraStore(union),
    sdiffstore: algebraStore(difference),
    sintercard: {
      arity: -3,
      run(ks, args) {
        const numkeys = parseLL(args[1]);
        if (numkeys === null || numkeys < 1n) return err('ERR numkeys should be greater than 0');
        if (numkeys > BigInt(args.length - 2)) return err("ERR Number of keys can't be greater than number of args");
        let limit = 0n;
        for (let j = 2 + Number(numkeys); j < args.length; j++) {
          if (is(args[j], 'limit') && j + 1 < args.length) {
            limit = parseLL(args[++j]);
            if (limit === null || limit < 0n) return err("ERR LIMIT can't be negative");
          } else {
            return SYNTAX;
          }
        }
        const count = BigInt(intersection(setsAt(ks, args.slice(2, 2 + Number(numkeys)))).length);
        return int(limit > 0n && count > limit ? limit : count);
      },
    },
    srandmember: {
      arity: -2,
      run(ks, args, name) {
        const plan = randomPlan(ks, args, name);
        if ('reply' in plan) return plan.reply;
        const picked = firstMembers(plan).map(bulk);
        return plan.count === null ? picked[0] : picked;
      },
      pick(ks, args, actual, name) {
        const plan = randomPlan(ks, args, name);
        if ('reply' in plan) return sameReply(plan.reply, actual);
        return checkPick(plan, actual).why ?? null;
      },
    },
    spop: {
      arity: -2,
      run(ks, args, name) {
        const plan = randomPlan(ks, args, name);
        if ('reply' in plan) return plan.reply;
        const popped = firstMembers(plan);
        const reply = popped.map(bulk);
        applyPop(ks, plan, popped);
        return plan.count === null ? reply[0] : reply;
      },
      pick(ks, args, actual, name) {
        const plan = randomPlan(ks, args, name);
        if ('reply' in plan) return sameReply(plan.reply, actual);
        const { why, picked } = checkPick(plan, actual);
        if (why) return why;
        applyPop(ks, plan, picked);
        return null;
      },
    },
    sscan: {
      arity: -3,
      run(ks, args) {
        const cursor = parseScanCursor(args[2]);
        if (cursor === null) return INVALID_CURSOR;
        const set = setAt(ks, args[1]);
        if (!set) return EMPTY_SCAN();
        const { pattern, error } = parseScanOptions(args, 3);
        if (error) return error;
        // An intset is returned whole whatever the cursor; a hashtable's walk from
        // another cursor depends on its hash seed.
        if (cursor !== 0n && set.encoding !== 'intset') {
          throw new UnmodeledInput('SSCAN of a hashtable from a non-zero cursor');
        }
        return [bulk(Buffer.from('0')), membersOf(set).filter((m) => scanMatches(pattern, m)).map(bulk)];
      },
    },
  },
};
