// The append-only log through crashes of the real server process: a mixed
// write load from concurrent Client callers over every type (see
// test/support/write-model.mjs), the server SIGKILLed at a random moment,
// restarted on the same dir, and every caller's keys checked against what
// it was acknowledged:
//   - appendfsync always: every acknowledged write is there, the one in
//     flight at the kill is there or not, never in part (an MSET, a
//     transaction, an LMOVE);
//   - appendfsync everysec: what is there is a consistent prefix of what
//     was written (per caller, and across callers: a write that is there
//     implies every write acknowledged before it was issued), missing at
//     most the writes of about the last second (asserted for those
//     acknowledged more than 1.5 s before the kill);
//   - BGREWRITEAOF and BGSAVE under a write load: no error, nothing written
//     meanwhile lost, and the log directory holds only the manifest's files.
// Each round starts where the last crash left the data, so a restart also
// replays logs that end in a cut record, and the keys of earlier rounds
// must come back unchanged every time. The seed (printed; set
// AOF_CRASH_SEED to choose it) drives the commands and the kill moments.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'emberkv/client';
import { startGrpcServer as startServerProcess } from '../support/grpc-server.mjs';
import { rng } from '../support/random.mjs';
import { Caller, describeDifference, readState } from '../support/write-model.mjs';

const SEED = Number(process.env.AOF_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CALLERS = 6;
const CLIENTS = 2;  // callers share Clients: their commands are auto-pipelined together
const PRELOAD_KEYS = 20_000;
/** everysec: writes acknowledged longer ago than this before the kill must be there. */
const EVERYSEC_BOUND_MS = 1500;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every server process and Client a test starts, so that a failing test
// kills and closes what it left behind instead of hanging the run.
const servers = new Set();
const clients = new Set();
async function startGrpcServer(args) {
  const server = await startServerProcess(args);
  servers.add(server);
  server.process.once('exit', () => servers.delete(server));
  return server;
}
function connect(server) {
  const client = new Client({ address: server.address });
  clients.add(client);
  return client;
}
async function cleanUp() {
  for (const server of servers) server.process.kill('SIGKILL');
  await Promise.all([...servers].map((server) => server.stop()));
  await Promise.all([...clients].map((client) => Promise.race([client.close().catch(() => {}), sleep(2000)])));
  clients.clear();
}
const field = (info, name) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();

/** Runs `body`; a failure names the seed that reproduces its choices. */
async function seeded(t, seed, body) {
  t.diagnostic(`seed ${seed} (AOF_CRASH_SEED=${SEED})`);
  try {
    await body(rng(seed));
  } catch (err) {
    err.message = `[AOF_CRASH_SEED=${SEED}, test seed ${seed}] ${err.message}`;
    throw err;
  }
}

/** Keys 0..PRELOAD_KEYS-1, so that a rewrite or a save has some work to do. */
async function preload(client) {
  for (let i = 0; i < PRELOAD_KEYS; i += 500) {
    const args = [];
    for (let j = i; j < i + 500; j++) args.push(`pre:${j}`, `value-${j}`);
    await client.call('MSET', ...args);
  }
}

async function checkPreload(client) {
  const sample = [0, 1, PRELOAD_KEYS >> 1, PRELOAD_KEYS - 1];
  assert.deepEqual(await client.call('MGET', ...sample.map((j) => `pre:${j}`)), sample.map((j) => `value-${j}`));
}

/** Waits until INFO persistence shows every field at its value. */
async function waitInfo(client, fields, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const info = await client.call('INFO', 'persistence');
    if (Object.entries(fields).every(([name, value]) => field(info, name) === value)) return info;
    if (performance.now() > deadline) throw new Error(`INFO persistence never reached ${JSON.stringify(fields)}:\n${info}`);
    await sleep(10);
  }
}

/** The startup line of a restart on an existing log: keys, records and ms, checked. */
function checkLoadedLog(server, { keys, minRecords, maxRecords }) {
  const loaded = server.logs.find((l) => l.msg === 'append-only file loaded');
  assert.ok(loaded, `no 'append-only file loaded' line: ${JSON.stringify(server.logs.map((l) => l.msg))}`);
  assert.equal(loaded.keys, keys, 'the logged key count is what the server holds');
  assert.ok(Number.isInteger(loaded.records), `records: ${loaded.records}`);
  assert.ok(loaded.records >= minRecords && loaded.records <= maxRecords,
    `records ${loaded.records} not in [${minRecords}, ${maxRecords}]`);
  assert.ok(Number.isFinite(loaded.ms) && loaded.ms >= 0, `ms: ${loaded.ms}`);
  assert.ok(Number.isInteger(loaded.bytes) && loaded.bytes > 0, `bytes: ${loaded.bytes}`);
  return loaded;
}

