// npm run bench:eviction — what eviction costs a command at 1M keys.
//
// For each policy: load BENCH_KEYS (default 1M) string keys (16-byte keys,
// 32-byte values), set maxmemory to 90% of what they take, and let the
// upkeep timer's rounds (engine.runUpkeep(1): 1 ms budgets) evict the
// first 10%, timing each round. Then time BENCH_WRITES (default 300k) SETs
// of new keys one by one (each has to evict about one key) with
// process.hrtime around engine.call. The same writes without a limit are
// the baseline: what a SET costs anyway, including V8's own pauses
// (garbage collection shows up as the odd 1-2 ms call in both). The table
// gives percentiles, the worst call, and how many calls took over 1 ms.
//
// BENCH_POLICIES and BENCH_SAMPLES (maxmemory-samples) choose what runs.
//
// A second table times the commands that drop one huge collection (1M
// members): DEL, an overwriting SET, and an eviction that picks it, each
// of which hands the collection to the background freer.
import { Engine } from 'emberkv';
import { printTable } from './support.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const WRITES = Number(process.env.BENCH_WRITES ?? 300_000);
const POLICIES = (process.env.BENCH_POLICIES ?? 'allkeys-lfu,allkeys-lru,allkeys-random,volatile-lru').split(',');

const key = (i) => `key:${String(i).padStart(12, '0')}`; // 16 bytes
const VALUE = 'v'.repeat(32);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Loads the keys, optionally sets a limit, then times WRITES new SETs. */
function run(policy) {
  const e = new Engine({ backgroundUpkeep: false });
  const ttl = policy?.startsWith('volatile') ? ['EX', '86400'] : [];
  try {
    for (let i = 0; i < KEYS; i++) e.call('SET', key(i), VALUE, ...ttl);
    const catchUp = { rounds: 0, worst: 0 };
    if (policy) {
      e.call('CONFIG', 'SET', 'maxmemory', String(Math.floor(e.memoryUsage() * 0.9)), 'maxmemory-policy', policy);
      if (process.env.BENCH_SAMPLES) e.call('CONFIG', 'SET', 'maxmemory-samples', process.env.BENCH_SAMPLES);
      for (let more = true; more && catchUp.rounds < 100_000; catchUp.rounds++) {
        const start = process.hrtime.bigint();
        more = e.runUpkeep(1).moreWork;
        catchUp.worst = Math.max(catchUp.worst, Number(process.hrtime.bigint() - start) / 1000);
      }
    }
    const times = new Float64Array(WRITES);
    for (let i = 0; i < WRITES; i++) {
      const start = process.hrtime.bigint();
      e.call('SET', key(KEYS + i), VALUE, ...ttl);
      times[i] = Number(process.hrtime.bigint() - start) / 1000;
    }
    const evicted = Number(/evicted_keys:(\d+)/.exec(e.info('stats'))[1]);
    times.sort();
    return {
      label: policy ?? 'no limit (baseline)',
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      p999: percentile(times, 99.9),
      max: times[times.length - 1],
      over1ms: times.filter((t) => t > 1000).length,
      evicted,
      catchUp,
    };
  } finally {
    e.close();
  }
}

/** Times one command that drops a 1M-member collection. */
function dropHuge(how) {
  const e = new Engine({ backgroundUpkeep: false });
  try {
    for (let s = 0; s < 1_000_000; s += 1000) {
      const args = [];
      for (let i = s; i < s + 1000; i++) args.push(`field:${i}`, 'v');
      e.call('HSET', 'huge', ...args);
    }
    let command = how === 'DEL' ? ['DEL', 'huge'] : ['SET', 'huge', 'small'];
    if (how === 'eviction') {
      // The only other key is tiny: the next write must evict the hash.
      e.call('CONFIG', 'SET', 'maxmemory', String(e.memoryUsage() + 64), 'maxmemory-policy', 'allkeys-lru');
      command = ['SET', 'other', 'x'.repeat(200)];
    }
    const start = process.hrtime.bigint();
    e.call(...command);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const gone = how === 'SET' ? e.call('TYPE', 'huge') === 'string' : e.call('EXISTS', 'huge') === 0;
    return [`${command.join(' ').slice(0, 40)} (${how})`, `${ms.toFixed(3)} ms`, gone ? 'yes' : 'NO'];
  } finally {
    e.close();
  }
}

const us = (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v.toFixed(1)} us`);
const rows = [run(null), ...POLICIES.map(run)];
console.log(`\nSET of a new key at ${KEYS.toLocaleString('en')} keys, maxmemory = 90% of the loaded size; ${WRITES.toLocaleString('en')} timed calls each\n`);
printTable(['policy', 'first 10%: rounds', 'worst round', 'p50', 'p99', 'p99.9', 'worst', 'calls > 1 ms', 'evicted'],
  rows.map((r) => [r.label, String(r.catchUp.rounds || '-'), r.catchUp.rounds ? us(r.catchUp.worst) : '-', us(r.p50),
    us(r.p99), us(r.p999), us(r.max), String(r.over1ms), String(r.evicted)]));

console.log('\nDropping one hash of 1M fields (the freeing itself runs on the background thread)\n');
printTable(['command', 'time on the calling thread', 'dropped'], ['DEL', 'SET', 'eviction'].map(dropHuge));
