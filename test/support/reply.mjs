/**
 * One comparable, printable shape for replies from both sides:
 *
 *   simple string -> '+OK'              error   -> '-ERR syntax error' (full text)
 *   integer       -> ':42' (any size)   bulk    -> '$"a\x00b"' (bytes, escaped)
 *   null          -> null               array   -> [ ...normalized items ]
 *
 * emberkv replies come from `engine.callBuffer(...)` (Buffers for bulk,
 * strings for simple strings, number/bigint integers, EmberError thrown for
 * an error reply, booleans rendered as RESP2 does: :1 / :0); redis replies
 * come from the RESP client (RespError values). Bulk bytes are escaped
 * bijectively (printable ASCII except `"` and `\` kept, every other byte as
 * \xHH), so equal shapes mean byte-equal replies. Null bulk and null array
 * both become null: the embedded API does not tell them apart.
 */
import { isDeepStrictEqual } from 'node:util';
import { RespError } from './resp-client.mjs';

/** Escapes bytes the way redis-cli does, losslessly: a"b\x00. */
export function escapeBytes(buf) {
  let out = '';
  for (const b of buf) {
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `"${out}"`;
}

/** The bytes of a normalized bulk reply ('$"a\\x00"' -> <61 00>): escapeBytes reversed. */
export function bulkBytes(reply) {
  const body = reply.slice(2, -1);
  const out = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && body[i + 1] === 'x') {
      out.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(body.charCodeAt(i));
    }
  }
  return Buffer.from(out);
}

/** Normalizes one reply value (either side). */
export function normalize(value) {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return `$${escapeBytes(value)}`;
  if (value instanceof Uint8Array) return `$${escapeBytes(Buffer.from(value))}`;
  if (typeof value === 'string') return `+${value}`;
  if (typeof value === 'number' || typeof value === 'bigint') {
    // A non-integer number would be a RESP3 double; RESP2 sends it as bulk text.
    return Number.isInteger(value) || typeof value === 'bigint' ? `:${value}` : `$"${value}"`;
  }
  if (typeof value === 'boolean') return value ? ':1' : ':0';
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof RespError) return `-${value.message}`;
  if (value instanceof Error && value.name === 'EmberError') return `-${value.message}`;
  return `?unexpected ${Object.prototype.toString.call(value)} ${String(value)}`;
}

/**
 * Runs one emberkv command and normalizes the outcome: an EmberError becomes
 * an error reply; any other throw (a bug in the binding) becomes a '!' value
 * that can never equal a Redis reply, so it shows up as a mismatch.
 */
export function emberReply(engine, args) {
  try {
    return normalize(engine.callBuffer(...args));
  } catch (err) {
    return thrownReply(err);
  }
}

/** Normalizes the outcome of a remote call (Promise.allSettled's record). */
export function settledReply(outcome) {
  return outcome.status === 'fulfilled' ? normalize(outcome.value) : thrownReply(outcome.reason);
}

/** An EmberError as Redis shows an error; anything else thrown marked as such. */
function thrownReply(err) {
  if (err && err.name === 'EmberError') return `-${err.message}`;
  return `!threw ${err && err.name}: ${err && err.message}`;
}

/** Normalizes a reply from the RESP client. */
export function redisReply(value) {
  return normalize(value);
}

/** A command line, printable and replayable: SET "k\x00" "v" EX 10 */
export function formatCommand(args) {
  return args
    .map((a) => {
      const buf = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
      const plain = /^[A-Za-z0-9_.:+\-|]+$/.test(buf.toString('latin1'));
      return plain ? buf.toString('latin1') : escapeBytes(buf);
    })
    .join(' ');
}

/** A normalized reply as one line of text: nil, +OK, :1, $"v", [a, b]. */
export function formatReply(reply) {
  if (reply === null) return 'nil';
  if (Array.isArray(reply)) return `[${reply.map(formatReply).join(', ')}]`;
  return String(reply);
}

