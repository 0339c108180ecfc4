// Command generators of the hashes family (see ../commands.mjs): every
// command of native/core/commands/hashes.cc, with a small field pool so that
// commands collide, values around the 64-byte listpack limit, and big HSETs
// (up to 140 fields from a shared pool) so that the listpack -> hashtable
// conversion happens at 128/129 fields too. Keys are shared with the other
// families, so WRONGTYPE comes for free.
//
// Comparators (registered here, used by reply.mjs's replyMismatch):
//   HGETALL / HKEYS / HVALS  a hashtable's order differs from Redis's: the
//                            replies must be equal as multisets (of pairs
//                            for HGETALL); a listpack's order is compared
//                            exactly by the unit tests, against orders
//                            checked on redis-server.
//   HRANDFIELD               random: shape, sizes, uniqueness (positive
//                            counts), the whole hash on both sides when the
//                            count covers it, and every field's value
//                            consistent within and across the two replies.
// HSCAN is driven to completion by the differential suite, like SCAN.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { cmd, entry, intString, optionGroups, pick, word } from '../commands.mjs';
import { comparators } from '../reply.mjs';

const sorted = (xs) => [...xs].map((x) => JSON.stringify(x)).sort();
const pairsOf = (flat) => {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
};
const sameMultiset = (a, b) => isDeepStrictEqual(sorted(a), sorted(b));

function multisetComparator(name, asPairs) {
  return (args, a, b) => {
    if (!Array.isArray(a) || !Array.isArray(b)) return 'replies differ';
    if (asPairs && (a.length % 2 !== 0 || b.length % 2 !== 0)) return `${name}: odd-length reply`;
    const [x, y] = asPairs ? [pairsOf(a), pairsOf(b)] : [a, b];
    return sameMultiset(x, y) ? null : `${name}: different ${asPairs ? 'field/value pairs' : 'elements'}`;
  };
}

function hrandfieldComparator(args, a, b) {
  if (args.length < 3) {
    // A single field (or nil for a missing key) on both sides.
    return (a === null) === (b === null) && (a === null || typeof a === 'string') ? null : 'HRANDFIELD: shapes differ';
  }
  if (!Array.isArray(a) || !Array.isArray(b)) return 'replies differ';
  let count;
  try {
    count = BigInt(String(args[2]));
  } catch {
    return 'replies differ';
  }
  const withValues = args.length === 4;
  const per = withValues ? 2 : 1;
  if (a.length % per !== 0 || b.length % per !== 0) return 'HRANDFIELD: odd-length reply';
  const fields = (r) => (withValues ? pairsOf(r).map(([f]) => f) : r);
  const [fa, fb] = [fields(a), fields(b)];
  // Values: a field must map to one value, within and across the replies.
  if (withValues) {
    const seen = new Map();
    for (const [f, v] of [...pairsOf(a), ...pairsOf(b)]) {
      if (seen.has(f) && seen.get(f) !== v) return `HRANDFIELD: field ${f} with two values`;
      seen.set(f, v);
    }
  }
  if (count < 0n) {
    const n = Number(-count);
    return fa.length === n && fb.length === n ? null : `HRANDFIELD: expected ${n} picks on both sides`;
  }
  if (fa.length !== fb.length) return 'HRANDFIELD: sizes differ';
  if (new Set(fa).size !== fa.length || new Set(fb).size !== fb.length) return 'HRANDFIELD: repeated field';
  // Fewer than asked: the whole hash, on both sides.
  const [xa, xb] = withValues ? [pairsOf(a), pairsOf(b)] : [a, b];
  if (BigInt(fa.length) < count && !sameMultiset(xa, xb)) return 'HRANDFIELD: whole hashes differ';
  return null;
}

comparators.set('HGETALL', multisetComparator('HGETALL', true));
comparators.set('HKEYS', multisetComparator('HKEYS', false));
comparators.set('HVALS', multisetComparator('HVALS', false));
comparators.set('HRANDFIELD', hrandfieldComparator);

