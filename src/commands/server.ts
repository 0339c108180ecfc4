/**
 * Server commands (CONFIG, MEMORY, COMMAND, INFO, PING, ...): their typed
 * methods' signatures and their one definition each. Engine adds what only
 * an embedded store has (memoryUsage() without a key, runUpkeep).
 */
import type { Argument, Reply } from '../engine.js';
import { pairArguments, type Pairs } from './arguments.js';
import type { Definitions, Result, ResultMode, Sync } from './define.js';
import { asReplied, flatPairs, toNumber, toNumberOrNull } from './replies.js';

export interface ServerCommands<M extends ResultMode> {
  /** MEMORY USAGE: the bytes the key and its value take (exact, not sampled), or null if it does not exist. */
  memoryUsage(key: Argument): Result<M, number | null>;
  /** MEMORY STATS: Redis's field names, as a flat [name, value, ...] array. */
  memoryStats(): Result<M, unknown[]>;
  /** MEMORY PURGE: returns free heap pages to the operating system. */
  memoryPurge(): Result<M, 'OK'>;
  /**
   * CONFIG GET: the parameters matching any of the names or glob patterns
   * (case-insensitive), as an object of name -> value (exact names keep the
   * spelling given). Unknown names are left out.
   */
  configGet(...parameters: string[]): Result<M, Record<string, string>>;
  /**
   * CONFIG SET of one or more parameters (Redis's names, e.g.
   * `{ 'maxmemory': '100mb', 'maxmemory-policy': 'allkeys-lfu' }`): all
   * applied, or none when any is unknown, repeated or invalid (it throws).
   */
  configSet(parameters: Pairs): Result<M, 'OK'>;
  /** CONFIG RESETSTAT: zeroes INFO's stats counters (hits, misses, expired, evicted, commands). */
  configResetStat(): Result<M, 'OK'>;
  ping(message?: Argument): Result<M, string>;
  echo(message: Argument): Result<M, string>;
  /** TIME: [unix seconds, microseconds]. */
  time(): Result<M, [number, number]>;
  commandCount(): Result<M, number>;
  /**
   * COMMAND INFO: Redis 7's description of each named command (all commands
   * when none is named); null for an unknown name.
   */
  commandInfo(...names: string[]): Result<M, (Reply[] | null)[]>;
  /** COMMAND LIST: every command name. */
  commandList(): Result<M, string[]>;
  /** INFO text, Redis's format ("# Section" headers, key:value lines). */
  info(...sections: string[]): Result<M, string>;
}

export const serverCommands: Definitions<ServerCommands<Sync>> = {
  memoryUsage: { command: 'memory', args: (key) => ['USAGE', key], reply: toNumberOrNull },
  memoryStats: { command: 'memory', args: () => ['STATS'], reply: asReplied },
  memoryPurge: { command: 'memory', args: () => ['PURGE'], reply: asReplied },
  configGet: {
    command: 'config',
    args: (...parameters) => ['GET', ...parameters],
    reply: (raw) => {
      const out: Record<string, string> = {};
      for (const [name, value] of flatPairs(raw)) out[name] = value;
      return out;
    },
  },
  configSet: { command: 'config', args: (parameters) => ['SET', ...pairArguments(parameters)], reply: asReplied },
  configResetStat: { command: 'config', args: () => ['RESETSTAT'], reply: asReplied },
  ping: { command: 'ping', args: (message) => (message === undefined ? [] : [message]), reply: asReplied },
  echo: { command: 'echo', args: (message) => [message], reply: asReplied },
  time: {
    command: 'time',
    args: () => [],
    reply: (raw) => {
      const [seconds, micros] = raw as [string, string];
      return [Number(seconds), Number(micros)];
    },
  },
  commandCount: { command: 'command', args: () => ['COUNT'], reply: toNumber },
  commandInfo: { command: 'command', args: (...names) => ['INFO', ...names], reply: asReplied },
  commandList: { command: 'command', args: () => ['LIST'], reply: asReplied },
  info: { command: 'info', args: (...sections) => sections, reply: asReplied },
};
