// Unit tests of the strings command family (native/core/commands/strings.cc)
// through the embedded API. Expected replies, errors and encodings are those
// of redis-server 7.0.15, checked by hand against it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EmberError, commands } from 'emberkv';
import { T0, withEngine, fails, testDeclarations } from '../support/engine.mjs';

const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const OVERFLOW = 'ERR increment or decrement would overflow';
const TOO_BIG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const invalidExpire = (name) => `ERR invalid expire time in '${name}' command`;
const arity = (name) => `ERR wrong number of arguments for '${name}' command`;

const encoding = (e, key) => e.call('OBJECT', 'ENCODING', key);
const pttl = (e, key) => e.call('PTTL', key);

const table = new Map(commands().map((c) => [c.name, c]));
const hasCommand = (name) => table.has(name);

describe('command table', () => {
  // name: [arity, flags, categories, first, last, step], as COMMAND INFO in Redis 7.0.
  const expected = {
    get: [2, ['readonly', 'fast'], ['read', 'string', 'fast'], 1, 1, 1],
    set: [-3, ['write', 'denyoom'], ['write', 'string', 'slow'], 1, 1, 1],
    setnx: [3, ['write', 'denyoom', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    setex: [4, ['write', 'denyoom'], ['write', 'string', 'slow'], 1, 1, 1],
    psetex: [4, ['write', 'denyoom'], ['write', 'string', 'slow'], 1, 1, 1],
    getset: [3, ['write', 'denyoom', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    getdel: [2, ['write', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    getex: [-2, ['write', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    mget: [-2, ['readonly', 'fast'], ['read', 'string', 'fast'], 1, -1, 1],
    mset: [-3, ['write', 'denyoom'], ['write', 'string', 'slow'], 1, -1, 2],
    msetnx: [-3, ['write', 'denyoom'], ['write', 'string', 'slow'], 1, -1, 2],
    append: [3, ['write', 'denyoom', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    strlen: [2, ['readonly', 'fast'], ['read', 'string', 'fast'], 1, 1, 1],
    getrange: [4, ['readonly'], ['read', 'string', 'slow'], 1, 1, 1],
    substr: [4, ['readonly'], ['read', 'string', 'slow'], 1, 1, 1],
    setrange: [4, ['write', 'denyoom'], ['write', 'string', 'slow'], 1, 1, 1],
    incr: [2, ['write', 'denyoom', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    decr: [2, ['write', 'denyoom', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    incrby: [3, ['write', 'denyoom', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    decrby: [3, ['write', 'denyoom', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
    incrbyfloat: [3, ['write', 'denyoom', 'fast'], ['write', 'string', 'fast'], 1, 1, 1],
  };
  testDeclarations(expected);

  test('arity errors use the lower-case name', withEngine((e) => {
    fails(e, arity('get'), 'GET');
    fails(e, arity('set'), 'SET', 'k');
    fails(e, arity('setex'), 'SETEX', 'k', '10');
    fails(e, arity('getrange'), 'GETRANGE', 'k', '0');
  }));
});

describe('SET and GET', () => {
  test('set, get, overwrite', withEngine((e) => {
    assert.equal(e.call('GET', 'k'), null);
    assert.equal(e.call('SET', 'k', 'v1'), 'OK');
    assert.equal(e.call('GET', 'k'), 'v1');
    assert.equal(e.call('set', 'k', 'v2'), 'OK');
    assert.equal(e.call('get', 'k'), 'v2');
  }));

  test('binary-safe keys and values', withEngine((e) => {
    const key = Buffer.from([0x6b, 0x00, 0xff]);
    const value = Buffer.from([0x00, 0x01, 0x00, 0xfe]);
    assert.equal(e.call('SET', key, value), 'OK');
    assert.deepEqual(e.callBuffer('GET', key), value);
    assert.equal(e.call('GET', Buffer.from([0x6b, 0x00])), null);
    assert.equal(e.call('STRLEN', key), 4);
  }));

  test('empty value', withEngine((e) => {
    assert.equal(e.call('SET', 'k', ''), 'OK');
    assert.equal(e.call('GET', 'k'), '');
    assert.equal(e.call('STRLEN', 'k'), 0);
  }));

  test('NX and XX', withEngine((e) => {
    assert.equal(e.call('SET', 'k', 'a', 'XX'), null);
    assert.equal(e.call('EXISTS', 'k'), 0);
    assert.equal(e.call('SET', 'k', 'a', 'NX'), 'OK');
    assert.equal(e.call('SET', 'k', 'b', 'nx'), null);
    assert.equal(e.call('GET', 'k'), 'a');
    assert.equal(e.call('SET', 'k', 'c', 'xx'), 'OK');
    assert.equal(e.call('GET', 'k'), 'c');
    assert.equal(e.call('SET', 'k', 'd', 'NX', 'NX'), null); // a repeated option is fine
  }));

  test('option syntax errors and conflicts', withEngine((e) => {
    fails(e, SYNTAX, 'SET', 'k', 'v', 'NX', 'XX');
    fails(e, SYNTAX, 'SET', 'k', 'v', 'XX', 'NX');
    fails(e, SYNTAX, 'SET', 'k', 'v', 'EX', '10', 'PX', '100');
    fails(e, SYNTAX, 'SET', 'k', 'v', 'EXAT', '10', 'PXAT', '100');
    fails(e, SYNTAX, 'SET', 'k', 'v', 'KEEPTTL', 'EX', '10');
    fails(e, SYNTAX, 'SET', 'k', 'v', 'EX', '10', 'KEEPTTL');
    fails(e, SYNTAX, 'SET', 'k', 'v', 'EX'); // missing value
    fails(e, SYNTAX, 'SET', 'k', 'v', 'PERSIST'); // GETEX only
    fails(e, SYNTAX, 'SET', 'k', 'v', 'bogus');
    fails(e, SYNTAX, 'SET', 'k', 'v', '');
    // Syntax is checked before the expiry value.
    fails(e, SYNTAX, 'SET', 'k', 'v', 'EX', '0', 'bogus');
    assert.equal(e.call('EXISTS', 'k'), 0);
  }));

  test('option names are read as C strings (up to a NUL), like Redis', withEngine((e) => {
    assert.equal(e.call('SET', 'k', 'v', Buffer.from('nx\0junk')), 'OK');
    assert.equal(e.call('SET', 'k', 'w', Buffer.from('nx\0')), null);
    assert.equal(e.call('SET', 'k', 'w', Buffer.from('ex\0'), '10'), 'OK');
    assert.equal(pttl(e, 'k'), 10_000);
  }));

  test('EX, PX, EXAT, PXAT', withEngine((e) => {
    assert.equal(e.call('SET', 'k', 'v', 'EX', '10'), 'OK');
    assert.equal(pttl(e, 'k'), 10_000);
    assert.equal(e.call('SET', 'k', 'v', 'PX', '1500'), 'OK');
    assert.equal(pttl(e, 'k'), 1500);
    assert.equal(e.call('SET', 'k', 'v', 'EXAT', String(T0 / 1000 + 20)), 'OK');
    assert.equal(pttl(e, 'k'), 20_000);
    assert.equal(e.call('SET', 'k', 'v', 'PXAT', String(T0 + 2500)), 'OK');
    assert.equal(pttl(e, 'k'), 2500);
    e.advance(2500);
    // Alive through its expiry millisecond (PTTL 0), as in Redis; gone after.
    assert.equal(e.call('GET', 'k'), 'v');
    assert.equal(pttl(e, 'k'), 0);
    e.advance(1);
    assert.equal(e.call('GET', 'k'), null);
    assert.equal(e.call('EXISTS', 'k'), 0);
  }));

  test('a repeated expiry option: the last one wins', withEngine((e) => {
    assert.equal(e.call('SET', 'k', 'v', 'EX', '10', 'EX', '20'), 'OK');
    assert.equal(pttl(e, 'k'), 20_000);
  }));

  test('invalid expire times', withEngine((e) => {
    for (const t of ['0', '-1', '-9223372036854775808']) {
      fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'EX', t);
      fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'PX', t);
      fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'EXAT', t);
      fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'PXAT', t);
    }
    // Seconds that overflow in ms, and relative times that overflow when
    // the current time is added.
    fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'EX', '9223372036854776');
    fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'EX', '9223372036854775');
    fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'PX', '9223372036854775807');
    fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'EXAT', '9223372036854776');
    for (const t of ['abc', '1.5', ' 1', '01', '', '9223372036854775808']) {
      fails(e, NOT_INT, 'SET', 'k', 'v', 'EX', t);
    }
    assert.equal(e.call('EXISTS', 'k'), 0);
    // The largest absolute times are fine.
    assert.equal(e.call('SET', 'k', 'v', 'EXAT', '9223372036854775'), 'OK');
    assert.equal(e.call('SET', 'k', 'v', 'PXAT', '9223372036854775807'), 'OK');
    assert.equal(pttl(e, 'k'), 9223372036854775807n - BigInt(T0));
  }));

  test('an absolute time in the past stores a key that is already expired', withEngine((e) => {
    assert.equal(e.call('SET', 'k', 'v', 'EXAT', '1'), 'OK');
    assert.equal(e.call('GET', 'k'), null);
    assert.equal(e.call('SET', 'k', 'v', 'PXAT', String(T0 - 1)), 'OK');
    assert.equal(e.call('EXISTS', 'k'), 0);
    // Exactly now: alive for this millisecond (PTTL 0), gone the next.
    assert.equal(e.call('SET', 'k', 'v', 'PXAT', String(T0)), 'OK');
    assert.equal(e.call('EXISTS', 'k'), 1);
    assert.equal(pttl(e, 'k'), 0);
    e.advance(1);
    assert.equal(e.call('EXISTS', 'k'), 0);
  }));

  test('SET clears the TTL unless KEEPTTL', withEngine((e) => {
    e.call('SET', 'k', 'v', 'EX', '100');
    assert.equal(e.call('SET', 'k', 'w', 'KEEPTTL'), 'OK');
    assert.equal(pttl(e, 'k'), 100_000);
    assert.equal(e.call('GET', 'k'), 'w');
    assert.equal(e.call('SET', 'k', 'x'), 'OK');
    assert.equal(pttl(e, 'k'), -1);
    assert.equal(e.call('SET', 'new', 'v', 'KEEPTTL'), 'OK');
    assert.equal(pttl(e, 'new'), -1);
  }));

  test('KEEPTTL on a key that just expired sets it without a TTL', withEngine((e) => {
    e.call('SET', 'k', 'v', 'PX', '10');
    e.advance(11);
    assert.equal(e.call('SET', 'k', 'w', 'KEEPTTL'), 'OK');
    assert.equal(pttl(e, 'k'), -1);
    assert.equal(e.call('GET', 'k'), 'w');
  }));

  test('GET option returns the old value', withEngine((e) => {
    assert.equal(e.call('SET', 'k', 'a', 'GET'), null);
    assert.equal(e.call('SET', 'k', 'b', 'GET'), 'a');
    assert.equal(e.call('SET', 'k', 'c', 'GET', 'GET'), 'b');
    assert.equal(e.call('GET', 'k'), 'c');
    e.call('SET', 'n', '42');
    assert.equal(e.call('SET', 'n', 'x', 'GET'), '42'); // int-encoded old value
  }));

  test('GET with NX / XX (allowed in 7.0)', withEngine((e) => {
    // NX: replies the old value, writes nothing when the key exists.
    e.call('SET', 'k', 'old');
    assert.equal(e.call('SET', 'k', 'new', 'NX', 'GET'), 'old');
    assert.equal(e.call('GET', 'k'), 'old');
    assert.equal(e.call('SET', 'k2', 'new', 'NX', 'GET'), null);
    assert.equal(e.call('GET', 'k2'), 'new');
    // XX: replies null and writes nothing on a missing key.
    assert.equal(e.call('SET', 'k3', 'v', 'XX', 'GET'), null);
    assert.equal(e.call('EXISTS', 'k3'), 0);
    assert.equal(e.call('SET', 'k', 'v', 'GET', 'XX', 'PX', '5000'), 'old');
    assert.equal(pttl(e, 'k'), 5000);
  }));

  test('GET checks the expire time first', withEngine((e) => {
    e.call('SET', 'k', 'old');
    fails(e, invalidExpire('set'), 'SET', 'k', 'v', 'EX', '0', 'GET');
    assert.equal(e.call('GET', 'k'), 'old');
  }));

  test('WRONGTYPE on GET of a non-string', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'GET', 'l');
    fails(e, WRONGTYPE, 'SET', 'l', 'v', 'GET');
    fails(e, WRONGTYPE, 'SET', 'l', 'v', 'NX', 'GET');
    assert.equal(e.call('TYPE', 'l'), 'list');
    fails(e, invalidExpire('set'), 'SET', 'l', 'v', 'EX', '0', 'GET');
    assert.equal(e.call('SET', 'l', 'v'), 'OK'); // plain SET overwrites any type
    assert.equal(e.call('GET', 'l'), 'v');
  }));

  test('encodings', withEngine((e) => {
    const cases = [
      ['0', 'int'],
      ['-1', 'int'],
      ['12345', 'int'],
      ['9223372036854775807', 'int'],
      ['-9223372036854775808', 'int'],
      ['9223372036854775808', 'embstr'], // out of int64 range
      ['11111111111111111111', 'embstr'], // 20 digits, too big
      ['-0', 'embstr'],
      ['+1', 'embstr'],
      ['01', 'embstr'],
      [' 1', 'embstr'],
      ['1.5', 'embstr'],
      ['', 'embstr'],
      ['a'.repeat(44), 'embstr'],
      ['a'.repeat(45), 'raw'],
      ['1'.repeat(45), 'raw'],
    ];
    for (const [value, enc] of cases) {
      e.call('SET', 'k', value);
      assert.equal(encoding(e, 'k'), enc, `SET ${JSON.stringify(value)}`);
      assert.equal(e.call('GET', 'k'), value);
    }
  }));
});

describe('SETNX, SETEX, PSETEX, GETSET', () => {
  test('SETNX', withEngine((e) => {
    assert.equal(e.call('SETNX', 'k', '1'), 1);
    assert.equal(e.call('SETNX', 'k', '2'), 0);
    assert.equal(e.call('GET', 'k'), '1');
    assert.equal(encoding(e, 'k'), 'int');
  }));

  test('SETEX and PSETEX', withEngine((e) => {
    assert.equal(e.call('SETEX', 'k', '10', 'v'), 'OK');
    assert.equal(pttl(e, 'k'), 10_000);
    assert.equal(e.call('PSETEX', 'k', '1500', 'w'), 'OK');
    assert.equal(pttl(e, 'k'), 1500);
    assert.equal(e.call('GET', 'k'), 'w');
    e.advance(1501);
    assert.equal(e.call('GET', 'k'), null);
    assert.equal(e.call('SETEX', 'k', '10', '123'), 'OK');
    assert.equal(encoding(e, 'k'), 'int');
  }));

  test('SETEX / PSETEX errors name their command', withEngine((e) => {
    fails(e, invalidExpire('setex'), 'SETEX', 'k', '0', 'v');
    fails(e, invalidExpire('setex'), 'SETEX', 'k', '-10', 'v');
    fails(e, invalidExpire('setex'), 'SETEX', 'k', '9223372036854775', 'v');
    fails(e, invalidExpire('psetex'), 'PSETEX', 'k', '-5', 'v');
    fails(e, invalidExpire('psetex'), 'PSETEX', 'k', '9223372036854775807', 'v');
    fails(e, NOT_INT, 'SETEX', 'k', 'abc', 'v');
    fails(e, NOT_INT, 'PSETEX', 'k', '9223372036854775808', 'v');
    assert.equal(e.call('EXISTS', 'k'), 0);
  }));

  test('GETSET returns the old value and clears the TTL', withEngine((e) => {
    assert.equal(e.call('GETSET', 'k', 'a'), null);
    e.call('EXPIRE', 'k', '100');
    assert.equal(e.call('GETSET', 'k', '7'), 'a');
    assert.equal(pttl(e, 'k'), -1);
    assert.equal(e.call('GET', 'k'), '7');
    assert.equal(encoding(e, 'k'), 'int');
  }));

  test('GETSET on a non-string', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'GETSET', 'l', 'v');
    assert.equal(e.call('TYPE', 'l'), 'list');
  }));
});

describe('GETDEL and GETEX', () => {
  test('GETDEL', withEngine((e) => {
    assert.equal(e.call('GETDEL', 'k'), null);
    e.call('SET', 'k', '12');
    assert.equal(e.call('GETDEL', 'k'), '12');
    assert.equal(e.call('EXISTS', 'k'), 0);
    assert.equal(e.call('GETDEL', 'k'), null);
  }));

  test('GETEX without options just reads', withEngine((e) => {
    assert.equal(e.call('GETEX', 'k'), null);
    e.call('SET', 'k', 'v', 'EX', '10');
    assert.equal(e.call('GETEX', 'k'), 'v');
    assert.equal(pttl(e, 'k'), 10_000);
  }));

  test('GETEX sets and removes the TTL', withEngine((e) => {
    e.call('SET', 'k', 'v');
    assert.equal(e.call('GETEX', 'k', 'EX', '10'), 'v');
    assert.equal(pttl(e, 'k'), 10_000);
    assert.equal(e.call('GETEX', 'k', 'PX', '100'), 'v');
    assert.equal(pttl(e, 'k'), 100);
    assert.equal(e.call('GETEX', 'k', 'EXAT', String(T0 / 1000 + 50)), 'v');
    assert.equal(pttl(e, 'k'), 50_000);
    assert.equal(e.call('GETEX', 'k', 'PXAT', String(T0 + 7)), 'v');
    assert.equal(pttl(e, 'k'), 7);
    assert.equal(e.call('GETEX', 'k', 'PERSIST'), 'v');
    assert.equal(pttl(e, 'k'), -1);
    assert.equal(e.call('GETEX', 'k', 'PERSIST'), 'v');
    assert.equal(e.call('GETEX', 'k', 'EX', '10', 'EX', '20'), 'v');
    assert.equal(pttl(e, 'k'), 20_000);
  }));

  test('GETEX with an absolute time already past deletes the key', withEngine((e) => {
    e.call('SET', 'k', 'v');
    assert.equal(e.call('GETEX', 'k', 'EXAT', '1'), 'v');
    assert.equal(e.call('EXISTS', 'k'), 0);
    e.call('SET', 'k', 'v');
    assert.equal(e.call('GETEX', 'k', 'PXAT', String(T0)), 'v'); // exactly now
    assert.equal(e.call('EXISTS', 'k'), 0);
    assert.equal(e.call('DBSIZE'), 0);
  }));

  test('GETEX errors and their order', withEngine((e) => {
    e.call('SET', 'k', 'v');
    for (const opts of [['NX'], ['XX'], ['KEEPTTL'], ['GET'], ['bogus'], ['EX'], ['PERSIST', 'EX', '10'],
      ['EX', '10', 'PERSIST'], ['EXAT', '9999999999', 'PXAT', '1']]) {
      fails(e, SYNTAX, 'GETEX', 'k', ...opts);
      fails(e, SYNTAX, 'GETEX', 'missing', ...opts); // syntax first, even for a missing key
    }
    fails(e, invalidExpire('getex'), 'GETEX', 'k', 'EX', '0');
    fails(e, invalidExpire('getex'), 'GETEX', 'k', 'PXAT', '0');
    fails(e, invalidExpire('getex'), 'GETEX', 'k', 'EX', '9223372036854775');
    fails(e, NOT_INT, 'GETEX', 'k', 'PX', 'abc');
    // The expiry value is only checked once the key is found.
    assert.equal(e.call('GETEX', 'missing', 'EX', '0'), null);
    assert.equal(e.call('GETEX', 'missing', 'PX', 'abc'), null);
    assert.equal(pttl(e, 'k'), -1);
  }));

  test('GETEX on a non-string', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'GETEX', 'l', 'EX', '0'); // type before the expiry value
    fails(e, SYNTAX, 'GETEX', 'l', 'bogus');
    fails(e, WRONGTYPE, 'GETDEL', 'l');
  }));
});

describe('MGET, MSET, MSETNX', () => {
  test('MSET and MGET', withEngine((e) => {
    assert.equal(e.call('MSET', 'a', '1', 'b', 'two', 'c', 'x'.repeat(50)), 'OK');
    assert.deepEqual(e.call('MGET', 'a', 'b', 'missing', 'c', 'a'), ['1', 'two', null, 'x'.repeat(50), '1']);
    assert.equal(encoding(e, 'a'), 'int');
    assert.equal(encoding(e, 'b'), 'embstr');
    assert.equal(encoding(e, 'c'), 'raw');
  }));

  test('MSET clears TTLs; a repeated key takes its last value', withEngine((e) => {
    e.call('SET', 'a', 'v', 'EX', '100');
    assert.equal(e.call('MSET', 'a', '1', 'a', '2'), 'OK');
    assert.equal(e.call('GET', 'a'), '2');
    assert.equal(pttl(e, 'a'), -1);
  }));

  test('an odd number of arguments is an arity error', withEngine((e) => {
    fails(e, arity('mset'), 'MSET', 'a');
    fails(e, arity('mset'), 'MSET', 'a', '1', 'b');
    fails(e, arity('msetnx'), 'MSETNX', 'a', '1', 'b');
    assert.equal(e.call('EXISTS', 'a'), 0);
  }));

  test('MSETNX sets all or nothing', withEngine((e) => {
    assert.equal(e.call('MSETNX', 'a', '1', 'b', '2'), 1);
    assert.equal(e.call('MSETNX', 'c', '3', 'a', '9'), 0);
    assert.equal(e.call('EXISTS', 'c'), 0);
    assert.equal(e.call('GET', 'a'), '1');
    assert.equal(e.call('MSETNX', 'd', '1', 'd', '2'), 1);
    assert.equal(e.call('GET', 'd'), '2');
    // An expired key counts as absent.
    e.call('SET', 'e', 'v', 'PX', '5');
    e.advance(6);
    assert.equal(e.call('MSETNX', 'e', 'w'), 1);
    assert.equal(e.call('GET', 'e'), 'w');
  }));

  test('MGET replies null for non-strings', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    e.call('SET', 's', 'v');
    assert.deepEqual(e.call('MGET', 'l', 's'), [null, 'v']);
    assert.equal(e.call('MSET', 'l', 'x'), 'OK');
    assert.equal(e.call('GET', 'l'), 'x');
  }));
});

