// Key-access traces for the hit-ratio benchmark (bench/hitratio.mjs), made
// deterministically from a seed so every store, and OPT, replays the very
// same requests. A trace is a Uint32Array of key ids; id n stands for the
// key keyOf(n) of bench/support.mjs.
//
// - zipf(s): request i picks rank r (1..keys) with probability proportional
//   to 1/r^s, by inverse CDF (binary search in the cumulative weights); a
//   seeded random permutation maps ranks to key ids, so the hot keys are
//   scattered over the key space rather than being ids 0, 1, 2...
// - scan-polluted: Zipf 0.99 as above, interrupted at regular intervals by a
//   burst of sequential, never-repeated keys (ids keys, keys+1, ...; no Zipf
//   request uses them), like a batch job or a crawler walking the backing
//   store once.
// - shifting: Zipf 0.99 whose rank -> key permutation is replaced by a new
//   random one at the midpoint of the trace: the hot set moves elsewhere at
//   once, and yesterday's hot keys are never hot again.
//
// The generator is xoshiro128** seeded through splitmix32: fast, good enough
// for sampling, and identical on every machine.

/** A seeded PRNG: returns a function giving uniform floats in [0, 1). */
export function rng(seed) {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4294967296;
  };
}

function rotl(x, k) {
  return (x << k) | (x >>> (32 - k));
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n, random) {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * A sampler of Zipf(s) ranks 0..n-1 (rank 0 the most popular): returns a
 * function of a uniform u in [0, 1) giving a rank.
 */
export function zipfSampler(n, s) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / Math.pow(r + 1, s);
    cdf[r] = sum;
  }
  for (let r = 0; r < n; r++) cdf[r] /= sum;
  return (u) => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** `length` Zipf(s) requests over `keys` keys. */
export function zipfTrace({ keys, length, s, seed }) {
  const random = rng(seed);
  const rankToKey = permutation(keys, random);
  const sample = zipfSampler(keys, s);
  const trace = new Uint32Array(length);
  for (let i = 0; i < length; i++) trace[i] = rankToKey[sample(random())];
  return trace;
}

/**
 * Zipf(s) requests over `keys` keys, with a burst of `scanLength` fresh
 * sequential keys (ids from `keys` up, never repeated) after every
 * `scanEvery` Zipf requests; `length` requests in all.
 */
export function scanPollutedTrace({ keys, length, s, seed, scanEvery, scanLength }) {
  const random = rng(seed);
  const rankToKey = permutation(keys, random);
  const sample = zipfSampler(keys, s);
  const trace = new Uint32Array(length);
  let nextScanKey = keys;
  let i = 0;
  while (i < length) {
    for (let z = 0; z < scanEvery && i < length; z++) trace[i++] = rankToKey[sample(random())];
    for (let k = 0; k < scanLength && i < length; k++) trace[i++] = nextScanKey++;
  }
  return trace;
}

/** Zipf(s) requests whose rank -> key mapping is redrawn at the midpoint. */
export function shiftingTrace({ keys, length, s, seed }) {
  const random = rng(seed);
  const before = permutation(keys, random);
  const after = permutation(keys, random);
  const sample = zipfSampler(keys, s);
  const trace = new Uint32Array(length);
  const middle = length >>> 1;
  for (let i = 0; i < length; i++) trace[i] = (i < middle ? before : after)[sample(random())];
  return trace;
}

/** How many distinct keys the first `end` requests of a trace touch. */
export function distinctKeys(trace, end = trace.length) {
  const seen = new Set();
  for (let i = 0; i < end; i++) seen.add(trace[i]);
  return seen.size;
}
