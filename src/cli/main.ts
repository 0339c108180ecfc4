#!/usr/bin/env node
/**
 * emberkv-cli: redis-cli for emberkv-server, over gRPC.
 *
 *   emberkv-cli SET k v           one command, the reply printed as redis-cli would
 *   emberkv-cli                   an interactive prompt, with history
 *
 * Replies print in redis-cli's TTY form on a terminal and in its raw form
 * when the output is piped (--raw / --no-raw choose). History is kept in
 * ~/.emberkv_cli_history (EMBERKV_CLI_HISTFILE names another file).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Client, type ClientTlsOptions } from '../client/index.js';
import { EmberError } from '../errors.js';
import { formatRaw, formatTTY } from './format.js';
import { splitArgs } from './split.js';
import { TransactionSession } from './transaction.js';

const USAGE = `Usage: emberkv-cli [-h host] [-p port] [-n db] [--user NAME] [-a SECRET]
                   [--tls [--cacert FILE] [--cert FILE --key FILE] [--sni NAME]]
                   [--raw | --no-raw] [command [arg ...]]

  -h HOST       server host (default 127.0.0.1)
  -p PORT       server port (default 7379)
  -n DB         database number, 0 to 15 (default 0): every command runs there
  --user NAME   the ACL user to run as (needs -a)
  -a, --pass SECRET
                the user's secret (without --user: the default user's);
                EMBERKV_AUTH in the environment does the same, without
                showing the secret in the process list
  --tls         connect with TLS (the server's certificate checked against
                the system's roots, or --cacert)
  --cacert FILE PEM CA certificate(s) the server's certificate must be signed by
  --cert FILE   PEM client certificate, for a server that verifies clients
  --key FILE    PEM private key of --cert
  --sni NAME    the name the server's certificate must carry (default: HOST)
  --raw         print replies raw (the default when output is not a terminal)
  --no-raw      print replies formatted (the default on a terminal)

--cacert, --cert, --key and --sni imply --tls.

Without a command, starts an interactive prompt ('quit' or Ctrl-D leaves).
`;

interface Options {
  host: string;
  port: string;
  db: number;
  tls: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  sni?: string;
  user?: string;
  pass?: string;
  raw: boolean;
  command: string[];
}

function parseOptions(argv: string[]): Options | string {
  const options: Options = { host: '127.0.0.1', port: '7379', db: 0, tls: false, raw: !process.stdout.isTTY, command: [] };
  if (process.env['EMBERKV_AUTH'] !== undefined) options.pass = process.env['EMBERKV_AUTH'];
  const tlsFlags = { '--cacert': 'cacert', '--cert': 'cert', '--key': 'key', '--sni': 'sni' } as const;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '-p') {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      if (arg === '-h') options.host = value;
      else options.port = value;
    } else if (arg === '-n') {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      // The server's 16 databases: checked here so a typo is a usage error,
      // not a refusal of every command.
      if (!/^\d+$/.test(value) || Number(value) > 15) return `-n must be a database number from 0 to 15, got '${value}'`;
      options.db = Number(value);
    } else if (arg === '--user' || arg === '-a' || arg === '--pass') {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      if (arg === '--user') options.user = value;
      else options.pass = value;
    } else if (arg === '--tls') {
      options.tls = true;
    } else if (Object.hasOwn(tlsFlags, arg)) {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      options[tlsFlags[arg as keyof typeof tlsFlags]] = value;
      options.tls = true;
    } else if (arg === '--raw') {
      options.raw = true;
    } else if (arg === '--no-raw') {
      options.raw = false;
    } else if (arg === '--help') {
      return '';
    } else {
      options.command = argv.slice(i);
      break;
    }
  }
  if ((options.cert === undefined) !== (options.key === undefined)) return '--cert and --key go together';
  return options;
}

/**
 * Runs one command (at the prompt, transaction commands go through
 * `session`); the reply as printed (an error reply included, as redis-cli
 * prints it).
 */
