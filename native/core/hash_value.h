// HashValue: the "hashtable" encoding of a hash key (field -> value, both
// binary-safe): an OpenTable of HashItems, one allocation per pair (header,
// field bytes, value bytes).
//
// A hash starts in the "listpack" encoding, a FlatPairs buffer inside its
// keyspace entry (no object of its own: that is what keeps a small hash
// small), and becomes a HashValue once it outgrows its limits; HashRef
// (hash_ref.h) holds the rules for that switch and is what commands use.
// The switch is one way: Redis never converts back.
//
// Invariants:
//  - every byte (the table's arrays, the items) is allocated through the
//    Collection's MemoryCounter;
//  - views returned by get/forEach/randomPair are valid until the next
//    mutation of this hash.
// This file knows nothing of commands (see commands/hashes.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "bytes.h"
#include "collection.h"
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

class HashValue final : public Collection {
 public:
  using FieldTable = OpenTable<HashItem, HashItemTraits>;

  explicit HashValue(MemoryCounter& store) : Collection(store), table_(memory()) {}
  ~HashValue() override;

  std::string_view encodingName() const override { return "hashtable"; }
  size_t size() const override { return table_.size(); }
  Collection* clone(MemoryCounter& store) const override;

  // The value of `field`, if present.
  std::optional<ByteView> get(ByteView field) const;
  // Sets `field` to `value`; returns true if the field is new. May throw
  // std::bad_alloc, leaving the hash as it was. The views must not point
  // into this hash.
  bool set(ByteView field, ByteView value);
  // Removes `field`; returns whether it was present. Never throws.
  bool erase(ByteView field);

  template <class Visit>  // void(ByteView field, ByteView value)
  void forEach(Visit&& visit) const {
    table_.forEach([&](const HashItem* item) { visit(item->field(), item->value()); });
  }

  // One SCAN step (OpenTable::scan: `count` home buckets); returns the
  // next cursor.
  template <class Visit>  // void(ByteView field, ByteView value)
  uint64_t scan(uint64_t cursor, size_t count, Visit&& visit) const {
    return table_.scan(cursor, count, [&](const HashItem* item) { visit(item->field(), item->value()); });
  }

  // A random item from 64 random bits (OpenTable::randomItem's near-uniform
  // pick); the hash must not be empty.
  const HashItem* randomItem(uint64_t random) const { return table_.randomItem(random); }

 private:
  HashItem* newItem(ByteView field, ByteView value);
  void freeItem(HashItem* item) { countedFree(memory(), item); }

  FieldTable table_;
};

}  // namespace ember
