// Real Redis clients against emberkv-server's RESP port (issue 8): ioredis
// (RESP2, with its INFO ready check and auto-pipelining), node-redis v5 in
// RESP2 and RESP3, and redis-cli (one-shot commands, --pipe mass
// insertion, -3, --scan, -n, --no-raw output, a Unix socket). One server
// process for the whole file; each test uses keys of its own prefix.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { redisBenchmarkVersion, runRedisBenchmark } from '../../bench/support/redis-benchmark.mjs';

const REDIS_CLI = '/usr/bin/redis-cli';
const HAS_CLI = spawnSync(REDIS_CLI, ['--version']).status === 0;

describe('RESP clients', () => {
  let dir;
  let socketPath;
  let server;
  let io;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'emberkv-resp-clients-'));
    socketPath = path.join(dir, 'emberkv.sock');
    server = await startGrpcServer(['--resp-port', '0', '--unixsocket', socketPath, '--unixsocketperm', '700']);
    io = new Redis({ port: server.respPort, host: '127.0.0.1', lazyConnect: true });
    await io.connect();
  });

  after(async () => {
    io?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** redis-cli against the server's RESP port: { stdout, stderr, status }. */
  const cli = (args, input) => {
    const r = spawnSync(REDIS_CLI, ['-p', String(server.respPort), ...args], { input, encoding: 'utf8', timeout: 20_000 });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };

  describe('ioredis (RESP2)', () => {
    test('connects through its INFO ready check', async () => {
      assert.equal(io.status, 'ready');
      const info = await io.info();
      assert.match(info, /^# Server\r\n/);
      assert.match(info, /\r\nredis_version:7\.0\.\d+\r\n/);
      assert.equal(await io.ping(), 'PONG');
      assert.equal(await io.echo('hi'), 'hi');
    });

    test('strings', async () => {
      assert.equal(await io.set('io:s', 'v'), 'OK');
      assert.equal(await io.get('io:s'), 'v');
      assert.equal(await io.get('io:missing'), null);
      assert.equal(await io.set('io:s', 'w', 'NX'), null);
      assert.equal(await io.append('io:s', 'xyz'), 4);
      assert.equal(await io.strlen('io:s'), 4);
      assert.equal(await io.getrange('io:s', 1, 2), 'xy');
      assert.equal(await io.incr('io:n'), 1);
      assert.equal(await io.incrby('io:n', 41), 42);
      assert.equal(await io.incrbyfloat('io:n', 0.5), '42.5');
      assert.deepEqual(await io.mget('io:s', 'io:missing', 'io:n'), ['vxyz', null, '42.5']);
      assert.equal(await io.mset('io:a', '1', 'io:b', '2'), 'OK');
      assert.equal(await io.getdel('io:a'), '1');
      await assert.rejects(io.incr('io:s'), /ERR value is not an integer or out of range/);
    });

    test('keys: EXPIRE, TTL, PTTL, PERSIST, TYPE, RENAME, SCAN', async () => {
      await io.set('io:k:ttl', 'v');
      assert.equal(await io.ttl('io:k:ttl'), -1);
      assert.equal(await io.expire('io:k:ttl', 100), 1);
      const ttl = await io.ttl('io:k:ttl');
      assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
      assert.ok((await io.pttl('io:k:ttl')) > 90_000);
      assert.equal(await io.persist('io:k:ttl'), 1);
      assert.equal(await io.ttl('io:k:ttl'), -1);
      assert.equal(await io.ttl('io:k:none'), -2);
      assert.equal(await io.type('io:k:ttl'), 'string');
      assert.equal(await io.rename('io:k:ttl', 'io:k:renamed'), 'OK');
      assert.equal(await io.exists('io:k:ttl', 'io:k:renamed'), 1);
      await io.set('io:k:gone', 'v', 'PX', 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await io.get('io:k:gone'), null);

      for (let i = 0; i < 250; i++) await io.set(`io:scan:${i}`, i);
      const seen = new Set();
      let cursor = '0';
      do {
        const [next, keys] = await io.scan(cursor, 'MATCH', 'io:scan:*', 'COUNT', 50);
        for (const key of keys) seen.add(key);
        cursor = next;
      } while (cursor !== '0');
      assert.equal(seen.size, 250);
      const streamed = [];
      for await (const keys of io.scanStream({ match: 'io:scan:1*', count: 100 })) streamed.push(...keys);
      assert.equal(new Set(streamed).size, 1 + 10 + 100);
      assert.equal(await io.del(...[...seen]), 250);
    });

    test('lists', async () => {
      assert.equal(await io.rpush('io:l', 'a', 'b', 'c'), 3);
      assert.equal(await io.lpush('io:l', 'z'), 4);
      assert.deepEqual(await io.lrange('io:l', 0, -1), ['z', 'a', 'b', 'c']);
      assert.equal(await io.llen('io:l'), 4);
      assert.equal(await io.lindex('io:l', -1), 'c');
      assert.equal(await io.lpop('io:l'), 'z');
      assert.deepEqual(await io.rpop('io:l', 2), ['c', 'b']);
      assert.equal(await io.lmove('io:l', 'io:l2', 'LEFT', 'RIGHT'), 'a');
      assert.equal(await io.exists('io:l'), 0);
      await io.set('io:l:str', 'x');
      await assert.rejects(io.lpush('io:l:str', 'a'), /^ReplyError: WRONGTYPE Operation against a key holding the wrong kind of value/);
    });

    test('hashes', async () => {
      assert.equal(await io.hset('io:h', 'f1', 'v1', 'f2', 'v2'), 2);
      assert.equal(await io.hget('io:h', 'f1'), 'v1');
      assert.deepEqual(await io.hgetall('io:h'), { f1: 'v1', f2: 'v2' });
      assert.deepEqual(await io.hmget('io:h', 'f2', 'nope'), ['v2', null]);
      assert.equal(await io.hincrby('io:h', 'n', 5), 5);
      assert.equal(await io.hlen('io:h'), 3);
      assert.deepEqual((await io.hkeys('io:h')).sort(), ['f1', 'f2', 'n']);
      assert.equal(await io.hdel('io:h', 'f1', 'nope'), 1);
      assert.equal(await io.hexists('io:h', 'f1'), 0);
      assert.deepEqual(await io.hgetall('io:none'), {});
    });

    test('sets', async () => {
      assert.equal(await io.sadd('io:set1', 'a', 'b', 'c'), 3);
      await io.sadd('io:set2', 'b', 'c', 'd');
      assert.deepEqual((await io.smembers('io:set1')).sort(), ['a', 'b', 'c']);
      assert.equal(await io.sismember('io:set1', 'a'), 1);
      assert.deepEqual((await io.sinter('io:set1', 'io:set2')).sort(), ['b', 'c']);
      assert.deepEqual((await io.sunion('io:set1', 'io:set2')).sort(), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await io.sdiff('io:set1', 'io:set2'), ['a']);
      assert.equal(await io.scard('io:set2'), 3);
      assert.equal(await io.srem('io:set2', 'd', 'x'), 1);
    });

    test('sorted sets', async () => {
      assert.equal(await io.zadd('io:z', 1, 'a', 2, 'b', 3.5, 'c'), 3);
      assert.deepEqual(await io.zrange('io:z', 0, -1, 'WITHSCORES'), ['a', '1', 'b', '2', 'c', '3.5']);
      assert.equal(await io.zscore('io:z', 'c'), '3.5');
      assert.equal(await io.zincrby('io:z', 2, 'a'), '3');
      assert.equal(await io.zrank('io:z', 'a'), 1);
      assert.deepEqual(await io.zrangebyscore('io:z', '(2', '+inf'), ['a', 'c']);
      assert.deepEqual(await io.zpopmin('io:z'), ['b', '2']);
      assert.equal(await io.zcard('io:z'), 2);
      assert.equal(await io.zscore('io:z', 'nope'), null);
    });

    test('CONFIG GET, DBSIZE, FLUSHDB (in a database of its own)', async () => {
      const other = new Redis({ port: server.respPort, host: '127.0.0.1', db: 9 });
      try {
        assert.deepEqual(await other.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
        await other.set('a', '1');
        await other.set('b', '2');
        assert.equal(await other.dbsize(), 2);
        assert.equal(await other.flushdb(), 'OK');
        assert.equal(await other.dbsize(), 0);
        assert.equal(await io.get('io:s'), 'vxyz', 'FLUSHDB in db 9 leaves db 0 alone');
      } finally {
        other.disconnect();
      }
    });

    test('binary keys and values round-trip as Buffers', async () => {
      const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80, 0x7f]);
      const value = Buffer.alloc(70_000);
      for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 0xff;
      assert.equal(await io.set(key, value), 'OK');
      assert.deepEqual(await io.getBuffer(key), value);
      await io.hset('io:bin:h', Buffer.from([0, 1, 2]), Buffer.from('\r\n\r\n'));
      assert.deepEqual(await io.hgetBuffer('io:bin:h', Buffer.from([0, 1, 2])), Buffer.from('\r\n\r\n'));
      assert.equal(await io.exists(key), 1);
      assert.equal(await io.del(key), 1);
    });

    test('a pipeline of 10,000 commands: every reply in order', async () => {
      const pipe = io.pipeline();
      for (let i = 0; i < 5000; i++) {
        pipe.set(`io:p:${i}`, `value-${i}`);
        pipe.incrby('io:p:counter', i);
      }
      const replies = await pipe.exec();
      assert.equal(replies.length, 10_000);
      let sum = 0;
      for (let i = 0; i < 5000; i++) {
        sum += i;
        assert.deepEqual(replies[2 * i], [null, 'OK']);
        assert.deepEqual(replies[2 * i + 1], [null, sum]);
      }
      const gets = io.pipeline();
      for (let i = 0; i < 10_000; i++) gets.get(`io:p:${i % 5000}`);
      const values = await gets.exec();
      for (let i = 0; i < 10_000; i++) assert.deepEqual(values[i], [null, `value-${i % 5000}`]);
    });

    test('enableAutoPipelining: concurrent commands all answered correctly', async () => {
      const auto = new Redis({ port: server.respPort, host: '127.0.0.1', enableAutoPipelining: true });
      try {
        const writes = [];
        for (let i = 0; i < 2000; i++) writes.push(auto.set(`io:auto:${i}`, i));
        assert.ok((await Promise.all(writes)).every((r) => r === 'OK'));
        const reads = [];
        for (let i = 0; i < 2000; i++) reads.push(auto.get(`io:auto:${i}`));
        assert.deepEqual(await Promise.all(reads), Array.from({ length: 2000 }, (_, i) => String(i)));
        assert.ok(auto.autoPipelineQueueSize >= 0);
      } finally {
        auto.disconnect();
      }
    });
  });

  for (const RESP of [2, 3]) {
    describe(`node-redis v5, RESP${RESP}`, () => {
      let client;
      before(async () => {
        client = createClient({ socket: { host: '127.0.0.1', port: server.respPort }, RESP });
        client.on('error', () => {});
        await client.connect();
      });
      after(() => client?.destroy());

      const k = (name) => `nr${RESP}:${name}`;

      test('HELLO chose the protocol', async () => {
        const info = await client.sendCommand(['CLIENT', 'INFO']);
        assert.match(info, new RegExp(` resp=${RESP}\\n$`));
      });

      test('strings and keys', async () => {
        assert.equal(await client.set(k('s'), 'v'), 'OK');
        assert.equal(await client.get(k('s')), 'v');
        assert.equal(await client.get(k('missing')), null);
        assert.equal(await client.incrBy(k('n'), 5), 5);
        assert.deepEqual(await client.mGet([k('s'), k('missing')]), ['v', null]);
        assert.equal(await client.expire(k('s'), 50), 1);
        assert.ok((await client.ttl(k('s'))) > 40);
        assert.equal(await client.exists([k('s'), k('n'), k('missing')]), 2);
        assert.equal(await client.type(k('n')), 'string');
        const keys = [];
        for await (const batch of client.scanIterator({ MATCH: `${k('')}*`, COUNT: 10 })) keys.push(...batch);
        assert.deepEqual(keys.sort(), [k('n'), k('s')]);
        assert.equal(await client.del([k('s'), k('n')]), 2);
      });

      test('lists, sets and counts', async () => {
        assert.equal(await client.rPush(k('l'), ['a', 'b', 'c']), 3);
        assert.deepEqual(await client.lRange(k('l'), 0, -1), ['a', 'b', 'c']);
        assert.equal(await client.lPop(k('l')), 'a');
        assert.equal(await client.sAdd(k('set'), ['x', 'y']), 2);
        assert.equal(await client.sIsMember(k('set'), 'x'), 1);
        assert.equal(await client.sCard(k('set')), 2);
        assert.equal(await client.hSet(k('h'), { f: 'v', g: 'w' }), 2);
        assert.equal(await client.hGet(k('h'), 'g'), 'w');
        assert.equal(await client.zAdd(k('z'), [{ score: 1, value: 'a' }, { score: 2, value: 'b' }]), 2);
        assert.equal(await client.zCard(k('z')), 2);
        assert.deepEqual(await client.zRange(k('z'), 0, -1), ['a', 'b']);
      });

      test('errors are rejections with Redis texts', async () => {
        await client.set(k('str'), 'x');
        await assert.rejects(client.lPush(k('str'), 'a'), (err) => err.message.startsWith('WRONGTYPE Operation against a key'));
        await assert.rejects(client.sendCommand(['NOSUCHCMD', 'a']), /ERR unknown command 'NOSUCHCMD', with args beginning with: 'a'/);
      });

      test('Buffers: binary keys and values', async () => {
        const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
        const key = Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef]);
        const value = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0xfe]);
        assert.equal(await binary.set(key, value), 'OK');
        assert.deepEqual(await binary.get(key), value);
      });

      test('10,000 commands pipelined, every reply checked', async () => {
        const replies = await Promise.all(
          Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? client.set(k(`p:${i}`), String(i)) : client.get(k(`p:${i - 1}`)))),
        );
        for (let i = 0; i < 10_000; i++) assert.equal(replies[i], i % 2 === 0 ? 'OK' : String(i - 1));
      });

      test('MULTI / EXEC through the client', async () => {
        const replies = await client.multi().set(k('m'), '1').incr(k('m')).get(k('m')).exec();
        assert.deepEqual(replies, ['OK', 2, '2']);
      });
    });
  }

  describe('redis-benchmark', { skip: !redisBenchmarkVersion() && 'no redis-benchmark' }, () => {
    // A small run of each test the benchmark compares (bench:resp measures;
    // this only checks that redis-benchmark works against emberkv: every
    // test completes, without and with pipelining, and what it wrote is there).
    for (const pipeline of ['1', '16']) {
      test(`every test of bench:resp completes, -P ${pipeline}`, async () => {
        const tests = 'set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100';
        const rows = await runRedisBenchmark(server.respPort, ['-t', tests, '-c', '5', '-n', '2000', '-P', pipeline]);
        assert.deepEqual([...rows.keys()], [
          'SET', 'GET', 'INCR', 'LPUSH', 'RPOP', 'SADD', 'HSET', 'ZADD', 'LPUSH (needed to benchmark LRANGE)',
          'LRANGE_100 (first 100 elements)',
        ]);
        for (const [name, rps] of rows) assert.ok(rps > 0, `${name}: ${rps} requests per second`);
        assert.equal(cli(['STRLEN', 'key:__rand_int__']).stdout, '3\n');  // -d 3: 3-byte values
        assert.equal(cli(['TYPE', 'myzset']).stdout, 'zset\n');
        cli(['DEL', 'key:__rand_int__', 'counter:__rand_int__', 'mylist', 'myset', 'myhash', 'myzset']);
      });
    }
  });

  describe('redis-cli', { skip: !HAS_CLI && 'no redis-cli' }, () => {
    test('one-shot commands', () => {
      assert.equal(cli(['SET', 'cli:k', 'v']).stdout, 'OK\n');
      assert.equal(cli(['GET', 'cli:k']).stdout, 'v\n');
      // redis-cli prints an error with a blank line after it, as against Redis.
      assert.equal(cli(['INCR', 'cli:k']).stdout, 'ERR value is not an integer or out of range\n\n');
      assert.equal(cli(['EXISTS', 'cli:k']).stdout, '1\n');
    });

    test('--pipe mass insertion', () => {
      let input = '';
      for (let i = 0; i < 5000; i++) input += `*3\r\n$3\r\nSET\r\n$${`cli:pipe:${i}`.length}\r\ncli:pipe:${i}\r\n$1\r\nx\r\n`;
      const r = cli(['--pipe'], input);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /errors: 0, replies: 5000/);
      assert.equal(cli(['GET', 'cli:pipe:4999']).stdout, 'x\n');
    });

    test('-3 speaks RESP3', () => {
      assert.equal(cli(['-3', 'CLIENT', 'INFO']).stdout.includes(' resp=3'), true);
      assert.equal(cli(['-3', '--no-raw', 'HELLO', '3']).stdout.split('\n')[0], '1# "server" => "redis"');
      assert.equal(cli(['-3', '--no-raw', 'GET', 'cli:none']).stdout, '(nil)\n');
      assert.equal(cli(['-3', '--no-raw', 'CONFIG', 'GET', 'maxmemory']).stdout, '1# "maxmemory" => "0"\n');
    });

    test('--scan lists keys by pattern', () => {
      for (let i = 0; i < 30; i++) cli(['SET', `cli:scan:${i}`, 'v']);
      const keys = cli(['--scan', '--pattern', 'cli:scan:*']).stdout.trim().split('\n');
      assert.equal(new Set(keys).size, 30);
    });

    test('INFO and its sections', () => {
      const info = cli(['INFO']).stdout;
      assert.match(info, /^# Server/m);
      assert.match(info, /^redis_version:/m);
      assert.match(cli(['INFO', 'keyspace']).stdout, /^db0:keys=\d+,expires=\d+/m);
    });

    test('-n 2 selects database 2', () => {
      assert.equal(cli(['-n', '2', 'SET', 'cli:db', 'two']).stdout, 'OK\n');
      assert.equal(cli(['-n', '2', 'GET', 'cli:db']).stdout, 'two\n');
      assert.equal(cli(['GET', 'cli:db']).stdout, '\n');
      const r = cli(['-n', '16', 'PING']);
      assert.match(r.stdout + r.stderr, /SELECT 16 failed: ERR DB index is out of range/);
    });

    test('--no-raw output of nested replies', () => {
      cli(['RPUSH', 'cli:list', 'a', 'b']);
      assert.equal(cli(['--no-raw', 'LRANGE', 'cli:list', '0', '-1']).stdout, '1) "a"\n2) "b"\n');
      assert.equal(cli(['--no-raw', 'LRANGE', 'cli:none', '0', '-1']).stdout, '(empty array)\n');
      cli(['-n', '5', 'RPUSH', 'cli:list', 'a']);
      assert.equal(cli(['-n', '5', '--no-raw', 'SCAN', '0', 'COUNT', '1000']).stdout, '1) "0"\n2) 1) "cli:list"\n');
      cli(['-n', '5', 'HSET', 'cli:h', 'f', 'v']);
      assert.equal(cli(['-n', '5', '--no-raw', 'HGETALL', 'cli:h']).stdout, '1) "f"\n2) "v"\n');
      assert.equal(cli(['--no-raw', 'INCR', 'cli:counter']).stdout, '(integer) 1\n');
      assert.equal(cli(['--no-raw', 'GET', 'cli:none']).stdout, '(nil)\n');
      assert.equal(cli(['--no-raw', 'LPUSH', 'cli:k', 'x']).stdout, '(error) WRONGTYPE Operation against a key holding the wrong kind of value\n');
    });

    test('COMMAND DOCS, which redis-cli reads for its hints, names each command\'s group', () => {
      // emberkv's docs carry the group only (the README says so): redis-cli
      // then shows bare hints, and must not fail on them.
      const docs = cli(['COMMAND', 'DOCS', 'get', 'hset']).stdout.split('\n');
      assert.deepEqual(docs.slice(0, 6), ['get', 'group', 'string', 'hset', 'group', 'hash']);
    });

    test('-s: the Unix socket', () => {
      const r = spawnSync(REDIS_CLI, ['-s', socketPath, 'PING'], { encoding: 'utf8' });
      assert.equal(r.stdout, 'PONG\n');
      const set = spawnSync(REDIS_CLI, ['-s', socketPath, 'GET', 'cli:k'], { encoding: 'utf8' });
      assert.equal(set.stdout, 'v\n', 'the same keyspace as the TCP port');
    });
  });
});
