// npm run bench:resp — emberkv's RESP listener beside redis-server, in one run.
//
// Starts emberkv-server (dist/server/main.js --port 0 --resp-port <free
// port>) and redis-server (Debian package: loopback, no persistence) and
// measures both with the same tools:
//   - redis-benchmark (/usr/bin, the one binary for both servers):
//     `-t <test> -c 50 -n N` for each of set, get, incr, lpush, rpop, sadd,
//     hset, zadd and lrange_100, once without pipelining and once with
//     -P 16, its --csv output parsed; without pipelining also each
//     server's CPU time per request over each run (user + system, all of
//     its threads, from /proc/<pid>/stat): there the single-threaded
//     redis-benchmark client and the cost of waking an idle server, not
//     the server's work, set the rate, and CPU per request is the server's
//     own cost;
//   - ioredis (one connection shared by 50 concurrent callers doing GET or
//     SET 50/50 on random keys, one command at a time each), plain and with
//     enableAutoPipelining, ops/s over BENCH_SECONDS.
// With taskset (util-linux) and 2+ cores, the clients run on core 0 and
// each server, all of its threads, on core 1, so that neither side's
// scheduling noise lands on the other (the same for both servers; --no-pin
// turns it off).
// Every round runs each measurement on both servers back to back: each
// redis-benchmark test on its own (`-t get`, ...), on one server and then
// at once on the other, the first server alternating from test to test
// and round to round, each server emptied (FLUSHALL) before each run.
// Before the first round both servers get one unrecorded pass of every
// test (warm-up). The tables give each server's median over rounds and the
// median of the per-round ratios: this machine's speed drifts by 20-40%
// over seconds (other tenants of the host), and the two runs of a pair,
// about a second apart, see the same drift, so the paired ratio is the
// steadier figure. Client and servers share this machine: compare the
// ratios, not the absolute numbers.
//
// Options (flag or environment variable):
//   --requests N  / BENCH_REQUESTS  redis-benchmark's -n (default 100000)
//   --rounds R    / BENCH_ROUNDS    rounds (default 3)
//   --seconds S   / BENCH_SECONDS   ioredis time per round and target (default 3)
//   --keys K      / BENCH_KEYS      keys loaded for ioredis's GET/SET (default 100000)
//   --no-pin                        do not pin clients and servers to cores
//   --only redis|emberkv            measure one server only (the other's
//                                   column shows "-"), e.g. to try the
//                                   bench where emberkv has no RESP port
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { startRedisServer, hasRedisServer } from '../test/support/redis-server.mjs';
import { RespClient } from '../test/support/resp-client.mjs';
import { startEmberResp } from './support/ember-resp.mjs';
import { redisBenchmarkVersion, runRedisBenchmark } from './support/redis-benchmark.mjs';
import { driveCallers, keyOf, median, printTable, valueOf } from './support.mjs';

const TESTS = ['set', 'get', 'incr', 'lpush', 'rpop', 'sadd', 'hset', 'zadd', 'lrange_100'];
const WARMUP_REQUESTS = 20_000;
const CONNECTIONS = 50;
const PIPELINE = 16;
const CALLERS = 50;

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string' },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    keys: { type: 'string' },
    only: { type: 'string' },
    'no-pin': { type: 'boolean' },
  },
});

/** A positive integer option: flag, else environment, else the default. */
function count(flag, env, fallback) {
  const text = flags[flag] ?? process.env[env];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`bench:resp: --${flag} / ${env} must be a positive integer, got '${text}'`);
    process.exit(2);
  }
  return value;
}

const REQUESTS = count('requests', 'BENCH_REQUESTS', 100_000);
const ROUNDS = count('rounds', 'BENCH_ROUNDS', 3);
const SECONDS = count('seconds', 'BENCH_SECONDS', 3);
const KEYS = count('keys', 'BENCH_KEYS', 100_000);
if (flags.only !== undefined && flags.only !== 'redis' && flags.only !== 'emberkv') {
  console.error(`bench:resp: --only takes redis or emberkv, got '${flags.only}'`);
  process.exit(2);
}

const benchmarkVersion = redisBenchmarkVersion();
if (!benchmarkVersion) {
  console.error('bench:resp: redis-benchmark cannot be run (install Debian\'s redis-tools, or set REDIS_BENCHMARK)');
  process.exit(1);
}
if (flags.only !== 'emberkv' && !hasRedisServer()) {
  console.error('bench:resp: redis-server is not on PATH (install Debian\'s redis-server, or run with --only emberkv)');
  process.exit(1);
}

