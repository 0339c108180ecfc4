// Bad input never hurts: random commands from the native table with random
// argument mixes (binary junk, extreme numbers, huge counts and offsets,
// pathological glob patterns) must each end in a reply or an EmberError,
// never a crash or a runaway allocation, and must not disturb data they do
// not touch. Runs under the sanitizer build too (npm run test:asan).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Engine, EmberError, commands } from 'emberkv';

// Commands that wipe every key are left out, so that the sentinel key,
// which no generated argument names, must survive everything else.
const WIPES = new Set(['flushall', 'flushdb']);

const names = commands().map((c) => c.name);

const extremeNumber = fc.constantFrom(
  '0', '-0', '1', '-1', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  '18446744073709551615', '4294967296', '536870912', '1e308', '-1e308', 'inf', '-inf', 'nan', '0x10', ' 1', '1.5',
);
const pathologicalPattern = fc
  .integer({ min: 1, max: 200 })
  .map((n) => '*?'.repeat(n) + 'x');
const binary = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));
const option = fc.constantFrom('EX', 'PX', 'EXAT', 'PXAT', 'NX', 'XX', 'GT', 'LT', 'KEEPTTL', 'GET', 'MATCH',
  'COUNT', 'TYPE', 'DB', 'REPLACE', 'PERSIST', 'ENCODING', 'FREQ', 'IDLETIME', 'INFO', 'COUNT', 'LIST');
const argument = fc.oneof(
  fc.constantFrom('k1', 'k2', 'k3'),
  extremeNumber,
  pathologicalPattern,
  binary,
  option,
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
);
const call = fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), fc.array(argument, { maxLength: 8 }));

test('random commands and arguments end in a reply or an EmberError, and leave other data intact', () => {
  const e = new Engine({ backgroundUpkeep: false });
  // SAVE and BGSAVE write <dir>/dump.emb: keep that out of the working tree.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emberkv-robustness-'));
  e.call('CONFIG', 'SET', 'dir', dir);
  e.set('sentinel', 'still here');
  fc.assert(
    fc.property(fc.array(call, { maxLength: 30 }), (calls) => {
      for (const [name, args] of calls) {
        if (WIPES.has(name.toLowerCase())) continue;
        try {
          e.call(name, ...args);
        } catch (error) {
          assert.ok(error instanceof EmberError, `${name} ${args.join(' ')} threw ${error}`);
        }
      }
      assert.equal(e.get('sentinel'), 'still here');
      assert.equal(e.call('PING'), 'PONG');
    }),
    { seed: 7, numRuns: 300 },
  );
  assert.equal(e.get('sentinel'), 'still here');
  e.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('glob patterns cannot go exponential', { timeout: 10_000 }, () => {
  const e = new Engine({ backgroundUpkeep: false });
  e.set('a'.repeat(10_000), 'v');
  const pattern = '*a'.repeat(500) + 'b';
  // Exponential backtracking would take astronomically long; matching in
  // O(pattern x text) finishes at once. The timeout is the assertion.
  assert.deepEqual(e.keys(pattern), []);
  assert.deepEqual(e.scan('0', { match: pattern, count: 1000 }).keys, []);
  e.close();
});
