/**
 * The list commands of the reference model, from Redis 7.0's t_list.c.
 *
 * Value: an Array of Buffers, head (LEFT, index 0) first. The Buffers are
 * never modified in place (elements are replaced, not edited), so a copy of
 * the array is a deep copy. Invariant: never empty; the command that removes
 * the last element deletes the key (listElementsRemoved(), LTRIM, LREM).
 *
 * Redis 7.0 encodes every list as a quicklist; the encoding shows nowhere
 * in these replies, so it is not modelled. Order of checks, as in Redis:
 * arguments that are parsed before the key is looked up (LRANGE, LTRIM,
 * LREM, LPOS, LINSERT's BEFORE/AFTER, LMOVE's LEFT/RIGHT, LMPOP, the
 * LPOP/RPOP count) fail first even on a missing key or a key of another
 * type; LINDEX and LSET look the key up first.
 */
import { LLONG_MAX, is, parseLL, rankRange } from './parse.mjs';
import { NOT_INT, OK, SYNTAX, arityError, bulk, err, int } from './replies.mjs';

const LEFT = 'left';
const RIGHT = 'right';

/** The live list at `key`, or undefined; WrongTypeError for another type. */
const list = (ks, key) => ks.lookup(key, 'list');

/** The list at `key`, created empty if missing (the caller pushes at once). */
function listForPush(ks, key) {
  return (list(ks, key) ?? ks.create(key, 'list', [])).value;
}

/** Deletes `key` if its list became empty (no empty list stays in the keyspace). */
function dropIfEmpty(ks, key) {
  const e = list(ks, key);
  if (e && e.value.length === 0) ks.delete(key);
}

const bulks = (elements) => elements.map(bulk);
/** A private copy of an argument's bytes, so the stored element can never change under the model. */
const own = (buf) => Buffer.from(buf);

/** C's (long) wrap-around on int64 arithmetic, where Redis relies on it (LPOS with RANK LONG_MIN). */
const wrap64 = (n) => BigInt.asIntN(64, n);

/**
 * getRangeLongFromObjectOrReply(min, max, msg): an int64 in [min, max], or
 * { error: msg } (the same text whether the argument is no integer or out of range).
 */
function parseRange(buf, min, max, msg) {
  const n = parseLL(buf);
  return n === null || n < min || n > max ? { error: msg } : { n };
}

/** getPositiveLongFromObjectOrReply(): 0..LONG_MAX. */
const parsePositive = (buf, msg = err('ERR value is out of range, must be positive')) =>
  parseRange(buf, 0n, LLONG_MAX, msg);

/** getListPositionFromObjectOrReply(): LEFT / RIGHT (strcasecmp), or null for a syntax error. */
function parseWhere(buf) {
  if (is(buf, 'left')) return LEFT;
  if (is(buf, 'right')) return RIGHT;
  return null;
}

/**
 * The array index of a list index (negative counts from the tail), or -1 when
 * out of range: what LINDEX and LSET address.
 */
function position(len, index) {
  const i = index < 0n ? BigInt(len) + index : index;
  return i >= 0n && i < BigInt(len) ? Number(i) : -1;
}

/** Removes `count` elements from one end, in pop order (RPOP's come tail first). */
function popRange(elements, where, count) {
  const n = Math.min(count, elements.length);
  return where === LEFT ? elements.splice(0, n) : elements.splice(elements.length - n, n).reverse();
}

function push(ks, args, where, onlyIfExists) {
  const e = list(ks, args[1]);
  if (!e && onlyIfExists) return int(0);
  const elements = e ? e.value : ks.create(args[1], 'list', []).value;
  for (const element of args.slice(2).map(own)) {
    if (where === LEFT) elements.unshift(element);
    else elements.push(element);
  }
  return int(elements.length);
}

/** popGenericCommand(): LPOP / RPOP key [count]. */
function pop(ks, args, name, where) {
  if (args.length > 3) return arityError(name);
  const hasCount = args.length === 3;
  let count = 0n;
  if (hasCount) {
    const r = parsePositive(args[2]);
    if (r.error) return r.error;
    count = r.n;
  }
  const e = list(ks, args[1]);
  if (!e) return null; // a null bulk, or a null array with a count
  if (hasCount && count === 0n) return [];
  const elements = e.value;
  const reply = hasCount
    ? bulks(popRange(elements, where, Number(count > BigInt(elements.length) ? elements.length : count)))
    : bulk(popRange(elements, where, 1)[0]);
  dropIfEmpty(ks, args[1]);
  return reply;
}

