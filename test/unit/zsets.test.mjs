// Unit tests of the sorted-sets command family (native/core/commands/zsets.cc,
// zset_value.h, skiplist.h, zset_ranges.h) through the embedded API.
// Expected replies, errors and encodings are those of redis-server 7.0.15,
// checked by hand against it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { commands } from 'emberkv';
import { T0, withEngine, fails, testDeclarations } from '../support/engine.mjs';

const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const NOT_FLOAT_RANGE = 'ERR min or max is not a float';
const NOT_LEX_RANGE = 'ERR min or max not valid string range item';
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const arity = (name) => `ERR wrong number of arguments for '${name}' command`;
const encoding = (e, key) => e.call('OBJECT', 'ENCODING', key);
const all = (e, key) => e.call('ZRANGE', key, '0', '-1', 'WITHSCORES');

const table = new Map(commands().map((c) => [c.name, c]));

describe('command table', () => {
  const W = ['write', 'sortedset'];
  const R = ['read', 'sortedset'];
  // name: [arity, flags, categories, first, last, step], as COMMAND INFO in Redis 7.0.
  const expected = {
    zadd: [-4, ['write', 'denyoom', 'fast'], [...W, 'fast'], 1, 1, 1],
    zcard: [2, ['readonly', 'fast'], [...R, 'fast'], 1, 1, 1],
    zscore: [3, ['readonly', 'fast'], [...R, 'fast'], 1, 1, 1],
    zmscore: [-3, ['readonly', 'fast'], [...R, 'fast'], 1, 1, 1],
    zincrby: [4, ['write', 'denyoom', 'fast'], [...W, 'fast'], 1, 1, 1],
    zrem: [-3, ['write', 'fast'], [...W, 'fast'], 1, 1, 1],
    zrank: [3, ['readonly', 'fast'], [...R, 'fast'], 1, 1, 1],
    zrevrank: [3, ['readonly', 'fast'], [...R, 'fast'], 1, 1, 1],
    zcount: [4, ['readonly', 'fast'], [...R, 'fast'], 1, 1, 1],
    zrange: [-4, ['readonly'], [...R, 'slow'], 1, 1, 1],
    zrangebyscore: [-4, ['readonly'], [...R, 'slow'], 1, 1, 1],
    zrevrangebyscore: [-4, ['readonly'], [...R, 'slow'], 1, 1, 1],
    zrevrange: [-4, ['readonly'], [...R, 'slow'], 1, 1, 1],
    zrangebylex: [-4, ['readonly'], [...R, 'slow'], 1, 1, 1],
    zrevrangebylex: [-4, ['readonly'], [...R, 'slow'], 1, 1, 1],
    zlexcount: [4, ['readonly', 'fast'], [...R, 'fast'], 1, 1, 1],
    zremrangebyrank: [4, ['write'], [...W, 'slow'], 1, 1, 1],
    zremrangebyscore: [4, ['write'], [...W, 'slow'], 1, 1, 1],
    zremrangebylex: [4, ['write'], [...W, 'slow'], 1, 1, 1],
    zpopmin: [-2, ['write', 'fast'], [...W, 'fast'], 1, 1, 1],
    zpopmax: [-2, ['write', 'fast'], [...W, 'fast'], 1, 1, 1],
    zrangestore: [-5, ['write', 'denyoom'], [...W, 'slow'], 1, 2, 1],
    zunionstore: [-4, ['write', 'denyoom', 'movablekeys'], [...W, 'slow'], 1, 1, 1],
    zinterstore: [-4, ['write', 'denyoom', 'movablekeys'], [...W, 'slow'], 1, 1, 1],
    zdiffstore: [-4, ['write', 'denyoom', 'movablekeys'], [...W, 'slow'], 1, 1, 1],
    zunion: [-3, ['readonly', 'movablekeys'], [...R, 'slow'], 0, 0, 0],
    zinter: [-3, ['readonly', 'movablekeys'], [...R, 'slow'], 0, 0, 0],
    zdiff: [-3, ['readonly', 'movablekeys'], [...R, 'slow'], 0, 0, 0],
    zintercard: [-3, ['readonly', 'movablekeys'], [...R, 'slow'], 0, 0, 0],
    zmpop: [-4, ['write', 'movablekeys'], [...W, 'slow'], 0, 0, 0],
    zrandmember: [-2, ['readonly'], [...R, 'slow'], 1, 1, 1],
    zscan: [-3, ['readonly'], [...R, 'slow'], 1, 1, 1],
    bzpopmin: [-3, ['write', 'noscript', 'blocking', 'fast'], [...W, 'fast', 'blocking'], 1, -2, 1],
    bzpopmax: [-3, ['write', 'noscript', 'blocking', 'fast'], [...W, 'fast', 'blocking'], 1, -2, 1],
    bzmpop: [-5, ['write', 'blocking', 'movablekeys'], [...W, 'slow', 'blocking'], 0, 0, 0],
  };
  testDeclarations(expected);
  test('arity errors', withEngine((e) => {
    fails(e, arity('zadd'), 'ZADD', 'z', '1');
    fails(e, arity('zrank'), 'ZRANK', 'z', 'a', 'WITHSCORE'); // WITHSCORE is 7.2
    fails(e, arity('zmpop'), 'ZMPOP', '1', 'z');
    fails(e, arity('bzpopmin'), 'BZPOPMIN', 'z');
    fails(e, arity('bzpopmax'), 'BZPOPMAX', 'z');
    fails(e, arity('bzmpop'), 'BZMPOP', '0', '1', 'z');
  }));
});

