// One memory measurement, in its own process (run by bench/embedded.mjs):
//   node --expose-gc bench/memory-child.mjs <emberkv|lru-cache|Map> <keys>
// Fills the store, measures V8 heap and RSS growth per key after a full GC,
// then reads every key once while recording GC pauses. Prints one JSON line.
import { PerformanceObserver } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import { Engine } from 'emberkv';
import { keyOf, valueOf } from './support.mjs';

const [store, countText] = process.argv.slice(2);
const count = Number(countText);

function settle() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage();
}

// Keys and values are made on the fly and kept only by the store, so each
// store pays for exactly what it holds (distinct strings, as a real cache).
const before = settle();
const loadStart = performance.now();
let get;
let native = null;
if (store === 'emberkv') {
  const engine = new Engine({ backgroundUpkeep: false });
  for (let i = 0; i < count; i++) engine.set(keyOf(i), valueOf(i));
  get = (k) => engine.get(k) ?? undefined;
  native = () => engine.memoryUsage();
} else if (store === 'lru-cache') {
  const lru = new LRUCache({ max: count });
  for (let i = 0; i < count; i++) lru.set(keyOf(i), valueOf(i));
  get = (k) => lru.get(k);
} else {
  const map = new Map();
  for (let i = 0; i < count; i++) map.set(keyOf(i), valueOf(i));
  get = (k) => map.get(k);
}
const loadMs = performance.now() - loadStart;
const after = settle();

let longestGcMs = 0;
let gcCount = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcCount++;
    longestGcMs = Math.max(longestGcMs, entry.duration);
  }
});
observer.observe({ entryTypes: ['gc'] });
let found = 0;
for (let i = 0; i < count; i++) {
  if (get(keyOf((i * 7919) % count)) !== undefined) found++;
}
// Let the observer deliver the last entries.
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();
if (found !== count) throw new Error(`read back ${found} of ${count} keys`);

console.log(
  JSON.stringify({
    store,
    heapPerKey: (after.heapUsed - before.heapUsed) / count,
    rssPerKey: (after.rss - before.rss) / count,
    nativePerKey: native ? native() / count : null,
    loadMs,
    longestGcMs,
    gcCount,
  }),
);
