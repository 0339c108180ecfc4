// npm run bench:hitratio — how well each eviction policy keeps the right
// keys: the same key-access traces replayed, cache-aside, against emberkv
// under every maxmemory-policy and against redis-server (allkeys-lfu and
// allkeys-lru), each limited to a memory holding about 10% of the keys, with
// Belady's optimal (OPT) hit ratio as the ceiling.
//
// Traces (bench/support/traces.mjs; seeded, identical for every store):
// Zipf 0.8, 0.99 and 1.2 over BENCH_KEYS keys; Zipf 0.99 polluted by
// one-time scans (after every KEYS/5 Zipf requests, a burst of KEYS/20
// sequential keys that are never requested again); Zipf 0.99 whose hot set
// moves at the midpoint (a new random rank -> key mapping).
//
// How measured. Each request is a GET of `key:<id>` (16-byte keys); on a
// miss the client SETs the key to a fixed 32-byte value (cache-aside). For
// the volatile-* policies every SET carries EX 86400, so every key is a
// candidate for eviction (all keys then expire equally far ahead of their
// last write, so volatile-ttl evicts the least recently written). Requests
// go in batches of BENCH_BATCH (default 100): the GETs of a batch, then the
// SETs of that batch's misses, in order. Redis gets each half as one ioredis
// pipeline; emberkv gets the same calls in the same order through
// engine.call. The only difference from replaying one request at a time is
// that a key missed twice within a batch is missed (and set) twice, where
// the second GET would have hit; it is the same for both stores, and OPT
// (computed on the unbatched trace) is unaffected and stays an upper bound.
//
// Limit. Each store is calibrated in each run: with the run's policy set
// but no limit yet, SET 10% of BENCH_KEYS keys (with EX 86400 where the run
// uses it) and read INFO memory used_memory before and after; then FLUSHALL
// and CONFIG SET maxmemory to baseline + growth. So each store's limit is
// what it needs to hold that many keys when loaded fresh, and the comparison
// is of policies, not of bytes per key, as long as the store still holds
// about that many keys under churn: the tables show each limit, the keys
// held at the end (DBSIZE), used_memory at the end against the limit, and
// the evictions (INFO stats evicted_keys). Each store runs with its own
// defaults otherwise: lfu-log-factor 10 and lfu-decay-time 1 for both,
// maxmemory-samples 5 for Redis and 10 for emberkv (BENCH_SAMPLES=5 makes
// emberkv sample as Redis does); every run starts on a fresh engine / a
// fresh redis-server.
//
// Hit ratio = hits / requests over the counted window: every request after
// the first quarter of the trace (BENCH_WARMUP_FRACTION). The warm-up
// requests are replayed (they fill the cache and teach the policy) but not
// counted: they are mostly compulsory misses while the cache fills, the
// same for any policy. The window is the same for every store and for OPT.
// The trace table shows how many distinct keys the warm-up touched: where
// that is above the capacity, every store is already evicting when counting
// starts (Zipf 1.2 fills the cache a little after: until then every policy
// scores alike). Client-side hits are checked against the store's own
// keyspace_hits (a mismatch is printed).
//
// OPT (bench/support/belady.mjs): Belady's optimum for a cache of exactly
// 10% of BENCH_KEYS keys (the calibration count), over the same window,
// allowed (like the stores) not to keep a missed key. It is an upper bound
// for any policy, not a target to reach exactly: knowing the future, it
// also knows which keys are never requested again.
//
// Seeds. BENCH_SEEDS=1,2,3,4,5 replays every trace generated from each
// seed against every store (a fresh store per run) and prints medians over
// the seeds, plus, for each policy both stores ran, the median of the
// per-seed differences (emberkv minus redis on the same trace): the paired
// comparison is what says whether one store keeps more hits than the
// other, since both move with the trace.
//
// Trace length. The default, 1M requests per trace (one per key on average),
// gives ratios that move by about 0.1 point between seeds and between runs, and keeps the whole run to a few minutes: 5 traces x 9
// store/policy pairs, most of the time spent in the redis runs (ioredis
// pipelines, ~100k commands/s here). Zipf 1.2 gets 4 times as many: its
// requests are so concentrated that 1M of them touch fewer distinct keys
// (~79k) than the cache holds (100k), so nothing would be evicted and every
// policy would score the same compulsory-miss bound; 4M touch ~200k. Longer
// traces raise every ratio a little (fewer first-time requests in the
// window) and OPT more than the online policies (more of the future to
// exploit): compare ratios measured at the same length.
//
// Env: BENCH_POLICIES (emberkv's policies to run, comma list, default all),
// BENCH_REDIS_POLICIES (redis-server's, default allkeys-lfu,allkeys-lru),
// BENCH_SAMPLES (emberkv's maxmemory-samples, default its own default),
// BENCH_KEYS (default 1000000), BENCH_REQUESTS (default 1000000; Zipf
// 1.2 gets 4x), BENCH_WARMUP_FRACTION (share of each trace not counted,
// default 0.25), BENCH_BATCH (default 100), BENCH_SEEDS (comma list of
// trace seeds, default BENCH_SEED, default 1),
// BENCH_TRACES (comma list of trace names, default all), BENCH_STORES
// (emberkv,redis; default both; redis is skipped, loudly, if redis-server is
// not on PATH). One run per cell and seed: see above for how much they move.
import Redis from 'ioredis';
import { startRedisServer, hasRedisServer } from '../test/support/redis-server.mjs';
import { keyOf, median, printTable, valueOf } from './support.mjs';
import { distinctKeys, scanPollutedTrace, shiftingTrace, zipfTrace } from './support/traces.mjs';
import { beladyHits } from './support/belady.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1_000_000);
const WARMUP_FRACTION = Number(process.env.BENCH_WARMUP_FRACTION ?? 0.25);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const SEEDS = (process.env.BENCH_SEEDS ?? process.env.BENCH_SEED ?? '1').split(',').map(Number);
const STORES = (process.env.BENCH_STORES ?? 'emberkv,redis').split(',');
const CAPACITY = Math.round(KEYS / 10);
const TTL_SECONDS = 86400;
const VALUE = valueOf(0); // 32 bytes

