// Engine transactions: watch / unwatch / exec in-process, over the same
// native transaction path as the server's Exec RPC (the integration suite
// drives that one through the Client).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, EmberError } from 'emberkv';

describe('Engine transactions', () => {
  test('exec runs the commands in order, an error taking its place', () => {
    const engine = new Engine();
    engine.set('s', 'text');
    const replies = engine.exec([
      ['SET', 'a', '1'],
      ['INCRBY', 'a', 41],
      ['LPUSH', 's', 'x'],
      ['GET', 'a'],
    ]);
    assert.equal(replies.length, 4);
    assert.deepEqual([replies[0], replies[1], replies[3]], ['OK', 42, '42']);
    assert.ok(replies[2] instanceof EmberError);
    assert.equal(replies[2].code, 'WRONGTYPE');
    engine.close();
  });

  test('an unknown command or a wrong arity throws EXECABORT and runs nothing', () => {
    const engine = new Engine();
    assert.throws(
      () => engine.exec([['SET', 'k', '1'], ['INCR']]),
      (err) => err instanceof EmberError && err.code === 'EXECABORT' && /command 2: ERR wrong number of arguments for 'incr'/.test(err.message),
    );
    assert.throws(() => engine.exec([['SET', 'k', '1'], ['NOPE']]), /EXECABORT .*unknown command 'NOPE'/);
    assert.equal(engine.exists('k'), 0);
    assert.throws(() => engine.exec([[42]]), TypeError);
    engine.close();
  });

  test('a watched key modified before exec: null, nothing runs', () => {
    const engine = new Engine();
    engine.set('balance', '100');
    const token = engine.watch('balance');
    engine.set('balance', '50');  // someone else, between watch and exec
    assert.equal(engine.exec([['SET', 'spent', '1']], { watch: token }), null);
    assert.equal(engine.get('spent'), null);
    engine.close();
  });

  test('a watched key left alone: the transaction runs, and the token is used up', () => {
    const engine = new Engine();
    engine.set('balance', '100');
    const token = engine.watch('balance', 'other');
    assert.deepEqual(engine.exec([['DECRBY', 'balance', 30]], { watch: token }), [70]);
    assert.equal(engine.exec([['GET', 'balance']], { watch: token }), null, 'a token is used once');
    engine.close();
  });

  test('expiry counts as a change, judged by the engine clock', () => {
    let now = 1_000_000;
    const engine = new Engine({ clock: () => now });
    engine.set('lease', 'me', { px: 100 });
    const token = engine.watch('lease');
    now += 200;
    assert.equal(engine.exec([['SET', 'lease', 'me']], { watch: token }), null);
    engine.close();
  });

  test('unwatch releases a token; binary keys are watched byte for byte', () => {
    const engine = new Engine();
    const key = Buffer.from([0, 255, 1]);
    const token = engine.watch(key);
    engine.unwatch(token);
    assert.equal(engine.exec([['GET', 'x']], { watch: token }), null);
    const second = engine.watch(key);
    engine.set(Buffer.from([0, 255, 2]), 'near miss');
    assert.deepEqual(engine.exec([['GET', key]], { watch: second }), [null]);
    engine.close();
  });

  test('blocking commands in a transaction answer at once', () => {
    const engine = new Engine();
    assert.deepEqual(engine.exec([['BLPOP', 'empty', 0], ['RPUSH', 'q', 'a'], ['BLPOP', 'q', 0]]), [null, 1, ['q', 'a']]);
    engine.close();
  });
});
