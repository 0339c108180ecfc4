// Bad input to a running emberkv-server (issue 7, item 5), started once
// for this file:
//
//  - random bytes, field soups and mutated valid messages to the Execute,
//    Exec and Pipeline RPCs through a raw grpc-js client whose
//    (de)serializers are the identity (src/wire.ts): every call gets a
//    reply that decodes, or a status with a message. An embedded Engine is
//    the oracle for which messages are malformed (decoding depends on the
//    bytes only): those must fail with INVALID_ARGUMENT and the same text,
//    the others must be answered (command errors with the status their
//    text maps to); the same bytes to the typed RPCs (protobufjs decodes
//    those): a reply, or a status with a message (INVALID_ARGUMENT for a
//    request that does not decode, never INTERNAL);
//  - registry commands with extreme numbers, counts / offsets near 2^63,
//    and JS values of every kind as arguments, through the official
//    Client (auto-pipelined): each resolves, or rejects with an EmberError,
//    or with a TypeError exactly when its own arguments cannot be encoded;
//  - at the end the process is still up (exitCode null, PING answers) and
//    a canary of every type written first is byte-for-byte intact.
//
// No blocking command is ever sent (a timeout of 0, which a swapped number
// or a flipped byte can make, would wait for ever). Fixed seeds plus one
// random seed (printed; replay with EMBERKV_SEED=n); EMBERKV_FUZZ_SCALE
// multiplies the runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { Engine } from 'emberkv';
import { Client, EmberError } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { formatCommand } from '../support/reply.mjs';
import {
  addon, canarySnapshot, checkWireOutcome, DB_OUT_OF_RANGE, fixedWireMessages, registryCommands, resolveArgs, runs, seededTests,
  targetedCommands, fuzzSetupCommands, wireMessage, withJsValues, refusedArguments, writeCanary,
} from '../support/fuzz.mjs';

const require = createRequire(import.meta.url);
const { emberkvService } = require('../../dist/wire.js');
const { serverHooksOf } = require('../../dist/engine.js');
const { statusForError } = require('../../dist/server/status.js');
const { TYPED_RPCS } = require('../../dist/server/typed.js');

const SUITE = 'fuzz-server';
const DEADLINE_MS = 20_000;
const RawClient = grpc.makeGenericClientConstructor(emberkvService, 'EmberKV');

let server;
let dir;
let client;
let raw;
let oracle;
let oracleHooks;
let canary;
const run = (args) => client.callBuffer(...args);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emberkv-fuzz-server-'));
  server = await startGrpcServer(['--dir', dir]);
  client = new Client({ address: server.address });
  raw = new RawClient(server.address, grpc.credentials.createInsecure());
  oracle = new Engine({ backgroundUpkeep: false });
  oracle.call('CONFIG', 'SET', 'dir', dir); // it runs the messages too: any SAVE writes there
  oracleHooks = serverHooksOf(oracle);
  canary = await writeCanary(run);
});

