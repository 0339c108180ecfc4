/**
 * emberkv-server's settings: defaults, then a config file, then
 * environment variables, then command-line flags (each overrides the one
 * before). The config file is Redis-style: one `name value` per line, `#`
 * comments. Any setting the store knows (maxmemory, maxmemory-policy,
 * lfu-log-factor, ...) is accepted in all three places and applied with
 * CONFIG SET at startup; the server's own settings are port, host,
 * log-level, max-message-bytes, subscriber-buffer-bytes, the limits of
 * connections, calls and pending replies, aclfile, the tls-* ones (named
 * as Redis names them; see tls.ts and auth.ts), and the RESP listener's
 * resp-port, unixsocket and unixsocketperm (resp.ts; its
 * client-output-buffer-limit is a store parameter, as in Redis).
 */
import { readFileSync } from 'node:fs';

export interface ServerSettings {
  host: string;
  port: number;
  logLevel: string;
  /** The largest message accepted or sent on a call (gRPC's limits, set explicitly). */
  maxMessageBytes: number;
  /** Bytes of messages a subscriber may have pending before it is cut off. */
  subscriberBufferBytes: number;
  /** Live connections beyond which new ones' calls are refused (Redis's maxclients). */
  maxConnections: number;
  /** In-flight calls of any kind (streams and blocked calls included) beyond which new calls are refused. */
  maxConcurrentCalls: number;
  /** Reply batches a Pipeline stream may have pending (run, not yet taken by the transport) before it stops reading. */
  maxPendingReplies: number;
  /** How long a Pipeline stream may sit at maxPendingReplies with none of them taken before it is ended. */
  pendingRepliesTimeoutMs: number;
  /** PEM certificate chain served to clients; with tlsKeyFile, the port speaks TLS only. */
  tlsCertFile: string;
  /** PEM private key of tlsCertFile's certificate. */
  tlsKeyFile: string;
  /** PEM CA certificate(s) that client certificates are verified against (mutual TLS). */
  tlsCaCertFile: string;
  /**
   * With tlsCaCertFile: 'yes' requires a client certificate signed by
   * that CA, 'optional' verifies one if the client sends it, 'no' asks
   * for none (Redis's tls-auth-clients).
   */
  tlsAuthClients: 'yes' | 'no' | 'optional';
  /**
   * 'cn': a call without credentials, on a connection whose verified client
   * certificate has a common name naming an enabled user, runs as that
   * user (tls-auth-clients-user, as in Redis 8); 'off': certificates name
   * no user.
   */
  tlsAuthClientsUser: 'off' | 'cn';
  /** The ACL file: users loaded at startup, written by ACL SAVE ("" for none). */
  aclfile: string;
  /** The RESP listener's TCP port on `host` (-1: none, the default; 0: any free port). */
  respPort: number;
  /** The RESP listener's Unix socket ('' for none) and its permissions (octal, '' to leave them). */
  unixsocket: string;
  unixsocketperm: string;
  /** Store settings, applied with one CONFIG SET (a later source overrides an earlier one). */
  store: Map<string, string>;
}

export const DEFAULTS: Readonly<Omit<ServerSettings, 'store'>> = {
  host: '127.0.0.1',
  port: 7379,
  logLevel: 'info',
  maxMessageBytes: 256 * 1024 * 1024,
  subscriberBufferBytes: 32 * 1024 * 1024,
  maxConnections: 10_000,
  // Each call costs a little memory and an HTTP/2 stream, but a blocked
  // call or an open stream costs nothing more while it waits: room for
  // every one of max-connections to have a Pipeline, a Subscribe and a
  // blocked call open at once, and more.
  maxConcurrentCalls: 100_000,
  // A reply batch is waiting on fsync (appendfsync always) or on a client
  // that reads slower than it sends; the official Client has about two
  // batches in flight per connection, so 128 only ever throttles a client
  // that stopped reading, and bounds what it holds to 128 batches.
  maxPendingReplies: 128,
  // As Redis's client-output-buffer-limit soft seconds: a client may stop
  // reading for a while (a GC pause, a slow consumer), not for good.
  pendingRepliesTimeoutMs: 60_000,
  tlsCertFile: '',
  tlsKeyFile: '',
  tlsCaCertFile: '',
  tlsAuthClients: 'yes',
  tlsAuthClientsUser: 'off',
  aclfile: '',
  respPort: -1,
  unixsocket: '',
  unixsocketperm: '',
};

const SERVER_KEYS = new Set([
  'host', 'port', 'log-level', 'max-message-bytes', 'subscriber-buffer-bytes', 'config',
  'max-connections', 'max-concurrent-calls', 'max-pending-replies', 'pending-replies-timeout-ms',
  'tls-cert-file', 'tls-key-file', 'tls-ca-cert-file', 'tls-auth-clients', 'tls-auth-clients-user', 'aclfile',
  'resp-port', 'unixsocket', 'unixsocketperm',
]);
const ENV_PREFIX = 'EMBERKV_';

export class UsageError extends Error {}

