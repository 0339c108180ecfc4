// HashRef: see hash_ref.h for the encodings and when they switch.
#include "hash_ref.h"

namespace ember {

namespace {

// floor(x * n / 2^64): a uniform index in [0, n) from 64 random bits.
size_t scaled(uint64_t x, size_t n) {
  return static_cast<size_t>((static_cast<unsigned __int128>(x) * n) >> 64);
}

}  // namespace

char* HashRef::resizeFlat(size_t bytes) {
  entry_ = db_ ? db_->resizeInline(entry_, bytes) : Entry::resizedInline(*memory_, entry_, bytes);
  return entry_->mutableInlineBytes();
}

void HashRef::convertToTable() {
  HashValue* table = makeCollection<HashValue>(*memory_);
  Entry* fresh;
  try {
    flat().forEach([&](ByteView field, ByteView value) { table->set(field, value); });
    fresh = Entry::newCollection(*memory_, entry_->key(), ValueType::kHash, table, entry_->expireAt());
  } catch (...) {
    destroyCollection(table);
    throw;
  }
  fresh->copyAccessFrom(*entry_);
  if (db_) {
    db_->replaceShell(entry_, fresh);
  } else {
    Entry::destroyShell(*memory_, entry_);
  }
  entry_ = fresh;
}

std::optional<ByteView> HashRef::get(ByteView field) const {
  if (!isFlat()) return table()->get(field);
  const FlatPairs pairs = flat();
  const size_t off = pairs.find(field);
  if (off == FlatPairs::npos) return std::nullopt;
  return pairs.at(off).second;
}

bool HashRef::set(ByteView field, ByteView value, const HashLimits& limits) {
  if (isFlat()) {
    const FlatPairs pairs = flat();
    const bool too_long = field.size() > limits.maxValue || value.size() > limits.maxValue;
    // The listpack's byte bound (lpSafeToAdd), counting the pair as added.
    const bool too_big = pairs.bytes() + FlatPairs::encodedSize(field.size(), value.size()) > kFlatMaxBytes;
    if (!too_long && !too_big) {
      auto resize = [this](size_t bytes) { return resizeFlat(bytes); };
      const size_t off = pairs.find(field);
      const bool created = off == FlatPairs::npos;
      if (created) {
        pairs.append(field, value, resize);
      } else {
        pairs.replaceSecond(off, value, resize);
      }
      if (flat().size() > limits.maxEntries) convertToTable();
      return created;
    }
    convertToTable();
  }
  return table()->set(field, value);
}

bool HashRef::erase(ByteView field) {
  if (!isFlat()) return table()->erase(field);
  const FlatPairs pairs = flat();
  const size_t off = pairs.find(field);
  if (off == FlatPairs::npos) return false;
  pairs.erase(off, [this](size_t bytes) { return resizeFlat(bytes); });
  return true;
}

void HashRef::pairs(std::vector<Pair>& out) const {
  forEach([&](ByteView field, ByteView value) { out.push_back(Pair{field, value}); });
}

HashRef::Pair HashRef::randomPair(uint64_t random) const {
  if (!isFlat()) {
    const HashItem* item = table()->randomItem(random);
    return Pair{item->field(), item->value()};
  }
  const FlatPairs pairs = flat();
  size_t index = scaled(random, pairs.size());
  FlatPairs::Pair p = pairs.at(0);
  while (index-- > 0) p = pairs.at(p.next);
  return Pair{p.first, p.second};
}

}  // namespace ember
