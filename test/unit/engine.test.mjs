// Unit tests of the embedded API itself (src/engine.ts, native/binding):
// module formats, argument and reply conversion, errors, lifecycle,
// independence of engines (also across worker threads), upkeep.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { Engine, EmberError, commands } from 'emberkv';

const require = createRequire(import.meta.url);

describe('module formats', () => {
  test('CommonJS and ESM entry points share one implementation', () => {
    const cjs = require('emberkv');
    assert.equal(cjs.Engine, Engine);
    assert.equal(cjs.EmberError, EmberError);
    const e = new cjs.Engine();
    assert.equal(e.set('k', 'v'), 'OK');
    assert.equal(e.get('k'), 'v');
    e.close();
  });

  test('every command in the native table has a typed method', () => {
    // camelCase method names lower-case to the command name ("pExpireAt"
    // -> "pexpireat"; subcommands join: "objectEncoding" -> "object|encoding").
    const methods = new Set(Object.getOwnPropertyNames(Engine.prototype).map((m) => m.toLowerCase()));
    const aliases = new Set(['substr']); // GETRANGE's old name
    // The state of a client connection (native/core/session.h): an Engine
    // has none, and gRPC has its own calls (Watch, Exec, Subscribe, db).
    const connectionOnly = new Set([
      'select', 'auth', 'hello', 'reset', 'quit', 'client', 'multi', 'exec', 'discard', 'unwatch',
      'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe',
    ]);
    const missing = [];
    for (const command of commands()) {
      if (connectionOnly.has(command.name)) continue;
      const subcommands = command.subcommands.filter((s) => !s.name.endsWith('|help'));
      if (subcommands.length) {
        for (const sub of subcommands) if (!methods.has(sub.name.replace('|', ''))) missing.push(sub.name);
      } else if (!methods.has(command.name) && !aliases.has(command.name)) {
        missing.push(command.name);
      }
    }
    assert.deepEqual(missing, []);
  });

  test('the command table describes every typed command', () => {
    const table = commands();
    const get = table.find((c) => c.name === 'get');
    assert.deepEqual(
      { arity: get.arity, firstKey: get.firstKey, lastKey: get.lastKey, keyStep: get.keyStep },
      { arity: 2, firstKey: 1, lastKey: 1, keyStep: 1 },
    );
    assert.ok(get.flags.includes('readonly'));
    assert.ok(get.categories.includes('string'));
    const object = table.find((c) => c.name === 'object');
    assert.ok(object.subcommands.some((s) => s.name === 'object|encoding'));
  });
});

describe('arguments', () => {
  test('strings are stored as UTF-8, Buffers as raw bytes', () => {
    const e = new Engine();
    e.set('ключ', 'значение ✓');
    assert.equal(e.get('ключ'), 'значение ✓');
    assert.equal(e.strLen('ключ'), Buffer.byteLength('значение ✓'));
    const binary = Buffer.from([0, 255, 0, 10, 13]);
    e.set(binary, binary);
    assert.deepEqual(e.getBuffer(binary), binary);
    assert.deepEqual(e.callBuffer('GET', new Uint8Array([0, 255, 0, 10, 13])), binary);
    e.close();
  });

  test('any JS string is stored as exactly the bytes Buffer.from(s) gives', () => {
    // Random UTF-16 code units: ASCII runs, multi-byte characters, surrogate
    // pairs and lone surrogates (which UTF-8 encoding turns into U+FFFD).
    const unit = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
    );
    const text = fc.array(unit, { maxLength: 300 }).map((units) => String.fromCharCode(...units));
    const e = new Engine();
    fc.assert(
      fc.property(text, text, (key, value) => {
        e.set(key, value);
        assert.deepEqual(e.callBuffer('GET', Buffer.from(key)), Buffer.from(value));
        assert.equal(e.get(key), Buffer.from(value).toString());
      }),
      { seed: 4242, numRuns: 2000 },
    );
    e.close();
  });

  test('long strings survive the argument arena growing mid-call', () => {
    const e = new Engine();
    const big = 'x'.repeat(100_000) + 'é';
    e.mSet([['a', 'short'], ['b', big], ['c', 'y'.repeat(300)]]);
    assert.deepEqual(e.mGet('a', 'b', 'c'), ['short', big, 'y'.repeat(300)]);
    e.close();
  });

  test('numbers and bigints become decimal text', () => {
    const e = new Engine();
    e.set('n', 42);
    assert.equal(e.get('n'), '42');
    e.set('f', 1.5);
    assert.equal(e.get('f'), '1.5');
    e.set('big', 2n ** 62n);
    assert.equal(e.get('big'), String(2n ** 62n));
    e.set('neg', -0.25);
    assert.equal(e.get('neg'), '-0.25');
    e.close();
  });

  test('wrong argument types throw a TypeError and change nothing', () => {
    const e = new Engine();
    for (const bad of [undefined, null, {}, [], true, () => 1, Symbol('s')]) {
      assert.throws(() => e.call('SET', 'k', bad), TypeError);
    }
    assert.throws(() => e.call('SET', 'k', 2n ** 70n), TypeError);
    assert.throws(() => e.call({}, 'k'), TypeError);
    assert.throws(() => e.call(5, 'k'), TypeError); // not a command id
    assert.throws(() => e.callBuffer(null), TypeError);
    assert.equal(e.exists('k'), 0);
    e.close();
  });
});

