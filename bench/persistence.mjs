// npm run bench:persistence — snapshots of BENCH_KEYS (default 1M) string
// keys (16-byte keys, 32-byte values), emberkv beside redis-server, in one
// run:
//   - SAVE: time to write the whole snapshot synchronously, and its size;
//   - load: emberkv: time to construct an Engine({ dir }) that loads the
//     file; Redis: DEBUG RELOAD (save + load) minus its SAVE time;
//   - BGSAVE: the time the BGSAVE command itself blocks (emberkv: the
//     fork(); Redis: latest_fork_usec), the whole background save's
//     duration, and for emberkv the longest event-loop stall while it
//     runs with a write load going on (SETs of random keys, 500 per
//     setImmediate turn, so every gap between turns is visible), plus the
//     extra memory the save costs: the child's Private_Dirty pages (those
//     copy-on-write has duplicated) sampled from /proc every 10 ms.
// And the append-only log (appendfsync everysec), BENCH_KEYS SETs:
//   - replay: emberkv: constructing Engine({ dir, appendonly: true }) on
//     the log of the SETs; Redis (without the RDB preamble, so that it
//     replays commands too): DEBUG LOADAOF;
//   - BGREWRITEAOF: the command's own time and the whole rewrite, for
//     emberkv with the longest stall under the same write load as BGSAVE;
//   - loading the rewritten log (a base and a short incr file).
// emberkv runs embedded in this process; redis-server (Debian package) on
// loopback, loaded through ioredis pipelines. Medians of BENCH_ROUNDS
// (default 3) where a cell is a time.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Engine } from 'emberkv';
import { startRedisServer, hasRedisServer } from '../test/support/redis-server.mjs';
import { keyOf, median, printTable, valueOf } from './support.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const now = () => process.hrtime.bigint();
const infoField = (text, name) => {
  const match = new RegExp(`^${name}:(-?[\\d.]+)`, 'm').exec(text);
  if (!match) throw new Error(`INFO has no ${name} field`);
  return Number(match[1]);
};

/** The pids of this process's children (the BGSAVE child among them). */
function childPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function privateDirtyKb(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Private_Dirty:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Runs `command` (BGSAVE, BGREWRITEAOF) on `engine` under a write load
 * until INFO persistence's `busyField` is 0: how long the command itself
 * blocked, the total, the longest event-loop stall, and the child's
 * copied pages. The load is 500 SETs of random keys per setImmediate
 * turn. A stall is the longest of: the command itself (the fork), a gap
 * between two turns (anything else the loop ran: timers, GC), and a turn's
 * own work (the SETs, the upkeep that reaps the child), without the time
 * spent sampling the child's pages from /proc, which is the benchmark's
 * doing (the kernel walks the child's page tables: milliseconds at 1M
 * keys), not the server's.
 */
async function underWriteLoad(engine, command, busyField) {
  const before = new Set(childPids());
  const start = now();
  engine.call(command);
  const commandMs = ms(start);
  const child = childPids().find((pid) => !before.has(pid));
  let stall = commandMs;
  let maxDirtyKb = 0;
  let lastSample = 0;
  let turnEnd = now();
  let written = 0;
  await new Promise((resolve) => {
    const step = () => {
      const turnStart = now();
      stall = Math.max(stall, Number(turnStart - turnEnd) / 1e6);
      let sampling = 0;
      for (let i = 0; i < 500; i++) engine.set(keyOf((written++ * 7919) % KEYS), valueOf(written));
      if (child && Date.now() - lastSample >= 10) {
        const sampleStart = now();
        maxDirtyKb = Math.max(maxDirtyKb, privateDirtyKb(child));
        sampling = ms(sampleStart);
        lastSample = Date.now();
      }
      engine.runUpkeep(0.5);  // what the background timer does: reaps the child
      const done = infoField(engine.info('persistence'), busyField) === 0;
      stall = Math.max(stall, ms(turnStart) - sampling);
      if (done) {
        resolve();
        return;
      }
      turnEnd = now();
      setImmediate(step);
    };
    setImmediate(step);
  });
  return { command: commandMs, total: ms(start), stall, dirtyMb: maxDirtyKb / 1024 };
}

/**
 * The append-only log (appendfsync everysec): replaying a log of KEYS
 * SETs, BGREWRITEAOF under a write load, and loading the rewritten log.
 */
async function measureEmberkvLog() {
  const dir = mkdtempSync(path.join(tmpdir(), 'emberkv-bench-aof-'));
  let engine = new Engine({ dir, appendonly: true });
  for (let i = 0; i < KEYS; i++) engine.set(keyOf(i), valueOf(i));
  engine.close();
  const logBytes = () => readdirSync(path.join(dir, 'appendonlydir')).reduce((n, f) => n + statSync(path.join(dir, 'appendonlydir', f)).size, 0);
  const bytes = logBytes();
  const replays = [];
  const rewrites = [];
  const rewriteCommands = [];
  const stalls = [];
  const rewrittenLoads = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = now();
    engine = new Engine({ dir, appendonly: true });
    if (engine.dbSize() !== KEYS) throw new Error(`replayed ${engine.dbSize()} keys, expected ${KEYS}`);
    // Round 0 replays the KEYS SETs; later rounds a rewritten log.
    (round === 0 ? replays : rewrittenLoads).push(ms(start));
    const run = await underWriteLoad(engine, 'BGREWRITEAOF', 'aof_rewrite_in_progress');
    rewriteCommands.push(run.command);
    rewrites.push(run.total);
    stalls.push(run.stall);
    if (engine.info('persistence').includes('aof_last_bgrewrite_status:err')) throw new Error('BGREWRITEAOF failed');
    engine.close();
  }
  const start = now();
  engine = new Engine({ dir, appendonly: true });
  rewrittenLoads.push(ms(start));
  engine.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    bytes,
    replay: median(replays),
    rewriteCommand: median(rewriteCommands),
    rewrite: median(rewrites),
    stall: median(stalls),
    rewrittenLoad: median(rewrittenLoads),
  };
}

