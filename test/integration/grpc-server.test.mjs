// Integration tests of emberkv-server (src/server/) through the real server
// process on a free loopback port: the official Client (auto-pipelining
// over the Pipeline stream), plain grpc-js stubs loaded from the proto file
// (Execute, Pipeline), the health and reflection services, and graceful
// shutdown.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Client, EmberError } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { command, loadStubs, unary } from '../support/grpc-stubs.mjs';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

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

  describe('pub/sub', () => {
    test('channel and pattern subscribers get every message; PUBLISH counts them', async () => {
      const news = client.subscribe({ channels: ['news'], patterns: ['n*'] });
      const other = client.subscribe({ channels: ['other'] });
      await Promise.all([news.ready, other.ready]);
      assert.equal(await client.call('PUBLISH', 'news', 'hello'), 2);
      assert.equal(await client.call('PUBLISH', 'nope', 'p'), 1);
      assert.equal(await client.call('PUBLISH', 'other', 'o'), 1);
      assert.equal(await client.call('PUBLISH', 'zzz', 'x'), 0);
      const received = [];
      for await (const m of news) {
        received.push(m);
        if (received.length === 3) break;
      }
      assert.deepEqual(received, [
        { channel: 'news', message: 'hello' },
        { channel: 'news', message: 'hello', pattern: 'n*' },
        { channel: 'nope', message: 'p', pattern: 'n*' },
      ]);
      for await (const m of other) {
        assert.deepEqual(m, { channel: 'other', message: 'o' });
        break;
      }
      // Both were closed by leaving their loops.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(await client.call('PUBSUB', 'NUMSUB', 'news', 'other'), ['news', 0, 'other', 0]);
      assert.equal(await client.call('PUBSUB', 'NUMPAT'), 0);
    });

    test('PUBSUB CHANNELS / NUMSUB / NUMPAT, and the typed Publish', async () => {
      const a = client.subscribe({ channels: ['ch:1', 'ch:2'], patterns: ['ch:*', 'x?'] });
      const b = client.subscribeBuffer({ channels: ['ch:1'] });
      await Promise.all([a.ready, b.ready]);
      assert.deepEqual((await client.call('PUBSUB', 'CHANNELS')).sort(), ['ch:1', 'ch:2']);
      assert.deepEqual(await client.call('PUBSUB', 'CHANNELS', '*2'), ['ch:2']);
      assert.deepEqual(await client.call('PUBSUB', 'NUMSUB', 'ch:1', 'ch:2', 'ch:3'), ['ch:1', 2, 'ch:2', 1, 'ch:3', 0]);
      assert.equal(await client.call('PUBSUB', 'NUMPAT'), 2);
      assert.deepEqual(await unary(stubs.emberkv, 'Publish', { channel: Buffer.from('ch:1'), message: Buffer.from([0, 1]) }), { count: '3' });
      for await (const m of b) {
        assert.deepEqual(m, { channel: Buffer.from('ch:1'), message: Buffer.from([0, 1]) });
        break;
      }
      a.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(await client.call('PUBSUB', 'CHANNELS'), []);
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
        call.write(Buffer.from([0x0a, 0x06, 0x0a, 0x04, 0x50, 0x49, 0x4e, 0x47]));  // PING after it: not run
        const err = await status;
        assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
        assert.match(err.details, /malformed/i);
      } finally {
        raw.close();
      }
      assert.equal(await client.call('PING'), 'PONG');  // the server is fine
    });

    test('typed RPCs: keys and strings, hit and miss explicit', async () => {
      const kv = (method, request) => unary(stubs.emberkv, method, request);
      const key = (k) => Buffer.from(k);
      assert.deepEqual(await kv('Get', { key: key('t:none') }), { found: false, value: Buffer.alloc(0) });
      assert.deepEqual(await kv('Set', { key: key('t:s'), value: Buffer.from(''), ex_seconds: '100' }), { written: true, previous: null });
      assert.deepEqual(await kv('Get', { key: key('t:s') }), { found: true, value: Buffer.alloc(0) });
      assert.equal((await kv('Set', { key: key('t:s'), value: Buffer.from('x'), condition: 'NX' })).written, false);
      const swapped = await kv('Set', { key: key('t:s'), value: Buffer.from('y'), condition: 'XX', get: true, keep_ttl: true });
      assert.deepEqual(swapped, { written: true, previous: { found: true, value: Buffer.alloc(0) } });
      assert.deepEqual(await kv('Ttl', { key: key('t:s') }), { found: true, has_expiry: true, seconds: '100' });
      assert.deepEqual(await kv('Ttl', { key: key('t:none') }), { found: false, has_expiry: false, seconds: '0' });
      assert.equal((await kv('Expire', { key: key('t:s'), seconds: '50', condition: 'GT' })).done, false);
      assert.equal((await kv('Expire', { key: key('t:s'), seconds: '50', condition: 'LT' })).done, true);
      assert.deepEqual(await kv('IncrBy', { key: key('t:n'), increment: '-7' }), { value: '-7' });
      assert.deepEqual(await kv('MSet', { pairs: [{ key: key('t:a'), value: Buffer.from('1') }, { key: key('t:b'), value: Buffer.from('2') }] }), { done: true });
      const mget = await kv('MGet', { keys: [key('t:a'), key('t:none'), key('t:b')] });
      assert.deepEqual(mget.values.map((v) => (v.found ? v.value.toString() : null)), ['1', null, '2']);
      assert.deepEqual(await kv('Exists', { keys: [key('t:a'), key('t:none'), key('t:a')] }), { count: '2' });
      const keys = [];
      let cursor = '0';
      do {
        const page = await kv('Scan', { cursor, match: Buffer.from('t:[ab]'), count: '100' });
        keys.push(...page.keys.map(String));
        cursor = page.cursor;
      } while (cursor !== '0');
      assert.deepEqual(keys.sort(), ['t:a', 't:b']);
      assert.deepEqual(await kv('Del', { keys: [key('t:a'), key('t:b'), key('t:none')] }), { count: '2' });
    });

    test('typed RPCs: hashes, lists, sets and sorted sets', async () => {
      const kv = (method, request) => unary(stubs.emberkv, method, request);
      const b = (s) => Buffer.from(s);
      const strs = (values) => values.map(String);
      const fv = (field, value) => ({ field: b(field), value: b(value) });
      assert.deepEqual(await kv('HSet', { key: b('t:h'), fields: [fv('f', '1'), fv('g', '2')] }), { count: '2' });
      assert.deepEqual(await kv('HGet', { key: b('t:h'), field: b('g') }), { found: true, value: b('2') });
      assert.equal((await kv('HGet', { key: b('t:h'), field: b('zz') })).found, false);
      assert.deepEqual(await kv('HIncrBy', { key: b('t:h'), field: b('f'), increment: '10' }), { value: '11' });
      assert.deepEqual(await kv('HGetAll', { key: b('t:h') }), { fields: [fv('f', '11'), fv('g', '2')] });
      assert.deepEqual(await kv('HDel', { key: b('t:h'), fields: [b('f'), b('zz')] }), { count: '1' });

      assert.deepEqual(await kv('RPush', { key: b('t:l'), elements: [b('a'), b('b'), b('c')] }), { count: '3' });
      assert.deepEqual(await kv('LPush', { key: b('t:l'), elements: [b('z')] }), { count: '4' });
      assert.deepEqual(strs((await kv('LRange', { key: b('t:l'), start: '0', stop: '-1' })).values), ['z', 'a', 'b', 'c']);
      assert.deepEqual(strs((await kv('LPop', { key: b('t:l') })).values), ['z']);
      assert.deepEqual(strs((await kv('RPop', { key: b('t:l'), count: '2' })).values), ['c', 'b']);
      assert.deepEqual(await kv('LLen', { key: b('t:l') }), { count: '1' });
      assert.deepEqual((await kv('LPop', { key: b('t:nolist') })).values, []);

      assert.deepEqual(await kv('SAdd', { key: b('t:set'), elements: [b('x'), b('y'), b('x')] }), { count: '2' });
      assert.deepEqual(await kv('SIsMember', { key: b('t:set'), member: b('y') }), { done: true });
      assert.deepEqual(await kv('SIsMember', { key: b('t:set'), member: b('q') }), { done: false });
      assert.deepEqual(strs((await kv('SMembers', { key: b('t:set') })).values).sort(), ['x', 'y']);
      assert.deepEqual(await kv('SRem', { key: b('t:set'), elements: [b('x')] }), { count: '1' });
      assert.deepEqual(await kv('SCard', { key: b('t:set') }), { count: '1' });

      const members = [{ member: b('a'), score: 1 }, { member: b('b'), score: 2.5 }, { member: b('c'), score: Infinity }];
      assert.deepEqual(await kv('ZAdd', { key: b('t:z'), members }), { count: '3' });
      assert.deepEqual(await kv('ZAdd', { key: b('t:z'), members: [{ member: b('a'), score: 0 }], compare: 'GT', changed: true }), { count: '0' });
      assert.deepEqual(await kv('ZScore', { key: b('t:z'), member: b('c') }), { found: true, score: Infinity });
      assert.deepEqual(await kv('ZScore', { key: b('t:z'), member: b('q') }), { found: false, score: 0 });
      assert.deepEqual(await kv('ZIncrBy', { key: b('t:z'), increment: 0.5, member: b('b') }), { found: true, score: 3 });
      assert.deepEqual(await kv('ZRank', { key: b('t:z'), member: b('b') }), { found: true, rank: '1' });
      assert.deepEqual(await kv('ZRank', { key: b('t:z'), member: b('q') }), { found: false, rank: '0' });
      const byScore = await kv('ZRange', { key: b('t:z'), start: '(1', stop: '+inf', by: 'SCORE', with_scores: true });
      assert.deepEqual(byScore.members.map((m) => [String(m.member), m.score]), [['b', 3], ['c', Infinity]]);
      const byRank = await kv('ZRange', { key: b('t:z'), start: '0', stop: '0', rev: true });
      assert.deepEqual(byRank.members.map((m) => String(m.member)), ['c']);
      assert.deepEqual(await kv('ZRem', { key: b('t:z'), elements: [b('a')] }), { count: '1' });
      assert.deepEqual(await kv('ZCard', { key: b('t:z') }), { count: '2' });
    });

    test('typed RPCs: command errors are statuses with the Redis text', async () => {
      await assert.rejects(unary(stubs.emberkv, 'LPush', { key: Buffer.from('t:h'), elements: [Buffer.from('x')] }), (err) => {
        assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
        assert.equal(err.details, WRONGTYPE);
        return true;
      });
      await assert.rejects(unary(stubs.emberkv, 'ZAdd', { key: Buffer.from('t:z'), members: [{ member: Buffer.from('n'), score: NaN }] }), (err) => {
        assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
        assert.equal(err.details, 'ERR value is not a valid float');
        return true;
      });
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
    // The client's connection shows in the info-level log, with its peer.
    const opened = server.logs.find((l) => l.msg === 'pipeline opened');
    const closed = server.logs.find((l) => l.msg === 'pipeline closed');
    assert.match(opened?.peer ?? '', /^(ipv4:)?127\.0\.0\.1:\d+$/);
    assert.equal(closed?.peer, opened.peer);
    assert.equal(closed.batches, 2);
  });

  test('a subscriber that does not read is cut off with RESOURCE_EXHAUSTED; publishers never wait', async () => {
    const server = await startGrpcServer(['--subscriber-buffer-bytes', '65536']);
    const client = new Client({ address: server.address });
    const stubs = loadStubs(server.address);
    try {
      const call = stubs.emberkv.Subscribe({ channels: [Buffer.from('firehose')] });
      const subscribed = new Promise((resolve) => call.once('data', resolve));
      const status = new Promise((resolve) => call.on('error', resolve));
      await subscribed;
      call.pause();  // stops reading: messages pile up on the server side
      const big = 'x'.repeat(16 * 1024);
      // 6.4 MB for a subscriber that reads nothing: every publish still
      // completes (a server that waited for the subscriber would hang here).
      const counts = await Promise.all(Array.from({ length: 400 }, () => client.call('PUBLISH', 'firehose', big)));
      assert.equal(counts[0], 1);
      assert.deepEqual(await client.call('PUBSUB', 'NUMSUB', 'firehose'), ['firehose', 0]);  // cut off
      call.on('data', () => {});
      call.resume();
      const err = await status;
      assert.equal(err.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(err.details, /fell behind/);
    } finally {
      for (const stub of Object.values(stubs)) stub.close();
      await client.close();
      await server.stop();
    }
  });

  test('the Client survives a server restart: in-flight calls fail, later ones reconnect', async () => {
    const first = await startGrpcServer();
    const client = new Client({ address: first.address });
    try {
      assert.equal(await client.call('SET', 'a', '1'), 'OK');
      const port = String(first.port);
      first.process.kill('SIGKILL');
      await first.stop();
      await assert.rejects(client.call('GET', 'a'));
      const second = await startGrpcServer(['--port', port]);
      try {
        // grpc-js reconnects with backoff: retry for a few seconds at most.
        let reply;
        for (let attempt = 0; attempt < 50 && reply === undefined; attempt++) {
          reply = await client.call('PING').catch(() => new Promise((resolve) => setTimeout(resolve, 100)));
        }
        assert.equal(reply, 'PONG');
        assert.equal(await client.call('GET', 'a'), null);  // a new, empty server
      } finally {
        await second.stop();
      }
    } finally {
      await client.close();
    }
  });

  test('bad settings: a clear message; exit 2 for usage, 1 for a setting the store refuses', async () => {
    await assert.rejects(startGrpcServer(['--port', 'seventy']), /exited \(2\)[\s\S]*port must be 0-65535/);
    await assert.rejects(startGrpcServer(['--maxmemory-policy', 'sometimes']), /exited \(1\)[\s\S]*maxmemory-policy/);
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
