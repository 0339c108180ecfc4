// IntSet: a sorted array of distinct int64 values stored at the smallest
// width that holds them all (16, 32 or 64 bits), as Redis's intset. It is
// the encoding of small sets whose members are all canonical integers.
//
// Invariants:
//  - values are strictly increasing (so lookups are a binary search and
//    iteration order is ascending, which is what Redis replies in);
//  - width_ is 2, 4 or 8 and every value fits in it; it only ever grows
//    (an upgrade rewrites the array in place, widest values first);
//  - the array is one allocation through the MemoryCounter, sized exactly
//    to size_ * width_ bytes (realloc on every insert/erase, as Redis).
// Knows nothing about commands or the configured thresholds.
#pragma once

#include <cstddef>
#include <cstdint>

#include "memory.h"

namespace ember {

class IntSet {
 public:
  explicit IntSet(MemoryCounter& memory) : memory_(memory) {}
  ~IntSet() { countedFree(memory_, data_); }
  IntSet(const IntSet&) = delete;
  IntSet& operator=(const IntSet&) = delete;

  size_t size() const { return size_; }
  // Bytes per stored value: 2, 4 or 8.
  unsigned width() const { return width_; }
  bool contains(int64_t v) const;
  // Adds v; false if it was already present. May throw std::bad_alloc
  // (nothing changed then).
  bool insert(int64_t v);
  // Removes v; false if it was absent.
  bool erase(int64_t v);
  // The i-th smallest value (i < size()).
  int64_t at(size_t i) const;
  // Removes every value (back to 16-bit width, nothing allocated).
  void clear() {
    countedFree(memory_, data_);
    data_ = nullptr;
    size_ = 0;
    width_ = 2;
  }
  // A copy of the contents into `other` (which must be empty).
  void copyTo(IntSet& other) const;

 private:
  static unsigned widthFor(int64_t v);
  void put(size_t i, int64_t v);
  // Index of v, or (if absent) where it would be inserted.
  bool search(int64_t v, size_t* pos) const;
  void resize(size_t count, unsigned width);

  MemoryCounter& memory_;
  void* data_ = nullptr;
  uint32_t size_ = 0;  // at most 2^30 (sets.cc caps set-max-intset-entries)
  unsigned width_ = 2;
};

}  // namespace ember
