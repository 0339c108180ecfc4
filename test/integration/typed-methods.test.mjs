// Engine and Client share one typed method surface, defined once in
// src/commands/. For every method of that definition table, the same
// representative call (after the same setup) runs on a fresh Engine and
// through a Client against the real server, and the results must be
// deep-equal. EXAMPLES must name every defined method: a method without an
// example fails here, so a new one cannot go untested on either side.
//
// Engine's hand-written fast paths (get, set, incr, mGet, memoryUsage) are
// checked here too: the Client's methods are the plain definitions.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Engine } from 'emberkv';
import { Client } from 'emberkv/client';
import { commandDefinitions } from '../../dist/commands/index.js';
import { startGrpcServer } from '../support/grpc-server.mjs';

const FAR_FUTURE_S = 4_102_444_800; // 2100-01-01, a deterministic EXPIRETIME

/** Every item of a Generator or an AsyncGenerator (for await takes both). */
async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const sorted = (items) => [...items].sort();
const sortedPairs = (pairs) => [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * method name -> { setup: commands run with call() first, run(db): the
 * representative call(s), normalize(result): for replies that are
 * legitimately unordered or time-dependent, cleanup: commands restoring
 * server-wide settings }.
 */
// SAVE and BGSAVE write files: into a directory of their own, on both sides.
const SNAPSHOT_DIR = mkdtempSync(path.join(tmpdir(), 'emberkv-typed-'));
const inSnapshotDir = [['CONFIG', 'SET', 'dir', SNAPSHOT_DIR]];

/** Waits for a BGSAVE to finish (so the next example starts without one). */
async function bgsaveDone(db) {
  // Upkeep collects the finished child: the server's timer, or the Engine's runUpkeep.
  while ((await db.info('persistence')).includes('rdb_bgsave_in_progress:1')) {
    if (db instanceof Engine) db.runUpkeep();
    await delay(5);
  }
  return (await db.info('persistence')).match(/rdb_last_bgsave_status:(\w+)/)[1];
}

const EXAMPLES = {
  // ---- persistence
  save: { setup: [...inSnapshotDir, ['SET', 'k', 'v']], run: (db) => db.save() },
  bgSave: { setup: [...inSnapshotDir, ['SET', 'k', 'v']], run: async (db) => [await db.bgSave(), await bgsaveDone(db)] },
  // Both sides answer alike with the log off (with it on, the Engine and the
  // server would share one log directory).
  bgRewriteAof: { run: (db) => Promise.resolve().then(() => db.bgRewriteAof()).catch((err) => err.message) },
  // The time differs between a fresh Engine and the running server.
  lastSave: { run: (db) => db.lastSave(), normalize: (seconds) => Number.isInteger(seconds) && Math.abs(seconds - Date.now() / 1000) < 3600 },


  // ---- strings
  set: {
    setup: [['SET', 'k', 'old']],
    // Both of Engine's branches: the fast path (no options) and the options one.
    run: async (db) => [await db.set('k', 'v'), await db.set('k', 'w', { nx: true }), await db.set('n', 'x', { ex: 100, xx: false })],
  },
  setGet: { setup: [['SET', 'k', 'old']], run: (db) => db.setGet('k', 'new', { keepTtl: true }) },
  get: { setup: [['SET', 'k', 'v']], run: async (db) => [await db.get('k'), await db.get('missing')] },
  getBuffer: { setup: [['SET', 'k', Buffer.from([0, 255, 1])]], run: (db) => db.getBuffer('k') },
  getDel: { setup: [['SET', 'k', 'v']], run: async (db) => [await db.getDel('k'), await db.exists('k')] },
  getEx: { setup: [['SET', 'k', 'v']], run: async (db) => [await db.getEx('k', { ex: 100 }), await db.ttl('k')] },
  getSet: { setup: [['SET', 'k', 'v']], run: (db) => db.getSet('k', 'w') },
  mGet: { setup: [['MSET', 'a', '1', 'b', '2']], run: (db) => db.mGet('a', 'missing', 'b') },
  mGetBuffer: { setup: [['SET', 'a', '1']], run: (db) => db.mGetBuffer('a', 'missing') },
  mSet: { run: async (db) => [await db.mSet({ a: '1', b: 2 }), await db.mSet([['c', '3']]), await db.mGet('a', 'b', 'c')] },
  mSetNx: { setup: [['SET', 'b', 'x']], run: async (db) => [await db.mSetNx({ a: '1' }), await db.mSetNx({ b: '2' })] },
  setNx: { setup: [['SET', 'b', 'x']], run: async (db) => [await db.setNx('a', '1'), await db.setNx('b', '2')] },
  setEx: { run: async (db) => [await db.setEx('k', 100, 'v'), await db.ttl('k')] },
  pSetEx: { run: async (db) => [await db.pSetEx('k', 100_000, 'v'), await db.ttl('k')] },
  append: { setup: [['SET', 'k', 'ab']], run: (db) => db.append('k', 'cd') },
  strLen: { setup: [['SET', 'k', 'héllo']], run: (db) => db.strLen('k') },
  getRange: { setup: [['SET', 'k', 'hello world']], run: (db) => db.getRange('k', 0, 4) },
  setRange: { setup: [['SET', 'k', 'hello']], run: (db) => db.setRange('k', 6, 'world') },
  incr: { setup: [['SET', 'n', '41']], run: async (db) => [await db.incr('n'), await db.incr('fresh')] },
  decr: { setup: [['SET', 'n', '43']], run: (db) => db.decr('n') },
  incrBy: { run: async (db) => [await db.incrBy('n', 5), await db.incrBy('n', 10n)] },
  decrBy: { run: (db) => db.decrBy('n', 5) },
  incrByFloat: { setup: [['SET', 'f', '10.5']], run: (db) => db.incrByFloat('f', 0.1) },

  // ---- keys
  del: { setup: [['MSET', 'a', '1', 'b', '2']], run: (db) => db.del('a', 'b', 'missing') },
  unlink: { setup: [['MSET', 'a', '1', 'b', '2']], run: (db) => db.unlink('a', 'missing') },
  exists: { setup: [['SET', 'a', '1']], run: (db) => db.exists('a', 'a', 'missing') },
  type: { setup: [['RPUSH', 'l', 'x']], run: async (db) => [await db.type('l'), await db.type('missing')] },
  expire: { setup: [['SET', 'k', 'v']], run: async (db) => [await db.expire('k', 100), await db.expire('k', 50, 'GT'), await db.ttl('k')] },
  pExpire: { setup: [['SET', 'k', 'v']], run: async (db) => [await db.pExpire('k', 100_000, 'NX'), await db.ttl('k')] },
  expireAt: { setup: [['SET', 'k', 'v']], run: async (db) => [await db.expireAt('k', FAR_FUTURE_S), await db.expireTime('k')] },
  pExpireAt: {
    setup: [['SET', 'k', 'v']],
    run: async (db) => [await db.pExpireAt('k', FAR_FUTURE_S * 1000 + 5), await db.pExpireTime('k')],
  },
  ttl: { setup: [['SET', 'k', 'v', 'EX', '100'], ['SET', 'p', 'v']], run: async (db) => [await db.ttl('k'), await db.ttl('p'), await db.ttl('x')] },
  pTtl: {
    setup: [['SET', 'k', 'v', 'EX', '100']],
    run: async (db) => [await db.pTtl('k'), await db.pTtl('missing')],
    // Milliseconds pass between the SET and the PTTL on each side.
    normalize: ([ttl, missing]) => [ttl > 90_000 && ttl <= 100_000, missing],
  },
  expireTime: { setup: [['SET', 'k', 'v', 'EXAT', String(FAR_FUTURE_S)]], run: (db) => db.expireTime('k') },
  pExpireTime: { setup: [['SET', 'k', 'v', 'PXAT', String(FAR_FUTURE_S * 1000 + 7)]], run: (db) => db.pExpireTime('k') },
  persist: { setup: [['SET', 'k', 'v', 'EX', '100']], run: async (db) => [await db.persist('k'), await db.persist('k'), await db.ttl('k')] },
  rename: { setup: [['SET', 'a', '1']], run: async (db) => [await db.rename('a', 'b'), await db.get('b')] },
  renameNx: { setup: [['MSET', 'a', '1', 'b', '2']], run: async (db) => [await db.renameNx('a', 'b'), await db.renameNx('a', 'c')] },
  copy: {
    setup: [['MSET', 'a', '1', 'b', '2']],
    run: async (db) => [await db.copy('a', 'b'), await db.copy('a', 'b', { replace: true }), await db.get('b')],
  },
  move: {
    setup: [['SET', 'k', 'v']],
    run: async (db) => [await db.move('k', 1), await db.exists('k'), await db.move('k', 1)],
    // Database 1 is reached by swapping it in.
    cleanup: [['SWAPDB', '0', '1'], ['DEL', 'k'], ['SWAPDB', '0', '1']],
  },
  swapDb: {
    setup: [['SET', 'k', 'v']],
    run: async (db) => [await db.swapDb(0, 1), await db.exists('k'), await db.swapDb(0, 1), await db.get('k')],
  },
  keys: { setup: [['MSET', 'user:1', 'a', 'user:2', 'b', 'other', 'c']], run: (db) => db.keys('user:*'), normalize: sorted },
  scan: {
    setup: [['MSET', 'a1', '1', 'a2', '2', 'b', '3']],
    run: (db) => db.scan(0, { match: 'a*', count: 100 }),
    normalize: ({ cursor, keys }) => ({ cursor, keys: sorted(keys) }),
  },
  scanIterator: {
    setup: [['MSET', 'a1', '1', 'a2', '2', 'a3', '3', 'b', '4']],
    run: (db) => collect(db.scanIterator({ match: 'a*', count: 1 })),
    normalize: sorted,
  },
  randomKey: { setup: [['SET', 'only', '1']], run: (db) => db.randomKey() },
  dbSize: { setup: [['MSET', 'a', '1', 'b', '2']], run: (db) => db.dbSize() },
  flushAll: { setup: [['SET', 'a', '1']], run: async (db) => [await db.flushAll(), await db.dbSize()] },
  flushDb: { setup: [['SET', 'a', '1']], run: async (db) => [await db.flushDb(), await db.dbSize()] },
  touch: { setup: [['SET', 'a', '1']], run: (db) => db.touch('a', 'missing') },
  objectEncoding: {
    setup: [['SET', 'n', '12'], ['SET', 's', 'short']],
    run: async (db) => [await db.objectEncoding('n'), await db.objectEncoding('s'), await db.objectEncoding('missing')],
  },
  objectFreq: {
    setup: [['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'], ['SET', 'k', 'v']],
    run: async (db) => [await db.objectFreq('k'), await db.objectFreq('missing')],
    cleanup: [['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']],
  },
  objectRefCount: { setup: [['SET', 'k', 'some value']], run: (db) => db.objectRefCount('k') },
  objectIdleTime: {
    setup: [['SET', 'k', 'v']],
    run: async (db) => [await db.objectIdleTime('k'), await db.objectIdleTime('missing')],
    // The LRU clock counts whole seconds: a second may tick over in between.
    normalize: ([idle, missing]) => [idle === 0 || idle === 1, missing],
  },

  // ---- lists
  lPush: { run: async (db) => [await db.lPush('l', 'a', 'b'), await db.lRange('l', 0, -1)] },
  rPush: { run: async (db) => [await db.rPush('l', 'a', 'b'), await db.lRange('l', 0, -1)] },
  lPushX: { setup: [['RPUSH', 'l', 'a']], run: async (db) => [await db.lPushX('l', 'z'), await db.lPushX('missing', 'z')] },
  rPushX: { setup: [['RPUSH', 'l', 'a']], run: async (db) => [await db.rPushX('l', 'z'), await db.rPushX('missing', 'z')] },
  lPop: { setup: [['RPUSH', 'l', 'a', 'b']], run: async (db) => [await db.lPop('l'), await db.lPop('missing')] },
  lPopCount: { setup: [['RPUSH', 'l', 'a', 'b', 'c']], run: async (db) => [await db.lPopCount('l', 2), await db.lPopCount('missing', 2)] },
  rPop: { setup: [['RPUSH', 'l', 'a', 'b']], run: (db) => db.rPop('l') },
  rPopCount: { setup: [['RPUSH', 'l', 'a', 'b', 'c']], run: (db) => db.rPopCount('l', 2) },
  lLen: { setup: [['RPUSH', 'l', 'a', 'b']], run: (db) => db.lLen('l') },
  lRange: { setup: [['RPUSH', 'l', 'a', 'b', 'c', 'd']], run: (db) => db.lRange('l', 1, -2) },
  lIndex: { setup: [['RPUSH', 'l', 'a', 'b']], run: async (db) => [await db.lIndex('l', -1), await db.lIndex('l', 9)] },
  lSet: { setup: [['RPUSH', 'l', 'a', 'b']], run: async (db) => [await db.lSet('l', 0, 'z'), await db.lRange('l', 0, -1)] },
  lInsert: {
    setup: [['RPUSH', 'l', 'a', 'c']],
    run: async (db) => [await db.lInsert('l', 'BEFORE', 'c', 'b'), await db.lInsert('l', 'AFTER', 'zz', 'x'), await db.lRange('l', 0, -1)],
  },
  lRem: { setup: [['RPUSH', 'l', 'a', 'b', 'a', 'a']], run: async (db) => [await db.lRem('l', -2, 'a'), await db.lRange('l', 0, -1)] },
  lTrim: { setup: [['RPUSH', 'l', 'a', 'b', 'c']], run: async (db) => [await db.lTrim('l', 1, -1), await db.lRange('l', 0, -1)] },
  lPos: {
    setup: [['RPUSH', 'l', 'a', 'b', 'a', 'c']],
    run: async (db) => [await db.lPos('l', 'a', { rank: 2 }), await db.lPos('l', 'zz'), await db.lPos('l', 'c', { maxLen: 2 })],
  },
  lPosCount: { setup: [['RPUSH', 'l', 'a', 'b', 'a', 'a']], run: (db) => db.lPosCount('l', 'a', 0, { rank: -1 }) },
  lMove: {
    setup: [['RPUSH', 'src', 'a', 'b'], ['RPUSH', 'dst', 'x']],
    run: async (db) => [await db.lMove('src', 'dst', 'RIGHT', 'LEFT'), await db.lRange('dst', 0, -1)],
  },
  rPopLPush: { setup: [['RPUSH', 'src', 'a', 'b']], run: async (db) => [await db.rPopLPush('src', 'dst'), await db.rPopLPush('none', 'dst')] },
  lmPop: {
    setup: [['RPUSH', 'l2', 'a', 'b', 'c']],
    run: async (db) => [await db.lmPop(['l1', 'l2'], 'LEFT', 2), await db.lmPop(['l1'], 'RIGHT')],
  },
  // Blocking pops: served at once when there is something, null at a
  // short timeout when not (the Client waits for it on the server).
  blPop: { setup: [['RPUSH', 'l2', 'a', 'b']], run: async (db) => [await db.blPop(['l1', 'l2'], 0), await db.blPop(['l1'], 0.01)] },
  brPop: { setup: [['RPUSH', 'l2', 'a', 'b']], run: async (db) => [await db.brPop(['l1', 'l2'], 0), await db.brPop(['l1'], 0.01)] },
  blMove: {
    setup: [['RPUSH', 'src', 'a', 'b']],
    run: async (db) => [await db.blMove('src', 'dst', 'LEFT', 'RIGHT', 0), await db.lRange('dst', 0, -1), await db.blMove('none', 'dst', 'LEFT', 'LEFT', 0.01)],
  },
  blmPop: {
    setup: [['RPUSH', 'l2', 'a', 'b', 'c']],
    run: async (db) => [await db.blmPop(['l1', 'l2'], 'RIGHT', 0, 2), await db.blmPop(['l1'], 'LEFT', 0.01)],
  },

  // ---- hashes
  hSet: { run: async (db) => [await db.hSet('h', { a: '1', b: 2 }), await db.hSet('h', [['b', '3'], ['c', '4']])] },
  hGet: { setup: [['HSET', 'h', 'a', '1']], run: async (db) => [await db.hGet('h', 'a'), await db.hGet('h', 'zz')] },
  hmSet: { run: async (db) => [await db.hmSet('h', { a: '1' }), await db.hGet('h', 'a')] },
  hSetNx: { setup: [['HSET', 'h', 'a', '1']], run: async (db) => [await db.hSetNx('h', 'a', '2'), await db.hSetNx('h', 'b', '2')] },
  hDel: { setup: [['HSET', 'h', 'a', '1', 'b', '2']], run: (db) => db.hDel('h', 'a', 'zz') },
  hExists: { setup: [['HSET', 'h', 'a', '1']], run: async (db) => [await db.hExists('h', 'a'), await db.hExists('h', 'zz')] },
  hLen: { setup: [['HSET', 'h', 'a', '1', 'b', '2']], run: (db) => db.hLen('h') },
  hStrLen: { setup: [['HSET', 'h', 'a', 'hello']], run: (db) => db.hStrLen('h', 'a') },
  hmGet: { setup: [['HSET', 'h', 'a', '1', 'b', '2']], run: (db) => db.hmGet('h', 'b', 'zz', 'a') },
  hKeys: { setup: [['HSET', 'h', 'a', '1', 'b', '2']], run: (db) => db.hKeys('h'), normalize: sorted },
  hVals: { setup: [['HSET', 'h', 'a', '1', 'b', '2']], run: (db) => db.hVals('h'), normalize: sorted },
  hGetAll: { setup: [['HSET', 'h', 'a', '1', '__proto__', '2']], run: async (db) => [await db.hGetAll('h'), await db.hGetAll('missing')] },
  hIncrBy: { setup: [['HSET', 'h', 'n', '5']], run: (db) => db.hIncrBy('h', 'n', 10) },
  hIncrByFloat: { setup: [['HSET', 'h', 'f', '1.5']], run: (db) => db.hIncrByFloat('h', 'f', '0.25') },
  hRandField: { setup: [['HSET', 'h', 'only', '1']], run: async (db) => [await db.hRandField('h'), await db.hRandField('missing')] },
  hRandFieldCount: { setup: [['HSET', 'h', 'only', '1']], run: (db) => db.hRandFieldCount('h', -3) },
  hRandFieldWithValues: { setup: [['HSET', 'h', 'only', '1']], run: (db) => db.hRandFieldWithValues('h', 2) },
  hScan: {
    setup: [['HSET', 'h', 'f1', 'a', 'f2', 'b', 'g', 'c']],
    run: (db) => db.hScan('h', 0, { match: 'f*' }),
    normalize: ({ cursor, entries }) => ({ cursor, entries: sortedPairs(entries) }),
  },
  hScanIterator: {
    setup: [['HSET', 'h', 'f1', 'a', 'f2', 'b', 'g', 'c']],
    run: (db) => collect(db.hScanIterator('h', { count: 1 })),
    normalize: sortedPairs,
  },

  // ---- sets
  sAdd: { run: async (db) => [await db.sAdd('s', 'a', 'b', 'a'), await db.sAdd('s', 'b')] },
  sRem: { setup: [['SADD', 's', 'a', 'b']], run: (db) => db.sRem('s', 'a', 'zz') },
  sIsMember: { setup: [['SADD', 's', 'a']], run: async (db) => [await db.sIsMember('s', 'a'), await db.sIsMember('s', 'b')] },
  sMIsMember: { setup: [['SADD', 's', 'a', 'c']], run: (db) => db.sMIsMember('s', 'a', 'b', 'c') },
  sMembers: { setup: [['SADD', 's', 'b', 'a', 'c']], run: (db) => db.sMembers('s'), normalize: sorted },
  sCard: { setup: [['SADD', 's', 'a', 'b']], run: (db) => db.sCard('s') },
  sMove: { setup: [['SADD', 's', 'a'], ['SADD', 't', 'x']], run: async (db) => [await db.sMove('s', 't', 'a'), await db.sMove('s', 't', 'a')] },
  sInter: { setup: [['SADD', 's', 'a', 'b', 'c'], ['SADD', 't', 'b', 'c', 'd']], run: (db) => db.sInter('s', 't'), normalize: sorted },
  sUnion: { setup: [['SADD', 's', 'a', 'b'], ['SADD', 't', 'b', 'c']], run: (db) => db.sUnion('s', 't'), normalize: sorted },
  sDiff: { setup: [['SADD', 's', 'a', 'b', 'c'], ['SADD', 't', 'b']], run: (db) => db.sDiff('s', 't'), normalize: sorted },
  sInterStore: { setup: [['SADD', 's', 'a', 'b'], ['SADD', 't', 'b']], run: async (db) => [await db.sInterStore('d', 's', 't'), await db.sMembers('d')] },
  sUnionStore: { setup: [['SADD', 's', 'a'], ['SADD', 't', 'b']], run: (db) => db.sUnionStore('d', 's', 't') },
  sDiffStore: { setup: [['SADD', 's', 'a', 'b'], ['SADD', 't', 'b']], run: (db) => db.sDiffStore('d', 's', 't') },
  sInterCard: {
    setup: [['SADD', 's', 'a', 'b', 'c'], ['SADD', 't', 'a', 'b', 'c']],
    run: async (db) => [await db.sInterCard(['s', 't']), await db.sInterCard(['s', 't'], 2)],
  },
  sRandMember: {
    setup: [['SADD', 's', 'only']],
    run: async (db) => [await db.sRandMember('s'), await db.sRandMember('s', -2), await db.sRandMember('missing')],
  },
  sPop: { setup: [['SADD', 's', 'only']], run: async (db) => [await db.sPop('s'), await db.sPop('s'), await db.sPop('s', 3)] },
  sScan: {
    setup: [['SADD', 's', 'a1', 'a2', 'b']],
    run: (db) => db.sScan('s', 0, { match: 'a*' }),
    normalize: ({ cursor, members }) => ({ cursor, members: sorted(members) }),
  },

  // ---- sorted sets
  zAdd: {
    run: async (db) => [
      await db.zAdd('z', [[1, 'a'], ['2.5', 'b']]),
      await db.zAdd('z', { a: 5, c: 3 }, { ch: true }),
      await db.zAdd('z', { a: 1 }, { gt: true }),
    ],
  },
  zAddIncr: {
    setup: [['ZADD', 'z', '1', 'a']],
    run: async (db) => [await db.zAddIncr('z', 2, 'a'), await db.zAddIncr('z', 1, 'b', { xx: true })],
  },
  zCard: { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], run: (db) => db.zCard('z') },
  zScore: {
    setup: [['ZADD', 'z', '1.5', 'a', 'inf', 'b']],
    run: async (db) => [await db.zScore('z', 'a'), await db.zScore('z', 'b'), await db.zScore('z', 'zz')],
  },
  zmScore: { setup: [['ZADD', 'z', '1', 'a', '-inf', 'c']], run: (db) => db.zmScore('z', 'a', 'b', 'c') },
  zIncrBy: { setup: [['ZADD', 'z', '1', 'a']], run: (db) => db.zIncrBy('z', '0.5', 'a') },
  zRem: { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], run: (db) => db.zRem('z', 'a', 'zz') },
  zRank: { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], run: async (db) => [await db.zRank('z', 'b'), await db.zRank('z', 'zz')] },
  zRevRank: { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], run: (db) => db.zRevRank('z', 'b') },
  zCount: { setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']], run: (db) => db.zCount('z', '(1', 3) },
  zRange: {
    setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']],
    run: async (db) => [
      await db.zRange('z', 0, -1),
      await db.zRange('z', '(1', '+inf', { by: 'score', limit: { offset: 0, count: 1 } }),
      await db.zRange('z', '[c', '-', { by: 'lex', rev: true }),
    ],
  },
  zRangeWithScores: { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], run: (db) => db.zRangeWithScores('z', 0, -1, { rev: true }) },
  zRangeByScore: { setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']], run: (db) => db.zRangeByScore('z', 2, '+inf', { offset: 1, count: 5 }) },
  zRevRangeByScore: { setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']], run: (db) => db.zRevRangeByScore('z', '+inf', '(1') },
  zRevRange: { setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']], run: (db) => db.zRevRange('z', 0, 1) },
  zRangeByLex: { setup: [['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c']], run: (db) => db.zRangeByLex('z', '[b', '+') },
  zRevRangeByLex: {
    setup: [['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c']],
    run: (db) => db.zRevRangeByLex('z', '+', '-', { offset: 0, count: 2 }),
  },
  zLexCount: { setup: [['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c']], run: (db) => db.zLexCount('z', '(a', '+') },
  zRemRangeByRank: { setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']], run: (db) => db.zRemRangeByRank('z', 0, 1) },
  zRemRangeByScore: { setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']], run: (db) => db.zRemRangeByScore('z', '-inf', '(3') },
  zRemRangeByLex: { setup: [['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c']], run: (db) => db.zRemRangeByLex('z', '[a', '[b') },
  zPopMin: { setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']], run: async (db) => [await db.zPopMin('z'), await db.zPopMin('z', 5)] },
  zPopMax: { setup: [['ZADD', 'z', '1', 'a', '2', 'b']], run: (db) => db.zPopMax('z', 1) },
  zRangeStore: {
    setup: [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c']],
    run: async (db) => [await db.zRangeStore('d', 'z', 1, '+inf', { by: 'score', limit: { offset: 1, count: 9 } }), await db.zRange('d', 0, -1)],
  },
  zUnionStore: {
    setup: [['ZADD', 'x', '1', 'a', '2', 'b'], ['ZADD', 'y', '10', 'b']],
    run: async (db) => [await db.zUnionStore('d', ['x', 'y'], { weights: [1, 2], aggregate: 'MAX' }), await db.zRangeWithScores('d', 0, -1)],
  },
  zInterStore: {
    setup: [['ZADD', 'x', '1', 'a', '2', 'b'], ['ZADD', 'y', '10', 'b']],
    run: async (db) => [await db.zInterStore('d', ['x', 'y']), await db.zRangeWithScores('d', 0, -1)],
  },
  zDiffStore: { setup: [['ZADD', 'x', '1', 'a', '2', 'b'], ['ZADD', 'y', '10', 'b']], run: (db) => db.zDiffStore('d', ['x', 'y']) },
  zUnion: { setup: [['ZADD', 'x', '1', 'a', '2', 'b'], ['ZADD', 'y', '10', 'b']], run: (db) => db.zUnion(['x', 'y'], { aggregate: 'MIN' }) },
  zInter: { setup: [['ZADD', 'x', '1', 'a', '2', 'b'], ['ZADD', 'y', '10', 'b']], run: (db) => db.zInter(['x', 'y'], { weights: [2, 1] }) },
  zDiff: { setup: [['ZADD', 'x', '1', 'a', '2', 'b'], ['ZADD', 'y', '10', 'b']], run: (db) => db.zDiff(['x', 'y']) },
  zInterCard: {
    setup: [['ZADD', 'x', '1', 'a', '2', 'b'], ['ZADD', 'y', '10', 'b', '1', 'a']],
    run: async (db) => [await db.zInterCard(['x', 'y']), await db.zInterCard(['x', 'y'], 1)],
  },
  zmPop: {
    setup: [['ZADD', 'y', '1', 'a', '2', 'b', '3', 'c']],
    run: async (db) => [await db.zmPop(['x', 'y'], 'MAX', 2), await db.zmPop(['x'], 'MIN')],
  },
  bzPopMin: {
    setup: [['ZADD', 'y', '1', 'a', '2', 'b']],
    run: async (db) => [await db.bzPopMin(['x', 'y'], 0), await db.bzPopMin(['x'], 0.01)],
  },
  bzPopMax: {
    setup: [['ZADD', 'y', '1', 'a', '2', 'b']],
    run: async (db) => [await db.bzPopMax(['x', 'y'], 0), await db.bzPopMax(['x'], 0.01)],
  },
  bzmPop: {
    setup: [['ZADD', 'y', '1', 'a', '2', 'b', '3', 'c']],
    run: async (db) => [await db.bzmPop(['x', 'y'], 'MIN', 0, 2), await db.bzmPop(['x'], 'MAX', 0.01)],
  },
  zRandMember: {
    setup: [['ZADD', 'z', '1', 'only']],
    run: async (db) => [await db.zRandMember('z'), await db.zRandMember('z', -2), await db.zRandMember('missing')],
  },
  zScan: {
    setup: [['ZADD', 'z', '1', 'a1', '2', 'a2', '3', 'b']],
    run: (db) => db.zScan('z', 0, { match: 'a*' }),
  },

  // ---- server
  memoryUsage: {
    setup: [['SET', 'k', 'a value of some length']],
    run: async (db) => [await db.memoryUsage('k'), await db.memoryUsage('missing')],
    // The bytes depend on the process's allocations so far (a long-lived
    // server's differ now and then from a fresh engine's).
    normalize: ([bytes, missing]) => [Number.isInteger(bytes) && bytes > 0, missing],
  },
  memoryStats: {
    run: (db) => db.memoryStats(),
    // The numbers are the process's own; the field names are the contract.
    normalize: (flat) => flat.filter((_, i) => i % 2 === 0),
  },
  memoryPurge: { run: (db) => db.memoryPurge() },
  configGet: { run: (db) => db.configGet('maxmemory-policy', 'lfu-*') },
  configSet: {
    run: async (db) => [await db.configSet({ 'lfu-log-factor': '12' }), await db.configGet('lfu-log-factor')],
    cleanup: [['CONFIG', 'SET', 'lfu-log-factor', '10']],
  },
  configResetStat: { run: (db) => db.configResetStat() },
  ping: { run: async (db) => [await db.ping(), await db.ping('hi')] },
  echo: { run: (db) => db.echo('hello') },
  time: {
    run: (db) => db.time(),
    normalize: ([seconds, micros]) => Math.abs(seconds - Date.now() / 1000) < 60 && micros >= 0 && micros < 1e6,
  },
  commandCount: { run: (db) => db.commandCount() },
  commandInfo: { run: (db) => db.commandInfo('get', 'no-such-command') },
  commandList: { run: (db) => db.commandList(), normalize: sorted },
  info: { setup: [['MSET', 'a', '1', 'b', '2']], run: (db) => db.info('keyspace') },
  commandDocs: { run: (db) => db.commandDocs('get', 'no-such-command') },
  commandGetKeys: { run: (db) => db.commandGetKeys('mset', 'a', '1', 'b', '2') },
  wait: { run: (db) => db.wait(0, 0) },
  debug: { run: (db) => db.debug('SET-ACTIVE-EXPIRE', '1') },
  slowlogGet: { run: async (db) => [await db.slowlogReset(), await db.slowlogGet(5)] },
  slowlogLen: { run: async (db) => [await db.slowlogReset(), await db.slowlogLen()] },
  slowlogReset: { run: (db) => db.slowlogReset() },
  latencyLatest: { run: (db) => db.latencyLatest() },
  latencyHistory: { run: (db) => db.latencyHistory('command') },
  latencyReset: { run: (db) => db.latencyReset() },
  latencyDoctor: { run: (db) => db.latencyDoctor() },
  functionFlush: { run: (db) => db.functionFlush() },
  scriptFlush: { run: (db) => db.scriptFlush('ASYNC') },

  // ---- ACL (the server runs with no secrets: every call is the default user)
  aclSetUser: {
    run: async (db) => [await db.aclSetUser('t', 'on', '~t:*', '+get'), (await db.aclList()).find((l) => l.startsWith('user t '))],
    cleanup: [['ACL', 'DELUSER', 't']],
  },
  aclDelUser: { setup: [['ACL', 'SETUSER', 't']], run: (db) => db.aclDelUser('t', 'nobody') },
  aclList: { run: (db) => db.aclList() },
  aclUsers: { setup: [['ACL', 'SETUSER', 't']], run: (db) => db.aclUsers(), cleanup: [['ACL', 'DELUSER', 't']] },
  aclGetUser: {
    setup: [['ACL', 'SETUSER', 't', 'on', '%R~t:*', '&c', '+@read']],
    run: async (db) => [await db.aclGetUser('t'), await db.aclGetUser('nobody')],
    cleanup: [['ACL', 'DELUSER', 't']],
  },
  aclWhoAmI: { run: (db) => db.aclWhoAmI() },
  aclCat: { run: async (db) => [await db.aclCat(), await db.aclCat('hash')] },
  aclDryRun: {
    setup: [['ACL', 'SETUSER', 't', 'on', '~t:*', '+get']],
    run: async (db) => [await db.aclDryRun('t', 'GET', 't:1'), await db.aclDryRun('t', 'SET', 't:1', 'v')],
    cleanup: [['ACL', 'DELUSER', 't']],
  },
  aclGenPass: {
    run: async (db) => [await db.aclGenPass(), await db.aclGenPass(10)],
    normalize: ([long, short]) => [/^[0-9a-f]{64}$/.test(long), /^[0-9a-f]{3}$/.test(short)],
  },
  // Neither side has an ACL file: both refuse alike.
  aclSave: { run: (db) => Promise.resolve().then(() => db.aclSave()).catch((err) => err.message) },
  aclLoad: { run: (db) => Promise.resolve().then(() => db.aclLoad()).catch((err) => err.message) },

  // ---- pub/sub (no subscriber on either side)
  publish: { run: (db) => db.publish('news', 'hi') },
  pubsubChannels: { run: async (db) => [await db.pubsubChannels(), await db.pubsubChannels('n*')] },
  pubsubNumSub: { run: (db) => db.pubsubNumSub('news', 'other') },
  pubsubNumPat: { run: (db) => db.pubsubNumPat() },
  pubsubShardChannels: { run: (db) => db.pubsubShardChannels() },
  pubsubShardNumSub: { run: (db) => db.pubsubShardNumSub('news') },
};

const METHODS = Object.keys(commandDefinitions);

/** Runs an example on one side: setup, the call(s), cleanup; the normalized result. */
async function runExample(db, example) {
  for (const command of example.setup ?? []) await db.call(...command);
  try {
    const result = await example.run(db);
    return example.normalize ? example.normalize(result) : result;
  } finally {
    for (const command of example.cleanup ?? []) await db.call(...command);
  }
}

describe('typed methods: Engine and Client answer alike', () => {
  let server;
  let client;

  before(async () => {
    server = await startGrpcServer(['--log-level', 'debug']);
    client = new Client({ address: server.address });
  });

  after(async () => {
    await client?.close();
    await server?.stop();
    rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
  });

  test('every defined method has an example, and every example a method', () => {
    assert.deepEqual(METHODS.filter((name) => !Object.hasOwn(EXAMPLES, name)), [], 'methods without an example in EXAMPLES');
    assert.deepEqual(Object.keys(EXAMPLES).filter((name) => !METHODS.includes(name)), [], 'examples of no defined method');
  });

  test('both classes have every defined method, and the Client returns Promises', () => {
    for (const name of METHODS) {
      assert.equal(typeof Engine.prototype[name], 'function', `Engine.${name}`);
      assert.equal(typeof Client.prototype[name], 'function', `Client.${name}`);
    }
    const pending = client.dbSize();
    assert.ok(pending instanceof Promise);
    return pending;
  });

  for (const name of METHODS) {
    test(name, async (t) => {
      const example = EXAMPLES[name];
      if (!example) return t.skip('no example (the test above fails)');
      await client.flushAll();
      const engine = new Engine({ backgroundUpkeep: false });
      try {
        const embedded = await runExample(engine, example);
        const remote = await runExample(client, example);
        assert.deepStrictEqual(remote, embedded);
      } finally {
        engine.close();
      }
    });
  }

  test('typed methods issued in one tick travel in one batch', async () => {
    const batches = () => server.logs.filter((entry) => entry.msg === 'batch').length;
    await client.flushAll();
    await delay(50); // let the log lines of earlier batches arrive
    const before = batches();
    const replies = await Promise.all([client.set('k', 'v'), client.incr('n'), client.get('k'), client.hSet('h', { f: '1' })]);
    assert.deepEqual(replies, ['OK', 1, 'v', 1]);
    for (let waited = 0; batches() === before && waited < 2000; waited += 5) await delay(5);
    await delay(50); // a second batch, if any, would have logged by now
    assert.equal(batches() - before, 1);
  });

  test('16 or more commands of one tick travel as two batches, in order; splitBatches: false keeps one', async () => {
    const batches = () => server.logs.filter((entry) => entry.msg === 'batch').length;
    const countBatches = async (issue) => {
      await delay(50);
      const before = batches();
      const replies = await issue();
      for (let waited = 0; batches() === before && waited < 2000; waited += 5) await delay(5);
      await delay(50);
      return { replies, batches: batches() - before };
    };
    const increments = (c) => Promise.all(Array.from({ length: 20 }, () => c.incr('split:n')));
    const split = await countBatches(() => increments(client));
    assert.deepEqual(split.replies, Array.from({ length: 20 }, (_, i) => i + 1), 'replies in issue order');
    assert.equal(split.batches, 2);
    const single = new Client({ address: server.address, splitBatches: false });
    try {
      const whole = await countBatches(() => increments(single));
      assert.deepEqual(whole.replies, Array.from({ length: 20 }, (_, i) => i + 21));
      assert.equal(whole.batches, 1);
    } finally {
      await single.close();
    }
  });

  test('errors: a command error rejects the Client method and throws from the Engine method', async () => {
    const engine = new Engine({ backgroundUpkeep: false });
    try {
      await client.flushAll();
      for (const db of [engine, client]) await db.call('RPUSH', 'l', 'x');
      assert.throws(() => engine.incr('l'), { code: 'WRONGTYPE' });
      await assert.rejects(client.incr('l'), { code: 'WRONGTYPE' });
      // A bad argument is a rejection, not a synchronous throw.
      const rejected = client.hSet('h', null);
      assert.ok(rejected instanceof Promise);
      await assert.rejects(rejected, TypeError);
    } finally {
      engine.close();
    }
  });
});
