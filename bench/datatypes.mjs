// npm run bench:datatypes — how each data type's operations scale with the
// size of the collection, for emberkv embedded and for redis-server (through
// ioredis, pipelined) in the same run.
//
// For each size (default 1k, 10k, 100k, 1M elements) one list, hash, set and
// sorted set of that size is built, then each operation runs against it for
// BENCH_TIME_MS (default 300 ms), ROUNDS times (default 3); the table shows
// the median ns per operation. Operations keep the size constant (updates of
// existing members, LPUSH paired with RPOP), so the size is what it says.
// The last column is cost at the largest size over cost at 10k: an O(log n)
// operation should stay within about 2.5x there; LINDEX in the middle of a
// list is O(n) by nature (it walks chunks).
//
// Redis numbers are for reference: a network client pays a round trip, so
// they are measured with pipelines of PIPELINE (default 100) commands and
// show the server's cost per command plus the client's, not a single call's
// latency. A third table shows what redis-server itself spent executing the
// commands (INFO commandstats usec / calls, reset before each operation):
// the like-for-like view of how Redis's own structures scale on this
// machine. (Redis times each call in whole microseconds; over many calls
// the truncation averages out.) Set BENCH_REDIS=0 to skip redis-server.
import { Engine } from 'emberkv';
import Redis from 'ioredis';
import { startRedisServer, hasRedisServer } from '../test/support/redis-server.mjs';
import { median, printTable } from './support.mjs';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PIPELINE = Number(process.env.PIPELINE ?? 100);
const WITH_REDIS = process.env.BENCH_REDIS !== '0' && hasRedisServer();

const member = (i) => `member:${i}`;

/** A deterministic pseudo-random index stream (xorshift), the same for both stores. */
function indexes(n) {
  let x = 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** The operations: each returns the command to run next (name + args). */
function operations(n) {
  const next = indexes(n);
  const middle = Math.floor(n / 2);
  let tick = 0;
  return {
    'ZADD (update score)': () => ['ZADD', 'z', String(next()), member(next())],
    ZRANK: () => ['ZRANK', 'z', member(next())],
    'ZRANGE 10 by rank': () => {
      const r = next();
      return ['ZRANGE', 'z', String(r), String(r + 9)];
    },
    'ZRANGEBYSCORE 10': () => {
      const r = next();
      return ['ZRANGEBYSCORE', 'z', String(r), String(r + 9)];
    },
    'LPUSH + RPOP': () => (tick++ & 1 ? ['RPOP', 'l'] : ['LPUSH', 'l', 'x']),
    'LINDEX middle': () => ['LINDEX', 'l', String(middle)],
    'HSET (update)': () => ['HSET', 'h', member(next()), 'v'],
    HGET: () => ['HGET', 'h', member(next())],
    'SADD (existing)': () => ['SADD', 's', member(next())],
    SISMEMBER: () => ['SISMEMBER', 's', member(next())],
  };
}

/** Commands that build the four collections of size n, in chunks. */
function* buildCommands(n) {
  const chunk = 1000;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const z = ['ZADD', 'z'];
    const l = ['RPUSH', 'l'];
    const h = ['HSET', 'h'];
    const s = ['SADD', 's'];
    for (let i = start; i < end; i++) {
      z.push(String(i), member(i));
      l.push(`item:${i}`);
      h.push(member(i), `value:${i}`);
      s.push(member(i));
    }
    yield z;
    yield l;
    yield h;
    yield s;
  }
}

/**
 * Median ns per operation over ROUNDS rounds of TIME_MS each; `batch()`
 * runs some operations (awaited if it returns a promise) and returns how many.
 */
async function medianNsPerOp(batch) {
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    let ops = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(TIME_MS) * 1_000_000n;
    let now = start;
    while (now < deadline) {
      const done = batch();
      ops += typeof done === 'number' ? done : await done; // no microtask for the synchronous engine
      now = process.hrtime.bigint();
    }
    samples.push(Number(now - start) / ops);
  }
  return median(samples);
}

