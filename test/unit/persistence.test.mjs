// Snapshots with the embedded Engine: { dir, dbfilename, save } make it
// persistent (load when constructed, a last SAVE at close() when save
// rules are set); SAVE, BGSAVE and LASTSAVE; a corrupt file refused.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine, EmberError } from 'emberkv';

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
