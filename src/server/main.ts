#!/usr/bin/env node
/**
 * emberkv-server: the gRPC server process (see server.ts; settings in
 * options.ts). Logs are JSON lines (pino) on stdout. SIGTERM and SIGINT
 * stop it gracefully: no new calls, in-flight calls drain, then exit 0.
 */
import pino from 'pino';
import { Engine } from '../engine.js';
import { parseSettings, USAGE, UsageError } from './options.js';
import { startServer } from './server.js';

/** The parameter names CONFIG GET knows, lower case. */
function storeParameters(): Set<string> {
  const probe = new Engine({ backgroundUpkeep: false });
  try {
    const reply = probe.call('CONFIG', 'GET', '*') as string[];
    return new Set(reply.filter((_, i) => i % 2 === 0));
  } finally {
    probe.close();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  let settings;
  try {
    settings = parseSettings(argv, process.env, storeParameters());
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`emberkv-server: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const log = pino({ name: 'emberkv-server', level: settings.logLevel });
  let server;
  try {
    server = await startServer(settings, log);
  } catch (err) {
    log.fatal({ error: (err as Error).message }, 'emberkv-server could not start');
    process.exitCode = 1;
    return;
  }
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
