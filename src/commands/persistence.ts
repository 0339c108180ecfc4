/**
 * Snapshots: SAVE, BGSAVE and LASTSAVE (the file is <dir>/<dbfilename>,
 * set with CONFIG SET or the Engine's options), and BGREWRITEAOF for the
 * append-only log.
 */
import type { Definitions, Result, ResultMode, Sync } from './define.js';
import { asReplied, toNumber } from './replies.js';

export interface PersistenceCommands<M extends ResultMode> {
  /** SAVE: writes the snapshot now, blocking until it is on disk. */
  save(): Result<M, 'OK'>;
  /**
   * BGSAVE: writes the snapshot of this moment in the background (a
   * forked process) while commands go on; 'Background saving started'.
   * INFO persistence tells when it is done (rdb_bgsave_in_progress).
   */
  bgSave(): Result<M, string>;
  /** LASTSAVE: the Unix time (s) of the last successful save. */
  lastSave(): Result<M, number>;
  /**
   * BGREWRITEAOF: rewrites the append-only log in the background (a forked
   * process writes the data as its new base) while commands go on, and
   * nothing written meanwhile is lost. INFO persistence tells when it is
   * done (aof_rewrite_in_progress).
   */
  bgRewriteAof(): Result<M, string>;
}

export const persistenceCommands: Definitions<PersistenceCommands<Sync>> = {
  save: { command: 'save', args: () => [], reply: asReplied },
  bgSave: { command: 'bgsave', args: () => [], reply: asReplied },
  lastSave: { command: 'lastsave', args: () => [], reply: toNumber },
  bgRewriteAof: { command: 'bgrewriteaof', args: () => [], reply: asReplied },
};