describe('APPEND and STRLEN', () => {
  test('APPEND creates and extends', withEngine((e) => {
    assert.equal(e.call('APPEND', 'k', 'hello'), 5);
    assert.equal(e.call('APPEND', 'k', ' world'), 11);
    assert.equal(e.call('GET', 'k'), 'hello world');
    assert.equal(e.call('STRLEN', 'k'), 11);
    assert.equal(encoding(e, 'k'), 'raw');
  }));

  test('APPEND to a new key stores like SET', withEngine((e) => {
    assert.equal(e.call('APPEND', 'n', '123'), 3);
    assert.equal(encoding(e, 'n'), 'int');
    assert.equal(e.call('APPEND', 's', 'abc'), 3);
    assert.equal(encoding(e, 's'), 'embstr');
    assert.equal(e.call('APPEND', 'empty', ''), 0);
    assert.equal(e.call('EXISTS', 'empty'), 1);
    assert.equal(encoding(e, 'empty'), 'embstr');
  }));

  test('APPEND to an existing key makes it raw, even with nothing appended', withEngine((e) => {
    e.call('SET', 'i', '5');
    assert.equal(e.call('APPEND', 'i', ''), 1);
    assert.equal(encoding(e, 'i'), 'raw');
    assert.equal(e.call('GET', 'i'), '5');
    e.call('SET', 'j', '-12');
    assert.equal(e.call('APPEND', 'j', '34'), 5);
    assert.equal(e.call('GET', 'j'), '-1234');
    assert.equal(encoding(e, 'j'), 'raw');
    assert.equal(e.call('INCR', 'j'), -1233); // still a number, now int again
    assert.equal(encoding(e, 'j'), 'int');
  }));

  test('APPEND keeps the TTL and grows across the long layout', withEngine((e) => {
    e.call('SET', 'k', 'x', 'EX', '100');
    let expected = 'x';
    for (let i = 0; i < 200; i++) {
      const piece = `${i}:`.padEnd(500, 'y');
      expected += piece;
      assert.equal(e.call('APPEND', 'k', piece), expected.length);
    }
    assert.equal(e.call('GET', 'k'), expected);
    assert.equal(pttl(e, 'k'), 100_000);
    const bin = Buffer.from([0, 1, 2, 0]);
    e.call('APPEND', 'b', bin);
    e.call('APPEND', 'b', bin);
    assert.deepEqual(e.callBuffer('GET', 'b'), Buffer.concat([bin, bin]));
  }));

  test('STRLEN', withEngine((e) => {
    assert.equal(e.call('STRLEN', 'missing'), 0);
    e.call('SET', 'i', '-12345');
    assert.equal(e.call('STRLEN', 'i'), 6);
    e.call('SET', 'm', '-9223372036854775808');
    assert.equal(e.call('STRLEN', 'm'), 20);
  }));

  test('on a non-string', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'APPEND', 'l', 'x');
    fails(e, WRONGTYPE, 'STRLEN', 'l');
  }));
});

