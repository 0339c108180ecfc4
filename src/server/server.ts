/**
 * emberkv-server's gRPC service: one Engine, every call executed on this
 * one event loop, so each command, and each Pipeline batch as a whole, is
 * atomic (nothing else runs between its commands). The typed RPCs are rows
 * of typed.ts; Execute and Pipeline are below.
 *
 * Messages go to native code as raw bytes (src/wire.ts): a Pipeline batch
 * is decoded, executed and its ReplyBatch encoded in one native call, with
 * no JS object per command. Backpressure: when a Pipeline has
 * max-pending-replies replies not yet taken by the transport, the server
 * stops reading that call's batches until one is taken, so a client that
 * does not read cannot make the server buffer without bound
 * (reply-backlog.ts). Connections and calls are counted and refused past
 * their limits before any handler runs (admission.ts).
 */
import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from 'pino';
import { Engine, TOO_MANY_WATCH_TOKENS, serverHooksOf } from '../engine.js';
import { EmberError } from '../errors.js';
import { PROTO_FILE, PROTO_ROOT, SERVICE_NAME, emberkvService } from '../wire.js';
import type { LoadProgress } from '../native.js';
import type { ServerSettings } from './options.js';
import { Admission } from './admission.js';
import { AuditLog } from './audit.js';
import { Authenticator, loadUsers } from './auth.js';
import { BlockedCalls, type Waiter } from './blocking.js';
import { Durability } from './durability.js';
import { SubscriberHub, type SubscribeRequest } from './pubsub.js';
import { ReplyBacklog } from './reply-backlog.js';
import { RespServer } from './resp.js';
import { statusForError } from './status.js';
import { peerIdentity, serverTls } from './tls.js';
import { TYPED_RPCS } from './typed.js';

export interface RunningServer {
  readonly engine: Engine;
  /** The port actually bound (settings.port may be 0: any free port). */
  readonly port: number;
  /** The RESP listener's TCP port bound, or -1 if it has none. */
  readonly respPort: number;
  /**
   * Stops accepting calls, lets in-flight calls finish (up to
   * `graceMs`, then cancels them), and closes the engine.
   */
  close(graceMs?: number): Promise<void>;
}

/** Reply{null: Null{}}: field 6, length-delimited, empty (a timed-out blocking command's answer). */
const NULL_REPLY = Buffer.from([0x32, 0x00]);

/** The store's logical databases (Store::kDatabases), and SELECT's error past them. */
const DATABASES = 16;
const DB_OUT_OF_RANGE = 'ERR DB index is out of range';

/** Exec's ABORTED message (Redis answers EXEC with a null there). */
const WATCH_CONFLICT =
  'a watched key was modified since Watch, or the WATCH token is unknown or expired: the transaction did not run';

/** The status text of a held reply whose write could not be made durable. */
function aofFailure(err: Error): string {
  return `MISCONF Errors writing to the AOF file: ${err.message.replace(/^emberkv: /, '')}`;
}

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

/** Listens on host:port; resolves with the port bound (port 0: any free one). */
function listen(listener: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve((listener.address() as net.AddressInfo).port);
    });
  });
}

/** A command error as a status: its kind's code, the Redis text as the message. */
function commandError(err: unknown): grpc.ServiceError {
  const message = (err as Error).message;
  return serviceError(err instanceof EmberError ? statusForError(message) : grpc.status.INVALID_ARGUMENT, message);
}

/** A request protobufjs could not decode (see serviceDefinition). */
class MalformedRequest {
  constructor(readonly message: string) {}
}

/**
 * The EmberKV service: the typed RPCs with protobufjs (de)serializers from
 * the proto file, Execute and Pipeline with the raw-bytes ones of wire.ts.
 * A typed request that does not decode becomes a MalformedRequest, which
 * rejectMalformed answers with INVALID_ARGUMENT (grpc-js would answer a
 * throwing deserializer with INTERNAL, a server fault it is not).
 */
