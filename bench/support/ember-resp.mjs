// Starts emberkv-server (dist/server/main.js) with its RESP listener on a
// free loopback port (`--port 0 --resp-port <port>`), for benchmarks that
// drive it with Redis tools, and waits until that port answers PING. A
// server that does not start, or whose RESP port never answers, fails
// with the server's stderr and logs in the error, so a build without the
// RESP listener says so plainly.
import * as net from 'node:net';
import { startGrpcServer } from '../../test/support/grpc-server.mjs';
import { RespClient } from '../../test/support/resp-client.mjs';

/** A loopback port that was free a moment ago (the OS picks it). */
export function freePort() {
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

/** PINGs 127.0.0.1:port until PONG; false if none came before the deadline or the process exited. */
async function answersPing(port, child, timeoutMs) {
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
    await sleep(50);
  }
  return false;
}

/**
 * Resolves with { port (RESP), grpcPort, stop() }. `args` are more
 * emberkv-server flags.
 */
export async function startEmberResp(args = []) {
  const port = await freePort();
  let server;
  try {
    server = await startGrpcServer(['--resp-port', String(port), ...args]);
  } catch (err) {
    throw new Error(`emberkv-server did not start with --resp-port ${port} (is the RESP listener built?):\n${err.message}`);
  }
  if (!(await answersPing(port, server.process, 10_000))) {
    const logs = server.logs.map((l) => JSON.stringify(l)).join('\n');
    await server.stop();
    throw new Error(`emberkv-server started, but its RESP port ${port} never answered PING; its logs:\n${logs}`);
  }
  return { port, grpcPort: server.port, stop: () => server.stop() };
}
