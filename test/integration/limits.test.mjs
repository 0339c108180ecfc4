// The server's resource limits through the real server process, set small:
// arguments per command and commands per batch (store parameters checked
// while decoding), pending replies per Pipeline stream, concurrent calls
// and connections. Each refusal's status and text; nothing of a refused
// message runs; the server keeps serving; counters come back down after
// calls end in every way (finish, cancel, error, deadline).
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { command, loadStubs, unary } from '../support/grpc-stubs.mjs';

const require = createRequire(import.meta.url);

const tooManyArgs = (n, limit) => `ERR Protocol error: too many arguments (${n} > max-command-args ${limit})`;
const tooManyCommands = (n, limit) => `ERR Protocol error: too many commands in one batch (${n} > max-batch-commands ${limit})`;

/** Rejects with `code` and exactly `details`. */
async function refused(promise, code, details) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `${grpc.status[err.code]}: ${err.details}`);
    assert.equal(err.details, details);
    return true;
  });
}

/** A raw Pipeline call (messages as bytes go through stubs; this one keeps the objects). */
function pipeline(stub) {
  const call = stub.Pipeline();
  const replies = [];
  const outcome = new Promise((resolve) => {
    call.on('data', (batch) => replies.push(batch));
    call.on('end', () => resolve({ replies }));
    call.on('error', (error) => resolve({ replies, error }));
  });
  return { call, outcome };
}

/**
 * An EmberKV stub on a connection of its own: grpc-js shares one connection
 * between stubs of the same address and options unless told otherwise.
 */
function isolatedStub(address) {
  const stubs = loadStubs(address);
  const Stub = Object.getPrototypeOf(stubs.emberkv).constructor;
  for (const stub of Object.values(stubs)) stub.close();
  return new Stub(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
}

/** Retries `attempt` until it stops failing with RESOURCE_EXHAUSTED (a slot frees once the server sees a close). */
async function untilAdmitted(attempt) {
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (err.code !== grpc.status.RESOURCE_EXHAUSTED) throw err;
      await sleep(20);
    }
  }
}

/** CONFIG GET max-* (a map reply) as an object. */
async function limitsOf(stub) {
  const reply = await unary(stub, 'Execute', command('CONFIG', 'GET', 'max-*'));
  return Object.fromEntries(reply.map.pairs.map(({ key, value }) => [key.bulk.toString(), value.bulk.toString()]));
}

