// Unit tests of the small-hash encoding: FlatPairs edits (flat_pairs.h)
// against a model, across the short/long pair header forms, and HashRef
// (hash_ref.h) on an entry in no keyspace: inline payloads that cross the
// entry's short/long layout, conversion to a hashtable, byte accounting.
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "core/entry.h"
#include "core/flat_pairs.h"
#include "core/hash_ref.h"

using namespace ember;

namespace {

using Model = std::vector<std::pair<std::string, std::string>>;

std::string bytes(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++) s[i] = static_cast<char>(seed + i * 7);
  return s;
}

// A FlatPairs buffer owned by a std::string, for testing the edits alone.
struct OwnedPairs {
  std::string buf;
  FlatPairs view() const { return FlatPairs(ByteView(buf.data(), buf.size())); }
  auto resizer() {
    return [this](size_t n) {
      buf.resize(n);
      return buf.data();
    };
  }
};

void checkSame(const FlatPairs& pairs, const Model& model) {
  REQUIRE_EQ(pairs.size(), model.size());
  size_t i = 0;
  pairs.forEach([&](ByteView first, ByteView second) {
    CHECK_EQ(first, model[i].first);
    CHECK_EQ(second, model[i].second);
    i++;
  });
  for (const auto& [first, second] : model) {
    size_t off = pairs.find(first);
    REQUIRE(off != FlatPairs::npos);
    CHECK_EQ(pairs.at(off).second, second);
  }
}

// Lengths around every boundary of the header forms: 14/15 (first), 15/16
// (second), 127/128 (one- and two-byte varints).
size_t randomLength(std::mt19937_64& rng) {
  static constexpr size_t kLengths[] = {0, 1, 6, 12, 14, 15, 16, 17, 127, 128, 129, 300};
  return kLengths[rng() % std::size(kLengths)];
}

}  // namespace

TEST(short_pairs_cost_one_byte_long_pairs_three) {
  CHECK_EQ(FlatPairs::encodedSize(6, 12), 19);
  CHECK_EQ(FlatPairs::encodedSize(14, 15), 30);
  CHECK_EQ(FlatPairs::encodedSize(15, 0), 18);   // first too long: 0xF0, 15, 0
  CHECK_EQ(FlatPairs::encodedSize(0, 16), 19);   // second too long
  CHECK_EQ(FlatPairs::encodedSize(128, 1), 133); // two-byte varint
}

TEST(flat_pairs_edits_match_a_model) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; round++) {
    OwnedPairs owned;
    Model model;
    for (int step = 0; step < 60; step++) {
      const FlatPairs pairs = owned.view();
      const int op = static_cast<int>(rng() % 3);
      if (op == 0 || model.empty()) {
        std::string first = bytes(randomLength(rng), static_cast<char>('a' + rng() % 26));
        first += std::to_string(step);  // distinct
        std::string second = bytes(randomLength(rng), static_cast<char>(rng()));
        pairs.append(first, second, owned.resizer());
        model.emplace_back(first, second);
      } else if (op == 1) {
        auto& [first, second] = model[rng() % model.size()];
        second = bytes(randomLength(rng), static_cast<char>(rng()));
        pairs.replaceSecond(pairs.find(first), second, owned.resizer());
      } else {
        size_t i = rng() % model.size();
        pairs.erase(pairs.find(model[i].first), owned.resizer());
        model.erase(model.begin() + static_cast<std::ptrdiff_t>(i));
      }
      checkSame(owned.view(), model);
    }
  }
}

TEST(a_failed_resize_leaves_the_pairs_unchanged) {
  OwnedPairs owned;
  owned.view().append("field", "value", owned.resizer());
  const std::string before = owned.buf;
  auto failing = [](size_t) -> char* { throw std::bad_alloc(); };
  bool threw = false;
  try {
    owned.view().append("other", "x", failing);
  } catch (const std::bad_alloc&) {
    threw = true;
  }
  CHECK(threw);
  threw = false;
  try {
    owned.view().replaceSecond(0, std::string(40, 'v'), failing);
  } catch (const std::bad_alloc&) {
    threw = true;
  }
  CHECK(threw);
  CHECK_EQ(owned.buf, before);
}

TEST(hash_ref_keeps_small_hashes_inline_and_converts_past_the_limits) {
  MemoryCounter mem;
  const HashLimits limits{4, 20};
  Entry* e = Entry::newInline(mem, "key", ValueType::kHash, 0, 1234);
  HashRef hash(mem, e);
  CHECK(hash.set("a", "1", limits));
  CHECK(hash.set("b", "2", limits));
  CHECK(!hash.set("a", std::string(20, 'x'), limits));  // at the value limit: stays
  CHECK(hash.isFlat());
  CHECK_EQ(hash.entry()->encodingName(), "listpack");
  // One allocation for key, expiry and pairs.
  CHECK_EQ(static_cast<size_t>(mem.used), hash.entry()->allocatedBytes());
  CHECK(hash.erase("b"));
  CHECK(!hash.erase("b"));
  CHECK_EQ(hash.size(), 1);
  CHECK(hash.set("c", std::string(21, 'y'), limits));  // over the value limit
  CHECK(!hash.isFlat());
  CHECK_EQ(hash.entry()->encodingName(), "hashtable");
  CHECK_EQ(hash.entry()->key(), "key");
  CHECK_EQ(hash.entry()->expireAt(), 1234);
  CHECK_EQ(*hash.get("a"), std::string(20, 'x'));
  CHECK_EQ(hash.size(), 2);
  Entry::destroy(mem, hash.entry());
  CHECK_EQ(mem.used, 0);
}

TEST(hash_ref_converts_when_the_count_passes_the_limit) {
  MemoryCounter mem;
  HashRef hash(mem, Entry::newInline(mem, "k", ValueType::kHash, 0, kNoExpire));
  const HashLimits limits{3, 64};
  for (int i = 0; i < 3; i++) hash.set("f" + std::to_string(i), "v", limits);
  CHECK(hash.isFlat());
  hash.set("f3", "v", limits);
  CHECK(!hash.isFlat());
  for (int i = 0; i < 4; i++) CHECK_EQ(*hash.get("f" + std::to_string(i)), "v");
  Entry::destroy(mem, hash.entry());
  CHECK_EQ(mem.used, 0);
}

TEST(inline_payload_crosses_the_long_layout_and_back) {
  MemoryCounter mem;
  const HashLimits limits{100000, 100000};
  HashRef hash(mem, Entry::newInline(mem, "big", ValueType::kHash, 0, 99));
  Model model;
  // 40 pairs of ~2 KB: about 80 KB of flat bytes, past the 64 KiB that
  // the short layout's 16-bit length holds.
  for (int i = 0; i < 40; i++) {
    std::string field = "field" + std::to_string(i);
    std::string value = bytes(2000 + static_cast<size_t>(i), static_cast<char>(i));
    hash.set(field, value, limits);
    model.emplace_back(field, value);
  }
  CHECK(hash.isFlat());
  CHECK(hash.entry()->inlineBytes().size() > 65535);
  CHECK_EQ(hash.entry()->key(), "big");
  CHECK_EQ(hash.entry()->expireAt(), 99);
  checkSame(FlatPairs(hash.entry()->inlineBytes()), model);
  while (!model.empty()) {
    CHECK(hash.erase(model.back().first));
    model.pop_back();
  }
  CHECK_EQ(hash.size(), 0);
  CHECK_EQ(static_cast<size_t>(mem.used), hash.entry()->allocatedBytes());
  Entry::destroy(mem, hash.entry());
  CHECK_EQ(mem.used, 0);
}