/** Commands that changed the canonical state among the first `n` (each is at least one record). */
function changingCommands(caller, n) {
  const states = caller.allStates();
  let changed = 0;
  for (let k = 1; k <= n; k++) if (states[k] !== states[k - 1]) changed++;
  return changed;
}

/** One caller's history, for a failure message. */
function history(caller, killAt) {
  const start = Math.max(0, caller.acked - 3);
  return caller.ops
    .slice(start)
    .map((op, i) => `    #${start + i + 1} ${op.label}` +
      (op.ackedAt === undefined
        ? ' (in flight at the kill)'
        : op.ackedAt <= killAt
          ? ` (acked ${(killAt - op.ackedAt).toFixed(0)} ms before the kill)`
          : ` (acked ${(op.ackedAt - killAt).toFixed(0)} ms after the kill was sent)`))
    .join('\n');
}

/**
 * A running load: CALLERS callers over CLIENTS Clients to `server`, until
 * stop() (graceful: each finishes its command) or kill() (SIGKILL: the
 * commands in flight fail).
 */
function startLoad(server, prefix, random) {
  const clients = Array.from({ length: CLIENTS }, () => connect(server));
  const callers = Array.from({ length: CALLERS }, (_, i) => new Caller(`${prefix}c${i}:`, Math.floor(random() * 2 ** 31)));
  let stopping = false;
  let killed = false;
  const runs = callers.map((caller, i) =>
    caller.run(clients[i % CLIENTS], { stop: () => stopping, dead: () => killed }),
  );
  const finish = async () => {
    await Promise.all(runs);
    await Promise.all(clients.map((c) => c.close()));
    for (const caller of callers) assert.deepEqual(caller.errors, [], `errors of ${caller.prefix}`);
  };
  return {
    callers,
    async stop() {
      stopping = true;
      await finish();
    },
    /** After a failed assertion: the callers stop, nothing is checked. */
    abandon() {
      stopping = true;
      killed = true;
      for (const c of clients) c.close().catch(() => {});
    },
    /** SIGKILLs the server: the time of the kill (performance.now()). */
    async kill() {
      stopping = true;
      killed = true;
      const at = performance.now();
      server.process.kill('SIGKILL');
      assert.equal(await server.stop(), 'SIGKILL');
      await finish();
      return at;
    },
  };
}

/**
 * The keys of earlier rounds, as recovered then: each restart must bring
 * them back unchanged (and nothing else may appear: DBSIZE).
 */
class Recovered {
  #rounds = [];  // { keys, state }
  preloaded = 0;

  add(keys, state) {
    this.#rounds.push({ keys, state });
  }

  get keyCount() {
    return this.preloaded + this.#rounds.reduce((sum, r) => sum + JSON.parse(r.state).length, 0);
  }

  async check(client) {
    for (const { keys, state } of this.#rounds) {
      const actual = await readState(client, keys);
      assert.ok(actual === state, `keys recovered by an earlier restart changed:\n${describeDifference(actual, state)}`);
    }
  }
}

/** The restarted server's copy of each caller's keys, canonical. */
async function readCallers(client, callers) {
  return Promise.all(callers.map((caller) => readState(client, caller.keys)));
}

