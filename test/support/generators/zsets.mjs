// Command generators of the sorted-sets family (see ../commands.mjs).
//
// Members and scores come from small pools so commands collide: equal
// scores (ties ordered by member bytes), -0, infinities, tiny and huge
// doubles, and texts that are not floats. Members include the empty string,
// binary bytes, and the 64/65-byte lengths around the listpack limit; a
// rare bulk ZADD pushes a key past 128 members into the skiplist encoding.
import fc from 'fast-check';
import { cmd, cmdList, entry, optionGroups, pick, word } from '../commands.mjs';
import { comparators } from '../reply.mjs';

const pairsOf = (list) => {
  const out = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push(JSON.stringify([list[i], list[i + 1]]));
  return out.sort();
};
const distinct = (xs) => new Set(xs).size === xs.length;

// ZRANDMEMBER picks at random: compare the shape, distinctness for a
// positive count, and the whole set when the count covers it.
comparators.set('ZRANDMEMBER', (args, a, b) => {
  if (args.length < 3) return typeof a === 'string' && typeof b === 'string' ? null : 'ZRANDMEMBER: not two members';
  if (!Array.isArray(a) || !Array.isArray(b)) return 'ZRANDMEMBER: not two arrays';
  if (a.length !== b.length) return 'ZRANDMEMBER: different lengths';
  const per = args.length === 4 ? 2 : 1;
  const count = Number(String(args[2]));
  const members = (r) => r.filter((_, i) => i % per === 0);
  if (count > 0 && (!distinct(members(a)) || !distinct(members(b)))) return 'ZRANDMEMBER: repeated member';
  if (count > 0 && a.length < count * per) {
    const sa = per === 2 ? pairsOf(a) : [...a].sort();
    const sb = per === 2 ? pairsOf(b) : [...b].sort();
    return JSON.stringify(sa) === JSON.stringify(sb) ? null : 'ZRANDMEMBER: whole sets differ';
  }
  return null;
});

// ZSCAN of a skiplist walks a hash table: a scan from cursor 0 that ends at
// once (cursor 0 on both sides) must list the same pairs; any other page
// only has to be well formed.
comparators.set('ZSCAN', (args, a, b) => {
  const ok = (r) => Array.isArray(r) && r.length === 2 && Array.isArray(r[1]) && r[1].length % 2 === 0;
  if (!ok(a) || !ok(b)) return 'ZSCAN: not a scan page';
  const fromStart = /^0*$/.test(String(args[2])); // '' and '000' read as cursor 0 too
  if (fromStart && a[0] === '$"0"' && b[0] === '$"0"') {
    return JSON.stringify(pairsOf(a[1])) === JSON.stringify(pairsOf(b[1])) ? null : 'ZSCAN: different pairs';
  }
  return null;
});

const bytes = (...b) => Buffer.from(b);

// The skiplist encoding (more than 128 members, or one longer than 64
// bytes) is built under one key only, and only from members that all score
// 0; commands that write arbitrary scores, and every lex command, use the
// other keys. Why: on a skiplist whose members' scores are not in member
// order, Redis's lex walks depend on its random node levels (Redis documents
// the result as unspecified), so two Redis servers would not agree either.
// (RENAME/COPY from the keys family can still carry such a set to another
// key; that is rare.)
const BULK_KEY = 'key:2';

