// Unit tests of the CONFIG command family (native/core/commands/config.cc)
// through the embedded API, and of the Engine options that apply the same
// settings (src/engine.ts). Expected replies and error texts are those of
// redis-server 7.0.15, checked by hand against it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Engine, EmberError, commands } from 'emberkv';
import { withEngine, fails } from '../support/engine.mjs';

const require = createRequire(import.meta.url);
const sorted = (a) => [...a].sort();
const arity = (name) => `ERR wrong number of arguments for '${name}' command`;
const failed = (name, reason) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
const unknown = (name) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
const NOT_MEMORY = 'argument must be a memory value';
const NOT_INTEGER = "argument couldn't be parsed into an integer";
const POLICIES =
  'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, ' +
  'allkeys-lru, allkeys-lfu, allkeys-random, noeviction';
const NO_FREQ =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const NO_IDLE =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

/** CONFIG GET's flat [name, value, ...] reply as an object. */
function get(e, ...names) {
  const flat = e.call('CONFIG', 'GET', ...names);
  assert.equal(flat.length % 2, 0);
  const out = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

const stats = (e) =>
  Object.fromEntries(e.info('stats').split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':')));

const DEFAULTS = {
  maxmemory: '0',
  'maxmemory-policy': 'noeviction',
  'maxmemory-samples': '10', // Redis: 5 (see StoreConfig)
  'lfu-log-factor': '10',
  'lfu-decay-time': '1',
  'hash-max-listpack-entries': '128',
  'hash-max-ziplist-entries': '128',
  'hash-max-listpack-value': '64',
  'hash-max-ziplist-value': '64',
  'set-max-intset-entries': '512',
  'zset-max-listpack-entries': '128',
  'zset-max-ziplist-entries': '128',
  'zset-max-listpack-value': '64',
  'zset-max-ziplist-value': '64',
  'list-max-listpack-size': '-2',
  'list-max-ziplist-size': '-2',
  'proto-max-bulk-len': '536870912',
  'max-command-args': '1048576',
  'max-batch-commands': '65536',
  'client-query-buffer-limit': '1073741824',
  'client-output-buffer-limit': 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
  dbfilename: 'dump.emb',
  dir: '.',
  save: '', // Redis: '3600 1 300 100 60 10000' (see StoreConfig)
  appendonly: 'no',
  appendfilename: 'appendonly.aof',
  appenddirname: 'appendonlydir',
  appendfsync: 'everysec',
  'auto-aof-rewrite-percentage': '100',
  'auto-aof-rewrite-min-size': '67108864',
  requirepass: '', // write only: Redis answers the secret itself
  aclfile: '',
  'slowlog-log-slower-than': '10000',
  'slowlog-max-len': '128',
  'latency-monitor-threshold': '0',
};

describe('command table', () => {
  const config = commands().find((c) => c.name === 'config');
  const subs = new Map(config.subcommands.map((c) => [c.name, c]));

  test('config is a container, as in Redis 7.0', () => {
    assert.equal(config.arity, -2);
    assert.deepEqual(config.flags, []);
    assert.deepEqual(config.categories, ['slow']);
    assert.deepEqual(sorted(subs.keys()), ['config|get', 'config|help', 'config|resetstat', 'config|set']);
  });

  test('subcommands: arity, flags and ACL categories of COMMAND INFO', () => {
    const admin = [['admin', 'loading', 'noscript', 'stale'], ['admin', 'dangerous', 'slow']];
    const expected = {
      'config|get': [-3, ...admin],
      'config|set': [-4, ...admin],
      'config|resetstat': [2, ...admin],
      'config|help': [2, ['loading', 'stale'], ['slow']],
    };
    for (const [name, [ar, flags, categories]] of Object.entries(expected)) {
      const c = subs.get(name);
      assert.equal(c.arity, ar, name);
      assert.deepEqual(sorted(c.flags), flags, name);
      assert.deepEqual(sorted(c.categories), categories, name);
      assert.deepEqual([c.firstKey, c.lastKey, c.keyStep], [0, 0, 0], name);
    }
  });

  test('arity, syntax and unknown subcommands', withEngine((e) => {
    fails(e, arity('config'), 'CONFIG');
    fails(e, arity('config|get'), 'CONFIG', 'GET');
    fails(e, arity('config|set'), 'CONFIG', 'SET');
    fails(e, arity('config|set'), 'CONFIG', 'SET', 'maxmemory');
    fails(e, 'ERR syntax error', 'CONFIG', 'SET', 'maxmemory', '1', 'lfu-log-factor');
    fails(e, arity('config|resetstat'), 'CONFIG', 'RESETSTAT', 'x');
    fails(e, arity('config|help'), 'CONFIG', 'HELP', 'x');
    fails(e, "ERR unknown subcommand 'foo'. Try CONFIG HELP.", 'CONFIG', 'foo');
  }));

  test('CONFIG HELP is Redis\'s text', withEngine((e) => {
    assert.deepEqual(e.call('CONFIG', 'HELP'), [
      'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'GET <pattern>',
      '    Return parameters matching the glob-like <pattern> and their values.',
      'SET <directive> <value>',
      '    Set the configuration <directive> to <value>.',
      'RESETSTAT',
      '    Reset statistics reported by the INFO command.',
      'REWRITE',
      '    Rewrite the configuration file.',
      'HELP',
      '    Prints this help.',
    ]);
  }));
});

