// What protects emberkv-server's RESP port (issue 8): output buffer limits
// (a subscriber that stops reading is disconnected at the pubsub class's
// hard limit; a normal client that pipelines large replies without
// reading has its requests left unread until it catches up, and then
// gets every reply), authentication (requirepass: NOAUTH, WRONGPASS,
// Redis's limits on requests before AUTH, HELLO 3 AUTH, ioredis's
// username / password), ACL users created over RESP with NOPERM worded as
// the gRPC side words it, and TLS on the RESP port with ioredis.
// Two server processes: a plain one with a password and a small pubsub
// limit, and a TLS one.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import tls from 'node:tls';
import Redis from 'ioredis';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { RawConnection, exchange } from '../support/resp-raw.mjs';
import { hasOpenssl, makeCertificates } from '../support/certificates.mjs';

const PASSWORD = 'resp-secret-7c1d';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const bulk = (s) => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;

describe('RESP limits and security', () => {
  let server;
  let admin;
  const open = [];

  before(async () => {
    server = await startGrpcServer([
      '--resp-port', '0', '--requirepass', PASSWORD,
      '--client-output-buffer-limit', 'pubsub 64kb 32kb 1',
    ]);
    admin = await connect();
    await exchange(admin, `AUTH ${PASSWORD}\r\n`, '+OK\r\n');
  });

  after(async () => {
    for (const c of open) c.close();
    await server?.stop();
  });

  async function connect() {
    const c = await RawConnection.open(server.respPort);
    open.push(c);
    return c;
  }


  /** A connection authenticated as the default user. */
  async function authenticated() {
    const c = await connect();
    await exchange(c, `AUTH ${PASSWORD}\r\n`, '+OK\r\n');
    return c;
  }

  /** Waits (up to 5 s) for a server log line `match` accepts. */
  async function waitForLog(match) {
    for (let waited = 0; waited < 5000; waited += 20) {
      const line = server.logs.find(match);
      if (line) return line;
      await sleep(20);
    }
    assert.fail('the server did not log the expected line');
  }

  async function clientId(c) {
    c.write('CLIENT ID\r\n');
    return Number(/^:(\d+)\r\n$/.exec(await c.takeMatch(/\r\n/))[1]);
  }

  /** The integer reply of an inline command on the admin connection. */
  async function integer(request) {
    admin.write(request);
    return Number(/^:(-?\d+)\r\n$/.exec(await admin.takeMatch(/\r\n/))[1]);
  }

  describe('output buffer limits', () => {
    test('a subscriber that stops reading is disconnected at the pubsub hard limit', async () => {
      const subscriber = await authenticated();
      const id = await clientId(subscriber);
      await exchange(subscriber, 'SUBSCRIBE ob:news\r\n', `*3\r\n${bulk('subscribe')}${bulk('ob:news')}:1\r\n`);
      subscriber.socket.pause();  // reads nothing more: the kernel buffers fill, then the server's
      const message = 'm'.repeat(32 * 1024);
      let published = 0;
      let receivers = 1;
      // Far more than any socket buffers hold, if the server never cut it off.
      while (receivers === 1 && published < 20_000) {
        receivers = await integer(`PUBLISH ob:news ${message}\r\n`);
        published++;
      }
      assert.equal(receivers, 0, `the subscriber still counted after ${published} messages of 32 KB`);
      const line = await waitForLog((l) => l.msg === 'client closed for overcoming of output buffer limits' && l.client === id);
      assert.equal(line.class, 'pubsub');
      // The hard limit, normally; the soft one (32 KB for 1 s) if this machine stalled between two publishes.
      assert.ok(['hard', 'soft'].includes(line.limit), line.limit);
      // Closed on the first write that passed a limit: not much past the hard one.
      assert.ok(line.pending >= 64 * 1024 && line.pending < 64 * 1024 + 2 * message.length + 1024, `pending ${line.pending}`);
      admin.write(`CLIENT LIST ID ${id}\r\n`);
      assert.equal(await admin.expect('$0\r\n\r\n'), '$0\r\n\r\n');
      assert.equal(await integer('PUBSUB NUMPAT\r\n'), 0);
    });

    test('a normal client that does not read: its requests wait, others are served, then every reply arrives', async () => {
      const value = 'v'.repeat(4096);
      await exchange(admin, `SET ob:big ${value}\r\nDEL ob:n\r\n`, '+OK\r\n:0\r\n');
      const slow = await authenticated();
      slow.socket.pause();
      const pairs = 20_000;  // 80 MB of replies, 460 KB of requests
      const request = 'INCR ob:n\r\nGET ob:big\r\n';
      for (let i = 0; i < pairs; i += 1000) slow.write(request.repeat(Math.min(1000, pairs - i)));
      // The server runs what it read, then stops reading once its output
      // for the client piles up: the counter settles below the total.
      let before = -1;
      let now = 0;
      for (let round = 0, stable = 0; round < 400 && stable < 3; round++) {
        await sleep(50);
        admin.write('GET ob:n\r\n');
        const reply = await admin.takeMatch(/^(\$-1|\$\d+\r\n\d+)\r\n/);
        now = reply.startsWith('$-1') ? 0 : Number(reply.split('\r\n')[1]);
        stable = now === before && now > 0 ? stable + 1 : 0;
        before = now;
      }
      assert.ok(now > 0 && now < pairs, `counter ${now} of ${pairs}: the server went on reading a client that did not read`);
      await exchange(admin, 'PING\r\n', '+PONG\r\n');

      // Now it reads: every reply, in order.
      slow.socket.resume();
      const reply = `$4096\r\n${value}\r\n`;
      for (let i = 1; i <= pairs; i++) {
        const expected = `:${i}\r\n${reply}`;
        const got = await slow.take(expected.length, 20_000);
        if (got !== expected) assert.fail(`reply ${i}: ${JSON.stringify(got.slice(0, 40))}...`);
      }
      assert.equal(await integer('INCRBY ob:n 0\r\n'), pairs);
    });
  });

  describe('authentication', () => {
    test('NOAUTH before AUTH, WRONGPASS for a wrong secret, then OK', async () => {
      const c = await connect();
      await exchange(c, 'GET k\r\nPING\r\n', '-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n');
      await exchange(c, 'AUTH wrong\r\n', '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      await exchange(c, 'AUTH default wrong\r\n', '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      await exchange(c, 'AUTH a b c\r\n', '-ERR syntax error\r\n');
      await exchange(c, `AUTH ${PASSWORD}\r\nPING\r\nACL WHOAMI\r\n`, `+OK\r\n+PONG\r\n${bulk('default')}`);
    });

    test('before AUTH a request may not announce more than 10 arguments (Redis\'s limit)', async () => {
      const c = await connect();
      await exchange(c, '*11\r\n', '-ERR Protocol error: unauthenticated multibulk length\r\n');
      assert.equal(await c.waitClosed(), true);
    });

    test('before AUTH a bulk may not pass 16 KB; after AUTH it may', async () => {
      const c = await connect();
      await exchange(c, '*2\r\n$4\r\nECHO\r\n$16385\r\n', '-ERR Protocol error: unauthenticated bulk length\r\n');
      assert.equal(await c.waitClosed(), true);
      const ok = await authenticated();
      const big = 'b'.repeat(100_000);
      await exchange(ok, `*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`, bulk(big));
      await exchange(ok, `*12\r\n$5\r\nRPUSH\r\n$6\r\nauth:l\r\n${'$1\r\nx\r\n'.repeat(10)}`, ':10\r\n');
    });

    test('HELLO 3 AUTH user pass SETNAME name, and HELLO before AUTH', async () => {
      const c = await connect();
      await exchange(
        c,
        'HELLO 3\r\n',
        '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> ' +
          'option can be used to authenticate the client and select the RESP protocol version at the same time\r\n',
      );
      await exchange(c, 'HELLO 3 AUTH default wrong\r\n', '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      c.write(`HELLO 3 AUTH default ${PASSWORD} SETNAME hello-client\r\n`);
      assert.match(await c.takeMatch(/modules\r\n\*0\r\n/), /^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n.*\$5\r\nproto\r\n:3\r\n/s);
      await exchange(c, 'CLIENT GETNAME\r\nGET nokey\r\n', `${bulk('hello-client')}_\r\n`);
    });

    test('an EXEC refused before it runs aborts the transaction (EXECABORT ... because of)', async () => {
      const c = await connect();
      await exchange(c, 'EXEC\r\n', '-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n');
      await exchange(
        c,
        `AUTH ${PASSWORD}\r\nMULTI\r\nSET auth:tx 1\r\nEXEC x\r\nEXEC\r\n`,
        "+OK\r\n+OK\r\n+QUEUED\r\n-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n" +
          '-ERR EXEC without MULTI\r\n',
      );
      await exchange(
        c,
        'SUBSCRIBE auth:c\r\nEXEC\r\n',
        `*3\r\n${bulk('subscribe')}${bulk('auth:c')}:1\r\n-EXECABORT Transaction discarded because of: Can't execute 'exec': ` +
          'only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n',
      );
    });

    test('ioredis with username and password; a wrong password is refused', async () => {
      const good = new Redis({ port: server.respPort, host: '127.0.0.1', username: 'default', password: PASSWORD });
      try {
        assert.equal(await good.set('auth:io', 'v'), 'OK');
        assert.equal(await good.get('auth:io'), 'v');
      } finally {
        good.disconnect();
      }
      // ioredis reports the AUTH error as an 'error' event (and gives up: no retries).
      const bad = new Redis({ port: server.respPort, host: '127.0.0.1', password: 'nope', lazyConnect: true, retryStrategy: () => null });
      const errors = [];
      bad.on('error', (err) => errors.push(err.message));
      try {
        await bad.connect().catch(() => {});
        for (let waited = 0; errors.length === 0 && waited < 5000; waited += 20) await sleep(20);
        assert.ok(errors.some((m) => m.includes('WRONGPASS invalid username-password pair or user is disabled.')), errors.join('; '));
      } finally {
        bad.disconnect();
      }
    });
  });

  describe('ACL users', () => {
    test('ACL SETUSER over RESP, AUTH as that user, NOPERM worded as on gRPC', async () => {
      await exchange(admin, 'ACL SETUSER carol on >carol-pw ~carol:* +@read +@write +@connection +@transaction +acl|whoami -@dangerous\r\n', '+OK\r\n');
      const c = await connect();
      await exchange(c, 'AUTH carol carol-pw\r\nACL WHOAMI\r\n', `+OK\r\n${bulk('carol')}`);
      await exchange(c, 'SET carol:x 1\r\nGET carol:x\r\n', `+OK\r\n${bulk('1')}`);

      const grpc = new Client({ address: server.address, username: 'carol', password: 'carol-pw' });
      try {
        const grpcText = async (...command) => {
          try {
            await grpc.call(...command);
          } catch (err) {
            return err.message;
          }
          assert.fail(`${command.join(' ')} ran over gRPC`);
        };
        for (const command of [['SET', 'other:x', '1'], ['GET', 'other:x'], ['FLUSHALL'], ['CONFIG', 'GET', 'maxmemory']]) {
          const text = await grpcText(...command);
          assert.match(text, /^NOPERM /);
          await exchange(c, `${command.join(' ')}\r\n`, `-${text}\r\n`);
        }
      } finally {
        await grpc.close();
      }
      // A refused command in MULTI makes EXEC abort.
      await exchange(
        c,
        'MULTI\r\nSET carol:y 1\r\nSET other:y 1\r\n',
        `+OK\r\n+QUEUED\r\n-NOPERM No permissions to access a key: user carol may not write 'other:y' (key patterns: ~carol:*)\r\n`,
      );
      await exchange(c, 'EXEC\r\nEXISTS carol:y\r\n', '-EXECABORT Transaction discarded because of previous errors.\r\n:0\r\n');
    });

    test('a user changed by ACL SETUSER is seen by its open connections', async () => {
      await exchange(admin, 'ACL SETUSER dave on >dave-pw ~dave:* +@all\r\n', '+OK\r\n');
      const c = await connect();
      await exchange(c, 'AUTH dave dave-pw\r\nSET dave:a 1\r\n', '+OK\r\n+OK\r\n');
      await exchange(admin, 'ACL SETUSER dave -set\r\n', '+OK\r\n');
      c.write('SET dave:a 2\r\n');
      assert.match(await c.takeMatch(/\r\n/), /^-NOPERM .*'set' command\r\n$/);
    });
  });
});

describe('RESP over TLS', { skip: !hasOpenssl() && 'no openssl command' }, () => {
  let certs;
  let server;

  before(async () => {
    certs = makeCertificates();
    server = await startGrpcServer([
      '--resp-port', '0', '--tls-cert-file', certs.file('server.crt'), '--tls-key-file', certs.file('server.key'),
    ]);
  });

  after(async () => {
    await server?.stop();
    rmSync(certs.dir, { recursive: true, force: true });
  });

  test('ioredis with tls options against the RESP port', async () => {
    const client = new Redis({ port: server.respPort, host: '127.0.0.1', tls: { ca: readFileSync(certs.file('ca.crt')), servername: 'localhost' } });
    try {
      assert.equal(await client.ping(), 'PONG');
      assert.equal(await client.set('tls:k', Buffer.from([0, 1, 2, 255])), 'OK');
      assert.deepEqual(await client.getBuffer('tls:k'), Buffer.from([0, 1, 2, 255]));
      const pipe = client.pipeline();
      for (let i = 0; i < 1000; i++) pipe.incr('tls:n');
      const replies = await pipe.exec();
      assert.deepEqual(replies.at(-1), [null, 1000]);
    } finally {
      client.disconnect();
    }
  });

  test('a client that does not trust the server CA is refused; plaintext gets no reply', async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        const socket = tls.connect({ port: server.respPort, host: '127.0.0.1', servername: 'localhost' }, () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      }),
      /self[- ]signed|unable to (get|verify)/i,
    );
    const plain = await RawConnection.open(server.respPort);
    try {
      plain.write('PING\r\n');
      assert.equal(await plain.waitClosed(10_000), true, 'the TLS port closes a plaintext connection');
      assert.doesNotMatch(plain.pending, /PONG/);
    } finally {
      plain.close();
    }
  });
});
