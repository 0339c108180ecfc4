// Unit tests of the generic keys command family (native/core/commands/keys.cc)
// and of glob matching as KEYS and SCAN MATCH use it, through the embedded
// API. Expected replies, errors and their order of checks are those of
// redis-server 7.0.15, checked by hand against it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { commands } from 'emberkv';
import { T0, withEngine, fails } from '../support/engine.mjs';

const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';
const NO_SUCH_KEY = 'ERR no such key';
const SAME_OBJECT = 'ERR source and destination objects are the same';
const DB_RANGE = 'ERR DB index is out of range';
const INT_RANGE = 'ERR value is out of range, value must between -2147483648 and 2147483647';
const INVALID_CURSOR = 'ERR invalid cursor';
const NX_CONFLICT = 'ERR NX and XX, GT or LT options at the same time are not compatible';
const GT_LT_CONFLICT = 'ERR GT and LT options at the same time are not compatible';
const NO_FREQ =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const invalidExpire = (name) => `ERR invalid expire time in '${name}' command`;
const arity = (name) => `ERR wrong number of arguments for '${name}' command`;

const sorted = (a) => [...a].sort();

/** Every key a full SCAN returns (duplicates removed), and the number of calls. */
function scanAll(e, ...options) {
  const seen = new Set();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, keys] = e.call('SCAN', cursor, ...options);
    assert.equal(typeof next, 'string', 'the cursor is a bulk string');
    for (const k of keys) seen.add(k);
    cursor = next;
    calls++;
    assert.ok(calls < 100_000, 'scan terminates');
  } while (cursor !== '0');
  return { keys: seen, calls };
}

const table = new Map(commands().map((c) => [c.name, c]));

describe('command table', () => {
  // name: [arity, flags, categories, first, last, step], as COMMAND INFO in Redis 7.0.
  const expected = {
    del: [-2, ['write'], ['keyspace', 'write', 'slow'], 1, -1, 1],
    unlink: [-2, ['write', 'fast'], ['keyspace', 'write', 'fast'], 1, -1, 1],
    exists: [-2, ['readonly', 'fast'], ['keyspace', 'read', 'fast'], 1, -1, 1],
    type: [2, ['readonly', 'fast'], ['keyspace', 'read', 'fast'], 1, 1, 1],
    touch: [-2, ['readonly', 'fast'], ['keyspace', 'read', 'fast'], 1, -1, 1],
    expire: [-3, ['write', 'fast'], ['keyspace', 'write', 'fast'], 1, 1, 1],
    pexpire: [-3, ['write', 'fast'], ['keyspace', 'write', 'fast'], 1, 1, 1],
    expireat: [-3, ['write', 'fast'], ['keyspace', 'write', 'fast'], 1, 1, 1],
    pexpireat: [-3, ['write', 'fast'], ['keyspace', 'write', 'fast'], 1, 1, 1],
    ttl: [2, ['readonly', 'fast'], ['keyspace', 'read', 'fast'], 1, 1, 1],
    pttl: [2, ['readonly', 'fast'], ['keyspace', 'read', 'fast'], 1, 1, 1],
    expiretime: [2, ['readonly', 'fast'], ['keyspace', 'read', 'fast'], 1, 1, 1],
    pexpiretime: [2, ['readonly', 'fast'], ['keyspace', 'read', 'fast'], 1, 1, 1],
    persist: [2, ['write', 'fast'], ['keyspace', 'write', 'fast'], 1, 1, 1],
    rename: [3, ['write'], ['keyspace', 'write', 'slow'], 1, 2, 1],
    renamenx: [3, ['write', 'fast'], ['keyspace', 'write', 'fast'], 1, 2, 1],
    copy: [-3, ['write', 'denyoom'], ['keyspace', 'write', 'slow'], 1, 2, 1],
    keys: [2, ['readonly'], ['keyspace', 'read', 'slow', 'dangerous'], 0, 0, 0],
    scan: [-2, ['readonly'], ['keyspace', 'read', 'slow'], 0, 0, 0],
    randomkey: [1, ['readonly'], ['keyspace', 'read', 'slow'], 0, 0, 0],
    object: [-2, [], ['slow'], 0, 0, 0],
  };
  for (const [name, [ar, flags, categories, first, last, step]] of Object.entries(expected)) {
    test(name, () => {
      const c = table.get(name);
      assert.ok(c, `${name} is declared`);
      assert.equal(c.arity, ar);
      assert.deepEqual(sorted(c.flags), sorted(flags));
      assert.deepEqual(sorted(c.categories), sorted(categories));
      assert.deepEqual([c.firstKey, c.lastKey, c.keyStep], [first, last, step]);
    });
  }

  test('object subcommands', () => {
    const subs = new Map(table.get('object').subcommands.map((c) => [c.name, c]));
    assert.deepEqual(sorted(subs.keys()), ['object|encoding', 'object|freq', 'object|help', 'object|idletime', 'object|refcount']);
    for (const name of ['object|encoding', 'object|freq', 'object|idletime', 'object|refcount']) {
      const c = subs.get(name);
      assert.equal(c.arity, 3);
      assert.deepEqual(c.flags, ['readonly']);
      assert.deepEqual(sorted(c.categories), ['keyspace', 'read', 'slow']);
      assert.deepEqual([c.firstKey, c.lastKey, c.keyStep], [2, 2, 1]);
    }
    const help = subs.get('object|help');
    assert.equal(help.arity, 2);
    assert.deepEqual(sorted(help.flags), ['loading', 'stale']);
    assert.deepEqual(sorted(help.categories), ['keyspace', 'slow']);
  });

  test('arity errors', withEngine((e) => {
    fails(e, arity('del'), 'DEL');
    fails(e, arity('type'), 'TYPE', 'a', 'b');
    fails(e, arity('expire'), 'EXPIRE', 'k');
    fails(e, arity('rename'), 'RENAME', 'a');
    fails(e, arity('copy'), 'COPY', 'a');
    fails(e, arity('keys'), 'KEYS');
    fails(e, arity('scan'), 'SCAN');
    fails(e, arity('randomkey'), 'RANDOMKEY', 'x');
    fails(e, arity('object'), 'OBJECT');
    fails(e, arity('object|encoding'), 'OBJECT', 'ENCODING');
    fails(e, arity('object|encoding'), 'OBJECT', 'encoding', 'a', 'b');
    fails(e, arity('object|help'), 'OBJECT', 'HELP', 'x');
    fails(e, "ERR unknown subcommand 'foo'. Try OBJECT HELP.", 'OBJECT', 'foo');
    fails(e, "ERR unknown subcommand 'foo'. Try OBJECT HELP.", 'object', 'foo', 'k');
  }));
});

