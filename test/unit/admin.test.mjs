// Unit tests of the admin commands tools rely on, through the embedded API:
// DEBUG (OBJECT, SLEEP, SET-ACTIVE-EXPIRE, HELP), SLOWLOG, LATENCY,
// FUNCTION FLUSH, SCRIPT FLUSH and WAIT, with their CONFIG parameters.
// Expected replies and errors are those of redis-server 7.0.15, checked by
// hand against it (DEBUG with enable-debug-command yes). No assertion
// depends on timing: slow log tests use the thresholds 0 (log everything)
// and -1 (log nothing).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { commands } from 'emberkv';
import { T0, withEngine, fails } from '../support/engine.mjs';

const arity = (name) => `ERR wrong number of arguments for '${name}' command`;
const table = new Map(commands().map((c) => [c.name, c]));
const sub = (name) => table.get(name.split('|')[0]).subcommands.find((s) => s.name === name);

describe('command table rows', () => {
  // name: [arity, flags, categories], as COMMAND INFO in Redis 7.0.
  const admin = [['admin', 'noscript', 'loading', 'stale'], ['admin', 'slow', 'dangerous']];
  const expected = {
    debug: [-2, ...admin],
    slowlog: [-2, [], ['slow']],
    'slowlog|get': [-2, ['admin', 'loading', 'stale'], ['admin', 'slow', 'dangerous']],
    'slowlog|len': [2, ['admin', 'loading', 'stale'], ['admin', 'slow', 'dangerous']],
    'slowlog|reset': [2, ['admin', 'loading', 'stale'], ['admin', 'slow', 'dangerous']],
    'slowlog|help': [2, ['loading', 'stale'], ['slow']],
    latency: [-2, [], ['slow']],
    'latency|latest': [2, ...admin],
    'latency|history': [3, ...admin],
    'latency|reset': [-2, ...admin],
    'latency|doctor': [2, ...admin],
    'latency|help': [2, ['loading', 'stale'], ['slow']],
    function: [-2, [], ['slow']],
    'function|flush': [-2, ['write', 'noscript'], ['write', 'slow', 'scripting']],
    'function|help': [2, ['loading', 'stale'], ['slow', 'scripting']],
    script: [-2, [], ['slow']],
    'script|flush': [-2, ['noscript'], ['slow', 'scripting']],
    'script|help': [2, ['loading', 'stale'], ['slow', 'scripting']],
    wait: [3, ['noscript'], ['slow', 'connection']],
  };
  for (const [name, [ar, flags, categories]] of Object.entries(expected)) {
    test(name, () => {
      const c = name.includes('|') ? sub(name) : table.get(name);
      assert.ok(c, name);
      assert.equal(c.arity, ar);
      assert.deepEqual(c.flags, flags);
      assert.deepEqual(c.categories, categories);
      assert.equal(c.firstKey, 0);
    });
  }
});

describe('DEBUG', () => {
  test('OBJECT describes a value as Redis does, with what emberkv knows', withEngine((e) => {
    e.call('SET', 'k', 'vvv');
    e.call('SET', 'n', '123');
    e.call('RPUSH', 'l', 'a', 'b');
    const line = e.call('DEBUG', 'OBJECT', 'k');
    assert.match(line, /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr lru:\d+ lru_seconds_idle:0$/);
    // Small integers are Redis's shared objects (as OBJECT REFCOUNT says).
    assert.match(e.call('debug', 'object', 'n'), / refcount:2147483647 encoding:int /);
    assert.match(e.call('DEBUG', 'OBJECT', 'l'), / encoding:quicklist /);
    e.advance(5000);
    assert.match(e.call('DEBUG', 'OBJECT', 'k'), / lru_seconds_idle:5$/);
    // Not a touch: the idle time goes on.
    assert.match(e.call('DEBUG', 'OBJECT', 'k'), / lru_seconds_idle:5$/);
    fails(e, 'ERR no such key', 'DEBUG', 'OBJECT', 'nokey');
  }));

  test('SLEEP takes seconds as strtod reads them', withEngine((e) => {
    for (const seconds of ['0', '0.001', 'x', '-1', 'nan']) assert.equal(e.call('DEBUG', 'SLEEP', seconds), 'OK', seconds);
  }));

  test('SET-ACTIVE-EXPIRE turns the active expire cycle off and on', withEngine((e) => {
    e.call('SET', 'k', 'v', 'PX', '100');
    assert.equal(e.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), 'OK');
    e.advance(1000);
    e.runUpkeep();
    // Off: only a lookup would reclaim it; DBSIZE counts it still.
    assert.equal(e.call('DBSIZE'), 1);
    assert.equal(e.call('DEBUG', 'set-active-expire', '1'), 'OK');
    e.runUpkeep();
    assert.equal(e.call('DBSIZE'), 0);
    // Redis's atoi: any leading number but 0 turns it on, text is 0.
    assert.equal(e.call('DEBUG', 'SET-ACTIVE-EXPIRE', 'x'), 'OK');
    assert.equal(e.call('DEBUG', 'SET-ACTIVE-EXPIRE', '2'), 'OK');
  }));

  test('errors: Redis subcommands emberkv lacks, unknown ones, wrong counts', withEngine((e) => {
    fails(e, 'ERR DEBUG RELOAD is not supported by emberkv', 'DEBUG', 'reload');
    fails(e, 'ERR DEBUG POPULATE is not supported by emberkv', 'DEBUG', 'POPULATE', '10');
    fails(e, "ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.", 'DEBUG', 'nosuch');
    fails(e, "ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.", 'debug', 'SLEEP', '0', '1');
    fails(e, "ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP.", 'DEBUG', 'object');
    fails(e, "ERR unknown subcommand or wrong number of arguments for 'set-active-expire'. Try DEBUG HELP.", 'DEBUG', 'set-active-expire');
    fails(e, arity('debug'), 'DEBUG');
    const help = e.call('DEBUG', 'HELP');
    assert.equal(help[0], 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.ok(help.includes('SLEEP <seconds>'));
    assert.equal(help.at(-1), '    Prints this help.');
  }));
});

