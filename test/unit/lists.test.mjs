// Unit tests of the lists command family (native/core/commands/lists.cc,
// native/core/list_value.h) through the embedded API. Expected replies,
// errors and their order of checks are those of redis-server 7.0.15,
// checked by hand against it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { commands } from 'emberkv';
import { T0, withEngine, fails, testDeclarations } from '../support/engine.mjs';

const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
const arity = (name) => `ERR wrong number of arguments for '${name}' command`;
const range = (e, key) => e.call('LRANGE', key, '0', '-1');

const table = new Map(commands().map((c) => [c.name, c]));

describe('command table', () => {
  // name: [arity, flags, categories, first, last, step], as COMMAND INFO in Redis 7.0.
  const W = ['write', 'list'];
  const R = ['read', 'list'];
  const expected = {
    lpush: [-3, ['write', 'denyoom', 'fast'], [...W, 'fast'], 1, 1, 1],
    rpush: [-3, ['write', 'denyoom', 'fast'], [...W, 'fast'], 1, 1, 1],
    lpushx: [-3, ['write', 'denyoom', 'fast'], [...W, 'fast'], 1, 1, 1],
    rpushx: [-3, ['write', 'denyoom', 'fast'], [...W, 'fast'], 1, 1, 1],
    lpop: [-2, ['write', 'fast'], [...W, 'fast'], 1, 1, 1],
    rpop: [-2, ['write', 'fast'], [...W, 'fast'], 1, 1, 1],
    llen: [2, ['readonly', 'fast'], [...R, 'fast'], 1, 1, 1],
    lrange: [4, ['readonly'], [...R, 'slow'], 1, 1, 1],
    lindex: [3, ['readonly'], [...R, 'slow'], 1, 1, 1],
    lset: [4, ['write', 'denyoom'], [...W, 'slow'], 1, 1, 1],
    linsert: [5, ['write', 'denyoom'], [...W, 'slow'], 1, 1, 1],
    lrem: [4, ['write'], [...W, 'slow'], 1, 1, 1],
    ltrim: [4, ['write'], [...W, 'slow'], 1, 1, 1],
    lpos: [-3, ['readonly'], [...R, 'slow'], 1, 1, 1],
    lmove: [5, ['write', 'denyoom'], [...W, 'slow'], 1, 2, 1],
    rpoplpush: [3, ['write', 'denyoom'], [...W, 'slow'], 1, 2, 1],
    lmpop: [-4, ['write', 'movablekeys'], [...W, 'slow'], 0, 0, 0],
    blpop: [-3, ['write', 'noscript', 'blocking'], [...W, 'slow', 'blocking'], 1, -2, 1],
    brpop: [-3, ['write', 'noscript', 'blocking'], [...W, 'slow', 'blocking'], 1, -2, 1],
    blmove: [6, ['write', 'denyoom', 'noscript', 'blocking'], [...W, 'slow', 'blocking'], 1, 2, 1],
    blmpop: [-5, ['write', 'blocking', 'movablekeys'], [...W, 'slow', 'blocking'], 0, 0, 0],
  };
  testDeclarations(expected);

  test('arity errors', withEngine((e) => {
    fails(e, arity('lpush'), 'LPUSH', 'l');
    fails(e, arity('llen'), 'LLEN');
    fails(e, arity('lrange'), 'LRANGE', 'l', '0');
    fails(e, arity('lmove'), 'LMOVE', 'a', 'b', 'LEFT');
    fails(e, arity('lmpop'), 'LMPOP', '1', 'a');
    // LPOP takes at most one count: checked by the command itself.
    fails(e, arity('lpop'), 'LPOP', 'l', '1', '2');
    fails(e, arity('rpop'), 'RPOP', 'l', '1', '2');
    fails(e, arity('blpop'), 'BLPOP', 'l');
    fails(e, arity('brpop'), 'BRPOP', 'l');
    fails(e, arity('blmove'), 'BLMOVE', 'a', 'b', 'LEFT', 'RIGHT');
    fails(e, arity('blmove'), 'BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0', 'x');
    fails(e, arity('blmpop'), 'BLMPOP', '0', '1', 'a');
  }));
});