describe('DEL, UNLINK, EXISTS, TYPE, TOUCH', () => {
  test('DEL counts live keys deleted, once each', withEngine((e) => {
    e.call('MSET', 'a', '1', 'b', '2');
    assert.equal(e.call('DEL', 'a', 'a', 'nokey', 'b'), 2);
    assert.equal(e.call('DBSIZE'), 0);
    assert.equal(e.call('DEL', 'a'), 0);
  }));

  test('UNLINK is DEL', withEngine((e) => {
    e.call('MSET', 'a', '1', 'b', '2');
    assert.equal(e.call('UNLINK', 'a', 'b', 'c'), 2);
    assert.equal(e.call('EXISTS', 'a', 'b'), 0);
  }));

  test('EXISTS counts repeated keys', withEngine((e) => {
    e.call('SET', 'k', 'v');
    assert.equal(e.call('EXISTS', 'k'), 1);
    assert.equal(e.call('EXISTS', 'k', 'k', 'nokey', 'k'), 3);
    assert.equal(e.call('EXISTS', 'nokey'), 0);
  }));

  test('binary keys', withEngine((e) => {
    const key = Buffer.from([0x00, 0xff, 0x0a, 0x00]);
    e.call('SET', key, 'v');
    assert.equal(e.call('EXISTS', key, Buffer.from([0x00, 0xff])), 1);
    assert.equal(e.call('TYPE', key), 'string');
    assert.deepEqual(e.callBuffer('KEYS', '*'), [key]);
    assert.equal(e.call('DEL', key), 1);
  }));

  test('TYPE', withEngine((e) => {
    assert.equal(e.call('TYPE', 'nokey'), 'none');
    e.call('SET', 's', 'x');
    e.call('SET', 'i', '42');
    assert.equal(e.call('TYPE', 's'), 'string');
    assert.equal(e.call('TYPE', 'i'), 'string');
  }));

  test('expired keys are gone for all of them', withEngine((e) => {
    // A key expires once the clock has passed its expiry millisecond.
    e.call('SET', 'k', 'v', 'PX', '100');
    e.advance(101);
    assert.equal(e.call('EXISTS', 'k'), 0);
    e.call('SET', 'k', 'v', 'PX', '100');
    e.advance(101);
    assert.equal(e.call('TYPE', 'k'), 'none');
    e.call('SET', 'k', 'v', 'PX', '100');
    e.advance(101);
    assert.equal(e.call('DEL', 'k'), 0);
    e.call('SET', 'k', 'v', 'PX', '100');
    e.advance(101);
    assert.equal(e.call('TOUCH', 'k'), 0);
  }));

  test('a key is alive during its expiry millisecond and gone the next (as Redis 7.0)', withEngine((e) => {
    e.call('SET', 'k', 'v', 'PX', '100');
    e.advance(99);
    assert.equal(e.call('PTTL', 'k'), 1);
    e.advance(1); // now == the expiry time
    assert.equal(e.call('GET', 'k'), 'v');
    assert.equal(e.call('EXISTS', 'k'), 1);
    assert.equal(e.call('PTTL', 'k'), 0);
    assert.equal(e.call('TTL', 'k'), 0);
    assert.equal(e.call('PEXPIRETIME', 'k'), T0 + 100);
    assert.equal(e.call('DBSIZE'), 1);
    assert.match(e.call('INFO', 'stats'), /\r\nexpired_keys:0\r\n/);
    e.advance(1); // now == the expiry time + 1
    assert.equal(e.call('PTTL', 'k'), -2);
    assert.equal(e.call('TTL', 'k'), -2);
    assert.equal(e.call('EXISTS', 'k'), 0);
    assert.equal(e.call('GET', 'k'), null);
    assert.equal(e.call('DBSIZE'), 0);
    assert.match(e.call('INFO', 'stats'), /\r\nexpired_keys:1\r\n/);
  }));

  test('TOUCH counts existing keys', withEngine((e) => {
    e.call('MSET', 'a', '1', 'b', '2');
    assert.equal(e.call('TOUCH', 'a', 'b', 'c', 'a'), 3);
  }));
});

