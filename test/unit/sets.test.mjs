// Unit tests of the sets command family (native/core/commands/sets.cc and
// native/core/set_value.h, intset.h) through the embedded API. Expected
// replies, errors and encodings are those of redis-server 7.0.15, checked
// by hand against it (7.0 has no listpack sets: small non-integer sets are
// "hashtable").
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { commands } from 'emberkv';
import { T0, withEngine, fails, testDeclarations } from '../support/engine.mjs';

const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const POSITIVE = 'ERR value is out of range, must be positive';
const arity = (name) => `ERR wrong number of arguments for '${name}' command`;

const encoding = (e, key) => e.call('OBJECT', 'ENCODING', key);
const sorted = (xs) => [...xs].sort();
const ints = (from, n) => Array.from({ length: n }, (_, i) => String(from + i));

describe('command table', () => {
  const table = new Map(commands().map((c) => [c.name, c]));
  // name: [arity, flags, categories, first, last, step], as COMMAND INFO in Redis 7.0.
  const expected = {
    sadd: [-3, ['write', 'denyoom', 'fast'], ['write', 'set', 'fast'], 1, 1, 1],
    srem: [-3, ['write', 'fast'], ['write', 'set', 'fast'], 1, 1, 1],
    sismember: [3, ['readonly', 'fast'], ['read', 'set', 'fast'], 1, 1, 1],
    smismember: [-3, ['readonly', 'fast'], ['read', 'set', 'fast'], 1, 1, 1],
    smembers: [2, ['readonly'], ['read', 'set', 'slow'], 1, 1, 1],
    scard: [2, ['readonly', 'fast'], ['read', 'set', 'fast'], 1, 1, 1],
    smove: [4, ['write', 'fast'], ['write', 'set', 'fast'], 1, 2, 1],
    sinter: [-2, ['readonly'], ['read', 'set', 'slow'], 1, -1, 1],
    sunion: [-2, ['readonly'], ['read', 'set', 'slow'], 1, -1, 1],
    sdiff: [-2, ['readonly'], ['read', 'set', 'slow'], 1, -1, 1],
    sinterstore: [-3, ['write', 'denyoom'], ['write', 'set', 'slow'], 1, -1, 1],
    sunionstore: [-3, ['write', 'denyoom'], ['write', 'set', 'slow'], 1, -1, 1],
    sdiffstore: [-3, ['write', 'denyoom'], ['write', 'set', 'slow'], 1, -1, 1],
    sintercard: [-3, ['readonly', 'movablekeys'], ['read', 'set', 'slow'], 0, 0, 0],
    srandmember: [-2, ['readonly'], ['read', 'set', 'slow'], 1, 1, 1],
    spop: [-2, ['write', 'fast'], ['write', 'set', 'fast'], 1, 1, 1],
    sscan: [-3, ['readonly'], ['read', 'set', 'slow'], 1, 1, 1],
  };
  testDeclarations(expected);

  test('arity errors', withEngine((e) => {
    fails(e, arity('sadd'), 'SADD', 'k');
    fails(e, arity('sismember'), 'SISMEMBER', 'k');
    fails(e, arity('smove'), 'SMOVE', 'a', 'b');
    fails(e, arity('sintercard'), 'SINTERCARD', '1');
    fails(e, arity('sscan'), 'SSCAN', 'k');
  }));
});

