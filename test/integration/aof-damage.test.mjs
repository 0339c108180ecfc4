// A damaged append-only log and the real server process (emberkv-server
// with --appendonly yes): a truncated last record is dropped with a warn
// log line and the good records are served; a corrupted record stops
// startup (non-zero exit, the file and offset in the output) until
// emberkv-check-aof --fix cuts the log before it; a damaged base file
// stops startup and --fix refuses to touch it.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import {
  dumpData,
  flipByte,
  lastIncr,
  lineAbout,
  logFiles,
  manifestPath,
  recordBoundaries,
  runCheckAof,
  runServerToExit,
  writeCut,
} from '../support/aof-files.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const WARN = 40; // pino's level number
const serverArgs = (dir) => ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'];

/** Writes through the server, each one record: every type, binary data, a TTL, a transaction. */
const WRITES = [
  (c) => c.call('SET', 's:plain', 'hello'),
  (c) => c.callBuffer('SET', Buffer.from([0, 1, 255]), Buffer.from([255, 0, 10, 13])),
  (c) => c.call('SET', 's:ttl', 'soon', 'PX', 600_000),
  (c) => c.call('RPUSH', 'l:list', 'a', 'b', 'c'),
  (c) => c.call('HSET', 'h:hash', 'f1', 'v1', 'f2', 'v2'),
  (c) => c.call('SADD', 'z:set', 'x', 'y', '3'),
  (c) => c.call('ZADD', 'z:zset', 1.5, 'one', -2, 'two'),
  (c) => c.exec([['SET', 'tx:a', '1'], ['INCR', 'tx:n'], ['LPOP', 'l:list']]),
  (c) => c.call('INCRBY', 's:counter', 7),
  (c) => c.call('SET', 's:last', 'end'),
];
const N = WRITES.length;

