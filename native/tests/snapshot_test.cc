// Tests of the snapshot codec (core/snapshot.h) and its checksum
// (core/crc64.h): round trips of seeded random datasets of every type and
// encoding, binary data, TTLs and several databases; what the writer skips
// and leaves untouched; truncation and byte-flip corruption (every length,
// every byte); and a 1M-key save/load timing (printed, not asserted).
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "store_image.h"
#include "core/crc64.h"
#include "core/hash_ref.h"
#include "core/list_value.h"
#include "core/numbers.h"
#include "core/reply.h"
#include "core/set_value.h"
#include "core/snapshot.h"
#include "core/store.h"
#include "core/zset_value.h"

using namespace ember;
using namespace ember::test;

namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // the manual clock's start

// Runs one command on database `db`; returns the reply's first value
// rendered loosely ("-ERR..." for errors), enough to check success.
std::string run(Store& store, int db, const std::vector<std::string>& args) {
  std::vector<ByteView> argv(args.begin(), args.end());
  ReplyBuilder out;
  store.execute(argv, out, db);
  ReplyReader reader(out.bytes());
  ReplyValue v = reader.next();
  if (v.type == ReplyType::kError) return "-" + std::string(v.str);
  if (v.type == ReplyType::kInteger) return ":" + std::to_string(v.integer);
  return "+";
}

void mustRun(Store& store, int db, const std::vector<std::string>& args) {
  std::string r = run(store, db, args);
  if (!r.empty() && r[0] == '-') CHECK_EQ(r, std::string("(no error) for ") + args[0]);
}

size_t totalKeys(Store& store) {
  size_t n = 0;
  for (int i = 0; i < Store::kDatabases; i++) n += store.db(i).size();
  return n;
}

std::string save(Store& store) {
  StringSink sink;
  SnapshotWriteResult w = writeSnapshot(store, sink);
  CHECK(w.ok);
  CHECK_EQ(w.bytes, sink.data.size());
  return sink.data;
}

// ---------------------------------------------------------------------------
// Random datasets

struct Gen {
  std::mt19937_64 rng;
  explicit Gen(uint64_t seed) : rng(seed) {}

  uint64_t below(uint64_t n) { return rng() % n; }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

  // Bytes with NUL and 0xFF much more common than chance would make them.
  std::string bytes(size_t len) {
    std::string s(len, '\0');
    for (auto& c : s) {
      uint64_t r = below(8);
      c = r == 0 ? '\0' : r == 1 ? '\xff' : static_cast<char>(below(256));
    }
    return s;
  }
  // A value of a random kind: empty, integer, short, long.
  std::string value(size_t long_len = 200) {
    switch (below(6)) {
      case 0:
        return "";
      case 1:
        return std::to_string(static_cast<int64_t>(rng()) >> below(64));
      case 2:
        return std::to_string(below(1000));
      case 3:
        return bytes(long_len / 2 + below(long_len));
      default:
        return bytes(1 + below(12));
    }
  }
  std::string score() {
    switch (below(8)) {
      case 0:
        return "inf";
      case 1:
        return "-inf";
      case 2:
        return "-0";
      case 3:
        return std::to_string(static_cast<int64_t>(below(100)) - 50);
      default: {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng),
                                                            static_cast<int>(below(120)) - 60));
        return buf;
      }
    }
  }
};

struct DatasetStats {
  size_t expiring_soon = 0;  // keys set to expire before the save
};