describe('encodings', () => {
  test('integers make an intset, kept sorted across width changes 16 -> 32 -> 64 bits', withEngine((e) => {
    assert.equal(e.call('SADD', 's', '5', '-3', '5'), 2);
    assert.equal(encoding(e, 's'), 'intset');
    assert.equal(e.call('SADD', 's', '70000'), 1); // 32-bit
    assert.equal(e.call('SADD', 's', '-40000'), 1);
    assert.equal(e.call('SADD', 's', '5000000000', '-9223372036854775808', '9223372036854775807'), 3); // 64-bit
    assert.equal(encoding(e, 's'), 'intset');
    assert.deepEqual(e.call('SMEMBERS', 's'),
      ['-9223372036854775808', '-40000', '-3', '5', '70000', '5000000000', '9223372036854775807']);
    for (const m of ['-9223372036854775808', '-40000', '-3', '5', '70000', '5000000000', '9223372036854775807']) {
      assert.equal(e.call('SISMEMBER', 's', m), 1, m);
    }
    assert.equal(e.call('SISMEMBER', 's', '4'), 0);
    assert.equal(e.call('SISMEMBER', 's', '9223372036854775808'), 0);
    // Removing the wide values keeps the width (and the encoding).
    assert.equal(e.call('SREM', 's', '5000000000', '-9223372036854775808', '9223372036854775807', '-40000', '70000'), 5);
    assert.deepEqual(e.call('SMEMBERS', 's'), ['-3', '5']);
    assert.equal(e.call('SADD', 's', '32767', '-32768'), 2);
    assert.deepEqual(e.call('SMEMBERS', 's'), ['-32768', '-3', '5', '32767']);
    assert.equal(encoding(e, 's'), 'intset');
    // A negative value that needs a wider encoding goes first.
    e.call('SADD', 'n', '1', '2');
    assert.equal(e.call('SADD', 'n', '-70000'), 1);
    assert.deepEqual(e.call('SMEMBERS', 'n'), ['-70000', '1', '2']);
    assert.equal(e.call('SADD', 'n', '-5000000000'), 1);
    assert.deepEqual(e.call('SMEMBERS', 'n'), ['-5000000000', '-70000', '1', '2']);
    assert.equal(e.call('SISMEMBER', 'n', '-70000'), 1);
    assert.equal(encoding(e, 'n'), 'intset');
  }));

  test('a non-canonical integer or a string converts to hashtable, for good', withEngine((e) => {
    e.call('SADD', 's', '1', '2');
    assert.equal(e.call('SADD', 's', '007'), 1);
    assert.equal(encoding(e, 's'), 'hashtable');
    assert.equal(e.call('SISMEMBER', 's', '7'), 0);
    assert.equal(e.call('SISMEMBER', 's', '007'), 1);
    assert.equal(e.call('SREM', 's', '007'), 1);
    assert.equal(encoding(e, 's'), 'hashtable'); // never converts back
    for (const m of ['-0', '+1', ' 1', '1.0', '', 'a']) {
      e.call('DEL', 't');
      e.call('SADD', 't', '1');
      e.call('SADD', 't', m);
      assert.equal(encoding(e, 't'), 'hashtable', JSON.stringify(m));
    }
    // The first member decides a new set's encoding.
    e.call('SADD', 'u', 'a', '1');
    assert.equal(encoding(e, 'u'), 'hashtable');
  }));

  test('512 integers stay an intset, the 513th converts', withEngine((e) => {
    assert.equal(e.call('SADD', 's', ...ints(0, 512)), 512);
    assert.equal(encoding(e, 's'), 'intset');
    assert.equal(e.call('SADD', 's', '511'), 0);
    assert.equal(encoding(e, 's'), 'intset');
    assert.equal(e.call('SADD', 's', '512'), 1);
    assert.equal(encoding(e, 's'), 'hashtable');
    assert.equal(e.call('SCARD', 's'), 513);
    assert.equal(e.call('SISMEMBER', 's', '0'), 1);
    assert.equal(e.call('SISMEMBER', 's', '512'), 1);
    // Converted within one SADD too.
    assert.equal(e.call('SADD', 't', ...ints(-1000, 513)), 513);
    assert.equal(encoding(e, 't'), 'hashtable');
  }));

  test('large hashtable sets: add, remove, members', withEngine((e) => {
    const many = ints(0, 5000).map((x) => `m${x}`);
    assert.equal(e.call('SADD', 's', ...many), 5000);
    assert.equal(e.call('SCARD', 's'), 5000);
    assert.deepEqual(sorted(e.call('SMEMBERS', 's')), sorted(many));
    assert.equal(e.call('SREM', 's', ...many.slice(0, 4990)), 4990);
    assert.deepEqual(sorted(e.call('SMEMBERS', 's')), sorted(many.slice(4990)));
    assert.equal(e.call('SREM', 's', ...many.slice(4990)), 10);
    assert.equal(e.call('EXISTS', 's'), 0);
  }));

  test('binary members', withEngine((e) => {
    const bin = Buffer.from([0x61, 0x00, 0xff]);
    assert.equal(e.call('SADD', 's', bin, 'a'), 2);
    assert.equal(e.call('SISMEMBER', 's', bin), 1);
    assert.equal(e.call('SISMEMBER', 's', 'a\x00'), 0);
    const members = e.callBuffer('SMEMBERS', 's').map((b) => b.toString('hex')).sort();
    assert.deepEqual(members, ['61', '6100ff']);
  }));
});

