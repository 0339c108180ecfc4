/**
 * The string commands of the reference model, from Redis 7.0's t_string.c.
 * A string entry's value is a Buffer; INCRBYFLOAT's long double arithmetic
 * is exact (long-double.mjs).
 */
import { ldAdd, ldFormat, parseLD } from './long-double.mjs';
import { LLONG_MAX, LLONG_MIN, PROTO_MAX_BULK_LEN, cstr, is, parseLL } from './parse.mjs';
import { NOT_FLOAT, NOT_INT, OK, SYNTAX, arityError, bulk, err, expireTimeError, int } from './replies.mjs';

const string = (ks, key) => ks.lookup(key, 'string');

/** SET and GETEX options: parseExtendedStringArgumentsOrReply(); null on a syntax error. */
function parseExtended(args, from, forSet) {
  const f = { nx: false, xx: false, get: false, keepttl: false, persist: false, unit: null, expire: null };
  const timed = () => f.unit !== null;
  for (let j = from; j < args.length; j++) {
    const opt = args[j];
    const next = j + 1 < args.length ? args[j + 1] : null;
    const unit = cstr(opt).toLowerCase();
    if (is(opt, 'nx') && !f.xx && forSet) f.nx = true;
    else if (is(opt, 'xx') && !f.nx && forSet) f.xx = true;
    else if (is(opt, 'get') && forSet) f.get = true;
    else if (is(opt, 'keepttl') && !f.persist && !timed() && forSet) f.keepttl = true;
    else if (is(opt, 'persist') && !forSet && !timed() && !f.keepttl) f.persist = true;
    else if (['ex', 'px', 'exat', 'pxat'].includes(unit) && next && !f.keepttl && !f.persist &&
             (f.unit === null || f.unit === unit)) {
      f.unit = unit;
      f.expire = next;
      j++;
    } else {
      return null;
    }
  }
  return f;
}

/** getExpireMillisecondsOrReply(): { ms } (absolute), or { error }. */
function expireMs(ks, f, name) {
  let ms = parseLL(f.expire);
  if (ms === null) return { error: NOT_INT };
  const seconds = f.unit === 'ex' || f.unit === 'exat';
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) return { error: expireTimeError(name) };
  if (seconds) ms *= 1000n;
  if (f.unit === 'ex' || f.unit === 'px') {
    ms += ks.now;
    if (ms > LLONG_MAX) return { error: expireTimeError(name) }; // wraps negative in C
  }
  return { ms };
}

/** setGenericCommand(). */
function setGeneric(ks, key, value, f, name, okReply = OK, abortReply = null) {
  let when = null;
  if (f.expire) {
    const r = expireMs(ks, f, name);
    if (r.error) return r.error;
    when = r.ms;
  }
  // SET ... GET reads the old value first (and so fails on another type).
  const oldReply = f.get ? getValue(ks, key) : null;
  const exists = ks.live(key) !== undefined;
  if ((f.nx && exists) || (f.xx && !exists)) return f.get ? oldReply : abortReply;
  ks.setString(key, value, f.keepttl);
  if (when !== null) ks.live(key).expireAt = when; // may be in the past: then it is gone
  return f.get ? oldReply : okReply;
}

/** getGenericCommand(): the value, nil, or WRONGTYPE (thrown). */
function getValue(ks, key) {
  const e = string(ks, key);
  return e ? bulk(e.value) : null;
}

function msetGeneric(ks, args, name, nx) {
  if (args.length % 2 === 0) return arityError(name);
  if (nx && args.some((k, i) => i % 2 === 1 && ks.live(k))) return ':0';
  for (let i = 1; i < args.length; i += 2) ks.setString(args[i], args[i + 1]);
  return nx ? ':1' : OK;
}

/** incrDecrCommand(). */
function incrBy(ks, key, incr) {
  const e = string(ks, key);
  const value = e ? parseLL(e.value) : 0n;
  if (value === null) return NOT_INT;
  const result = value + incr;
  if (result > LLONG_MAX || result < LLONG_MIN) return err('ERR increment or decrement would overflow');
  ks.setString(key, Buffer.from(String(result)), true);
  return int(result);
}

