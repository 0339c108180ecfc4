/**
 * The RESP listener (issue 8): redis-cli, redis-benchmark and every Redis
 * client speak to emberkv here, on the same event loop and the same
 * keyspace as the gRPC service.
 *
 * Each connection has a core connection (native/core/resp_connection.h)
 * that parses whole buffers, runs their commands and renders the replies.
 * Plain TCP and Unix sockets are served by the native transport
 * (native/binding/resp_transport.h): their bytes never pass through
 * JavaScript, which hears of a connection only when the front end has
 * something to do. TLS connections come through Node's tls module: their
 * bytes are fed to the core connection here and its output written back.
 *
 * Either way, RespClient below handles what the core hands to the front
 * end: a blocked command (parked with the gRPC ones in blocking.ts, so a
 * push from either protocol wakes either), a secret to check off the event
 * loop (auth.ts), the end of the connection, and the append-only log's
 * group commit (durability.ts): while the log is open, replies leave only
 * once what they depend on is written (or, with appendfsync always,
 * durable).
 *
 * Output buffer limits (Redis's client-output-buffer-limit, a store
 * parameter) are the core's (checkOutputLimits in resp_connection.h): a
 * connection past its class's limit is closed, and one whose client does
 * not read stops being read until its socket drains.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { ServerHooks } from '../engine.js';
import type { Admission } from './admission.js';
import type { Authenticator } from './auth.js';
import type { BlockedCalls, Waiter } from './blocking.js';
import type { Durability } from './durability.js';

/** The connection states the core answers (resp.cc), and their flags. */
const STATE_MASK = 0x0f;
const BLOCKED = 1;
const AUTHENTICATING = 2;
const CLOSING = 3;
/** The store has work for the front end: messages, audit events, ready keys, killed clients. */
const FOLLOW_UP = 0x10;
/** Native transport: output was held for the append-only log (respReleaseHeld once durable). */
const HELD = 0x40;
/** respCheckOutput: stop reading the client's requests until its socket drains. */
const PAUSE_READING = 1;

/** The native transport's events (resp_transport.h). */
const EVENT_OPEN = 0;
const EVENT_STATE = 1;
const EVENT_CLOSED = 2;
const EVENT_LIMIT = 3;

export interface RespSettings {
  host: string;
  /** -1: no TCP listener. */
  port: number;
  /** A Unix socket path ('' for none) and its permissions (octal text, '' to leave them). */
  unixsocket: string;
  unixsocketperm: string;
  /** With TLS settings, the TCP port speaks TLS only (the Unix socket stays plain). */
  tls: tls.TlsOptions | undefined;
  /** tls-auth-clients-user CN: a verified client certificate's CN names the connection's user. */
  userFromCertificate: boolean;
}

interface Context {
  hooks: ServerHooks;
  auth: Authenticator;
  durability: Durability;
  blocked: BlockedCalls;
  admission: Admission;
  log: Logger;
  /** Logs the audit events of what ran for `peer`, delivers pub/sub messages to gRPC subscribers. */
  flushEffects(peer: string): void;
}

/** How a connection's bytes reach its socket. */
interface Transport {
  /** Writes what the core produced for the connection, once the log allows. */
  flush(): void;
  /** Closes the connection once what it was sent is written. */
  end(): void;
}

/** One connection's front-end side: what to do with the states the core answers. */
class RespClient {
  readonly id: number;
  readonly peer: string;
  readonly #context: Context;
  #transport!: Transport;
  #closed = false;
  #waiter: Waiter | undefined;

  constructor(id: number, peer: string, context: Context) {
    this.id = id;
    this.peer = peer;
    this.#context = context;
  }