async function run(client: Client, args: (string | Buffer)[], raw: boolean, session?: TransactionSession): Promise<string> {
  const [name, ...rest] = args;
  let reply = await session?.handle(client, args);
  if (reply === undefined) {
    try {
      reply = await client.callBuffer(name as string, ...rest);
    } catch (err) {
      if (!(err instanceof EmberError)) throw err;
      reply = err;
    }
  }
  return raw ? formatRaw(reply) : formatTTY(reply);
}

function connectionFailure(options: Options, err: unknown): string {
  const details = (err as { details?: string }).details ?? (err as Error).message;
  return `Could not connect to emberkv-server at ${options.host}:${options.port}: ${details}`;
}

async function interactive(client: Client, options: Options): Promise<void> {
  const historyFile = process.env.EMBERKV_CLI_HISTFILE ?? path.join(homedir(), '.emberkv_cli_history');
  let history: string[] = [];
  try {
    history = readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 1000);
  } catch {
    // no history yet
  }
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    // As redis-cli's prompt: the database shown when it is not 0.
    prompt: `${options.host}:${options.port}${options.db ? `[${options.db}]` : ''}> `,
    history,
    historySize: 1000,
    terminal: process.stdin.isTTY && process.stdout.isTTY,
  });
  const session = new TransactionSession();
  rl.prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (trimmed === 'quit' || trimmed === 'exit') break;
    if (trimmed !== '') {
      try {
        appendFileSync(historyFile, `${trimmed}\n`);
      } catch {
        // a read-only home is no reason to stop
      }
      const args = splitArgs(trimmed);
      if (args === null) {
        process.stdout.write('Invalid argument(s)\n');
      } else {
        try {
          process.stdout.write(`${await run(client, args, options.raw, session)}\n`);
        } catch (err) {
          process.stdout.write(`${connectionFailure(options, err)}\n`);
        }
      }
    }
    rl.prompt();
  }
  rl.close();
}

/**
 * grpc-js names the host as the TLS server name even when it is an IP
 * address (127.0.0.1, the default host), which Node answers with a
 * DEP0123 warning on stderr; the CLI's output is not the place for it.
 */
function silenceIpServerNameWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' ? (rest[0] as { code?: string } | null)?.code : rest[1];
    if (code === 'DEP0123') return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (typeof options === 'string') {
    if (options) process.stderr.write(`emberkv-cli: ${options}\n\n`);
    process.stdout.write(USAGE);
    process.exitCode = options ? 2 : 0;
    return;
  }
  let tls: ClientTlsOptions | undefined;
  if (options.tls) {
    tls = {};
    try {
      if (options.cacert !== undefined) tls.ca = readFileSync(options.cacert);
      if (options.cert !== undefined) tls.cert = readFileSync(options.cert);
      if (options.key !== undefined) tls.key = readFileSync(options.key);
    } catch (err) {
      process.stderr.write(`emberkv-cli: ${(err as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    if (options.sni !== undefined) tls.servername = options.sni;
    silenceIpServerNameWarning();
  }
  if (options.user !== undefined && options.pass === undefined) {
    process.stderr.write('emberkv-cli: --user needs -a SECRET (or EMBERKV_AUTH)\n');
    process.exitCode = 2;
    return;
  }
  const client = new Client({
    address: `${options.host}:${options.port}`,
    db: options.db,
    ...(tls ? { tls } : {}),
    ...(options.pass !== undefined ? { password: options.pass } : {}),
    ...(options.user !== undefined ? { username: options.user } : {}),
  });
  try {
    if (options.command.length === 0) {
      await interactive(client, options);
      return;
    }
    try {
      // As redis-cli: an error reply is printed and is not a failure of the
      // CLI (exit 0); not reaching the server is (exit 1).
      process.stdout.write(`${await run(client, options.command, options.raw)}\n`);
    } catch (err) {
      process.stderr.write(`${connectionFailure(options, err)}\n`);
      process.exitCode = 1;
    }
  } finally {
    await client.close();
  }
}

void main();
