// One soak client's loop: until told to stop, it runs a step of a command
// family drawn at random (STEPS, weighted), each step a few commands
// issued in the same tick (so they travel as one auto-pipelined batch),
// and checks every reply it cheaply can.
//
// The keyspace is bounded so that the server's memory can level off:
// keys are drawn from fixed ranges, lists are trimmed, collection members
// come from a fixed set, and some strings carry TTLs. Every family has key
// names of its own, so no command is expected to fail (no WRONGTYPE): any
// rejection is an unexpected error. A client's "own" keys are touched by
// that client only, so their replies are known exactly (GET after SET,
// INCR equal to the local count, ...).
import { rng } from '../../test/support/random.mjs';

const SHARED_STRINGS = 1000;
const COLLECTIONS = 100;
const MEMBERS = 50;
const LIST_LENGTH = 50;
const HASH_FIELDS = 20;
const WATCHED_COUNTERS = 20;
const BLOCKING_KEYS = 16;
const BLOCKING_TIMEOUT_SECONDS = 0.1;
const CHANNELS = 8;
/** Own APPEND log: reset once longer than this (small, so it cycles within seconds, not grows over the run). */
const LOG_LIMIT = 512;
const LOG_CHUNK = 'abcdefgh';

const pick = (random, n) => Math.floor(random() * n);
const sharedString = (random) => `soak:str:${pick(random, SHARED_STRINGS)}`;
const member = (random) => `m${pick(random, MEMBERS)}`;
/** A string value of 18..529 bytes: sizes vary, so the allocator sees churn. */
const payload = (random, tag) => `${tag}:${'x'.repeat(16 + pick(random, 512))}`;
export const channelName = (i) => `soak:chan:${i % CHANNELS}`;
export const watchedCounter = (i) => `soak:tx:${i}`;
export const WATCHED_COUNTER_KEYS = Array.from({ length: WATCHED_COUNTERS }, (_, i) => watchedCounter(i));

/** Thrown out of a step when one of its commands failed (already counted): the step stops there. */
class CommandFailed extends Error {}

/**
 * `client` whose methods count each command as an op and each rejection as
 * an unexpected error, then reject with CommandFailed. A Proxy, so that the
 * steps read as plain client calls.
 */
function countedClient(client, stats) {
  return new Proxy(client, {
    get(target, name) {
      const method = target[name];
      if (typeof method !== 'function') return method;
      return (...args) =>
        method.apply(target, args).then(
          (reply) => {
            stats.ops++;
            return reply;
          },
          (err) => {
            stats.ops++;
            stats.unexpected(String(name), err);
            throw new CommandFailed();
          },
        );
    },
  });
}

/** The keys only this client touches, and the replies they must give. */
class OwnKeys {
  constructor(id) {
    this.id = id;
    this.string = `soak:own:${id}:str`;
    this.counter = `soak:own:${id}:counter`;
    this.log = `soak:own:${id}:log`;
    this.hash = `soak:own:${id}:hash`;
    this.zset = `soak:own:${id}:zset`;
    this.all = [this.string, this.counter, this.log, this.hash, this.zset];
    this.scanCursor = '0';
    this.published = 0;
    this.reset();
  }

  /** The values the own keys hold once deleted. */
  reset() {
    this.counterValue = 0;
    this.logLength = 0;
    this.hashHits = 0;
    this.zsetHits = 0;
    /** Set when a reply was wrong or a command failed: the local values may be off, so start over. */
    this.stale = false;
  }
}

/** Counts a wrong reply unless `ok`; the own keys are then resynchronized. */
function verify({ stats, own }, where, ok, got, expectation) {
  if (ok) return;
  stats.wrongReply(where, got, expectation);
  own.stale = true;
}

async function ownStrings(step) {
  const { kv, own, random } = step;
  const value = payload(random, `own${own.id}`);
  const counter = ++own.counterValue;
  const logLength = (own.logLength += LOG_CHUNK.length);
  const [, got, incremented, appended] = await Promise.all([
    kv.set(own.string, value, { ex: 60 }),
    kv.get(own.string),
    kv.incr(own.counter),
    kv.append(own.log, LOG_CHUNK),
  ]);
  verify(step, 'GET after own SET', got === value, got, 'the value just set');
  verify(step, 'INCR of own counter', incremented === counter, incremented, counter);
  verify(step, 'APPEND to own string', appended === logLength, appended, logLength);
  if (own.logLength > LOG_LIMIT) {
    await kv.del(own.log);
    own.logLength = 0;
  }
}

async function sharedStrings(step) {
  const { kv, random } = step;
  const [reply, , gotEx, got] = await Promise.all([
    kv.mSet([
      [sharedString(random), payload(random, 'm')],
      [sharedString(random), payload(random, 'm')],
    ]),
    kv.set(sharedString(random), payload(random, 's'), { ex: 1 + pick(random, 60) }),
    kv.getEx(sharedString(random), { ex: 30 }),
    kv.get(sharedString(random)),
  ]);
  const isSharedValue = (v) => v === null || /^[ms]:x+$/.test(v);
  verify(step, 'MSET', reply === 'OK', reply, "'OK'");
  verify(step, 'GETEX of a shared string', isSharedValue(gotEx), gotEx, 'null or m:/s: value');
  verify(step, 'GET of a shared string', isSharedValue(got), got, 'null or m:/s: value');
}

