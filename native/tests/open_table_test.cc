// Unit tests for OpenTable (core/open_table.h): the table is driven against
// a std::unordered_map model under seeded random operation mixes (binary
// keys, empty key, deliberately colliding hash functions), through many
// grow / same-size / shrink cycles, and with the incremental rehash driven
// by operations alone or by rehashFor(). SCAN's guarantee is checked while
// the table resizes between calls. All randomness is seeded, so a failure
// reproduces.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "check.h"
#include "core/hash.h"
#include "core/open_table.h"

using ember::ByteView;
using ember::MemoryCounter;
using ember::OpenTable;

namespace {

struct Item {
  std::string key;
  uint64_t serial;
};

// A good hash with a fixed seed, so runs are reproducible.
struct GoodTraits {
  static ByteView keyOf(const Item* item) { return item->key; }
  static uint64_t hashOf(ByteView key) { return ember::hashBytesSeeded(key, 0x5eed); }
};

// Only 8 distinct hashes: 8 homes and 8 tags for every key, so probe chains
// run through many groups and most tag matches are false.
struct FewHashesTraits {
  static ByteView keyOf(const Item* item) { return item->key; }
  static uint64_t hashOf(ByteView key) {
    return (ember::hashBytesSeeded(key, 7) & 7) * 0x9E3779B97F4A7C15ull;
  }
};

// Homes vary but every tag is 0: each FULL byte matches every lookup's tag.
struct NoTagTraits {
  static ByteView keyOf(const Item* item) { return item->key; }
  static uint64_t hashOf(ByteView key) { return ember::hashBytesSeeded(key, 9) & 0xFFFF; }
};

// Every key has the same hash: one home, one tag, one long chain.
struct ConstantHashTraits {
  static ByteView keyOf(const Item* item) { return item->key; }
  static uint64_t hashOf(ByteView) { return 0xDEADBEEFCAFEF00Dull; }
};

// The test chooses the hash: a 9-byte key "H" + 8 bytes is its own hash;
// other keys hash normally. Used to put tombstones exactly where wanted.
struct ControlledTraits {
  static ByteView keyOf(const Item* item) { return item->key; }
  static uint64_t hashOf(ByteView key) {
    if (key.size() == 9 && key[0] == 'H') return ember::loadU64(key.data() + 1);
    return ember::hashBytesSeeded(key, 3);
  }
};

std::string keyWithHash(uint64_t hash) {
  std::string key(9, 'H');
  std::memcpy(key.data() + 1, &hash, 8);
  return key;
}

// Distinct keys for distinct i, in several shapes: the empty key, raw binary
// (NUL bytes included), short text, text with embedded NULs, long keys.
std::string keyFor(uint64_t i) {
  if (i == 0) return std::string();
  switch (i % 5) {
    case 0: {
      std::string k(8, '\0');
      std::memcpy(k.data(), &i, 8);  // many NUL bytes for small i
      return k;
    }
    case 1:
      return "k:" + std::to_string(i);
    case 2:
      return std::string("a\0b\0", 4) + std::to_string(i);
    case 3:
      return "a-rather-long-key-that-does-not-fit-inline:" + std::to_string(i) + ":end";
    default:
      return std::to_string(i);
  }
}

// The table under test plus a model of what it should hold.
template <class Traits>
struct Harness {
  MemoryCounter counter;
  int64_t baseUsed = counter.used;
  OpenTable<Item, Traits> table{counter};
  struct Entry {
    std::unique_ptr<Item> item;
    size_t index;  // in `present`
  };
  std::unordered_map<std::string, Entry> model;
  std::vector<std::string> present;  // the model's keys, for O(1) random picks
  uint64_t serial = 0;

  static uint64_t hash(ByteView key) { return Traits::hashOf(key); }

  bool contains(const std::string& key) const { return model.count(key) != 0; }

  Item* insert(const std::string& key) {
    auto item = std::make_unique<Item>(Item{key, serial++});
    Item* raw = item.get();
    table.insert(raw, hash(key));
    model.emplace(key, Entry{std::move(item), present.size()});
    present.push_back(key);
    return raw;
  }

  // Erases through the table and checks it returned the model's item.
  void erase(std::string key) {  // by value: `key` may be an element of `present`
    Item* got = table.erase(key, hash(key));
    auto it = model.find(key);
    if (it == model.end()) {
      CHECK(got == nullptr);
      return;
    }
    CHECK(got == it->second.item.get());
    const size_t index = it->second.index;
    if (index + 1 != present.size()) {
      present[index] = std::move(present.back());
      model[present[index]].index = index;
    }
    present.pop_back();
    model.erase(it);
  }

  void checkFind(const std::string& key) {
    auto it = model.find(key);
    Item* expected = it == model.end() ? nullptr : it->second.item.get();
    Item* got = table.find(key, hash(key));
    if (got != expected) {
      CHECK_EQ(got, expected);
      CHECK_EQ(key, key);  // shows the key
    }
    Item** slot = table.findSlot(key, hash(key));
    CHECK((slot ? *slot : nullptr) == expected);
  }

  // O(n): structure, counts, and forEach against the model.
  void checkAll() {
    CHECK_EQ(table.size(), model.size());
    const char* why = table.verify();
    if (why) CHECK_EQ(std::string(why), "");
    size_t visited = 0;
    bool allLive = true;
    table.forEach([&](Item* item) {
      visited++;
      auto it = model.find(item->key);
      if (it == model.end() || it->second.item.get() != item) allLive = false;
    });
    CHECK(allLive);
    CHECK_EQ(visited, model.size());
  }

  const std::string& randomPresent(std::mt19937_64& rng) const {
    return present[rng() % present.size()];
  }

