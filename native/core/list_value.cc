// ListValue: chunked list (see list_value.h for the layout and invariants).
#include "list_value.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "list_entry.h"
#include "numbers.h"

namespace ember {

namespace le = list_entry;

// Redis's SIZE_SAFETY_LIMIT: count-bounded chunks stay within 8 KiB too.
constexpr size_t kSafetyLimit = 8192;

struct ListValue::Chunk {
  Chunk* prev;
  Chunk* next;
  char* data;
  uint32_t used;   // bytes of entries in data
  uint32_t cap;    // bytes allocated for data
  uint32_t count;  // entries
};

// ---- ListItem ---------------------------------------------------------------

bool ListItem::equals(ByteView value) const {
  if (!is_int) return str == value;
  char digits[kInt64DigitsMax];
  return formatInt64(num, digits) == value;
}

ByteView ListItem::bytes(char* digits) const { return is_int ? formatInt64(num, digits) : str; }

namespace {

ListItem itemAt(const char* p) {
  le::Decoded d = le::decode(p);
  ListItem it;
  it.is_int = d.is_int;
  it.num = d.num;
  if (!d.is_int) it.str = ByteView(d.str, d.len);
  return it;
}

}  // namespace

// ---- construction -----------------------------------------------------------

ListValue::ListValue(MemoryCounter& store, int64_t fill) : Collection(store), fill_(fill) {
  if (fill < 0) {
    int64_t level = std::min<int64_t>(-fill, 5);
    max_bytes_ = size_t{4096} << (level - 1);
    max_entries_ = std::numeric_limits<uint32_t>::max();
  } else {
    max_bytes_ = kSafetyLimit;
    max_entries_ = static_cast<size_t>(std::clamp<int64_t>(fill, 1, 65535));
  }
}

ListValue::~ListValue() {
  Chunk* c = head_;
  while (c) {
    Chunk* next = c->next;
    freeChunk(c);
    c = next;
  }
}

Collection* ListValue::clone(MemoryCounter& store) const {
  ListValue* copy = makeCollection<ListValue>(store, fill_);
  try {
    for (const Chunk* c = head_; c; c = c->next) {
      Chunk* d = copy->newChunk(c->used);
      std::memcpy(d->data, c->data, c->used);
      d->used = c->used;
      d->count = c->count;
      copy->linkAfter(copy->tail_, d);
      copy->count_ += c->count;
    }
  } catch (...) {
    destroyCollection(copy);
    throw;
  }
  return copy;
}

// ---- chunk plumbing ---------------------------------------------------------

ListValue::Chunk* ListValue::newChunk(size_t capacity) {
  Chunk* c = static_cast<Chunk*>(countedAlloc(memory(), sizeof(Chunk)));
  c->prev = c->next = nullptr;
  c->used = c->count = 0;
  c->cap = 0;
  c->data = nullptr;
  try {
    c->data = static_cast<char*>(countedAlloc(memory(), capacity));
  } catch (...) {
    countedFree(memory(), c);
    throw;
  }
  c->cap = static_cast<uint32_t>(std::max<size_t>(capacity, 1));
  return c;
}

void ListValue::freeChunk(Chunk* c) {
  countedFree(memory(), c->data);
  countedFree(memory(), c);
}

void ListValue::linkAfter(Chunk* where, Chunk* c) {
  c->prev = where;
  c->next = where ? where->next : head_;
  if (c->next) {
    c->next->prev = c;
  } else {
    tail_ = c;
  }
  if (where) {
    where->next = c;
  } else {
    head_ = c;
  }
  chunks_++;
}

void ListValue::unlink(Chunk* c) {
  if (c->prev) {
    c->prev->next = c->next;
  } else {
    head_ = c->next;
  }
  if (c->next) {
    c->next->prev = c->prev;
  } else {
    tail_ = c->prev;
  }
  chunks_--;
  freeChunk(c);
}

bool ListValue::fits(const Chunk* c, size_t extra_bytes, size_t extra_count) const {
  return c->used + extra_bytes <= max_bytes_ && c->count + extra_count <= max_entries_;
}

void ListValue::reserve(Chunk* c, size_t bytes) {
  if (bytes <= c->cap) return;
  // Grow geometrically up to the chunk limit, so pushes reallocate rarely.
  size_t want = std::max(bytes, std::min<size_t>(size_t{c->cap} * 2, max_bytes_));
  c->data = static_cast<char*>(countedRealloc(memory(), c->data, want));
  c->cap = static_cast<uint32_t>(want);
}

void ListValue::insertInChunk(Chunk* c, uint32_t offset, ByteView value, size_t entry_size) {
  reserve(c, c->used + entry_size);
  le::Plan p = le::plan(value);
  std::memmove(c->data + offset + entry_size, c->data + offset, c->used - offset);
  le::write(c->data + offset, p, value);
  c->used += static_cast<uint32_t>(entry_size);
  c->count++;
  count_++;
}

void ListValue::eraseInChunk(Chunk* c, uint32_t offset, uint32_t length, uint32_t entries) {
  std::memmove(c->data + offset, c->data + offset + length, c->used - offset - length);
  c->used -= length;
  c->count -= entries;
  count_ -= entries;
  // Give memory back when a chunk shrank to a quarter of what it holds.
  if (c->cap > 256 && c->used < c->cap / 4) {
    size_t want = std::max<size_t>(c->used * 2, 64);
    c->data = static_cast<char*>(countedRealloc(memory(), c->data, want));
    c->cap = static_cast<uint32_t>(want);
  }
}

// ---- ends -------------------------------------------------------------------

void ListValue::pushFront(ByteView value) {
  size_t size = le::plan(value).total;
  if (!head_ || !fits(head_, size, 1)) {
    Chunk* c = newChunk(std::min(size * 2, std::max(size, max_bytes_)));
    linkAfter(nullptr, c);
  }
  insertInChunk(head_, 0, value, size);
}

void ListValue::pushBack(ByteView value) {
  size_t size = le::plan(value).total;
  if (!tail_ || !fits(tail_, size, 1)) {
    Chunk* c = newChunk(std::min(size * 2, std::max(size, max_bytes_)));
    linkAfter(tail_, c);
  }
  insertInChunk(tail_, tail_->used, value, size);
}

ListItem ListValue::front() const { return itemAt(head_->data); }

ListItem ListValue::back() const { return itemAt(tail_->data + tail_->used - le::sizeBefore(tail_->data + tail_->used)); }

void ListValue::popFront() { removeFront(1); }

void ListValue::popBack() { removeBack(1); }

void ListValue::removeFront(size_t n) {
  while (n > 0 && head_) {
    Chunk* c = head_;
    if (n >= c->count) {
      n -= c->count;
      count_ -= c->count;
      unlink(c);
      continue;
    }
    uint32_t bytes = 0;
    for (size_t i = 0; i < n; i++) bytes += le::decode(c->data + bytes).total;
    eraseInChunk(c, 0, bytes, static_cast<uint32_t>(n));
    n = 0;
  }
}

void ListValue::removeBack(size_t n) {
  while (n > 0 && tail_) {
    Chunk* c = tail_;
    if (n >= c->count) {
      n -= c->count;
      count_ -= c->count;
      unlink(c);
      continue;
    }
    uint32_t bytes = 0;
    for (size_t i = 0; i < n; i++) bytes += le::sizeBefore(c->data + c->used - bytes);
    eraseInChunk(c, c->used - bytes, bytes, static_cast<uint32_t>(n));
    n = 0;
  }
}

// ---- positions --------------------------------------------------------------

void ListValue::locate(size_t index, Chunk** chunk, uint32_t* offset) const {
  Chunk* c;
  size_t in_chunk;
  if (index < count_ / 2) {
    c = head_;
    while (index >= c->count) {
      index -= c->count;
      c = c->next;
    }
    in_chunk = index;
  } else {
    size_t from_end = count_ - 1 - index;  // 0 = the last element
    c = tail_;
    while (from_end >= c->count) {
      from_end -= c->count;
      c = c->prev;
    }
    in_chunk = c->count - 1 - from_end;
  }
  uint32_t off;
  if (in_chunk < c->count / 2) {
    off = 0;
    for (size_t i = 0; i < in_chunk; i++) off += le::decode(c->data + off).total;
  } else {
    off = c->used;
    for (size_t i = c->count; i > in_chunk; i--) off -= le::sizeBefore(c->data + off);
  }
  *chunk = c;
  *offset = off;
}

ListValue::Cursor ListValue::begin() const {
  Cursor cur;
  cur.chunk_ = head_;
  return cur;
}

ListValue::Cursor ListValue::last() const {
  Cursor cur;
  if (tail_) {
    cur.chunk_ = tail_;
    cur.offset_ = tail_->used - le::sizeBefore(tail_->data + tail_->used);
  }
  return cur;
}

ListValue::Cursor ListValue::at(size_t index) const {
  Cursor cur;
  Chunk* c;
  locate(index, &c, &cur.offset_);
  cur.chunk_ = c;
  return cur;
}

ListItem ListValue::Cursor::get() const { return itemAt(chunk_->data + offset_); }

void ListValue::Cursor::next() {
  offset_ += le::decode(chunk_->data + offset_).total;
  if (offset_ >= chunk_->used) {
    chunk_ = chunk_->next;
    offset_ = 0;
  }
}

void ListValue::Cursor::prev() {
  if (offset_ == 0) {
    chunk_ = chunk_->prev;
    if (chunk_) offset_ = chunk_->used - le::sizeBefore(chunk_->data + chunk_->used);
    return;
  }
  offset_ -= le::sizeBefore(chunk_->data + offset_);
}

// ---- edits in the middle ----------------------------------------------------

ListValue::Chunk* ListValue::splitAt(Chunk* c, uint32_t offset) {
  uint32_t moved_bytes = c->used - offset;
  uint32_t moved = 0;
  for (uint32_t off = offset; off < c->used; off += le::decode(c->data + off).total) moved++;
  Chunk* d = newChunk(std::max<size_t>(moved_bytes, 16));
  std::memcpy(d->data, c->data + offset, moved_bytes);
  d->used = moved_bytes;
  d->count = moved;
  linkAfter(c, d);
  c->used = offset;
  c->count -= moved;
  return d;
}

void ListValue::mergeNext(Chunk* a) {
  Chunk* b = a->next;
  reserve(a, a->used + b->used);
  std::memcpy(a->data + a->used, b->data, b->used);
  a->used += b->used;
  a->count += b->count;
  b->count = 0;
  unlink(b);
}

void ListValue::mergeAround(Chunk* c) {
  if (c->prev && fits(c->prev, c->used, c->count)) {
    Chunk* p = c->prev;
    mergeNext(p);
    c = p;
  }
  if (c->next && fits(c, c->next->used, c->next->count)) mergeNext(c);
}

void ListValue::insertAt(size_t index, ByteView value) {
  if (index == 0) return pushFront(value);
  if (index == count_) return pushBack(value);
  Chunk* c;
  uint32_t off;
  locate(index, &c, &off);
  size_t size = le::plan(value).total;
  if (fits(c, size, 1)) {
    insertInChunk(c, off, value, size);
    return;
  }
  // At a chunk's head, the previous chunk may have room at its end.
  if (off == 0 && c->prev && fits(c->prev, size, 1)) {
    insertInChunk(c->prev, c->prev->used, value, size);
    return;
  }
  // Full chunk: split it where the element goes, put the element at the
  // end of the first half (or in a chunk of its own), then merge what fits.
  Chunk* second = off == 0 ? c : splitAt(c, off);
  Chunk* first = off == 0 ? c->prev : c;
  if (first && fits(first, size, 1)) {
    insertInChunk(first, first->used, value, size);
    mergeAround(first);
  } else {
    Chunk* own = newChunk(std::max<size_t>(size, 16));
    linkAfter(second->prev, own);
    insertInChunk(own, 0, value, size);
    mergeAround(own);
  }
}

void ListValue::setAt(size_t index, ByteView value) {
  Chunk* c;
  uint32_t off;
  locate(index, &c, &off);
  uint32_t old_size = le::decode(c->data + off).total;
  size_t size = le::plan(value).total;
  if (c->count == 1 || c->used - old_size + size <= max_bytes_) {
    eraseInChunk(c, off, old_size, 1);
    insertInChunk(c, off, value, size);
    return;
  }
  // Too big for this chunk in place: the element becomes an insertion
  // after removing the old one.
  eraseInChunk(c, off, old_size, 1);
  insertAt(index, value);
}

size_t ListValue::removeEqual(ByteView value, size_t limit, bool from_tail) {
  size_t removed = 0;
  if (limit == 0) limit = count_;
  std::vector<uint32_t> offsets;  // entry starts in one chunk, bounded by its size
  std::vector<bool> drop;
  bool previous_changed = false;
  Chunk* c = from_tail ? tail_ : head_;
  while (c && (removed < limit || previous_changed)) {
    Chunk* following = from_tail ? c->prev : c->next;
    bool changed = false;
    if (removed < limit) {
      offsets.clear();
      for (uint32_t off = 0; off < c->used; off += le::decode(c->data + off).total) offsets.push_back(off);
      // Mark matches in scan order, up to the limit.
      drop.assign(offsets.size(), false);
      for (size_t k = 0; k < offsets.size() && removed < limit; k++) {
        size_t i = from_tail ? offsets.size() - 1 - k : k;
        if (itemAt(c->data + offsets[i]).equals(value)) {
          drop[i] = true;
          removed++;
          changed = true;
        }
      }
    }
    if (changed) {
      // Compact the chunk in place, keeping the survivors in order.
      uint32_t write = 0;
      uint32_t kept = 0;
      for (size_t i = 0; i < offsets.size(); i++) {
        uint32_t end = i + 1 < offsets.size() ? offsets[i + 1] : c->used;
        uint32_t len = end - offsets[i];
        if (drop[i]) continue;
        std::memmove(c->data + write, c->data + offsets[i], len);
        write += len;
        kept++;
      }
      count_ -= c->count - kept;
      c->count = kept;
      c->used = write;
      if (kept == 0) {
        unlink(c);
        c = nullptr;
      }
    }
    // Merge with the neighbour already scanned when either side shrank.
    // Only that side: `following` must stay valid.
    if (c && (changed || previous_changed)) {
      if (!from_tail && c->prev && fits(c->prev, c->used, c->count)) {
        mergeNext(c->prev);
      } else if (from_tail && c->next && fits(c, c->next->used, c->next->count)) {
        mergeNext(c);
      }
    }
    previous_changed = changed;
    c = following;
  }
  return removed;
}

// ---- checks -----------------------------------------------------------------

std::string ListValue::checkInvariants() const {
  size_t total = 0;
  size_t chunks = 0;
  const Chunk* prev = nullptr;
  for (const Chunk* c = head_; c; c = c->next) {
    chunks++;
    if (c->prev != prev) return "broken prev link";
    if (c->count == 0) return "empty chunk";
    if (c->used > c->cap) return "chunk overflows its array";
    if (c->count > 1 && (c->used > max_bytes_ || c->count > max_entries_)) return "chunk over the size rule";
    uint32_t n = 0;
    uint32_t off = 0;
    while (off < c->used) {
      uint32_t len = le::decode(c->data + off).total;
      off += len;
      if (le::sizeBefore(c->data + off) != len) return "backlen mismatch";
      n++;
    }
    if (off != c->used || n != c->count) return "chunk count or size mismatch";
    total += c->count;
    prev = c;
  }
  if (prev != tail_) return "tail mismatch";
  if (total != count_) return "count mismatch";
  if (chunks != chunks_) return "chunk count mismatch";
  return {};
}

}  // namespace ember