async function measureEmberkv() {
  const dir = mkdtempSync(path.join(tmpdir(), 'emberkv-bench-persist-'));
  const engine = new Engine({ dir });
  for (let i = 0; i < KEYS; i++) engine.set(keyOf(i), valueOf(i));
  const saves = [];
  const loads = [];
  const forks = [];
  const bgsaves = [];
  const stalls = [];
  const dirty = [];
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let start = now();
    engine.call('SAVE');
    saves.push(ms(start));
    bytes = statSync(path.join(dir, 'dump.emb')).size;

    start = now();
    const loaded = new Engine({ dir, backgroundUpkeep: false });
    loads.push(ms(start));
    if (loaded.dbSize() !== KEYS) throw new Error(`loaded ${loaded.dbSize()} keys, expected ${KEYS}`);
    loaded.close();

    const run = await underWriteLoad(engine, 'BGSAVE', 'rdb_bgsave_in_progress');
    forks.push(run.command);
    bgsaves.push(run.total);
    stalls.push(run.stall);
    dirty.push(run.dirtyMb);
    if (engine.info('persistence').includes('rdb_last_bgsave_status:err')) throw new Error('BGSAVE failed');
  }
  engine.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    save: median(saves),
    load: median(loads),
    fork: median(forks),
    bgsave: median(bgsaves),
    stall: median(stalls),
    dirtyMb: median(dirty),
    bytes,
  };
}

/** SETs the KEYS keys into Redis, 1000 per pipeline. */
async function fillRedis(redis) {
  for (let i = 0; i < KEYS; i += 1000) {
    const pipeline = redis.pipeline();
    for (let j = i; j < Math.min(KEYS, i + 1000); j++) pipeline.set(keyOf(j), valueOf(j));
    await pipeline.exec();
  }
}

async function measureRedis() {
  const server = await startRedisServer({ extraArgs: ['--enable-debug-command', 'yes'] });
  const redis = new Redis({ port: server.port, lazyConnect: true });
  await redis.connect();
  await fillRedis(redis);
  const saves = [];
  const loads = [];
  const forks = [];
  const bgsaves = [];
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let start = now();
    await redis.save();
    const save = ms(start);
    saves.push(save);
    const dir = (await redis.config('GET', 'dir'))[1];
    bytes = statSync(path.join(dir, 'dump.rdb')).size;
    start = now();
    await redis.call('DEBUG', 'RELOAD');
    loads.push(Math.max(0, ms(start) - save));
    start = now();
    await redis.bgsave();
    while (infoField(await redis.info('persistence'), 'rdb_bgsave_in_progress') === 1) await new Promise((r) => setTimeout(r, 5));
    bgsaves.push(ms(start));
    forks.push(infoField(await redis.info('stats'), 'latest_fork_usec') / 1000);
  }
  redis.disconnect();
  await server.stop();
  return { save: median(saves), load: median(loads), fork: median(forks), bgsave: median(bgsaves), bytes };
}

