// Collection: the value of a list, hash, set or sorted-set key.
//
// A collection lives in its own allocation; the key's entry holds a pointer
// to it (entry.h). Each type implements this interface in its own file
// (list_value.h, hash_value.h, ...), choosing and switching its encodings
// itself; the command families work on the concrete types. Small hashes
// are the exception: their flat encoding is the entry's payload, with no
// Collection object, and hash_ref.h switches them to a HashValue.
//
// Invariants:
//  - a collection is owned by exactly one entry, and freed with it
//    (destroyCollection), or moved with it on RENAME;
//  - every byte of its contents is allocated through memory(), its own
//    counter, which passes every change on to the store's: used_memory and
//    maxmemory count it, and allocatedBytes() is its exact size;
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
  // A deep copy (COPY), counted by `store`: the counter of the database
  // it goes to, which may be another one than this collection's (COPY ...
  // DB), and may outlive this one's (FLUSHDB ASYNC of the source).
  virtual Collection* clone(MemoryCounter& store) const = 0;

  // The counter the contents allocate through (child of the store's).
  MemoryCounter& memory() const { return contents_; }
  // The store's counter: the collection object itself is counted there.
  MemoryCounter& storeMemory() const { return *contents_.parent; }
  // Bytes the allocator holds for this collection: the object and its contents.
  size_t allocatedBytes() const { return usableSize(this) + static_cast<size_t>(contents_.used); }

  // Takes the collection out of the store's accounting, so that another
  // thread may free it (destroyDetachedCollection) without touching the
  // store's counter: its bytes leave used_memory now.
  void detachFromStore() {
    MemoryCounter& store = storeMemory();
    store.sub(usableSize(this));
    contents_.parent = nullptr;
    store.sub(static_cast<size_t>(contents_.used));
  }

 protected:
  explicit Collection(MemoryCounter& store) { contents_.parent = &store; }

 private:
  mutable MemoryCounter contents_;
};

// Allocates a T (a Collection subclass constructed with the store's
// counter first) through that counter.
template <class T, class... Args>
T* makeCollection(MemoryCounter& store, Args&&... args) {
  void* p = countedAlloc(store, sizeof(T));
  try {
    return new (p) T(store, std::forward<Args>(args)...);
  } catch (...) {
    countedFree(store, p);
    throw;
  }
}

// Destroys and frees a collection made by makeCollection.
inline void destroyCollection(Collection* c) {
  if (!c) return;
  MemoryCounter& store = c->storeMemory();
  c->~Collection();
  countedFree(store, c);
}

// Destroys and frees a collection after detachFromStore() (any thread).
inline void destroyDetachedCollection(Collection* c) {
  if (!c) return;
  c->~Collection();
  std::free(c);
}

}  // namespace ember
