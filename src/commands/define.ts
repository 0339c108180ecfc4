/**
 * How a typed method is defined once and given to both Engine (results as
 * values) and Client (results as Promises).
 *
 * A family file (strings.ts, lists.ts, ...) declares an interface of method
 * signatures, generic over a result mode, and one definition per method:
 * the command, how its arguments become argv, how the raw reply becomes
 * the result, and whether bulk replies are Buffers. The installers below
 * turn the definitions into prototype methods, given a side's way to run a
 * command; nothing else about a method is written anywhere, so Engine and
 * Client cannot drift apart.
 *
 * Invariants: a raw reply is what `call()` / `callBuffer()` return (the
 * two sides give identical values), so a reply conversion works for both;
 * an installed method never replaces one the class defines itself unless
 * the class lists it as hand-written (Engine's fast paths).
 */
import type { Argument } from '../engine.js';

/** Result mode of Engine: every method returns its result. */
export interface Sync {
  readonly resultMode: 'sync';
}

/** Result mode of Client: every method returns a Promise of its result. */
export interface Async {
  readonly resultMode: 'async';
}

export type ResultMode = Sync | Async;

/**
 * A method's result in a mode. For `Sync | Async` it is `T | Promise<T>`,
 * which `await` turns into `T`: code typed that way accepts either side.
 */
export type Result<M extends ResultMode, T> = M extends Async ? Promise<T> : T;

/**
 * What a cursor-walking method (scanIterator, ...) returns: a Generator
 * (Engine) or an AsyncGenerator (Client). `for await` iterates both.
 */
export type Items<M extends ResultMode, T> = M extends Async
  ? AsyncGenerator<T, void, undefined>
  : Generator<T, void, undefined>;

/** The definition of a method that runs one command. */
export interface CommandDefinition<A extends unknown[], R> {
  /** The command's name in the native command table (subcommands go first in argv). */
  readonly command: string;
  /** The method's arguments as the command's argv (without the command name). */
  readonly args: (...args: A) => Argument[];
  /** The raw reply as the method's result. */
  readonly reply: (raw: unknown) => R;
  /** Bulk replies as Buffers (callBuffer) instead of strings. */
  readonly buffers?: boolean;
}

/** One step of a cursor walk: the next cursor ('0' when done) and this page's items. */
export interface Page<T> {
  readonly cursor: string;
  readonly items: readonly T[];
}

/** The definition of a method that walks a cursor command (SCAN, HSCAN) to the end. */
export interface CursorDefinition<A extends unknown[], T> {
  readonly command: string;
  /** One step's argv, for `cursor` and the method's arguments. */
  readonly args: (cursor: string, ...args: A) => Argument[];
  /** One step's raw reply as a page. */
  readonly page: (raw: unknown) => Page<T>;
}

/**
 * The definition a method signature (of the Sync interface) needs. For an
 * overloaded method it is checked against the last overload; its args
 * function spells out the union of all of them.
 */
type DefinitionOf<F> = F extends (...args: infer A) => infer R
  ? // Brackets: no distribution over a union result such as `string | null`.
    [R] extends [Generator<infer T, void, undefined>]
    ? CursorDefinition<A, T>
    : CommandDefinition<A, R>
  : never;

/** One definition for each method of a (Sync) method interface, nothing else. */
export type Definitions<I> = { readonly [K in keyof I]: DefinitionOf<I[K]> };

/** Any definition, with its types erased: what the installers iterate. */
type ErasedDefinition =
  | {
      readonly command: string;
      readonly args: (...args: never[]) => Argument[];
      readonly reply: (raw: unknown) => unknown;
      readonly buffers?: boolean;
    }
  | {
      readonly command: string;
      readonly args: (...args: never[]) => Argument[];
      readonly page: (raw: unknown) => Page<unknown>;
    };

type AnyArgs = (...args: unknown[]) => Argument[];