/** Is this normalized reply an error? */
export const isError = (r) => typeof r === 'string' && r.startsWith('-');
/** The integer of a normalized integer reply, as a BigInt (or null). */
export const intOf = (r) => (typeof r === 'string' && r.startsWith(':') ? BigInt(r.slice(1)) : null);
/** The bytes of a normalized bulk reply, as its escaped text (or null). */
export const isBulk = (r) => typeof r === 'string' && r.startsWith('$');

/** The command name of a command line, upper-cased ('' if it is not text). */
export function commandName(args) {
  const name = args[0];
  return (Buffer.isBuffer(name) ? name.toString('latin1') : String(name)).toUpperCase();
}

const argIs = (arg, word) => arg !== undefined && String(arg).toUpperCase() === word;

/**
 * Time-dependent integer replies and how far apart two sides may be when
 * each side reads its own real clock (ms skew between the two runs).
 */
export const REAL_CLOCK_TOLERANCE = { TTL: 1n, PTTL: 300n, EXPIRETIME: 1n, PEXPIRETIME: 300n, IDLETIME: 1n };

/**
 * Why two normalized replies to the same command disagree, or null when
 * they agree. Errors and nulls must always be identical; besides that, only
 * what is genuinely non-deterministic is compared by meaning:
 *   KEYS         any order                TIME        shape: [secs, micros]
 *   INFO         both text with '# Server'     COMMAND COUNT  both positive
 *   TTL, PTTL, EXPIRETIME, PEXPIRETIME, OBJECT IDLETIME: within `tolerance`
 * (SCAN and RANDOMKEY need extra commands and are driven by the suites.)
 */
/**
 * Comparators for replies that may legitimately differ in form (order of a
 * hash table's members, random picks): command name (upper case) ->
 * (args, a, b) => null when they agree, else a reason. Each family's
 * generator file registers its own (test/support/generators/).
 */
export const comparators = new Map();

export function replyMismatch(args, a, b, tolerance = {}) {
  if (isDeepStrictEqual(a, b)) return null;
  if (isError(a) || isError(b)) return 'replies differ';
  const name = commandName(args);
  if (comparators.has(name)) return comparators.get(name)(args, a, b);
  if (a === null || b === null) return 'replies differ';
  if (name === 'KEYS' && Array.isArray(a) && Array.isArray(b)) {
    return isDeepStrictEqual([...a].sort(), [...b].sort()) ? null : 'KEYS: different sets of keys';
  }
  if (name === 'TIME' && args.length === 1) {
    const secs = (r) => (Array.isArray(r) && r.length === 2 && r.every((x) => /^\$"[0-9]+"$/.test(x))
      ? Number(r[0].slice(2, -1)) : NaN);
    return Math.abs(secs(a) - secs(b)) <= 5 ? null : 'TIME: not [seconds, microseconds] on both sides';
  }
  if (name === 'INFO') {
    const ok = (r) => isBulk(r) && r.includes('# Server');
    return ok(a) && ok(b) ? null : "INFO: not text with '# Server' on both sides";
  }
  if (name === 'COMMAND' && args.length === 2 && argIs(args[1], 'COUNT')) {
    return intOf(a) > 0n && intOf(b) > 0n ? null : 'COMMAND COUNT: not a positive integer on both sides';
  }
  const timed = name === 'OBJECT' && args.length === 3 && argIs(args[1], 'IDLETIME') ? 'IDLETIME' : name;
  if (Object.hasOwn(tolerance, timed) && intOf(a) !== null && intOf(b) !== null) {
    const [x, y] = [intOf(a), intOf(b)];
    if (x < 0n || y < 0n) return 'replies differ'; // -1 / -2 are exact
    const d = x > y ? x - y : y - x;
    return d <= tolerance[timed] ? null : `${timed}: differs by ${d} (tolerance ${tolerance[timed]})`;
  }
  return 'replies differ';
}