/** Pins every thread of process `pid` to `cpus` ("0", "1"); whether it could. */
function pin(pid, cpus) {
  return spawnSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}
// This process (and the redis-benchmark processes it starts) on core 0.
const PINNED = !flags['no-pin'] && os.cpus().length >= 2 && pin(process.pid, '0');

/** Clock ticks per second of /proc's CPU times. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds (user + system, every thread) process `pid` has used, or NaN without /proc. */
function cpuSeconds(pid) {
  try {
    // Fields after the ")" closing the command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** The servers measured, in the order of the tables' columns: { name, port, pid, stop }. */
const servers = [];
try {
  if (flags.only !== 'redis') {
    const ember = await startEmberResp();
    if (PINNED) pin(ember.pid, '1');
    servers.push({ name: 'emberkv', port: ember.port, pid: ember.pid, stop: ember.stop });
  }
  if (flags.only !== 'emberkv') {
    const redis = await startRedisServer();
    if (PINNED) pin(redis.pid, '1');
    servers.push({ name: 'redis', port: redis.port, pid: redis.pid, stop: redis.stop });
  }
} catch (err) {
  console.error(`bench:resp: ${err.message}`);
  for (const s of servers) await s.stop();
  process.exit(1);
}

/** One command over a RESP connection of its own (FLUSHALL between runs). */
async function command(port, ...args) {
  const client = await RespClient.connect(port);
  try {
    return await client.send(...args);
  } finally {
    client.close();
  }
}

/** The servers in turn `turn`'s order: the first one alternates, so neither always runs first. */
const inTurn = (turn) => (turn % 2 ? [...servers].reverse() : servers);

// redis-benchmark: benchmarkResults[mode] is Map(row -> Map(server -> list
// of rps, one per round)), rows in the order redis-benchmark printed them
// (lrange_100 prints its set-up, "LPUSH (needed to benchmark LRANGE)", as
// a row of its own).
const MODES = [
  { label: 'no pipelining', args: [] },
  { label: `-P ${PIPELINE}`, args: ['-P', String(PIPELINE)] },
];
const benchmarkResults = MODES.map(() => new Map());
// cpuResults[mode] is Map(test -> Map(server -> list of CPU us per request, one per round)).
const cpuResults = MODES.map(() => new Map(TESTS.map((test) => [test, new Map(servers.map((s) => [s.name, []]))])));

/**
 * redis-benchmark `test` with `requests` against `server`, emptied first:
 * { rows: Map(row -> rps), cpuUs: the server's CPU us per request sent
 * (lrange_100 sends its LPUSH set-up's requests too) }.
 */
async function benchmark(server, test, requests, modeArgs) {
  await command(server.port, 'FLUSHALL');
  const cpuBefore = cpuSeconds(server.pid);
  const rows = await runRedisBenchmark(server.port, ['-t', test, '-c', String(CONNECTIONS), '-n', String(requests), ...modeArgs]);
  const cpuUs = ((cpuSeconds(server.pid) - cpuBefore) * 1e6) / (requests * rows.size);
  return { rows, cpuUs };
}
// ioredis: ioredisResults[variant][server] is a list of ops/s, one per round.
const VARIANTS = [
  { label: 'ioredis, one connection', options: {} },
  { label: 'ioredis, enableAutoPipelining', options: { enableAutoPipelining: true } },
];
const ioredisResults = VARIANTS.map(() => new Map(servers.map((s) => [s.name, []])));

/** Loads KEYS keys of 32-byte values through ioredis pipelines of 1000. */
async function loadKeys(redis) {
  const value = valueOf(0);
  for (let i = 0; i < KEYS; i += 1000) {
    const pipeline = redis.pipeline();
    for (let j = i; j < Math.min(KEYS, i + 1000); j++) pipeline.set(keyOf(j), value);
    const replies = await pipeline.exec();
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
  }
}

/** CALLERS callers, GET or SET 50/50 on random loaded keys, over one ioredis connection: ops/s. */
async function driveIoredis(port, options) {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, ...options });
  await redis.connect();
  try {
    const value = valueOf(0);
    const result = await driveCallers(CALLERS, SECONDS, (random) => {
      const key = keyOf(Math.floor(random() * KEYS));
      return random() < 0.5 ? redis.get(key) : redis.set(key, value);
    });
    return result.opsPerSec;
  } finally {
    redis.disconnect();
  }
}

