/**
 * Command generators for the differential and property suites: one
 * fast-check arbitrary per command, grouped by family in a registry.
 *
 *   const ctx = makeContext();                // building blocks (keys, values, times)
 *   const arb = commandArbitrary(ctx);        // any command of any family
 *   fc.sample(arb, { seed, numRuns: 600 })    // -> [['SET', 'a', '1', 'EX', '360'], ...]
 *
 * A generated command is an array: the command name, then arguments
 * (strings or Buffers). Absolute times are `At` tokens, turned into numbers
 * by `resolveArgs(args, nowMs)` just before the command runs, so a sequence
 * stays reproducible from its seed while its times stay relative to "now".
 *
 * The key space is deliberately tiny (8 keys, some binary or UTF-8) so
 * commands collide, and values lean on edge cases: non-canonical integers
 * ("-0", "007", " 1"), int64 limits, floats ("inf", "1e400", "nan"), empty
 * strings, lengths around the 44-byte embstr limit. Options come valid and
 * invalid (wrong names, conflicts, wrong case), and any command may be
 * mutated (an argument dropped or added, the name re-cased) to hit arity
 * and syntax errors.
 *
 * To cover a new family (lists, hashes, ...), add one entry to `families`
 * below: `lists: (ctx) => ({ LPUSH: entry(6, fc.tuple(...)), ... })`.
 */
import fc from 'fast-check';
import { configGenerators } from './generators/config.mjs';
import { hashGenerators } from './generators/hashes.mjs';
import { listGenerators } from './generators/lists.mjs';
import { setGenerators } from './generators/sets.mjs';
import { zsetGenerators } from './generators/zsets.mjs';

// ---- absolute times ----------------------------------------------------------

/** An absolute unix time, `delta` (seconds or ms) away from "now". */
export class At {
  constructor(unit, delta) {
    this.unit = unit; // 's' | 'ms'
    this.delta = delta;
  }
  resolve(nowMs) {
    return this.unit === 's' ? String(Math.floor(nowMs / 1000) + this.delta) : String(nowMs + this.delta);
  }
  /** How fast-check prints it in a counterexample. */
  [fc.toStringMethod]() {
    return `At(${this.unit === 's' ? 'now_s' : 'now_ms'} ${this.delta < 0 ? '-' : '+'} ${Math.abs(this.delta)})`;
  }
}

/** Replaces `At` tokens by concrete unix times relative to `nowMs`. */
export function resolveArgs(args, nowMs) {
  return args.map((a) => (a instanceof At ? a.resolve(nowMs) : a));
}

// ---- building blocks -------------------------------------------------------------

const bytes = (...b) => Buffer.from(b);

/** The key space: small, with a binary key (NUL, invalid UTF-8), a UTF-8 key and the empty key. */
export const KEYS = ['a', 'b', 'c', 'key:1', 'key:2', bytes(0x6b, 0x00, 0xff), 'ключ', ''];

const INT64_EDGES = [
  '9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807',
  '4611686018427387904', '9007199254740993',
];
const NOT_INT64 = ['9223372036854775808', '-9223372036854775809', '18446744073709551616'];
const NON_CANONICAL_INTS = ['-0', '007', ' 1', '1 ', '+1', '1.0', '0x10', '1e3', '', 'abc', '1\x00'];
/** Floats as strtold reads them (long double: 1e400 is finite, 1e5000 is not). */
const FLOATISH = [
  '1.5', '-0.25', '3.0', '.5', '5.', '0.1', '-1.125', '1e3', '2.5e-3', 'inf', '-inf', '+inf', 'Infinity',
  'nan', '-nan', '1e400', '-1e400', '1e-400', '1.7976931348623157e308', '0x10', '0x1p3', '1e5000', '1e-5000',
];

/** Lengths around the 44-byte embstr limit, and a 20-digit non-int64. */
const LONGISH = [20, 39, 43, 44, 45, 50].map((n) => 'x'.repeat(n)).concat(['12345678901234567890', '9'.repeat(44)]);