describe('CONFIG GET', () => {
  test('defaults, old (ziplist) names included', withEngine((e) => {
    assert.deepEqual(get(e, '*'), DEFAULTS);
  }));

  test('glob patterns are case-insensitive; a parameter is listed once', withEngine((e) => {
    assert.deepEqual(get(e, 'lfu-*'), { 'lfu-log-factor': '10', 'lfu-decay-time': '1' });
    assert.deepEqual(get(e, 'LFU-*', 'lfu-log-factor', '*-log-*'), {
      'lfu-log-factor': '10', 'lfu-decay-time': '1', 'slowlog-log-slower-than': '10000',
    });
    assert.deepEqual(sorted(Object.keys(get(e, 'hash-max-*'))), [
      'hash-max-listpack-entries', 'hash-max-listpack-value', 'hash-max-ziplist-entries', 'hash-max-ziplist-value',
    ]);
    assert.deepEqual(sorted(Object.keys(get(e, '*ziplist*'))), [
      'hash-max-ziplist-entries', 'hash-max-ziplist-value', 'list-max-ziplist-size', 'zset-max-ziplist-entries',
      'zset-max-ziplist-value',
    ]);
    assert.deepEqual(get(e, 'set-max-intset-entrie?'), { 'set-max-intset-entries': '512' });
    assert.deepEqual(get(e, '[lz]*-size'), { 'list-max-listpack-size': '-2', 'list-max-ziplist-size': '-2' });
    // A glob character after a NUL does not count (Redis reads a C string).
    assert.deepEqual(get(e, 'lfu-*\0junk'), { 'lfu-log-factor': '10', 'lfu-decay-time': '1' });
  }));

  test('exact names: any case, reported as spelled, unknown ones left out', withEngine((e) => {
    assert.deepEqual(e.call('CONFIG', 'GET', 'MAXMEMORY', 'maxmemory'), ['MAXMEMORY', '0']);
    assert.deepEqual(e.call('CONFIG', 'GET', 'Hash-Max-Ziplist-Entries'), ['Hash-Max-Ziplist-Entries', '128']);
    assert.deepEqual(e.call('CONFIG', 'GET', 'nosuch', '', 'maxmemory\0', 'maxclients'), []);
    assert.deepEqual(e.call('CONFIG', 'GET', 'nosuch*'), []);
  }));

  test('configGet returns an object', withEngine((e) => {
    assert.deepEqual(e.configGet('maxmemory', 'maxmemory-policy'), { maxmemory: '0', 'maxmemory-policy': 'noeviction' });
  }));
});

