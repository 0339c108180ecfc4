// Command generators of the sets family (see ../commands.mjs), and the
// comparators for replies whose order is not defined (a hashtable set's
// iteration order) or that are random (SRANDMEMBER, SPOP).
//
// Members come from a small pool mixing integers of every intset width
// (16/32/64-bit), int64 edges, non-canonical integers ("007", "-0": strings
// to Redis) and plain/binary strings, so sets flip between intset and
// hashtable; a rarer bulk SADD of a run of integers crosses the 512-entry
// intset limit. SSCAN is driven to completion and SPOP/SRANDMEMBER are
// checked against the set's members by the differential harness
// (test/differential/redis.test.mjs), using randomPickMismatch below.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { cmd, cmdList, entry, optionGroups, pick, word } from '../commands.mjs';
import { comparators, isBulk } from '../reply.mjs';

const bytes = (...b) => Buffer.from(b);

const INT_MEMBERS = [
  '0', '1', '2', '3', '5', '7', '10', '42', '-1', '-7', '100',
  '32767', '32768', '-32768', '-32769', // 16-bit edges
  '2147483647', '2147483648', '-2147483648', '-2147483649', // 32-bit edges
  '9223372036854775807', '-9223372036854775808', '4611686018427387904',
];
const STRING_MEMBERS = [
  'a', 'b', 'c', 'hello', '', '007', '-0', '+1', ' 1', '1.5', '9223372036854775808', 'x'.repeat(70),
  bytes(0x61, 0x00, 0x62), bytes(0xff, 0xfe), 'ключ',
];

/** Every element appears as often in `a` as in `b` (normalized replies). */
export function sameMultiset(a, b) {
  return Array.isArray(a) && Array.isArray(b) && isDeepStrictEqual([...a].sort(), [...b].sort());
}

const multiset = (name) => (args, a, b) => (sameMultiset(a, b) ? null : `${name}: different members`);

/**
 * Why two replies of a random pick (SRANDMEMBER / SPOP, either form)
 * disagree, given `members`: the set's members (normalized bulk replies)
 * just before the command, the same on both sides. null if both are
 * valid outcomes of the same draw.
 */
export function randomPickMismatch(args, members, a, b) {
  if (isDeepStrictEqual(a, b)) return null;
  if (!Array.isArray(members)) return 'the set was not readable before the command';
  const inSet = new Set(members);
  if (args.length === 2) { // one member, or nil
    if (a === null || b === null) return 'replies differ';
    if (!isBulk(a) || !isBulk(b)) return 'replies differ';
    return inSet.has(b) ? null : `${b} is not a member of the set`;
  }
  if (!Array.isArray(a) || !Array.isArray(b)) return 'replies differ';
  if (a.length !== b.length) return `${a.length} vs ${b.length} members`;
  const outside = b.find((m) => !inSet.has(m));
  if (outside !== undefined) return `${outside} is not a member of the set`;
  const count = BigInt(String(args[2]));
  if (count > 0n && new Set(b).size !== b.length) return 'repeated members for a positive count';
  if (count > 0n && a.length === members.length && !sameMultiset(a, b)) return 'whole set: different members';
  return null;
}

comparators.set('SMEMBERS', multiset('SMEMBERS'));
comparators.set('SINTER', multiset('SINTER'));
comparators.set('SUNION', multiset('SUNION'));
comparators.set('SDIFF', multiset('SDIFF'));
// Without the set's members (the harness passes them), only the shape can
// be checked: the same count, no repeats for a positive count.
const shapeOnly = (args, a, b) => {
  if (args.length === 2) return isBulk(a) && isBulk(b) ? null : 'replies differ';
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return 'replies differ';
  if (!String(args[2]).startsWith('-') && new Set(b).size !== b.length) return 'repeated members';
  return null;
};
comparators.set('SRANDMEMBER', shapeOnly);
comparators.set('SPOP', shapeOnly);

