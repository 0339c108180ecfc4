/**
 * The RESP listener (issue 8): redis-cli, redis-benchmark and every Redis
 * client speak to emberkv here, on the same event loop and the same
 * keyspace as the gRPC service.
 *
 * Each socket has a native connection (native/core/resp_connection.h) that
 * parses whole buffers, runs their commands and renders the replies; this
 * file only moves bytes and handles what the core hands back to the front
 * end: a blocked command (parked with the gRPC ones in blocking.ts, so a
 * push from either protocol wakes either), a secret to check off the event
 * loop (auth.ts), and the end of the connection. Replies pass through the
 * append-only log's group commit (durability.ts), like gRPC's.
 *
 * Output buffer limits (Redis's client-output-buffer-limit, a store
 * parameter) are the core's (checkOutputLimits in resp_connection.h): after
 * each write the socket's pending bytes are checked, and the connection is
 * closed past its class's limit, or stops being read while its client
 * does not read (the core's kPauseReadingBytes) until the socket drains.
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

/** The connection states respFeed & co. answer (resp.cc), and their flags. */
const STATE_MASK = 0x0f;
const BLOCKED = 1;
const AUTHENTICATING = 2;
const CLOSING = 3;
/** The store has work for the front end: messages, audit events, ready keys, killed clients. */
const FOLLOW_UP = 0x10;
/** respCheckOutput: stop reading the client's requests until its socket drains. */
const PAUSE_READING = 1;


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

/** One client socket and its native connection. */
class RespClient {
  readonly id: number;
  readonly peer: string;
  readonly #socket: net.Socket;
  readonly #context: Context;
  #closing = false;
  #closed = false;
  #paused = false;
  #waiter: Waiter | undefined;

  constructor(socket: net.Socket, context: Context, peer: string, local: string) {
    this.#socket = socket;
    this.#context = context;
    this.peer = peer;
    this.id = context.hooks.respOpen(peer, local);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.#closing) return;
      this.#settle(context.hooks.respFeed(this.id, chunk), true);
    });
    socket.on('drain', () => {
      if (this.#paused && !this.#closing) {
        this.#paused = false;
        socket.resume();
      }
    });
    socket.on('error', (err) => context.log.debug({ peer, error: err.message }, 'RESP connection error'));
    socket.on('close', () => this.#onClose());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes what the core produced for this connection (pub/sub messages). */
  flushOutput(): void {
    if (this.#closed) return;
    const out = this.#context.hooks.respOutput(this.id);
    if (out) this.#send(out);
  }

  /** Closes the connection once what it has been sent is written (CLIENT KILL, shutdown). */
  end(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.flushOutput();
    this.#context.durability.afterCall(() => this.#socket.end());
  }

  /**
   * After the core ran commands: writes their replies, then acts on the
   * state: park a blocked command, check a secret, or close. `serveBlocked`
   * is false when this runs for a blocked command being served (the
   * blocked-clients loop that called it goes on by itself).
   */
  #settle(state: number, serveBlocked: boolean): void {
    const { hooks } = this.#context;
    const out = hooks.respOutput(this.id);
    if (out) this.#send(out);
    switch (state & STATE_MASK) {
      case BLOCKED:
        this.#park();
        break;
      case AUTHENTICATING:
        this.#authenticate();
        break;
      case CLOSING:
        this.end();
        break;
      default:
        break;
    }
    if (state & FOLLOW_UP) {
      this.#context.flushEffects(this.peer);
      if (serveBlocked) this.#context.blocked.serveReady();
    }
  }

  #send(out: Buffer): void {
    this.#context.durability.afterCall((err) => {
      if (this.#closed) return;
      if (err) {
        // Ran but not durable: not acknowledged; the client must not
        // take a later reply for this one's.
        this.#socket.destroy();
        return;
      }
      this.#socket.write(out);
      this.#checkOutput();
    });
  }

  /** Applies the output buffer limits and the read pause to the socket's pending bytes. */
  #checkOutput(): void {
    const verdict = this.#context.hooks.respCheckOutput(this.id, this.#socket.writableLength);
    if (verdict === PAUSE_READING) {
      if (!this.#paused) {
        this.#paused = true;
        this.#socket.pause();
      }
    } else if (typeof verdict === 'string') {
      this.#context.log.warn({ peer: this.peer, client: this.id, limit: verdict }, 'client closed for overcoming of output buffer limits');
      this.#closing = true;
      this.#socket.destroy();
    }
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
        this.#settle(hooks.respState(this.id), false);
        return 'served';
      },
      timeout: () => {
        this.#waiter = undefined;
        if (!this.#closed) this.#settle(hooks.respTimeout(this.id), true);
      },
      shutdown: () => this.#socket.destroy(),
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
      if (!this.#closed) this.#settle(hooks.respFinishAuth(this.id, ok), true);
    });
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#waiter) this.#context.blocked.remove(this.#waiter);
    this.#context.hooks.respClose(this.id);
  }
}

