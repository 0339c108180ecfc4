// Microbenchmark for OpenTable (not a test: ctest does not run it). Build by
// hand and run:
//
//   g++ -std=c++20 -O2 -DNDEBUG -Inative native/tests/open_table_bench.cc
//       native/core/hash.cc -o /tmp/open_table_bench
//   /tmp/open_table_bench [max_items]      (100k and 1M; 10M if max_items allows)
//
// For each size it prints ns/op for find (hit and miss; the hash
// precomputed, as the keyspace computes it once per command), insert
// (into an empty table, growth included), and erase (down to empty,
// shrinks included). Independent operations in a loop, so these are
// throughput figures: the CPU overlaps the cache misses of consecutive
// finds. It also prints single-insert latencies while growing, which is
// what incremental rehash is for. The overall worst and the 99.99th
// percentile include whatever else the machine does (a preempted time
// slice shows up as ~4 ms), so the worst inserts are also broken down
// by what the table did in them: start a resize (allocate), finish
// migrating (retire the old array), or return a chunk of it to the kernel.
// Items are separately allocated 48-byte objects with their key inline,
// touched in random order, so large sizes miss the cache as a real
// keyspace would.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/open_table.h"

namespace {

struct Item {
  char key[24];
  uint8_t keyLength;
  uint64_t value;
};

struct Traits {
  static ember::ByteView keyOf(const Item* item) { return {item->key, item->keyLength}; }
  static uint64_t hashOf(ember::ByteView key) { return ember::hashBytes(key); }
};

using Table = ember::OpenTable<Item, Traits>;
using Clock = std::chrono::steady_clock;

double nsSince(Clock::time_point start) {
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
}

std::unique_ptr<Item> makeItem(const char* prefix, size_t i) {
  auto item = std::make_unique<Item>();
  int n = std::snprintf(item->key, sizeof item->key, "%s%zu", prefix, i);
  item->keyLength = static_cast<uint8_t>(n);
  item->value = i;
  return item;
}

void bench(size_t n) {
  std::mt19937_64 rng(n);
  std::vector<std::unique_ptr<Item>> items(n), misses(n);
  for (size_t i = 0; i < n; i++) items[i] = makeItem("key:", i);
  for (size_t i = 0; i < n; i++) misses[i] = makeItem("miss:", i);
  std::vector<uint64_t> hashes(n), missHashes(n);
  for (size_t i = 0; i < n; i++) hashes[i] = Traits::hashOf(Traits::keyOf(items[i].get()));
  for (size_t i = 0; i < n; i++) missHashes[i] = Traits::hashOf(Traits::keyOf(misses[i].get()));
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; i++) order[i] = static_cast<uint32_t>(i);
  std::shuffle(order.begin(), order.end(), rng);

  ember::MemoryCounter counter;
  Table table(counter);

  // Insert, timing every operation to find the worst one.
  std::vector<uint32_t> latencies(n);
  double worstStart = 0, worstFinish = 0, worstDrain = 0;
  for (size_t k = 0; k < n; k++) {
    const size_t i = order[k];
    const size_t capacityBefore = table.capacity();
    const bool rehashingBefore = table.isRehashing();
    const auto t0 = Clock::now();
    table.insert(items[i].get(), hashes[i]);
    const double ns = nsSince(t0);
    latencies[k] = static_cast<uint32_t>(ns);
    const size_t capacityAfter = table.capacity();
    if (capacityAfter > capacityBefore) {
      worstStart = std::max(worstStart, ns);
    } else if (capacityAfter < capacityBefore) {
      worstFinish = std::max(worstFinish, ns);
    } else if (rehashingBefore && (capacityBefore & (capacityBefore - 1)) == 0) {
      // Rehashing with one table (while growing, two tables never add up to
      // a power of two): returning the old array's memory.
      worstDrain = std::max(worstDrain, ns);
    }
  }
  std::sort(latencies.begin(), latencies.end());
  const double worst = latencies.back();
  const double p9999 = latencies[std::min(n - 1, n * 9999 / 10000)];
  // Same loop without per-op clocks, for the ns/op figure.
  table.clear();
  auto start = Clock::now();
  for (size_t k = 0; k < n; k++) {
    const size_t i = order[k];
    table.insert(items[i].get(), hashes[i]);
  }
  const double insertNs = nsSince(start) / static_cast<double>(n);
  while (table.rehashFor(1000000000)) {
  }
  const size_t bytes = static_cast<size_t>(counter.used);

  std::shuffle(order.begin(), order.end(), rng);
  const size_t lookups = std::max<size_t>(n, 2000000);
  uint64_t sink = 0;
  // Best of three: other processes on the machine only ever add time.
  double hitNs = 1e18, missNs = 1e18;
  for (int round = 0; round < 3; round++) {
    start = Clock::now();
    for (size_t k = 0; k < lookups; k++) {
      const size_t i = order[k % n];
      sink += reinterpret_cast<uintptr_t>(table.find(Traits::keyOf(items[i].get()), hashes[i]));
    }
    hitNs = std::min(hitNs, nsSince(start) / static_cast<double>(lookups));
    start = Clock::now();
    for (size_t k = 0; k < lookups; k++) {
      const size_t i = order[k % n];
      sink += reinterpret_cast<uintptr_t>(
          table.find(Traits::keyOf(misses[i].get()), missHashes[i]));
    }
    missNs = std::min(missNs, nsSince(start) / static_cast<double>(lookups));
  }
  // The hash of a key already in cache (a command argument), for reference:
  // a find from scratch costs this plus find-hit.
  const char* sample = "key:1234567";
  start = Clock::now();
  for (size_t k = 0; k < lookups; k++) {
    sink += Traits::hashOf(ember::ByteView(sample, 11 - (k & 1)));
  }
  const double hashNs = nsSince(start) / static_cast<double>(lookups);

  std::shuffle(order.begin(), order.end(), rng);
  start = Clock::now();
  for (size_t k = 0; k < n; k++) {
    const size_t i = order[k];
    sink += reinterpret_cast<uintptr_t>(table.erase(Traits::keyOf(items[i].get()), hashes[i]));
  }
  const double eraseNs = nsSince(start) / static_cast<double>(n);

  std::printf(
      "%9zu items: find-hit %6.1f  find-miss %6.1f  insert %6.1f  erase %6.1f ns/op;"
      " hash %4.1f ns; table %4.1f B/item\n"
      "                single insert: p99.99 %6.1f us, worst %7.1f us; worst that started a resize"
      " %6.1f us, finished a migration %6.1f us, drained %6.1f us\n",
      n, hitNs, missNs, insertNs, eraseNs, hashNs,
      static_cast<double>(bytes) / static_cast<double>(n), p9999 / 1000.0, worst / 1000.0,
      worstStart / 1000.0, worstFinish / 1000.0, worstDrain / 1000.0);
  if (sink == 42) std::puts("");
}

}  // namespace

int main(int argc, char** argv) {
  const size_t maxItems = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  for (size_t n : {size_t{100000}, size_t{1000000}, size_t{10000000}}) {
    if (n <= maxItems) bench(n);
  }
  return 0;
}