describe('SADD SREM SISMEMBER SMISMEMBER SCARD SMEMBERS', () => {
  test('replies', withEngine((e) => {
    assert.equal(e.call('SADD', 's', 'a', 'b', 'a'), 2);
    assert.equal(e.call('SADD', 's', 'b', 'c'), 1);
    assert.equal(e.call('SCARD', 's'), 3);
    assert.equal(e.call('SCARD', 'nokey'), 0);
    assert.equal(e.call('SISMEMBER', 's', 'a'), 1);
    assert.equal(e.call('SISMEMBER', 'nokey', 'a'), 0);
    assert.deepEqual(e.call('SMISMEMBER', 's', 'a', 'x', 'c'), [1, 0, 1]);
    assert.deepEqual(e.call('SMISMEMBER', 'nokey', 'a', 'b'), [0, 0]);
    assert.deepEqual(e.call('SMEMBERS', 'nokey'), []);
    assert.equal(e.call('SREM', 's', 'a', 'x', 'a'), 1);
    assert.equal(e.call('SREM', 'nokey', 'a'), 0);
    assert.deepEqual(sorted(e.call('SMEMBERS', 's')), ['b', 'c']);
  }));

  test('removing the last member removes the key', withEngine((e) => {
    e.call('SADD', 's', '1', '2');
    assert.equal(e.call('SREM', 's', '1', '2', '3'), 2);
    assert.equal(e.call('EXISTS', 's'), 0);
    assert.equal(e.call('TYPE', 's'), 'none');
    e.call('SADD', 'h', 'a');
    assert.equal(e.call('SREM', 'h', 'a'), 1);
    assert.equal(e.call('EXISTS', 'h'), 0);
  }));

  test('WRONGTYPE', withEngine((e) => {
    e.call('SET', 'str', 'x');
    for (const args of [
      ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SISMEMBER', 'str', 'a'], ['SMISMEMBER', 'str', 'a'],
      ['SCARD', 'str'], ['SMEMBERS', 'str'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '2'],
      ['SPOP', 'str'], ['SPOP', 'str', '0'], ['SSCAN', 'str', '0'], ['SINTER', 'str'], ['SUNION', 'str'],
      ['SDIFF', 'str'], ['SINTERCARD', '1', 'str'],
    ]) fails(e, WRONGTYPE, ...args);
    e.call('SADD', 's', 'a');
    fails(e, WRONGTYPE, 'GET', 's');
    fails(e, WRONGTYPE, 'LPUSH', 's', 'x');
  }));
});

