// FlatPairs: a compact flat encoding of (first, second) byte-string pairs in
// one contiguous buffer, like Redis's listpack as small hashes use it. It
// is the "listpack" encoding of small hashes (hash_value.h) and can serve
// any small collection of pairs (e.g. a sorted set's member, score).
//
// Layout: the pairs one after another, in insertion order; each string is
// a LEB128 length (1 byte up to 127, at most 5 bytes) followed by its
// bytes: [len f1][f1][len s1][s1][len f2][f2]...  No header, no
// terminator, no padding: a pair of short strings costs 2 bytes over its
// contents (Redis's listpack entry costs 2-3 bytes per string).
//
// Invariants:
//  - the buffer holds exactly count_ pairs in used_ bytes; offsets handed
//    out (find, forEach) point at the start of a pair's first length byte
//    and are valid until the next mutation;
//  - an update of a pair's second string happens in place (the pair keeps
//    its position), an append goes at the end, an erase closes the gap: the
//    order is insertion order, as Redis's listpack keeps it;
//  - the buffer is allocated through the MemoryCounter (nullptr when empty)
//    and resized to the exact size at each mutation, so a small collection
//    never carries spare capacity.
// Lookups are linear scans: meant for the small sizes (<= 128 pairs of
// <= 64 bytes by default) at which a scan of one cache-friendly buffer
// beats a hash table.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bytes.h"
#include "memory.h"

namespace ember {

class FlatPairs {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  struct Pair {
    ByteView first;
    ByteView second;
    size_t next;  // offset of the following pair (== bytes() after the last)
  };

  explicit FlatPairs(MemoryCounter& memory) : memory_(memory) {}
  ~FlatPairs() { countedFree(memory_, buf_); }
  FlatPairs(const FlatPairs&) = delete;
  FlatPairs& operator=(const FlatPairs&) = delete;

  size_t size() const { return count_; }  // pairs
  size_t bytes() const { return used_; }  // encoded bytes
  bool empty() const { return count_ == 0; }

  // Encoded size of one pair of these lengths (used to bound the buffer).
  static size_t encodedSize(size_t first_len, size_t second_len) {
    return lengthBytes(first_len) + first_len + lengthBytes(second_len) + second_len;
  }

  // The pair starting at `offset` (0 is the first pair; `next` chains on).
  Pair at(size_t offset) const;
  // Offset of the pair whose first string equals `first`, or npos.
  size_t find(ByteView first) const;

  // Appends a pair (the caller ensures `first` is not present). May throw
  // std::bad_alloc, leaving the pairs unchanged. The views must not point
  // into this buffer.
  void append(ByteView first, ByteView second);
  // Replaces the second string of the pair at `offset`, in place. May
  // throw std::bad_alloc, leaving the pairs unchanged.
  void replaceSecond(size_t offset, ByteView second);
  // Removes the pair at `offset`. Never throws.
  void erase(size_t offset);
  // Drops every pair and frees the buffer. Never throws.
  void clear() {
    countedFree(memory_, buf_);
    buf_ = nullptr;
    used_ = count_ = 0;
  }
  // Becomes a copy of `other` (empty before). May throw std::bad_alloc.
  void copyFrom(const FlatPairs& other);

  template <class Visit>  // void(ByteView first, ByteView second)
  void forEach(Visit&& visit) const {
    for (size_t off = 0; off < used_;) {
      Pair p = at(off);
      visit(p.first, p.second);
      off = p.next;
    }
  }

 private:
  static size_t lengthBytes(size_t n) {
    size_t b = 1;
    while (n >= 0x80) {
      n >>= 7;
      b++;
    }
    return b;
  }
  static size_t writeLength(char* out, size_t n);
  // Reads a length at `offset`; sets `*after` to the offset of its bytes.
  size_t readLength(size_t offset, size_t* after) const;
  // Resizes the buffer to `bytes` (0 frees it).
  void resize(size_t bytes);

  MemoryCounter& memory_;
  char* buf_ = nullptr;
  uint32_t used_ = 0;   // bytes; at most HashValue::kFlatMaxBytes (2^30)
  uint32_t count_ = 0;  // pairs
};

}  // namespace ember
