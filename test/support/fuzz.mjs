/**
 * Building blocks of the bad-input fuzz suites (test/unit/fuzz-native.test.mjs,
 * test/integration/fuzz-server.test.mjs):
 *
 *  - seeds: every fuzz property runs with fixed seeds plus one random seed,
 *    printed up front and on failure (replay with EMBERKV_SEED=<n>);
 *    EMBERKV_FUZZ_SCALE multiplies the number of runs (default 1);
 *  - extreme numbers, and registry commands (commands.mjs) with some
 *    arguments replaced by them;
 *  - counts, offsets and indexes near 2^63 for the commands that take them;
 *  - pathological glob patterns;
 *  - protobuf messages: random bytes, a "field soup" (any field number and
 *    wire type, overlong varints, lying lengths, groups) and valid messages
 *    with bytes flipped, cut or inserted;
 *  - a canary: keys of every type and encoding written before fuzzing,
 *    whose full contents must be the same afterwards.
 *
 * Nothing here names a canary key ('canary:*') or wipes the keyspace
 * (FLUSHALL / FLUSHDB are never generated).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import fc from 'fast-check';
import { commandArbitrary, makeContext, registryEntries, resolveArgs } from './commands.mjs';

const require = createRequire(import.meta.url);
/** The loaded addon (EMBERKV_NATIVE picks the sanitizer build): encoders and decoders of the wire messages. */
export const { addon } = require('../../dist/native.js');

// ---- seeds -------------------------------------------------------------------------

