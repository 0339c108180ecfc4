// npm run bench:server — emberkv over the network beside Redis, in one run.
//
// Starts emberkv-server (dist/server/main.js, a child process) and
// redis-server (Debian package) on loopback, loads BENCH_KEYS (default 100k)
// keys of 32-byte values into each, then drives each with BENCH_CALLERS
// (default 50) concurrent callers in this one Node process, each doing
// GET or SET (50/50) on random keys, one command at a time (await, then the
// next), for BENCH_SECONDS (default 5) per round:
//   - emberkv Client -> emberkv-server: one Client shared by the callers,
//     auto-pipelining what they issue in the same tick over the Pipeline
//     stream;
//   - ioredis -> redis-server: one connection shared by the callers (as
//     ioredis is usually used; commands are written as issued, replies
//     read in order), and again with ioredis's enableAutoPipelining;
//   - grpc-js unary calls -> emberkv-server, one call per command: the typed
//     Get/Set RPCs (protobufjs objects on both sides), Execute with the raw
//     Command bytes, and Execute(PING), which does no engine work: the gap
//     between PING and GET is what the engine costs, the rest is transport;
//   - with authentication (issue 7): a second emberkv-server started with
//     --requirepass, driven by the Client and by unary Execute as an ACL
//     user scoped to the keys (every call carries its bearer token and
//     every command passes the permission check), beside ioredis
//     authenticated as the same user on redis-server.
// Each target runs BENCH_ROUNDS (default 3) rounds, interleaved; the table
// gives the median over rounds of ops/s and of the p50 / p99 latency of a
// command (issue to reply, as a caller sees it). Client and servers share
// this 2-core machine, so absolute numbers are low; compare the rows.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import Redis from 'ioredis';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../test/support/grpc-server.mjs';
import { startRedisServer, hasRedisServer } from '../test/support/redis-server.mjs';
import { driveCallers, keyOf, median, printTable, valueOf } from './support.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const CALLERS = Number(process.env.BENCH_CALLERS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VALUE = valueOf(0);

/** CALLERS loops of `op(isGet, key)` for SECONDS (the same mix for every target). */
function drive(op) {
  return driveCallers(CALLERS, SECONDS, (random) => {
    const key = keyOf(Math.floor(random() * KEYS));
    return op(random() < 0.5, key);
  });
}

