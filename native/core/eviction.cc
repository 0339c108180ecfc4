// Eviction policies and the candidate pool: see eviction.h.
#include "eviction.h"

#include <algorithm>
#include <limits>

#include "clock.h"
#include "entry.h"

namespace ember {

std::optional<EvictionPolicy> parseEvictionPolicy(std::string_view name) {
  struct Named {
    std::string_view name;
    EvictionPolicy policy;
  };
  static constexpr Named kPolicies[] = {
      {"noeviction", EvictionPolicy::kNoEviction},         {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},
      {"volatile-lfu", EvictionPolicy::kVolatileLfu},       {"allkeys-lru", EvictionPolicy::kAllKeysLru},
      {"volatile-lru", EvictionPolicy::kVolatileLru},       {"allkeys-random", EvictionPolicy::kAllKeysRandom},
      {"volatile-random", EvictionPolicy::kVolatileRandom}, {"volatile-ttl", EvictionPolicy::kVolatileTtl},
  };
  for (const Named& p : kPolicies) {
    if (p.name == name) return p.policy;
  }
  return std::nullopt;
}

bool policyIsVolatile(EvictionPolicy policy) {
  return policy == EvictionPolicy::kVolatileLfu || policy == EvictionPolicy::kVolatileLru ||
         policy == EvictionPolicy::kVolatileRandom || policy == EvictionPolicy::kVolatileTtl;
}

bool policyUsesPool(EvictionPolicy policy) {
  return policy != EvictionPolicy::kNoEviction && policy != EvictionPolicy::kAllKeysRandom &&
         policy != EvictionPolicy::kVolatileRandom;
}

uint64_t victimScore(EvictionPolicy policy, const Entry& entry, const CommandClock& clock) {
  switch (policy) {
    case EvictionPolicy::kAllKeysLfu:
    case EvictionPolicy::kVolatileLfu: {
      const uint64_t rarity = 255 - static_cast<uint64_t>(clock.lfuCounter(entry.accessClock()));
      const uint64_t probation = entry.onProbation() ? 1 : 0;
      return (rarity << 17) | (probation << 16) | clock.lfuIdleMinutes(entry.accessClock());
    }
    case EvictionPolicy::kAllKeysLru:
    case EvictionPolicy::kVolatileLru:
      return static_cast<uint64_t>(clock.idleSeconds(entry.accessClock()));
    case EvictionPolicy::kVolatileTtl:
      // Sooner expiry = higher score; keys without one are never offered.
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(std::max<int64_t>(entry.expireAt(), 0));
    default:
      return 0;
  }
}

void EvictionPool::offer(uint64_t score, uint32_t tiebreak, int db, ByteView key) {
  auto same = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Candidate& c) { return c.db == db && ByteView(c.key) == key; });
  if (same != entries_.end()) entries_.erase(same);
  Candidate fresh{score, tiebreak, db, std::string()};
  if (entries_.size() == kPoolSize) {
    if (!(entries_.front() < fresh)) return;
    entries_.erase(entries_.begin());  // make room: drop the least evictable
  }
  fresh.key.assign(key);
  entries_.insert(std::upper_bound(entries_.begin(), entries_.end(), fresh), std::move(fresh));
}

void EvictionPool::rescoreBest(uint64_t score) {
  Candidate moved = std::move(entries_.back());
  entries_.pop_back();
  moved.score = score;
  entries_.insert(std::upper_bound(entries_.begin(), entries_.end(), moved), std::move(moved));
}

}  // namespace ember