export const FIXED_SEEDS = [20261122, 7];
export const RANDOM_SEED = process.env.EMBERKV_SEED !== undefined
  ? Number(process.env.EMBERKV_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const SCALE = Number(process.env.EMBERKV_FUZZ_SCALE ?? 1);

/** `n` runs scaled by EMBERKV_FUZZ_SCALE. */
export const runs = (n) => Math.max(1, Math.round(n * SCALE));

let announced = false;
function announce(suite) {
  if (announced) return;
  announced = true;
  process.stderr.write(`${suite}: random seed ${RANDOM_SEED} (replay with EMBERKV_SEED=${RANDOM_SEED}); runs x${SCALE}\n`);
}

/**
 * One test per seed (the fixed ones, then the random one): `body(seed)`
 * runs the property with that seed (sync or async).
 */
export function seededTests(suite, title, options, body) {
  announce(suite);
  for (const seed of [...FIXED_SEEDS, RANDOM_SEED]) {
    const random = seed === RANDOM_SEED && !FIXED_SEEDS.includes(seed);
    test(`${title} (${random ? 'random' : 'fixed'} seed ${seed})`, options, async () => {
      try {
        await body(seed);
      } catch (err) {
        if (random) {
          process.stderr.write(`${suite}: FAILED with random seed ${seed}; replay with EMBERKV_SEED=${seed}\n`);
        }
        throw err;
      }
    });
  }
}

// ---- numbers -------------------------------------------------------------------------

/**
 * Numbers at and past every limit a parser might have (int64, uint64,
 * int32, the 512 MiB string limit, the 2^24 random-pick cap, double and
 * long double ranges), and things that only look like numbers.
 *
 * Deliberately absent: valid but heavy values (SETRANGE at 512 MiB - 1
 * allocates 512 MiB; SRANDMEMBER -16777216 answers 16M elements). They
 * are accepted inputs, not bad ones.
 */
export const EXTREME_NUMBERS = [
  '9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809',
  '9223372036854775806', '-9223372036854775807', '18446744073709551615', '18446744073709551616',
  '99999999999999999999999999', '4294967296', '4294967295', '2147483648', '-2147483649',
  '536870912', '16777217', '-16777217', '0', '-0', '+0', '-0.0', '1', '-1', '2', '-2', '0x10', '1e3',
  '1e308', '-1e308', '1e400', '-1e400', '1e-400', '1e4932', '-1.18973149535723176502e+4932', '4e-4951', '1e5000',
  'inf', '-inf', '+inf', 'Infinity', 'nan', '-nan', 'NaN',
  '1.5', '-1.5', ' 1', '1 ', '+1', '', '1\x00', '(1', '[a', '(inf', '-', '+',
];
export const extremeNumber = fc.constantFrom(...EXTREME_NUMBERS);

// ---- commands ---------------------------------------------------------------------------

/** Commands a fuzz run never sends: they wipe the canary. */
export const WIPES = new Set(['FLUSHALL', 'FLUSHDB']);
/** Commands that may wait on a server (the embedded Engine never waits). */
export const BLOCKING = new Set(['BLPOP', 'BRPOP', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP']);

/**
 * Registry commands (every family, FLUSHALL/FLUSHDB left out) with a high
 * mutation rate, and mostly with up to three arguments replaced by extreme
 * numbers. With `blocking` false, no blocking command at all (a server
 * would wait for ever on a timeout of 0, which a swapped number or a
 * flipped byte can make). Each value is [name, ...args] with the `At`
 * tokens still in (resolve with resolveArgs).
 */
export function registryCommands({ blocking = true } = {}) {
  const ctx = makeContext();
  const names = new Set(registryEntries(ctx).map((e) => e.name)
    .filter((n) => !WIPES.has(n) && (blocking || !BLOCKING.has(n))));
  const base = commandArbitrary(ctx, { only: names, mutationRate: 20 });
  return fc.tuple(base, fc.array(fc.tuple(fc.nat(), extremeNumber), { maxLength: 3 }), fc.nat(3)).map(([args, subs, roll]) => {
    if (roll === 0 || args.length < 2) return args;
    const out = [...args];
    for (const [i, n] of subs) out[1 + (i % (out.length - 1))] = n;
    return out;
  });
}

export { resolveArgs };

/**
 * JS values of every kind as arguments: numbers (-0, NaN, infinities,
 * extremes), bigints in and out of the signed 64-bit range, and values no
 * command takes (booleans, null, undefined, objects, other typed arrays).
 */
export const jsValue = fc.oneof(
  fc.constantFrom(-0, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, 0.1),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, -0n),
  fc.constantFrom(true, false, null, undefined, {}, [], ['a'], new Uint16Array([1]), new ArrayBuffer(2), Symbol.for('x')),
);

/** `commands` with, now and then, up to two arguments replaced by JS values of any kind. */
export function withJsValues(commands) {
  return fc.tuple(commands, fc.array(fc.tuple(fc.nat(), jsValue), { maxLength: 2 }), fc.nat(2)).map(([args, subs, roll]) => {
    if (roll === 0 || args.length < 2) return args;
    const out = [...args];
    for (const [i, v] of subs) out[1 + (i % (out.length - 1))] = v;
    return out;
  });
}

/** Would the binding refuse this command's arguments (a TypeError before anything runs)? */
export function refusedArguments(args) {
  try {
    addon.encodeCommand(args);
    return false;
  } catch {
    return true;
  }
}

/** Keys the targeted commands work on (never a canary key). */
export const FUZZ_KEYS = {
  str: 'fz:str', int: 'fz:int', float: 'fz:float', list: 'fz:list', hash: 'fz:hash', set: 'fz:set',
  intset: 'fz:intset', zset: 'fz:zset', zset2: 'fz:zset2', tmp: 'fz:tmp', dst: 'fz:dst', empty: 'fz:empty',
};

/** (Re)writes the fuzz keys: something to pop, trim and index. */
export function fuzzSetupCommands() {
  const k = FUZZ_KEYS;
  return [
    ['DEL', ...Object.values(k)],
    ['SET', k.str, 'hello world'],
    ['SET', k.int, '42'],
    ['SET', k.float, '1.5'],
    ['RPUSH', k.list, 'a', 'b', 'c', 'x', 'x', 'd'],
    ['HSET', k.hash, 'f1', '1', 'f2', '2.5', 'f3', 'v'],
    ['SADD', k.set, 'a', 'b', 'c', 'd'],
    ['SADD', k.intset, '1', '2', '3'],
    ['ZADD', k.zset, '1', 'a', '2', 'b', '3', 'c', 'inf', 'd'],
    ['ZADD', k.zset2, '-1', 'a', '0', 'z'],
    ['SET', k.tmp, 'v'],
  ];
}

const n = extremeNumber;
const maybe = (...words) => fc.constantFrom([], ...words.map((w) => [w]));
/**
 * Commands taking counts, offsets, indexes, scores, times and numkeys,
 * each filled with extreme numbers. With `blocking` false, no blocking
 * command (their timeouts would make a server wait).
 */
export function targetedCommands({ blocking = true } = {}) {
  const k = FUZZ_KEYS;
  const c = (...parts) => fc.tuple(...parts.map((p) => (typeof p === 'string' ? fc.constant([p]) : p)))
    .map((ps) => ps.flat());
  const one = (arb) => arb.map((x) => [x]);
  const N = one(n);
  const arbs = [
    c('SRANDMEMBER', one(fc.constantFrom(k.set, k.intset, k.empty)), N),
    c('SPOP', one(fc.constantFrom(k.set, k.intset, k.empty)), N),
    c('ZRANDMEMBER', k.zset, N, maybe('WITHSCORES')),
    c('HRANDFIELD', k.hash, N, maybe('WITHVALUES')),
    c(fc.constantFrom(['LPOP'], ['RPOP']), k.list, N),
    c(fc.constantFrom(['ZPOPMIN'], ['ZPOPMAX']), k.zset, N),
    c('LMPOP', N, k.list, fc.constantFrom(['LEFT'], ['RIGHT']), maybe('COUNT'), N),
    c('ZMPOP', N, k.zset, fc.constantFrom(['MIN'], ['MAX']), 'COUNT', N),
    c('SETRANGE', one(fc.constantFrom(k.str, k.tmp, k.empty)), N, one(fc.constantFrom('x', ''))),
    c(fc.constantFrom(['GETRANGE'], ['SUBSTR']), k.str, N, N),
    c(fc.constantFrom(['LRANGE'], ['LTRIM']), k.list, N, N),
    c('LINDEX', k.list, N),
    c('LSET', k.list, N, 'v'),
    c('LPOS', k.list, 'x', 'RANK', N, 'COUNT', N, 'MAXLEN', N),
    c('LINSERT', k.list, fc.constantFrom(['BEFORE'], ['AFTER']), 'x', N),
    c('ZRANGE', k.zset, N, N, fc.constantFrom([], ['REV'], ['BYSCORE'], ['BYLEX']), maybe('WITHSCORES')),
    c('ZRANGE', k.zset, N, N, fc.constantFrom(['BYSCORE'], ['BYLEX'], ['BYSCORE', 'REV']), 'LIMIT', N, N),
    c(fc.constantFrom(['ZRANGEBYSCORE'], ['ZREVRANGEBYSCORE'], ['ZRANGEBYLEX'], ['ZCOUNT'], ['ZLEXCOUNT']), k.zset, N, N),
    c(fc.constantFrom(['ZRANGEBYSCORE'], ['ZRANGEBYLEX']), k.zset, N, N, 'LIMIT', N, N),
    c(fc.constantFrom(['ZREMRANGEBYRANK'], ['ZREMRANGEBYSCORE'], ['ZREMRANGEBYLEX']), k.zset, N, N),
    c('ZRANGESTORE', k.dst, k.zset, N, N),
    c('ZADD', k.zset, maybe('INCR', 'GT', 'LT', 'NX', 'XX', 'CH'), N, 'm'),
    c('ZINCRBY', k.zset, N, 'a'),
    c(fc.constantFrom(['ZUNIONSTORE'], ['ZINTERSTORE']), k.dst, '2', k.zset, k.zset2, 'WEIGHTS', N, N,
      maybe('AGGREGATE')),
    c(fc.constantFrom(['ZUNION'], ['ZINTER'], ['ZDIFF'], ['ZINTERCARD'], ['SINTERCARD']), N, k.zset, k.zset2),
    c(fc.constantFrom(['SINTERCARD'], ['ZINTERCARD']), '1', one(fc.constantFrom(k.set, k.zset)), 'LIMIT', N),
    c(fc.constantFrom(['INCRBY'], ['DECRBY']), one(fc.constantFrom(k.int, k.tmp, k.str)), N),
    c('INCRBYFLOAT', one(fc.constantFrom(k.float, k.int, k.tmp)), N),
    c('HINCRBY', k.hash, one(fc.constantFrom('f1', 'f2', 'new')), N),
    c('HINCRBYFLOAT', k.hash, one(fc.constantFrom('f1', 'f2', 'new')), N),
    c(fc.constantFrom(['EXPIRE'], ['PEXPIRE'], ['EXPIREAT'], ['PEXPIREAT']), one(fc.constantFrom(k.tmp, k.str)), N,
      maybe('NX', 'XX', 'GT', 'LT')),
    c('SET', k.tmp, 'v', fc.constantFrom(['EX'], ['PX'], ['EXAT'], ['PXAT']), N),
    c('GETEX', k.tmp, fc.constantFrom(['EX'], ['PX'], ['EXAT'], ['PXAT']), N),
    c(fc.constantFrom(['SETEX'], ['PSETEX']), k.tmp, N, 'v'),
    c('SCAN', N, maybe('COUNT'), N),
    c(fc.constantFrom(['SSCAN'], ['HSCAN'], ['ZSCAN']), one(fc.constantFrom(k.set, k.hash, k.zset)), N, 'COUNT', N),
    c('MEMORY', 'USAGE', one(fc.constantFrom(k.list, k.set, k.zset)), 'SAMPLES', N),
    c('CONFIG', 'SET', one(fc.constantFrom('lfu-log-factor', 'lfu-decay-time', 'maxmemory-samples', 'hash-max-listpack-entries',
      'set-max-intset-entries', 'list-max-listpack-size', 'zset-max-listpack-value')), N),
    c('COPY', k.str, k.dst, 'DB', N),
  ];
  if (blocking) {
    arbs.push(
      c(fc.constantFrom(['BLPOP'], ['BRPOP'], ['BZPOPMIN'], ['BZPOPMAX']), k.empty, N),
      c('BLMPOP', N, N, k.empty, 'LEFT', 'COUNT', N),
      c('BZMPOP', N, N, k.zset, 'MIN', 'COUNT', N),
      c('BLMOVE', k.empty, k.dst, 'LEFT', 'RIGHT', N),
    );
  }
  return fc.oneof(...arbs);
}

// ---- glob patterns ------------------------------------------------------------------------

/** Long texts for the patterns to fail on slowly, if matching were exponential. */
export const LONG_TEXTS = ['a'.repeat(300), `${'a'.repeat(299)}b`, 'ab'.repeat(150), `${'[['.repeat(100)}\\`];

const globToken = fc.constantFrom('*', '?', '*?', 'a', 'b', '[a-z]', '[^a]', '[', '[[', ']', '\\', '\\*', '\\[', '**',
  '-', '^', '[a-', '[\\]', '[^', '[]]');
/** Patterns of hundreds of tokens (stars, sets, escapes), most likely failing at the very end. */
export const longPattern = fc
  .tuple(
    fc.array(fc.tuple(fc.boolean(), globToken), { minLength: 100, maxLength: 300 }),
    fc.constantFrom('x', 'b', '', '\\', '[', 'a'),
  )
  // Often a star before a token: nothing fails early, everything backtracks.
  .map(([tokens, last]) => tokens.map(([star, t]) => (star ? `*${t}` : t)).join('') + last);

/**
 * Hand-picked patterns: exponential for a backtracking matcher, or odd to
 * parse. k stars each followed by one byte that must match, then a byte
 * that never does, against a 300-byte text: a backtracking matcher tries
 * every way to place the k bytes, C(300, k) ~ 1e89 for k = 150.
 */
export const FIXED_PATTERNS = [
  `${'*a'.repeat(150)}b`, `${'*?'.repeat(150)}x`, `${'*[a-z]'.repeat(150)}!`, `${'*a*?'.repeat(75)}b`,
  `${'*?'.repeat(300)}a`, `${'*?'.repeat(300)}x`, `${'*a'.repeat(300)}b`, `${'?*'.repeat(300)}`,
  `${'*'.repeat(2000)}x`, `${'*a'.repeat(1001)}b`, `${'*[a-z]'.repeat(300)}!`, `${'*\\a'.repeat(300)}\\b`,
  '[[[[', '[[[['.repeat(100), '\\', '\\'.repeat(301), '[', '[^', '[a-', '[\\', '[]', '[^]', ']', '*[', '*\\',
  '?'.repeat(5000), `${'[^b]*'.repeat(300)}b`, '', '*', Buffer.from([0x2a, 0x00, 0xff, 0x5b, 0x80, 0x2d, 0x7f, 0x5d]),
];

// ---- protobuf messages -----------------------------------------------------------------

/** A protobuf varint (any value, as a BigInt modulo 2^64). */
export function varint(value) {
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const tag = (field, wire) => varint((BigInt(field) << 3n) | BigInt(wire));
const lengthDelimited = (field, bytes) => Buffer.concat([tag(field, 2), varint(bytes.length), bytes]);

const bytesArb = (max) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));
const fieldNumber = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(1, 2) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(536870911, 536870912, 2 ** 32, 2 ** 61) },
);
/** Varint values: small, at the edges, and overlong encodings (11 bytes). */
const varintBytes = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(varint),
  fc.constantFrom(0n, 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n).map(varint),
  fc.constant(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])),
  fc.constant(Buffer.from([0x80, 0x80, 0x80])),
);
/** Names the decoded commands may carry: real ones (so they run), junk, never a wipe. */
const commandName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('PING', 'GET', 'SET', 'ECHO', 'DEL', 'INCR', 'LPUSH', 'SADD', 'ZADD', 'KEYS',
    'SCAN', 'SRANDMEMBER', 'LRANGE', 'SETRANGE', 'HRANDFIELD', 'ZRANGE', 'CONFIG', 'OBJECT', 'ping', 'set').map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: bytesArb(12) },
);
const argBytes = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'k', 'fz:list', 'fz:set', '*', '*?*?*?*?x').map((s) => Buffer.from(s)) },
  { weight: 3, arbitrary: extremeNumber.map((s) => Buffer.from(s)) },
  { weight: 2, arbitrary: bytesArb(24) },
);

