// SetValue: the value of a set key, in one of Redis 7.0's two encodings.
//
//   intset     an IntSet (intset.h): every member is a canonical int64
//              (Redis's string2ll, i.e. parseInt64) and there are at most
//              the caller's `max_intset_entries` of them;
//   hashtable  an OpenTable (open_table.h) of SetMember items, one counted
//              allocation per member holding its bytes.
//
// Conversion is one-way, as in Redis 7.0: an intset becomes a hashtable
// when a member that is not a canonical integer is added, or when an add
// takes it past max_intset_entries. A hashtable never converts back, not
// even when it is emptied down to integers. (Redis 7.2's listpack sets do
// not exist in 7.0, the reference, so there is no third encoding.)
//
// Invariants:
//  - table_ is nullptr exactly while the set is an intset; a hashtable
//    set's ints_ is empty and allocates nothing. (The table is its own
//    allocation so that a small intset set costs ~64 bytes, not ~230.)
//  - members are distinct byte strings; in an intset a member's bytes are
//    the decimal text of its value;
//  - every byte is allocated through the Collection's MemoryCounter.
// Knows nothing about commands: thresholds are passed in by the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "bytes.h"
#include "collection.h"
#include "hash.h"
#include "intset.h"
#include "numbers.h"
#include "open_table.h"

namespace ember {

// One member of a hashtable-encoded set: its length, then its bytes.
struct SetMember {
  uint32_t length;
  char bytes[1];  // really `length` bytes (allocated to size)

  ByteView view() const { return ByteView(bytes, length); }
};

struct SetMemberTraits {
  static ByteView keyOf(const SetMember* m) { return m->view(); }
  static uint64_t hashOf(ByteView key) { return hashBytes(key); }
};

class SetValue final : public Collection {
 public:
  using Table = OpenTable<SetMember, SetMemberTraits>;

  // An empty set encoded as an intset (`intset` true) or a hashtable.
  SetValue(MemoryCounter& store, bool intset);
  ~SetValue() override;

  // Redis's setTypeCreate: the encoding a new set starts in, given the
  // first member it will receive.
  static bool startsAsIntSet(ByteView first_member) { return parseInt64(first_member).has_value(); }

  std::string_view encodingName() const override { return isIntSet() ? "intset" : "hashtable"; }
  size_t size() const override { return isIntSet() ? ints_.size() : table_->size(); }
  Collection* clone(MemoryCounter& store) const override;

  bool isIntSet() const { return table_ == nullptr; }
  bool contains(ByteView member) const;
  // Adds `member`; false if it was already there. Converts to a hashtable
  // as described above. May throw std::bad_alloc.
  bool add(ByteView member, size_t max_intset_entries);
  // Removes `member`; false if it was absent.
  bool remove(ByteView member);

  // Calls visit(ByteView) for every member; intsets in ascending order.
  // The view is valid only during the call. The set must not change.
  template <class Visit>
  void forEach(Visit&& visit) const {
    if (isIntSet()) {
      char digits[kInt64DigitsMax];
      for (size_t i = 0; i < ints_.size(); i++) visit(formatInt64(ints_.at(i), digits));
    } else {
      table_->forEach([&](const SetMember* m) { visit(m->view()); });
    }
  }

  // One step of a hashtable SCAN (OpenTable::scan over one home bucket);
  // only for hashtable sets (an intset is returned whole by SSCAN).
  template <class Visit>
  uint64_t scanStep(uint64_t cursor, Visit&& visit) const {
    return table_->scan(cursor, 1, [&](const SetMember* m) { visit(m->view()); });
  }

  // A random member (copied out), drawn with `random` bits. Non-empty only.
  std::string randomMember(uint64_t random) const;

  // `count` distinct members chosen at random (count < size()), copied
  // out; `next` returns 64 random bits per call. O(count) memory when
  // count is small against the set, O(size) otherwise.
  template <class Rng>
  std::vector<std::string> randomDistinct(size_t count, Rng&& next) const {
    std::vector<std::string> out;
    out.reserve(count);
    const size_t n = size();
    if (count * 3 > n) {
      // Many picks: a partial Fisher-Yates shuffle over all members.
      std::vector<std::string> all;
      all.reserve(n);
      forEach([&](ByteView m) { all.emplace_back(m); });
      for (size_t i = 0; i < count; i++) {
        size_t j = i + static_cast<size_t>(next() % (n - i));
        std::swap(all[i], all[j]);
        out.push_back(std::move(all[i]));
      }
      return out;
    }
    // Few picks: random draws, duplicates rejected. At most a third of the
    // set is ever taken, so each draw is new with probability >= 2/3.
    std::unordered_set<std::string> seen;
    while (out.size() < count) {
      std::string m = randomMember(next());
      if (seen.insert(m).second) out.push_back(std::move(m));
    }
    return out;
  }

  // The intset's element width in bytes (tests and debugging).
  unsigned intsetWidth() const { return ints_.width(); }

 private:
  void convertToTable();
  void insertMember(Table& table, ByteView member);
  Table* newTable();
  // Frees the members and the table itself.
  void destroyTable(Table* table);

  IntSet ints_;
  Table* table_ = nullptr;
};

}  // namespace ember