describe('SMOVE', () => {
  test('moves, creates and deletes', withEngine((e) => {
    e.call('SADD', 'src', '1', 'a');
    assert.equal(e.call('SMOVE', 'src', 'dst', '1'), 1);
    assert.equal(encoding(e, 'dst'), 'intset'); // created from the member
    assert.equal(e.call('SMOVE', 'src', 'dst', 'nope'), 0);
    assert.equal(e.call('SMOVE', 'src', 'dst', 'a'), 1);
    assert.equal(e.call('EXISTS', 'src'), 0);
    assert.equal(encoding(e, 'dst'), 'hashtable');
    assert.deepEqual(sorted(e.call('SMEMBERS', 'dst')), ['1', 'a']);
    assert.equal(e.call('SMOVE', 'nokey', 'dst', 'a'), 0);
    // Already in the destination: still 1, and the source loses it.
    e.call('SADD', 'src', 'a', 'b');
    assert.equal(e.call('SMOVE', 'src', 'dst', 'a'), 1);
    assert.deepEqual(e.call('SMEMBERS', 'src'), ['b']);
  }));

  test('same key and type checks, in Redis order', withEngine((e) => {
    e.call('SADD', 's', 'a');
    assert.equal(e.call('SMOVE', 's', 's', 'a'), 1);
    assert.equal(e.call('SMOVE', 's', 's', 'x'), 0);
    e.call('SET', 'str', 'x');
    assert.equal(e.call('SMOVE', 'nokey', 'str', 'a'), 0); // a missing source wins
    fails(e, WRONGTYPE, 'SMOVE', 's', 'str', 'a');
    fails(e, WRONGTYPE, 'SMOVE', 'str', 's', 'a');
    fails(e, WRONGTYPE, 'SMOVE', 's', 'str', 'notamember');
    assert.deepEqual(e.call('SMEMBERS', 's'), ['a']);
  }));
});