async function keySpace(step) {
  const { kv, own, random } = step;
  const [expired, ttl, existing, deleted, page] = await Promise.all([
    kv.expire(sharedString(random), 5 + pick(random, 30)),
    kv.ttl(sharedString(random)),
    kv.exists(sharedString(random), sharedString(random), sharedString(random)),
    kv.del(sharedString(random)),
    kv.scan(own.scanCursor, { match: 'soak:str:1*', count: 100 }),
  ]);
  own.scanCursor = page.cursor;
  verify(step, 'EXPIRE', typeof expired === 'boolean', expired, 'a boolean');
  verify(step, 'TTL', Number.isInteger(ttl) && ttl >= -2 && ttl <= 60, ttl, '-2..60');
  verify(step, 'EXISTS', existing >= 0 && existing <= 3, existing, '0..3');
  verify(step, 'DEL', deleted === 0 || deleted === 1, deleted, '0 or 1');
  const strays = page.keys.filter((key) => !key.startsWith('soak:str:1'));
  verify(step, 'SCAN MATCH soak:str:1*', strays.length === 0, strays, 'only matching keys');
}

async function lists(step) {
  const { kv, random } = step;
  const key = `soak:list:${pick(random, COLLECTIONS)}`;
  const [length, , range, popped] = await Promise.all([
    kv.lPush(key, 'e:a', 'e:b', 'e:c'),
    kv.lTrim(key, 0, LIST_LENGTH - 1),
    kv.lRange(key, 0, 9),
    kv.rPop(key),
  ]);
  const isElement = (e) => /^e:[abc]$/.test(e);
  verify(step, 'LPUSH', length >= 3, length, '>= 3');
  verify(step, 'LRANGE 0 9', range.length <= 10 && range.every(isElement), range, 'up to 10 e:* elements');
  verify(step, 'RPOP', popped === null || isElement(popped), popped, 'null or an e:* element');
}

async function hashes(step) {
  const { kv, own, random } = step;
  const key = `soak:hash:${pick(random, COLLECTIONS)}`;
  const ownHits = ++own.hashHits;
  const [, hits, all, , ownIncremented] = await Promise.all([
    kv.hSet(key, { [`f${pick(random, HASH_FIELDS)}`]: payload(random, 'h') }),
    kv.hIncrBy(key, 'hits', 1),
    kv.hGetAll(key),
    kv.hDel(key, `f${pick(random, HASH_FIELDS)}`),
    kv.hIncrBy(own.hash, 'hits', 1),
  ]);
  const wellFormed = Object.entries(all).every(([f, v]) => (f === 'hits' ? /^\d+$/.test(v) : /^f\d+$/.test(f) && /^h:x+$/.test(v)));
  verify(step, 'HINCRBY of a shared hash', hits >= 1, hits, '>= 1');
  verify(step, 'HGETALL', wellFormed && Object.keys(all).length <= HASH_FIELDS + 1, Object.keys(all), 'hits and up to 20 f* fields');
  verify(step, 'HINCRBY of own hash', ownIncremented === ownHits, ownIncremented, ownHits);
}

async function sets(step) {
  const { kv, random } = step;
  const key = `soak:set:${pick(random, COLLECTIONS)}`;
  const other = `soak:set:${pick(random, COLLECTIONS)}`;
  const [, members, common, popped] = await Promise.all([
    kv.sAdd(key, member(random), member(random)),
    kv.sMembers(key),
    kv.sInter(key, other),
    kv.sPop(other),
  ]);
  const isMember = (m) => /^m\d+$/.test(m);
  verify(step, 'SMEMBERS', members.length <= MEMBERS && members.every(isMember), members.length, `up to ${MEMBERS} m* members`);
  verify(step, 'SINTER', common.length <= MEMBERS && common.every(isMember), common.length, `up to ${MEMBERS} m* members`);
  verify(step, 'SPOP', popped === null || isMember(popped), popped, 'null or an m* member');
}

async function sortedSets(step) {
  const { kv, own, random } = step;
  const key = `soak:zset:${pick(random, COLLECTIONS)}`;
  const ownHits = ++own.zsetHits;
  const [, lowest, , , byScore, ownScore] = await Promise.all([
    kv.zAdd(key, [
      [pick(random, 100), member(random)],
      [pick(random, 100), member(random)],
    ]),
    kv.zRangeWithScores(key, 0, 9),
    kv.zIncrBy(key, 1.5, member(random)),
    kv.zRem(key, member(random)),
    kv.zRangeByScore(key, 0, 50, { offset: 0, count: 10 }),
    kv.zIncrBy(own.zset, 1, 'hits'),
  ]);
  const ascending = lowest.every((m, i) => i === 0 || lowest[i - 1].score <= m.score);
  verify(step, 'ZRANGE WITHSCORES', lowest.length <= 10 && ascending, lowest, 'up to 10 members by ascending score');
  verify(step, 'ZRANGEBYSCORE LIMIT', byScore.length <= 10, byScore.length, '<= 10');
  verify(step, 'ZINCRBY of own zset', ownScore === ownHits, ownScore, ownHits);
}

