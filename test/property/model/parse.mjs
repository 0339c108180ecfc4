/** Arguments as Redis reads them: bytes, C strings, strict integers, index ranges. */

export const LLONG_MAX = (1n << 63n) - 1n;
export const LLONG_MIN = -(1n << 63n);
export const INT_MIN = -(1n << 31n);
export const INT_MAX = (1n << 31n) - 1n;
export const PROTO_MAX_BULK_LEN = 512n * 1024n * 1024n;

export const toBuf = (a) => (Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8'));
/** A Map key for bytes: the latin1 string of the buffer (one char per byte). */
export const keyOf = (buf) => buf.toString('latin1');
/** What C string functions see: the bytes up to the first NUL. */
export const cstr = (buf) => {
  const nul = buf.indexOf(0);
  return (nul === -1 ? buf : buf.subarray(0, nul)).toString('latin1');
};
/** strcasecmp(arg, name) == 0, `name` in lower case. */
export const is = (buf, name) => cstr(buf).toLowerCase() === name;

/**
 * Index range sanitizing, as LRANGE/LTRIM (addListRangeReply) and ZRANGE /
 * ZREMRANGEBYRANK do it: negative indexes count from the end; returns
 * [start, end] within 0..len-1 (numbers), or null when the range is empty.
 */
export function rankRange(start, end, len) {
  const n = BigInt(len);
  if (start < 0n) start += n;
  if (end < 0n) end += n;
  if (start < 0n) start = 0n;
  if (start > end || start >= n) return null;
  if (end >= n) end = n - 1n;
  return [Number(start), Number(end)];
}

/** string2ll: strict canonical int64 ("0", "-12"; no "+1", "01", "-0", spaces); null if not. */
export function parseLL(buf) {
  const s = buf.toString('latin1');
  if (s.length === 0 || s.length >= 21 || !/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = BigInt(s);
  return n < LLONG_MIN || n > LLONG_MAX ? null : n;
}
