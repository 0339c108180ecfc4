// Keyspace implementation: see keyspace.h for the invariants.
#include "keyspace.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace ember {

int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

}  // namespace

Keyspace::Keyspace(MemoryCounter& store_memory, KeyspaceStats& stats, const CommandClock& clock, LazyFreer* freer)
    : memory_{0, &store_memory}, freer_(freer), stats_(stats), clock_(clock), table_(memory_) {}

void Keyspace::detachFromStore() {
  // Emptied for the store's users now; freed later on another thread,
  // which must not reach the store's watches.
  touchWatchedKeys();
  watches_ = nullptr;
  expiry_listener_ = nullptr;
  dirty_ = &own_dirty_;
  memory_.parent->sub(static_cast<size_t>(memory_.used));
  memory_.parent = nullptr;
  freer_ = nullptr;
}

Keyspace::~Keyspace() { clear(); }

void Keyspace::touch(Entry* e) {
  uint32_t before = e->accessClock();
  uint32_t after = clock_.touchedAccess(before);
  // Most reads within the same second change nothing: skip the store and
  // keep the cache line clean.
  if (after != before) e->setAccessClock(after);
  if (e->onProbation()) e->setProbation(false);
}

Entry* Keyspace::lookup(ByteView key, uint64_t hash) {
  Entry* e = table_.find(key, hash);
  if (e && e->isExpired(clock_)) {
    expireEntry(key, hash);
    return nullptr;
  }
  return e;
}

void Keyspace::expireEntry(ByteView key, uint64_t hash) {
  // Told first: `key` may view the entry's own bytes, freed by the erase.
  if (expiry_listener_) expiry_listener_->keyExpired(db_index_, key);
  eraseEntry(key, hash, true);
  stats_.expired_keys++;
}

Entry* Keyspace::lookupRead(ByteView key, unsigned flags) {
  Entry* e = lookup(key, EntryTraits::hashOf(key));
  if (!(flags & kLookupNoStats)) {
    if (e) {
      stats_.keyspace_hits++;
    } else {
      stats_.keyspace_misses++;
    }
    stats_.miss_burst.note(e != nullptr);
  }
  if (e && !(flags & kLookupNoTouch)) touch(e);
  return e;
}

Entry* Keyspace::lookupWrite(ByteView key) {
  Entry* e = lookup(key, EntryTraits::hashOf(key));
  if (e) {
    touch(e);
    noteChanged(key);
  }
  return e;
}

void Keyspace::prefetch(std::span<const ByteView> keys) const {
  uint64_t hashes[kPrefetchBatch];
  size_t n = std::min(keys.size(), kPrefetchBatch);
  for (size_t i = 0; i < n; i++) {
    hashes[i] = EntryTraits::hashOf(keys[i]);
    table_.prefetchGroup(hashes[i]);
  }
  for (size_t i = 0; i < n; i++) table_.prefetchItem(hashes[i]);
}

void Keyspace::put(Entry* fresh) {
  ByteView key = fresh->key();
  uint64_t hash = EntryTraits::hashOf(key);
  noteChanged(key);
  if (Entry** slot = table_.findSlot(key, hash)) {
    Entry* old = *slot;
    if (clock_.lfu) {
      fresh->copyAccessFrom(*old);
    } else {
      fresh->setAccessClock(clock_.freshAccess());
    }
    if (old->hasExpire()) expires_count_--;
    if (fresh->hasExpire()) expires_count_++;
    *slot = fresh;
    dropEntry(old);
    return;
  }
  fresh->setAccessClock(clock_.freshAccess());
  if (clock_.lfu && stats_.miss_burst.active()) fresh->setProbation(true);
  try {
    table_.insert(fresh, hash);
  } catch (...) {
    Entry::destroy(memory_, fresh);
    throw;
  }
  if (fresh->hasExpire()) expires_count_++;
}

void Keyspace::putCollection(ByteView key, ValueType type, Collection* value) {
  Entry* fresh;
  try {
    fresh = Entry::newCollection(memory_, key, type, value, kNoExpire);
  } catch (...) {
    destroyCollection(value);
    throw;
  }
  put(fresh);  // on failure put frees `fresh`, and with it `value`
}

void Keyspace::dropEntry(Entry* e) {
  if (freer_ && e->hasCollectionObject() && e->collection()->size() > LazyFreer::kThreshold) {
    Collection* value = e->collection();
    value->detachFromStore();
    freer_->free(value);
    Entry::destroyShell(memory_, e);
    return;
  }
  Entry::destroy(memory_, e);
}

void Keyspace::eraseEntry(ByteView key, uint64_t hash, bool expired) {
  Entry* e = table_.erase(key, hash);
  if (!e) return;
  noteChanged(key);
  if (expired) --*dirty_;
  if (e->hasExpire()) expires_count_--;
  dropEntry(e);
}