describe('GETRANGE and SUBSTR', () => {
  test('ranges with Redis index rules', withEngine((e) => {
    e.call('SET', 'k', 'hello');
    const cases = [
      [0, -1, 'hello'],
      [1, -1, 'ello'],
      [0, 0, 'h'],
      [-3, -1, 'llo'],
      [3, 1, ''],
      [-1, -5, ''],
      [-5, -10, ''],
      [-10, -20, ''], // both negative and reversed: empty, not 'h'
      [-10, -9, 'h'], // both clamp to 0
      [0, -100, 'h'],
      [-100, 2, 'hel'],
      [2, 100, 'llo'],
      [5, 10, ''],
      [0, '9223372036854775807', 'hello'],
      ['-9223372036854775808', '9223372036854775807', 'hello'],
      ['9223372036854775807', '9223372036854775807', ''],
      ['-9223372036854775808', '-9223372036854775808', 'h'],
    ];
    for (const [start, end, expected] of cases) {
      assert.equal(e.call('GETRANGE', 'k', String(start), String(end)), expected, `${start} ${end}`);
      assert.equal(e.call('SUBSTR', 'k', String(start), String(end)), expected, `SUBSTR ${start} ${end}`);
    }
  }));

  test('missing key and empty value reply an empty string', withEngine((e) => {
    assert.equal(e.call('GETRANGE', 'missing', '0', '-1'), '');
    e.call('SET', 'empty', '');
    assert.equal(e.call('GETRANGE', 'empty', '0', '-1'), '');
    assert.equal(e.call('GETRANGE', 'empty', '-1', '0'), '');
  }));

  test('int-encoded values', withEngine((e) => {
    e.call('SET', 'i', '-12345');
    assert.equal(e.call('GETRANGE', 'i', '1', '2'), '12');
    assert.equal(e.call('GETRANGE', 'i', '-2', '-1'), '45');
    assert.equal(encoding(e, 'i'), 'int');
  }));

  test('binary values', withEngine((e) => {
    e.call('SET', 'b', Buffer.from([0, 1, 2, 3]));
    assert.deepEqual(e.callBuffer('GETRANGE', 'b', '1', '2'), Buffer.from([1, 2]));
  }));

  test('index errors come before the key lookup', withEngine((e) => {
    fails(e, NOT_INT, 'GETRANGE', 'missing', 'x', '1');
    fails(e, NOT_INT, 'GETRANGE', 'missing', '0', '1.0');
    fails(e, NOT_INT, 'GETRANGE', 'missing', '9223372036854775808', '1');
  }));

  test('on a non-string', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    fails(e, NOT_INT, 'GETRANGE', 'l', 'x', '1');
    fails(e, WRONGTYPE, 'GETRANGE', 'l', '0', '1');
  }));
});

