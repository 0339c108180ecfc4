// Entry: one key of the keyspace, with its value, in one allocation.
//
// Strings (the common case) live entirely inside the entry: key bytes and
// value bytes follow an 8-byte header, so a 16-byte key with a 32-byte value
// costs a single 64-byte malloc chunk. So do small hashes: their flat
// "listpack" bytes (flat_pairs.h) are the payload (encoding kInline), which
// saves a collection object and its allocations per key. Other collections,
// and hashes past their listpack limits, keep a pointer to their object.
//
// Layout (all fields unaligned, read with memcpy):
//   byte 0      type (low 4 bits) | encoding (high 4 bits)
//   byte 1      flags: kHasExpire, kLongLengths, kProbation
//   bytes 2..4  access clock: 24 bits for LRU time or LFU (time + counter)
//   short form (key < 256 bytes and value < 64 KiB):
//     byte 5      key length
//     bytes 6..7  value length
//   long form (kLongLengths): bytes 5..7 unused, then u32 key length and
//     u32 value length at bytes 8..15
//   [i64 absolute expiry in ms]       present iff kHasExpire
//   key bytes
//   payload:  kRaw / kEmbStr  value bytes (value length of them; for kRaw the
//                              allocation may hold spare capacity after them)
//             kInt            i64 value (value length field is 0)
//             collections     kInline: the collection's flat encoding (value
//                              length bytes of it, no spare capacity);
//                              otherwise (kRaw) a pointer to the Collection
//                              (collection.h)
//
// Invariants:
//  - an entry is owned by exactly one slot of one keyspace table, and only
//    the keyspace reallocates or frees it (so a realloc only has to update
//    that one slot);
//  - encodings follow what Redis would report for the same history of
//    commands: kInt for canonical integers, kEmbStr for strings of at most
//    44 bytes created whole, kRaw for longer ones and for strings modified in
//    place (APPEND, SETRANGE);
//  - kInline is used by hashes only, and only while they are listpacks.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "bytes.h"
#include "collection.h"
#include "memory.h"

namespace ember {

// Numbered as in Redis (OBJ_STRING = 0, ...).
enum class ValueType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4 };

// How the payload holds the value. For strings these are Redis's string
// encodings. A collection is either kInline (its flat encoding is the
// payload) or kRaw (the payload points to its Collection object, which
// names its own encoding: it changes as the value grows).
enum class Encoding : uint8_t {
  kRaw = 0,
  kInt = 1,
  kEmbStr = 2,
  kInline = 3,
};

// Largest string Redis keeps as "embstr".
inline constexpr size_t kEmbStrMaxLen = 44;

inline constexpr int64_t kNoExpire = -1;

class Entry {
 public:
  Entry() = delete;

  // Encoding Redis would pick for a string value set whole (SET, MSET, ...).
  static Encoding encodingFor(ByteView value);

  // New string entry. `encoding` kInt requires a canonical integer `value`.
  static Entry* newString(MemoryCounter& mem, ByteView key, ByteView value, Encoding encoding, int64_t expire_at);
  static Entry* newInt(MemoryCounter& mem, ByteView key, int64_t value, int64_t expire_at);
  // A raw string of `length` zero bytes, to be filled by the caller.
  static Entry* newRawString(MemoryCounter& mem, ByteView key, size_t length, int64_t expire_at);
  // New entry holding a collection (type must not be kString); the entry
  // owns `value` from then on. If the allocation throws, `value` is still
  // the caller's to free.
  static Entry* newCollection(MemoryCounter& mem, ByteView key, ValueType type, Collection* value,
                              int64_t expire_at);
  // New entry holding a collection of `type` inline: `bytes` payload bytes,
  // which the caller fills (with zero bytes, an empty collection).
  static Entry* newInline(MemoryCounter& mem, ByteView key, ValueType type, size_t bytes, int64_t expire_at);
  // The same value under a new key with the given expiry, as a new shell:
  // a collection's pointer is carried over, not copied. The caller frees
  // the old shell with destroyShell (RENAME, changing the expiry field).
  static Entry* copyWithKey(MemoryCounter& mem, const Entry* source, ByteView key, int64_t expire_at);
  // A deep copy under a new key (COPY): a collection is cloned.
  static Entry* cloneWithKey(MemoryCounter& mem, const Entry* source, ByteView key, int64_t expire_at);
  // Frees the entry and its value.
  static void destroy(MemoryCounter& mem, Entry* entry);
  // Frees only the entry's own allocation (a collection object it points
  // to now belongs to another entry, made by copyWithKey or converting an
  // inline collection).
  static void destroyShell(MemoryCounter& mem, Entry* entry) { countedFree(mem, entry); }

  // Returns the entry (possibly moved) with its expiry set or cleared
  // (kNoExpire). `entry` must not be used afterwards.
  static Entry* withExpire(MemoryCounter& mem, Entry* entry, int64_t expire_at);
  // Returns the entry (possibly moved) as a kRaw string of `length` bytes,
  // keeping the existing value bytes (an int value is first written out in
  // decimal) and zero-filling any growth. Spare capacity grows geometrically
  // so repeated APPENDs are amortized O(1).
  static Entry* resizedRawString(MemoryCounter& mem, Entry* entry, size_t length);

  // Returns the entry (possibly moved) with its inline payload resized to
  // `bytes`, keeping the first min(old, new) bytes (realloc's contract).
  // Growing may throw std::bad_alloc, leaving the entry as it was;
  // shrinking never throws.
  static Entry* resizedInline(MemoryCounter& mem, Entry* entry, size_t bytes);