describe('max-command-args and max-batch-commands', () => {
  let server;
  let stubs;

  before(async () => {
    server = await startGrpcServer(['--max-command-args', '5', '--max-batch-commands', '4']);
    stubs = loadStubs(server.address);
  });

  after(async () => {
    for (const stub of Object.values(stubs ?? {})) stub.close();
    await server?.stop();
  });

  const kv = (method, request) => unary(stubs.emberkv, method, request);
  const exists = async (key) => (await kv('Execute', command('EXISTS', key))).integer;

  test('CONFIG GET shows them; their defaults are 1048576 and 65536', async () => {
    assert.deepEqual(await limitsOf(stubs.emberkv), { 'max-command-args': '5', 'max-batch-commands': '4' });
    const defaults = await startGrpcServer();
    const stub = loadStubs(defaults.address).emberkv;
    try {
      assert.deepEqual(await limitsOf(stub), { 'max-command-args': '1048576', 'max-batch-commands': '65536' });
    } finally {
      stub.close();
      await defaults.stop();
    }
  });

  test('Execute: a command over max-command-args fails with INVALID_ARGUMENT and does not run', async () => {
    assert.equal((await kv('Execute', command('RPUSH', 'args:l', 'a', 'b', 'c'))).integer, '3');  // 5: at the limit
    await refused(kv('Execute', command('RPUSH', 'args:m', 'a', 'b', 'c', 'd')), grpc.status.INVALID_ARGUMENT, tooManyArgs(6, 5));
    assert.equal(await exists('args:m'), '0');
  });

  test('Pipeline: a batch over either limit ends the stream with INVALID_ARGUMENT; none of it runs', async () => {
    const tooLong = pipeline(stubs.emberkv);
    tooLong.call.write({ id: '1', commands: [command('INCR', 'batch:n')] });
    tooLong.call.write({ id: '2', commands: [1, 2, 3, 4, 5].map(() => command('INCR', 'batch:n')) });
    tooLong.call.write({ id: '3', commands: [command('INCR', 'batch:n')] });  // after the refused one: not run
    const first = await tooLong.outcome;
    assert.equal(first.error.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(first.error.details, tooManyCommands(5, 4));
    assert.deepEqual(first.replies.map((b) => b.id), ['1']);

    const tooWide = pipeline(stubs.emberkv);
    tooWide.call.write({ id: '4', commands: [command('INCR', 'batch:n'), command('SADD', 'batch:s', 'a', 'b', 'c', 'd', 'e')] });
    const second = await tooWide.outcome;
    assert.equal(second.error.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(second.error.details, tooManyArgs(7, 5));
    assert.equal((await kv('Execute', command('GET', 'batch:n'))).bulk.toString(), '1');  // only batch 1 ran
    assert.equal(await exists('batch:s'), '0');
  });

  test('Exec: a transaction over either limit fails with INVALID_ARGUMENT and runs nothing', async () => {
    const five = [1, 2, 3, 4, 5].map(() => command('INCR', 'tx:n'));
    await refused(kv('Exec', { commands: five }), grpc.status.INVALID_ARGUMENT, tooManyCommands(5, 4));
    await refused(kv('Exec', { commands: [command('INCR', 'tx:n'), command('DEL', 'a', 'b', 'c', 'd', 'e')] }),
      grpc.status.INVALID_ARGUMENT, tooManyArgs(6, 5));
    assert.equal(await exists('tx:n'), '0');
  });

  test('typed RPCs, Watch and Subscribe count as the command they stand for', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => Buffer.from(`typed:${k}`));
    await kv('Set', { key: keys[0], value: Buffer.from('v') });
    await refused(kv('Del', { keys }), grpc.status.INVALID_ARGUMENT, tooManyArgs(6, 5));
    assert.equal(await exists('typed:a'), '1');
    await refused(kv('Watch', { keys }), grpc.status.INVALID_ARGUMENT, tooManyArgs(6, 5));
    const subscription = stubs.emberkv.Subscribe({ channels: keys });
    subscription.on('data', () => assert.fail('a refused Subscribe confirms nothing'));
    await refused(new Promise((resolve, reject) => subscription.on('error', reject).on('end', resolve)),
      grpc.status.INVALID_ARGUMENT, tooManyArgs(6, 5));
    assert.deepEqual(await kv('Del', { keys: keys.slice(0, 4) }), { count: '1' });  // 5 arguments: fine
  });

  test('the Client fails the refused commands, not others, and reconnects', async () => {
    const client = new Client({ address: server.address });
    try {
      const tick = [1, 2, 3, 4, 5].map(() => client.call('INCR', 'client:n'));  // one message of 5
      for (const settled of await Promise.allSettled(tick)) {
        assert.equal(settled.status, 'rejected');
        assert.match(settled.reason.message, /too many commands in one batch \(5 > max-batch-commands 4\)/);
      }
      await assert.rejects(client.call('MSET', 'client:a', 1, 'client:b', 2, 'client:c', 3), /too many arguments \(7 > max-command-args 5\)/);
      await assert.rejects(client.exec([['INCR', 'client:n'], ['DEL', 'a', 'b', 'c', 'd', 'e']]), /too many arguments \(6 > max-command-args 5\)/);
      assert.equal(await client.call('GET', 'client:n'), null);  // nothing refused ran
      assert.equal(await client.call('INCR', 'client:n'), 1);  // the Client carries on
    } finally {
      await client.close();
    }
  });

  test('CONFIG SET changes them from the next message on', async () => {
    assert.equal((await kv('Execute', command('CONFIG', 'SET', 'max-batch-commands', '8'))).simple, 'OK');
    const eight = pipeline(stubs.emberkv);
    eight.call.write({ id: '1', commands: [1, 2, 3, 4, 5, 6, 7, 8].map(() => command('PING')) });
    eight.call.end();
    const { replies, error } = await eight.outcome;
    assert.equal(error, undefined);
    assert.equal(replies[0].replies.length, 8);
    await refused(kv('Execute', command('CONFIG', 'SET', 'max-command-args', '0')), grpc.status.INVALID_ARGUMENT,
      "ERR CONFIG SET failed (possibly related to argument 'max-command-args') - argument must be between 1 and 2147483647 inclusive");
    await kv('Execute', command('CONFIG', 'SET', 'max-batch-commands', '4'));
  });
});

