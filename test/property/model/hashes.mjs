/**
 * The hash commands of the reference model, from Redis 7.0's t_hash.c.
 *
 * Value: a Map from keyOf(field) to { field, value } (both Buffers), in
 * insertion order: a new field goes last, an update keeps its place, and a
 * field deleted then set again goes last, which is a small (listpack) hash's
 * order in Redis. A big (hashtable) hash has no defined order; the
 * HGETALL / HKEYS / HVALS / HRANDFIELD comparators and the HSCAN harness
 * compare without order, so one order serves both, and the encoding (which
 * shows only in OBJECT ENCODING) is not modelled. Entries and their
 * Buffers are replaced, never edited in place (setField() stores private
 * copies), so clone() need not copy the Buffers. Invariant: never empty;
 * HDEL of the last field deletes the key.
 *
 * Order of checks, as in Redis: HSET/HMSET's odd argument count is an
 * arity error before the key is looked up; HINCRBY's and HINCRBYFLOAT's
 * increments, HRANDFIELD's count and options, and HSCAN's cursor are parsed
 * before the lookup (HSCAN's other options after it).
 *
 * HRANDFIELD is random: run() returns one valid reply (the first fields),
 * and pick() checks that emberkv's reply is one Redis could have given (it
 * changes nothing). HSCAN returns the whole iteration as one page.
 */
import { isDeepStrictEqual } from 'node:util';
import { formatReply, isBulk, isError } from '../../support/reply.mjs';
import { ldAdd, ldFormat, parseLD } from './long-double.mjs';
import { LLONG_MAX, LLONG_MIN, is, keyOf, parseLL } from './parse.mjs';
import {
  NOT_FLOAT, NOT_INT, OK, SYNTAX, UnmodeledInput, arityError, bulk, err, int,
} from './replies.mjs';
import { EMPTY_SCAN, INVALID_CURSOR, parseScanCursor, parseScanOptions, scanMatches } from './scan.mjs';

/** The live hash at `key`, or undefined; WrongTypeError for another type. */
const hash = (ks, key) => ks.lookup(key, 'hash');

/** hashTypeLookupWriteOrCreate(): the hash at `key`, created empty if missing (a field is set next). */
const hashForWrite = (ks, key) => (hash(ks, key) ?? ks.create(key, 'hash', new Map())).value;

/** hashTypeSet(): 1 if the field is new, 0 if it was updated (in place). */
function setField(fields, field, value) {
  const k = keyOf(field);
  const isNew = !fields.has(k);
  fields.set(k, { field: Buffer.from(field), value: Buffer.from(value) });
  return isNew ? 1 : 0;
}

/** The value of `field` in the hash at `key`, or undefined (also for a missing key). */
const getValue = (ks, key, field) => hash(ks, key)?.value.get(keyOf(field))?.value;

/** hsetCommand() / hmsetCommand(): HSET replies the count of new fields, HMSET OK. */
function hset(ks, args, name) {
  if (args.length % 2 === 1) return arityError(name);
  const fields = hashForWrite(ks, args[1]);
  let created = 0;
  for (let i = 2; i < args.length; i += 2) created += setField(fields, args[i], args[i + 1]);
  return name === 'hmset' ? OK : int(created);
}

/** Integer arithmetic on int64, as HINCRBY's: the stored value must be a canonical integer. */
function hincrby(ks, args) {
  const incr = parseLL(args[3]);
  if (incr === null) return NOT_INT;
  const fields = hashForWrite(ks, args[1]);
  const current = fields.get(keyOf(args[2]));
  let value = 0n;
  if (current) {
    value = parseLL(current.value);
    if (value === null) return err('ERR hash value is not an integer');
  }
  const result = value + incr;
  if (result > LLONG_MAX || result < LLONG_MIN) return err('ERR increment or decrement would overflow');
  setField(fields, args[2], Buffer.from(String(result)));
  return int(result);
}