describe('typed methods', () => {
  test('strings: options become the right arguments', () => {
    let now = 1_700_000_000_000;
    const e = new Engine({ clock: () => now, backgroundUpkeep: false });
    assert.equal(e.set('k', 'v', { px: 1500, nx: true }), 'OK');
    assert.equal(e.pTtl('k'), 1500);
    assert.equal(e.set('k', 'w', { nx: true }), null);
    assert.equal(e.set('k', 'w', { xx: true, keepTtl: true }), 'OK');
    assert.equal(e.pTtl('k'), 1500);
    assert.equal(e.setGet('k', 'x', { ex: 10 }), 'w');
    assert.equal(e.ttl('k'), 10);
    assert.equal(e.getEx('k', { persist: true }), 'x');
    assert.equal(e.ttl('k'), -1);
    assert.equal(e.getEx('k', { pxat: now + 50 }), 'x');
    assert.equal(e.pExpireTime('k'), now + 50);
    assert.equal(e.mSet({ a: '1', b: 2 }), 'OK');
    assert.equal(e.mSet(new Map([['c', 'x']])), 'OK');
    assert.deepEqual(e.mGet('a', 'b', 'c', 'nope'), ['1', '2', 'x', null]);
    assert.equal(e.mSetNx([['a', '9'], ['d', '9']]), false);
    assert.equal(e.setNx('d', 'y'), true);
    assert.equal(e.setEx('s', 5, 'v'), 'OK');
    assert.equal(e.pSetEx('p', 5000, 'v'), 'OK');
    assert.equal(e.ttl('s'), 5);
    assert.equal(e.append('d', 'zz'), 3);
    assert.equal(e.strLen('d'), 3);
    assert.equal(e.getRange('d', 1, -1), 'zz');
    assert.equal(e.setRange('d', 1, 'ab'), 3);
    assert.equal(e.getSet('d', 'new'), 'yab');
    assert.equal(e.getDel('d'), 'new');
    assert.equal(e.incr('n'), 1);
    assert.equal(e.incrBy('n', 10), 11);
    assert.equal(e.decr('n'), 10);
    assert.equal(e.decrBy('n', 20), -10);
    assert.equal(e.incrByFloat('n', 0.5), '-9.5');
    e.close();
  });

  test('keys and server: conditions, options and shapes', () => {
    let now = 1_700_000_000_000;
    const e = new Engine({ clock: () => now, backgroundUpkeep: false });
    e.mSet({ a: '1', b: '2', c: '3' });
    assert.equal(e.expire('a', 100), true);
    assert.equal(e.expire('a', 50, 'GT'), false);
    assert.equal(e.expire('a', 200, 'GT'), true);
    assert.equal(e.pExpire('b', 1000, 'XX'), false);
    assert.equal(e.expireAt('b', now / 1000 + 60, 'NX'), true);
    assert.equal(e.pExpireAt('b', now + 1000, 'LT'), true);
    assert.equal(e.expireTime('b'), now / 1000 + 1);
    assert.equal(e.persist('b'), true);
    assert.equal(e.type('a'), 'string');
    assert.equal(e.exists('a', 'a', 'zz'), 2);
    assert.equal(e.copy('a', 'a2'), true);
    assert.equal(e.copy('b', 'a2'), false);
    assert.equal(e.copy('b', 'a2', { replace: true }), true);
    assert.equal(e.rename('a2', 'a3'), 'OK');
    assert.equal(e.renameNx('a3', 'c'), false);
    assert.deepEqual(e.keys('a*').sort(), ['a', 'a3']);
    assert.deepEqual([...e.scanIterator({ match: 'a*', count: 1 })].sort(), ['a', 'a3']);
    const page = e.scan(0, { type: 'string' });
    assert.equal(typeof page.cursor, 'string');
    assert.ok(Array.isArray(page.keys));
    assert.ok(['a', 'a3', 'b', 'c'].includes(e.randomKey()));
    assert.equal(e.touch('a', 'zz'), 1);
    assert.equal(e.objectEncoding('a'), 'int');
    assert.equal(e.objectIdleTime('a'), 0);
    assert.equal(e.objectRefCount('a'), 2147483647);
    assert.throws(() => e.objectFreq('a'), EmberError);
    assert.equal(e.dbSize(), 4);
    assert.equal(e.del('a', 'zz'), 1);
    assert.equal(e.unlink('a3'), 1);
    assert.equal(e.ping(), 'PONG');
    assert.equal(e.ping('hi'), 'hi');
    assert.equal(e.echo('x'), 'x');
    assert.deepEqual(e.time(), [Math.floor(now / 1000), (now % 1000) * 1000]);
    assert.equal(e.commandCount(), commands().length);
    assert.equal(e.commandInfo('get', 'nope')[1], null);
    assert.equal(e.commandInfo('get')[0][0], 'get');
    assert.ok(e.commandList().includes('incrbyfloat'));
    assert.match(e.info('keyspace'), /db0:keys=2,expires=0/);
    assert.equal(e.flushDb(), 'OK');
    assert.equal(e.flushAll(), 'OK');
    assert.equal(e.dbSize(), 0);
    e.close();
  });
});

