// Unit tests of the server command family (native/core/commands/server.cc)
// through the embedded API: PING, ECHO, TIME, DBSIZE, FLUSHDB, FLUSHALL,
// COMMAND and INFO. Expected replies and errors are those of redis-server
// 7.0.15, checked by hand against it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, commands } from 'emberkv';
import { T0, withEngine, fails } from '../support/engine.mjs';

const SYNTAX = 'ERR syntax error';
const arity = (name) => `ERR wrong number of arguments for '${name}' command`;
const sorted = (a) => [...a].sort();

/** INFO text as { section: { field: value } }, checking the framing. */
function parseInfo(text) {
  assert.ok(!/[^\r]\n/.test(text), 'lines end with CRLF');
  const sections = {};
  let current = null;
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    if (line.startsWith('# ')) {
      current = line.slice(2);
      sections[current] = {};
      continue;
    }
    assert.ok(current, `field before any header: ${line}`);
    const colon = line.indexOf(':');
    assert.ok(colon > 0, `field line: ${line}`);
    sections[current][line.slice(0, colon)] = line.slice(colon + 1);
  }
  return sections;
}

/** Redis's bytesToHuman. */
function human(n) {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let unit = 1024;
  for (const u of units) {
    if (n < unit * 1024) return `${(n / unit).toFixed(2)}${u}`;
    unit *= 1024;
  }
  return `${n}B`;
}

const table = new Map(commands().map((c) => [c.name, c]));

describe('command table', () => {
  // name: [arity, flags, categories], as COMMAND INFO in Redis 7.0 (no keys).
  const expected = {
    ping: [-1, ['fast'], ['fast', 'connection']],
    echo: [2, ['loading', 'stale', 'fast'], ['fast', 'connection']],
    time: [1, ['loading', 'stale', 'fast'], ['fast']],
    dbsize: [1, ['readonly', 'fast'], ['keyspace', 'read', 'fast']],
    flushall: [-1, ['write'], ['keyspace', 'write', 'slow', 'dangerous']],
    flushdb: [-1, ['write'], ['keyspace', 'write', 'slow', 'dangerous']],
    command: [-1, ['loading', 'stale'], ['slow', 'connection']],
    info: [-1, ['loading', 'stale'], ['slow', 'dangerous']],
  };
  for (const [name, [ar, flags, categories]] of Object.entries(expected)) {
    test(name, () => {
      const c = table.get(name);
      assert.ok(c, `${name} is declared`);
      assert.equal(c.arity, ar);
      assert.deepEqual(sorted(c.flags), sorted(flags));
      assert.deepEqual(sorted(c.categories), sorted(categories));
      assert.deepEqual([c.firstKey, c.lastKey, c.keyStep], [0, 0, 0]);
    });
  }

  test('command subcommands', () => {
    const subs = new Map(table.get('command').subcommands.map((c) => [c.name, c]));
    const arities = {
      'command|count': 2, 'command|info': -2, 'command|list': -2, 'command|docs': -2, 'command|getkeys': -4,
      'command|help': 2,
    };
    assert.deepEqual(sorted(subs.keys()), sorted(Object.keys(arities)));
    for (const [name, ar] of Object.entries(arities)) {
      assert.equal(subs.get(name).arity, ar, name);
      assert.deepEqual(sorted(subs.get(name).flags), ['loading', 'stale']);
      assert.deepEqual(sorted(subs.get(name).categories), ['connection', 'slow']);
    }
  });
});

