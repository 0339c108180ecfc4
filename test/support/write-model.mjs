// A write load whose outcome can be checked after a crash (used by
// test/integration/aof-crash.test.mjs).
//
// A Caller owns the keys under its prefix and issues one command at a time
// through an emberkv Client, drawn from a seeded mix over every type:
// strings (SET, APPEND, INCR), lists (RPUSH, LPOP, LMOVE), hashes (HSET,
// HINCRBY), sets (SADD, SREM), sorted sets (ZADD, ZINCRBY), keys (EXPIRE,
// DEL), a multi-key MSET and a transaction (client.exec). Every command it
// issues is recorded in order, with the time it was issued and the time it
// was acknowledged; a small model of its keys gives the reply each command
// must get and the state of the keys after any number of them.
//
// INVARIANTS: only this caller writes its keys, and it has at most one
// command in flight, so after a crash its keys hold exactly
// stateAfter(k) for the k commands the server applied: every command
// before the one in flight at the crash, and that one or not. A multi-key
// command or a transaction applied in part matches no stateAfter(k).
//
// The canonical form of a state (a string) is the same for the model and
// for what readState() reads back from a server: keys sorted, set members
// and hash fields sorted, scores as numbers, and for each key whether it
// has a TTL (EXPIRE sets one of 10^5 s, so none expires during a test).
import { rng } from './random.mjs';

const TTL_SECONDS = 100_000;

/** The data of one caller's keys: key -> { t: type, v: value }, and the keys with a TTL. */
class Model {
  data = new Map();
  ttl = new Set();

  #get(key, type) {
    const entry = this.data.get(key);
    if (entry && entry.t !== type) throw new Error(`model: ${key} is a ${entry.t}, not a ${type}`);
    return entry;
  }
  #delete(key) {
    this.data.delete(key);
    this.ttl.delete(key);
  }
  #create(key, type, value) {
    const entry = { t: type, v: value };
    this.data.set(key, entry);
    return entry;
  }

  set(key, value) {
    this.#delete(key);
    this.#create(key, 'string', value);
    return 'OK';
  }
  append(key, suffix) {
    const entry = this.#get(key, 'string') ?? this.#create(key, 'string', '');
    entry.v += suffix;
    return entry.v.length;
  }
  incr(key) {
    const entry = this.#get(key, 'string') ?? this.#create(key, 'string', '0');
    entry.v = String(Number(entry.v) + 1);
    return Number(entry.v);
  }
  rpush(key, element) {
    const entry = this.#get(key, 'list') ?? this.#create(key, 'list', []);
    entry.v.push(element);
    return entry.v.length;
  }
  lpop(key) {
    const entry = this.#get(key, 'list');
    if (!entry) return null;
    const element = entry.v.shift();
    if (entry.v.length === 0) this.#delete(key);
    return element;
  }
  lmove(source, destination) {
    this.#get(destination, 'list');
    const element = this.lpop(source);
    if (element !== null) this.rpush(destination, element);
    return element;
  }
  hset(key, field, value) {
    const entry = this.#get(key, 'hash') ?? this.#create(key, 'hash', new Map());
    const added = entry.v.has(field) ? 0 : 1;
    entry.v.set(field, value);
    return added;
  }
  hincrby(key, field, by) {
    const entry = this.#get(key, 'hash') ?? this.#create(key, 'hash', new Map());
    const value = Number(entry.v.get(field) ?? 0) + by;
    entry.v.set(field, String(value));
    return value;
  }
  sadd(key, member) {
    const entry = this.#get(key, 'set') ?? this.#create(key, 'set', new Set());
    const added = entry.v.has(member) ? 0 : 1;
    entry.v.add(member);
    return added;
  }
  srem(key, member) {
    const entry = this.#get(key, 'set');
    if (!entry || !entry.v.has(member)) return 0;
    entry.v.delete(member);
    if (entry.v.size === 0) this.#delete(key);
    return 1;
  }
  zadd(key, score, member) {
    const entry = this.#get(key, 'zset') ?? this.#create(key, 'zset', new Map());
    const added = entry.v.has(member) ? 0 : 1;
    entry.v.set(member, score);
    return added;
  }
  zincrby(key, by, member) {
    const entry = this.#get(key, 'zset') ?? this.#create(key, 'zset', new Map());
    const score = (entry.v.get(member) ?? 0) + by;
    entry.v.set(member, score);
    return String(score);
  }
  expire(key) {
    if (!this.data.has(key)) return 0;
    this.ttl.add(key);
    return 1;
  }
  del(key) {
    const existed = this.data.has(key) ? 1 : 0;
    this.#delete(key);
    return existed;
  }

  /** The canonical form of the state (see the header). */
  canonical() {
    return canonicalForm([...this.data].map(([key, { t, v }]) => [key, t, v, this.ttl.has(key)]));
  }
}

