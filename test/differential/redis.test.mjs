/**
 * Differential suite: seeded random command sequences run against a real
 * redis-server and against a fresh emberkv Engine side by side; every reply
 * is compared after normalization (test/support/reply.mjs). Redis is the
 * oracle: when the two disagree, emberkv is wrong. A few of the same
 * sequences also run through emberkv-server (a real server process), once
 * driven by the official Client over gRPC and once over its RESP port with
 * the same raw RESP client as redis-server's, so both network paths are
 * held to the same oracle (over RESP the bytes themselves are compared,
 * parsed by one parser).
 *
 *   npm run test:redis
 *   EMBERKV_SEED=123 npm run test:redis          # replay a seed (fixed or random)
 *   EMBERKV_DIFF_COMMANDS=50000 npm run test:redis   # total commands (default 50000)
 *
 * Seeds: a fixed list, plus one random seed per run, printed up front;
 * EMBERKV_SEED replaces the random one. Each seed is one sequence that
 * starts from FLUSHALL on both sides (against emberkv, also from the
 * settings the config family changes, set back to CONFIG_DEFAULTS).
 * Commands run in pipelined batches;
 * a few run one at a time with extra commands around them:
 *   SCAN       driven to completion on each side, keys compared as a set
 *   SSCAN      the same, members compared as a set (sets family)
 *   SRANDMEMBER, SPOP  checked against SMEMBERS read just before (random);
 *              after SPOP emberkv's key is rebuilt from Redis's (sets family)
 *   HSCAN      the same per hash: field/value pairs compared as a set
 *   RANDOMKEY  any key will do, but it must EXIST on both sides
 *   DBSIZE     after an EXISTS of every key: Redis keeps a key SET with a
 *              past EXAT/PXAT until it is touched (or reclaimed, at random)
 *   OBJECT IDLETIME  not compared when Redis's OBJECT REFCOUNT says the
 *              value is a shared small integer (its LRU clock is shared)
 * Time-dependent replies are compared within REAL_CLOCK_TOLERANCE. A mismatch stops that sequence and prints the seed, the
 * step, the command, both replies and the whole history to replay.
 *
 * A second test checks the property suite's reference model
 * (test/property/model.mjs) against redis-server the same way, so that
 * suite's oracle is itself checked against the real thing.
 *
 * Without redis-server on PATH both tests are SKIPPED, loudly.
 */
import { test } from 'node:test';
import { commands } from 'emberkv';
import { hasRedisServer, startRedisServer } from '../support/redis-server.mjs';
import { KEYS, commandArbitrary, makeContext, resolveArgs, sampleCommands } from '../support/commands.mjs';
import {
  REAL_CLOCK_TOLERANCE, bulkBytes, commandName, emberReply, formatCommand, formatReply, intOf, isBulk, isError,
  redisReply, replyMismatch, settledReply,
} from '../support/reply.mjs';
import { MODEL_COMMANDS, Model, UnmodeledInput } from '../property/model.mjs';
import { randomPickMismatch } from '../support/generators/sets.mjs';
import { CONFIG_DEFAULTS } from '../support/generators/config.mjs';

