/**
 * Who a call runs as (issue 7). The users, their secrets and permissions
 * live in the core (native/core/acl.h); this decides, per call, which user
 * that is, from the call's metadata:
 *
 *   authorization: Bearer <user>:<secret>   that user, if the secret is one of its own
 *   authorization: Bearer <secret>          the default user (as Redis's AUTH <password>)
 *   no authorization, with a verified client certificate whose CN names
 *     an enabled user, and tls-auth-clients-user CN   that user
 *   nothing                                  the default user, if it needs
 *                                            no secret (nopass, the default)
 *
 * Anything else fails with UNAUTHENTICATED and an audit line.
 *
 * Secrets are checked by the core off the event loop (a salted yescrypt
 * hash, ~18 ms of a libuv pool thread), once per credential: a credential
 * that authenticated is remembered by its SHA-256 digest (never in clear)
 * until any user changes (the core's ACL generation moves), so the calls
 * of a connection after its first cost a hash lookup. A Pipeline or
 * Subscribe stream is authenticated once, when it opens. At most
 * MAX_VERIFYING checks run at once, so that a flood of wrong secrets cannot
 * take the pool threads the append-only log's fsyncs need; the calls
 * behind them wait, up to MAX_WAITING, and are refused beyond.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { serverHooksOf, type Engine, type ServerHooks } from '../engine.js';
import type { AuditLog } from './audit.js';
import { peerIdentity } from './tls.js';

const MAX_VERIFYING = 2;
const MAX_WAITING = 1000;
/** Credentials remembered at most (then the oldest is forgotten). */
const MAX_CACHED = 10_000;

/** Redis's texts. */
export const NOAUTH = 'NOAUTH Authentication required.';
export const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
const MALFORMED = "NOAUTH the authorization metadata must be 'Bearer <user>:<secret>' or 'Bearer <secret>'";

type AuthCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/** A call refused before it ran: a grpc ServiceError, UNAUTHENTICATED unless said otherwise. */
export class AuthError extends Error {
  readonly details: string;
  readonly metadata = new grpc.Metadata();
  constructor(
    message: string,
    readonly code: grpc.status = grpc.status.UNAUTHENTICATED,
  ) {
    super(message);
    this.details = message;
  }
}

export class Authenticator {
  readonly #hooks: ServerHooks;
  readonly #audit: AuditLog;
  readonly #userFromCertificate: boolean;
  /** Digest of a credential that authenticated -> [user, ACL generation]. */
  readonly #known = new Map<string, [string, number]>();
  #verifying = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(hooks: ServerHooks, audit: AuditLog, userFromCertificate: boolean) {
    this.#hooks = hooks;
    this.#audit = audit;
    this.#userFromCertificate = userFromCertificate;
  }

  /**
   * The user `call` runs as: at once when that needs no secret check (or
   * the credential is remembered), else a promise. Throws / rejects with
   * an AuthError (UNAUTHENTICATED).
   */
  userOf(call: AuthCall): string | Promise<string> {
    const peer = call.getPeer();
    const header = call.metadata.get('authorization')[0];
    if (header === undefined) return this.#withoutSecret(call, peer);
    const match = typeof header === 'string' ? /^Bearer (.+)$/i.exec(header) : null;
    if (!match) return this.#fail(peer, '', 'malformed authorization metadata', MALFORMED);
    const token = match[1]!;
    const colon = token.indexOf(':');
    const user = colon === -1 ? 'default' : token.slice(0, colon);
    const secret = colon === -1 ? token : token.slice(colon + 1);
    const digest = createHash('sha256').update(token).digest('base64');
    const generation = this.#hooks.aclGeneration();
    const known = this.#known.get(digest);
    if (known && known[1] === generation) return known[0];
    return this.#verify(user, secret).then((ok) => {
      if (!ok) return this.#fail(peer, user, 'wrong secret, or no such user, or the user is off', WRONGPASS);
      this.#remember(digest, user, generation);
      return user;
    });
  }

  /**
   * Whether `secret` is one of `user`'s secrets and the user is on (AUTH
   * and HELLO ... AUTH on a RESP connection): at once when the credential
   * is remembered, else a promise. A failure is audited; a check refused
   * because too many are in progress counts as a failure.
   */
  verifyCredentials(peer: string, user: string, secret: string): boolean | Promise<boolean> {
    const digest = createHash('sha256').update(user).update('\0').update(secret).digest('base64');
    const generation = this.#hooks.aclGeneration();
    const known = this.#known.get(digest);
    if (known && known[1] === generation) return true;
    const failed = (reason: string): boolean => {
      this.#audit.authenticationFailed(peer, user, reason);
      return false;
    };
    return this.#verify(user, secret).then(
      (ok) => {
        if (!ok) return failed('wrong secret, or no such user, or the user is off');
        this.#remember(digest, user, generation);
        return true;
      },
      (err: Error) => failed(err.message),
    );
  }

  #remember(digest: string, user: string, generation: number): void {
    if (this.#known.size >= MAX_CACHED) this.#known.delete(this.#known.keys().next().value!);
    this.#known.set(digest, [user, generation]);
  }

  #withoutSecret(call: AuthCall, peer: string): string {
    if (this.#userFromCertificate) {
      const name = peerIdentity(call)?.commonName;
      if (name !== undefined) {
        const status = this.#hooks.userStatus(name);
        if (status === 'on' || status === 'open') return name;
        return this.#fail(peer, name, `client certificate names a user that is ${status}`, WRONGPASS);
      }
    }
    if (this.#hooks.userStatus('default') === 'open') return 'default';
    return this.#fail(peer, 'default', 'no credentials', NOAUTH);
  }

  #fail(peer: string, user: string, reason: string, message: string): never {
    this.#audit.authenticationFailed(peer, user, reason);
    throw new AuthError(message);
  }

  async #verify(user: string, secret: string): Promise<boolean> {
    if (this.#verifying >= MAX_VERIFYING) {
      if (this.#waiting.length >= MAX_WAITING) {
        throw new AuthError('too many authentications in progress: try again', grpc.status.RESOURCE_EXHAUSTED);
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#verifying++;
    try {
      return await this.#hooks.authenticate(user, secret);
    } finally {
      this.#verifying--;
      this.#waiting.shift()?.();
    }
  }
}

/**
 * At startup: the users of the ACL file (Redis's aclfile), which ACL SAVE
 * and ACL LOAD use from then on. A file that does not exist yet is not an
 * error (the server starts with the default user; ACL SAVE creates it); a
 * malformed one throws, naming the file and line.
 */
export function loadUsers(engine: Engine, aclfile: string, log: Logger): void {
  if (!aclfile) return;
  serverHooksOf(engine).setAclFile(aclfile);
  if (!existsSync(aclfile)) {
    log.info({ file: aclfile }, 'no ACL file yet: only the default user (ACL SAVE writes the file)');
    return;
  }
  engine.call('ACL', 'LOAD');
  log.info({ file: aclfile, users: (engine.call('ACL', 'USERS') as string[]).length }, 'users loaded');
}