export function setGenerators(ctx) {
  const member = pick(
    [6, fc.constantFrom(...INT_MEMBERS)],
    [4, fc.constantFrom(...STRING_MEMBERS)],
    [1, ctx.value],
  );
  const members = (max) => fc.array(member, { minLength: 1, maxLength: max });
  const keys = (max) => fc.array(ctx.key, { minLength: 1, maxLength: max });
  // A run of integers: 500..520 of them cross the 512-entry intset limit.
  const intRun = fc.tuple(fc.integer({ min: -70000, max: 70000 }), fc.integer({ min: 500, max: 520 }))
    .map(([start, n]) => Array.from({ length: n }, (_, i) => String(start + i)));
  const srandCount = pick(
    [8, fc.integer({ min: -6, max: 6 }).map(String)],
    [2, fc.constantFrom('-40', '30', '1000', '9223372036854775807')],
    // Never a huge negative count on a live key: Redis would stream |count| replies.
    [1, fc.constantFrom('x', '', '1.5', '-9223372036854775808', '9223372036854775808')],
  );
  const spopCount = pick(
    [8, fc.integer({ min: 0, max: 6 }).map(String)],
    [2, fc.constantFrom('1000', '9223372036854775807')],
    [1, fc.constantFrom('-1', 'x', '', '-9223372036854775808')],
  );
  const limit = pick(
    [5, fc.integer({ min: 0, max: 5 }).map(String)],
    [1, fc.constantFrom('-1', 'x', '9223372036854775807')],
  );
  const sintercard = pick(
    [8, fc.tuple(keys(4), fc.option(fc.tuple(word('limit'), limit), { nil: null }))
      .map(([ks, lim]) => ['SINTERCARD', String(ks.length), ...ks, ...(lim ?? [])])],
    [2, fc.tuple(fc.constantFrom('0', '-1', 'x', '', '5', '9223372036854775807'), keys(3))
      .map(([n, ks]) => ['SINTERCARD', n, ...ks])],
    [1, fc.tuple(keys(2), fc.constantFrom(['LIMIT'], ['FOO', '1'], ['LIMIT', '1', 'LIMIT', '2']))
      .map(([ks, tail]) => ['SINTERCARD', String(ks.length), ...ks, ...tail])],
  );
  const scanOptions = optionGroups(
    3,
    [3, fc.tuple(word('match'), fc.constantFrom('*', '1*', '*7', 'a', '?', '[a-c]', '-*', '', '*\x00*'))],
    [3, fc.tuple(word('count'), fc.constantFrom('1', '2', '10', '1000'))],
    [1, fc.constantFrom(['COUNT', '0'], ['COUNT', 'x'], ['MATCH'], ['TYPE', 'set'], ['FOO', 'bar'])],
  );
  const cursor = pick([12, fc.constant('0')], [1, fc.constantFrom('abc', '', '-1x', '18446744073709551616')]);
  return {
    SADD: entry(10, pick(
      [12, fc.tuple(ctx.key, members(6)).map(([k, ms]) => ['SADD', k, ...ms])],
      // Integers only, so intsets survive long enough to be read, grown and widened.
      [8, fc.tuple(ctx.key, fc.array(fc.constantFrom(...INT_MEMBERS), { minLength: 1, maxLength: 6 }))
        .map(([k, ms]) => ['SADD', k, ...ms])],
      [1, fc.tuple(ctx.key, intRun).map(([k, ms]) => ['SADD', k, ...ms])],
    )),
    SREM: entry(4, fc.tuple(ctx.key, members(4)).map(([k, ms]) => ['SREM', k, ...ms])),
    SISMEMBER: entry(3, cmd('SISMEMBER', ctx.key, member)),
    SMISMEMBER: entry(2, fc.tuple(ctx.key, members(4)).map(([k, ms]) => ['SMISMEMBER', k, ...ms])),
    SMEMBERS: entry(4, cmd('SMEMBERS', ctx.key)),
    SCARD: entry(3, cmd('SCARD', ctx.key)),
    SMOVE: entry(3, cmd('SMOVE', ctx.key, ctx.key, member)),
    SINTER: entry(2, cmdList('SINTER', keys(4))),
    SUNION: entry(2, cmdList('SUNION', keys(4))),
    SDIFF: entry(2, cmdList('SDIFF', keys(4))),
    SINTERSTORE: entry(2, fc.tuple(ctx.key, keys(3)).map(([d, ks]) => ['SINTERSTORE', d, ...ks])),
    SUNIONSTORE: entry(2, fc.tuple(ctx.key, keys(3)).map(([d, ks]) => ['SUNIONSTORE', d, ...ks])),
    SDIFFSTORE: entry(2, fc.tuple(ctx.key, keys(3)).map(([d, ks]) => ['SDIFFSTORE', d, ...ks])),
    SINTERCARD: entry(2, sintercard),
    SRANDMEMBER: entry(3, pick([1, cmd('SRANDMEMBER', ctx.key)], [3, cmd('SRANDMEMBER', ctx.key, srandCount)])),
    SPOP: entry(2, pick([1, cmd('SPOP', ctx.key)], [2, cmd('SPOP', ctx.key, spopCount)])),
    // Extra OBJECT ENCODING reads (the keys family has its own): conversions are the point here.
    'OBJECT ENCODING (sets)': entry(2, cmd('OBJECT', fc.constant('ENCODING'), ctx.key)),
    SSCAN: entry(2, fc.tuple(ctx.key, cursor, scanOptions).map(([k, c, o]) => ['SSCAN', k, c, ...o])),
  };
}