describe('EXPIRE family', () => {
  test('options are read before the time, conflicts after all options', withEngine((e) => {
    e.call('SET', 'k', 'v');
    fails(e, 'ERR Unsupported option foo', 'EXPIRE', 'k', '10', 'foo');
    fails(e, 'ERR Unsupported option foo', 'EXPIRE', 'k', 'abc', 'foo');
    fails(e, 'ERR Unsupported option foo', 'EXPIRE', 'nokey', '10', 'foo');
    fails(e, NOT_INT, 'EXPIRE', 'k', 'abc', 'nx');
    fails(e, NOT_INT, 'EXPIRE', 'k', '1.5');
    fails(e, NOT_INT, 'EXPIRE', 'k', ' 1');
    fails(e, NX_CONFLICT, 'EXPIRE', 'k', '10', 'nx', 'xx');
    fails(e, NX_CONFLICT, 'EXPIRE', 'k', '10', 'NX', 'GT');
    fails(e, NX_CONFLICT, 'EXPIRE', 'k', '10', 'lt', 'gt', 'nx');
    fails(e, GT_LT_CONFLICT, 'EXPIRE', 'k', '10', 'gt', 'lt');
    fails(e, GT_LT_CONFLICT, 'PEXPIRE', 'k', '10', 'xx', 'gt', 'lt');
    fails(e, 'ERR Unsupported option foo', 'EXPIRE', 'k', '10', 'nx', 'xx', 'foo');
    // Repeating an option is fine.
    assert.equal(e.call('EXPIRE', 'k', '10', 'NX', 'nx'), 1);
  }));

  test('options compare as C strings; errors stay on one line', withEngine((e) => {
    e.call('SET', 'k', 'v');
    assert.equal(e.call('EXPIRE', 'k', '10', 'nx\u0000junk'), 1);
    fails(e, 'ERR Unsupported option a b', 'EXPIRE', 'k', '10', 'a\nb');
    fails(e, 'ERR Unsupported option a', 'EXPIRE', 'k', '10', 'a\u0000b');
  }));

  test('overflow is an error naming the command in lower case', withEngine((e) => {
    e.call('SET', 'k', 'v');
    fails(e, invalidExpire('expire'), 'EXPIRE', 'k', '9223372036854775807');
    fails(e, invalidExpire('expire'), 'EXPIRE', 'k', '9223372036854776');
    // Fits after *1000 but not once now is added.
    fails(e, invalidExpire('expire'), 'expire', 'k', '9223372036854775');
    fails(e, invalidExpire('expire'), 'EXPIRE', 'k', '-9223372036854776');
    fails(e, invalidExpire('pexpire'), 'PEXPIRE', 'k', '9223372036854775807');
    fails(e, invalidExpire('expireat'), 'EXPIREAT', 'k', '9223372036854776');
    // Checked before the key is looked up.
    fails(e, invalidExpire('expire'), 'EXPIRE', 'nokey', '9223372036854775807');
    assert.equal(e.call('TTL', 'k'), -1);
    // The largest absolute times are fine.
    assert.equal(e.call('EXPIREAT', 'k', '9223372036854775'), 1);
    assert.equal(e.call('PEXPIREAT', 'k', '9223372036854775807'), 1);
    assert.equal(e.call('PEXPIRETIME', 'k'), 9223372036854775807n);
    // Redis rounds this one up rather than wrapping around.
    assert.equal(e.call('EXPIRETIME', 'k'), 9223372036854776n);
  }));

  test('missing key replies 0', withEngine((e) => {
    assert.equal(e.call('EXPIRE', 'nokey', '10'), 0);
    assert.equal(e.call('PEXPIREAT', 'nokey', '10', 'NX'), 0);
    assert.equal(e.call('EXISTS', 'nokey'), 0);
  }));

  test('a time in the past deletes the key and replies 1', withEngine((e) => {
    for (const args of [
      ['EXPIRE', 'k', '0'],
      ['EXPIRE', 'k', '-5'],
      ['PEXPIRE', 'k', '-1'],
      ['EXPIREAT', 'k', '1'],
      ['PEXPIREAT', 'k', String(T0)], // exactly now counts as past
      ['PEXPIREAT', 'k', '-9223372036854775808'],
      ['EXPIRE', 'k', '-9223372036854775'],
    ]) {
      e.call('SET', 'k', 'v');
      assert.equal(e.call(...args), 1, args.join(' '));
      assert.equal(e.call('EXISTS', 'k'), 0, args.join(' '));
    }
    // Such a delete is not counted as an expiry.
    assert.match(e.call('INFO', 'stats'), /\r\nexpired_keys:0\r\n/);
  }));

  test('NX, XX, GT, LT', withEngine((e) => {
    e.call('SET', 'k', 'v');
    assert.equal(e.call('EXPIRE', 'k', '100', 'XX'), 0); // no expiry yet
    assert.equal(e.call('EXPIRE', 'k', '100', 'GT'), 0); // none counts as infinite
    assert.equal(e.call('TTL', 'k'), -1);
    assert.equal(e.call('EXPIRE', 'k', '100', 'LT'), 1);
    assert.equal(e.call('EXPIRE', 'k', '50', 'NX'), 0);
    assert.equal(e.call('EXPIRE', 'k', '100', 'GT'), 0); // equal is not greater
    assert.equal(e.call('EXPIRE', 'k', '200', 'GT'), 1);
    assert.equal(e.call('EXPIRE', 'k', '200', 'LT'), 0); // equal is not less
    assert.equal(e.call('EXPIRE', 'k', '50', 'LT', 'XX'), 1);
    assert.equal(e.call('TTL', 'k'), 50);
    e.call('SET', 'p', 'v');
    assert.equal(e.call('EXPIRE', 'p', '30', 'NX'), 1);
    assert.equal(e.call('TTL', 'p'), 30);
    // GT on a persistent key fails even for a past time; LT deletes.
    e.call('SET', 'q', 'v');
    assert.equal(e.call('EXPIRE', 'q', '-5', 'GT'), 0);
    assert.equal(e.call('EXISTS', 'q'), 1);
    assert.equal(e.call('EXPIRE', 'q', '-5', 'LT'), 1);
    assert.equal(e.call('EXISTS', 'q'), 0);
  }));

  test('the key expires when its time comes', withEngine((e) => {
    e.call('SET', 'k', 'v');
    assert.equal(e.call('PEXPIRE', 'k', '1000'), 1);
    e.advance(999);
    assert.equal(e.call('GET', 'k'), 'v');
    e.advance(1); // the expiry millisecond itself: still alive
    assert.equal(e.call('GET', 'k'), 'v');
    assert.equal(e.call('PTTL', 'k'), 0);
    e.advance(1);
    assert.equal(e.call('GET', 'k'), null);
    assert.match(e.call('INFO', 'stats'), /\r\nexpired_keys:1\r\n/);
  }));

  test('EXPIREAT and PEXPIREAT are absolute', withEngine((e) => {
    e.call('SET', 'k', 'v');
    const at = T0 / 1000 + 100;
    assert.equal(e.call('EXPIREAT', 'k', String(at)), 1);
    assert.equal(e.call('EXPIRETIME', 'k'), at);
    assert.equal(e.call('PEXPIRETIME', 'k'), at * 1000);
    assert.equal(e.call('TTL', 'k'), 100);
    assert.equal(e.call('PEXPIREAT', 'k', String(T0 + 1234)), 1);
    assert.equal(e.call('PTTL', 'k'), 1234);
  }));
});

