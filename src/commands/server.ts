/**
 * Server commands (CONFIG, MEMORY, COMMAND, INFO, PING, DEBUG, SLOWLOG,
 * LATENCY, WAIT, FUNCTION/SCRIPT FLUSH, ...): their typed
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
  /**
   * COMMAND DOCS: a flat [name, docs, ...] array for the named commands (all
   * when none is named; unknown names are skipped), each docs a flat
   * ['group', group, 'subcommands', [...]?] array.
   */
  commandDocs(...names: string[]): Result<M, Reply[]>;
  /** COMMAND GETKEYS: the keys a full command would use (it throws if it has none). */
  commandGetKeys(command: string, ...args: Argument[]): Result<M, string[]>;
  /** INFO text, Redis's format ("# Section" headers, key:value lines). */
  info(...sections: string[]): Result<M, string>;
  /** WAIT: replicas that acknowledged the writes so far (emberkv has none: 0, at once). */
  wait(numReplicas: number, timeoutMs: number): Result<M, number>;
  /** DEBUG OBJECT | SLEEP | SET-ACTIVE-EXPIRE | HELP: Redis's reply for the subcommand. */
  debug(subcommand: string, ...args: Argument[]): Result<M, Reply>;
  /** SLOWLOG GET: the newest `count` entries (default 10, -1 all), newest first. */
  slowlogGet(count?: number): Result<M, SlowLogEntry[]>;
  slowlogLen(): Result<M, number>;
  slowlogReset(): Result<M, 'OK'>;
  /** LATENCY LATEST: the latest sample of each event (emberkv monitors none: []). */
  latencyLatest(): Result<M, Reply[]>;
  /** LATENCY HISTORY: an event's samples (emberkv monitors none: []). */
  latencyHistory(event: string): Result<M, Reply[]>;
  /** LATENCY RESET: how many events' data was reset. */
  latencyReset(...events: string[]): Result<M, number>;
  /** LATENCY DOCTOR: Redis's report text. */
  latencyDoctor(): Result<M, string>;
  /** FUNCTION FLUSH: emberkv keeps no functions; accepted. */
  functionFlush(mode?: 'ASYNC' | 'SYNC'): Result<M, 'OK'>;
  /** SCRIPT FLUSH: emberkv keeps no scripts; accepted. */
  scriptFlush(mode?: 'ASYNC' | 'SYNC'): Result<M, 'OK'>;
}

/** A SLOWLOG GET entry: id, unix time (s), duration (us), arguments (cut as Redis cuts them), client address, client name. */
export type SlowLogEntry = [number, number, number, string[], string, string];

const optional = <T>(value: T | undefined): T[] => (value === undefined ? [] : [value]);

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
  commandDocs: { command: 'command', args: (...names) => ['DOCS', ...names], reply: asReplied },
  commandGetKeys: { command: 'command', args: (command, ...args) => ['GETKEYS', command, ...args], reply: asReplied },
  info: { command: 'info', args: (...sections) => sections, reply: asReplied },
  wait: { command: 'wait', args: (numReplicas, timeoutMs) => [String(numReplicas), String(timeoutMs)], reply: toNumber },
  debug: { command: 'debug', args: (subcommand, ...args) => [subcommand, ...args], reply: asReplied },
  slowlogGet: { command: 'slowlog', args: (count) => ['GET', ...optional(count).map(String)], reply: asReplied },
  slowlogLen: { command: 'slowlog', args: () => ['LEN'], reply: toNumber },
  slowlogReset: { command: 'slowlog', args: () => ['RESET'], reply: asReplied },
  latencyLatest: { command: 'latency', args: () => ['LATEST'], reply: asReplied },
  latencyHistory: { command: 'latency', args: (event) => ['HISTORY', event], reply: asReplied },
  latencyReset: { command: 'latency', args: (...events) => ['RESET', ...events], reply: toNumber },
  latencyDoctor: { command: 'latency', args: () => ['DOCTOR'], reply: asReplied },
  functionFlush: { command: 'function', args: (mode) => ['FLUSH', ...optional(mode)], reply: asReplied },
  scriptFlush: { command: 'script', args: (mode) => ['FLUSH', ...optional(mode)], reply: asReplied },
};