describe('scores: parsing and the RESP2 text', () => {
  test('ZSCORE prints %.17g like Redis 7.0', withEngine((e) => {
    e.call('ZADD', 'z', '0.1', 'a', '1e300', 'b', '3.0', 'c', 'inf', 'd', '-inf', 'e', '1.5e-7', 'f', '123456789012345678', 'g');
    assert.equal(e.call('ZSCORE', 'z', 'a'), '0.10000000000000001');
    assert.equal(e.call('ZSCORE', 'z', 'b'), '1.0000000000000001e+300');
    assert.equal(e.call('ZSCORE', 'z', 'c'), '3');
    assert.equal(e.call('ZSCORE', 'z', 'd'), 'inf');
    assert.equal(e.call('ZSCORE', 'z', 'e'), '-inf');
    assert.equal(e.call('ZSCORE', 'z', 'f'), '1.4999999999999999e-07');
    assert.equal(e.call('ZSCORE', 'z', 'g'), '1.2345678901234568e+17');
    // Whole scores print as integers only below 1e17 (%.17g's switch to exponents).
    e.call('ZADD', 'z', '-99999999999999984', 'h', '1e17', 'i', '1e16', 'j', '007', 'k');
    assert.equal(e.call('ZSCORE', 'z', 'h'), '-99999999999999984');
    assert.equal(e.call('ZSCORE', 'z', 'i'), '1e+17');
    assert.equal(e.call('ZSCORE', 'z', 'j'), '10000000000000000');
    assert.equal(e.call('ZSCORE', 'z', 'k'), '7');
  }));
  test('-0: a listpack stores 0, a skiplist keeps -0', withEngine((e) => {
    e.call('ZADD', 'small', '-0', 'a');
    assert.equal(e.call('ZSCORE', 'small', 'a'), '0');
    const pairs = [];
    for (let i = 0; i < 130; i++) pairs.push(String(i), `m${i}`);
    e.call('ZADD', 'big', ...pairs);
    e.call('ZADD', 'big', '-0', 'z');
    assert.equal(encoding(e, 'big'), 'skiplist');
    assert.equal(e.call('ZSCORE', 'big', 'z'), '-0');
  }));
  test('float texts accepted and rejected', withEngine((e) => {
    for (const ok of ['inf', '+inf', '-inf', 'Infinity', '0x10', '1e308', '5e-324', '.5']) {
      assert.equal(e.call('ZADD', `k${ok}`, ok, 'm'), 1, ok);
      e.call('ZADD', 'z', ok, 'm');
    }
    assert.equal(e.call('ZSCORE', 'k0x10', 'm'), '16');
    assert.equal(e.call('ZSCORE', 'k5e-324', 'm'), '4.9406564584124654e-324');
    for (const bad of ['nan', ' 1', '1 ', '', 'x', '1e400', '-1e400', '1e-400', '1\x00']) {
      fails(e, NOT_FLOAT, 'ZADD', 'z', bad, 'm');
      fails(e, NOT_FLOAT, 'ZINCRBY', 'z', bad, 'm');
    }
    assert.equal(e.zScore('z', 'm'), 0.5);
  }));
  test('score ranges: ( bounds, inf, lenient strtod', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    assert.equal(e.call('ZCOUNT', 'z', '(1', '3'), 2);
    assert.equal(e.call('ZCOUNT', 'z', '(1', '(3'), 1);
    assert.equal(e.call('ZCOUNT', 'z', '-inf', '+inf'), 3);
    assert.equal(e.call('ZCOUNT', 'z', '', '5'), 3); // "" reads as 0
    assert.equal(e.call('ZCOUNT', 'z', ' 1', '5'), 3); // leading space allowed here
    assert.equal(e.call('ZCOUNT', 'z', '1e400', '5'), 0);
    assert.equal(e.call('ZCOUNT', 'z', '(2', '(2'), 0);
    for (const bad of ['1 ', 'nan', '(nan', 'x', '((1']) fails(e, NOT_FLOAT_RANGE, 'ZCOUNT', 'z', bad, '5');
    fails(e, NOT_FLOAT_RANGE, 'ZCOUNT', 'nokey', 'x', '5'); // parsed before the lookup
  }));
});