/** A Command message made of arbitrary fields (any number, any wire type, lying lengths). */
const commandSoup = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: commandName.map((b) => lengthDelimited(1, b)) },
    { weight: 6, arbitrary: argBytes.map((b) => lengthDelimited(2, b)) },
    { weight: 3, arbitrary: fc.tuple(fieldNumber, fc.integer({ min: 0, max: 7 }), varintBytes, bytesArb(12))
      .map(([f, w, v, b]) => Buffer.concat([tag(f, w), w === 2 ? Buffer.concat([varint(b.length), b]) : w === 0 ? v : b])) },
    { weight: 1, arbitrary: fc.tuple(fieldNumber, varintBytes, bytesArb(8)).map(([f, len, b]) => Buffer.concat([tag(f, 2), len, b])) },
  ),
  { maxLength: 8 },
).map((parts) => Buffer.concat(parts));

/** A CommandBatch / Transaction message of soup commands, ids and junk fields. */
const batchSoup = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: commandSoup.map((c) => lengthDelimited(1, c)) },
    { weight: 2, arbitrary: varintBytes.map((v) => Buffer.concat([tag(2, 0), v])) },
    { weight: 2, arbitrary: fc.tuple(fieldNumber, fc.integer({ min: 0, max: 7 }), bytesArb(10))
      .map(([f, w, b]) => Buffer.concat([tag(f, w), b])) },
    { weight: 1, arbitrary: fc.tuple(varintBytes, bytesArb(8)).map(([len, b]) => Buffer.concat([tag(1, 2), len, b])) },
  ),
  { maxLength: 6 },
).map((parts) => Buffer.concat(parts));