async function load(set) {
  const batch = [];
  for (let i = 0; i < KEYS; i++) {
    batch.push(set(keyOf(i)));
    if (batch.length === 1000) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
}

const targets = [];

const ember = await startGrpcServer();
const client = new Client({ address: ember.address });
await load((k) => client.call('SET', k, VALUE));
targets.push({
  label: 'emberkv Client -> emberkv-server (Pipeline, auto-pipelined)',
  op: (isGet, key) => (isGet ? client.call('GET', key) : client.call('SET', key, VALUE)),
});

const raw = new grpc.Client(ember.address, grpc.credentials.createInsecure());
const encodeCommand = (name, args) => {
  // Command { name = 1; repeated bytes args = 2; }: small, so one-byte lengths.
  const parts = [Buffer.from([0x0a, name.length]), Buffer.from(name)];
  for (const a of args) parts.push(Buffer.from([0x12, Buffer.byteLength(a)]), Buffer.from(a));
  return Buffer.concat(parts);
};
const execute = (message) =>
  new Promise((resolve, reject) =>
    raw.makeUnaryRequest('/emberkv.v1.EmberKV/Execute', (b) => b, (b) => b, message, (err, r) => (err ? reject(err) : resolve(r))),
  );
targets.push({
  label: 'grpc-js unary Execute -> emberkv-server',
  op: (isGet, key) => execute(isGet ? encodeCommand('GET', [key]) : encodeCommand('SET', [key, VALUE])),
});
const PING = encodeCommand('PING', []);
targets.push({ label: 'grpc-js unary Execute(PING) -> emberkv-server', op: () => execute(PING) });
const definition = protoLoader.loadSync('emberkv/v1/emberkv.proto', {
  includeDirs: [path.join(import.meta.dirname, '..', 'proto')],
  keepCase: true,
  longs: String,
});
const typed = new (grpc.loadPackageDefinition(definition).emberkv.v1.EmberKV)(ember.address, grpc.credentials.createInsecure());
const call = (method, request) =>
  new Promise((resolve, reject) => typed[method](request, (err, r) => (err ? reject(err) : resolve(r))));
const valueBytes = Buffer.from(VALUE);
targets.push({
  label: 'grpc-js typed Get/Set -> emberkv-server',
  op: (isGet, key) => (isGet ? call('Get', { key: Buffer.from(key) }) : call('Set', { key: Buffer.from(key), value: valueBytes })),
});

// The same with authentication: an ACL user that may read and write key:*.
const BENCH_USER = ['bench', 'bench-secret'];
const USER_RULES = ['on', `>${BENCH_USER[1]}`, '~key:*', '+@read', '+@write'];
const emberAuth = await startGrpcServer(['--requirepass', 'admin-secret']);
const authAdmin = new Client({ address: emberAuth.address, password: 'admin-secret' });
await authAdmin.call('ACL', 'SETUSER', BENCH_USER[0], ...USER_RULES);
const authClient = new Client({ address: emberAuth.address, username: BENCH_USER[0], password: BENCH_USER[1] });
await load((k) => authClient.call('SET', k, VALUE));
targets.push({
  label: 'emberkv Client (ACL user) -> emberkv-server with auth',
  op: (isGet, key) => (isGet ? authClient.call('GET', key) : authClient.call('SET', key, VALUE)),
});
const authRaw = new grpc.Client(emberAuth.address, grpc.credentials.createInsecure());
const bearer = new grpc.Metadata();
bearer.set('authorization', `Bearer ${BENCH_USER.join(':')}`);
const authExecute = (message) =>
  new Promise((resolve, reject) =>
    authRaw.makeUnaryRequest('/emberkv.v1.EmberKV/Execute', (b) => b, (b) => b, message, bearer, (err, r) => (err ? reject(err) : resolve(r))),
  );
targets.push({
  label: 'grpc-js unary Execute (bearer token) -> emberkv-server with auth',
  op: (isGet, key) => authExecute(isGet ? encodeCommand('GET', [key]) : encodeCommand('SET', [key, VALUE])),
});

let redisServer;
const redisClients = [];
if (hasRedisServer()) {
  redisServer = await startRedisServer();
  for (const [label, options] of [
    ['ioredis -> redis-server', {}],
    ['ioredis (enableAutoPipelining) -> redis-server', { enableAutoPipelining: true }],
  ]) {
    const r = new Redis({ port: redisServer.port, host: '127.0.0.1', ...options });
    redisClients.push(r);
    targets.push({ label, op: (isGet, key) => (isGet ? r.get(key) : r.set(key, VALUE)) });
  }
  await load((k) => redisClients[0].set(k, VALUE));
  await redisClients[0].call('ACL', 'SETUSER', BENCH_USER[0], ...USER_RULES);
  const authRedis = new Redis({ port: redisServer.port, host: '127.0.0.1', username: BENCH_USER[0], password: BENCH_USER[1] });
  redisClients.push(authRedis);
  targets.push({ label: 'ioredis (ACL user) -> redis-server', op: (isGet, key) => (isGet ? authRedis.get(key) : authRedis.set(key, VALUE)) });
} else {
  console.log('\n*** redis-server is not on PATH: the redis rows are not measured ***');
}

// BENCH_ONLY (a regular expression on the labels) runs some targets only.
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
const chosen = only ? targets.filter((t) => only.test(t.label)) : targets;
const results = new Map(chosen.map((t) => [t.label, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const t of chosen) {
    const r = await drive(t.op);
    results.get(t.label).push(r);
    console.log(`round ${round + 1} ${t.label}: ${Math.round(r.opsPerSec)} ops/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`);
  }
}

console.log(
  `\nGET/SET 50/50 on ${KEYS} keys (32-byte values), ${CALLERS} concurrent callers, ${SECONDS} s per round; ` +
    `medians of ${ROUNDS} rounds\n`,
);
printTable(
  ['client -> server', 'ops/s', 'p50 ms', 'p99 ms'],
  chosen.map((t) => {
    const rs = results.get(t.label);
    return [
      t.label,
      String(Math.round(median(rs.map((r) => r.opsPerSec)))),
      median(rs.map((r) => r.p50Ms)).toFixed(2),
      median(rs.map((r) => r.p99Ms)).toFixed(2),
    ];
  }),
);

// The goal compares the auto-pipelined Client with ioredis: as a ratio per
// round (both measured minutes apart at most, under the same noise).
const ours = results.get(targets[0].label);
const theirs = results.get('ioredis -> redis-server');
if (ours && theirs) {
  const ratios = ours.map((r, i) => r.opsPerSec / theirs[i].opsPerSec).sort((a, b) => a - b);
  const p99 = ours.map((r, i) => r.p99Ms / theirs[i].p99Ms).sort((a, b) => a - b);
  console.log(
    `\nemberkv Client / ioredis, per round: ops/s ${median(ratios).toFixed(2)}x ` +
      `(${ratios[0].toFixed(2)} .. ${ratios.at(-1).toFixed(2)}), p99 ${median(p99).toFixed(2)}x ` +
      `(${p99[0].toFixed(2)} .. ${p99.at(-1).toFixed(2)})`,
  );
}

await client.close();
await authClient.close();
await authAdmin.close();
authRaw.close();
await emberAuth.stop();
raw.close();
typed.close();
for (const r of redisClients) r.disconnect();
await redisServer?.stop();
await ember.stop();
