// npm run bench:soak [-- --clients N --duration SECONDS --interval SECONDS --no-auth]
//   e.g. npm run bench:soak -- --duration 60      (a quick run)
//
// A soak test of emberkv-server: does it stay correct, and does its memory
// level off, under a long mixed load from many connections?
//
// Starts emberkv-server (dist/server/main.js, a child process in a process
// group of its own) on a free loopback port, then runs --clients (default
// 200) emberkv Clients, each its own gRPC connection (ownConnection), for --duration
// (default 300) seconds. Each client loops over steps drawn from every
// command family (strings, keys with SCAN MATCH, lists, hashes, sets,
// sorted sets, WATCH/MULTI/EXEC transactions, blocking pops woken by other
// clients' pushes, PUBLISH), over a bounded keyspace (bench/soak/
// workload.mjs); every tenth client also holds a subscription
// (bench/soak/subscribers.mjs). Unless --no-auth, the server requires a
// secret and each client authenticates as an ACL user of its own, scoped
// to the soak's keys and channels (so the load also runs every command
// through the permission check).
//
// Measures: ops/s, errors (a rejected command, a wrong reply, a lost or
// out-of-order pub/sub message, a WATCHed counter whose final value is not
// the number of transactions that committed an increment to it), and the
// server's memory (RSS and INFO used_memory) every --interval (default 10)
// seconds. The summary gives the RSS at 25/50/75/100% of the run and its
// growth over the second half: small when memory levels off. Expected
// outcomes (aborted transactions, blocking pops that time out) are counted
// apart. Exit code 0 when errors is 0, else 1. Ctrl-C stops the load early
// and still reports; a second Ctrl-C quits at once.
import { randomBytes } from 'node:crypto';
import { Client } from 'emberkv/client';
import { startGrpcServer } from '../test/support/grpc-server.mjs';
import { recordIntervals } from './soak/intervals.mjs';
import { parseSoakOptions } from './soak/options.mjs';
import { printIntervals, printRowLive, printSummary } from './soak/report.mjs';
import { connectionsTo } from './soak/server-sample.mjs';
import { SoakStats } from './soak/stats.mjs';
import { startSubscribers } from './soak/subscribers.mjs';
import { WATCHED_COUNTER_KEYS, runClient } from './soak/workload.mjs';

/** How long subscribers get, after the load stops, to receive what was published. */
const DELIVERY_GRACE_MS = 5000;
const PINO_WARN = 40;

const options = parseSoakOptions(process.argv.slice(2));

// Log level info: the line that gives the port is an info one. At that
// level the server logs only startup and a line per stream or subscription.
const ADMIN_SECRET = randomBytes(16).toString('hex');
const USER_SECRET = randomBytes(16).toString('hex');
const authArgs = options.auth ? ['--requirepass', ADMIN_SECRET] : [];
const server = await startGrpcServer(['--log-level', 'info', ...authArgs], {}, { detached: true });
// Detached, the server would outlive this process if it died: not so.
process.on('exit', () => server.process.kill());

const stop = new AbortController();
process.once('SIGINT', () => {
  console.log('\ninterrupted: stopping the load (Ctrl-C again to quit at once)');
  stop.abort();
  process.once('SIGINT', () => process.exit(130));
});

// grpc-js shares one connection among channels to the same address with
// the same options, so 200 Clients alike would be 200 streams on one
// connection: ownConnection gives each a connection of its own.
/** INFO and DBSIZE for the report, and the final checks: not counted in the load. */
const monitor = new Client({
  address: server.address,
  ownConnection: true,
  ...(options.auth ? { password: ADMIN_SECRET } : {}),
});
const userOf = (id) => `soak${id}`;
if (options.auth) {
  for (let id = 0; id < options.clients; id++) {
    await monitor.call('ACL', 'SETUSER', userOf(id), 'on', `>${USER_SECRET}`, '~soak:*', '&soak:chan:*', '+@all', '-@admin', '-@dangerous');
  }
}
const clients = Array.from(
  { length: options.clients },
  (_, id) =>
    new Client({
      address: server.address,
      ownConnection: true,
      ...(options.auth ? { username: userOf(id), password: USER_SECRET } : {}),
    }),
);
const stats = new SoakStats();
const subscribers = await startSubscribers(clients, stats);

console.log(
  `emberkv-server pid ${server.process.pid} on ${server.address}: ${options.clients} clients ` +
    `${options.auth ? 'each an ACL user of its own ' : '(no auth) '}` +
    `(${subscribers.subscriptions.length} subscribing too) for ${options.durationSeconds} s, ` +
    `a row every ${options.intervalSeconds} s\n`,
);
let loops;
const rows = await recordIntervals({
  stats,
  serverPid: server.process.pid,
  monitor,
  intervalMs: options.intervalSeconds * 1000,
  durationMs: options.durationSeconds * 1000,
  startLoad(deadline) {
    const shouldStop = () => stop.signal.aborted || performance.now() >= deadline;
    loops = clients.map((client, id) => runClient({ id, client, stats, shouldStop }));
  },
  signal: stop.signal,
  onRow: printRowLive,
});
stop.abort();
await Promise.all(loops);
const connections = await connectionsTo(server.port);

await checkDeliveries();
await checkWatchedCounters();
for (const subscription of subscribers.subscriptions) subscription.close();
await subscribers.ended;
await Promise.all([...clients, monitor].map((client) => client.close()));
const serverExit = await server.stop();
if (serverExit !== 0) stats.unexpected('emberkv-server exit', `exited with ${serverExit}`);

console.log(
  `\n${options.clients} clients${options.auth ? ', each an ACL user of its own,' : ''} mixed commands of every family, bounded keyspace\n`,
);
printIntervals(rows);
console.log('');
printSummary({ rows, stats, clients: options.clients, connections, subscriptions: subscribers.subscriptions.length, serverExit });
const warnings = server.logs.filter((entry) => entry.level >= PINO_WARN);
if (warnings.length) {
  console.log(`\nemberkv-server logged ${warnings.length} warnings or errors, the first:`);
  for (const entry of warnings.slice(0, 5)) console.log(JSON.stringify(entry));
}
process.exit(stats.errors === 0 ? 0 : 1);

/** Every message PUBLISH counted a receiver for must arrive (within the grace period). */
async function checkDeliveries() {
  const until = performance.now() + DELIVERY_GRACE_MS;
  while (stats.received < stats.deliveriesExpected && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (stats.received !== stats.deliveriesExpected) {
    stats.wrongReply('pub/sub messages received', stats.received, `${stats.deliveriesExpected} (the sum of PUBLISH replies)`);
  }
}

/** Each WATCHed counter must equal the number of transactions that committed an increment to it. */
async function checkWatchedCounters() {
  let values;
  try {
    values = await Promise.all(WATCHED_COUNTER_KEYS.map((key) => monitor.get(key)));
  } catch (err) {
    stats.unexpected('reading the WATCHed counters', err);
    return;
  }
  WATCHED_COUNTER_KEYS.forEach((key, i) => {
    const committed = stats.committedIncrements.get(key) ?? 0;
    const value = Number(values[i] ?? 0);
    if (value !== committed) stats.wrongReply(`WATCHed counter ${key}`, value, `${committed} committed increments`);
  });
}
