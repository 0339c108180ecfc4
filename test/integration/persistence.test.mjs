// Snapshots through the real server process: SAVE and BGSAVE write the
// file, a restart on the same dir loads it (every type, binary data,
// TTLs), graceful shutdown saves when save rules are set, a write load
// goes on without an error through BGSAVE, and a corrupted file stops
// startup with an error naming the file and the offset.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const field = (info, name) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();

/** One of each type, with binary data and a TTL. */
async function writeDataset(c) {
  await c.call('SET', 'p:string', 'hello');
  await c.call('SET', 'p:counter', 42);
  await c.callBuffer('SET', Buffer.from([0, 1, 255]), Buffer.from([255, 0, 10]));
  await c.call('SET', 'p:ttl', 'soon', 'PX', 600_000);
  await c.call('RPUSH', 'p:list', 'a', 'b', 'c');
  await c.call('HSET', 'p:hash', 'f1', 'v1', 'f2', 'v2');
  await c.call('SADD', 'p:set', 'x', 'y', '3');
  await c.call('ZADD', 'p:zset', 1.5, 'one', -2, 'two');
}

async function checkDataset(c) {
  assert.equal(await c.call('GET', 'p:string'), 'hello');
  assert.equal(await c.call('GET', 'p:counter'), '42');
  assert.deepEqual(await c.callBuffer('GET', Buffer.from([0, 1, 255])), Buffer.from([255, 0, 10]));
  const pttl = await c.call('PTTL', 'p:ttl');
  assert.ok(pttl > 500_000 && pttl <= 600_000, `the TTL survives as an absolute time (${pttl})`);
  assert.deepEqual(await c.call('LRANGE', 'p:list', 0, -1), ['a', 'b', 'c']);
  assert.deepEqual(await c.call('HGETALL', 'p:hash'), ['f1', 'v1', 'f2', 'v2']);
  assert.deepEqual((await c.call('SMEMBERS', 'p:set')).sort(), ['3', 'x', 'y']);
  assert.deepEqual(await c.call('ZRANGE', 'p:zset', 0, -1, 'WITHSCORES'), ['two', '-2', 'one', '1.5']);
}

describe('snapshots on disk', () => {
  let dir;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'emberkv-persist-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('SAVE writes the file; a restart on the same dir loads every type', async () => {
    const first = await startGrpcServer(['--dir', dir, '--dbfilename', 'save.emb']);
    const c = new Client({ address: first.address });
    await writeDataset(c);
    const before = await c.call('LASTSAVE');
    await sleep(1100);  // LASTSAVE counts seconds
    assert.equal(await c.call('SAVE'), 'OK');
    assert.ok((await c.call('LASTSAVE')) > before);
    assert.equal(field(await c.call('INFO', 'persistence'), 'rdb_changes_since_last_save'), '0');
    await c.close();
    assert.equal(await first.stop(), 0);
    assert.ok(existsSync(path.join(dir, 'save.emb')));
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('temp-')), [], 'no temporary file left');

    const second = await startGrpcServer(['--dir', dir, '--dbfilename', 'save.emb']);
    const loaded = second.logs.find((l) => l.msg === 'snapshot loaded');
    assert.equal(loaded?.keys, 8);
    const d = new Client({ address: second.address });
    await checkDataset(d);
    await d.close();
    await second.stop();
  });

  test('graceful shutdown saves when save rules are set, and not otherwise', async () => {
    const withRules = await startGrpcServer(['--dir', dir, '--dbfilename', 'rules.emb', '--save', '3600 1']);
    let c = new Client({ address: withRules.address });
    await c.call('SET', 'kept', 'yes');
    await c.close();
    assert.equal(await withRules.stop('SIGTERM'), 0);
    assert.ok(withRules.logs.some((l) => l.msg === 'saved on shutdown'));

    const noRules = await startGrpcServer(['--dir', dir, '--dbfilename', 'rules.emb']);
    c = new Client({ address: noRules.address });
    assert.equal(await c.call('GET', 'kept'), 'yes');
    await c.call('SET', 'lost', 'yes');
    await c.close();
    assert.equal(await noRules.stop('SIGTERM'), 0);

    const again = await startGrpcServer(['--dir', dir, '--dbfilename', 'rules.emb']);
    c = new Client({ address: again.address });
    assert.equal(await c.call('GET', 'kept'), 'yes');
    assert.equal(await c.call('GET', 'lost'), null, 'no rules: nothing saved at shutdown');
    await c.close();
    await again.stop();
  });

  test('a write load goes on without an error through BGSAVE, which holds the data of its start', async () => {
    const server = await startGrpcServer(['--dir', dir, '--dbfilename', 'bg.emb']);
    const c = new Client({ address: server.address });
    for (let i = 0; i < 20_000; i += 1000) {
      await Promise.all(Array.from({ length: 1000 }, (_, j) => c.call('SET', `bg:${i + j}`, `v${i + j}`)));
    }
    let writing = true;
    let writes = 0;
    const load = (async () => {
      while (writing) {
        await Promise.all(Array.from({ length: 100 }, () => c.call('INCR', 'bg:counter')));
        writes += 100;
      }
    })();
    await sleep(50);
    assert.equal(await c.call('BGSAVE'), 'Background saving started');
    await assert.rejects(c.call('BGSAVE'), /ERR Background save already in progress/);
    let info;
    for (let waited = 0; waited < 10_000; waited += 20) {
      info = await c.call('INFO', 'persistence');
      if (field(info, 'rdb_bgsave_in_progress') === '0') break;
      await sleep(20);
    }
    writing = false;
    await load;
    assert.equal(field(info, 'rdb_bgsave_in_progress'), '0');
    assert.equal(field(info, 'rdb_last_bgsave_status'), 'ok');
    assert.ok(writes > 0);
    await c.close();
    await server.stop();

    const reloaded = await startGrpcServer(['--dir', dir, '--dbfilename', 'bg.emb']);
    const d = new Client({ address: reloaded.address });
    assert.equal(await d.call('GET', 'bg:19999'), 'v19999');
    assert.equal(await d.call('DBSIZE'), 20_001, 'every key written before BGSAVE, and the counter');
    await d.close();
    await reloaded.stop();
  });

  test('a corrupted file stops startup with an error naming the file and the offset', async () => {
    const file = path.join(dir, 'bad.emb');
    const server = await startGrpcServer(['--dir', dir, '--dbfilename', 'bad.emb']);
    const c = new Client({ address: server.address });
    await c.call('SET', 'k', 'v');
    await c.call('SAVE');
    await c.close();
    await server.stop();
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;  // inside the checksum
    writeFileSync(file, bytes);
    await assert.rejects(startGrpcServer(['--dir', dir, '--dbfilename', 'bad.emb']), (err) => {
      assert.match(err.message, /exited \(1\)/);
      assert.ok(err.message.includes(file), err.message);
      assert.match(err.message, /offset \d+/);
      return true;
    });
  });

  test('several save lines in a config file add up; CONFIG SET save replaces them', async () => {
    const conf = path.join(dir, 'emberkv.conf');
    writeFileSync(conf, `dir ${dir}\ndbfilename conf.emb\nsave 900 1\nsave 300 10\n`);
    const server = await startGrpcServer(['--config', conf]);
    const c = new Client({ address: server.address });
    assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '900 1 300 10']);
    assert.equal(await c.call('CONFIG', 'SET', 'save', ''), 'OK');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '']);
    await c.close();
    await server.stop();
  });
});