describe('PING, ECHO, TIME', () => {
  test('PING', withEngine((e) => {
    assert.equal(e.call('PING'), 'PONG');
    assert.equal(e.call('ping', 'hello'), 'hello');
    assert.deepEqual(e.callBuffer('PING', Buffer.from([0, 255])), Buffer.from([0, 255]));
    fails(e, arity('ping'), 'PING', 'a', 'b');
  }));

  test('ECHO', withEngine((e) => {
    assert.equal(e.call('ECHO', 'hi'), 'hi');
    assert.equal(e.call('ECHO', ''), '');
    assert.deepEqual(e.callBuffer('ECHO', Buffer.from([0, 1, 2])), Buffer.from([0, 1, 2]));
    fails(e, arity('echo'), 'ECHO');
    fails(e, arity('echo'), 'ECHO', 'a', 'b');
  }));

  test('TIME follows the manual clock', withEngine((e) => {
    assert.deepEqual(e.call('TIME'), [String(T0 / 1000), '0']);
    e.at(T0 + 1234);
    assert.deepEqual(e.call('TIME'), [String(T0 / 1000 + 1), '234000']);
    fails(e, arity('time'), 'TIME', 'x');
  }));

  test('TIME on the system clock', () => {
    const e = new Engine({ backgroundUpkeep: false });
    try {
      const before = Date.now();
      const [s, us] = e.call('TIME');
      const after = Date.now();
      assert.match(s, /^\d+$/);
      assert.match(us, /^\d+$/);
      assert.ok(Number(us) < 1_000_000);
      const ms = Number(s) * 1000 + Math.floor(Number(us) / 1000);
      assert.ok(ms >= before - 1 && ms <= after + 1, `${ms} in [${before}, ${after}]`);
    } finally {
      e.close();
    }
  });
});

describe('PUBLISH and PUBSUB without subscribers (embedded)', () => {
  test('replies as Redis 7.0 with no subscriber, errors included', withEngine((e) => {
    assert.equal(e.publish('news', 'hello'), 0);
    assert.deepEqual(e.pubsubChannels(), []);
    assert.deepEqual(e.pubsubChannels('n*'), []);
    assert.deepEqual(e.pubsubNumSub('a', 'b'), [['a', 0], ['b', 0]]);
    assert.deepEqual(e.pubsubNumSub(), []);
    assert.equal(e.pubsubNumPat(), 0);
    assert.deepEqual(e.pubsubShardChannels(), []);
    assert.deepEqual(e.pubsubShardNumSub('s'), [['s', 0]]);
    assert.equal(e.call('PUBSUB', 'HELP')[0], 'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.throws(() => e.call('PUBSUB', 'CHANNELS', 'a', 'b'),
      { message: "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP." });
    assert.throws(() => e.call('PUBSUB', 'NOSUCH'), { message: "ERR unknown subcommand 'NOSUCH'. Try PUBSUB HELP." });
    assert.throws(() => e.call('PUBSUB', 'NUMPAT', 'x'), { message: "ERR wrong number of arguments for 'pubsub|numpat' command" });
    assert.throws(() => e.call('PUBLISH', 'c'), { message: "ERR wrong number of arguments for 'publish' command" });
  }));
});

describe('DBSIZE, FLUSHDB, FLUSHALL', () => {
  test('DBSIZE counts keys, expired ones until reclaimed', withEngine((e) => {
    assert.equal(e.call('DBSIZE'), 0);
    e.call('MSET', 'a', '1', 'b', '2');
    e.call('SET', 'c', '3', 'PX', '10');
    assert.equal(e.call('DBSIZE'), 3);
    e.advance(10); // the expiry millisecond itself: still alive
    assert.equal(e.call('GET', 'c'), '3');
    assert.equal(e.call('DBSIZE'), 3);
    e.advance(1);
    assert.equal(e.call('DBSIZE'), 3);
    e.call('GET', 'c');
    assert.equal(e.call('DBSIZE'), 2);
  }));

  test('FLUSHDB empties only the current database', withEngine((e) => {
    e.call('MSET', 'a', '1', 'b', '2');
    e.call('COPY', 'a', 'a', 'DB', '3');
    assert.equal(e.call('FLUSHDB'), 'OK');
    assert.equal(e.call('DBSIZE'), 0);
    assert.equal(e.call('INFO', 'keyspace'), '# Keyspace\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n');
  }));

  test('FLUSHALL empties every database', withEngine((e) => {
    e.call('MSET', 'a', '1', 'b', '2');
    e.call('COPY', 'a', 'a', 'DB', '3');
    e.call('COPY', 'a', 'a', 'DB', '15');
    assert.equal(e.call('FLUSHALL'), 'OK');
    assert.equal(e.call('DBSIZE'), 0);
    assert.equal(e.call('INFO', 'keyspace'), '# Keyspace\r\n');
    assert.equal(e.call('GET', 'a'), null);
  }));

  test('ASYNC and SYNC are accepted, anything else is a syntax error', withEngine((e) => {
    for (const cmd of ['FLUSHDB', 'FLUSHALL']) {
      e.call('SET', 'k', 'v');
      assert.equal(e.call(cmd, 'ASYNC'), 'OK');
      assert.equal(e.call('DBSIZE'), 0);
      e.call('SET', 'k', 'v');
      assert.equal(e.call(cmd, 'sync'), 'OK');
      assert.equal(e.call('DBSIZE'), 0);
      e.call('SET', 'k', 'v');
      fails(e, SYNTAX, cmd, 'x');
      fails(e, SYNTAX, cmd, 'sync', 'x');
      fails(e, SYNTAX, cmd, 'async', 'async');
      assert.equal(e.call('DBSIZE'), 1, 'an error flushes nothing');
    }
  }));

  test('the memory is given back', withEngine((e) => {
    const empty = e.memoryUsage();
    for (let i = 0; i < 1000; i++) e.call('SET', `k${i}`, 'x'.repeat(100));
    assert.ok(e.memoryUsage() > empty + 100_000);
    e.call('FLUSHALL');
    assert.ok(e.memoryUsage() < empty + 10_000, `${e.memoryUsage()} after FLUSHALL`);
  }));
});

