/**
 * ESM entry point. It re-exports the CommonJS build, so ESM and CJS users
 * share one module instance (one loaded addon, one EmberError class).
 */
export { Engine, EmberError, commands } from './index.js';
export type {
  Argument,
  CommandDescription,
  CopyOptions,
  EngineOptions,
  ExpireCondition,
  MaxmemoryPolicy,
  GetExOptions,
  Reply,
  ScanOptions,
  ScanPage,
  SetOptions,
} from './index.js';
