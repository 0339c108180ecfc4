/**
 * emberkv, embedded: `import { Engine } from 'emberkv'`.
 */
export { Engine } from './engine.js';
export type {
  Argument,
  CopyOptions,
  EngineOptions,
  ExpireCondition,
  MaxmemoryPolicy,
  GetExOptions,
  Reply,
  ScanOptions,
  ScanPage,
  SetOptions,
} from './engine.js';
export { EmberError } from './errors.js';
export type { CommandDescription } from './native.js';

import { addon, type CommandDescription } from './native.js';

/** The native command table: every command the core implements. */
export function commands(): CommandDescription[] {
  return addon.commands();
}