describe('pushes', () => {
  test('LPUSH / RPUSH order and length', withEngine((e) => {
    assert.equal(e.call('LPUSH', 'l', 'a', 'b', 'c'), 3);
    assert.deepEqual(range(e, 'l'), ['c', 'b', 'a']);
    assert.equal(e.call('RPUSH', 'l', 'x', 'y'), 5);
    assert.deepEqual(range(e, 'l'), ['c', 'b', 'a', 'x', 'y']);
    assert.equal(e.call('TYPE', 'l'), 'list');
    assert.equal(e.call('OBJECT', 'ENCODING', 'l'), 'quicklist');
  }));

  test('LPUSHX / RPUSHX only on an existing list', withEngine((e) => {
    assert.equal(e.call('LPUSHX', 'l', 'a'), 0);
    assert.equal(e.call('RPUSHX', 'l', 'a', 'b'), 0);
    assert.equal(e.call('EXISTS', 'l'), 0);
    e.call('RPUSH', 'l', 'm');
    assert.equal(e.call('LPUSHX', 'l', 'a', 'b'), 3);
    assert.equal(e.call('RPUSHX', 'l', 'z'), 4);
    assert.deepEqual(range(e, 'l'), ['b', 'a', 'm', 'z']);
  }));

  test('elements are binary-safe; integers come back as their text', withEngine((e) => {
    const bin = Buffer.from([0x00, 0xff, 0x00]);
    const values = ['0', '127', '128', '-1', '-129', '40000', '3000000000', '9223372036854775807',
      '-9223372036854775808', '9223372036854775808', '-0', '007', '+1', '', 'x'.repeat(200), 'x'.repeat(70000)];
    e.call('RPUSH', 'l', ...values);
    e.call('RPUSH', 'l', bin);
    assert.deepEqual(range(e, 'l').slice(0, -1), values);
    assert.deepEqual(e.callBuffer('LINDEX', 'l', '-1'), bin);
  }));

  test('WRONGTYPE', withEngine((e) => {
    e.call('SET', 's', 'v');
    fails(e, WRONGTYPE, 'LPUSH', 's', 'a');
    fails(e, WRONGTYPE, 'RPUSH', 's', 'a');
    fails(e, WRONGTYPE, 'LPUSHX', 's', 'a');
    fails(e, WRONGTYPE, 'RPUSHX', 's', 'a');
    fails(e, WRONGTYPE, 'LPOP', 's');
    fails(e, WRONGTYPE, 'LPOP', 's', '0');
    fails(e, WRONGTYPE, 'RPOP', 's');
    fails(e, WRONGTYPE, 'LLEN', 's');
    fails(e, WRONGTYPE, 'LRANGE', 's', '0', '-1');
    fails(e, WRONGTYPE, 'LINDEX', 's', '0');
    fails(e, WRONGTYPE, 'LSET', 's', '0', 'x');
    fails(e, WRONGTYPE, 'LINSERT', 's', 'BEFORE', 'a', 'b');
    fails(e, WRONGTYPE, 'LREM', 's', '0', 'a');
    fails(e, WRONGTYPE, 'LTRIM', 's', '0', '1');
    fails(e, WRONGTYPE, 'LPOS', 's', 'a');
    fails(e, WRONGTYPE, 'LMOVE', 's', 'd', 'LEFT', 'LEFT');
    fails(e, WRONGTYPE, 'RPOPLPUSH', 's', 'd');
    fails(e, WRONGTYPE, 'LMPOP', '1', 's', 'LEFT');
    assert.equal(e.call('GET', 's'), 'v');
  }));
});

