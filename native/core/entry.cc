// Entry allocation and reshaping: see entry.h for the layout.
#include "entry.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#include "numbers.h"

namespace ember {
namespace {

constexpr size_t kShortKeyMax = 255;
constexpr size_t kShortValueMax = 65535;
// Like Redis's sds: double small strings on growth, add 1 MiB to big ones.
constexpr size_t kGreedyGrowthLimit = 1024 * 1024;

size_t payloadSizeFor(Encoding encoding, ValueType type, size_t value_length) {
  if (encoding == Encoding::kInt) return sizeof(int64_t);
  if (type != ValueType::kString && encoding != Encoding::kInline) return sizeof(void*);
  return value_length;
}

// Whether the value length field holds the payload's length.
bool storesValueLength(Encoding encoding, ValueType type) {
  return encoding == Encoding::kInline || (type == ValueType::kString && encoding != Encoding::kInt);
}

}  // namespace

Encoding Entry::encodingFor(ByteView value) {
  if (looksLikeCanonicalInt(value)) return Encoding::kInt;
  return value.size() <= kEmbStrMaxLen ? Encoding::kEmbStr : Encoding::kRaw;
}

Entry* Entry::allocate(MemoryCounter& mem, ValueType type, Encoding encoding, ByteView key, size_t value_length,
                       size_t payload_bytes, int64_t expire_at, size_t capacity_hint) {
  bool long_lengths = key.size() > kShortKeyMax || value_length > kShortValueMax ||
                      capacity_hint > kShortValueMax;
  size_t header = long_lengths ? kLongHeader : kShortHeader;
  bool has_expire = expire_at != kNoExpire;
  size_t size = header + (has_expire ? 8 : 0) + key.size() + std::max(payload_bytes, capacity_hint);
  auto* e = static_cast<Entry*>(countedAlloc(mem, size));
  uint8_t* b = e->bytes();
  std::memset(b, 0, header);
  b[0] = static_cast<uint8_t>(static_cast<uint8_t>(type) | (static_cast<uint8_t>(encoding) << 4));
  b[1] = static_cast<uint8_t>((has_expire ? kHasExpire : 0) | (long_lengths ? kLongLengths : 0));
  if (long_lengths) {
    uint32_t k = static_cast<uint32_t>(key.size());
    std::memcpy(b + 8, &k, sizeof k);
  } else {
    b[5] = static_cast<uint8_t>(key.size());
  }
  e->setValueLength(storesValueLength(encoding, type) ? value_length : 0);
  if (has_expire) std::memcpy(b + header, &expire_at, sizeof expire_at);
  if (!key.empty()) std::memcpy(b + e->keyOffset(), key.data(), key.size());
  return e;
}

void Entry::setValueLength(size_t n) {
  if (longLengths()) {
    uint32_t v = static_cast<uint32_t>(n);
    std::memcpy(bytes() + 12, &v, sizeof v);
  } else {
    bytes()[6] = static_cast<uint8_t>(n);
    bytes()[7] = static_cast<uint8_t>(n >> 8);
  }
}

size_t Entry::payloadBytes() const { return payloadSizeFor(encoding(), type(), valueLength()); }

size_t Entry::stringLength() const {
  if (encoding() == Encoding::kInt) {
    char digits[kInt64DigitsMax];
    return formatInt64(intValue(), digits).size();
  }
  return valueLength();
}

Entry* Entry::newString(MemoryCounter& mem, ByteView key, ByteView value, Encoding encoding, int64_t expire_at) {
  if (encoding == Encoding::kInt) return newInt(mem, key, *parseInt64(value), expire_at);
  Entry* e = allocate(mem, ValueType::kString, encoding, key, value.size(), value.size(), expire_at, 0);
  if (!value.empty()) std::memcpy(e->mutableStringBytes(), value.data(), value.size());
  return e;
}

Entry* Entry::newInt(MemoryCounter& mem, ByteView key, int64_t value, int64_t expire_at) {
  Entry* e = allocate(mem, ValueType::kString, Encoding::kInt, key, 0, sizeof(int64_t), expire_at, 0);
  e->setIntValue(value);
  return e;
}

Entry* Entry::newRawString(MemoryCounter& mem, ByteView key, size_t length, int64_t expire_at) {
  Entry* e = allocate(mem, ValueType::kString, Encoding::kRaw, key, length, length, expire_at, 0);
  if (length) std::memset(e->mutableStringBytes(), 0, length);
  return e;
}

Entry* Entry::copyWithKey(MemoryCounter& mem, const Entry* source, ByteView key, int64_t expire_at) {
  size_t payload = source->payloadBytes();
  Entry* e = allocate(mem, source->type(), source->encoding(), key, source->valueLength(), payload, expire_at, 0);
  e->copyAccessFrom(*source);
  std::memcpy(e->bytes() + e->payloadOffset(), source->bytes() + source->payloadOffset(), payload);
  return e;
}

Entry* Entry::newInline(MemoryCounter& mem, ByteView key, ValueType type, size_t bytes, int64_t expire_at) {
  return allocate(mem, type, Encoding::kInline, key, bytes, bytes, expire_at, 0);
}

Entry* Entry::newCollection(MemoryCounter& mem, ByteView key, ValueType type, Collection* value,
                            int64_t expire_at) {
  Entry* e = allocate(mem, type, Encoding::kRaw, key, 0, sizeof value, expire_at, 0);
  std::memcpy(e->bytes() + e->payloadOffset(), &value, sizeof value);
  return e;
}

Entry* Entry::cloneWithKey(MemoryCounter& mem, const Entry* source, ByteView key, int64_t expire_at) {
  if (!source->hasCollectionObject()) return copyWithKey(mem, source, key, expire_at);
  Collection* copy = source->collection()->clone(mem);
  try {
    return newCollection(mem, key, source->type(), copy, expire_at);
  } catch (...) {
    destroyCollection(copy);
    throw;
  }
}

void Entry::destroy(MemoryCounter& mem, Entry* entry) {
  if (entry->hasCollectionObject()) destroyCollection(entry->collection());
  countedFree(mem, entry);
}

Entry* Entry::withExpire(MemoryCounter& mem, Entry* entry, int64_t expire_at) {
  bool want = expire_at != kNoExpire;
  if (want == entry->hasExpire()) {
    if (want) std::memcpy(entry->bytes() + entry->headerSize(), &expire_at, sizeof expire_at);
    return entry;
  }
  // Adding or removing the 8-byte expiry field shifts the key and payload.
  Entry* moved = copyWithKey(mem, entry, entry->key(), expire_at);
  // copyWithKey copied only the payload's live bytes (spare capacity of a
  // raw string is dropped) and carried a collection over: free the shell.
  destroyShell(mem, entry);
  return moved;
}

Entry* Entry::resizedRawString(MemoryCounter& mem, Entry* entry, size_t length) {
  if (entry->encoding() == Encoding::kInt) {
    char digits[kInt64DigitsMax];
    std::string_view text = formatInt64(entry->intValue(), digits);
    Entry* raw = allocate(mem, ValueType::kString, Encoding::kRaw, entry->key(), text.size(), text.size(),
                          entry->expireAt(), 0);
    std::memcpy(raw->mutableStringBytes(), text.data(), text.size());
    raw->copyAccessFrom(*entry);
    destroy(mem, entry);
    entry = raw;
  }
  size_t old_length = entry->valueLength();
  size_t capacity = entry->allocatedBytes() - entry->payloadOffset();
  bool fits_layout = entry->longLengths() || length <= kShortValueMax;
  if (length <= capacity && fits_layout) {
    if (length > old_length) std::memset(entry->mutableStringBytes() + old_length, 0, length - old_length);
    entry->setValueLength(length);
    entry->bytes()[0] = static_cast<uint8_t>(static_cast<uint8_t>(ValueType::kString) |
                                              (static_cast<uint8_t>(Encoding::kRaw) << 4));
    return entry;
  }
  size_t want = length < kGreedyGrowthLimit ? length * 2 : length + kGreedyGrowthLimit;
  if (want > kMaxBulkLen) want = std::max(length, kMaxBulkLen);
  if (!fits_layout || (!entry->longLengths() && want > kShortValueMax)) {
    // Switch to the long layout: rebuild rather than realloc.
    Entry* grown = allocate(mem, ValueType::kString, Encoding::kRaw, entry->key(), length, length,
                            entry->expireAt(), want);
    std::memcpy(grown->mutableStringBytes(), entry->stringBytes().data(), old_length);
    std::memset(grown->mutableStringBytes() + old_length, 0, length - old_length);
    grown->copyAccessFrom(*entry);
    destroy(mem, entry);
    return grown;
  }
  size_t offset = entry->payloadOffset();
  auto* grown = static_cast<Entry*>(countedRealloc(mem, entry, offset + want));
  std::memset(grown->mutableStringBytes() + old_length, 0, length - old_length);
  grown->setValueLength(length);
  grown->bytes()[0] = static_cast<uint8_t>(static_cast<uint8_t>(ValueType::kString) |
                                            (static_cast<uint8_t>(Encoding::kRaw) << 4));
  return grown;
}

Entry* Entry::resizedInline(MemoryCounter& mem, Entry* entry, size_t bytes) {
  const size_t old_bytes = entry->valueLength();
  if (!entry->longLengths() && bytes > kShortValueMax) {
    // Switch to the long layout: rebuild rather than realloc.
    Entry* grown = allocate(mem, entry->type(), Encoding::kInline, entry->key(), bytes, bytes, entry->expireAt(), 0);
    std::memcpy(grown->mutableInlineBytes(), entry->inlineBytes().data(), old_bytes);
    grown->copyAccessFrom(*entry);
    destroyShell(mem, entry);
    return grown;
  }
  const size_t size = entry->payloadOffset() + bytes;
  if (bytes < old_bytes) {
    // Shrinking must not fail: if realloc cannot, the block stays larger.
    try {
      entry = static_cast<Entry*>(countedRealloc(mem, entry, size));
    } catch (const std::bad_alloc&) {
    }
  } else if (bytes > old_bytes) {
    entry = static_cast<Entry*>(countedRealloc(mem, entry, size));
  }
  entry->setValueLength(bytes);
  return entry;
}

std::string_view Entry::encodingName() const {
  if (hasCollectionObject()) return collection()->encodingName();
  switch (encoding()) {
    case Encoding::kInt:
      return "int";
    case Encoding::kEmbStr:
      return "embstr";
    case Encoding::kInline:
      return "listpack";
    case Encoding::kRaw:
      break;
  }
  return "raw";
}

}  // namespace ember