/** The server's limits: each a positive integer, by setting name. */
const COUNT_SETTINGS = {
  'max-connections': 'maxConnections',
  'max-concurrent-calls': 'maxConcurrentCalls',
  'max-pending-replies': 'maxPendingReplies',
  'pending-replies-timeout-ms': 'pendingRepliesTimeoutMs',
} as const satisfies Record<string, keyof ServerSettings>;

function isCountSetting(key: string): key is keyof typeof COUNT_SETTINGS {
  return Object.hasOwn(COUNT_SETTINGS, key);
}

function apply(settings: ServerSettings, name: string, value: string, where: string): void {
  const key = name.toLowerCase();
  switch (key) {
    case 'host':
      settings.host = value;
      return;
    case 'port':
    case 'resp-port': {
      const port = Number(value);
      if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`${where}: ${key} must be 0-65535, got '${value}'`);
      if (key === 'port') settings.port = port;
      else settings.respPort = port;
      return;
    }
    case 'unixsocket':
      settings.unixsocket = value;
      return;
    case 'unixsocketperm':
      if (!/^[0-7]{3,4}$/.test(value)) throw new UsageError(`${where}: unixsocketperm must be octal permissions such as 700, got '${value}'`);
      settings.unixsocketperm = value;
      return;

    case 'log-level':
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(value)) {
        throw new UsageError(`${where}: log-level must be one of fatal, error, warn, info, debug, trace, silent`);
      }
      settings.logLevel = value;
      return;
    case 'max-message-bytes':
    case 'subscriber-buffer-bytes': {
      const bytes = Number(value);
      if (!Number.isInteger(bytes) || bytes < 1024 || bytes > 2 ** 31 - 1) {
        throw new UsageError(`${where}: ${key} must be an integer from 1024 to 2147483647`);
      }
      if (key === 'max-message-bytes') settings.maxMessageBytes = bytes;
      else settings.subscriberBufferBytes = bytes;
      return;
    }
    case 'tls-cert-file':
      settings.tlsCertFile = value;
      return;
    case 'tls-key-file':
      settings.tlsKeyFile = value;
      return;
    case 'tls-ca-cert-file':
      settings.tlsCaCertFile = value;
      return;
    case 'tls-auth-clients': {
      const mode = value.toLowerCase();
      if (mode !== 'yes' && mode !== 'no' && mode !== 'optional') {
        throw new UsageError(`${where}: tls-auth-clients must be yes, no or optional, got '${value}'`);
      }
      settings.tlsAuthClients = mode;
      return;
    }
    case 'tls-auth-clients-user': {
      const mode = value.toLowerCase();
      if (mode !== 'off' && mode !== 'cn') throw new UsageError(`${where}: tls-auth-clients-user must be off or CN, got '${value}'`);
      settings.tlsAuthClientsUser = mode;
      return;
    }
    case 'aclfile':
      settings.aclfile = value;
      return;
    default:
      if (isCountSetting(key)) {
        const count = Number(value);
        if (!/^\d+$/.test(value) || count < 1 || count > 2 ** 31 - 1) {
          throw new UsageError(`${where}: ${key} must be an integer from 1 to 2147483647, got '${value}'`);
        }
        settings[COUNT_SETTINGS[key]] = count;
        return;
      }
      settings.store.set(key, value);
  }
}

/** Reads a Redis-style config file into `settings`. */
function applyFile(settings: ServerSettings, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the config file ${file}: ${(err as Error).message}`);
  }
  // Several `save <seconds> <changes>` lines add up, as in redis.conf.
  const saveRules: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const save = /^save\s+(.*)$/i.exec(line);
    if (save) {
      const rules = save[1]!.trim().replace(/^"(.*)"$/, '$1');
      if (rules === '') saveRules.length = 0;  // save "" clears the rules before it
      else saveRules.push(rules);
      apply(settings, 'save', saveRules.join(' ').trim(), `${file}:${i + 1}`);
      return;
    }
    const match = /^(\S+)\s+(.*)$/.exec(line);
    if (!match) throw new UsageError(`${file}:${i + 1}: expected 'name value'`);
    const value = match[2]!.trim().replace(/^"(.*)"$/, '$1');
    if (match[1]!.toLowerCase() === 'config') throw new UsageError(`${file}:${i + 1}: a config file cannot name another`);
    apply(settings, match[1]!, value, `${file}:${i + 1}`);
  });
}

/**
 * The settings from `argv` (flags after the program name) and `env`;
 * `storeParameters` are the names CONFIG GET knows (for the environment).
 * Throws UsageError with a message for the user on anything malformed.
 */
export function parseSettings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  storeParameters: ReadonlySet<string>,
): ServerSettings {
  const settings: ServerSettings = { ...DEFAULTS, store: new Map() };
  const flags: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}' (settings are --name value)`);
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      flags.push([arg.slice(2, eq), arg.slice(eq + 1)]);
    } else {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      flags.push([arg.slice(2), value]);
      i++;
    }
  }
  const configFile = flags.find(([name]) => name === 'config')?.[1] ?? env[`${ENV_PREFIX}CONFIG`];
  if (configFile) applyFile(settings, configFile);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined || name === `${ENV_PREFIX}CONFIG`) continue;
    const key = name.slice(ENV_PREFIX.length).toLowerCase().replace(/_/g, '-');
    // Only the server's own settings and the store's parameters come from
    // the environment; other EMBERKV_* variables (EMBERKV_NATIVE, test
    // seeds) are not settings.
    if (SERVER_KEYS.has(key) || storeParameters.has(key)) {
      apply(settings, key, value, `environment ${name}`);
    }
  }
  for (const [name, value] of flags) if (name !== 'config') apply(settings, name, value, `--${name}`);
  if (Boolean(settings.tlsCertFile) !== Boolean(settings.tlsKeyFile)) {
    throw new UsageError('tls-cert-file and tls-key-file go together: give both or neither');
  }
  if (settings.tlsCaCertFile && !settings.tlsCertFile) {
    throw new UsageError('tls-ca-cert-file needs tls-cert-file and tls-key-file (mutual TLS is TLS first)');
  }
  return settings;
}