const EMBERKV_POLICIES = process.env.BENCH_POLICIES ? process.env.BENCH_POLICIES.split(',') : [
  'allkeys-lfu', 'allkeys-lru', 'allkeys-random', 'volatile-lfu', 'volatile-lru', 'volatile-random', 'volatile-ttl',
];
const REDIS_POLICIES = process.env.BENCH_REDIS_POLICIES ? process.env.BENCH_REDIS_POLICIES.split(',') : ['allkeys-lfu', 'allkeys-lru'];

const TRACES = {
  'zipf-0.8': (seed) => zipfTrace({ keys: KEYS, length: REQUESTS, s: 0.8, seed }),
  'zipf-0.99': (seed) => zipfTrace({ keys: KEYS, length: REQUESTS, s: 0.99, seed }),
  'zipf-1.2': (seed) => zipfTrace({ keys: KEYS, length: 4 * REQUESTS, s: 1.2, seed }),
  'zipf-0.99+scans': (seed) =>
    scanPollutedTrace({
      keys: KEYS, length: REQUESTS, s: 0.99, seed, scanEvery: Math.round(KEYS / 5), scanLength: Math.round(KEYS / 20),
    }),
  'zipf-0.99 shifting': (seed) => shiftingTrace({ keys: KEYS, length: REQUESTS, s: 0.99, seed }),
};
const traceNames = process.env.BENCH_TRACES ? process.env.BENCH_TRACES.split(',') : Object.keys(TRACES);
for (const name of traceNames) if (!TRACES[name]) throw new Error(`unknown trace '${name}' (known: ${Object.keys(TRACES).join(', ')})`);
if (!(WARMUP_FRACTION >= 0 && WARMUP_FRACTION < 1)) throw new Error('BENCH_WARMUP_FRACTION must be in [0, 1)');

/** The integer after `name:` in an INFO reply. */
function infoField(text, name) {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(text);
  if (!match) throw new Error(`INFO has no ${name} field`);
  return Number(match[1]);
}

/** The value of `name` in a CONFIG GET reply (a flat [name, value, ...] array, or a map). */
function configValue(reply, name) {
  if (Array.isArray(reply)) {
    const i = reply.indexOf(name);
    return i >= 0 && i % 2 === 0 ? reply[i + 1] : undefined;
  }
  return reply instanceof Map ? reply.get(name) : reply?.[name];
}

/**
 * emberkv embedded: the same calls as the Redis client, through
 * engine.call. CONFIG is part of issue 4's native work; without it the run
 * stops here, saying so, rather than measuring an unlimited store.
 */
async function openEmberkv() {
  let Engine;
  try {
    ({ Engine } = await import('emberkv'));
  } catch (err) {
    throw new Error(`emberkv could not be loaded (is the build current? npm run build): ${err.message}`);
  }
  // The replay never yields to timers, so background upkeep would not run
  // anyway; off, so that is explicit (nothing here expires).
  const engine = new Engine({ backgroundUpkeep: false });
  try {
    engine.call('CONFIG', 'GET', 'maxmemory');
    if (process.env.BENCH_SAMPLES) engine.call('CONFIG', 'SET', 'maxmemory-samples', process.env.BENCH_SAMPLES);
  } catch (err) {
    engine.close();
    throw new Error(
      `emberkv has no working CONFIG yet (${err.message.trim()}): maxmemory and maxmemory-policy cannot be set, ` +
        'so there is nothing to measure. Run with BENCH_STORES=redis for redis-server and OPT alone.',
    );
  }
  return {
    name: 'emberkv',
    async command(...args) {
      return engine.call(...args);
    },
    async getMany(keys) {
      return keys.map((k) => engine.call('GET', k) !== null);
    },
    async setMany(keys, ttl) {
      if (ttl) for (const k of keys) engine.call('SET', k, VALUE, 'EX', ttl);
      else for (const k of keys) engine.call('SET', k, VALUE);
    },
    async close() {
      engine.close();
    },
  };
}

