// Command generators of the lists family (see ../commands.mjs): every
// command of native/core/commands/lists.cc, with a small element pool so
// that LREM / LPOS / LINSERT find their matches, indexes around the ends
// (negative, out of range, int64 edges), counts of 0 and huge counts, and
// options valid and invalid. Keys are shared with the other families, so
// WRONGTYPE comes for free.
//
// The blocking commands (BLPOP, BRPOP, BLMOVE, BLMPOP) are drawn rarely:
// on empty keys redis-server waits out their (tiny) timeout, which its
// timer resolution (hz 10) stretches to ~0.1 s a time.
import fc from 'fast-check';
import { cmd, entry, intString, optionGroups, pick, word } from '../commands.mjs';

export function listGenerators(ctx) {
  const INT_EDGES = ['9223372036854775807', '-9223372036854775808', '-9223372036854775807'];
  const NOT_INTS = ['abc', '', '1.5', ' 1', '9223372036854775808'];
  // Elements: mostly from a tiny pool (matches), integers in the compact
  // encodings' ranges, sometimes anything the strings family uses.
  const element = pick(
    [8, fc.constantFrom('a', 'b', 'c', 'a', '1', '-1', '0', '127', '128', '-129', '40000', '3000000000', '')],
    [2, fc.constantFrom('x'.repeat(120), 'y'.repeat(300), '9223372036854775807', '-9223372036854775808', '007')],
    [3, ctx.value],
  );
  // Now and then a long push, so that lists span several 8 KiB chunks.
  const elements = (max) => pick(
    [12, fc.array(element, { minLength: 1, maxLength: max })],
    [1, fc.array(pick([3, element], [1, fc.constant('z'.repeat(500))]), { minLength: 20, maxLength: 80 })],
  );
  const index = pick(
    [10, intString(-8, 8)],
    [2, intString(-40, 40)],
    [1, fc.constantFrom(...INT_EDGES, ...NOT_INTS)],
  );
  const count = pick(
    [6, intString(0, 5)],
    [2, intString(-3, -1)],
    [1, fc.constantFrom(...INT_EDGES, ...NOT_INTS, '1000')],
  );
  const end = pick([8, fc.oneof(word('left'), word('right'))], [1, fc.constantFrom('UP', 'lef', '')]);
  const lposOptions = optionGroups(
    3,
    [3, fc.tuple(word('rank'), pick([6, intString(-4, 4)], [1, fc.constantFrom(...INT_EDGES, ...NOT_INTS)]))],
    [3, fc.tuple(word('count'), count)],
    [3, fc.tuple(word('maxlen'), count)],
    [1, fc.constantFrom(['RANK'], ['COUNT'], ['FOO', '1'], ['MAXLEN'])],
  );
  // [B]LMPOP [timeout] numkeys key ... LEFT|RIGHT [COUNT n]: `before` is
  // what comes before numkeys (BLMPOP's timeout).
  const numkeysCall = (name, before) => fc.tuple(
    before,
    fc.array(ctx.key, { minLength: 1, maxLength: 3 }),
    pick([10, fc.constant(null)], [1, fc.constantFrom('0', '-1', 'abc', '5', '9223372036854775807')]),
    end,
    pick(
      [4, fc.constant([])],
      [4, fc.tuple(word('count'), count)],
      [1, fc.constantFrom(['COUNT'], ['COUNT', '1', 'COUNT', '2'], ['FOO'])],
    ),
  ).map(([pre, keys, numkeys, where, opts]) => [name, ...pre, numkeys ?? String(keys.length), ...keys, where, ...opts]);
  // BLPOP / BRPOP key [key ...] timeout, or too few arguments.
  const blockingPop = (name) => pick(
    [10, fc.tuple(fc.array(ctx.key, { minLength: 1, maxLength: 3 }), ctx.blockTimeout)
      .map(([keys, t]) => [name, ...keys, t])],
    [1, fc.constant([name, 'a'])],
  );

  return {
    LPUSH: entry(8, fc.tuple(ctx.key, elements(5)).map(([k, els]) => ['LPUSH', k, ...els])),
    RPUSH: entry(8, fc.tuple(ctx.key, elements(5)).map(([k, els]) => ['RPUSH', k, ...els])),
    LPUSHX: entry(2, fc.tuple(ctx.key, elements(3)).map(([k, els]) => ['LPUSHX', k, ...els])),
    RPUSHX: entry(2, fc.tuple(ctx.key, elements(3)).map(([k, els]) => ['RPUSHX', k, ...els])),
    LPOP: entry(3, pick([3, cmd('LPOP', ctx.key)], [2, cmd('LPOP', ctx.key, count)])),
    RPOP: entry(3, pick([3, cmd('RPOP', ctx.key)], [2, cmd('RPOP', ctx.key, count)])),
    LLEN: entry(2, cmd('LLEN', ctx.key)),
    LRANGE: entry(4, cmd('LRANGE', ctx.key, index, index)),
    LINDEX: entry(3, cmd('LINDEX', ctx.key, index)),
    LSET: entry(3, cmd('LSET', ctx.key, index, element)),
    LINSERT: entry(3, fc.tuple(ctx.key, pick([8, fc.oneof(word('before'), word('after'))], [1, fc.constant('middle')]),
      element, element).map(([k, w, p, v]) => ['LINSERT', k, w, p, v])),
    LREM: entry(3, cmd('LREM', ctx.key, count, element)),
    LTRIM: entry(2, cmd('LTRIM', ctx.key, index, index)),
    LPOS: entry(3, fc.tuple(ctx.key, element, lposOptions).map(([k, v, o]) => ['LPOS', k, v, ...o])),
    LMOVE: entry(3, cmd('LMOVE', ctx.key, ctx.key, end, end)),
    RPOPLPUSH: entry(2, cmd('RPOPLPUSH', ctx.key, ctx.key)),
    LMPOP: entry(2, numkeysCall('LMPOP', fc.constant([]))),
    BLPOP: entry(0.25, blockingPop('BLPOP'), { mutate: false }),
    BRPOP: entry(0.25, blockingPop('BRPOP'), { mutate: false }),
    BLMOVE: entry(0.25, cmd('BLMOVE', ctx.key, ctx.key, end, end, ctx.blockTimeout)),
    BLMPOP: entry(0.25, numkeysCall('BLMPOP', ctx.blockTimeout.map((t) => [t]))),
  };
}

