// Belady's optimal (OPT) hit count for a cache of `capacity` keys replaying
// a trace, offline: the ceiling against which the stores' policies are
// compared in bench/hitratio.mjs.
//
// The setting is cache-aside: a miss is served by the backing store, then
// the key may be cached. So after each request the cache may keep any
// `capacity` keys among those it held plus the one just requested, and
// keeping the ones whose next use comes soonest is optimal (Belady's
// argument). Declining to keep the missed key is allowed: a store does the
// same when its next eviction picks the newcomer. This is never below the
// classic MIN (which must admit every missed key) and is a true upper bound
// for any policy.
//
// Hits are counted only from request `countFrom` on (the measured window
// after a warm-up). Requests before it score nothing but still bring keys
// in, and any `capacity` keys requested before the window can be held at
// its start (each kept from its last request before the window), so the
// window starts with the keys seen so far whose next use is soonest; from
// there Belady's rule runs to the end. That is the optimum over the window
// itself, not Belady's run over the whole trace counted from the window
// (which can be lower: it spends space on hits that are not counted).
//
// Implementation: a next-use array (for each request, the position of the
// same key's next request, or `length` for never), and a max-heap of
// request positions ordered by next use. A cached key's heap entry is the
// position of its latest request; older entries for the same key are left
// in the heap and skipped when they surface (lazy deletion). O(n log n)
// time, O(n) memory.

/** For each position, the position of the next request of the same key (`trace.length` if none). */
export function nextUses(trace) {
  const n = trace.length;
  let maxKey = 0;
  for (let i = 0; i < n; i++) if (trace[i] > maxKey) maxKey = trace[i];
  const upcoming = new Int32Array(maxKey + 1).fill(n);
  const next = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const key = trace[i];
    next[i] = upcoming[key];
    upcoming[key] = i;
  }
  return next;
}

/** A max-heap of request positions ordered by next[position]. */
class PositionHeap {
  constructor(next, capacity) {
    this.next = next;
    this.items = new Int32Array(capacity);
    this.size = 0;
  }

  push(position) {
    const { items, next } = this;
    let i = this.size++;
    const priority = next[position];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (next[items[parent]] >= priority) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = position;
  }

  pop() {
    const { items, next } = this;
    const top = items[0];
    const last = items[--this.size];
    const n = this.size;
    const priority = next[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && next[items[child + 1]] > next[items[child]]) child++;
      if (next[items[child]] <= priority) break;
      items[i] = items[child];
      i = child;
    }
    if (n > 0) items[i] = last;
    return top;
  }
}

/**
 * OPT's hits in requests [countFrom, trace.length) with room for `capacity`
 * keys; `next` may be passed if already computed by nextUses(trace).
 */
export function beladyHits(trace, capacity, countFrom = 0, next = nextUses(trace)) {
  const n = trace.length;
  if (capacity <= 0 || countFrom >= n) return 0;
  // latest[key]: the position of the key's latest request while it is
  // cached, -1 when it is not.
  let maxKey = 0;
  for (let i = 0; i < n; i++) if (trace[i] > maxKey) maxKey = trace[i];
  const latest = new Int32Array(maxKey + 1).fill(-1);
  const heap = new PositionHeap(next, n + 1);
  let cached = 0;

  // The window's starting contents: of the keys requested before it (each
  // at its last such request, the one whose next use is at or past
  // countFrom), the `capacity` used again soonest.
  const candidates = [];
  for (let i = 0; i < countFrom; i++) if (next[i] >= countFrom && next[i] < n) candidates.push(i);
  candidates.sort((a, b) => next[a] - next[b]);
  for (let c = 0; c < candidates.length && c < capacity; c++) {
    const position = candidates[c];
    latest[trace[position]] = position;
    heap.push(position);
    cached++;
  }

  let hits = 0;
  for (let i = countFrom; i < n; i++) {
    const key = trace[i];
    if (latest[key] >= 0) {
      hits++;
    } else {
      cached++;
    }
    latest[key] = i;
    heap.push(i);
    while (cached > capacity) {
      const position = heap.pop();
      const victim = trace[position];
      if (latest[victim] !== position) continue; // stale: the key was requested again since
      latest[victim] = -1;
      cached--;
    }
  }
  return hits;
}