describe('a damaged append-only log and emberkv-server', () => {
  let root;
  let pristine;
  let incrName;
  let bytes;
  let b; // record boundaries of the last incr file
  const states = [];
  let cases = 0;

  const copyLog = () => {
    const dir = path.join(root, `case-${cases++}`);
    cpSync(pristine, dir, { recursive: true });
    return { dir, incr: path.join(dir, incrName) };
  };

  // Servers a failed test left running are stopped after it.
  const running = [];
  afterEach(async () => {
    for (const { server, client } of running.splice(0)) {
      await client.close().catch(() => {});
      await server.stop('SIGKILL');
    }
  });

  /** Starts the server on `dir`: { server, client, data }. */
  async function serve(dir) {
    const server = await startGrpcServer(serverArgs(dir));
    const client = new Client({ address: server.address });
    running.push({ server, client });
    const data = await dumpData((...args) => client.callBuffer(...args));
    return { server, client, data };
  }

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'emberkv-aof-damage-'));
    pristine = path.join(root, 'pristine');
    mkdirSync(pristine);
    const server = await startGrpcServer(serverArgs(pristine));
    const client = new Client({ address: server.address });
    const dump = () => dumpData((...args) => client.callBuffer(...args));
    states.push(await dump());
    for (const write of WRITES) {
      await write(client);
      states.push(await dump());
    }
    await client.close();
    assert.equal(await server.stop(), 0);
    const incr = lastIncr(pristine);
    incrName = path.relative(pristine, incr);
    bytes = readFileSync(incr);
    b = recordBoundaries(bytes);
    assert.equal(b.length, N + 1, 'one record per write');
    for (let k = 0; k < N; k++) assert.notDeepEqual(states[k + 1], states[k], `write ${k} changes the data`);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a truncated last record: the server starts, logs a warning with the dropped bytes, serves the good records', async () => {
    const { dir, incr } = copyLog();
    const cut = b[N - 1] + 7;
    writeCut(incr, bytes, cut);

    const { server, client, data } = await serve(dir);
    const warnings = server.logs.filter((l) => l.level === WARN);
    assert.equal(warnings.length, 1, JSON.stringify(server.logs));
    assert.ok(warnings[0].msg.includes(incr), warnings[0].msg);
    assert.ok(warnings[0].msg.includes(`truncated at offset ${b[N - 1]}`), warnings[0].msg);
    assert.ok(warnings[0].msg.includes('its last 7 bytes dropped'), warnings[0].msg);
    const loaded = server.logs.find((l) => l.msg === 'append-only file loaded');
    assert.equal(loaded?.records, N - 1);
    assert.deepEqual(data, states[N - 1], 'every record but the cut one');

    // Writes go on after the good records.
    await client.call('SET', 'after:cut', 'yes');
    await client.close();
    assert.equal(await server.stop(), 0);
    const check = runCheckAof([manifestPath(dir)]);
    assert.equal(check.status, 0, check.stdout);
    assert.match(lineAbout(check, incr), new RegExp(`ok: incr file, ${N} records`));

    const again = await serve(dir);
    assert.deepEqual(again.server.logs.filter((l) => l.level === WARN), []);
    assert.equal(await again.client.call('GET', 'after:cut'), 'yes');
    await again.client.close();
    await again.server.stop();
  });

  test('a corrupted record: the server exits non-zero naming file and offset; after emberkv-check-aof --fix it starts with the records before it', async () => {
    const { dir, incr } = copyLog();
    const m = 4;
    flipByte(incr, b[m] + 10); // a payload byte

    const failed = await runServerToExit(serverArgs(dir));
    assert.equal(failed.listening, false, 'it does not start');
    assert.notEqual(failed.code, 0);
    const output = failed.stdout + failed.stderr;
    assert.ok(output.includes(incr), `the output names the file:\n${output}`);
    assert.ok(output.includes(`corrupt at offset ${b[m]}`), `the output names the offset:\n${output}`);
    assert.ok(failed.logs.some((l) => l.msg === 'emberkv-server could not start' && l.error.includes(incr)));

    const check = runCheckAof([manifestPath(dir)]);
    assert.equal(check.status, 1);
    assert.match(lineAbout(check, incr), new RegExp(`: corrupt at offset ${b[m]}: checksum mismatch; ${m} good records before it`));

    const fix = runCheckAof(['--fix', manifestPath(dir)]);
    assert.equal(fix.status, 0, fix.stdout + fix.stderr);
    assert.match(fix.stdout, new RegExp(`fixed: cut at offset ${b[m]}: kept ${m} records`));
    assert.equal(statSync(incr).size, b[m]);

    const { server, client, data } = await serve(dir);
    assert.deepEqual(server.logs.filter((l) => l.level === WARN), []);
    assert.deepEqual(data, states[m], 'the records before the damaged one');
    await client.close();
    assert.equal(await server.stop(), 0);
  });

  test('a damaged base file: the server exits naming it; --fix refuses (exit 1) and changes nothing', async () => {
    const { dir } = copyLog();
    // A rewrite makes a base file holding the data.
    let { server, client } = await serve(dir);
    assert.match(await client.call('BGREWRITEAOF'), /rewriting started/);
    const deadline = Date.now() + 20_000;
    while (!/aof_rewrite_in_progress:0/.test(await client.call('INFO', 'persistence'))) {
      assert.ok(Date.now() < deadline, 'the rewrite ends');
      await sleep(20);
    }
    await client.call('SET', 'after:rewrite', '1');
    await client.close();
    assert.equal(await server.stop(), 0);
    const files = logFiles(dir);
    assert.deepEqual(files.map((f) => f.base), [true, false]);
    const base = files[0].path;
    assert.ok(statSync(base).size > 50, 'the base holds the data');

    const damaged = flipByte(base, statSync(base).size >> 1);
    const failed = await runServerToExit(serverArgs(dir));
    assert.equal(failed.listening, false);
    assert.notEqual(failed.code, 0);
    assert.ok(failed.stdout.includes(base), failed.stdout + failed.stderr);
    assert.match(failed.stdout, /offset \d+/);

    const fix = runCheckAof(['--fix', manifestPath(dir)]);
    assert.equal(fix.status, 1);
    // A flipped byte inside a length reads as a record running past the end
    // ("truncated"); anywhere else as a checksum or format error ("corrupt").
    assert.match(lineAbout(fix, base), /: (corrupt|truncated) at offset \d+: /);
    assert.match(fix.stdout, /not fixable: a base file/);
    assert.deepEqual(readFileSync(base), damaged);
    assert.equal((await runServerToExit(serverArgs(dir))).listening, false, 'still refused');
  });
});