// Fills databases 0, 5 and 15 of `store` with ~keys_per_db keys each, of
// every type, in both encodings, with TTLs. Keys given an expiry before
// kT0 + 100 are counted in the result (the tests save after that time).
DatasetStats fillRandom(Store& store, uint64_t seed, size_t keys_per_db, bool with_soon_expiring) {
  Gen g(seed);
  DatasetStats stats;
  store.clock().setManualMs(kT0);
  size_t serial = 0;
  for (int db : {0, 5, 15}) {
    if (db == 5) mustRun(store, db, {"SET", "", ""});  // empty key, empty value
    for (size_t k = 0; k < keys_per_db; k++) {
      // Unique binary keys: a serial number, then random bytes.
      std::string key = std::to_string(serial++) + g.bytes(g.below(6));
      if (g.chance(0.01)) key += g.bytes(300);  // long-form entry header
      bool big = g.chance(0.15);
      switch (g.below(5)) {
        case 0: {
          std::string v = g.chance(0.005) ? g.bytes(70'000) : g.value();
          if (g.chance(0.2)) {
            mustRun(store, db, {"SET", key, v, "PXAT", std::to_string(kT0 + 1000 + g.below(1'000'000'000))});
          } else {
            mustRun(store, db, {"SET", key, v});
          }
          break;
        }
        case 1: {
          std::vector<std::string> a{"RPUSH", key};
          size_t n = big ? 500 + g.below(3000) : 1 + g.below(10);
          for (size_t i = 0; i < n; i++) a.push_back(g.value());
          mustRun(store, db, a);
          break;
        }
        case 2: {
          std::vector<std::string> a{"HSET", key};
          size_t n = big ? 129 + g.below(300) : 1 + g.below(20);
          bool long_value = g.chance(0.1);  // a hashtable by value length
          for (size_t i = 0; i < n; i++) {
            // The long value goes under a field of its own: overwritten,
            // it would leave a hashtable of short values, which a reload
            // makes a listpack (see encodings_follow_the_data_not_the_history).
            bool the_long_one = long_value && i == n / 2;
            a.push_back(the_long_one ? "long-value-field" : g.value(20));
            a.push_back(the_long_one ? g.bytes(65 + g.below(100)) : g.value(20));
          }
          mustRun(store, db, a);
          break;
        }
        case 3: {
          std::vector<std::string> a{"SADD", key};
          bool ints = g.chance(0.6);
          size_t n = big ? 300 + g.below(700) : 1 + g.below(30);
          for (size_t i = 0; i < n; i++) {
            a.push_back(ints ? std::to_string(static_cast<int64_t>(g.rng()) >> g.below(64)) : g.value(20));
          }
          mustRun(store, db, a);
          break;
        }
        default: {
          std::vector<std::string> a{"ZADD", key};
          size_t n = big ? 129 + g.below(400) : 1 + g.below(20);
          bool long_member = g.chance(0.1);  // a skiplist by member length
          for (size_t i = 0; i < n; i++) {
            a.push_back(g.score());
            a.push_back(long_member && i == 0 ? g.bytes(80) : g.value(20));
          }
          mustRun(store, db, a);
          break;
        }
      }
      if (g.chance(0.15)) {
        mustRun(store, db, {"PEXPIREAT", key, std::to_string(kT0 + 1000 + g.below(1'000'000'000))});
      } else if (with_soon_expiring && g.chance(0.05)) {
        mustRun(store, db, {"PEXPIREAT", key, std::to_string(kT0 + 50)});
        stats.expiring_soon++;
      }
    }
  }
  return stats;
}

// A byte image written by hand: pieces, then the end marker and checksum.
struct ImageBuilder {
  std::string bytes;
  explicit ImageBuilder(std::string raw) : bytes(std::move(raw)) {}
  ImageBuilder() {
    bytes.append(kSnapshotMagic, sizeof kSnapshotMagic);
    bytes.append("\x01\x00\x00\x00", 4);
  }
  ImageBuilder& byte(uint8_t b) {
    bytes.push_back(static_cast<char>(b));
    return *this;
  }
  ImageBuilder& varint(uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<uint8_t>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    return byte(static_cast<uint8_t>(v));
  }
  ImageBuilder& str(ByteView s) {
    varint(s.size());
    bytes.append(s);
    return *this;
  }
  ImageBuilder& u64(uint64_t v) {
    for (int i = 0; i < 8; i++) byte(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  std::string finish() {
    byte(kSnapshotOpEnd);
    uint64_t crc = crc64(0, bytes);
    u64(crc);
    return bytes;
  }
};

// Per value type, the bytes the loaded values hold minus the original's
// (entry plus collection object and contents).
std::map<int, int64_t> diffByType(Store& original, Store& loaded) {
  std::map<int, int64_t> diff;
  auto bytesOf = [](const Entry* e) {
    return static_cast<int64_t>(e->allocatedBytes() + (e->hasCollectionObject() ? e->collection()->allocatedBytes() : 0));
  };
  for (int i = 0; i < Store::kDatabases; i++) {
    original.db(i).forEach([&](Entry* e) {
      const Entry* twin = loaded.db(i).peek(e->key());
      if (twin) diff[static_cast<int>(e->type())] += bytesOf(twin) - bytesOf(e);
    });
  }
  return diff;
}

}  // namespace

// ---------------------------------------------------------------------------
// CRC-64

TEST(crc64_known_answer_and_incremental) {
  CHECK_EQ(crc64(0, ByteView("123456789")), uint64_t{0xe9c6d914c4b8d9caull});  // Redis's crc64 test vector
  CHECK_EQ(crc64(0, ByteView("")), uint64_t{0});
  std::string data;
  for (int i = 0; i < 1000; i++) data.push_back(static_cast<char>(i * 31 + 7));
  const uint64_t whole = crc64(0, data);
  for (size_t cut : {0, 1, 7, 8, 9, 500, 999, 1000}) {
    CHECK_EQ(crc64(crc64(0, ByteView(data).substr(0, cut)), ByteView(data).substr(cut)), whole);
  }
  // Byte-at-a-time reference (the classic reflected algorithm).
  uint64_t ref = 0;
  for (unsigned char c : data) {
    ref ^= c;
    for (int k = 0; k < 8; k++) ref = (ref & 1) ? (ref >> 1) ^ 0x95ac9329ac4bc9b5ull : ref >> 1;
  }
  CHECK_EQ(whole, ref);
}

// ---------------------------------------------------------------------------
// Format

TEST(empty_store_is_header_end_marker_and_checksum) {
  Store store;
  std::string image = save(store);
  REQUIRE_EQ(image.size(), size_t{21});
  CHECK_EQ(image.substr(0, 8), std::string("EMBERSNP"));
  CHECK_EQ(image.substr(8, 4), std::string("\x01\x00\x00\x00", 4));
  CHECK_EQ(static_cast<uint8_t>(image[12]), kSnapshotOpEnd);
  CHECK_EQ(image, ImageBuilder().finish());
  Store target;
  SnapshotLoadResult r = loadSnapshot(image, target);
  CHECK(r.ok);
  CHECK_EQ(r.keys_loaded, uint64_t{0});
}

TEST(the_documented_layout_of_one_key_of_each_kind) {
  Store store;
  store.clock().setManualMs(kT0);
  mustRun(store, 2, {"SET", std::string("k\0", 2), "12", "PXAT", std::to_string(kT0 + 5000)});
  std::string image = save(store);
  std::string expected = ImageBuilder()
                             .byte(0xFE)
                             .varint(2)
                             .varint(1)
                             .byte(0x80 | 0)
                             .str(std::string("k\0", 2))
                             .u64(static_cast<uint64_t>(kT0 + 5000))
                             .str("12")
                             .finish();
  CHECK_EQ(image, expected);

  Store z;
  mustRun(z, 0, {"ZADD", "z", "1.5", "m"});
  mustRun(z, 0, {"RPUSH", "l", "a", "7"});
  std::string zi = save(z);
  double s = 1.5;
  uint64_t bits;
  std::memcpy(&bits, &s, 8);
  // Order of keys inside a section is the table's; check each record is
  // present as documented.
  std::string zrec = ImageBuilder().byte(3).str("z").varint(1).str("m").u64(bits).bytes.substr(12);
  std::string lrec = ImageBuilder().byte(1).str("l").varint(2).str("a").str("7").bytes.substr(12);
  CHECK(zi.find(zrec) != std::string::npos);
  CHECK(zi.find(lrec) != std::string::npos);
}

// ---------------------------------------------------------------------------
// Round trips

TEST(random_datasets_round_trip_exactly) {
  for (uint64_t seed : {1, 2, 3, 4, 5, 6}) {
    Store original;
    DatasetStats stats = fillRandom(original, seed, kSanitized ? 120 : 400, true);
    original.clock().setManualMs(kT0 + 100);  // the "soon" keys are now expired, still in the tables
    const StoreImage before = imageOf(original);
    const size_t present = totalKeys(original);
    std::string image = save(original);

    Store loaded;
    loaded.clock().setManualMs(kT0 + 100);
    SnapshotLoadResult r = loadSnapshot(image, loaded);
    REQUIRE(r.ok);
    CHECK_EQ(r.keys_expired, uint64_t{0});
    CHECK_EQ(r.keys_loaded + stats.expiring_soon, uint64_t{present});
    CHECK_EQ(totalKeys(loaded), present - stats.expiring_soon);
    const StoreImage after = imageOf(loaded);
    for (int i = 0; i < Store::kDatabases; i++) {
      const DbImage& a = before[static_cast<size_t>(i)];
      const DbImage& b = after[static_cast<size_t>(i)];
      CHECK_EQ(a.size(), b.size());
      CHECK_EQ(loaded.db(i).size(), b.size());  // DBSIZE
      for (const auto& [key, desc] : a) {
        auto it = b.find(key);
        if (it == b.end()) {
          CHECK_EQ(check::quoteBytes(key), std::string("(present after load)"));
          continue;
        }
        CHECK_EQ(it->second, desc);
      }
    }
    // Saving the loaded store gives an image of the same size (key order
    // inside a section may differ; hashtable member order too).
    CHECK_EQ(save(loaded).size(), image.size());
  }
}

TEST(every_encoding_appears_in_the_random_datasets) {
  Store store;
  fillRandom(store, 1, 400, false);
  std::map<std::string, size_t> seen;
  for (int i = 0; i < Store::kDatabases; i++) {
    store.db(i).forEach([&](Entry* e) {
      seen[std::to_string(static_cast<int>(e->type())) + ":" + std::string(e->encodingName())]++;
    });
  }
  for (const char* want : {"0:int", "0:embstr", "0:raw", "1:quicklist", "2:intset", "2:hashtable", "3:listpack",
                           "3:skiplist", "4:listpack", "4:hashtable"}) {
    CHECK(seen[want] > 0);
  }
}

TEST(memory_after_load_matches_the_original) {
  for (uint64_t seed : {11, 12, 13}) {
    Store original;
    fillRandom(original, seed, kSanitized ? 100 : 300, false);
    std::string image = save(original);
    Store loaded;
    loaded.clock().setManualMs(kT0);
    REQUIRE(loadSnapshot(image, loaded).ok);
    std::map<int, int64_t> diff = diffByType(original, loaded);
    std::printf("  seed %" PRIu64 ": used_memory original %" PRId64 ", loaded %" PRId64
                " (diff by type: string %" PRId64 ", list %" PRId64 ", set %" PRId64 ", zset %" PRId64
                ", hash %" PRId64 ")\n",
                seed, original.memory().used, loaded.memory().used, diff[0], diff[1], diff[2], diff[3], diff[4]);
    // Not exact (see snapshot.h and the report): a few bytes per large
    // collection move with glibc's in-place realloc slack and the order
    // of table inserts. Bounded here at 0.5% of used_memory.
    const int64_t total = loaded.memory().used - original.memory().used;
    CHECK(std::llabs(total) * 200 < original.memory().used);
  }
}

TEST(memory_after_load_for_data_built_in_load_order) {
  // Values built as the loader builds them (whole SETs, RPUSH in order,
  // HSET/SADD/ZADD of distinct elements, TTLs given at creation) make the
  // same allocation requests on load. used_memory counts usable sizes, and
  // glibc hands out a chunk up to ~16 bytes larger than a request when
  // splitting the rest off would leave too small a piece, which depends on
  // the heap's state (a single-key store reloads exactly; see also
  // snapshot.h). So: equal within 16 bytes per key.
  Store original;
  original.clock().setManualMs(kT0);
  for (int i = 0; i < 200; i++) {
    const std::string k = "k" + std::to_string(i);
    mustRun(original, 0, {"SET", "s" + k, std::string(static_cast<size_t>(i), 'v'), "PXAT", std::to_string(kT0 + 9999)});
    mustRun(original, 0, {"SET", "i" + k, std::to_string(i * 1000)});
    std::vector<std::string> l{"RPUSH", "l" + k}, h{"HSET", "h" + k}, st{"SADD", "t" + k}, z{"ZADD", "z" + k};
    for (int j = 0; j <= i % 40; j++) {
      l.push_back("item" + std::to_string(j));
      h.push_back("field" + std::to_string(j));
      h.push_back(std::to_string(j));
      st.push_back(std::to_string(j * 3));
      z.push_back(std::to_string(j));
      z.push_back("m" + std::to_string(j));
    }
    for (auto* args : {&l, &h, &st, &z}) mustRun(original, 1, *args);
  }
  Store loaded;
  loaded.clock().setManualMs(kT0);
  REQUIRE(loadSnapshot(save(original), loaded).ok);
  std::map<int, int64_t> diff = diffByType(original, loaded);
  const int64_t total = loaded.memory().used - original.memory().used;
  std::printf("  1200 keys: used_memory %+" PRId64 " bytes after load (string %+" PRId64 ", list %+" PRId64
              ", set %+" PRId64 ", zset %+" PRId64 ", hash %+" PRId64 ")\n",
              total, diff[0], diff[1], diff[2], diff[3], diff[4]);
  CHECK(std::llabs(total) <= 16 * 1200);
}

TEST(keys_expired_at_save_are_skipped_and_left_in_place) {
  Store store;
  store.clock().setManualMs(kT0);
  mustRun(store, 0, {"SET", "gone", "x", "PXAT", std::to_string(kT0 + 10)});
  mustRun(store, 0, {"SET", "edge", "x", "PXAT", std::to_string(kT0 + 20)});
  mustRun(store, 0, {"SET", "kept", "y"});
  mustRun(store, 3, {"RPUSH", "gone-list", "a"});
  mustRun(store, 3, {"PEXPIREAT", "gone-list", std::to_string(kT0 + 10)});
  store.clock().setManualMs(kT0 + 20);  // "edge" is alive during its expiry ms
  const uint64_t expired_before = store.stats().keyspace.expired_keys;
  std::string image = save(store);
  // The writer expired nothing itself: the keys are still in the tables.
  CHECK_EQ(store.db(0).size(), size_t{3});
  CHECK_EQ(store.db(3).size(), size_t{1});
  CHECK_EQ(store.stats().keyspace.expired_keys, expired_before);
  Store loaded;
  loaded.clock().setManualMs(kT0 + 20);
  SnapshotLoadResult r = loadSnapshot(image, loaded);
  REQUIRE(r.ok);
  CHECK_EQ(r.keys_loaded, uint64_t{2});
  CHECK(loaded.db(0).peek("kept") != nullptr);
  CHECK(loaded.db(0).peek("edge") != nullptr);
  CHECK(loaded.db(0).peek("gone") == nullptr);
  CHECK_EQ(loaded.db(3).size(), size_t{0});  // its section was not even written
  CHECK(image.find("gone") == std::string::npos);
}

TEST(keys_expired_by_load_time_are_dropped) {
  Store store;
  store.clock().setManualMs(kT0);
  mustRun(store, 0, {"SET", "a", "1", "PXAT", std::to_string(kT0 + 1000)});
  mustRun(store, 0, {"HSET", "h", "f", "v"});
  mustRun(store, 0, {"PEXPIREAT", "h", std::to_string(kT0 + 1000)});
  mustRun(store, 0, {"SET", "b", "2", "PXAT", std::to_string(kT0 + 5000)});
  std::string image = save(store);
  Store loaded;
  loaded.clock().setManualMs(kT0 + 2000);
  SnapshotLoadResult r = loadSnapshot(image, loaded);
  REQUIRE(r.ok);
  CHECK_EQ(r.keys_loaded, uint64_t{1});
  CHECK_EQ(r.keys_expired, uint64_t{2});
  CHECK_EQ(loaded.db(0).size(), size_t{1});
  REQUIRE(loaded.db(0).peek("b") != nullptr);
  CHECK_EQ(loaded.db(0).peek("b")->expireAt(), kT0 + 5000);
}

TEST(the_writer_touches_nothing) {
  Store store;
  store.updateConfig([](StoreConfig& c) { c.maxmemory_policy = "allkeys-lfu"; });
  store.clock().setManualMs(kT0);
  mustRun(store, 0, {"SET", "s", "v"});
  mustRun(store, 0, {"HSET", "h", "f", "v"});
  mustRun(store, 0, {"GET", "s"});
  mustRun(store, 0, {"GET", "s"});
  std::map<std::string, uint32_t> clocks;
  store.db(0).forEach([&](Entry* e) { clocks[std::string(e->key())] = e->accessClock(); });
  const KeyspaceStats stats = store.stats().keyspace;
  const int64_t used = store.memory().used;
  store.clock().setManualMs(kT0 + 3'600'000);  // an hour on: a touch would change the clocks
  save(store);
  store.db(0).forEach([&](Entry* e) { CHECK_EQ(e->accessClock(), clocks[std::string(e->key())]); });
  CHECK_EQ(store.stats().keyspace.keyspace_hits, stats.keyspace_hits);
  CHECK_EQ(store.stats().keyspace.keyspace_misses, stats.keyspace_misses);
  CHECK_EQ(store.memory().used, used);
}

TEST(encodings_follow_the_data_not_the_history) {
  // What a reload gives is what inserting the same data gives, as in Redis:
  // a hash converted by a long value since shortened is a listpack again,
  // a set converted by a member since removed is an intset again.
  Store store;
  mustRun(store, 0, {"HSET", "h", "f", std::string(100, 'x')});
  mustRun(store, 0, {"HSET", "h", "f", "short"});
  mustRun(store, 0, {"SADD", "s", "1", "2", "x"});
  mustRun(store, 0, {"SREM", "s", "x"});
  mustRun(store, 0, {"SET", "r", "abc"});
  mustRun(store, 0, {"APPEND", "r", "def"});
  CHECK_EQ(store.db(0).peek("h")->encodingName(), std::string_view("hashtable"));
  CHECK_EQ(store.db(0).peek("s")->encodingName(), std::string_view("hashtable"));
  CHECK_EQ(store.db(0).peek("r")->encodingName(), std::string_view("raw"));
  Store loaded;
  REQUIRE(loadSnapshot(save(store), loaded).ok);
  CHECK_EQ(loaded.db(0).peek("h")->encodingName(), std::string_view("listpack"));
  CHECK_EQ(loaded.db(0).peek("s")->encodingName(), std::string_view("intset"));
  CHECK_EQ(loaded.db(0).peek("r")->encodingName(), std::string_view("embstr"));
}

TEST(the_target_config_decides_the_encodings) {
  Store store;
  mustRun(store, 0, {"HSET", "h", "a", "1", "b", "2", "c", "3"});
  mustRun(store, 0, {"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  mustRun(store, 0, {"SADD", "s", "1", "2", "3"});
  Store loaded;
  loaded.updateConfig([](StoreConfig& c) {
    c.hash_max_listpack_entries = 2;
    c.zset_max_listpack_entries = 2;
    c.set_max_intset_entries = 2;
  });
  REQUIRE(loadSnapshot(save(store), loaded).ok);
  CHECK_EQ(loaded.db(0).peek("h")->encodingName(), std::string_view("hashtable"));
  CHECK_EQ(loaded.db(0).peek("z")->encodingName(), std::string_view("skiplist"));
  CHECK_EQ(loaded.db(0).peek("s")->encodingName(), std::string_view("hashtable"));
}

// ---------------------------------------------------------------------------
// Errors

namespace {

// A small image holding every type, with a TTL and binary bytes.
std::string smallImage() {
  Store store;
  store.clock().setManualMs(kT0);
  mustRun(store, 0, {"SET", std::string("s\0\xff", 3), "v"});
  mustRun(store, 0, {"SET", "n", "-42", "PXAT", std::to_string(kT0 + 100'000)});
  mustRun(store, 1, {"RPUSH", "l", "a", "", "300"});
  mustRun(store, 1, {"HSET", "h", "f", "v", "g", std::string("\0", 1)});
  mustRun(store, 4, {"SADD", "si", "1", "2"});
  mustRun(store, 4, {"SADD", "ss", "x"});
  mustRun(store, 15, {"ZADD", "z", "1", "a", "-inf", "b"});
  return save(store);
}

// Loads `image` into `target` (empty), expecting an error; checks that the
// target is as it was.
SnapshotLoadResult expectFailure(ByteView image, Store& target) {
  const int64_t used = target.memory().used;
  SnapshotLoadResult r = loadSnapshot(image, target);
  CHECK(!r.ok);
  CHECK(!r.error.empty());
  CHECK(r.error.find("offset " + std::to_string(r.error_offset)) != std::string::npos);
  CHECK(r.error_offset <= image.size());
  CHECK_EQ(totalKeys(target), size_t{0});
  CHECK_EQ(target.memory().used, used);
  return r;
}

}  // namespace

TEST(every_truncation_is_an_error_with_an_offset) {
  const std::string image = smallImage();
  Store target;
  target.clock().setManualMs(kT0);
  REQUIRE(loadSnapshot(image, target).ok);  // the whole image loads
  for (int i = 0; i < Store::kDatabases; i++) target.db(i).clear();
  const int64_t empty_used = target.memory().used;
  for (size_t len = 0; len < image.size(); len++) {
    SnapshotLoadResult r = expectFailure(ByteView(image).substr(0, len), target);
    CHECK(r.error.find("truncated") != std::string::npos);
    CHECK(r.error_offset <= len);
  }
  CHECK_EQ(target.memory().used, empty_used);
}

TEST(every_flipped_byte_is_detected) {
  const std::string image = smallImage();
  Store target;
  target.clock().setManualMs(kT0);
  size_t by_checksum = 0;
  for (uint8_t mask : {0xFF, 0x01, 0x80}) {
    for (size_t i = 0; i < image.size(); i++) {
      std::string bad = image;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      SnapshotLoadResult r = expectFailure(bad, target);
      by_checksum += r.error.find("checksum mismatch") != std::string::npos;
    }
  }
  std::printf("  %zu-byte image, 3 masks: %zu flips caught by the checksum, the rest structurally\n", image.size(),
              by_checksum);
}

TEST(extra_bytes_after_the_checksum_are_an_error) {
  std::string image = smallImage() + "x";
  Store target;
  SnapshotLoadResult r = expectFailure(image, target);
  CHECK_EQ(r.error_offset, image.size() - 1);
  CHECK(r.error.find("trailing bytes") != std::string::npos);
}

TEST(specific_errors_name_the_problem_and_offset) {
  Store target;
  auto failWith = [&](const std::string& image, const std::string& text, size_t offset) {
    SnapshotLoadResult r = expectFailure(image, target);
    CHECK_EQ(r.error_offset, offset);
    if (r.error.find(text) == std::string::npos) CHECK_EQ(r.error, text);
  };
  std::string bad_magic = ImageBuilder().finish();
  bad_magic[0] = 'X';
  failWith(bad_magic, "bad magic at offset 0", 0);
  std::string v2 = ImageBuilder().finish();
  v2[8] = 2;
  failWith(v2, "unsupported format version 2 at offset 8", 8);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(1).byte(9).str("k").str("v").finish(),
           "unknown value type 9 at offset 15", 15);
  failWith(ImageBuilder().byte(0x42).finish(), "unknown opcode 66 at offset 12", 12);
  failWith(ImageBuilder().byte(0xFE).varint(16).varint(1).byte(0).str("k").str("v").finish(),
           "database index 16 out of range at offset 13", 13);
  failWith(ImageBuilder().byte(0xFE).varint(3).varint(1).byte(0).str("k").str("v")
               .byte(0xFE).varint(3).varint(1).byte(0).str("j").str("v").finish(),
           "database 3 out of order at offset 21", 21);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(2).byte(0).str("k").str("v").byte(0).str("k").str("w").finish(),
           "duplicate key at offset 21", 21);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(1).byte(2).str("s").varint(2).str("m").str("m").finish(),
           "duplicate set member at offset 21", 21);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(1).byte(4).str("h").varint(2).str("f").str("1").str("f").str("2")
               .finish(),
           "duplicate hash field at offset 23", 23);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(1).byte(3).str("z").varint(2).str("m").u64(0).str("m").u64(0)
               .finish(),
           "duplicate sorted set member at offset 29", 29);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(1).byte(3).str("z").varint(1).str("m").u64(0x7ff8000000000000ull)
               .finish(),
           "invalid score at offset 21: NaN", 21);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(1).byte(1).str("l").varint(0).finish(),
           "invalid count at offset 18", 18);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(0).finish(), "invalid count at offset 14", 14);
  failWith(ImageBuilder().byte(0xFE).varint(0).varint(1).byte(0).str("k").varint(uint64_t{1} << 40).finish(),
           "invalid length at offset 18", 18);
  std::string overlong = ImageBuilder().byte(0xFE).varint(0).varint(1).byte(0).str("k").bytes;
  overlong.append(10, '\x80');
  failWith(ImageBuilder(overlong).finish(), "invalid varint at offset 18", 18);
  std::string flipped = ImageBuilder().byte(0xFE).varint(0).varint(1).byte(0).str("k").str("v").finish();
  flipped[flipped.size() - 1] ^= 1;
  failWith(flipped, "checksum mismatch at offset 21", 21);

  Store busy;
  mustRun(busy, 7, {"SET", "x", "1"});
  SnapshotLoadResult r = loadSnapshot(ImageBuilder().finish(), busy);
  CHECK(!r.ok);
  CHECK(r.error.find("not empty") != std::string::npos);
  CHECK_EQ(busy.db(7).size(), size_t{1});
}

TEST(a_failed_load_after_big_values_leaves_the_store_empty) {
  // The checksum fails only after every key (large collections included,
  // which go to the background freer) is in the store.
  Store store;
  fillRandom(store, 21, 200, false);
  std::string image = save(store);
  image[image.size() - 3] ^= 0x10;
  Store target;
  target.clock().setManualMs(kT0);
  const int64_t used = target.memory().used;
  SnapshotLoadResult r = loadSnapshot(image, target);
  CHECK(!r.ok);
  CHECK(r.error.find("checksum mismatch") != std::string::npos);
  CHECK_EQ(totalKeys(target), size_t{0});
  CHECK_EQ(target.memory().used, used);
}

TEST(a_load_reports_its_progress_every_16_mib) {
  // 40 values of 1 MiB: an image of a little over 40 MiB, so reports at
  // the first record and after 16 and 32 MiB, each at a record's start.
  Store store;
  for (int i = 0; i < 40; i++) mustRun(store, 0, {"SET", "big:" + std::to_string(i), std::string(1 << 20, 'a' + i % 26)});
  const std::string image = save(store);
  Store target;
  std::vector<std::pair<uint64_t, uint64_t>> reports;
  SnapshotLoadResult r = loadSnapshot(image, target, [&](uint64_t done, uint64_t total) { reports.emplace_back(done, total); });
  CHECK(r.ok);
  CHECK_EQ(reports.size(), size_t{3});
  uint64_t previous = 0;
  for (size_t i = 0; i < reports.size(); i++) {
    CHECK_EQ(reports[i].second, uint64_t{image.size()});
    CHECK(reports[i].first >= i * kLoadProgressBytes);
    CHECK(i == 0 || reports[i].first > previous);
    previous = reports[i].first;
  }
  CHECK(reports[0].first < 64);  // the first record, right after the header
}

TEST(a_refusing_sink_stops_the_writer) {
  struct Refusing final : SnapshotSink {
    size_t calls = 0;
    bool write(ByteView) override { return ++calls < 2; }
  };
  Store store;
  for (int i = 0; i < 20000; i++) mustRun(store, 0, {"SET", "key:" + std::to_string(i), std::string(20, 'v')});
  Refusing sink;
  SnapshotWriteResult r = writeSnapshot(store, sink);
  CHECK(!r.ok);
  CHECK(!r.error.empty());
  CHECK_EQ(sink.calls, size_t{2});
  CHECK(r.bytes >= kSnapshotBlockBytes && r.bytes < 2 * kSnapshotBlockBytes);  // the one block accepted
}

// ---------------------------------------------------------------------------
// Timing (printed, never asserted)

TEST(million_key_save_and_load_timing) {
  const size_t n = kSanitized ? 100'000 : 1'000'000;
  Store store;
  store.clock().setManualMs(kT0);
  ReplyBuilder out;
  char key[32], value[32];
  for (size_t i = 0; i < n; i++) {
    std::snprintf(key, sizeof key, "key:%010zu", i);
    std::snprintf(value, sizeof value, "value-%zu-%zu", i, i * 7919);
    ByteView argv[3] = {"SET", key, value};
    if (i % 10 == 0) {
      // Every tenth key a small hash, every 50th with a TTL.
      ByteView h[6] = {"HSET", key, "field1", value, "field2", "42"};
      store.execute(h, out);
    } else {
      store.execute(argv, out);
    }
    if (i % 50 == 0) {
      std::string at = std::to_string(kT0 + 1'000'000 + static_cast<int64_t>(i));
      ByteView e[3] = {"PEXPIREAT", key, at};
      store.execute(e, out);
    }
    out.clear();
  }
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  StringSink sink;
  SnapshotWriteResult w = writeSnapshot(store, sink);
  auto t1 = Clock::now();
  REQUIRE(w.ok);
  Store loaded;
  loaded.clock().setManualMs(kT0);
  SnapshotLoadResult r = loadSnapshot(sink.data, loaded);
  auto t2 = Clock::now();
  REQUIRE(r.ok);
  CHECK_EQ(r.keys_loaded, uint64_t{n});
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("  %zu keys (90%% strings, 10%% 2-field hashes, 2%% with TTL): snapshot %.1f MB, save %.0f ms, "
              "load %.0f ms; used_memory %.1f MB original, %.1f MB loaded (%+" PRId64 " bytes)%s\n",
              n, static_cast<double>(sink.data.size()) / 1e6, ms(t1 - t0), ms(t2 - t1),
              static_cast<double>(store.memory().used) / 1e6, static_cast<double>(loaded.memory().used) / 1e6,
              loaded.memory().used - store.memory().used, kSanitized ? " (sanitizer build)" : "");
}
