// Memory accounting: MEMORY USAGE / STATS, INFO memory, and used_memory
// staying exact through every encoding, COPY, RENAME, deletion and the
// background freeing of large values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { engine, fails, withEngine } from '../support/engine.mjs';

const info = (e, name) => new RegExp(`^${name}:([^\r\n]*)`, 'm').exec(e.info('memory'))?.[1];
const stats = (e) => {
  const flat = e.memoryStats();
  const out = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
};

/** One key of every type and encoding, small and converted. */
function fillEveryEncoding(e, prefix) {
  e.call('SET', `${prefix}:int`, '12345');
  e.call('SET', `${prefix}:embstr`, 'short');
  e.call('SET', `${prefix}:raw`, 'r'.repeat(100));
  e.call('APPEND', `${prefix}:raw`, 'more');
  e.call('RPUSH', `${prefix}:list`, ...Array.from({ length: 300 }, (_, i) => `item${i}`));
  e.call('HSET', `${prefix}:hash-small`, 'f', 'v');
  e.call('HSET', `${prefix}:hash-big`, ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  e.call('SADD', `${prefix}:intset`, '1', '2', '3');
  e.call('SADD', `${prefix}:set`, ...Array.from({ length: 300 }, (_, i) => `m${i}`));
  e.call('ZADD', `${prefix}:zset-small`, '1', 'a');
  e.call('ZADD', `${prefix}:zset-big`, ...Array.from({ length: 300 }, (_, i) => [String(i), `m${i}`]).flat());
  return ['int', 'embstr', 'raw', 'list', 'hash-small', 'hash-big', 'intset', 'set', 'zset-small', 'zset-big']
    .map((k) => `${prefix}:${k}`);
}

describe('MEMORY USAGE', () => {
  test('missing keys are nil; options are checked', withEngine((e) => {
    assert.equal(e.memoryUsage('nope'), null);
    e.call('SET', 'k', 'v');
    assert.ok(e.memoryUsage('k') > 0);
    assert.equal(e.call('MEMORY', 'USAGE', 'k', 'SAMPLES', '0'), e.memoryUsage('k'));
    fails(e, 'ERR syntax error', 'MEMORY', 'USAGE', 'k', 'SAMPLES', '-1');
    fails(e, 'ERR value is not an integer or out of range', 'MEMORY', 'USAGE', 'k', 'SAMPLES', 'x');
    fails(e, 'ERR syntax error', 'MEMORY', 'USAGE', 'k', 'FOO');
    fails(e, 'ERR syntax error', 'MEMORY', 'USAGE', 'k', 'SAMPLES');
  }));

  test('grows with the value, for every type', withEngine((e) => {
    e.call('SET', 's1', 'x'.repeat(10));
    e.call('SET', 's2', 'x'.repeat(1000));
    assert.ok(e.memoryUsage('s2') >= e.memoryUsage('s1') + 990);
    for (const [small, big] of [[['RPUSH', 'l1', 'a'], ['RPUSH', 'l2', ...Array(1000).fill('abcdefgh')]],
      [['HSET', 'h1', 'f', 'v'], ['HSET', 'h2', ...Array.from({ length: 1000 }, (_, i) => [`f${i}`, 'v']).flat()]],
      [['SADD', 't1', 'a'], ['SADD', 't2', ...Array.from({ length: 1000 }, (_, i) => `m${i}`)]],
      [['ZADD', 'z1', '1', 'a'], ['ZADD', 'z2', ...Array.from({ length: 1000 }, (_, i) => [String(i), `m${i}`]).flat()]]]) {
      e.call(...small);
      e.call(...big);
      assert.ok(e.memoryUsage(big[1]) > e.memoryUsage(small[1]) + 8000, big[0]);
    }
  }));

  test('is exact: the keys\' usage plus the tables is used_memory', withEngine((e) => {
    const keys = fillEveryEncoding(e, 'a');
    e.call('COPY', 'a:zset-big', 'copy:zset');
    e.call('COPY', 'a:hash-big', 'copy:hash');
    e.call('RENAME', 'a:set', 'renamed:set');
    keys.push('copy:zset', 'copy:hash', 'renamed:set');
    const slotBytes = 9; // a key's table slot: pointer and control byte (counted in the table)
    const sum = keys.filter((k) => k !== 'a:set').reduce((n, k) => n + e.memoryUsage(k) - slotBytes, 0);
    const tables = stats(e)['db.0'][1];
    assert.equal(sum + tables + stats(e)['startup.allocated'], e.memoryUsage());
  }));
});

describe('used_memory', () => {
  test('returns to its start after every encoding is created, copied, renamed and deleted', withEngine((e) => {
    const start = e.memoryUsage();
    const keys = fillEveryEncoding(e, 'x');
    for (const k of keys) e.call('COPY', k, `${k}:copy`);
    for (const k of keys) e.call('RENAME', `${k}:copy`, `${k}:moved`);
    e.call('DEL', ...keys, ...keys.map((k) => `${k}:moved`));
    assert.equal(e.call('DBSIZE'), 0);
    // The table keeps its size until it shrinks; nothing else may be left.
    assert.equal(e.memoryUsage() - stats(e)['overhead.total'], start);
  }));

  test('large values leave at once and are freed in the background', async () => {
    const e = engine();
    try {
      const before = e.memoryUsage();
      for (const [type, args] of [['zset', (i) => [String(i), `m${i}`]], ['hash', (i) => [`f${i}`, 'v']],
        ['set', (i) => [`m${i}`]], ['list', (i) => [`item${i}`]]]) {
        const cmd = { zset: 'ZADD', hash: 'HSET', set: 'SADD', list: 'RPUSH' }[type];
        for (let s = 0; s < 20_000; s += 1000) {
          e.call(cmd, `big:${type}`, ...Array.from({ length: 1000 }, (_, i) => args(s + i)).flat());
        }
      }
      e.call('EXPIRE', 'big:set', '1');
      assert.ok(e.memoryUsage() > before + 1_000_000);
      e.call('DEL', 'big:zset');
      e.call('UNLINK', 'big:hash');
      e.call('SET', 'big:list', 'overwritten');
      e.advance(2000);
      assert.equal(e.call('EXISTS', 'big:set'), 0); // expired
      // Their bytes left used_memory as they left the keyspace.
      assert.ok(e.memoryUsage() - stats(e)['overhead.total'] < before + 200, `${e.memoryUsage()}`);
      for (let i = 0; i < 500 && Number(info(e, 'lazyfreed_objects')) < 4; i++) await sleep(10);
      assert.equal(info(e, 'lazyfreed_objects'), '4');
      assert.equal(info(e, 'lazyfree_pending_objects'), '0');
    } finally {
      e.close();
    }
  });
});

describe('FLUSHALL / FLUSHDB ASYNC', () => {
  test('empty the databases at once; the old keys are freed in the background', async () => {
    const e = engine();
    try {
      const start = e.memoryUsage();
      for (let i = 0; i < 20_000; i++) e.call('SET', `k${i}`, 'v'.repeat(40));
      fillEveryEncoding(e, 'x');
      for (let i = 0; i < 100; i++) e.call('COPY', `k${i}`, `k${i}`, 'DB', '5');
      const keysIn = (db) => Number(new RegExp(`^db${db}:keys=(\\d+)`, 'm').exec(e.info('keyspace'))?.[1] ?? 0);
      assert.equal(e.call('FLUSHDB', 'ASYNC'), 'OK'); // db 0 only
      assert.equal(e.call('DBSIZE'), 0);
      assert.equal(keysIn(5), 100);
      const afterDb0 = e.memoryUsage();
      assert.ok(afterDb0 < start + 20_000, `db 0's bytes left at once (${afterDb0})`);
      e.call('SET', 'fresh', 'value'); // the new keyspace works
      assert.equal(e.call('GET', 'fresh'), 'value');
      assert.equal(e.call('FLUSHALL', 'async'), 'OK');
      assert.equal(keysIn(5), 0);
      assert.equal(e.memoryUsage(), start);
      // Three keyspaces went to the freer: db 0 twice (the second holding
      // 'fresh'), db 5 once; the empty ones were not replaced.
      for (let i = 0; i < 500 && info(e, 'lazyfree_pending_objects') !== '0'; i++) await sleep(10);
      assert.equal(info(e, 'lazyfree_pending_objects'), '0');
      assert.equal(info(e, 'lazyfreed_objects'), '3');
      fails(e, 'ERR syntax error', 'FLUSHALL', 'LAZY');
    } finally {
      e.close();
    }
  });
});

describe('reports', () => {
  test('INFO memory has Redis\'s fields', withEngine((e) => {
    e.call('SET', 'k', 'v');
    for (const field of ['used_memory', 'used_memory_human', 'used_memory_rss', 'used_memory_peak',
      'used_memory_peak_perc', 'used_memory_startup', 'maxmemory', 'maxmemory_human', 'maxmemory_policy',
      'mem_not_counted_for_evict', 'mem_fragmentation_ratio', 'mem_allocator', 'lazyfree_pending_objects']) {
      assert.notEqual(info(e, field), undefined, field);
    }
    assert.equal(Number(info(e, 'used_memory')), e.memoryUsage());
    assert.ok(Number(info(e, 'used_memory_rss')) > e.memoryUsage());
    e.call('CONFIG', 'SET', 'maxmemory', '10mb', 'maxmemory-policy', 'allkeys-lfu');
    assert.equal(info(e, 'maxmemory'), String(10 * 1024 * 1024));
    assert.equal(info(e, 'maxmemory_human'), '10.00M');
    assert.equal(info(e, 'maxmemory_policy'), 'allkeys-lfu');
  }));

  test('MEMORY STATS counts keys and per-database table overhead', withEngine((e) => {
    for (let i = 0; i < 100; i++) e.call('SET', `k${i}`, 'v');
    e.call('COPY', 'k1', 'k1', 'DB', '3');
    const s = stats(e);
    assert.equal(s['keys.count'], 101);
    assert.equal(s['total.allocated'], e.memoryUsage());
    assert.ok(s['peak.allocated'] >= s['total.allocated']);
    assert.deepEqual(Object.keys(s).filter((k) => k.startsWith('db.')), ['db.0', 'db.3']);
    assert.equal(s['overhead.total'], s['startup.allocated'] + s['db.0'][1] + s['db.3'][1]);
    assert.equal(s['dataset.bytes'], s['total.allocated'] - s['overhead.total']);
    assert.equal(e.memoryPurge(), 'OK');
  }));
});
