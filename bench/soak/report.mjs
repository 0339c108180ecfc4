// The soak's printed results: one line per interval as it is taken, then
// the table of intervals, the summary (throughput, errors, how the
// server's memory evolved, the expected outcomes) and the kinds of errors.
import { printTable } from '../support.mjs';

const mb = (value) => `${value.toFixed(1)} MB`;
const count = (value) => value.toLocaleString('en-US');

/** One line per row, while the soak runs. */
export function printRowLive(row) {
  const rate = row.opsPerSec === null ? 'baseline' : `${Math.round(row.opsPerSec)} ops/s`;
  console.log(
    `[${row.elapsedS.toFixed(0).padStart(4)} s] ${rate}, errors ${row.errors}, server RSS ${mb(row.rssMB)}, ` +
      `used_memory ${mb(row.usedMemoryMB)}, keys ${row.keys}`,
  );
}

export function printIntervals(rows) {
  printTable(
    ['elapsed s', 'ops/s', 'errors', 'server RSS MB', 'used_memory MB', 'keys', 'bench RSS MB'],
    rows.map((r) => [
      r.elapsedS.toFixed(0),
      r.opsPerSec === null ? '-' : String(Math.round(r.opsPerSec)),
      String(r.errors),
      r.rssMB.toFixed(1),
      r.usedMemoryMB.toFixed(2),
      String(r.keys),
      r.benchRssMB.toFixed(1),
    ]),
  );
}

/** The row (after the baseline) nearest to `fraction` of the run (the earlier one of a tie). */
function rowAt(rows, fraction) {
  const measured = rows.slice(1);
  const target = fraction * measured.at(-1).elapsedS;
  const distance = (r) => Math.abs(r.elapsedS - target);
  return measured.reduce((best, r) => (distance(r) < distance(best) - 1e-3 ? r : best));
}

/** "+1.2 MB (+3.4%)" from `before` to `after` (MB). */
function growth(before, after) {
  const sign = (v) => (v >= 0 ? '+' : '');
  const delta = after - before;
  return `${sign(delta)}${mb(delta)} (${sign(delta)}${((100 * delta) / before).toFixed(1)}%)`;
}

export function printSummary({ rows, stats, clients, connections, subscriptions, serverExit }) {
  const measured = rows.slice(1);
  const seconds = measured.at(-1).elapsedS;
  const [q1, half, q3, end] = [0.25, 0.5, 0.75, 1].map((f) => rowAt(rows, f));
  const at = (r) => `${mb(r.rssMB)} (${r.elapsedS.toFixed(0)} s)`;
  printTable(
    ['measure', 'value'],
    [
      ['clients (connections to the server)', `${clients} (${connections}, monitor included)`],
      ['duration', `${seconds.toFixed(0)} s`],
      ['total ops', count(stats.ops)],
      ['mean ops/s', count(Math.round(stats.ops / seconds))],
      ['errors', String(stats.errors)],
      ['server RSS at start (baseline)', mb(rows[0].rssMB)],
      ['server RSS at 25%', at(q1)],
      ['server RSS at 50%', at(half)],
      ['server RSS at 75%', at(q3)],
      ['server RSS at 100%', at(end)],
      ['server RSS growth, second half', growth(half.rssMB, end.rssMB)],
      ['used_memory at 50% / 100%', `${mb(half.usedMemoryMB)} / ${mb(end.usedMemoryMB)}`],
      ['used_memory growth, second half', growth(half.usedMemoryMB, end.usedMemoryMB)],
      ['keys at 50% / 100%', `${half.keys} / ${end.keys}`],
      ['pub/sub published (subscriptions)', `${count(stats.published)} (${subscriptions})`],
      ['pub/sub deliveries expected / received', `${count(stats.deliveriesExpected)} / ${count(stats.received)}`],
      ['blocking pops served / timed out', `${count(stats.blockingServed)} / ${count(stats.blockingTimedOut)}`],
      ['transactions run / aborted (WATCH)', `${count(stats.transactions)} / ${count(stats.transactionsAborted)}`],
      ['bench process RSS at 50% / 100%', `${mb(half.benchRssMB)} / ${mb(end.benchRssMB)}`],
      ['server exit', String(serverExit)],
    ],
  );
  if (stats.errorKinds.size === 0) return;
  console.log('\nErrors by kind (first occurrence):\n');
  printTable(
    ['count', 'first occurrence'],
    [...stats.errorKinds.values()].map(({ count: n, sample }) => [String(n), sample.split('\n')[0]]),
  );
}
