/**
 * Starts a throwaway redis-server for tests: found on PATH, bound to
 * 127.0.0.1 on a free port, no persistence (`--save '' --appendonly no`),
 * working in a fresh temp dir. `stop()` kills it and removes the dir; it is
 * also killed when this process exits, so a failing test never leaks one.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RespClient } from './resp-client.mjs';

/** The absolute path of redis-server on PATH, or null. */
export function findRedisServer() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'redis-server');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Whether redis-server is on PATH. */
export function hasRedisServer() {
  return findRedisServer() !== null;
}

/** A loopback port that was free a moment ago (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** PINGs until the server answers PONG; false if it never does. */
async function waitForPing(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const client = await RespClient.connect(port);
      try {
        if ((await client.send('PING')) === 'PONG') return true;
      } finally {
        client.close();
      }
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  return false;
}

/**
 * Starts redis-server; resolves with { port, binary, log(), connect(), stop() }.
 * Retries on a new port if the chosen one was taken in the meantime.
 */
export async function startRedisServer({ extraArgs = [], attempts = 5 } = {}) {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server not found on PATH');
  let lastLog = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emberkv-redis-'));
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', dir, '--daemonize', 'no', '--protected-mode', 'no', ...extraArgs,
    ];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    const clients = new Set();

    const stop = async () => {
      for (const c of clients) c.close();
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    };

    if (await waitForPing(port, child, 10_000)) {
      return {
        port,
        pid: child.pid,
        binary,
        log: () => log,
        async connect() {
          const client = await RespClient.connect(port);
          clients.add(client);
          return client;
        },
        stop,
      };
    }
    lastLog = log;
    await stop();
  }
  throw new Error(`redis-server did not start after ${attempts} attempts; last log:\n${lastLog}`);
}
