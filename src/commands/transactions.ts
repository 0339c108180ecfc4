/**
 * Transactions on either side: WATCH tokens and MULTI/EXEC, with the same
 * signatures on Engine (results as values) and Client (Promises). Not a
 * command definition like the other families' (a transaction is many
 * commands), so each side implements these three itself over the core's
 * one transaction path (native/core/wire_executor.h executeTransaction).
 */
import type { Argument, Reply } from '../engine.js';
import type { Result, ResultMode } from './define.js';

/** A WATCH token (opaque): pass it to exec() or unwatch(). */
export type WatchToken = number;

/** One command of a transaction: its name, then its arguments. */
export type TransactionCommand = readonly [string, ...Argument[]];

/** Options of exec(). */
export interface ExecOptions {
  /** Run only if none of this token's keys changed since watch(). */
  watch?: WatchToken;
}

export interface TransactionMethods<M extends ResultMode> {
  /**
   * WATCH: a token for these keys. exec() with it runs its transaction
   * only if none of them was modified (written, deleted, expired, evicted,
   * renamed, flushed) in between. A token is used once; unwatch() releases
   * one that will not be; one unused for 60 s is released anyway.
   */
  watch(...keys: Argument[]): Result<M, WatchToken>;
  /** Releases a WATCH token without running a transaction. */
  unwatch(token: WatchToken): Result<M, void>;
  /**
   * MULTI/EXEC: runs the commands back to back, with nothing else in
   * between. The result is their replies (a command's error as an
   * EmberError in its place: no rollback, as Redis), or null if
   * `options.watch`'s keys changed or the token is unknown (nothing ran).
   * An unknown command or a wrong number of arguments rejects the whole
   * transaction with an EXECABORT EmberError before anything runs.
   */
  exec(commands: readonly TransactionCommand[], options?: ExecOptions): Result<M, Reply[] | null>;
  /** exec() with bulk replies as Buffers (as callBuffer). */
  execBuffer(commands: readonly TransactionCommand[], options?: ExecOptions): Result<M, Reply[] | null>;
}
