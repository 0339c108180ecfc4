// Bad input at the native command entry points of an embedded Engine
// (issue 7, item 5): callBuffer, and the server path's raw protobuf hooks
// (execWire, execWireBatch, execTransaction; src/engine.ts serverHooksOf).
//
//  - random bytes, field soups and mutated valid messages as Command,
//    CommandBatch and Transaction messages: a reply that decodes, or an
//    Error saying "malformed ... at byte N", never a crash;
//  - registry commands with extreme numbers swapped in, counts / offsets /
//    indexes near 2^63 on the commands that take them, random names with
//    random argument mixes, and huge argument lists and values: a reply
//    or an EmberError;
//  - JS values of every kind as arguments (-0, NaN, bigints past 64 bits,
//    objects, ...): a TypeError naming the argument exactly when the
//    binding cannot take it, else as above;
//  - pathological glob patterns (hundreds of '*?' tokens, '[[[[', '\\')
//    in KEYS, SCAN / SSCAN / HSCAN / ZSCAN MATCH, PUBSUB CHANNELS, pattern
//    subscriptions and CONFIG GET, over long keys: exponential matching
//    would take hours, so a regression shows as this file's timeout;
//  - after every run, a canary of every type is byte-for-byte intact.
//
// Fixed seeds plus one random seed (printed; replay with EMBERKV_SEED=n);
// EMBERKV_FUZZ_SCALE=10 runs ten times as many inputs. Runs under the
// sanitizer build too (npm run test:asan).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Engine, EmberError, commands } from 'emberkv';
import { formatCommand } from '../support/reply.mjs';
import {
  FIXED_PATTERNS, LONG_TEXTS, WIPES, canarySnapshot, checkWireOutcome, extremeNumber, fixedWireMessages,
  fuzzSetupCommands, longPattern, registryCommands, resolveArgs, runs, seededTests, targetedCommands,
  wireMessage, withJsValues, refusedArguments, writeCanary,
} from '../support/fuzz.mjs';

const require = createRequire(import.meta.url);
const { serverHooksOf } = require('../../dist/engine.js');

const SUITE = 'fuzz-native';

let engine;
let hooks;
let canary;
let dir;
const run = (args) => engine.callBuffer(...args);

before(async () => {
  engine = new Engine({ backgroundUpkeep: false });
  hooks = serverHooksOf(engine);
  // SAVE / BGSAVE / BGREWRITEAOF may be drawn: keep their files out of the tree.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emberkv-fuzz-'));
  engine.call('CONFIG', 'SET', 'dir', dir);
  canary = await writeCanary(run);
});

