// Test helpers shared by the snapshot and append-only log tests: a
// canonical description of everything observable about a key (type, OBJECT
// ENCODING, expiry, the value element by element), and the image of a
// whole store made of them, so that two stores can be compared for
// equality in one CHECK.
#pragma once

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/hash_ref.h"
#include "core/list_value.h"
#include "core/numbers.h"
#include "core/set_value.h"
#include "core/store.h"
#include "core/zset_value.h"

namespace ember::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

inline std::string lengthPrefixed(ByteView s) { return std::to_string(s.size()) + ":" + std::string(s) + ";"; }

inline std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

// Type, encoding, expiry and the value, canonically: sets and hashes
// sorted, zset scores as their bit patterns.
inline std::string describe(Entry* e) {
  std::string out = std::to_string(static_cast<int>(e->type())) + "|" + std::string(e->encodingName()) + "|" +
                    std::to_string(e->expireAt()) + "|";
  std::vector<std::string> items;
  char digits[kInt64DigitsMax];
  switch (e->type()) {
    case ValueType::kString:
      return out + lengthPrefixed(e->encoding() == Encoding::kInt ? formatInt64(e->intValue(), digits) : e->stringBytes());
    case ValueType::kList:
      for (auto c = e->collectionAs<ListValue>()->begin(); c.valid(); c.next()) out += lengthPrefixed(c.get().bytes(digits));
      return out;
    case ValueType::kSet:
      e->collectionAs<SetValue>()->forEach([&](ByteView m) { items.push_back(lengthPrefixed(m)); });
      break;
    case ValueType::kZSet:
      e->collectionAs<ZSetValue>()->forEach([&](ByteView m, double s) {
        uint64_t bits;
        std::memcpy(&bits, &s, 8);
        out += lengthPrefixed(m) + hex64(bits) + ";";
      });
      return out;
    case ValueType::kHash: {
      MemoryCounter unused;
      HashRef(unused, e).forEach([&](ByteView f, ByteView v) { items.push_back(lengthPrefixed(f) + lengthPrefixed(v)); });
      break;
    }
  }
  std::sort(items.begin(), items.end());
  for (auto& s : items) out += s;
  return out;
}

// key -> describe(), per database.
using DbImage = std::map<std::string, std::string>;
using StoreImage = std::vector<DbImage>;

// Every live key of every database, described; expired keys left out.
inline StoreImage imageOf(Store& store) {
  StoreImage dbs(Store::kDatabases);
  const int64_t now = store.nowMs();
  for (int i = 0; i < Store::kDatabases; i++) {
    store.db(i).forEach([&](Entry* e) {
      if (!e->isExpiredAt(now)) dbs[static_cast<size_t>(i)][std::string(e->key())] = describe(e);
    });
  }
  return dbs;
}

// Every entry of every database as it stands in the table, expired ones
// not yet reclaimed included (until a lookup or the active cycle deletes
// them they are part of the data: a replay of the append-only log must
// rebuild them too, expiry time and all), each described by `describe_entry`.
// Reads with forEach, so nothing is expired, touched or counted.
inline StoreImage tableImageOf(Store& store, std::string (*describe_entry)(Entry*) = describe) {
  StoreImage dbs(Store::kDatabases);
  for (int i = 0; i < Store::kDatabases; i++) {
    store.db(i).forEach([&](Entry* e) { dbs[static_cast<size_t>(i)][std::string(e->key())] = describe_entry(e); });
  }
  return dbs;
}

}  // namespace ember::test