after(async () => {
  await client?.close();
  raw?.close();
  oracle?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Is this message refused as `hook` reads it (malformed, or its db past
 * the 16 databases)? The decoder's text if so, else null.
 */
function malformedText(hook, message) {
  try {
    oracleHooks[hook](message);
    return null;
  } catch (err) {
    return /^malformed /.test(err.message) || err.message === DB_OUT_OF_RANGE ? err.message : null;
  }
}

const deadline = () => ({ deadline: Date.now() + DEADLINE_MS });

/** A unary raw call: { reply } or { error } (a ServiceError). */
const unaryRaw = (method, message) =>
  new Promise((resolve) => raw[method](message, deadline(), (error, reply) => resolve(error ? { error } : { reply })));

/**
 * A malformed message must fail with INVALID_ARGUMENT and the decoder's
 * text; any other status is a command's error, with the code its text maps
 * to (src/server/status.ts), or an Exec's broken watch (ABORTED).
 */
function checkStatus(method, error, message, expectedText) {
  const where = `${method}: ${error.code} ${error.details} for ${message.toString('hex').slice(0, 200)}`;
  assert.ok(typeof error.details === 'string' && error.details.length > 0, `a status without a message: ${where}`);
  if (expectedText !== null) {
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT, where);
    assert.equal(error.details, expectedText, where);
  } else if (method === 'Exec' && error.code === grpc.status.ABORTED) {
    assert.match(error.details, /watch/i, where);
  } else {
    if (method === 'Exec') assert.match(error.details, /^EXECABORT /, where);
    assert.equal(error.code, statusForError(error.details), where);
  }
}

/** Sends one message as `method` (Execute / Exec) and checks the answer; returns a tally key. */
async function checkUnary(method, hook, message) {
  const expected = malformedText(hook, message);
  const { reply, error } = await unaryRaw(method, message);
  if (error) {
    checkStatus(method, error, message, expected);
    return expected ? 'malformed' : 'error';
  }
  assert.equal(expected, null, `a malformed message was answered: ${message.toString('hex').slice(0, 200)}`);
  if (method === 'Execute') addon.decodeReply(reply, true);
  else assert.ok(Array.isArray(addon.decodeReplyBatch(reply, true)));
  return 'reply';
}

/**
 * Sends `messages` on one Pipeline stream. Every batch before the first
 * malformed one is answered with as many replies as it has commands;
 * a malformed one ends the stream with INVALID_ARGUMENT and its text.
 */
async function checkPipeline(messages) {
  const expected = messages.map((m) => {
    const text = malformedText('execWireBatch', m);
    return text ?? addon.decodeReplyBatch(oracleHooks.execWireBatch(m), true).length;
  });
  const firstBad = expected.findIndex((e) => typeof e === 'string');
  const { data, status } = await new Promise((resolve) => {
    const call = raw.Pipeline(deadline());
    const data = [];
    call.on('data', (d) => data.push(d));
    call.on('error', () => {}); // the status below says it all
    call.on('status', (status) => setImmediate(() => resolve({ data, status })));
    for (const m of messages) call.write(m);
    call.end();
  });
  const where = `${status.code} ${status.details}; messages ${messages.map((m) => m.toString('hex').slice(0, 80)).join(' | ')}`;
  if (firstBad === -1) {
    assert.equal(status.code, grpc.status.OK, where);
    assert.equal(data.length, messages.length, where);
  } else {
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT, where);
    assert.equal(status.details, expected[firstBad], where);
    assert.ok(data.length <= firstBad, where);
  }
  data.forEach((d, i) => assert.equal(addon.decodeReplyBatch(d, true).length, expected[i], where));
  return firstBad === -1 ? 'reply' : 'malformed';
}

async function assertServerIntact() {
  assert.equal(server.process.exitCode, null, 'the server exited');
  assert.equal(server.process.signalCode, null, 'the server was killed');
  assert.equal(await client.call('PING'), 'PONG');
  assert.deepEqual(await canarySnapshot(run), canary, 'the canary keys changed');
}

describe('raw messages to the Execute, Exec and Pipeline RPCs', () => {
  const commands = registryCommands({ blocking: false });

  for (const [method, hook, kind] of [['Execute', 'execWire', 'command'], ['Exec', 'execTransaction', 'batch']]) {
    seededTests(SUITE, `${method}: a reply or a status with a message`, { timeout: 120_000 }, async (seed) => {
      const tally = {};
      await fc.assert(
        fc.asyncProperty(wireMessage(kind, commands), async (message) => {
          const outcome = await checkUnary(method, hook, message);
          tally[outcome] = (tally[outcome] ?? 0) + 1;
        }),
        { seed, numRuns: runs(250) },
      );
      assert.ok(tally.malformed > 0 && tally.reply > 0, JSON.stringify(tally));
      await assertServerIntact();
    });
  }

  seededTests(SUITE, 'Pipeline: replies for each batch up to a malformed one, then INVALID_ARGUMENT', { timeout: 120_000 },
    async (seed) => {
      const tally = {};
      await fc.assert(
        fc.asyncProperty(fc.array(wireMessage('batch', commands), { minLength: 1, maxLength: 4 }), async (messages) => {
          const outcome = await checkPipeline(messages);
          tally[outcome] = (tally[outcome] ?? 0) + 1;
        }),
        { seed, numRuns: runs(150) },
      );
      assert.ok(tally.malformed > 0 && tally.reply > 0, JSON.stringify(tally));
      await assertServerIntact();
    });

  // The typed RPCs decode their requests with protobufjs (not the native
  // codec): any bytes must still end in a reply or a status with a message.
  const TYPED = Object.keys(TYPED_RPCS);
  const identity = (b) => b;
  const typedCall = (name, message) => new Promise((resolve) => raw.makeUnaryRequest(
    `/emberkv.v1.EmberKV/${name}`, identity, identity, message, new grpc.Metadata(), deadline(),
    (error, reply) => resolve(error ? { error } : { reply }),
  ));
  seededTests(SUITE, 'typed RPCs (Get, Set, ZRange, ...): a reply or a status with a message', { timeout: 120_000 },
    async (seed) => {
      const codes = {};
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...TYPED), wireMessage('batch', commands), async (name, message) => {
          const { error } = await typedCall(name, message);
          if (!error) {
            codes.OK = (codes.OK ?? 0) + 1;
            return;
          }
          const where = `${name}: ${error.code} ${error.details} for ${message.toString('hex').slice(0, 200)}`;
          assert.ok(typeof error.details === 'string' && error.details.length > 0, `a status without a message: ${where}`);
          // A request that does not decode is the caller's fault: INVALID_ARGUMENT, not INTERNAL.
          const faults = [grpc.status.UNKNOWN, grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.INTERNAL];
          assert.ok(!faults.includes(error.code), where);
          codes[error.code] = (codes[error.code] ?? 0) + 1;
        }),
        { seed, numRuns: runs(200) },
      );
      if (process.env.EMBERKV_FUZZ_DEBUG) process.stderr.write(`typed RPC outcomes: ${JSON.stringify(codes)}\n`);
      assert.ok(codes.OK > 0, JSON.stringify(codes));
      await assertServerIntact();
    });

  test('fixed extreme messages (deep nesting, 50k commands, lengths near 2^64, 1 MiB name) to each RPC', { timeout: 120_000 },
    async () => {
      for (const message of fixedWireMessages()) {
        await checkUnary('Execute', 'execWire', message);
        await checkUnary('Exec', 'execTransaction', message);
        await checkPipeline([message]);
      }
      await assertServerIntact();
    });
});