  ValueType type() const { return static_cast<ValueType>(bytes()[0] & 0x0f); }
  Encoding encoding() const { return static_cast<Encoding>(bytes()[0] >> 4); }
  bool isString() const { return type() == ValueType::kString; }

  ByteView key() const { return ByteView(reinterpret_cast<const char*>(bytes()) + keyOffset(), keyLength()); }

  bool hasExpire() const { return bytes()[1] & kHasExpire; }
  // Absolute expiry in ms, or kNoExpire.
  int64_t expireAt() const {
    if (!hasExpire()) return kNoExpire;
    int64_t v;
    std::memcpy(&v, bytes() + headerSize(), sizeof v);
    return v;
  }
  // As Redis: a key is still alive during its expiry millisecond (PTTL 0)
  // and expired once the clock has passed it.
  bool isExpiredAt(int64_t now_ms) const { return hasExpire() && expireAt() < now_ms; }
  // Same, reading the clock only if the entry has an expiry (most do not,
  // and reading the clock costs more than the rest of a GET's lookup);
  // never while the clock pauses expiry (CommandClock::expiry_paused).
  template <class Clock>
  bool isExpired(const Clock& clock) const {
    return hasExpire() && !clock.expiry_paused && expireAt() < clock.nowMs();
  }

  // String payload (kRaw / kEmbStr).
  ByteView stringBytes() const {
    return ByteView(reinterpret_cast<const char*>(bytes()) + payloadOffset(), valueLength());
  }
  char* mutableStringBytes() { return reinterpret_cast<char*>(bytes()) + payloadOffset(); }
  // kInt payload.
  int64_t intValue() const {
    int64_t v;
    std::memcpy(&v, bytes() + payloadOffset(), sizeof v);
    return v;
  }
  void setIntValue(int64_t v) { std::memcpy(bytes() + payloadOffset(), &v, sizeof v); }
  // Length of the string value as a client sees it (digits for kInt).
  size_t stringLength() const;

  // What OBJECT ENCODING reports for this value.
  std::string_view encodingName() const;

  // A collection held inline (its payload is its flat encoding).
  bool isInline() const { return encoding() == Encoding::kInline; }
  ByteView inlineBytes() const {
    return ByteView(reinterpret_cast<const char*>(bytes()) + payloadOffset(), valueLength());
  }
  char* mutableInlineBytes() { return reinterpret_cast<char*>(bytes()) + payloadOffset(); }

  // Whether the payload points to a Collection object (a collection not
  // held inline).
  bool hasCollectionObject() const { return !isString() && !isInline(); }
  // That object (hasCollectionObject()).
  Collection* collection() const {
    Collection* p;
    std::memcpy(&p, bytes() + payloadOffset(), sizeof p);
    return p;
  }
  // The collection as its concrete type; the caller has checked type().
  template <class T>
  T* collectionAs() const {
    return static_cast<T*>(collection());
  }

  uint32_t accessClock() const { return bytes()[2] | (bytes()[3] << 8) | (static_cast<uint32_t>(bytes()[4]) << 16); }
  void setAccessClock(uint32_t v) {
    bytes()[2] = static_cast<uint8_t>(v);
    bytes()[3] = static_cast<uint8_t>(v >> 8);
    bytes()[4] = static_cast<uint8_t>(v >> 16);
  }

  // On probation: created under an LFU policy during a burst of read
  // misses and not accessed since (miss_burst.h); such keys are evicted
  // first among equally rare ones.
  bool onProbation() const { return bytes()[1] & kProbation; }
  void setProbation(bool on) {
    bytes()[1] = static_cast<uint8_t>(on ? bytes()[1] | kProbation : bytes()[1] & ~kProbation);
  }
  // The access history (clock and probation) of `other`, whose value this
  // entry now holds (a rebuilt or renamed entry).
  void copyAccessFrom(const Entry& other) {
    setAccessClock(other.accessClock());
    setProbation(other.onProbation());
  }

  // Bytes the allocator holds for this entry (not counting collection objects).
  size_t allocatedBytes() const { return usableSize(this); }

 private:
  static constexpr uint8_t kHasExpire = 1;
  static constexpr uint8_t kLongLengths = 2;
  static constexpr uint8_t kProbation = 4;
  static constexpr size_t kShortHeader = 8;
  static constexpr size_t kLongHeader = 16;

  static Entry* allocate(MemoryCounter& mem, ValueType type, Encoding encoding, ByteView key, size_t value_length,
                         size_t payload_bytes, int64_t expire_at, size_t capacity_hint);

  bool longLengths() const { return bytes()[1] & kLongLengths; }
  size_t headerSize() const { return longLengths() ? kLongHeader : kShortHeader; }
  size_t keyLength() const {
    if (!longLengths()) return bytes()[5];
    uint32_t n;
    std::memcpy(&n, bytes() + 8, sizeof n);
    return n;
  }
  size_t valueLength() const {
    if (!longLengths()) return static_cast<size_t>(bytes()[6]) | (static_cast<size_t>(bytes()[7]) << 8);
    uint32_t n;
    std::memcpy(&n, bytes() + 12, sizeof n);
    return n;
  }
  void setValueLength(size_t n);
  size_t keyOffset() const { return headerSize() + (hasExpire() ? 8 : 0); }
  size_t payloadOffset() const { return keyOffset() + keyLength(); }
  size_t payloadBytes() const;

  // The entry is raw memory laid out as above; these view it as bytes.
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this); }
  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(this); }
};

}  // namespace ember
