// One memory measurement, in its own process (run by bench/embedded.mjs and
// bench/memory.mjs):
//   node --expose-gc bench/memory-child.mjs <emberkv|lru-cache|Map> <keys> [strings|hashes]
// Fills the store with <keys> string keys (16-byte keys, 32-byte values; the
// default) or, for emberkv only, <keys> small hashes of 5 fields
// (bench/support.mjs hashFieldsOf), measures V8 heap and RSS growth per key
// after a full GC (and, for emberkv, INFO memory used_memory per key and the
// OBJECT ENCODING of the first key), then
// reads every key once; GC pauses are recorded while loading and while
// reading. Prints one JSON line.
import { PerformanceObserver } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import { Engine } from 'emberkv';
import { hashFieldsOf, hashKeyOf, keyOf, valueOf } from './support.mjs';

const [store, countText, kind = 'strings'] = process.argv.slice(2);
const count = Number(countText);
if (kind !== 'strings' && kind !== 'hashes') throw new Error(`unknown data kind '${kind}' (strings or hashes)`);
if (kind === 'hashes' && store !== 'emberkv') throw new Error('hashes are measured for emberkv only');

function settle() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage();
}

// GC pauses are recorded per phase: loading and reading are reported; the
// forced collections of settle() are not.
const pauses = { settle: [], load: [], read: [] };
let phase = 'settle';
const flushObserver = () => new Promise((resolve) => setTimeout(resolve, 50));
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) pauses[phase].push(entry.duration);
});
observer.observe({ entryTypes: ['gc'] });

// Keys and values are made on the fly and kept only by the store, so each
// store pays for exactly what it holds (distinct strings, as a real cache).
const before = settle();
await flushObserver();
phase = 'load';
const loadStart = performance.now();
let get;
let native = null;
let usedMemory = null;
let encoding = null;
let nameOf = keyOf;
if (store === 'emberkv') {
  const engine = new Engine({ backgroundUpkeep: false });
  const info = () => Number(/^used_memory:(\d+)/m.exec(engine.call('INFO', 'memory'))[1]);
  const usedBefore = info();
  if (kind === 'hashes') {
    nameOf = hashKeyOf;
    for (let i = 0; i < count; i++) engine.call('HSET', hashKeyOf(i), ...hashFieldsOf(i));
    get = (k) => engine.call('HGET', k, 'field4') ?? undefined;
  } else {
    for (let i = 0; i < count; i++) engine.set(keyOf(i), valueOf(i));
    get = (k) => engine.get(k) ?? undefined;
  }
  native = () => engine.memoryUsage();
  usedMemory = () => info() - usedBefore;
  encoding = () => engine.call('OBJECT', 'ENCODING', nameOf(0));
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
await flushObserver();
phase = 'settle';
const after = settle();
await flushObserver();
phase = 'read';
let found = 0;
for (let i = 0; i < count; i++) {
  if (get(nameOf((i * 7919) % count)) !== undefined) found++;
}
await flushObserver();
observer.disconnect();
if (found !== count) throw new Error(`read back ${found} of ${count} keys`);

console.log(
  JSON.stringify({
    store,
    kind,
    heapPerKey: (after.heapUsed - before.heapUsed) / count,
    rssPerKey: (after.rss - before.rss) / count,
    nativePerKey: native ? native() / count : null,
    usedMemoryPerKey: usedMemory ? usedMemory() / count : null,
    encoding: encoding ? encoding() : null,
    loadMs,
    longestLoadGcMs: Math.max(0, ...pauses.load),
    longestReadGcMs: Math.max(0, ...pauses.read),
    readGcCount: pauses.read.length,
  }),
);