export const stringCommands = {
  set: {
    arity: -3,
    run(ks, args, name) {
      const f = parseExtended(args, 3, true);
      return f ? setGeneric(ks, args[1], args[2], f, name) : SYNTAX;
    },
  },
  setnx: { arity: 3, run: (ks, args, name) => setGeneric(ks, args[1], args[2], { nx: true }, name, ':1', ':0') },
  setex: { arity: 4, run: (ks, args, name) => setGeneric(ks, args[1], args[3], { unit: 'ex', expire: args[2] }, name) },
  psetex: { arity: 4, run: (ks, args, name) => setGeneric(ks, args[1], args[3], { unit: 'px', expire: args[2] }, name) },
  get: { arity: 2, run: (ks, args) => getValue(ks, args[1]) },
  getdel: {
    arity: 2,
    run(ks, args) {
      const reply = getValue(ks, args[1]);
      ks.delete(args[1]);
      return reply;
    },
  },
  getset: {
    arity: 3,
    run(ks, args) {
      const reply = getValue(ks, args[1]);
      ks.setString(args[1], args[2]);
      return reply;
    },
  },
  getex: {
    arity: -2,
    run(ks, args, name) {
      const f = parseExtended(args, 2, false);
      if (!f) return SYNTAX;
      const e = string(ks, args[1]);
      if (!e) return null;
      let when = null;
      if (f.expire) {
        const r = expireMs(ks, f, name);
        if (r.error) return r.error;
        when = r.ms;
      }
      const reply = bulk(e.value);
      if ((f.unit === 'exat' || f.unit === 'pxat') && when <= ks.now) ks.delete(args[1]);
      else if (when !== null) e.expireAt = when;
      else if (f.persist) e.expireAt = null;
      return reply;
    },
  },
  mget: {
    arity: -2,
    run(ks, args) {
      return args.slice(1).map((k) => {
        const e = ks.live(k);
        return e && e.type === 'string' ? bulk(e.value) : null; // other types read as nil
      });
    },
  },
  mset: { arity: -3, run: (ks, args, name) => msetGeneric(ks, args, name, false) },
  msetnx: { arity: -3, run: (ks, args, name) => msetGeneric(ks, args, name, true) },
  append: {
    arity: 3,
    run(ks, args) {
      const e = string(ks, args[1]);
      const value = e ? Buffer.concat([e.value, args[2]]) : args[2];
      ks.setString(args[1], value, true);
      return int(value.length);
    },
  },
  strlen: {
    arity: 2,
    run(ks, args) {
      const e = string(ks, args[1]);
      return int(e ? e.value.length : 0);
    },
  },
  getrange: {
    arity: 4,
    run(ks, args) {
      let start = parseLL(args[2]);
      let end = parseLL(args[3]);
      if (start === null || end === null) return NOT_INT;
      const e = string(ks, args[1]);
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
    },
  },
  setrange: {
    arity: 4,
    run(ks, args) {
      const offset = parseLL(args[2]);
      if (offset === null) return NOT_INT;
      if (offset < 0n) return err('ERR offset is out of range');
      const value = args[3];
      const e = string(ks, args[1]);
      if (value.length === 0) return int(e ? e.value.length : 0);
      if (offset + BigInt(value.length) > PROTO_MAX_BULK_LEN) {
        return err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
      }
      const old = e ? e.value : Buffer.alloc(0);
      const out = Buffer.alloc(Math.max(old.length, Number(offset) + value.length));
      old.copy(out);
      value.copy(out, Number(offset));
      ks.setString(args[1], out, true);
      return int(out.length);
    },
  },
  incr: { arity: 2, run: (ks, args) => incrBy(ks, args[1], 1n) },
  decr: { arity: 2, run: (ks, args) => incrBy(ks, args[1], -1n) },
  incrby: {
    arity: 3,
    run(ks, args) {
      const incr = parseLL(args[2]);
      return incr === null ? NOT_INT : incrBy(ks, args[1], incr);
    },
  },
  decrby: {
    arity: 3,
    run(ks, args) {
      const incr = parseLL(args[2]);
      if (incr === null) return NOT_INT;
      if (incr === LLONG_MIN) return err('ERR decrement would overflow');
      return incrBy(ks, args[1], -incr);
    },
  },
  incrbyfloat: {
    arity: 3,
    run(ks, args) {
      const e = string(ks, args[1]);
      const value = e ? parseLD(e.value) : { n: 0n, e: 0 };
      if (value === null) return NOT_FLOAT;
      const incr = parseLD(args[2]);
      if (incr === null) return NOT_FLOAT;
      const sum = ldAdd(value, incr);
      if (sum.inf) return err('ERR increment would produce NaN or Infinity');
      const text = Buffer.from(ldFormat(sum));
      ks.setString(args[1], text, true);
      return bulk(text);
    },
  },
};