Entry* Keyspace::take(ByteView key) {
  const uint64_t hash = EntryTraits::hashOf(key);
  if (!lookup(key, hash)) return nullptr;
  Entry* e = table_.erase(key, hash);
  noteChanged(e->key());
  if (e->hasExpire()) expires_count_--;
  return e;
}

bool Keyspace::remove(ByteView key) {
  uint64_t hash = EntryTraits::hashOf(key);
  Entry* e = lookup(key, hash);
  if (!e) return false;
  eraseEntry(key, hash);
  return true;
}

template <class Reshape>
Entry* Keyspace::reshape(Entry* entry, Reshape&& reshape) {
  // The slot is found first: once reshaped, the old entry may be freed.
  ByteView key = entry->key();
  Entry** slot = table_.findSlot(key, EntryTraits::hashOf(key));
  Entry* now_stored = reshape(entry);
  *slot = now_stored;
  return now_stored;
}

Entry* Keyspace::setExpire(Entry* entry, int64_t expire_at) {
  const bool had = entry->hasExpire();
  noteChanged(entry->key());
  Entry* now_stored = reshape(entry, [&](Entry* e) { return Entry::withExpire(memory_, e, expire_at); });
  const bool has = now_stored->hasExpire();
  if (had && !has) expires_count_--;
  if (!had && has) expires_count_++;
  return now_stored;
}

Entry* Keyspace::resizeRawString(Entry* entry, size_t length) {
  return reshape(entry, [&](Entry* e) { return Entry::resizedRawString(memory_, e, length); });
}

Entry* Keyspace::resizeInline(Entry* entry, size_t bytes) {
  return reshape(entry, [&](Entry* e) { return Entry::resizedInline(memory_, e, bytes); });
}

void Keyspace::replaceShell(Entry* entry, Entry* fresh) {
  reshape(entry, [&](Entry* e) {
    Entry::destroyShell(memory_, e);
    return fresh;
  });
}

Entry* Keyspace::rename(Entry* entry, ByteView new_key, int64_t expire_at) {
  Entry* moved = Entry::copyWithKey(memory_, entry, new_key, expire_at);
  // Insert under the new name first: if that throws, nothing was lost.
  put(moved);
  // The value is the same object under a new name: it keeps its access
  // history (put() gave it a fresh one; `entry` is still in the table).
  moved->copyAccessFrom(*entry);
  ByteView old_key = entry->key();
  noteChanged(old_key);
  Entry* detached = table_.erase(old_key, EntryTraits::hashOf(old_key));
  if (detached->hasExpire()) expires_count_--;
  // The payload (for collections, the object pointer) now belongs to
  // `moved`: free only the old shell.
  Entry::destroyShell(memory_, detached);
  return moved;
}

void Keyspace::touchWatchedKeys() {
  if (!watches_ || watches_->empty()) return;
  watches_->forEachWatchedKey(db_index_, [this](ByteView key) {
    if (table_.find(key, EntryTraits::hashOf(key))) watches_->touch(db_index_, key);
  });
}

void Keyspace::clear() {
  touchWatchedKeys();
  *dirty_ += table_.size();  // as Redis's emptyData: every key dropped
  table_.forEach([this](Entry* e) { dropEntry(e); });
  table_.clear();
  expires_count_ = 0;
  expire_cursor_ = 0;
}

Entry* Keyspace::randomEntry(uint64_t random_bits) {
  // Like Redis, keep drawing until a live key turns up: every expired key
  // drawn is reclaimed, so this ends (at worst once the table is empty).
  for (;;) {
    Entry* e = table_.randomItem(random_bits);
    if (!e || !e->isExpired(clock_)) return e;
    ByteView key = e->key();
    expireEntry(key, EntryTraits::hashOf(key));
    random_bits = random_bits * 6364136223846793005ull + 1442695040888963407ull;
  }
}

size_t Keyspace::activeExpire(int64_t deadline_ns) {
  if (expires_count_ == 0) return 0;
  int64_t now_ms = clock_.nowMs();
  size_t deleted = 0;
  std::vector<Entry*> expired;
  uint64_t start = expire_cursor_;
  bool wrapped = false;
  do {
    expired.clear();
    // The visitor only collects; deleting during a scan step would mutate
    // the table under the scan.
    expire_cursor_ = table_.scan(expire_cursor_, 16, [&](Entry* e) {
      if (e->isExpiredAt(now_ms)) expired.push_back(e);
    });
    // One scan step visits an item at most once, but be robust to a
    // table that reports one twice: never touch a freed entry.
    std::sort(expired.begin(), expired.end());
    expired.erase(std::unique(expired.begin(), expired.end()), expired.end());
    for (Entry* e : expired) {
      ByteView key = e->key();
      expireEntry(key, EntryTraits::hashOf(key));
      deleted++;
    }
    if (expire_cursor_ == 0) wrapped = true;
    if (expires_count_ == 0) break;
  } while (!wrapped && expire_cursor_ != start && steadyNowNs() < deadline_ns);
  return deleted;
}

}  // namespace ember