try {
  for (const server of servers) {
    for (const mode of MODES) await benchmark(server, TESTS.join(','), WARMUP_REQUESTS, mode.args);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [m, mode] of MODES.entries()) {
      const summary = new Map(servers.map((server) => [server.name, []]));
      for (const [t, test] of TESTS.entries()) {
        for (const server of inTurn(round + t)) {
          const { rows: measured, cpuUs } = await benchmark(server, test, REQUESTS, mode.args);
          cpuResults[m].get(test).get(server.name).push(cpuUs);
          for (const [row, rps] of measured) {
            const rows = benchmarkResults[m];
            if (!rows.has(row)) rows.set(row, new Map(servers.map((s) => [s.name, []])));
            rows.get(row).get(server.name).push(rps);
            summary.get(server.name).push(`${row.split(' ')[0]} ${Math.round(rps)}`);
          }
        }
      }
      for (const [name, parts] of summary) console.log(`round ${round + 1} redis-benchmark ${mode.label} -> ${name}: ${parts.join(', ')}`);
    }
    for (const [v, variant] of VARIANTS.entries()) {
      for (const server of inTurn(round)) {
        await command(server.port, 'FLUSHALL');
        const loader = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 0 });
        try {
          await loadKeys(loader);
        } finally {
          loader.disconnect();
        }
        const opsPerSec = await driveIoredis(server.port, variant.options);
        ioredisResults[v].get(server.name).push(opsPerSec);
        console.log(`round ${round + 1} ${variant.label} -> ${server.name}: ${Math.round(opsPerSec)} ops/s`);
      }
    }
  }
} catch (err) {
  console.error(`bench:resp: ${err.message}`);
  process.exitCode = 1;
} finally {
  for (const s of servers) await s.stop();
}

if (process.exitCode !== 1) {
  const cpus = os.cpus();
  console.log(
    `\nMeasured on ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), clients and servers on one machine, ` +
      `loopback. ${benchmarkVersion}: -t <each of ${TESTS.join(',')}> -c ${CONNECTIONS} -n ${REQUESTS}; ioredis: ` +
      `${CALLERS} callers on one connection, GET/SET 50/50 on ${KEYS} keys, ${SECONDS} s. Medians of ${ROUNDS} ` +
      'rounds, each run paired with the same run on the other server, the servers taking turns to go first; ' +
      'the ratio is the median of the per-round ratios. Each server emptied before each run. ' +
      (PINNED ? 'Clients pinned to core 0, each server (all its threads) to core 1.' : 'Not pinned to cores.'),
  );
  const cell = (values) => (values && values.length ? String(Math.round(median(values))) : '-');
  // The median of the per-round ratios (the two lists are in round order).
  const ratio = (ours, theirs) =>
    ours?.length && ours.length === theirs?.length ? `${median(ours.map((x, i) => x / theirs[i])).toFixed(2)}x` : '-';
  const column = (results, name) => results.get(name);
  const micros = (values) => (values?.length && values.every(Number.isFinite) ? median(values).toFixed(2) : '-');
  for (const [m, mode] of MODES.entries()) {
    console.log(`\nredis-benchmark, ${mode.label} (requests per second)\n`);
    printTable(
      ['test', 'emberkv rps', 'redis rps', 'emberkv / redis'],
      [...benchmarkResults[m]].map(([row, byServer]) => [
        row, cell(byServer.get('emberkv')), cell(byServer.get('redis')), ratio(byServer.get('emberkv'), byServer.get('redis')),
      ]),
    );
    // Pipelined runs are too short for /proc's 10 ms ticks to say much.
    if (mode.args.length) continue;
    console.log(`\nserver CPU per request, ${mode.label} (us, user + system, all threads)\n`);
    printTable(
      ['test', 'emberkv us', 'redis us', 'emberkv / redis'],
      [...cpuResults[m]].map(([test, byServer]) => [
        test === 'lrange_100' ? 'lrange_100 (and its LPUSH set-up)' : test,
        micros(byServer.get('emberkv')), micros(byServer.get('redis')), ratio(byServer.get('emberkv'), byServer.get('redis')),
      ]),
    );
  }
  console.log('\nioredis GET/SET (ops per second)\n');
  printTable(
    ['client', 'emberkv ops/s', 'redis ops/s', 'emberkv / redis'],
    VARIANTS.map((variant, v) => {
      const results = ioredisResults[v];
      return [variant.label, cell(column(results, 'emberkv')), cell(column(results, 'redis')), ratio(column(results, 'emberkv'), column(results, 'redis'))];
    }),
  );
}
