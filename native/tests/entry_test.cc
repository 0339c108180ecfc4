// Unit tests of Entry (entry.h): layout round trips, expiry add/remove,
// raw-string growth across the short/long layout boundary, byte
// accounting (a collection copied to another database counts there), and
// the access history (clock, probation) kept through every rebuild.
#include <string>
#include <vector>

#include "check.h"
#include "core/entry.h"
#include "core/numbers.h"
#include "core/store.h"

using namespace ember;

namespace {

std::string bytes(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i++) s[i] = static_cast<char>(seed + i * 7);
  return s;
}

}  // namespace

TEST(encoding_follows_redis_rules) {
  CHECK(Entry::encodingFor("123") == Encoding::kInt);
  CHECK(Entry::encodingFor("-9223372036854775808") == Encoding::kInt);
  CHECK(Entry::encodingFor("9223372036854775808") == Encoding::kEmbStr);
  CHECK(Entry::encodingFor("007") == Encoding::kEmbStr);
  CHECK(Entry::encodingFor("-0") == Encoding::kEmbStr);
  CHECK(Entry::encodingFor(std::string(44, 'x')) == Encoding::kEmbStr);
  CHECK(Entry::encodingFor(std::string(45, 'x')) == Encoding::kRaw);
  CHECK(Entry::encodingFor("") == Encoding::kEmbStr);
}

TEST(string_round_trip_short_and_long_layouts) {
  MemoryCounter mem;
  for (size_t key_len : {0, 1, 16, 255, 256, 1000}) {
    for (size_t value_len : {0, 5, 44, 65535, 65536, 200000}) {
      std::string key = bytes(key_len, 'k');
      std::string value = bytes(value_len, '\0');
      for (int64_t expire : {kNoExpire, int64_t{1234567890123}}) {
        Entry* e = Entry::newString(mem, key, value, Encoding::kRaw, expire);
        CHECK_EQ(e->key(), key);
        CHECK_EQ(e->stringBytes(), value);
        CHECK_EQ(e->expireAt(), expire);
        CHECK(e->type() == ValueType::kString);
        Entry::destroy(mem, e);
      }
    }
  }
  CHECK_EQ(mem.used, 0);
}

TEST(int_entries) {
  MemoryCounter mem;
  Entry* e = Entry::newInt(mem, "n", INT64_MIN, kNoExpire);
  CHECK_EQ(e->intValue(), INT64_MIN);
  CHECK_EQ(e->stringLength(), size_t{20});
  e->setIntValue(42);
  CHECK_EQ(e->intValue(), 42);
  CHECK_EQ(e->stringLength(), size_t{2});
  Entry::destroy(mem, e);
  CHECK_EQ(mem.used, 0);
}

TEST(compact_entry_fits_one_64_byte_chunk) {
  // A 16-byte key with a 32-byte value: 8 header + 16 + 32 = 56 bytes.
  MemoryCounter mem;
  Entry* e = Entry::newString(mem, std::string(16, 'k'), std::string(32, 'v'), Encoding::kEmbStr, kNoExpire);
  CHECK(e->allocatedBytes() <= 64);
  Entry::destroy(mem, e);
}

TEST(expiry_added_and_removed_keeps_key_and_value) {
  MemoryCounter mem;
  std::string key = bytes(20, 'a');
  std::string value = bytes(30, 'b');
  Entry* e = Entry::newString(mem, key, value, Encoding::kEmbStr, kNoExpire);
  e->setAccessClock(0xABCDEF);
  e = Entry::withExpire(mem, e, 99);
  CHECK_EQ(e->expireAt(), 99);
  CHECK_EQ(e->key(), key);
  CHECK_EQ(e->stringBytes(), value);
  CHECK_EQ(e->accessClock(), 0xABCDEFu);
  e = Entry::withExpire(mem, e, 100);  // in place
  CHECK_EQ(e->expireAt(), 100);
  e = Entry::withExpire(mem, e, kNoExpire);
  CHECK(!e->hasExpire());
  CHECK_EQ(e->key(), key);
  CHECK_EQ(e->stringBytes(), value);
  Entry::destroy(mem, e);
  CHECK_EQ(mem.used, 0);
}