describe('ZADD', () => {
  test('adds, updates, CH, INCR and conflicts', withEngine((e) => {
    assert.equal(e.call('ZADD', 'z', '1', 'a', '2', 'b'), 2);
    assert.equal(e.call('ZADD', 'z', '5', 'a', '3', 'c'), 1);
    assert.equal(e.call('ZADD', 'z', 'CH', '6', 'a', '3', 'c', '4', 'd'), 2);
    assert.equal(e.call('ZADD', 'z', 'NX', '100', 'a', '7', 'e'), 1);
    assert.equal(e.call('ZSCORE', 'z', 'a'), '6');
    assert.equal(e.call('ZADD', 'z', 'XX', '100', 'a', '7', 'f'), 0);
    assert.equal(e.call('ZSCORE', 'z', 'f'), null);
    assert.equal(e.call('ZADD', 'z', 'GT', 'CH', '0', 'a', '200', 'a', '1', 'new'), 2);
    assert.equal(e.call('ZSCORE', 'z', 'a'), '200');
    assert.equal(e.call('ZADD', 'z', 'LT', 'CH', '300', 'a'), 0);
    assert.equal(e.call('ZADD', 'z', 'INCR', '1.5', 'a'), '201.5');
    assert.equal(e.call('ZADD', 'z', 'NX', 'INCR', '1', 'a'), null);
    assert.equal(e.call('ZADD', 'z', 'GT', 'INCR', '-1', 'a'), null);
    assert.equal(e.call('ZADD', 'nokey', 'XX', '1', 'a'), 0);
    assert.equal(e.call('ZADD', 'nokey', 'XX', 'INCR', '1', 'a'), null);
    assert.equal(e.call('EXISTS', 'nokey'), 0);
    fails(e, 'ERR XX and NX options at the same time are not compatible', 'ZADD', 'z', 'NX', 'XX', '1', 'a');
    fails(e, 'ERR GT, LT, and/or NX options at the same time are not compatible', 'ZADD', 'z', 'GT', 'LT', '1', 'a');
    fails(e, 'ERR GT, LT, and/or NX options at the same time are not compatible', 'ZADD', 'z', 'NX', 'GT', '1', 'a');
    fails(e, 'ERR INCR option supports a single increment-element pair', 'ZADD', 'z', 'INCR', '1', 'a', '2', 'b');
    fails(e, SYNTAX, 'ZADD', 'z', '1', 'a', '2');
    fails(e, SYNTAX, 'ZADD', 'z', 'XX', '1');
    fails(e, NOT_FLOAT, 'ZADD', 'z', '1', 'a', 'xx', 'nx'); // options only before the pairs
  }));
  test('INCR to NaN', withEngine((e) => {
    e.call('ZADD', 'z', 'inf', 'a');
    fails(e, 'ERR resulting score is not a number (NaN)', 'ZINCRBY', 'z', '-inf', 'a');
    fails(e, 'ERR resulting score is not a number (NaN)', 'ZADD', 'z', 'INCR', '-inf', 'a');
    assert.equal(e.call('ZSCORE', 'z', 'a'), 'inf');
    assert.equal(e.call('ZINCRBY', 'new', '2.5', 'x'), '2.5');
  }));
  test('WRONGTYPE', withEngine((e) => {
    e.call('SET', 's', 'v');
    for (const args of [['ZADD', 's', '1', 'a'], ['ZCARD', 's'], ['ZSCORE', 's', 'a'], ['ZRANGE', 's', '0', '1'],
      ['ZINCRBY', 's', '1', 'a'], ['ZREM', 's', 'a'], ['ZPOPMIN', 's', '0'], ['ZRANDMEMBER', 's', '0'],
      ['ZUNION', '2', 'nokey', 's'], ['ZMPOP', '1', 's', 'MIN'], ['ZSCAN', 's', '0']]) {
      fails(e, WRONGTYPE, ...args);
    }
    fails(e, 'ERR min or max is not a float', 'ZCOUNT', 's', 'x', '1');
  }));
});

describe('encodings', () => {
  const fill = (e, key, n, prefix = 'm') => {
    const pairs = [];
    for (let i = 0; i < n; i++) pairs.push('1', `${prefix}${i}`);
    return e.call('ZADD', key, ...pairs);
  };
  test('listpack up to 128 members, skiplist from 129', withEngine((e) => {
    fill(e, 'z', 128);
    assert.equal(encoding(e, 'z'), 'listpack');
    e.call('ZADD', 'z', '1', 'one-more');
    assert.equal(encoding(e, 'z'), 'skiplist');
    e.call('ZREMRANGEBYRANK', 'z', '0', '100');
    assert.equal(encoding(e, 'z'), 'skiplist'); // never back
    fill(e, 'big', 129);
    assert.equal(encoding(e, 'big'), 'skiplist');
  }));
  test('a 64-byte member fits, 65 bytes converts', withEngine((e) => {
    e.call('ZADD', 'a', '1', 'x'.repeat(64));
    assert.equal(encoding(e, 'a'), 'listpack');
    e.call('ZADD', 'b', '1', 'x'.repeat(65));
    assert.equal(encoding(e, 'b'), 'skiplist');
    e.call('ZADD', 'a', '1', 'y'.repeat(65));
    assert.equal(encoding(e, 'a'), 'skiplist');
  }));
  test('store destinations', withEngine((e) => {
    fill(e, 'big', 200);
    assert.equal(e.call('ZRANGESTORE', 'd1', 'big', '0', '9'), 10);
    assert.equal(encoding(e, 'd1'), 'listpack');
    assert.equal(e.call('ZRANGESTORE', 'd2', 'big', '0', '128'), 129);
    assert.equal(encoding(e, 'd2'), 'skiplist');
    assert.equal(e.call('ZUNIONSTORE', 'd3', '1', 'd1'), 10);
    assert.equal(encoding(e, 'd3'), 'listpack');
    assert.equal(e.call('ZUNIONSTORE', 'd4', '1', 'big'), 200);
    assert.equal(encoding(e, 'd4'), 'skiplist');
    // A result that stays a skiplist keeps -0; ZRANGESTORE goes through listpack inserts.
    e.call('ZADD', 'src', '1', 'x'.repeat(70), '-0', 'a');
    e.call('ZUNIONSTORE', 'u', '1', 'src');
    assert.equal(e.call('ZSCORE', 'u', 'a'), '-0');
    e.call('ZRANGESTORE', 'r', 'src', '0', '-1');
    assert.equal(e.call('ZSCORE', 'r', 'a'), '0');
    assert.equal(encoding(e, 'r'), 'skiplist');
    // ... unless a rank range is longer than the listpack limit: then the
    // destination is a skiplist from the start (Redis's zrangeResultBeginStore).
    const zeros = [];
    for (let i = 0; i < 130; i++) zeros.push('-0', `m${i}`);
    e.call('ZADD', 'negzero', ...zeros);
    assert.equal(e.call('ZSCORE', 'negzero', 'm129'), '-0');
    assert.equal(e.call('ZRANGESTORE', 'r2', 'negzero', '0', '-1'), 130);
    assert.equal(e.call('ZSCORE', 'r2', 'm129'), '-0');
    assert.equal(e.call('ZSCORE', 'r2', 'm0'), e.call('ZSCORE', 'negzero', 'm0'));
  }));
  test('both encodings answer alike', withEngine((e) => {
    for (const key of ['lp', 'sl']) {
      e.call('ZADD', key, '1', 'b', '1', 'a', '1', 'B', '2', 'c', '-1', 'z', '1', 'ab', '1', '');
    }
    fill(e, 'sl', 130, 'zzz'); // push into the skiplist, then remove the filler
    e.call('ZREMRANGEBYLEX', 'sl', '[zzz', '+');
    e.call('ZADD', 'sl', '2', 'c');
    assert.equal(encoding(e, 'sl'), 'skiplist');
    const cmds = [
      ['ZRANGE', '0', '-1', 'WITHSCORES'], ['ZRANGE', '-3', '-2'], ['ZREVRANGE', '0', '2', 'WITHSCORES'],
      ['ZRANGEBYSCORE', '(1', 'inf'], ['ZRANGEBYSCORE', '1', '1', 'LIMIT', '1', '2'], ['ZREVRANGEBYSCORE', '+inf', '-inf', 'LIMIT', '2', '-1'],
      ['ZCOUNT', '1', '1'], ['ZRANK', 'ab'], ['ZREVRANK', 'ab'], ['ZSCORE', 'c'],
    ];
    for (const c of cmds) assert.deepEqual(e.call(c[0], 'sl', ...c.slice(1)), e.call(c[0], 'lp', ...c.slice(1)), c.join(' '));
  }));
});

