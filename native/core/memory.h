// Allocation with byte accounting.
//
// Every long-lived allocation the core makes for data (keyspace entries, hash
// table arrays, collection nodes) goes through these functions, which count
// what the allocator really hands out (malloc_usable_size), not what was
// asked for. `MemoryCounter::used` is therefore the number behind INFO's
// used_memory and, later, maxmemory.
#pragma once

#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace ember {

// Counters form a shallow tree: the store's counter is the root, and each
// collection counts its contents in a counter of its own whose `parent` is
// the store's, so every change reaches the root (used_memory) while the
// collection knows its own size exactly (MEMORY USAGE, eviction, and
// handing a value to the background freer, which detaches it first).
// Kept to two words: there is one in every collection. (The store tracks
// the peak itself, between commands.)
struct MemoryCounter {
  int64_t used = 0;
  MemoryCounter* parent = nullptr;

  void add(size_t bytes) {
    used += static_cast<int64_t>(bytes);
    if (parent) parent->add(bytes);
  }
  void sub(size_t bytes) {
    used -= static_cast<int64_t>(bytes);
    if (parent) parent->sub(bytes);
  }
};

inline size_t usableSize(const void* p) { return p ? malloc_usable_size(const_cast<void*>(p)) : 0; }

// The process's resident set size in bytes (0 where it cannot be read).
size_t processResidentBytes();

// Returns memory of at least `size` bytes or throws std::bad_alloc.
inline void* countedAlloc(MemoryCounter& counter, size_t size) {
  void* p = std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  counter.add(usableSize(p));
  return p;
}

// Zeroed memory. For large sizes the allocator maps fresh zero pages that
// are faulted in lazily, so a huge zeroed table costs nothing up front.
inline void* countedCalloc(MemoryCounter& counter, size_t count, size_t size) {
  void* p = std::calloc(count ? count : 1, size ? size : 1);
  if (!p) throw std::bad_alloc();
  counter.add(usableSize(p));
  return p;
}

inline void* countedRealloc(MemoryCounter& counter, void* old, size_t size) {
  size_t before = usableSize(old);
  void* p = std::realloc(old, size ? size : 1);
  if (!p) throw std::bad_alloc();
  counter.sub(before);
  counter.add(usableSize(p));
  return p;
}

inline void countedFree(MemoryCounter& counter, void* p) {
  if (!p) return;
  counter.sub(usableSize(p));
  std::free(p);
}

}  // namespace ember
