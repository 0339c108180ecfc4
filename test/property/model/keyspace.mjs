/**
 * The model's keyspace: one database of typed entries and an explicit clock.
 *
 * State: a Map from key (its bytes as a latin1 string) to an entry
 * { key: Buffer, type, value, expireAt: BigInt ms | null }, where type is
 * 'string' | 'list' | 'hash' | 'set' | 'zset' and value is that family's
 * plain-JavaScript value (a Buffer for strings; see each family's module).
 * A key is alive while now <= expireAt; dead keys are dropped lazily when
 * touched, so every reply is about live keys only. There is no background
 * anything. Invariant: no live entry holds an empty collection (each
 * family deletes its key when the last element goes, as Redis does).
 */
import { WrongTypeError } from './replies.mjs';
import { keyOf } from './parse.mjs';

export class Keyspace {
  #db = new Map();

  /** @param cloners { [type]: (value) => deep copy }, used by COPY. */
  constructor({ now = 0n, cloners = {} } = {}) {
    this.now = BigInt(now);
    this.cloners = cloners;
  }

  /** The live entry at `key` of any type, or undefined (an expired one is dropped). */
  live(key) {
    const k = keyOf(key);
    const entry = this.#db.get(k);
    if (entry && entry.expireAt !== null && this.now > entry.expireAt) {
      this.#db.delete(k);
      return undefined;
    }
    return entry;
  }

  /** The live entry at `key` if it holds `type`; undefined if none; WrongTypeError if another type. */
  lookup(key, type) {
    const entry = this.live(key);
    if (entry && entry.type !== type) throw new WrongTypeError();
    return entry;
  }

  /** Every live entry, in insertion order. */
  entries() {
    return [...this.#db.values()].filter((e) => this.live(e.key));
  }

  /** Stores a new entry (no TTL), replacing whatever `key` held. */
  create(key, type, value) {
    const entry = { key: Buffer.from(key), type, value, expireAt: null };
    this.#db.set(keyOf(key), entry);
    return entry;
  }

  /** setKey() for strings: a new value; the TTL goes unless keepTtl. */
  setString(key, value, keepTtl = false) {
    const old = this.live(key);
    const expireAt = keepTtl && old ? old.expireAt : null;
    this.create(key, 'string', Buffer.from(value)).expireAt = expireAt;
  }

  delete(key) {
    return this.live(key) ? this.#db.delete(keyOf(key)) : false;
  }

  /** checkAlreadyExpired(): an expiry at or before now deletes the key. */
  expireOrDelete(key, when) {
    if (when <= this.now) this.delete(key);
    else this.live(key).expireAt = when;
  }

  /** Moves `src`'s entry (value and TTL) to `dst`, replacing it; src must be live. */
  move(src, dst) {
    const e = this.live(src);
    this.delete(dst);
    this.#db.delete(keyOf(src));
    this.#db.set(keyOf(dst), { ...e, key: Buffer.from(dst) });
  }

  /** Copies `src`'s entry (a deep copy of the value, same TTL) to `dst`, replacing it. */
  copy(src, dst) {
    const e = this.live(src);
    const clone = this.cloners[e.type] ?? ((v) => Buffer.from(v));
    this.#db.set(keyOf(dst), { ...e, key: Buffer.from(dst), value: clone(e.value) });
  }

  clear() {
    this.#db.clear();
  }
}
