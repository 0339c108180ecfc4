// ZSetValue implementation (see zset_value.h for the encodings and their
// invariants).
#include "zset_value.h"

#include <new>
#include <vector>

namespace ember {
namespace {

template <class T, class... Args>
T* countedNew(MemoryCounter& memory, Args&&... args) {
  void* p = countedAlloc(memory, sizeof(T));
  try {
    return new (p) T(std::forward<Args>(args)...);
  } catch (...) {
    countedFree(memory, p);
    throw;
  }
}

template <class T>
void countedDelete(MemoryCounter& memory, T* p) {
  if (!p) return;
  p->~T();
  countedFree(memory, p);
}

// Listpack scores are normalised like Redis's (d2string writes -0 as "0").
double listpackScore(double s) { return s == 0 ? 0.0 : s; }

}  // namespace

ZSetValue::ZSetValue(MemoryCounter& store) : Collection(store) {}

ZSetValue::~ZSetValue() {
  countedFree(memory(), buf_);
  countedDelete(memory(), map_);  // the map never owns nodes
  countedDelete(memory(), skiplist_);
}

Collection* ZSetValue::clone(MemoryCounter& store) const {
  ZSetValue* copy = makeCollection<ZSetValue>(store);
  try {
    if (skiplist_) {
      copy->convertToSkiplist();
      for (SkipNode* x = skiplist_->first(); x; x = x->next()) {
        SkipNode* n = copy->skiplist_->insert(x->score, x->member());
        copy->map_->insert(n, NodeTraits::hashOf(n->member()));
      }
    } else if (used_) {
      copy->buf_ = static_cast<char*>(countedAlloc(copy->memory(), used_));
      std::memcpy(copy->buf_, buf_, used_);
      copy->used_ = used_;
      copy->count_ = count_;
    }
  } catch (...) {
    destroyCollection(copy);
    throw;
  }
  return copy;
}

std::optional<size_t> ZSetValue::findListpack(ByteView member) const {
  for (size_t off = 0, i = 0; i < count_; i++) {
    Item it = itemAt(off);
    if (it.member == member) return off;
    off = it.next;
  }
  return std::nullopt;
}

std::optional<double> ZSetValue::score(ByteView member) const {
  if (skiplist_) {
    const SkipNode* n = map_->find(member, NodeTraits::hashOf(member));
    if (!n) return std::nullopt;
    return n->score;
  }
  std::optional<size_t> off = findListpack(member);
  if (!off) return std::nullopt;
  return itemAt(*off).score;
}

void ZSetValue::listpackInsert(ByteView member, double score) {
  score = listpackScore(score);
  // Position: before the first entry that sorts after (score, member).
  size_t pos = 0;
  for (size_t i = 0; i < count_; i++) {
    Item it = itemAt(pos);
    if (compareScoreMember(it.score, it.member, score, member) > 0) break;
    pos = it.next;
  }
  const size_t add = kEntryOverhead + member.size();
  buf_ = static_cast<char*>(countedRealloc(memory(), buf_, used_ + add));
  std::memmove(buf_ + pos + add, buf_ + pos, used_ - pos);
  uint32_t len = static_cast<uint32_t>(member.size());
  std::memcpy(buf_ + pos, &len, 4);
  if (len) std::memcpy(buf_ + pos + 4, member.data(), len);
  std::memcpy(buf_ + pos + 4 + len, &score, 8);
  std::memcpy(buf_ + pos + 12 + len, &len, 4);
  used_ += add;
  count_++;
}

void ZSetValue::listpackErase(size_t off) {
  Item it = itemAt(off);
  std::memmove(buf_ + off, buf_ + it.next, used_ - it.next);
  used_ -= it.next - off;
  count_--;
  if (used_ == 0) {
    countedFree(memory(), buf_);
    buf_ = nullptr;
  }
}

void ZSetValue::insert(ByteView member, double score, ZSetLimits limits) {
  if (!skiplist_ && (count_ + 1 > limits.max_entries || member.size() > limits.max_value)) convertToSkiplist();
  if (skiplist_) {
    SkipNode* n = skiplist_->insert(score, member);
    try {
      map_->insert(n, NodeTraits::hashOf(member));
    } catch (...) {
      skiplist_->erase(n);
      throw;
    }
    return;
  }
  listpackInsert(member, score);
}

void ZSetValue::update(ByteView member, double score) {
  if (skiplist_) {
    const uint64_t hash = NodeTraits::hashOf(member);
    SkipNode** slot = map_->findSlot(member, hash);
    if (slot) *slot = skiplist_->updateScore(*slot, score);
    return;
  }
  std::optional<size_t> off = findListpack(member);
  if (!off) return;
  // Re-insert: the member's bytes are copied before the entry goes away.
  std::string copy(member);
  listpackErase(*off);
  listpackInsert(copy, score);
}

bool ZSetValue::remove(ByteView member) {
  if (skiplist_) {
    SkipNode* n = map_->erase(member, NodeTraits::hashOf(member));
    if (!n) return false;
    skiplist_->erase(n);
    return true;
  }
  std::optional<size_t> off = findListpack(member);
  if (!off) return false;
  listpackErase(*off);
  return true;
}

std::optional<size_t> ZSetValue::rank(ByteView member) const {
  if (skiplist_) {
    const SkipNode* n = map_->find(member, NodeTraits::hashOf(member));
    if (!n) return std::nullopt;
    return skiplist_->rankOf(n) - 1;
  }
  for (size_t off = 0, i = 0; i < count_; i++) {
    Item it = itemAt(off);
    if (it.member == member) return i;
    off = it.next;
  }
  return std::nullopt;
}

void ZSetValue::convertToSkiplist() {
  if (skiplist_) return;
  SkipList* list = countedNew<SkipList>(memory(), memory());
  Map* map = nullptr;
  try {
    map = countedNew<Map>(memory(), memory());
    for (size_t off = 0, i = 0; i < count_; i++) {
      Item it = itemAt(off);
      SkipNode* n = list->insert(it.score, it.member);
      map->insert(n, NodeTraits::hashOf(it.member));
      off = it.next;
    }
  } catch (...) {
    countedDelete(memory(), map);
    countedDelete(memory(), list);
    throw;
  }
  countedFree(memory(), buf_);
  buf_ = nullptr;
  used_ = 0;
  count_ = 0;
  skiplist_ = list;
  map_ = map;
}

void ZSetValue::convertToListpackIfFits(ZSetLimits limits) {
  if (!skiplist_ || skiplist_->size() > limits.max_entries) return;
  size_t bytes = 0;
  for (SkipNode* x = skiplist_->first(); x; x = x->next()) {
    if (x->length > limits.max_value) return;
    bytes += kEntryOverhead + x->length;
  }
  char* buf = bytes ? static_cast<char*>(countedAlloc(memory(), bytes)) : nullptr;
  size_t off = 0;
  for (SkipNode* x = skiplist_->first(); x; x = x->next()) {
    uint32_t len = x->length;
    double s = listpackScore(x->score);
    std::memcpy(buf + off, &len, 4);
    if (len) std::memcpy(buf + off + 4, x->member().data(), len);
    std::memcpy(buf + off + 4 + len, &s, 8);
    std::memcpy(buf + off + 12 + len, &len, 4);
    off += kEntryOverhead + len;
  }
  count_ = skiplist_->size();
  used_ = bytes;
  buf_ = buf;
  countedDelete(memory(), map_);
  countedDelete(memory(), skiplist_);
  map_ = nullptr;
  skiplist_ = nullptr;
}

const char* ZSetValue::verify() const {
  if (skiplist_) {
    if (const char* why = skiplist_->verify()) return why;
    if (map_->size() != skiplist_->size()) return "map and skiplist sizes differ";
    for (SkipNode* x = skiplist_->first(); x; x = x->next()) {
      if (map_->find(x->member(), NodeTraits::hashOf(x->member())) != x) return "node missing from map";
    }
    return map_->verify();
  }
  size_t off = 0;
  for (size_t i = 0; i < count_; i++) {
    if (off + kEntryOverhead > used_) return "listpack overrun";
    Item it = itemAt(off);
    if (it.next > used_) return "listpack overrun";
    if (i + 1 < count_) {
      Item nx = itemAt(it.next);
      if (compareScoreMember(it.score, it.member, nx.score, nx.member) >= 0) return "listpack out of order";
    }
    off = it.next;
  }
  if (off != used_) return "listpack length mismatch";
  return nullptr;
}

}  // namespace ember