describe('reads', () => {
  test('ties are ordered by member bytes', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'b', '1', 'a', '1', 'B', '1', 'ab', '1', '', '1', Buffer.from([0xff]), '0', 'zz');
    assert.deepEqual(e.call('ZRANGE', 'z', '0', '-1').slice(0, 6), ['zz', '', 'B', 'a', 'ab', 'b']);
    assert.equal(e.call('ZRANK', 'z', 'b'), 5);
    assert.equal(e.call('ZREVRANK', 'z', 'b'), 1);
    assert.equal(e.call('ZRANK', 'z', 'nope'), null);
  }));
  test('ZCARD, ZSCORE, ZMSCORE on missing keys', withEngine((e) => {
    assert.equal(e.call('ZCARD', 'z'), 0);
    assert.equal(e.call('ZSCORE', 'z', 'a'), null);
    assert.deepEqual(e.call('ZMSCORE', 'z', 'a', 'b'), [null, null]);
    e.call('ZADD', 'z', '1', 'a');
    assert.deepEqual(e.call('ZMSCORE', 'z', 'a', 'zz'), ['1', null]);
  }));
  test('ZRANGE options and their errors', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    assert.deepEqual(e.call('ZRANGE', 'z', '(1', '3', 'BYSCORE', 'WITHSCORES'), ['b', '2', 'c', '3']);
    assert.deepEqual(e.call('ZRANGE', 'z', '5', '0', 'BYSCORE', 'REV', 'LIMIT', '1', '2'), ['c', 'b']);
    assert.deepEqual(e.call('ZRANGE', 'z', '[b', '(d', 'BYLEX'), ['b', 'c']);
    assert.deepEqual(e.call('ZRANGE', 'z', '+', '[b', 'BYLEX', 'REV'), ['d', 'c', 'b']);
    assert.deepEqual(e.call('ZRANGE', 'z', '0', '5', 'BYSCORE', 'LIMIT', '-1', '2'), []);
    assert.deepEqual(e.call('ZRANGE', 'z', '0', '5', 'BYSCORE', 'LIMIT', '1', '-1'), ['b', 'c', 'd']);
    assert.deepEqual(e.call('ZRANGE', 'z', '0', '5', 'BYSCORE', 'LIMIT', '9223372036854775807', '9223372036854775807'), []);
    assert.deepEqual(e.call('ZRANGE', 'z', '0', '-1', 'LIMIT', '5', '-1'), ['a', 'b', 'c', 'd']); // count -1 is "no LIMIT"
    assert.deepEqual(e.call('ZRANGE', 'z', '-100', '100'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(e.call('ZRANGE', 'z', '-9223372036854775808', '9223372036854775807'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(e.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES', 'WITHSCORES').length, 8);
    fails(e, 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX', 'ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1');
    fails(e, 'ERR syntax error, WITHSCORES not supported in combination with BYLEX', 'ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES');
    fails(e, 'ERR syntax error, WITHSCORES not supported in combination with BYLEX', 'ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES');
    fails(e, SYNTAX, 'ZRANGE', 'z', '0', '-1', 'BYSCORE', 'BYLEX');
    fails(e, SYNTAX, 'ZRANGE', 'z', '0', '-1', 'REV', 'REV');
    fails(e, SYNTAX, 'ZRANGE', 'z', '0', '-1', 'LIMIT', '1');
    fails(e, SYNTAX, 'ZREVRANGEBYSCORE', 'z', '5', '0', 'REV');
    fails(e, SYNTAX, 'ZRANGEBYSCORE', 'z', '0', '5', 'BYSCORE');
    fails(e, NOT_INT, 'ZRANGE', 'z', 'x', '1');
    fails(e, NOT_INT, 'ZRANGE', 'z', '0', '-1', 'BYSCORE', 'LIMIT', 'x', '1');
    fails(e, NOT_FLOAT_RANGE, 'ZRANGEBYSCORE', 'nokey', 'a', 'b');
    fails(e, NOT_LEX_RANGE, 'ZRANGE', 'nokey', 'a', 'b', 'BYLEX');
    assert.deepEqual(e.call('ZRANGE', 'nokey', '0', '1', 'BYSCORE'), []);
  }));
  test('legacy range commands', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    assert.deepEqual(e.call('ZRANGEBYSCORE', 'z', '-inf', '(3', 'WITHSCORES'), ['a', '1', 'b', '2']);
    assert.deepEqual(e.call('ZREVRANGEBYSCORE', 'z', '5', '0', 'LIMIT', '1', '2', 'WITHSCORES'), ['c', '3', 'b', '2']);
    assert.deepEqual(e.call('ZREVRANGE', 'z', '0', '1', 'WITHSCORES'), ['d', '4', 'c', '3']);
    assert.deepEqual(e.call('ZRANGEBYLEX', 'z', '(a', '[c'), ['b', 'c']);
    assert.deepEqual(e.call('ZREVRANGEBYLEX', 'z', '[c', '-', 'LIMIT', '0', '2'), ['c', 'b']);
    assert.equal(e.call('ZLEXCOUNT', 'z', '-', '+'), 4);
    assert.equal(e.call('ZLEXCOUNT', 'z', '-', '-'), 0);
    assert.equal(e.call('ZLEXCOUNT', 'z', '[c', '[b'), 0);
    for (const bad of ['a', '', '+x', '{a']) fails(e, NOT_LEX_RANGE, 'ZLEXCOUNT', 'z', bad, '+');
    fails(e, SYNTAX, 'ZREVRANGE', 'z', '0', '1', 'WITHSCORES', 'LIMIT');
  }));
});

