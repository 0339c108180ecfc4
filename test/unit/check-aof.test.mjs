// emberkv-check-aof (src/check-aof/main.ts) and the Engine's loading of a
// damaged append-only log, on real logs written by an Engine: a cut at
// every record boundary and inside every record (the checker's verdict,
// what a new Engine keeps, its warning, appending after the cut), a byte
// flipped in each field of a record (corrupt at that record; the Engine
// refuses naming file and offset; --fix keeps the records before it),
// damage --fix must not touch (a base file, an incr file that is not the
// last, a file header), and the bin's output and exit codes as a child
// process. Record boundaries are found by walking the framing here, not
// by the native scanner under test.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Engine, EmberError } from 'emberkv';
import {
  AOF_HEADER_BYTES,
  collectWarnings,
  dumpData,
  flipByte,
  lastIncr,
  lineAbout,
  logFiles,
  manifestPath,
  recordBoundaries,
  runCheckAof,
  writeCut,
} from '../support/aof-files.mjs';

const require = createRequire(import.meta.url);
const { checkAof } = require('../../dist/check-aof/main.js');

const openLog = (dir, options = {}) =>
  new Engine({ dir, appendonly: true, appendfsync: 'always', backgroundUpkeep: false, ...options });
const dump = (engine) => dumpData((...args) => engine.callBuffer(...args));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const BINARY_KEY = Buffer.from([0, 1, 0xff, 0x0a, 0x0d, 0x80]);

/** Writes, each of which leaves exactly one record (checked when the log is built). */
const WRITES = [
  (e) => e.set('s:plain', 'hello'),
  (e) => e.callBuffer('SET', BINARY_KEY, ALL_BYTES),
  (e) => e.call('SET', 's:counter', 10),
  (e) => e.call('INCRBY', 's:counter', 5),
  (e) => e.call('APPEND', 's:plain', ' world'),
  (e) => e.call('SET', 's:ttl', 'soon', 'PX', 600_000),
  (e) => e.call('EXPIRE', 's:plain', 3600),
  (e) => e.call('RPUSH', 'l:list', 'a', 'b', Buffer.from([0, 10, 255])),
  (e) => e.call('LPOP', 'l:list'),
  (e) => e.call('HSET', 'h:hash', 'f1', 'v1', Buffer.from([1, 2, 0]), Buffer.from([255])),
  (e) => e.call('SADD', 'z:set', 'x', 'y', '3', '-7'),
  (e) => e.call('SPOP', 'z:set'),
  (e) => e.call('ZADD', 'z:zset', 1.5, 'one', -2, 'two', '+inf', Buffer.from([0xfe, 0])),
  // A transaction is one record, whatever it holds.
  (e) => e.exec([['SET', 'tx:a', '1'], ['INCR', 'tx:n'], ['RPUSH', 'tx:l', 'q', 'r'], ['HSET', 'tx:h', 'f', 'v'], ['DEL', 's:counter']]),
  // A payload past 127 bytes (a longer varint) and a length field with 2 non-zero bytes.
  (e) => e.callBuffer('SET', 's:big', Buffer.alloc(3000, 0xab)),
  (e) => e.call('DEL', 'h:hash'),
  (e) => e.call('ZINCRBY', 'z:zset', 2, 'one'),
  (e) => e.call('SET', 's:last', 'end'),
];
const N = WRITES.length;