/** [key, type, value (string, array, Map or Set), hasTtl][] -> the canonical string. */
function canonicalForm(entries) {
  const rows = entries.map(([key, type, value, ttl]) => {
    let v;
    if (type === 'string') v = value;
    else if (type === 'list') v = [...value];
    else if (type === 'set') v = [...value].sort();
    else if (type === 'hash') v = [...value].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    else if (type === 'zset') v = [...value].map(([m, s]) => [m, Number(s)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    else throw new Error(`unexpected type ${type} of ${key}`);
    return [key, type, v, ttl];
  });
  rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(rows);
}

/** Where two canonical states differ, key by key, for an assertion message. */
export function describeDifference(actual, expected) {
  const a = new Map(JSON.parse(actual).map((row) => [row[0], JSON.stringify(row.slice(1))]));
  const e = new Map(JSON.parse(expected).map((row) => [row[0], JSON.stringify(row.slice(1))]));
  const lines = [];
  for (const key of new Set([...a.keys(), ...e.keys()])) {
    if (a.get(key) === e.get(key)) continue;
    lines.push(`    ${key}: server ${a.get(key) ?? '(missing)'}, expected ${e.get(key) ?? '(missing)'}`);
  }
  return lines.join('\n') || '    (no difference)';
}

/** Replies as the Client gives them, made comparable with the model's. */
function normalize(reply) {
  if (Array.isArray(reply)) return reply.map(normalize);
  return reply === null ? null : String(reply);
}

/**
 * Reads `keys` from a server into the canonical form: their type, value
 * and whether they have a TTL.
 */
export async function readState(client, keys) {
  const [types, ttls] = await Promise.all([
    Promise.all(keys.map((key) => client.call('TYPE', key))),
    Promise.all(keys.map((key) => client.call('PTTL', key))),
  ]);
  const entries = await Promise.all(
    keys.map(async (key, i) => {
      const type = types[i];
      let value;
      if (type === 'none') return null;
      if (type === 'string') value = await client.call('GET', key);
      else if (type === 'list') value = await client.call('LRANGE', key, 0, -1);
      else if (type === 'set') value = await client.call('SMEMBERS', key);
      else if (type === 'hash' || type === 'zset') {
        const flat = await (type === 'hash' ? client.call('HGETALL', key) : client.call('ZRANGE', key, 0, -1, 'WITHSCORES'));
        value = new Map();
        for (let j = 0; j < flat.length; j += 2) value.set(flat[j], flat[j + 1]);
      } else throw new Error(`${key} has the unexpected type ${type}`);
      if (ttls[i] === -2) throw new Error(`${key}: TYPE ${type} but PTTL -2`);
      return [key, type, value, ttls[i] >= 0];
    }),
  );
  return canonicalForm(entries.filter((e) => e !== null));
}

/**
 * One caller: its keys, the commands it issued (in order), and the model.
 * ops[i] = { label, send(client), apply(model) -> expected reply,
 * issuedAt, ackedAt (undefined: not acknowledged) }.
 */
export class Caller {
  /** Failures that are not the server going away (wrong replies, errors while alive). */
  errors = [];
  ops = [];
  #model = new Model();  // the state after the acknowledged commands
  #random;
  #prefix;

  constructor(prefix, seed) {
    this.#prefix = prefix;
    this.#random = rng(seed);
    const k = (name) => `${prefix}${name}`;
    this.keys = ['str', 'ctr', 'l1', 'l2', 'h', 's', 'z', 'a', 'b', 'c', 'txc', 'txv'].map(k);
  }

  get prefix() {
    return this.#prefix;
  }

  /** Commands acknowledged (a prefix of ops). */
  get acked() {
    let n = 0;
    while (n < this.ops.length && this.ops[n].ackedAt !== undefined) n++;
    return n;
  }

  /** The canonical state after the first k commands. */
  stateAfter(k) {
    const model = new Model();
    for (let i = 0; i < k; i++) this.ops[i].apply(model);
    return model.canonical();
  }

  /** Canonical states after 0..ops.length commands (index k: after k). */
  allStates() {
    const model = new Model();
    const states = [model.canonical()];
    for (const op of this.ops) {
      op.apply(model);
      states.push(model.canonical());
    }
    return states;
  }

  /** The next command, chosen from the acknowledged state (for SREM's member). */
  #next() {
    const r = this.#random;
    const i = this.ops.length;
    const key = (name) => `${this.#prefix}${name}`;
    const pick = (list) => list[Math.floor(r() * list.length)];
    const cmd = (argv, apply) => ({ label: argv.join(' '), send: (c) => c.call(...argv), apply });
    const choices = [
      [3, () => cmd(['SET', key('str'), `v${i}`], (m) => m.set(key('str'), `v${i}`))],
      [3, () => cmd(['APPEND', key('str'), `,${i}`], (m) => m.append(key('str'), `,${i}`))],
      [4, () => cmd(['INCR', key('ctr')], (m) => m.incr(key('ctr')))],
      [5, () => cmd(['RPUSH', key('l1'), `e${i}`], (m) => m.rpush(key('l1'), `e${i}`))],
      [2, () => cmd(['LPOP', key('l1')], (m) => m.lpop(key('l1')))],
      [3, () => cmd(['LMOVE', key('l1'), key('l2'), 'LEFT', 'RIGHT'], (m) => m.lmove(key('l1'), key('l2')))],
      [3, () => {
        const field = `f${Math.floor(r() * 4)}`;
        return cmd(['HSET', key('h'), field, `v${i}`], (m) => m.hset(key('h'), field, `v${i}`));
      }],
      [3, () => cmd(['HINCRBY', key('h'), 'n', '3'], (m) => m.hincrby(key('h'), 'n', 3))],
      [3, () => cmd(['SADD', key('s'), `m${i}`], (m) => m.sadd(key('s'), `m${i}`))],
      [3, () => {
        const members = this.#model.data.get(key('s'))?.v;
        const member = members?.size ? pick([...members]) : 'absent';
        return cmd(['SREM', key('s'), member], (m) => m.srem(key('s'), member));
      }],
      [3, () => {
        const member = `m${Math.floor(r() * 4)}`;
        return cmd(['ZADD', key('z'), String(i), member], (m) => m.zadd(key('z'), i, member));
      }],
      [3, () => {
        const member = `m${Math.floor(r() * 4)}`;
        return cmd(['ZINCRBY', key('z'), '1.5', member], (m) => m.zincrby(key('z'), 1.5, member));
      }],
      [2, () => {
        const target = key(pick(['str', 'h', 'l2', 'a']));
        return cmd(['EXPIRE', target, String(TTL_SECONDS)], (m) => m.expire(target));
      }],
      [1, () => {
        const target = key(pick(['str', 'l2', 'a', 'z']));
        return cmd(['DEL', target], (m) => m.del(target));
      }],
      [2, () =>
        cmd(['MSET', key('a'), `a${i}`, key('b'), `b${i}`, key('c'), `c${i}`], (m) => {
          m.set(key('a'), `a${i}`);
          m.set(key('b'), `b${i}`);
          return m.set(key('c'), `c${i}`);
        })],
      [2, () => {
        const commands = [
          ['INCR', key('txc')],
          ['RPUSH', key('l2'), `t${i}`],
          ['HSET', key('h'), 'tx', `${i}`],
          ['SET', key('txv'), `${i}`],
          ['ZINCRBY', key('z'), '1', 'tx'],
        ];
        return {
          label: `EXEC [${commands.map((c) => c.join(' ')).join('; ')}]`,
          send: (c) => c.exec(commands),
          apply: (m) => [
            m.incr(key('txc')),
            m.rpush(key('l2'), `t${i}`),
            m.hset(key('h'), 'tx', `${i}`),
            m.set(key('txv'), `${i}`),
            m.zincrby(key('z'), 1, 'tx'),
          ],
        };
      }],
    ];
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let x = r() * total;
    for (const [w, make] of choices) {
      if ((x -= w) < 0) return make();
    }
    return choices.at(-1)[1]();
  }

  /**
   * Issues commands one at a time until stop() says so. A failure once
   * `dead()` is true (the server was killed) ends the loop and leaves that
   * command unacknowledged; any other failure or a wrong reply is
   * recorded in `errors` (and ends the loop).
   */
  async run(client, { stop, dead = () => false }) {
    while (!stop()) {
      const op = this.#next();
      op.issuedAt = performance.now();
      this.ops.push(op);
      let reply;
      try {
        reply = await op.send(client);
      } catch (err) {
        if (dead()) return;
        this.errors.push(`${op.label}: ${err.message}`);
        return;
      }
      op.ackedAt = performance.now();
      const expected = op.apply(this.#model);
      if (JSON.stringify(normalize(reply)) !== JSON.stringify(normalize(expected))) {
        this.errors.push(`${op.label}: replied ${JSON.stringify(reply)}, the model expected ${JSON.stringify(expected)}`);
        return;
      }
    }
  }
}
