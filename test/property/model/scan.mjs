/**
 * What SCAN, SSCAN, HSCAN and ZSCAN share in the reference model, from
 * Redis 7.0's db.c (parseScanCursorOrReply, scanGenericCommand): the
 * cursor, the COUNT / MATCH (/ TYPE) options, and the MATCH test.
 */
import { keyMatches } from './glob.mjs';
import { cstr, is, parseLL } from './parse.mjs';
import { NOT_INT, SYNTAX, bulk, err } from './replies.mjs';

/**
 * parseScanCursorOrReply(): strtoul over the C string, base 10; a leading
 * space, trailing bytes or a value past 2^64-1 are invalid. Returns the
 * cursor (BigInt, "-1" wraps to 2^64-1) or null for "ERR invalid cursor".
 */
export function parseScanCursor(buf) {
  const s = cstr(buf);
  if (s === '') return 0n;
  const m = /^[+-]?([0-9]+)$/.exec(s);
  if (!m || BigInt(m[1]) > (1n << 64n) - 1n) return null;
  const n = BigInt(m[1]);
  return s[0] === '-' && n !== 0n ? (1n << 64n) - n : n;
}

export const INVALID_CURSOR = err('ERR invalid cursor');

/**
 * scanGenericCommand()'s options: COUNT n (n >= 1) and MATCH pattern, and
 * with `withType` (SCAN alone) TYPE name, any number of times, the last one
 * winning. Returns { pattern, type } (null: no filter; the type in lower
 * case) or { error }.
 */
export function parseScanOptions(args, from, { withType = false } = {}) {
  let pattern = null;
  let type = null;
  for (let i = from; i < args.length; i += 2) {
    const more = args.length - i >= 2;
    if (is(args[i], 'count') && more) {
      const count = parseLL(args[i + 1]);
      if (count === null) return { error: NOT_INT };
      if (count < 1n) return { error: SYNTAX };
    } else if (is(args[i], 'match') && more) {
      pattern = args[i + 1];
    } else if (withType && is(args[i], 'type') && more) {
      type = cstr(args[i + 1]).toLowerCase();
    } else {
      return { error: SYNTAX };
    }
  }
  return { pattern, type };
}

/** Does `member` pass the scan's MATCH (none, or "*", matches everything)? */
export const scanMatches = (pattern, member) => pattern === null || keyMatches(pattern, member);

/** An empty scan page (shared.emptyscan). */
export const EMPTY_SCAN = () => [bulk(Buffer.from('0')), []];