describe('removal', () => {
  test('ZREM removes the key with its last member', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b');
    assert.equal(e.call('ZREM', 'z', 'a', 'x', 'a'), 1);
    assert.equal(e.call('ZREM', 'z', 'b'), 1);
    assert.equal(e.call('EXISTS', 'z'), 0);
    assert.equal(e.call('ZREM', 'z', 'b'), 0);
  }));
  test('ZREMRANGEBY*', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    assert.equal(e.call('ZREMRANGEBYRANK', 'z', '-2', '-1'), 2);
    assert.equal(e.call('ZREMRANGEBYRANK', 'z', '5', '10'), 0);
    assert.equal(e.call('ZREMRANGEBYSCORE', 'z', '(1', '2'), 1);
    assert.equal(e.call('ZREMRANGEBYLEX', 'z', '-', '[a'), 1);
    assert.deepEqual(all(e, 'z'), ['c', '3']);
    assert.equal(e.call('ZREMRANGEBYSCORE', 'z', '-inf', '+inf'), 1);
    assert.equal(e.call('EXISTS', 'z'), 0);
    fails(e, NOT_INT, 'ZREMRANGEBYRANK', 'z', 'x', '1');
    fails(e, NOT_FLOAT_RANGE, 'ZREMRANGEBYSCORE', 'z', 'x', '1');
    fails(e, NOT_LEX_RANGE, 'ZREMRANGEBYLEX', 'z', 'x', '1');
  }));
  test('ZPOPMIN / ZPOPMAX', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    assert.deepEqual(e.call('ZPOPMIN', 'z'), ['a', '1']);
    assert.deepEqual(e.call('ZPOPMAX', 'z', '2'), ['d', '4', 'c', '3']);
    assert.deepEqual(e.call('ZPOPMIN', 'z', '0'), []);
    assert.deepEqual(e.call('ZPOPMIN', 'z', '9223372036854775807'), ['b', '2']);
    assert.equal(e.call('EXISTS', 'z'), 0);
    assert.deepEqual(e.call('ZPOPMIN', 'z'), []);
    fails(e, 'ERR value is out of range, must be positive', 'ZPOPMIN', 'z', '-1');
    fails(e, 'ERR value is out of range, must be positive', 'ZPOPMIN', 'z', 'x');
    fails(e, SYNTAX, 'ZPOPMIN', 'z', '1', '2');
  }));
  test('ZMPOP', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    assert.deepEqual(e.call('ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '2'), ['z', [['c', '3'], ['b', '2']]]);
    assert.deepEqual(e.call('ZMPOP', '1', 'z', 'min'), ['z', [['a', '1']]]);
    assert.equal(e.call('ZMPOP', '1', 'z', 'MIN'), null);
    fails(e, 'ERR numkeys should be greater than 0', 'ZMPOP', '0', 'z', 'MIN');
    fails(e, 'ERR numkeys should be greater than 0', 'ZMPOP', 'x', 'z', 'MIN');
    fails(e, 'ERR count should be greater than 0', 'ZMPOP', '1', 'z', 'MIN', 'COUNT', '0');
    fails(e, SYNTAX, 'ZMPOP', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1');
    fails(e, SYNTAX, 'ZMPOP', '1', 'z', 'FOO');
    fails(e, SYNTAX, 'ZMPOP', '9223372036854775807', 'z', 'MIN');
  }));
});