/** Long double arithmetic, as INCRBYFLOAT's; the increment must be finite, and so must the sum. */
function hincrbyfloat(ks, args) {
  const incr = parseLD(args[3]);
  if (incr === null) return NOT_FLOAT;
  if (incr.inf) return err('ERR value is NaN or Infinity');
  const fields = hashForWrite(ks, args[1]);
  const current = fields.get(keyOf(args[2]));
  let value = { n: 0n, e: 0 };
  if (current) {
    value = parseLD(current.value);
    if (value === null) return err('ERR hash value is not a float');
  }
  const sum = ldAdd(value, incr);
  if (sum.inf) return err('ERR increment would produce NaN or Infinity');
  const text = Buffer.from(ldFormat(sum));
  setField(fields, args[2], text);
  return bulk(text);
}

/**
 * HRANDFIELD's arguments: { count: BigInt | null, withValues } or { error }.
 * The count is parsed (and range-checked) before the options, both before the lookup.
 */
function randfieldArgs(args) {
  if (args.length < 3) return { count: null, withValues: false };
  const count = parseLL(args[2]);
  if (count === null) return { error: NOT_INT };
  if (count < -LLONG_MAX) {
    return { error: err(`ERR value is out of range, value must between ${-LLONG_MAX} and ${LLONG_MAX}`) };
  }
  if (args.length > 4 || (args.length === 4 && !is(args[3], 'withvalues'))) return { error: SYNTAX };
  const withValues = args.length === 4;
  // WITHVALUES doubles the reply: Redis refuses counts whose double would overflow a long.
  if (withValues && (count < -(LLONG_MAX / 2n) || count > LLONG_MAX / 2n)) {
    return { error: err('ERR value is out of range') };
  }
  return { count, withValues };
}

/** Fields (and their values, with WITHVALUES) as a flat RESP2 array. */
const fieldReply = (entries, withValues) =>
  entries.flatMap((e) => (withValues ? [bulk(e.field), bulk(e.value)] : [bulk(e.field)]));

function hrandfield(ks, args) {
  const a = randfieldArgs(args);
  if (a.error) return a.error;
  const e = hash(ks, args[1]);
  const { count, withValues } = a;
  if (count === null) return e ? bulk(e.value.values().next().value.field) : null;
  if (!e || count === 0n) return [];
  const entries = [...e.value.values()];
  if (count < 0n) {
    // Picks with repetition: any field, -count times; the first one will do.
    if (-count > 1_000_000n) throw new UnmodeledInput('HRANDFIELD with a huge negative count');
    return fieldReply(Array(Number(-count)).fill(entries[0]), withValues);
  }
  return fieldReply(count >= BigInt(entries.length) ? entries : entries.slice(0, Number(count)), withValues);
}

/**
 * Whether `actual` is a reply HRANDFIELD could give on this hash: the right
 * number of picks, distinct ones for a positive count (the whole hash when
 * the count covers it), fields that exist, and with WITHVALUES their values.
 * Errors, nil and empty replies must be exactly run()'s.
 */
function hrandfieldPick(ks, args, actual) {
  const expected = hrandfield(ks, args);
  // Errors, nil and empty arrays leave nothing to chance.
  if (expected === null || isError(expected) || (Array.isArray(expected) && expected.length === 0)) {
    return isDeepStrictEqual(expected, actual) ? null : `expected ${formatReply(expected)}`;
  }
  const fields = hash(ks, args[1]).value;
  const valueOf = new Map([...fields.values()].map((e) => [bulk(e.field), bulk(e.value)]));
  if (!Array.isArray(expected)) {
    // No count: one field of the hash.
    return valueOf.has(actual) ? null : `${formatReply(actual)} is not a field of the hash`;
  }
  const { count, withValues } = randfieldArgs(args);
  if (!Array.isArray(actual) || !actual.every(isBulk)) return 'not a flat array of bulk strings';
  const width = withValues ? 2 : 1;
  if (actual.length % width !== 0) return 'odd-length reply with WITHVALUES';
  const picked = [];
  for (let i = 0; i < actual.length; i += width) {
    const f = actual[i];
    if (!valueOf.has(f)) return `${f} is not a field of the hash`;
    if (withValues && actual[i + 1] !== valueOf.get(f)) {
      return `${f} comes with ${actual[i + 1]}, not ${valueOf.get(f)}`;
    }
    picked.push(f);
  }
  // A negative count picks -count times; a positive one min(count, size) distinct fields.
  const want = count < 0n ? Number(-count) : Math.min(Number(count), fields.size);
  if (picked.length !== want) return `expected ${want} picks, got ${picked.length}`;
  if (count > 0n && new Set(picked).size !== picked.length) return 'a field picked twice with a positive count';
  return null;
}

