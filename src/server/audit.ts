/**
 * The audit log (issue 7): one structured line per failed authentication,
 * per refused command or subscription, and per administrative command
 * that ran (the core's @admin commands, and @dangerous writes such as
 * FLUSHALL). Each line names the user, the peer address and the command,
 * and never a secret or a value; the lines carry `audit: true` so they can
 * be filtered from the rest of the server's log.
 */
import type { Logger } from 'pino';
import type { ServerHooks } from '../engine.js';

export class AuditLog {
  readonly #log: Logger;
  readonly #hooks: ServerHooks;

  constructor(log: Logger, hooks: ServerHooks) {
    this.#log = log.child({ audit: true });
    this.#hooks = hooks;
    hooks.setAuditing(true);
  }

  authenticationFailed(peer: string, user: string, reason: string): void {
    this.#log.warn({ peer, user, reason }, 'authentication failed');
  }

  denied(peer: string, user: string, command: string, rule: string): void {
    this.#log.warn({ peer, user, command, rule }, 'permission denied');
  }

  /** Logs what the core recorded while it ran commands for `user` from `peer`. */
  flush(peer: string): void {
    const events = this.#hooks.takeAuditEvents();
    if (!events) return;
    for (const [user, command, denied] of events) {
      if (denied) this.denied(peer, user, command, denied);
      else this.#log.info({ peer, user, command }, 'admin command');
    }
  }
}