/** A fresh redis-server on loopback, driven through ioredis pipelines. */
async function openRedis() {
  const server = await startRedisServer();
  const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, enableAutoPipelining: false });
  await client.connect();
  const exec = async (pipeline) => {
    const results = await pipeline.exec();
    for (const [err] of results) if (err) throw err;
    return results;
  };
  return {
    name: 'redis',
    async command(name, ...args) {
      return client.call(name, ...args);
    },
    async getMany(keys) {
      const pipeline = client.pipeline();
      for (const k of keys) pipeline.get(k);
      return (await exec(pipeline)).map(([, value]) => value !== null);
    },
    async setMany(keys, ttl) {
      const pipeline = client.pipeline();
      if (ttl) for (const k of keys) pipeline.set(k, VALUE, 'EX', ttl);
      else for (const k of keys) pipeline.set(k, VALUE);
      await exec(pipeline);
    },
    async close() {
      client.disconnect();
      await server.stop();
    },
  };
}

/**
 * Sets the store's limit to hold CAPACITY keys of the run's form (see the
 * header); returns the limit in bytes.
 */
async function calibrate(store, ttl) {
  await store.command('FLUSHALL');
  const baseline = infoField(await store.command('INFO', 'memory'), 'used_memory');
  for (let start = 0; start < CAPACITY; start += BATCH) {
    const keys = [];
    for (let id = start; id < Math.min(CAPACITY, start + BATCH); id++) keys.push(keyOf(id));
    await store.setMany(keys, ttl);
  }
  const growth = infoField(await store.command('INFO', 'memory'), 'used_memory') - baseline;
  await store.command('FLUSHALL');
  return baseline + growth;
}

/** Replays the trace cache-aside (see the header); returns the counts. */
async function replay(store, trace, warmup, ttl) {
  let hits = 0;
  let allHits = 0;
  for (let start = 0; start < trace.length; start += BATCH) {
    const end = Math.min(trace.length, start + BATCH);
    const keys = [];
    for (let i = start; i < end; i++) keys.push(keyOf(trace[i]));
    const found = await store.getMany(keys);
    const missed = [];
    for (let j = 0; j < keys.length; j++) {
      if (found[j]) {
        allHits++;
        if (start + j >= warmup) hits++;
      } else {
        missed.push(keys[j]);
      }
    }
    if (missed.length) await store.setMany(missed, ttl);
  }
  return { hits, allHits };
}

/** One store, one policy, one trace: calibrate, limit, replay, read back. */
async function run(open, policy, trace, warmup) {
  const store = await open();
  try {
    const ttl = policy.startsWith('volatile-') ? String(TTL_SECONDS) : null;
    await store.command('CONFIG', 'SET', 'maxmemory-policy', policy);
    const limit = await calibrate(store, ttl);
    await store.command('CONFIG', 'SET', 'maxmemory', String(limit));
    const setLimit = Number(configValue(await store.command('CONFIG', 'GET', 'maxmemory'), 'maxmemory'));
    if (setLimit !== limit) throw new Error(`${store.name}: CONFIG GET maxmemory says ${setLimit}, expected ${limit}`);
    await store.command('CONFIG', 'RESETSTAT');
    const started = performance.now();
    const { hits, allHits } = await replay(store, trace, warmup, ttl);
    const seconds = (performance.now() - started) / 1000;
    const stats = await store.command('INFO', 'stats');
    const memory = await store.command('INFO', 'memory');
    const keyspaceHits = infoField(stats, 'keyspace_hits');
    if (keyspaceHits !== allHits) {
      console.log(`  note: ${store.name} ${policy} counts ${keyspaceHits} keyspace_hits, the client saw ${allHits} hits`);
    }
    return {
      ratio: hits / (trace.length - warmup),
      limit,
      keysHeld: Number(await store.command('DBSIZE')),
      evicted: infoField(stats, 'evicted_keys'),
      usedMemory: infoField(memory, 'used_memory'),
      seconds,
    };
  } finally {
    await store.close();
  }
}