/** lmoveGenericCommand(): pops from `src` and pushes onto `dst` (maybe the same list). */
function move(ks, src, dst, from, to) {
  const s = list(ks, src);
  if (!s) return null;
  list(ks, dst); // WRONGTYPE before anything moves
  const [element] = popRange(s.value, from, 1);
  // Push before the source's emptiness check: RPOPLPUSH k k on a one-element list keeps k.
  const d = listForPush(ks, dst);
  if (to === LEFT) d.unshift(element);
  else d.push(element);
  dropIfEmpty(ks, src);
  return bulk(element);
}

/** lposCommand(): the options, then the scan, with C's int64 arithmetic. */
function lpos(ks, args) {
  let rank = 1n;
  let count = -1n; // -1: no COUNT option (reply a single index, or nil)
  let maxlen = 0n;
  for (let j = 3; j < args.length; j++) {
    const more = j < args.length - 1;
    if (is(args[j], 'rank') && more) {
      rank = parseLL(args[++j]);
      if (rank === null) return NOT_INT;
      if (rank === 0n) {
        return err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
          'or use negative to start from the end of the list');
      }
    } else if (is(args[j], 'count') && more) {
      const r = parsePositive(args[++j], err("ERR COUNT can't be negative"));
      if (r.error) return r.error;
      count = r.n;
    } else if (is(args[j], 'maxlen') && more) {
      const r = parsePositive(args[++j], err("ERR MAXLEN can't be negative"));
      if (r.error) return r.error;
      maxlen = r.n;
    } else {
      return SYNTAX;
    }
  }
  let fromTail = false;
  if (rank < 0n) {
    rank = wrap64(-rank); // RANK -9223372036854775808 stays negative: every match counts
    fromTail = true;
  }
  const e = list(ks, args[1]);
  if (!e) return count !== -1n ? [] : null;

  const elements = e.value;
  const len = elements.length;
  const found = [];
  let matches = 0n;
  let matchIndex = -1;
  for (let index = 0; index < len && (maxlen === 0n || BigInt(index) < maxlen); index++) {
    const element = elements[fromTail ? len - 1 - index : index];
    if (element.equals(args[2])) {
      matches++;
      matchIndex = fromTail ? len - index - 1 : index;
      if (matches >= rank) {
        if (count === -1n) break;
        found.push(int(matchIndex));
        if (count !== 0n && wrap64(matches - rank + 1n) >= count) break;
      }
    }
    matchIndex = -1; // not reached on a break: the loop ends on the match
  }
  if (count !== -1n) return found;
  return matchIndex === -1 ? null : int(matchIndex);
}

