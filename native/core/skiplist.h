// SkipList: the ordered half of a large sorted set (zset_value.h keeps the
// member -> node map beside it). Knows nothing about commands.
//
// A node holds a double score, its member bytes (owned, binary-safe), a
// backward pointer and `height` levels, each a forward pointer and a span:
// the number of level-0 steps that forward pointer skips. Spans are what
// make rank lookups O(log n).
//
// Invariants:
//  - level 0 is the full list, ordered by (score, member bytes) ascending,
//    member bytes compared as unsigned bytes (memcmp, shorter first on a
//    common prefix); no two nodes have the same member;
//  - for every level i of every node (the header included), span is the
//    distance in level-0 steps to level[i].forward, or, when forward is
//    null, the distance to the end of the list (length - rank of the node);
//  - backward points at the previous level-0 node (nullptr for the first);
//    tail_ is the last node;
//  - heights are drawn with p = 1/4 and capped at kMaxLevel (32); level_ is
//    the greatest height in use (at least 1);
//  - ranks are 1-based here (the header is rank 0);
//  - scores are never NaN (callers reject NaN before inserting).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bytes.h"
#include "memory.h"

namespace ember {

struct SkipNode;

struct SkipLevel {
  SkipNode* forward;
  size_t span;
};

struct SkipNode {
  double score;
  SkipNode* backward;
  uint32_t length;  // member bytes
  uint32_t height;
  // Followed by SkipLevel[height], then the member bytes.
  SkipLevel* levels() { return reinterpret_cast<SkipLevel*>(this + 1); }
  const SkipLevel* levels() const { return reinterpret_cast<const SkipLevel*>(this + 1); }
  SkipNode* next() const { return levels()[0].forward; }
  ByteView member() const {
    return ByteView(reinterpret_cast<const char*>(levels() + height), length);
  }
};

// (score, member) order: negative, zero or positive, like memcmp.
int compareScoreMember(double a_score, ByteView a_member, double b_score, ByteView b_member);

class SkipList {
 public:
  static constexpr int kMaxLevel = 32;

  explicit SkipList(MemoryCounter& memory);
  ~SkipList();
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  size_t size() const { return length_; }
  SkipNode* first() const { return header_->levels()[0].forward; }
  SkipNode* last() const { return tail_; }

  // Inserts a member that is not present; returns its node.
  SkipNode* insert(double score, ByteView member);
  // Removes and frees `node` (a node of this list).
  void erase(SkipNode* node);
  // Gives `node` a new score and returns the node now holding the member
  // (the same one when its position does not change).
  SkipNode* updateScore(SkipNode* node, double score);

  // 1-based rank of `node`.
  size_t rankOf(const SkipNode* node) const;
  // Node at 1-based rank (1..size()), else nullptr.
  SkipNode* atRank(size_t rank) const;

  // Number of leading nodes for which before(score, member) holds; the
  // predicate must be monotone (true then false along the list).
  template <class Before>
  size_t countWhile(Before&& before) const {
    size_t rank = 0;
    const SkipNode* x = header_;
    for (int i = level_ - 1; i >= 0; i--) {
      while (const SkipNode* f = x->levels()[i].forward) {
        if (!before(f->score, f->member())) break;
        rank += x->levels()[i].span;
        x = f;
      }
    }
    return rank;
  }

  // Checks the invariants; nullptr if they hold. O(n), for tests.
  const char* verify() const;

 private:
  SkipNode* newNode(int height, double score, ByteView member);
  void freeNode(SkipNode* node);
  int randomHeight();
  // Fills update[] with the last node before (score, member) on each level
  // and rank[] with their ranks.
  void findPath(double score, ByteView member, SkipNode** update, size_t* rank) const;
  void unlink(SkipNode* node, SkipNode** update);
  // Links a node whose score, member and height are set.
  void link(SkipNode* node);

  MemoryCounter& memory_;
  SkipNode* header_;
  SkipNode* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t rng_;
};

}  // namespace ember