describe('CONFIG SET', () => {
  test('maxmemory: bytes or Redis units (k/m/g = 1000s, kb/mb/gb = 1024s), any case', withEngine((e) => {
    const cases = {
      '100': '100', '100b': '100', '10B': '10', '1k': '1000', '1K': '1000', '1kb': '1024', '1m': '1000000',
      '100mb': '104857600', '100MB': '104857600', '1g': '1000000000', '1gB': '1073741824', '007': '7', '0': '0',
      // Redis's memtoull quirks: no digits read as 0, text after a NUL ignored.
      'mb': '0', '': '0', '100\0mb': '100',
    };
    for (const [value, bytes] of Object.entries(cases)) {
      assert.equal(e.call('CONFIG', 'SET', 'maxmemory', value), 'OK', value);
      assert.equal(get(e, 'maxmemory').maxmemory, bytes, value);
    }
    for (const bad of ['-1', '-0', ' 1', '1 ', '+1', '1.5mb', '1tb', '0x10', '1 mb', 'abc', '1'.repeat(128)]) {
      fails(e, failed('maxmemory', NOT_MEMORY), 'CONFIG', 'SET', 'maxmemory', bad);
    }
    assert.equal(get(e, 'maxmemory').maxmemory, '100', 'failed sets change nothing');
    assert.equal(e.call('CONFIG', 'SET', 'maxmemory', '0'), 'OK');
  }));

  test('maxmemory-policy: any case, stored in lower case', withEngine((e) => {
    for (const policy of ['allkeys-lfu', 'VOLATILE-TTL', 'Allkeys-Random', 'noeviction']) {
      assert.equal(e.call('CONFIG', 'SET', 'maxmemory-policy', policy), 'OK');
      assert.equal(get(e, 'maxmemory-policy')['maxmemory-policy'], policy.toLowerCase());
    }
    for (const bad of ['', 'lfu', 'allkeys_lfu', ' noeviction']) {
      fails(e, failed('maxmemory-policy', POLICIES), 'CONFIG', 'SET', 'maxmemory-policy', bad);
    }
  }));

  test('integer parameters: canonical integers within Redis\'s ranges', withEngine((e) => {
    const range = (lo, hi) => `argument must be between ${lo} and ${hi} inclusive`;
    const INT_MAX = '2147483647';
    const LONG_MAX = '9223372036854775807';
    const checks = [
      ['maxmemory-samples', ['1', '64', INT_MAX], ['0', '-1', '2147483648'], range(1, INT_MAX)],
      ['lfu-log-factor', ['0', '100', INT_MAX], ['-1', '2147483648'], range(0, INT_MAX)],
      ['lfu-decay-time', ['0', '60'], ['-1'], range(0, INT_MAX)],
      ['hash-max-listpack-entries', ['0', '2', LONG_MAX], ['-1'], range(0, LONG_MAX)],
      ['set-max-intset-entries', ['0', '1000'], ['-5'], range(0, LONG_MAX)],
      ['zset-max-listpack-entries', ['0', '16'], ['-1'], range(0, LONG_MAX)],
      ['list-max-listpack-size', ['-5', '-2147483648', '0', INT_MAX], ['-2147483649', '2147483648'],
        range('-2147483648', INT_MAX)],
    ];
    for (const [name, good, outOfRange, message] of checks) {
      for (const value of good) {
        assert.equal(e.call('CONFIG', 'SET', name, value), 'OK', `${name} ${value}`);
        assert.equal(get(e, name)[name], value);
      }
      for (const value of outOfRange) fails(e, failed(name, message), 'CONFIG', 'SET', name, value);
      for (const value of ['abc', '', '1.5', '007', '-0', '+1', ' 1', '1kb', '1\0', '9223372036854775808']) {
        fails(e, failed(name, NOT_INTEGER), 'CONFIG', 'SET', name, value);
      }
    }
  }));

  test('*-value thresholds are memory values', withEngine((e) => {
    assert.equal(e.call('CONFIG', 'SET', 'hash-max-listpack-value', '1kb', 'zset-max-listpack-value', '2k'), 'OK');
    assert.deepEqual(get(e, '*-value'), {
      'hash-max-listpack-value': '1024', 'hash-max-ziplist-value': '1024',
      'zset-max-listpack-value': '2000', 'zset-max-ziplist-value': '2000',
    });
    fails(e, failed('hash-max-listpack-value', NOT_MEMORY), 'CONFIG', 'SET', 'hash-max-listpack-value', '-1');
    fails(e, failed('zset-max-listpack-value', 'argument must be between 0 and 9223372036854775807 inclusive'),
      'CONFIG', 'SET', 'zset-max-listpack-value', '9223372036854775808');
  }));

  test('old names set the same setting, and name themselves in errors', withEngine((e) => {
    assert.equal(e.call('CONFIG', 'SET', 'HASH-MAX-ZIPLIST-ENTRIES', '7'), 'OK');
    assert.equal(get(e, 'hash-max-listpack-entries')['hash-max-listpack-entries'], '7');
    fails(e, failed('hash-max-ziplist-entries', NOT_INTEGER), 'CONFIG', 'SET', 'HASH-MAX-ZIPLIST-ENTRIES', 'x');
    // Redis 7.0 counts an old name and its new name as two parameters: the last one wins.
    assert.equal(e.call('CONFIG', 'SET', 'hash-max-ziplist-entries', '1', 'hash-max-listpack-entries', '2'), 'OK');
    assert.equal(get(e, 'hash-max-ziplist-entries')['hash-max-ziplist-entries'], '2');
  }));

  test('several pairs apply all together or not at all', withEngine((e) => {
    assert.equal(e.call('CONFIG', 'SET', 'lfu-log-factor', '3', 'lfu-decay-time', '7', 'maxmemory', '1mb'), 'OK');
    assert.deepEqual(get(e, 'lfu-*', 'maxmemory'), { 'lfu-log-factor': '3', 'lfu-decay-time': '7', maxmemory: '1048576' });
    const before = get(e, '*');
    fails(e, failed('maxmemory-policy', POLICIES),
      'CONFIG', 'SET', 'lfu-log-factor', '4', 'maxmemory', '0', 'maxmemory-policy', 'nope');
    fails(e, unknown('nosuch'), 'CONFIG', 'SET', 'lfu-log-factor', '4', 'nosuch', '1');
    fails(e, failed('lfu-log-factor', NOT_INTEGER), 'CONFIG', 'SET', 'lfu-log-factor', 'x', 'lfu-decay-time', 'y');
    assert.deepEqual(get(e, '*'), before);
    assert.equal(e.configSet({ maxmemory: 0, 'lfu-log-factor': 10 }), 'OK');
    assert.equal(e.configSet([['lfu-decay-time', '1']]), 'OK');
    assert.deepEqual(get(e, '*'), DEFAULTS);
  }));

  test('the first unknown or repeated name fails the command, as spelled', withEngine((e) => {
    fails(e, unknown('foo'), 'CONFIG', 'SET', 'foo', '1');
    fails(e, unknown('foo'), 'CONFIG', 'SET', 'foo', '1', 'bar', '2');
    fails(e, unknown('foo'), 'CONFIG', 'SET', 'lfu-log-factor', 'x', 'foo', '1');
    fails(e, unknown('lfu-log-factor'), 'CONFIG', 'SET', 'lfu-log-factor\0x', '1');
    fails(e, unknown('a  b'), 'CONFIG', 'SET', 'a\r\nb', '1');
    const dup = (name) => failed(name, 'duplicate parameter');
    fails(e, dup('HASH-MAX-LISTPACK-ENTRIES'),
      'CONFIG', 'SET', 'hash-max-listpack-entries', '1', 'HASH-MAX-LISTPACK-ENTRIES', '2');
    fails(e, dup('lfu-log-factor'),
      'CONFIG', 'SET', 'lfu-log-factor', '1', 'lfu-log-factor', '2', 'lfu-decay-time', '1', 'lfu-decay-time', '2');
    fails(e, dup('lfu-log-factor'), 'CONFIG', 'SET', 'lfu-log-factor', '1', 'lfu-log-factor', '2', 'foo', '1');
    fails(e, unknown('foo'), 'CONFIG', 'SET', 'foo', '1', 'lfu-log-factor', '1', 'lfu-log-factor', '2');
    assert.deepEqual(get(e, '*'), DEFAULTS);
  }));
});

