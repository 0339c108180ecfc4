// Integration tests of emberkv-server (src/server/) through the real server
// process on a free loopback port: the official Client (auto-pipelining
// over the Pipeline stream), plain grpc-js stubs loaded from the proto file
// (Execute, Pipeline), the health and reflection services, and graceful
// shutdown.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Client, EmberError } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';

const require = createRequire(import.meta.url);
const PROTO_ROOT = path.join(import.meta.dirname, '..', '..', 'proto');
const HEALTH_PROTO = require('grpc-health-check').protoPath;
const REFLECTION_PROTO = path.join(
  path.dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

function loadStubs(address) {
  const definition = protoLoader.loadSync(['emberkv/v1/emberkv.proto', HEALTH_PROTO, REFLECTION_PROTO], {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition);
  const credentials = grpc.credentials.createInsecure();
  return {
    emberkv: new pkg.emberkv.v1.EmberKV(address, credentials),
    health: new pkg.grpc.health.v1.Health(address, credentials),
    reflection: new pkg.grpc.reflection.v1.ServerReflection(address, credentials),
  };
}

const unary = (stub, method, request) =>
  new Promise((resolve, reject) => stub[method](request, (err, reply) => (err ? reject(err) : resolve(reply))));

const command = (name, ...args) => ({ name: Buffer.from(name), args: args.map((a) => Buffer.from(String(a))) });

describe('emberkv-server', () => {
  let server;
  let client;
  let stubs;

  before(async () => {
    server = await startGrpcServer(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lfu']);
    client = new Client({ address: server.address });
    stubs = loadStubs(server.address);
  });

  after(async () => {
    await client?.close();
    for (const stub of Object.values(stubs ?? {})) stub.close();
    await server?.stop();
  });

  describe('Client (auto-pipelined)', () => {
    test('commands of every family, replies as Engine.call gives them', async () => {
      assert.equal(await client.call('SET', 'k', 'v'), 'OK');
      assert.equal(await client.call('GET', 'k'), 'v');
      assert.equal(await client.call('INCRBY', 'n', 5), 5);
      assert.equal(await client.call('HSET', 'h', 'a', '1', 'b', '2'), 2);
      assert.deepEqual(await client.call('HGETALL', 'h'), ['a', '1', 'b', '2']);
      assert.equal(await client.call('RPUSH', 'l', 'x', 'y'), 2);
      assert.deepEqual(await client.call('LRANGE', 'l', 0, -1), ['x', 'y']);
      assert.equal(await client.call('SADD', 's', 'm'), 1);
      assert.equal(await client.call('ZADD', 'z', 1.5, 'm'), 1);
      assert.equal(await client.call('ZSCORE', 'z', 'm'), '1.5');
      assert.equal(await client.call('GET', 'missing'), null);
      assert.equal(await client.call('CONFIG', 'GET', 'maxmemory-policy').then((r) => r[1]), 'allkeys-lfu');
    });

    test('binary values round-trip with callBuffer', async () => {
      const value = Buffer.from([0, 255, 10, 13, 0, 128]);
      assert.equal(await client.call('SET', Buffer.from([1, 0, 2]), value), 'OK');
      assert.deepEqual(await client.callBuffer('GET', Buffer.from([1, 0, 2])), value);
    });

    test('commands issued in one tick keep their order; an error fails only its own command', async () => {
      const replies = [];
      for (let i = 0; i < 1000; i++) replies.push(client.call('INCR', 'counter'));
      replies.push(client.call('LPUSH', 'k', 'x'));  // k is a string
      replies.push(client.call('GET', 'k'));
      const settled = await Promise.allSettled(replies);
      for (let i = 0; i < 1000; i++) assert.deepEqual(settled[i], { status: 'fulfilled', value: i + 1 });
      assert.equal(settled[1000].status, 'rejected');
      assert.ok(settled[1000].reason instanceof EmberError);
      assert.equal(settled[1000].reason.message, WRONGTYPE);
      assert.equal(settled[1000].reason.code, 'WRONGTYPE');
      assert.deepEqual(settled[1001], { status: 'fulfilled', value: 'v' });
    });

    test('a write through one client is seen by another at once', async () => {
      const other = new Client({ address: server.address });
      try {
        await client.call('SET', 'shared', '1');
        assert.equal(await other.call('GET', 'shared'), '1');
      } finally {
        await other.close();
      }
    });

    test('an argument of a wrong type rejects, and the client goes on working', async () => {
      await assert.rejects(client.call('SET', 'k', {}), TypeError);
      assert.equal(await client.call('PING'), 'PONG');
    });
  });

  describe('plain grpc-js stubs from the proto file', () => {
    test('Execute: typed replies', async () => {
      assert.deepEqual(await unary(stubs.emberkv, 'Execute', command('PING')), { simple: 'PONG', value: 'simple' });
      await unary(stubs.emberkv, 'Execute', command('SET', 'e', 'bytes'));
      assert.deepEqual((await unary(stubs.emberkv, 'Execute', command('GET', 'e'))).bulk, Buffer.from('bytes'));
      assert.equal((await unary(stubs.emberkv, 'Execute', command('STRLEN', 'e'))).integer, '5');
      assert.equal((await unary(stubs.emberkv, 'Execute', command('GET', 'nothing'))).value, 'null');
      const array = await unary(stubs.emberkv, 'Execute', command('MGET', 'e', 'nothing'));
      assert.deepEqual(array.array.values.map((v) => v.value), ['bulk', 'null']);
    });

    test('Execute: errors map to gRPC status codes with the Redis text', async () => {
      const cases = [
        [command('LPUSH', 'e', 'x'), grpc.status.FAILED_PRECONDITION, WRONGTYPE],
        [command('NOSUCHCOMMAND'), grpc.status.UNIMPLEMENTED, /^ERR unknown command/],
        [command('GET'), grpc.status.INVALID_ARGUMENT, "ERR wrong number of arguments for 'get' command"],
        [command('INCRBY', 'n', 'x'), grpc.status.INVALID_ARGUMENT, 'ERR value is not an integer or out of range'],
        [command('SET', 'k', 'v', 'BOGUS'), grpc.status.INVALID_ARGUMENT, 'ERR syntax error'],
      ];
      for (const [request, code, message] of cases) {
        await assert.rejects(unary(stubs.emberkv, 'Execute', request), (err) => {
          assert.equal(err.code, code, err.details);
          if (typeof message === 'string') assert.equal(err.details, message);
          else assert.match(err.details, message);
          return true;
        });
      }
    });

    test('Pipeline: many commands per message, replies in order, errors inline', async () => {
      const call = stubs.emberkv.Pipeline();
      const received = [];
      const done = new Promise((resolve, reject) => {
        call.on('data', (batch) => received.push(batch));
        call.on('end', resolve);
        call.on('error', reject);
      });
      call.write({ id: '7', commands: [command('DEL', 'p'), command('RPUSH', 'p', 'a'), command('INCR', 'p'), command('LLEN', 'p')] });
      call.write({ id: '8', commands: [command('LPOP', 'p')] });
      call.end();
      await done;
      assert.deepEqual(received.map((b) => b.id), ['7', '8']);
      const [first, second] = received;
      assert.deepEqual(first.replies.map((r) => r.value), ['integer', 'integer', 'error', 'integer']);
      assert.equal(first.replies[2].error, WRONGTYPE);
      assert.equal(first.replies[3].integer, '1');
      assert.deepEqual(second.replies[0].bulk, Buffer.from('a'));
    });

    test('Pipeline: a malformed message ends the stream with INVALID_ARGUMENT', async () => {
      const raw = new grpc.Client(server.address, grpc.credentials.createInsecure());
      try {
        const call = raw.makeBidiStreamRequest('/emberkv.v1.EmberKV/Pipeline', (b) => b, (b) => b);
        const status = new Promise((resolve) => call.on('error', resolve));
        call.on('data', () => {});
        call.write(Buffer.from([0x0a, 0x05, 0x0a]));  // a Command longer than the message
        const err = await status;
        assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
        assert.match(err.details, /malformed/i);
      } finally {
        raw.close();
      }
      assert.equal(await client.call('PING'), 'PONG');  // the server is fine
    });

    test('health: SERVING', async () => {
      assert.deepEqual(await unary(stubs.health, 'Check', { service: '' }), { status: 'SERVING' });
      assert.deepEqual(await unary(stubs.health, 'Check', { service: 'emberkv.v1.EmberKV' }), { status: 'SERVING' });
    });

    test('reflection lists the services and describes the contract', async () => {
      const call = stubs.reflection.ServerReflectionInfo();
      const replies = [];
      const done = new Promise((resolve, reject) => {
        call.on('data', (r) => {
          replies.push(r);
          if (replies.length === 2) call.end();
        });
        call.on('end', resolve);
        call.on('error', reject);
      });
      call.write({ list_services: '' });
      call.write({ file_containing_symbol: 'emberkv.v1.EmberKV' });
      await done;
      const names = replies[0].list_services_response.service.map((s) => s.name);
      assert.ok(names.includes('emberkv.v1.EmberKV'), names.join());
      assert.ok(names.includes('grpc.health.v1.Health'), names.join());
      assert.ok(replies[1].file_descriptor_response.file_descriptor_proto.length >= 1);
    });
  });
});

describe('emberkv-server lifecycle', () => {
  test('SIGTERM lets in-flight work finish and exits 0', async () => {
    const server = await startGrpcServer();
    const client = new Client({ address: server.address });
    assert.equal(await client.call('SET', 'a', '1'), 'OK');
    const pending = client.call('GET', 'a');
    assert.equal(await pending, '1');
    await client.close();
    assert.equal(await server.stop('SIGTERM'), 0);
    assert.ok(server.logs.some((l) => l.msg === 'emberkv-server stopped'));
  });

  test('bad settings: a clear message and exit code 2', async () => {
    await assert.rejects(startGrpcServer(['--port', 'seventy']), /port must be 0-65535/);
    await assert.rejects(startGrpcServer(['--maxmemory-policy', 'sometimes']), /exited/);
  });

  test('settings from a config file and the environment, flags winning', async (t) => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'emberkv-'));
    const file = path.join(dir, 'emberkv.conf');
    writeFileSync(file, '# test\nmaxmemory 10mb\nmaxmemory-policy allkeys-lru\nlfu-log-factor 7\n');
    const server = await startGrpcServer(['--config', file, '--maxmemory-policy', 'allkeys-lfu'], {
      EMBERKV_LFU_LOG_FACTOR: '3',
    });
    const client = new Client({ address: server.address });
    t.after(async () => {
      await client.close();
      await server.stop();
    });
    assert.deepEqual(await client.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', String(10 * 1024 * 1024)]);
    assert.deepEqual(await client.call('CONFIG', 'GET', 'maxmemory-policy'), ['maxmemory-policy', 'allkeys-lfu']);
    assert.deepEqual(await client.call('CONFIG', 'GET', 'lfu-log-factor'), ['lfu-log-factor', '3']);
  });
});
