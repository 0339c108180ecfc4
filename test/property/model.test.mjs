/**
 * Model-based property suite: random command sequences with random clock
 * jumps run on emberkv (`new Engine({ clock, backgroundUpkeep: false })`)
 * and on the reference model (model.mjs) with the same clock; every reply
 * must be identical (errors by message, TTLs exactly: the clock is shared).
 * Upkeep rounds (`engine.runUpkeep(1)`, active expiry) are sprinkled in and
 * must not change any reply.
 *
 *   npm run test:property
 *   EMBERKV_SEED=123 npm run test:property     # replay the "random seed" run
 *
 * One run uses a fixed seed; one uses a random seed, printed up front and
 * in the failure report (fast-check also prints seed and path, and shrinks
 * the sequence). Commands come from the shared registry
 * (test/support/commands.mjs) limited to what the model implements, with
 * TTLs on the clock's scale (seconds, not hours) so keys really expire.
 * KEYS (any order), SCAN (driven to completion, compared as a set),
 * RANDOMKEY (any existing key) and DBSIZE (after touching every key: expired
 * keys may linger until touched, as in Redis) are compared by meaning.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { Engine } from 'emberkv';
import { KEYS, commandArbitrary, makeContext, resolveArgs } from '../support/commands.mjs';
import {
  bulkBytes, commandName, emberReply, formatCommand, formatReply, isBulk, isError, replyMismatch,
} from '../support/reply.mjs';
import { MODEL_COMMANDS, Model } from './model.mjs';

const FIXED_SEED = 20240611;
const randomSeed = process.env.EMBERKV_SEED !== undefined
  ? Number(process.env.EMBERKV_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const NUM_RUNS = Number(process.env.EMBERKV_PROPERTY_RUNS ?? 250);
const START_MS = 1_700_000_000_000;

process.stderr.write(`property: random seed ${randomSeed} (replay with EMBERKV_SEED=${randomSeed}), ${NUM_RUNS} runs per seed\n`);

// ---- steps: a command, a clock jump, or an upkeep round ----------------------------

const advance = fc.oneof(
  fc.constantFrom(0, 1, 499, 500, 501, 999, 1000, 1001),
  fc.integer({ min: 0, max: 5_000 }),
  fc.integer({ min: 0, max: 40_000 }),
).map((ms) => ({ advance: ms }));

const step = fc.oneof(
  { weight: 20, arbitrary: commandArbitrary(makeContext({ scale: 'short' }), { only: MODEL_COMMANDS }).map((cmd) => ({ cmd })) },
  { weight: 5, arbitrary: advance },
  { weight: 1, arbitrary: fc.constant({ upkeep: true }) },
);
// size 'max': without it fast-check keeps arrays to ~10 elements, too short to build up state.
const sequence = fc.array(step, { minLength: 1, maxLength: 150, size: 'max' });

// ---- one run --------------------------------------------------------------------------

/** A readable replay of what ran so far, clock included. */
function report(seed, history, args, expected, actual, why) {
  return [
    `emberkv disagrees with the model (seed ${seed}; replay with EMBERKV_SEED=${seed} if this was the random run)`,
    `  command:  ${formatCommand(args)}`,
    `  model:    ${formatReply(expected)}`,
    `  emberkv:  ${formatReply(actual)}`,
    `  why:      ${why}`,
    `  history (clock starts at ${START_MS}; '+' marks commands the harness added):`,
    ...history.map((h) => `    ${h}`),
  ].join('\n');
}

function runSequence(seed, steps) {
  let now = START_MS;
  const engine = new Engine({ clock: () => now, backgroundUpkeep: false });
  const model = new Model({ now });
  const history = [];
  const compare = (args, expected, actual, mark = '', why = replyMismatch(args, expected, actual)) => {
    history.push(`${mark}${formatCommand(args)} => ${formatReply(expected)} | ${formatReply(actual)}`);
    if (why) throw new Error(report(seed, history, args, expected, actual, why));
  };
  const both = (args, mark) => {
    const expected = model.exec(args);
    compare(args, expected, emberReply(engine, args), mark);
    return expected;
  };
  try {
    for (const s of steps) {
      if (s.advance !== undefined) {
        now += s.advance;
        model.setTime(now);
        history.push(`(clock +${s.advance} ms -> ${now})`);
        continue;
      }
      if (s.upkeep) {
        engine.runUpkeep(1);
        history.push('(runUpkeep)');
        continue;
      }
      const args = resolveArgs(s.cmd, now);
      const name = commandName(args);
      if (name === 'SCAN') {
        const expected = model.exec(args); // the whole scan as one page
        const sorted = isError(expected) ? expected : ['$"0"', [...expected[1]].sort()];
        compare(args, sorted, fullScan(engine, args), '(driven to completion) ');
      } else if (name === 'RANDOMKEY') {
        const expected = model.exec(args);
        const actual = emberReply(engine, args);
        const keys = isBulk(expected) && isBulk(actual);
        compare(args, expected, actual, '', keys ? null : replyMismatch(args, expected, actual));
        if (keys && both(['EXISTS', bulkBytes(actual)], '+ ') !== ':1') {
          compare(args, expected, actual, '', 'RANDOMKEY returned a key the model does not have');
        }
      } else if (name === 'DBSIZE') {
        for (const k of KEYS) both(['EXISTS', k], '+ ');
        both(args);
      } else {
        both(args);
      }
    }
  } finally {
    engine.close();
  }
}

/** emberkv's SCAN from the given cursor to completion: an error, or ['$"0"', sorted keys]. */
function fullScan(engine, args) {
  const keys = new Set();
  let command = args;
  for (let page = 0; page < 10_000; page++) {
    const reply = emberReply(engine, command);
    if (isError(reply)) return page === 0 ? reply : `!error after ${page} pages: ${reply}`;
    if (!Array.isArray(reply) || reply.length !== 2 || !isBulk(reply[0]) || !Array.isArray(reply[1])) {
      return `!not a SCAN page: ${formatReply(reply)}`;
    }
    for (const key of reply[1]) keys.add(key);
    const cursor = bulkBytes(reply[0]);
    if (cursor.toString('latin1') === '0') return ['$"0"', [...keys].sort()];
    command = [args[0], cursor, ...args.slice(2)];
  }
  return '!SCAN did not finish in 10000 pages';
}

// ---- the tests -------------------------------------------------------------------------

const property = (seed) => fc.property(sequence, (steps) => runSequence(seed, steps));

test(`emberkv matches the model (fixed seed ${FIXED_SEED})`, { timeout: 60_000 }, () => {
  fc.assert(property(FIXED_SEED), { seed: FIXED_SEED, numRuns: NUM_RUNS });
});

test(`emberkv matches the model (random seed ${randomSeed})`, { timeout: 60_000 }, () => {
  try {
    fc.assert(property(randomSeed), { seed: randomSeed, numRuns: NUM_RUNS });
  } catch (err) {
    process.stderr.write(`property: FAILED with random seed ${randomSeed}; replay with EMBERKV_SEED=${randomSeed} npm run test:property\n`);
    throw err;
  }
});