// commands.mjs imports this module: its exports are used only inside the function.
export function hashGenerators(ctx) {
  const long = (c, n) => c.repeat(n);
  const field = pick(
    [10, fc.constantFrom('f1', 'f2', 'f3', 'a', 'b', 'n', 'x:1', 'x:2', 'b0', 'b1', 'b127', 'b128')],
    [2, fc.constantFrom('', Buffer.from([0x66, 0x00, 0xff]), 'поле', long('F', 64), long('F', 65))],
    [1, ctx.value],
  );
  const value = pick(
    [6, fc.constantFrom('v', '1', '-5', '10', '0', '3.5', '1e3', 'abc', '', ' 1', '007')],
    [3, ctx.value],
    [2, fc.constantFrom(long('v', 64), long('v', 65), long('w', 200), '9223372036854775807', '-9223372036854775808')],
  );
  const pairs = (max) => fc.array(fc.tuple(field, value), { minLength: 1, maxLength: max }).map((ps) => ps.flat());
  // Many fields from one pool (b0..b139), so repeated big HSETs overlap and
  // sizes land around 128/129.
  const bigPairs = fc.tuple(fc.integer({ min: 100, max: 140 }), fc.integer({ min: 0, max: 20 }), value)
    .map(([n, from, v]) => Array.from({ length: n }, (_, i) => [`b${from + i}`, v]).flat());
  const hset = (name) => pick(
    [8, fc.tuple(ctx.key, pairs(4)).map(([k, ps]) => [name, k, ...ps])],
    [1, fc.tuple(ctx.key, bigPairs).map(([k, ps]) => [name, k, ...ps])],
    [1, fc.tuple(ctx.key, field).map(([k, f]) => [name, k, f])], // odd: arity error
  );
  const fields = (max) => fc.array(field, { minLength: 1, maxLength: max });
  const increment = pick([6, ctx.integer], [1, fc.constantFrom('9223372036854775807', '-9223372036854775808')]);
  // No huge negative counts: Redis 7.0 would really try to reply 2^63 items
  // (emberkv refuses past 512 MB; its unit tests cover that).
  const count = pick(
    [8, intString(-6, 6)],
    [2, fc.constantFrom('130', '-130', '200', '9223372036854775807', '4611686018427387903')],
    [1, fc.constantFrom('-9223372036854775808', 'abc', '1.5', '')],
  );
  // Out of WITHVALUES's range (> 2^62): an error before the lookup. No negative one: a mutation
  // dropping WITHVALUES would leave a count that Redis really tries to serve.
  const countWithValues = pick([12, count], [1, fc.constantFrom('4611686018427387904', '9223372036854775807')]);
  const hrandfield = pick(
    [3, cmd('HRANDFIELD', ctx.key)],
    [4, cmd('HRANDFIELD', ctx.key, count)],
    [4, fc.tuple(ctx.key, countWithValues, word('withvalues')).map(([k, c, w]) => ['HRANDFIELD', k, c, w])],
    [1, fc.tuple(ctx.key, count, fc.constantFrom(['WITHVALUE'], ['WITHVALUES', 'x'], ['withvalues\x00x'])).map(
      ([k, c, o]) => ['HRANDFIELD', k, c, ...o])],
  );
  const scanOptions = optionGroups(
    3,
    [3, fc.tuple(word('match'), fc.constantFrom('*', 'f*', 'b1*', 'x:?', '[ab]', 'b12?', '*1', '', 'nomatch'))],
    [3, fc.tuple(word('count'), fc.constantFrom('1', '2', '10', '1000'))],
    [1, fc.constantFrom(['COUNT', '0'], ['COUNT', '-1'], ['COUNT', 'x'], ['MATCH'], ['TYPE', 'hash'], ['FOO', 'bar'])],
  );
  const cursor = pick([12, fc.constant('0')], [1, fc.constantFrom('abc', '', '1.5', '18446744073709551616', '-')]);

  return {
    HSET: entry(10, hset('HSET')),
    HGET: entry(5, cmd('HGET', ctx.key, field)),
    HMSET: entry(3, hset('HMSET')),
    HSETNX: entry(3, cmd('HSETNX', ctx.key, field, value)),
    HDEL: entry(4, fc.tuple(ctx.key, fields(4)).map(([k, fs]) => ['HDEL', k, ...fs])),
    HEXISTS: entry(2, cmd('HEXISTS', ctx.key, field)),
    HLEN: entry(3, cmd('HLEN', ctx.key)),
    HSTRLEN: entry(2, cmd('HSTRLEN', ctx.key, field)),
    HMGET: entry(3, fc.tuple(ctx.key, fields(4)).map(([k, fs]) => ['HMGET', k, ...fs])),
    HKEYS: entry(2, cmd('HKEYS', ctx.key)),
    HVALS: entry(2, cmd('HVALS', ctx.key)),
    HGETALL: entry(4, cmd('HGETALL', ctx.key)),
    HINCRBY: entry(4, cmd('HINCRBY', ctx.key, field, increment)),
    HINCRBYFLOAT: entry(4, cmd('HINCRBYFLOAT', ctx.key, field, ctx.float)),
    HRANDFIELD: entry(4, hrandfield),
    HSCAN: entry(2, fc.tuple(ctx.key, cursor, scanOptions).map(([k, c, o]) => ['HSCAN', k, c, ...o])),
  };
}
