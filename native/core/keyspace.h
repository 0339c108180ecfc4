// Keyspace: one logical database, the map from keys to entries.
//
// Entries live in an OpenTable (open addressing, incremental rehash; see
// open_table.h). Expiry is an absolute time in ms stored inside the entry.
// Keys past their expiry are removed lazily, by the lookup that finds them,
// and actively, by activeExpire(), which sweeps the table with a SCAN cursor
// under a time budget (so no second index of volatile keys is kept: that
// would cost 10+ bytes per key for the benefit of finding expired keys
// sooner; the sweep reaches every key once per full cycle).
//
// Invariants:
//  - every entry in the table is owned by it (freed by remove/put/clear);
//  - memory_ counts everything this database holds: entries, table and
//    collections (theirs chain to it); a value that goes to another
//    database is re-allocated through that one's counter (COPY ... DB);
//  - expires_count_ == number of entries with an expiry, expired or not;
//  - an Entry* obtained from a lookup is valid until the next mutation of
//    this keyspace; functions that may move an entry return the new pointer.
#pragma once

#include <cstdint>
#include <span>

#include "clock.h"
#include "entry.h"
#include "hash.h"
#include "lazy_free.h"
#include "miss_burst.h"
#include "open_table.h"
#include "watches.h"

namespace ember {

struct EntryTraits {
  static ByteView keyOf(const Entry* e) { return e->key(); }
  static uint64_t hashOf(ByteView key) { return hashBytes(key); }
};

// Counters shared by all databases of a store (INFO stats), and what the
// store's read lookups say right now (miss_burst.h).
struct KeyspaceStats {
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  MissBurst miss_burst;
};

// Told of every key a keyspace deletes on its own because it expired (by a
// lookup, the active sweep or randomEntry): the store logs it (store.h).
class ExpiryListener {
 public:
  virtual void keyExpired(int db_index, ByteView key) = 0;

 protected:
  ~ExpiryListener() = default;
};

enum LookupFlags : unsigned {
  kLookupNone = 0,
  kLookupNoTouch = 1,  // do not update the access clock (TYPE, EXISTS, OBJECT)
  kLookupNoStats = 2,  // do not count a hit or a miss
};

class Keyspace {
 public:
  // Its entries, table and collections count into a counter of its own,
  // a child of `store_memory`. `freer` (may be null: then everything is
  // freed inline) takes large values as they leave: deleted, overwritten,
  // expired, evicted (as Redis does with every lazyfree-* option on).
  Keyspace(MemoryCounter& store_memory, KeyspaceStats& stats, const CommandClock& clock, LazyFreer* freer = nullptr);

  // The counter for everything this database holds (new entries and
  // collections are allocated through it).
  MemoryCounter& memory() { return memory_; }
  // Reports changes to keys of this database, as database `db_index`, to
  // `watches` (WATCH); until called, changes are reported nowhere.
  void attachWatches(Watches* watches, int db_index) {
    watches_ = watches;
    db_index_ = db_index;
  }
  // Counts every change to a key of this database (each noteChanged, and
  // each key a clear() drops) into `*dirty`: the store's count of changes
  // since the last snapshot (Redis's server.dirty). Until called, and after
  // detachFromStore, changes are counted into a counter of the keyspace's
  // own that nobody reads (so noteChanged needs no branch for it).
  void attachDirtyCounter(uint64_t* dirty) { dirty_ = dirty ? dirty : &own_dirty_; }
  // Tells `listener` (may be null: nobody) of every expiry, as database
  // `db_index` (attachWatches sets the same index).
  void attachExpiryListener(ExpiryListener* listener) { expiry_listener_ = listener; }

  // Takes this keyspace out of the store's accounting so that another
  // thread may destroy it (FLUSHALL/FLUSHDB ASYNC): its bytes leave
  // used_memory now, and it frees everything inline from then on.
  void detachFromStore();
  ~Keyspace();
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  // Keys in the table, including expired ones not yet reclaimed (as DBSIZE).
  size_t size() const { return table_.size(); }
  size_t expiresCount() const { return expires_count_; }
  // What a new key would make the table add for good, and what the table
  // holds only until its rehash ends (see OpenTable).
  size_t insertGrowthBytes() const { return table_.insertGrowthBytes(); }
  size_t transientBytes() const { return table_.transientBytes(); }
  // Bytes of the table itself (slots), not of the entries (MEMORY STATS).
  size_t tableBytes() const { return table_.arrayBytes(); }

  // The live entry for `key`, or nullptr. An expired entry found here is
  // deleted (and counted in expired_keys). Read lookups count hits/misses.
  Entry* lookupRead(ByteView key, unsigned flags = kLookupNone);
  Entry* lookupWrite(ByteView key);

  // Starts loading the table groups and entries of up to kPrefetchBatch
  // keys that are about to be looked up, so that their cache misses
  // overlap (multi-key reads). A hint: it changes nothing.
  static constexpr size_t kPrefetchBatch = 16;
  void prefetch(std::span<const ByteView> keys) const;

