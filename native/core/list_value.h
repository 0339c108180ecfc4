// ListValue: the value of a list key, a chunked list (Redis's quicklist idea).
//
// A doubly linked sequence of chunks; each chunk is one contiguous byte
// array of compact entries (list_entry.h: small integers in one byte, other
// canonical integers in 2-9 bytes, strings length-prefixed; every entry ends
// with its own length so a chunk can be walked backwards). Pushes and pops
// at either end touch only the end chunk; index access walks chunks from the
// nearer end, then entries inside one chunk.
//
// Chunk size rule (Redis's list-max-listpack-size, read once at creation):
//   fill < 0: a chunk holds at most 4 KiB << (-fill - 1) bytes of entries
//             (-1 4 KiB, -2 8 KiB, ... -5 64 KiB);
//   fill > 0: at most `fill` entries and at most 8 KiB (Redis's safety
//             limit for count-bounded chunks).
//
// Invariants:
//  - no chunk is empty; count_ is the sum of the chunks' counts;
//  - a chunk is within the size rule, except a chunk of one single entry
//    larger than the rule allows (a big element gets a chunk of its own);
//  - after an insert or removal in the middle, the chunk touched is merged
//    with a neighbour whenever both fit in one chunk, so edits cannot leave
//    a trail of tiny chunks (pops at the ends free emptied chunks instead);
//  - every byte (chunk headers and their arrays) goes through the counter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "bytes.h"
#include "collection.h"

namespace ember {

// One element as stored: a canonical integer or a byte string.
struct ListItem {
  bool is_int = false;
  int64_t num = 0;
  ByteView str;  // when !is_int; views the chunk (valid until it changes)

  // Whether this element equals the byte string `value` (as Redis compares
  // list elements: byte for byte).
  bool equals(ByteView value) const;
  // The element as bytes; an integer is written into `digits`
  // (kInt64DigitsMax bytes).
  ByteView bytes(char* digits) const;
};

class ListValue final : public Collection {
 public:
  ListValue(MemoryCounter& store, int64_t fill);
  ~ListValue() override;

  std::string_view encodingName() const override { return "quicklist"; }
  size_t size() const override { return count_; }
  Collection* clone(MemoryCounter& store) const override;

  void pushFront(ByteView value);
  void pushBack(ByteView value);
  // The first / last element; the list must not be empty.
  ListItem front() const;
  ListItem back() const;
  void popFront();
  void popBack();
  // Removes the first / last `n` elements (n <= size()).
  void removeFront(size_t n);
  void removeBack(size_t n);

  // Inserts `value` so that it ends at `index` (0 <= index <= size()).
  void insertAt(size_t index, ByteView value);
  // Replaces the element at `index` (< size()).
  void setAt(size_t index, ByteView value);
  // Removes up to `limit` elements equal to `value` (0 = all), scanning
  // from the tail if `from_tail`. Returns the number removed.
  size_t removeEqual(ByteView value, size_t limit, bool from_tail);

  struct Chunk;

  // A position in the list for reading; invalidated by any change.
  class Cursor {
   public:
    bool valid() const { return chunk_ != nullptr; }
    ListItem get() const;
    void next();
    void prev();

   private:
    friend class ListValue;
    const Chunk* chunk_ = nullptr;
    uint32_t offset_ = 0;
  };
  Cursor begin() const;
  Cursor last() const;
  // Cursor at `index` (< size()), reached from the nearer end.
  Cursor at(size_t index) const;

  // For tests: the number of chunks, and a check of every invariant above
  // (returns an empty string or what is broken).
  size_t chunkCount() const { return chunks_; }
  std::string checkInvariants() const;

 private:
  Chunk* newChunk(size_t capacity);
  void freeChunk(Chunk* c);
  void linkAfter(Chunk* where, Chunk* c);  // where == nullptr: at the head
  void unlink(Chunk* c);
  bool fits(const Chunk* c, size_t extra_bytes, size_t extra_count) const;
  void reserve(Chunk* c, size_t bytes);
  // Writes a new entry at byte `offset` of `c` (which must have room).
  void insertInChunk(Chunk* c, uint32_t offset, ByteView value, size_t entry_size);
  void eraseInChunk(Chunk* c, uint32_t offset, uint32_t length, uint32_t entries);
  // Chunk and byte offset of the element at `index` (< size()).
  void locate(size_t index, Chunk** chunk, uint32_t* offset) const;
  // Splits `c` at byte `offset`: entries from there on move to a new chunk
  // after it, which is returned.
  Chunk* splitAt(Chunk* c, uint32_t offset);
  // Merges `c` with its previous and/or next chunk where they fit; `c` may
  // be freed.
  void mergeAround(Chunk* c);
  // Appends b's entries to a (b == a->next) and frees b.
  void mergeNext(Chunk* a);

  Chunk* head_ = nullptr;
  Chunk* tail_ = nullptr;
  size_t count_ = 0;
  size_t chunks_ = 0;
  size_t max_bytes_;
  size_t max_entries_;
  int64_t fill_;
};

}  // namespace ember
