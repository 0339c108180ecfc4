// Evictor: see evictor.h.
#include "evictor.h"

#include <algorithm>
#include <string>

#include "store.h"

namespace ember {
namespace {

// Slots walked per wanted volatile candidate: keys with an expiry are found
// by filtering a sample of all keys (there is no separate index of them,
// see keyspace.h), so a store where few keys have one costs more per pick.
constexpr size_t kVolatileWalkFactor = 8;
// When that finds none, walk up to this many slots before concluding that
// the database has no volatile key worth the search (the command may then
// be refused with the OOM error although a rare volatile key exists: the
// price of keeping no index of them).
constexpr size_t kMaxVolatileWalk = 16384;
constexpr size_t kRandomWalk = 64;

// maxmemory-samples goes up to INT_MAX as in Redis; past this many keys per
// database and round more sampling buys nothing but a longer stall.
constexpr int64_t kMaxSamplesPerRound = 1024;

// How often the time budget is checked (reading the clock costs ~25 ns).
constexpr int kEvictionsPerClockRead = 16;

}  // namespace

Evictor::Result Evictor::makeRoom(Store& store, size_t incoming, int64_t budget_ns, const Keyspace* inserting_into) {
  const StoreConfig& config = store.config();
  if (config.maxmemory <= 0) return Result::kOk;
  const int64_t limit = config.maxmemory;
  if (static_cast<int64_t>(incoming) > limit) return Result::kFail;
  auto over = [&] {
    const size_t growth = inserting_into ? inserting_into->insertGrowthBytes() : 0;
    return store.overMemoryLimit(static_cast<int64_t>(incoming + growth));
  };
  if (!over()) return Result::kOk;
  const EvictionPolicy policy = store.evictionPolicy();
  if (policy == EvictionPolicy::kNoEviction) return Result::kFail;
  const int64_t deadline = steadyNowNs() + budget_ns;
  for (int n = 1; over(); n++) {
    if (!evictOne(store, policy)) return Result::kFail;
    if (n % kEvictionsPerClockRead == 0 && steadyNowNs() >= deadline) return over() ? Result::kRunning : Result::kOk;
  }
  return Result::kOk;
}

bool Evictor::evictOne(Store& store, EvictionPolicy policy) {
  if (policy == EvictionPolicy::kAllKeysRandom) return evictRandom(store, false);
  if (policy == EvictionPolicy::kVolatileRandom) return evictRandom(store, true);
  // A round of sampling; if every candidate then turns out stale, one
  // thorough round before concluding that nothing is evictable.
  return evictFromPool(store, policy, false) || evictFromPool(store, policy, true);
}

bool Evictor::evictFromPool(Store& store, EvictionPolicy policy, bool thorough) {
  refillPool(store, policy, thorough);
  const bool volatile_only = policyIsVolatile(policy);
  while (!pool_.empty()) {
    const EvictionPool::Candidate& best = pool_.best();
    Keyspace& db = store.db(best.db);
    const Entry* e = db.peek(best.key);
    if (!e || (volatile_only && !e->hasExpire())) {
      pool_.popBest();  // gone or changed since it was sampled
      continue;
    }
    const uint64_t score = victimScore(policy, *e, store.clock());
    if (score < best.score) {
      pool_.rescoreBest(score);  // read since: re-rank it against the others
      continue;
    }
    std::string key = std::move(pool_.best().key);
    const int db_index = best.db;
    pool_.popBest();
    if (store.db(db_index).remove(key)) {
      store.stats().evicted_keys++;
      store.logDeletion(db_index, key);
    }
    return true;
  }
  return false;
}

void Evictor::refillPool(Store& store, EvictionPolicy policy, bool thorough) {
  const size_t samples = static_cast<size_t>(std::clamp<int64_t>(store.config().maxmemory_samples, 1, kMaxSamplesPerRound));
  const bool volatile_only = policyIsVolatile(policy);
  for (int i = 0; i < Store::kDatabases; i++) {
    Keyspace& db = store.db(i);
    if (db.size() == 0 || (volatile_only && db.expiresCount() == 0)) continue;
    size_t wanted = samples;
    auto offer = [&](const Entry* e) {
      if (volatile_only && !e->hasExpire()) return true;
      pool_.offer(victimScore(policy, *e, store.clock()), static_cast<uint32_t>(store.randomBits()), i, e->key());
      return --wanted > 0;
    };
    db.sample(store.randomBits(), thorough && volatile_only ? kMaxVolatileWalk : volatile_only ? samples * kVolatileWalkFactor : samples,
              offer);
  }
}

bool Evictor::evictRandom(Store& store, bool volatile_only) {
  for (int i = 0; i < Store::kDatabases; i++) {
    const int index = (next_db_ + i) % Store::kDatabases;
    Keyspace& db = store.db(index);
    if (db.size() == 0 || (volatile_only && db.expiresCount() == 0)) continue;
    std::string victim;
    bool found = false;
    // A volatile key is searched for by walking from random slots, a
    // bounded number of times (see kMaxVolatileWalk).
    for (size_t walked = 0; !found && walked < kMaxVolatileWalk; walked += kRandomWalk) {
      db.sample(store.randomBits(), volatile_only ? kRandomWalk : 1, [&](const Entry* e) {
        if (volatile_only && !e->hasExpire()) return true;
        victim.assign(e->key());
        found = true;
        return false;
      });
    }
    if (!found) continue;
    next_db_ = (index + 1) % Store::kDatabases;
    if (db.remove(victim)) {
      store.stats().evicted_keys++;
      store.logDeletion(index, victim);
    }
    return true;
  }
  return false;
}

}  // namespace ember