  // Frees the items (the table never does).
  void clearAll() {
    table.clear();
    model.clear();
    present.clear();
  }
};

enum class RehashDriver { kOpsOnly, kRehashForSometimes, kRehashForEagerly };

// A long random mix of inserts, erases and lookups against the model, with
// the target size swinging between `low` and `high` so the table grows and
// shrinks many times, plus phases of churn at a constant size (tombstones,
// hence same-size rehashes). Every step checks size() and lookups of a hit
// and a miss.
template <class Traits>
void runModelMix(Harness<Traits>& h, uint64_t seed, size_t steps, size_t universe, size_t low,
                 size_t high, RehashDriver driver) {
  std::mt19937_64 rng(seed);
  enum Phase { kGrow, kShrink, kChurn } phase = kGrow;
  size_t churnLeft = 0;
  for (size_t step = 0; step < steps; step++) {
    switch (phase) {
      case kGrow:
        if (h.model.size() >= high) {
          phase = kChurn;
          churnLeft = 4 * high;
        }
        break;
      case kChurn:
        if (--churnLeft == 0) phase = kShrink;
        break;
      case kShrink:
        if (h.model.size() <= low) phase = kGrow;
        break;
    }
    const unsigned insertPercent = phase == kGrow ? 75 : phase == kShrink ? 25 : 50;
    const std::string key = keyFor(rng() % universe);
    if (rng() % 100 < insertPercent) {
      if (!h.contains(key)) h.insert(key);
    } else if (!h.present.empty() && rng() % 5 != 0) {
      const std::string victim = h.randomPresent(rng);
      h.erase(victim);
      h.checkFind(victim);
    } else {
      h.erase(key);  // usually a miss
    }
    CHECK_EQ(h.table.size(), h.model.size());
    h.checkFind(key);
    h.checkFind(keyFor(rng() % universe));
    h.checkFind(keyFor(universe + rng() % universe));  // never present
    if (!h.present.empty()) h.checkFind(h.randomPresent(rng));

    if (driver == RehashDriver::kRehashForSometimes && step % 64 == 0) {
      h.table.rehashFor(static_cast<int64_t>(rng() % 20000));
    } else if (driver == RehashDriver::kRehashForEagerly && h.table.isRehashing()) {
      while (h.table.rehashFor(1000000)) {
      }
    }
    if (step % 4096 == 0 || (h.table.isRehashing() && step % 509 == 0)) h.checkAll();
  }
  h.checkAll();
  const auto& stats = h.table.rehashStats();
  CHECK(stats.maxGroupsInOneOp <= OpenTable<Item, Traits>::kMigrateGroupsPerOp);
  CHECK_EQ(stats.forcedFinishes, 0u);
}

}  // namespace

// Reaches OpenTable's private parts (declared a friend in open_table.h).
struct ember::OpenTableTestPeer {
  template <class Table>
  static size_t makeRoom(Table& t) {
    return t.makeRoom();
  }
  template <class Table>
  static uint64_t nextCursor(uint64_t cursor, uint64_t mask) {
    return Table::nextCursor(cursor, mask);
  }
  template <class Table>
  static size_t groups(const Table& t) {
    return t.cur_.groupCount();
  }
  // Items still in two tables (isRehashing() also covers returning the old
  // array's memory after the items have moved).
  template <class Table>
  static bool migrating(const Table& t) {
    return t.old_.groups != nullptr;
  }
  template <class Table>
  static bool draining(const Table& t) {
    return t.drain_.block != nullptr;
  }
};