describe('SINTER SUNION SDIFF and their STORE forms', () => {
  const setup = (e) => {
    e.call('SADD', 'a', '1', '2', '3', 'x');
    e.call('SADD', 'b', '2', '3', '4');
    e.call('SADD', 'c', '3', 'x', 'y');
  };

  test('replies', withEngine((e) => {
    setup(e);
    assert.deepEqual(sorted(e.call('SINTER', 'a', 'b')), ['2', '3']);
    assert.deepEqual(sorted(e.call('SINTER', 'a', 'b', 'c')), ['3']);
    assert.deepEqual(sorted(e.call('SINTER', 'a')), sorted(['1', '2', '3', 'x']));
    assert.deepEqual(sorted(e.call('SINTER', 'a', 'a')), sorted(['1', '2', '3', 'x']));
    assert.deepEqual(e.call('SINTER', 'a', 'nokey'), []);
    assert.deepEqual(sorted(e.call('SUNION', 'a', 'b', 'nokey')), sorted(['1', '2', '3', '4', 'x']));
    assert.deepEqual(e.call('SUNION', 'nokey'), []);
    assert.deepEqual(sorted(e.call('SDIFF', 'a', 'b')), ['1', 'x']);
    assert.deepEqual(sorted(e.call('SDIFF', 'a', 'b', 'c')), ['1']);
    assert.deepEqual(e.call('SDIFF', 'a', 'a'), []);
    assert.deepEqual(e.call('SDIFF', 'nokey', 'a'), []);
    assert.deepEqual(sorted(e.call('SDIFF', 'a', 'nokey')), sorted(['1', '2', '3', 'x']));
  }));

  test('every key is type-checked, even after a missing one', withEngine((e) => {
    setup(e);
    e.call('SET', 'str', 'v');
    fails(e, WRONGTYPE, 'SINTER', 'nokey', 'str');
    fails(e, WRONGTYPE, 'SINTER', 'str', 'nokey');
    fails(e, WRONGTYPE, 'SUNION', 'a', 'str');
    fails(e, WRONGTYPE, 'SDIFF', 'nokey', 'str');
    fails(e, WRONGTYPE, 'SINTERSTORE', 'd', 'nokey', 'str');
    fails(e, WRONGTYPE, 'SINTERCARD', '2', 'nokey', 'str');
  }));

  test('stores overwrite any type, drop the TTL, and delete on an empty result', withEngine((e) => {
    setup(e);
    e.call('SET', 'd', 'string', 'PX', '5000');
    assert.equal(e.call('SINTERSTORE', 'd', 'a', 'b'), 2);
    assert.equal(e.call('TYPE', 'd'), 'set');
    assert.equal(e.call('PTTL', 'd'), -1);
    assert.equal(encoding(e, 'd'), 'intset');
    assert.equal(e.call('SUNIONSTORE', 'd', 'a', 'b'), 5);
    assert.equal(encoding(e, 'd'), 'hashtable');
    assert.equal(e.call('SDIFFSTORE', 'd', 'a', 'b'), 2);
    assert.deepEqual(sorted(e.call('SMEMBERS', 'd')), ['1', 'x']);
    assert.equal(e.call('SINTERSTORE', 'd', 'a', 'nokey'), 0);
    assert.equal(e.call('EXISTS', 'd'), 0);
    e.call('SET', 'd', 'v');
    assert.equal(e.call('SDIFFSTORE', 'd', 'a', 'a'), 0);
    assert.equal(e.call('EXISTS', 'd'), 0);
    e.call('SET', 'd', 'v');
    assert.equal(e.call('SUNIONSTORE', 'd', 'nokey'), 0);
    assert.equal(e.call('EXISTS', 'd'), 0);
    // The destination may be a source.
    assert.equal(e.call('SINTERSTORE', 'a', 'a', 'b'), 2);
    assert.deepEqual(sorted(e.call('SMEMBERS', 'a')), ['2', '3']);
    assert.equal(e.call('SUNIONSTORE', 'b', 'b', 'c'), 5);
  }));

  test('a store result starts as an intset: integers from hashtable sources give an intset', withEngine((e) => {
    e.call('SADD', 'h', '1', '2', '3', 'a');
    e.call('SADD', 'i', '1', '2');
    assert.equal(e.call('SINTERSTORE', 'd', 'h', 'i'), 2);
    assert.equal(encoding(e, 'd'), 'intset');
    assert.equal(e.call('SUNIONSTORE', 'd', 'i'), 2);
    assert.equal(encoding(e, 'd'), 'intset');
    e.call('SADD', 'big', ...ints(0, 600));
    assert.equal(e.call('SINTERSTORE', 'd', 'big', 'big'), 600);
    assert.equal(encoding(e, 'd'), 'hashtable');
  }));

  test("SDIFFSTORE's encoding follows Redis's choice of algorithm", withEngine((e) => {
    e.call('SADD', 's0', '1', '2', '3', '4', '5', 'a');
    e.call('SADD', 's1', 'a');
    e.call('SADD', 's2', 'zz');
    // 3 sets: work 6*3/2 = 9 > 6+1+1 = 8, so "add all, then remove": hashtable.
    assert.equal(e.call('SDIFFSTORE', 'r', 's0', 's1', 's2'), 5);
    assert.equal(encoding(e, 'r'), 'hashtable');
    // 2 sets: work 6*2/2 = 6 <= 7, so "keep what no other set has": intset.
    assert.equal(e.call('SDIFFSTORE', 'r2', 's0', 's1'), 5);
    assert.equal(encoding(e, 'r2'), 'intset');
    assert.deepEqual(e.call('SMEMBERS', 'r2'), ['1', '2', '3', '4', '5']);
  }));
});

describe('SINTERCARD', () => {
  test('counts, with LIMIT', withEngine((e) => {
    e.call('SADD', 'a', '1', '2', '3', '4');
    e.call('SADD', 'b', '2', '3', '4', '5');
    assert.equal(e.call('SINTERCARD', '2', 'a', 'b'), 3);
    assert.equal(e.call('SINTERCARD', '1', 'a'), 4);
    assert.equal(e.call('SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'), 2);
    assert.equal(e.call('SINTERCARD', '2', 'a', 'b', 'limit', '0'), 3);
    assert.equal(e.call('SINTERCARD', '2', 'a', 'b', 'LIMIT', '10', 'LIMIT', '1'), 1);
    assert.equal(e.call('SINTERCARD', '2', 'a', 'nokey'), 0);
  }));

  test('errors', withEngine((e) => {
    e.call('SADD', 'a', '1');
    for (const n of ['0', '-1', 'x', '']) fails(e, 'ERR numkeys should be greater than 0', 'SINTERCARD', n, 'a');
    fails(e, "ERR Number of keys can't be greater than number of args", 'SINTERCARD', '3', 'a');
    fails(e, "ERR LIMIT can't be negative", 'SINTERCARD', '1', 'a', 'LIMIT', '-1');
    fails(e, "ERR LIMIT can't be negative", 'SINTERCARD', '1', 'a', 'LIMIT', 'x');
    fails(e, SYNTAX, 'SINTERCARD', '1', 'a', 'LIMIT');
    fails(e, SYNTAX, 'SINTERCARD', '1', 'a', 'FOO', '1');
  }));
});

