// npm run bench:embedded — emberkv embedded, beside a plain Map and
// lru-cache, in one run on one machine.
//
// Part 1, throughput: GET, SET, INCR and MGET of 10 keys over 100k keys of
// 16 bytes with 32-byte values; tinybench, median ops/s of its samples.
// Each tinybench iteration runs BATCH operations, so the harness's own
// per-iteration cost (timers) does not flatten the differences. Keys are
// visited with a large prime stride, so consecutive operations touch
// unrelated memory as a real cache does. The whole table is measured
// ROUNDS times; each cell is the median over rounds (the machine is small
// and shared: compare ratios, not absolute numbers).
//
// Keys normally come from a precomputed array, which flatters the JS
// stores: a Map lookup with the very string object used to insert finds it
// by identity, hash cached. "GET, key built per call" makes the key string
// afresh for every call, as a key parsed from a request would be.
//
// Part 2, memory: each store is filled with 1M such keys in a fresh child
// process (bench/memory-child.mjs), which reports V8 heap and RSS per key
// and the longest GC pause seen while reading every key once.
//
// Env: BENCH_TIME_MS (per task, default 1000), BENCH_ROUNDS (default 3),
// BENCH_KEYS (default 100000), BENCH_MEMORY_KEYS (default 1000000).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Bench } from 'tinybench';
import { LRUCache } from 'lru-cache';
import { Engine } from 'emberkv';
import { keyOf, makeKeys, median, printTable, valueOf } from './support.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEMORY_KEYS = Number(process.env.BENCH_MEMORY_KEYS ?? 1_000_000);
const STRIDE = 7919;
const BATCH = 100;

const keys = makeKeys(KEYS);
const value = valueOf(0);

function stores() {
  const engine = new Engine({ backgroundUpkeep: false });
  const map = new Map();
  const lru = new LRUCache({ max: KEYS * 2 });
  for (const k of keys) {
    engine.set(k, value);
    map.set(k, value);
    lru.set(k, value);
  }
  return { engine, map, lru };
}

// Each op is a closure over a cursor into `keys`.
function cursor() {
  let i = 0;
  return () => {
    i += STRIDE;
    if (i >= KEYS) i -= KEYS;
    return keys[i];
  };
}

// Like cursor(), but builds each key string afresh.
function freshCursor() {
  let i = 0;
  return () => {
    i += STRIDE;
    if (i >= KEYS) i -= KEYS;
    return keyOf(i);
  };
}

function mgetKeys(next) {
  const batch = new Array(10);
  return () => {
    for (let j = 0; j < 10; j++) batch[j] = next();
    return batch;
  };
}

function operations({ engine, map, lru }) {
  const counter = (key) => `${key}:n`;
  return {
    GET: {
      emberkv: (n) => () => engine.get(n()),
      Map: (n) => () => map.get(n()),
      'lru-cache': (n) => () => lru.get(n()),
    },
    'GET, key built per call': {
      emberkv: (n, fresh) => () => engine.get(fresh()),
      Map: (n, fresh) => () => map.get(fresh()),
      'lru-cache': (n, fresh) => () => lru.get(fresh()),
    },
    SET: {
      emberkv: (n) => () => engine.set(n(), value),
      Map: (n) => () => map.set(n(), value),
      'lru-cache': (n) => () => lru.set(n(), value),
    },
    INCR: {
      // The same read-modify-write a JS cache would do for a counter.
      emberkv: (n) => () => engine.incr(counter(n())),
      Map: (n) => () => {
        const k = counter(n());
        map.set(k, (map.get(k) ?? 0) + 1);
      },
      'lru-cache': (n) => () => {
        const k = counter(n());
        lru.set(k, (lru.get(k) ?? 0) + 1);
      },
    },
    'MGET x10': {
      emberkv: (n) => {
        const batch = mgetKeys(n);
        return () => engine.mGet(...batch());
      },
      Map: (n) => {
        const batch = mgetKeys(n);
        return () => batch().map((k) => map.get(k));
      },
      'lru-cache': (n) => {
        const batch = mgetKeys(n);
        return () => batch().map((k) => lru.get(k));
      },
    },
  };
}

async function throughput() {
  const all = stores();
  const ops = operations(all);
  const bench = new Bench({ time: TIME_MS, warmupTime: 200 });
  for (const [op, impls] of Object.entries(ops)) {
    for (const [store, make] of Object.entries(impls)) {
      const once = make(cursor(), freshCursor());
      bench.add(`${op}|${store}`, () => {
        for (let i = 0; i < BATCH; i++) once();
      });
    }
  }
  await bench.run();
  const rows = [];
  for (const op of Object.keys(ops)) {
    const row = { op };
    for (const store of Object.keys(ops[op])) {
      const task = bench.tasks.find((t) => t.name === `${op}|${store}`);
      row[store] = task.result.throughput.p50 * BATCH;
    }
    rows.push(row);
  }
  all.engine.close();
  return rows;
}

function formatOps(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`;
}

const rounds = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await throughput());
const rows = rounds[0].map((row, i) => {
  const cell = (store) => median(rounds.map((round) => round[i][store]));
  return {
    op: row.op,
    emberkv: cell('emberkv'),
    Map: cell('Map'),
    'lru-cache': cell('lru-cache'),
    ratio: median(rounds.map((round) => round[i].emberkv / round[i]['lru-cache'])),
  };
});
console.log(
  `\nThroughput: ${KEYS} keys (16 B) with 32 B values; ops/s, median of ${ROUNDS} rounds ` +
    `(each the median of tinybench samples, ${TIME_MS} ms per task)\n`,
);
printTable(
  ['op', 'emberkv', 'Map', 'lru-cache', 'emberkv / lru-cache'],
  rows.map((r) => [r.op, formatOps(r.emberkv), formatOps(r.Map), formatOps(r['lru-cache']), `${r.ratio.toFixed(2)}x`]),
);
const mget = rows.find((r) => r.op === 'MGET x10');
console.log(`\nMGET x10 per key: emberkv ${formatOps(mget.emberkv * 10)} keys/s, lru-cache ${formatOps(mget['lru-cache'] * 10)} keys/s`);

const child = path.join(import.meta.dirname, 'memory-child.mjs');
const memoryRows = [];
for (const store of ['emberkv', 'lru-cache', 'Map']) {
  const result = spawnSync(process.execPath, ['--expose-gc', child, store, String(MEMORY_KEYS)], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(result.stderr);
    process.exit(1);
  }
  memoryRows.push(JSON.parse(result.stdout));
}
console.log(`\nMemory: ${MEMORY_KEYS} keys (16 B) with 32 B values, each store in a fresh process\n`);
printTable(
  ['store', 'V8 heap B/key', 'RSS B/key', 'native B/key', 'load time', 'longest GC pause: load', 'reads', 'GCs during reads'],
  memoryRows.map((r) => [
    r.store,
    r.heapPerKey.toFixed(1),
    r.rssPerKey.toFixed(1),
    r.nativePerKey === null ? '-' : r.nativePerKey.toFixed(1),
    `${r.loadMs.toFixed(0)} ms`,
    `${r.longestLoadGcMs.toFixed(1)} ms`,
    `${r.longestReadGcMs.toFixed(1)} ms`,
    String(r.readGcCount),
  ]),
);