// The embedded engine never blocks: with nothing to serve, a blocking
// command answers null at once, as Redis does inside MULTI.
describe('blocking pops', () => {
  const NOT_FLOAT_TIMEOUT = 'ERR timeout is not a float or out of range';
  const NEGATIVE = 'ERR timeout is negative';

  test('BZPOPMIN / BZPOPMAX reply [key, member, score]', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3.5', 'c', '-inf', 'n');
    assert.deepEqual(e.call('BZPOPMIN', 'nokey', 'z', '0'), ['z', 'n', '-inf']);
    assert.deepEqual(e.call('BZPOPMAX', 'z', 'nokey', '0.5'), ['z', 'c', '3.5']);
    assert.deepEqual(e.call('BZPOPMIN', 'z', '1'), ['z', 'a', '1']);
    assert.deepEqual(e.call('BZPOPMAX', 'z', '0'), ['z', 'b', '2']);
    assert.equal(e.call('EXISTS', 'z'), 0); // emptied: deleted
    assert.equal(e.call('BZPOPMIN', 'z', 'nokey', '0'), null);
    assert.equal(e.call('BZPOPMAX', 'z', '0.01'), null);
  }));

  test('BZPOPMIN checks the timeout first, then the keys in order', withEngine((e) => {
    e.call('SET', 's', 'x');
    e.call('ZADD', 'z', '1', 'a');
    fails(e, NOT_FLOAT_TIMEOUT, 'BZPOPMIN', 's', 'x');
    fails(e, NEGATIVE, 'BZPOPMIN', 's', '-1');
    fails(e, NEGATIVE, 'BZPOPMAX', 's', 'inf');
    fails(e, WRONGTYPE, 'BZPOPMIN', 'nokey', 's', 'z', '0');
    assert.deepEqual(e.call('BZPOPMAX', 'z', 's', '0'), ['z', 'a', '1']); // served before s is looked at
  }));

  test('BZMPOP replies like ZMPOP', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    assert.deepEqual(e.call('BZMPOP', '0', '2', 'nokey', 'z', 'MAX', 'COUNT', '2'), ['z', [['c', '3'], ['b', '2']]]);
    assert.deepEqual(e.call('BZMPOP', '0.1', '1', 'z', 'min', 'COUNT', '9'), ['z', [['a', '1']]]);
    assert.equal(e.call('EXISTS', 'z'), 0);
    assert.equal(e.call('BZMPOP', '0', '2', 'z', 'nokey', 'MIN'), null);
  }));

  test('BZMPOP errors: numkeys, MIN|MAX, COUNT, the timeout, then types', withEngine((e) => {
    e.call('SET', 's', 'x');
    fails(e, 'ERR numkeys should be greater than 0', 'BZMPOP', 'x', '0', 's', 'FOO');
    fails(e, SYNTAX, 'BZMPOP', 'x', '2', 's', 'MIN');
    fails(e, SYNTAX, 'BZMPOP', 'x', '9223372036854775807', 's', 'MIN');
    fails(e, SYNTAX, 'BZMPOP', 'x', '1', 's', 'FOO');
    fails(e, 'ERR count should be greater than 0', 'BZMPOP', 'x', '1', 's', 'MIN', 'COUNT', '-1');
    fails(e, SYNTAX, 'BZMPOP', 'x', '1', 's', 'MIN', 'COUNT', '1', 'COUNT', '1');
    fails(e, NOT_FLOAT_TIMEOUT, 'BZMPOP', 'x', '1', 's', 'MIN');
    fails(e, NEGATIVE, 'BZMPOP', '-1', '1', 's', 'MIN');
    fails(e, WRONGTYPE, 'BZMPOP', '0', '2', 'nokey', 's', 'MAX');
  }));
});