after(() => {
  engine?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function assertCanary() {
  assert.deepEqual(await canarySnapshot(run), canary, 'the canary keys changed');
  assert.equal(engine.call('PING'), 'PONG');
}

/** One command: a reply, or an EmberError with a code; anything else fails with the command line. */
function callChecked(args) {
  try {
    engine.callBuffer(...args);
  } catch (err) {
    if (!(err instanceof EmberError) || !/^[A-Z]+ ./.test(err.message)) {
      assert.fail(`${formatCommand(args).slice(0, 300)} threw ${err?.name}: ${err?.message}`);
    }
  }
}

describe('protobuf messages of any bytes at the native hooks', () => {
  const KINDS = [
    ['command', 'execWire', 'command'],
    ['batch', 'execWireBatch', 'batch'],
    ['batch', 'execTransaction', 'transaction'],
  ];
  for (const [messageKind, hook, outcomeKind] of KINDS) {
    seededTests(SUITE, `${hook}: a reply or a "malformed" Error`, { timeout: 60_000 }, async (seed) => {
      const tally = {};
      fc.assert(
        fc.property(fc.array(wireMessage(messageKind), { minLength: 1, maxLength: 10 }), (messages) => {
          for (const message of messages) {
            const outcome = checkWireOutcome(outcomeKind, hooks[hook], message);
            tally[outcome] = (tally[outcome] ?? 0) + 1;
          }
        }),
        { seed, numRuns: runs(300) },
      );
      await assertCanary();
      // Both sides of the decoder were exercised, not just its first check.
      assert.ok(tally.malformed > 0 && (tally.reply ?? 0) + (tally.error ?? 0) > 0, JSON.stringify(tally));
    });
  }

  test('a malformed message is named by its type in the error', () => {
    const cut = Buffer.from([0x0a, 0x05]);  // field 1 says 5 bytes follow; none do
    assert.throws(() => hooks.execWire(cut), /^Error: malformed Command: /);
    assert.throws(() => hooks.execWireBatch(cut), /^Error: malformed CommandBatch: /);
    assert.throws(() => hooks.execTransaction(cut), /^Error: malformed Transaction: /);
  });

  test('fixed extreme messages (deep nesting, 50k commands, lengths near 2^64, 1 MiB name) to every hook', async () => {
    for (const message of fixedWireMessages()) {
      for (const [, hook, outcomeKind] of KINDS) checkWireOutcome(outcomeKind, hooks[hook], message);
    }
    await assertCanary();
  });
});

describe('commands with bad arguments through callBuffer', () => {
  seededTests(SUITE, 'registry commands with extreme numbers swapped in: a reply or an EmberError', { timeout: 60_000 },
    async (seed) => {
      fc.assert(
        fc.property(fc.array(registryCommands(), { minLength: 1, maxLength: 30 }), (cmds) => {
          for (const args of cmds) callChecked(resolveArgs(args, Date.now()));
        }),
        { seed, numRuns: runs(250) },
      );
      await assertCanary();
    });

  seededTests(SUITE, 'JS values of every kind as arguments: a reply, an EmberError, or a TypeError naming the argument',
    { timeout: 60_000 }, async (seed) => {
      fc.assert(
        fc.property(fc.array(withJsValues(registryCommands()), { minLength: 1, maxLength: 30 }), (cmds) => {
          for (const args of cmds.map((a) => resolveArgs(a, Date.now()))) {
            if (!refusedArguments(args)) {
              callChecked(args);
              continue;
            }
            assert.throws(() => engine.callBuffer(...args), (err) => err instanceof TypeError && /^emberkv: argument \d+ /.test(err.message));
          }
        }),
        { seed, numRuns: runs(200) },
      );
      await assertCanary();
    });

  seededTests(SUITE, 'counts, offsets, indexes and scores near 2^63: a reply or an EmberError', { timeout: 60_000 },
    async (seed) => {
      fc.assert(
        fc.property(fc.array(targetedCommands(), { minLength: 1, maxLength: 20 }), (cmds) => {
          for (const args of fuzzSetupCommands()) engine.callBuffer(...args);
          for (const args of cmds) callChecked(args);
        }),
        { seed, numRuns: runs(300) },
      );
      await assertCanary();
    });

  test('huge argument lists and values: a reply or an EmberError', { timeout: 60_000 }, async () => {
    const many = (count, f) => Array.from({ length: count }, (_, i) => f(i));
    const big = Buffer.alloc(8 << 20, 0x61);
    const cmds = [
      ['ECHO', big],
      ['SET', 'fz:big', big],
      ['APPEND', 'fz:big', big],
      ['GETRANGE', 'fz:big', '-9223372036854775808', '9223372036854775807'],
      ['SETRANGE', 'fz:big', '16777215', 'x'],
      ['KEYS', Buffer.alloc(1 << 20, 0x2a)],
      ['KEYS', `${'*?'.repeat(100_000)}x`],
      ['SADD', 'fz:many', ...many(30_000, String)],
      ['SRANDMEMBER', 'fz:many', '-30000'],
      // Many inputs, not many members each: 30k times a 30k-member set is
      // 9e8 member steps (a minute), in Redis too.
      ['SINTERCARD', '30000', 'fz:many', ...many(29_999, (i) => `fz:nokey${i}`)],
      ['ZUNIONSTORE', 'fz:dst', '30000', 'fz:many', ...many(29_999, (i) => `fz:nokey${i}`), 'WEIGHTS', ...many(30_000, () => 'inf')],
      ['ZINTERSTORE', 'fz:dst2', '30000', ...many(29_999, (i) => `fz:nokey${i}`), 'fz:many', 'AGGREGATE', 'MAX'],
      ['ZUNIONSTORE', 'fz:dst', '2147483648', 'fz:many'],
      ['SINTER', ...many(20_000, (i) => `fz:nokey${i}`)],
      ['MGET', ...many(30_000, (i) => `fz:nokey${i}`)],
      ['DEL', ...many(30_000, (i) => `fz:nokey${i}`)],
      ['RPUSH', 'fz:longlist', ...many(30_000, String)],
      ['LPOS', 'fz:longlist', 'nope', 'RANK', '-9223372036854775807', 'MAXLEN', '0'],
      ['LRANGE', 'fz:longlist', '-9223372036854775808', '-99999'],
      ['HSET', 'fz:bighash', ...many(20_000, (i) => [`f${i}`, big.subarray(0, 64)]).flat()],
      ['HRANDFIELD', 'fz:bighash', '-16777217', 'WITHVALUES'],
      ['HRANDFIELD', 'fz:bighash', '-4611686018427387904', 'WITHVALUES'],
      ['ZRANDMEMBER', 'fz:dst', '-4611686018427387904', 'WITHSCORES'],
      ['ZRANDMEMBER', 'fz:dst', '9223372036854775807', 'WITHSCORES'],
      ['PUBSUB', 'NUMSUB', ...many(30_000, String)],
      ['CONFIG', 'GET', ...many(10_000, () => '*')],
    ];
    for (const args of cmds) callChecked(args);
    engine.callBuffer('DEL', 'fz:big', 'fz:many', 'fz:dst', 'fz:dst2', 'fz:longlist', 'fz:bighash');
    await assertCanary();
  });

  // Every name of the native table (subcommands as two words) and junk
  // names, with arguments of every kind.
  const names = commands().flatMap((c) => [
    [c.name],
    ...c.subcommands.map((s) => (typeof s === 'string' ? s : s.name).split('|')),
  ]).filter(([name]) => !WIPES.has(name.toUpperCase()));
  const argument = fc.oneof(
    fc.constantFrom('a', 'b', 'fz:list', 'fz:set', 'fz:zset', 'fz:hash', 'fz:str', 'fz:empty'),
    extremeNumber,
    fc.constantFrom('EX', 'PX', 'NX', 'XX', 'GT', 'LT', 'KEEPTTL', 'GET', 'MATCH', 'COUNT', 'TYPE', 'LIMIT',
      'WITHSCORES', 'WITHVALUES', 'BYSCORE', 'BYLEX', 'REV', 'LEFT', 'RIGHT', 'MIN', 'MAX', 'WEIGHTS', 'AGGREGATE',
      'SAMPLES', 'RANK', 'MAXLEN', 'BEFORE', 'AFTER', 'REPLACE', 'DB', 'ASYNC', 'SYNC', 'INCR', 'CH', 'string'),
    fc.constantFrom('*?*?*?*?*?*?*?*?*?*?x', '[[[[', '\\', '[^', ''),
    fc.uint8Array({ maxLength: 32 }).map((u) => Buffer.from(u)),
    fc.string({ maxLength: 12 }),
  );
  const anyName = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u)))
      .map((n) => [n]) },
  );
  const anyCall = fc.tuple(anyName, fc.array(argument, { maxLength: 8 })).map(([name, args]) => [...name, ...args]);

  seededTests(SUITE, 'any command name with any argument mix: a reply or an EmberError', { timeout: 60_000 },
    async (seed) => {
      fc.assert(
        fc.property(fc.array(anyCall, { minLength: 1, maxLength: 30 }), (cmds) => {
          for (const args of fuzzSetupCommands()) engine.callBuffer(...args);
          for (const args of cmds) {
            if (WIPES.has(String(args[0]).toUpperCase())) continue; // a junk name can be 'flushdb'
            callChecked(args);
          }
        }),
        { seed, numRuns: runs(250) },
      );
      await assertCanary();
    });
});

