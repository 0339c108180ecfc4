/**
 * Sorted-set scores as Redis 7.0 reads and prints them: JS numbers are
 * IEEE doubles, like Redis's scores, so the arithmetic is native; what
 * needs care is the text on both sides.
 *
 * Reading:
 *   - strtod(), as glibc does it (leading spaces, inf/infinity/nan(...),
 *     hex, partial parses), returning how much it consumed and whether it
 *     hit ERANGE;
 *   - string2d() (ZADD / ZINCRBY scores, WEIGHTS): the whole argument, no
 *     leading space, no NaN, no overflow to inf nor underflow to zero;
 *   - zslParseRange() (score ranges): strtod over the C string (it stops at
 *     a NUL), "(" for exclusive, only NaN and trailing bytes rejected, so
 *     "", "(" and " 1" are valid and 1e400 is inf;
 *   - zslParseLexRange() (lex ranges): "-", "+", "[bytes", "(bytes".
 *
 * Walking: the members of a zset in order ({ member, score } entries) are
 * walked over a range the way Redis's listpack and skiplist code does
 * (walkRange); rank ranges are clamped by parse.mjs's rankRange.
 *
 * Printing: addReplyDouble() in RESP2 is printf("%.17g") (inf and -inf
 * spelled out), reproduced exactly with BigInt arithmetic (ties to even,
 * like glibc). A listpack stores a score as an integer when it is one
 * (|x| <= 2^62), which ZSCAN shows as such ("100000000000000000", not
 * "1e+17"), and loses the sign of -0 (stored as the integer 0).
 */
import { cstr } from './parse.mjs';
import { UnmodeledInput } from './replies.mjs';

// ---- strtod ------------------------------------------------------------------------

const SPACE = /^[ \t\n\v\f\r]*/;
const DECIMAL = /^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/;
const HEX = /^0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?/;

/** A hex float's exact value, when it is simple enough to be sure of (the generators only send "0x10"). */
function hexValue(digits, exponent) {
  const [whole, frac = ''] = digits.split('.');
  const mantissa = BigInt(`0x${whole + frac || '0'}`);
  const power = Number(exponent ?? 0) - 4 * frac.length;
  if (mantissa > 1n << 53n || power > 900 || power < -900) throw new UnmodeledInput(`hex float 0x${digits}`);
  return Number(mantissa) * 2 ** power; // exact: a 53-bit integer times a power of two, in range
}

/**
 * glibc's strtod(s, &end) on the latin1 string `s`: { value, end, erange }.
 * end is 0 when nothing was converted (then value is 0), as strtod sets
 * *endptr = s.
 */
export function strtod(s) {
  const lead = SPACE.exec(s)[0].length;
  let i = lead;
  let sign = 1;
  if (s[i] === '+' || s[i] === '-') {
    if (s[i] === '-') sign = -1;
    i++;
  }
  const rest = s.slice(i);
  const lower = rest.slice(0, 8).toLowerCase();
  if (lower.startsWith('infinity')) return { value: sign * Infinity, end: i + 8, erange: false };
  if (lower.startsWith('inf')) return { value: sign * Infinity, end: i + 3, erange: false };
  if (lower.startsWith('nan')) {
    const paren = /^nan\([0-9A-Za-z_]*\)/i.exec(rest);
    return { value: NaN, end: i + (paren ? paren[0].length : 3), erange: false };
  }
  const hex = HEX.exec(rest);
  if (hex) return { value: sign * hexValue(hex[1], hex[2]?.slice(1)), end: i + hex[0].length, erange: false };
  const dec = DECIMAL.exec(rest);
  if (!dec) return { value: 0, end: 0, erange: false };
  const value = sign * Number(dec[0]);
  const nonZeroDigits = /[1-9]/.test(dec[1]);
  // ERANGE: overflow to inf, underflow to zero, and (glibc) subnormal results.
  const subnormal = value !== 0 && Math.abs(value) < 2 ** -1022;
  const erange = !Number.isFinite(value) || (value === 0 && nonZeroDigits) || subnormal;
  return { value, end: i + dec[0].length, erange };
}

/** string2d(): a whole argument as a double, or null (ZADD scores, ZINCRBY, WEIGHTS). */
export function parseScore(buf) {
  const s = buf.toString('latin1');
  if (s.length === 0 || /^[ \t\n\v\f\r]/.test(s)) return null;
  const { value, end, erange } = strtod(s);
  if (end !== s.length || Number.isNaN(value)) return null;
  if (erange && (value === 0 || !Number.isFinite(value))) return null;
  return value;
}