describe('SLOWLOG', () => {
  const config = (e, name) => e.call('CONFIG', 'GET', name)[1];

  test('settings: Redis names, defaults and ranges', withEngine((e) => {
    assert.equal(config(e, 'slowlog-log-slower-than'), '10000');
    assert.equal(config(e, 'slowlog-max-len'), '128');
    assert.equal(config(e, 'latency-monitor-threshold'), '0');
    fails(e, "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive",
      'CONFIG', 'SET', 'slowlog-log-slower-than', '-2');
    fails(e, "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive",
      'CONFIG', 'SET', 'slowlog-max-len', '-1');
    fails(e, "ERR CONFIG SET failed (possibly related to argument 'latency-monitor-threshold') - argument must be between 0 and 9223372036854775807 inclusive",
      'CONFIG', 'SET', 'latency-monitor-threshold', '-1');
  }));

  test('threshold 0 logs every command, newest first, Redis entry shape', withEngine((e) => {
    e.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    e.call('SET', 'k', 'x'.repeat(130));
    const [entry, previous] = e.call('SLOWLOG', 'GET', '2');
    const [id, time, duration, args, addr, name] = entry;
    assert.equal(id, previous[0] + 1);
    assert.equal(time, Math.floor(T0 / 1000));
    assert.ok(Number.isInteger(duration) && duration >= 0);
    assert.deepEqual(args, ['SET', 'k', `${'x'.repeat(128)}... (2 more bytes)`]);
    assert.equal(addr, '');
    assert.equal(name, '');
    // The CONFIG SET that set the threshold ran under it, so it is logged.
    assert.deepEqual(previous[3], ['CONFIG', 'SET', 'slowlog-log-slower-than', '0']);
  }));

  test('GET counts, LEN, RESET, and the max length', withEngine((e) => {
    e.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    for (let i = 0; i < 12; i++) e.call('PING', String(i));
    assert.equal(e.call('SLOWLOG', 'GET').length, 10);
    assert.equal(e.call('SLOWLOG', 'GET', '0').length, 0);
    const all = e.call('SLOWLOG', 'GET', '-1');
    assert.ok(all.length >= 13);
    assert.deepEqual(all[0][3], ['SLOWLOG', 'GET', '0']);
    e.call('CONFIG', 'SET', 'slowlog-max-len', '3');
    assert.equal(e.call('SLOWLOG', 'LEN'), 3);
    assert.equal(e.call('SLOWLOG', 'RESET'), 'OK');
    // SLOWLOG RESET is itself logged, once it ran.
    assert.deepEqual(e.call('SLOWLOG', 'GET').map((entry) => entry[3]), [['SLOWLOG', 'RESET']]);
  }));

  test('secrets are redacted as Redis redacts them', withEngine((e) => {
    e.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    e.call('CONFIG', 'SET', 'requirepass', 'hunter2', 'maxmemory', '0');
    e.call('CONFIG', 'SET', 'requirepass', '');
    e.call('ACL', 'SETUSER', 'bob', 'on', '>pw');
    const logged = e.call('SLOWLOG', 'GET', '3').map((entry) => entry[3]);
    assert.deepEqual(logged, [
      ['ACL', 'SETUSER', '(redacted)', '(redacted)', '(redacted)'],
      ['CONFIG', 'SET', 'requirepass', '(redacted)'],
      ['CONFIG', 'SET', 'requirepass', '(redacted)', 'maxmemory', '0'],
    ]);
  }));

  test('-1 logs nothing; many arguments are cut at 32', withEngine((e) => {
    e.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    const members = Array.from({ length: 40 }, (_, i) => `m${i}`);
    e.call('SADD', 's', ...members);
    const [[, , , args]] = e.call('SLOWLOG', 'GET', '1');
    assert.equal(args.length, 32);
    assert.deepEqual(args.slice(0, 3), ['SADD', 's', 'm0']);
    assert.equal(args[30], 'm28');
    assert.equal(args[31], '... (11 more arguments)');
    e.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
    const length = e.call('SLOWLOG', 'LEN');
    e.call('PING');
    assert.equal(e.call('SLOWLOG', 'LEN'), length);
  }));

  test('errors and HELP', withEngine((e) => {
    for (const count of ['-2', 'x']) {
      fails(e, 'ERR count should be greater than or equal to -1', 'SLOWLOG', 'GET', count);
    }
    fails(e, "ERR unknown subcommand or wrong number of arguments for 'GeT'. Try SLOWLOG HELP.", 'slowlog', 'GeT', '1', '2');
    fails(e, arity('slowlog|len'), 'SLOWLOG', 'LEN', 'x');
    fails(e, "ERR unknown subcommand 'foo'. Try SLOWLOG HELP.", 'SLOWLOG', 'foo');
    const help = e.call('SLOWLOG', 'HELP');
    assert.equal(help[0], 'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(help.length, 12);
  }));
});

describe('LATENCY', () => {
  test('no events are monitored: empty answers, as Redis with none', withEngine((e) => {
    assert.deepEqual(e.call('LATENCY', 'LATEST'), []);
    assert.deepEqual(e.call('LATENCY', 'HISTORY', 'command'), []);
    assert.equal(e.call('LATENCY', 'RESET'), 0);
    assert.equal(e.call('LATENCY', 'RESET', 'command', 'fork'), 0);
    assert.match(e.call('LATENCY', 'DOCTOR'), /^I'm sorry, Dave, I can't do that\. Latency monitoring is disabled/);
    e.call('CONFIG', 'SET', 'latency-monitor-threshold', '100');
    assert.equal(e.call('LATENCY', 'DOCTOR'),
      'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. ' +
      'I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n');
    fails(e, arity('latency|history'), 'LATENCY', 'HISTORY');
    fails(e, "ERR unknown subcommand 'graph'. Try LATENCY HELP.", 'LATENCY', 'graph', 'command');
    assert.equal(e.call('LATENCY', 'HELP').at(-1), '    Prints this help.');
  }));
});

describe('FUNCTION FLUSH, SCRIPT FLUSH', () => {
  test('accepted with Redis checks; nothing else is declared', withEngine((e) => {
    for (const args of [[], ['ASYNC'], ['sync']]) {
      assert.equal(e.call('FUNCTION', 'FLUSH', ...args), 'OK');
      assert.equal(e.call('SCRIPT', 'FLUSH', ...args), 'OK');
    }
    fails(e, 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option', 'FUNCTION', 'FLUSH', 'x');
    fails(e, "ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.", 'FUNCTION', 'flush', 'a', 'b');
    fails(e, 'ERR SCRIPT FLUSH only support SYNC|ASYNC option', 'SCRIPT', 'FLUSH', 'x');
    fails(e, 'ERR SCRIPT FLUSH only support SYNC|ASYNC option', 'SCRIPT', 'FLUSH', 'sync', 'async');
    fails(e, "ERR unknown subcommand 'LOAD'. Try SCRIPT HELP.", 'SCRIPT', 'LOAD', 'return 1');
    fails(e, "ERR unknown subcommand 'LIST'. Try FUNCTION HELP.", 'FUNCTION', 'LIST');
    assert.equal(e.call('SCRIPT', 'HELP')[1], 'FLUSH [ASYNC|SYNC]');
    assert.equal(e.call('FUNCTION', 'HELP')[1], 'FLUSH [ASYNC|SYNC]');
  }));
});

describe('WAIT', () => {
  test('no replicas: 0 at once, after Redis argument checks', withEngine((e) => {
    assert.equal(e.call('WAIT', '0', '0'), 0);
    assert.equal(e.call('WAIT', '1', '100'), 0);
    fails(e, 'ERR value is not an integer or out of range', 'WAIT', 'x', '0');
    fails(e, 'ERR timeout is not an integer or out of range', 'WAIT', '1', 'x');
    fails(e, 'ERR timeout is negative', 'WAIT', '1', '-1');
    fails(e, 'ERR timeout is out of range', 'WAIT', '1', '9223372036854775807');
    fails(e, arity('wait'), 'WAIT', '1');
  }));
});