describe('SRANDMEMBER', () => {
  test('one member, distinct members, repeated members', withEngine((e) => {
    const all = ints(1, 20);
    e.call('SADD', 's', ...all);
    assert.ok(all.includes(e.call('SRANDMEMBER', 's')));
    assert.equal(e.call('SRANDMEMBER', 'nokey'), null);
    for (const count of [1, 5, 7, 19]) {
      const picks = e.call('SRANDMEMBER', 's', String(count));
      assert.equal(picks.length, count);
      assert.equal(new Set(picks).size, count);
      assert.ok(picks.every((m) => all.includes(m)));
    }
    assert.deepEqual(sorted(e.call('SRANDMEMBER', 's', '20')), sorted(all));
    assert.deepEqual(sorted(e.call('SRANDMEMBER', 's', '9223372036854775807')), sorted(all));
    const repeated = e.call('SRANDMEMBER', 's', '-100');
    assert.equal(repeated.length, 100);
    assert.ok(repeated.every((m) => all.includes(m)));
    assert.deepEqual(e.call('SRANDMEMBER', 's', '0'), []);
    assert.deepEqual(e.call('SRANDMEMBER', 'nokey', '-5'), []);
    assert.equal(e.call('SCARD', 's'), 20); // read-only
    // Hashtable sets too.
    e.call('SADD', 'h', 'a', 'b', 'c', ...ints(0, 600));
    const picks = e.call('SRANDMEMBER', 'h', '50');
    assert.equal(new Set(picks).size, 50);
    assert.ok(picks.every((m) => e.call('SISMEMBER', 'h', m) === 1));
    assert.equal(e.call('SRANDMEMBER', 'h', '-3').length, 3);
  }));

  test('errors and the bound on repeated picks', withEngine((e) => {
    e.call('SADD', 's', 'a');
    fails(e, NOT_INT, 'SRANDMEMBER', 's', 'x');
    fails(e, 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      'SRANDMEMBER', 's', '-9223372036854775808');
    fails(e, SYNTAX, 'SRANDMEMBER', 's', '1', '2');
    // Our own bound (Redis 7.0 would stream 2^63-1 replies): a clear error, nothing allocated.
    fails(e, 'ERR count is out of range, at most 16777216 members may be returned with a negative count',
      'SRANDMEMBER', 's', '-9223372036854775807');
    fails(e, 'ERR count is out of range, at most 16777216 members may be returned with a negative count',
      'SRANDMEMBER', 's', '-16777217');
    // ...but a missing key still answers [] first, as Redis.
    assert.deepEqual(e.call('SRANDMEMBER', 'nokey', '-9223372036854775807'), []);
  }));
});