describe('commands with bad arguments through the official Client', () => {
  /** Issues all commands in one tick (one pipelined batch); each resolves or rejects with an EmberError. */
  async function sendAll(cmds) {
    const settled = await Promise.allSettled(cmds.map((args) => client.callBuffer(...args)));
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') return;
      const err = s.reason;
      if (!(err instanceof EmberError) || !/^[A-Z]+ ./.test(err.message)) {
        assert.fail(`${formatCommand(cmds[i]).slice(0, 300)} rejected with ${err?.name}: ${err?.message}`);
      }
    });
  }

  seededTests(SUITE, 'registry commands with extreme numbers swapped in', { timeout: 120_000 }, async (seed) => {
    await fc.assert(
      fc.asyncProperty(fc.array(registryCommands({ blocking: false }), { minLength: 1, maxLength: 30 }), async (cmds) => {
        await sendAll(cmds.map((args) => resolveArgs(args, Date.now())));
      }),
      { seed, numRuns: runs(120) },
    );
    await assertServerIntact();
  });

  // Regression: one call's argument of a type no command takes used to
  // fail every command issued in the same tick (they share a batch) with
  // that call's TypeError, valid ones included, and none of them ran.
  test('an argument of the wrong JS type fails only its own call', async () => {
    const settled = await Promise.allSettled([
      client.call('SET', 'fz:typed', '1'), client.call('ECHO', {}), client.call('ECHO', 2n ** 70n), client.call('GET', 'fz:typed'),
    ]);
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    assert.equal(settled[0].value, 'OK');
    assert.equal(settled[3].value, '1');
    assert.ok(settled[1].reason instanceof TypeError);
    assert.match(settled[1].reason.message, /argument 1 must be a string, Buffer, Uint8Array, number or bigint \(got object\)/);
    assert.match(settled[2].reason.message, /argument 1 is a bigint outside the signed 64-bit range/);
  });

  seededTests(SUITE, 'JS values of every kind as arguments: a TypeError for exactly the calls that have a wrong one',
    { timeout: 120_000 }, async (seed) => {
      await fc.assert(
        fc.asyncProperty(fc.array(withJsValues(registryCommands({ blocking: false })), { minLength: 1, maxLength: 20 }),
          async (cmds) => {
            const resolved = cmds.map((args) => resolveArgs(args, Date.now()));
            const settled = await Promise.allSettled(resolved.map((args) => client.callBuffer(...args)));
            settled.forEach((s, i) => {
              const line = resolved[i].map((a) => (typeof a === 'symbol' ? 'Symbol' : String(a))).join(' ');
              if (refusedArguments(resolved[i])) {
                assert.equal(s.status, 'rejected', `${line} was sent`);
                assert.ok(s.reason instanceof TypeError && /^emberkv: argument \d+ /.test(s.reason.message),
                  `${line}: ${s.reason}`);
              } else if (s.status === 'rejected') {
                assert.ok(s.reason instanceof EmberError && /^[A-Z]+ ./.test(s.reason.message), `${line}: ${s.reason}`);
              }
            });
          }),
        { seed, numRuns: runs(120) },
      );
      await assertServerIntact();
    });

  seededTests(SUITE, 'counts, offsets, indexes and scores near 2^63', { timeout: 120_000 }, async (seed) => {
    await fc.assert(
      fc.asyncProperty(fc.array(targetedCommands({ blocking: false }), { minLength: 1, maxLength: 20 }), async (cmds) => {
        await sendAll(fuzzSetupCommands());
        await sendAll(cmds);
      }),
      { seed, numRuns: runs(120) },
    );
    await assertServerIntact();
  });
});
