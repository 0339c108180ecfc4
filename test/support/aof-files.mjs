// Helpers for the append-only log damage tests (test/unit/check-aof.test.mjs,
// test/integration/aof-damage.test.mjs): the log's files on disk, record
// boundaries found by walking the framing of native/core/aof_record.h
// independently of the native scanner, byte surgery, the
// emberkv-check-aof bin as a child process, and a canonical dump of a
// store's data to compare what a load kept.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, truncateSync } from 'node:fs';
import path from 'node:path';

export const CHECK_AOF = path.join(import.meta.dirname, '..', '..', 'dist', 'check-aof', 'main.js');
const SERVER = path.join(import.meta.dirname, '..', '..', 'dist', 'server', 'main.js');

/** Size of an incr file's header: "EMBERAOF" and the u32 version. */
export const AOF_HEADER_BYTES = 12;

/** The log's directory under `dir` (the default appenddirname). */
export const logDir = (dir) => path.join(dir, 'appendonlydir');
export const manifestPath = (dir) => path.join(logDir(dir), 'appendonly.aof.manifest');

/** The files the manifest lists, in order: [{ name, path, base }]. */
export function logFiles(dir) {
  const text = readFileSync(manifestPath(dir), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, name, , , , type] = line.split(' ');
      return { name, path: path.join(logDir(dir), name), base: type === 'b' };
    });
}

/** The path of the log's last incr file. */
export function lastIncr(dir) {
  const files = logFiles(dir);
  const last = files.at(-1);
  assert.equal(last.base, false, 'the log ends with an incr file');
  return last.path;
}

/**
 * Walks an incr file's framing (u32 len, u32 ~len, payload, u64 crc) and
 * returns the record boundaries: [12, end of record 1, ..., end of the
 * last record]. The file must be whole and well framed (the CRC is not
 * checked here: that is the scanner's job under test).
 */
export function recordBoundaries(bytes) {
  assert.equal(bytes.subarray(0, 8).toString('latin1'), 'EMBERAOF');
  assert.equal(bytes.readUInt32LE(8), 1);
  const boundaries = [AOF_HEADER_BYTES];
  let offset = AOF_HEADER_BYTES;
  while (offset < bytes.length) {
    assert.ok(offset + 8 <= bytes.length, `a record header at ${offset}`);
    const len = bytes.readUInt32LE(offset);
    assert.equal((len ^ bytes.readUInt32LE(offset + 4)) >>> 0, 0xffffffff, `the length at ${offset} and its complement`);
    offset += 8 + len + 8;
    assert.ok(offset <= bytes.length, 'the last record is whole');
    boundaries.push(offset);
  }
  return boundaries;
}

/** The length field of the record starting at `start`. */
export const payloadLength = (bytes, start) => bytes.readUInt32LE(start);

/** Writes `bytes` cut to `length` over `file`. */
export function writeCut(file, bytes, length) {
  writeFileSync(file, bytes.subarray(0, length));
}

/** Flips every bit of the byte at `offset` of `file`; returns the file's bytes after. */
export function flipByte(file, offset) {
  const bytes = readFileSync(file);
  bytes[offset] ^= 0xff;
  writeFileSync(file, bytes);
  return bytes;
}

export function cutFile(file, length) {
  truncateSync(file, length);
}

/** Runs emberkv-check-aof with `args`: { status, stdout, stderr, lines }. */
export function runCheckAof(args) {
  const result = spawnSync(process.execPath, [CHECK_AOF, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.split('\n').filter(Boolean) };
}

/** The stdout line of `report` about `file` (the path as printed). */
export function lineAbout(result, file) {
  const line = result.lines.find((l) => l.startsWith(`${file}: `));
  assert.ok(line, `a line about ${file} in:\n${result.stdout}${result.stderr}`);
  return line;
}

/**
 * Runs `fn` (sync or async) with the process's warnings collected instead
 * of printed; returns [result, warnings]. emitWarning delivers on the next
 * tick, so this waits a turn before collecting.
 */
export async function collectWarnings(fn) {
  const defaults = process.listeners('warning');
  for (const listener of defaults) process.off('warning', listener);
  const warnings = [];
  const listener = (warning) => warnings.push(warning);
  process.on('warning', listener);
  try {
    const result = await fn();
    await new Promise((resolve) => setImmediate(resolve));
    return [result, warnings];
  } finally {
    process.off('warning', listener);
    for (const l of defaults) process.on('warning', l);
  }
}

const hex = (b) => Buffer.from(b).toString('hex');

/**
 * Every key of database 0 with its type, value and expiry time, in a
 * canonical form (binary-safe: bytes as hex), through `callBuffer(cmd,
 * ...args)`, which may return a promise (a Client) or not (an Engine).
 */
export async function dumpData(callBuffer) {
  const text = async (...args) => {
    const reply = await callBuffer(...args);
    return Buffer.isBuffer(reply) ? reply.toString('latin1') : reply;
  };
  const keys = (await callBuffer('KEYS', '*')).map(hex).sort();
  const data = {};
  for (const k of keys) {
    const key = Buffer.from(k, 'hex');
    const type = await text('TYPE', key);
    let value;
    if (type === 'string') value = hex(await callBuffer('GET', key));
    else if (type === 'list') value = (await callBuffer('LRANGE', key, 0, -1)).map(hex);
    else if (type === 'set') value = (await callBuffer('SMEMBERS', key)).map(hex).sort();
    else if (type === 'zset') value = (await callBuffer('ZRANGE', key, 0, -1, 'WITHSCORES')).map(hex);
    else if (type === 'hash') {
      const flat = (await callBuffer('HGETALL', key)).map(hex);
      const pairs = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
      value = pairs.sort();
    } else value = `unexpected type ${type}`;
    data[k] = { type, value, expireAt: Number(await callBuffer('PEXPIRETIME', key)) };
  }
  return data;
}

/**
 * Runs emberkv-server with `args` until it exits or logs that it
 * listens (then it is stopped): { code, listening, stdout, stderr, logs }.
 */
export function runServerToExit(args, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let listening = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`emberkv-server neither exited nor listened within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!listening && stdout.includes('"emberkv-server listening"')) {
        listening = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const logs = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          try {
            return JSON.parse(line);
          } catch {
            return { msg: line };
          }
        });
      resolve({ code: code ?? signal, listening, stdout, stderr, logs });
    });
  });
}
