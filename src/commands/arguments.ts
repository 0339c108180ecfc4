/**
 * Argument builders shared by the command families (pairs, expiry options).
 */
import type { Argument } from '../engine.js';

/** Names and values (MSET, HSET, CONFIG SET): an object, or [name, value] pairs. */
export type Pairs = Record<string, Argument> | Iterable<readonly [Argument, Argument]>;

/** Pairs as a flat name, value, name, value ... argv. */
export function pairArguments(pairs: Pairs): Argument[] {
  const args: Argument[] = [];
  if (Symbol.iterator in pairs) {
    for (const [key, value] of pairs as Iterable<readonly [Argument, Argument]>) args.push(key, value);
  } else {
    for (const [key, value] of Object.entries(pairs)) args.push(key, value);
  }
  return args;
}

/** The expiry options SET and GETEX share. */
export interface ExpiryOptions {
  ex?: number;
  px?: number;
  exat?: number;
  pxat?: number;
}

export function expiryArguments(options: ExpiryOptions): Argument[] {
  const args: Argument[] = [];
  if (options.ex !== undefined) args.push('EX', options.ex);
  if (options.px !== undefined) args.push('PX', options.px);
  if (options.exat !== undefined) args.push('EXAT', options.exat);
  if (options.pxat !== undefined) args.push('PXAT', options.pxat);
  return args;
}

/** key, or key and count (SPOP, SRANDMEMBER, ZPOPMIN, ZRANDMEMBER, ...). */
export function keyAndCount(key: Argument, count?: number): Argument[] {
  return count === undefined ? [key] : [key, count];
}

/** numkeys key [key ...] [LIMIT limit] (SINTERCARD, ZINTERCARD). */
export function keysAndLimit(keys: Argument[], limit?: number): Argument[] {
  const args: Argument[] = [keys.length, ...keys];
  if (limit !== undefined) args.push('LIMIT', limit);
  return args;
}

/** The [MATCH pattern] [COUNT count] the SCAN family takes after the cursor. */
export function scanOptionArguments(options: { match?: Argument; count?: number }): Argument[] {
  const args: Argument[] = [];
  if (options.match !== undefined) args.push('MATCH', options.match);
  if (options.count !== undefined) args.push('COUNT', options.count);
  return args;
}