const DROPPED = 'closing the connection of a pipeline that does not read its replies';

/**
 * A Pipeline call over plain HTTP/2 that reads nothing until told to: a
 * grpc-js client cannot be one (it takes every message off the connection
 * and buffers it, read or not). Writes CommandBatch `GET big` messages.
 */
function unreadPipeline(address) {
  const session = http2.connect(`http://${address}`);
  session.on('error', () => {});
  const stream = session.request({ ':method': 'POST', ':path': '/emberkv.v1.EmberKV/Pipeline', 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => {});
  // CommandBatch { commands: [Command { name: "GET", args: ["big"] }] }, gRPC-framed.
  const batch = Buffer.from('0a0a0a034745541203626967', 'hex');
  const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, batch.length]), batch]);
  const trailers = new Promise((resolve) => {
    stream.on('trailers', resolve);
    stream.on('close', () => resolve(null));
  });
  return {
    send: (n) => { for (let i = 0; i < n; i++) stream.write(frame); },
    /** Reads from now on; resolves with the trailers (null if the stream was reset instead) and the bytes read. */
    async readAll() {
      let bytes = 0;
      stream.on('data', (chunk) => (bytes += chunk.length));
      return { trailers: await trailers, bytes };
    },
    closed: new Promise((resolve) => session.on('close', resolve)),
    close: () => session.destroy(),
  };
}

describe('max-pending-replies', () => {
  let server;
  let stubs;

  before(async () => {
    server = await startGrpcServer(['--max-pending-replies', '2', '--pending-replies-timeout-ms', '300']);
    stubs = loadStubs(server.address);
    await unary(stubs.emberkv, 'Execute', { name: Buffer.from('SET'), args: [Buffer.from('big'), Buffer.alloc(256 * 1024, 'x')] });
  });

  after(async () => {
    for (const stub of Object.values(stubs ?? {})) stub.close();
    await server?.stop();
  });

  const logged = (msg) => server.logs.filter((l) => l.msg === msg).length;
  const STUCK = 'ERR max-pending-replies (2) reached and no reply read for 300 ms: the client is not reading its replies';

  test('a stream that stops reading stops being read, then ends with RESOURCE_EXHAUSTED; others are served', async () => {
    const dropsBefore = logged(DROPPED);
    const pipe = unreadPipeline(server.address);
    try {
      pipe.send(100);
      const closedLine = (l) => l.msg === 'pipeline closed' && l.error === STUCK;
      while (!server.logs.some(closedLine)) await sleep(10);
      const closed = server.logs.find(closedLine);
      assert.ok(closed.batches < 100, `the server stopped reading (ran ${closed.batches} of 100 batches)`);
      assert.equal((await unary(stubs.emberkv, 'Execute', command('PING'))).simple, 'PONG');
      const { trailers } = await pipe.readAll();
      if (trailers) {
        assert.equal(trailers['grpc-status'], String(grpc.status.RESOURCE_EXHAUSTED));
        assert.equal(decodeURIComponent(trailers['grpc-message']), STUCK);
      } else {
        // Read too late (a slow machine): the server had cut the connection.
        assert.ok(logged(DROPPED) > dropsBefore);
      }
    } finally {
      pipe.close();
    }
  });

  test('a stream that never reads has its connection closed; the server serves on', async () => {
    const dropsBefore = logged(DROPPED);
    const pipe = unreadPipeline(server.address);
    pipe.send(100);
    await pipe.closed;
    // The log line may reach this process after the connection's end.
    while (logged(DROPPED) === dropsBefore) await sleep(10);
    assert.equal((await unary(stubs.emberkv, 'Execute', command('PING'))).simple, 'PONG');
  });

  test('a client that reads its replies is never cut off, however many it asks for', async () => {
    const client = new Client({ address: server.address });
    try {
      const replies = await Promise.all(Array.from({ length: 200 }, () => client.callBuffer('GET', 'big')));
      assert.equal(replies.length, 200);
    } finally {
      await client.close();
    }
  });
});