describe('glob patterns cannot go exponential', () => {
  // Keys, members, fields and channels long enough that a backtracking
  // matcher would need astronomically many steps for these patterns.
  const SUBSCRIBER = 424242;
  before(() => {
    for (const text of LONG_TEXTS) engine.callBuffer('SET', `glob:${text}`, 'v');
    engine.callBuffer('SADD', 'glob:set', ...LONG_TEXTS);
    engine.callBuffer('HSET', 'glob:hash', ...LONG_TEXTS.flatMap((t) => [t, 'v']));
    engine.callBuffer('ZADD', 'glob:zset', ...LONG_TEXTS.flatMap((t, i) => [String(i), t]));
    hooks.pubsubSubscribe(SUBSCRIBER, LONG_TEXTS.map((t) => Buffer.from(t)), []);
  });
  after(() => {
    hooks.pubsubRemove(SUBSCRIBER);
    engine.callBuffer('DEL', 'glob:set', 'glob:hash', 'glob:zset', ...LONG_TEXTS.map((t) => `glob:${t}`));
  });

  /** Every command that matches a glob pattern, with this one. */
  function matchEverywhere(pattern) {
    const p = Buffer.isBuffer(pattern) ? pattern : Buffer.from(pattern);
    const globKey = Buffer.concat([Buffer.from('glob:'), p]);
    const replies = [
      engine.callBuffer('KEYS', globKey),
      engine.callBuffer('SCAN', '0', 'MATCH', globKey, 'COUNT', '1000'),
      engine.callBuffer('SSCAN', 'glob:set', '0', 'MATCH', p, 'COUNT', '1000'),
      engine.callBuffer('HSCAN', 'glob:hash', '0', 'MATCH', p, 'COUNT', '1000'),
      engine.callBuffer('ZSCAN', 'glob:zset', '0', 'MATCH', p, 'COUNT', '1000'),
      engine.callBuffer('PUBSUB', 'CHANNELS', p),
    ];
    for (const r of replies) assert.ok(Array.isArray(r));
    // A pattern subscription is matched against each published channel.
    hooks.pubsubSubscribe(SUBSCRIBER + 1, [], [p]);
    for (const text of LONG_TEXTS) engine.callBuffer('PUBLISH', text, 'm');
    hooks.pubsubRemove(SUBSCRIBER + 1);
    hooks.takePubsubDeliveries();
    callChecked(['CONFIG', 'GET', p]);
    return replies;
  }

  test('hand-picked patterns: hundreds of *? tokens, [[[[, \\, 1001 star groups', { timeout: 60_000 }, async () => {
    for (const pattern of FIXED_PATTERNS) matchEverywhere(pattern);
    // Spot checks that matching still means something.
    assert.equal(engine.callBuffer('KEYS', `glob:${'*?'.repeat(400)}a`).length, 0); // 400+ bytes then 'a'
    assert.equal(engine.callBuffer('KEYS', `glob:${'?*'.repeat(150)}`).length, LONG_TEXTS.length);
    assert.equal(engine.callBuffer('KEYS', `glob:${'*a'.repeat(1001)}b`).length, 0);
    await assertCanary();
  });

  seededTests(SUITE, 'random patterns of 100-300 tokens finish', { timeout: 60_000 }, async (seed) => {
    fc.assert(fc.property(longPattern, (pattern) => void matchEverywhere(pattern)), { seed, numRuns: runs(60) });
    await assertCanary();
  });
});