export function zsetGenerators(ctx) {
  const smallKey = ctx.key.filter((k) => k !== BULK_KEY);
  const member = pick(
    [10, fc.constantFrom('a', 'b', 'c', 'ab', 'B', 'm1', 'm2', 'm10', 'zz')],
    [2, fc.constantFrom('', bytes(0x61, 0x00, 0x62), bytes(0xff), 'é', '1', '-1')],
    [1, fc.constantFrom('x'.repeat(64), 'y'.repeat(64))],
  );
  const score = pick(
    [10, fc.constantFrom('0', '1', '2', '3', '-1', '1.5', '2.5', '10')],
    [3, fc.constantFrom('-0', '0.1', 'inf', '-inf', '+inf', '1e300', '-1e300', '3.0', '1e-7', '5e-324', '0x10', '1e308')],
    [1, fc.constantFrom('nan', 'x', '', ' 1', '1 ', '1e400', '-1e400', '1e-400', 'Infinity', '(1')],
  );
  const rank = pick(
    [10, fc.integer({ min: -6, max: 8 }).map(String)],
    [1, fc.constantFrom('9223372036854775807', '-9223372036854775808', 'x', '1.5', '')],
  );
  const scoreBound = pick(
    [8, fc.constantFrom('-inf', '+inf', 'inf', '0', '1', '2', '3', '-1', '1.5', '2.5', '10')],
    [6, fc.constantFrom('(0', '(1', '(2', '(1.5', '(-inf', '(+inf', '(inf', '-0', '(-0', '1e300', '0.1')],
    [1, fc.constantFrom('nan', '(nan', 'x', '', '(', '1e400', ' 1', '1 ', '((1')],
  );
  const lexBound = pick(
    [6, fc.constantFrom('-', '+', '[a', '(a', '[b', '(b', '[c', '[m1', '(m2', '[ab', '[zz')],
    [2, fc.constantFrom('[', '(', '[B', '(é', '[x')],
    [1, fc.constantFrom('a', '', '+x', '-x', '{a', bytes(0x2b, 0x00))],
  );
  const count = pick(
    [8, fc.integer({ min: 0, max: 5 }).map(String)],
    [1, fc.constantFrom('-1', '9223372036854775807', 'x', '200')],
  );
  const limit = fc.tuple(word('limit'), pick(
    [6, fc.integer({ min: -1, max: 4 }).map(String)],
    [1, fc.constantFrom('9223372036854775807', '-9223372036854775808', 'x')],
  ), pick(
    [6, fc.integer({ min: -2, max: 4 }).map(String)],
    [1, fc.constantFrom('9223372036854775807', 'x')],
  ));
  const pairs = (max) => fc.array(fc.tuple(score, member), { minLength: 1, maxLength: max }).map((ps) => ps.flat());
  const zaddOptions = optionGroups(
    2,
    [3, fc.tuple(word('nx'))],
    [3, fc.tuple(word('xx'))],
    [2, fc.tuple(word('gt'))],
    [2, fc.tuple(word('lt'))],
    [3, fc.tuple(word('ch'))],
    [3, fc.tuple(word('incr'))],
  );
  // Many members at one score: lex ranges stay well defined past the
  // listpack limit (Redis's skiplist walk is undefined otherwise).
  const bulk = pick(
    [3, fc.integer({ min: 120, max: 140 }).map((n) => Array.from({ length: n }, (_, i) => ['0', `m${i}`]).flat())],
    [1, fc.constantFrom(['0', 'x'.repeat(65)], ['0', 'y'.repeat(80), '0', 'm1'], ['0', 'x'.repeat(64)])],
  );
  const rangeOptions = optionGroups(
    3,
    [3, fc.tuple(word('withscores'))],
    [2, limit],
    [1, fc.tuple(word('rev'))],
  );
  const zrangeOptions = optionGroups(
    4,
    [3, fc.tuple(word('withscores'))],
    [2, limit],
    [3, fc.tuple(word('rev'))],
    [2, fc.tuple(word('byscore'))],
    [2, fc.tuple(word('bylex'))],
  );
  // ZRANGE's range matches its BY option most of the time.
  const zrangeArgs = pick(
    [3, fc.tuple(rank, rank, zrangeOptions)],
    [3, fc.tuple(scoreBound, scoreBound, zrangeOptions).map(([a, b, o]) => [a, b, ['BYSCORE', ...o]])],
    [2, fc.tuple(lexBound, lexBound, zrangeOptions.filter((o) => !o.some((w) => /withscores|byscore/i.test(String(w)))))
      .map(([a, b, o]) => [a, b, ['BYLEX', ...o]])],
  );
  // numkeys and that many keys: mostly consistent, sometimes not.
  const numkeys = pick(
    [10, fc.array(ctx.key, { minLength: 1, maxLength: 3 }).map((ks) => [String(ks.length), ks])],
    [1, fc.tuple(fc.constantFrom('0', '-1', 'x', '5', '9223372036854775807'), fc.array(ctx.key, { maxLength: 2 }))],
  );
  const smallNumkeys = pick(
    [10, fc.array(smallKey, { minLength: 1, maxLength: 3 }).map((ks) => [String(ks.length), ks])],
    [1, fc.tuple(fc.constantFrom('0', '-1', 'x', '5'), fc.array(smallKey, { maxLength: 2 }))],
  );
  const weight = fc.constantFrom('1', '2', '0', '-1', '0.5', 'inf', '-inf', '-0', 'nan', 'x');
  const setOp = (name, store, weighted) => fc.tuple(smallKey, store ? smallNumkeys : numkeys, optionGroups(
    3,
    ...(weighted ? [
      [3, fc.array(weight, { minLength: 1, maxLength: 3 }).map((ws) => ['WEIGHTS', ...ws])],
      [3, fc.tuple(word('aggregate'), fc.constantFrom('SUM', 'min', 'Max', 'avg'))],
    ] : []),
    [store ? 1 : 3, fc.tuple(word('withscores'))],
  )).map(([dst, [n, keys], o]) => [name, ...(store ? [dst] : []), n, ...keys, ...o]);
  const randCount = pick(
    [8, fc.integer({ min: -6, max: 8 }).map(String)],
    [1, fc.constantFrom('-9223372036854775808', '9223372036854775807', '4611686018427387904', 'x', '200', '-200')],
  );
  const members = (max) => fc.array(member, { minLength: 1, maxLength: max });
  // BZPOPMIN / BZPOPMAX key [key ...] timeout, or too few arguments.
  const bzpop = (name) => pick(
    [10, fc.tuple(fc.array(ctx.key, { minLength: 1, maxLength: 3 }), ctx.blockTimeout).map(([keys, t]) => [name, ...keys, t])],
    [1, fc.constant([name, 'z'])],
  );
  return {
    ZADD: entry(14, pick(
      [30, fc.tuple(smallKey, zaddOptions, pairs(4)).map(([k, o, p]) => ['ZADD', k, ...o, ...p])],
      [1, bulk.map((p) => ['ZADD', BULK_KEY, ...p])],
    )),
    ZCARD: entry(3, cmd('ZCARD', ctx.key)),
    ZSCORE: entry(4, cmd('ZSCORE', ctx.key, member)),
    ZMSCORE: entry(2, cmdList('ZMSCORE', fc.tuple(ctx.key, members(3)).map(([k, m]) => [k, ...m]))),
    ZINCRBY: entry(4, cmd('ZINCRBY', smallKey, score, member)),
    ZREM: entry(4, cmdList('ZREM', fc.tuple(ctx.key, members(3)).map(([k, m]) => [k, ...m]))),
    ZRANK: entry(3, cmd('ZRANK', ctx.key, member)),
    ZREVRANK: entry(2, cmd('ZREVRANK', ctx.key, member)),
    ZCOUNT: entry(3, cmd('ZCOUNT', ctx.key, scoreBound, scoreBound)),
    ZRANGE: entry(6, fc.tuple(smallKey, zrangeArgs).map(([k, [a, b, o]]) => ['ZRANGE', k, a, b, ...o])),
    ZRANGEBYSCORE: entry(4, fc.tuple(ctx.key, scoreBound, scoreBound, rangeOptions)
      .map(([k, a, b, o]) => ['ZRANGEBYSCORE', k, a, b, ...o])),
    ZREVRANGEBYSCORE: entry(3, fc.tuple(ctx.key, scoreBound, scoreBound, rangeOptions)
      .map(([k, a, b, o]) => ['ZREVRANGEBYSCORE', k, a, b, ...o])),
    ZREVRANGE: entry(3, fc.tuple(ctx.key, rank, rank, rangeOptions)
      .map(([k, a, b, o]) => ['ZREVRANGE', k, a, b, ...o])),
    ZRANGEBYLEX: entry(3, fc.tuple(smallKey, lexBound, lexBound, optionGroups(1, [3, limit], [1, fc.tuple(word('withscores'))]))
      .map(([k, a, b, o]) => ['ZRANGEBYLEX', k, a, b, ...o])),
    ZREVRANGEBYLEX: entry(3, fc.tuple(smallKey, lexBound, lexBound, optionGroups(1, [3, limit], [1, fc.tuple(word('rev'))]))
      .map(([k, a, b, o]) => ['ZREVRANGEBYLEX', k, a, b, ...o])),
    ZLEXCOUNT: entry(3, cmd('ZLEXCOUNT', smallKey, lexBound, lexBound)),
    ZREMRANGEBYRANK: entry(2, cmd('ZREMRANGEBYRANK', ctx.key, rank, rank)),
    ZREMRANGEBYSCORE: entry(2, cmd('ZREMRANGEBYSCORE', ctx.key, scoreBound, scoreBound)),
    ZREMRANGEBYLEX: entry(2, cmd('ZREMRANGEBYLEX', smallKey, lexBound, lexBound)),
    ZPOPMIN: entry(3, pick([2, cmd('ZPOPMIN', ctx.key)], [3, cmd('ZPOPMIN', ctx.key, count)])),
    ZPOPMAX: entry(3, pick([2, cmd('ZPOPMAX', ctx.key)], [3, cmd('ZPOPMAX', ctx.key, count)])),
    ZRANGESTORE: entry(3, fc.tuple(smallKey, smallKey, zrangeArgs)
      .map(([d, k, [a, b, o]]) => ['ZRANGESTORE', d, k, a, b, ...o.filter((w) => !/^withscores$/i.test(String(w)))])),
    ZUNIONSTORE: entry(3, setOp('ZUNIONSTORE', true, true)),
    ZINTERSTORE: entry(3, setOp('ZINTERSTORE', true, true)),
    ZDIFFSTORE: entry(2, setOp('ZDIFFSTORE', true, false)),
    ZUNION: entry(2, setOp('ZUNION', false, true)),
    ZINTER: entry(2, setOp('ZINTER', false, true)),
    ZDIFF: entry(2, setOp('ZDIFF', false, false)),
    ZINTERCARD: entry(2, fc.tuple(numkeys, optionGroups(1, [3, fc.tuple(word('limit'), count)], [1, fc.tuple(word('withscores'))]))
      .map(([[n, keys], o]) => ['ZINTERCARD', n, ...keys, ...o])),
    ZMPOP: entry(3, fc.tuple(numkeys, fc.oneof(word('min'), word('max'), fc.constant('FOO')),
      optionGroups(2, [4, fc.tuple(word('count'), count)]))
      .map(([[n, keys], w, o]) => ['ZMPOP', n, ...keys, w, ...o])),
    // Blocking pops: rare, as on empty keys redis-server waits out their
    // (tiny) timeout, ~0.1 s a time at its hz 10. The timeout is last for
    // BZPOPMIN/MAX: not mutated (a '0' appended would block for ever).
    BZPOPMIN: entry(0.25, bzpop('BZPOPMIN'), { mutate: false }),
    BZPOPMAX: entry(0.25, bzpop('BZPOPMAX'), { mutate: false }),
    BZMPOP: entry(0.25, fc.tuple(ctx.blockTimeout, numkeys, fc.oneof(word('min'), word('max'), fc.constant('FOO')),
      optionGroups(2, [4, fc.tuple(word('count'), count)]))
      .map(([t, [n, keys], w, o]) => ['BZMPOP', t, n, ...keys, w, ...o])),
    ZRANDMEMBER: entry(3, pick(
      [1, cmd('ZRANDMEMBER', ctx.key)],
      [3, cmd('ZRANDMEMBER', ctx.key, randCount)],
      [2, cmd('ZRANDMEMBER', ctx.key, randCount, word('withscores'))],
      [1, fc.tuple(ctx.key, randCount).map(([k, c]) => ['ZRANDMEMBER', k, c, 'WITHSCORES', 'x'])],
    )),
    ZSCAN: entry(2, fc.tuple(ctx.key, pick([10, fc.constant('0')], [1, fc.constantFrom('x', '-1', '', '18446744073709551616')]),
      optionGroups(2, [3, fc.tuple(word('match'), fc.constantFrom('*', 'a*', 'm1*', '[ab]', '?'))],
        [3, fc.tuple(word('count'), fc.constantFrom('1', '10', '1000', '0', 'x'))], [1, fc.constant(['TYPE', 'zset'])]))
      .map(([k, c, o]) => ['ZSCAN', k, c, ...o])),
    OBJECT: entry(1, cmd('OBJECT', fc.constant('ENCODING'), ctx.key)),
  };
}
