/**
 * RESP3 reply shapes, byte for byte against redis-server: after HELLO 3
 * both servers get the same deterministic commands, one reply shape of
 * each kind a Redis 7 client meets (maps, sets, doubles, nested
 * WITHSCORES / WITHVALUES pairs, nulls, booleans of the pushes aside),
 * and must answer the same bytes. node-redis and redis-py in RESP3 mode
 * build their values from these types, so a map sent as an array is a
 * wrong type for them even when the RESP2 bytes were right.
 *
 * Without redis-server on PATH the test is SKIPPED, loudly.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { hasRedisServer, startRedisServer } from '../support/redis-server.mjs';
import { encodeCommand } from '../support/resp-client.mjs';

const hasRedis = hasRedisServer();
if (!hasRedis) process.stderr.write('\n*** integration/resp3-shapes.test.mjs: SKIPPED: redis-server is not on PATH ***\n\n');

/** Where the RESP3 value starting at `pos` ends, or -1 if `buf` does not hold all of it. */
function valueEnd(buf, pos) {
  if (pos >= buf.length) return -1;
  const line = buf.indexOf('\r\n', pos);
  if (line === -1) return -1;
  const type = String.fromCharCode(buf[pos]);
  const header = buf.subarray(pos + 1, line).toString('latin1');
  let at = line + 2;
  switch (type) {
    case '$': case '=': case '!': {
      const n = Number(header);
      if (n < 0) return at;
      return buf.length >= at + n + 2 ? at + n + 2 : -1;
    }
    case '*': case '~': case '>': case '%': case '|': {
      const n = Number(header);
      const elements = n < 0 ? 0 : (type === '%' || type === '|' ? 2 * n : n);
      for (let i = 0; i < elements; i++) {
        at = valueEnd(buf, at);
        if (at === -1) return -1;
      }
      return at;
    }
    default:  // + - : , # _ (
      return at;
  }
}

