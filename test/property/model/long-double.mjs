/**
 * x87 long double arithmetic, exactly, for INCRBYFLOAT and HINCRBYFLOAT:
 * Redis adds long doubles (64-bit significands), so values are kept as
 * exact binary fractions in BigInt and rounded the way the FPU and glibc's
 * printf("%.17Lf") do (hex floats and 1e400 included).
 *
 * A finite long double is { n, e }: the value n * 2^e with |n| < 2^64
 * (BigInt n); { inf: +-1 } and { underflow: true } stand for overflow and
 * for values that round to zero.
 */
import { UnmodeledInput } from './replies.mjs';

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
export function parseLD(buf) {
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

export function ldAdd(a, b) {
  if (a.inf || b.inf) return { inf: 1 }; // inf+x = inf, inf-inf = nan: both rejected
  const [an, ad] = ldRational(a);
  const [bn, bd] = ldRational(b);
  const den = ad > bd ? ad : bd; // both powers of two
  return ldRound(an * (den / ad) + bn * (den / bd), den);
}

/** ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros and "." trimmed, "-0" -> "0". */
export function ldFormat(value) {
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