TEST(raw_string_growth_is_amortized_and_crosses_layouts) {
  MemoryCounter mem;
  Entry* e = Entry::newString(mem, "k", "ab", Encoding::kEmbStr, 5);
  std::string model = "ab";
  size_t moves = 0;
  for (int i = 0; i < 100000; i++) {
    size_t old_length = model.size();
    Entry* before = e;
    e = Entry::resizedRawString(mem, e, old_length + 3);
    if (e != before) moves++;
    std::memcpy(e->mutableStringBytes() + old_length, "xyz", 3);
    model += "xyz";
  }
  CHECK_EQ(e->stringBytes(), model);
  CHECK_EQ(e->key(), std::string_view("k"));
  CHECK_EQ(e->expireAt(), 5);
  CHECK(e->encoding() == Encoding::kRaw);
  // Geometric growth: a 300 KB string grown 3 bytes at a time moves only a
  // few dozen times, not 100000.
  CHECK(moves < 64);
  Entry::destroy(mem, e);
  CHECK_EQ(mem.used, 0);
}

TEST(int_to_raw_conversion_writes_digits) {
  MemoryCounter mem;
  Entry* e = Entry::newInt(mem, "k", -42, kNoExpire);
  e = Entry::resizedRawString(mem, e, 5);
  CHECK_EQ(e->stringBytes(), std::string_view("-42\0\0", 5));
  CHECK(e->encoding() == Encoding::kRaw);
  Entry::destroy(mem, e);
  CHECK_EQ(mem.used, 0);
}

TEST(copy_with_key_moves_everything) {
  MemoryCounter mem;
  Entry* a = Entry::newString(mem, "old", "payload", Encoding::kEmbStr, 7);
  Entry* b = Entry::copyWithKey(mem, a, std::string(300, 'n'), kNoExpire);
  CHECK_EQ(b->key(), std::string(300, 'n'));
  CHECK_EQ(b->stringBytes(), std::string_view("payload"));
  CHECK(!b->hasExpire());
  CHECK(b->encoding() == Encoding::kEmbStr);
  Entry::destroy(mem, a);
  Entry::destroy(mem, b);
  CHECK_EQ(mem.used, 0);
}

TEST(numbers_match_redis) {
  CHECK(parseInt64("0").value() == 0);
  CHECK(parseInt64("-1").value() == -1);
  CHECK(parseInt64("9223372036854775807").value() == INT64_MAX);
  CHECK(parseInt64("-9223372036854775808").value() == INT64_MIN);
  for (const char* bad : {"", "-", "+1", "01", "-0", " 1", "1 ", "9223372036854775808", "1e3", "0x1", "1.0"}) {
    CHECK(!parseInt64(bad).has_value());
  }
  CHECK_EQ(formatLongDoubleHuman(3.0L), std::string("3"));
  CHECK_EQ(formatLongDoubleHuman(10.5L), std::string("10.5"));
  CHECK_EQ(formatLongDoubleHuman(-0.0L), std::string("0"));
  CHECK_EQ(formatLongDoubleHuman(5.0e3L), std::string("5000"));
  CHECK(!parseLongDouble("nan").has_value());
  CHECK(!parseLongDouble(" 1").has_value());
  CHECK(!parseLongDouble("1e5000").has_value());
  CHECK(parseLongDouble("inf").has_value());
  char digits[kInt64DigitsMax];
  CHECK_EQ(formatInt64(INT64_MIN, digits), std::string_view("-9223372036854775808"));
}