/** Flips, cuts, inserts or duplicates bytes of a message. */
function mutateBytes(message) {
  return fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })
    .map((edits) => {
      let m = Buffer.from(message);
      for (const [kind, at, byte] of edits) {
        const i = m.length ? at % m.length : 0;
        if (kind === 0 && m.length) m[i] = byte;
        else if (kind === 1) m = m.subarray(0, i);
        else if (kind === 2) m = Buffer.concat([m.subarray(0, i), Buffer.from([byte]), m.subarray(i)]);
        else if (kind === 3 && m.length) m[i] ^= 1 << (byte % 8);
        else m = Buffer.concat([m, m.subarray(i)]);
      }
      return m;
    });
}

/** Valid encodings of registry commands, before any mutation. */
function validCommand(commands) {
  return commands.map((args) => addon.encodeCommand(resolveArgs(args, Date.now())));
}
function validBatch(commands) {
  return fc.tuple(fc.array(commands, { maxLength: 5 }), fc.nat()).map(([cmds, id]) =>
    addon.encodeCommandBatch(cmds.map((a) => resolveArgs(a, Date.now())), id));
}

/**
 * Bytes to send as a message: `kind` 'command' (a Command) or 'batch' (a
 * CommandBatch or Transaction). A mix of plain random bytes, field soups,
 * and valid messages of registry commands, some with bytes mutated.
 */
