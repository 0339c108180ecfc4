// The RESP wire protocol of emberkv-server's RESP port (issue 8), checked
// differentially: the same raw bytes go to emberkv and to a real
// redis-server, and what comes back (the bytes, and whether the server
// closed the connection) must be the same. Covers malformed requests
// (each answered with Redis's protocol error text, then the connection
// closed, the server serving others as before), inline (telnet style)
// commands with Redis's quoting, empty requests, requests split at every
// kind of boundary, and a client that leaves half a command behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { hasRedisServer, startRedisServer } from '../support/redis-server.mjs';
import { RespClient, encodeCommand } from '../support/resp-client.mjs';

const HAVE_REDIS = hasRedisServer();
if (!HAVE_REDIS) process.stderr.write('\n*** resp-protocol.test.mjs: SKIPPED: no redis-server on PATH ***\n\n');

/** A command that marks the end of a case's replies when the connection stays open. */
const SENTINEL = encodeCommand(['ECHO', 'end-of-case']);
const SENTINEL_REPLY = '$11\r\nend-of-case\r\n';

/**
 * Writes `bytes` then SENTINEL to a new connection to `port`; resolves
 * with { text, closed }: every byte received (latin1), and whether the
 * server closed the connection (a closed connection never answers the
 * sentinel). Without the sentinel (`sentinel` false: bytes whose end
 * matters), only a close ends the exchange. Gives up after 10 s.
 */
function exchange(port, bytes, sentinel = true) {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ port, host: '127.0.0.1' });
    let text = '';
    let settled = false;
    const finish = (closed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: closed ? text : text.slice(0, -SENTINEL_REPLY.length), closed });
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`no sentinel and no close after 10 s; got ${JSON.stringify(text)}`));
    }, 10_000);
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from(bytes, 'latin1'), sentinel ? SENTINEL : Buffer.alloc(0)])));
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.endsWith(SENTINEL_REPLY)) finish(false);
    });
    socket.on('error', () => {});  // a reset after a protocol error: 'close' follows
    socket.on('close', () => finish(true));
  });
}

