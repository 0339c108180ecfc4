// Range walks over a ZSetValue, the way Redis 7.0 walks them: where a score
// or lex range starts (Redis's zzlFirstInRange / zzlLastInLexRange and
// friends), and how a walk goes on from there (skip the offset blindly,
// then visit while the member is in range, up to the limit). Every range
// command (ZRANGE and its legacy forms, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*,
// ZRANGESTORE) reduces to: a starting rank, a direction, and a condition
// that stops the walk. Walking exactly like Redis matters for lex ranges
// over members whose scores differ (the set is then not in member order).
// Knows nothing of commands or replies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "bytes.h"
#include "zset_ranges.h"
#include "zset_value.h"

namespace ember {

// Where a walk starts: the rank of its first member and its direction;
// `empty` when no member is in range.
struct RangeWalk {
  bool empty = true;
  size_t start = 0;  // rank of the first member visited
  bool reverse = false;
};

// The member at a rank (rank < size()).
inline std::pair<ByteView, double> memberAt(const ZSetValue& zs, size_t rank) {
  std::pair<ByteView, double> out;
  zs.forRange(rank, rank, false, [&](ByteView m, double s) {
    out = {m, s};
    return false;
  });
  return out;
}

// Score range: Redis's zzlFirstInRange / zzlLastInRange.
inline RangeWalk scoreWalk(const ZSetValue& zs, const ScoreRange& r, bool reverse) {
  RangeWalk w;
  w.reverse = reverse;
  const size_t n = zs.size();
  if (!reverse) {
    size_t first = zs.countWhile([&](double s, ByteView) { return r.beforeMin(s); });
    if (first >= n || !r.notAfterMax(memberAt(zs, first).second)) return w;
    w.start = first;
  } else {
    size_t upto = zs.countWhile([&](double s, ByteView) { return r.notAfterMax(s); });
    if (upto == 0 || r.beforeMin(memberAt(zs, upto - 1).second)) return w;
    w.start = upto - 1;
  }
  w.empty = false;
  return w;
}

inline bool inScoreWalk(const ScoreRange& r, bool reverse, double s) {
  return reverse ? !r.beforeMin(s) : r.notAfterMax(s);
}

// Lex range: Redis's zzlIsInLexRange + zzlFirstInLexRange / zzlLastInLexRange.
inline RangeWalk lexWalk(const ZSetValue& zs, const LexRange& r, bool reverse) {
  RangeWalk w;
  w.reverse = reverse;
  const size_t n = zs.size();
  if (n == 0 || r.empty()) return w;
  if (!r.gteMin(memberAt(zs, n - 1).first) || !r.lteMax(memberAt(zs, 0).first)) return w;
  if (!reverse) {
    size_t first = zs.countWhile([&](double, ByteView m) { return !r.gteMin(m); });
    if (first >= n || !r.lteMax(memberAt(zs, first).first)) return w;
    w.start = first;
  } else {
    size_t last = n;  // last member <= max
    if (zs.isListpack()) {
      // Redis scans a listpack backwards; on members whose scores differ
      // that can differ from a forward count.
      size_t i = n;
      zs.forRange(0, n - 1, true, [&](ByteView m, double) {
        i--;
        if (r.lteMax(m)) {
          last = i;
          return false;
        }
        return true;
      });
    } else {
      size_t upto = zs.countWhile([&](double, ByteView m) { return r.lteMax(m); });
      if (upto) last = upto - 1;
    }
    if (last == n || !r.gteMin(memberAt(zs, last).first)) return w;
    w.start = last;
  }
  w.empty = false;
  return w;
}

inline bool inLexWalk(const LexRange& r, bool reverse, ByteView m) { return reverse ? r.gteMin(m) : r.lteMax(m); }

// Visits the members of a walk: skips `offset` members first (offset < 0
// skips everything, as Redis's `while (offset--)`), then visits members
// while `in` holds, at most `limit` (< 0: no limit). visit(member, score).
template <class InRange, class Visit>
void walkRange(const ZSetValue& zs, const RangeWalk& w, int64_t offset, int64_t limit, InRange&& in,
               Visit&& visit) {
  if (w.empty || offset < 0 || limit == 0) return;
  const size_t n = zs.size();
  if (static_cast<uint64_t>(offset) >= n) return;
  const size_t first = w.reverse ? 0 : w.start;
  const size_t last = w.reverse ? w.start : n - 1;
  zs.forRange(first, last, w.reverse, [&](ByteView m, double s) {
    // Redis skips the offset blindly and checks the range only on the
    // members it returns (on a lex range over members whose scores differ,
    // a member past an out-of-range one may be returned).
    if (offset > 0) {
      offset--;
      return true;
    }
    if (!in(m, s)) return false;
    visit(m, s);
    return limit < 0 || --limit > 0;
  });
}

}  // namespace ember