describe('SETRANGE', () => {
  test('overwrites, extends and zero-pads', withEngine((e) => {
    e.call('SET', 'k', 'Hello World');
    assert.equal(e.call('SETRANGE', 'k', '6', 'Redis'), 11);
    assert.equal(e.call('GET', 'k'), 'Hello Redis');
    assert.equal(e.call('SETRANGE', 'k', '13', '!'), 14);
    assert.deepEqual(e.callBuffer('GET', 'k'), Buffer.from('Hello Redis\0\0!'));
    assert.equal(encoding(e, 'k'), 'raw');
  }));

  test('a new key is zero-padded and raw', withEngine((e) => {
    assert.equal(e.call('SETRANGE', 'k', '2', 'ab'), 4);
    assert.deepEqual(e.callBuffer('GET', 'k'), Buffer.from([0, 0, 0x61, 0x62]));
    assert.equal(encoding(e, 'k'), 'raw');
    assert.equal(e.call('SETRANGE', 'n', '0', '12'), 2);
    assert.equal(encoding(e, 'n'), 'raw'); // not int, unlike SET
  }));

  test('int-encoded values become raw text', withEngine((e) => {
    e.call('SET', 'i', '123');
    assert.equal(e.call('SETRANGE', 'i', '5', 'x'), 6);
    assert.deepEqual(e.callBuffer('GET', 'i'), Buffer.from('123\0\0x'));
    assert.equal(encoding(e, 'i'), 'raw');
    e.call('SET', 'j', 'abc');
    assert.equal(e.call('SETRANGE', 'j', '1', 'Z'), 3);
    assert.equal(e.call('GET', 'j'), 'aZc');
    assert.equal(encoding(e, 'j'), 'raw');
  }));

  test('an empty value changes nothing', withEngine((e) => {
    assert.equal(e.call('SETRANGE', 'missing', '5', ''), 0);
    assert.equal(e.call('SETRANGE', 'missing', '9223372036854775807', ''), 0);
    assert.equal(e.call('EXISTS', 'missing'), 0);
    e.call('SET', 'i', '123');
    assert.equal(e.call('SETRANGE', 'i', '9223372036854775807', ''), 3);
    assert.equal(encoding(e, 'i'), 'int');
  }));

  test('keeps the TTL', withEngine((e) => {
    e.call('SET', 'k', 'abc', 'EX', '100');
    e.call('SETRANGE', 'k', '100', 'x');
    assert.equal(pttl(e, 'k'), 100_000);
    assert.equal(e.call('STRLEN', 'k'), 101);
  }));

  test('offset errors', withEngine((e) => {
    fails(e, 'ERR offset is out of range', 'SETRANGE', 'k', '-1', 'x');
    fails(e, 'ERR offset is out of range', 'SETRANGE', 'k', '-1', '');
    fails(e, NOT_INT, 'SETRANGE', 'k', 'abc', 'x');
    fails(e, NOT_INT, 'SETRANGE', 'k', '9223372036854775808', 'x');
  }));

  test('results beyond 512 MB are refused before allocating', withEngine((e) => {
    const before = e.memoryUsage();
    fails(e, TOO_BIG, 'SETRANGE', 'k', '536870912', 'x');
    fails(e, TOO_BIG, 'SETRANGE', 'k', '536870911', 'xy');
    fails(e, TOO_BIG, 'SETRANGE', 'k', '9223372036854775807', 'x');
    e.call('SET', 'k', 'abc');
    fails(e, TOO_BIG, 'SETRANGE', 'k', '536870912', 'x');
    fails(e, TOO_BIG, 'SETRANGE', 'k', '9223372036854775807', 'xyz');
    assert.equal(e.call('GET', 'k'), 'abc');
    assert.ok(e.memoryUsage() - before < 1024 * 1024);
  }));

  test('on a non-string', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'SETRANGE', 'l', '0', 'x');
    fails(e, WRONGTYPE, 'SETRANGE', 'l', '0', '');
    fails(e, 'ERR offset is out of range', 'SETRANGE', 'l', '-1', 'x');
  }));
});

