// Blocking commands through the real server process: BLPOP, BRPOP, BLMOVE,
// BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP wait in Execute calls until a push
// from any client, pipeline or transaction serves them, oldest first, or
// their timeout answers null; a call cancelled or past its deadline while
// waiting consumes nothing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Client, EmberError } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { command, loadStubs, unary } from '../support/grpc-stubs.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the settled state of a promise after `ms`: still pending or not. */
async function pendingAfter(promise, ms) {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(ms);
  return !settled;
}

describe('blocking commands', () => {
  let server;
  let client;
  let pusher;
  let stubs;
  let stub;

  before(async () => {
    server = await startGrpcServer();
    client = new Client({ address: server.address });
    pusher = new Client({ address: server.address });
    stubs = loadStubs(server.address);
    stub = stubs.emberkv;
  });

  after(async () => {
    await client?.close();
    await pusher?.close();
    for (const each of Object.values(stubs ?? {})) each.close();
    await server?.stop();
  });

  test('an element already there is served at once', async () => {
    await pusher.call('RPUSH', 'b:ready', 'a', 'b');
    assert.deepEqual(await client.call('BLPOP', 'b:ready', 0), ['b:ready', 'a']);
    assert.deepEqual(await client.call('BRPOP', 'b:ready', 0), ['b:ready', 'b']);
  });

  test('commands issued before a blocking command in the same tick run before it', async () => {
    client.call('DEL', 'b:order');
    client.call('RPUSH', 'b:order', 'first');
    assert.deepEqual(await client.call('BLPOP', 'b:order', 0.05), ['b:order', 'first']);
  });

  test('BLPOP waits until a push from another client wakes it', async () => {
    const popped = client.call('BLPOP', 'b:wake', 0);
    assert.ok(await pendingAfter(popped, 50), 'BLPOP waits while the list is empty');
    assert.equal(await pusher.call('RPUSH', 'b:wake', 'x'), 1);
    assert.deepEqual(await popped, ['b:wake', 'x']);
    assert.equal(await pusher.call('EXISTS', 'b:wake'), 0, 'the served element is gone');
  });

  test('a timeout answers null, and no sooner', async () => {
    const start = performance.now();
    assert.equal(await client.call('BLPOP', 'b:timeout', 0.15), null);
    assert.ok(performance.now() - start >= 140, 'waited about the timeout');
    assert.equal(await client.call('BZPOPMIN', 'b:timeout:z', 0.05), null);
  });

  test('first blocked, first served', async () => {
    const order = [];
    const waiters = [];
    for (const name of ['first', 'second', 'third']) {
      waiters.push(client.call('BRPOP', 'b:fifo', 0).then((reply) => order.push([name, reply[1]])));
      await sleep(30);  // each is parked before the next arrives
    }
    await pusher.call('LPUSH', 'b:fifo', 'e1', 'e2');
    await sleep(30);
    assert.deepEqual(order, [
      ['first', 'e1'],
      ['second', 'e2'],
    ]);
    await pusher.call('LPUSH', 'b:fifo', 'e3');
    await Promise.all(waiters);
    assert.deepEqual(order[2], ['third', 'e3']);
  });

  test('several keys: served by whichever receives first; keys in argument order when several have elements', async () => {
    const popped = client.call('BLPOP', 'b:k1', 'b:k2', 'b:k3', 0);
    await sleep(30);
    await pusher.call('RPUSH', 'b:k2', 'two');
    assert.deepEqual(await popped, ['b:k2', 'two']);
    await pusher.call('RPUSH', 'b:k3', 'three');
    await pusher.call('RPUSH', 'b:k1', 'one');
    assert.deepEqual(await client.call('BLPOP', 'b:k1', 'b:k2', 'b:k3', 0), ['b:k1', 'one']);
  });

  test('a push inside a transaction serves waiters after the transaction', async () => {
    const a = client.call('BLPOP', 'b:tx', 0);
    const b = client.call('BLPOP', 'b:tx', 0);
    await sleep(30);
    const replies = await pusher.exec([
      ['RPUSH', 'b:tx', 'x', 'y'],
      ['LLEN', 'b:tx'],
    ]);
    assert.deepEqual(replies, [2, 2], 'nothing is served in the middle of the transaction');
    assert.deepEqual(await a, ['b:tx', 'x']);
    assert.deepEqual(await b, ['b:tx', 'y']);
  });

  test('blocking commands inside a transaction or a pipeline batch do not wait', async () => {
    assert.deepEqual(await client.exec([['BLPOP', 'b:never', 0]]), [null]);
  });

  test('BLMOVE waits, moves the element, and its push serves the next waiter', async () => {
    const chained = client.call('BLPOP', 'b:dst', 0);
    const moved = client.call('BLMOVE', 'b:src', 'b:dst', 'LEFT', 'RIGHT', 0);
    await sleep(30);
    await pusher.call('RPUSH', 'b:src', 'item');
    assert.equal(await moved, 'item');
    assert.deepEqual(await chained, ['b:dst', 'item']);
    assert.equal(await pusher.call('EXISTS', 'b:src', 'b:dst'), 0);
  });

  test('BLMPOP and BZMPOP wait and pop with COUNT', async () => {
    const lists = client.call('BLMPOP', 0, 2, 'b:m1', 'b:m2', 'RIGHT', 'COUNT', 2);
    const zsets = client.call('BZMPOP', 0, 1, 'b:mz', 'MAX', 'COUNT', 5);
    await sleep(30);
    await pusher.call('RPUSH', 'b:m2', 'a', 'b', 'c');
    await pusher.call('ZADD', 'b:mz', 1, 'one', 2, 'two');
    assert.deepEqual(await lists, ['b:m2', ['c', 'b']]);
    assert.deepEqual(await zsets, ['b:mz', [['two', '2'], ['one', '1']]]);
  });

  test('BZPOPMIN and BZPOPMAX wait for ZADD', async () => {
    const min = client.call('BZPOPMIN', 'b:z', 0);
    const max = client.call('BZPOPMAX', 'b:z', 0);
    await sleep(30);
    await pusher.call('ZADD', 'b:z', 1, 'low', 5, 'high');
    assert.deepEqual(await min, ['b:z', 'low', '1']);
    assert.deepEqual(await max, ['b:z', 'high', '5']);
  });

  test('a waiter for another type stays blocked and lets the next waiter be served', async () => {
    const zsetWaiter = client.call('BZPOPMIN', 'b:mixed', 0.3);
    const listWaiter = client.call('BLPOP', 'b:mixed', 0);
    await sleep(30);
    await pusher.call('RPUSH', 'b:mixed', 'v');
    assert.deepEqual(await listWaiter, ['b:mixed', 'v']);
    assert.equal(await zsetWaiter, null, 'timed out without an error');
  });

  test('argument errors come back at once', async () => {
    await assert.rejects(client.call('BLPOP', 'b:e', -1), (err) => err instanceof EmberError && /timeout is negative/.test(err.message));
    await assert.rejects(client.call('BLPOP', 'b:e', 'soon'), (err) => err instanceof EmberError && /timeout is not a float/.test(err.message));
    await pusher.call('SET', 'b:string', 'x');
    await assert.rejects(client.call('BLPOP', 'b:string', 0), (err) => err instanceof EmberError && /^WRONGTYPE/.test(err.message));
  });

  test('a call past its deadline or cancelled while waiting consumes nothing', async () => {
    const deadline = new Date(Date.now() + 100);
    await assert.rejects(unary(stub, 'Execute', command('BLPOP', 'b:cancel', 0), { deadline }), (err) => err.code === grpc.status.DEADLINE_EXCEEDED);
    const call = stub.Execute(command('BLPOP', 'b:cancel', 0), () => {});
    await sleep(30);
    call.cancel();
    await sleep(30);
    await pusher.call('RPUSH', 'b:cancel', 'kept');
    await sleep(30);
    assert.deepEqual(await pusher.call('LRANGE', 'b:cancel', 0, -1), ['kept']);
  });

  test('Client.close() cancels its waiting calls', async () => {
    const own = new Client({ address: server.address });
    const waiting = own.call('BLPOP', 'b:closing', 0);
    await sleep(30);
    await own.close();
    await assert.rejects(waiting, (err) => err.code === grpc.status.CANCELLED);
    await pusher.call('RPUSH', 'b:closing', 'still-here');
    await sleep(30);
    assert.equal(await pusher.call('LLEN', 'b:closing'), 1);
  });

  test('shutdown ends waiting calls with UNAVAILABLE and exits cleanly', async () => {
    const own = await startGrpcServer();
    const c = new Client({ address: own.address });
    const waiting = c.call('BLPOP', 'b:forever', 0);
    await sleep(50);
    const code = own.stop('SIGTERM');
    await assert.rejects(waiting, (err) => err.code === grpc.status.UNAVAILABLE);
    assert.equal(await code, 0);
    await c.close();
  });
});