describe('TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST', () => {
  test('-2 for a missing key, -1 for no expiry', withEngine((e) => {
    for (const c of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) assert.equal(e.call(c, 'nokey'), -2, c);
    e.call('SET', 'k', 'v');
    for (const c of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) assert.equal(e.call(c, 'k'), -1, c);
  }));

  test('TTL rounds to the nearest second', withEngine((e) => {
    e.call('SET', 'k', 'v');
    for (const [ms, s] of [[1500, 2], [1499, 1], [500, 1], [499, 0], [1, 0]]) {
      e.call('PEXPIRE', 'k', String(ms));
      assert.equal(e.call('TTL', 'k'), s, `${ms} ms`);
      assert.equal(e.call('PTTL', 'k'), ms);
    }
    e.call('PEXPIREAT', 'k', String(T0 + 1499));
    assert.equal(e.call('EXPIRETIME', 'k'), Math.floor((T0 + 1499 + 500) / 1000));
  }));

  test('TTL counts down with the clock', withEngine((e) => {
    e.call('SET', 'k', 'v', 'EX', '10');
    assert.equal(e.call('TTL', 'k'), 10);
    e.advance(9_400);
    assert.equal(e.call('TTL', 'k'), 1);
    assert.equal(e.call('PTTL', 'k'), 600);
    e.advance(600); // the expiry millisecond itself: still alive
    assert.equal(e.call('TTL', 'k'), 0);
    assert.equal(e.call('PTTL', 'k'), 0);
    e.advance(1);
    assert.equal(e.call('TTL', 'k'), -2);
  }));

  test('PERSIST', withEngine((e) => {
    assert.equal(e.call('PERSIST', 'nokey'), 0);
    e.call('SET', 'k', 'v');
    assert.equal(e.call('PERSIST', 'k'), 0);
    e.call('EXPIRE', 'k', '100');
    assert.equal(e.call('PERSIST', 'k'), 1);
    assert.equal(e.call('TTL', 'k'), -1);
    assert.equal(e.call('PERSIST', 'k'), 0);
    e.advance(200_000);
    assert.equal(e.call('GET', 'k'), 'v');
    assert.match(e.call('INFO', 'keyspace'), /db0:keys=1,expires=0,avg_ttl=0/);
  }));
});

describe('RENAME, RENAMENX', () => {
  test('missing source is an error, even onto itself', withEngine((e) => {
    fails(e, NO_SUCH_KEY, 'RENAME', 'a', 'b');
    fails(e, NO_SUCH_KEY, 'RENAME', 'a', 'a');
    fails(e, NO_SUCH_KEY, 'RENAMENX', 'a', 'b');
    fails(e, NO_SUCH_KEY, 'RENAMENX', 'a', 'a');
  }));

  test('renaming a key to itself', withEngine((e) => {
    e.call('SET', 'a', '1');
    assert.equal(e.call('RENAME', 'a', 'a'), 'OK');
    assert.equal(e.call('RENAMENX', 'a', 'a'), 0);
    assert.equal(e.call('GET', 'a'), '1');
  }));

  test('moves value and expiry, overwriting', withEngine((e) => {
    e.call('SET', 'a', 'va', 'PX', '5000');
    e.call('SET', 'b', 'vb');
    assert.equal(e.call('RENAME', 'a', 'b'), 'OK');
    assert.equal(e.call('EXISTS', 'a'), 0);
    assert.equal(e.call('GET', 'b'), 'va');
    assert.equal(e.call('PTTL', 'b'), 5000);
    // A persistent source makes a persistent destination.
    e.call('SET', 'c', 'vc');
    e.call('EXPIRE', 'b', '100');
    e.call('SET', 'd', 'vd', 'EX', '100');
    assert.equal(e.call('RENAME', 'c', 'd'), 'OK');
    assert.equal(e.call('TTL', 'd'), -1);
    assert.match(e.call('INFO', 'keyspace'), /db0:keys=2,expires=1,avg_ttl=0/);
  }));

  test('RENAMENX does not overwrite', withEngine((e) => {
    e.call('MSET', 'a', '1', 'b', '2');
    assert.equal(e.call('RENAMENX', 'a', 'b'), 0);
    assert.equal(e.call('GET', 'a'), '1');
    assert.equal(e.call('RENAMENX', 'a', 'c'), 1);
    assert.equal(e.call('GET', 'c'), '1');
    assert.equal(e.call('EXISTS', 'a'), 0);
  }));

  test('an expired destination counts as absent; an expired source as missing', withEngine((e) => {
    e.call('SET', 'a', '1');
    e.call('SET', 'b', '2', 'PX', '10');
    e.advance(11);
    assert.equal(e.call('RENAMENX', 'a', 'b'), 1);
    assert.equal(e.call('GET', 'b'), '1');
    e.call('SET', 'x', '1', 'PX', '10');
    e.advance(11);
    fails(e, NO_SUCH_KEY, 'RENAME', 'x', 'y');
  }));

  test('keeps the encoding', withEngine((e) => {
    e.call('SET', 'i', '12345');
    e.call('RENAME', 'i', 'j');
    assert.equal(e.call('OBJECT', 'ENCODING', 'j'), 'int');
    assert.equal(e.call('INCR', 'j'), 12346);
  }));
});

