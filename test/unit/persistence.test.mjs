// Persistence with the embedded Engine. Snapshots: { dir, dbfilename,
// save } make it persistent (load when constructed, a last SAVE at close()
// when save rules are set); SAVE, BGSAVE and LASTSAVE; a corrupt file
// refused. The append-only log: { appendonly, appendfsync, ... }, its
// fsync policies, turning it on (at start and at run time), automatic
// and explicit rewrites, one child process at a time.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Engine, EmberError } from 'emberkv';

const { serverHooksOf } = createRequire(import.meta.url)('../../dist/engine.js');

describe('Engine snapshots', () => {
  let dir;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'emberkv-engine-persist-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('SAVE, then a new Engine on the same dir has the data', () => {
    const a = new Engine({ dir, dbfilename: 'a.emb' });
    a.set('k', 'v');
    a.hSet('h', { f: '1' });
    a.set('ttl', 'x', { px: 60_000 });
    assert.equal(a.save(), 'OK');
    a.close();
    const b = new Engine({ dir, dbfilename: 'a.emb' });
    assert.equal(b.get('k'), 'v');
    assert.deepEqual(b.hGetAll('h'), { f: '1' });
    assert.ok(b.pTtl('ttl') > 50_000);
    b.close();
  });

  test('close() saves when save rules are set, and not otherwise', () => {
    const a = new Engine({ dir, dbfilename: 'b.emb', save: '3600 1' });
    a.set('kept', '1');
    a.close();
    const b = new Engine({ dir, dbfilename: 'b.emb' });
    assert.equal(b.get('kept'), '1');
    b.set('not-saved', '1');
    b.close();
    const c = new Engine({ dir, dbfilename: 'b.emb' });
    assert.equal(c.get('not-saved'), null);
    c.close();
  });

  test('without snapshot options nothing is read or written', () => {
    const cwdFile = path.join(process.cwd(), 'dump.emb');
    const engine = new Engine();
    engine.set('k', 'v');
    engine.close();
    assert.equal(existsSync(cwdFile), false);
  });

  test('BGSAVE writes the data of its start while writes go on; LASTSAVE moves', async () => {
    const engine = new Engine({ dir, dbfilename: 'c.emb', backgroundUpkeep: false });
    for (let i = 0; i < 1000; i++) engine.set(`k${i}`, i);
    const before = engine.lastSave();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(engine.bgSave(), 'Background saving started');
    assert.throws(() => engine.bgSave(), /ERR Background save already in progress/);
    engine.set('after', 'fork');
    while (engine.info('persistence').includes('rdb_bgsave_in_progress:1')) {
      engine.runUpkeep();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.match(engine.info('persistence'), /rdb_last_bgsave_status:ok/);
    assert.ok(engine.lastSave() > before);
    engine.close();
    const loaded = new Engine({ dir, dbfilename: 'c.emb' });
    assert.equal(loaded.dbSize(), 1000);
    assert.equal(loaded.get('after'), null, 'written after the fork: not in the snapshot');
    loaded.close();
  });

  test('a corrupt file: the constructor throws, naming the file and the offset', () => {
    const engine = new Engine({ dir, dbfilename: 'd.emb' });
    engine.set('k', 'v');
    engine.save();
    engine.close();
    const file = path.join(dir, 'd.emb');
    writeFileSync(file, readFileSync(file).subarray(0, 20));  // cut short
    assert.throws(
      () => new Engine({ dir, dbfilename: 'd.emb' }),
      (err) => err instanceof EmberError && err.message.includes(file) && /truncated at offset \d+/.test(err.message),
    );
  });

  test('a bad option is CONFIG SET\'s error', () => {
    assert.throws(() => new Engine({ dir: path.join(dir, 'no-such-dir') }), EmberError);
    assert.throws(() => new Engine({ dbfilename: 'a/b' }), /can't be a path, just a filename/);
    assert.throws(() => new Engine({ save: '10' }), /Invalid save parameters/);
  });
});