const FIXED_SEEDS = [
  1, 2, 3, 42, 1337, 9001, 65537, 271828, 314159, 1000003, 20240601, 424242, 777777, 8675309, 12345678,
  99999989, 123456789, 987654321, 2147483647,
];
const randomSeed = process.env.EMBERKV_SEED !== undefined
  ? Number(process.env.EMBERKV_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const SEEDS = [...FIXED_SEEDS, randomSeed];
const TOTAL = Number(process.env.EMBERKV_DIFF_COMMANDS ?? 50_000);
const PER_SEQUENCE = Math.max(1, Math.ceil(TOTAL / SEEDS.length));
const BATCH = 64;

const REDIS = hasRedisServer();
if (!REDIS) {
  process.stderr.write([
    '',
    '!!! ====================================================================== !!!',
    '!!! redis-server not found: the differential suite was SKIPPED.',
    '!!! emberkv was NOT compared against Redis. Install it (apt-get install',
    '!!! redis-server) or put it on PATH, then run `npm run test:redis` again.',
    '!!! ====================================================================== !!!',
    '',
  ].join('\n') + '\n');
} else {
  process.stderr.write(`differential: random seed ${randomSeed} (replay with EMBERKV_SEED=${randomSeed}); ` +
    `${SEEDS.length} sequences x ${PER_SEQUENCE} commands\n`);
}
const SKIP = REDIS ? false : 'redis-server not found on PATH: differential suite SKIPPED';

// emberkv's encoding thresholds are those of Redis's shipped redis.conf; a
// redis-server started without a config file compiles in 512 for hashes.
// Give it the same settings so OBJECT ENCODING can be compared exactly.
const REDIS_SETTINGS = ['--hash-max-listpack-entries', '128', '--hash-max-listpack-value', '64',
  '--zset-max-listpack-entries', '128', '--zset-max-listpack-value', '64', '--set-max-intset-entries', '512',
  '--list-max-listpack-size', '-2'];

// ---- sides: something that runs a batch of commands and returns normalized replies ----

const redisSide = (client, name = 'redis-server') => ({
  name,
  run: async (batch) => (await client.pipeline(batch)).map(redisReply),
});

const emberSide = (engine) => ({
  name: 'emberkv',
  run: async (batch) => batch.map((args) => emberReply(engine, args)),
});

/** The model's reply to a command it cannot mirror honestly (see model.mjs): ends the sequence. */
class Unmodeled {
  constructor(why) {
    this.why = why;
  }
}

/**
 * emberkv-server through the official Client: a batch is issued in one
 * tick, so it travels as one CommandBatch and comes back as one ReplyBatch
 * (the protobuf codec and the server's path both sides of the wire).
 */
const serverSide = (client) => ({
  name: 'emberkv-server',
  run: async (batch) => {
    const settled = await Promise.allSettled(batch.map((args) => client.callBuffer(...args)));
    return settled.map(settledReply);
  },
});

const modelSide = (model) => ({
  name: 'model',
  run: async (batch) => {
    const replies = [];
    for (const args of batch) {
      model.setTime(Date.now());
      try {
        replies.push(model.exec(args));
      } catch (err) {
        if (!(err instanceof UnmodeledInput)) throw err;
        replies.push(new Unmodeled(err.message));
        break;
      }
    }
    return replies;
  },
});

/** SCAN from the generated cursor to completion: the first error, or ['$"0"', sorted keys]. */
async function fullScan(side, args) {
  const keys = new Set();
  let command = args;
  for (let page = 0; page < 10_000; page++) {
    const [reply] = await side.run([command]);
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

/** HSCAN key cursor ... to completion: the first error, or ['$"0"', sorted field/value pairs]. */
async function fullHScan(side, args) {
  const pairs = new Set();
  let command = args;
  for (let page = 0; page < 10_000; page++) {
    const [reply] = await side.run([command]);
    if (isError(reply)) return page === 0 ? reply : `!error after ${page} pages: ${reply}`;
    if (!Array.isArray(reply) || reply.length !== 2 || !isBulk(reply[0]) || !Array.isArray(reply[1]) ||
      reply[1].length % 2 !== 0) {
      return `!not an HSCAN page: ${formatReply(reply)}`;
    }
    for (let j = 0; j < reply[1].length; j += 2) pairs.add(`${reply[1][j]} => ${reply[1][j + 1]}`);
    const cursor = bulkBytes(reply[0]);
    if (cursor.toString('latin1') === '0') return ['$"0"', [...pairs].sort()];
    command = [args[0], args[1], cursor, ...args.slice(3)];
  }
  return '!HSCAN did not finish in 10000 pages';
}

// ---- sets family: SSCAN to completion; SRANDMEMBER / SPOP checked against the members ----

/** SSCAN from the generated cursor to completion: the first error, or ['$"0"', sorted distinct members]. */
async function fullSScan(side, args) {
  const members = new Set();
  let command = args;
  for (let page = 0; page < 10_000; page++) {
    const [reply] = await side.run([command]);
    if (isError(reply)) return page === 0 ? reply : `!error after ${page} pages: ${reply}`;
    if (!Array.isArray(reply) || reply.length !== 2 || !isBulk(reply[0]) || !Array.isArray(reply[1])) {
      return `!not an SSCAN page: ${formatReply(reply)}`;
    }
    for (const m of reply[1]) members.add(m);
    const cursor = bulkBytes(reply[0]);
    if (cursor.toString('latin1') === '0') return ['$"0"', [...members].sort()];
    command = [args[0], args[1], cursor, ...args.slice(3)];
  }
  return '!SSCAN did not finish in 10000 pages';
}

/** SRANDMEMBER / SPOP with a key (and maybe a count): random, so checked against SMEMBERS taken just before. */
const isRandomSetPick = (args) => ['SRANDMEMBER', 'SPOP'].includes(commandName(args)) && (args.length === 2 || args.length === 3);
/** Not a member the generators produce: lets a resync rebuild a hashtable-encoded set of integers. */
const RESYNC_SENTINEL = '\x00emberkv-resync\x00';

/**
 * After SPOP the two sides popped different members: make `sut`'s key what `ref`'s is
 * (members, encoding, expiry), as '+' steps of the history.
 */
async function resyncSetKey(ref, sut, key) {
  const [type, members, encoding, expireAt] = await ref.run([
    ['TYPE', key], ['SMEMBERS', key], ['OBJECT', 'ENCODING', key], ['PEXPIRETIME', key],
  ]);
  const fix = [['DEL', key]];
  if (type === '+set') {
    const ms = members.map(bulkBytes);
    if (encoding === '$"hashtable"') {
      fix.push(['SADD', key, RESYNC_SENTINEL, ...ms], ['SREM', key, RESYNC_SENTINEL]);
    } else {
      fix.push(['SADD', key, ...ms]);
    }
    if (intOf(expireAt) > 0n) fix.push(['PEXPIREAT', key, String(intOf(expireAt))]);
  }
  return { fix, replies: await sut.run(fix) };
}

// ---- one sequence ---------------------------------------------------------------------

function mismatchReport({ label, seed, step, total, args, ref, sut, refReply, sutReply, why, history }) {
  const lines = [
    `${sut.name} disagrees with ${ref.name} (${label}, seed ${seed}, step ${step} of ${total})`,
    `  command:  ${formatCommand(args)}`,
    `  ${ref.name}: ${formatReply(refReply)}`,
    `  ${sut.name}: ${formatReply(sutReply)}`,
    `  why:      ${why}`,
    `  replay:   EMBERKV_SEED=${seed} npm run test:redis`,
    `  history of this sequence, as sent (command => ${ref.name} | ${sut.name}; '+' marks commands the harness added):`,
    ...history.map((h) => `    #${h.step} ${formatCommand(h.args)}  => ${formatReply(h.ref)} | ${formatReply(h.sut)}`),
  ];
  return lines.join('\n');
}

const isIdletime = (args) => commandName(args) === 'OBJECT' && args.length === 3 && commandName([args[1]]) === 'IDLETIME';
/**
 * Blocking commands: the Client sends each in an Execute call of its own,
 * beside its Pipeline stream, so it is not ordered with the commands issued
 * around it (redis-server's one connection is). Run alone, they are.
 */
const BLOCKING = new Set(commands().filter((c) => c.flags.includes('blocking')).map((c) => c.name.toUpperCase()));
const isBlocking = (args) => BLOCKING.has(commandName(args));
/** Commands that need extra commands around them, or ordering, so run outside the pipelined batches. */
const runsAlone = (args) => ['SCAN', 'HSCAN', 'SSCAN', 'RANDOMKEY', 'DBSIZE'].includes(commandName(args)) || isIdletime(args) ||
  isRandomSetPick(args) || isBlocking(args);

/**
 * Runs `commands` on `ref` and `sut` side by side, comparing every reply;
 * throws a full report at the first disagreement.
 */
async function runSequence(options) {
  try {
    await runSequenceSteps(options);
  } catch (err) {
    if (!(err instanceof Unmodeled)) throw err;
    process.stderr.write(`${options.label} (seed ${options.seed}): sequence ended early, the model cannot mirror: ${err.why}\n`);
  }
}

async function runSequenceSteps({
  label, seed, commands, ref, sut, tolerance = REAL_CLOCK_TOLERANCE, setup = [['FLUSHALL']],
}) {
  const history = [];

  const check = (step, args, refReply, sutReply, why = replyMismatch(args, refReply, sutReply, tolerance)) => {
    if (sutReply instanceof Unmodeled) throw sutReply;
    history.push({ step, args, ref: refReply, sut: sutReply });
    if (why) {
      throw new Error(mismatchReport({
        label, seed, step, total: commands.length, args, ref, sut, refReply, sutReply, why, history,
      }));
    }
  };

  /** Runs a batch on both sides (pipelined on redis), checks each reply; returns ref's replies. */
  const compare = async (batch, stepOf) => {
    const now = Date.now();
    const resolved = batch.map((args) => resolveArgs(args, now));
    const refReplies = await ref.run(resolved);
    const sutReplies = await sut.run(resolved);
    resolved.forEach((args, j) => check(stepOf(j), args, refReplies[j], sutReplies[j]));
    return refReplies;
  };

  await compare(setup, () => 'setup');
  let i = 0;
  while (i < commands.length) {
    const step = i;
    const name = commandName(commands[i]);
    if (name === 'SCAN') {
      const args = resolveArgs(commands[i++], Date.now());
      check(`${step} (driven to completion)`, args, await fullScan(ref, args), await fullScan(sut, args));
    } else if (name === 'SSCAN') {
      const args = resolveArgs(commands[i++], Date.now());
      check(`${step} (driven to completion)`, args, await fullSScan(ref, args), await fullSScan(sut, args));
    } else if (isRandomSetPick(commands[i])) {
      // Both sides hold the same set: read it, then check each reply against it. SPOP then
      // leaves them with different members, so sut's key is rebuilt from ref's.
      const args = commands[i++];
      const [members] = await compare([['SMEMBERS', args[1]]], () => `${step}+`);
      const [a] = await ref.run([args]);
      const [b] = await sut.run([args]);
      const random = !isError(a) && !isError(b);
      check(step, args, a, b, random ? randomPickMismatch(args, members, a, b) : replyMismatch(args, a, b));
      if (name === 'SPOP' && random && ref.name === 'redis-server') {
        const { fix, replies } = await resyncSetKey(ref, sut, args[1]);
        fix.forEach((f, j) => history.push({ step: `${step}+resync`, args: f, ref: null, sut: replies[j] }));
      }
    } else if (name === 'HSCAN') {
      const args = resolveArgs(commands[i++], Date.now());
      check(`${step} (driven to completion)`, args, await fullHScan(ref, args), await fullHScan(sut, args));
    } else if (name === 'RANDOMKEY') {
      const args = commands[i++];
      const [a] = await ref.run([args]);
      const [b] = await sut.run([args]);
      const keys = isBulk(a) && isBulk(b); // any existing key will do: check both exist on both sides
      check(step, args, a, b, keys ? null : replyMismatch(args, a, b));
      if (keys) {
        const exists = await compare([['EXISTS', bulkBytes(a)], ['EXISTS', bulkBytes(b)]], () => `${step}+`);
        if (exists.some((r) => r !== ':1')) check(step, args, a, b, 'RANDOMKEY returned a key that does not exist');
      }
    } else if (isIdletime(commands[i])) {
      // Redis shares the objects of small integers (0..9999) between keys, and with them one LRU
      // clock: their idle time is that of the shared object. OBJECT REFCOUNT tells (2147483647).
      const args = commands[i++];
      const [refcount] = ref.name === 'redis-server' ? await ref.run([['OBJECT', 'REFCOUNT', args[2]]]) : [null];
      const [a] = await ref.run([args]);
      const [b] = await sut.run([args]);
      const natural = (r) => intOf(r) !== null && intOf(r) >= 0n;
      const shared = refcount === ':2147483647' && natural(a) && natural(b);
      check(shared ? `${step} (shared integer: idle time not comparable)` : step, args, a, b,
        shared ? null : replyMismatch(args, a, b, tolerance));
    } else if (isBlocking(commands[i])) {
      await compare([commands[i++]], () => step);
    } else if (name === 'DBSIZE') {
      // Touch every key first: Redis keeps a key SET with a past EXAT/PXAT until it is touched.
      await compare(KEYS.map((k) => ['EXISTS', k]), () => `${step}+`);
      await compare([commands[i++]], () => step);
    } else {
      const batch = [];
      while (i < commands.length && batch.length < BATCH && !runsAlone(commands[i])) {
        batch.push(commands[i++]);
      }
      await compare(batch, (j) => step + j);
    }
  }
}

// ---- the tests -----------------------------------------------------------------------

test('emberkv replies exactly like redis-server', { skip: SKIP, timeout: 600_000 }, async (t) => {
  const { Engine } = await import('emberkv');
  const server = await startRedisServer({ extraArgs: REDIS_SETTINGS });
  t.after(() => server.stop());
  const client = await server.connect();
  const arb = commandArbitrary(makeContext());
  for (const seed of SEEDS) {
    const kind = seed === randomSeed && !FIXED_SEEDS.includes(seed) ? 'random seed' : 'seed';
    await t.test(`${kind} ${seed}: ${PER_SEQUENCE} commands`, async () => {
      const engine = new Engine();
      try {
        await runSequence({
          label: 'emberkv vs redis-server', seed, commands: sampleCommands(arb, seed, PER_SEQUENCE),
          ref: redisSide(client), sut: emberSide(engine),
          // The config family's CONFIG SETs outlive a sequence on the one redis-server.
          setup: [['FLUSHALL'], CONFIG_DEFAULTS],
        });
      } finally {
        engine.close();
      }
    });
  }
});

test('emberkv-server replies exactly like redis-server, through the Client', { skip: SKIP, timeout: 600_000 }, async (t) => {
  const { Client } = await import('emberkv/client');
  const { startGrpcServer } = await import('../support/grpc-server.mjs');
  const redis = await startRedisServer({ extraArgs: REDIS_SETTINGS });
  t.after(() => redis.stop());
  const ember = await startGrpcServer();
  t.after(() => ember.stop());
  const client = new Client({ address: ember.address });
  t.after(() => client.close());
  const redisClient = await redis.connect();
  const arb = commandArbitrary(makeContext());
  // Fewer sequences than against the Engine: this checks the network path,
  // the commands themselves are covered above.
  for (const seed of [FIXED_SEEDS[0], FIXED_SEEDS[3], FIXED_SEEDS[6], randomSeed]) {
    await t.test(`seed ${seed}: ${PER_SEQUENCE} commands`, async () => {
      await runSequence({
        label: 'emberkv-server vs redis-server', seed, commands: sampleCommands(arb, seed, PER_SEQUENCE),
        ref: redisSide(redisClient), sut: serverSide(client),
        setup: [['FLUSHALL'], CONFIG_DEFAULTS],
      });
    });
  }
});

test('emberkv-server replies exactly like redis-server, over RESP', { skip: SKIP, timeout: 600_000 }, async (t) => {
  const { startGrpcServer } = await import('../support/grpc-server.mjs');
  const { RespClient } = await import('../support/resp-client.mjs');
  const redis = await startRedisServer({ extraArgs: REDIS_SETTINGS });
  t.after(() => redis.stop());
  const ember = await startGrpcServer(['--resp-port', '0']);
  t.after(() => ember.stop());
  const emberClient = await RespClient.connect(ember.respPort);
  t.after(() => emberClient.close());
  const redisClient = await redis.connect();
  const arb = commandArbitrary(makeContext());
  for (const seed of [FIXED_SEEDS[1], FIXED_SEEDS[4], FIXED_SEEDS[7], randomSeed]) {
    await t.test(`seed ${seed}: ${PER_SEQUENCE} commands`, async () => {
      await runSequence({
        label: 'emberkv-server (RESP) vs redis-server', seed, commands: sampleCommands(arb, seed, PER_SEQUENCE),
        ref: redisSide(redisClient), sut: redisSide(emberClient, 'emberkv-server (RESP)'),
        setup: [['FLUSHALL'], CONFIG_DEFAULTS],
      });
    });
  }
});

test('the property suite\'s reference model replies like redis-server', { skip: SKIP, timeout: 300_000 }, async (t) => {
  const server = await startRedisServer({ extraArgs: REDIS_SETTINGS });
  t.after(() => server.stop());
  const client = await server.connect();
  const arb = commandArbitrary(makeContext(), { only: MODEL_COMMANDS });
  const count = PER_SEQUENCE;
  for (const seed of [FIXED_SEEDS[0], FIXED_SEEDS[1], FIXED_SEEDS[2], FIXED_SEEDS[3], randomSeed]) {
    await t.test(`seed ${seed}: ${count} commands`, async () => {
      await runSequence({
        label: 'model vs redis-server', seed, commands: sampleCommands(arb, seed, count),
        ref: redisSide(client), sut: modelSide(new Model()),
      });
    });
  }
});