/** A word in a random letter case: 'EX', 'ex' or 'Ex'. */
export function word(w) {
  const mixed = [...w].map((ch, i) => (i % 2 ? ch.toLowerCase() : ch.toUpperCase())).join('');
  return fc.constantFrom(w.toUpperCase(), w.toLowerCase(), mixed);
}

/** Weighted choice between arbitraries: pick([3, a], [1, b]). */
export function pick(...pairs) {
  return fc.oneof(...pairs.map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

/** An integer in [min, max] as a decimal string. */
export const intString = (min, max) => fc.integer({ min, max }).map(String);
/**
 * Uniform in [min, max]: real-clock TTLs must not cluster (fast-check favours
 * small values), or two TTLs could tie and GT/LT would depend on the ms skew.
 */
export const uniform = (min, max) => fc.noBias(fc.integer({ min, max }));

/**
 * The building blocks every generator draws from. `scale: 'long'` (the
 * differential suite, real clocks) keeps relative TTLs large so nothing
 * expires by accident and two TTLs never tie; `scale: 'short'` (the model
 * suite, injected clock) keeps them within reach of the clock's jumps.
 */
export function makeContext({ scale = 'long' } = {}) {
  const long = scale === 'long';
  const key = fc.constantFrom(...KEYS);

  const value = pick(
    [4, fc.constantFrom('', 'v', 'hello', 'héllo€', bytes(0x61, 0x00, 0x62), bytes(0xff, 0xfe))],
    [4, intString(-20, 120)],
    [2, fc.constantFrom(...INT64_EDGES, ...NOT_INT64)],
    [2, fc.constantFrom(...NON_CANONICAL_INTS)],
    [2, fc.constantFrom(...FLOATISH)],
    [2, fc.constantFrom(...LONGISH)],
    [2, fc.string({ maxLength: 8 })],
    [1, fc.string({ unit: 'grapheme', maxLength: 3 })],
    [1, fc.uint8Array({ maxLength: 8 }).map((u) => Buffer.from(u))],
  );

  /** Integer-ish arguments (INCRBY increments): mostly small, some edges. */
  const integer = pick(
    [6, intString(-100, 100)],
    [2, fc.constantFrom(...INT64_EDGES)],
    [1, fc.constantFrom(...NOT_INT64, ...NON_CANONICAL_INTS)],
  );

  /** INCRBYFLOAT increments. */
  const float = pick(
    [3, fc.constantFrom('1', '-1', '0', '10', '0.5', '-0.75', '2.25', '-0', '100')],
    [3, fc.constantFrom(...FLOATISH)],
    [1, fc.constantFrom('9223372036854775807', 'abc', '', ' 1', '1 ')],
  );

  /** Time edges: zero, negative, overflow once converted to ms, not integers. */
  const timeEdge = fc.constantFrom(
    '0', '-1', '-100', '9223372036854775807', '-9223372036854775808', '9223372036854775',
    '9223372036854776', '-9223372036854776', '1.5', 'abc', '', ' 5', '007',
  );
  const seconds = pick([12, long ? uniform(100, 10_000_000).map(String) : intString(1, 30)], [1, timeEdge]);
  const millis = pick([12, long ? uniform(100_000, 10_000_000_000).map(String) : intString(1, 30_000)], [1, timeEdge]);
  /** Unix times: mostly in the future, some in the past (which must delete). */
  const unixSeconds = pick(
    [8, (long ? uniform(100, 10_000_000) : fc.integer({ min: 0, max: 30 })).map((d) => new At('s', d))],
    [3, (long ? uniform(-10_000_000, -10) : fc.integer({ min: -30, max: -1 })).map((d) => new At('s', d))],
    [1, fc.constantFrom('0', '1', '-1', '9223372036854775', '9223372036854776', 'abc')],
  );
  const unixMillis = pick(
    [8, (long ? uniform(100_000, 10_000_000_000) : fc.integer({ min: 0, max: 30_000 })).map((d) => new At('ms', d))],
    [3, (long ? uniform(-10_000_000_000, -10_000) : fc.integer({ min: -30_000, max: -1 })).map((d) => new At('ms', d))],
    [1, fc.constantFrom('0', '1', '-1', '9223372036854775807', 'abc')],
  );

  /** String indexes for GETRANGE. */
  const index = pick(
    [8, intString(-60, 60)],
    [1, fc.constantFrom('9223372036854775807', '-9223372036854775808', 'x', '', '1.5')],
  );
  /** SETRANGE offsets: small, or huge ones that must fail (never 512MB-1). */
  const offset = pick(
    [10, intString(0, 60)],
    [1, fc.constantFrom('-1', '536870912', '600000000', '4294967296', '9223372036854775807', 'x', '')],
  );

  /** Glob patterns for KEYS and SCAN MATCH ("**" differs from "*": only "*" matches the empty key). */
  const pattern = fc.constantFrom(
    '*', '*', '**', 'a', 'a*', '*:*', 'key:?', 'key:[12]', 'key:[^1]', '[a-c]', '[c-a]', '[!a]', 'k*',
    '\\*', '*\\', '[', 'a[', '[]', '?', '??', '', 'ключ', 'к*', bytes(0x6b, 0x00, 0x2a), bytes(0x2a, 0xff, 0x2a),
    '**a**', bytes(0x6b, 0x3f, 0x5b, 0x00, 0x2d, 0xff, 0x5d), // k?[\x00-\xff]: a range over signed chars
  );

  /**
   * Timeouts of the blocking commands (BLPOP, BZPOPMIN, ...). redis-server
   * really blocks on empty keys (emberkv's Engine answers null at once), so
   * a valid timeout is tiny and never one that means "for ever" there: not
   * 0, "-0", nor anything in (-0.001, 0] (rounded up to 0 ms).
   */
  const blockTimeout = pick(
    [8, fc.constantFrom('0.01', '0.001', '1e-3', '.01')],
    [2, fc.constantFrom('-1', '-0.5', 'abc', '', ' 1', 'nan', 'inf', '-inf', '1e17', '1e5000')],
  );

  return { key, value, integer, float, seconds, millis, unixSeconds, unixMillis, index, offset, pattern, blockTimeout };
}

// ---- the registry ------------------------------------------------------------

/**
 * A registry entry: how often a command is drawn, how it is generated, and
 * whether the generic mutations may touch it (not where the result would
 * be non-deterministic, e.g. a bare COMMAND listing every command).
 */
export const entry = (weight, arbitrary, { mutate = true } = {}) => ({ weight, arbitrary, mutate });

export const cmd = (name, ...args) => fc.tuple(fc.constant(name), ...args);
/** [name, ...list of args] with the list drawn from `listArb`. */
export const cmdList = (name, listArb) => listArb.map((list) => [name, ...list]);
export const optionGroups = (maxLength, ...groups) =>
  fc.array(pick(...groups), { maxLength }).map((gs) => gs.flat());

export const families = {
  strings: (ctx) => {
    const setOptions = optionGroups(
      3,
      [3, fc.tuple(word('ex'), ctx.seconds)],
      [3, fc.tuple(word('px'), ctx.millis)],
      [2, fc.tuple(word('exat'), ctx.unixSeconds)],
      [2, fc.tuple(word('pxat'), ctx.unixMillis)],
      [3, fc.tuple(word('nx'))],
      [3, fc.tuple(word('xx'))],
      [2, fc.tuple(word('keepttl'))],
      [3, fc.tuple(word('get'))],
      [1, fc.constantFrom(['PERSIST'], ['EXX'], ['EX'], ['nx\x00'], ['KEEP_TTL'])],
    );
    const getexOption = pick(
      [3, fc.tuple(word('ex'), ctx.seconds)],
      [3, fc.tuple(word('px'), ctx.millis)],
      [2, fc.tuple(word('exat'), ctx.unixSeconds)],
      [2, fc.tuple(word('pxat'), ctx.unixMillis)],
      [3, fc.tuple(word('persist'))],
      [1, fc.constantFrom(['KEEPTTL'], ['NX'], ['GET'], ['PX'], ['FOO'])],
    );
    // GETEX takes at most one option: mostly none or one, sometimes two (which must fail).
    const getexOptions = pick(
      [2, fc.constant([])],
      [6, getexOption],
      [1, fc.tuple(getexOption, getexOption).map(([x, y]) => [...x, ...y])],
    );
    const pairs = fc.array(fc.tuple(ctx.key, ctx.value), { minLength: 1, maxLength: 3 }).map((ps) => ps.flat());
    return {
      SET: entry(14, fc.tuple(ctx.key, ctx.value, pick([5, fc.constant([])], [5, setOptions]))
        .map(([k, v, opts]) => ['SET', k, v, ...opts])),
      GET: entry(6, cmd('GET', ctx.key)),
      GETDEL: entry(2, cmd('GETDEL', ctx.key)),
      GETEX: entry(3, fc.tuple(ctx.key, getexOptions).map(([k, opts]) => ['GETEX', k, ...opts.flat()])),
      GETSET: entry(2, cmd('GETSET', ctx.key, ctx.value)),
      MGET: entry(3, cmdList('MGET', fc.array(ctx.key, { minLength: 1, maxLength: 4 }))),
      MSET: entry(3, cmdList('MSET', pairs)),
      MSETNX: entry(2, cmdList('MSETNX', pairs)),
      SETNX: entry(2, cmd('SETNX', ctx.key, ctx.value)),
      SETEX: entry(2, cmd('SETEX', ctx.key, ctx.seconds, ctx.value)),
      PSETEX: entry(2, cmd('PSETEX', ctx.key, ctx.millis, ctx.value)),
      APPEND: entry(3, cmd('APPEND', ctx.key, ctx.value)),
      STRLEN: entry(2, cmd('STRLEN', ctx.key)),
      GETRANGE: entry(3, cmd('GETRANGE', ctx.key, ctx.index, ctx.index)),
      SUBSTR: entry(1, cmd('SUBSTR', ctx.key, ctx.index, ctx.index)),
      SETRANGE: entry(3, cmd('SETRANGE', ctx.key, ctx.offset, ctx.value)),
      INCR: entry(4, cmd('INCR', ctx.key)),
      DECR: entry(2, cmd('DECR', ctx.key)),
      INCRBY: entry(3, cmd('INCRBY', ctx.key, ctx.integer)),
      DECRBY: entry(2, cmd('DECRBY', ctx.key, ctx.integer)),
      INCRBYFLOAT: entry(4, cmd('INCRBYFLOAT', ctx.key, ctx.float)),
    };
  },

  keys: (ctx) => {
    const expireConditions = pick(
      [6, fc.constant([])],
      [5, fc.tuple(fc.oneof(word('nx'), word('xx'), word('gt'), word('lt')))],
      [1, fc.array(fc.constantFrom('NX', 'XX', 'GT', 'LT', 'gt', 'FOO', 'nx\x00'), { minLength: 1, maxLength: 3 })],
    );
    const expire = (name, when) =>
      entry(3, fc.tuple(ctx.key, when, expireConditions).map(([k, w, c]) => [name, k, w, ...c]));
    const copyOptions = optionGroups(
      2,
      [3, fc.tuple(word('replace'))],
      [3, fc.tuple(word('db'), fc.constant('0'))],
      [1, fc.tuple(fc.constant('DB'), fc.constantFrom('-1', '16', 'abc', '99999999999'))],
      [1, fc.constantFrom(['DB'], ['FOO'])],
    );
    const scanOptions = optionGroups(
      3,
      [3, fc.tuple(word('match'), ctx.pattern)],
      [2, fc.tuple(word('count'), fc.constantFrom('1', '2', '10', '1000'))],
      // Not TYPE none: Redis lists keys past their expiry under it until they are reclaimed, at random.
      [2, fc.tuple(word('type'), fc.constantFrom('string', 'STRING', 'list', 'hash', 'foo'))],
      [1, fc.constantFrom(['COUNT', '0'], ['COUNT', '-1'], ['COUNT', 'x'], ['MATCH'], ['FOO', 'bar'])],
    );
    // Only cursors whose meaning is the same everywhere: 0 (start), or invalid.
    const cursor = pick([12, fc.constant('0')], [1, fc.constantFrom('abc', '', '1.5', '18446744073709551616')]);
    const someKeys = (max) => fc.array(ctx.key, { minLength: 1, maxLength: max });
    return {
      DEL: entry(4, cmdList('DEL', someKeys(3))),
      UNLINK: entry(2, cmdList('UNLINK', someKeys(3))),
      EXISTS: entry(3, cmdList('EXISTS', someKeys(4))),
      TYPE: entry(2, cmd('TYPE', ctx.key)),
      EXPIRE: expire('EXPIRE', ctx.seconds),
      PEXPIRE: expire('PEXPIRE', ctx.millis),
      EXPIREAT: expire('EXPIREAT', ctx.unixSeconds),
      PEXPIREAT: expire('PEXPIREAT', ctx.unixMillis),
      TTL: entry(3, cmd('TTL', ctx.key)),
      PTTL: entry(3, cmd('PTTL', ctx.key)),
      EXPIRETIME: entry(2, cmd('EXPIRETIME', ctx.key)),
      PEXPIRETIME: entry(2, cmd('PEXPIRETIME', ctx.key)),
      PERSIST: entry(2, cmd('PERSIST', ctx.key)),
      RENAME: entry(2, cmd('RENAME', ctx.key, ctx.key)),
      RENAMENX: entry(2, cmd('RENAMENX', ctx.key, ctx.key)),
      COPY: entry(3, fc.tuple(ctx.key, ctx.key, copyOptions).map(([s, d, o]) => ['COPY', s, d, ...o])),
      KEYS: entry(2, cmd('KEYS', ctx.pattern)),
      SCAN: entry(2, fc.tuple(cursor, scanOptions).map(([c, o]) => ['SCAN', c, ...o])),
      RANDOMKEY: entry(1, fc.constant(['RANDOMKEY'])),
      DBSIZE: entry(2, fc.constant(['DBSIZE'])),
      FLUSHALL: entry(0.15, cmdList('FLUSHALL', fc.constantFrom([], ['ASYNC'], ['sync'], ['LAZY']))),
      FLUSHDB: entry(0.15, cmdList('FLUSHDB', fc.constantFrom([], ['SYNC'], ['async'], ['NOW']))),
      TOUCH: entry(2, cmdList('TOUCH', someKeys(3))),
      OBJECT: entry(2, pick(
        [4, fc.tuple(fc.constant('OBJECT'), word('encoding'), ctx.key)],
        [2, fc.tuple(fc.constant('OBJECT'), word('idletime'), ctx.key)],
        [1, fc.tuple(fc.constant('OBJECT'), word('freq'), ctx.key)],
        [1, fc.constantFrom(['OBJECT', 'ENCODING'], ['OBJECT', 'NOPE', 'a'], ['OBJECT', 'encoding', 'a', 'b'])],
      )),
    };
  },

  server: (ctx) => ({
    PING: entry(1, pick([2, fc.constant(['PING'])], [2, cmd('PING', ctx.value)], [1, cmd('PING', ctx.value, ctx.value)])),
    ECHO: entry(1, pick([4, cmd('ECHO', ctx.value)], [1, fc.constantFrom(['ECHO'], ['ECHO', 'a', 'b'])])),
    TIME: entry(0.5, fc.constantFrom(['TIME'], ['TIME'], ['TIME', 'x'])),
    COMMAND: entry(0.5, fc.constantFrom(['COMMAND', 'COUNT'], ['COMMAND', 'count'], ['COMMAND', 'NOSUCH'], ['COMMAND', 'COUNT', 'x']),
      { mutate: false }),
    INFO: entry(0.5, fc.constantFrom(['INFO'], ['INFO', 'server'], ['INFO', 'SERVER'], ['INFO', 'default']), { mutate: false }),
    // The keys of calls with fixed and numkeys positions, and the errors for
    // a wrong count, a bad numkeys, no key arguments and unknown commands.
    'COMMAND GETKEYS': entry(3, pick(
      [2, fc.tuple(ctx.key, ctx.value).map(([k, v]) => ['SET', k, v])],
      [2, fc.array(ctx.key, { minLength: 1, maxLength: 4 }).map((ks) => ['DEL', ...ks])],
      [2, fc.array(fc.tuple(ctx.key, ctx.value), { minLength: 1, maxLength: 3 }).map((ps) => ['MSET', ...ps.flat()])],
      [2, fc.tuple(ctx.key, fc.constantFrom('0', '1', '2', '3', '-1', 'x'), fc.array(ctx.key, { minLength: 1, maxLength: 3 }))
        .map(([dest, n, ks]) => ['ZUNIONSTORE', dest, n, ...ks])],
      [2, fc.tuple(fc.constantFrom('1', '2', '3', '0'), fc.array(ctx.key, { minLength: 1, maxLength: 3 }))
        .map(([n, ks]) => ['LMPOP', n, ...ks, 'LEFT'])],
      [1, fc.tuple(fc.constantFrom('1', '2', '4'), fc.array(ctx.key, { minLength: 1, maxLength: 3 }))
        .map(([n, ks]) => ['SINTERCARD', n, ...ks])],
      [1, fc.tuple(ctx.key, ctx.key).map(([a, b]) => ['BLPOP', a, b, '0'])],
      [1, ctx.key.map((k) => ['OBJECT', 'ENCODING', k])],
      [1, fc.constantFrom(['GET', 'a', 'b'], ['SET', 'a'], ['PING', 'x'], ['CONFIG', 'GET', 'x'], ['NOSUCH', 'a'],
        ['OBJECT', 'NOSUCH', 'a'], ['get'])],
    ).map((call) => ['COMMAND', 'GETKEYS', ...call]), { mutate: false }),
    // No replicas and no scripts on either side: WAIT 0 answers 0 at once,
    // the FLUSHes have nothing to flush, LATENCY has no events.
    WAIT: entry(0.3, fc.constantFrom(['WAIT', '0', '0'], ['WAIT', 'x', '0'], ['WAIT', '0', 'x'], ['WAIT', '1', '-1'], ['WAIT', '0']),
      { mutate: false }),
    FLUSHES: entry(0.3, fc.constantFrom(['FUNCTION', 'FLUSH'], ['FUNCTION', 'FLUSH', 'async'], ['FUNCTION', 'FLUSH', 'x'],
      ['FUNCTION', 'FLUSH', 'a', 'b'], ['SCRIPT', 'FLUSH', 'SYNC'], ['SCRIPT', 'FLUSH', 'x'], ['SCRIPT', 'FLUSH', 'sync', 'async']),
    { mutate: false }),
    LATENCY: entry(0.3, fc.constantFrom(['LATENCY', 'LATEST'], ['LATENCY', 'HISTORY', 'command'], ['LATENCY', 'RESET'],
      ['LATENCY', 'RESET', 'command', 'fork'], ['LATENCY', 'DOCTOR'], ['LATENCY', 'HISTORY']), { mutate: false }),
    UNKNOWN: entry(1, fc.tuple(
      fc.constantFrom('NOSUCHCMD', 'GETT', 'sett', 'EXPIREX', bytes(0x47, 0x45, 0x00, 0x54), 'x'.repeat(130)),
      fc.array(pick([3, ctx.value], [1, fc.constantFrom('a\r\nb', 'y'.repeat(140))]), { maxLength: 3 }),
    ).map(([name, args]) => [name, ...args])),
  }),

  lists: (ctx) => listGenerators(ctx),
  hashes: (ctx) => hashGenerators(ctx),
  sets: (ctx) => setGenerators(ctx),
  zsets: (ctx) => zsetGenerators(ctx),
  config: () => configGenerators(),
  // No subscriber exists in a differential run (subscriptions are streams,
  // not commands): PUBLISH counts 0 and PUBSUB reports nothing, on both sides.
  pubsub: (ctx) => ({
    PUBLISH: entry(1, cmd('PUBLISH', ctx.value, ctx.value)),
    PUBSUB: entry(1, pick(
      [2, fc.constantFrom(['PUBSUB', 'CHANNELS'], ['PUBSUB', 'channels', '*'], ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'SHARDCHANNELS'])],
      [2, fc.array(ctx.value, { maxLength: 3 }).map((chs) => ['PUBSUB', 'NUMSUB', ...chs])],
      [1, fc.array(ctx.value, { maxLength: 2 }).map((chs) => ['PUBSUB', 'SHARDNUMSUB', ...chs])],
      [1, fc.constantFrom(['PUBSUB', 'HELP'], ['PUBSUB', 'NOSUCH'], ['PUBSUB', 'CHANNELS', 'a', 'b'], ['PUBSUB', 'NUMPAT', 'x'],
        ['PUBSUB', 'SHARDCHANNELS', 'a', 'b'], ['PUBSUB'])],
    )),
  }),
};

// ---- mutations and the combined arbitrary ----------------------------------------

// Junk for mutations; no small positive integers ("COPY a b DB 1" would name another database).
// Commands whose last argument is a blocking timeout are not mutated: a '0'
// appended would make redis-server block for ever.
const JUNK = ['x', '-1', 'NX', '', 'EX', '0'];

/** Re-cases the command name; with `rate`% chance drops or appends an argument. */
function mutated(arb, rate) {
  return fc.tuple(arb, fc.noBias(fc.integer({ min: 0, max: 999 })), fc.constantFrom(...JUNK)).map(([args, roll, junk]) => {
    let out = args;
    if (roll < rate * 10) out = roll % 2 === 0 ? out.slice(0, -1) : [...out, junk];
    if (out.length === 0) return args;
    if (typeof out[0] === 'string' && roll % 7 === 0) {
      out = [roll % 3 === 0 ? out[0].toLowerCase() : out[0][0] + out[0].slice(1).toLowerCase(), ...out.slice(1)];
    }
    return out;
  });
}

/** The registry entries of the chosen families, optionally limited to some names. */
export function registryEntries(ctx, { families: names = Object.keys(families), only = null } = {}) {
  const entries = [];
  for (const family of names) {
    for (const [name, e] of Object.entries(families[family](ctx))) {
      if (only === null || only.has(name)) entries.push({ family, name, ...e });
    }
  }
  return entries;
}

/**
 * One arbitrary over all commands of the chosen families, each drawn with
 * its weight; `mutationRate` is the % of commands that get an argument
 * dropped or added.
 */
export function commandArbitrary(ctx = makeContext(), { families: names, only = null, mutationRate = 4 } = {}) {
  const entries = registryEntries(ctx, { families: names, only });
  const scale = 20; // fc.oneof wants integer weights
  return fc.oneof(...entries.map((e) => ({
    weight: Math.max(1, Math.round(e.weight * scale)),
    arbitrary: e.mutate ? mutated(e.arbitrary, mutationRate) : e.arbitrary,
  })));
}

/** `count` commands from `seed`: the same seed always gives the same sequence. */
export function sampleCommands(arb, seed, count) {
  return fc.sample(arb, { seed, numRuns: count });
}
