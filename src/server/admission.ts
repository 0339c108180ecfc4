/**
 * Admission control: max-connections (Redis's maxclients) and
 * max-concurrent-calls. Both refuse with RESOURCE_EXHAUSTED before the
 * call's handler runs, so a refused call costs nothing but its status.
 *
 * Connections: grpc-js has no public event for a server's HTTP/2
 * sessions (its http2 servers and their 'session' handlers are private),
 * but it offers a connection injector (Server.createConnectionInjector):
 * the server listens on its own net.Server, sees every TCP connection
 * first, and hands it to grpc-js, which speaks TLS and HTTP/2 on it as on
 * a port it bound itself. Each connection is counted from accept to close.
 * One accepted past the limit is not closed (the client would only see
 * UNAVAILABLE and retry): its calls fail with RESOURCE_EXHAUSTED and
 * Redis's text until a slot frees, when its next call takes the slot.
 * Calls name their connection by peer address "host:port" (getPeer()),
 * which is unique among live TCP connections.
 *
 * Calls: a server interceptor counts every call (typed RPCs, Execute,
 * Exec, Pipeline and Subscribe streams, blocked calls, health checks and
 * reflection) from its metadata until grpc-js reports it over: its status
 * sent, or its stream closed (client cancel, deadline, connection lost).
 * grpc-js reports that through the listener's onCancel, once, in every
 * one of those cases.
 */
import type { Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';

/** Redis's text for a client past maxclients, naming our setting. */
function tooManyConnections(limit: number): string {
  return `ERR max number of clients reached (max-connections ${limit})`;
}

function tooManyCalls(limit: number): string {
  return `ERR max-concurrent-calls (${limit}) reached`;
}

/** A connection's name as grpc-js's getPeer() spells it. */
function peerOf(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

interface Connection {
  socket: Socket;
  /** Whether it holds one of the max-connections slots. */
  admitted: boolean;
}

export class Admission {
  readonly #maxConnections: number;
  readonly #maxCalls: number;
  /** Live connections by peer. */
  readonly #connections = new Map<string, Connection>();
  #admittedConnections = 0;
  #calls = 0;

  constructor(maxConnections: number, maxCalls: number) {
    this.#maxConnections = maxConnections;
    this.#maxCalls = maxCalls;
  }

  /** A newly accepted TCP connection: counted until it closes. */
  accept(socket: Socket): void {
    const peer = peerOf(socket);
    const connection: Connection = { socket, admitted: false };
    this.#connections.set(peer, connection);
    this.#tryAdmit(connection);
    socket.once('close', () => {
      this.#connections.delete(peer);
      if (connection.admitted) this.#admittedConnections--;
    });
  }

  /**
   * A new RESP connection (resp.ts) takes a slot of the same
   * max-connections until releaseRespSlot(), or gets Redis's refusal text
   * if none is free (Redis answers that and closes the connection).
   */
  acceptRespSlot(): string | undefined {
    if (this.#admittedConnections >= this.#maxConnections) return tooManyConnections(this.#maxConnections);
    this.#admittedConnections++;
    return undefined;
  }

  releaseRespSlot(): void {
    this.#admittedConnections--;
  }

  /**
   * Closes the connection of `peer` (a client that will not read what it
   * asked for holds server memory: Redis closes such a client too).
   */
  dropConnection(peer: string): void {
    this.#connections.get(peer)?.socket.destroy();
  }

  /**
   * The server interceptor that applies both limits to every call. The
   * decision is taken when the call's metadata arrives, not at start:
   * grpc-js delivers metadata only to a call it started listening to, and
   * such a call always gets its onCancel, while a call already cancelled
   * at start gets neither (counting it there would leak a slot).
   */
  readonly interceptor: grpc.ServerInterceptor = (_method, call) => {
    let counted = false;
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, admit) => {
            const refusal = this.#refusal(call.getPeer());
            if (refusal) {
              // Its metadata is not passed on, so grpc-js holds back its
              // messages and never runs its handler.
              call.sendStatus({ code: grpc.status.RESOURCE_EXHAUSTED, details: refusal });
              return;
            }
            counted = true;
            this.#calls++;
            admit(metadata);
          },
          onCancel: () => {
            if (counted) this.#calls--;
            counted = false;
          },
        }),
    });
  };

  /** Why a call from `peer` may not start now, if it may not. */
  #refusal(peer: string): string | undefined {
    const connection = this.#connections.get(peer);
    // Every connection comes through accept(); one unknown here is closing.
    if (connection && !this.#tryAdmit(connection)) return tooManyConnections(this.#maxConnections);
    if (this.#calls >= this.#maxCalls) return tooManyCalls(this.#maxCalls);
    return undefined;
  }

  /** Gives `connection` a slot if it has none and one is free; whether it has one. */
  #tryAdmit(connection: Connection): boolean {
    if (connection.admitted) return true;
    if (this.#admittedConnections >= this.#maxConnections) return false;
    connection.admitted = true;
    this.#admittedConnections++;
    return true;
  }
}
