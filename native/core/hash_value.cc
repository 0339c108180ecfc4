// HashValue: see hash_value.h for the encodings and when they switch.
#include "hash_value.h"

#include <cstring>
#include <new>

namespace ember {

namespace {

// floor(x * n / 2^64): a uniform index in [0, n) from 64 random bits.
size_t scaled(uint64_t x, size_t n) {
  return static_cast<size_t>((static_cast<unsigned __int128>(x) * n) >> 64);
}

}  // namespace

HashValue::~HashValue() {
  if (table_) {
    table_->forEach([&](HashItem* item) { freeItem(item); });
    table_->~FieldTable();
    countedFree(memory(), table_);
  }
}

HashItem* HashValue::newItem(ByteView field, ByteView value) {
  auto* item = static_cast<HashItem*>(countedAlloc(memory(), HashItem::bytesFor(field.size(), value.size())));
  item->field_len = static_cast<uint32_t>(field.size());
  item->value_len = static_cast<uint32_t>(value.size());
  if (!field.empty()) std::memcpy(item->data(), field.data(), field.size());
  if (!value.empty()) std::memcpy(item->data() + field.size(), value.data(), value.size());
  return item;
}

Collection* HashValue::clone() const {
  HashValue* copy = makeCollection<HashValue>(storeMemory());
  try {
    if (!table_) {
      copy->flat_.copyFrom(flat_);
    } else {
      void* p = countedAlloc(copy->memory(), sizeof(FieldTable));
      copy->table_ = new (p) FieldTable(copy->memory());
      table_->forEach([&](const HashItem* item) {
        HashItem* dup = copy->newItem(item->field(), item->value());
        try {
          copy->table_->insert(dup, HashItemTraits::hashOf(dup->field()));
        } catch (...) {
          copy->freeItem(dup);
          throw;
        }
      });
    }
  } catch (...) {
    destroyCollection(copy);
    throw;
  }
  return copy;
}

std::optional<ByteView> HashValue::get(ByteView field) const {
  if (!table_) {
    size_t off = flat_.find(field);
    if (off == FlatPairs::npos) return std::nullopt;
    return flat_.at(off).second;
  }
  const HashItem* item = table_->find(field, HashItemTraits::hashOf(field));
  if (!item) return std::nullopt;
  return item->value();
}

void HashValue::convertToTable() {
  void* p = countedAlloc(memory(), sizeof(FieldTable));
  FieldTable* table = new (p) FieldTable(memory());
  try {
    flat_.forEach([&](ByteView field, ByteView value) {
      HashItem* item = newItem(field, value);
      try {
        table->insert(item, HashItemTraits::hashOf(field));
      } catch (...) {
        freeItem(item);
        throw;
      }
    });
  } catch (...) {
    table->forEach([&](HashItem* item) { freeItem(item); });
    table->~FieldTable();
    countedFree(memory(), table);
    throw;
  }
  table_ = table;
  flat_.clear();
}

bool HashValue::setInTable(ByteView field, ByteView value) {
  const uint64_t hash = HashItemTraits::hashOf(field);
  HashItem** slot = table_->findSlot(field, hash);
  if (!slot) {
    HashItem* item = newItem(field, value);
    try {
      table_->insert(item, hash);
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

bool HashValue::set(ByteView field, ByteView value, const HashLimits& limits) {
  if (!table_) {
    const size_t off = flat_.find(field);
    bool too_long = field.size() > limits.maxValue || value.size() > limits.maxValue;
    // The listpack's byte bound (lpSafeToAdd), counting the pair as added.
    bool too_big = flat_.bytes() + FlatPairs::encodedSize(field.size(), value.size()) > kFlatMaxBytes;
    if (!too_long && !too_big) {
      if (off != FlatPairs::npos) {
        flat_.replaceSecond(off, value);
        // As Redis's hashTypeSet: the length is checked after every set, so
        // a hash left above a lowered hash-max-listpack-entries converts on
        // its next write.
        if (flat_.size() > limits.maxEntries) convertToTable();
        return false;
      }
      flat_.append(field, value);
      if (flat_.size() > limits.maxEntries) convertToTable();
      return true;
    }
    convertToTable();
  }
  return setInTable(field, value);
}

bool HashValue::erase(ByteView field) {
  if (!table_) {
    const size_t off = flat_.find(field);
    if (off == FlatPairs::npos) return false;
    flat_.erase(off);
    return true;
  }
  HashItem* item = table_->erase(field, HashItemTraits::hashOf(field));
  if (!item) return false;
  freeItem(item);
  return true;
}

void HashValue::pairs(std::vector<Pair>& out) const {
  out.reserve(out.size() + size());
  forEach([&](ByteView field, ByteView value) { out.push_back(Pair{field, value}); });
}

HashValue::Pair HashValue::randomPair(uint64_t random) const {
  if (table_) {
    const HashItem* item = table_->randomItem(random);
    return Pair{item->field(), item->value()};
  }
  size_t index = scaled(random, flat_.size());
  size_t off = 0;
  FlatPairs::Pair p = flat_.at(off);
  while (index-- > 0) p = flat_.at(p.next);
  return Pair{p.first, p.second};
}

}  // namespace ember
