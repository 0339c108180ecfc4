// Eviction: choosing which key to drop when a write would pass maxmemory.
//
// Policies are Redis's. The *-lru, *-lfu and volatile-ttl policies rank
// keys by a "badness" score (higher = better victim):
//   lru           seconds since the last access (the entry's LRU clock);
//   lfu           255 minus the decayed LFU counter; among equal counters,
//                 keys on probation first (created during a burst of read
//                 misses, as a scan makes, and not accessed since:
//                 miss_burst.h), then minutes since the last access;
//   volatile-ttl  how soon the key expires (sooner = higher).
// The *-random policies pick a uniformly random key (with an expiry, for
// volatile-random).
//
// Candidates come from sampling, as in Redis, but sampled cheaply and kept:
// each round samples `maxmemory-samples` keys from every database — a run
// of consecutive table slots from a random position, which costs a few
// cache lines, and since slots are ordered by hash the run holds unrelated
// keys — and merges them into a pool of the kPoolSize worst keys seen
// across rounds. The victim is the pool's worst entry whose score still
// holds when re-read (a key read since it was sampled is re-ranked, not
// evicted on stale data). The pool outlives rounds, so each eviction
// chooses among far more keys than one round samples.
//
// Keys often tie (LRU time is in seconds, LFU counters are small numbers),
// so each offer carries random tie-break bits: among equals the pool keeps,
// and the evictor takes, a random one, not whichever database or table
// region was sampled first.
//
// Invariants of EvictionPool:
//  - at most kPoolSize entries, sorted by (score, tiebreak) ascending (the
//    best victim last);
//  - no two entries name the same (db, key);
//  - entries are hints: a key may have been deleted or changed since; the
//    victim is always re-checked against the keyspace before it goes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bytes.h"

namespace ember {

class CommandClock;
class Entry;

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLfu,
  kVolatileLfu,
  kAllKeysLru,
  kVolatileLru,
  kAllKeysRandom,
  kVolatileRandom,
  kVolatileTtl,
};

// The policy named by a maxmemory-policy value (lower case), if any.
std::optional<EvictionPolicy> parseEvictionPolicy(std::string_view name);

// Only keys with an expiry are candidates.
bool policyIsVolatile(EvictionPolicy policy);
// The policy ranks keys through the pool (not random, not noeviction).
bool policyUsesPool(EvictionPolicy policy);

// How good a victim `entry` is under `policy` now (higher = better).
uint64_t victimScore(EvictionPolicy policy, const Entry& entry, const CommandClock& clock);

class EvictionPool {
 public:
  static constexpr size_t kPoolSize = 16;

  struct Candidate {
    uint64_t score;
    uint32_t tiebreak;
    int db;
    std::string key;

    bool operator<(const Candidate& o) const { return score != o.score ? score < o.score : tiebreak < o.tiebreak; }
  };

  // Offers a sampled key; kept if the pool has room or it beats the least
  // evictable entry kept so far. An entry for the same key is replaced.
  void offer(uint64_t score, uint32_t tiebreak, int db, ByteView key);
  bool empty() const { return entries_.empty(); }
  // The best victim candidate (highest score); the pool must not be empty.
  const Candidate& best() const { return entries_.back(); }
  void popBest() { entries_.pop_back(); }
  // Re-ranks the best candidate after its score was re-read.
  void rescoreBest(uint64_t score);
  void clear() { entries_.clear(); }

 private:
  std::vector<Candidate> entries_;  // sorted by score ascending
};

}  // namespace ember
