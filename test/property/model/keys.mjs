/**
 * The keyspace and server commands of the reference model, from Redis 7.0's
 * db.c, expire.c and server.c. They work on entries of every type.
 *
 * KEYS (any order), SCAN (the whole scan as one page: ['$"0"', [keys]]) and
 * RANDOMKEY (the first live key) are not deterministic in Redis; the caller
 * compares them by meaning.
 */
import { keyMatches } from './glob.mjs';
import { INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN, cstr, is, parseLL } from './parse.mjs';
import {
  NOT_INT, OK, SYNTAX, UnmodeledInput, arityError, bulk, err, expireTimeError, int, userErr,
} from './replies.mjs';
import { INVALID_CURSOR, parseScanCursor, parseScanOptions, scanMatches } from './scan.mjs';

/** expireGenericCommand(): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT. */
function expireGeneric(ks, args, name, basetime, seconds) {
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
  const e = ks.live(args[1]);
  if (!e) return ':0';
  const current = e.expireAt;
  if (flag.nx && current !== null) return ':0';
  if (flag.xx && current === null) return ':0';
  if (flag.gt && (current === null || when <= current)) return ':0';
  if (flag.lt && current !== null && when >= current) return ':0';
  ks.expireOrDelete(args[1], when);
  return ':1';
}

/** ttlGenericCommand() and expiretimeGenericCommand(). */
function ttl(ks, key, output) {
  const e = ks.live(key);
  if (!e) return ':-2';
  if (e.expireAt === null) return ':-1';
  const left = e.expireAt - ks.now; // >= 0 for a live key
  switch (output) {
    case 'ttl': return int((left + 500n) / 1000n);
    case 'pttl': return int(left);
    case 'expiretime': return int((e.expireAt + 500n) / 1000n); // rounded, like TTL
    default: return int(e.expireAt);
  }
}

function rename(ks, args, nx) {
  const [, src, dst] = args;
  if (!ks.live(src)) return err('ERR no such key');
  if (src.equals(dst)) return nx ? ':0' : OK;
  if (nx && ks.live(dst)) return ':0';
  ks.move(src, dst);
  return nx ? ':1' : OK;
}

function flush(ks, args) {
  if (args.length === 2 && !is(args[1], 'sync') && !is(args[1], 'async')) return SYNTAX;
  if (args.length > 2) return SYNTAX;
  ks.clear();
  return OK;
}

const del = (ks, args) => int(args.slice(1).filter((k) => ks.delete(k)).length);
const exists = (ks, args) => int(args.slice(1).filter((k) => ks.live(k)).length);

export const keyCommands = {
  del: { arity: -2, run: del },
  unlink: { arity: -2, run: del },
  exists: { arity: -2, run: exists },
  touch: { arity: -2, run: exists },
  type: { arity: 2, run: (ks, args) => `+${ks.live(args[1])?.type ?? 'none'}` },
  expire: { arity: -3, run: (ks, args, name) => expireGeneric(ks, args, name, ks.now, true) },
  pexpire: { arity: -3, run: (ks, args, name) => expireGeneric(ks, args, name, ks.now, false) },
  expireat: { arity: -3, run: (ks, args, name) => expireGeneric(ks, args, name, 0n, true) },
  pexpireat: { arity: -3, run: (ks, args, name) => expireGeneric(ks, args, name, 0n, false) },
  ttl: { arity: 2, run: (ks, args) => ttl(ks, args[1], 'ttl') },
  pttl: { arity: 2, run: (ks, args) => ttl(ks, args[1], 'pttl') },
  expiretime: { arity: 2, run: (ks, args) => ttl(ks, args[1], 'expiretime') },
  pexpiretime: { arity: 2, run: (ks, args) => ttl(ks, args[1], 'pexpiretime') },
  persist: {
    arity: 2,
    run(ks, args) {
      const e = ks.live(args[1]);
      if (!e || e.expireAt === null) return ':0';
      e.expireAt = null;
      return ':1';
    },
  },
  rename: { arity: 3, run: (ks, args) => rename(ks, args, false) },
  renamenx: { arity: 3, run: (ks, args) => rename(ks, args, true) },
  copy: {
    arity: -3,
    run(ks, args) {
      const [, src, dst] = args;
      let replace = false;
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
          j++;
        } else {
          return SYNTAX;
        }
      }
      if (src.equals(dst)) return err('ERR source and destination objects are the same');
      if (!ks.live(src)) return ':0';
      if (ks.live(dst) && !replace) return ':0';
      ks.copy(src, dst);
      return ':1';
    },
  },
  keys: {
    arity: 2,
    run: (ks, args) => ks.entries().filter((e) => keyMatches(args[1], e.key)).map((e) => bulk(e.key)),
  },
  scan: {
    arity: -2,
    run(ks, args) {
      const cursor = parseScanCursor(args[1]);
      if (cursor === null) return INVALID_CURSOR;
      if (cursor !== 0n) throw new UnmodeledInput('SCAN from a non-zero cursor');
      const { pattern, type, error } = parseScanOptions(args, 2, { withType: true });
      if (error) return error;
      const keys = ks.entries()
        .filter((e) => scanMatches(pattern, e.key))
        .filter((e) => type === null || type === e.type);
      return [bulk(Buffer.from('0')), keys.map((e) => bulk(e.key))];
    },
  },
  randomkey: {
    arity: 1,
    run(ks) {
      const [first] = ks.entries();
      return first ? bulk(first.key) : null;
    },
  },
  dbsize: { arity: 1, run: (ks) => int(ks.entries().length) },
  flushall: { arity: -1, run: flush },
  flushdb: { arity: -1, run: flush },
  ping: {
    arity: -1,
    run(ks, args, name) {
      if (args.length > 2) return arityError(name);
      return args.length === 2 ? bulk(args[1]) : '+PONG';
    },
  },
  echo: { arity: 2, run: (ks, args) => bulk(args[1]) },
};
