// Transactions through the real server process: Watch / Exec / Unwatch,
// through the Client and through plain grpc-js stubs loaded from the proto
// file. What a WATCH token guards against (every way a key can change),
// what rejects a transaction before anything runs, and atomicity against
// concurrent writers.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Client, EmberError } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { command, loadStubs, unary } from '../support/grpc-stubs.mjs';

describe('transactions', () => {
  let server;
  let client;
  let other;  // a second client: the "someone else" who modifies watched keys
  let stubs;
  let stub;

  before(async () => {
    server = await startGrpcServer();
    client = new Client({ address: server.address });
    other = new Client({ address: server.address });
    stubs = loadStubs(server.address);
    stub = stubs.emberkv;
  });

  after(async () => {
    await client?.close();
    await other?.close();
    for (const each of Object.values(stubs ?? {})) each.close();
    await server?.stop();
  });

  test('exec without watch runs every command in order; errors take their place', async () => {
    await client.call('SET', 'tx:s', 'text');
    const replies = await client.exec([
      ['SET', 'tx:a', '1'],
      ['INCR', 'tx:a'],
      ['LPUSH', 'tx:s', 'x'],  // WRONGTYPE at run time: its reply, not a rollback
      ['GET', 'tx:a'],
    ]);
    assert.equal(replies.length, 4);
    assert.equal(replies[0], 'OK');
    assert.equal(replies[1], 2);
    assert.ok(replies[2] instanceof EmberError);
    assert.match(replies[2].message, /^WRONGTYPE/);
    assert.equal(replies[3], '2');
  });

  test('an unknown command or a wrong arity rejects the whole transaction before anything runs', async () => {
    await client.call('DEL', 'tx:untouched');
    await assert.rejects(
      client.exec([['SET', 'tx:untouched', '1'], ['GET']]),
      (err) => err instanceof EmberError && /^EXECABORT .*command 2: ERR wrong number of arguments for 'get' command/.test(err.message),
    );
    await assert.rejects(
      client.exec([['SET', 'tx:untouched', '1'], ['NOSUCH', 'x']]),
      (err) => err instanceof EmberError && /^EXECABORT .*ERR unknown command 'NOSUCH'/.test(err.message),
    );
    assert.equal(await client.call('EXISTS', 'tx:untouched'), 0);
  });

  test('a watched key left alone: the transaction runs', async () => {
    await client.call('SET', 'tx:w1', '10');
    const token = await client.watch('tx:w1');
    const value = Number(await client.call('GET', 'tx:w1'));
    assert.deepEqual(await client.exec([['SET', 'tx:w1', value + 1]], { watch: token }), ['OK']);
    assert.equal(await client.call('GET', 'tx:w1'), '11');
  });

  // Every way a watched key can change makes Exec abort with nothing run.
  const changes = {
    'written by another client': (k) => other.call('SET', k, 'changed'),
    'deleted': (k) => other.call('DEL', k),
    'given a TTL': (k) => other.call('EXPIRE', k, 100),
    'renamed away': (k) => other.call('RENAME', k, `${k}:moved`),
    'overwritten by a rename': async (k) => {
      await other.call('SET', `${k}:src`, 'x');
      await other.call('RENAME', `${k}:src`, k);
    },
    'flushed': () => other.call('FLUSHDB'),
    'expired': async (k) => {
      await other.call('PEXPIRE', k, 20);
      await new Promise((resolve) => setTimeout(resolve, 60));
    },
  };
  for (const [change, apply] of Object.entries(changes)) {
    test(`a watched key ${change}: Exec aborts and runs nothing`, async () => {
      const key = `tx:watched:${change.replace(/ /g, '-')}`;
      await client.call('SET', key, 'v');
      await client.call('DEL', 'tx:side-effect');
      const token = await client.watch(key, 'tx:unrelated');
      await apply(key);
      assert.equal(await client.exec([['SET', 'tx:side-effect', '1']], { watch: token }), null);
      assert.equal(await client.call('EXISTS', 'tx:side-effect'), 0);
    });
  }

  test('a watched key that did not exist and was created: aborts', async () => {
    await client.call('DEL', 'tx:new');
    const token = await client.watch('tx:new');
    await other.call('LPUSH', 'tx:new', 'x');
    assert.equal(await client.exec([['GET', 'tx:new']], { watch: token }), null);
  });

  test('changes to other keys and reads of the watched key do not abort', async () => {
    await client.call('SET', 'tx:calm', '1');
    const token = await client.watch('tx:calm');
    await other.call('SET', 'tx:elsewhere', '2');
    await other.call('GET', 'tx:calm');
    await other.call('EXISTS', 'tx:calm');
    assert.deepEqual(await client.exec([['GET', 'tx:calm']], { watch: token }), ['1']);
  });

  test('a token is used once; unwatch releases it; unknown tokens abort', async () => {
    await client.call('SET', 'tx:once', '1');
    const token = await client.watch('tx:once');
    assert.deepEqual(await client.exec([['GET', 'tx:once']], { watch: token }), ['1']);
    assert.equal(await client.exec([['GET', 'tx:once']], { watch: token }), null);
    const released = await client.watch('tx:once');
    await client.unwatch(released);
    assert.equal(await client.exec([['GET', 'tx:once']], { watch: released }), null);
    assert.equal(await client.exec([['GET', 'tx:once']], { watch: 987654321 }), null);
  });

  test("the transaction's own writes to its watched keys do not abort it", async () => {
    await client.call('SET', 'tx:counter', '5');
    const token = await client.watch('tx:counter');
    assert.deepEqual(await client.exec([['INCR', 'tx:counter'], ['INCR', 'tx:counter']], { watch: token }), [6, 7]);
  });

  test('optimistic increments from concurrent clients lose no update', async () => {
    await client.call('SET', 'tx:race', '0');
    const clients = Array.from({ length: 4 }, () => new Client({ address: server.address }));
    let aborted = 0;
    const incrementWithRetry = async (c) => {
      for (;;) {
        const token = await c.watch('tx:race');
        const value = Number(await c.call('GET', 'tx:race'));
        const result = await c.exec([['SET', 'tx:race', value + 1]], { watch: token });
        if (result) return;
        aborted++;
      }
    };
    await Promise.all(clients.flatMap((c) => Array.from({ length: 10 }, () => incrementWithRetry(c))));
    await Promise.all(clients.map((c) => c.close()));
    assert.equal(await client.call('GET', 'tx:race'), '40');
    assert.ok(aborted > 0, 'concurrent read-modify-write cycles conflicted at least once');
  });

  test('a transaction runs with nothing in between: a concurrent pipeline never sees it half done', async () => {
    await client.call('MSET', 'tx:x', '0', 'tx:y', '0');
    const reads = [];
    const writer = (async () => {
      for (let i = 1; i <= 50; i++) await client.exec([['SET', 'tx:x', i], ['SET', 'tx:y', i]]);
    })();
    const reader = (async () => {
      for (let i = 0; i < 200; i++) reads.push(await other.call('MGET', 'tx:x', 'tx:y'));
    })();
    await Promise.all([writer, reader]);
    for (const [x, y] of reads) assert.equal(x, y);
  });

  test('exec and watch keep their place among pipelined commands issued in the same tick', async () => {
    const before = client.call('SET', 'tx:order', 'before');
    const token = client.watch('tx:order');
    const seen = client.exec([['GET', 'tx:order']]);
    const after = client.call('SET', 'tx:order', 'after');
    await before;
    assert.deepEqual(await seen, ['before']);
    await after;
    assert.equal(await client.call('GET', 'tx:order'), 'after');
    assert.equal(await client.exec([['GET', 'tx:order']], { watch: await token }), null, 'the later SET changed it');
  });

  test('pipelined commands and transactions of one tick run in the order they were issued', async () => {
    await client.call('DEL', 'tx:seq', 'tx:seq-list');
    const issued = [
      client.exec([['SET', 'tx:seq', '1']]),
      client.call('APPEND', 'tx:seq', '-a'),
      client.exec([['APPEND', 'tx:seq', '-e2']]),
      client.call('APPEND', 'tx:seq', '-b'),
      client.call('RPUSH', 'tx:seq-list', 'x'),
      client.call('BLPOP', 'tx:seq-list', 0.05),
    ];
    const replies = await Promise.all(issued);
    assert.equal(await client.call('GET', 'tx:seq'), '1-a-e2-b');
    assert.deepEqual(replies[5], ['tx:seq-list', 'x'], 'the push issued before the blocking pop ran before it');
  });

  describe('through plain grpc-js stubs', () => {
    test('Watch returns a token, Exec returns a ReplyBatch, a conflict fails with ABORTED', async () => {
      await unary(stub, 'Execute', command('SET', 'tx:stub', '1'));
      const { token } = await unary(stub, 'Watch', { keys: [Buffer.from('tx:stub')] });
      assert.match(token, /^[1-9][0-9]*$/);
      const batch = await unary(stub, 'Exec', { commands: [command('INCR', 'tx:stub'), command('GET', 'tx:stub')], watch_token: token });
      assert.equal(batch.replies.length, 2);
      assert.equal(batch.replies[0].integer, '2');
      assert.deepEqual(batch.replies[1].bulk, Buffer.from('2'));
      const second = await unary(stub, 'Watch', { keys: [Buffer.from('tx:stub')] });
      await unary(stub, 'Execute', command('SET', 'tx:stub', '9'));
      await assert.rejects(
        unary(stub, 'Exec', { commands: [command('GET', 'tx:stub')], watch_token: second.token }),
        (err) => err.code === grpc.status.ABORTED && /did not run/.test(err.details),
      );
    });

    test('EXECABORT is INVALID_ARGUMENT; Watch without keys is INVALID_ARGUMENT; Unwatch answers done', async () => {
      await assert.rejects(
        unary(stub, 'Exec', { commands: [command('SET', 'only-one-arg')] }),
        (err) => err.code === grpc.status.INVALID_ARGUMENT && /^EXECABORT/.test(err.details),
      );
      await assert.rejects(unary(stub, 'Watch', { keys: [] }), (err) => err.code === grpc.status.INVALID_ARGUMENT);
      const { token } = await unary(stub, 'Watch', { keys: [Buffer.from('k')] });
      assert.deepEqual(await unary(stub, 'Unwatch', { token }), { done: true });
    });
  });
});