/**
 * How one side runs a command for an installed method. `resolve` turns a
 * command name into what `run` takes (Engine: the native id, resolved once
 * at load, so an unknown command fails loudly there).
 */
export interface Runner<Self, Target, Raw> {
  resolve(command: string): Target;
  run(self: Self, target: Target, argv: Argument[]): Raw;
  runBuffer(self: Self, target: Target, argv: Argument[]): Raw;
}

function isCursor(definition: ErasedDefinition): definition is Extract<ErasedDefinition, { page: unknown }> {
  return 'page' in definition;
}

function defineMethod(prototype: object, name: string, method: (...args: never[]) => unknown): void {
  Object.defineProperty(method, 'name', { value: name });
  // As a class method would be: writable, configurable, not enumerable.
  Object.defineProperty(prototype, name, { value: method, writable: true, configurable: true, enumerable: false });
}

/**
 * Which definitions to install: all but the hand-written ones, which the
 * class must really define (a renamed or dropped fast path fails at load).
 */
function toInstall(prototype: object, definitions: object, handWritten: readonly string[]): [string, ErasedDefinition][] {
  const entries = Object.entries(definitions) as [string, ErasedDefinition][];
  for (const name of handWritten) {
    if (!entries.some(([defined]) => defined === name)) throw new Error(`emberkv: hand-written ${name} has no definition`);
    if (!Object.hasOwn(prototype, name)) throw new Error(`emberkv: hand-written ${name} is missing from the class`);
  }
  return entries.filter(([name]) => {
    if (handWritten.includes(name)) return false;
    if (Object.hasOwn(prototype, name)) throw new Error(`emberkv: ${name} is both defined and hand-written`);
    return true;
  });
}

/** Installs the definitions as methods returning their results (Engine). */
export function installSyncMethods<Self, Target>(
  prototype: object,
  definitions: object,
  runner: Runner<Self, Target, unknown>,
  handWritten: readonly string[] = [],
): void {
  for (const [name, definition] of toInstall(prototype, definitions, handWritten)) {
    const target = runner.resolve(definition.command);
    const args = definition.args as AnyArgs;
    if (isCursor(definition)) {
      const { page } = definition;
      const run = runner.run;
      defineMethod(prototype, name, function* (this: Self, ...params: unknown[]) {
        let cursor = '0';
        do {
          const step = page(run(this, target, args(cursor, ...params)));
          yield* step.items;
          cursor = step.cursor;
        } while (cursor !== '0');
      });
    } else {
      const { reply } = definition;
      const run = definition.buffers ? runner.runBuffer : runner.run;
      defineMethod(prototype, name, function (this: Self, ...params: unknown[]) {
        return reply(run(this, target, args(...params)));
      });
    }
  }
}

/**
 * Installs the definitions as methods returning Promises (Client). The
 * command is issued synchronously, inside the call, so commands of one
 * tick still share a batch; a bad argument rejects rather than throws.
 */
export function installAsyncMethods<Self, Target>(
  prototype: object,
  definitions: object,
  runner: Runner<Self, Target, Promise<unknown>>,
  handWritten: readonly string[] = [],
): void {
  for (const [name, definition] of toInstall(prototype, definitions, handWritten)) {
    const target = runner.resolve(definition.command);
    const args = definition.args as AnyArgs;
    if (isCursor(definition)) {
      const { page } = definition;
      const run = runner.run;
      defineMethod(prototype, name, async function* (this: Self, ...params: unknown[]) {
        let cursor = '0';
        do {
          const step = page(await run(this, target, args(cursor, ...params)));
          yield* step.items;
          cursor = step.cursor;
        } while (cursor !== '0');
      });
    } else {
      const { reply } = definition;
      const run = definition.buffers ? runner.runBuffer : runner.run;
      defineMethod(prototype, name, async function (this: Self, ...params: unknown[]) {
        return reply(await run(this, target, args(...params)));
      });
    }
  }
}
