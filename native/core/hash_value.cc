// HashValue: see hash_value.h.
#include "hash_value.h"

#include <cstring>
#include <new>

namespace ember {

HashValue::~HashValue() {
  table_.forEach([&](HashItem* item) { freeItem(item); });
}

HashItem* HashValue::newItem(ByteView field, ByteView value) {
  auto* item = static_cast<HashItem*>(countedAlloc(memory(), HashItem::bytesFor(field.size(), value.size())));
  item->field_len = static_cast<uint32_t>(field.size());
  item->value_len = static_cast<uint32_t>(value.size());
  if (!field.empty()) std::memcpy(item->data(), field.data(), field.size());
  if (!value.empty()) std::memcpy(item->data() + field.size(), value.data(), value.size());
  return item;
}

Collection* HashValue::clone(MemoryCounter& store) const {
  HashValue* copy = makeCollection<HashValue>(store);
  try {
    forEach([&](ByteView field, ByteView value) { copy->set(field, value); });
  } catch (...) {
    destroyCollection(copy);
    throw;
  }
  return copy;
}

std::optional<ByteView> HashValue::get(ByteView field) const {
  const HashItem* item = table_.find(field, HashItemTraits::hashOf(field));
  if (!item) return std::nullopt;
  return item->value();
}

bool HashValue::set(ByteView field, ByteView value) {
  const uint64_t hash = HashItemTraits::hashOf(field);
  HashItem** slot = table_.findSlot(field, hash);
  if (!slot) {
    HashItem* item = newItem(field, value);
    try {
      table_.insert(item, hash);
    } catch (...) {
      freeItem(item);
      throw;
    }
    return true;
  }
  HashItem* item = *slot;
  const size_t need = HashItem::bytesFor(field.size(), value.size());
  const size_t have = usableSize(item);
  // Reallocate when the value no longer fits, or when it would leave more
  // than half of the allocation unused; otherwise rewrite it in place.
  if (need > have || need < have / 2) {
    item = static_cast<HashItem*>(countedRealloc(memory(), item, need));
    *slot = item;  // findSlot's address stays valid: the table did not change
  }
  item->value_len = static_cast<uint32_t>(value.size());
  if (!value.empty()) std::memcpy(item->data() + item->field_len, value.data(), value.size());
  return false;
}

bool HashValue::erase(ByteView field) {
  HashItem* item = table_.erase(field, HashItemTraits::hashOf(field));
  if (!item) return false;
  freeItem(item);
  return true;
}

}  // namespace ember
