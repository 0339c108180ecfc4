// Starts the real emberkv-server process (dist/server/main.js) on a free
// loopback port, for integration tests, and stops it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const MAIN = path.join(import.meta.dirname, '..', '..', 'dist', 'server', 'main.js');

/**
 * Resolves once the server logs that it listens: { port, address, respPort,
 * logs, process, stop(signal) } where respPort is the RESP listener's TCP
 * port when `args` ask for one (--resp-port 0: any free port; else
 * undefined), logs is every JSON log line so far and
 * stop() resolves with the exit code. `detached`: the server gets a process
 * group of its own, so a Ctrl-C in the terminal reaches the caller only,
 * which then stops the server when it is ready to.
 */
export async function startGrpcServer(args = [], env = {}, { detached = false } = {}) {
  const child = spawn(process.execPath, [MAIN, '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  const logs = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const resp = args.includes('--resp-port') || args.includes('--unixsocket');
  let port;
  const respPort = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'emberkv-server listening') {
        port = entry.port;
        if (!resp) resolve(undefined);
      }
      if (entry.msg === 'emberkv-server listening for RESP') resolve(entry.respPort);
    });
    exited.then((code) => {
      const logged = logs.map((l) => l.error ?? l.msg).join('\n');
      reject(new Error(`emberkv-server exited (${code}) before listening:\n${stderr}${logged}`));
    });
  });
  return {
    port,
    respPort: respPort === -1 ? undefined : respPort,
    address: `127.0.0.1:${port}`,
    logs,
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