describe('pops', () => {
  test('LPOP / RPOP one element, key removed when empty', withEngine((e) => {
    assert.equal(e.call('LPOP', 'l'), null);
    e.call('RPUSH', 'l', 'a', 'b', 'c');
    assert.equal(e.call('LPOP', 'l'), 'a');
    assert.equal(e.call('RPOP', 'l'), 'c');
    assert.equal(e.call('RPOP', 'l'), 'b');
    assert.equal(e.call('EXISTS', 'l'), 0);
    assert.equal(e.call('RPOP', 'l'), null);
  }));

  test('with a count', withEngine((e) => {
    assert.equal(e.call('LPOP', 'l', '2'), null); // a null array
    assert.equal(e.call('LPOP', 'l', '0'), null);
    e.call('RPUSH', 'l', 'a', 'b', 'c', 'd');
    assert.deepEqual(e.call('LPOP', 'l', '0'), []);
    assert.deepEqual(e.call('LPOP', 'l', '2'), ['a', 'b']);
    assert.deepEqual(e.call('RPOP', 'l', '1'), ['d']);
    assert.deepEqual(e.call('RPOP', 'l', '9223372036854775807'), ['c']);
    assert.equal(e.call('EXISTS', 'l'), 0);
  }));

  test('count errors come before the key', withEngine((e) => {
    e.call('SET', 's', 'v');
    fails(e, MUST_BE_POSITIVE, 'LPOP', 'nokey', '-1');
    fails(e, MUST_BE_POSITIVE, 'LPOP', 's', '-1');
    fails(e, MUST_BE_POSITIVE, 'RPOP', 's', 'abc');
    fails(e, MUST_BE_POSITIVE, 'RPOP', 's', '-9223372036854775808');
    fails(e, MUST_BE_POSITIVE, 'RPOP', 's', '9223372036854775808');
  }));

  test('LMPOP', withEngine((e) => {
    assert.equal(e.call('LMPOP', '2', 'a', 'b', 'LEFT'), null);
    e.call('RPUSH', 'b', '1', '2', '3');
    e.call('SET', 's', 'v');
    assert.deepEqual(e.call('LMPOP', '2', 'a', 'b', 'left'), ['b', ['1']]);
    assert.deepEqual(e.call('LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '5'), ['b', ['3', '2']]);
    assert.equal(e.call('EXISTS', 'b'), 0);
    // Types are checked in key order, up to the first non-empty list.
    fails(e, WRONGTYPE, 'LMPOP', '2', 's', 'b', 'LEFT');
    e.call('RPUSH', 'b', 'x');
    assert.deepEqual(e.call('LMPOP', '2', 'b', 's', 'LEFT'), ['b', ['x']]);
  }));

  test('LMPOP errors', withEngine((e) => {
    const NUMKEYS = 'ERR numkeys should be greater than 0';
    const COUNT = 'ERR count should be greater than 0';
    fails(e, NUMKEYS, 'LMPOP', '0', 'a', 'LEFT');
    fails(e, NUMKEYS, 'LMPOP', '-1', 'a', 'LEFT');
    fails(e, NUMKEYS, 'LMPOP', 'abc', 'a', 'LEFT');
    fails(e, SYNTAX, 'LMPOP', '2', 'a', 'LEFT');
    fails(e, SYNTAX, 'LMPOP', '9223372036854775807', 'a', 'LEFT');
    fails(e, SYNTAX, 'LMPOP', '1', 'a', 'MIDDLE');
    fails(e, COUNT, 'LMPOP', '1', 'a', 'LEFT', 'COUNT', '0');
    fails(e, COUNT, 'LMPOP', '1', 'a', 'LEFT', 'COUNT', 'abc');
    fails(e, SYNTAX, 'LMPOP', '1', 'a', 'LEFT', 'COUNT');
    fails(e, SYNTAX, 'LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1');
    fails(e, SYNTAX, 'LMPOP', '1', 'a', 'LEFT', 'FOO');
  }));
});

describe('reads', () => {
  test('LLEN', withEngine((e) => {
    assert.equal(e.call('LLEN', 'l'), 0);
    e.call('RPUSH', 'l', 'a', 'b');
    assert.equal(e.call('LLEN', 'l'), 2);
  }));

  test('LRANGE index rules', withEngine((e) => {
    assert.deepEqual(e.call('LRANGE', 'l', '0', '-1'), []);
    e.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    assert.deepEqual(e.call('LRANGE', 'l', '1', '2'), ['b', 'c']);
    assert.deepEqual(e.call('LRANGE', 'l', '-2', '-1'), ['d', 'e']);
    assert.deepEqual(e.call('LRANGE', 'l', '-100', '100'), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(e.call('LRANGE', 'l', '3', '1'), []);
    assert.deepEqual(e.call('LRANGE', 'l', '5', '10'), []);
    assert.deepEqual(e.call('LRANGE', 'l', '-9223372036854775808', '9223372036854775807'),
      ['a', 'b', 'c', 'd', 'e']);
    fails(e, NOT_INT, 'LRANGE', 'l', 'a', '1');
    fails(e, NOT_INT, 'LRANGE', 'nokey', '0', 'x'); // before the key
  }));

  test('LINDEX', withEngine((e) => {
    assert.equal(e.call('LINDEX', 'nokey', 'abc'), null); // the key comes first
    e.call('RPUSH', 'l', 'a', 'b', 'c');
    assert.equal(e.call('LINDEX', 'l', '0'), 'a');
    assert.equal(e.call('LINDEX', 'l', '-1'), 'c');
    assert.equal(e.call('LINDEX', 'l', '3'), null);
    assert.equal(e.call('LINDEX', 'l', '-4'), null);
    fails(e, NOT_INT, 'LINDEX', 'l', 'abc');
  }));

  test('LPOS', withEngine((e) => {
    e.call('RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a');
    assert.equal(e.call('LPOS', 'l', 'a'), 0);
    assert.equal(e.call('LPOS', 'l', 'z'), null);
    assert.equal(e.call('LPOS', 'l', 'a', 'RANK', '2'), 3);
    assert.equal(e.call('LPOS', 'l', 'a', 'RANK', '-1'), 5);
    assert.equal(e.call('LPOS', 'l', 'a', 'RANK', '-3'), 0);
    assert.equal(e.call('LPOS', 'l', 'a', 'RANK', '4'), null);
    assert.deepEqual(e.call('LPOS', 'l', 'a', 'COUNT', '0'), [0, 3, 5]);
    assert.deepEqual(e.call('LPOS', 'l', 'a', 'COUNT', '2'), [0, 3]);
    assert.deepEqual(e.call('LPOS', 'l', 'a', 'COUNT', '0', 'RANK', '-1'), [5, 3, 0]);
    assert.deepEqual(e.call('LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4'), [0, 3]);
    assert.deepEqual(e.call('LPOS', 'l', 'a', 'RANK', '-1', 'COUNT', '0', 'MAXLEN', '1'), [5]);
    assert.deepEqual(e.call('LPOS', 'l', 'z', 'COUNT', '0'), []);
    // Redis negates the rank in a long: LLONG_MIN behaves like rank 1 from the tail.
    assert.deepEqual(e.call('LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '0'), [5, 3, 0]);
    // ... and its count test overflows, so COUNT is ignored.
    assert.deepEqual(e.call('LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '1'), [5, 3, 0]);
    assert.equal(e.call('LPOS', 'l', 'a', 'RANK', '-9223372036854775808'), 5);
    assert.equal(e.call('LPOS', 'l', 'a', 'RANK', '9223372036854775807'), null);
    assert.equal(e.call('LPOS', 'nokey', 'a'), null);
    assert.deepEqual(e.call('LPOS', 'nokey', 'a', 'COUNT', '0'), []);
  }));

  test('LPOS errors', withEngine((e) => {
    e.call('RPUSH', 'l', 'a');
    fails(e, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
      'LPOS', 'l', 'a', 'RANK', '0');
    fails(e, NOT_INT, 'LPOS', 'l', 'a', 'RANK', 'x');
    fails(e, "ERR COUNT can't be negative", 'LPOS', 'l', 'a', 'COUNT', '-1');
    fails(e, "ERR COUNT can't be negative", 'LPOS', 'l', 'a', 'COUNT', 'x');
    fails(e, "ERR MAXLEN can't be negative", 'LPOS', 'l', 'a', 'MAXLEN', '-1');
    fails(e, SYNTAX, 'LPOS', 'l', 'a', 'RANK');
    fails(e, SYNTAX, 'LPOS', 'l', 'a', 'FOO', '1');
    e.call('SET', 's', 'v');
    fails(e, SYNTAX, 'LPOS', 's', 'a', 'FOO'); // options before the type
  }));
});

describe('edits', () => {
  test('LSET', withEngine((e) => {
    fails(e, 'ERR no such key', 'LSET', 'nokey', 'abc', 'x');
    e.call('RPUSH', 'l', 'a', 'b', 'c');
    assert.equal(e.call('LSET', 'l', '1', 'B'), 'OK');
    assert.equal(e.call('LSET', 'l', '-1', '12345'), 'OK');
    assert.deepEqual(range(e, 'l'), ['a', 'B', '12345']);
    fails(e, 'ERR index out of range', 'LSET', 'l', '3', 'x');
    fails(e, 'ERR index out of range', 'LSET', 'l', '-4', 'x');
    fails(e, NOT_INT, 'LSET', 'l', 'abc', 'x');
  }));

  test('LINSERT', withEngine((e) => {
    assert.equal(e.call('LINSERT', 'nokey', 'BEFORE', 'a', 'x'), 0);
    fails(e, SYNTAX, 'LINSERT', 'nokey', 'middle', 'a', 'x');
    e.call('RPUSH', 'l', 'a', 'b', 'a');
    assert.equal(e.call('LINSERT', 'l', 'before', 'a', 'x'), 4);
    assert.equal(e.call('LINSERT', 'l', 'AFTER', 'b', 'y'), 5);
    assert.equal(e.call('LINSERT', 'l', 'AFTER', 'z', 'y'), -1);
    assert.deepEqual(range(e, 'l'), ['x', 'a', 'b', 'y', 'a']);
  }));

  test('LREM', withEngine((e) => {
    assert.equal(e.call('LREM', 'nokey', '0', 'a'), 0);
    fails(e, NOT_INT, 'LREM', 'nokey', 'x', 'a');
    e.call('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', '1', 'a');
    assert.equal(e.call('LREM', 'l', '1', 'a'), 1);
    assert.deepEqual(range(e, 'l'), ['b', 'a', 'c', 'a', '1', 'a']);
    assert.equal(e.call('LREM', 'l', '-2', 'a'), 2);
    assert.deepEqual(range(e, 'l'), ['b', 'a', 'c', '1']);
    assert.equal(e.call('LREM', 'l', '0', '1'), 1);
    assert.equal(e.call('LREM', 'l', '-9223372036854775808', 'a'), 1);
    assert.equal(e.call('LREM', 'l', '9223372036854775807', 'b'), 1);
    assert.equal(e.call('LREM', 'l', '0', 'c'), 1);
    assert.equal(e.call('EXISTS', 'l'), 0);
  }));

  test('LTRIM', withEngine((e) => {
    assert.equal(e.call('LTRIM', 'nokey', '0', '1'), 'OK');
    fails(e, NOT_INT, 'LTRIM', 'nokey', 'a', '1');
    e.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    assert.equal(e.call('LTRIM', 'l', '1', '-2'), 'OK');
    assert.deepEqual(range(e, 'l'), ['b', 'c', 'd']);
    assert.equal(e.call('LTRIM', 'l', '-100', '100'), 'OK');
    assert.deepEqual(range(e, 'l'), ['b', 'c', 'd']);
    assert.equal(e.call('LTRIM', 'l', '2', '1'), 'OK');
    assert.equal(e.call('EXISTS', 'l'), 0);
    e.call('RPUSH', 'l', 'a');
    e.call('LTRIM', 'l', '1', '-1');
    assert.equal(e.call('EXISTS', 'l'), 0);
  }));
});

describe('moves', () => {
  test('LMOVE every direction', withEngine((e) => {
    e.call('RPUSH', 's', 'a', 'b', 'c');
    assert.equal(e.call('LMOVE', 's', 'd', 'LEFT', 'RIGHT'), 'a');
    assert.equal(e.call('LMOVE', 's', 'd', 'right', 'left'), 'c');
    assert.deepEqual(range(e, 'd'), ['c', 'a']);
    assert.equal(e.call('LMOVE', 's', 'd', 'LEFT', 'LEFT'), 'b');
    assert.equal(e.call('EXISTS', 's'), 0);
    assert.deepEqual(range(e, 'd'), ['b', 'c', 'a']);
    assert.equal(e.call('LMOVE', 's', 'd', 'LEFT', 'LEFT'), null);
    fails(e, SYNTAX, 'LMOVE', 's', 'd', 'UP', 'LEFT');
  }));

  test('LMOVE onto itself rotates, and a one-element list survives', withEngine((e) => {
    e.call('RPUSH', 'l', '1', '2', '3');
    assert.equal(e.call('LMOVE', 'l', 'l', 'LEFT', 'RIGHT'), '1');
    assert.deepEqual(range(e, 'l'), ['2', '3', '1']);
    e.call('RPUSH', 'one', 'x');
    assert.equal(e.call('RPOPLPUSH', 'one', 'one'), 'x');
    assert.deepEqual(range(e, 'one'), ['x']);
  }));

  test('LMOVE checks: missing source first, then the destination type', withEngine((e) => {
    e.call('SET', 'str', 'v');
    assert.equal(e.call('LMOVE', 'nokey', 'str', 'LEFT', 'LEFT'), null);
    e.call('RPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'LMOVE', 'l', 'str', 'LEFT', 'LEFT');
    fails(e, WRONGTYPE, 'RPOPLPUSH', 'l', 'str');
    assert.deepEqual(range(e, 'l'), ['a']); // nothing moved
  }));

  test('RPOPLPUSH', withEngine((e) => {
    e.call('RPUSH', 's', 'a', 'b');
    assert.equal(e.call('RPOPLPUSH', 's', 'd'), 'b');
    assert.equal(e.call('RPOPLPUSH', 's', 'd'), 'a');
    assert.deepEqual(range(e, 'd'), ['a', 'b']);
    assert.equal(e.call('RPOPLPUSH', 's', 'd'), null);
  }));
});

// The embedded engine never blocks: with nothing to serve, a blocking
// command answers null at once, as Redis does inside MULTI.
describe('blocking commands', () => {
  const NOT_FLOAT = 'ERR timeout is not a float or out of range';
  const NEGATIVE = 'ERR timeout is negative';

  test('BLPOP / BRPOP pop from the first non-empty list', withEngine((e) => {
    e.call('RPUSH', 'l', 'a', 'b', 'c');
    assert.deepEqual(e.call('BLPOP', 'nokey', 'l', '0'), ['l', 'a']);
    assert.deepEqual(e.call('BRPOP', 'l', 'nokey', '0.5'), ['l', 'c']);
    assert.deepEqual(e.call('BLPOP', 'l', '1'), ['l', 'b']);
    assert.equal(e.call('EXISTS', 'l'), 0); // emptied: deleted
    assert.equal(e.call('BLPOP', 'l', 'nokey', '0'), null);
    assert.equal(e.call('BRPOP', 'l', '0.01'), null);
  }));

  test('BLPOP checks the timeout first, then the keys in order', withEngine((e) => {
    e.call('SET', 's', 'x');
    e.call('RPUSH', 'l', 'a');
    fails(e, NOT_FLOAT, 'BLPOP', 's', 'x');
    fails(e, WRONGTYPE, 'BLPOP', 'nokey', 's', 'l', '0');
    assert.deepEqual(e.call('BLPOP', 'l', 's', '0'), ['l', 'a']); // served before s is looked at
    fails(e, WRONGTYPE, 'BRPOP', 's', '0');
  }));

  test('timeouts as Redis 7.0 parses them', withEngine((e) => {
    for (const t of ['0', '0.5', '1', '.5', '0x10', '1e-400', '-0', '-0.0001', '0.0001', '9223372036854775']) {
      assert.equal(e.call('BLPOP', 'nokey', t), null, t);
    }
    for (const t of ['abc', '', ' 1', '1 ', 'nan', '1e5000', '1s']) fails(e, NOT_FLOAT, 'BLPOP', 'nokey', t);
    // ms past int64 (infinities included) come out of Redis's cast negative.
    for (const t of ['-1', '-0.0011', 'inf', '-inf', '1e17', '9223372036854776']) fails(e, NEGATIVE, 'BLPOP', 'nokey', t);
  }));

  test('BLMOVE moves like LMOVE', withEngine((e) => {
    e.call('RPUSH', 'src', 'a', 'b');
    assert.equal(e.call('BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0'), 'b');
    assert.equal(e.call('BLMOVE', 'src', 'dst', 'left', 'left', '0'), 'a');
    assert.equal(e.call('EXISTS', 'src'), 0);
    assert.deepEqual(range(e, 'dst'), ['a', 'b']);
    assert.equal(e.call('BLMOVE', 'dst', 'dst', 'LEFT', 'RIGHT', '0'), 'a'); // rotation
    assert.deepEqual(range(e, 'dst'), ['b', 'a']);
    assert.equal(e.call('BLMOVE', 'nokey', 'dst', 'LEFT', 'RIGHT', '0'), null);
  }));

  test('BLMOVE checks the ends, the timeout, the source, then the destination', withEngine((e) => {
    e.call('SET', 's', 'x');
    fails(e, SYNTAX, 'BLMOVE', 's', 's', 'UP', 'LEFT', 'x');
    fails(e, SYNTAX, 'BLMOVE', 's', 's', 'LEFT', 'UP', 'x');
    fails(e, NOT_FLOAT, 'BLMOVE', 's', 's', 'LEFT', 'LEFT', 'x');
    fails(e, NEGATIVE, 'BLMOVE', 's', 's', 'LEFT', 'LEFT', '-1');
    fails(e, WRONGTYPE, 'BLMOVE', 's', 'nokey', 'LEFT', 'LEFT', '0');
    // No source: null whatever the destination holds.
    assert.equal(e.call('BLMOVE', 'nokey', 's', 'LEFT', 'LEFT', '0'), null);
    e.call('RPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0');
    assert.deepEqual(range(e, 'l'), ['a']);
  }));

  test('BLMPOP replies like LMPOP', withEngine((e) => {
    e.call('RPUSH', 'l', 'a', 'b', 'c');
    assert.deepEqual(e.call('BLMPOP', '0', '2', 'nokey', 'l', 'RIGHT', 'COUNT', '2'), ['l', ['c', 'b']]);
    assert.deepEqual(e.call('BLMPOP', '0.1', '1', 'l', 'left', 'COUNT', '10'), ['l', ['a']]);
    assert.equal(e.call('EXISTS', 'l'), 0);
    assert.equal(e.call('BLMPOP', '0', '2', 'l', 'nokey', 'LEFT'), null);
  }));

  test('BLMPOP errors: numkeys, the end, COUNT, the timeout, then types', withEngine((e) => {
    e.call('SET', 's', 'x');
    fails(e, 'ERR numkeys should be greater than 0', 'BLMPOP', 'x', '0', 's', 'UP');
    fails(e, 'ERR numkeys should be greater than 0', 'BLMPOP', 'x', 'y', 's', 'UP');
    fails(e, SYNTAX, 'BLMPOP', 'x', '2', 's', 'LEFT');
    fails(e, SYNTAX, 'BLMPOP', 'x', '9223372036854775807', 's', 'LEFT');
    fails(e, SYNTAX, 'BLMPOP', 'x', '1', 's', 'UP');
    fails(e, 'ERR count should be greater than 0', 'BLMPOP', 'x', '1', 's', 'LEFT', 'COUNT', '0');
    fails(e, SYNTAX, 'BLMPOP', 'x', '1', 's', 'LEFT', 'COUNT', '1', 'COUNT', '1');
    fails(e, SYNTAX, 'BLMPOP', 'x', '1', 's', 'LEFT', 'FOO');
    fails(e, NOT_FLOAT, 'BLMPOP', 'x', '1', 's', 'LEFT');
    fails(e, NEGATIVE, 'BLMPOP', '-1', '1', 's', 'LEFT');
    fails(e, WRONGTYPE, 'BLMPOP', '0', '2', 'nokey', 's', 'LEFT');
  }));
});

describe('lists and the keyspace', () => {
  test('expiry, TYPE, SCAN TYPE, RENAME, COPY', withEngine((e) => {
    e.call('RPUSH', 'l', 'a', 'b');
    e.call('SET', 's', 'v');
    assert.equal(e.call('PEXPIRE', 'l', '100'), 1);
    assert.equal(e.call('LPUSH', 'l', 'z'), 3); // a push keeps the TTL
    assert.equal(e.call('PTTL', 'l'), 100);
    assert.deepEqual(e.call('SCAN', '0', 'TYPE', 'list'), ['0', ['l']]);
    e.advance(101);
    assert.equal(e.call('LLEN', 'l'), 0);
    assert.equal(e.call('EXISTS', 'l'), 0);
    assert.equal(e.call('LPUSHX', 'l', 'x'), 0);

    e.call('RPUSH', 'l', 'a', 'b');
    assert.equal(e.call('RENAME', 'l', 'm'), 'OK');
    assert.deepEqual(range(e, 'm'), ['a', 'b']);
    assert.equal(e.call('COPY', 'm', 'c'), 1);
    e.call('RPUSH', 'c', 'only-in-copy');
    assert.deepEqual(range(e, 'm'), ['a', 'b']);
    assert.deepEqual(range(e, 'c'), ['a', 'b', 'only-in-copy']);
    assert.equal(e.call('TYPE', 'c'), 'list');
    assert.equal(e.call('OBJECT', 'ENCODING', 'c'), 'quicklist');
    assert.equal(e.call('DEL', 'c', 'm'), 2);
    assert.equal(T0 > 0, true);
  }));

  test('a big list spanning many chunks behaves like an array', withEngine((e) => {
    const model = [];
    let seed = 12345;
    const rand = (n) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const value = () => {
      const r = rand(6);
      if (r === 0) return String(rand(300) - 150);
      if (r === 1) return 'x'.repeat(50 + rand(400));
      if (r === 2) return `v${rand(4)}`;
      if (r === 3) return String(rand(2147483647) * 1000);
      return `e${rand(100000)}`;
    };
    for (let i = 0; i < 20000; i++) {
      const v = value();
      if (i % 2) {
        e.call('RPUSH', 'big', v);
        model.push(v);
      } else {
        e.call('LPUSH', 'big', v);
        model.unshift(v);
      }
    }
    for (let step = 0; step < 400; step++) {
      const n = model.length;
      const i = rand(n);
      switch (rand(6)) {
        case 0: {
          const v = value();
          e.call('LSET', 'big', String(i), v);
          model[i] = v;
          break;
        }
        case 1: {
          const pivot = model[i];
          const v = value();
          e.call('LINSERT', 'big', 'AFTER', pivot, v);
          model.splice(model.indexOf(pivot) + 1, 0, v);
          break;
        }
        case 2: {
          const target = `v${rand(4)}`;
          const count = rand(5) - 2;
          let removed = 0;
          if (count >= 0) {
            for (let k = 0; k < model.length; k++) {
              if (model[k] === target && (count === 0 || removed < count)) {
                model.splice(k--, 1);
                removed++;
              }
            }
          } else {
            for (let k = model.length - 1; k >= 0; k--) {
              if (model[k] === target && removed < -count) {
                model.splice(k, 1);
                removed++;
              }
            }
          }
          assert.equal(e.call('LREM', 'big', String(count), target), removed);
          break;
        }
        case 3:
          assert.equal(e.call('LINDEX', 'big', String(i - n)), model[i]);
          break;
        case 4: {
          const start = rand(n);
          assert.deepEqual(e.call('LRANGE', 'big', String(start), String(start + 50)), model.slice(start, start + 51));
          break;
        }
        default: {
          const target = model[i];
          assert.equal(e.call('LPOS', 'big', target), model.indexOf(target));
          assert.equal(e.call('LPOS', 'big', target, 'RANK', '-1'), model.lastIndexOf(target));
        }
      }
    }
    assert.equal(e.call('LLEN', 'big'), model.length);
    assert.deepEqual(range(e, 'big'), model);
    e.call('LTRIM', 'big', '1000', '-1000');
    assert.deepEqual(range(e, 'big'), model.slice(1000, model.length - 999));
    const popped = e.call('LPOP', 'big', '100000');
    assert.deepEqual(popped, model.slice(1000, model.length - 999));
    assert.equal(e.call('EXISTS', 'big'), 0);
  }));

  test('memory is returned when lists go away', withEngine((e) => {
    const used = () => Number(/used_memory:(\d+)/.exec(e.call('INFO', 'memory'))[1]);
    const cycle = () => {
      for (let i = 0; i < 5000; i++) e.call('RPUSH', 'l', `element-${i}`);
      e.call('LPUSH', 'l2', 'x'.repeat(100000));
      e.call('COPY', 'l', 'l3');
      e.call('LREM', 'l3', '0', 'element-7');
      e.call('DEL', 'l', 'l2', 'l3');
    };
    cycle(); // the keyspace table itself stays allocated after the first round
    const before = used();
    cycle();
    assert.equal(used(), before);
  }));
});

describe('typed methods', () => {
  test('every list command', withEngine((e) => {
    assert.equal(e.rPush('l', 'a', 'b', 'c'), 3);
    assert.equal(e.lPush('l', 'z'), 4);
    assert.equal(e.lPushX('nokey', 'a'), 0);
    assert.equal(e.rPushX('l', 'd'), 5);
    assert.equal(e.lLen('l'), 5);
    assert.deepEqual(e.lRange('l', 0, -1), ['z', 'a', 'b', 'c', 'd']);
    assert.equal(e.lIndex('l', -1), 'd');
    assert.equal(e.lSet('l', 0, 'y'), 'OK');
    assert.equal(e.lInsert('l', 'AFTER', 'y', 'a'), 6);
    assert.equal(e.lPos('l', 'a'), 1);
    assert.equal(e.lPos('l', 'a', { rank: -1 }), 2);
    assert.equal(e.lPos('l', 'nope'), null);
    assert.deepEqual(e.lPosCount('l', 'a', 0, { maxLen: 10 }), [1, 2]);
    assert.equal(e.lRem('l', 1, 'a'), 1);
    assert.equal(e.lPop('l'), 'y');
    assert.equal(e.rPop('l'), 'd');
    assert.deepEqual(e.lPopCount('l', 1), ['a']);
    assert.deepEqual(e.rPopCount('l', 1), ['c']);
    assert.equal(e.lPopCount('nokey', 1), null);
    assert.equal(e.lMove('l', 'm', 'LEFT', 'RIGHT'), 'b');
    assert.equal(e.lMove('l', 'm', 'LEFT', 'RIGHT'), null);
    e.rPush('l', '1', '2', '3');
    assert.equal(e.rPopLPush('l', 'm'), '3');
    assert.equal(e.lTrim('l', 0, 0), 'OK');
    assert.deepEqual(e.lmPop(['nokey', 'm'], 'LEFT', 10), { key: 'm', elements: ['3', 'b'] });
    assert.equal(e.lmPop(['nokey'], 'RIGHT'), null);
    assert.deepEqual(e.lRange('l', 0, -1), ['1']);
  }));
});