describe('append-only log: crashes', { timeout: 110_000 }, () => {
  let dir;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'emberkv-aof-crash-'));
  });
  afterEach(cleanUp);
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('appendfsync always: after SIGKILL every acknowledged write is there, the one in flight whole or not at all', async (t) => {
    await seeded(t, SEED, async (random) => {
      const data = path.join(dir, 'always');
      mkdirSync(data);
      const args = ['--dir', data, '--appendonly', 'yes', '--appendfsync', 'always'];
      let server = await startGrpcServer(args);
      const recovered = new Recovered();
      let admin = connect(server);
      await preload(admin);
      recovered.preloaded = PRELOAD_KEYS;
      let totalOps = PRELOAD_KEYS / 500;
      const ROUNDS = 4;
      for (let round = 0; round < ROUNDS; round++) {
        const load = startLoad(server, `always:r${round}:`, random);
        // In round 1 the kill lands during (or just after) a BGREWRITEAOF:
        // the log switched files and a child writes the new base.
        let rewriteNote = '';
        if (round === 1) {
          await sleep(300 + random() * 500);
          assert.equal(await admin.call('BGREWRITEAOF'), 'Background append only file rewriting started');
          await sleep(random() * 30);
          rewriteNote = ` (during a rewrite: ${field(await admin.call('INFO', 'persistence'), 'aof_rewrite_in_progress')})`;
        } else {
          await sleep(500 + random() * 1000);
        }
        await admin.close();
        const killAt = await load.kill();

        server = await startGrpcServer(args);
        admin = connect(server);
        const dbsize = await admin.call('DBSIZE');
        let acked = 0;
        let changed = 0;
        for (const caller of load.callers) {
          acked += caller.acked;
          changed += changingCommands(caller, caller.acked);
          totalOps += caller.ops.length;
        }
        assert.ok(acked > 0, 'the load acknowledged writes before the kill');
        const actual = await readCallers(admin, load.callers);
        load.callers.forEach((caller, i) => {
          const n = caller.acked;
          const inFlight = caller.ops.length > n;
          const ok = actual[i] === caller.stateAfter(n) || (inFlight && actual[i] === caller.stateAfter(n + 1));
          assert.ok(ok,
            `round ${round}${rewriteNote}, ${caller.prefix}: ${n} commands acknowledged, ` +
              `${inFlight ? 'one' : 'none'} in flight; the keys hold neither outcome. Against the acknowledged state:\n` +
              `${describeDifference(actual[i], caller.stateAfter(n))}\nlast commands:\n${history(caller, killAt)}`);
        });
        await recovered.check(admin);
        await checkPreload(admin);
        load.callers.forEach((caller, i) => recovered.add(caller.keys, actual[i]));
        assert.equal(dbsize, recovered.keyCount, 'no key appeared or vanished');
        // Without a rewrite between (round 1 makes one), records cover at
        // least this round's changes and at most every command ever issued.
        checkLoadedLog(server, { keys: dbsize, minRecords: round === 1 ? 0 : changed, maxRecords: totalOps });
        t.diagnostic(`round ${round}${rewriteNote}: ${acked} writes acknowledged, killed after ${
          (killAt - Math.min(...load.callers.map((c) => c.ops[0]?.issuedAt ?? killAt))).toFixed(0)} ms`);
      }
      // A kill keeps what was written even without an fsync (the page
      // cache survives), so check the order directly: with nothing else
      // running, a write's reply comes only once the log holds it as
      // durable (INFO, run right after, sees nothing not yet fsync'd).
      for (let i = 0; i < 50; i++) {
        await admin.call('SET', 'always:fsync-order', String(i));
        const info = await admin.call('INFO', 'persistence');
        assert.equal(field(info, 'aof_durable_records'), field(info, 'aof_appended_records'),
          `a write was answered before it was durable:\n${info}`);
      }
      await admin.close();
      assert.equal(await server.stop('SIGTERM'), 0);
    });
  });

  test('appendfsync everysec: after SIGKILL the data is a consistent prefix, missing at most about a second', async (t) => {
    await seeded(t, SEED + 1, async (random) => {
      const data = path.join(dir, 'everysec');
      mkdirSync(data);
      const args = ['--dir', data, '--appendonly', 'yes', '--appendfsync', 'everysec'];
      let server = await startGrpcServer(args);
      const recovered = new Recovered();
      const ROUNDS = 3;
      for (let round = 0; round < ROUNDS; round++) {
        const load = startLoad(server, `everysec:r${round}:`, random);
        // Long enough that some writes were acknowledged more than
        // EVERYSEC_BOUND_MS before the kill.
        await sleep(EVERYSEC_BOUND_MS + 300 + random() * 700);
        const killAt = await load.kill();

        server = await startGrpcServer(args);
        const admin = connect(server);
        const dbsize = await admin.call('DBSIZE');
        const actual = await readCallers(admin, load.callers);
        // Per caller: the numbers of commands k whose state the keys hold.
        const candidates = load.callers.map((caller, i) => {
          const states = caller.allStates();
          const ks = [];
          states.forEach((state, k) => state === actual[i] && ks.push(k));
          return ks;
        });
        let bounded = 0;
        let missing = 0;
        let oldestMissing = -Infinity;  // ms before the kill the oldest missing write was acknowledged
        const chosen = load.callers.map((caller, i) => {
          const oldEnough = caller.ops.filter((op) => op.ackedAt !== undefined && op.ackedAt < killAt - EVERYSEC_BOUND_MS).length;
          bounded += oldEnough;
          const fits = candidates[i].filter((k) => k >= oldEnough);
          assert.ok(fits.length > 0,
            `round ${round}, ${caller.prefix}: the keys hold no prefix of its commands that includes the ${oldEnough} ` +
              `acknowledged more than ${EVERYSEC_BOUND_MS} ms before the kill (prefixes matching: ${
                JSON.stringify(candidates[i].slice(0, 10))}; ${caller.acked} acknowledged). Against the acknowledged state:\n` +
              `${describeDifference(actual[i], caller.stateAfter(caller.acked))}\nlast commands:\n${history(caller, killAt)}`);
          if (fits.at(-1) < caller.acked) {
            missing += caller.acked - fits.at(-1);
            oldestMissing = Math.max(oldestMissing, killAt - caller.ops[fits.at(-1)].ackedAt);
          }
          return fits[0];
        });
        // Across callers: if caller i's k-th command is there, every command
        // acknowledged before it was issued is there too (the log is one
        // sequence, and a crash keeps a prefix of it). Find the least
        // assignment of prefixes that satisfies this, if any.
        const ackedBefore = (caller, time) => caller.ops.filter((op) => op.ackedAt !== undefined && op.ackedAt < time).length;
        for (let changed = true; changed; ) {
          changed = false;
          load.callers.forEach((caller, i) => {
            if (chosen[i] === 0) return;
            const issued = caller.ops[chosen[i] - 1].issuedAt;
            load.callers.forEach((other, j) => {
              const need = ackedBefore(other, issued);
              if (chosen[j] >= need) return;
              const next = candidates[j].find((k) => k >= need);
              assert.ok(next !== undefined,
                `round ${round}: not a prefix of the log: ${caller.prefix} kept its command #${chosen[i]} ` +
                  `(${caller.ops[chosen[i] - 1].label}), but ${other.prefix} lost commands acknowledged before that ` +
                  `one was issued: it holds at most ${candidates[j].at(-1)} of its commands, ${need} were acknowledged`);
              chosen[j] = next;
              changed = true;
            });
          });
        }
        await recovered.check(admin);
        load.callers.forEach((caller, i) => recovered.add(caller.keys, actual[i]));
        assert.equal(dbsize, recovered.keyCount, 'no key appeared or vanished');
        checkLoadedLog(server, { keys: dbsize, minRecords: 0, maxRecords: Infinity });
        assert.ok(bounded > 0, 'some writes were acknowledged early enough for the bound to mean something');
        t.diagnostic(`round ${round}: ${load.callers.reduce((s, c) => s + c.acked, 0)} writes acknowledged, ` +
          `${bounded} of them more than ${EVERYSEC_BOUND_MS} ms before the kill; ${missing} acknowledged writes missing` +
          (missing ? ` (the oldest acknowledged ${oldestMissing.toFixed(1)} ms before the kill was sent)` : ''));
        if (round === ROUNDS - 1) {
          // The upkeep timer fsyncs about once a second: what is written
          // becomes durable within that, with no write after it.
          await Promise.all(Array.from({ length: 100 }, (_, i) => admin.call('SET', 'everysec:tail', String(i))));
          const written = performance.now();
          let info;
          let waited;
          for (;;) {
            info = await admin.call('INFO', 'persistence');
            waited = performance.now() - written;
            if (field(info, 'aof_durable_records') === field(info, 'aof_appended_records') || waited > 3000) break;
            await sleep(20);
          }
          assert.equal(field(info, 'aof_durable_records'), field(info, 'aof_appended_records'),
            `not durable ${waited.toFixed(0)} ms after the last write:\n${info}`);
          assert.ok(waited < 2500, `durable only after ${waited.toFixed(0)} ms`);
          t.diagnostic(`the last write was durable ${waited.toFixed(0)} ms after its reply`);
        }
        await admin.close();
      }
      assert.equal(await server.stop('SIGTERM'), 0);
    });
  });

  test('a write load goes on without an error through BGREWRITEAOF and BGSAVE, and loses nothing', async (t) => {
    await seeded(t, SEED + 2, async (random) => {
      const data = path.join(dir, 'rewrite');
      mkdirSync(data);
      const args = ['--dir', data, '--appendonly', 'yes', '--appendfsync', 'always'];
      let server = await startGrpcServer(args);
      const admin = connect(server);
      await preload(admin);
      const load = startLoad(server, 'rw:', random);
      // A failed assertion must not leave the load and the server running
      // (the test file would never end).
      let finished = false;
      t.after(async () => {
        if (finished) return;
        load.abandon();
        admin.close().catch(() => {});
        await server.stop('SIGKILL');
      });
      const windows = [];  // [start, end] of each background job
      const background = async (command, started, progressField) => {
        const start = performance.now();
        assert.equal(await admin.call(command), started);
        const info = await waitInfo(admin, { [progressField]: '0', aof_rewrite_scheduled: '0' });
        windows.push([start, performance.now()]);
        return info;
      };
      let rewrites = 0;
      for (let i = 0; i < 3; i++) {
        await sleep(100 + random() * 200);
        let info = await background('BGREWRITEAOF', 'Background append only file rewriting started', 'aof_rewrite_in_progress');
        rewrites++;
        assert.equal(field(info, 'aof_last_bgrewrite_status'), 'ok');
        await sleep(100 + random() * 200);
        info = await background('BGSAVE', 'Background saving started', 'rdb_bgsave_in_progress');
        assert.equal(field(info, 'rdb_last_bgsave_status'), 'ok');
      }
      // A rewrite asked for while a BGSAVE runs is scheduled, then runs.
      assert.equal(await admin.call('BGSAVE'), 'Background saving started');
      assert.equal(await admin.call('BGREWRITEAOF'), 'Background append only file rewriting scheduled');
      const info = await waitInfo(admin, { rdb_bgsave_in_progress: '0', aof_rewrite_in_progress: '0', aof_rewrite_scheduled: '0' });
      rewrites++;
      assert.equal(field(info, 'aof_last_bgrewrite_status'), 'ok');
      assert.equal(field(info, 'rdb_last_bgsave_status'), 'ok');
      assert.equal(field(info, 'aof_last_write_status'), 'ok');
      assert.equal(Number(field(info, 'aof_rewrites')), rewrites);
      await sleep(100);
      await load.stop();  // asserts that no caller had an error

      let acked = 0;
      let during = 0;
      for (const caller of load.callers) {
        assert.equal(caller.ops.length, caller.acked, `${caller.prefix}: every command answered`);
        acked += caller.acked;
        during += caller.ops.filter((op) => windows.some(([s, e]) => op.issuedAt >= s && op.ackedAt <= e)).length;
      }
      assert.ok(during > 0, 'writes were acknowledged while the background jobs ran');
      t.diagnostic(`${acked} writes acknowledged, ${during} of them while a rewrite or a save ran`);

      // Only the files the manifest names are left (and the manifest).
      const logDir = path.join(data, 'appendonlydir');
      const manifest = readFileSync(path.join(logDir, 'appendonly.aof.manifest'), 'utf8');
      const named = [...manifest.matchAll(/^file (\S+) seq \d+ type [bi]$/gm)].map((m) => m[1]);
      assert.equal(named.length, manifest.trim().split('\n').length, `a line of the manifest not understood:\n${manifest}`);
      assert.match(named[0], /\.base\.emb$/, 'the manifest starts with a base');
      assert.deepEqual(readdirSync(logDir).sort(), [...named, 'appendonly.aof.manifest'].sort());
      assert.ok(existsSync(path.join(data, 'dump.emb')), 'BGSAVE wrote the snapshot');
      assert.deepEqual(readdirSync(data).filter((name) => name.startsWith('temp-')), [], 'no temporary file left');

      // SIGKILL (appendfsync always: nothing acknowledged may be missing), restart.
      await admin.close();
      server.process.kill('SIGKILL');
      assert.equal(await server.stop(), 'SIGKILL');
      server = await startGrpcServer(args);
      const after = connect(server);
      const dbsize = await after.call('DBSIZE');
      const actual = await readCallers(after, load.callers);
      let keys = PRELOAD_KEYS;
      load.callers.forEach((caller, i) => {
        const expected = caller.stateAfter(caller.acked);
        keys += JSON.parse(expected).length;
        assert.ok(actual[i] === expected, `${caller.prefix}: acknowledged writes lost across the rewrites:\n${
          describeDifference(actual[i], expected)}`);
      });
      await checkPreload(after);
      assert.equal(dbsize, keys);
      checkLoadedLog(server, { keys: dbsize, minRecords: 0, maxRecords: acked });
      await after.close();
      assert.equal(await server.stop('SIGTERM'), 0);
      finished = true;
    });
  });
});