describe('SPOP', () => {
  test('pops one or many, deletes the emptied key', withEngine((e) => {
    const all = ints(1, 10);
    e.call('SADD', 's', ...all);
    const one = e.call('SPOP', 's');
    assert.ok(all.includes(one));
    assert.equal(e.call('SISMEMBER', 's', one), 0);
    const three = e.call('SPOP', 's', '3');
    assert.equal(new Set(three).size, 3);
    assert.ok(three.every((m) => all.includes(m) && m !== one));
    assert.equal(e.call('SCARD', 's'), 6);
    assert.equal(encoding(e, 's'), 'intset');
    assert.deepEqual(e.call('SPOP', 's', '0'), []);
    const rest = e.call('SPOP', 's', '100');
    assert.equal(rest.length, 6);
    assert.deepEqual(sorted([one, ...three, ...rest]), sorted(all));
    assert.equal(e.call('EXISTS', 's'), 0);
    assert.equal(e.call('SPOP', 's'), null);
    assert.deepEqual(e.call('SPOP', 's', '3'), []);
    e.call('SADD', 'h', 'only');
    assert.equal(e.call('SPOP', 'h'), 'only');
    assert.equal(e.call('EXISTS', 'h'), 0);
    // Hashtable sets keep their encoding.
    e.call('SADD', 'h', 'a', ...ints(0, 100));
    assert.equal(e.call('SPOP', 'h', '95').length, 95);
    assert.equal(e.call('SCARD', 'h'), 6);
    assert.equal(encoding(e, 'h'), 'hashtable');
  }));

  test('errors', withEngine((e) => {
    e.call('SADD', 's', 'a');
    fails(e, POSITIVE, 'SPOP', 's', '-1');
    fails(e, POSITIVE, 'SPOP', 's', 'x'); // Redis says "must be positive" for a non-integer too
    fails(e, POSITIVE, 'SPOP', 'nokey', '-1'); // the count is read first
    fails(e, SYNTAX, 'SPOP', 's', '1', '2');
  }));
});

describe('SSCAN', () => {
  test('an intset comes whole with cursor 0, whatever the cursor', withEngine((e) => {
    e.call('SADD', 's', '3', '1', '2', '10');
    assert.deepEqual(e.call('SSCAN', 's', '0'), ['0', ['1', '2', '3', '10']]);
    assert.deepEqual(e.call('SSCAN', 's', '77', 'COUNT', '1'), ['0', ['1', '2', '3', '10']]);
    assert.deepEqual(e.call('SSCAN', 's', '0', 'MATCH', '1*'), ['0', ['1', '10']]);
  }));

  test('a hashtable is iterated to completion', withEngine((e) => {
    const all = ints(0, 1000).map((x) => `m${x}`);
    e.call('SADD', 's', ...all);
    const seen = new Set();
    let cursor = '0';
    let pages = 0;
    do {
      const [next, members] = e.call('SSCAN', 's', cursor, 'COUNT', '20');
      members.forEach((m) => seen.add(m));
      cursor = next;
      pages++;
    } while (cursor !== '0');
    assert.ok(pages > 1);
    assert.deepEqual(sorted(seen), sorted(all));
    const [, matched] = e.call('SSCAN', 's', '0', 'MATCH', 'm99*', 'COUNT', '100000');
    assert.deepEqual(sorted(matched), sorted(['m99', ...ints(990, 10).map((x) => `m${x}`)]));
  }));

  test('errors', withEngine((e) => {
    e.call('SADD', 's', 'a');
    fails(e, 'ERR invalid cursor', 'SSCAN', 's', 'x');
    fails(e, 'ERR invalid cursor', 'SSCAN', 'nokey', '-1x');
    fails(e, SYNTAX, 'SSCAN', 's', '0', 'COUNT', '0');
    fails(e, NOT_INT, 'SSCAN', 's', '0', 'COUNT', 'x');
    fails(e, SYNTAX, 'SSCAN', 's', '0', 'TYPE', 'set'); // no TYPE for a key's elements
    fails(e, SYNTAX, 'SSCAN', 's', '0', 'MATCH');
    // A missing key answers before the options are read.
    assert.deepEqual(e.call('SSCAN', 'nokey', '0', 'FOO'), ['0', []]);
  }));
});

