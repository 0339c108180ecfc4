// Unit tests of the hashes command family (native/core/commands/hashes.cc,
// native/core/hash_ref.h, native/core/flat_pairs.h) through the embedded
// API. Expected replies, errors, orders and encodings are those of
// redis-server 7.0.15 run with hash-max-listpack-entries 128 (emberkv's
// configured threshold; Redis's built-in default without a config file is
// 512), checked by hand against it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { commands } from 'emberkv';
import { T0, withEngine, fails } from '../support/engine.mjs';

const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const arity = (name) => `ERR wrong number of arguments for '${name}' command`;
const encoding = (e, key) => e.call('OBJECT', 'ENCODING', key);
const long = (n, c = 'x') => c.repeat(n);
/** HSET key with `n` fields f0..f(n-1). */
const fill = (e, key, n, value = 'v') => {
  const args = [];
  for (let i = 0; i < n; i++) args.push(`f${i}`, value);
  return e.call('HSET', key, ...args);
};
const sortedPairs = (flat) => {
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push(`${flat[i]}=${flat[i + 1]}`);
  return out.sort();
};

describe('command table', () => {
  // name: [arity, flags, categories], keys (1, 1, 1), as COMMAND INFO in Redis 7.0.
  const W = ['write', 'denyoom', 'fast'];
  const WC = ['write', 'hash', 'fast'];
  const RF = ['readonly', 'fast'];
  const RC = ['read', 'hash', 'fast'];
  const RS = ['read', 'hash', 'slow'];
  const expected = {
    hset: [-4, W, WC], hget: [3, RF, RC], hmset: [-4, W, WC], hsetnx: [4, W, WC],
    hdel: [-3, ['write', 'fast'], WC], hexists: [3, RF, RC], hlen: [2, RF, RC], hstrlen: [3, RF, RC],
    hmget: [-3, RF, RC], hkeys: [2, ['readonly'], RS], hvals: [2, ['readonly'], RS],
    hgetall: [2, ['readonly'], RS], hincrby: [4, W, WC], hincrbyfloat: [4, W, WC],
    hrandfield: [-2, ['readonly'], RS], hscan: [-3, ['readonly'], RS],
  };
  const table = new Map(commands().map((c) => [c.name, c]));
  for (const [name, [ar, flags, cats]] of Object.entries(expected)) {
    test(name, () => {
      const c = table.get(name);
      assert.ok(c, `${name} is registered`);
      assert.equal(c.arity, ar);
      assert.deepEqual([...c.flags].sort(), [...flags].sort());
      assert.deepEqual([...c.categories].sort(), [...cats].sort());
      assert.deepEqual([c.firstKey, c.lastKey, c.keyStep], [1, 1, 1]);
    });
  }
});