export const USAGE = `Usage: emberkv-server [--config FILE] [--host HOST] [--port PORT] [--name value ...]

Serves emberkv over gRPC (service emberkv.v1.EmberKV, plus grpc.health.v1.Health
and server reflection) on HOST:PORT (default ${DEFAULTS.host}:${DEFAULTS.port}).

  --config FILE            Redis-style config file: 'name value' per line
  --host HOST              address to listen on
  --port PORT              port to listen on (0: any free port; the log says which)
  --log-level LEVEL        fatal, error, warn, info (default), debug, trace, silent
  --resp-port PORT         also serve RESP (redis-cli, redis-benchmark, any Redis
                           client) on HOST:PORT, TLS too with the tls-* files
                           (default: off; 0: any free port)
  --unixsocket PATH        also serve RESP on a Unix socket (plain)
  --unixsocketperm MODE    its permissions, octal (e.g. 700)
  --client-output-buffer-limit "CLASS HARD SOFT SECONDS ..."
                           (a store parameter) RESP connections whose unsent
                           output passes HARD, or stays past SOFT for SECONDS,
                           are closed; classes normal (default 0 0 0: none)
                           and pubsub (default 32mb 8mb 60), as Redis's
  --max-message-bytes N    largest gRPC message in or out (default ${DEFAULTS.maxMessageBytes})
  --subscriber-buffer-bytes N
                           pending message bytes after which a slow subscriber
                           is cut off (default ${DEFAULTS.subscriberBufferBytes})
  --max-connections N      live connections beyond which a new connection's
                           calls fail with RESOURCE_EXHAUSTED until one closes
                           (Redis's maxclients; default ${DEFAULTS.maxConnections})
  --max-concurrent-calls N in-flight calls of any kind (open Pipeline and
                           Subscribe streams and blocked calls included) beyond
                           which new calls fail with RESOURCE_EXHAUSTED
                           (default ${DEFAULTS.maxConcurrentCalls})
  --max-pending-replies N  reply batches a Pipeline stream may have run but
                           not yet sent; beyond it the server stops reading
                           that stream's batches (default ${DEFAULTS.maxPendingReplies})
  --pending-replies-timeout-ms N
                           a Pipeline stream stuck at max-pending-replies this
                           long, none of its replies taken, is ended with
                           RESOURCE_EXHAUSTED (default ${DEFAULTS.pendingRepliesTimeoutMs})
  --max-command-args N     most arguments one command may have, its name
                           included (a store parameter; default 1048576)
  --max-batch-commands N   most commands in one CommandBatch or Transaction
                           (a store parameter; default 65536)
  --tls-cert-file FILE     PEM certificate (chain): with --tls-key-file, the
                           port speaks TLS only (no plaintext)
  --tls-key-file FILE      PEM private key of that certificate
  --tls-ca-cert-file FILE  PEM CA certificate(s): client certificates must be
                           signed by it (mutual TLS)
  --tls-auth-clients MODE  with --tls-ca-cert-file: yes (default) requires a
                           client certificate, optional verifies one if sent,
                           no asks for none
  --tls-auth-clients-user CN
                           a call without credentials whose verified client
                           certificate's CN names an enabled user runs as it
                           (default off)
  --requirepass SECRET     the default user's secret: calls must then send
                           'authorization: Bearer <secret>' metadata
  --aclfile FILE           users (Redis ACL file format), loaded at startup
                           and written by ACL SAVE
  --maxmemory BYTES        e.g. 100mb; 0 means no limit (default)
  --maxmemory-policy NAME  noeviction (default), allkeys-lfu, allkeys-lru, ...
  --<parameter> VALUE      any CONFIG SET parameter, e.g. --lfu-log-factor 10

Every setting can also come from the environment as EMBERKV_<NAME> (upper
case, '-' as '_'), e.g. EMBERKV_PORT=7000. Flags win over the environment,
which wins over the config file.
`;