describe('sets and the keyspace', () => {
  test('TYPE, SCAN TYPE, RENAME, COPY, expiry', withEngine((e) => {
    e.call('SADD', 's', '1', '2');
    e.call('SADD', 'h', 'a', 'b');
    e.call('SET', 'str', 'v');
    assert.equal(e.call('TYPE', 's'), 'set');
    assert.deepEqual(sorted(e.call('SCAN', '0', 'TYPE', 'set', 'COUNT', '100')[1]), ['h', 's']);
    assert.equal(e.call('RENAME', 's', 's2'), 'OK');
    assert.deepEqual(e.call('SMEMBERS', 's2'), ['1', '2']);
    assert.equal(encoding(e, 's2'), 'intset');
    assert.equal(e.call('COPY', 'h', 'h2'), 1);
    e.call('SADD', 'h2', 'c');
    assert.deepEqual(sorted(e.call('SMEMBERS', 'h')), ['a', 'b']);
    assert.deepEqual(sorted(e.call('SMEMBERS', 'h2')), ['a', 'b', 'c']);
    assert.equal(encoding(e, 'h2'), 'hashtable');
    assert.equal(e.call('COPY', 's2', 's3'), 1);
    assert.equal(encoding(e, 's3'), 'intset');
    e.call('SADD', 's3', '3');
    assert.deepEqual(e.call('SMEMBERS', 's2'), ['1', '2']);
    assert.equal(e.call('PEXPIRE', 'h', '100'), 1);
    e.at(T0 + 101);
    assert.equal(e.call('SCARD', 'h'), 0);
    assert.equal(e.call('EXISTS', 'h'), 0);
    assert.equal(e.call('SADD', 'h', 'z'), 1); // a fresh set, no TTL
    assert.equal(e.call('PTTL', 'h'), -1);
  }));

  test('memory is returned when sets go away', withEngine((e) => {
    e.call('SET', 'anchor', 'v'); // the keyspace's own table is allocated (and stays one group)
    const before = e.memoryUsage();
    e.call('SADD', 'i', ...ints(0, 400));
    e.call('SADD', 'h', ...ints(0, 2000).map((x) => `member-${x}`));
    e.call('SUNIONSTORE', 'u', 'i', 'h');
    e.call('COPY', 'u', 'u2');
    assert.ok(e.memoryUsage() > before);
    e.call('SPOP', 'u2', '1000');
    e.call('DEL', 'i', 'h', 'u', 'u2');
    assert.equal(e.memoryUsage(), before);
  }));
});

describe('typed methods', () => {
  test('every sets command', withEngine((e) => {
    assert.equal(e.sAdd('s', 'a', 'b', 1), 3);
    assert.equal(e.sRem('s', 'b', 'x'), 1);
    assert.equal(e.sIsMember('s', 'a'), true);
    assert.equal(e.sIsMember('s', 'b'), false);
    assert.deepEqual(e.sMIsMember('s', 'a', 'b', '1'), [true, false, true]);
    assert.deepEqual(sorted(e.sMembers('s')), ['1', 'a']);
    assert.equal(e.sCard('s'), 2);
    assert.equal(e.sMove('s', 't', 'a'), true);
    assert.equal(e.sMove('s', 't', 'a'), false);
    e.sAdd('u', '1', '2');
    assert.deepEqual(e.sInter('s', 'u'), ['1']);
    assert.deepEqual(sorted(e.sUnion('s', 'u', 't')), ['1', '2', 'a']);
    assert.deepEqual(e.sDiff('u', 's'), ['2']);
    assert.equal(e.sInterStore('d', 's', 'u'), 1);
    assert.equal(e.sUnionStore('d', 's', 'u'), 2);
    assert.equal(e.sDiffStore('d', 'u', 's'), 1);
    assert.equal(e.sInterCard(['u', 'd']), 1);
    assert.equal(e.sInterCard(['u', 'u'], 1), 1);
    assert.ok(['1', '2'].includes(e.sRandMember('u')));
    assert.equal(e.sRandMember('nokey'), null);
    assert.deepEqual(sorted(e.sRandMember('u', 5)), ['1', '2']);
    assert.equal(e.sRandMember('u', -4).length, 4);
    assert.ok(['1', '2'].includes(e.sPop('u')));
    assert.equal(e.sPop('u', 5).length, 1);
    assert.equal(e.sPop('u'), null);
    e.sAdd('z', 'x', 'y');
    const page = e.sScan('z', 0, { match: '*', count: 10 });
    assert.equal(page.cursor, '0');
    assert.deepEqual(sorted(page.members), ['x', 'y']);
  }));
});