// ---- ranges ----------------------------------------------------------------------------

/** One end of zslParseRange(): { value, ex } or null. */
function scoreBound(buf) {
  let s = cstr(buf);
  const ex = s[0] === '(';
  if (ex) s = s.slice(1);
  const { value, end } = strtod(s);
  return end !== s.length || Number.isNaN(value) ? null : { value, ex };
}

/** zslParseRange(): { min, minex, max, maxex } or null ("ERR min or max is not a float"). */
export function parseScoreRange(minArg, maxArg) {
  const min = scoreBound(minArg);
  const max = scoreBound(maxArg);
  if (!min || !max) return null;
  return { min: min.value, minex: min.ex, max: max.value, maxex: max.ex };
}

export const scoreGteMin = (score, r) => (r.minex ? score > r.min : score >= r.min);
export const scoreLteMax = (score, r) => (r.maxex ? score < r.max : score <= r.max);
/** zslIsInRange()'s test for a range that is always empty. */
export const scoreRangeEmpty = (r) => r.min > r.max || (r.min === r.max && (r.minex || r.maxex));

/**
 * zslParseLexRangeItem(): '-' and '+' are the extremes (only when alone,
 * up to a NUL), '[' inclusive and '(' exclusive take the rest of the bytes.
 * A bound is { kind: 'min' | 'max' | 'bytes', bytes, ex }.
 */
function lexBound(buf) {
  switch (buf[0]) {
    case 0x2b: // '+'
      return buf.length === 1 || buf[1] === 0 ? { kind: 'max', ex: true } : null;
    case 0x2d: // '-'
      return buf.length === 1 || buf[1] === 0 ? { kind: 'min', ex: true } : null;
    case 0x28: // '('
      return { kind: 'bytes', bytes: buf.subarray(1), ex: true };
    case 0x5b: // '['
      return { kind: 'bytes', bytes: buf.subarray(1), ex: false };
    default:
      return null;
  }
}

/** zslParseLexRange(): { min, max } or null ("ERR min or max not valid string range item"). */
export function parseLexRange(minArg, maxArg) {
  const min = lexBound(minArg);
  const max = lexBound(maxArg);
  return min && max ? { min, max } : null;
}

/** sdscmplex(member, bound): the extremes sit below and above every member. */
function lexCompare(member, bound) {
  if (bound.kind === 'min') return 1;
  if (bound.kind === 'max') return -1;
  return Buffer.compare(member, bound.bytes);
}

export const lexGteMin = (member, r) => (r.min.ex ? lexCompare(member, r.min) > 0 : lexCompare(member, r.min) >= 0);
export const lexLteMax = (member, r) => (r.max.ex ? lexCompare(member, r.max) < 0 : lexCompare(member, r.max) <= 0);

/** zslIsInLexRange()'s test for a range that is always empty (sdscmplex(min, max)). */
export function lexRangeEmpty({ min, max }) {
  let cmp;
  if (min.kind === max.kind && min.kind !== 'bytes') cmp = 0; // the same shared object
  else if (min.kind === 'min' || max.kind === 'max') cmp = -1;
  else if (min.kind === 'max' || max.kind === 'min') cmp = 1;
  else cmp = Buffer.compare(min.bytes, max.bytes);
  return cmp > 0 || (cmp === 0 && (min.ex || max.ex));
}

// ---- range walks ------------------------------------------------------------------------

/** A score range as walkRange() takes it. */
export const scoreWalk = (r) => ({
  empty: scoreRangeEmpty(r),
  gteMin: (e) => scoreGteMin(e.score, r),
  lteMax: (e) => scoreLteMax(e.score, r),
});

/** A lex range as walkRange() takes it. */
export const lexWalk = (r) => ({
  empty: lexRangeEmpty(r),
  gteMin: (e) => lexGteMin(e.member, r),
  lteMax: (e) => lexLteMax(e.member, r),
});

/**
 * Where a range walk starts: the first member >= min (forward) or the last
 * member <= max (reverse), or -1. A listpack is scanned from the near end; a
 * skiplist descends its levels, skipping members "while out of range",
 * which lands on the same member only when the members out of range come
 * all before (forward) or all after (reverse) those in range. That always
 * holds for score ranges, and for lex ranges when the members are in lex
 * order; otherwise the answer depends on Redis's random node levels.
 */
