/**
 * A reference model of the keyspace for the strings / keys / TTL commands,
 * in plain JavaScript, written from Redis 7.0's source (t_string.c, expire.c,
 * db.c, util.c) for the property suite to compare emberkv against.
 *
 * State: a Map from key (its bytes as a latin1 string) to { value: Buffer,
 * expireAt: BigInt ms | null }, plus an explicit clock `now` (ms). A key is
 * alive while now <= expireAt; dead keys are dropped lazily when touched,
 * so every reply is about live keys only. There is no background anything.
 *
 * Replies come back already normalized (see test/support/reply.mjs):
 * '+OK', ':1', '$"bytes"', null, arrays, '-ERR full text'. Three replies
 * are not deterministic in Redis and are returned in a fixed form that the
 * caller must compare by meaning: KEYS (any order), SCAN (the whole scan as
 * one page: ['$"0"', [keys]]), RANDOMKEY (the first live key).
 *
 * INCRBYFLOAT is modelled exactly: Redis adds x87 long doubles (64-bit
 * significands), so values are kept as exact binary fractions in BigInt
 * and rounded the way the FPU and glibc's printf("%.17Lf") do (hex floats
 * and 1e400 included). Inputs the model cannot mirror honestly (subnormal
 * long doubles, COPY to another database, SCAN from a non-zero cursor)
 * throw an UnmodeledInput error instead of guessing; the generators never
 * produce them.
 */
import { normalize } from '../support/reply.mjs';

export class UnmodeledInput extends Error {}

// ---- replies -------------------------------------------------------------------

const OK = '+OK';
const int = (n) => `:${n}`;
const bulk = (buf) => normalize(buf);
const err = (text) => `-${text}`;
const NOT_INT = err('ERR value is not an integer or out of range');
const NOT_FLOAT = err('ERR value is not a valid float');
const SYNTAX = err('ERR syntax error');
const expireTimeError = (cmd) => err(`ERR invalid expire time in '${cmd}' command`);
/** An error quoting user bytes (a latin1 string): CR/LF become spaces, read back as UTF-8. */
const userErr = (text) => err(Buffer.from(text.replace(/[\r\n]/g, ' '), 'latin1').toString('utf8'));

// ---- byte and number parsing, as Redis does it ---------------------------------------

const LLONG_MAX = (1n << 63n) - 1n;
const LLONG_MIN = -(1n << 63n);
const INT_MIN = -(1n << 31n);
const INT_MAX = (1n << 31n) - 1n;
const PROTO_MAX_BULK_LEN = 512n * 1024n * 1024n;

