/**
 * Differential check of ACL key access against a real redis-server: the
 * same user (read-only, write-only and read-write key patterns) on both
 * sides, and ACL DRYRUN of write and read commands over every combination
 * of keys; Redis's allow / deny is the oracle for which access each
 * command needs of each key (emberkv's CommandSpec::key_access, after
 * Redis 7's key specs).
 *
 * Not compared: the texts of the denials (emberkv's name the rule and
 * the patterns).
 *
 * Without redis-server on PATH the test is SKIPPED, loudly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from 'emberkv';
import { hasRedisServer, startRedisServer } from '../support/redis-server.mjs';

const RULES = ['on', 'nopass', '%R~r*', '%W~w*', '~b*', '+@all'];
const KEYS = ['r1', 'w1', 'b1', 'x1'];

/** Commands with their keys as K and L (each replaced by every key). */
const TEMPLATES = [
  ['GET', 'K'], ['MGET', 'K', 'L'], ['SET', 'K', 'v'], ['SET', 'K', 'v', 'GET'], ['SETNX', 'K', 'v'], ['SETEX', 'K', '10', 'v'],
  ['MSET', 'K', 'v', 'L', 'v'], ['APPEND', 'K', 'x'], ['SETRANGE', 'K', '0', 'x'], ['INCR', 'K'], ['INCRBYFLOAT', 'K', '1'],
  ['GETDEL', 'K'], ['GETEX', 'K'], ['DEL', 'K', 'L'], ['UNLINK', 'K'], ['EXPIRE', 'K', '10'], ['PERSIST', 'K'],
  ['RENAME', 'K', 'L'], ['COPY', 'K', 'L'],
  ['LPUSH', 'K', 'a'], ['RPUSHX', 'K', 'a'], ['LPOP', 'K'], ['LRANGE', 'K', '0', '-1'], ['LINSERT', 'K', 'BEFORE', 'a', 'b'],
  ['LSET', 'K', '0', 'x'], ['LTRIM', 'K', '0', '1'], ['LREM', 'K', '0', 'a'], ['RPOPLPUSH', 'K', 'L'],
  ['LMOVE', 'K', 'L', 'LEFT', 'RIGHT'],
  ['SADD', 'K', 'm'], ['SREM', 'K', 'm'], ['SPOP', 'K'], ['SMEMBERS', 'K'], ['SMOVE', 'K', 'L', 'm'], ['SINTERSTORE', 'K', 'L'],
  ['SUNIONSTORE', 'K', 'L'], ['SDIFFSTORE', 'K', 'L'],
  ['HSET', 'K', 'f', 'v'], ['HSETNX', 'K', 'f', 'v'], ['HDEL', 'K', 'f'], ['HINCRBY', 'K', 'f', '1'], ['HGETALL', 'K'],
  ['ZADD', 'K', '1', 'm'], ['ZREM', 'K', 'm'], ['ZINCRBY', 'K', '1', 'm'], ['ZPOPMIN', 'K'], ['ZRANGE', 'K', '0', '-1'],
  ['ZREMRANGEBYSCORE', 'K', '0', '1'], ['ZREMRANGEBYRANK', 'K', '0', '1'], ['ZUNIONSTORE', 'K', '1', 'L'],
  ['ZINTERSTORE', 'K', '2', 'K', 'L'], ['ZDIFFSTORE', 'K', '1', 'L'], ['ZRANGESTORE', 'K', 'L', '0', '-1'],
  // Metadata only: any matching pattern will do (TTL reads, as in Redis).
  ['EXISTS', 'K', 'L'], ['TYPE', 'K'], ['TOUCH', 'K'], ['STRLEN', 'K'], ['LLEN', 'K'], ['HLEN', 'K'], ['HEXISTS', 'K', 'f'],
  ['HSTRLEN', 'K', 'f'], ['SISMEMBER', 'K', 'm'], ['SCARD', 'K'], ['ZCARD', 'K'], ['OBJECT', 'ENCODING', 'K'],
  ['MEMORY', 'USAGE', 'K'], ['TTL', 'K'], ['PTTL', 'K'],
];

const hasRedis = hasRedisServer();
if (!hasRedis) process.stderr.write('\n*** differential/acl.test.mjs: SKIPPED: redis-server is not on PATH ***\n\n');

test('ACL DRYRUN: which access each command needs of each key agrees with redis-server', { skip: !hasRedis && 'no redis-server' }, async () => {
  const redis = await startRedisServer();
  const engine = new Engine({ backgroundUpkeep: false });
  try {
    const client = await redis.connect();
    assert.equal(await client.send('ACL', 'SETUSER', 'u', ...RULES), 'OK');
    engine.call('ACL', 'SETUSER', 'u', ...RULES);
    const mismatches = [];
    let compared = 0;
    for (const template of TEMPLATES) {
      const usesL = template.includes('L');
      for (const k of KEYS) {
        for (const l of usesL ? KEYS : [null]) {
          const argv = template.map((a) => (a === 'K' ? k : a === 'L' ? l : a));
          const theirs = await client.send('ACL', 'DRYRUN', 'u', ...argv);
          const ours = engine.call('ACL', 'DRYRUN', 'u', ...argv);
          compared++;
          if ((theirs === 'OK') !== (ours === 'OK')) {
            mismatches.push(`${argv.join(' ')}: redis ${theirs === 'OK' ? 'allows' : 'denies'}, emberkv ${ours === 'OK' ? 'allows' : `denies (${ours})`}`);
          }
        }
      }
    }
    assert.deepEqual(mismatches, [], `${mismatches.length} of ${compared} differ`);
    const expected = TEMPLATES.reduce((n, t) => n + (t.includes('L') ? KEYS.length ** 2 : KEYS.length), 0);
    assert.equal(compared, expected);
  } finally {
    engine.close();
    await redis.stop();
  }
});
