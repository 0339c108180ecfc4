/**
 * Snapshots: SAVE, BGSAVE and LASTSAVE (the file is <dir>/<dbfilename>,
 * set with CONFIG SET or the Engine's options).
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
}

export const persistenceCommands: Definitions<PersistenceCommands<Sync>> = {
  save: { command: 'save', args: () => [], reply: asReplied },
  bgSave: { command: 'bgsave', args: () => [], reply: asReplied },
  lastSave: { command: 'lastsave', args: () => [], reply: toNumber },
};
