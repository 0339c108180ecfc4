// FlatPairs: a compact flat encoding of (first, second) byte-string pairs in
// one contiguous buffer, like Redis's listpack as small hashes use it. It
// is the "listpack" encoding of small hashes, which live inside their
// keyspace entry (hash_ref.h), and can serve any small collection of pairs.
//
// FlatPairs does not own its buffer: reading is a view over bytes, and the
// edits (append, replaceSecond, erase) are given a `resize` callable with
// realloc's contract: `char* resize(size_t bytes)` makes the buffer `bytes`
// long, keeping its first min(old, new) bytes, and returns its (possibly
// new) address, or throws std::bad_alloc and changes nothing. Shrinking
// must not throw (an owner whose realloc fails keeps the larger block).
// The owner decides where the bytes live (an entry's payload, a block).
//
// Layout: the pairs one after another, in insertion order, with no header,
// terminator or padding. Each pair is a length header and then both
// strings' bytes:
//   short form  one byte, first_len << 4 | second_len, when the first string
//               is shorter than 15 bytes and the second shorter than 16;
//   long form   the byte 0xF0, then first_len and second_len as LEB128
//               (1 byte up to 127, at most 5 bytes).
// So a pair of short strings (a field name and a small value: the common
// small hash) costs one byte over its contents; Redis's listpack costs
// 2-3 bytes per string. Long pairs cost 3 or more.
//
// Invariants:
//  - the buffer holds exactly its pairs: a walk from offset 0 by `next`
//    ends exactly at bytes(); offsets handed out (find, at, forEach) point
//    at a pair's header and are valid until the next edit;
//  - an update of a pair's second string keeps the pair's position, an
//    append goes at the end, an erase closes the gap: the order is
//    insertion order, as Redis's listpack keeps it;
//  - edits resize the buffer to its exact size, so a small collection
//    never carries spare capacity.
// Lookups are linear scans: meant for the small sizes (<= 128 pairs of
// <= 64 bytes by default) at which a scan of one cache-friendly buffer
// beats a hash table. The number of pairs is counted by a walk too; no
// count is stored, to keep small values small.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bytes.h"

namespace ember {

class FlatPairs {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  struct Pair {
    ByteView first;
    ByteView second;
    size_t next;  // offset of the following pair (== bytes() after the last)
  };

  explicit FlatPairs(ByteView buffer) : buf_(buffer.data()), used_(buffer.size()) {}

  size_t bytes() const { return used_; }
  bool empty() const { return used_ == 0; }
  // Number of pairs (a walk over the buffer).
  size_t size() const;

  // Encoded size of one pair of these lengths (used to bound the buffer).
  static size_t encodedSize(size_t first_len, size_t second_len) {
    return headerSize(first_len, second_len) + first_len + second_len;
  }

  // The pair starting at `offset` (0 is the first pair; `next` chains on).
  Pair at(size_t offset) const;
  // Offset of the pair whose first string equals `first`, or npos.
  size_t find(ByteView first) const;

  template <class Visit>  // void(ByteView first, ByteView second)
  void forEach(Visit&& visit) const {
    for (size_t off = 0; off < used_;) {
      Pair p = at(off);
      visit(p.first, p.second);
      off = p.next;
    }
  }

  // The edits. Each leaves a valid buffer of the new pairs, or (when
  // `resize` throws) the old one unchanged. The views must not point into
  // the buffer, except that replaceSecond reuses the pair's own first
  // string in place.

  // Appends a pair (the caller ensures `first` is not present).
  template <class Resize>
  void append(ByteView first, ByteView second, Resize&& resize) const {
    char* buf = resize(used_ + encodedSize(first.size(), second.size()));
    writePair(buf + used_, first, second);
  }

  // Replaces the second string of the pair at `offset`; the pair keeps
  // its place. The header may change form, so the bytes after the pair
  // move when the encoded size changes.
  template <class Resize>
  void replaceSecond(size_t offset, ByteView second, Resize&& resize) const {
    const Rewrite plan = planReplace(offset, second.size());
    if (plan.new_end > plan.old_end) {
      char* buf = resize(used_ + (plan.new_end - plan.old_end));  // grow, then open the gap
      applyReplace(buf, used_, plan, second);
    } else {
      applyReplace(const_cast<char*>(buf_), used_, plan, second);  // close the gap, then shrink
      if (plan.new_end < plan.old_end) resize(used_ - (plan.old_end - plan.new_end));
    }
  }

  // Removes the pair at `offset`.
  template <class Resize>
  void erase(size_t offset, Resize&& resize) const {
    const size_t next = at(offset).next;
    std::memmove(const_cast<char*>(buf_) + offset, buf_ + next, used_ - next);
    resize(used_ - (next - offset));
  }

 private:
  static constexpr uint8_t kLongForm = 0xF0;

  // Where a pair's parts lie before and after replaceSecond.
  struct Rewrite {
    size_t offset;       // the pair's header
    size_t first_len;
    size_t old_first;    // offset of the first string's bytes now
    size_t old_end;      // end of the pair now
    size_t new_header;   // header bytes after the rewrite
    size_t new_end;      // end of the pair after the rewrite
  };

  static bool isShort(size_t first_len, size_t second_len) { return first_len < 15 && second_len < 16; }
  static size_t varintSize(size_t n) {
    size_t b = 1;
    while (n >= 0x80) {
      n >>= 7;
      b++;
    }
    return b;
  }
  static size_t headerSize(size_t first_len, size_t second_len) {
    return isShort(first_len, second_len) ? 1 : 1 + varintSize(first_len) + varintSize(second_len);
  }
  static size_t writeVarint(char* out, size_t n);
  static size_t writeHeader(char* out, size_t first_len, size_t second_len);
  static void writePair(char* out, ByteView first, ByteView second);
  size_t readVarint(size_t offset, size_t* after) const;

  Rewrite planReplace(size_t offset, size_t second_len) const;
  // Performs the rewrite on `buf` (holding `used` bytes before it, and
  // room for the result when it grows).
  static void applyReplace(char* buf, size_t used, const Rewrite& plan, ByteView second);

  const char* buf_;
  size_t used_;
};

}  // namespace ember
