// Checks bench/support/belady.mjs (the OPT ceiling of bench/hitratio.mjs)
// against an exhaustive search on tiny random traces: after every request
// the cache may keep any subset (of at most `capacity` keys) of what it held
// plus the key just requested, and hits count only from `countFrom` on. The
// search tries every such choice (memoized on position and cache contents),
// so it is the optimum by definition; beladyHits must match it exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beladyHits, nextUses } from '../../bench/support/belady.mjs';
import { rng } from '../../bench/support/traces.mjs';

/** Every subset (as a bitmask) of `mask` with at most `limit` bits. */
function subsetsOf(mask, limit) {
  const out = [];
  for (let sub = mask; ; sub = (sub - 1) & mask) {
    if (popcount(sub) <= limit) out.push(sub);
    if (sub === 0) break;
  }
  return out;
}

function popcount(x) {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/** The most hits in [countFrom, end) over every caching decision (keys < 31). */
function bruteForceHits(trace, capacity, countFrom) {
  const memo = new Map();
  const best = (i, cache) => {
    if (i === trace.length) return 0;
    const memoKey = i * 2 ** 31 + cache;
    const known = memo.get(memoKey);
    if (known !== undefined) return known;
    const bit = 1 << trace[i];
    const hit = cache & bit && i >= countFrom ? 1 : 0;
    let result = 0;
    for (const next of subsetsOf(cache | bit, capacity)) result = Math.max(result, best(i + 1, next));
    result += hit;
    memo.set(memoKey, result);
    return result;
  };
  return best(0, 0);
}

test('nextUses gives the next position of the same key, or the length', () => {
  assert.deepEqual([...nextUses(Uint32Array.from([3, 1, 3, 3, 1, 2]))], [2, 4, 3, 6, 6, 6]);
});

test('a hand-made case where counting only the window changes the optimum', () => {
  // Capacity 1, trace a b a | b: Belady over the whole trace keeps a for
  // the hit at position 2 and so misses b at 3; the window [3, 4) is best
  // served by keeping b from position 1 on.
  const trace = Uint32Array.from([0, 1, 0, 1]);
  assert.equal(beladyHits(trace, 1, 0), 1);
  assert.equal(beladyHits(trace, 1, 3), 1);
  assert.equal(bruteForceHits(trace, 1, 3), 1);
});

test('beladyHits equals an exhaustive search on 3,000 random tiny traces', () => {
  const random = rng(20240607);
  for (let round = 0; round < 3000; round++) {
    const keys = 1 + Math.floor(random() * 6);
    const length = 1 + Math.floor(random() * 14);
    const capacity = Math.floor(random() * 5);
    const countFrom = Math.floor(random() * (length + 1));
    const trace = new Uint32Array(length);
    // Skewed keys, so some are hot and hits are common.
    for (let i = 0; i < length; i++) trace[i] = Math.floor(keys * random() * random());
    const expected = bruteForceHits(trace, capacity, countFrom);
    const got = beladyHits(trace, capacity, countFrom);
    assert.equal(got, expected, `trace [${trace}] capacity ${capacity} countFrom ${countFrom}`);
  }
});