describe('replies and errors', () => {
  test('integers beyond 2^53 come back from call() as bigint', () => {
    const e = new Engine();
    e.set('n', '9223372036854775806');
    assert.equal(e.call('INCR', 'n'), 9223372036854775807n);
    assert.throws(() => e.incrBy('n', 0), RangeError); // typed methods return numbers only
    e.close();
  });

  test('a string reply longer than V8 allows is a RangeError; callBuffer reads it', () => {
    const e = new Engine();
    const size = 512 * 1024 * 1024; // proto-max-bulk-len, beyond V8's ~2^29 characters
    e.call('SETRANGE', 'big', size - 1, 'x');
    assert.throws(() => e.get('big'), RangeError);
    const bytes = e.callBuffer('GET', 'big');
    assert.equal(bytes.length, size);
    assert.equal(bytes[size - 1], 'x'.charCodeAt(0));
    assert.equal(e.ping(), 'PONG');
    e.close();
  });

  test('command errors are EmberErrors with the Redis code', () => {
    const e = new Engine();
    e.set('s', 'abc');
    assert.throws(
      () => e.incr('s'),
      (err) => err instanceof EmberError && err.code === 'ERR' && err.message === 'ERR value is not an integer or out of range',
    );
    assert.throws(() => e.call('NOSUCH', 'a'), (err) => err instanceof EmberError && /unknown command 'NOSUCH'/.test(err.message));
    assert.throws(() => e.call('GET'), /wrong number of arguments for 'get' command/);
    e.close();
  });
});

describe('lifecycle', () => {
  test('a closed engine throws on use, and close is idempotent', () => {
    const e = new Engine();
    e.set('k', 'v');
    e.close();
    e.close();
    assert.equal(e.closed, true);
    assert.throws(() => e.get('k'), /closed/);
    assert.throws(() => e.call('PING'), /closed/);
    assert.throws(() => e.memoryUsage(), /closed/);
  });

  test('engines are independent', () => {
    const a = new Engine();
    const b = new Engine();
    a.set('k', 'a');
    b.set('k', 'b');
    assert.equal(a.get('k'), 'a');
    assert.equal(b.get('k'), 'b');
    a.flushAll();
    assert.equal(b.get('k'), 'b');
    a.close();
    assert.equal(b.get('k'), 'b');
    b.close();
  });

  test('engines in worker threads work independently of the main thread', async () => {
    const main = new Engine();
    main.set('where', 'main');
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { Engine } = require('emberkv');
      const e = new Engine();
      e.set('where', 'worker ' + workerData);
      for (let i = 0; i < 1000; i++) e.incr('n');
      parentPort.postMessage([e.get('where'), e.get('n'), e.dbSize()]);
      e.close();
    `;
    const results = await Promise.all(
      [1, 2, 3].map(
        (id) =>
          new Promise((resolve, reject) => {
            const worker = new Worker(source, { eval: true, workerData: id });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    assert.deepEqual(results, [
      ['worker 1', '1000', 2],
      ['worker 2', '1000', 2],
      ['worker 3', '1000', 2],
    ]);
    assert.equal(main.get('where'), 'main');
    main.close();
  });

  test('memoryUsage grows with data and returns to its start after FLUSHALL', () => {
    const e = new Engine();
    const empty = e.memoryUsage();
    for (let i = 0; i < 10_000; i++) e.set(`key:${i}`, 'v'.repeat(100));
    const full = e.memoryUsage();
    assert.ok(full - empty > 10_000 * 100, `grew by ${full - empty} bytes`);
    e.flushAll();
    assert.ok(e.memoryUsage() - empty < 4096, `left ${e.memoryUsage() - empty} bytes`);
    e.close();
  });
});

describe('upkeep', () => {
  test('runUpkeep expires keys nobody reads, within its budget', () => {
    let now = 1_700_000_000_000;
    const e = new Engine({ clock: () => now, backgroundUpkeep: false });
    for (let i = 0; i < 5000; i++) e.set(`tmp:${i}`, 'v', { px: 100 });
    for (let i = 0; i < 100; i++) e.set(`keep:${i}`, 'v');
    now += 1000;
    assert.equal(e.dbSize(), 5100); // expired, not yet reclaimed
    let expired = 0;
    for (let round = 0; round < 100 && e.dbSize() > 100; round++) expired += e.runUpkeep(1).expired;
    assert.equal(expired, 5000);
    assert.equal(e.dbSize(), 100);
    assert.match(e.info('stats'), /expired_keys:5000\r\n/);
    e.close();
  });

  test('the background timer expires keys without any command', async () => {
    const e = new Engine();
    for (let i = 0; i < 100; i++) e.set(`tmp:${i}`, 'v', { px: 10 });
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !/expired_keys:100\r\n/.test(e.info('stats'))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(e.info('stats'), /expired_keys:100\r\n/);
    e.close();
  });
});
