// Collection: the value of a list, hash, set or sorted-set key.
//
// A collection lives in its own allocation; the key's entry holds a pointer
// to it (entry.h). Each type implements this interface in its own file
// (list_value.h, hash_value.h, ...), choosing and switching its encodings
// itself; the command families work on the concrete types.
//
// Invariants:
//  - a collection is owned by exactly one entry, and freed with it
//    (destroyCollection), or moved with it on RENAME;
//  - every byte it holds is allocated through its MemoryCounter, so
//    used_memory (and later maxmemory) counts it;
//  - it is never empty while in the keyspace: the command that removes the
//    last element removes the key too, as Redis does.
#pragma once

#include <cstddef>
#include <new>
#include <string_view>
#include <utility>

#include "memory.h"

namespace ember {

class Collection {
 public:
  virtual ~Collection() = default;
  Collection(const Collection&) = delete;
  Collection& operator=(const Collection&) = delete;

  // What OBJECT ENCODING reports: "listpack", "quicklist", "hashtable",
  // "intset", "skiplist".
  virtual std::string_view encodingName() const = 0;
  // Number of elements (list items, hash fields, set members, ...).
  virtual size_t size() const = 0;
  // A deep copy (COPY), allocated through the same counter.
  virtual Collection* clone() const = 0;

  MemoryCounter& memory() const { return memory_; }

 protected:
  explicit Collection(MemoryCounter& memory) : memory_(memory) {}

 private:
  MemoryCounter& memory_;
};

// Allocates a T (a Collection subclass constructed with the counter first)
// through the counter.
template <class T, class... Args>
T* makeCollection(MemoryCounter& memory, Args&&... args) {
  void* p = countedAlloc(memory, sizeof(T));
  try {
    return new (p) T(memory, std::forward<Args>(args)...);
  } catch (...) {
    countedFree(memory, p);
    throw;
  }
}

// Destroys and frees a collection made by makeCollection.
inline void destroyCollection(Collection* c) {
  if (!c) return;
  MemoryCounter& memory = c->memory();
  c->~Collection();
  countedFree(memory, c);
}

}  // namespace ember