describe('INCR, DECR, INCRBY, DECRBY', () => {
  test('counting from a missing key', withEngine((e) => {
    assert.equal(e.call('INCR', 'a'), 1);
    assert.equal(e.call('INCR', 'a'), 2);
    assert.equal(e.call('DECR', 'b'), -1);
    assert.equal(e.call('INCRBY', 'c', '-5'), -5);
    assert.equal(e.call('DECRBY', 'd', '5'), -5);
    assert.equal(e.call('INCRBY', 'a', '100'), 102);
    assert.equal(e.call('DECRBY', 'a', '-8'), 110);
    assert.equal(e.call('GET', 'a'), '110');
    for (const k of ['a', 'b', 'c', 'd']) assert.equal(encoding(e, k), 'int');
  }));

  test('always int-encoded, and the TTL is kept', withEngine((e) => {
    e.call('SET', 'k', '5', 'EX', '100');
    assert.equal(e.call('INCR', 'k'), 6);
    assert.equal(pttl(e, 'k'), 100_000);
    e.call('SETRANGE', 'r', '0', '41');
    assert.equal(encoding(e, 'r'), 'raw');
    e.call('EXPIRE', 'r', '50');
    assert.equal(e.call('INCR', 'r'), 42);
    assert.equal(encoding(e, 'r'), 'int');
    assert.equal(pttl(e, 'r'), 50_000);
  }));

  test('limits and overflow', withEngine((e) => {
    e.call('SET', 'max', '9223372036854775807');
    fails(e, OVERFLOW, 'INCR', 'max');
    fails(e, OVERFLOW, 'DECRBY', 'max', '-1');
    assert.equal(e.call('INCRBY', 'max', '0'), 9223372036854775807n);
    e.call('SET', 'min', '-9223372036854775808');
    fails(e, OVERFLOW, 'DECR', 'min');
    fails(e, OVERFLOW, 'INCRBY', 'min', '-1');
    assert.equal(e.call('INCRBY', 'min', '9223372036854775807'), -1);
    assert.equal(e.call('INCRBY', 'x', '-9223372036854775808'), -9223372036854775808n);
    fails(e, 'ERR decrement would overflow', 'DECRBY', 'y', '-9223372036854775808');
    assert.equal(e.call('EXISTS', 'y'), 0);
  }));

  test('non-integer values and increments', withEngine((e) => {
    for (const v of ['abc', '', ' 1', '1 ', '01', '+1', '-0', '1.5', '9223372036854775808', '1\0']) {
      e.call('SET', 'k', v);
      fails(e, NOT_INT, 'INCR', 'k');
      fails(e, NOT_INT, 'DECRBY', 'k', '1');
    }
    for (const v of ['abc', '', '1.0', '9223372036854775808', '-9223372036854775809']) {
      fails(e, NOT_INT, 'INCRBY', 'n', v);
      fails(e, NOT_INT, 'DECRBY', 'n', v);
    }
    assert.equal(e.call('EXISTS', 'n'), 0);
  }));

  test('on a non-string', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'INCR', 'l');
    fails(e, NOT_INT, 'INCRBY', 'l', 'abc'); // the increment is parsed first
    fails(e, 'ERR decrement would overflow', 'DECRBY', 'l', '-9223372036854775808');
  }));
});