describe('COPY', () => {
  test('copies value and expiry', withEngine((e) => {
    e.call('SET', 'a', 'hello', 'PX', '5000');
    assert.equal(e.call('COPY', 'a', 'b'), 1);
    assert.equal(e.call('GET', 'b'), 'hello');
    assert.equal(e.call('PTTL', 'b'), 5000);
    // The copy is independent of the source.
    e.call('APPEND', 'a', ' world');
    assert.equal(e.call('GET', 'b'), 'hello');
    e.call('SET', 'n', '10');
    e.call('COPY', 'n', 'm');
    assert.equal(e.call('INCR', 'n'), 11);
    assert.equal(e.call('GET', 'm'), '10');
  }));

  test('does not overwrite without REPLACE', withEngine((e) => {
    e.call('MSET', 'a', '1', 'b', '2');
    assert.equal(e.call('COPY', 'a', 'b'), 0);
    assert.equal(e.call('GET', 'b'), '2');
    assert.equal(e.call('COPY', 'a', 'b', 'REPLACE'), 1);
    assert.equal(e.call('GET', 'b'), '1');
    assert.equal(e.call('COPY', 'nokey', 'b', 'REPLACE'), 0);
    assert.equal(e.call('GET', 'b'), '1');
  }));

  test('to another database', withEngine((e) => {
    e.call('SET', 'a', 'v', 'EX', '100');
    assert.equal(e.call('COPY', 'a', 'a', 'DB', '1'), 1);
    assert.equal(e.call('COPY', 'a', 'a', 'DB', '1'), 0);
    assert.equal(e.call('COPY', 'a', 'a', 'db', '1', 'replace'), 1);
    assert.equal(e.call('COPY', 'a', 'b', 'DB', '15'), 1);
    const info = e.call('INFO', 'keyspace');
    assert.equal(info, '# Keyspace\r\ndb0:keys=1,expires=1,avg_ttl=0\r\ndb1:keys=1,expires=1,avg_ttl=0\r\ndb15:keys=1,expires=1,avg_ttl=0\r\n');
    assert.equal(e.call('DBSIZE'), 1);
  }));

  test('errors, in Redis order', withEngine((e) => {
    e.call('SET', 'a', 'v');
    fails(e, SAME_OBJECT, 'COPY', 'a', 'a');
    fails(e, SAME_OBJECT, 'COPY', 'a', 'a', 'DB', '0');
    fails(e, SAME_OBJECT, 'COPY', 'a', 'a', 'DB', '1', 'DB', '0');
    fails(e, SAME_OBJECT, 'COPY', 'nokey', 'nokey');
    fails(e, DB_RANGE, 'COPY', 'a', 'b', 'DB', '16');
    fails(e, DB_RANGE, 'COPY', 'a', 'b', 'DB', '-1');
    fails(e, INT_RANGE, 'COPY', 'a', 'b', 'DB', '99999999999');
    fails(e, NOT_INT, 'COPY', 'a', 'b', 'DB', 'abc');
    fails(e, NOT_INT, 'COPY', 'a', 'b', 'DB', ' 1');
    fails(e, SYNTAX, 'COPY', 'a', 'b', 'DB');
    fails(e, SYNTAX, 'COPY', 'a', 'b', 'REPLACE', 'foo');
    fails(e, SYNTAX, 'COPY', 'a', 'b', 'foo');
    // Options compare as C strings.
    assert.equal(e.call('COPY', 'a', 'b', 'REPLACE\u0000junk'), 1);
    assert.equal(e.call('COPY', 'a', 'c', 'db\u0000junk', '0'), 1);
  }));

  test('an expired source copies nothing', withEngine((e) => {
    e.call('SET', 'a', 'v', 'PX', '10');
    e.advance(11);
    assert.equal(e.call('COPY', 'a', 'b'), 0);
    assert.equal(e.call('EXISTS', 'b'), 0);
  }));
});