/** Redis's AOF (everysec, no RDB preamble): DEBUG LOADAOF of KEYS SETs, BGREWRITEAOF. */
async function measureRedisLog() {
  const server = await startRedisServer({
    extraArgs: ['--enable-debug-command', 'yes', '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'],
  });
  const redis = new Redis({ port: server.port, lazyConnect: true });
  await redis.connect();
  await fillRedis(redis);
  const dir = path.join((await redis.config('GET', 'dir'))[1], (await redis.config('GET', 'appenddirname'))[1]);
  const bytes = readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  const replays = [];
  const rewrites = [];
  const rewrittenLoads = [];
  for (let round = 0; round < ROUNDS; round++) {
    let start = now();
    await redis.call('DEBUG', 'LOADAOF');
    (round === 0 ? replays : rewrittenLoads).push(ms(start));
    start = now();
    await redis.bgrewriteaof();
    while (infoField(await redis.info('persistence'), 'aof_rewrite_in_progress') === 1) await new Promise((r) => setTimeout(r, 5));
    rewrites.push(ms(start));
  }
  const start = now();
  await redis.call('DEBUG', 'LOADAOF');
  rewrittenLoads.push(ms(start));
  redis.disconnect();
  await server.stop();
  return { bytes, replay: median(replays), rewrite: median(rewrites), rewrittenLoad: median(rewrittenLoads) };
}

const ember = await measureEmberkv();
const emberLog = await measureEmberkvLog();
const redis = hasRedisServer() ? await measureRedis() : null;
const redisLog = hasRedisServer() ? await measureRedisLog() : null;
const cell = (value, digits = 1) => (value === undefined ? 'n/a' : value.toFixed(digits));

console.log(`\n${KEYS} string keys (16 B keys, 32 B values); times in ms, medians of ${ROUNDS} rounds\n`);
printTable(
  ['', 'emberkv', 'redis-server'],
  [
    ['SAVE (ms)', cell(ember.save), cell(redis?.save)],
    ['file size (MB)', cell(ember.bytes / 1e6), cell(redis && redis.bytes / 1e6)],
    ['load (ms)', cell(ember.load), cell(redis?.load)],
    ['BGSAVE command: fork (ms)', cell(ember.fork, 2), cell(redis?.fork, 2)],
    ['BGSAVE until done (ms)', cell(ember.bgsave), cell(redis?.bgsave)],
    ['longest event-loop stall during BGSAVE, writes going on (ms)', cell(ember.stall, 2), 'n/a'],
    ["extra memory: the child's copied pages (MB)", cell(ember.dirtyMb), 'n/a'],
  ],
);

console.log(`\nappend-only log (appendfsync everysec; Redis without the RDB preamble), ${KEYS} SETs; times in ms\n`);
printTable(
  ['', 'emberkv', 'redis-server'],
  [
    ['log size (MB)', cell(emberLog.bytes / 1e6), cell(redisLog && redisLog.bytes / 1e6)],
    ['replay the log of SETs (ms)', cell(emberLog.replay), cell(redisLog?.replay)],
    ['BGREWRITEAOF command (ms)', cell(emberLog.rewriteCommand, 2), 'n/a'],
    ['BGREWRITEAOF until done (ms)', cell(emberLog.rewrite), cell(redisLog?.rewrite)],
    ['longest event-loop stall during BGREWRITEAOF, writes going on (ms)', cell(emberLog.stall, 2), 'n/a'],
    ['load the rewritten log (ms)', cell(emberLog.rewrittenLoad), cell(redisLog?.rewrittenLoad)],
  ],
);
if (!redis) console.log('\n*** redis-server is not on PATH: its column is not measured ***');