/** lmpopGenericCommand(): LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
function lmpop(ks, args) {
  const nk = parseRange(args[1], 1n, LLONG_MAX, err('ERR numkeys should be greater than 0'));
  if (nk.error) return nk.error;
  const whereAt = 2n + nk.n;
  if (whereAt >= BigInt(args.length)) return SYNTAX;
  const where = parseWhere(args[Number(whereAt)]);
  if (!where) return SYNTAX;
  let count = -1n;
  for (let j = Number(whereAt) + 1; j < args.length; j++) {
    if (count === -1n && is(args[j], 'count') && j < args.length - 1) {
      const r = parseRange(args[++j], 1n, LLONG_MAX, err('ERR count should be greater than 0'));
      if (r.error) return r.error;
      count = r.n;
    } else {
      return SYNTAX;
    }
  }
  if (count === -1n) count = 1n;
  // The first key holding a list; a key of another type before it is WRONGTYPE.
  for (const key of args.slice(2, Number(whereAt))) {
    const e = list(ks, key);
    if (!e) continue;
    const n = count > BigInt(e.value.length) ? e.value.length : Number(count);
    const reply = [bulk(key), bulks(popRange(e.value, where, n))];
    dropIfEmpty(ks, key);
    return reply;
  }
  return null;
}

export const listFamily = {
  type: 'list',
  clone: (value) => [...value],
  commands: {
    lpush: { arity: -3, run: (ks, args) => push(ks, args, LEFT, false) },
    rpush: { arity: -3, run: (ks, args) => push(ks, args, RIGHT, false) },
    lpushx: { arity: -3, run: (ks, args) => push(ks, args, LEFT, true) },
    rpushx: { arity: -3, run: (ks, args) => push(ks, args, RIGHT, true) },
    lpop: { arity: -2, run: (ks, args, name) => pop(ks, args, name, LEFT) },
    rpop: { arity: -2, run: (ks, args, name) => pop(ks, args, name, RIGHT) },

    llen: { arity: 2, run: (ks, args) => int(list(ks, args[1])?.value.length ?? 0) },

    lrange: {
      arity: 4,
      run(ks, args) {
        const start = parseLL(args[2]);
        const end = parseLL(args[3]);
        if (start === null || end === null) return NOT_INT;
        const e = list(ks, args[1]);
        if (!e) return [];
        const range = rankRange(start, end, e.value.length);
        return range ? bulks(e.value.slice(range[0], range[1] + 1)) : [];
      },
    },

    lindex: {
      arity: 3,
      run(ks, args) {
        const e = list(ks, args[1]);
        if (!e) return null;
        const index = parseLL(args[2]);
        if (index === null) return NOT_INT;
        const i = position(e.value.length, index);
        return i === -1 ? null : bulk(e.value[i]);
      },
    },

    lset: {
      arity: 4,
      run(ks, args) {
        const e = list(ks, args[1]);
        if (!e) return err('ERR no such key');
        const index = parseLL(args[2]);
        if (index === null) return NOT_INT;
        const i = position(e.value.length, index);
        if (i === -1) return err('ERR index out of range');
        e.value[i] = own(args[3]);
        return OK;
      },
    },

    linsert: {
      arity: 5,
      run(ks, args) {
        let after;
        if (is(args[2], 'after')) after = true;
        else if (is(args[2], 'before')) after = false;
        else return SYNTAX;
        const e = list(ks, args[1]);
        if (!e) return int(0);
        const pivot = e.value.findIndex((x) => x.equals(args[3]));
        if (pivot === -1) return int(-1);
        e.value.splice(after ? pivot + 1 : pivot, 0, own(args[4]));
        return int(e.value.length);
      },
    },

    lrem: {
      arity: 4,
      run(ks, args) {
        const count = parseLL(args[2]);
        if (count === null) return NOT_INT;
        const e = list(ks, args[1]);
        if (!e) return int(0);
        // count > 0: the first |count| matches from the head; < 0: from the tail; 0: all.
        const limit = count < 0n ? -count : count;
        const elements = e.value;
        const indexes = elements.map((_, i) => i);
        if (count < 0n) indexes.reverse();
        const doomed = new Set();
        for (const i of indexes) {
          if (limit !== 0n && BigInt(doomed.size) === limit) break;
          if (elements[i].equals(args[3])) doomed.add(i);
        }
        e.value = elements.filter((_, i) => !doomed.has(i));
        dropIfEmpty(ks, args[1]);
        return int(doomed.size);
      },
    },

    ltrim: {
      arity: 4,
      run(ks, args) {
        const start = parseLL(args[2]);
        const end = parseLL(args[3]);
        if (start === null || end === null) return NOT_INT;
        const e = list(ks, args[1]);
        if (!e) return OK;
        const range = rankRange(start, end, e.value.length);
        e.value = range ? e.value.slice(range[0], range[1] + 1) : [];
        dropIfEmpty(ks, args[1]);
        return OK;
      },
    },

    lpos: { arity: -3, run: lpos },

    lmove: {
      arity: 5,
      run(ks, args) {
        const from = parseWhere(args[3]);
        if (!from) return SYNTAX;
        const to = parseWhere(args[4]);
        if (!to) return SYNTAX;
        return move(ks, args[1], args[2], from, to);
      },
    },
    rpoplpush: { arity: 3, run: (ks, args) => move(ks, args[1], args[2], RIGHT, LEFT) },

    lmpop: { arity: -4, run: lmpop },
  },
};
