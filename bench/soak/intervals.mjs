// Takes a report row before the load starts (the baseline), then every
// interval while it runs (and one at the end, or when interrupted): ops/s
// over the interval, errors so far, and what the server holds
// (server-sample.mjs).
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleServer } from './server-sample.mjs';

const MB = 1024 * 1024;

/**
 * Takes the baseline, calls `startLoad(deadline)` (deadline in
 * performance.now() time, `durationMs` from now), then takes rows until
 * the deadline or until `signal` aborts: rows { elapsedS, opsPerSec,
 * errors, rssMB, usedMemoryMB, keys, benchRssMB }, the baseline's
 * opsPerSec null. `onRow` sees each row as it is taken.
 */
export async function recordIntervals({ stats, serverPid, monitor, intervalMs, durationMs, startLoad, signal, onRow }) {
  const rows = [];
  const record = async (elapsedS, opsPerSec) => {
    let server = { rssMB: NaN, usedMemoryMB: NaN, keys: NaN };
    try {
      server = await sampleServer(serverPid, monitor);
    } catch (err) {
      stats.unexpected('sampling the server', err);
    }
    const row = { elapsedS, opsPerSec, errors: stats.errors, ...server, benchRssMB: process.memoryUsage.rss() / MB };
    rows.push(row);
    onRow(row);
  };
  await record(0, null);
  const startedAt = performance.now();
  const deadline = startedAt + durationMs;
  startLoad(deadline);
  let previous = { at: startedAt, ops: stats.ops };
  for (let interval = 1; ; interval++) {
    // startedAt + interval * intervalMs, not a running sum: the last one must equal the deadline exactly.
    const until = Math.min(startedAt + interval * intervalMs, deadline);
    try {
      await sleep(until - performance.now(), undefined, { signal });
    } catch {
      // Interrupted: the last row is taken now.
    }
    const now = { at: performance.now(), ops: stats.ops };
    await record((now.at - startedAt) / 1000, (now.ops - previous.ops) / ((now.at - previous.at) / 1000));
    previous = now;
    if (until >= deadline || signal.aborted) return rows;
  }
}