describe('emberkv-check-aof and damaged logs', () => {
  let root;
  let pristine; // a log of the WRITES, closed
  let incrName; // its last incr file, relative to the case dir
  let bytes; // that file's content
  let b; // its record boundaries: b[k] = start of record k, b[N] = end
  const states = []; // states[k] = the data after the first k writes
  let cases = 0;

  /** A fresh copy of the pristine log: { dir, incr }. */
  const copyLog = () => {
    const dir = path.join(root, `case-${cases++}`);
    cpSync(pristine, dir, { recursive: true });
    return { dir, incr: path.join(dir, incrName) };
  };

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'emberkv-check-aof-'));
    pristine = path.join(root, 'pristine');
    mkdirSync(pristine);
    const engine = openLog(pristine);
    const incr = lastIncr(pristine);
    const sizes = [statSync(incr).size];
    states.push(await dump(engine));
    for (const write of WRITES) {
      write(engine);
      sizes.push(statSync(incr).size);
      states.push(await dump(engine));
    }
    engine.close();
    incrName = path.relative(pristine, incr);
    bytes = readFileSync(incr);
    b = recordBoundaries(bytes);
    assert.equal(b.length, N + 1, 'one record per write');
    assert.deepEqual(b, sizes, 'each write appended exactly its record (appendfsync always writes before returning)');
    for (let k = 0; k < N; k++) {
      assert.notDeepEqual(states[k + 1], states[k], `write ${k} changes the data, so a load that keeps one record too many or too few shows`);
    }
    assert.ok(Object.keys(states[N]).length >= 10);
    assert.ok(states[N][BINARY_KEY.toString('hex')], 'the binary key is in the data');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /**
   * Cuts a copy of the log's last incr file to `cut` bytes, where the first
   * `kept` records are whole; checks the checker's verdict, what an Engine
   * loads (and its warning), and appending and reopening after that.
   */
  async function checkCut(cut, kept) {
    const at = `cut at ${cut} (record ${kept} spans ${b[kept]}..${b[kept + 1]})`;
    const inside = cut !== b[kept];
    const goodEnd = cut < AOF_HEADER_BYTES ? 0 : b[kept];
    const { dir, incr } = copyLog();
    writeCut(incr, bytes, cut);

    const check = checkAof(incr);
    const [report] = check.reports;
    assert.equal(report.outcome, inside ? 'truncated' : 'ok', at);
    assert.equal(report.records, kept, at);
    assert.equal(check.exitCode, inside ? 1 : 0, at);
    if (inside) {
      assert.equal(report.goodEnd, goodEnd, at);
      assert.equal(report.errorOffset, goodEnd, at);
      assert.equal(report.fixable, true, at);
    }

    const [engine, warnings] = await collectWarnings(() => openLog(dir));
    assert.deepEqual(await dump(engine), states[kept], `${at}: the records before the cut, and nothing else`);
    if (inside) {
      assert.equal(warnings.length, 1, `${at}: one warning`);
      assert.equal(warnings[0].name, 'EmberkvWarning');
      assert.ok(warnings[0].message.includes(incr), `${at}: the warning names the file: ${warnings[0].message}`);
      assert.ok(warnings[0].message.includes(`truncated at offset ${goodEnd}`), `${at}: ${warnings[0].message}`);
      assert.ok(warnings[0].message.includes(`its last ${cut - goodEnd} bytes dropped`), `${at}: ${warnings[0].message}`);
    } else {
      assert.deepEqual(warnings.map(String), [], `${at}: no warning`);
    }

    // Appending goes after the good records: the partial one is cut first.
    engine.set('after:cut', String(cut));
    engine.close();
    const after = readFileSync(incr);
    const afterBoundaries = recordBoundaries(after);
    assert.deepEqual(afterBoundaries.slice(0, kept + 1), [AOF_HEADER_BYTES, ...b.slice(1, kept + 1)], at);
    assert.equal(afterBoundaries.length, kept + 2, `${at}: the kept records and the new one`);
    assert.deepEqual(after.subarray(0, b[kept]), bytes.subarray(0, b[kept]), `${at}: the kept records are unchanged`);
    const recheck = checkAof(incr).reports[0];
    assert.equal(recheck.outcome, 'ok', at);
    assert.equal(recheck.records, kept + 1, at);

    const [reopened, again] = await collectWarnings(() => openLog(dir));
    assert.deepEqual(again.map(String), [], `${at}: no warning after the cut was repaired`);
    const data = await dump(reopened);
    assert.equal(reopened.get('after:cut'), String(cut), at);
    delete data[Buffer.from('after:cut').toString('hex')];
    assert.deepEqual(data, states[kept], at);
    reopened.close();
    rmSync(dir, { recursive: true, force: true });
  }

  test('a cut at every record boundary: ok with the records kept; an Engine loads exactly those, silently', async () => {
    for (let k = 0; k <= N; k++) await checkCut(b[k], k);
  });

  test('a cut inside every record (its header, payload, checksum): truncated, goodEnd at the record start; an Engine keeps the records before it and warns', async () => {
    let tried = 0;
    for (let k = 0; k < N; k++) {
      const start = b[k];
      const len = b[k + 1] - start - 16;
      const offsets = [1, 4, 7, 8, 8 + (len >> 1), 8 + len - 1, 8 + len, 8 + len + 4, 16 + len - 1];
      for (const offset of new Set(offsets)) {
        assert.ok(offset > 0 && start + offset < b[k + 1]);
        await checkCut(start + offset, k);
        tried++;
      }
    }
    assert.ok(tried >= 8 * N);
  });

  test('a cut inside the file header: truncated at 0; an Engine starts with no data, warns, and writes the header again', async () => {
    for (const cut of [0, 1, 7, 8, 11]) await checkCut(cut, 0);
  });

  test('a flipped byte in each field of a record: corrupt at that record; the Engine refuses naming file and offset; --fix keeps the records before it', async () => {
    const fields = (start) => {
      const len = bytes.readUInt32LE(start);
      return {
        length: [start, start + 3],
        complement: [start + 4, start + 7],
        payload: [start + 8, start + 8 + (len >> 1), start + 8 + len - 1],
        checksum: [start + 8 + len, start + 8 + len + 7],
      };
    };
    for (const m of [0, N >> 1, N - 1]) {
      for (const [field, offsets] of Object.entries(fields(b[m]))) {
        for (const offset of offsets) {
          const at = `record ${m} (at ${b[m]}), ${field} byte at ${offset}`;
          const { dir, incr } = copyLog();
          const damaged = flipByte(incr, offset);

          const check = checkAof(incr);
          const [report] = check.reports;
          assert.equal(report.outcome, 'corrupt', at);
          assert.equal(report.errorOffset, b[m], at);
          assert.equal(report.goodEnd, b[m], at);
          assert.equal(report.records, m, at);
          assert.match(report.why, field === 'length' || field === 'complement' ? /record length is damaged/ : /checksum mismatch/, at);
          assert.equal(check.exitCode, 1, at);
          assert.match(check.lines[0], new RegExp(`: corrupt at offset ${b[m]}: `), at);
          assert.deepEqual(readFileSync(incr), damaged, `${at}: checking alone changes nothing`);

          assert.throws(
            () => openLog(dir),
            (err) => {
              assert.ok(err instanceof EmberError, `${at}: ${err}`);
              assert.ok(err.message.includes(incr), `${at}: the error names the file: ${err.message}`);
              assert.ok(err.message.includes(`offset ${b[m]}`), `${at}: the error names the offset: ${err.message}`);
              return true;
            },
          );

          const fixed = checkAof(incr, { fix: true });
          assert.equal(fixed.exitCode, 0, at);
          assert.deepEqual(fixed.reports[0].fixed, {
            keptBytes: b[m],
            keptRecords: m,
            droppedBytes: bytes.length - b[m],
            rewroteHeader: false,
          }, at);
          assert.equal(statSync(incr).size, b[m], `${at}: cut at the previous boundary`);
          assert.deepEqual(readFileSync(incr), bytes.subarray(0, b[m]), at);

          const [engine, warnings] = await collectWarnings(() => openLog(dir));
          assert.deepEqual(warnings.map(String), [], at);
          assert.deepEqual(await dump(engine), states[m], `${at}: the records before the damage`);
          engine.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  });

  test('a damaged file header (magic, version): corrupt at 0 / 8, the Engine refuses, --fix refuses to cut', () => {
    for (const [offset, errorOffset, why] of [[0, 0, /bad magic/], [3, 0, /bad magic/], [8, 8, /unsupported format version/]]) {
      const { dir, incr } = copyLog();
      const damaged = flipByte(incr, offset);
      const check = checkAof(incr);
      assert.equal(check.reports[0].outcome, 'corrupt');
      assert.equal(check.reports[0].errorOffset, errorOffset);
      assert.match(check.reports[0].why, why);
      assert.throws(() => openLog(dir), (err) => err instanceof EmberError && err.message.includes(incr) && err.message.includes(`offset ${errorOffset}`));
      const cli = runCheckAof(['--fix', incr]);
      assert.equal(cli.status, 1, cli.stdout);
      assert.match(lineAbout(cli, incr), new RegExp(`corrupt at offset ${errorOffset}: `));
      assert.match(cli.stdout, /not fixable: the file header is damaged/);
      assert.deepEqual(readFileSync(incr), damaged, 'not touched');
    }
  });

  test('a damaged base file: reported, not fixable (exit 1, nothing changed); the Engine refuses naming the base file', async () => {
    const dir = path.join(root, 'rewritten');
    mkdirSync(dir);
    const engine = openLog(dir, { backgroundUpkeep: true });
    for (let i = 0; i < 20; i++) engine.call('RPUSH', 'base:list', `item-${i}`);
    engine.set('base:string', ALL_BYTES);
    assert.match(String(engine.call('BGREWRITEAOF')), /rewriting started/);
    const deadline = Date.now() + 20_000;
    while (!/aof_rewrite_in_progress:0/.test(engine.call('INFO', 'persistence'))) {
      assert.ok(Date.now() < deadline, 'the rewrite ends');
      await sleep(10);
    }
    engine.set('after:rewrite', '1');
    engine.close();
    const files = logFiles(dir);
    assert.deepEqual(files.map((f) => f.base), [true, false], 'the rewrite made the log [base, incr]');
    const base = files[0].path;
    assert.equal(runCheckAof([base]).status, 0);
    assert.match(lineAbout(runCheckAof([base]), base), /ok: base file \(a snapshot\), 2 keys/);

    const size = statSync(base).size;
    const damaged = flipByte(base, size >> 1);
    // The last incr file cut short too: fixable alone, but --fix must not
    // touch it while the base cannot be repaired.
    const incrWhole = readFileSync(files[1].path);
    writeCut(files[1].path, incrWhole, incrWhole.length - 3);
    const incrBefore = readFileSync(files[1].path);
    for (const args of [[manifestPath(dir)], ['--fix', manifestPath(dir)], [base], ['--fix', base]]) {
      const cli = runCheckAof(args);
      assert.equal(cli.status, 1, `${args}: ${cli.stdout}${cli.stderr}`);
      assert.match(lineAbout(cli, base), /: corrupt at offset \d+: /);
      assert.match(cli.stdout, /not fixable: a base file is the data every incr file of the log applies to/);
      if (args.includes(manifestPath(dir))) {
        assert.match(lineAbout(cli, files[1].path), /: truncated at offset \d+: /);
        assert.match(cli.stdout, /not fixable now: --fix could cut this file, but it changes nothing while the log has damage it cannot repair/);
      }
      assert.deepEqual(readFileSync(base), damaged, `${args}: the base is not touched`);
      assert.deepEqual(readFileSync(files[1].path), incrBefore, `${args}: the incr file is not touched`);
    }
    assert.throws(
      () => openLog(dir),
      (err) => err instanceof EmberError && err.message.includes(base) && /offset \d+/.test(err.message),
    );
  });

  test('damage in an incr file that is not the last: reported, not fixable (exit 1); the Engine refuses naming it; the last one stays fixable', () => {
    // A rewrite that has not ended when the engine closes (no upkeep reaps
    // the child) leaves the log [base, old incr, new incr].
    const dir = path.join(root, 'two-incr');
    mkdirSync(dir);
    const engine = openLog(dir);
    for (let i = 0; i < 5; i++) engine.set(`first:${i}`, `v${i}`);
    assert.match(String(engine.call('BGREWRITEAOF')), /rewriting started/);
    for (let i = 0; i < 5; i++) engine.set(`second:${i}`, `v${i}`);
    engine.close();
    const files = logFiles(dir);
    assert.deepEqual(files.map((f) => f.base), [true, false, false], 'the log is [base, incr, incr]');
    const [, first, second] = files;
    const firstBytes = readFileSync(first.path);
    const fb = recordBoundaries(firstBytes);
    assert.equal(fb.length, 6);
    const good = path.join(root, 'two-incr-good');
    cpSync(dir, good, { recursive: true });
    const restore = () => cpSync(good, dir, { recursive: true });

    const ok = runCheckAof([manifestPath(dir)]);
    assert.equal(ok.status, 0, ok.stdout);
    assert.equal(ok.lines.length, 4, 'the manifest and its three files');

    // Corrupt (a payload byte of record 2) and truncated (cut inside record 3).
    const damages = [
      { what: 'corrupt', offset: fb[2], damage: () => flipByte(first.path, fb[2] + 9) },
      { what: 'truncated', offset: fb[3], damage: () => writeCut(first.path, firstBytes, fb[3] + 5) },
    ];
    for (const { what, offset, damage } of damages) {
      restore();
      damage();
      const damaged = readFileSync(first.path);
      for (const args of [[manifestPath(dir)], ['--fix', manifestPath(dir)], [first.path], ['--fix', first.path]]) {
        const cli = runCheckAof(args);
        assert.equal(cli.status, 1, `${args}: ${cli.stdout}`);
        assert.match(lineAbout(cli, first.path), new RegExp(`: ${what} at offset ${offset}: `));
        assert.match(cli.stdout, new RegExp(`not fixable: only the last incr file of a log can be fixed, and ${second.name} comes after it`));
        assert.deepEqual(readFileSync(first.path), damaged, `${args}: not touched`);
      }
      assert.throws(
        () => openLog(dir),
        (err) => err instanceof EmberError && err.message.includes(first.path) && err.message.includes(`offset ${offset}`),
        what,
      );
    }

    // The same damage in the last file is fixable from the manifest.
    restore();
    const secondBytes = readFileSync(second.path);
    const sb = recordBoundaries(secondBytes);
    flipByte(second.path, sb[3] + 2);
    const cli = runCheckAof(['--fix', manifestPath(dir)]);
    assert.equal(cli.status, 0, cli.stdout);
    assert.match(cli.stdout, new RegExp(`fixed: cut at offset ${sb[3]}: kept 3 records`));
    assert.deepEqual(readFileSync(second.path), secondBytes.subarray(0, sb[3]));
    const reopened = openLog(dir);
    assert.deepEqual(reopened.call('KEYS', 'second:*').sort(), ['second:0', 'second:1', 'second:2']);
    assert.equal(reopened.call('DBSIZE'), 8);
    reopened.close();
  });

  describe('the bin (a child process): output and exit codes', () => {
    test('an intact log: one ok line per file with records / keys and sizes, exit 0', () => {
      const { dir, incr } = copyLog();
      const cli = runCheckAof([manifestPath(dir)]);
      assert.equal(cli.status, 0, cli.stderr);
      assert.equal(cli.stderr, '');
      const files = logFiles(dir);
      assert.deepEqual(cli.lines, [
        `${manifestPath(dir)}: ok: manifest listing 2 files`,
        `${files[0].path}: ok: base file (a snapshot), 0 keys, ${statSync(files[0].path).size} bytes`,
        `${incr}: ok: incr file, ${N} records, ${bytes.length} bytes`,
      ]);
      const single = runCheckAof([incr]);
      assert.equal(single.status, 0);
      assert.deepEqual(single.lines, [`${incr}: ok: incr file, ${N} records, ${bytes.length} bytes`]);
    });

    test('a truncated tail: exit 1 with where the good records end; --fix cuts it (exit 0), then ok', () => {
      const { dir, incr } = copyLog();
      const cut = b[N - 1] + 10;
      writeCut(incr, bytes, cut);
      const cli = runCheckAof([manifestPath(dir)]);
      assert.equal(cli.status, 1);
      const line = lineAbout(cli, incr);
      assert.match(line, new RegExp(`: truncated at offset ${b[N - 1]}: `));
      assert.ok(line.includes(`${N - 1} good records before it, ending at offset ${b[N - 1]}; 10 of ${cut} bytes after that`), line);
      assert.match(cli.stdout, /fixable: the last record is incomplete/);
      assert.equal(statSync(incr).size, cut, 'no --fix, no change');

      const fix = runCheckAof(['--fix', incr]);
      assert.equal(fix.status, 0, fix.stdout);
      assert.match(fix.stdout, new RegExp(`fixed: cut at offset ${b[N - 1]}: kept ${N - 1} records \\(${b[N - 1]} bytes\\), dropped 10 bytes`));
      assert.equal(statSync(incr).size, b[N - 1]);
      const again = runCheckAof([incr]);
      assert.equal(again.status, 0);
      assert.deepEqual(again.lines, [`${incr}: ok: incr file, ${N - 1} records, ${b[N - 1]} bytes`]);
    });

    test('a corrupt record: exit 1 naming offset and reason; --fix cuts before it', () => {
      const { dir, incr } = copyLog();
      const m = 5;
      flipByte(incr, b[m + 1] - 1); // the checksum's last byte
      const cli = runCheckAof([incr]);
      assert.equal(cli.status, 1);
      assert.match(lineAbout(cli, incr), new RegExp(`: corrupt at offset ${b[m]}: checksum mismatch; ${m} good records before it, ending at offset ${b[m]}`));
      assert.match(cli.stdout, /fixable: --fix cuts the file at offset/);
      const fix = runCheckAof(['--fix', manifestPath(dir)]);
      assert.equal(fix.status, 0, fix.stdout);
      assert.match(fix.stdout, new RegExp(`fixed: cut at offset ${b[m]}: kept ${m} records \\(${b[m]} bytes\\), dropped ${bytes.length - b[m]} bytes`));
      assert.equal(runCheckAof([manifestPath(dir)]).status, 0);
    });

    test('a cut inside the file header: --fix writes the header again', () => {
      const { incr } = copyLog();
      writeCut(incr, bytes, 5);
      const cli = runCheckAof([incr]);
      assert.equal(cli.status, 1);
      assert.match(lineAbout(cli, incr), /: truncated at offset 0: the file header is incomplete/);
      const fix = runCheckAof(['--fix', incr]);
      assert.equal(fix.status, 0, fix.stdout);
      assert.match(fix.stdout, /fixed: the file was cut inside its header; wrote the 12-byte header again/);
      assert.deepEqual(readFileSync(incr), bytes.subarray(0, AOF_HEADER_BYTES));
    });

    test('what a file is comes from its bytes, not its name', () => {
      const { dir, incr } = copyLog();
      const files = logFiles(dir);
      const odd = path.join(dir, 'odd');
      mkdirSync(odd);
      copyFileSync(incr, path.join(odd, 'mystery'));
      copyFileSync(files[0].path, path.join(odd, 'looks-like.incr.aof'));
      copyFileSync(manifestPath(dir), path.join(odd, 'list.txt'));
      let cli = runCheckAof([path.join(odd, 'mystery')]);
      assert.equal(cli.status, 0);
      assert.match(cli.stdout, new RegExp(`ok: incr file, ${N} records`));
      cli = runCheckAof([path.join(odd, 'looks-like.incr.aof')]);
      assert.equal(cli.status, 0);
      assert.match(cli.stdout, /ok: snapshot, 0 keys/);
      cli = runCheckAof([path.join(odd, 'list.txt')]);
      assert.match(cli.stdout, /ok: manifest listing 2 files/);
      assert.equal(cli.status, 1, 'the files it lists are not next to it');
      assert.match(cli.stdout, /missing: list\.txt lists it, but there is no such file/);
    });

    test('a snapshot file (dump.emb): ok with its key count; damaged: exit 1, not fixable', () => {
      const dir = path.join(root, 'dump');
      mkdirSync(dir);
      const engine = new Engine({ dir, backgroundUpkeep: false });
      engine.set('a', '1');
      engine.call('RPUSH', 'l', 'x', 'y');
      engine.call('HSET', 'h', 'f', 'v');
      engine.save();
      engine.close();
      const dump = path.join(dir, 'dump.emb');
      let cli = runCheckAof([dump]);
      assert.equal(cli.status, 0);
      assert.deepEqual(cli.lines, [`${dump}: ok: snapshot, 3 keys, ${statSync(dump).size} bytes`]);
      const damaged = flipByte(dump, statSync(dump).size - 3);
      cli = runCheckAof(['--fix', dump]);
      assert.equal(cli.status, 1);
      assert.match(lineAbout(cli, dump), /: corrupt at offset \d+: checksum mismatch/);
      assert.match(cli.stdout, /not fixable: a snapshot loads whole or not at all/);
      assert.deepEqual(readFileSync(dump), damaged);
      writeFileSync(dump, damaged.subarray(0, 20));
      assert.match(lineAbout(runCheckAof([dump]), dump), /: truncated at offset \d+: /);
    });

    test('a damaged manifest: exit 1', () => {
      const { dir } = copyLog();
      const text = readFileSync(manifestPath(dir), 'utf8');
      writeFileSync(manifestPath(dir), text.replace('type i', 'type x'));
      let cli = runCheckAof([manifestPath(dir)]);
      assert.equal(cli.status, 1);
      assert.match(cli.stdout, /: corrupt manifest: line 2: bad type \(b or i\)/);
      writeFileSync(manifestPath(dir), text.slice(0, -3));
      cli = runCheckAof([manifestPath(dir)]);
      assert.equal(cli.status, 1);
      assert.match(cli.stdout, /line 2: the last line does not end with a newline/);
    });

    test('usage errors and unreadable files: exit 2, message on stderr; --help: exit 0', () => {
      const help = runCheckAof(['--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /^Usage: emberkv-check-aof \[--fix\] FILE/);
      assert.match(help.stdout, /cut AT ONCE, without asking/);
      assert.equal(runCheckAof(['-h']).status, 0);
      const { dir, incr } = copyLog();
      for (const [args, message] of [
        [[], /no FILE given/],
        [['--frobnicate', incr], /unknown option '--frobnicate'/],
        [[incr, incr], /give one FILE/],
        [[path.join(dir, 'no-such-file')], /cannot read .*no-such-file/],
        [[dir], /is a directory/],
      ]) {
        const cli = runCheckAof(args);
        assert.equal(cli.status, 2, `${args}`);
        assert.match(cli.stderr, message, `${args}`);
        assert.equal(cli.stdout, '', `${args}`);
      }
      const other = path.join(dir, 'notes.txt');
      writeFileSync(other, 'hello\n');
      const cli = runCheckAof([other]);
      assert.equal(cli.status, 2);
      assert.match(cli.stderr, /is not an emberkv file/);
    });
  });
});