export function wireMessage(kind, commands = registryCommands()) {
  const valid = kind === 'command' ? validCommand(commands) : validBatch(commands);
  return fc.oneof(
    { weight: 3, arbitrary: bytesArb(200) },
    { weight: 4, arbitrary: kind === 'command' ? commandSoup : batchSoup },
    { weight: 2, arbitrary: valid },
    { weight: 4, arbitrary: valid.chain(mutateBytes) },
  );
}

/** Fixed messages at the extremes: deep nesting, huge counts of tiny commands, huge lengths. */
export function fixedWireMessages() {
  let nested = Buffer.from('PING');
  for (let i = 0; i < 2000; i++) nested = lengthDelimited(1, nested);
  return [
    Buffer.alloc(0),
    nested,
    Buffer.alloc(100_000, 0x0a).fill(Buffer.from([0x0a, 0x00])), // 50k empty Commands in a batch
    Buffer.concat(Array.from({ length: 20_000 }, () => lengthDelimited(2, Buffer.alloc(0)))), // 20k empty args
    Buffer.concat([tag(1, 2), varint(2n ** 64n - 1n), Buffer.from('x')]),
    Buffer.concat([tag(1, 2), varint(2n ** 63n), Buffer.from('x')]),
    Buffer.concat([tag(1, 2), varint(2n ** 32n + 1n), Buffer.from('x')]),
    Buffer.concat([tag(1, 2), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])]),
    Buffer.concat([tag(2, 0), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])]),
    Buffer.concat([tag(536870911, 0), varint(1)]),
    Buffer.concat([tag(0, 0), varint(1)]),
    Buffer.from([0x0b, 0x0c]), Buffer.from([0x0e]), Buffer.from([0x0f]), Buffer.from([0x80]),
    lengthDelimited(1, Buffer.alloc(1 << 20, 0x61)), // a 1 MiB name
    lengthDelimited(1, lengthDelimited(1, Buffer.from('ECHO'))),
  ];
}