async function transactions(step) {
  const { kv, own, random, stats } = step;
  // WATCH, read, write: aborted (null) when another client wrote the
  // counter in between, which is expected under contention.
  const key = watchedCounter(pick(random, WATCHED_COUNTERS));
  const token = await kv.watch(key);
  const current = Number((await kv.get(key)) ?? 0);
  const replies = await kv.exec([['SET', key, String(current + 1)]], { watch: token });
  stats.transactions++;
  if (replies === null) {
    stats.transactionsAborted++;
  } else {
    verify(step, 'EXEC of WATCHed SET', replies.length === 1 && replies[0] === 'OK', replies, "['OK']");
    stats.committedIncrements.set(key, (stats.committedIncrements.get(key) ?? 0) + 1);
  }
  // A plain MULTI/EXEC on own keys: its replies are known.
  const counter = ++own.counterValue;
  const hashHits = ++own.hashHits;
  const plain = await kv.exec([
    ['INCR', own.counter],
    ['HINCRBY', own.hash, 'hits', '1'],
  ]);
  stats.transactions++;
  verify(step, 'EXEC of own INCR, HINCRBY', plain?.[0] === counter && plain?.[1] === hashHits, plain, `[${counter}, ${hashHits}]`);
}

async function blockingPops(step) {
  const { kv, own, random, stats } = step;
  const list = `soak:blist:${pick(random, BLOCKING_KEYS)}`;
  const otherList = `soak:blist:${pick(random, BLOCKING_KEYS)}`;
  const zset = `soak:bzset:${pick(random, BLOCKING_KEYS)}`;
  // As many pushes as list pops, so lists run empty and some pops wait
  // for a push (those none reaches in time time out); twice as many ZADDs
  // as BZPOPMINs.
  const roll = random();
  if (roll < 0.4) {
    await Promise.all([
      kv.rPush(list, `b:${own.id}`),
      kv.lTrim(list, -LIST_LENGTH, -1),
      kv.zAdd(zset, [[pick(random, 1000), `b${pick(random, MEMBERS)}`]]),
    ]);
    return;
  }
  let reply;
  if (roll < 0.8) {
    const pop = roll < 0.6 ? kv.blPop : kv.brPop;
    reply = await pop([list, otherList], BLOCKING_TIMEOUT_SECONDS);
    const fromList = reply === null || ([list, otherList].includes(reply.key) && /^b:\d+$/.test(reply.element));
    verify(step, 'BLPOP/BRPOP', fromList, reply, 'null or an element of the keys popped');
  } else {
    reply = await kv.bzPopMin([zset], BLOCKING_TIMEOUT_SECONDS);
    const fromZset = reply === null || (reply.key === zset && /^b\d+$/.test(reply.member.member));
    verify(step, 'BZPOPMIN', fromZset, reply, 'null or a member of the key popped');
  }
  if (reply === null) stats.blockingTimedOut++;
  else stats.blockingServed++;
}

async function publish(step) {
  const { kv, own, random, stats } = step;
  const receivers = await kv.publish(channelName(pick(random, CHANNELS)), `${own.id}:${own.published++}`);
  stats.published++;
  stats.deliveriesExpected += receivers;
}

/** [step, weight]: how often each family runs. */
const STEPS = [
  [ownStrings, 3],
  [sharedStrings, 2],
  [keySpace, 2],
  [lists, 2],
  [hashes, 2],
  [sets, 2],
  [sortedSets, 2],
  [transactions, 1],
  [blockingPops, 2],
  [publish, 1],
];
const TOTAL_WEIGHT = STEPS.reduce((sum, [, weight]) => sum + weight, 0);

function pickStep(random) {
  let roll = random() * TOTAL_WEIGHT;
  for (const [step, weight] of STEPS) {
    if ((roll -= weight) < 0) return step;
  }
  return STEPS[0][0];
}

/** Runs client `id`'s loop until `shouldStop()`; everything is counted in `stats`. */
export async function runClient({ id, client, stats, shouldStop }) {
  const step = { kv: countedClient(client, stats), own: new OwnKeys(id), random: rng(id + 1), stats };
  while (!shouldStop()) {
    const run = pickStep(step.random);
    try {
      await run(step);
    } catch (err) {
      if (!(err instanceof CommandFailed)) stats.unexpected(run.name, err);
      step.own.stale = true;
    }
    if (step.own.stale) await resynchronize(step);
  }
}

/** After a failure, the own keys' values are unknown: delete them and start counting again. */
async function resynchronize({ kv, own }) {
  try {
    await kv.del(...own.all);
    own.reset();
  } catch {
    // Counted already; the next failed step tries again.
  }
}