function hscan(ks, args) {
  const cursor = parseScanCursor(args[2]);
  if (cursor === null) return INVALID_CURSOR;
  const e = hash(ks, args[1]);
  if (!e) return EMPTY_SCAN();
  const { pattern, error } = parseScanOptions(args, 3); // TYPE is SCAN's alone
  if (error) return error;
  if (cursor !== 0n) throw new UnmodeledInput('HSCAN from a non-zero cursor');
  const items = [...e.value.values()]
    .filter((f) => scanMatches(pattern, f.field))
    .flatMap((f) => [bulk(f.field), bulk(f.value)]);
  return [bulk(Buffer.from('0')), items];
}

export const hashFamily = {
  type: 'hash',
  clone: (value) => new Map([...value].map(([k, e]) => [k, { ...e }])),
  commands: {
    hset: { arity: -4, run: hset },
    hmset: { arity: -4, run: hset },

    hsetnx: {
      arity: 4,
      run(ks, args) {
        const fields = hashForWrite(ks, args[1]);
        if (fields.has(keyOf(args[2]))) return int(0);
        return int(setField(fields, args[2], args[3]));
      },
    },

    hget: {
      arity: 3,
      run(ks, args) {
        const value = getValue(ks, args[1], args[2]);
        return value ? bulk(value) : null;
      },
    },

    hmget: {
      arity: -3,
      run(ks, args) {
        const e = hash(ks, args[1]); // WRONGTYPE even before the fields
        return args.slice(2).map((f) => {
          const value = e?.value.get(keyOf(f))?.value;
          return value ? bulk(value) : null;
        });
      },
    },

    hdel: {
      arity: -3,
      run(ks, args) {
        const e = hash(ks, args[1]);
        if (!e) return int(0);
        let deleted = 0;
        for (const f of args.slice(2)) {
          if (e.value.delete(keyOf(f))) deleted++;
        }
        if (e.value.size === 0) ks.delete(args[1]);
        return int(deleted);
      },
    },

    hexists: { arity: 3, run: (ks, args) => int(getValue(ks, args[1], args[2]) ? 1 : 0) },
    hlen: { arity: 2, run: (ks, args) => int(hash(ks, args[1])?.value.size ?? 0) },
    hstrlen: { arity: 3, run: (ks, args) => int(getValue(ks, args[1], args[2])?.length ?? 0) },

    hkeys: { arity: 2, run: (ks, args) => [...(hash(ks, args[1])?.value.values() ?? [])].map((e) => bulk(e.field)) },
    hvals: { arity: 2, run: (ks, args) => [...(hash(ks, args[1])?.value.values() ?? [])].map((e) => bulk(e.value)) },
    hgetall: {
      arity: 2,
      run: (ks, args) => [...(hash(ks, args[1])?.value.values() ?? [])].flatMap((e) => [bulk(e.field), bulk(e.value)]),
    },

    hincrby: { arity: 4, run: hincrby },
    hincrbyfloat: { arity: 4, run: hincrbyfloat },

    hrandfield: { arity: -2, run: hrandfield, pick: hrandfieldPick },

    hscan: { arity: -3, run: hscan },
  },
};