function timeEmberkv(engine, makeCommand) {
  return medianNsPerOp(() => {
    for (let i = 0; i < 64; i++) engine.call(...makeCommand());
    return 64;
  });
}

/** ns per call that redis-server spent executing commands since the last CONFIG RESETSTAT. */
async function redisServerNsPerCall(client) {
  let usec = 0;
  let calls = 0;
  for (const m of (await client.info('commandstats')).matchAll(/^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/gm)) {
    if (m[1] === 'info' || m[1] === 'config') continue;
    calls += Number(m[2]);
    usec += Number(m[3]);
  }
  return calls ? (usec * 1000) / calls : undefined;
}

async function timeRedis(client, makeCommand) {
  await client.config('RESETSTAT');
  const clientNs = await medianNsPerOp(async () => {
    const pipeline = client.pipeline();
    for (let i = 0; i < PIPELINE; i++) {
      const [name, ...args] = makeCommand();
      pipeline.call(name, ...args);
    }
    await pipeline.exec();
    return PIPELINE;
  });
  return { client: clientNs, server: await redisServerNsPerCall(client) };
}

const results = {}; // op -> { emberkv: {size: ns}, redis: {size: ns}, redisServer: {size: ns} }
const record = (op, side, size, ns) => {
  results[op] ??= { emberkv: {}, redis: {}, redisServer: {} };
  results[op][side][size] = ns;
};

let server = null;
let client = null;
if (WITH_REDIS) {
  server = await startRedisServer({ extraArgs: ['--hash-max-listpack-entries', '128'] });
  client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
  await client.connect();
}

try {
  for (const n of SIZES) {
    const engine = new Engine({ backgroundUpkeep: false });
    for (const command of buildCommands(n)) engine.call(...command);
    for (const [op, makeCommand] of Object.entries(operations(n))) record(op, 'emberkv', n, await timeEmberkv(engine, makeCommand));
    engine.close();
    if (client) {
      await client.flushall();
      let pipeline = client.pipeline();
      let queued = 0;
      for (const [name, ...args] of buildCommands(n)) {
        pipeline.call(name, ...args);
        if (++queued === 50) {
          await pipeline.exec();
          pipeline = client.pipeline();
          queued = 0;
        }
      }
      await pipeline.exec();
      for (const [op, makeCommand] of Object.entries(operations(n))) {
        const t = await timeRedis(client, makeCommand);
        record(op, 'redis', n, t.client);
        record(op, 'redisServer', n, t.server);
      }
    }
  }
} finally {
  if (client) client.disconnect();
  if (server) await server.stop();
}

const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const largest = SIZES[SIZES.length - 1];
const base = SIZES.includes(10_000) ? 10_000 : SIZES[0];
const ns = (v) => (v === undefined ? '-' : v >= 10_000 ? `${(v / 1000).toFixed(1)} us` : `${v.toFixed(0)} ns`);
if (!WITH_REDIS) console.log('\n(redis-server not measured: not on PATH, or BENCH_REDIS=0)');
const titles = {
  emberkv: `emberkv (embedded, engine.call): median time per operation, ${ROUNDS} rounds of ${TIME_MS} ms`,
  redis: `redis-server via ioredis (pipelines of ${PIPELINE}): median time per operation, ${ROUNDS} rounds of ${TIME_MS} ms`,
  redisServer: 'redis-server, time spent executing each command (INFO commandstats), same runs',
};
for (const side of WITH_REDIS ? ['emberkv', 'redis', 'redisServer'] : ['emberkv']) {
  console.log(`\n${titles[side]}\n`);
  printTable(
    ['operation', ...SIZES.map(label), `${label(largest)} / ${label(base)}`],
    Object.entries(results).map(([op, r]) => [
      op,
      ...SIZES.map((n) => ns(r[side][n])),
      r[side][largest] && r[side][base] ? `${(r[side][largest] / r[side][base]).toFixed(2)}x` : '-',
    ]),
  );
}
