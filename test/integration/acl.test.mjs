// Authentication and scoped access (issue 7): emberkv-server with
// requirepass and an ACL file, the Client's username/password, and plain
// grpc-js stubs sending the authorization metadata themselves. Checks that
// missing or wrong credentials get UNAUTHENTICATED, that every path
// (Execute, typed RPCs, Pipeline, transactions, blocking commands,
// Subscribe) refuses what a user may not do with PERMISSION_DENIED and
// runs nothing, and that the audit log names user, peer and command but
// never a secret or a value.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { startGrpcServer } from '../support/grpc-server.mjs';
import { loadStubs, command, rejection } from '../support/grpc-stubs.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('../../dist/client/index.js');
const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

/** A unary call with metadata `authorization: <header>` (none when null). */
function callWith(stub, method, request, header) {
  const metadata = new grpc.Metadata();
  if (header !== null) metadata.set('authorization', header);
  return new Promise((resolve, reject) => stub[method](request, metadata, (err, reply) => (err ? reject(err) : resolve(reply))));
}

const ADMIN_SECRET = 'admin-secret-9f3e';
const ALICE_SECRET = 'alice-secret-41b2';
const SECRET_VALUE = 'value-that-must-not-be-logged';

describe('authentication and scopes', () => {
  let dir;
  let aclfile;
  let server;
  let stubs;
  let admin;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'emberkv-acl-'));
    // No file yet: the server starts with the default user, whose secret
    // requirepass sets; ACL SAVE writes the file.
    aclfile = path.join(dir, 'users.acl');
    server = await startGrpcServer(['--aclfile', aclfile, '--requirepass', ADMIN_SECRET, '--log-level', 'info']);
    stubs = loadStubs(server.address);
    admin = new Client({ address: server.address, password: ADMIN_SECRET });
    assert.equal(await admin.call('ACL', 'WHOAMI'), 'default');
    await admin.call(
      'ACL', 'SETUSER', 'alice', 'on', `>${ALICE_SECRET}`, '~app1:*', '%R~shared:*', '&news.*', '+@read', '+@write',
      '+@list', '+@pubsub', '+@transaction', '-flushall', '-@dangerous', '+acl|whoami',
    );
    await admin.call('SET', 'shared:motd', 'hello');
  });

  after(async () => {
    await admin?.close();
    stubs?.emberkv.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('no credentials, wrong secrets, unknown users and malformed metadata: UNAUTHENTICATED', async () => {
    for (const [rpc, request] of [['Unwatch', { token: '1' }], ['Watch', { keys: [Buffer.from('k')] }], ['Get', { key: Buffer.from('k') }]]) {
      const err = await rejection(callWith(stubs.emberkv, rpc, request, null));
      assert.equal(err.code, grpc.status.UNAUTHENTICATED, `${rpc}: ${err.message}`);
    }
    const get = command('GET', 'shared:motd');
    for (const header of [null, `Bearer wrong`, `Bearer alice:wrong`, `Bearer nobody:${ALICE_SECRET}`, 'Basic abc', 'Bearer ']) {
      const err = await rejection(callWith(stubs.emberkv, 'Execute', get, header));
      assert.equal(err.code, grpc.status.UNAUTHENTICATED, `${header}: ${err.message}`);
    }
    const anonymous = new Client({ address: server.address });
    const err = await rejection(anonymous.call('GET', 'shared:motd'));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    await anonymous.close();
    const reply = await callWith(stubs.emberkv, 'Execute', get, `Bearer alice:${ALICE_SECRET}`);
    assert.ok(reply);
  });

  test('random authorization metadata: UNAUTHENTICATED, and the server keeps serving', async () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    const header = fc.oneof(
      printable,
      printable.map((s) => `Bearer ${s}`),
      fc.tuple(fc.constantFrom('alice', 'default', 'nobody', ''), printable).map(([u, s]) => `Bearer ${u}:${s}`),
    );
    const headers = fc.sample(header, { numRuns: 60, seed: 20261122 });
    const get = command('GET', 'shared:motd');
    const codes = await Promise.all(headers.map((h) => callWith(stubs.emberkv, 'Execute', get, h).then(() => 0, (err) => err.code)));
    assert.deepEqual([...new Set(codes)], [grpc.status.UNAUTHENTICATED]);
    assert.equal(await admin.call('GET', 'shared:motd'), 'hello');
  });

  test('the Client with a username runs as that user', async () => {
    const alice = new Client({ address: server.address, username: 'alice', password: ALICE_SECRET });
    assert.equal(await alice.call('ACL', 'WHOAMI'), 'alice');
    assert.equal(await alice.call('SET', 'app1:a', '1'), 'OK');
    assert.equal(await alice.call('GET', 'shared:motd'), 'hello');
    await alice.close();
  });

  test('a command outside the user\'s categories is refused on every path, and nothing runs', async () => {
    const alice = new Client({ address: server.address, username: 'alice', password: ALICE_SECRET });
    const header = `Bearer alice:${ALICE_SECRET}`;
    await admin.call('SET', 'app1:keep', 'v');
    // Pipeline (the Client's path): the refused command's error is its reply.
    const [refused, allowed] = await Promise.allSettled([alice.call('FLUSHALL'), alice.call('GET', 'app1:keep')]);
    assert.match(refused.reason.message, /^NOPERM User alice has no permissions to run the 'flushall' command/);
    assert.equal(allowed.value, 'v');
    assert.equal(await admin.call('GET', 'app1:keep'), 'v', 'FLUSHALL did not run');
    // Execute.
    const err = await rejection(callWith(stubs.emberkv, 'Execute', command('CONFIG', 'SET', 'maxmemory', '1'), header));
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /'config\|set' command/);
    assert.equal(await admin.call('CONFIG', 'GET', 'maxmemory').then((r) => r[1]), '0');
    // A typed RPC (Set on a key outside app1:*).
    const typed = await rejection(callWith(stubs.emberkv, 'Set', { key: Buffer.from('app2:x'), value: Buffer.from('1') }, header));
    assert.equal(typed.code, grpc.status.PERMISSION_DENIED);
    assert.equal(await admin.call('EXISTS', 'app2:x'), 0);
    await alice.close();
  });

  test('key patterns: read-only keys cannot be written, other keys cannot be read', async () => {
    const alice = new Client({ address: server.address, username: 'alice', password: ALICE_SECRET });
    await admin.call('SET', 'app2:secret', SECRET_VALUE);
    const denied = await rejection(alice.call('GET', 'app2:secret'));
    assert.match(denied.message, /^NOPERM No permissions to access a key: user alice may not read 'app2:secret' \(key patterns: ~app1:\* %R~shared:\*\)/);
    const write = await rejection(alice.call('SET', 'shared:motd', 'changed'));
    assert.match(write.message, /may not write 'shared:motd'/);
    assert.equal(await admin.call('GET', 'shared:motd'), 'hello');
    // Movable keys: every numkeys key is checked.
    const zunion = await rejection(alice.call('ZUNIONSTORE', 'app1:dst', '2', 'app1:z', 'app2:z'));
    assert.match(zunion.message, /'app2:z'/);
    assert.equal(await admin.call('EXISTS', 'app1:dst'), 0);
    await alice.close();
  });

  test('a transaction with one refused command runs none of them', async () => {
    const alice = new Client({ address: server.address, username: 'alice', password: ALICE_SECRET });
    const err = await rejection(alice.exec([['SET', 'app1:tx', '1'], ['SET', 'app2:tx', '1']]));
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.message, /EXECABORT .*command 2: NOPERM No permissions to access a key/);
    assert.equal(await admin.call('EXISTS', 'app1:tx'), 0, 'the allowed command did not run either');
    assert.deepEqual(await alice.exec([['SET', 'app1:tx', '1'], ['GET', 'app1:tx']]), ['OK', '1']);
    // WATCH reads its keys.
    const watch = await rejection(alice.watch('app1:tx', 'app2:tx'));
    assert.equal(watch.code, grpc.status.PERMISSION_DENIED);
    assert.match(watch.message, /may not read 'app2:tx'/);
    const token = await alice.watch('app1:tx', 'shared:motd');
    assert.deepEqual(await alice.exec([['INCR', 'app1:tx']], { watch: token }), [2]);
    await alice.close();
  });

  test('blocking commands are checked before they wait, and woken pops run as their user', async () => {
    const alice = new Client({ address: server.address, username: 'alice', password: ALICE_SECRET });
    const denied = await rejection(alice.call('BLPOP', 'app2:queue', '0'));
    assert.match(denied.details, /^NOPERM No permissions to access a key/);
    const waiting = alice.call('BLPOP', 'app1:queue', '5');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await admin.call('RPUSH', 'app1:queue', 'job');
    assert.deepEqual(await waiting, ['app1:queue', 'job']);
    await alice.close();
  });

  test('Subscribe is refused outside the channel patterns; PUBLISH too', async () => {
    const alice = new Client({ address: server.address, username: 'alice', password: ALICE_SECRET });
    const refused = alice.subscribe({ channels: ['alerts'] });
    const err = await rejection(refused.ready);
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /may not use the channel 'alerts' \(channel patterns: &news\.\*\)/);
    // A pattern must be one of the user's patterns exactly.
    const pattern = alice.subscribe({ patterns: ['news.*.x'] });
    assert.equal((await rejection(pattern.ready)).code, grpc.status.PERMISSION_DENIED);
    const sub = alice.subscribe({ channels: ['news.today'], patterns: ['news.*'] });
    await sub.ready;
    assert.equal(await alice.call('PUBLISH', 'news.today', 'hi'), 2);
    const publish = await rejection(alice.call('PUBLISH', 'alerts', 'x'));
    assert.match(publish.message, /^NOPERM No permissions to access a channel/);
    sub.close();
    await alice.close();
  });

  test('ACL changes apply at once: a deleted user runs nothing more, a new secret works', async () => {
    await admin.call('ACL', 'SETUSER', 'bob', 'on', '>bob-1', '~bob:*', '+@all');
    const bob = new Client({ address: server.address, username: 'bob', password: 'bob-1' });
    assert.equal(await bob.call('SET', 'bob:x', '1'), 'OK');
    await admin.call('ACL', 'DELUSER', 'bob');
    // The open stream authenticated before; its commands now run as a
    // user with no permissions.
    assert.match((await rejection(bob.call('GET', 'bob:x'))).message, /^NOPERM User bob has no permissions/);
    await bob.close();
    const again = new Client({ address: server.address, username: 'bob', password: 'bob-1' });
    assert.equal((await rejection(again.call('GET', 'bob:x'))).code, grpc.status.UNAUTHENTICATED);
    await again.close();
    await admin.call('ACL', 'SETUSER', 'bob', 'on', '>bob-2', '~bob:*', '+@all');
    const renewed = new Client({ address: server.address, username: 'bob', password: 'bob-2' });
    assert.equal(await renewed.call('GET', 'bob:x'), '1');
    await renewed.close();
  });

  test('ACL SAVE writes hashes, never secrets, and a restart loads the users', async () => {
    assert.equal(await admin.call('ACL', 'SAVE'), 'OK');
    const text = readFileSync(aclfile, 'utf8');
    assert.ok(!text.includes(ALICE_SECRET) && !text.includes(ADMIN_SECRET), text);
    assert.match(text, /^user alice on #\$y\$\S+ ~app1:\* %R~shared:\* &news\.\* -@all \+@read .* \+acl\|whoami$/m);
    await admin.close();
    await server.stop();
    server = await startGrpcServer(['--aclfile', aclfile, '--log-level', 'info']);
    stubs.emberkv.close();
    stubs = loadStubs(server.address);
    admin = new Client({ address: server.address, password: ADMIN_SECRET });
    assert.deepEqual(await admin.call('ACL', 'USERS'), ['alice', 'bob', 'default']);
    const alice = new Client({ address: server.address, username: 'alice', password: ALICE_SECRET });
    assert.equal(await alice.call('ACL', 'WHOAMI'), 'alice');
    await alice.close();
  });

  test('emberkv-cli: --user and -a, or EMBERKV_AUTH', () => {
    const cli = (args, env = {}) =>
      spawnSync(process.execPath, [CLI, '-p', String(server.port), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(cli(['--user', 'alice', '-a', ALICE_SECRET, 'ACL', 'WHOAMI']).stdout, 'alice\n');
    assert.equal(cli(['ACL', 'WHOAMI'], { EMBERKV_AUTH: ADMIN_SECRET }).stdout, 'default\n');
    const refused = cli(['--user', 'alice', '-a', 'wrong', 'PING']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stdout + refused.stderr, /WRONGPASS/);
  });

  test('a malformed ACL file stops startup, naming the file and line', async () => {
    const bad = path.join(dir, 'bad.acl');
    writeFileSync(bad, 'user ok on nopass\nuser broken on +nosuchcommand\n');
    const err = await rejection(startGrpcServer(['--aclfile', bad]));
    assert.match(err.message, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: Error in ACL SETUSER modifier '\\+nosuchcommand'`));
  });

  test('the audit log names user, peer and command, never secrets or values', async () => {
    const alice = new Client({ address: server.address, username: 'alice', password: ALICE_SECRET });
    await rejection(alice.call('SET', 'app2:audit', SECRET_VALUE));
    await rejection(callWith(stubs.emberkv, 'Execute', command('GET', 'x'), `Bearer alice:not-${ALICE_SECRET}`));
    await admin.call('CONFIG', 'SET', 'maxmemory-samples', '5');
    await alice.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const audit = server.logs.filter((l) => l.audit);
    const denied = audit.find((l) => l.msg === 'permission denied' && l.command === 'set');
    assert.ok(denied, JSON.stringify(audit));
    assert.equal(denied.user, 'alice');
    assert.match(denied.peer, /127\.0\.0\.1:\d+/);
    assert.ok(audit.some((l) => l.msg === 'authentication failed' && l.user === 'alice'));
    assert.ok(audit.some((l) => l.msg === 'admin command' && l.command === 'config|set' && l.user === 'default'));
    const all = JSON.stringify(server.logs);
    for (const secret of [SECRET_VALUE, ALICE_SECRET, ADMIN_SECRET]) assert.ok(!all.includes(secret), `${secret} in the log`);
  });
});
