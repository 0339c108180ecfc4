// ZSetValue: the value of a sorted-set key, in one of two encodings.
// Knows nothing about commands; zsets.cc drives it.
//
// "listpack" (small sets): one contiguous, counted buffer of entries kept
// sorted by (score, member bytes). An entry is
//     u32 member length | member bytes | f64 score | u32 member length
// (the trailing length lets iteration run backwards). Lookups are linear,
// which at <= 128 entries beats any pointer structure on memory and cache.
// Scores are stored with -0 turned into 0, as Redis's listpack (which keeps
// scores as text written by d2string) does.
//
// "skiplist" (large sets): a SkipList (skiplist.h) ordered by (score,
// member), plus an OpenTable from member to skiplist node: O(1) ZSCORE,
// O(log n) insert, delete and rank.
//
// Invariants:
//  - members are unique; scores are never NaN;
//  - the listpack encoding converts to skiplist, for good, as soon as an
//    insert would make it hold more than `max_entries` members or a member
//    longer than `max_value` bytes (Redis 7.0's zsetAdd check; the limits
//    are the caller's zset_max_listpack_*). Only convertToListpackIfFits
//    goes back (for store-command destinations, as Redis does);
//  - in skiplist encoding every skiplist node is in the map and vice versa;
//  - ranks are 0-based here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "bytes.h"
#include "collection.h"
#include "hash.h"
#include "open_table.h"
#include "skiplist.h"

namespace ember {

struct ZSetLimits {
  size_t max_entries;
  size_t max_value;
};

class ZSetValue final : public Collection {
 public:
  explicit ZSetValue(MemoryCounter& store);
  ~ZSetValue() override;

  std::string_view encodingName() const override { return skiplist_ ? "skiplist" : "listpack"; }
  size_t size() const override { return skiplist_ ? skiplist_->size() : count_; }
  Collection* clone(MemoryCounter& store) const override;

  bool isListpack() const { return skiplist_ == nullptr; }

  std::optional<double> score(ByteView member) const;
  // Adds a member that is not present (converting first if the listpack
  // limits would be exceeded).
  void insert(ByteView member, double score, ZSetLimits limits);
  // Changes the score of a member that is present.
  void update(ByteView member, double score);
  // Removes a member; false if absent.
  bool remove(ByteView member);
  // 0-based rank of a member, ascending; nullopt if absent.
  std::optional<size_t> rank(ByteView member) const;

  // Number of leading members (ascending order) for which
  // before(score, member) holds; `before` must be monotone.
  template <class Before>
  size_t countWhile(Before&& before) const {
    if (skiplist_) return skiplist_->countWhile(before);
    size_t n = 0;
    for (size_t off = 0; n < count_; n++) {
      Item it = itemAt(off);
      if (!before(it.score, it.member)) break;
      off = it.next;
    }
    return n;
  }

  // Calls visit(member, score) for ranks start..end (inclusive, 0-based,
  // end < size()), in ascending order, or descending from end to start when
  // `reverse`. visit returns false to stop. visit must not mutate the set.
  template <class Visit>
  void forRange(size_t start, size_t end, bool reverse, Visit&& visit) const {
    if (start > end || end >= size()) return;
    size_t n = end - start + 1;
    if (skiplist_) {
      SkipNode* x = skiplist_->atRank(reverse ? end + 1 : start + 1);
      for (; n-- && x; x = reverse ? x->backward : x->next()) {
        if (!visit(x->member(), x->score)) return;
      }
      return;
    }
    if (!reverse) {
      size_t off = 0;
      for (size_t i = 0; i < start; i++) off = itemAt(off).next;
      while (n--) {
        Item it = itemAt(off);
        if (!visit(it.member, it.score)) return;
        off = it.next;
      }
    } else {
      size_t off = used_;  // walk back from the end
      for (size_t i = count_ - 1; i > end; i--) off = prevOffset(off);
      while (n--) {
        off = prevOffset(off);
        Item it = itemAt(off);
        if (!visit(it.member, it.score)) return;
      }
    }
  }

  // Visits every member (any order) with its score.
  template <class Visit>
  void forEach(Visit&& visit) const {
    forRange(0, size() ? size() - 1 : 0, false, [&](ByteView m, double s) {
      visit(m, s);
      return true;
    });
  }

  // One step of a SCAN over the member map (skiplist encoding only):
  // visit(member, score) for the members of one home bucket.
  template <class Visit>
  uint64_t scanStep(uint64_t cursor, Visit&& visit) const {
    if (!map_) return 0;
    return map_->scan(cursor, 1, [&](const SkipNode* n) { visit(n->member(), n->score); });
  }

  // Destinations of ZUNIONSTORE & co. are built as skiplists and shrink
  // back to a listpack when they fit (Redis's zsetConvertToListpackIfNeeded).
  void convertToListpackIfFits(ZSetLimits limits);
  void convertToSkiplist();

  // Checks the invariants; nullptr if they hold. O(n), for tests.
  const char* verify() const;

 private:
  struct NodeTraits {
    static ByteView keyOf(const SkipNode* n) { return n->member(); }
    static uint64_t hashOf(ByteView key) { return hashBytes(key); }
  };
  using Map = OpenTable<SkipNode, NodeTraits>;

  struct Item {
    ByteView member;
    double score;
    size_t offset;  // of the entry
    size_t next;    // offset of the next entry
  };
  static constexpr size_t kEntryOverhead = 4 + 8 + 4;

  Item itemAt(size_t off) const {
    uint32_t len;
    std::memcpy(&len, buf_ + off, 4);
    double s;
    std::memcpy(&s, buf_ + off + 4 + len, 8);
    return Item{ByteView(buf_ + off + 4, len), s, off, off + kEntryOverhead + len};
  }
  size_t prevOffset(size_t off) const {
    uint32_t len;
    std::memcpy(&len, buf_ + off - 4, 4);
    return off - kEntryOverhead - len;
  }
  // Offset of the member's entry in the listpack, or nullopt.
  std::optional<size_t> findListpack(ByteView member) const;
  void listpackInsert(ByteView member, double score);
  void listpackErase(size_t off);

  // listpack encoding (skiplist_ == nullptr)
  char* buf_ = nullptr;
  size_t used_ = 0;
  size_t count_ = 0;
  // skiplist encoding
  SkipList* skiplist_ = nullptr;
  Map* map_ = nullptr;
};

}  // namespace ember