describe('COMMAND', () => {
  test('COUNT and the bare command agree with the table', withEngine((e) => {
    assert.equal(e.call('COMMAND', 'COUNT'), commands().length);
    const all = e.call('COMMAND');
    assert.equal(all.length, commands().length);
    assert.deepEqual(sorted(all.map((c) => c[0])), sorted(commands().map((c) => c.name)));
    assert.deepEqual(e.call('COMMAND', 'INFO'), all);
  }));

  test('INFO has the Redis 7 shape', withEngine((e) => {
    assert.deepEqual(e.call('COMMAND', 'INFO', 'get'), [
      ['get', 2, ['readonly', 'fast'], 1, 1, 1, ['@read', '@string', '@fast'], [], [], []],
    ]);
    assert.deepEqual(e.call('command', 'info', 'MSET', 'nosuch', 'ping'), [
      ['mset', -3, ['write', 'denyoom'], 1, -1, 2, ['@write', '@string', '@slow'], [], [], []],
      null,
      ['ping', -1, ['fast'], 0, 0, 0, ['@fast', '@connection'], [], [], []],
    ]);
    const [object] = e.call('COMMAND', 'INFO', 'object');
    assert.deepEqual(object.slice(0, 9), ['object', -2, [], 0, 0, 0, ['@slow'], [], []]);
    assert.deepEqual(
      object[9].find((s) => s[0] === 'object|encoding'),
      ['object|encoding', 3, ['readonly'], 2, 2, 1, ['@keyspace', '@read', '@slow'], [], [], []],
    );
  }));

  test('INFO looks up subcommands as container|sub', withEngine((e) => {
    const [sub] = e.call('COMMAND', 'INFO', 'OBJECT|Encoding');
    assert.equal(sub[0], 'object|encoding');
    for (const name of ['get|', '|', 'object|', 'object|nosuch', 'object|encoding|x', '', 'get\u0000']) {
      assert.deepEqual(e.call('COMMAND', 'INFO', name), [null], JSON.stringify(name));
    }
  }));

  test('INFO agrees with the table for every command', withEngine((e) => {
    const flagsOrder = ['write', 'readonly', 'denyoom', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale', 'fast', 'no_auth', 'movablekeys'];
    const check = (info, c) => {
      assert.equal(info[0], c.name);
      assert.equal(info[1], c.arity);
      assert.deepEqual(sorted(info[2]), sorted(c.flags));
      // Flags print in Redis's order.
      assert.deepEqual(info[2], flagsOrder.filter((f) => info[2].includes(f)));
      assert.deepEqual(info.slice(3, 6), [c.firstKey, c.lastKey, c.keyStep]);
      assert.deepEqual(sorted(info[6]), sorted(c.categories.map((x) => `@${x}`)));
      assert.equal(info[9].length, c.subcommands.length);
    };
    for (const c of commands()) {
      const [info] = e.call('COMMAND', 'INFO', c.name);
      check(info, c);
      for (const sub of c.subcommands) check(e.call('COMMAND', 'INFO', sub.name)[0], sub);
    }
  }));

  test('LIST with filters', withEngine((e) => {
    const names = e.call('COMMAND', 'LIST');
    assert.ok(names.includes('get'));
    assert.ok(names.includes('object'));
    assert.ok(names.includes('object|encoding'));
    assert.ok(names.includes('command|list'));
    const keyspace = e.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'KEYSPACE');
    assert.ok(keyspace.includes('del') && keyspace.includes('object|encoding') && keyspace.includes('dbsize'));
    assert.ok(!keyspace.includes('object') && !keyspace.includes('get'));
    assert.deepEqual(e.call('COMMAND', 'LIST', 'FILTERBY', 'aclcat', '@keyspace'), []);
    assert.deepEqual(e.call('COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'nosuch'), []);
    assert.deepEqual(e.call('COMMAND', 'LIST', 'FILTERBY', 'module', 'x'), []);
    // Patterns match without regard to case.
    assert.deepEqual(sorted(e.call('COMMAND', 'LIST', 'filterby', 'pattern', 'OBJECT*')), [
      'object', 'object|encoding', 'object|freq', 'object|help', 'object|idletime', 'object|refcount',
    ]);
    assert.deepEqual(e.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'pexpire?'), []);
    assert.deepEqual(sorted(e.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'pexpire*')), ['pexpire', 'pexpireat', 'pexpiretime']);
    fails(e, SYNTAX, 'COMMAND', 'LIST', 'FILTERBY', 'foo', 'bar');
    fails(e, SYNTAX, 'COMMAND', 'LIST', 'FILTERBY', 'pattern');
    fails(e, SYNTAX, 'COMMAND', 'LIST', 'FILTERBY', 'pattern', 'x', 'y');
    fails(e, SYNTAX, 'COMMAND', 'LIST', 'foo');
  }));

  test('errors and HELP', withEngine((e) => {
    fails(e, "ERR unknown subcommand 'foo'. Try COMMAND HELP.", 'COMMAND', 'foo');
    fails(e, "ERR unknown subcommand 'foo'. Try COMMAND HELP.", 'command', 'foo', 'bar');
    fails(e, "ERR unknown subcommand 'a b'. Try COMMAND HELP.", 'COMMAND', 'a\nb');
    fails(e, arity('command|count'), 'COMMAND', 'COUNT', 'x');
    fails(e, arity('command|help'), 'COMMAND', 'HELP', 'x');
    const help = e.call('COMMAND', 'HELP');
    assert.equal(help[0], 'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(help.at(-1), '    Prints this help.');
  }));
});

describe('COMMAND DOCS and GETKEYS', () => {
  /** A flat map reply as an object (values that are maps stay flat). */
  const asObject = (flat) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));

  test('DOCS gives every command its Redis group, subcommands nested', withEngine((e) => {
    const all = asObject(e.call('COMMAND', 'DOCS'));
    assert.deepEqual(sorted(Object.keys(all)), sorted(commands().map((c) => c.name)));
    // Groups as redis-server 7.0.15's COMMAND DOCS, family by family and
    // for the rows that differ from their family.
    const groups = {
      get: 'string', del: 'generic', object: 'generic', lpush: 'list', hset: 'hash', sadd: 'set', zadd: 'sorted-set',
      publish: 'pubsub', pubsub: 'pubsub', ping: 'connection', echo: 'connection', command: 'server', dbsize: 'server',
      flushall: 'server', info: 'server', config: 'server', memory: 'server', save: 'server', acl: 'server',
      debug: 'server', slowlog: 'server', latency: 'server', wait: 'generic', function: 'scripting', script: 'scripting',
    };
    for (const [name, group] of Object.entries(groups)) assert.deepEqual(asObject(all[name]).group, group, name);
    assert.deepEqual(all.get, ['group', 'string']);
    const config = asObject(all.config);
    const subs = asObject(config.subcommands);
    assert.deepEqual(sorted(Object.keys(subs)), ['config|get', 'config|help', 'config|resetstat', 'config|set']);
    assert.deepEqual(subs['config|get'], ['group', 'server']);
  }));

  test('DOCS of named commands skips unknown names', withEngine((e) => {
    assert.deepEqual(e.call('COMMAND', 'DOCS', 'nosuch', 'GET', 'object|encoding'), [
      'get', ['group', 'string'], 'object|encoding', ['group', 'generic'],
    ]);
    assert.deepEqual(e.call('COMMAND', 'DOCS', 'nosuch'), []);
  }));

  test('GETKEYS reads the table key positions, as redis-server', withEngine((e) => {
    assert.deepEqual(e.call('COMMAND', 'GETKEYS', 'SET', 'a', 'b'), ['a']);
    assert.deepEqual(e.call('COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b'), ['a', 'b']);
    assert.deepEqual(e.call('COMMAND', 'GETKEYS', 'DEL', 'a', 'b', 'c'), ['a', 'b', 'c']);
    assert.deepEqual(e.call('COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'), ['d', 'a', 'b']);
    assert.deepEqual(e.call('COMMAND', 'GETKEYS', 'LMPOP', '2', 'a', 'b', 'LEFT'), ['a', 'b']);
    assert.deepEqual(e.call('COMMAND', 'GETKEYS', 'OBJECT', 'ENCODING', 'a'), ['a']);
    const invalidArgs = 'ERR Invalid arguments specified for command';
    fails(e, invalidArgs, 'COMMAND', 'GETKEYS', 'zunionstore', 'd', '3', 'a', 'b');
    fails(e, invalidArgs, 'COMMAND', 'GETKEYS', 'zunionstore', 'd', '0', 'a');
    fails(e, invalidArgs, 'COMMAND', 'GETKEYS', 'zunionstore', 'd', '-1', 'a');
    fails(e, 'ERR Invalid number of arguments specified for command', 'COMMAND', 'GETKEYS', 'get', 'a', 'b');
    fails(e, 'ERR Invalid number of arguments specified for command', 'COMMAND', 'GETKEYS', 'set', 'a');
    fails(e, 'ERR The command has no key arguments', 'COMMAND', 'GETKEYS', 'ping', 'x');
    fails(e, 'ERR The command has no key arguments', 'COMMAND', 'GETKEYS', 'config', 'get', 'x');
    fails(e, 'ERR Invalid command specified', 'COMMAND', 'GETKEYS', 'nosuch', 'a');
    fails(e, 'ERR Invalid command specified', 'COMMAND', 'GETKEYS', 'object', 'nosuch', 'a');
    fails(e, arity('command|getkeys'), 'COMMAND', 'GETKEYS', 'get');
    fails(e, arity('command|getkeys'), 'COMMAND', 'GETKEYS', 'ping');
  }));
});

