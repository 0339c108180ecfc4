/**
 * Compile-time checks of the shared surface; no runtime code. Engine and
 * Client have every typed method with the shared signature (the installers
 * give them the methods, their `implements` clauses hold the hand-written
 * ones to the interface), either one is a `Commands`, and the two result
 * modes really differ.
 */
import type { Client } from '../client/index.js';
import type { Engine } from '../engine.js';
import type { Async, CommandMethods, Commands, Sync } from './index.js';

/** Compiles only if `From` is assignable to `To`. */
type Assignable<From extends To, To> = [From, To];

export type EngineIsSync = Assignable<Engine, CommandMethods<Sync>>;
export type ClientIsAsync = Assignable<Client, CommandMethods<Async>>;
export type EngineIsCommands = Assignable<Engine, Commands>;
export type ClientIsCommands = Assignable<Client, Commands>;
// @ts-expect-error A Client's results are Promises, not values.
export type ClientIsNotSync = Assignable<Client, CommandMethods<Sync>>;
// @ts-expect-error An Engine's results are values, not Promises.
export type EngineIsNotAsync = Assignable<Engine, CommandMethods<Async>>;