  // Stores `fresh` under its key, freeing any entry it replaces. The entry
  // gets a new entry's access clock (under LFU an overwrite keeps the old
  // frequency, as Redis does). If the table cannot grow (std::bad_alloc),
  // `fresh` is freed and the exception propagates.
  void put(Entry* fresh);
  // Stores a new collection under `key` (replacing any entry; no expiry).
  // Takes ownership of `value`, also when it throws (then `value` is freed).
  void putCollection(ByteView key, ValueType type, Collection* value);
  // Deletes the key if present (an expired key counts as absent and is
  // reclaimed). Returns true if a live key was deleted.
  bool remove(ByteView key);
  // The entry at `key` as it stands, without touching it, counting a hit
  // or expiring it: the evictor re-reads candidates this way.
  const Entry* peek(ByteView key) const { return table_.find(key, EntryTraits::hashOf(key)); }

  // Visits up to `limit` entries from a random position (see
  // OpenTable::sampleRun); `visit(const Entry*)` returns false to stop.
  template <class Visit>
  void sample(uint64_t random_bits, size_t limit, Visit&& visit) const {
    table_.sampleRun(random_bits, limit, [&](Entry* e) { return visit(static_cast<const Entry*>(e)); });
  }

  // Sets or clears (kNoExpire) the expiry of a live entry; returns the entry
  // as it is now stored (it may have moved).
  Entry* setExpire(Entry* entry, int64_t expire_at);
  // Resizes a live string entry to a raw string of `length` bytes (see
  // Entry::resizedRawString); returns the entry as it is now stored.
  Entry* resizeRawString(Entry* entry, size_t length);
  // Resizes a live entry's inline collection payload (Entry::resizedInline);
  // returns the entry as it is now stored.
  Entry* resizeInline(Entry* entry, size_t bytes);
  // Stores `fresh` in place of the live `entry`, whose key and expiry it
  // has (an inline collection converted to an object), and frees the old
  // entry's own allocation (Entry::destroyShell). Never throws.
  void replaceShell(Entry* entry, Entry* fresh);
  // Moves a live entry to `new_key` (a different key; an entry there is
  // replaced), with expiry `expire_at`. The value moves, it is not copied
  // (for collections this moves the object pointer). Returns the entry
  // under its new key.
  Entry* rename(Entry* entry, ByteView new_key, int64_t expire_at);

  // Removes the live entry at `key` from the table without freeing it and
  // returns it (nullptr if there is none): MOVE hands it to another
  // database of the same store (they share one memory counter), which
  // put()s it. Counted as a change of the key.
  Entry* take(ByteView key);

  // Every watched key of this database that exists changed (it is being
  // emptied or swapped: Redis's touchAllWatchedKeysInDb).
  void touchWatchedKeys();

  // Removes every key.
  void clear();

  // A random live key's entry, or nullptr when there is none. Expired keys
  // met on the way are reclaimed.
  Entry* randomEntry(uint64_t random_bits);

  // SCAN over the table (see OpenTable::scan for the guarantee).
  template <class Visit>
  uint64_t scan(uint64_t cursor, size_t count, Visit&& visit) const {
    return table_.scan(cursor, count, visit);
  }
  template <class Visit>
  void forEach(Visit&& visit) const {
    table_.forEach(visit);
  }

  // Active expiry: continues a sweep of the table, deleting expired keys,
  // until `deadline_ns` (steady clock) or one full cycle. Returns the number
  // of keys deleted.
  size_t activeExpire(int64_t deadline_ns);
  const CommandClock& clock() const { return clock_; }

  // Incremental rehash work for about `budget_ns`; true if more remains.
  bool rehashFor(int64_t budget_ns) { return table_.rehashFor(budget_ns); }

 private:
  Entry* lookup(ByteView key, uint64_t hash);
  // Stores reshape(entry) (the same key, possibly moved or rebuilt; `entry`
  // may be freed by it) in entry's slot; returns it.
  template <class Reshape>
  Entry* reshape(Entry* entry, Reshape&& reshape);
  // Frees an entry that left the table: a large collection goes to the
  // background freer, so no command stalls on a million free() calls.
  void dropEntry(Entry* e);
  void expireEntry(ByteView key, uint64_t hash);
  // Removes the entry at key (if any) and frees it (dropEntry). An expiry
  // (`expired`) is not counted as a change by the dirty counter (Redis
  // does not count expirations in server.dirty either: an expired key is
  // not in a snapshot anyway).
  void eraseEntry(ByteView key, uint64_t hash, bool expired = false);
  void touch(Entry* e);
  // A key changed (or was opened for a write): tell WATCH, and count it
  // for the snapshot's dirty counter.
  void noteChanged(ByteView key) {
    ++*dirty_;
    if (watches_) watches_->touch(db_index_, key);
  }

  MemoryCounter memory_;  // declared before table_, which counts through it
  LazyFreer* freer_;
  KeyspaceStats& stats_;
  const CommandClock& clock_;
  OpenTable<Entry, EntryTraits> table_;
  Watches* watches_ = nullptr;
  ExpiryListener* expiry_listener_ = nullptr;
  uint64_t own_dirty_ = 0;
  uint64_t* dirty_ = &own_dirty_;
  int db_index_ = 0;
  size_t expires_count_ = 0;
  uint64_t expire_cursor_ = 0;
};

// Current time on the steady clock in ns, for time budgets.
int64_t steadyNowNs();

}  // namespace ember
