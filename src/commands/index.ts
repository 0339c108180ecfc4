/**
 * The typed method surface Engine and Client share: every family's
 * signatures as one interface, generic over the result mode, and every
 * family's definitions as one table, from which both classes get their
 * methods (see define.ts).
 *
 *   Engine implements CommandMethods<Sync>    engine.get('k')        -> string | null
 *   Client implements CommandMethods<Async>   await client.get('k')  -> string | null
 *
 * `Commands` (= CommandMethods<Sync | Async>) accepts either: write
 * `async function work(db: Commands)` and `await` every call; `await` on a
 * plain value is that value, so the same code runs embedded and remote.
 */
import { aclCommands, type AclCommands } from './acl.js';
import type { Async, Definitions, ResultMode, Sync } from './define.js';
import { hashCommands, type HashCommands } from './hashes.js';
import { keyCommands, type KeyCommands } from './keys.js';
import { listCommands, type ListCommands } from './lists.js';
import { persistenceCommands, type PersistenceCommands } from './persistence.js';
import { pubsubCommands, type PubSubCommands } from './pubsub.js';
import { serverCommands, type ServerCommands } from './server.js';
import { setCommands, type SetCommands } from './sets.js';
import { sortedSetCommands, type SortedSetCommands } from './sorted-sets.js';
import { stringCommands, type StringCommands } from './strings.js';
import type { TransactionMethods } from './transactions.js';

export interface CommandMethods<M extends ResultMode>
  extends StringCommands<M>,
    KeyCommands<M>,
    ListCommands<M>,
    HashCommands<M>,
    SetCommands<M>,
    SortedSetCommands<M>,
    ServerCommands<M>,
    PubSubCommands<M>,
    PersistenceCommands<M>,
    AclCommands<M> {}

/** The typed methods and transactions of either an Engine or a Client: `await` each result. */
export type Commands = CommandMethods<Sync | Async> & TransactionMethods<Sync | Async>;

/** Every typed method's definition, by method name. */
export const commandDefinitions: Definitions<CommandMethods<Sync>> = {
  ...stringCommands,
  ...keyCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...sortedSetCommands,
  ...serverCommands,
  ...pubsubCommands,
  ...persistenceCommands,
  ...aclCommands,
};

export type { Async, Items, Result, ResultMode, Sync } from './define.js';
export type { ExecOptions, TransactionCommand, TransactionMethods, WatchToken } from './transactions.js';
export type { Pairs } from './arguments.js';
export type { CopyOptions, ExpireCondition, ScanOptions, ScanPage } from './keys.js';
export type { GetExOptions, SetOptions } from './strings.js';
export type { ListEnd, LPosOptions } from './lists.js';
export type { HScanOptions, HScanPage } from './hashes.js';
export type { SScanOptions, SScanPage } from './sets.js';
export type {
  ZAddMembers,
  ZAddOptions,
  ZCombineOptions,
  ZLimit,
  ZMember,
  ZRangeOptions,
  ZScanOptions,
  ZScanPage,
} from './sorted-sets.js';
