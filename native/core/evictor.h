// Evictor: keeps a store's used memory under maxmemory by evicting keys,
// one at a time, chosen as eviction.h describes.
//
// The store calls it before every command while a limit is set (a command
// flagged denyoom is refused with the OOM error if room cannot be made for
// its arguments), after every write (so that memory is back under the
// limit when the command returns), and from its timer (to finish work a
// time budget cut short). Each call stops after `budget_ns`, so a command
// never stalls for long however much must go.
#pragma once

#include <cstddef>
#include <cstdint>

#include "eviction.h"

namespace ember {

class Keyspace;
class Store;

class Evictor {
 public:
  enum class Result {
    kOk,       // used + incoming fits under the limit (or there is no limit)
    kRunning,  // still above it when the time budget ran out
    kFail,     // cannot fit: nothing (more) is evictable, or incoming alone is over
  };

  // Evicts until the memory maxmemory counts (Store::memoryForLimit) plus
  // `incoming` bytes fits under maxmemory,
  // for at most about `budget_ns`. With `inserting_into`, a database about
  // to receive a key, the bytes its table would allocate to grow count as
  // incoming too, as long as they would be allocated: evicting a key from
  // it may make the growth unnecessary, which is what a full cache wants
  // (a limit is better spent on keys than on a doubled, half-empty table).
  Result makeRoom(Store& store, size_t incoming, int64_t budget_ns, const Keyspace* inserting_into = nullptr);
  // Forgets the candidates (the policy changed).
  void reset() { pool_.clear(); }

 private:
  // Evicts one key; false if no key is a candidate.
  bool evictOne(Store& store, EvictionPolicy policy);
  bool evictFromPool(Store& store, EvictionPolicy policy, bool thorough);
  bool evictRandom(Store& store, bool volatile_only);
  // Samples keys into the pool; `thorough` walks far enough to find keys
  // with an expiry however rare (see kMaxVolatileWalk).
  void refillPool(Store& store, EvictionPolicy policy, bool thorough);

  EvictionPool pool_;
  int next_db_ = 0;  // random policies visit databases round-robin
};

}  // namespace ember