/** A RESP3 connection that answers each command with its reply's exact bytes. */
async function resp3(port) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffer = Buffer.alloc(0);
  let waiting = null;
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    waiting?.();
  });
  const send = (args) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${args.join(' ')}`)), 5000);
    waiting = () => {
      const end = valueEnd(buffer, 0);
      if (end === -1) return;
      const reply = buffer.subarray(0, end).toString('latin1');
      buffer = buffer.subarray(end);
      waiting = null;
      clearTimeout(timer);
      resolve(reply);
    };
    socket.write(encodeCommand(args));
    waiting();
  });
  await send(['HELLO', '3']);
  return { send, close: () => socket.destroy() };
}

// Deterministic on both sides: small collections keep their compact
// encodings (insertion or sorted order), integer sets are intsets (sorted),
// random picks are from one member or ask for more than a hash or set
// holds (all of it: Redis's order for a zset is its own), and no glob
// (CONFIG GET's order is a hash table's).
const COMMANDS = [
  ['FLUSHALL'],
  ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c', '-inf', 'm', 'inf', 'n'],
  ['HSET', 'h', 'f', 'v', 'g', 'w'],
  ['SADD', 's', '1', '2', '3'],
  ['RPUSH', 'l', 'a', 'b', 'c'],
  ['SET', 'n', '10'],
  // Sorted sets: doubles, and WITHSCORES as nested pairs.
  ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'z', '0', '-1'], ['ZRANGE', 'z', '(1', '3', 'BYSCORE', 'WITHSCORES'],
  ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES'], ['ZREVRANGE', 'z', '0', '1', 'WITHSCORES'],
  ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'WITHSCORES', 'LIMIT', '0', '2'],
  ['ZSCORE', 'z', 'b'], ['ZSCORE', 'z', 'm'], ['ZSCORE', 'z', 'nope'], ['ZMSCORE', 'z', 'a', 'nope', 'n'],
  ['ZINCRBY', 'z', '1', 'a'], ['ZADD', 'z', 'INCR', '1', 'a'], ['ZADD', 'z', 'NX', 'INCR', '1', 'a'],
  ['ZADD', 'one', '1.5', 'x'], ['ZRANDMEMBER', 'one', '10', 'WITHSCORES'], ['ZRANDMEMBER', 'one', '-2', 'WITHSCORES'],
  ['ZUNION', '1', 'z', 'WITHSCORES'], ['ZINTER', '1', 'z', 'WITHSCORES'], ['ZDIFF', '1', 'z', 'WITHSCORES'], ['ZDIFF', '1', 'z'],
  ['ZRANK', 'z', 'c'], ['ZCARD', 'z'], ['ZSCAN', 'z', '0'],
  ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', '2'], ['ZPOPMIN', 'z', '1'], ['ZPOPMIN', 'nope', '2'],
  ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'],
  ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '1'], ['BZPOPMIN', 'z', '0'], ['BZMPOP', '0', '1', 'z', 'MAX'],
  // Hashes: a map, and WITHVALUES as nested pairs.
  ['HGETALL', 'h'], ['HGETALL', 'nope'], ['HKEYS', 'h'], ['HVALS', 'h'], ['HMGET', 'h', 'f', 'x'],
  ['HRANDFIELD', 'h', '10', 'WITHVALUES'], ['HRANDFIELD', 'h', '10'], ['HINCRBYFLOAT', 'h', 'q', '1.5'], ['HSCAN', 'h', '0'],
  // Sets: sets, except random picks with a count (arrays).
  ['SMEMBERS', 's'], ['SMEMBERS', 'nope'], ['SINTER', 's'], ['SUNION', 's', 'nope'], ['SDIFF', 's', 'nope'],
  ['SRANDMEMBER', 's', '10'], ['SMISMEMBER', 's', '1', '9'], ['SSCAN', 's', '0'], ['SPOP', 's', '10'],
  // Lists and strings.
  ['LRANGE', 'l', '0', '-1'], ['LPOS', 'l', 'b'], ['LPOP', 'nope', '2'], ['LMPOP', '1', 'l', 'LEFT'],
  ['GET', 'nope'], ['INCRBYFLOAT', 'n', '1.5'], ['MGET', 'n', 'nope'], ['GETEX', 'nope'],
  // Keys and server.
  ['EXISTS', 'l', 'nope'], ['TTL', 'l'], ['TYPE', 'l'], ['OBJECT', 'ENCODING', 'z'], ['SCAN', '0', 'TYPE', 'string'],
  ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'maxmemory-policy'], ['PUBSUB', 'NUMSUB', 'a', 'b'], ['PUBSUB', 'NUMPAT'],
  ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'], ['ACL', 'GETUSER', 'default'], ['ACL', 'WHOAMI'],
  ['ECHO', 'x'], ['PING'], ['CLIENT', 'GETNAME'], ['DBSIZE'],
  ['NOSUCHCOMMAND'], ['GET'], ['LPUSH', 'z', 'x'],
];

let ember;
let redis;
before(async () => {
  if (!hasRedis) return;
  redis = await startRedisServer();
  ember = await startGrpcServer(['--resp-port', '0']);
});
after(async () => {
  await redis?.stop();
  await ember?.stop();
});

test('RESP3 replies are byte for byte redis-server\'s', { skip: !hasRedis && 'no redis-server' }, async () => {
  const ours = await resp3(ember.respPort);
  const theirs = await resp3(redis.port);
  try {
    const differences = [];
    for (const args of COMMANDS) {
      const [a, b] = [await ours.send(args), await theirs.send(args)];
      if (a !== b) differences.push(`${args.join(' ')}\n  emberkv: ${JSON.stringify(a)}\n  redis:   ${JSON.stringify(b)}`);
    }
    assert.equal(differences.length, 0, `RESP3 replies that differ:\n${differences.join('\n')}`);
  } finally {
    ours.close();
    theirs.close();
  }
});