describe('KEYS and glob patterns', () => {
  test('patterns', withEngine((e) => {
    e.call('MSET', 'hello', '1', 'hallo', '1', 'hxllo', '1', 'hllo', '1', 'heeeello', '1', 'a*b', '1', 'x', '1');
    assert.deepEqual(sorted(e.call('KEYS', 'h?llo')), ['hallo', 'hello', 'hxllo']);
    assert.deepEqual(sorted(e.call('KEYS', 'h*llo')), ['hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
    assert.deepEqual(sorted(e.call('KEYS', 'h[ae]llo')), ['hallo', 'hello']);
    assert.deepEqual(sorted(e.call('KEYS', 'h[^e]llo')), ['hallo', 'hxllo']);
    assert.deepEqual(sorted(e.call('KEYS', 'h[a-b]llo')), ['hallo']);
    assert.deepEqual(e.call('KEYS', 'a\\*b'), ['a*b']);
    assert.deepEqual(e.call('KEYS', 'nomatch*'), []);
    assert.equal(e.call('KEYS', '*').length, 7);
  }));

  test('"*" matches the empty key but "**" does not (as Redis)', withEngine((e) => {
    e.call('SET', '', 'v');
    e.call('SET', 'a', 'v');
    assert.deepEqual(sorted(e.call('KEYS', '*')), ['', 'a']);
    assert.deepEqual(e.call('KEYS', '**'), ['a']);
    assert.deepEqual(e.call('KEYS', ''), ['']);
  }));

  test("Redis's edge cases", withEngine((e) => {
    e.call('MSET', 'a', '1', 'b', '1', 'c', '1', '-', '1', '_', '1', ']', '1', '\\', '1');
    assert.deepEqual(sorted(e.call('KEYS', '[a-]')), [']', '_', 'a']); // the range ']'..'a'
    assert.deepEqual(sorted(e.call('KEYS', '[^b]')), sorted(['a', 'c', '-', '_', ']', '\\']));
    assert.deepEqual(e.call('KEYS', '[]'), []);
    assert.equal(e.call('KEYS', '[^]').length, 7);
    assert.deepEqual(e.call('KEYS', '['), []);
    assert.equal(e.call('KEYS', '[^').length, 7);
    assert.deepEqual(sorted(e.call('KEYS', '[abc')), ['a', 'b', 'c']);
    assert.deepEqual(e.call('KEYS', '[\\]]'), [']']);
    assert.deepEqual(e.call('KEYS', '\\'), ['\\']);
    assert.deepEqual(e.call('KEYS', 'a\\'), []);
  }));

  test('binary patterns; ranges compare bytes as signed chars', withEngine((e) => {
    const k = (...b) => Buffer.from(b);
    e.call('SET', k(0x00), '1');
    e.call('SET', k(0x61), '1');
    e.call('SET', k(0x80), '1');
    e.call('SET', k(0xff), '1');
    const keys = (pattern) => e.callBuffer('KEYS', pattern).map((b) => b[0]).sort((x, y) => x - y);
    assert.deepEqual(keys(k(0x3f)), [0x00, 0x61, 0x80, 0xff]);
    assert.deepEqual(keys(k(0x5b, 0x00, 0x2d, 0xff, 0x5d)), [0x00, 0xff]); // [\x00-\xff] is -1..0
    assert.deepEqual(keys(k(0x5b, 0x80, 0x2d, 0xff, 0x5d)), [0x80, 0xff]);
    assert.deepEqual(keys(k(0x5b, 0x61, 0x2d, 0xff, 0x5d)), [0x00, 0x61, 0xff]);
  }));

  test('expired keys are not listed', withEngine((e) => {
    e.call('SET', 'a', '1', 'PX', '10');
    e.call('SET', 'b', '1');
    e.advance(10); // the expiry millisecond itself: still listed
    assert.deepEqual(sorted(e.call('KEYS', '*')), ['a', 'b']);
    e.advance(1);
    assert.deepEqual(e.call('KEYS', '*'), ['b']);
    assert.deepEqual(e.call('KEYS', '?'), ['b']);
  }));

  test('adversarial patterns finish (no exponential backtracking)', withEngine((e) => {
    e.call('SET', 'a'.repeat(20_000), '1');
    assert.deepEqual(e.call('KEYS', '*?'.repeat(300) + 'b'), []);
    assert.deepEqual(e.call('KEYS', 'a*'.repeat(300) + 'b'), []);
    assert.equal(e.call('KEYS', '*a'.repeat(300) + '*').length, 1);
    // More than 1000 nested stars never match in Redis.
    assert.deepEqual(e.call('KEYS', '*a'.repeat(1001)), []);
    assert.equal(e.call('KEYS', '*a'.repeat(1000)).length, 1);
  }));
});

describe('SCAN', () => {
  test('a full scan returns every key', withEngine((e) => {
    const all = new Set();
    for (let i = 0; i < 1000; i++) {
      e.call('SET', `key:${i}`, 'v');
      all.add(`key:${i}`);
    }
    for (const count of [[], ['COUNT', '1'], ['COUNT', '7'], ['COUNT', '100'], ['COUNT', '100000']]) {
      const { keys } = scanAll(e, ...count);
      assert.deepEqual(sorted(keys), sorted(all), count.join(' '));
    }
    const { calls } = scanAll(e, 'COUNT', '100000');
    assert.equal(calls, 1);
    const [cursor, keys] = e.call('SCAN', '0', 'COUNT', '4611686018427387904');
    assert.equal(cursor, '0');
    assert.equal(keys.length, 1000);
  }));

  test('keys present for the whole scan are returned across resizes', withEngine((e) => {
    const stable = new Set();
    for (let i = 0; i < 300; i++) {
      e.call('SET', `stable:${i}`, 'v');
      stable.add(`stable:${i}`);
    }
    const seen = new Set();
    let cursor = '0';
    let round = 0;
    do {
      const [next, keys] = e.call('SCAN', cursor, 'COUNT', '5');
      for (const k of keys) seen.add(k);
      // Grow the table, then shrink it, while the scan runs.
      for (let j = 0; j < 40; j++) e.call('SET', `churn:${round}:${j}`, 'v');
      if (round % 3 === 2) e.call('DEL', ...Array.from({ length: 100 }, (_, j) => `churn:${round - 2}:${j % 40}`));
      cursor = next;
      round++;
    } while (cursor !== '0');
    for (const k of stable) assert.ok(seen.has(k), `${k} was returned`);
  }));

  test('MATCH, COUNT and TYPE', withEngine((e) => {
    e.call('MSET', 'user:1', 'a', 'user:2', 'b', 'item:1', 'c');
    assert.deepEqual(sorted(scanAll(e, 'MATCH', 'user:*').keys), ['user:1', 'user:2']);
    assert.deepEqual(sorted(scanAll(e, 'match', '*:1', 'count', '2').keys), ['item:1', 'user:1']);
    assert.deepEqual(sorted(scanAll(e, 'TYPE', 'STRING').keys), ['item:1', 'user:1', 'user:2']);
    assert.deepEqual(sorted(scanAll(e, 'TYPE', 'list').keys), []);
    assert.deepEqual(sorted(scanAll(e, 'TYPE', 'nosuchtype').keys), []);
    // The last MATCH wins; "*" matches everything.
    assert.deepEqual(sorted(scanAll(e, 'MATCH', 'user:*', 'MATCH', 'item:*').keys), ['item:1']);
    assert.equal(scanAll(e, 'MATCH', '*').keys.size, 3);
    assert.deepEqual(sorted(scanAll(e, 'TYPE', 'string\u0000junk').keys), ['item:1', 'user:1', 'user:2']);
  }));

  test('option errors', withEngine((e) => {
    fails(e, SYNTAX, 'SCAN', '0', 'COUNT', '0');
    fails(e, SYNTAX, 'SCAN', '0', 'COUNT', '-1');
    fails(e, NOT_INT, 'SCAN', '0', 'COUNT', 'abc');
    fails(e, NOT_INT, 'SCAN', '0', 'COUNT', '9223372036854775808');
    fails(e, SYNTAX, 'SCAN', '0', 'COUNT');
    fails(e, SYNTAX, 'SCAN', '0', 'COUNT', '1', 'MATCH');
    fails(e, SYNTAX, 'SCAN', '0', 'foo');
    fails(e, SYNTAX, 'SCAN', '0', 'TYPE');
    fails(e, SYNTAX, 'SCAN', '0', 'foo', 'COUNT', '0');
    fails(e, SYNTAX, 'SCAN', '0', 'COUNT', '0', 'foo');
    fails(e, INVALID_CURSOR, 'SCAN', 'x', 'COUNT', '0');
  }));

  test('cursors are read as strtoul reads them', withEngine((e) => {
    e.call('SET', 'k', 'v');
    for (const ok of ['0', '00', '+0', '', '0\u0000junk', '18446744073709551615', '-1', '-18446744073709551615', '123']) {
      const reply = e.call('SCAN', ok);
      assert.equal(reply.length, 2, `cursor ${JSON.stringify(ok)}`);
      assert.equal(typeof reply[0], 'string');
    }
    assert.deepEqual(e.call('SCAN', ''), ['0', ['k']]);
    for (const bad of [' 0', '0 ', '\t1', '-', '+', '0x1', '1.5', '18446744073709551616', '-18446744073709551616', 'abc']) {
      fails(e, INVALID_CURSOR, 'SCAN', bad);
    }
  }));

  test('expired keys are never returned, and are reclaimed', withEngine((e) => {
    for (let i = 0; i < 50; i++) e.call('SET', `tmp:${i}`, 'v', 'PX', '100');
    for (let i = 0; i < 50; i++) e.call('SET', `keep:${i}`, 'v');
    e.advance(100); // the expiry millisecond itself: all still returned
    assert.equal(scanAll(e, 'COUNT', '3').keys.size, 100);
    e.advance(1);
    assert.equal(e.call('DBSIZE'), 100); // not reclaimed yet
    const { keys } = scanAll(e, 'COUNT', '3');
    assert.equal(keys.size, 50);
    for (const k of keys) assert.ok(k.startsWith('keep:'));
    assert.equal(e.call('DBSIZE'), 50);
    assert.match(e.call('INFO', 'stats'), /\r\nexpired_keys:50\r\n/);
  }));

  test('TYPE none returns expired keys, as Redis 7.0 does', withEngine((e) => {
    e.call('SET', 'gone', 'v', 'PX', '10');
    e.call('SET', 'live', 'v');
    e.advance(11);
    assert.deepEqual(e.call('SCAN', '0', 'TYPE', 'none', 'COUNT', '100'), ['0', ['gone']]);
    assert.equal(e.call('DBSIZE'), 1);
    e.call('SET', 'gone', 'v', 'PX', '10');
    e.advance(11);
    assert.deepEqual(e.call('SCAN', '0', 'TYPE', 'string', 'COUNT', '100'), ['0', ['live']]);
  }));

  test('an empty database', withEngine((e) => {
    assert.deepEqual(e.call('SCAN', '0'), ['0', []]);
    assert.deepEqual(e.call('SCAN', '12345'), ['0', []]);
  }));
});

describe('RANDOMKEY', () => {
  test('null when empty, a live key otherwise', withEngine((e) => {
    assert.equal(e.call('RANDOMKEY'), null);
    e.call('MSET', 'a', '1', 'b', '2', 'c', '3');
    const seen = new Set();
    for (let i = 0; i < 200; i++) seen.add(e.call('RANDOMKEY'));
    assert.deepEqual(sorted(seen), ['a', 'b', 'c']);
  }));

  test('skips and reclaims expired keys, however many', withEngine((e) => {
    for (let i = 0; i < 500; i++) e.call('SET', `tmp:${i}`, 'v', 'PX', '10');
    e.advance(10); // the expiry millisecond itself: still live
    assert.match(e.call('RANDOMKEY'), /^tmp:/);
    assert.equal(e.call('DBSIZE'), 500);
    e.advance(1);
    assert.equal(e.call('RANDOMKEY'), null);
    assert.equal(e.call('DBSIZE'), 0);
    for (let i = 0; i < 500; i++) e.call('SET', `tmp:${i}`, 'v', 'PX', '10');
    e.call('SET', 'live', 'v');
    e.advance(11);
    assert.equal(e.call('RANDOMKEY'), 'live');
  }));
});

describe('OBJECT', () => {
  test('ENCODING', withEngine((e) => {
    e.call('SET', 'i', '123');
    e.call('SET', 'neg', '-1234567890123456789');
    e.call('SET', 'e', 'abc');
    e.call('SET', 'big', '123456789012345678901');
    e.call('SET', 'r', 'x'.repeat(45));
    assert.equal(e.call('OBJECT', 'ENCODING', 'i'), 'int');
    assert.equal(e.call('OBJECT', 'ENCODING', 'neg'), 'int');
    assert.equal(e.call('OBJECT', 'ENCODING', 'e'), 'embstr');
    assert.equal(e.call('OBJECT', 'ENCODING', 'big'), 'embstr');
    assert.equal(e.call('OBJECT', 'encoding', 'r'), 'raw');
    e.call('APPEND', 'e', 'd');
    assert.equal(e.call('OBJECT', 'ENCODING', 'e'), 'raw');
    assert.equal(e.call('OBJECT', 'ENCODING', 'nokey'), null);
  }));

  test('REFCOUNT: shared small integers as in Redis', withEngine((e) => {
    e.call('MSET', 'zero', '0', 'small', '9999', 'big', '10000', 'neg', '-1', 's', 'abc');
    assert.equal(e.call('OBJECT', 'REFCOUNT', 'zero'), 2147483647);
    assert.equal(e.call('OBJECT', 'REFCOUNT', 'small'), 2147483647);
    assert.equal(e.call('OBJECT', 'REFCOUNT', 'big'), 1);
    assert.equal(e.call('OBJECT', 'REFCOUNT', 'neg'), 1);
    assert.equal(e.call('OBJECT', 'REFCOUNT', 's'), 1);
    assert.equal(e.call('OBJECT', 'REFCOUNT', 'nokey'), null);
  }));

  test('FREQ needs an LFU policy', withEngine((e) => {
    e.call('SET', 'k', 'v');
    fails(e, NO_FREQ, 'OBJECT', 'FREQ', 'k');
    assert.equal(e.call('OBJECT', 'FREQ', 'nokey'), null); // the lookup comes first
  }));

  test('IDLETIME counts seconds since the last access; OBJECT, TYPE, TTL, EXISTS do not touch', withEngine((e) => {
    e.call('SET', 'k', 'v');
    e.call('GET', 'k');
    e.advance(10_000);
    assert.equal(e.call('OBJECT', 'IDLETIME', 'k'), 10);
    e.call('OBJECT', 'ENCODING', 'k');
    e.call('TYPE', 'k');
    e.call('TTL', 'k');
    e.call('EXISTS', 'k');
    e.advance(2_000);
    assert.equal(e.call('OBJECT', 'IDLETIME', 'k'), 12);
    e.call('GET', 'k');
    assert.equal(e.call('OBJECT', 'IDLETIME', 'k'), 0);
    e.advance(3_000);
    e.call('TOUCH', 'k');
    assert.equal(e.call('OBJECT', 'IDLETIME', 'k'), 0);
    assert.equal(e.call('OBJECT', 'IDLETIME', 'nokey'), null);
  }));

  test('IDLETIME of a key just written is 0', withEngine((e) => {
    e.call('SET', 'k', 'v');
    assert.equal(e.call('OBJECT', 'IDLETIME', 'k'), 0);
  }));

  test('a COPY is a new object: IDLETIME 0', withEngine((e) => {
    e.call('SET', 'k', 'v');
    e.call('GET', 'k');
    e.advance(5_000);
    e.call('COPY', 'k', 'c');
    assert.equal(e.call('OBJECT', 'IDLETIME', 'c'), 0);
  }));

  test('reclaims an expired key', withEngine((e) => {
    e.call('SET', 'k', 'v', 'PX', '10');
    e.advance(11);
    assert.equal(e.call('DBSIZE'), 1);
    assert.equal(e.call('OBJECT', 'ENCODING', 'k'), null);
    assert.equal(e.call('DBSIZE'), 0);
  }));

  test('HELP', withEngine((e) => {
    const help = e.call('OBJECT', 'HELP');
    assert.equal(help[0], 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(help.length, 15);
    assert.equal(help.at(-2), 'HELP');
    assert.equal(help.at(-1), '    Prints this help.');
  }));
});