  attach(transport: Transport): void {
    this.#transport = transport;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes what the core produced for this connection (pub/sub messages). */
  flushOutput(): void {
    if (!this.#closed) this.#transport.flush();
  }

  end(): void {
    if (!this.#closed) this.#transport.end();
  }

  /**
   * After the core ran commands: writes their replies (unless the native
   * transport did), then acts on the state: park a blocked command, check
   * a secret, or close. `serveBlocked` is false when this runs for a
   * blocked command being served (the loop that called it goes on).
   */
  settle(state: number, serveBlocked: boolean, written = false): void {
    const { hooks, durability } = this.#context;
    if (!written) this.#transport.flush();
    if (state & HELD) {
      durability.afterCall((err) => {
        if (err) hooks.respEnd(this.id, true);  // ran but not durable: not acknowledged
        else hooks.respReleaseHeld(this.id);
      });
    }
    switch (state & STATE_MASK) {
      case BLOCKED:
        this.#park();
        break;
      case AUTHENTICATING:
        this.#authenticate();
        break;
      case CLOSING:
        this.#transport.end();
        break;
      default:
        break;
    }
    if (state & FOLLOW_UP) {
      this.#context.flushEffects(this.peer);
      if (serveBlocked) this.#context.blocked.serveReady();
    }
  }

  /** The socket closed: nothing more is done for it. */
  onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#waiter) this.#context.blocked.remove(this.#waiter);
  }

  #park(): void {
    const { hooks, blocked } = this.#context;
    const [db, timeoutMs, keys] = hooks.respBlock(this.id);
    // A new waiter each time: serving one may run later requests that block again.
    const waiter: Waiter = {
      retry: () => {
        if (this.#closed) return 'served';
        const outcome = hooks.respRetry(this.id);
        if (outcome === 1) return 'wait';
        if (outcome === 2) return 'skip';
        this.#waiter = undefined;
        this.settle(hooks.respState(this.id), false);
        return 'served';
      },
      timeout: () => {
        this.#waiter = undefined;
        if (!this.#closed) this.settle(hooks.respTimeout(this.id), true);
      },
      shutdown: () => this.#transport.end(),
      gone: () => this.#closed,
    };
    this.#waiter = waiter;
    blocked.park(waiter, db, timeoutMs, keys);
  }

  #authenticate(): void {
    const { hooks, auth } = this.#context;
    const request = hooks.respAuthRequest(this.id);
    if (!request) return;
    const [user, secret] = request;
    void Promise.resolve(auth.verifyCredentials(this.peer, user, secret)).then((ok) => {
      if (!this.#closed) this.settle(hooks.respFinishAuth(this.id, ok), true);
    });
  }
}

/** Redis's log line for a client closed at an output buffer limit ("pubsub hard", ...). */
function logLimit(log: Logger, peer: string | undefined, client: number, what: string, pending: number): void {
  const [kind, limit] = what.split(' ');
  log.warn({ peer, client, class: kind, limit, pending }, 'client closed for overcoming of output buffer limits');
}

/** A TLS socket's transport: bytes fed to the core here, output written by Node. */
function tlsTransport(client: RespClient, socket: tls.TLSSocket, context: Context): Transport {
  const { hooks, durability, log } = context;
  let closing = false;
  let paused = false;
  const checkOutput = (): void => {
    const verdict = hooks.respCheckOutput(client.id, socket.writableLength);
    if (verdict === PAUSE_READING) {
      if (!paused) {
        paused = true;
        socket.pause();
      }
    } else if (typeof verdict === 'string') {
      logLimit(log, client.peer, client.id, verdict, socket.writableLength);
      closing = true;
      socket.destroy();
    }
  };
  socket.on('data', (chunk: Buffer) => {
    if (!closing) client.settle(hooks.respFeed(client.id, chunk), true);
  });
  socket.on('drain', () => {
    if (paused && !closing) {
      paused = false;
      socket.resume();
    }
  });
  return {
    flush: () => {
      const out = hooks.respOutput(client.id);
      if (!out) return;
      durability.afterCall((err) => {
        if (client.closed) return;
        if (err) {
          socket.destroy();  // ran but not durable: not acknowledged
          return;
        }
        socket.write(out);
        checkOutput();
      });
    },
    end: () => {
      if (closing) return;
      closing = true;
      const out = hooks.respOutput(client.id);
      durability.afterCall(() => (out ? socket.end(out) : socket.end()));
    },
  };
}

/** A native connection's transport: the native side writes; JS only gates held output. */
function nativeTransport(client: RespClient, context: Context): Transport {
  const { hooks, durability } = context;
  const flush = (): void => {
    if (!hooks.respPump(client.id)) return;
    durability.afterCall((err) => {
      if (err) hooks.respEnd(client.id, true);
      else hooks.respReleaseHeld(client.id);
    });
  };
  return {
    flush,
    end: () => {
      flush();
      hooks.respEnd(client.id, false);
    },
  };
}

export class RespServer {
  readonly #settings: RespSettings;
  readonly #context: Context;
  readonly #clients = new Map<number, RespClient>();
  readonly #listeners: net.Server[] = [];
  #native = false;

  constructor(settings: RespSettings, context: Context) {
    this.#settings = settings;
    this.#context = context;
  }

  /** Starts listening; resolves with the TCP port bound (or -1) once every listener is up. */
  async listen(): Promise<number> {
    const { hooks, log } = this.#context;
    const onEvent = (kind: number, id: number, a?: string | number, b?: string | number, c?: number): string | undefined =>
      this.#onNativeEvent(kind, id, a, b, c);
    let port = -1;
    if (this.#settings.port >= 0) {
      if (this.#settings.tls) {
        const server = tls.createServer(this.#settings.tls, (socket) => this.#acceptTls(socket));
        // A failed handshake is only logged.
        server.on('tlsClientError', (err: Error) => log.debug({ error: err.message }, 'RESP TLS handshake failed'));
        server.on('error', (err) => log.error({ error: err.message }, 'accepting a RESP connection failed'));
        port = await listenOn(server, { host: this.#settings.host, port: this.#settings.port });
        this.#listeners.push(server);
      } else {
        port = hooks.respListen(onEvent, this.#settings.host, this.#settings.port);
        this.#native = true;
      }
    }
    if (this.#settings.unixsocket) {
      const path = this.#settings.unixsocket;
      // A socket file left by a server that did not stop cleanly.
      if (existsSync(path)) unlinkSync(path);
      hooks.respListenUnix(onEvent, path);
      this.#native = true;
      if (this.#settings.unixsocketperm) chmodSync(path, parseInt(this.#settings.unixsocketperm, 8));
    }
    return port;
  }

  /**
   * After commands ran anywhere: writes the pub/sub messages the core
   * rendered for RESP subscribers, and closes the connections CLIENT KILL
   * marked.
   */
  deliver(): void {
    if (this.#clients.size === 0) return;
    const { hooks } = this.#context;
    const touched = hooks.respDeliver();
    if (touched) for (const id of touched) this.#clients.get(id)?.flushOutput();
    const killed = hooks.respTakeKilled();
    if (killed) for (const id of killed) this.#clients.get(id)?.end();
  }

  /** Stops listening and closes every connection. */
  close(): void {
    for (const listener of this.#listeners) listener.close();
    for (const client of this.#clients.values()) client.end();
    if (this.#native) this.#context.hooks.respStopListening();
    if (this.#settings.unixsocket && existsSync(this.#settings.unixsocket)) unlinkSync(this.#settings.unixsocket);
  }

  #onNativeEvent(kind: number, id: number, a?: string | number, b?: string | number, c?: number): string | undefined {
    const { admission, log } = this.#context;
    switch (kind) {
      case EVENT_OPEN: {
        const refusal = admission.acceptRespSlot();
        if (refusal) return refusal;
        const client = new RespClient(id, a as string, this.#context);
        client.attach(nativeTransport(client, this.#context));
        this.#clients.set(id, client);
        log.debug({ peer: a, client: id }, 'RESP connection');
        return undefined;
      }
      case EVENT_STATE:
        this.#clients.get(id)?.settle((a ?? c) as number, true, true);
        return undefined;
      case EVENT_CLOSED: {
        const client = this.#clients.get(id);
        if (client) {
          client.onClose();
          this.#clients.delete(id);
          admission.releaseRespSlot();
        }
        return undefined;
      }
      case EVENT_LIMIT:
        logLimit(log, this.#clients.get(id)?.peer, id, a as string, b as number);
        return undefined;
      default:
        return undefined;
    }
  }

  #acceptTls(socket: tls.TLSSocket): void {
    const { admission, hooks, log } = this.#context;
    const refusal = admission.acceptRespSlot();
    if (refusal) {
      socket.end(`-${refusal}\r\n`);
      return;
    }
    socket.once('close', () => admission.releaseRespSlot());
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const local = `${socket.localAddress}:${socket.localPort}`;
    let client: RespClient;
    try {
      client = new RespClient(hooks.respOpen(peer, local), peer, this.#context);
    } catch (err) {
      log.error({ peer, error: (err as Error).message }, 'RESP connection refused');
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    client.attach(tlsTransport(client, socket, this.#context));
    if (this.#settings.userFromCertificate && socket.authorized) {
      const name = socket.getPeerCertificate().subject?.CN;
      if (typeof name === 'string') hooks.respSetUser(client.id, name);
    }
    this.#clients.set(client.id, client);
    socket.on('error', (err) => log.debug({ peer, error: err.message }, 'RESP connection error'));
    socket.once('close', () => {
      client.onClose();
      this.#clients.delete(client.id);
      hooks.respClose(client.id);
    });
    log.debug({ peer, client: client.id }, 'RESP connection (TLS)');
  }
}

function listenOn(listener: net.Server, where: { host: string; port: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(where, () => {
      listener.off('error', reject);
      const address = listener.address();
      resolve(typeof address === 'object' && address ? address.port : -1);
    });
  });
}