describe('max-concurrent-calls and max-connections', () => {
  let server;
  /** This test's connections, closed when it ends (only 2 may be open). */
  let open = [];

  before(async () => {
    server = await startGrpcServer(['--max-concurrent-calls', '3', '--max-connections', '2']);
  });

  afterEach(() => {
    for (const stub of open) stub.close();
    open = [];
  });

  after(async () => {
    await server?.stop();
  });

  function connection() {
    const stub = isolatedStub(server.address);
    open.push(stub);
    return stub;
  }

  /** An open Subscribe call, once the server confirmed it (so it counts). */
  async function subscribed(stub, channel) {
    const call = stub.Subscribe({ channels: [Buffer.from(channel)] });
    call.on('error', () => {});  // its cancellation, later
    await new Promise((resolve, reject) => {
      call.once('data', resolve);
      call.once('error', reject);
    });
    return call;
  }

  const ping = (stub) => unary(stub, 'Execute', command('PING'));
  const callsReached = 'ERR max-concurrent-calls (3) reached';

  /** Opens exactly 3 long calls on `stub`, checks a 4th is refused, then cancels them. */
  async function checkCapacity(stub) {
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await untilAdmitted(() => subscribed(stub, `cap:${i}`)));
    await refused(ping(stub), grpc.status.RESOURCE_EXHAUSTED, callsReached);
    for (const call of open) call.cancel();
  }

  test('open streams and blocked calls count; the next call fails with RESOURCE_EXHAUSTED', async () => {
    const stub = connection();
    const first = await subscribed(stub, 'a');
    const second = await subscribed(stub, 'b');
    const blocked = unary(stub, 'Execute', command('BLPOP', 'calls:list', '0'));
    blocked.catch(() => {});
    // The third call (blocked) is in: once a 4th is refused, it counts.
    await assert.rejects(
      (async () => {
        for (;;) {
          await ping(stub);
          await sleep(10);
        }
      })(),
      (err) => err.code === grpc.status.RESOURCE_EXHAUSTED && err.details === callsReached,
    );
    await refused(unary(stub, 'Get', { key: Buffer.from('k') }), grpc.status.RESOURCE_EXHAUSTED, callsReached);
    first.cancel();
    await untilAdmitted(() => ping(stub));
    second.cancel();
    const pusher = connection();
    assert.equal((await untilAdmitted(() => unary(pusher, 'Execute', command('RPUSH', 'calls:list', 'x')))).integer, '1');
    await blocked;  // served
    await checkCapacity(stub);
  });

  test('counters come back down after calls finish, fail, are cancelled or time out', async () => {
    const stub = connection();
    for (let i = 0; i < 10; i++) {
      await untilAdmitted(() => ping(stub));  // finished
      await assert.rejects(untilAdmitted(() => unary(stub, 'Execute', command('NOSUCHCOMMAND'))), { code: grpc.status.UNIMPLEMENTED });
      await assert.rejects(untilAdmitted(() => unary(stub, 'Exec', { commands: [command('SET', 'x')] })), { code: grpc.status.INVALID_ARGUMENT });
      const expired = unary(stub, 'Execute', command('BLPOP', 'nothing', '0'), { deadline: Date.now() + 50 });
      await assert.rejects(expired, { code: grpc.status.DEADLINE_EXCEEDED });
      // Cancelled once open (grpc-js may still send a call cancelled at
      // once, leaving it open on the server until its connection closes).
      const cancelled = await untilAdmitted(() => subscribed(stub, 'c'));
      const ended = new Promise((resolve) => cancelled.on('error', resolve));
      cancelled.cancel();
      await ended;
      const piped = pipeline(stub);
      piped.call.write({ commands: [command('PING')] });
      piped.call.end();
      await piped.outcome;
    }
    await checkCapacity(stub);
  });

  test('past max-connections a new connection\'s calls fail with RESOURCE_EXHAUSTED until one closes', async () => {
    // The earlier tests' connections are closed: the server may not have
    // seen it yet, hence untilAdmitted.
    const first = connection();
    await untilAdmitted(() => ping(first));
    const second = connection();
    await untilAdmitted(() => ping(second));
    const third = connection();
    await refused(ping(third), grpc.status.RESOURCE_EXHAUSTED, 'ERR max number of clients reached (max-connections 2)');
    await refused(unary(third, 'Get', { key: Buffer.from('k') }), grpc.status.RESOURCE_EXHAUSTED,
      'ERR max number of clients reached (max-connections 2)');
    assert.equal((await ping(first)).simple, 'PONG');  // the admitted ones are served
    first.close();
    assert.equal((await untilAdmitted(() => ping(third))).simple, 'PONG');
    assert.equal((await ping(second)).simple, 'PONG');
  });

  test('Clients to one address share a connection; ownConnection gives each its own', async () => {
    const shared = [0, 1, 2].map(() => new Client({ address: server.address }));
    try {
      // Three Clients, one connection: all served under max-connections 2.
      await untilAdmitted(() => shared[0].ping());
      assert.deepEqual(await Promise.all(shared.map((c) => c.ping())), ['PONG', 'PONG', 'PONG']);
    } finally {
      await Promise.all(shared.map((c) => c.close()));
    }
    const own = [0, 1, 2].map(() => new Client({ address: server.address, ownConnection: true }));
    try {
      await untilAdmitted(() => own[0].ping());
      await untilAdmitted(() => own[1].ping());
      const err = await own[2].ping().then(() => null, (e) => e);
      assert.equal(err?.code, grpc.status.RESOURCE_EXHAUSTED, 'a third connection is one too many');
    } finally {
      await Promise.all(own.map((c) => c.close()));
    }
  });
});