export class RespServer {
  readonly #settings: RespSettings;
  readonly #context: Context;
  readonly #clients = new Map<number, RespClient>();
  readonly #listeners: net.Server[] = [];

  constructor(settings: RespSettings, context: Context) {
    this.#settings = settings;
    this.#context = context;
  }

  get connections(): number {
    return this.#clients.size;
  }

  /** Starts listening; resolves with the TCP port bound (or -1) once every listener is up. */
  async listen(): Promise<number> {
    let port = -1;
    if (this.#settings.port >= 0) {
      const tcp = this.#settings.tls
        ? tls.createServer(this.#settings.tls, (socket) => this.#accept(socket))
        : net.createServer((socket) => this.#accept(socket));
      // The secure connection is what #accept gets; a failed handshake is only logged.
      tcp.on('tlsClientError', (err: Error) => this.#context.log.debug({ error: err.message }, 'RESP TLS handshake failed'));
      port = await listenOn(tcp, { host: this.#settings.host, port: this.#settings.port });
      this.#listeners.push(tcp);
    }
    if (this.#settings.unixsocket) {
      const path = this.#settings.unixsocket;
      // A socket file left by a server that did not stop cleanly.
      if (existsSync(path)) unlinkSync(path);
      const unix = net.createServer((socket) => this.#accept(socket));
      await listenOn(unix, { path });
      if (this.#settings.unixsocketperm) chmodSync(path, parseInt(this.#settings.unixsocketperm, 8));
      this.#listeners.push(unix);
    }
    for (const listener of this.#listeners) {
      listener.on('error', (err) => this.#context.log.error({ error: err.message }, 'accepting a RESP connection failed'));
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
  }

  #accept(socket: net.Socket): void {
    const { admission, log } = this.#context;
    const unix = socket.remoteAddress === undefined;
    const peer = unix ? `${this.#settings.unixsocket}:0` : `${socket.remoteAddress}:${socket.remotePort}`;
    const local = unix ? `${this.#settings.unixsocket}:0` : `${socket.localAddress}:${socket.localPort}`;
    const refusal = admission.acceptResp(socket);
    if (refusal) {
      socket.end(`-${refusal}\r\n`);
      return;
    }
    let client: RespClient;
    try {
      client = new RespClient(socket, this.#context, peer, local);
    } catch (err) {
      log.error({ peer, error: (err as Error).message }, 'RESP connection refused');
      socket.destroy();
      return;
    }
    if (this.#settings.userFromCertificate && socket instanceof tls.TLSSocket && socket.authorized) {
      const name = socket.getPeerCertificate().subject?.CN;
      if (typeof name === 'string') this.#context.hooks.respSetUser(client.id, name);
    }
    this.#clients.set(client.id, client);
    socket.once('close', () => this.#clients.delete(client.id));
    log.debug({ peer, client: client.id }, 'RESP connection');
  }
}

function listenOn(listener: net.Server, where: { host: string; port: number } | { path: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(where, () => {
      listener.off('error', reject);
      const address = listener.address();
      resolve(typeof address === 'object' && address ? address.port : -1);
    });
  });
}