describe('INFO', () => {
  test('default sections, in Redis order, CRLF framed', withEngine((e) => {
    const text = e.call('INFO');
    assert.ok(text.startsWith('# Server\r\nredis_version:7.0.15\r\n'));
    assert.ok(text.endsWith('\r\n'));
    assert.deepEqual(Object.keys(parseInfo(text)), ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'Keyspace']);
    assert.ok(text.includes('\r\n\r\n# Memory\r\n'), 'sections are separated by a blank line');
    for (const arg of ['default', 'ALL', 'everything']) {
      assert.deepEqual(Object.keys(parseInfo(e.call('INFO', arg))), ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'Keyspace'], arg);
    }
  }));

  test('section selection is case-insensitive; unknown sections are empty', withEngine((e) => {
    assert.deepEqual(Object.keys(parseInfo(e.call('INFO', 'SERVER'))), ['Server']);
    assert.deepEqual(Object.keys(parseInfo(e.call('INFO', 'keyspace', 'Server'))), ['Server', 'Keyspace']);
    assert.deepEqual(Object.keys(parseInfo(e.call('INFO', 'stats', 'stats'))), ['Stats']);
    assert.equal(e.call('INFO', 'nosuch'), '');
    assert.deepEqual(Object.keys(parseInfo(e.call('INFO', 'server\u0000junk'))), ['Server']); // C-string compare
    assert.deepEqual(Object.keys(parseInfo(e.call('INFO', 'nosuch', 'memory'))), ['Memory']);
  }));

  test('server', withEngine((e) => {
    const { Server: s } = parseInfo(e.call('INFO', 'server'));
    assert.equal(s.redis_version, '7.0.15');
    assert.equal(s.emberkv_version, '0.1.0');
    assert.equal(s.redis_mode, 'standalone');
    assert.equal(Number(s.process_id), process.pid);
    assert.match(s.run_id, /^[0-9a-f]{40}$/);
    assert.match(s.uptime_in_seconds, /^\d+$/);
    assert.match(s.uptime_in_days, /^\d+$/);
    assert.equal(s.server_time_usec, String(T0 * 1000));
  }));

  test('uptime on the system clock', () => {
    const e = new Engine({ backgroundUpkeep: false });
    try {
      const { Server: s } = parseInfo(e.call('INFO', 'server'));
      assert.equal(s.uptime_in_seconds, '0');
      assert.equal(s.uptime_in_days, '0');
    } finally {
      e.close();
    }
  });

  test('memory', withEngine((e) => {
    e.call('SET', 'big', 'x'.repeat(2_000_000));
    const { Memory: m } = parseInfo(e.call('INFO', 'memory'));
    const used = Number(m.used_memory);
    assert.ok(used >= 2_000_000);
    assert.equal(m.used_memory_human, human(used));
    assert.match(m.used_memory_human, /^\d+\.\d\dM$/);
    assert.ok(Number(m.used_memory_peak) >= used);
    assert.equal(m.used_memory_peak_human, human(Number(m.used_memory_peak)));
    assert.equal(m.maxmemory, '0');
    assert.equal(m.maxmemory_human, '0B');
    assert.equal(m.maxmemory_policy, 'noeviction');
    assert.equal(m.mem_allocator, 'libc');
    assert.equal(e.memoryUsage(), used);
  }));

  test('stats', withEngine((e) => {
    const stats = () => parseInfo(e.call('INFO', 'stats')).Stats;
    const s0 = stats();
    for (const f of ['total_commands_processed', 'expired_keys', 'evicted_keys', 'keyspace_hits', 'keyspace_misses']) {
      assert.match(s0[f], /^\d+$/, f);
    }
    e.call('SET', 'k', 'v', 'PX', '10');
    e.call('GET', 'k');
    e.call('GET', 'nokey');
    e.advance(11);
    e.call('GET', 'k');
    const s1 = stats();
    assert.equal(Number(s1.total_commands_processed) - Number(s0.total_commands_processed), 5);
    assert.equal(Number(s1.keyspace_hits) - Number(s0.keyspace_hits), 1);
    assert.equal(Number(s1.keyspace_misses) - Number(s0.keyspace_misses), 2);
    assert.equal(Number(s1.expired_keys) - Number(s0.expired_keys), 1);
    assert.equal(s1.evicted_keys, '0');
  }));

  test('replication: a master without replicas, Redis 7.0 fields', withEngine((e) => {
    const r = parseInfo(e.call('INFO', 'replication')).Replication;
    assert.deepEqual(Object.keys(r), [
      'role', 'connected_slaves', 'master_failover_state', 'master_replid', 'master_replid2', 'master_repl_offset',
      'second_repl_offset', 'repl_backlog_active', 'repl_backlog_size', 'repl_backlog_first_byte_offset',
      'repl_backlog_histlen',
    ]);
    assert.equal(r.role, 'master');
    assert.equal(r.connected_slaves, '0');
    assert.match(r.master_replid, /^[0-9a-f]{40}$/);
    assert.equal(r.master_replid2, '0'.repeat(40));
    assert.equal(r.master_repl_offset, '0');
    assert.equal(r.second_repl_offset, '-1');
  }));

  test('keyspace lists non-empty databases', withEngine((e) => {
    assert.equal(e.call('INFO', 'keyspace'), '# Keyspace\r\n');
    e.call('MSET', 'a', '1', 'b', '2');
    e.call('EXPIRE', 'a', '100');
    e.call('COPY', 'b', 'b', 'DB', '2');
    assert.equal(
      e.call('INFO', 'keyspace'),
      '# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n',
    );
  }));
});