TEST(a_collection_copied_to_another_db_counts_and_lives_there) {
  Store store;
  auto run = [&](std::vector<std::string> args, int db) {
    std::vector<ByteView> argv(args.begin(), args.end());
    ReplyBuilder out;
    store.execute(argv, out, db);
    return ReplyReader(out.bytes()).next().type != ReplyType::kError;
  };
  for (int i = 0; i < 200; i++) CHECK(run({"ZADD", "z", std::to_string(i), "m" + std::to_string(i)}, 1));
  CHECK(run({"RPUSH", "l", "a", "b", "c"}, 1));
  const int64_t source_before = store.db(1).memory().used;
  const int64_t target_before = store.db(0).memory().used;
  CHECK(run({"COPY", "z", "z", "DB", "0"}, 1));
  CHECK(run({"COPY", "l", "l", "DB", "0"}, 1));
  // The copies are the target's: its counter grew, the source's did not.
  CHECK_EQ(store.db(1).memory().used, source_before);
  const int64_t copied = store.db(0).memory().used - target_before;
  CHECK(copied > source_before / 2);
  // The source's database goes first (freed on the lazy-free thread):
  // the copies must not depend on it (ASan would see a use-after-free).
  CHECK(run({"FLUSHDB", "ASYNC"}, 1));
  store.lazyFreer().drain();
  CHECK(run({"ZADD", "z", "999", "new"}, 0));
  CHECK(run({"RPUSH", "l", "d"}, 0));
  CHECK(run({"DEL", "z", "l"}, 0));
  // Deleting them gives their bytes back (the table's slots stay).
  CHECK(store.db(0).memory().used - target_before < copied / 10);
}

TEST(access_history_travels_with_every_rebuild) {
  // The access clock and the probation flag are the value's history:
  // every way an entry is rebuilt keeps both (copyAccessFrom).
  MemoryCounter mem;
  auto marked = [&](Entry* e) {
    e->setAccessClock(0x123456);
    e->setProbation(true);
    return e;
  };
  auto kept = [](const Entry* e) { return e->accessClock() == 0x123456u && e->onProbation(); };
  Entry* e = marked(Entry::newString(mem, "k", "v", Encoding::kEmbStr, kNoExpire));
  e = Entry::withExpire(mem, e, 99);  // rebuilt: the expiry needs 8 more bytes
  CHECK(kept(e));
  e = Entry::resizedRawString(mem, e, 70000);  // rebuilt in the long layout
  CHECK(kept(e));
  Entry* copy = Entry::copyWithKey(mem, e, "renamed", kNoExpire);
  CHECK(kept(copy));
  Entry::destroy(mem, copy);
  Entry::destroy(mem, e);
  e = marked(Entry::newInt(mem, "n", 7, kNoExpire));
  e = Entry::resizedRawString(mem, e, 4);  // int to raw
  CHECK(kept(e));
  e->setProbation(false);
  CHECK(!e->onProbation());
  CHECK(!e->hasExpire());  // the flags beside it untouched
  CHECK_EQ(e->accessClock(), 0x123456u);
  Entry::destroy(mem, e);
  CHECK_EQ(mem.used, 0);
}

TEST(keys_created_during_a_miss_burst_are_on_probation_until_accessed) {
  Store store;
  auto run = [&](std::vector<std::string> args) {
    std::vector<ByteView> argv(args.begin(), args.end());
    ReplyBuilder out;
    store.execute(argv, out, 0);
  };
  auto probation = [&](const char* key) { return store.db(0).peek(key)->onProbation(); };
  run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"});
  run({"SET", "calm", "v"});
  CHECK(!probation("calm"));
  // About 2.3 windows of misses make a burst (miss_burst.h).
  for (int i = 0; i < 2000; i++) run({"GET", "missing:" + std::to_string(i)});
  run({"SET", "early", "v"});
  CHECK(!probation("early"));
  for (int i = 0; i < 1000; i++) run({"GET", "missing:" + std::to_string(i)});
  run({"SET", "scanned", "v"});
  run({"HSET", "scanned-hash", "f", "v"});
  CHECK(probation("scanned"));
  CHECK(probation("scanned-hash"));
  // Any access ends it, a read or a write (as both count for LFU).
  run({"GET", "scanned"});
  CHECK(!probation("scanned"));
  run({"EXPIRE", "scanned-hash", "100"});
  CHECK(!probation("scanned-hash"));
  // Not under LRU, whose scores are times, not counts.
  run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"});
  run({"SET", "lru-key", "v"});
  CHECK(!probation("lru-key"));
}
