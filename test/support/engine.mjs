// Helpers shared by the unit tests: engines on a manual clock, and an
// assertion for Redis error replies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine, EmberError, commands } from 'emberkv';

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

/**
 * One test per command: its declaration in the native command table is
 * what Redis 7.0's COMMAND INFO says. `expected` maps a command name to
 * [arity, flags, categories, firstKey, lastKey, keyStep].
 */
export function testDeclarations(expected) {
  const table = new Map(commands().map((c) => [c.name, c]));
  for (const [name, [arity, flags, categories, first, last, step]] of Object.entries(expected)) {
    test(name, () => {
      const c = table.get(name);
      assert.ok(c, `${name} is declared`);
      assert.equal(c.arity, arity);
      assert.deepEqual([...c.flags].sort(), [...flags].sort());
      assert.deepEqual([...c.categories].sort(), [...categories].sort());
      assert.deepEqual([c.firstKey, c.lastKey, c.keyStep], [first, last, step]);
    });
  }
}