function serviceDefinition(definitions: protoLoader.PackageDefinition): grpc.ServiceDefinition {
  const typed = definitions[SERVICE_NAME] as grpc.ServiceDefinition;
  const tolerant: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(typed)) {
    tolerant[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (err) {
          return new MalformedRequest(`malformed ${name} request: ${(err as Error).message}`);
        }
      },
    };
  }
  return { ...tolerant, ...emberkvService };
}

type AnyCall = { request?: unknown; emit(event: 'error', error: grpc.ServiceError): boolean };

/** Wraps every handler so that a MalformedRequest gets INVALID_ARGUMENT and goes no further. */
function rejectMalformed(handlers: grpc.UntypedServiceImplementation): grpc.UntypedServiceImplementation {
  const guarded: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const run = handler as (call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => void;
    guarded[name] = ((call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => {
      if (!(call.request instanceof MalformedRequest)) return run(call, callback);
      const error = serviceError(grpc.status.INVALID_ARGUMENT, call.request.message);
      if (callback) callback(error);
      else call.emit('error', error);
    }) as grpc.UntypedHandleCall;
  }
  return guarded;
}

const LOAD_OPTIONS: protoLoader.Options = {
  includeDirs: [PROTO_ROOT],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** While a large file loads, a progress line at most this often. */
const LOAD_PROGRESS_MS = 1000;

/** A load's progress callback: logs `message` with `fields` and how far, at most every LOAD_PROGRESS_MS. */
function progressLogger(log: Logger, fields: Record<string, string>, message: string): LoadProgress {
  let lastReport = performance.now();
  return (done, total) => {
    if (performance.now() - lastReport < LOAD_PROGRESS_MS) return;
    lastReport = performance.now();
    log.info({ ...fields, done, total, percent: Math.floor((100 * done) / Math.max(total, 1)) }, message);
  };
}

/**
 * Loads the data at startup: the append-only log when appendonly is on
 * (on its first start, from the snapshot file if there is one), else the
 * snapshot file. Throws (naming the file and offset) if it is damaged.
 */
function loadData(engine: Engine, appendonly: boolean, snapshotFile: string, log: Logger): void {
  const hooks = serverHooksOf(engine);
  if (appendonly) {
    const [, dir, , appenddirname] = engine.call('CONFIG', 'GET', 'dir', 'appenddirname') as string[];
    const logDir = path.join(dir!, appenddirname!);
    const loaded = hooks.loadAppendOnly(progressLogger(log, { dir: logDir }, 'loading append-only file'));
    if (!loaded.ok) throw new Error(loaded.error);
    if (loaded.warning) log.warn({ dir: logDir }, loaded.warning);
    const { keys, records, bytes, ms } = loaded;
    if (loaded.existed) {
      log.info({ dir: logDir, keys, records, bytes, ms: Math.round(ms) }, 'append-only file loaded');
    } else {
      log.info({ dir: logDir, file: snapshotFile, keys, ms: Math.round(ms) }, 'append-only file created (from the snapshot file, if any)');
    }
    return;
  }
  const loaded = hooks.loadFromDisk(progressLogger(log, { file: snapshotFile }, 'loading snapshot'));
  if (!loaded.ok) throw new Error(loaded.error);
  if (!loaded.missing) {
    const { keys, expired, bytes, ms } = loaded;
    log.info({ file: snapshotFile, keys, expired, bytes, ms: Math.round(ms) }, 'snapshot loaded');
  }
}

export async function startServer(settings: ServerSettings, log: Logger): Promise<RunningServer> {
  // Before anything is loaded: a bad certificate or key stops startup at once.
  const tls = serverTls(settings);
  const engine = new Engine();
  // appendonly is not set with the others: turning the log on at run time
  // starts a new one, while at startup the existing one is loaded.
  const { appendonly = 'no', ...storeSettings } = Object.fromEntries(settings.store);
  let snapshotFile: string;
  try {
    if (!/^(yes|no)$/i.test(appendonly)) throw new Error(`appendonly must be yes or no, got '${appendonly}'`);
    // Users first: a requirepass among the settings then sets the default
    // user's secret over the file's.
    loadUsers(engine, settings.aclfile, log);
    const pairs = Object.entries(storeSettings).flat();
    if (pairs.length) engine.call('CONFIG', 'SET', ...pairs);
    const [, dir, , dbfilename] = engine.call('CONFIG', 'GET', 'dir', 'dbfilename') as string[];
    snapshotFile = path.join(dir!, dbfilename!);
    loadData(engine, appendonly.toLowerCase() === 'yes', snapshotFile, log);
  } catch (err) {
    engine.close();
    throw err;
  }
  const hooks = serverHooksOf(engine);
  const audit = new AuditLog(log, hooks);
  const auth = new Authenticator(hooks, audit, settings.tlsAuthClientsUser === 'cn');
  const durability = new Durability(hooks, log);
  const hub = new SubscriberHub(hooks, settings.subscriberBufferBytes, log);
  // INFO clients: the core counts the RESP connections, the server tells
  // it the gRPC connections and the blocked clients of both.
  let grpcConnections = 0;
  const reportClients = (): void => hooks.setClientCounts(grpcConnections, blocked.size, settings.maxConnections);
  const blocked = new BlockedCalls(hooks, () => reportClients());
  reportClients();
  let resp: RespServer | undefined;
  // After anything that ran commands: log what the audit asks for,
  // deliver what PUBLISH queued (to RESP subscribers first: they take
  // theirs from the core's outbox, the gRPC streams the rest), serve the
  // clients blocked on keys that received elements.
  const flushEffects = (peer: string): void => {
    audit.flush(peer);
    resp?.deliver();
    hub.flush();
  };
  const afterRun = (peer: string): void => {
    flushEffects(peer);
    blocked.serveReady();
  };

  /**
   * Runs `run` as the user the call authenticates as (auth.ts): at once,
   * or once the secret is checked; `fail` gets the refusal. A call
   * cancelled while its secret was checked runs nothing (a subscription
   * or a blocked call registered for it would never hear of its end).
   */
  const withUser = (
    call: Parameters<Authenticator['userOf']>[0],
    run: (user: string) => void,
    fail: (error: grpc.ServiceError) => void,
  ): void => {
    let user: string | Promise<string>;
    try {
      user = auth.userOf(call);
    } catch (err) {
      fail(err as grpc.ServiceError);
      return;
    }
    if (typeof user === 'string') run(user);
    else user.then((name) => !call.cancelled && run(name), (err: grpc.ServiceError) => fail(err));
  };

  /**
   * Answers a call once what it may have written is durable as
   * appendfsync asks (durability.ts); a failed write or fsync fails it.
   */
  const whenDurable = (answer: () => void, fail: (error: grpc.ServiceError) => void): void =>
    durability.afterCall((err) => (err ? fail(serviceError(grpc.status.INTERNAL, aofFailure(err))) : answer()));

  /** A unary Execute's answer: the Reply message, or its command error as a status. */
  const answerExecute = (peer: string, callback: grpc.sendUnaryData<Buffer>, reply: Buffer | string): void => {
    if (typeof reply === 'string') {
      log.debug({ peer, error: reply }, 'command error');
      whenDurable(() => callback(serviceError(statusForError(reply), reply)), callback);
      return;
    }
    whenDurable(() => callback(null, reply), callback);
  };

  /**
   * A Watch or Subscribe request's refusal if, as the WATCH or SUBSCRIBE
   * command it stands for, it has more than max-command-args arguments
   * (its name included); the store checks every other command itself.
   */
  const argumentsRefusal = (argc: number): string | undefined => {
    const [, limit] = engine.call('CONFIG', 'GET', 'max-command-args') as string[];
    if (argc <= Number(limit)) return undefined;
    return `ERR Protocol error: too many arguments (${argc} > max-command-args ${limit})`;
  };

  const admission = new Admission(settings.maxConnections, settings.maxConcurrentCalls);

  /**
   * Ends a Pipeline whose client does not read its replies: it sat at
   * max-pending-replies, none taken, for pending-replies-timeout-ms.
   */
  const endUnreadPipeline = (call: grpc.ServerDuplexStream<Buffer, Buffer>, peer: string, pending: number): void => {
    const message =
      `ERR max-pending-replies (${settings.maxPendingReplies}) reached and no reply read for ` +
      `${settings.pendingRepliesTimeoutMs} ms: the client is not reading its replies`;
    log.warn({ peer, pending }, message);
    call.emit('error', serviceError(grpc.status.RESOURCE_EXHAUSTED, message));
    // HTTP/2 sends a stream's status after its data, so the status waits
    // behind the replies the client does not read, and so does the memory
    // they hold. Still unread after another timeout: the connection is cut
    // (grpc-js offers no way to reset one stream from a handler).
    const cut = setTimeout(() => {
      log.warn({ peer }, 'closing the connection of a pipeline that does not read its replies');
      admission.dropConnection(peer);
    }, settings.pendingRepliesTimeoutMs);
    cut.unref();
    call.once('close', () => clearTimeout(cut));
  };
  const server = new grpc.Server({
    interceptors: [admission.interceptor],
    'grpc.max_receive_message_length': settings.maxMessageBytes,
    'grpc.max_send_message_length': settings.maxMessageBytes,
    // Clients ping idle connections (every 30 s by default) to notice a
    // dead peer; allow it rather than answer with "too many pings".
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  });

  const definitions = protoLoader.loadSync([PROTO_FILE, healthProtoPath], LOAD_OPTIONS);
  const typedHandlers: grpc.UntypedServiceImplementation = {};
  for (const [name, rpc] of Object.entries(TYPED_RPCS)) {
    typedHandlers[name] = (call: grpc.ServerUnaryCall<Record<string, unknown>, object>, callback: grpc.sendUnaryData<object>) => {
      const peer = call.getPeer();
      log.debug({ peer, rpc: name }, 'call');
      withUser(call, (user) => {
        let reply: object;
        hooks.setCurrentUser(user);
        try {
          const result = engine.callBuffer(...(rpc.args(call.request) as [string, ...Buffer[]]));
          reply = rpc.reply(result, call.request);
        } catch (err) {
          whenDurable(() => callback(commandError(err)), callback);
          return;
        } finally {
          hooks.setCurrentUser(null);
          afterRun(peer);
        }
        whenDurable(() => callback(null, reply), callback);
      }, callback);
    };
  }

  server.addService(serviceDefinition(definitions), rejectMalformed({
    ...typedHandlers,

    Subscribe(call: grpc.ServerWritableStream<SubscribeRequest, object>) {
      const refusal = argumentsRefusal(1 + call.request.channels.length + call.request.patterns.length);
      if (refusal) {
        call.emit('error', serviceError(grpc.status.INVALID_ARGUMENT, refusal));
        return;
      }
      const fail = (error: grpc.ServiceError): void => {
        call.emit('error', error);
      };
      withUser(call, (user) => {
        const denied = hooks.checkChannels(user, call.request.channels, call.request.patterns);
        if (denied) {
          audit.denied(call.getPeer(), user, 'subscribe', denied);
          fail(serviceError(grpc.status.PERMISSION_DENIED, denied));
          return;
        }
        hub.add(call);
      }, fail);
    },

    Execute(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      const peer = call.getPeer();
      log.debug({ peer, rpc: 'Execute', bytes: call.request.length }, 'call');
      withUser(call, (user) => {
        let reply: Buffer | string;
        try {
          reply = hooks.execWire(call.request, user);
          const wait = hooks.takeBlockRequest();
          if (wait) {
            // A blocking command with nothing to serve: its null is held
            // back until a push serves it or it times out.
            const [timeoutMs, keys, db] = wait;
            log.debug({ peer, timeoutMs, keys: keys.length }, 'blocked');
            const waiter: Waiter = {
              retry: () => {
                const served = hooks.execWire(call.request, user);
                if (hooks.takeBlockRequest()) return 'wait';
                if (typeof served === 'string' && served.startsWith('WRONGTYPE')) return 'skip';
                answerExecute(peer, callback, served);
                return 'served';
              },
              timeout: () => answerExecute(peer, callback, NULL_REPLY),
              shutdown: () => callback(serviceError(grpc.status.UNAVAILABLE, 'the server is shutting down')),
              gone: () => call.cancelled,
            };
            blocked.park(waiter, db, timeoutMs, keys);
            // A cancelled call or a passed deadline: grpc-js emits 'cancelled'.
            call.once('cancelled', () => blocked.remove(waiter));
            return;
          }
          afterRun(peer);
        } catch (err) {
          callback(serviceError(grpc.status.INVALID_ARGUMENT, (err as Error).message));
          return;
        }
        answerExecute(peer, callback, reply);
      }, callback);
    },

    Exec(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      const peer = call.getPeer();
      log.debug({ peer, rpc: 'Exec', bytes: call.request.length }, 'call');
      withUser(call, (user) => {
        let result: Buffer | string | null;
        try {
          result = hooks.execTransaction(call.request, user);
          afterRun(peer);
        } catch (err) {
          callback(serviceError(grpc.status.INVALID_ARGUMENT, (err as Error).message));
          return;
        }
        if (result === null) {
          callback(serviceError(grpc.status.ABORTED, WATCH_CONFLICT));
        } else if (typeof result === 'string') {
          callback(serviceError(statusForError(result), result));
        } else {
          const replies = result;
          whenDurable(() => callback(null, replies), callback);
        }
      }, callback);
    },

    Watch(call: grpc.ServerUnaryCall<{ keys: Buffer[]; db: number }, object>, callback: grpc.sendUnaryData<object>) {
      const peer = call.getPeer();
      const { keys, db } = call.request;
      log.debug({ peer, rpc: 'Watch', keys: keys.length, db }, 'call');
      if (keys.length === 0) {
        callback(serviceError(grpc.status.INVALID_ARGUMENT, "ERR wrong number of arguments for 'watch' command"));
        return;
      }
      // As the native decoder refuses a Command's, CommandBatch's or
      // Transaction's db (DecodeLimits::databases): SELECT's error.
      if (db >= DATABASES) {
        callback(serviceError(grpc.status.INVALID_ARGUMENT, DB_OUT_OF_RANGE));
        return;
      }
      const refusal = argumentsRefusal(1 + call.request.keys.length);
      if (refusal) {
        callback(serviceError(grpc.status.INVALID_ARGUMENT, refusal));
        return;
      }
      withUser(call, (user) => {
        const token = hooks.watch(keys, user, db);
        if (typeof token === 'string') {
          audit.denied(peer, user, 'watch', token);
          callback(serviceError(grpc.status.PERMISSION_DENIED, token));
        } else if (token === 0) {
          callback(serviceError(grpc.status.RESOURCE_EXHAUSTED, TOO_MANY_WATCH_TOKENS));
        } else {
          callback(null, { token: String(token) });
        }
      }, callback);
    },

    // Any authenticated caller may release a token it knows (tokens are
    // random: knowing one means having been given it).
    Unwatch(call: grpc.ServerUnaryCall<{ token: string }, object>, callback: grpc.sendUnaryData<object>) {
      withUser(call, () => {
        hooks.unwatch(Number(call.request.token));
        callback(null, { done: true });
      }, callback);
    },

    // The official Client keeps one Pipeline stream per connection, so
    // its opening and closing are logged at info as the connection events.
    Pipeline(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
      const peer = call.getPeer();
      const opened = Date.now();
      let batches = 0;
      log.info({ peer }, 'pipeline opened');
      if (tls.summary.tls) log.debug({ peer, identity: peerIdentity(call) }, 'client certificate');
      // Logged once: grpc-js also reports 'cancelled' after a stream ended
      // normally (its onCancel follows every status).
      let isClosed = false;
      const closed = (how: string, level: 'info' | 'warn' = 'info', error?: string): void => {
        if (isClosed) return;
        isClosed = true;
        log[level]({ peer, how, batches, ms: Date.now() - opened, ...(error ? { error } : {}) }, 'pipeline closed');
      };
      call.on('error', (err) => closed('failed', 'warn', err.message));
      call.on('cancelled', () => closed('cancelled (connection lost or client gone)'));
      let failed = false;  // after a refused batch, later ones are not run
      const backlog = new ReplyBacklog(call, settings.maxPendingReplies, settings.pendingRepliesTimeoutMs, () => {
        failed = true;
        endUnreadPipeline(call, peer, backlog.pending);
      });
      call.once('close', () => backlog.close());
      const serve = (user: string): void => {
        call.on('data', (batch: Buffer) => {
          if (failed) return;
          batches++;
          log.debug({ peer, rpc: 'Pipeline', bytes: batch.length }, 'batch');
          let replies: Buffer;
          try {
            replies = hooks.execWireBatch(batch, user);
            afterRun(peer);
          } catch (err) {
            failed = true;
            log.warn({ peer, error: (err as Error).message }, 'CommandBatch refused (malformed or over a limit)');
            call.emit('error', serviceError(grpc.status.INVALID_ARGUMENT, (err as Error).message));
            return;
          }
          backlog.ran();
          whenDurable(
            () => backlog.write(replies),
            (error) => {
              failed = true;
              backlog.dropped();
              call.emit('error', error);
            },
          );
        });
        call.on('end', () => {
          closed('ended by the client');
          call.end();
        });
      };
      // Authenticated once, when the stream opens; no batch is read before
      // (the stream stays paused until 'data' has a listener).
      withUser(call, serve, (error) => call.emit('error', error));
    },
  }));

  const health = new HealthImplementation({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  new ReflectionService(definitions).addToServer(server);

  // The server accepts connections itself and hands them to grpc-js, so
  // that max-connections can count them (admission.ts). Unlike bindAsync,
  // a host name binds the first address it resolves to, not all of them.
  const injector = server.createConnectionInjector(tls.credentials);
  const listener = net.createServer((socket) => {
    grpcConnections++;
    reportClients();
    socket.once('close', () => {
      grpcConnections--;
      reportClients();
    });
    admission.accept(socket);
    injector.injectConnection(socket);
  });
  let port: number;
  try {
    port = await listen(listener, settings.host, settings.port);
  } catch (err) {
    engine.close();
    throw err;
  }
  // Accepting can fail (out of file descriptors): the listener goes on.
  listener.on('error', (err) => log.error({ error: err.message }, 'accepting a connection failed'));
  log.info({ host: settings.host, port, ...tls.summary }, 'emberkv-server listening');

  let respPort = -1;
  if (settings.respPort >= 0 || settings.unixsocket) {
    resp = new RespServer(
      {
        host: settings.host,
        port: settings.respPort,
        unixsocket: settings.unixsocket,
        unixsocketperm: settings.unixsocketperm,
        tls: tls.node,
        userFromCertificate: settings.tlsAuthClientsUser === 'cn',
      },
      { hooks, auth, durability, blocked, admission, log, flushEffects },
    );
    try {
      respPort = await resp.listen();
    } catch (err) {
      listener.close();
      server.forceShutdown();
      engine.close();
      throw err;
    }
    log.info(
      { host: settings.host, respPort, unixsocket: settings.unixsocket || undefined, tls: Boolean(tls.node) },
      'emberkv-server listening for RESP',
    );
  }

  /** With save rules set, a last SAVE once every call is done (as Redis's SIGTERM). */
  const saveOnShutdown = (): void => {
    const [, rules] = engine.call('CONFIG', 'GET', 'save') as string[];
    if (!rules) return;
    const started = performance.now();
    try {
      hooks.killBackgroundSave();
      engine.call('SAVE');
      log.info({ file: snapshotFile, ms: Math.round(performance.now() - started) }, 'saved on shutdown');
    } catch (err) {
      log.error({ file: snapshotFile, error: (err as Error).message }, 'save on shutdown failed');
    }
  };

  let closing: Promise<void> | undefined;
  return {
    engine,
    port,
    respPort,
    close(graceMs = 10_000) {
      closing ??= new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        health.setStatus(SERVICE_NAME, 'NOT_SERVING');
        listener.close();  // no new connections; grpc-js closes the live ones
        resp?.close();
        hub.closeAll();  // subscriptions never finish on their own
        blocked.closeAll();  // nor do calls blocked for ever
        const force = setTimeout(() => {
          log.warn({ graceMs }, 'calls still open after the grace period: cancelling them');
          server.forceShutdown();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          saveOnShutdown();
          engine.close();
          log.info('emberkv-server stopped');
          resolve();
        });
      });
      return closing;
    },
  };
}
