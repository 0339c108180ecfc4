// npm run bench:memory — bytes per key for emberkv beside redis-server, on
// the same data, in one run:
//   - strings: BENCH_KEYS (default 1M) keys of 16 bytes with 32-byte values
//     (bench/support.mjs keyOf/valueOf, a distinct value per key);
//   - hashes: BENCH_KEYS small hashes (16-byte keys) of 5 fields, 6-byte
//     field names and 12-byte non-integer values (hashFieldsOf), which both
//     stores keep in their compact encoding (listpack).
//
// How measured. emberkv is loaded embedded in a fresh child process
// (bench/memory-child.mjs, the same child bench:embedded uses for strings),
// so the heap and the allocator start clean: it reports INFO memory
// used_memory growth per key (what emberkv's own accounting counts) and the
// process's RSS growth per key after a full GC (what the machine pays,
// allocator overhead and all). redis-server (a fresh one per data kind, on
// loopback, default settings, no persistence) is loaded through ioredis
// pipelines of 1000 commands; its INFO memory used_memory growth per key
// is the counterpart of emberkv's used_memory, and used_memory_rss growth
// of its RSS. One run per cell: these are counts, not timings, and barely
// move between runs (RSS moves a little with the allocator's page reuse).
//
// The ratio columns are emberkv / redis: used_memory over used_memory, and
// RSS growth over RSS growth.
//
// Env: BENCH_KEYS (default 1000000).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import { startRedisServer, hasRedisServer } from '../test/support/redis-server.mjs';
import { hashFieldsOf, hashKeyOf, keyOf, printTable, valueOf } from './support.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const PIPELINE = 1000;

const KINDS = {
  strings: {
    label: 'strings: 16 B key, 32 B value',
    command: (i) => ['SET', keyOf(i), valueOf(i)],
  },
  hashes: {
    label: 'hashes: 16 B key, 5 fields of 6 B, values of 12 B',
    command: (i) => ['HSET', hashKeyOf(i), ...hashFieldsOf(i)],
  },
};

/** emberkv in a fresh child process: { usedMemoryPerKey, rssPerKey, heapPerKey, encoding, ... }. */
function measureEmberkv(kind) {
  const child = path.join(import.meta.dirname, 'memory-child.mjs');
  const result = spawnSync(process.execPath, ['--expose-gc', child, 'emberkv', String(KEYS), kind], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`memory-child.mjs emberkv ${kind} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The integer after `name:` in an INFO reply. */
function infoField(text, name) {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(text);
  if (!match) throw new Error(`INFO has no ${name} field`);
  return Number(match[1]);
}

/** A fresh redis-server loaded with the data: { usedMemoryPerKey, rssPerKey, encoding }. */
async function measureRedis(kind) {
  const server = await startRedisServer();
  const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
  try {
    await client.connect();
    const before = await client.info('memory');
    let pipeline = client.pipeline();
    for (let i = 0; i < KEYS; i++) {
      pipeline.call(...KINDS[kind].command(i));
      if ((i + 1) % PIPELINE === 0 || i === KEYS - 1) {
        for (const [err] of await pipeline.exec()) if (err) throw err;
        pipeline = client.pipeline();
      }
    }
    const dbsize = await client.dbsize();
    if (dbsize !== KEYS) throw new Error(`redis holds ${dbsize} keys, expected ${KEYS}`);
    const after = await client.info('memory');
    const growth = (field) => (infoField(after, field) - infoField(before, field)) / KEYS;
    return {
      usedMemoryPerKey: growth('used_memory'),
      rssPerKey: growth('used_memory_rss'),
      encoding: await client.object('ENCODING', kind === 'hashes' ? hashKeyOf(0) : keyOf(0)),
    };
  } finally {
    client.disconnect();
    await server.stop();
  }
}

if (!hasRedisServer()) console.log('\n*** redis-server is not on PATH: the redis columns are not measured ***');
const rows = [];
for (const kind of Object.keys(KINDS)) {
  const ember = measureEmberkv(kind);
  const redis = hasRedisServer() ? await measureRedis(kind) : null;
  const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}x` : '-');
  rows.push([
    KINDS[kind].label,
    `${ember.usedMemoryPerKey.toFixed(1)} (${ember.encoding})`,
    ember.rssPerKey.toFixed(1),
    ember.heapPerKey.toFixed(1),
    redis ? `${redis.usedMemoryPerKey.toFixed(1)} (${redis.encoding})` : '-',
    redis ? redis.rssPerKey.toFixed(1) : '-',
    redis ? ratio(ember.usedMemoryPerKey, redis.usedMemoryPerKey) : '-',
    redis ? ratio(ember.rssPerKey, redis.rssPerKey) : '-',
  ]);
}

console.log(
  `\nBytes per key, ${KEYS} keys of each kind: emberkv embedded (fresh child process) and redis-server ` +
    '(fresh, loaded via ioredis), the same data; OBJECT ENCODING in parentheses\n',
);
printTable(
  [
    'data',
    'emberkv used_memory B/key',
    'emberkv RSS B/key',
    'emberkv V8 heap B/key',
    'redis used_memory B/key',
    'redis RSS B/key',
    'used_memory emberkv / redis',
    'RSS emberkv / redis',
  ],
  rows,
);
