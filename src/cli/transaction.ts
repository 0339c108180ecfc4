/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH at the interactive prompt.
 *
 * redis-cli users type these; emberkv-server has no connection state for
 * them, but the Watch and Exec RPCs. So the prompt keeps the state: MULTI
 * starts queueing (each command answers QUEUED), EXEC sends the queue as
 * one transaction with the WATCH token if there is one, DISCARD drops it.
 * Replies and errors read as redis-cli prints Redis's. One difference:
 * the commands are checked at EXEC (an unknown command or a wrong arity
 * then rejects the whole transaction with EXECABORT), not as they queue.
 * And one WATCH per transaction: a token covers the keys given together.
 */
import type { Client } from '../client/index.js';
import type { Reply } from '../engine.js';
import { EmberError } from '../errors.js';

type Args = (string | Buffer)[];

/** What the prompt answers: a reply to print as any other. */
export type SessionReply = Reply | EmberError | undefined;

const word = (arg: string | Buffer | undefined): string => String(arg ?? '').toUpperCase();

export class TransactionSession {
  #queued: Args[] | null = null;
  #token: number | undefined;

  /**
   * Handles `args` if it belongs to the transaction state (a transaction
   * command, or any command while queueing); undefined when it does not,
   * and the caller runs it as usual.
   */
  async handle(client: Client, args: Args): Promise<SessionReply> {
    const name = word(args[0]);
    switch (name) {
      case 'MULTI':
        if (this.#queued) return new EmberError('ERR MULTI calls can not be nested');
        this.#queued = [];
        return 'OK';
      case 'EXEC':
        return this.#exec(client);
      case 'DISCARD':
        if (!this.#queued) return new EmberError('ERR DISCARD without MULTI');
        this.#queued = null;
        await this.#unwatch(client);
        return 'OK';
      case 'WATCH':
        if (this.#queued) return new EmberError('ERR WATCH inside MULTI is not allowed');
        if (args.length < 2) return new EmberError("ERR wrong number of arguments for 'watch' command");
        if (this.#token !== undefined) {
          return new EmberError('ERR emberkv-cli takes one WATCH per transaction: UNWATCH, then WATCH every key at once');
        }
        this.#token = await client.watch(...args.slice(1));
        return 'OK';
      case 'UNWATCH':
        if (this.#queued) break;  // queued like any command, as Redis does
        await this.#unwatch(client);
        return 'OK';
    }
    if (!this.#queued) return undefined;
    this.#queued.push(args);
    return 'QUEUED';
  }

  async #exec(client: Client): Promise<SessionReply> {
    if (!this.#queued) return new EmberError('ERR EXEC without MULTI');
    const queued = this.#queued;
    const watch = this.#token;
    this.#queued = null;
    this.#token = undefined;  // EXEC uses the token up, whatever the outcome
    // A queued UNWATCH runs after Redis's watch check, so it changes
    // nothing but answers OK in its place; the server has no UNWATCH.
    const isUnwatch = (args: Args): boolean => word(args[0]) === 'UNWATCH';
    const commands = queued.filter((args) => !isUnwatch(args)) as unknown as [string, ...Buffer[]][];
    let replies: Reply[] | null;
    try {
      replies = await client.execBuffer(commands, { watch });
    } catch (err) {
      if (err instanceof EmberError) return err;
      throw err;
    }
    if (replies === null) return null;
    const ran = replies[Symbol.iterator]();
    return queued.map((args) => (isUnwatch(args) ? 'OK' : (ran.next().value as Reply)));
  }

  async #unwatch(client: Client): Promise<void> {
    if (this.#token === undefined) return;
    const token = this.#token;
    this.#token = undefined;
    await client.unwatch(token);
  }
}