namespace {

using GoodTable = OpenTable<Item, GoodTraits>;

// Fills one group with 8 items whose home it is, then erases them: the group
// has no EMPTY byte left, so they become tombstones. Walking the groups this
// way drives a table with few live items to its load limit, which must then
// rehash to the same size. Uses the table's current group count.
void makeTombstones(Harness<ControlledTraits>& h, std::mt19937_64& rng, size_t groupsToFill) {
  for (size_t n = 0; n < groupsToFill; n++) {
    const uint64_t groups = ember::OpenTableTestPeer::groups(h.table);
    const uint64_t home = rng() % groups;
    std::vector<std::string> keys;
    for (int i = 0; i < 8; i++) {
      std::string key = keyWithHash((rng() << 24) | home);  // groups < 2^24 here
      if (h.contains(key)) continue;
      h.insert(key);
      keys.push_back(std::move(key));
    }
    for (const auto& key : keys) {
      h.erase(key);
      h.checkFind(key);
    }
  }
}

// ---------------------------------------------------------------------------
// Basics

TEST(empty_table_allocates_nothing_and_misses) {
  MemoryCounter counter;
  {
    GoodTable table(counter);
    CHECK_EQ(counter.used, 0);
    CHECK_EQ(table.size(), 0u);
    CHECK_EQ(table.capacity(), 0u);
    CHECK(table.find("x", GoodTraits::hashOf("x")) == nullptr);
    CHECK(table.find("", GoodTraits::hashOf("")) == nullptr);
    CHECK(table.findSlot("x", GoodTraits::hashOf("x")) == nullptr);
    CHECK(table.erase("x", GoodTraits::hashOf("x")) == nullptr);
    CHECK(table.randomItem(12345) == nullptr);
    CHECK(!table.isRehashing());
    CHECK(!table.rehashFor(1000));
    size_t visits = 0;
    CHECK_EQ(table.scan(0, 10, [&](Item*) { visits++; }), 0u);
    table.forEach([&](Item*) { visits++; });
    CHECK_EQ(visits, 0u);
    CHECK(table.verify() == nullptr);
  }
  CHECK_EQ(counter.used, 0);
}

TEST(insert_find_erase_small) {
  Harness<GoodTraits> h;
  for (uint64_t i = 0; i < 20; i++) h.insert(keyFor(i));
  for (uint64_t i = 0; i < 40; i++) h.checkFind(keyFor(i));
  h.checkAll();
  CHECK(h.table.capacity() >= 20);
  for (uint64_t i = 0; i < 20; i += 2) h.erase(keyFor(i));
  for (uint64_t i = 0; i < 40; i++) h.checkFind(keyFor(i));
  h.checkAll();
}

TEST(empty_key_and_keys_differing_only_after_nul) {
  Harness<GoodTraits> h;
  const std::string keys[] = {std::string(), std::string(1, '\0'), std::string(2, '\0'),
                              std::string("a\0", 2), std::string("a\0b", 3), std::string("a\0c", 3),
                              std::string("a"), std::string("\xff\x00\xff", 3)};
  for (const auto& k : keys) h.insert(k);
  for (const auto& k : keys) h.checkFind(k);
  h.checkAll();
  h.erase(std::string());
  h.erase(std::string("a\0b", 3));
  for (const auto& k : keys) h.checkFind(k);
  h.checkAll();
}

TEST(find_slot_replaces_item_in_place) {
  Harness<GoodTraits> h;
  std::vector<std::unique_ptr<Item>> replacements;
  for (uint64_t i = 0; i < 5000; i++) h.insert(keyFor(i));
  // Replace some items while a rehash may be in progress (items in either table).
  for (uint64_t i = 0; i < 5000; i += 7) {
    const std::string key = keyFor(i);
    Item** slot = h.table.findSlot(key, GoodTraits::hashOf(key));
    REQUIRE(slot != nullptr);
    REQUIRE(*slot == h.model[key].item.get());
    auto fresh = std::make_unique<Item>(Item{key, 999999});
    *slot = fresh.get();
    h.model[key].item = std::move(fresh);  // the old item is freed here
    h.checkFind(key);
  }
  h.checkAll();
}

// ---------------------------------------------------------------------------
// Model-based random mixes

TEST(model_mix_rehash_driven_by_operations) {
  Harness<GoodTraits> h;
  runModelMix(h, 1, 400000, 40000, 50, 12000, RehashDriver::kOpsOnly);
  const auto& s = h.table.rehashStats();
  CHECK(s.grows >= 20);
  CHECK(s.shrinks >= 10);
}

TEST(model_mix_with_rehash_for_sometimes) {
  Harness<GoodTraits> h;
  runModelMix(h, 2, 300000, 30000, 0, 9000, RehashDriver::kRehashForSometimes);
  const auto& s = h.table.rehashStats();
  CHECK(s.grows >= 10);
  CHECK(s.shrinks >= 5);
}

TEST(model_mix_with_rehash_for_eagerly) {
  Harness<GoodTraits> h;
  runModelMix(h, 3, 200000, 20000, 10, 5000, RehashDriver::kRehashForEagerly);
  CHECK(!h.table.isRehashing());
  CHECK(h.table.rehashStats().shrinks >= 5);
}

TEST(model_mix_tiny_tables) {
  // Sizes around the first few groups, where the bounds in the header
  // comment have their tightest cases.
  Harness<GoodTraits> h;
  runModelMix(h, 4, 200000, 100, 0, 40, RehashDriver::kOpsOnly);
  CHECK(h.table.rehashStats().shrinks >= 5);
}

TEST(model_mix_few_distinct_hashes) {
  Harness<FewHashesTraits> h;
  runModelMix(h, 5, 60000, 3000, 0, 600, RehashDriver::kOpsOnly);
}

TEST(model_mix_no_tag_bits) {
  Harness<NoTagTraits> h;
  runModelMix(h, 6, 150000, 20000, 0, 3000, RehashDriver::kRehashForSometimes);
}

TEST(model_mix_constant_hash) {
  Harness<ConstantHashTraits> h;
  runModelMix(h, 7, 20000, 600, 0, 200, RehashDriver::kOpsOnly);
}

// ---------------------------------------------------------------------------
// Incremental rehash

TEST(incremental_rehash_bounded_work_per_op_1m) {
  MemoryCounter counter;
  const size_t n = 1000000;
  std::vector<std::unique_ptr<Item>> items;
  items.reserve(n);
  {
    GoodTable table(counter);
    size_t opsWhileRehashing = 0;
    bool checkedRehashFor = false;
    for (size_t i = 0; i < n; i++) {
      items.push_back(std::make_unique<Item>(Item{"key:" + std::to_string(i), i}));
      table.insert(items.back().get(), GoodTraits::hashOf(items.back()->key));
      if (table.isRehashing()) opsWhileRehashing++;
      // Once, in the middle of a big grow: finish it with rehashFor() alone.
      if (!checkedRehashFor && i > n / 2 && table.isRehashing()) {
        checkedRehashFor = true;
        size_t calls = 0;
        while (table.rehashFor(20000)) {
          REQUIRE(++calls < 1000000);
          CHECK(table.find(items[calls % i]->key, GoodTraits::hashOf(items[calls % i]->key)) ==
                items[calls % i].get());
        }
        CHECK(!table.isRehashing());
        CHECK(calls >= 1);
      }
    }
    CHECK(checkedRehashFor);
    CHECK(opsWhileRehashing > 0);
    const auto& s = table.rehashStats();
    // The bound that makes a single insert cheap, whatever the table size.
    CHECK(s.maxGroupsInOneOp <= GoodTable::kMigrateGroupsPerOp);
    CHECK_EQ(s.forcedFinishes, 0u);
    CHECK(s.grows >= 17);  // 8 slots -> 2M slots
    CHECK_EQ(table.size(), n);
    for (size_t i = 0; i < n; i += 13) {
      CHECK(table.find(items[i]->key, GoodTraits::hashOf(items[i]->key)) == items[i].get());
    }
    CHECK(table.verify() == nullptr);

    // Mass erase: shrinks 4x at a time, each step incremental too.
    for (size_t i = 0; i < n; i++) {
      CHECK(table.erase(items[i]->key, GoodTraits::hashOf(items[i]->key)) == items[i].get());
    }
    CHECK_EQ(table.size(), 0u);
    CHECK(!ember::OpenTableTestPeer::migrating(table));
    CHECK(table.rehashStats().shrinks >= 5);
    CHECK(table.rehashStats().maxGroupsInOneOp <= GoodTable::kMigrateGroupsPerOp);
    CHECK_EQ(table.rehashStats().forcedFinishes, 0u);
    CHECK(table.capacity() <= 64);
    CHECK(table.verify() == nullptr);
  }
  CHECK_EQ(counter.used, 0);
}

TEST(rehash_for_drives_a_rehash_to_completion) {
  Harness<GoodTraits> h;
  uint64_t i = 0;
  while (!h.table.isRehashing() || h.table.size() < 10000) h.insert(keyFor(i++));
  CHECK(h.table.isRehashing());
  size_t calls = 0;
  while (h.table.rehashFor(0)) {  // a zero budget still migrates one chunk
    REQUIRE(++calls < 100000);
    if (calls % 7 == 0) h.checkAll();
  }
  CHECK(!h.table.isRehashing());
  CHECK(!h.table.rehashFor(1000000));
  h.checkAll();
}

TEST(mass_erase_during_a_grow) {
  // Erasing everything while a grow is in progress: the old table empties
  // before it is migrated, and the shrink waits for the rehash to end.
  Harness<GoodTraits> h;
  uint64_t i = 0;
  while (h.table.size() < 3000 || !h.table.isRehashing()) h.insert(keyFor(i++));
  std::mt19937_64 rng(11);
  while (!h.present.empty()) {
    h.erase(h.randomPresent(rng));
    if (h.present.size() % 97 == 0) h.checkAll();
  }
  h.checkAll();
  CHECK(!h.table.isRehashing());
  CHECK(h.table.capacity() <= 64);
  CHECK_EQ(h.table.rehashStats().forcedFinishes, 0u);
}

// The worst case for the bound in the header comment: as soon as a rehash
// starts, only inserts follow. The new table must absorb them and the
// migration without ever needing a resize of its own.
template <class Traits>
void insertUntilRehashEnds(Harness<Traits>& h, uint64_t& next) {
  // Tables of a group or two finish within the op that started the rehash.
  CHECK(h.table.isRehashing() || h.table.capacity() <= 64);
  size_t inserts = 0;
  while (h.table.isRehashing()) {
    h.insert(keyFor(next++));
    if (++inserts % 509 == 0) h.checkAll();
    REQUIRE(inserts < 10000000);
  }
  h.checkAll();
  CHECK_EQ(h.table.rehashStats().forcedFinishes, 0u);
  CHECK(h.table.rehashStats().maxGroupsInOneOp <= OpenTable<Item, Traits>::kMigrateGroupsPerOp);
}

TEST(inserts_right_after_each_kind_of_resize_starts) {
  for (size_t size : {5u, 40u, 300u, 3000u, 30000u}) {
    Harness<ControlledTraits> h;
    std::mt19937_64 rng(size);
    uint64_t next = 1;
    // Grow.
    while (h.table.size() < size) h.insert(keyFor(next++));
    auto stats = h.table.rehashStats();
    while (h.table.rehashStats().grows == stats.grows) h.insert(keyFor(next++));
    insertUntilRehashEnds(h, next);
    // Shrink.
    stats = h.table.rehashStats();
    while (h.table.rehashStats().shrinks == stats.shrinks) {
      REQUIRE(!h.present.empty());
      h.erase(h.randomPresent(rng));
    }
    insertUntilRehashEnds(h, next);
    // Same size, from a load of 3/8 (too low to grow, too high to shrink).
    // Not for tiny tables, where makeTombstones' own 8 live items would
    // push the load over 1/2 (a grow).
    if (size < 300) continue;
    while (h.table.size() * 8 > h.table.capacity() * 3) h.erase(h.randomPresent(rng));
    while (h.table.rehashFor(1000000)) {
    }
    stats = h.table.rehashStats();
    while (h.table.rehashStats().sameSizeRehashes == stats.sameSizeRehashes) {
      REQUIRE_EQ(h.table.rehashStats().grows, stats.grows);
      makeTombstones(h, rng, 1);
    }
    insertUntilRehashEnds(h, next);
  }
}

TEST(old_array_memory_is_returned_piecewise) {
  // A big enough old array is drained (madvise) over the following
  // operations and only then freed; the counter drops when it is freed.
  for (int variant = 0; variant < 4; variant++) {  // drain by ops, by rehashFor, clear, destroy
    MemoryCounter counter;
    std::vector<std::unique_ptr<Item>> items;
    {
      GoodTable table(counter);
      auto add = [&] {
        items.push_back(std::make_unique<Item>(Item{keyFor(items.size()), items.size()}));
        table.insert(items.back().get(), GoodTraits::hashOf(items.back()->key));
      };
      while (items.size() < 100000) add();
      const uint64_t grows = table.rehashStats().grows;
      while (table.rehashStats().grows == grows) add();
      while (ember::OpenTableTestPeer::migrating(table)) add();
      REQUIRE(ember::OpenTableTestPeer::draining(table));
      CHECK(table.isRehashing());
      const int64_t before = counter.used;
      if (variant == 0) {
        size_t ops = 0;
        while (ember::OpenTableTestPeer::draining(table)) {
          add();
          REQUIRE(++ops < 100000);
        }
        CHECK(ops > 1);  // piecewise
        CHECK(counter.used < before);
        CHECK(!table.isRehashing());
      } else if (variant == 1) {
        size_t calls = 0;
        while (table.rehashFor(0)) REQUIRE(++calls < 100000);
        CHECK(counter.used < before);
      } else if (variant == 2) {
        table.clear();  // mid-drain
        CHECK_EQ(counter.used, 0);
        CHECK(!table.isRehashing());
      }  // variant 3: destroyed mid-drain
      CHECK(table.verify() == nullptr);
      for (size_t i = 0; i < items.size() && variant != 2; i += 7) {
        CHECK(table.find(items[i]->key, GoodTraits::hashOf(items[i]->key)) == items[i].get());
      }
    }
    CHECK_EQ(counter.used, 0);
  }
}

TEST(resize_requested_mid_rehash_finishes_the_first) {
  // Unreachable through the public interface (see the header comment), so
  // forced through the test peer: the in-progress rehash completes first,
  // into a table that has room for it, and everything stays findable.
  Harness<GoodTraits> h;
  uint64_t i = 0;
  while (h.table.size() < 2000 || !h.table.isRehashing()) h.insert(keyFor(i++));
  const size_t groupsBefore = ember::OpenTableTestPeer::groups(h.table);
  const size_t migrated = ember::OpenTableTestPeer::makeRoom(h.table);
  CHECK(migrated > 0);
  CHECK(!ember::OpenTableTestPeer::migrating(h.table));  // the new table had room: no second resize
  CHECK_EQ(ember::OpenTableTestPeer::groups(h.table), groupsBefore);
  CHECK_EQ(h.table.rehashStats().forcedFinishes, 1u);
  h.checkAll();
  for (uint64_t j = 0; j < i + 100; j++) h.checkFind(keyFor(j));
  // And the table carries on normally.
  for (uint64_t j = i; j < i + 20000; j++) h.insert(keyFor(j));
  h.checkAll();
}

TEST(constant_size_churn_keeps_memory_bounded) {
  Harness<GoodTraits> h;
  std::mt19937_64 rng(12);
  uint64_t next = 0;
  for (; next < 1000; next++) h.insert(keyFor(next));
  size_t maxCapacity = 0;
  int64_t maxUsed = 0;
  for (size_t step = 0; step < 1000000; step++) {
    const std::string key = keyFor(next++);
    h.insert(key);
    const std::string victim = h.randomPresent(rng);
    h.erase(victim);
    h.checkFind(key);
    h.checkFind(victim);
    maxCapacity = std::max(maxCapacity, h.table.capacity());
    maxUsed = std::max(maxUsed, h.counter.used);
    if (step % 100000 == 0) h.checkAll();
  }
  h.checkAll();
  // 1000 live items: tables of 2048 slots at most, two during a rehash.
  CHECK(maxCapacity <= 4096);
  CHECK(maxUsed <= static_cast<int64_t>(2 * (2048 / 8) * 72 + 4096));
  // Tombstones are mostly reused by later inserts, but not all: every so
  // often the table fills with them and a same-size rehash purges them.
  CHECK(h.table.rehashStats().sameSizeRehashes >= 20);
  CHECK_EQ(h.table.rehashStats().forcedFinishes, 0u);
}

// ---------------------------------------------------------------------------
// SCAN

template <class Traits>
void fullScanSeesEverything(Harness<Traits>& h, size_t count) {
  std::unordered_map<Item*, int> seen;
  uint64_t cursor = 0;
  size_t calls = 0;
  bool onlyLive = true;
  do {
    cursor = h.table.scan(cursor, count, [&](Item* item) {
      seen[item]++;
      auto it = h.model.find(item->key);
      if (it == h.model.end() || it->second.item.get() != item) onlyLive = false;
    });
    REQUIRE(++calls <= h.table.capacity() + 1);
  } while (cursor != 0);
  CHECK(onlyLive);
  CHECK_EQ(seen.size(), h.model.size());
  for (const auto& [key, entry] : h.model) {
    if (!seen.count(entry.item.get())) CHECK_EQ(key, "<seen by scan>");
  }
  // Nothing changed during this scan, so each home class was visited once
  // and each item reported exactly once, even mid-rehash (the cursor
  // advances with the smaller table's mask).
  for (const auto& [item, times] : seen) CHECK_EQ(times, 1);
}

TEST(scan_of_empty_tables_returns_zero) {
  Harness<GoodTraits> h;
  size_t visits = 0;
  CHECK_EQ(h.table.scan(0, 1, [&](Item*) { visits++; }), 0u);
  CHECK_EQ(h.table.scan(12345, 100, [&](Item*) { visits++; }), 0u);
  h.insert("a");
  h.erase("a");  // allocated but empty
  CHECK_EQ(h.table.scan(0, 1, [&](Item*) { visits++; }), 0u);
  CHECK_EQ(visits, 0u);
}

TEST(scan_of_static_tables) {
  for (size_t n : {1, 7, 8, 9, 100, 5000, 100000}) {
    Harness<GoodTraits> h;
    for (uint64_t i = 0; i < n; i++) h.insert(keyFor(i));
    for (size_t count : {1, 3, 10, 1000}) fullScanSeesEverything(h, count);
    while (h.table.rehashFor(1000000)) {
    }
    for (size_t count : {1, 10}) fullScanSeesEverything(h, count);
    // With count 1 and no rehash, one call per home group.
    size_t calls = 0;
    uint64_t cursor = 0;
    do {
      cursor = h.table.scan(cursor, 1, [](Item*) {});
      calls++;
    } while (cursor != 0);
    CHECK_EQ(calls, h.table.capacity() / 8);
  }
}

TEST(scan_of_static_tables_mid_rehash) {
  // Frozen in the middle of a grow, then of a shrink: items in both tables.
  Harness<GoodTraits> h;
  uint64_t next = 0;
  while (h.table.size() < 20000 || !ember::OpenTableTestPeer::migrating(h.table)) {
    h.insert(keyFor(next++));
  }
  for (size_t count : {1, 7, 100}) fullScanSeesEverything(h, count);
  std::mt19937_64 rng(3);
  const uint64_t shrinks = h.table.rehashStats().shrinks;
  while (h.table.rehashStats().shrinks == shrinks ||
         !ember::OpenTableTestPeer::migrating(h.table)) {
    h.erase(h.randomPresent(rng));
  }
  for (size_t count : {1, 7, 100}) fullScanSeesEverything(h, count);
}

TEST(scan_of_static_tables_with_colliding_hashes) {
  Harness<FewHashesTraits> few;
  for (uint64_t i = 0; i < 1500; i++) few.insert(keyFor(i));
  fullScanSeesEverything(few, 1);
  fullScanSeesEverything(few, 17);
  Harness<ConstantHashTraits> same;
  for (uint64_t i = 0; i < 300; i++) same.insert(keyFor(i));
  fullScanSeesEverything(same, 1);
  Harness<NoTagTraits> notag;
  for (uint64_t i = 0; i < 5000; i++) notag.insert(keyFor(i));
  fullScanSeesEverything(notag, 5);
}

TEST(scan_cursor_is_reverse_binary) {
  const uint64_t expected[] = {4, 2, 6, 1, 5, 3, 7, 0};
  uint64_t cursor = 0;
  for (uint64_t e : expected) {
    cursor = ember::OpenTableTestPeer::nextCursor<GoodTable>(cursor, 7);
    CHECK_EQ(cursor, e);
  }
  // High bits beyond the mask (left by a bigger table) are carried away.
  CHECK_EQ(ember::OpenTableTestPeer::nextCursor<GoodTable>(0xF0 | 4, 7), 2u);
  CHECK_EQ(ember::OpenTableTestPeer::nextCursor<GoodTable>(7, 7), 0u);
}

// One scan, with `between` run between calls. Items in `persistent` are never
// touched; each must be reported at least once, and everything reported must
// be live at that moment.
template <class Traits, class Between>
void scanWhileMutating(Harness<Traits>& h, const std::vector<std::string>& persistent, size_t count,
                       Between&& between) {
  std::unordered_set<Item*> seen;
  uint64_t cursor = 0;
  size_t calls = 0;
  bool onlyLive = true;
  do {
    cursor = h.table.scan(cursor, count, [&](Item* item) {
      seen.insert(item);
      auto it = h.model.find(item->key);
      if (it == h.model.end() || it->second.item.get() != item) onlyLive = false;
    });
    REQUIRE(++calls < 10000000);
    if (cursor != 0) between(calls);
  } while (cursor != 0);
  CHECK(onlyLive);
  size_t missed = 0;
  for (const auto& key : persistent) {
    if (!seen.count(h.model.at(key).item.get())) missed++;
  }
  CHECK_EQ(missed, 0u);
}

bool isPersistent(const std::string& key) { return key.rfind("persistent:", 0) == 0; }

// Erases a random key that is not one of the scan's persistent keys.
template <class Traits>
void eraseRandomOther(Harness<Traits>& h, std::mt19937_64& rng, size_t persistentCount) {
  if (h.present.size() <= persistentCount) return;
  for (;;) {
    const std::string& victim = h.randomPresent(rng);
    if (!isPersistent(victim)) return h.erase(victim);
  }
}

template <class Traits>
std::vector<std::string> insertPersistent(Harness<Traits>& h, size_t n) {
  std::vector<std::string> keys;
  for (size_t i = 0; i < n; i++) {
    keys.push_back("persistent:" + std::to_string(i));
    h.insert(keys.back());
  }
  return keys;
}

TEST(scan_across_growth) {
  for (size_t count : {1, 4, 50}) {
    Harness<GoodTraits> h;
    auto persistent = insertPersistent(h, 500);
    uint64_t next = 1;
    const uint64_t growsBefore = h.table.rehashStats().grows;
    scanWhileMutating(h, persistent, count, [&](size_t) {
      // Growth stops at 40x: a scan that a table keeps outgrowing at the same
      // pace would take very many calls to finish.
      for (size_t i = 0; i < 40 * count && h.present.size() < 20000; i++) h.insert(keyFor(next++));
    });
    CHECK(h.table.rehashStats().grows >= growsBefore + 2);
    h.checkAll();
  }
}

TEST(scan_across_shrink) {
  for (size_t count : {1, 4, 50}) {
    Harness<GoodTraits> h;
    auto persistent = insertPersistent(h, 100);
    for (uint64_t i = 1; i < 60000; i++) h.insert(keyFor(i));
    while (h.table.rehashFor(1000000)) {
    }
    std::mt19937_64 rng(count);
    const uint64_t shrinksBefore = h.table.rehashStats().shrinks;
    scanWhileMutating(h, persistent, count, [&](size_t) {
      for (int i = 0; i < 300; i++) eraseRandomOther(h, rng, persistent.size());
    });
    CHECK(h.table.rehashStats().shrinks >= shrinksBefore + 2);
    h.checkAll();
  }
}

TEST(scan_across_same_size_rehash) {
  for (size_t count : {1, 8}) {
    Harness<ControlledTraits> h;
    // 600 live items in 2048 slots: below half, so a full table of
    // tombstones rehashes to the same size.
    auto persistent = insertPersistent(h, 300);
    std::mt19937_64 rng(count + 100);
    uint64_t next = 1;
    for (; next < 1000; next++) h.insert(keyFor(next));
    for (int i = 0; i < 700; i++) eraseRandomOther(h, rng, persistent.size());
    while (h.table.rehashFor(1000000)) {
    }
    REQUIRE_EQ(h.table.capacity(), 2048u);
    const auto before = h.table.rehashStats();
    scanWhileMutating(h, persistent, count, [&](size_t) {
      makeTombstones(h, rng, 24);
      for (int i = 0; i < 10; i++) {  // and some ordinary churn
        h.insert(keyFor(next++));
        eraseRandomOther(h, rng, persistent.size());
      }
    });
    CHECK(h.table.rehashStats().sameSizeRehashes > before.sameSizeRehashes);
    CHECK_EQ(h.table.rehashStats().grows, before.grows);
    CHECK(h.table.capacity() <= 4096u);
    h.checkAll();
  }
}

TEST(model_mix_with_tombstone_bursts) {
  // The random mix, interleaved with bursts of tombstones: same-size rehashes
  // (including ones that find the live set small enough to shrink next).
  Harness<ControlledTraits> h;
  std::mt19937_64 rng(8);
  for (int round = 0; round < 30; round++) {
    runModelMix(h, 100 + round, 3000, 20000, 0, 2000 + 200 * round, RehashDriver::kOpsOnly);
    makeTombstones(h, rng, 2 * ember::OpenTableTestPeer::groups(h.table));
    h.checkAll();
  }
  CHECK(h.table.rehashStats().sameSizeRehashes >= 10);
}

// Random phases of growth, shrink and churn between scan calls, with the
// rehash driven by operations and sometimes by rehashFor().
TEST(scan_under_random_resizes) {
  uint64_t grows = 0, shrinks = 0, same = 0;
  for (uint64_t seed = 1; seed <= 12; seed++) {
    Harness<ControlledTraits> h;
    std::mt19937_64 rng(seed);
    auto persistent = insertPersistent(h, 50 + rng() % 400);
    uint64_t next = 1;
    const size_t maxOthers = 1000 + rng() % 20000;
    int phase = 0;
    const auto before = h.table.rehashStats();
    scanWhileMutating(h, persistent, 1 + rng() % 20, [&](size_t call) {
      if (call % 5 == 0) phase = static_cast<int>(rng() % 4);
      if (phase == 3) return makeTombstones(h, rng, ember::OpenTableTestPeer::groups(h.table) / 4);
      const size_t ops = rng() % 400;
      for (size_t i = 0; i < ops; i++) {
        const unsigned insertPercent = phase == 0 ? 85 : phase == 1 ? 10 : 50;
        if (rng() % 100 < insertPercent && h.present.size() < maxOthers) {
          h.insert(keyFor(next++));
        } else {
          eraseRandomOther(h, rng, persistent.size());
        }
      }
      if (rng() % 8 == 0) h.table.rehashFor(static_cast<int64_t>(rng() % 50000));
    });
    const auto& after = h.table.rehashStats();
    grows += after.grows - before.grows;
    shrinks += after.shrinks - before.shrinks;
    same += after.sameSizeRehashes - before.sameSizeRehashes;
    h.checkAll();
  }
  // The point of the test: every kind of resize happened mid-scan.
  CHECK(grows > 0);
  CHECK(shrinks > 0);
  CHECK(same > 0);
}

TEST(scan_under_resizes_with_colliding_hashes) {
  Harness<FewHashesTraits> h;
  std::vector<std::string> persistent;
  for (int i = 0; i < 100; i++) {
    persistent.push_back("persistent:" + std::to_string(i));
    h.insert(persistent.back());
  }
  std::mt19937_64 rng(77);
  uint64_t next = 1;
  int phase = 0;
  scanWhileMutating(h, persistent, 2, [&](size_t call) {
    if (call % 3 == 0) phase = 1 - phase;
    for (int i = 0; i < 30; i++) {
      if (phase == 0 && h.present.size() < 1500) {
        h.insert(keyFor(next++));
      } else {
        eraseRandomOther(h, rng, persistent.size());
      }
    }
  });
  h.checkAll();
}

// ---------------------------------------------------------------------------
// randomItem, forEach, clear, memory

TEST(random_item_returns_live_items) {
  Harness<GoodTraits> h;
  std::mt19937_64 rng(5);
  CHECK(h.table.randomItem(rng()) == nullptr);
  for (uint64_t i = 0; i < 1000; i++) h.insert(keyFor(i));
  std::unordered_set<Item*> distinct;
  bool sawRehashing = false;
  for (int i = 0; i < 20000; i++) {
    Item* item = h.table.randomItem(rng());
    REQUIRE(item != nullptr);
    CHECK(h.model.count(item->key) && h.model.at(item->key).item.get() == item);
    distinct.insert(item);
  }
  CHECK(distinct.size() >= 900);
  // Through growth (items in both tables) and a mass erase (sparse tables).
  for (uint64_t i = 1000; i < 50000; i++) {
    h.insert(keyFor(i));
    if (h.table.isRehashing()) sawRehashing = true;
    Item* item = h.table.randomItem(rng());
    CHECK(item && h.model.at(item->key).item.get() == item);
  }
  while (!h.present.empty()) {
    h.erase(h.randomPresent(rng));
    if (h.table.isRehashing()) sawRehashing = true;
    Item* item = h.table.randomItem(rng());
    if (h.present.empty()) {
      CHECK(item == nullptr);
    } else {
      CHECK(item && h.model.count(item->key) && h.model.at(item->key).item.get() == item);
    }
  }
  CHECK(sawRehashing);
  // Extreme random values map inside the table.
  h.insert("only");
  CHECK(h.table.randomItem(0) == h.model.at("only").item.get());
  CHECK(h.table.randomItem(~uint64_t{0}) == h.model.at("only").item.get());
}

TEST(sample_run_visits_distinct_live_items_up_to_the_limit) {
  Harness<GoodTraits> h;
  std::mt19937_64 rng(9);
  size_t visits = 0;
  h.table.sampleRun(rng(), 10, [&](Item*) { return ++visits > 0; });
  CHECK_EQ(visits, 0u);  // empty table
  std::unordered_set<Item*> everSeen;
  for (uint64_t i = 0; i < 20000; i++) {
    h.insert(keyFor(i));
    if (i % 97 != 0) continue;  // through growth: items in both tables
    std::unordered_set<Item*> seen;
    h.table.sampleRun(rng(), 16, [&](Item* item) {
      CHECK(h.model.count(item->key) && h.model.at(item->key).item.get() == item);
      CHECK(seen.insert(item).second);
      return true;
    });
    CHECK_EQ(seen.size(), std::min<size_t>(16, h.table.size()));
    everSeen.insert(seen.begin(), seen.end());
  }
  CHECK(everSeen.size() > 2000);  // random starting points, not one region
  // A limit above the size visits every item once, mid-rehash too (both
  // tables); `visit` returning false stops it.
  while (!h.table.isRehashing()) h.insert(keyFor(h.table.size() + 100000));
  for (int round = 0; round < 50 && h.table.isRehashing(); round++) {
    std::unordered_set<Item*> every;
    h.table.sampleRun(rng(), SIZE_MAX, [&](Item* item) { return every.insert(item).second; });
    CHECK_EQ(every.size(), h.table.size());
    h.insert(keyFor(h.table.size() + 200000));
  }
  std::unordered_set<Item*> all;
  h.table.sampleRun(rng(), SIZE_MAX, [&](Item* item) { return all.insert(item).second; });
  CHECK_EQ(all.size(), h.table.size());
  visits = 0;
  h.table.sampleRun(rng(), SIZE_MAX, [&](Item*) { return ++visits < 5; });
  CHECK_EQ(visits, 5u);
}

TEST(growth_and_transient_bytes) {
  Harness<GoodTraits> h;
  CHECK_EQ(h.table.transientBytes(), 0u);
  CHECK(h.table.insertGrowthBytes() > 0);  // the first insert allocates
  uint64_t next = 0;
  // Big enough that a grow's migration spans many inserts.
  while (next < 1000) h.insert(keyFor(next++));
  while (h.table.rehashFor(1'000'000)) {
  }
  // Fill to the brink of a grow: the next insert would add a bigger array.
  while (h.table.insertGrowthBytes() == 0) h.insert(keyFor(next++));
  const size_t arrayBefore = h.table.arrayBytes();  // as allocated: a little over the nominal size
  const size_t nominal = h.table.insertGrowthBytes();  // doubling adds one more array's worth
  CHECK(nominal <= arrayBefore && arrayBefore < nominal + 64);
  h.insert(keyFor(next++));
  CHECK(h.table.isRehashing());
  const size_t during = h.table.arrayBytes();  // new (2x) and old side by side
  CHECK(during >= arrayBefore + 2 * nominal);
  CHECK_EQ(h.table.transientBytes(), arrayBefore);  // the old one goes away
  CHECK_EQ(h.table.insertGrowthBytes(), 0u);
  while (h.table.rehashFor(1'000'000)) {
  }
  CHECK_EQ(h.table.transientBytes(), 0u);
  CHECK_EQ(h.table.arrayBytes(), during - arrayBefore);
}

TEST(random_item_reaches_both_tables_mid_rehash) {
  // Frozen just after a grow starts (new table nearly empty) and halfway
  // through it: every item stays reachable, from either table.
  for (int stage = 0; stage < 2; stage++) {
    Harness<GoodTraits> h;
    uint64_t next = 0;
    while (h.table.size() < 3000 || !ember::OpenTableTestPeer::migrating(h.table)) {
      h.insert(keyFor(next++));
    }
    if (stage == 1) {
      for (int i = 0; i < 100; i++) h.insert(keyFor(next++));
      REQUIRE(ember::OpenTableTestPeer::migrating(h.table));
    }
    std::mt19937_64 rng(stage);
    std::unordered_set<Item*> distinct;
    bool onlyLive = true;
    for (size_t i = 0; i < 40 * h.model.size(); i++) {
      Item* item = h.table.randomItem(rng());
      if (!item || !h.model.count(item->key) || h.model.at(item->key).item.get() != item) {
        onlyLive = false;
      } else {
        distinct.insert(item);
      }
    }
    CHECK(onlyLive);
    CHECK(distinct.size() >= h.model.size() * 99 / 100);
  }
}

TEST(for_each_visits_the_live_set_once) {
  Harness<GoodTraits> h;
  std::mt19937_64 rng(6);
  for (uint64_t i = 0; i < 30000; i++) {
    h.insert(keyFor(i));
    if (i % 3 == 0) h.erase(h.randomPresent(rng));
    if (i % 1999 == 0) h.checkAll();  // often mid-rehash
  }
  std::unordered_map<Item*, int> times;
  h.table.forEach([&](Item* item) { times[item]++; });
  CHECK_EQ(times.size(), h.model.size());
  for (const auto& [item, n] : times) CHECK_EQ(n, 1);
}

TEST(clear_empties_and_returns_memory) {
  Harness<GoodTraits> h;
  for (uint64_t i = 0; i < 20000; i++) h.insert(keyFor(i));
  // Clear both mid-rehash and not.
  for (int round = 0; round < 2; round++) {
    if (round == 0) {
      while (!h.table.isRehashing()) h.insert(keyFor(h.serial + 100000));
    }
    h.clearAll();
    CHECK_EQ(h.table.size(), 0u);
    CHECK_EQ(h.table.capacity(), 0u);
    CHECK(!h.table.isRehashing());
    CHECK_EQ(h.counter.used, h.baseUsed);
    CHECK(h.table.find(keyFor(5), GoodTraits::hashOf(keyFor(5))) == nullptr);
    CHECK(h.table.randomItem(42) == nullptr);
    CHECK_EQ(h.table.scan(0, 10, [](Item*) {}), 0u);
    h.checkAll();
    for (uint64_t i = 0; i < 5000; i++) h.insert(keyFor(i));
    h.checkAll();
  }
}

TEST(memory_counter_returns_to_start_after_destruction) {
  MemoryCounter counter;
  counter.used = 1000;  // someone else's bytes
  std::vector<std::unique_ptr<Item>> items;
  for (int scenario = 0; scenario < 3; scenario++) {
    {
      GoodTable table(counter);
      for (uint64_t i = 0; i < 30000; i++) {
        items.push_back(std::make_unique<Item>(Item{keyFor(i), i}));
        table.insert(items.back().get(), GoodTraits::hashOf(items.back()->key));
        if (scenario == 1 && i > 20000 && table.isRehashing()) break;  // destroy mid-rehash
      }
      CHECK(counter.used > 1000);
      if (scenario == 2) {
        for (auto& item : items) table.erase(item->key, GoodTraits::hashOf(item->key));
      }
      CHECK(table.verify() == nullptr);
    }
    CHECK_EQ(counter.used, 1000);
    items.clear();
  }
}

}  // namespace
