// npm run bench:aof — write throughput with the append-only log, emberkv
// beside Redis, in one run.
//
// For each setting (no persistence; appendonly yes with appendfsync no,
// everysec, always) it starts emberkv-server (dist/server/main.js, a child
// process) and redis-server (Debian package) on loopback with that setting
// and a fresh temp dir (no save rules), then drives each with BENCH_CALLERS
// (default 50) concurrent callers in this one Node process, each doing SET
// of a random key of BENCH_KEYS (default 100k; 16-byte keys, 32-byte
// values), one command at a time (await, then the next), for BENCH_SECONDS
// (default 3) per round:
//   - emberkv: one official Client shared by the callers (auto-pipelined:
//     what they issue in one tick goes out as one Pipeline message); with
//     appendfsync always the server holds each reply until its write is
//     fsync'd (group commit: one fsync covers every write of a turn);
//   - Redis: one ioredis connection shared by the callers (commands written
//     as issued, replies read in order), as bench/server.mjs does; with
//     appendfsync always Redis fsyncs once per event-loop iteration before
//     it replies.
// Each setting runs BENCH_ROUNDS (default 3) rounds, emberkv and Redis
// alternating, after a 0.5 s warm-up of each; the table gives the median
// over rounds of ops/s and of the p50 / p99 latency of a SET (issue to
// reply, as a caller sees it), and the median of the per-round ops/s
// ratios. Client and servers share this 2-core machine (and the disk's
// fsync latency decides `always`), so absolute numbers are low and noisy;
// compare the columns. BENCH_SETTINGS (e.g. "everysec,always") runs some
// settings only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../test/support/grpc-server.mjs';
import { startRedisServer, hasRedisServer } from '../test/support/redis-server.mjs';
import { driveCallers, keyOf, median, printTable, valueOf } from './support.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const CALLERS = Number(process.env.BENCH_CALLERS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = 0.5;

const SETTINGS = [
  { name: 'none', label: 'no persistence', args: ['--appendonly', 'no'] },
  { name: 'no', label: 'appendonly, appendfsync no', args: ['--appendonly', 'yes', '--appendfsync', 'no'] },
  { name: 'everysec', label: 'appendonly, appendfsync everysec', args: ['--appendonly', 'yes', '--appendfsync', 'everysec'] },
  { name: 'always', label: 'appendonly, appendfsync always', args: ['--appendonly', 'yes', '--appendfsync', 'always'] },
];
const only = process.env.BENCH_SETTINGS?.split(',').map((s) => s.trim());
const chosen = only ? SETTINGS.filter((s) => only.includes(s.name)) : SETTINGS;

/** CALLERS loops of `set(key, value)` for `seconds` (the same keys for both servers). */
function drive(set, seconds) {
  return driveCallers(CALLERS, seconds, (random) => {
    const i = Math.floor(random() * KEYS);
    return set(keyOf(i), valueOf(i));
  });
}

/** emberkv-server with `args` in a fresh dir: { set, info, close }. */
async function startEmberkv(args) {
  const dir = mkdtempSync(path.join(tmpdir(), 'emberkv-bench-aof-'));
  const server = await startGrpcServer(['--dir', dir, ...args]);
  const client = new Client({ address: server.address });
  return {
    set: (key, value) => client.set(key, value),
    info: () => client.call('INFO', 'persistence'),
    async close() {
      await client.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** redis-server with `args` (its own fresh dir, no save rules): { set, info, close }. */
async function startRedis(args) {
  const server = await startRedisServer({ extraArgs: args });
  const redis = new Redis({ port: server.port, host: '127.0.0.1' });
  return {
    set: (key, value) => redis.set(key, value),
    info: () => redis.info('persistence'),
    async close() {
      redis.disconnect();
      await server.stop();
    },
  };
}

const infoField = (text, name) => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim();

if (!hasRedisServer()) console.log('\n*** redis-server is not on PATH: its column is not measured ***');
const rows = [];
for (const setting of chosen) {
  const targets = [['emberkv', await startEmberkv(setting.args)]];
  if (hasRedisServer()) targets.push(['redis', await startRedis(setting.args)]);
  // Both really run with the setting asked for.
  for (const [name, target] of targets) {
    const info = await target.info();
    const enabled = setting.name === 'none' ? '0' : '1';
    if (infoField(info, 'aof_enabled') !== enabled) throw new Error(`${name}: aof_enabled is not ${enabled}:\n${info}`);
  }
  const results = new Map(targets.map(([name]) => [name, []]));
  for (const [, target] of targets) await drive(target.set, WARMUP_SECONDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, target] of targets) {
      const r = await drive(target.set, SECONDS);
      results.get(name).push(r);
      console.log(
        `${setting.label}, round ${round + 1}, ${name}: ${Math.round(r.opsPerSec)} ops/s, ` +
          `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`,
      );
    }
  }
  for (const [name, target] of targets) {
    const info = await target.info();
    if (setting.name !== 'none' && infoField(info, 'aof_last_write_status') !== 'ok') {
      throw new Error(`${name}: the log's writes failed:\n${info}`);
    }
    await target.close();
  }
  const ember = results.get('emberkv');
  const redis = results.get('redis');
  const med = (rs, key) => (rs ? median(rs.map((r) => r[key])) : undefined);
  const ratios = redis ? ember.map((r, i) => r.opsPerSec / redis[i].opsPerSec) : undefined;
  rows.push({ setting, ember, redis, med, ratios });
}

const fixed = (value, digits) => (value === undefined ? 'n/a' : value.toFixed(digits));
console.log(
  `\nSET of random keys among ${KEYS} (16-byte keys, 32-byte values), ${CALLERS} concurrent callers, ` +
    `${SECONDS} s per round; medians of ${ROUNDS} rounds\n`,
);
printTable(
  ['setting', 'emberkv ops/s', 'redis ops/s', 'emberkv/redis', 'emberkv p50 ms', 'redis p50 ms', 'emberkv p99 ms', 'redis p99 ms'],
  rows.map(({ setting, ember, redis, med, ratios }) => [
    setting.label,
    String(Math.round(med(ember, 'opsPerSec'))),
    redis ? String(Math.round(med(redis, 'opsPerSec'))) : 'n/a',
    ratios ? `${median(ratios).toFixed(2)}x` : 'n/a',
    fixed(med(ember, 'p50Ms'), 2),
    fixed(med(redis, 'p50Ms'), 2),
    fixed(med(ember, 'p99Ms'), 2),
    fixed(med(redis, 'p99Ms'), 2),
  ]),
);
console.log(
  '\nemberkv: one official Client (auto-pipelined) -> emberkv-server; Redis: one ioredis connection -> redis-server. ' +
    'The ratio is the median of the per-round ratios (each round measures both, seconds apart).',
);