/**
 * The error of a well-formed message whose db field (3) is past the 16
 * databases: refused as a whole, like a malformed one, with SELECT's text.
 */
export const DB_OUT_OF_RANGE = 'ERR DB index is out of range';

/**
 * What a native wire call may do with any bytes: return a reply that
 * decodes (or a command error's text, or null for an aborted
 * transaction), or throw an Error saying the message is malformed or
 * names a database out of range. Returns a short tag of the outcome.
 */
export function checkWireOutcome(kind, call, message) {
  let out;
  try {
    out = call(message);
  } catch (err) {
    assert.ok(err instanceof Error, `threw a non-Error: ${err}`);
    if (err.message === DB_OUT_OF_RANGE) return 'db out of range';
    assert.match(err.message, /^malformed (Command|CommandBatch|Transaction): .+ at byte \d+$/,
      `unclear error for ${message.toString('hex').slice(0, 200)}`);
    return 'malformed';
  }
  if (typeof out === 'string') {
    assert.ok(kind !== 'batch', 'a batch answers replies, never a string');
    if (kind === 'transaction') assert.match(out, /^EXECABORT /);
    else assert.match(out, /^[A-Z]+ ./, 'a command error starts with its code');
    return 'error';
  }
  if (out === null) {
    assert.equal(kind, 'transaction', 'only a transaction answers null (watch token broken or unknown)');
    return 'aborted';
  }
  assert.ok(Buffer.isBuffer(out), `unexpected ${typeof out}`);
  if (kind === 'command') addon.decodeReply(out, true);
  else assert.ok(Array.isArray(addon.decodeReplyBatch(out, true)));
  return 'reply';
}