describe('combining', () => {
  test('ZUNION / ZINTER / ZDIFF with weights and aggregates, plain sets score 1', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    e.call('ZADD', 'y', '10', 'b', '20', 'c', '30', 'd');
    e.call('SADD', 's', 'a', 'd', 'x');
    assert.deepEqual(e.call('ZUNION', '2', 'z', 'y', 'WITHSCORES'), ['a', '1', 'b', '12', 'c', '23', 'd', '30']);
    assert.deepEqual(e.call('ZUNION', '3', 'z', 'y', 's', 'WITHSCORES'), ['x', '1', 'a', '2', 'b', '12', 'c', '23', 'd', '31']);
    assert.deepEqual(e.call('ZUNION', '2', 'z', 'y', 'AGGREGATE', 'MAX', 'WITHSCORES'), ['a', '1', 'b', '10', 'c', '20', 'd', '30']);
    assert.deepEqual(e.call('ZINTER', '2', 'z', 's', 'WITHSCORES'), ['a', '2']);
    assert.deepEqual(e.call('ZDIFF', '2', 'z', 's', 'WITHSCORES'), ['b', '2', 'c', '3']);
    assert.equal(e.call('ZUNIONSTORE', 'd', '2', 'z', 'y', 'WEIGHTS', '0', 'inf'), 4);
    assert.deepEqual(all(e, 'd'), ['a', '0', 'b', 'inf', 'c', 'inf', 'd', 'inf']);
    assert.equal(e.call('ZINTERSTORE', 'd', '2', 'z', 'y', 'WEIGHTS', 'inf', '-inf'), 2);
    assert.deepEqual(all(e, 'd'), ['b', '0', 'c', '0']); // inf + -inf sums to 0
    assert.equal(e.call('ZINTERSTORE', 'd', '2', 'z', 'nokey'), 0);
    assert.equal(e.call('EXISTS', 'd'), 0);
    // ZUNION replies from a skiplist in Redis: -0 stays -0 (a stored small result says 0).
    assert.deepEqual(e.call('ZUNION', '1', 'z', 'WEIGHTS', '-0', 'WITHSCORES'), ['a', '-0', 'b', '-0', 'c', '-0']);
    e.call('ZUNIONSTORE', 'neg', '1', 'z', 'WEIGHTS', '-0');
    assert.equal(e.call('ZSCORE', 'neg', 'a'), '0');
    assert.equal(e.call('ZINTERCARD', '2', 'z', 'y'), 2);
    assert.equal(e.call('ZINTERCARD', '2', 'z', 'y', 'LIMIT', '1'), 1);
    assert.equal(e.call('ZDIFFSTORE', 'z', '2', 'z', 'y'), 1); // source = destination
    assert.deepEqual(all(e, 'z'), ['a', '1']);
  }));
  test('errors in Redis\'s order', withEngine((e) => {
    e.call('SET', 'str', 'v');
    e.call('ZADD', 'z', '1', 'a');
    fails(e, "ERR at least 1 input key is needed for 'zunion' command", 'ZUNION', '0', 'z');
    fails(e, "ERR at least 1 input key is needed for 'zintercard' command", 'ZINTERCARD', '0', 'z');
    fails(e, NOT_INT, 'ZUNION', 'x', 'z');
    fails(e, SYNTAX, 'ZUNION', '3', 'z', 'y');
    fails(e, WRONGTYPE, 'ZUNION', '2', 'z', 'str', 'FOO'); // types before options
    fails(e, SYNTAX, 'ZUNION', '2', 'z', 'y', 'WEIGHTS', '1');
    fails(e, 'ERR weight value is not a float', 'ZUNION', '2', 'z', 'y', 'WEIGHTS', '1', 'nan');
    fails(e, SYNTAX, 'ZUNION', '2', 'z', 'y', 'AGGREGATE', 'avg');
    fails(e, SYNTAX, 'ZDIFF', '2', 'z', 'y', 'WEIGHTS', '1', '2');
    fails(e, SYNTAX, 'ZUNIONSTORE', 'd', '1', 'z', 'WITHSCORES');
    fails(e, "ERR LIMIT can't be negative", 'ZINTERCARD', '1', 'z', 'LIMIT', '-1');
    fails(e, SYNTAX, 'ZINTERCARD', '1', 'z', 'WITHSCORES');
  }));
  test('ZRANGESTORE', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    assert.equal(e.call('ZRANGESTORE', 'd', 'z', '(1', '+inf', 'BYSCORE'), 2);
    assert.deepEqual(all(e, 'd'), ['b', '2', 'c', '3']);
    assert.equal(e.call('ZRANGESTORE', 'd', 'z', '5', '6'), 0);
    assert.equal(e.call('EXISTS', 'd'), 0);
    fails(e, SYNTAX, 'ZRANGESTORE', 'd', 'z', '0', '1', 'WITHSCORES');
  }));
});

describe('random and scan', () => {
  test('ZRANDMEMBER', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    assert.ok(['a', 'b', 'c'].includes(e.call('ZRANDMEMBER', 'z')));
    assert.deepEqual(e.call('ZRANDMEMBER', 'z', '10', 'WITHSCORES'), ['a', '1', 'b', '2', 'c', '3']);
    const two = e.call('ZRANDMEMBER', 'z', '2');
    assert.equal(new Set(two).size, 2);
    assert.equal(e.call('ZRANDMEMBER', 'z', '-7').length, 7);
    assert.deepEqual(e.call('ZRANDMEMBER', 'z', '0'), []);
    assert.equal(e.call('ZRANDMEMBER', 'nokey'), null);
    assert.deepEqual(e.call('ZRANDMEMBER', 'nokey', '5'), []);
    fails(e, 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      'ZRANDMEMBER', 'z', '-9223372036854775808');
    fails(e, 'ERR value is out of range', 'ZRANDMEMBER', 'z', '5000000000000000000', 'WITHSCORES');
    fails(e, NOT_INT, 'ZRANDMEMBER', 'z', 'x');
    // emberkv only: repeated picks are capped (Redis streams any number).
    assert.equal(e.call('ZRANDMEMBER', 'z', String(-(2 ** 20))).length, 2 ** 20);
    fails(e, 'ERR value is out of range', 'ZRANDMEMBER', 'z', String(-(2 ** 20) - 1));
    fails(e, SYNTAX, 'ZRANDMEMBER', 'z', '2', 'WITHSCORES', 'x');
  }));
  test('ZSCAN: a listpack whole, a skiplist by cursor', withEngine((e) => {
    e.call('ZADD', 'z', '1.2345678901234568e+17', 'a', '0.1', 'b', '3', 'c', '5e18', 'd');
    // A listpack keeps integral scores as integers: ZSCAN shows them so.
    assert.deepEqual(e.call('ZSCAN', 'z', '0'),
      ['0', ['b', '0.10000000000000001', 'c', '3', 'a', '123456789012345680', 'd', '5e+18']]);
    assert.deepEqual(e.call('ZSCAN', 'z', '0', 'MATCH', '[ab]'), ['0', ['b', '0.10000000000000001', 'a', '123456789012345680']]);
    fails(e, 'ERR invalid cursor', 'ZSCAN', 'z', 'x');
    fails(e, SYNTAX, 'ZSCAN', 'z', '0', 'COUNT', '0');
    assert.deepEqual(e.call('ZSCAN', 'nokey', '0', 'FOO'), ['0', []]);
    const pairs = [];
    for (let i = 0; i < 300; i++) pairs.push(String(i), `m${i}`);
    e.call('ZADD', 'big', ...pairs);
    const seen = new Map();
    let cursor = '0';
    do {
      const page = e.zScan('big', cursor, { count: 20 });
      for (const { member, score } of page.members) seen.set(member, score);
      cursor = page.cursor;
    } while (cursor !== '0');
    assert.equal(seen.size, 300);
    assert.equal(seen.get('m42'), 42);
  }));
});

