/**
 * emberkv, embedded: `import { Engine } from 'emberkv'`.
 */
export { Engine } from './engine.js';
export type { Argument, EngineOptions, MaxmemoryPolicy, Reply } from './engine.js';
// The typed method surface Engine shares with Client ('emberkv/client'),
// and the types of its arguments and results.
export type {
  Async,
  CommandMethods,
  Commands,
  CopyOptions,
  ExecOptions,
  ExpireCondition,
  GetExOptions,
  HScanOptions,
  HScanPage,
  Items,
  ListEnd,
  LPosOptions,
  Pairs,
  Result,
  ResultMode,
  ScanOptions,
  ScanPage,
  SetOptions,
  SScanOptions,
  SScanPage,
  Sync,
  TransactionCommand,
  TransactionMethods,
  ZAddMembers,
  ZAddOptions,
  ZCombineOptions,
  ZLimit,
  ZMember,
  ZRangeOptions,
  ZScanOptions,
  ZScanPage,
  WatchToken,
} from './commands/index.js';
export { EmberError } from './errors.js';
export type { CommandDescription } from './native.js';

import { addon, type CommandDescription } from './native.js';

/** The native command table: every command the core implements. */
export function commands(): CommandDescription[] {
  return addon.commands();
}