describe('RESP protocol, against redis-server', { skip: !HAVE_REDIS && 'no redis-server' }, () => {
  let ember;
  let redis;

  before(async () => {
    [ember, redis] = await Promise.all([startGrpcServer(['--resp-port', '0']), startRedisServer()]);
  });
  after(async () => {
    await Promise.all([ember?.stop(), redis?.stop()]);
  });

  /** The server still answers a new connection. */
  async function stillServes() {
    const client = await RespClient.connect(ember.respPort);
    try {
      assert.equal(await client.send('PING'), 'PONG');
    } finally {
      client.close();
    }
  }

  /**
   * Sends `bytes` to both servers; asserts emberkv answers exactly what
   * Redis answers, and that `expected` (if given) is what that is.
   * Client ids in HELLO replies differ: `normalize` may mask them.
   */
  async function same(bytes, expected, normalize = (s) => s, sentinel = true) {
    const [fromEmber, fromRedis] = await Promise.all([exchange(ember.respPort, bytes, sentinel), exchange(redis.port, bytes, sentinel)]);
    const theirs = { text: normalize(fromRedis.text), closed: fromRedis.closed };
    assert.deepEqual({ text: normalize(fromEmber.text), closed: fromEmber.closed }, theirs, `for ${JSON.stringify(bytes)}`);
    if (expected) assert.deepEqual(theirs, expected, 'the oracle itself');
    if (fromEmber.closed) await stillServes();
  }

  const closedWith = (error) => ({ text: `-${error}\r\n`, closed: true });

  describe('malformed requests: the error, then the connection closes', () => {
    const cases = [
      ['a multibulk length that is not a number', '*abc\r\n', 'ERR Protocol error: invalid multibulk length'],
      ['an empty multibulk length', '*\r\n', 'ERR Protocol error: invalid multibulk length'],
      ['a multibulk length with a space', '*1 \r\n', 'ERR Protocol error: invalid multibulk length'],
      ['a multibulk length with a sign', '*+3\r\n', 'ERR Protocol error: invalid multibulk length'],
      ['a multibulk count past INT_MAX', '*2147483648\r\n', 'ERR Protocol error: invalid multibulk length'],
      ['a huge multibulk count', '*99999999999\r\n', 'ERR Protocol error: invalid multibulk length'],
      ['a bulk length that is not a number', '*1\r\n$abc\r\n', 'ERR Protocol error: invalid bulk length'],
      ['an empty bulk length', '*1\r\n$\r\n', 'ERR Protocol error: invalid bulk length'],
      ['a negative bulk length', '*1\r\n$-5\r\n', 'ERR Protocol error: invalid bulk length'],
      ['a null bulk in a request', '*1\r\n$-1\r\n', 'ERR Protocol error: invalid bulk length'],
      ['a bulk length with a trailing space', '*1\r\n$4 \r\nPING\r\n', 'ERR Protocol error: invalid bulk length'],
      ['a huge declared bulk length', '*1\r\n$999999999999\r\n', 'ERR Protocol error: invalid bulk length'],
      ['a bulk past proto-max-bulk-len (512mb)', '*1\r\n$536870913\r\n', 'ERR Protocol error: invalid bulk length'],
      ['no $ where a bulk belongs', '*1\r\nfoo\r\n', "ERR Protocol error: expected '$', got 'f'"],
      ['an integer where a bulk belongs', '*3\r\n$3\r\nSET\r\n$1\r\na\r\n:1\r\n', "ERR Protocol error: expected '$', got ':'"],
      ['unbalanced double quotes inline', 'SET a "b c\r\n', 'ERR Protocol error: unbalanced quotes in request'],
      ['unbalanced single quotes inline', "SET a 'b c\r\n", 'ERR Protocol error: unbalanced quotes in request'],
      ['a closing quote not followed by a space', '"PING"x\r\n', 'ERR Protocol error: unbalanced quotes in request'],
    ];
    for (const [name, bytes, error] of cases) {
      test(name, () => same(bytes, closedWith(error)));
    }

    test('commands before the malformed one are answered first', () =>
      same('*1\r\n$4\r\nPING\r\n*1\r\n$-1\r\n', { text: '+PONG\r\n-ERR Protocol error: invalid bulk length\r\n', closed: true }));

    test('an inline line past 64 KB without its end: too big inline request', () =>
      same(`GET ${'a'.repeat(70_000)}`, closedWith('ERR Protocol error: too big inline request'), undefined, false));

    test('a count line past 64 KB without its end: too big mbulk count string', () =>
      same(`*${'1'.repeat(70_000)}`, closedWith('ERR Protocol error: too big mbulk count string'), undefined, false));

    test('a bulk count line past 64 KB without its end: too big bulk count string', () =>
      same(`*1\r\n$${'1'.repeat(70_000)}`, closedWith('ERR Protocol error: too big bulk count string'), undefined, false));
  });

  /** HELLO's reply holds the client id, which differs between the servers. */
  const maskIds = (s) => s.replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:ID\r\n');

  describe('binary garbage and odd input (the connection stays open)', () => {
    test('high bytes as an inline command: unknown command', () =>
      same('\xff\xfe\x80garbage\r\n', { text: "-ERR unknown command '\xff\xfe\x80garbage', with args beginning with: \r\n", closed: false }));
    test('control bytes, with arguments', () => same('\xff\xfe\x01\x02 \x03\x7f\r\n'));
    test('reply-looking input is an inline command', () => same('+OK\r\n:1\r\n-ERR x\r\n$5\r\nhello\r\n', null, maskIds));
    test('form feed and vertical tab inside an inline word', () => same('ECHO a\fb\vc\r\n\f\vECHO  x \r\n'));
    test('a long unknown command name is cut at 128 bytes', () => same(`${'n'.repeat(300)} a\r\n`));
    test('random bytes without CR, LF or NUL', async () => {
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
      let bytes = '';
      for (let i = 0; i < 300; i++) {
        const b = 1 + (random() % 255);
        if (b !== 10 && b !== 13 && b !== 0x22 && b !== 0x27) bytes += String.fromCharCode(b);
      }
      // '*' or '$' first would make it a (bad) multibulk: keep it inline.
      await same(`x${bytes}\r\n`);
    });
  });

  describe('inline commands and empty requests', () => {
    test('PING, quoting and escapes', () =>
      same('PING\r\nSET p:a "b c"\r\nGET p:a\r\nSET p:b \'x\\\'y\'\r\nGET p:b\r\nSET p:c "\\x41\\n\\t\\"q"\r\nGET p:c\r\nSET p:d b"c"\r\nGET p:d\r\n', {
        text: '+PONG\r\n+OK\r\n$3\r\nb c\r\n+OK\r\n$3\r\nx\'y\r\n+OK\r\n$5\r\nA\n\t"q\r\n+OK\r\n$2\r\nbc\r\n',
        closed: false,
      }));
    test('blank lines, LF-only lines, empty multibulks', () =>
      same('\r\n\nPING\n*0\r\n*-1\r\nECHO  "two  spaces"  \r\n', { text: '+PONG\r\n$11\r\ntwo  spaces\r\n', closed: false }));
    test('HELLO inline, RESP2 and RESP3', () =>
      same('HELLO\r\nHELLO 3\r\nGET nokey\r\nHELLO 2\r\nGET nokey\r\nHELLO 4\r\n', null, maskIds));
    test('unknown commands and wrong arity, long arguments cut as Redis cuts them', () =>
      same(`NOSUCH a b\r\nGET\r\nGET a b\r\n*2\r\n$6\r\nNOSUCH\r\n$300\r\n${'x'.repeat(300)}\r\n`));
  });

  describe('requests split across reads', () => {
    test('a pipeline written a few bytes at a time', async () => {
      const commands = [['SET', 'p:split', 'v'.repeat(5000)], ['GET', 'p:split'], ['PING'], ['ECHO', '']];
      const bytes = Buffer.concat(commands.map(encodeCommand));
      const client = await RespClient.connect(ember.respPort);
      const socket = await new Promise((resolve, reject) => {
        const s = net.createConnection({ port: ember.respPort, host: '127.0.0.1' }, () => resolve(s));
        s.once('error', reject);
      });
      try {
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString('latin1')));
        const expected = `+OK\r\n$5000\r\n${'v'.repeat(5000)}\r\n+PONG\r\n$0\r\n\r\n`;
        for (let at = 0, step = 1; at < bytes.length; at += step, step = (step % 13) + 1) {
          socket.write(bytes.subarray(at, at + step));
          if (step === 13) await new Promise((resolve) => setImmediate(resolve));
        }
        for (let waited = 0; text.length < expected.length && waited < 10_000; waited += 10) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.equal(text, expected);
        assert.equal(await client.send('STRLEN', 'p:split'), 5000);
      } finally {
        socket.destroy();
        client.close();
      }
    });

    test('a large bulk arriving in pieces', async () => {
      const value = Buffer.alloc(3 * 1024 * 1024, 'q');
      const client = await RespClient.connect(ember.respPort);
      try {
        assert.equal(await client.send('SET', 'p:big', value), 'OK');
        assert.deepEqual(await client.send('GET', 'p:big'), value);
      } finally {
        client.close();
      }
    });

    test('half a command, then the client goes away: nothing runs, the server serves on', async () => {
      const socket = net.createConnection({ port: ember.respPort, host: '127.0.0.1' });
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('*3\r\n$3\r\nSET\r\n$6\r\np:half\r\n$10\r\nabc');
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await stillServes();
      const client = await RespClient.connect(ember.respPort);
      try {
        assert.equal(await client.send('EXISTS', 'p:half'), 0);
      } finally {
        client.close();
      }
    });
  });
});
