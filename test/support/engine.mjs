// Helpers shared by the unit tests: engines on a manual clock, and an
// assertion for Redis error replies.
import assert from 'node:assert/strict';
import { Engine, EmberError } from 'emberkv';

/** A fixed "now" in ms for the manual clock. */
export const T0 = 1_700_000_000_000;

/**
 * A fresh engine on a manual clock starting at T0, without background
 * upkeep; `e.at(ms)` sets the time, `e.advance(ms)` moves it.
 */
export function engine() {
  const clock = { now: T0 };
  const e = new Engine({ clock: () => clock.now, backgroundUpkeep: false });
  e.at = (ms) => {
    clock.now = ms;
  };
  e.advance = (ms) => {
    clock.now += ms;
  };
  return e;
}

/** Wraps a test body that gets a fresh engine(), closed afterwards. */
export function withEngine(fn) {
  return () => {
    const e = engine();
    try {
      fn(e);
    } finally {
      e.close();
    }
  };
}

/** Asserts that the command fails with exactly `message` (and its code). */
export function fails(e, message, ...args) {
  assert.throws(
    () => e.call(...args),
    (err) => {
      assert.ok(err instanceof EmberError, `expected EmberError, got ${err}`);
      assert.equal(err.message, message);
      assert.equal(err.code, message.split(' ')[0]);
      return true;
    },
  );
}
