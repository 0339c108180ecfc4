// The state a RESP connection keeps (issue 8), through emberkv-server's
// RESP port, exact bytes checked with a raw connection: databases (SELECT,
// and the keyspace shared with gRPC), MULTI / EXEC / DISCARD / WATCH /
// UNWATCH, blocking commands (woken from either protocol, timeouts, the
// database they wait in, pipelined commands behind them, a client that
// leaves), pub/sub (RESP2 subscribed mode, RESP3 pushes, messages across
// protocols, ioredis's subscriber mode) and the connection commands
// (HELLO, CLIENT ..., RESET, QUIT, ECHO, PING). Expected bytes are Redis
// 7.0's (checked against redis-server when these tests were written).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { RawConnection, exchange } from '../support/resp-raw.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A RESP2 bulk string. */
const bulk = (s) => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
/** A RESP2 array of bulk strings. */
const bulks = (...items) => `*${items.length}\r\n${items.map(bulk).join('')}`;

describe('RESP connection state', () => {
  let server;
  let grpc;
  let grpc3;
  let admin;
  const open = [];

  before(async () => {
    server = await startGrpcServer(['--resp-port', '0']);
    grpc = new Client({ address: server.address });
    grpc3 = new Client({ address: server.address, db: 3 });
    admin = await connect();
  });

  after(async () => {
    for (const c of open) c.close();
    await grpc?.close();
    await grpc3?.close();
    await server?.stop();
  });

  /** A raw connection, closed after the file's tests. */
  async function connect() {
    const c = await RawConnection.open(server.respPort);
    open.push(c);
    return c;
  }


  /** The connection's client id. */
  async function clientId(c) {
    c.write('CLIENT ID\r\n');
    return Number(/^:(\d+)\r\n$/.exec(await c.takeMatch(/\r\n/))[1]);
  }

  /** Waits until the client `id` is blocked (CLIENT LIST's flags has b). */
  async function waitBlocked(id) {
    for (let waited = 0; waited < 10_000; waited += 10) {
      admin.write(`CLIENT LIST ID ${id}\r\n`);
      const reply = await admin.takeMatch(/^\$\d+\r\n[^\r]*\r\n/);
      if (/ flags=\w*b/.test(reply)) return;
      await sleep(10);
    }
    assert.fail(`client ${id} never blocked`);
  }

  /** Waits until the client `id` is gone from CLIENT LIST. */
  async function waitGone(id) {
    for (let waited = 0; waited < 10_000; waited += 10) {
      admin.write(`CLIENT LIST ID ${id}\r\n`);
      if ((await admin.takeMatch(/^\$\d+\r\n[^\r]*\r\n/)) === '$0\r\n\r\n') return;
      await sleep(10);
    }
    assert.fail(`client ${id} never went away`);
  }

  describe('databases', () => {
    test('SELECT 0 to 15; 16, -1 and a non-number refused', async () => {
      const c = await connect();
      for (let db = 0; db < 16; db++) await exchange(c, `SELECT ${db}\r\n`, '+OK\r\n');
      await exchange(c, 'SELECT 16\r\n', '-ERR DB index is out of range\r\n');
      await exchange(c, 'SELECT -1\r\n', '-ERR DB index is out of range\r\n');
      await exchange(c, 'SELECT x\r\n', '-ERR value is not an integer or out of range\r\n');
      await exchange(c, 'SET db:k fifteen\r\n', '+OK\r\n');
      await exchange(c, 'SELECT 0\r\n', '+OK\r\n');
      await exchange(c, 'GET db:k\r\n', '$-1\r\n');
      await exchange(c, 'SELECT 15\r\nGET db:k\r\n', `+OK\r\n${bulk('fifteen')}`);
    });

    test('a gRPC write is seen at once over RESP, and the other way round', async () => {
      const c = await connect();
      assert.equal(await grpc.call('SET', 'db:shared', 'from-grpc'), 'OK');
      await exchange(c, 'GET db:shared\r\n', bulk('from-grpc'));
      await exchange(c, 'SET db:shared from-resp\r\n', '+OK\r\n');
      assert.equal(await grpc.call('GET', 'db:shared'), 'from-resp');
      await exchange(c, 'RPUSH db:list a b\r\n', ':2\r\n');
      assert.deepEqual(await grpc.call('LRANGE', 'db:list', 0, -1), ['a', 'b']);
    });

    test('gRPC Client({db: 3}) and RESP SELECT 3 see the same keys', async () => {
      const c = await connect();
      assert.equal(await grpc3.call('SET', 'db:three', 'x'), 'OK');
      await exchange(c, 'GET db:three\r\n', '$-1\r\n');
      await exchange(c, 'SELECT 3\r\nGET db:three\r\n', `+OK\r\n${bulk('x')}`);
      await exchange(c, 'HSET db:h3 f v\r\n', ':1\r\n');
      assert.equal(await grpc3.call('HGET', 'db:h3', 'f'), 'v');
      assert.equal(await grpc.call('EXISTS', 'db:h3'), 0);
      await exchange(c, 'DBSIZE\r\n', `:${await grpc3.call('DBSIZE')}\r\n`);
    });
  });

  describe('transactions', () => {
    test('MULTI queues, EXEC runs and answers an array', async () => {
      const c = await connect();
      await exchange(c, 'MULTI\r\nSET tx:a 1\r\nINCR tx:a\r\nGET tx:a\r\n', '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n');
      assert.equal(await grpc.call('EXISTS', 'tx:a'), 0, 'nothing runs before EXEC');
      await exchange(c, 'EXEC\r\n', `*3\r\n+OK\r\n:2\r\n${bulk('2')}`);
    });

    test('an unknown command while queueing: its error, then EXECABORT, nothing run', async () => {
      const c = await connect();
      await exchange(
        c,
        'MULTI\r\nSET tx:b 1\r\nNOSUCH x\r\nEXEC\r\nEXISTS tx:b\r\n',
        "+OK\r\n+QUEUED\r\n-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n" +
          '-EXECABORT Transaction discarded because of previous errors.\r\n:0\r\n',
      );
    });

    test('a wrong arity while queueing: EXECABORT', async () => {
      const c = await connect();
      await exchange(
        c,
        'MULTI\r\nSET tx:c 1\r\nGET\r\nEXEC\r\nEXISTS tx:c\r\n',
        "+OK\r\n+QUEUED\r\n-ERR wrong number of arguments for 'get' command\r\n" +
          '-EXECABORT Transaction discarded because of previous errors.\r\n:0\r\n',
      );
    });

    test('a runtime error is one element of EXEC\'s array; the others run', async () => {
      const c = await connect();
      await exchange(
        c,
        'SET tx:s x\r\nMULTI\r\nINCR tx:s\r\nSET tx:t 1\r\nLPUSH tx:s a\r\nEXEC\r\n',
        '+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n-ERR value is not an integer or out of range\r\n+OK\r\n' +
          '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
      );
      assert.equal(await grpc.call('GET', 'tx:t'), '1');
    });

    test('a WATCHed key written by another RESP client: EXEC answers *-1 (RESP2)', async () => {
      const c = await connect();
      const other = await connect();
      await exchange(c, 'WATCH tx:w\r\n', '+OK\r\n');
      await exchange(other, 'SET tx:w changed\r\n', '+OK\r\n');
      await exchange(c, 'MULTI\r\nSET tx:w mine\r\nEXEC\r\n', '+OK\r\n+QUEUED\r\n*-1\r\n');
      await exchange(c, 'GET tx:w\r\n', bulk('changed'));
    });

    test('a WATCHed key written over gRPC: EXEC answers _ (RESP3)', async () => {
      const c = await connect();
      c.write('HELLO 3\r\n');
      assert.match(await c.takeMatch(/modules\r\n\*0\r\n/), /^%7\r\n/);
      await exchange(c, 'WATCH tx:w3\r\n', '+OK\r\n');
      await grpc.call('SET', 'tx:w3', 'changed');
      await exchange(c, 'MULTI\r\nSET tx:w3 mine\r\nEXEC\r\n', '+OK\r\n+QUEUED\r\n_\r\n');
    });

    test('an untouched WATCH lets EXEC run; UNWATCH forgets the keys', async () => {
      const c = await connect();
      await exchange(c, 'WATCH tx:u\r\nMULTI\r\nSET tx:u 1\r\nEXEC\r\n', '+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n');
      await exchange(c, 'WATCH tx:u\r\nUNWATCH\r\n', '+OK\r\n+OK\r\n');
      await grpc.call('SET', 'tx:u', 'changed');
      await exchange(c, 'MULTI\r\nGET tx:u\r\nEXEC\r\n', `+OK\r\n+QUEUED\r\n*1\r\n${bulk('changed')}`);
    });

    test('WATCH inside MULTI, nested MULTI, EXEC and DISCARD without MULTI', async () => {
      const c = await connect();
      await exchange(
        c,
        'MULTI\r\nWATCH x\r\nMULTI\r\nSET tx:d 1\r\nDISCARD\r\nEXEC\r\nDISCARD\r\nEXISTS tx:d\r\n',
        '+OK\r\n-ERR WATCH inside MULTI is not allowed\r\n-ERR MULTI calls can not be nested\r\n+QUEUED\r\n+OK\r\n' +
          '-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n:0\r\n',
      );
    });

    test('a SELECT queued in MULTI changes the database of the commands after it', async () => {
      const c = await connect();
      await exchange(c, 'MULTI\r\nSELECT 4\r\nSET tx:db four\r\nEXEC\r\n', '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+OK\r\n');
      await exchange(c, 'GET tx:db\r\n', bulk('four'), 'the connection stays in db 4');
      assert.equal(await grpc.call('EXISTS', 'tx:db'), 0);
    });
  });

  describe('blocking commands', () => {
    test('BLPOP over RESP woken by a gRPC push', async () => {
      const c = await connect();
      const id = await clientId(c);
      c.write('BLPOP bl:grpc 0\r\n');
      await waitBlocked(id);
      assert.equal(await grpc.call('LPUSH', 'bl:grpc', 'v'), 1);
      assert.equal(await c.expect(bulks('bl:grpc', 'v')), bulks('bl:grpc', 'v'));
    });

    test('BLPOP over RESP woken by a push on another RESP connection', async () => {
      const c = await connect();
      const other = await connect();
      const id = await clientId(c);
      c.write('BLPOP bl:resp 0\r\n');
      await waitBlocked(id);
      await exchange(other, 'RPUSH bl:resp a b\r\n', ':2\r\n');
      assert.equal(await c.expect(bulks('bl:resp', 'a')), bulks('bl:resp', 'a'));
      assert.deepEqual(await grpc.call('LRANGE', 'bl:resp', 0, -1), ['b']);
    });

    test('BLPOP over gRPC woken by a RESP push', async () => {
      const c = await connect();
      const popped = grpc.call('BLPOP', 'bl:fromresp', 0);
      await sleep(50);
      await exchange(c, 'LPUSH bl:fromresp v\r\n', ':1\r\n');
      assert.deepEqual(await popped, ['bl:fromresp', 'v']);
    });

    test('a BLPOP timeout answers null: *-1 in RESP2, _ in RESP3', async () => {
      const c = await connect();
      await exchange(c, 'BLPOP bl:none 0.05\r\n', '*-1\r\n');
      c.write('HELLO 3\r\n');
      await c.takeMatch(/modules\r\n\*0\r\n/);
      await exchange(c, 'BLPOP bl:none 0.05\r\n', '_\r\n');
    });

    test('BLPOP in db 3 is woken by a push in db 3, not by the same key in db 0', async () => {
      const c = await connect();
      const other = await connect();
      const id = await clientId(c);
      c.write('SELECT 3\r\nBLPOP bl:db 0\r\n');
      assert.equal(await c.expect('+OK\r\n'), '+OK\r\n');
      await waitBlocked(id);
      await exchange(other, 'LPUSH bl:db in-db-0\r\n', ':1\r\n');
      // A command after the push on the same connection has run: had the
      // push served the waiter, the element would be gone.
      await exchange(other, 'LLEN bl:db\r\n', ':1\r\n');
      await waitBlocked(id);
      assert.equal(c.pending, '');
      assert.equal(await grpc3.call('RPUSH', 'bl:db', 'in-db-3'), 1);
      assert.equal(await c.expect(bulks('bl:db', 'in-db-3')), bulks('bl:db', 'in-db-3'));
      assert.deepEqual(await grpc.call('LRANGE', 'bl:db', 0, -1), ['in-db-0']);
    });

    test('commands pipelined behind a blocked BLPOP run after it is served, in order', async () => {
      const c = await connect();
      const id = await clientId(c);
      c.write('BLPOP bl:pipe 0\r\nSET bl:after 1\r\nINCR bl:after\r\n');
      await waitBlocked(id);
      assert.equal(await grpc.call('EXISTS', 'bl:after'), 0, 'the later commands wait too');
      await grpc.call('RPUSH', 'bl:pipe', 'x');
      const expected = `${bulks('bl:pipe', 'x')}+OK\r\n:2\r\n`;
      assert.equal(await c.expect(expected), expected);
    });

    test('a blocked client that disconnects consumes nothing', async () => {
      const c = await connect();
      const id = await clientId(c);
      c.write('BLPOP bl:gone 0\r\n');
      await waitBlocked(id);
      c.close();
      await waitGone(id);
      assert.equal(await grpc.call('RPUSH', 'bl:gone', 'kept'), 1);
      assert.deepEqual(await grpc.call('LRANGE', 'bl:gone', 0, -1), ['kept']);
    });

    test('a blocked client killed by CLIENT KILL consumes nothing, even if it never closes its end', async () => {
      const c = await connect();
      const killer = await connect();
      const id = await clientId(c);
      c.write('BLPOP bl:killed 0\r\n');
      await waitBlocked(id);
      c.socket.pause();  // it reads nothing more, so it does not answer the server's FIN either
      await exchange(killer, `CLIENT KILL ID ${id}\r\n`, ':1\r\n');
      await exchange(killer, 'RPUSH bl:killed kept\r\nLRANGE bl:killed 0 -1\r\n', `:1\r\n*1\r\n${bulk('kept')}`);
    });

    test('BLMOVE chains: one push serves a BLMOVE whose push serves the next', async () => {
      const first = await connect();
      const second = await connect();
      const firstId = await clientId(first);
      const secondId = await clientId(second);
      first.write('BLMOVE bl:c1 bl:c2 LEFT RIGHT 0\r\n');
      second.write('BLMOVE bl:c2 bl:c3 LEFT RIGHT 0\r\n');
      await waitBlocked(firstId);
      await waitBlocked(secondId);
      await grpc.call('RPUSH', 'bl:c1', 'hop');
      assert.equal(await first.expect(bulk('hop')), bulk('hop'));
      assert.equal(await second.expect(bulk('hop')), bulk('hop'));
      assert.deepEqual(
        await Promise.all(['bl:c1', 'bl:c2', 'bl:c3'].map((k) => grpc.call('LRANGE', k, 0, -1))),
        [[], [], ['hop']],
      );
    });
  });

  describe('pub/sub', () => {
    test('RESP2: confirmations, the subscribed-mode rule, PING, messages, unsubscribing', async () => {
      const c = await connect();
      const publisher = await connect();
      await exchange(
        c,
        'SUBSCRIBE ps:a ps:b\r\nPSUBSCRIBE ps:n.*\r\n',
        `*3\r\n${bulk('subscribe')}${bulk('ps:a')}:1\r\n*3\r\n${bulk('subscribe')}${bulk('ps:b')}:2\r\n` +
          `*3\r\n${bulk('psubscribe')}${bulk('ps:n.*')}:3\r\n`,
      );
      await exchange(
        c,
        'GET ps:a\r\n',
        "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
      );
      await exchange(c, 'PING\r\nPING hi\r\n', `${bulks('pong', '')}${bulks('pong', 'hi')}`);
      await exchange(publisher, 'PUBLISH ps:a one\r\n', ':1\r\n');
      assert.equal(await c.expect(bulks('message', 'ps:a', 'one')), bulks('message', 'ps:a', 'one'));
      await exchange(publisher, 'PUBLISH ps:n.x two\r\n', ':1\r\n');
      assert.equal(await c.expect(bulks('pmessage', 'ps:n.*', 'ps:n.x', 'two')), bulks('pmessage', 'ps:n.*', 'ps:n.x', 'two'));
      await exchange(publisher, 'PUBLISH ps:nobody x\r\n', ':0\r\n');
      c.write('UNSUBSCRIBE\r\n');
      const unsubscribed = await c.takeMatch(/:1\r\n$/);
      assert.ok(unsubscribed.endsWith(':1\r\n') && unsubscribed.includes(':2\r\n'), unsubscribed);
      assert.deepEqual([...unsubscribed.matchAll(/\$4\r\n(ps:.)\r\n/g)].map((m) => m[1]).sort(), ['ps:a', 'ps:b']);
      await exchange(c, 'PUNSUBSCRIBE\r\n', `*3\r\n${bulk('punsubscribe')}${bulk('ps:n.*')}:0\r\n`);
      await exchange(c, 'UNSUBSCRIBE\r\n', `*3\r\n${bulk('unsubscribe')}$-1\r\n:0\r\n`);
      await exchange(c, 'ECHO back\r\n', bulk('back'));
    });

    test('PUBLISH counts channel and pattern subscribers', async () => {
      const a = await connect();
      const b = await connect();
      const publisher = await connect();
      await exchange(a, 'SUBSCRIBE ps:count\r\n', `*3\r\n${bulk('subscribe')}${bulk('ps:count')}:1\r\n`);
      await exchange(b, 'PSUBSCRIBE ps:co*\r\n', `*3\r\n${bulk('psubscribe')}${bulk('ps:co*')}:1\r\n`);
      await exchange(publisher, 'PUBLISH ps:count m\r\n', ':2\r\n');
      assert.equal(await a.expect(bulks('message', 'ps:count', 'm')), bulks('message', 'ps:count', 'm'));
      assert.equal(await b.expect(bulks('pmessage', 'ps:co*', 'ps:count', 'm')), bulks('pmessage', 'ps:co*', 'ps:count', 'm'));
    });

    test('RESP3: pushes, and other commands allowed while subscribed', async () => {
      const c = await connect();
      c.write('HELLO 3\r\n');
      await c.takeMatch(/modules\r\n\*0\r\n/);
      await exchange(c, 'SUBSCRIBE ps:3\r\n', `>3\r\n${bulk('subscribe')}${bulk('ps:3')}:1\r\n`);
      await exchange(c, 'GET ps:none\r\nSET ps:k v\r\nPING\r\n', '_\r\n+OK\r\n+PONG\r\n');
      assert.equal(await grpc.call('PUBLISH', 'ps:3', 'from-grpc'), 1);
      assert.equal(await c.expect(`>3\r\n${bulk('message')}${bulk('ps:3')}${bulk('from-grpc')}`), `>3\r\n$7\r\nmessage\r\n$4\r\nps:3\r\n$9\r\nfrom-grpc\r\n`);
      await exchange(c, 'UNSUBSCRIBE ps:3\r\n', `>3\r\n${bulk('unsubscribe')}${bulk('ps:3')}:0\r\n`);
    });

    test('PUBLISH over gRPC reaches RESP subscribers; PUBLISH over RESP reaches a gRPC Subscribe stream', async () => {
      const c = await connect();
      await exchange(c, 'SUBSCRIBE ps:cross\r\n', `*3\r\n${bulk('subscribe')}${bulk('ps:cross')}:1\r\n`);
      const subscription = grpc.subscribe({ channels: ['ps:cross'] });
      await subscription.ready;
      const publisher = await connect();
      await exchange(publisher, 'PUBLISH ps:cross over-resp\r\n', ':2\r\n');
      assert.equal(await c.expect(bulks('message', 'ps:cross', 'over-resp')), bulks('message', 'ps:cross', 'over-resp'));
      const iterator = subscription[Symbol.asyncIterator]();
      assert.deepEqual((await iterator.next()).value, { channel: 'ps:cross', message: 'over-resp' });
      assert.equal(await grpc.call('PUBLISH', 'ps:cross', 'over-grpc'), 2);
      assert.equal(await c.expect(bulks('message', 'ps:cross', 'over-grpc')), bulks('message', 'ps:cross', 'over-grpc'));
      assert.deepEqual((await iterator.next()).value, { channel: 'ps:cross', message: 'over-grpc' });
      subscription.close();
    });

    test('ioredis subscriber mode: message and pmessage events', async () => {
      const sub = new Redis({ port: server.respPort, host: '127.0.0.1' });
      const pub = new Redis({ port: server.respPort, host: '127.0.0.1' });
      try {
        assert.equal(await sub.subscribe('io:chan', 'io:other'), 2);
        assert.equal(await sub.psubscribe('io:p*'), 3);
        const events = [];
        const got = new Promise((resolve) => {
          const note = (...args) => {
            events.push(args);
            if (events.length === 3) resolve();
          };
          sub.on('message', (channel, message) => note('message', channel, message));
          sub.on('pmessage', (pattern, channel, message) => note('pmessage', pattern, channel, message));
        });
        assert.equal(await pub.publish('io:chan', 'hello'), 1);
        assert.equal(await pub.publish('io:pat', 'world'), 1);
        assert.equal(await pub.publish('io:p:chan', 'both'), 1);
        await got;
        assert.deepEqual(events, [
          ['message', 'io:chan', 'hello'],
          ['pmessage', 'io:p*', 'io:pat', 'world'],
          ['pmessage', 'io:p*', 'io:p:chan', 'both'],
        ]);
        await assert.rejects(sub.get('x'), /Connection in subscriber mode, only subscriber commands may be used/);
        // (ioredis waits for ever on an unsubscribe without names, against Redis too.)
        assert.equal(await sub.unsubscribe('io:chan', 'io:other'), 1);
        assert.equal(await sub.punsubscribe('io:p*'), 0);
        assert.equal(await sub.set('io:after', 'ok'), 'OK');
      } finally {
        sub.disconnect();
        pub.disconnect();
      }
    });
  });

  describe('connection commands', () => {
    const helloRe = (proto, id, name = '') =>
      proto === 3
        ? `%7\r\n${bulk('server')}${bulk('redis')}${bulk('version')}${bulk('7.0.15')}${bulk('proto')}:3\r\n${bulk('id')}:${id}\r\n` +
          `${bulk('mode')}${bulk('standalone')}${bulk('role')}${bulk('master')}${bulk('modules')}*0\r\n${name}`
        : `*14\r\n${bulk('server')}${bulk('redis')}${bulk('version')}${bulk('7.0.15')}${bulk('proto')}:2\r\n${bulk('id')}:${id}\r\n` +
          `${bulk('mode')}${bulk('standalone')}${bulk('role')}${bulk('master')}${bulk('modules')}*0\r\n${name}`;

    test('HELLO 2 and 3: the reply as array or map; NOPROTO for 4; SETNAME', async () => {
      const c = await connect();
      const id = await clientId(c);
      await exchange(c, 'HELLO\r\n', helloRe(2, id));
      await exchange(c, 'HELLO 3 SETNAME conn-a\r\n', helloRe(3, id));
      await exchange(c, 'CLIENT GETNAME\r\nGET nokey\r\n', `${bulk('conn-a')}_\r\n`);
      await exchange(c, 'HELLO 4\r\n', '-NOPROTO unsupported protocol version\r\n');
      await exchange(c, 'HELLO x\r\n', '-ERR Protocol version is not an integer or out of range\r\n');
      await exchange(c, 'HELLO 3 SETNAME a b\r\n', "-ERR Syntax error in HELLO option 'b'\r\n");
      await exchange(c, 'HELLO 2\r\nGET nokey\r\n', `${helloRe(2, id)}$-1\r\n`);
    });

    test('CLIENT ID, SETNAME, GETNAME, LIST, INFO, NO-EVICT', async () => {
      const c = await connect();
      const id = await clientId(c);
      await exchange(c, 'CLIENT GETNAME\r\n', '$-1\r\n');
      await exchange(c, 'CLIENT SETNAME "a b"\r\n', '-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
      await exchange(c, 'CLIENT SETNAME worker-1\r\nCLIENT GETNAME\r\n', `+OK\r\n${bulk('worker-1')}`);
      await exchange(c, 'CLIENT NO-EVICT on\r\n', '+OK\r\n');
      c.write('SELECT 6\r\nCLIENT INFO\r\n');
      const info = await c.takeMatch(/\n\r\n$/);
      assert.match(info, new RegExp(`^\\+OK\\r\\n\\$\\d+\\r\\nid=${id} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${server.respPort} name=worker-1 `));
      assert.match(info, / flags=e db=6 sub=0 psub=0 /);
      assert.match(info, / cmd=client\|info user=default /);
      assert.match(info, / resp=2\n\r\n$/);
      admin.write('CLIENT LIST\r\n');
      const list = await admin.takeMatch(/\n\r\n$/);
      assert.match(list, new RegExp(`(^|\\n)id=${id} [^\\n]* name=worker-1 [^\\n]* db=6 `));
      admin.write('CLIENT LIST TYPE pubsub\r\n');
      assert.doesNotMatch(await admin.takeMatch(/\r\n[^$]*\r\n$|^\$0\r\n\r\n$/), new RegExp(`id=${id} `));
    });

    test('CLIENT KILL by ID and by address closes that connection', async () => {
      const killer = await connect();
      const victim = await connect();
      const victimId = await clientId(victim);
      await exchange(killer, `CLIENT KILL ID ${victimId}\r\n`, ':1\r\n');
      assert.equal(await victim.waitClosed(), true);
      await exchange(killer, `CLIENT KILL ID ${victimId}\r\n`, ':0\r\n');

      const second = await connect();
      await exchange(second, 'PING\r\n', '+PONG\r\n');  // the server has its session by now
      const { address, port } = second.socket.address();
      await exchange(killer, `CLIENT KILL ${address}:${port}\r\n`, '+OK\r\n');
      assert.equal(await second.waitClosed(), true);
      await exchange(killer, `CLIENT KILL ${address}:${port}\r\n`, '-ERR No such client\r\n');
      await exchange(killer, 'PING\r\n', '+PONG\r\n');
    });

    test('CLIENT REPLY OFF, ON and SKIP', async () => {
      const c = await connect();
      await exchange(c, 'CLIENT REPLY OFF\r\nSET rp:a 1\r\nPING\r\nCLIENT REPLY ON\r\n', '+OK\r\n');
      await exchange(c, 'CLIENT REPLY SKIP\r\nGET rp:a\r\nGET rp:a\r\n', bulk('1'));
      assert.equal(c.pending, '');
    });

    test('RESET: +RESET, and back to db 0, RESP2, no name, no subscriptions, no transaction', async () => {
      const c = await connect();
      await exchange(c, 'SET rs:k zero\r\nSELECT 2\r\nCLIENT SETNAME named\r\n', '+OK\r\n+OK\r\n+OK\r\n');
      c.write('HELLO 3\r\n');
      await c.takeMatch(/modules\r\n\*0\r\n/);
      await exchange(c, 'SUBSCRIBE rs:chan\r\nMULTI\r\n', `>3\r\n${bulk('subscribe')}${bulk('rs:chan')}:1\r\n+OK\r\n`);
      await exchange(c, 'RESET\r\n', '+RESET\r\n');
      await exchange(c, 'GET rs:k\r\nGET nokey\r\nCLIENT GETNAME\r\nEXEC\r\n', `${bulk('zero')}$-1\r\n$-1\r\n-ERR EXEC without MULTI\r\n`);
      admin.write('PUBSUB NUMSUB rs:chan\r\n');
      assert.equal(await admin.expect(`*2\r\n${bulk('rs:chan')}:0\r\n`), `*2\r\n${bulk('rs:chan')}:0\r\n`);
    });

    test('QUIT: +OK, then the server closes the connection', async () => {
      const c = await connect();
      await exchange(c, 'QUIT\r\n', '+OK\r\n');
      assert.equal(await c.waitClosed(), true);
    });

    test('ECHO and PING', async () => {
      const c = await connect();
      await exchange(c, 'PING\r\nPING hello\r\nECHO "a\\r\\nb"\r\n', `+PONG\r\n${bulk('hello')}$4\r\na\r\nb\r\n`);
      await exchange(c, 'ECHO\r\nPING a b\r\n', "-ERR wrong number of arguments for 'echo' command\r\n-ERR wrong number of arguments for 'ping' command\r\n");
    });
  });
});