const toBuf = (a) => (Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8'));
const keyOf = (buf) => buf.toString('latin1');
/** What C string functions see: the bytes up to the first NUL. */
const cstr = (buf) => {
  const nul = buf.indexOf(0);
  return (nul === -1 ? buf : buf.subarray(0, nul)).toString('latin1');
};
/** strcasecmp(arg, name) == 0 */
const is = (buf, name) => cstr(buf).toLowerCase() === name;

/** string2ll: strict canonical int64 ("0", "-12"; no "+1", "01", "-0", spaces). */
function parseLL(buf) {
  const s = buf.toString('latin1');
  if (s.length === 0 || s.length >= 21 || !/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = BigInt(s);
  return n < LLONG_MIN || n > LLONG_MAX ? null : n;
}

// ---- long double arithmetic ---------------------------------------------------------
// A finite long double is { n, e }: the value n * 2^e with |n| < 2^64 (BigInt n).

const bitLength = (x) => (x === 0n ? 0 : x.toString(2).length);

/** Rounds the exact rational num/den (den > 0) to the nearest long double, ties to even. */
function ldRound(num, den) {
  if (num === 0n) return { n: 0n, e: 0 };
  const neg = num < 0n;
  const a = neg ? -num : num;
  let e = bitLength(a) - bitLength(den) - 64;
  const quotient = (ex) => (ex >= 0 ? [a, den << BigInt(ex)] : [a << BigInt(-ex), den]);
  let [p, q] = quotient(e);
  while (p / q >= 1n << 64n) [p, q] = quotient(++e);
  while (p / q < 1n << 63n) [p, q] = quotient(--e);
  let m = p / q;
  const r2 = (p % q) * 2n;
  if (r2 > q || (r2 === q && (m & 1n) === 1n)) m += 1n;
  if (m === 1n << 64n) {
    m >>= 1n;
    e += 1;
  }
  if (e + 64 > 16384) return { inf: neg ? -1 : 1 }; // beyond LDBL_MAX
  if (e + 63 < -16445) return { underflow: true }; // below the smallest subnormal
  if (e + 63 < -16382) throw new UnmodeledInput('long double subnormal');
  return { n: neg ? -m : m, e };
}

/** The exact value n * 2^e as a rational [num, den]. */
const ldRational = ({ n, e }) => (e >= 0 ? [n << BigInt(e), 1n] : [n, 1n << BigInt(-e)]);

/** The exact rational sign * digits(base) * base^-fracLen * radix^exp, rounded. */
function ldFromDigits(sign, whole, frac, base, radix, exp) {
  const hex = base === 16n;
  const scale = exp - frac.length * (hex ? 4 : 1);
  let num = BigInt(hex ? `0x${whole + frac || '0'}` : whole + frac || '0');
  if (num === 0n) return { n: 0n, e: 0 };
  // Far outside long double's range (~1e-4951 .. 1e4932): strtold's ERANGE, without the arithmetic.
  const magnitude = (hex ? bitLength(num) * 0.302 : num.toString().length) + scale * (hex ? 0.302 : 1);
  if (magnitude > 5000) return { inf: 1 };
  if (magnitude < -5000) return { underflow: true };
  if (sign === '-') num = -num;
  const factor = radix ** BigInt(Math.abs(scale));
  return scale >= 0 ? ldRound(num * factor, 1n) : ldRound(num, factor);
}

/** string2ld: strtold over the whole string; no leading space, no nan, no ERANGE. */
function parseLD(buf) {
  if (buf.length === 0 || buf.length >= 5 * 1024) return null;
  const s = buf.toString('latin1');
  if (/^[+-]?(inf|infinity)$/i.test(s)) return { inf: s[0] === '-' ? -1 : 1 };
  // Anything else must be consumed whole: nan, spaces, trailing bytes and NULs are not.
  const dec = /^([+-]?)([0-9]+)?(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(s);
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]+)?(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/.exec(s);
  let value;
  if (hex && (hex[2] || hex[3])) {
    value = ldFromDigits(hex[1], hex[2] ?? '', hex[3] ?? '', 16n, 2n, Number(hex[4] ?? 0));
  } else if (dec && (dec[2] || dec[3])) {
    value = ldFromDigits(dec[1], dec[2] ?? '', dec[3] ?? '', 10n, 10n, Number(dec[4] ?? 0));
  } else {
    return null;
  }
  return value.inf || value.underflow ? null : value; // ERANGE: overflow, or rounds to zero
}

function ldAdd(a, b) {
  if (a.inf || b.inf) return { inf: 1 }; // inf+x = inf, inf-inf = nan: both rejected
  const [an, ad] = ldRational(a);
  const [bn, bd] = ldRational(b);
  const den = ad > bd ? ad : bd; // both powers of two
  return ldRound(an * (den / ad) + bn * (den / bd), den);
}

/** ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros and "." trimmed, "-0" -> "0". */
function ldFormat(value) {
  const [num, den] = ldRational(value);
  const neg = num < 0n;
  const scaled = (neg ? -num : num) * 10n ** 17n;
  let q = scaled / den;
  const r2 = (scaled % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  const digits = q.toString().padStart(18, '0');
  let out = `${digits.slice(0, -17)}.${digits.slice(-17)}`.replace(/0+$/, '').replace(/\.$/, '');
  if (neg) out = `-${out}`;
  return out === '-0' ? '0' : out;
}

// ---- glob matching: stringmatchlen() from util.c, byte for byte ------------------------

const signed = (b) => (b > 127 ? b - 256 : b);

/** KEYS and SCAN skip matching for the pattern "*" (so it, unlike "**", matches the empty key). */
const keyMatches = (pattern, key) => (pattern.length === 1 && pattern[0] === 0x2a) || globMatch(pattern, key);

function globMatch(pattern, string, nesting = 0) {
  if (nesting > 1000) return false;
  let p = 0;
  let plen = pattern.length;
  let s = 0;
  let slen = string.length;
  const pat = (i) => (i < pattern.length ? pattern[i] : 0); // sds strings end in NUL
  while (plen && slen) {
    switch (pat(p)) {
      case 0x2a: // '*'
        while (plen && pat(p + 1) === 0x2a) {
          p++;
          plen--;
        }
        if (plen === 1) return true;
        while (slen) {
          if (globMatch(pattern.subarray(p + 1, p + plen), string.subarray(s, s + slen), nesting + 1)) return true;
          s++;
          slen--;
        }
        return false;
      case 0x3f: // '?'
        s++;
        slen--;
        break;
      case 0x5b: { // '['
        p++;
        plen--;
        const not = pat(p) === 0x5e;
        if (not) {
          p++;
          plen--;
        }
        let match = false;
        for (;;) {
          if (pat(p) === 0x5c && plen >= 2) {
            p++;
            plen--;
            if (pat(p) === string[s]) match = true;
          } else if (pat(p) === 0x5d) {
            break;
          } else if (plen === 0) {
            p--;
            plen++;
            break;
          } else if (plen >= 3 && pat(p + 1) === 0x2d) {
            let start = signed(pat(p));
            let end = signed(pat(p + 2));
            const c = signed(string[s]);
            if (start > end) [start, end] = [end, start];
            p += 2;
            plen -= 2;
            if (c >= start && c <= end) match = true;
          } else if (pat(p) === string[s]) {
            match = true;
          }
          p++;
          plen--;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        slen--;
        break;
      }
      case 0x5c: // '\\'
        if (plen >= 2) {
          p++;
          plen--;
        }
      // falls through
      default:
        if (pat(p) !== string[s]) return false;
        s++;
        slen--;
        break;
    }
    p++;
    plen--;
    if (slen === 0) {
      while (pat(p) === 0x2a) {
        p++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}

// ---- the command table ---------------------------------------------------------------

/** Arity as Redis declares it: n exact, -n at least n (the name counts). */
export const ARITY = {
  set: -3, get: 2, getdel: 2, getex: -2, getset: 3, mget: -2, mset: -3, msetnx: -3, setnx: 3,
  setex: 4, psetex: 4, append: 3, strlen: 2, getrange: 4, setrange: 4, incr: 2, decr: 2,
  incrby: 3, decrby: 3, incrbyfloat: 3, del: -2, unlink: -2, exists: -2, type: 2, expire: -3,
  pexpire: -3, expireat: -3, pexpireat: -3, ttl: 2, pttl: 2, expiretime: 2, pexpiretime: 2,
  persist: 2, rename: 3, renamenx: 3, copy: -3, keys: 2, scan: -2, randomkey: 1, dbsize: 1,
  flushall: -1, flushdb: -1, touch: -2, ping: -1, echo: 2,
};

/** Upper-case names of the commands the model implements (for generators). */
export const MODEL_COMMANDS = new Set(Object.keys(ARITY).map((n) => n.toUpperCase()));

/** "ERR unknown command 'x', with args beginning with: 'a' 'b' " */
function unknownCommand(args) {
  let list = '';
  for (let i = 1; i < args.length && list.length < 128; i++) {
    list += `'${cstr(args[i]).slice(0, 128 - list.length)}' `;
  }
  return userErr(`ERR unknown command '${cstr(args[0]).slice(0, 128)}', with args beginning with: ${list}`);
}

export class Model {
  #db = new Map(); // key (latin1) -> { key: Buffer, value: Buffer, expireAt: BigInt | null }

  constructor({ now = 0 } = {}) {
    this.now = BigInt(now);
  }

  /** Sets the clock (ms since the epoch). */
  setTime(ms) {
    this.now = BigInt(ms);
  }

  /** Runs one command ([name, ...args], strings or Buffers); returns its normalized reply. */
  exec(argv) {
    const args = argv.map(toBuf);
    const name = args[0].toString('latin1').toLowerCase();
    const arity = Object.hasOwn(ARITY, name) ? ARITY[name] : undefined;
    if (arity === undefined) return unknownCommand(args);
    if (arity >= 0 ? args.length !== arity : args.length < -arity) {
      return err(`ERR wrong number of arguments for '${name}' command`);
    }
    return this[`cmd_${name}`](args, name);
  }

  // -- keyspace primitives --

  #live(key) {
    const k = keyOf(key);
    const entry = this.#db.get(k);
    if (entry && entry.expireAt !== null && this.now > entry.expireAt) {
      this.#db.delete(k);
      return undefined;
    }
    return entry;
  }

  #liveKeys() {
    return [...this.#db.values()].filter((e) => this.#live(e.key)).map((e) => e.key);
  }

  /** setKey(): a new value; the TTL goes unless keepTtl. */
  #set(key, value, keepTtl = false) {
    const old = this.#live(key);
    this.#db.set(keyOf(key), { key, value: Buffer.from(value), expireAt: keepTtl && old ? old.expireAt : null });
  }

  /** dbOverwrite(): a new value, same TTL (INCR, APPEND, SETRANGE...). */
  #overwrite(key, value) {
    this.#set(key, value, true);
  }

  #delete(key) {
    return this.#live(key) ? this.#db.delete(keyOf(key)) : false;
  }

  /** checkAlreadyExpired(): an expiry at or before now deletes the key. */
  #expireOrDelete(key, when) {
    if (when <= this.now) this.#delete(key);
    else this.#live(key).expireAt = when;
  }

  // -- strings --

  /** SET and GETEX options: parseExtendedStringArgumentsOrReply(). */
  #parseExtended(args, from, forSet) {
    const f = { nx: false, xx: false, get: false, keepttl: false, persist: false, unit: null, expire: null };
    const timed = () => f.unit !== null;
    for (let j = from; j < args.length; j++) {
      const opt = args[j];
      const next = j + 1 < args.length ? args[j + 1] : null;
      if (is(opt, 'nx') && !f.xx && forSet) f.nx = true;
      else if (is(opt, 'xx') && !f.nx && forSet) f.xx = true;
      else if (is(opt, 'get') && forSet) f.get = true;
      else if (is(opt, 'keepttl') && !f.persist && !timed() && forSet) f.keepttl = true;
      else if (is(opt, 'persist') && !forSet && !timed() && !f.keepttl) f.persist = true;
      else if (['ex', 'px', 'exat', 'pxat'].includes(cstr(opt).toLowerCase()) && next &&
               !f.keepttl && !f.persist && (f.unit === null || f.unit === cstr(opt).toLowerCase())) {
        f.unit = cstr(opt).toLowerCase();
        f.expire = next;
        j++;
      } else {
        return null;
      }
    }
    return f;
  }

  /** getExpireMillisecondsOrReply(): the absolute expiry in ms, or an error reply. */
  #expireMs(f, name) {
    let ms = parseLL(f.expire);
    if (ms === null) return { error: NOT_INT };
    const seconds = f.unit === 'ex' || f.unit === 'exat';
    if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) return { error: expireTimeError(name) };
    if (seconds) ms *= 1000n;
    if (f.unit === 'ex' || f.unit === 'px') {
      ms += this.now;
      if (ms > LLONG_MAX) return { error: expireTimeError(name) }; // wraps negative in C
    }
    return { ms };
  }

  #setGeneric(key, value, f, name, okReply = OK, abortReply = null) {
    let when = null;
    if (f.expire) {
      const r = this.#expireMs(f, name);
      if (r.error) return r.error;
      when = r.ms;
    }
    const old = this.#live(key);
    const oldReply = old ? bulk(old.value) : null;
    if ((f.nx && old) || (f.xx && !old)) return f.get ? oldReply : abortReply;
    this.#set(key, value, f.keepttl);
    if (when !== null) this.#live(key).expireAt = when; // may be in the past: then it is gone
    return f.get ? oldReply : okReply;
  }

  cmd_set(args, name) {
    const f = this.#parseExtended(args, 3, true);
    if (!f) return SYNTAX;
    return this.#setGeneric(args[1], args[2], f, name);
  }

  cmd_setnx(args, name) {
    return this.#setGeneric(args[1], args[2], { nx: true }, name, ':1', ':0');
  }

  cmd_setex(args, name) {
    return this.#setGeneric(args[1], args[3], { unit: 'ex', expire: args[2] }, name);
  }

  cmd_psetex(args, name) {
    return this.#setGeneric(args[1], args[3], { unit: 'px', expire: args[2] }, name);
  }

  cmd_get(args) {
    const e = this.#live(args[1]);
    return e ? bulk(e.value) : null;
  }

  cmd_getdel(args) {
    const reply = this.cmd_get(args);
    this.#delete(args[1]);
    return reply;
  }

  cmd_getset(args) {
    const reply = this.cmd_get(args);
    this.#set(args[1], args[2]);
    return reply;
  }

  cmd_getex(args, name) {
    const f = this.#parseExtended(args, 2, false);
    if (!f) return SYNTAX;
    const e = this.#live(args[1]);
    if (!e) return null;
    let when = null;
    if (f.expire) {
      const r = this.#expireMs(f, name);
      if (r.error) return r.error;
      when = r.ms;
    }
    const reply = bulk(e.value);
    if ((f.unit === 'exat' || f.unit === 'pxat') && when <= this.now) this.#delete(args[1]);
    else if (when !== null) e.expireAt = when;
    else if (f.persist) e.expireAt = null;
    return reply;
  }

  cmd_mget(args) {
    return args.slice(1).map((k) => this.cmd_get([null, k]));
  }

  #msetGeneric(args, name, nx) {
    if (args.length % 2 === 0) return err(`ERR wrong number of arguments for '${name}' command`);
    if (nx && args.some((k, i) => i % 2 === 1 && this.#live(k))) return ':0';
    for (let i = 1; i < args.length; i += 2) this.#set(args[i], args[i + 1]);
    return nx ? ':1' : OK;
  }

  cmd_mset(args, name) {
    return this.#msetGeneric(args, name, false);
  }

  cmd_msetnx(args, name) {
    return this.#msetGeneric(args, name, true);
  }

  cmd_append(args) {
    const e = this.#live(args[1]);
    const value = e ? Buffer.concat([e.value, args[2]]) : args[2];
    this.#overwrite(args[1], value);
    return int(value.length);
  }

  cmd_strlen(args) {
    const e = this.#live(args[1]);
    return int(e ? e.value.length : 0);
  }

  cmd_getrange(args) {
    let start = parseLL(args[2]);
    let end = parseLL(args[3]);
    if (start === null || end === null) return NOT_INT;
    const e = this.#live(args[1]);
    const empty = bulk(Buffer.alloc(0));
    if (!e) return empty;
    const len = BigInt(e.value.length);
    if (start < 0n && end < 0n && start > end) return empty;
    if (start < 0n) start += len;
    if (end < 0n) end += len;
    if (start < 0n) start = 0n;
    if (end < 0n) end = 0n;
    if (end >= len) end = len - 1n;
    if (start > end || len === 0n) return empty;
    return bulk(e.value.subarray(Number(start), Number(end) + 1));
  }

  cmd_setrange(args) {
    const offset = parseLL(args[2]);
    if (offset === null) return NOT_INT;
    if (offset < 0n) return err('ERR offset is out of range');
    const value = args[3];
    const e = this.#live(args[1]);
    if (value.length === 0) return int(e ? e.value.length : 0);
    if (offset + BigInt(value.length) > PROTO_MAX_BULK_LEN) {
      return err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    }
    const old = e ? e.value : Buffer.alloc(0);
    const out = Buffer.alloc(Math.max(old.length, Number(offset) + value.length));
    old.copy(out);
    value.copy(out, Number(offset));
    this.#overwrite(args[1], out);
    return int(out.length);
  }

  #incrBy(key, incr) {
    const e = this.#live(key);
    const value = e ? parseLL(e.value) : 0n;
    if (value === null) return NOT_INT;
    const result = value + incr;
    if (result > LLONG_MAX || result < LLONG_MIN) return err('ERR increment or decrement would overflow');
    this.#overwrite(key, Buffer.from(String(result)));
    return int(result);
  }

  cmd_incr(args) {
    return this.#incrBy(args[1], 1n);
  }

  cmd_decr(args) {
    return this.#incrBy(args[1], -1n);
  }

  cmd_incrby(args) {
    const incr = parseLL(args[2]);
    return incr === null ? NOT_INT : this.#incrBy(args[1], incr);
  }

  cmd_decrby(args) {
    const incr = parseLL(args[2]);
    if (incr === null) return NOT_INT;
    if (incr === LLONG_MIN) return err('ERR decrement would overflow');
    return this.#incrBy(args[1], -incr);
  }

  cmd_incrbyfloat(args) {
    const e = this.#live(args[1]);
    const value = e ? parseLD(e.value) : { n: 0n, e: 0 };
    if (value === null) return NOT_FLOAT;
    const incr = parseLD(args[2]);
    if (incr === null) return NOT_FLOAT;
    const sum = ldAdd(value, incr);
    if (sum.inf) return err('ERR increment would produce NaN or Infinity');
    const text = Buffer.from(ldFormat(sum));
    this.#overwrite(args[1], text);
    return bulk(text);
  }

  // -- keys --

  cmd_del(args) {
    return int(args.slice(1).filter((k) => this.#delete(k)).length);
  }

  cmd_unlink(args) {
    return this.cmd_del(args);
  }

  cmd_exists(args) {
    return int(args.slice(1).filter((k) => this.#live(k)).length);
  }

  cmd_touch(args) {
    return this.cmd_exists(args);
  }

  cmd_type(args) {
    return this.#live(args[1]) ? '+string' : '+none';
  }

  /** expireGenericCommand(): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT. */
  #expireGeneric(args, name, basetime, seconds) {
    const flag = { nx: false, xx: false, gt: false, lt: false };
    for (const opt of args.slice(3)) {
      const o = cstr(opt).toLowerCase();
      if (!Object.hasOwn(flag, o)) return userErr(`ERR Unsupported option ${cstr(opt)}`);
      flag[o] = true;
    }
    if (flag.nx && (flag.xx || flag.gt || flag.lt)) {
      return err('ERR NX and XX, GT or LT options at the same time are not compatible');
    }
    if (flag.gt && flag.lt) return err('ERR GT and LT options at the same time are not compatible');
    let when = parseLL(args[2]);
    if (when === null) return NOT_INT;
    if (seconds) {
      if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return expireTimeError(name);
      when *= 1000n;
    }
    if (when > LLONG_MAX - basetime) return expireTimeError(name);
    when += basetime;
    const e = this.#live(args[1]);
    if (!e) return ':0';
    const current = e.expireAt;
    if (flag.nx && current !== null) return ':0';
    if (flag.xx && current === null) return ':0';
    if (flag.gt && (current === null || when <= current)) return ':0';
    if (flag.lt && current !== null && when >= current) return ':0';
    this.#expireOrDelete(args[1], when);
    return ':1';
  }

  cmd_expire(args, name) {
    return this.#expireGeneric(args, name, this.now, true);
  }

  cmd_pexpire(args, name) {
    return this.#expireGeneric(args, name, this.now, false);
  }

  cmd_expireat(args, name) {
    return this.#expireGeneric(args, name, 0n, true);
  }

  cmd_pexpireat(args, name) {
    return this.#expireGeneric(args, name, 0n, false);
  }

  #ttl(args, output) {
    const e = this.#live(args[1]);
    if (!e) return ':-2';
    if (e.expireAt === null) return ':-1';
    const ttl = e.expireAt - this.now; // >= 0 for a live key
    switch (output) {
      case 'ttl': return int((ttl + 500n) / 1000n);
      case 'pttl': return int(ttl);
      case 'expiretime': return int((e.expireAt + 500n) / 1000n); // rounded, like TTL
      default: return int(e.expireAt);
    }
  }

  cmd_ttl(args) { return this.#ttl(args, 'ttl'); }
  cmd_pttl(args) { return this.#ttl(args, 'pttl'); }
  cmd_expiretime(args) { return this.#ttl(args, 'expiretime'); }
  cmd_pexpiretime(args) { return this.#ttl(args, 'pexpiretime'); }

  cmd_persist(args) {
    const e = this.#live(args[1]);
    if (!e || e.expireAt === null) return ':0';
    e.expireAt = null;
    return ':1';
  }

  #rename(args, nx) {
    const [, src, dst] = args;
    const e = this.#live(src);
    if (!e) return err('ERR no such key');
    if (src.equals(dst)) return nx ? ':0' : OK;
    if (nx && this.#live(dst)) return ':0';
    this.#delete(dst);
    this.#db.delete(keyOf(src));
    this.#db.set(keyOf(dst), { key: dst, value: e.value, expireAt: e.expireAt });
    return nx ? ':1' : OK;
  }

  cmd_rename(args) { return this.#rename(args, false); }
  cmd_renamenx(args) { return this.#rename(args, true); }

  cmd_copy(args) {
    const [, src, dst] = args;
    let replace = false;
    let sameDb = true;
    for (let j = 3; j < args.length; j++) {
      if (is(args[j], 'replace')) {
        replace = true;
      } else if (is(args[j], 'db') && j + 1 < args.length) {
        const db = parseLL(args[j + 1]);
        if (db === null) return NOT_INT;
        if (db < INT_MIN || db > INT_MAX) {
          return err(`ERR value is out of range, value must between ${INT_MIN} and ${INT_MAX}`);
        }
        if (db < 0n || db >= 16n) return err('ERR DB index is out of range');
        if (db !== 0n) throw new UnmodeledInput('COPY to another database');
        sameDb = db === 0n;
        j++;
      } else {
        return SYNTAX;
      }
    }
    if (sameDb && src.equals(dst)) return err('ERR source and destination objects are the same');
    const e = this.#live(src);
    if (!e) return ':0';
    if (this.#live(dst) && !replace) return ':0';
    this.#db.set(keyOf(dst), { key: dst, value: e.value, expireAt: e.expireAt });
    return ':1';
  }

  cmd_keys(args) {
    return this.#liveKeys().filter((k) => keyMatches(args[1], k)).map(bulk);
  }

  cmd_scan(args) {
    const cursor = cstr(args[1]);
    const m = /^[+-]?([0-9]+)$/.exec(cursor);
    if (cursor !== '' && (!m || BigInt(m[1]) > (1n << 64n) - 1n || /^[ \t\n\v\f\r]/.test(args[1].toString('latin1')))) {
      return err('ERR invalid cursor');
    }
    if (cursor !== '' && BigInt(m[1]) !== 0n) throw new UnmodeledInput('SCAN from a non-zero cursor');
    let pattern = null;
    let type = null;
    for (let i = 2; i < args.length;) {
      const more = args.length - i >= 2;
      if (is(args[i], 'count') && more) {
        const count = parseLL(args[i + 1]);
        if (count === null) return NOT_INT;
        if (count < 1n) return SYNTAX;
      } else if (is(args[i], 'match') && more) {
        pattern = args[i + 1];
      } else if (is(args[i], 'type') && more) {
        type = cstr(args[i + 1]).toLowerCase();
      } else {
        return SYNTAX;
      }
      i += 2;
    }
    const keys = this.#liveKeys()
      .filter((k) => pattern === null || keyMatches(pattern, k))
      .filter(() => type === null || type === 'string');
    return [bulk(Buffer.from('0')), keys.map(bulk)];
  }

  cmd_randomkey() {
    const keys = this.#liveKeys();
    return keys.length ? bulk(keys[0]) : null;
  }

  cmd_dbsize() {
    return int(this.#liveKeys().length);
  }

  #flush(args) {
    if (args.length === 2 && !is(args[1], 'sync') && !is(args[1], 'async')) return SYNTAX;
    if (args.length > 2) return SYNTAX;
    this.#db.clear();
    return OK;
  }

  cmd_flushall(args) { return this.#flush(args); }
  cmd_flushdb(args) { return this.#flush(args); }

  // -- server --

  cmd_ping(args, name) {
    if (args.length > 2) return err(`ERR wrong number of arguments for '${name}' command`);
    return args.length === 2 ? bulk(args[1]) : '+PONG';
  }

  cmd_echo(args) {
    return bulk(args[1]);
  }
}
