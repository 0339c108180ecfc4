/**
 * Persistence round trips, property-based: a random command sequence of
 * every family (the shared registry, binary keys and values, TTLs on a
 * seconds scale, clock jumps so keys really expire, SPOP and the other
 * random picks, INCRBYFLOAT, transactions, FLUSHALL, errors of every kind)
 * runs on an Engine that keeps an append-only log (appendfsync always);
 * then SAVE. A second Engine loads the snapshot, a third replays the log,
 * both with the clock where the first one's stopped: all three must hold
 * the same data, bit for bit (every key's type, value, element order where
 * the type has one, and absolute expiry time).
 *
 *   EMBERKV_SEED=123 node --test test/property/persistence.test.mjs
 *   EMBERKV_PERSIST_RUNS=200 ...   # runs (default 40)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { Engine } from 'emberkv';
import { commandArbitrary, makeContext, resolveArgs } from '../support/commands.mjs';
import { formatCommand } from '../support/reply.mjs';

const FIXED_SEED = 20261122;
const randomSeed = process.env.EMBERKV_SEED !== undefined
  ? Number(process.env.EMBERKV_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const NUM_RUNS = Number(process.env.EMBERKV_PERSIST_RUNS ?? 40);
const START_MS = 1_700_000_000_000;

process.stderr.write(`persistence property: random seed ${randomSeed} (replay with EMBERKV_SEED=${randomSeed})\n`);

// Commands that write files or change settings are the test's own business.
const EXCLUDED = new Set(['CONFIG', 'SAVE', 'BGSAVE', 'BGREWRITEAOF', 'SHUTDOWN', 'DEBUG']);
const command = commandArbitrary(makeContext({ scale: 'short' }))
  .filter((cmd) => typeof cmd[0] !== 'string' || !EXCLUDED.has(cmd[0].toUpperCase()));

const step = fc.oneof(
  { weight: 20, arbitrary: command.map((cmd) => ({ cmd })) },
  { weight: 2, arbitrary: fc.array(command, { minLength: 1, maxLength: 5 }).map((tx) => ({ tx })) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 20_000 }).map((ms) => ({ advance: ms })) },
  { weight: 1, arbitrary: fc.constant({ upkeep: true }) },
);
const sequence = fc.array(step, { minLength: 1, maxLength: 120, size: 'max' });

const hex = (b) => (Buffer.isBuffer(b) ? b.toString('hex') : String(b));
/** A hash's fields with their values (a hashtable's order is its history's, not data). */
const pairs = (flat) => flat.flatMap((x, i) => (i % 2 ? [] : [`${x}=${flat[i + 1]}`]));

/** Everything observable about the data of db 0, read without changing it (at one clock). */
function image(engine) {
  const out = [];
  const keys = engine.callBuffer('KEYS', '*').sort(Buffer.compare);
  for (const key of keys) {
    const type = String(engine.callBuffer('TYPE', key));
    const expiry = engine.callBuffer('PEXPIRETIME', key);
    let value;
    switch (type) {
      case 'string': value = hex(engine.callBuffer('GET', key)); break;
      case 'list': value = engine.callBuffer('LRANGE', key, 0, -1).map(hex); break;
      case 'hash': value = pairs(engine.callBuffer('HGETALL', key).map(hex)).sort(); break;
      case 'set': value = engine.callBuffer('SMEMBERS', key).map(hex).sort(); break;
      case 'zset': value = engine.callBuffer('ZRANGE', key, 0, -1, 'WITHSCORES').map(hex); break;
      default: value = `(type ${type})`;
    }
    out.push([hex(key), type, String(expiry), value]);
  }
  return out;
}

function runSequence(steps) {
  const dir = mkdtempSync(path.join(tmpdir(), 'emberkv-prop-persist-'));
  let now = START_MS;
  const clock = () => now;
  const history = [];
  let engine = new Engine({ dir, appendonly: true, appendfsync: 'always', clock, backgroundUpkeep: false });
  try {
    const run = (fn) => {
      try {
        fn();
      } catch (err) {
        if (!(err instanceof Error) || err.constructor.name !== 'EmberError') throw err;
      }
    };
    for (const s of steps) {
      if (s.advance !== undefined) {
        now += s.advance;
        history.push(`(clock +${s.advance} ms)`);
      } else if (s.upkeep) {
        engine.runUpkeep(1);
        history.push('(upkeep)');
      } else if (s.tx) {
        const commands = s.tx.map((c) => resolveArgs(c, now));
        history.push(`EXEC [${commands.map(formatCommand).join('; ')}]`);
        run(() => engine.execBuffer(commands));
      } else {
        const args = resolveArgs(s.cmd, now);
        history.push(formatCommand(args));
        run(() => engine.callBuffer(...args));
      }
    }
    assert.equal(engine.call('SAVE'), 'OK');
    const original = image(engine);
    engine.close();
    engine = undefined;
    const fromSnapshot = new Engine({ dir, clock, backgroundUpkeep: false });
    const snapshotImage = image(fromSnapshot);
    fromSnapshot.close();
    const fromLog = new Engine({ dir, appendonly: true, clock, backgroundUpkeep: false });
    const logImage = image(fromLog);
    fromLog.close();
    const context = `\nhistory:\n  ${history.join('\n  ')}`;
    assert.deepEqual(snapshotImage, original, `snapshot -> load differs${context}`);
    assert.deepEqual(logImage, original, `log -> replay differs${context}`);
  } finally {
    engine?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [label, seed] of [['fixed seed', FIXED_SEED], ['random seed', randomSeed]]) {
  test(`snapshot and log round trips, ${label} ${seed}`, () => {
    fc.assert(fc.property(sequence, runSequence), { seed, numRuns: NUM_RUNS });
  });
}
