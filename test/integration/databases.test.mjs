// The 16 logical databases over gRPC, through the real server process: the
// `db` field of Command (Execute), CommandBatch (Pipeline), Transaction
// (Exec) and WatchRequest (Watch), sent by the official Client (its `db`
// option) and by plain grpc-js stubs; a db past 15 refused with SELECT's
// error and nothing run.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { command, loadStubs, rejection, unary } from '../support/grpc-stubs.mjs';

const OUT_OF_RANGE = 'ERR DB index is out of range';

/** Sends batches on a Pipeline stub and ends it; resolves with the ReplyBatches, rejects with the stream's error. */
function pipeline(stub, batches) {
  const call = stub.Pipeline();
  const received = [];
  const done = new Promise((resolve, reject) => {
    call.on('data', (batch) => received.push(batch));
    call.on('end', () => resolve(received));
    call.on('error', reject);
  });
  for (const batch of batches) call.write(batch);
  call.end();
  return done;
}

describe('databases (db)', () => {
  let server;
  let stubs;
  let stub;
  const clients = [];
  const clientOf = (db) => {
    const client = new Client({ address: server.address, ...(db === undefined ? {} : { db }) });
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await startGrpcServer();
    stubs = loadStubs(server.address);
    stub = stubs.emberkv;
  });

  after(async () => {
    for (const client of clients) await client.close();
    for (const each of Object.values(stubs ?? {})) each.close();
    await server?.stop();
  });

  test('a key written in db 3 is seen in db 3 only', async () => {
    const db3 = clientOf(3);
    const db0 = clientOf();
    const alsoDb3 = clientOf(3);
    assert.equal(await db3.call('SET', 'only3', 'three'), 'OK');
    assert.equal(await db3.set('typed3', 'x'), 'OK');  // typed methods travel the same way
    assert.equal(await db0.call('GET', 'only3'), null);
    assert.equal(await db0.call('EXISTS', 'only3', 'typed3'), 0);
    assert.equal(await alsoDb3.get('only3'), 'three');
    assert.equal(await alsoDb3.call('DBSIZE'), 2);
    // The same name in two databases: two keys.
    assert.equal(await db0.call('SET', 'only3', 'zero'), 'OK');
    assert.equal(await db3.call('GET', 'only3'), 'three');
    // A blocking command (a unary Execute of its own) runs in the client's db too.
    await db3.call('RPUSH', 'q3', 'a');
    assert.deepEqual(await db3.call('BLPOP', 'q3', 0), ['q3', 'a']);
    // FLUSHDB empties the client's database only.
    assert.equal(await db3.call('FLUSHDB'), 'OK');
    assert.equal(await db3.call('DBSIZE'), 0);
    assert.equal(await db0.call('GET', 'only3'), 'zero');
  });

  test('stubs: Execute and Pipeline run in the message db; typed RPCs in db 0', async () => {
    await unary(stub, 'Execute', { ...command('SET', 'stub:k', 'seven'), db: 7 });
    assert.deepEqual((await unary(stub, 'Execute', { ...command('GET', 'stub:k'), db: 7 })).bulk, Buffer.from('seven'));
    assert.equal((await unary(stub, 'Execute', command('GET', 'stub:k'))).value, 'null');
    const [batch7, batch0] = await pipeline(stub, [
      { id: '1', db: 7, commands: [command('GET', 'stub:k'), command('DBSIZE')] },
      // A Command's own db inside a batch is ignored: the batch's (0) applies.
      { id: '2', commands: [{ ...command('GET', 'stub:k'), db: 7 }] },
    ]);
    assert.deepEqual(batch7.replies[0].bulk, Buffer.from('seven'));
    assert.equal(batch7.replies[1].integer, '1');
    assert.equal(batch0.replies[0].value, 'null');
    assert.deepEqual(await unary(stub, 'Get', { key: Buffer.from('stub:k') }), { found: false, value: Buffer.alloc(0) });
    assert.equal(await clientOf(7).call('GET', 'stub:k'), 'seven');
  });

  test('WATCH and EXEC in db 5: writes to db 5 break the watch, writes elsewhere do not', async () => {
    const db5 = clientOf(5);
    const writer5 = clientOf(5);
    const writer0 = clientOf(0);
    await db5.call('SET', 'acct', '10');

    let token = await db5.watch('acct');
    await writer0.call('SET', 'acct', '999');  // the same name in db 0: another key
    assert.deepEqual(await db5.exec([['INCRBY', 'acct', 5], ['GET', 'acct']], { watch: token }), [15, '15']);
    assert.equal(await writer0.call('GET', 'acct'), '999');

    token = await db5.watch('acct');
    await writer5.call('SET', 'acct', '0');
    assert.equal(await db5.exec([['INCRBY', 'acct', 5]], { watch: token }), null);
    assert.equal(await db5.call('GET', 'acct'), '0');

    // The same through stubs: Watch's db and Exec's db are each the message's.
    const { token: raw } = await unary(stub, 'Watch', { keys: [Buffer.from('acct')], db: 5 });
    await writer0.call('DEL', 'acct');
    const ran = await unary(stub, 'Exec', { commands: [command('GET', 'acct')], watch_token: raw, db: 5 });
    assert.deepEqual(ran.replies[0].bulk, Buffer.from('0'));
  });

  test('a db past 15 is refused with SELECT error, and nothing runs', async () => {
    for (const db of [16, -1, 1.5, NaN, Infinity]) {
      assert.throws(() => new Client({ address: server.address, db }), RangeError);
    }
    assert.throws(() => new Client({ address: server.address, db: '3' }), TypeError);
    const refused = (err) => {
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT, err.details);
      assert.equal(err.details, OUT_OF_RANGE);
      return true;
    };
    await assert.rejects(unary(stub, 'Execute', { ...command('SET', 'oor:execute', '1'), db: 16 }), refused);
    await assert.rejects(unary(stub, 'Execute', { ...command('PING'), db: 4294967295 }), refused);
    await assert.rejects(unary(stub, 'Exec', { commands: [command('SET', 'oor:exec', '1')], db: 16 }), refused);
    await assert.rejects(unary(stub, 'Watch', { keys: [Buffer.from('oor:watch')], db: 16 }), refused);
    // On Pipeline the refused batch ends the stream, as any refused batch
    // does; neither it nor a batch after it runs.
    refused(
      await rejection(
        pipeline(stub, [
          { id: '1', db: 16, commands: [command('SET', 'oor:pipeline', '1')] },
          { id: '2', commands: [command('SET', 'oor:after', '1')] },
        ]),
      ),
    );
    const db0 = clientOf(0);
    for (let db = 0; db < 16; db++) {
      const each = db === 0 ? db0 : clientOf(db);
      assert.equal(await each.call('EXISTS', 'oor:execute', 'oor:exec', 'oor:pipeline', 'oor:after'), 0);
    }
  });
});