// The columns: every store/policy pair measured, then OPT.
const columns = [];
if (STORES.includes('emberkv')) {
  for (const policy of EMBERKV_POLICIES) columns.push({ label: `emberkv ${policy}`, open: openEmberkv, policy });
}
if (STORES.includes('redis')) {
  if (hasRedisServer()) {
    for (const policy of REDIS_POLICIES) columns.push({ label: `redis ${policy}`, open: openRedis, policy });
  } else {
    console.log('\n*** redis-server is not on PATH: the redis columns are not measured ***');
  }
}
// Fail before the long part if emberkv cannot be limited.
if (STORES.includes('emberkv')) await (await openEmberkv()).close();

console.log(
  `\nHit ratio: ${traceNames.length} traces over ${KEYS} keys; limit ~${CAPACITY} keys (10%); ` +
    `hits counted after the first ${100 * WARMUP_FRACTION}% of each trace; batches of ${BATCH}; ` +
    `seed${SEEDS.length > 1 ? 's' : ''} ${SEEDS.join(', ')}${SEEDS.length > 1 ? ' (cells are medians over the seeds)' : ''}\n`,
);

const results = {}; // trace -> label -> [result per seed]
const traceRows = [];
for (const name of traceNames) {
  results[name] = { OPT: [] };
  for (const column of columns) results[name][column.label] = [];
  for (const seed of SEEDS) {
    // Each trace's seed depends on its name, not on which traces were picked.
    const trace = TRACES[name](seed * 1000 + Object.keys(TRACES).indexOf(name));
    const warmup = Math.floor(trace.length * WARMUP_FRACTION);
    const opt = { ratio: beladyHits(trace, CAPACITY, warmup) / (trace.length - warmup) };
    results[name].OPT.push(opt);
    if (seed === SEEDS[0]) {
      traceRows.push([name, count(trace.length), count(warmup), distinctKeys(trace, warmup), distinctKeys(trace)]);
    }
    console.log(`${name}, seed ${seed}: OPT ${pct(opt.ratio)}`);
    for (const column of columns) {
      const r = await run(column.open, column.policy, trace, warmup);
      results[name][column.label].push(r);
      console.log(`  ${column.label}: ${pct(r.ratio)} (${r.keysHeld} keys held, ${r.seconds.toFixed(1)} s)`);
    }
  }
}

function pct(ratio) {
  return `${(100 * ratio).toFixed(2)}%`;
}

function count(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/**
 * One table: traces as rows, the measured columns (and OPT when asked) as
 * columns; each cell is `format` of the median of `field` over the seeds.
 */
function traceTable(title, field, format, withOpt) {
  console.log(`\n${title}\n`);
  const labels = columns.map((c) => c.label);
  const cell = (runs) => format(median(runs.map(field)));
  printTable(
    ['trace', ...labels, ...(withOpt ? ['OPT'] : [])],
    traceNames.map((name) => [
      name,
      ...labels.map((label) => cell(results[name][label])),
      ...(withOpt ? [cell(results[name].OPT)] : []),
    ]),
  );
}

/** emberkv minus redis, per seed, for every policy both ran: median (min .. max) in points. */
function pairedTable() {
  const policies = EMBERKV_POLICIES.filter((p) => columns.some((c) => c.label === `redis ${p}`) &&
    columns.some((c) => c.label === `emberkv ${p}`));
  if (policies.length === 0) return;
  console.log(`\nemberkv minus redis on the same trace, in points: median over ${SEEDS.length} seed(s) (min .. max)\n`);
  const points = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;
  printTable(
    ['trace', ...policies],
    traceNames.map((name) => [
      name,
      ...policies.map((policy) => {
        const ours = results[name][`emberkv ${policy}`];
        const theirs = results[name][`redis ${policy}`];
        const diffs = ours.map((r, i) => r.ratio - theirs[i].ratio);
        return `${points(median(diffs))} (${points(Math.min(...diffs))} .. ${points(Math.max(...diffs))})`;
      }),
    ]),
  );
}

console.log(`\nTraces${SEEDS.length > 1 ? ` (seed ${SEEDS[0]})` : ''}\n`);
printTable(['trace', 'requests', 'warm-up (not counted)', 'distinct keys in warm-up', 'distinct keys in all'], traceRows);
traceTable(`Hit ratio over the counted window (after the warm-up); OPT at ${CAPACITY} keys`, (r) => r.ratio, pct, true);
pairedTable();
traceTable('maxmemory each run got (bytes, calibrated to hold ~10% of the keys)', (r) => r.limit, String, false);
traceTable(`Keys held at the end (DBSIZE; OPT holds ${CAPACITY})`, (r) => r.keysHeld, String, false);
traceTable('Evicted keys (INFO stats evicted_keys)', (r) => r.evicted, count, false);
traceTable('used_memory at the end / maxmemory', (r) => r.usedMemory / r.limit, (x) => `${(100 * x).toFixed(1)}%`, false);
traceTable('Wall time of the replay (s)', (r) => r.seconds, (x) => x.toFixed(1), false);