describe('HSET / HMSET / HGET / HSETNX', () => {
  test('HSET counts new fields; updates keep their place (listpack order = insertion order)', withEngine((e) => {
    assert.equal(e.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3'), 3);
    assert.equal(e.call('HSET', 'h', 'b', '20', 'd', '4', 'd', '5'), 1);
    assert.deepEqual(e.call('HGETALL', 'h'), ['a', '1', 'b', '20', 'c', '3', 'd', '5']);
    assert.equal(e.call('HDEL', 'h', 'b'), 1);
    e.call('HSET', 'h', 'b', 'x');
    assert.deepEqual(e.call('HKEYS', 'h'), ['a', 'c', 'd', 'b']);
    assert.deepEqual(e.call('HVALS', 'h'), ['1', '3', '5', 'x']);
    assert.equal(e.call('HGET', 'h', 'a'), '1');
    assert.equal(e.call('HGET', 'h', 'zz'), null);
    assert.equal(e.call('HGET', 'nokey', 'a'), null);
    assert.equal(encoding(e, 'h'), 'listpack');
    assert.equal(e.call('TYPE', 'h'), 'hash');
  }));

  test('binary-safe fields and values, empty strings included', withEngine((e) => {
    const f = Buffer.from([0x66, 0x00, 0xff]);
    const v = Buffer.from([0x00, 0x01, 0x02]);
    assert.equal(e.call('HSET', 'h', f, v, '', ''), 2);
    assert.deepEqual(e.callBuffer('HGET', 'h', f), v);
    assert.equal(e.call('HGET', 'h', ''), '');
    assert.equal(e.call('HSTRLEN', 'h', ''), 0);
  }));

  test('arity: odd pairs are rejected before the key is looked at', withEngine((e) => {
    e.call('SET', 's', 'x');
    fails(e, arity('hset'), 'HSET', 's', 'f', 'v', 'g');
    fails(e, arity('hmset'), 'HMSET', 'h', 'f');
    fails(e, arity('hset'), 'HSET', 'h');
    fails(e, WRONGTYPE, 'HSET', 's', 'f', 'v');
    assert.equal(e.call('EXISTS', 'h'), 0);
  }));

  test('HMSET replies OK', withEngine((e) => {
    assert.equal(e.call('HMSET', 'h', 'a', '1', 'a', '2'), 'OK');
    assert.equal(e.call('HGET', 'h', 'a'), '2');
  }));

  test('HSETNX sets only absent fields; an existing field never converts', withEngine((e) => {
    assert.equal(e.call('HSETNX', 'h', 'f', 'v'), 1);
    assert.equal(e.call('HSETNX', 'h', 'f', long(70)), 0);
    assert.equal(e.call('HGET', 'h', 'f'), 'v');
    assert.equal(encoding(e, 'h'), 'listpack');
    assert.equal(e.call('HSETNX', 'h', 'g', long(65)), 1);
    assert.equal(encoding(e, 'h'), 'hashtable');
    fails(e, arity('hsetnx'), 'HSETNX', 'h', 'f');
  }));

  test('WRONGTYPE on every command', withEngine((e) => {
    e.call('SET', 's', 'x');
    for (const args of [
      ['HSET', 's', 'f', 'v'], ['HMSET', 's', 'f', 'v'], ['HGET', 's', 'f'], ['HSETNX', 's', 'f', 'v'],
      ['HDEL', 's', 'f'], ['HEXISTS', 's', 'f'], ['HLEN', 's'], ['HSTRLEN', 's', 'f'], ['HMGET', 's', 'f'],
      ['HKEYS', 's'], ['HVALS', 's'], ['HGETALL', 's'], ['HINCRBY', 's', 'f', '1'],
      ['HINCRBYFLOAT', 's', 'f', '1'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'], ['HSCAN', 's', '0'],
    ]) {
      fails(e, WRONGTYPE, ...args);
    }
    e.call('HSET', 'h', 'f', 'v');
    fails(e, WRONGTYPE, 'GET', 'h');
    fails(e, WRONGTYPE, 'LPUSH', 'h', 'x');
  }));
});

describe('encodings: listpack -> hashtable, exactly as Redis 7.0', () => {
  test('128 fields stay listpack, the 129th converts (one HSET or many)', withEngine((e) => {
    assert.equal(fill(e, 'h', 127), 127);
    assert.equal(encoding(e, 'h'), 'listpack');
    e.call('HSET', 'h', 'f127', 'v');
    assert.equal(encoding(e, 'h'), 'listpack');
    e.call('HSET', 'h', 'f0', 'updated'); // an update never converts
    assert.equal(encoding(e, 'h'), 'listpack');
    e.call('HSET', 'h', 'f128', 'v');
    assert.equal(encoding(e, 'h'), 'hashtable');
    assert.equal(e.call('HLEN', 'h'), 129);
    assert.equal(e.call('HGET', 'h', 'f0'), 'updated');
    fill(e, 'one', 129);
    assert.equal(encoding(e, 'one'), 'hashtable');
    fill(e, 'exact', 128);
    assert.equal(encoding(e, 'exact'), 'listpack');
  }));

  test('the conversion is for good: deleting back to one field stays hashtable', withEngine((e) => {
    fill(e, 'h', 129);
    for (let i = 0; i < 128; i++) e.call('HDEL', 'h', `f${i}`);
    assert.equal(e.call('HLEN', 'h'), 1);
    assert.equal(encoding(e, 'h'), 'hashtable');
  }));

  test('64-byte fields and values stay listpack, 65 bytes convert', withEngine((e) => {
    e.call('HSET', 'h', long(64), long(64));
    assert.equal(encoding(e, 'h'), 'listpack');
    e.call('HSET', 'v', 'f', long(65));
    assert.equal(encoding(e, 'v'), 'hashtable');
    e.call('HSET', 'k', long(65), 'v');
    assert.equal(encoding(e, 'k'), 'hashtable');
    // Overwriting the long value with a short one does not convert back.
    e.call('HSET', 'v', 'f', 'short');
    assert.equal(encoding(e, 'v'), 'hashtable');
  }));

  test('HINCRBY with a long field and HINCRBYFLOAT with a long result convert', withEngine((e) => {
    e.call('HSET', 'h', 'f', '1');
    assert.equal(e.call('HINCRBY', 'h', long(70, 'y'), '5'), 5);
    assert.equal(encoding(e, 'h'), 'hashtable');
    e.call('HSET', 'g', 'f', '1');
    const big = e.call('HINCRBYFLOAT', 'g', 'f', '1e300');
    assert.equal(big.length, 301);
    assert.equal(encoding(e, 'g'), 'hashtable');
    assert.equal(e.call('HSTRLEN', 'g', 'f'), 301);
  }));

  test('hashtable contents are all there, whatever their order', withEngine((e) => {
    fill(e, 'h', 300);
    const all = e.call('HGETALL', 'h');
    assert.equal(all.length, 600);
    assert.deepEqual(sortedPairs(all), Array.from({ length: 300 }, (_, i) => `f${i}=v`).sort());
    assert.equal(e.call('HKEYS', 'h').length, 300);
    assert.equal(e.hLen('h'), 300);
  }));
});

describe('HDEL / HEXISTS / HLEN / HSTRLEN / HMGET', () => {
  test('HDEL counts removed fields and removes the emptied key', withEngine((e) => {
    e.call('HSET', 'h', 'a', '1', 'b', '2');
    assert.equal(e.call('HDEL', 'h', 'a', 'a', 'zz'), 1);
    assert.equal(e.call('HDEL', 'nokey', 'a'), 0);
    assert.equal(e.call('HDEL', 'h', 'b', 'c'), 1);
    assert.equal(e.call('EXISTS', 'h'), 0);
    fill(e, 't', 200);
    const fields = Array.from({ length: 200 }, (_, i) => `f${i}`);
    assert.equal(e.call('HDEL', 't', ...fields, 'extra'), 200);
    assert.equal(e.call('EXISTS', 't'), 0);
    fails(e, arity('hdel'), 'HDEL', 'h');
  }));

  test('HEXISTS, HLEN, HSTRLEN, HMGET', withEngine((e) => {
    e.call('HSET', 'h', 'a', 'hello', 'n', '12345');
    assert.equal(e.call('HEXISTS', 'h', 'a'), 1);
    assert.equal(e.call('HEXISTS', 'h', 'b'), 0);
    assert.equal(e.call('HEXISTS', 'nokey', 'a'), 0);
    assert.equal(e.call('HLEN', 'h'), 2);
    assert.equal(e.call('HLEN', 'nokey'), 0);
    assert.equal(e.call('HSTRLEN', 'h', 'a'), 5);
    assert.equal(e.call('HSTRLEN', 'h', 'n'), 5);
    assert.equal(e.call('HSTRLEN', 'h', 'x'), 0);
    assert.deepEqual(e.call('HMGET', 'h', 'a', 'x', 'n'), ['hello', null, '12345']);
    assert.deepEqual(e.call('HMGET', 'nokey', 'a', 'b'), [null, null]);
    fails(e, arity('hmget'), 'HMGET', 'h');
  }));

  test('HKEYS / HVALS / HGETALL of a missing key are empty', withEngine((e) => {
    assert.deepEqual(e.call('HKEYS', 'no'), []);
    assert.deepEqual(e.call('HVALS', 'no'), []);
    assert.deepEqual(e.call('HGETALL', 'no'), []);
  }));
});

describe('HINCRBY / HINCRBYFLOAT', () => {
  test('HINCRBY creates, adds, and rejects non-integers and overflow', withEngine((e) => {
    assert.equal(e.call('HINCRBY', 'h', 'n', '5'), 5);
    assert.equal(e.call('HINCRBY', 'h', 'n', '-7'), -2);
    e.call('HSET', 'h', 's', 'abc', 'z', '007', 'max', '9223372036854775807');
    fails(e, 'ERR hash value is not an integer', 'HINCRBY', 'h', 's', '1');
    fails(e, 'ERR hash value is not an integer', 'HINCRBY', 'h', 'z', '1');
    fails(e, 'ERR increment or decrement would overflow', 'HINCRBY', 'h', 'max', '1');
    assert.equal(e.call('HINCRBY', 'h', 'max', '-9223372036854775807'), 0);
    fails(e, NOT_INT, 'HINCRBY', 'h', 'n', '1.5');
    fails(e, NOT_INT, 'HINCRBY', 'h', 'n', '9223372036854775808');
    e.call('SET', 'str', 'x');
    fails(e, NOT_INT, 'HINCRBY', 'str', 'n', 'x'); // the increment is checked first
    fails(e, WRONGTYPE, 'HINCRBY', 'str', 'n', '1');
    assert.equal(e.call('HINCRBY', 'neg', 'n', '-9223372036854775808'), -9223372036854775808n);
    fails(e, 'ERR increment or decrement would overflow', 'HINCRBY', 'neg', 'n', '-1');
  }));

  test('HINCRBYFLOAT formats like Redis and rejects NaN/Inf', withEngine((e) => {
    assert.equal(e.call('HINCRBYFLOAT', 'h', 'f', '10.5'), '10.5');
    assert.equal(e.call('HINCRBYFLOAT', 'h', 'f', '0.1'), '10.6');
    assert.equal(e.call('HINCRBYFLOAT', 'h', 'f', '-10.6'), '0');
    assert.equal(e.call('HINCRBYFLOAT', 'h', 'e', '1e3'), '1000');
    assert.equal(e.call('HGET', 'h', 'e'), '1000');
    fails(e, 'ERR value is NaN or Infinity', 'HINCRBYFLOAT', 'h', 'f', 'inf');
    fails(e, NOT_FLOAT, 'HINCRBYFLOAT', 'h', 'f', 'nan');
    fails(e, NOT_FLOAT, 'HINCRBYFLOAT', 'h', 'f', 'abc');
    e.call('HSET', 'h', 's', 'abc', 'i', 'inf', 'sp', ' 1');
    fails(e, 'ERR hash value is not a float', 'HINCRBYFLOAT', 'h', 's', '1');
    fails(e, 'ERR hash value is not a float', 'HINCRBYFLOAT', 'h', 'sp', '1');
    fails(e, 'ERR increment would produce NaN or Infinity', 'HINCRBYFLOAT', 'h', 'i', '1');
    e.call('SET', 'str', 'x');
    fails(e, NOT_FLOAT, 'HINCRBYFLOAT', 'str', 'f', 'x');
    fails(e, WRONGTYPE, 'HINCRBYFLOAT', 'str', 'f', '1');
    // A huge (finite long double) increment on a new key: Redis stores its full %.17Lf text.
    const text = e.call('HINCRBYFLOAT', 'big', 'f', '1e4000');
    assert.equal(text.length, 4000);
    assert.equal(e.call('HSTRLEN', 'big', 'f'), 4000);
    assert.ok(text.startsWith('99999999999999999999654638730996'));
  }));
});

describe('HRANDFIELD', () => {
  test('no count: one field, or nil', withEngine((e) => {
    assert.equal(e.call('HRANDFIELD', 'no'), null);
    e.call('HSET', 'h', 'a', '1', 'b', '2');
    for (let i = 0; i < 20; i++) assert.ok(['a', 'b'].includes(e.call('HRANDFIELD', 'h')));
  }));

  for (const [label, n] of [['listpack', 10], ['hashtable', 200]]) {
    test(`counts on a ${label} hash`, withEngine((e) => {
      fill(e, 'h', n, 'v');
      for (let i = 0; i < n; i++) e.call('HSET', 'h', `f${i}`, `v${i}`);
      assert.equal(encoding(e, 'h'), label);
      assert.deepEqual(e.call('HRANDFIELD', 'h', '0'), []);
      const some = e.call('HRANDFIELD', 'h', '5');
      assert.equal(some.length, 5);
      assert.equal(new Set(some).size, 5);
      const all = e.call('HRANDFIELD', 'h', String(n + 10));
      assert.deepEqual([...all].sort(), Array.from({ length: n }, (_, i) => `f${i}`).sort());
      const picks = e.call('HRANDFIELD', 'h', '-50', 'WITHVALUES');
      assert.equal(picks.length, 100);
      for (let i = 0; i < picks.length; i += 2) assert.equal(picks[i + 1], `v${picks[i].slice(1)}`);
      const uniq = e.call('HRANDFIELD', 'h', '3', 'withvalues');
      assert.equal(uniq.length, 6);
      assert.equal(e.call('HRANDFIELD', 'h', '9223372036854775807').length, n);
      assert.deepEqual(e.hRandFieldWithValues('h', 1).length, 1);
    }));
  }

  test('errors and their order (as Redis 7.0)', withEngine((e) => {
    e.call('HSET', 'h', 'a', '1');
    fails(e, NOT_INT, 'HRANDFIELD', 'h', 'x');
    fails(e, 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      'HRANDFIELD', 'h', '-9223372036854775808');
    fails(e, SYNTAX, 'HRANDFIELD', 'h', '1', 'withvaluesx');
    fails(e, SYNTAX, 'HRANDFIELD', 'no', '1', 'withvalues', 'x');
    fails(e, 'ERR value is out of range', 'HRANDFIELD', 'no', '4611686018427387904', 'withvalues');
    fails(e, 'ERR value is out of range', 'HRANDFIELD', 'no', '-4611686018427387905', 'WITHVALUES');
    assert.deepEqual(e.call('HRANDFIELD', 'no', '-9223372036854775807'), []);
    assert.deepEqual(e.call('HRANDFIELD', 'no', '-4611686018427387904', 'withvalues'), []);
  }));

  test('a huge negative count on a real hash is a clear error, not an unbounded reply', withEngine((e) => {
    e.call('HSET', 'h', 'a', '1');
    const msg = 'ERR HRANDFIELD negative count is too large: at most 16777216 random fields per call';
    fails(e, msg, 'HRANDFIELD', 'h', '-9223372036854775807');
    fails(e, msg, 'HRANDFIELD', 'h', '-16777217', 'withvalues');
    assert.equal(e.call('HLEN', 'h'), 1);
  }));
});

describe('HSCAN', () => {
  test('listpack: everything in one call, cursor 0, MATCH filters pairs', withEngine((e) => {
    e.call('HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3');
    assert.deepEqual(e.call('HSCAN', 'h', '0'), ['0', ['a1', '1', 'b1', '2', 'a2', '3']]);
    assert.deepEqual(e.call('HSCAN', 'h', '0', 'MATCH', 'a*', 'COUNT', '1'), ['0', ['a1', '1', 'a2', '3']]);
    assert.deepEqual(e.call('HSCAN', 'h', '123'), ['0', ['a1', '1', 'b1', '2', 'a2', '3']]);
    assert.deepEqual(e.call('HSCAN', 'no', '0'), ['0', []]);
  }));

  test('hashtable: a full iteration returns every pair', withEngine((e) => {
    fill(e, 'h', 500);
    const seen = new Map();
    let cursor = '0';
    let pages = 0;
    do {
      const [next, flat] = e.call('HSCAN', 'h', cursor, 'COUNT', '20');
      for (let i = 0; i < flat.length; i += 2) seen.set(flat[i], flat[i + 1]);
      cursor = next;
      pages++;
    } while (cursor !== '0');
    assert.ok(pages > 1);
    assert.equal(seen.size, 500);
    const it = [...e.hScanIterator('h', { match: 'f1?' })];
    assert.deepEqual(it.map(([f]) => f).sort(), Array.from({ length: 10 }, (_, i) => `f1${i}`).sort());
  }));

  test('errors: cursor first, then the key, then the options', withEngine((e) => {
    e.call('HSET', 'h', 'a', '1');
    e.call('SET', 's', 'x');
    fails(e, 'ERR invalid cursor', 'HSCAN', 'h', 'x');
    fails(e, 'ERR invalid cursor', 'HSCAN', 's', 'x');
    fails(e, WRONGTYPE, 'HSCAN', 's', '0', 'COUNT', '0');
    assert.deepEqual(e.call('HSCAN', 'no', '0', 'COUNT', '0'), ['0', []]);
    fails(e, SYNTAX, 'HSCAN', 'h', '0', 'COUNT', '0');
    fails(e, SYNTAX, 'HSCAN', 'h', '0', 'COUNT', '-1');
    fails(e, NOT_INT, 'HSCAN', 'h', '0', 'COUNT', 'x');
    fails(e, SYNTAX, 'HSCAN', 'h', '0', 'TYPE', 'string');
    fails(e, SYNTAX, 'HSCAN', 'h', '0', 'MATCH');
    fails(e, arity('hscan'), 'HSCAN', 'h');
  }));
});

describe('hashes and the keyspace', () => {
  test('expiry, RENAME, COPY, TYPE, SCAN TYPE, OBJECT ENCODING', withEngine((e) => {
    e.call('HSET', 'h', 'a', '1');
    fill(e, 'big', 200);
    assert.equal(e.call('PEXPIRE', 'h', '1000'), 1);
    e.advance(1001);
    assert.equal(e.call('HGET', 'h', 'a'), null);
    assert.equal(e.call('EXISTS', 'h'), 0);
    assert.equal(e.call('HSET', 'h', 'a', '2'), 1);
    assert.equal(e.call('TTL', 'h'), -1);
    assert.equal(e.call('RENAME', 'h', 'h2'), 'OK');
    assert.equal(e.call('HGET', 'h2', 'a'), '2');
    assert.equal(e.call('COPY', 'big', 'big2'), 1);
    e.call('HSET', 'big', 'f0', 'changed');
    assert.equal(e.call('HGET', 'big2', 'f0'), 'v');
    assert.equal(encoding(e, 'big2'), 'hashtable');
    assert.equal(e.call('HLEN', 'big2'), 200);
    assert.equal(e.call('COPY', 'h2', 'h3'), 1);
    assert.equal(encoding(e, 'h3'), 'listpack');
    assert.deepEqual(e.call('HGETALL', 'h3'), ['a', '2']);
    e.call('SET', 'str', 'x');
    const [, keys] = e.call('SCAN', '0', 'TYPE', 'hash', 'COUNT', '100');
    assert.deepEqual(keys.sort(), ['big', 'big2', 'h2', 'h3']);
    assert.equal(e.call('TYPE', 'big'), 'hash');
    e.call('DEL', 'big', 'big2');
    assert.equal(e.call('DBSIZE'), 3);
    void T0;
  }));

  test('a listpack lives in its key: converting keeps TTL and LFU frequency, big listpacks work', withEngine((e) => {
    e.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    e.call('HSET', 'h', 'a', '1', 'b', '2');
    e.call('PEXPIRE', 'h', '5000');
    for (let i = 0; i < 200; i++) e.call('HGET', 'h', 'a');
    const freq = e.call('OBJECT', 'FREQ', 'h');
    assert.ok(freq > 5, `frequency ${freq} after 200 reads`);
    e.call('HSET', 'h', 'long', long(65)); // converts
    assert.equal(encoding(e, 'h'), 'hashtable');
    assert.ok(e.call('OBJECT', 'FREQ', 'h') >= freq);
    assert.equal(e.call('PTTL', 'h'), 5000);
    assert.deepEqual(sortedPairs(e.call('HGETALL', 'h')), ['a=1', 'b=2', `long=${long(65)}`]);
    // A listpack past 64 KiB (the entry's short layout) when the limits allow it.
    e.call('CONFIG', 'SET', 'hash-max-listpack-value', '5000');
    for (let i = 0; i < 30; i++) e.call('HSET', 'wide', `f${i}`, long(3000, String.fromCharCode(65 + i)));
    assert.equal(encoding(e, 'wide'), 'listpack');
    assert.ok(e.memoryUsage('wide') > 90_000);
    for (let i = 0; i < 30; i += 2) assert.equal(e.call('HDEL', 'wide', `f${i}`), 1);
    assert.equal(e.call('HLEN', 'wide'), 15);
    assert.equal(e.call('HGET', 'wide', 'f29'), long(3000, String.fromCharCode(65 + 29)));
    assert.equal(e.call('HSTRLEN', 'wide', 'f1'), 3000);
  }));

  test('memory is returned when hashes go away', withEngine((e) => {
    e.call('SET', 'pad', 'x'); // the keyspace's first table group is not the hashes'
    const before = e.memoryUsage();
    fill(e, 'small', 10);
    fill(e, 'big', 1000, long(100));
    e.call('COPY', 'big', 'big2');
    assert.ok(e.memoryUsage() > before + 200_000);
    e.call('DEL', 'small', 'big', 'big2');
    assert.equal(e.memoryUsage(), before);
  }));
});

describe('typed methods', () => {
  test('hSet, hGet, hGetAll, hmGet, hIncrBy, hIncrByFloat, hScan, ...', withEngine((e) => {
    assert.equal(e.hSet('h', { a: '1', b: 2 }), 2);
    assert.equal(e.hSet('h', [['c', '3']]), 1);
    assert.equal(e.hmSet('h', { d: '4' }), 'OK');
    assert.equal(e.hSetNx('h', 'a', 'x'), false);
    assert.equal(e.hSetNx('h', 'e', '5'), true);
    assert.equal(e.hGet('h', 'a'), '1');
    assert.deepEqual(e.hGetAll('h'), { a: '1', b: '2', c: '3', d: '4', e: '5' });
    assert.deepEqual(e.hGetAll('none'), {});
    assert.deepEqual(e.hmGet('h', 'a', 'zz'), ['1', null]);
    assert.equal(e.hExists('h', 'a'), true);
    assert.equal(e.hLen('h'), 5);
    assert.equal(e.hStrLen('h', 'a'), 1);
    assert.deepEqual(e.hKeys('h'), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(e.hVals('h'), ['1', '2', '3', '4', '5']);
    assert.equal(e.hIncrBy('h', 'a', 10), 11);
    assert.equal(e.hIncrByFloat('h', 'a', 0.5), '11.5');
    assert.equal(e.hDel('h', 'a', 'b'), 2);
    assert.ok(['c', 'd', 'e'].includes(e.hRandField('h')));
    assert.equal(e.hRandFieldCount('h', -4).length, 4);
    assert.deepEqual(e.hScan('h', 0), { cursor: '0', entries: [['c', '3'], ['d', '4'], ['e', '5']] });
    assert.deepEqual(e.hGetAll('p'), {});
    e.hSet('p', { ['__proto__']: 'x' });
    assert.equal(Object.getOwnPropertyDescriptor(e.hGetAll('p'), '__proto__').value, 'x');
  }));
});