// ---- the canary ---------------------------------------------------------------------------

const range = (count, f) => Array.from({ length: count }, (_, i) => f(i));
/** Keys of every type, small and large encodings, binary, with and without a TTL. */
export const CANARY_COMMANDS = [
  ['SET', 'canary:str', 'canary value'],
  ['SET', 'canary:int', '-9223372036854775808'],
  ['SET', 'canary:bin', Buffer.from([0, 255, 1, 254, 0])],
  ['SET', 'canary:long', 'L'.repeat(5000)],
  ['SET', 'canary:ttl', 'expires much later', 'EX', '100000000'],
  ['RPUSH', 'canary:list', 'a', 'b', '', 'c'],
  ['RPUSH', 'canary:biglist', ...range(300, (i) => `item${i}`)],
  ['HSET', 'canary:hash', 'f', 'v', 'n', '1'],
  ['HSET', 'canary:bighash', ...range(200, (i) => [`f${i}`, `v${i}`]).flat()],
  ['SADD', 'canary:intset', '1', '2', '-3'],
  ['SADD', 'canary:set', 'x', 'y', 'z'],
  ['SADD', 'canary:bigset', ...range(300, (i) => `m${i}`)],
  ['ZADD', 'canary:zset', '1', 'a', '-inf', 'b', '2.5', 'c'],
  ['ZADD', 'canary:bigzset', ...range(200, (i) => [String(i / 3), `z${i}`]).flat()],
];

/** What to read of each canary key to compare it: every byte of its value. */
function readCommands(key, type) {
  switch (type) {
    case 'string': return [['GET', key]];
    case 'list': return [['LRANGE', key, '0', '-1']];
    case 'hash': return [['HGETALL', key]];
    case 'set': return [['SMEMBERS', key]];
    case 'zset': return [['ZRANGE', key, '0', '-1', 'WITHSCORES']];
    default: return [];
  }
}

/** Sorts what a hash table returns in any order (sets; hashes by pair). */
function canonical(type, reply) {
  if (!Array.isArray(reply)) return reply;
  const hex = (x) => (Buffer.isBuffer(x) ? x.toString('hex') : String(x));
  if (type === 'set') return reply.map(hex).sort();
  if (type === 'hash') {
    const pairs = [];
    for (let i = 0; i < reply.length; i += 2) pairs.push(`${hex(reply[i])}=${hex(reply[i + 1])}`);
    return pairs.sort();
  }
  return reply.map(hex);
}

/**
 * The canary's full contents through `run(args)` (sync or async, bulk
 * replies as Buffers): { key: { type, value, hasTtl } }.
 */
export async function canarySnapshot(run) {
  const out = {};
  for (const [, key] of CANARY_COMMANDS) {
    const type = String(await run(['TYPE', key]));
    const [read] = readCommands(key, type);
    const value = read ? canonical(type, await run(read)) : null;
    const ttl = Number(await run(['TTL', key]));
    out[key] = { type, value, hasTtl: ttl > 0 };
  }
  return out;
}

/** Writes the canary through `run` and returns its snapshot. */
export async function writeCanary(run) {
  for (const cmd of CANARY_COMMANDS) await run(['DEL', cmd[1]]);
  for (const cmd of CANARY_COMMANDS) await run(cmd);
  return canarySnapshot(run);
}
