// HashValue: the value of a hash key (field -> value, both binary-safe).
//
// Two encodings, as in Redis 7.0, and the same switch points:
//   "listpack"   a FlatPairs buffer (flat_pairs.h): field,value pairs in
//                insertion order, an update keeping the pair's place. Small
//                hashes start here.
//   "hashtable"  an OpenTable of HashItems (one allocation per pair:
//                header, field bytes, value bytes).
// The switch is one way (Redis never converts back) and happens when a set
//   - stores a field or a value longer than limits.maxValue bytes (checked
//     before storing: Redis's hashTypeTryConversion in HSET/HSETNX and the
//     length check in hashTypeSet for HINCRBY/HINCRBYFLOAT), or
//   - makes the number of fields exceed limits.maxEntries (checked after
//     inserting a new field, as hashTypeSet does), or
//   - would make the flat buffer exceed kFlatMaxBytes (Redis's lpSafeToAdd).
// Only a set converts: a lookup, an update that fits, or an erase never do.
//
// Invariants:
//  - exactly one encoding is live: table_ == nullptr means "listpack";
//  - every byte (the flat buffer, the table object and its arrays, the
//    items) is allocated through the Collection's MemoryCounter;
//  - views returned by get/forEach/pairs/randomPair are valid until the
//    next mutation of this hash.
// This file knows nothing of commands (see commands/hashes.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "bytes.h"
#include "collection.h"
#include "flat_pairs.h"
#include "hash.h"
#include "open_table.h"

namespace ember {

// One field and its value in a single allocation: the header, then the
// field bytes, then the value bytes.
struct HashItem {
  uint32_t field_len;
  uint32_t value_len;

  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* data() { return reinterpret_cast<char*>(this + 1); }
  ByteView field() const { return ByteView(data(), field_len); }
  ByteView value() const { return ByteView(data() + field_len, value_len); }
  static size_t bytesFor(size_t field_len, size_t value_len) { return sizeof(HashItem) + field_len + value_len; }
};

struct HashItemTraits {
  static ByteView keyOf(const HashItem* item) { return item->field(); }
  static uint64_t hashOf(ByteView field) { return hashBytes(field); }
};

// The conversion thresholds (Redis's hash-max-listpack-entries/-value).
struct HashLimits {
  size_t maxEntries = 128;
  size_t maxValue = 64;
};

class HashValue final : public Collection {
 public:
  using FieldTable = OpenTable<HashItem, HashItemTraits>;
  struct Pair {
    ByteView field;
    ByteView value;
  };
  // The flat buffer never grows past this (Redis's listpack safety limit).
  static constexpr size_t kFlatMaxBytes = 1u << 30;

  explicit HashValue(MemoryCounter& store) : Collection(store), flat_(memory()) {}
  ~HashValue() override;

  std::string_view encodingName() const override { return table_ ? "hashtable" : "listpack"; }
  size_t size() const override { return table_ ? table_->size() : flat_.size(); }
  Collection* clone() const override;

  bool isFlat() const { return table_ == nullptr; }

  // The value of `field`, if present.
  std::optional<ByteView> get(ByteView field) const;
  // Sets `field` to `value` (converting first or after, see the header).
  // Returns true if the field is new. May throw std::bad_alloc; the hash
  // then still holds every field it held before, with the old value or the
  // new one. The views must not point into this hash.
  bool set(ByteView field, ByteView value, const HashLimits& limits);
  // Removes `field`; returns whether it was present. Never throws.
  bool erase(ByteView field);

  // Every pair, in the encoding's order (insertion order for listpack).
  template <class Visit>  // void(ByteView field, ByteView value)
  void forEach(Visit&& visit) const {
    if (!table_) {
      flat_.forEach(visit);
    } else {
      table_->forEach([&](const HashItem* item) { visit(item->field(), item->value()); });
    }
  }
  // Appends every pair to `out`, in forEach order.
  void pairs(std::vector<Pair>& out) const;

  // One SCAN step over the hashtable encoding (OpenTable::scan: `count`
  // home buckets); returns the next cursor. Requires !isFlat().
  template <class Visit>  // void(ByteView field, ByteView value)
  uint64_t scanTable(uint64_t cursor, size_t count, Visit&& visit) const {
    return table_->scan(cursor, count, [&](const HashItem* item) { visit(item->field(), item->value()); });
  }

  // A random pair from 64 random bits; the hash must not be empty. Uniform
  // for listpack; OpenTable::randomItem's near-uniform pick for hashtable.
  Pair randomPair(uint64_t random) const;

 private:
  HashItem* newItem(ByteView field, ByteView value);
  void freeItem(HashItem* item) { countedFree(memory(), item); }
  // Moves every pair into a new table; on std::bad_alloc nothing changed.
  void convertToTable();
  bool setInTable(ByteView field, ByteView value);

  FlatPairs flat_;
  FieldTable* table_ = nullptr;  // allocated through the counter when converted
};

}  // namespace ember
