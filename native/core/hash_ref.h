// HashRef: the value of a hash key, wherever it lives, and the rules for
// switching its encoding. Commands (commands/hashes.cc) use hashes only
// through it.
//
// Two encodings, as in Redis 7.0, with the same switch points:
//   "listpack"   FlatPairs bytes (flat_pairs.h) inline in the key's entry
//                (Encoding::kInline): one allocation per small hash, key
//                and all, pairs in insertion order.
//   "hashtable"  a HashValue object (hash_value.h) the entry points to.
// The switch is one way (Redis never converts back) and happens when a set
//   - stores a field or a value longer than limits.maxValue bytes (checked
//     before storing: Redis's hashTypeTryConversion in HSET/HSETNX and the
//     length check in hashTypeSet for HINCRBY/HINCRBYFLOAT), or
//   - leaves more fields than limits.maxEntries (checked after every set,
//     updates included, as hashTypeSet does: a hash left above a lowered
//     hash-max-listpack-entries converts on its next write), or
//   - would make the flat bytes exceed kFlatMaxBytes (Redis's lpSafeToAdd).
// Only a set converts: a lookup, an update that fits, or an erase never do.
//
// A HashRef is a handle for the length of one command. It holds the entry,
// which a set or an erase on a listpack may move (reallocated, or replaced
// by a converted one); the keyspace slot is updated, and entry() is always
// the current one. A hash built for a new key is in no keyspace yet: its
// handle is made from a memory counter alone, and the command stores the
// entry once it is filled.
//
// Invariants:
//  - a listpack entry's payload is always a valid FlatPairs buffer, also
//    when an allocation throws midway (then the hash holds every field it
//    held before, with the old value or the new one);
//  - views returned by get/forEach/pairs/randomPair are valid until the
//    next set or erase through this handle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bytes.h"
#include "entry.h"
#include "flat_pairs.h"
#include "hash_value.h"
#include "keyspace.h"

namespace ember {

// The conversion thresholds (Redis's hash-max-listpack-entries/-value).
struct HashLimits {
  size_t maxEntries = 128;
  size_t maxValue = 64;
};

class HashRef {
 public:
  struct Pair {
    ByteView field;
    ByteView value;
  };
  // The flat bytes never grow past this (Redis's listpack safety limit).
  static constexpr size_t kFlatMaxBytes = 1u << 30;

  // No hash (the key is absent).
  HashRef() = default;
  // The hash stored at `entry` in `db` (entry->type() is kHash).
  HashRef(Keyspace& db, Entry* entry) : memory_(&db.memory()), db_(&db), entry_(entry) {}
  // A hash in no keyspace yet, allocated through `memory`.
  HashRef(MemoryCounter& memory, Entry* entry) : memory_(&memory), entry_(entry) {}

  explicit operator bool() const { return entry_ != nullptr; }
  Entry* entry() const { return entry_; }
  bool isFlat() const { return entry_->isInline(); }
  size_t size() const { return isFlat() ? flat().size() : table()->size(); }

  // The value of `field`, if present.
  std::optional<ByteView> get(ByteView field) const;
  // Sets `field` to `value` (converting first or after, see the header).
  // Returns true if the field is new. May throw std::bad_alloc (see the
  // invariants). The views must not point into this hash.
  bool set(ByteView field, ByteView value, const HashLimits& limits);
  // Removes `field`; returns whether it was present. Never throws.
  bool erase(ByteView field);

  // Every pair, in the encoding's order (insertion order for listpack).
  template <class Visit>  // void(ByteView field, ByteView value)
  void forEach(Visit&& visit) const {
    if (isFlat()) {
      flat().forEach(visit);
    } else {
      table()->forEach(visit);
    }
  }
  // Appends every pair to `out`, in forEach order.
  void pairs(std::vector<Pair>& out) const;

  // One SCAN step over the hashtable encoding (OpenTable::scan: `count`
  // home buckets); returns the next cursor. Requires !isFlat().
  template <class Visit>  // void(ByteView field, ByteView value)
  uint64_t scanTable(uint64_t cursor, size_t count, Visit&& visit) const {
    return table()->scan(cursor, count, visit);
  }

  // A random pair from 64 random bits; the hash must not be empty. Uniform
  // for listpack (a walk: callers picking many should take pairs() once);
  // OpenTable::randomItem's near-uniform pick for hashtable.
  Pair randomPair(uint64_t random) const;

 private:
  FlatPairs flat() const { return FlatPairs(entry_->inlineBytes()); }
  HashValue* table() const { return entry_->collectionAs<HashValue>(); }
  // Resizes the listpack bytes (the entry may move); returns their address.
  char* resizeFlat(size_t bytes);
  // Moves every pair into a new HashValue and the entry to one pointing to
  // it; on std::bad_alloc nothing changed.
  void convertToTable();

  MemoryCounter* memory_ = nullptr;
  Keyspace* db_ = nullptr;  // null while the hash is in no keyspace
  Entry* entry_ = nullptr;
};

}  // namespace ember