describe('settings take effect at once', () => {
  test('proto-max-bulk-len bounds every argument and what SETRANGE / APPEND may grow', withEngine((e) => {
    const mb = 1024 * 1024;
    fails(e, failed('proto-max-bulk-len', 'argument must be between 1048576 and 9223372036854775807 inclusive'),
      'CONFIG', 'SET', 'proto-max-bulk-len', '1000');
    assert.equal(e.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), 'OK');
    assert.equal(e.set('fits', 'x'.repeat(mb)), 'OK');
    assert.throws(() => e.set('big', 'x'.repeat(mb + 1)), /^EmberError: ERR Protocol error: invalid bulk length$/);
    assert.throws(() => e.call('RPUSH', 'l', 'a', 'x'.repeat(mb + 1)), /ERR Protocol error: invalid bulk length/);
    assert.equal(e.exists('big', 'l'), 0, 'nothing ran');
    assert.throws(() => e.append('fits', 'y'), /ERR string exceeds maximum allowed size \(proto-max-bulk-len\)/);
    assert.throws(() => e.setRange('s', mb, 'y'), /ERR string exceeds maximum allowed size \(proto-max-bulk-len\)/);
    assert.equal(e.setRange('s', mb - 1, 'y'), mb);
    assert.equal(e.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb'), 'OK');
    assert.equal(e.append('fits', 'y'), mb + 1);
  }));

  test('max-command-args bounds every command, the embedded engine\'s too', withEngine((e) => {
    fails(e, failed('max-command-args', 'argument must be between 1 and 2147483647 inclusive'),
      'CONFIG', 'SET', 'max-command-args', '0');
    fails(e, failed('max-batch-commands', 'argument must be between 1 and 2147483647 inclusive'),
      'CONFIG', 'SET', 'max-batch-commands', '0');
    assert.equal(e.call('CONFIG', 'SET', 'max-command-args', '4'), 'OK');
    assert.equal(e.call('RPUSH', 'l', 'a', 'b'), 2);
    assert.throws(() => e.call('RPUSH', 'm', 'a', 'b', 'c'),
      /^EmberError: ERR Protocol error: too many arguments \(5 > max-command-args 4\)$/);
    assert.equal(e.exists('m'), 0, 'nothing ran');
    assert.equal(e.call('CONFIG', 'SET', 'max-command-args', '1048576'), 'OK');
    assert.equal(e.call('RPUSH', 'm', 'a', 'b', 'c'), 3);
  }));

  test('hash thresholds', withEngine((e) => {
    e.call('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
    e.hSet('small', { a: '1', b: '2' });
    e.hSet('big', { a: '1', b: '2', c: '3' });
    assert.equal(e.objectEncoding('small'), 'listpack');
    assert.equal(e.objectEncoding('big'), 'hashtable');
    e.call('CONFIG', 'SET', 'hash-max-listpack-entries', '128', 'hash-max-listpack-value', '4');
    e.hSet('short', { f: '1234' });
    e.hSet('long', { f: '12345' });
    assert.equal(e.objectEncoding('short'), 'listpack');
    assert.equal(e.objectEncoding('long'), 'hashtable');
    // A hash left above a lowered limit converts on its next write, even
    // one that only updates a field (Redis's hashTypeSet checks the length).
    e.hSet('three', { a: '1', b: '2', c: '3' });
    e.call('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
    assert.equal(e.objectEncoding('three'), 'listpack');
    e.hSet('three', { a: '5' });
    assert.equal(e.objectEncoding('three'), 'hashtable');
  }));

  test('set and sorted set thresholds', withEngine((e) => {
    e.call('CONFIG', 'SET', 'set-max-intset-entries', '2', 'zset-max-listpack-entries', '2', 'zset-max-listpack-value', '3');
    e.sAdd('s2', '1', '2');
    e.sAdd('s3', '1', '2', '3');
    assert.equal(e.objectEncoding('s2'), 'intset');
    assert.equal(e.objectEncoding('s3'), 'hashtable');
    e.zAdd('z2', [[1, 'a'], [2, 'b']]);
    e.zAdd('z3', [[1, 'a'], [2, 'b'], [3, 'c']]);
    e.zAdd('zlong', [[1, 'abcd']]);
    assert.equal(e.objectEncoding('z2'), 'listpack');
    assert.equal(e.objectEncoding('z3'), 'skiplist');
    assert.equal(e.objectEncoding('zlong'), 'skiplist');
    e.call('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    e.zAdd('z0', [[1, 'a']]);
    assert.equal(e.objectEncoding('z0'), 'skiplist');
  }));

  test('an LFU policy makes OBJECT FREQ work and OBJECT IDLETIME fail, and back', withEngine((e) => {
    e.set('k', 'v');
    fails(e, NO_FREQ, 'OBJECT', 'FREQ', 'k');
    assert.equal(e.objectIdleTime('k'), 0);
    // lfu-log-factor 0: every access raises the counter (from 5, a new key's).
    e.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'lfu-log-factor', '0');
    e.set('n', 'v');
    assert.equal(e.objectFreq('n'), 5);
    for (let i = 0; i < 3; i++) e.get('n');
    assert.equal(e.objectFreq('n'), 8);
    fails(e, NO_IDLE, 'OBJECT', 'IDLETIME', 'n');
    e.call('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru');
    fails(e, NO_FREQ, 'OBJECT', 'FREQ', 'n');
    assert.equal(typeof e.objectIdleTime('n'), 'number');
  }));
});

describe('CONFIG RESETSTAT', () => {
  test('zeroes the INFO stats counters, counting itself', withEngine((e) => {
    e.set('a', '1');
    e.get('a');
    e.get('missing');
    e.set('t', '1', { px: 1 });
    e.advance(10);
    e.get('t');
    const before = stats(e);
    assert.equal(before.keyspace_hits, '1');
    assert.equal(before.keyspace_misses, '2');
    assert.equal(before.expired_keys, '1');
    assert.equal(before.total_commands_processed, '5');
    assert.equal(e.configResetStat(), 'OK');
    assert.deepEqual(stats(e), {
      total_commands_processed: '1', expired_keys: '0', evicted_keys: '0', keyspace_hits: '0', keyspace_misses: '0',
    });
    assert.equal(e.get('a'), '1', 'data is untouched');
    assert.equal(stats(e).keyspace_hits, '1', 'counting goes on');
  }));

  test('keeps the settings and the memory peak (as Redis 7.0 does)', withEngine((e) => {
    e.call('CONFIG', 'SET', 'lfu-log-factor', '3');
    for (let i = 0; i < 1000; i++) e.set(`key:${i}`, 'x'.repeat(100));
    e.flushAll();
    const peak = () => Number(/used_memory_peak:(\d+)/.exec(e.info('memory'))[1]);
    const before = peak();
    e.configResetStat();
    assert.equal(peak(), before);
    assert.equal(get(e, 'lfu-log-factor')['lfu-log-factor'], '3');
  }));
});

describe('Engine options', () => {
  test('apply the same settings as CONFIG SET', () => {
    const e = new Engine({
      maxmemory: '100mb',
      maxmemoryPolicy: 'allkeys-lfu',
      maxmemorySamples: 10,
      lfuLogFactor: 0,
      lfuDecayTime: 5,
      hashMaxListpackEntries: 2,
      hashMaxListpackValue: '1kb',
      setMaxIntsetEntries: 3,
      zsetMaxListpackEntries: 4,
      zsetMaxListpackValue: 32,
      listMaxListpackSize: -3,
      backgroundUpkeep: false,
    });
    try {
      assert.deepEqual(e.configGet('maxmemory*', 'lfu-*', '*listpack*', 'set-*'), {
        maxmemory: '104857600',
        'maxmemory-policy': 'allkeys-lfu',
        'maxmemory-samples': '10',
        'lfu-log-factor': '0',
        'lfu-decay-time': '5',
        'hash-max-listpack-entries': '2',
        'hash-max-listpack-value': '1024',
        'set-max-intset-entries': '3',
        'zset-max-listpack-entries': '4',
        'zset-max-listpack-value': '32',
        'list-max-listpack-size': '-3',
      });
      e.hSet('h', { a: '1', b: '2', c: '3' });
      assert.equal(e.objectEncoding('h'), 'hashtable');
      e.set('k', 'v');
      assert.equal(e.objectFreq('k'), 5);
    } finally {
      e.close();
    }
  });

  test('without settings, the defaults', () => {
    const e = new Engine({ backgroundUpkeep: false });
    assert.deepEqual(get(e, '*'), DEFAULTS);
    e.close();
  });

  test('an invalid setting throws CONFIG SET\'s error and frees the store', () => {
    // Watch the native stores the constructor creates (dist/native.js is the
    // module instance Engine uses).
    const native = require(require.resolve('emberkv').replace(/index\.js$/, 'native.js'));
    const createStore = native.addon.createStore;
    const created = [];
    native.addon.createStore = () => {
      const store = createStore();
      const entry = { closed: false };
      created.push(entry);
      const close = store.close;
      store.close = () => {
        entry.closed = true;
        return close.call(store);
      };
      return store;
    };
    try {
      const invalid = [
        [{ maxmemory: '1tb' }, failed('maxmemory', NOT_MEMORY)],
        [{ maxmemoryPolicy: 'lfu' }, failed('maxmemory-policy', POLICIES)],
        [{ lfuLogFactor: -1 }, failed('lfu-log-factor', 'argument must be between 0 and 2147483647 inclusive')],
        [{ hashMaxListpackEntries: 1.5 }, failed('hash-max-listpack-entries', NOT_INTEGER)],
        [{ maxmemorySamples: 0, lfuDecayTime: 2 }, failed('maxmemory-samples', 'argument must be between 1 and 2147483647 inclusive')],
      ];
      for (const [options, message] of invalid) {
        assert.throws(() => new Engine({ ...options, backgroundUpkeep: true }), (err) => {
          assert.ok(err instanceof EmberError);
          assert.equal(err.message, message);
          return true;
        });
      }
      assert.equal(created.length, invalid.length);
      assert.ok(created.every((s) => s.closed), 'every store was closed');
      // A value of the wrong type is refused before any store exists.
      assert.throws(() => new Engine({ maxmemory: true }), /options\.maxmemory must be a number or a string/);
      assert.throws(() => new Engine({ lfuLogFactor: null }), TypeError);
      assert.equal(created.length, invalid.length);
    } finally {
      native.addon.createStore = createStore;
    }
  });
});