describe('keyspace integration', () => {
  test('TYPE, OBJECT ENCODING, SCAN TYPE, RENAME, COPY, expiry', withEngine((e) => {
    e.call('ZADD', 'z', '1', 'a', '2', 'b');
    assert.equal(e.call('TYPE', 'z'), 'zset');
    assert.equal(encoding(e, 'z'), 'listpack');
    assert.deepEqual(e.call('SCAN', '0', 'TYPE', 'zset'), ['0', ['z']]);
    assert.equal(e.call('RENAME', 'z', 'y'), 'OK');
    assert.deepEqual(all(e, 'y'), ['a', '1', 'b', '2']);
    assert.equal(e.call('COPY', 'y', 'c'), 1);
    e.call('ZADD', 'c', '3', 'c');
    assert.equal(e.call('ZCARD', 'y'), 2);
    assert.equal(e.call('ZCARD', 'c'), 3);
    e.call('PEXPIREAT', 'y', String(T0 + 100));
    e.advance(101);
    assert.equal(e.call('ZCARD', 'y'), 0);
    assert.equal(e.call('EXISTS', 'y'), 0);
    const pairs = [];
    for (let i = 0; i < 200; i++) pairs.push(String(i % 10), `m${i}`);
    e.call('ZADD', 'big', ...pairs);
    assert.equal(e.call('COPY', 'big', 'big2'), 1);
    assert.equal(encoding(e, 'big2'), 'skiplist');
    assert.deepEqual(all(e, 'big2'), all(e, 'big'));
  }));
});

describe('typed methods', () => {
  test('zAdd, zScore, zRange and friends', withEngine((e) => {
    assert.equal(e.zAdd('z', [[1, 'a'], [2, 'b'], ['inf', 'c']]), 3);
    assert.equal(e.zAdd('z', { d: 4 }, { nx: true }), 1);
    assert.equal(e.zAddIncr('z', 1, 'a'), 2);
    assert.equal(e.zScore('z', 'c'), Infinity);
    assert.equal(e.zScore('z', 'nope'), null);
    assert.deepEqual(e.zmScore('z', 'a', 'nope'), [2, null]);
    assert.equal(e.zIncrBy('z', 0.5, 'b'), 2.5);
    assert.equal(e.zCard('z'), 4);
    assert.equal(e.zRank('z', 'b'), 1);
    assert.equal(e.zRevRank('z', 'b'), 2);
    assert.equal(e.zCount('z', '(2', 'inf'), 3);
    assert.deepEqual(e.zRange('z', 0, -1), ['a', 'b', 'd', 'c']);
    assert.deepEqual(e.zRange('z', '(2', '+inf', { by: 'score', rev: false, limit: { offset: 0, count: 2 } }), ['b', 'd']);
    assert.deepEqual(e.zRangeWithScores('z', 0, 0), [{ member: 'a', score: 2 }]);
    assert.deepEqual(e.zRangeByScore('z', 2, 3), ['a', 'b']);
    assert.deepEqual(e.zRevRangeByScore('z', '+inf', 3), ['c', 'd']);
    assert.deepEqual(e.zRevRange('z', 0, 0), ['c']);
    assert.deepEqual(e.zRangeByLex('z', '-', '[b'), ['a', 'b']);
    assert.deepEqual(e.zRevRangeByLex('z', '+', '-', { offset: 0, count: 1 }), ['c']);
    assert.equal(e.zLexCount('z', '-', '+'), 4);
    assert.equal(e.zRangeStore('copy', 'z', 0, -1), 4);
    assert.equal(e.zRemRangeByRank('copy', 0, 0), 1);
    assert.equal(e.zRemRangeByScore('copy', '-inf', 2.5), 1);
    assert.equal(e.zRemRangeByLex('copy', '-', '+'), 2);
    assert.equal(e.zUnionStore('u', ['z', 'nokey'], { weights: [2, 1], aggregate: 'SUM' }), 4);
    assert.equal(e.zInterStore('i', ['z', 'u'], { aggregate: 'MIN' }), 4);
    assert.equal(e.zDiffStore('dd', ['z', 'u']), 0);
    assert.deepEqual(e.zUnion(['z']).slice(0, 1), [{ member: 'a', score: 2 }]);
    assert.deepEqual(e.zInter(['z', 'u'], { aggregate: 'MAX' })[0], { member: 'a', score: 4 });
    assert.deepEqual(e.zDiff(['z', 'nokey']).length, 4);
    assert.equal(e.zInterCard(['z', 'u'], 2), 2);
    assert.deepEqual(e.zPopMin('z'), [{ member: 'a', score: 2 }]);
    assert.deepEqual(e.zPopMax('z', 1), [{ member: 'c', score: Infinity }]);
    assert.deepEqual(e.zmPop(['nokey', 'z'], 'MIN', 5), { key: 'z', members: [{ member: 'b', score: 2.5 }, { member: 'd', score: 4 }] });
    assert.equal(e.zmPop(['z'], 'MAX'), null);
    e.zAdd('r', [[1, 'x']]);
    assert.equal(e.zRandMember('r'), 'x');
    assert.deepEqual(e.zRandMember('r', -2), ['x', 'x']);
    assert.equal(e.zRem('r', 'x', 'y'), 1);
    assert.deepEqual(e.zScan('i', 0).members.length, 4);
  }));
});