describe('the limits\' settings', () => {
  const { parseSettings, UsageError, DEFAULTS } = require('../../dist/server/options.js');
  const parse = (argv, env = {}) => parseSettings(argv, env, new Set(['max-command-args', 'max-batch-commands']));
  const limits = (s) => [s.maxConnections, s.maxConcurrentCalls, s.maxPendingReplies, s.pendingRepliesTimeoutMs];

  test('defaults, then a config file, the environment and flags; store limits go to CONFIG SET', () => {
    assert.deepEqual(limits(DEFAULTS), [10000, 100000, 128, 60000]);
    const dir = mkdtempSync(path.join(tmpdir(), 'emberkv-limits-conf-'));
    try {
      const conf = path.join(dir, 'emberkv.conf');
      writeFileSync(conf, 'max-connections 5\nmax-concurrent-calls 6\nmax-pending-replies 7\npending-replies-timeout-ms 8\nmax-command-args 9\n');
      const settings = parse(['--config', conf, '--max-pending-replies', '70', '--max-batch-commands', '10'], {
        EMBERKV_MAX_CONCURRENT_CALLS: '60',
        EMBERKV_MAX_COMMAND_ARGS: '90',
      });
      assert.deepEqual(limits(settings), [5, 60, 70, 8]);
      assert.deepEqual([...settings.store], [['max-command-args', '90'], ['max-batch-commands', '10']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a value that is not a positive integer is a usage error', () => {
    for (const value of ['0', '-1', '1.5', 'ten', '2147483648', '']) {
      assert.throws(() => parse(['--max-connections', value]), (err) => err instanceof UsageError &&
        err.message === `--max-connections: max-connections must be an integer from 1 to 2147483647, got '${value}'`);
    }
  });
});