export function walkStart(list, { gteMin, lteMax }, reverse, skiplist) {
  const inRange = reverse ? lteMax : gteMin;
  const i = reverse ? list.findLastIndex(inRange) : list.findIndex(inRange);
  const beyond = reverse ? list.slice(0, i) : list.slice(i + 1);
  if (skiplist && i >= 0 && !beyond.every(inRange)) {
    throw new UnmodeledInput('a lex range over a skiplist whose members are not in lex order');
  }
  return i;
}

/**
 * zzlFirstInRange() / zzlLastInRange() (and the skiplist's) and the loops
 * after them, over the members in order: give up if the range is empty,
 * the last member is below min or the first above max (`check`: the
 * skiplist deletions skip this test); start at walkStart() if that member
 * is also within the other bound; skip `offset` members (a negative offset
 * walks off the end); then take members while they are within the far
 * bound, at most `limit` of them (negative: no limit).
 */
export function walkRange(list, walk, options = {}) {
  const { reverse = false, offset = 0n, limit = -1n, skiplist = false, check = true } = options;
  const { empty, gteMin, lteMax } = walk;
  const n = list.length;
  if (check && (n === 0 || empty || !gteMin(list[n - 1]) || !lteMax(list[0]))) return [];
  let i = walkStart(list, walk, reverse, skiplist);
  if (i < 0 || !(reverse ? gteMin(list[i]) : lteMax(list[i]))) return [];
  if (offset < 0n || offset >= BigInt(n)) return [];
  const step = reverse ? -1 : 1;
  i += step * Number(offset);
  const out = [];
  for (let left = limit; i >= 0 && i < n && left !== 0n; i += step, left--) {
    if (!(reverse ? gteMin(list[i]) : lteMax(list[i]))) break;
    out.push(list[i]);
  }
  return out;
}

// ---- printing ----------------------------------------------------------------------------

/** The exact value of a finite positive double as [numerator, denominator] (BigInt). */
function exactRational(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  return exponent >= 0 ? [mantissa << BigInt(exponent), 1n] : [mantissa, 1n << BigInt(-exponent)];
}

/** printf("%.17g", x) for a finite non-zero double, rounded half to even on the exact value. */
function g17(x) {
  const [num, den] = exactRational(Math.abs(x));
  // Find E with 10^16 <= |x| * 10^(16-E) < 10^17, then round to 17 digits.
  let exp10 = Math.floor(Math.log10(Math.abs(x)));
  const scaled = (e) => {
    const k = 16 - e;
    return k >= 0 ? [num * 10n ** BigInt(k), den] : [num, den * 10n ** BigInt(-k)];
  };
  for (;;) {
    const [n, d] = scaled(exp10);
    if (n / d < 10n ** 16n) exp10--;
    else if (n / d >= 10n ** 17n) exp10++;
    else break;
  }
  const [n, d] = scaled(exp10);
  let q = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q += 1n;
  if (q === 10n ** 17n) {
    q = 10n ** 16n;
    exp10++;
  }
  const digits = q.toString();
  const sign = x < 0 ? '-' : '';
  if (exp10 < -4 || exp10 >= 17) {
    const mantissa = `${digits[0]}.${digits.slice(1)}`.replace(/0+$/, '').replace(/\.$/, '');
    const e = Math.abs(exp10).toString().padStart(2, '0');
    return `${sign}${mantissa}e${exp10 < 0 ? '-' : '+'}${e}`;
  }
  const whole = exp10 >= 0 ? digits.slice(0, exp10 + 1) : '0';
  const frac = (exp10 >= 0 ? digits.slice(exp10 + 1) : '0'.repeat(-exp10 - 1) + digits).replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** addReplyDouble() in RESP2: "%.17g", with inf and -inf spelled out. */
export function formatScore(x) {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return g17(x);
}

const LISTPACK_INT_LIMIT = 2 ** 62; // double2ll(): |x| <= (double)(LLONG_MAX / 2)

/** zzlInsertAt(): the score a listpack holds (-0 is stored as the integer 0). */
export const listpackScore = (x) => (x === 0 ? 0 : x);

/** The score text a listpack holds, which ZSCAN returns as is: an integer when the score is one. */
export function listpackScoreText(x) {
  if (Number.isInteger(x) && Math.abs(x) <= LISTPACK_INT_LIMIT) return BigInt(x).toString();
  return formatScore(x);
}
