// Shared helpers for the benchmarks: key and value generation, the median
// of rounds, a plain text table printer (so every benchmark prints peers
// side by side), and concurrent callers with their latencies.
import { rng } from '../test/support/random.mjs';

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The i-th 16-byte key. */
export function keyOf(i) {
  return `key:${String(i).padStart(12, '0')}`;
}

/** The i-th 32-byte value (distinct per key, as in a real cache). */
export function valueOf(i) {
  return `value:${String(i).padStart(26, '0')}`;
}

/** The i-th 16-byte hash key. */
export function hashKeyOf(i) {
  return `hash:${String(i).padStart(11, '0')}`;
}

/**
 * The fields of the i-th small hash, as HSET arguments: 5 fields of 6 bytes
 * (field0..field4) with 12-byte values that are not integers (so neither
 * Redis nor emberkv can store them as numbers), distinct per hash.
 */
export function hashFieldsOf(i) {
  const id = String(i).padStart(10, '0');
  return ['field0', `a:${id}`, 'field1', `b:${id}`, 'field2', `c:${id}`, 'field3', `d:${id}`, 'field4', `e:${id}`];
}

/** `count` distinct 16-byte keys. */
export function makeKeys(count) {
  const keys = new Array(count);
  for (let i = 0; i < count; i++) keys[i] = keyOf(i);
  return keys;
}

/** Prints rows under headers, columns padded to their widest cell. */
export function printTable(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

/**
 * `callers` concurrent loops, each awaiting `step(random)` (one operation;
 * `random` is the caller's own seeded generator) until `seconds` have
 * passed: { opsPerSec, p50Ms, p99Ms } of the operations' latencies as a
 * caller sees them (issue to reply).
 */
export async function driveCallers(callers, seconds, step) {
  const deadline = performance.now() + seconds * 1000;
  const latencies = [];
  const caller = async (id) => {
    const random = rng(id + 1);
    while (performance.now() < deadline) {
      const start = performance.now();
      await step(random);
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: callers }, (_, i) => caller(i)));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { opsPerSec: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99) };
}