describe('Engine append-only log', () => {
  let root;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'emberkv-engine-aof-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  let cases = 0;
  const freshDir = () => {
    const dir = path.join(root, `case-${cases++}`);
    mkdirSync(dir);
    return dir;
  };
  const info = (engine, name) => new RegExp(`^${name}:(.*)$`, 'm').exec(engine.info('persistence'))?.[1]?.trim();
  const until = async (engine, done) => {
    for (let i = 0; i < 2000 && !done(); i++) {
      engine.runUpkeep();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(done(), 'in time');
  };

  test('loading reports its progress: a 40 MiB snapshot, then the log made from it', () => {
    const dir = freshDir();
    const source = new Engine({ dir });
    for (let i = 0; i < 40; i++) source.set(`big:${i}`, String(i % 10).repeat(1 << 20));
    source.save();
    source.close();
    const snapshotBytes = statSync(path.join(dir, 'dump.emb')).size;
    // Loads into an empty Engine as the server does (CONFIG SET dir, then
    // the hook); the reports made on the way.
    const load = (hook) => {
      const engine = new Engine();
      engine.call('CONFIG', 'SET', 'dir', dir);
      const reports = [];
      const loaded = serverHooksOf(engine)[hook]((done, total) => reports.push([done, total]));
      assert.ok(loaded.ok, loaded.error);
      assert.equal(engine.dbSize(), 40);
      engine.close();
      for (let i = 1; i < reports.length; i++) assert.ok(reports[i][0] >= reports[i - 1][0], 'never backwards');
      return reports;
    };
    // Every 16 MiB: at the first record, after 16 and after 32.
    const fromSnapshot = load('loadFromDisk');
    assert.equal(fromSnapshot.length, 3);
    assert.ok(fromSnapshot.every(([done, total]) => total === snapshotBytes && done < total));
    // The first start of the log loads the snapshot (and reports it); a
    // restart replays the log, whose base holds the same 40 MiB.
    assert.ok(load('loadAppendOnly').filter(([done, total]) => done < total).length >= 3);
    const replay = load('loadAppendOnly');
    assert.ok(replay.filter(([done, total]) => done < total).length >= 3);
    assert.equal(replay.at(-1)[0], replay.at(-1)[1], 'the last report: all done');
  });

  test('appendfsync always: every write call returns with its record durable', () => {
    const dir = freshDir();
    const engine = new Engine({ dir, appendonly: true, appendfsync: 'always', backgroundUpkeep: false });
    for (let i = 0; i < 20; i++) {
      engine.set(`k${i}`, i);
      assert.equal(info(engine, 'aof_durable_records'), info(engine, 'aof_appended_records'));
    }
    engine.exec([['INCR', 'n'], ['RPUSH', 'l', 'a', 'b']]);
    assert.equal(info(engine, 'aof_durable_records'), '21', 'a transaction is one record');
    assert.equal(info(engine, 'aof_enabled'), '1');
    engine.close();
    const again = new Engine({ dir, appendonly: true, backgroundUpkeep: false });
    assert.equal(again.dbSize(), 22);
    assert.deepEqual(again.lRange('l', 0, -1), ['a', 'b']);
    again.close();
  });

  test('everysec: the upkeep timer writes and fsyncs within about a second', async () => {
    const dir = freshDir();
    const engine = new Engine({ dir, appendonly: true });
    engine.set('k', 'v');
    assert.equal(info(engine, 'aof_durable_records'), '0', 'not at once');
    const start = Date.now();
    while (info(engine, 'aof_durable_records') !== '1' && Date.now() - start < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(info(engine, 'aof_durable_records'), '1');
    assert.ok(Date.now() - start < 2500, `durable after ${Date.now() - start} ms`);
    engine.close();
  });

  test('turning the log on starts it from the snapshot file, so nothing is lost', () => {
    const dir = freshDir();
    const a = new Engine({ dir });
    a.set('from', 'snapshot');
    a.save();
    a.close();
    const b = new Engine({ dir, appendonly: true, backgroundUpkeep: false });
    assert.equal(b.get('from'), 'snapshot');
    b.set('from', 'log');
    b.close();
    rmSync(path.join(dir, 'dump.emb'));
    const c = new Engine({ dir, appendonly: true, backgroundUpkeep: false });
    assert.equal(c.get('from'), 'log', 'the log has its own base');
    c.close();
  });

  test('CONFIG SET appendonly yes at run time: a rewrite gives the new log its base', async () => {
    const dir = freshDir();
    const engine = new Engine({ dir, backgroundUpkeep: false });
    engine.set('before', '1');
    assert.equal(engine.call('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
    engine.set('during', '2');
    await until(engine, () => info(engine, 'aof_rewrite_in_progress') === '0' && info(engine, 'aof_rewrites') === '1');
    engine.set('after', '3');
    assert.equal(engine.call('CONFIG', 'SET', 'appendonly', 'no'), 'OK');
    assert.equal(info(engine, 'aof_enabled'), '0');
    engine.set('not-logged', '4');
    engine.close();
    const again = new Engine({ dir, appendonly: true, backgroundUpkeep: false });
    assert.deepEqual(again.call('KEYS', '*').sort(), ['after', 'before', 'during']);
    again.close();
  });

  test('the log rewrites itself once it has grown by auto-aof-rewrite-percentage', async () => {
    const dir = freshDir();
    const engine = new Engine({
      dir, appendonly: true, backgroundUpkeep: false, autoAofRewritePercentage: 100, autoAofRewriteMinSize: '4kb',
    });
    for (let i = 0; i < 200; i++) engine.set('same', 'x'.repeat(50));  // the log grows, the data does not
    engine.runUpkeep();
    assert.equal(info(engine, 'aof_rewrites'), '1');
    await until(engine, () => info(engine, 'aof_rewrite_in_progress') === '0');
    assert.equal(info(engine, 'aof_last_bgrewrite_status'), 'ok');
    assert.ok(Number(info(engine, 'aof_current_size')) < 1000, 'the rewritten log is small');
    engine.close();
    const again = new Engine({ dir, appendonly: true, backgroundUpkeep: false });
    assert.equal(again.get('same'), 'x'.repeat(50));
    again.close();
  });

  test('a rewrite leaves just the manifest, the new base and the new incr file; removing the old ones is not lazyfree work', async () => {
    const dir = freshDir();
    const engine = new Engine({ dir, appendonly: true, backgroundUpkeep: false });
    for (let i = 0; i < 1000; i++) engine.set(`k${i}`, 'v'.repeat(100));
    const logDir = path.join(dir, 'appendonlydir');
    for (let rewrite = 1; rewrite <= 2; rewrite++) {
      assert.match(engine.call('BGREWRITEAOF'), /rewriting started/);
      await until(engine, () => info(engine, 'aof_rewrite_in_progress') === '0');
      // The old files' names are gone at once (their blocks are freed on
      // the background thread); the manifest names exactly what is left.
      const manifest = readFileSync(path.join(logDir, 'appendonly.aof.manifest'), 'utf8');
      const named = [...manifest.matchAll(/^file (\S+)/gm)].map((m) => m[1]).sort();
      assert.deepEqual(readdirSync(logDir).filter((f) => f !== 'appendonly.aof.manifest').sort(), named);
      assert.equal(named.length, 2, manifest);
    }
    assert.equal(/^lazyfreed_objects:(\d+)/m.exec(engine.info('memory'))[1], '0');
    engine.close();
    const again = new Engine({ dir, appendonly: true, backgroundUpkeep: false });
    assert.equal(again.dbSize(), 1000);
    again.close();
  });

  test('BGREWRITEAOF with the log off, and while a BGSAVE runs, answer as Redis', async () => {
    const dir = freshDir();
    const off = new Engine({ dir, backgroundUpkeep: false });
    assert.throws(() => off.bgRewriteAof(), /ERR Can't execute an AOF background rewriting: the append-only file is off/);
    off.close();
    const engine = new Engine({ dir, appendonly: true, backgroundUpkeep: false });
    for (let i = 0; i < 1000; i++) engine.set(`k${i}`, i);
    assert.equal(engine.bgSave(), 'Background saving started');
    assert.equal(engine.bgRewriteAof(), 'Background append only file rewriting scheduled');
    await until(engine, () => info(engine, 'aof_rewrites') === '1' && info(engine, 'aof_rewrite_in_progress') === '0');
    // And the other way round: one child process at a time.
    assert.equal(engine.bgRewriteAof(), 'Background append only file rewriting started');
    assert.throws(() => engine.bgRewriteAof(), /ERR Background append only file rewriting already in progress/);
    assert.throws(() => engine.bgSave(), /ERR An AOF log rewriting in progress: can't BGSAVE right now/);
    assert.equal(engine.call('BGSAVE', 'SCHEDULE'), 'Background saving scheduled');
    await until(engine, () => info(engine, 'aof_rewrite_in_progress') === '0' && info(engine, 'rdb_bgsave_in_progress') === '0' &&
      info(engine, 'rdb_saves') === '2');
    engine.close();
  });
});