describe('INCRBYFLOAT', () => {
  test('arithmetic and formatting', withEngine((e) => {
    assert.equal(e.call('INCRBYFLOAT', 'f', '10.5'), '10.5');
    assert.equal(e.call('INCRBYFLOAT', 'f', '0.1'), '10.6');
    assert.equal(e.call('INCRBYFLOAT', 'f', '-5.6'), '5');
    assert.equal(e.call('INCRBYFLOAT', 'z', '0.1'), '0.1');
    assert.equal(e.call('INCRBYFLOAT', 'z', '0.2'), '0.3');
    assert.equal(e.call('INCRBYFLOAT', 'g', '5.0e3'), '5000');
    assert.equal(e.call('INCRBYFLOAT', 'h', '-0.0'), '0');
    assert.equal(e.call('INCRBYFLOAT', 'p', '1.23456789012345678901234'), '1.23456789012345679');
    assert.equal(e.call('INCRBYFLOAT', 'tiny', '1e-400'), '0');
    assert.equal(e.call('INCRBYFLOAT', 'hex', '0x10'), '16');
    assert.equal(e.call('INCRBYFLOAT', 'plus', '+1.5'), '1.5');
    e.call('SET', 'x', '5');
    // long double has a 64-bit mantissa: near 1e20 the step is 8.
    assert.equal(e.call('INCRBYFLOAT', 'x', '1e20'), '100000000000000000008');
    assert.equal(e.call('INCRBYFLOAT', 'x', '-1e20'), '8');
  }));

  test('stores text: embstr or raw by length, never int', withEngine((e) => {
    assert.equal(e.call('INCRBYFLOAT', 'k', '3'), '3');
    assert.equal(encoding(e, 'k'), 'embstr');
    e.call('SET', 'i', '7');
    assert.equal(e.call('INCRBYFLOAT', 'i', '1'), '8');
    assert.equal(encoding(e, 'i'), 'embstr');
    e.call('SET', 'big', '1e308');
    const r = e.call('INCRBYFLOAT', 'big', '1e308');
    assert.equal(r.length, 309);
    assert.ok(r.startsWith('19999999999999999999'));
    assert.equal(encoding(e, 'big'), 'raw');
  }));

  test('keeps the TTL', withEngine((e) => {
    e.call('SET', 'k', '1.5', 'EX', '100');
    assert.equal(e.call('INCRBYFLOAT', 'k', '1'), '2.5');
    assert.equal(pttl(e, 'k'), 100_000);
  }));

  test('values and increments that are not floats', withEngine((e) => {
    for (const v of ['abc', '', ' 1', '1 ', 'nan', '1\0', '\0', '1.2e4932']) {
      e.call('SET', 'k', v);
      fails(e, NOT_FLOAT, 'INCRBYFLOAT', 'k', '1');
    }
    for (const v of ['abc', '', ' 1', '1 ', 'nan', 'NaN', '1.5\0x', '1.2e4932']) {
      fails(e, NOT_FLOAT, 'INCRBYFLOAT', 'n', v);
    }
    // The stored value is checked before the increment.
    e.call('SET', 'k', 'abc');
    fails(e, NOT_FLOAT, 'INCRBYFLOAT', 'k', 'xyz');
    assert.equal(e.call('EXISTS', 'n'), 0);
  }));

  test('NaN or infinity', withEngine((e) => {
    fails(e, 'ERR increment would produce NaN or Infinity', 'INCRBYFLOAT', 'k', 'inf');
    fails(e, 'ERR increment would produce NaN or Infinity', 'INCRBYFLOAT', 'k', '-inf');
    e.call('SET', 'k', '1e4932');
    fails(e, 'ERR increment would produce NaN or Infinity', 'INCRBYFLOAT', 'k', '1e4932');
    assert.equal(e.call('GET', 'k'), '1e4932');
  }));

  test('the result of a huge value is written out in full', withEngine((e) => {
    const r = e.call('INCRBYFLOAT', 'k', '1.1e4932');
    assert.ok(r.length > 4900 && /^\d+$/.test(r));
    assert.equal(e.call('STRLEN', 'k'), r.length);
    assert.equal(encoding(e, 'k'), 'raw');
  }));

  test('on a non-string', { skip: !hasCommand('lpush') && 'needs lists' }, withEngine((e) => {
    e.call('LPUSH', 'l', 'a');
    fails(e, WRONGTYPE, 'INCRBYFLOAT', 'l', 'abc'); // the type comes first here
  }));
});

describe('robustness', () => {
  test('extreme arguments never crash or allocate without bound', withEngine((e) => {
    const weird = ['', '\0', '-1', '-9223372036854775808', '9223372036854775807', '18446744073709551616',
      '1e999999', 'x'.repeat(10_000), '\xff\xfe'];
    const before = e.memoryUsage();
    for (const a of weird) {
      for (const b of weird) {
        for (const [cmd, ...args] of [
          ['SET', 'k', a, 'EX', b], ['SET', 'k', a, 'PXAT', b], ['GETEX', 'k', 'PX', b],
          ['GETRANGE', 'k', a, b], ['SETRANGE', 'k', a, b], ['INCRBY', 'k', a], ['INCRBYFLOAT', 'k', b],
          ['APPEND', 'k', b], ['SETEX', 'k', a, b], ['MSET', 'k', a, 'j', b], ['MGET', 'k', a, b],
        ]) {
          try {
            e.call(cmd, ...args);
          } catch (err) {
            assert.ok(err instanceof EmberError, `${cmd}: ${err}`);
          }
        }
        e.call('DEL', 'k', 'j');
      }
    }
    assert.ok(e.memoryUsage() - before < 16 * 1024 * 1024);
  }));
});
