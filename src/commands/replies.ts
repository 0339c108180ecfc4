/**
 * Reply conversions shared by the command families: a raw reply (as
 * `call()` gives it, identical on Engine and Client) into the type a typed
 * method promises. Family-specific ones (scores, scan pages) live with
 * their family.
 */

/**
 * The raw reply already has the method's shape (strings, null, arrays of
 * them, as the command table's reply types guarantee): only its static
 * type is narrowed, at no cost.
 */
export function asReplied<T>(raw: unknown): T {
  return raw as T;
}

/** An integer reply as a number; integers beyond 2^53 need call(). */
export function toNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') {
    throw new RangeError(`emberkv: the reply ${raw} is beyond Number.MAX_SAFE_INTEGER; use call() to get it as a bigint`);
  }
  throw new TypeError(`emberkv: expected an integer reply, got ${typeof raw}`);
}

/** An integer reply, or null. */
export function toNumberOrNull(raw: unknown): number | null {
  return raw === null ? null : toNumber(raw);
}

/** A 0/1 integer reply as a boolean. */
export function isOne(raw: unknown): boolean {
  return raw === 1;
}

/** A flat [f1, v1, f2, v2, ...] reply as [field, value] pairs. */
export function flatPairs(raw: unknown): [string, string][] {
  const flat = raw as string[];
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
  return pairs;
}
