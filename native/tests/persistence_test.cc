// Tests of snapshots on disk (core/snapshot_file.h, core/store_persistence.cc,
// commands/persistence.cc): SAVE and loading back, errors that leave
// nothing behind, BGSAVE by fork (point in time, while one runs with or
// without SCHEDULE, failures), save rules on the manual clock, the dirty counter, LASTSAVE,
// INFO persistence and the dir / dbfilename / save parameters. Every test
// works in its own directory under /tmp, removed at the end.
//
// Also prints the time of the fork() call itself at 1M keys (fewer under
// the sanitizers) and checks that the parent keeps executing commands
// while the child writes.
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "run_command.h"
#include "store_image.h"
#include "temp_dir.h"
#include "core/hash_ref.h"
#include "core/list_value.h"
#include "core/numbers.h"
#include "core/reply.h"
#include "core/set_value.h"
#include "core/snapshot.h"
#include "core/snapshot_file.h"
#include "core/store.h"
#include "core/zset_value.h"

using namespace ember;
using namespace ember::test;

namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // a manual clock's start


std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}


void mustOk(Store& store, const std::vector<std::string>& args, int db = 0) {
  CHECK_EQ(call(store, args, db), std::string("+OK"));
}

// One field of INFO persistence.
std::string infoField(Store& store, const std::string& name) {
  std::string info = call(store, {"INFO", "persistence"});
  std::string needle = "\r\n" + name + ":";
  size_t at = info.find(needle);
  if (at == std::string::npos) return "(missing)";
  at += needle.size();
  return info.substr(at, info.find("\r\n", at) - at);
}

// Some data of every type, binary keys and values, TTLs, several dbs.
void fill(Store& store) {
  const std::string bin("k\0\xff\x01", 4);
  mustOk(store, {"SET", "str", "hello"});
  mustOk(store, {"SET", "int", "12345"});
  mustOk(store, {"SET", bin, std::string("v\0\xfe", 3)});
  mustOk(store, {"SET", "ttl", "x", "PX", "100000"});
  CHECK_EQ(call(store, {"RPUSH", "list", "a", "b", "1", std::string(200, 'z')}), std::string(":4"));
  CHECK_EQ(call(store, {"SADD", "iset", "1", "2", "3"}), std::string(":3"));
  CHECK_EQ(call(store, {"SADD", "set", "a", "b"}), std::string(":2"));
  CHECK_EQ(call(store, {"ZADD", "z", "1.5", "a", "-inf", "b"}), std::string(":2"));
  CHECK_EQ(call(store, {"HSET", "h", "f", "v", "g", "w"}), std::string(":2"));
  for (int i = 0; i < 300; i++) call(store, {"ZADD", "bigz", std::to_string(i), "m" + std::to_string(i)});
  for (int i = 0; i < 200; i++) call(store, {"HSET", "bigh", "f" + std::to_string(i), std::to_string(i)});
  mustOk(store, {"SET", "in-db-3", "three"}, 3);
  CHECK_EQ(call(store, {"SADD", "s15", "x"}, 15), std::string(":1"));
}

size_t keyCount(Store& store) {
  size_t n = 0;
  for (int i = 0; i < Store::kDatabases; i++) n += store.db(i).size();
  return n;
}

// Runs cron until no BGSAVE runs (bounded: 120 s).
bool waitForBgsave(Store& store) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (store.bgsaveInProgress()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    store.cron(1'000'000);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void useDir(Store& store, const TempDir& dir) { mustOk(store, {"CONFIG", "SET", "dir", dir.path}); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// ---------------------------------------------------------------------------
// SAVE and loading

TEST(save_then_load_gives_the_same_data) {
  TempDir dir;
  Store a;
  fill(a);
  useDir(a, dir);
  CHECK_EQ(call(a, {"SAVE"}), std::string("+OK"));
  CHECK_EQ(joined(dir.list()), std::string("dump.emb"));  // no temp file left

  Store b;
  useDir(b, dir);
  SnapshotFileLoadResult r = b.loadSnapshotFromDisk();
  REQUIRE(r.ok);
  CHECK(!r.missing);
  CHECK_EQ(r.keys_loaded, static_cast<uint64_t>(keyCount(a)));
  CHECK_EQ(r.keys_expired, uint64_t{0});
  struct stat st;
  REQUIRE(stat(dir.file("dump.emb").c_str(), &st) == 0);
  CHECK_EQ(r.bytes, static_cast<uint64_t>(st.st_size));
  CHECK(r.error.empty());
  CHECK(imageOf(a) == imageOf(b));
  CHECK_EQ(b.dirty(), uint64_t{0});
  CHECK_EQ(infoField(b, "rdb_last_load_keys_loaded"), std::to_string(keyCount(a)));
  CHECK_EQ(infoField(b, "rdb_changes_since_last_save"), std::string("0"));
  CHECK_EQ(call(b, {"GET", "str"}), std::string("hello"));
  CHECK_EQ(call(b, {"GET", "in-db-3"}, 3), std::string("three"));
}

TEST(dbfilename_chooses_the_file_and_save_replaces_it_atomically) {
  TempDir dir;
  Store a;
  useDir(a, dir);
  mustOk(a, {"CONFIG", "SET", "dbfilename", "other.emb"});
  mustOk(a, {"SET", "k", "1"});
  mustOk(a, {"SAVE"});
  mustOk(a, {"SET", "k", "2"});
  mustOk(a, {"SAVE"});
  CHECK_EQ(joined(dir.list()), std::string("other.emb"));
  Store b;
  useDir(b, dir);
  mustOk(b, {"CONFIG", "SET", "dbfilename", "other.emb"});
  REQUIRE(b.loadSnapshotFromDisk().ok);
  CHECK_EQ(call(b, {"GET", "k"}), std::string("2"));
}

TEST(keys_expired_by_load_time_are_counted) {
  TempDir dir;
  Store a;
  a.clock().setManualMs(kT0);
  useDir(a, dir);
  mustOk(a, {"SET", "short", "x", "PX", "1000"});
  mustOk(a, {"SET", "long", "x", "PX", "100000"});
  mustOk(a, {"SAVE"});
  Store b;
  b.clock().setManualMs(kT0 + 5000);
  useDir(b, dir);
  SnapshotFileLoadResult r = b.loadSnapshotFromDisk();
  REQUIRE(r.ok);
  CHECK_EQ(r.keys_loaded, uint64_t{1});
  CHECK_EQ(r.keys_expired, uint64_t{1});
  CHECK_EQ(infoField(b, "rdb_last_load_keys_expired"), std::string("1"));
  CHECK_EQ(infoField(b, "rdb_last_load_keys_loaded"), std::string("1"));
}

TEST(loading_a_missing_file_reports_missing) {
  TempDir dir;
  Store s;
  useDir(s, dir);
  SnapshotFileLoadResult r = s.loadSnapshotFromDisk();
  CHECK(r.ok);
  CHECK(r.missing);
  CHECK_EQ(r.keys_loaded, uint64_t{0});
  CHECK_EQ(keyCount(s), size_t{0});
  CHECK(dir.list().empty());
}

TEST(a_corrupted_file_names_the_file_and_offset) {
  TempDir dir;
  Store a;
  fill(a);
  useDir(a, dir);
  mustOk(a, {"SAVE"});
  const std::string path = dir.file("dump.emb");
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(bytes.size() > 40);
  // A cut file, and one with a flipped byte: both errors, naming the path
  // and an offset; the store stays empty.
  for (int variant = 0; variant < 2; variant++) {
    std::string bad = bytes;
    if (variant == 0) {
      bad.resize(bytes.size() / 2);
    } else {
      bad[20] = static_cast<char>(bad[20] ^ 0x40);
    }
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(bad.data(), static_cast<std::streamsize>(bad.size()));
    }
    Store b;
    useDir(b, dir);
    SnapshotFileLoadResult r = b.loadSnapshotFromDisk();
    CHECK(!r.ok);
    CHECK(!r.missing);
    CHECK(contains(r.error, path));
    CHECK(contains(r.error, "offset " + std::to_string(r.error_offset)));
    CHECK(r.error_offset <= bad.size());
    CHECK_EQ(keyCount(b), size_t{0});
    CHECK_EQ(infoField(b, "rdb_last_load_keys_loaded"), std::string("0"));
  }
}

TEST(loading_into_a_store_with_keys_is_refused) {
  TempDir dir;
  Store a;
  useDir(a, dir);
  mustOk(a, {"SET", "k", "v"});
  mustOk(a, {"SAVE"});
  SnapshotFileLoadResult r = a.loadSnapshotFromDisk();
  CHECK(!r.ok);
  CHECK(contains(r.error, "not empty"));
  CHECK_EQ(call(a, {"GET", "k"}), std::string("v"));
}

TEST(save_into_a_missing_dir_errors_and_leaves_nothing) {
  TempDir dir;
  const std::string sub = dir.file("gone");
  REQUIRE(mkdir(sub.c_str(), 0755) == 0);
  Store s;
  mustOk(s, {"CONFIG", "SET", "dir", sub});
  mustOk(s, {"SET", "k", "v"});
  REQUIRE(rmdir(sub.c_str()) == 0);
  std::string reply = call(s, {"SAVE"});
  CHECK(reply.rfind("-ERR ", 0) == 0);
  CHECK(contains(reply, sub + "/temp-"));
  CHECK(contains(reply, "No such file or directory"));
  CHECK(dir.list().empty());
  CHECK_EQ(s.dirty(), uint64_t{1});  // a failed save changes nothing
  CHECK_EQ(infoField(s, "rdb_last_bgsave_status"), std::string("ok"));
}

TEST(a_failed_rename_keeps_the_target_and_removes_the_temp_file) {
  TempDir dir;
  // The target is a non-empty directory: rename() fails after the temp
  // file was written.
  REQUIRE(mkdir(dir.file("dump.emb").c_str(), 0755) == 0);
  { std::ofstream(dir.file("dump.emb") + "/keep") << "x"; }
  Store s;
  useDir(s, dir);
  mustOk(s, {"SET", "k", "v"});
  std::string reply = call(s, {"SAVE"});
  CHECK(reply.rfind("-ERR Failed renaming ", 0) == 0);
  CHECK(contains(reply, dir.file("dump.emb")));
  CHECK_EQ(joined(dir.list()), std::string("dump.emb"));
  std::ifstream kept(dir.file("dump.emb") + "/keep");
  CHECK(kept.good());
}

// ---------------------------------------------------------------------------
// Dirty counter, LASTSAVE, INFO

TEST(dirty_counts_writes_and_not_reads) {
  TempDir dir;
  Store s;
  s.clock().setManualMs(kT0);
  useDir(s, dir);
  CHECK_EQ(s.dirty(), uint64_t{0});
  mustOk(s, {"SET", "a", "1"});
  CHECK_EQ(s.dirty(), uint64_t{1});
  call(s, {"GET", "a"});
  call(s, {"EXISTS", "a", "b"});
  call(s, {"TTL", "a"});
  call(s, {"DBSIZE"});
  call(s, {"SCAN", "0"});
  CHECK_EQ(s.dirty(), uint64_t{1});
  mustOk(s, {"MSET", "b", "2", "c", "3"});
  CHECK_EQ(s.dirty(), uint64_t{3});
  call(s, {"INCR", "a"});
  call(s, {"DEL", "b"});
  call(s, {"DEL", "nosuch"});
  CHECK_EQ(s.dirty(), uint64_t{5});
  call(s, {"RPUSH", "l", "x"}, 2);
  CHECK_EQ(s.dirty(), uint64_t{6});
  // A key opened for a write and then replaced or given a TTL is noted
  // twice (Keyspace::noteChanged per step): EXPIRE counts 2 (Redis: 1).
  call(s, {"EXPIRE", "a", "10"});
  CHECK_EQ(s.dirty(), uint64_t{8});
  CHECK_EQ(infoField(s, "rdb_changes_since_last_save"), std::string("8"));
  // An expiration is not a change (as Redis).
  s.clock().setManualMs(kT0 + 20'000);
  CHECK_EQ(call(s, {"GET", "a"}), std::string("(nil)"));
  CHECK_EQ(s.dirty(), uint64_t{8});
  mustOk(s, {"SAVE"});
  CHECK_EQ(s.dirty(), uint64_t{0});
  // FLUSHALL counts every key it drops (sync and async).
  mustOk(s, {"FLUSHALL"});
  CHECK_EQ(s.dirty(), uint64_t{2});  // c in db 0, l in db 2
  mustOk(s, {"SET", "x", "1"});
  mustOk(s, {"SET", "y", "1"});
  mustOk(s, {"FLUSHALL", "ASYNC"});
  CHECK_EQ(s.dirty(), uint64_t{6});
  s.lazyFreer().drain();
}

TEST(lastsave_is_the_start_then_the_last_successful_save) {
  TempDir dir;
  Store s;
  const int64_t start = s.startTimeMs() / 1000;
  CHECK_EQ(call(s, {"LASTSAVE"}), ":" + std::to_string(start));
  CHECK_EQ(infoField(s, "rdb_last_save_time"), std::to_string(start));
  s.clock().setManualMs(kT0 + 1234);
  useDir(s, dir);
  mustOk(s, {"SAVE"});
  CHECK_EQ(call(s, {"LASTSAVE"}), ":" + std::to_string(kT0 / 1000 + 1));
  CHECK_EQ(infoField(s, "rdb_last_save_time"), std::to_string(kT0 / 1000 + 1));
  // A failed save does not move it.
  s.clock().setManualMs(kT0 + 60'000);
  mustOk(s, {"CONFIG", "SET", "dbfilename", ""});  // allowed, as Redis; rename onto the directory fails
  CHECK(call(s, {"SAVE"}).rfind("-ERR ", 0) == 0);
  CHECK_EQ(call(s, {"LASTSAVE"}), ":" + std::to_string(kT0 / 1000 + 1));
}

TEST(info_persistence_fields) {
  Store s;
  std::string info = call(s, {"INFO", "persistence"});
  CHECK(info.rfind("# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:0\r\n", 0) == 0);
  const char* fields[] = {"rdb_bgsave_in_progress:0", "rdb_last_bgsave_status:ok", "rdb_last_bgsave_time_sec:-1",
                          "rdb_current_bgsave_time_sec:-1", "rdb_saves:0", "rdb_last_load_keys_expired:0",
                          "rdb_last_load_keys_loaded:0", "aof_enabled:0"};
  size_t last = 0;
  for (const char* f : fields) {
    size_t at = info.find(std::string("\r\n") + f + "\r\n");
    CHECK(at != std::string::npos);
    CHECK(at >= last);  // Redis's order
    last = at;
  }
  // In the default set, between Memory and Stats (Redis's order).
  std::string all = call(s, {"INFO"});
  size_t memory = all.find("# Memory\r\n"), persistence = all.find("# Persistence\r\n"), stats = all.find("# Stats\r\n");
  CHECK(memory < persistence);
  CHECK(persistence < stats);
  CHECK(stats != std::string::npos);
  CHECK(contains(call(s, {"INFO", "all"}), "# Persistence\r\n"));
}

TEST(command_table_rows) {
  Store s;
  CHECK_EQ(call(s, {"COMMAND", "INFO", "save"}), std::string("save :1 +admin +noscript :0 :0 :0 +@admin +@slow +@dangerous   "));
  CHECK_EQ(call(s, {"LASTSAVE", "x"}), std::string("-ERR wrong number of arguments for 'lastsave' command"));
  CHECK_EQ(call(s, {"SAVE", "x"}), std::string("-ERR wrong number of arguments for 'save' command"));
  CHECK_EQ(call(s, {"BGSAVE", "x"}), std::string("-ERR syntax error"));
  CHECK_EQ(call(s, {"BGSAVE", "SCHEDULE", "x"}), std::string("-ERR syntax error"));
}

// ---------------------------------------------------------------------------
// CONFIG: dir, dbfilename, save

TEST(config_dir_dbfilename_save) {
  TempDir dir;
  Store s;
  CHECK_EQ(call(s, {"CONFIG", "GET", "dir"}), std::string("dir ."));
  CHECK_EQ(call(s, {"CONFIG", "GET", "dbfilename"}), std::string("dbfilename dump.emb"));
  CHECK_EQ(call(s, {"CONFIG", "GET", "save"}), std::string("save "));
  useDir(s, dir);
  CHECK_EQ(call(s, {"CONFIG", "GET", "dir"}), "dir " + dir.path);
  // dir: must exist and be a directory (Redis's chdir errors).
  { std::ofstream(dir.file("plain")) << "x"; }
  CHECK_EQ(call(s, {"CONFIG", "SET", "dir", dir.file("plain")}),
           std::string("-ERR CONFIG SET failed (possibly related to argument 'dir') - Not a directory"));
  CHECK_EQ(call(s, {"CONFIG", "SET", "dir", dir.file("nope")}),
           std::string("-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory"));
  CHECK_EQ(call(s, {"CONFIG", "GET", "dir"}), "dir " + dir.path);
  // dbfilename: a file name only.
  CHECK_EQ(call(s, {"CONFIG", "SET", "dbfilename", "a/b"}),
           std::string("-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a "
                       "path, just a filename"));
  CHECK_EQ(call(s, {"CONFIG", "SET", "dbfilename", "a\\b"}).rfind("-ERR CONFIG SET failed", 0), size_t{0});
  mustOk(s, {"CONFIG", "SET", "dbfilename", "x.emb"});
  CHECK_EQ(call(s, {"CONFIG", "GET", "dbfilename"}), std::string("dbfilename x.emb"));
  // save: Redis 7's pairs.
  mustOk(s, {"CONFIG", "SET", "save", "3600 1 300 100 60 10000"});
  CHECK_EQ(call(s, {"CONFIG", "GET", "save"}), std::string("save 3600 1 300 100 60 10000"));
  REQUIRE_EQ(s.config().save_rules.size(), size_t{3});
  CHECK_EQ(s.config().save_rules[1].seconds, int64_t{300});
  CHECK_EQ(s.config().save_rules[1].changes, int64_t{100});
  const std::string invalid = "-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters";
  for (const char* bad : {"1 2 3", "0 1", "10 -1", "10  20", " 10 20", "10 x", "x 10", "10 20 ", "1e3 1"}) {
    CHECK_EQ(call(s, {"CONFIG", "SET", "save", bad}), invalid);
  }
  CHECK_EQ(call(s, {"CONFIG", "GET", "save"}), std::string("save 3600 1 300 100 60 10000"));
  mustOk(s, {"CONFIG", "SET", "save", "10 0"});
  CHECK_EQ(call(s, {"CONFIG", "GET", "save"}), std::string("save 10 0"));
  mustOk(s, {"CONFIG", "SET", "save", "+7 -0"});
  CHECK_EQ(call(s, {"CONFIG", "GET", "save"}), std::string("save 7 0"));
  mustOk(s, {"CONFIG", "SET", "save", ""});
  CHECK_EQ(call(s, {"CONFIG", "GET", "save"}), std::string("save "));
  CHECK(s.config().save_rules.empty());
  // All or nothing with the others.
  CHECK(call(s, {"CONFIG", "SET", "dbfilename", "y.emb", "save", "bad"}).rfind("-ERR", 0) == 0);
  CHECK_EQ(s.config().dbfilename, std::string("x.emb"));
}

// ---------------------------------------------------------------------------
// BGSAVE

TEST(bgsave_is_point_in_time_and_the_parent_keeps_serving) {
  TempDir dir;
  const int n = kSanitized ? 200'000 : 1'000'000;
  Store a;
  useDir(a, dir);
  char key[32], value[32];
  for (int i = 0; i < n; i++) {
    std::snprintf(key, sizeof key, "key:%d", i);
    std::snprintf(value, sizeof value, "value:%d", i);
    ByteView argv[] = {"SET", key, value};
    ReplyBuilder out;
    a.execute(argv, out);
  }
  mustOk(a, {"SET", "before", "old"});
  const uint64_t dirty_at_fork = a.dirty();
  auto t0 = std::chrono::steady_clock::now();
  Store::BgsaveStart started = a.bgsave();
  auto t1 = std::chrono::steady_clock::now();
  REQUIRE(started == Store::BgsaveStart::kStarted);
  std::printf("  fork() for BGSAVE at %d keys: %.2f ms (used_memory %.1f MiB)\n", n,
              std::chrono::duration<double, std::milli>(t1 - t0).count(),
              static_cast<double>(a.memory().used) / (1 << 20));
  // The parent executes commands while the child writes.
  mustOk(a, {"SET", "after", "new"});
  mustOk(a, {"SET", "before", "changed"});
  CHECK_EQ(call(a, {"DEL", "key:0"}), std::string(":1"));
  CHECK(a.bgsaveInProgress());
  CHECK_EQ(infoField(a, "rdb_bgsave_in_progress"), std::string("1"));
  CHECK_EQ(infoField(a, "rdb_current_bgsave_time_sec"), std::string("0"));
  CHECK_EQ(call(a, {"SAVE"}), std::string("-ERR Background save already in progress"));
  CHECK_EQ(call(a, {"BGSAVE"}), std::string("-ERR Background save already in progress"));
  REQUIRE(waitForBgsave(a));
  CHECK_EQ(infoField(a, "rdb_last_bgsave_status"), std::string("ok"));
  CHECK_EQ(infoField(a, "rdb_bgsave_in_progress"), std::string("0"));
  CHECK_EQ(infoField(a, "rdb_current_bgsave_time_sec"), std::string("-1"));
  CHECK(infoField(a, "rdb_last_bgsave_time_sec") != "-1");
  CHECK_EQ(infoField(a, "rdb_saves"), std::string("1"));
  // The writes made during the save stay dirty (SET over an existing key
  // counts 2, see dirty_counts_writes_and_not_reads).
  CHECK(dirty_at_fork > static_cast<uint64_t>(n));
  CHECK_EQ(a.dirty(), uint64_t{4});
  CHECK_EQ(joined(dir.list()), std::string("dump.emb"));

  Store b;
  useDir(b, dir);
  SnapshotFileLoadResult r = b.loadSnapshotFromDisk();
  REQUIRE(r.ok);
  CHECK_EQ(r.keys_loaded, static_cast<uint64_t>(n + 1));
  CHECK_EQ(call(b, {"GET", "before"}), std::string("old"));
  CHECK_EQ(call(b, {"GET", "after"}), std::string("(nil)"));
  CHECK_EQ(call(b, {"GET", "key:0"}), std::string("value:0"));
  CHECK_EQ(call(b, {"GET", "key:" + std::to_string(n - 1)}), "value:" + std::to_string(n - 1));
  std::printf("  loaded %" PRIu64 " keys (%.1f MiB) in %.0f ms\n", r.keys_loaded,
              static_cast<double>(r.bytes) / (1 << 20), static_cast<double>(r.duration_us) / 1000);
}

TEST(bgsave_of_every_type_round_trips) {
  TempDir dir;
  Store a;
  fill(a);
  useDir(a, dir);
  CHECK_EQ(call(a, {"BGSAVE"}), std::string("+Background saving started"));
  REQUIRE(waitForBgsave(a));
  CHECK_EQ(a.dirty(), uint64_t{0});
  Store b;
  useDir(b, dir);
  REQUIRE(b.loadSnapshotFromDisk().ok);
  CHECK(imageOf(a) == imageOf(b));
}

TEST(bgsave_schedule_while_one_runs_is_refused_as_in_redis) {
  TempDir dir;
  Store a;
  useDir(a, dir);
  for (int i = 0; i < 20'000; i++) call(a, {"SET", "k" + std::to_string(i), "v"});
  CHECK_EQ(call(a, {"BGSAVE", "SCHEDULE"}), std::string("+Background saving started"));  // none running: at once
  CHECK_EQ(call(a, {"BGSAVE", "schedule"}), std::string("-ERR Background save already in progress"));
  REQUIRE(waitForBgsave(a));
  CHECK_EQ(infoField(a, "rdb_saves"), std::string("1"));
}

TEST(a_failed_bgsave_is_reported_and_leaves_nothing) {
  TempDir dir;
  const std::string sub = dir.file("gone");
  REQUIRE(mkdir(sub.c_str(), 0755) == 0);
  Store a;
  mustOk(a, {"CONFIG", "SET", "dir", sub});
  mustOk(a, {"SET", "k", "v"});
  REQUIRE(rmdir(sub.c_str()) == 0);
  CHECK_EQ(call(a, {"BGSAVE"}), std::string("+Background saving started"));
  REQUIRE(waitForBgsave(a));
  CHECK_EQ(infoField(a, "rdb_last_bgsave_status"), std::string("err"));
  CHECK(contains(a.persistence().last_bgsave_error, "No such file or directory"));
  CHECK(contains(a.persistence().last_bgsave_error, sub));
  CHECK_EQ(a.dirty(), uint64_t{1});
  CHECK(dir.list().empty());
  // A later successful SAVE sets the status back to ok.
  mustOk(a, {"CONFIG", "SET", "dir", dir.path});
  mustOk(a, {"SAVE"});
  CHECK_EQ(infoField(a, "rdb_last_bgsave_status"), std::string("ok"));
}

TEST(destroying_the_store_stops_a_running_bgsave) {
  TempDir dir;
  int64_t pid;
  {
    Store a;
    useDir(a, dir);
    for (int i = 0; i < 200'000; i++) call(a, {"SET", "k" + std::to_string(i), std::string(50, 'v')});
    CHECK_EQ(call(a, {"BGSAVE"}), std::string("+Background saving started"));
    pid = a.bgsaveChildPid();
    CHECK(pid > 0);
  }
  CHECK(kill(static_cast<pid_t>(pid), 0) != 0);  // reaped
  for (const std::string& name : dir.list()) CHECK(name.rfind("temp-", 0) != 0);
}

// ---------------------------------------------------------------------------
// Save rules

TEST(flushall_stops_a_running_bgsave_and_saves_with_rules) {
  TempDir dir;
  Store s;
  useDir(s, dir);
  for (int i = 0; i < 20'000; i++) mustOk(s, {"SET", "k" + std::to_string(i), "v"});
  CHECK_EQ(call(s, {"BGSAVE"}), std::string("+Background saving started"));
  REQUIRE(s.bgsaveInProgress());
  mustOk(s, {"FLUSHALL"});
  CHECK(!s.bgsaveInProgress());  // Redis's killRDBChild: it would write dropped data
  // No temp file is left. (The child may have finished and renamed its
  // file just before the kill, as in Redis: dump.emb may or may not be
  // there, so only the temp file is checked.)
  for (const std::string& name : dir.list()) CHECK(name.rfind("temp-", 0) != 0);
  // With save rules, FLUSHALL saves the empty data set at once, and the
  // flush still counts as changes (dirty is kept, as Redis).
  mustOk(s, {"SET", "a", "1"});
  mustOk(s, {"SAVE"});
  mustOk(s, {"CONFIG", "SET", "save", "3600 1"});
  mustOk(s, {"SET", "b", "1"});
  const uint64_t before = s.dirty();
  mustOk(s, {"FLUSHALL", "ASYNC"});
  CHECK(s.dirty() > before);
  Store loaded;
  useDir(loaded, dir);
  SnapshotFileLoadResult result = loaded.loadSnapshotFromDisk();
  REQUIRE(result.ok);
  CHECK(!result.missing);
  CHECK_EQ(result.keys_loaded, uint64_t{0});
}

TEST(save_rules_start_a_bgsave_in_cron) {
  TempDir dir;
  Store s;
  s.clock().setManualMs(kT0);
  useDir(s, dir);
  mustOk(s, {"SAVE"});  // lastsave = kT0
  mustOk(s, {"CONFIG", "SET", "save", "100 3 1000 1"});
  mustOk(s, {"SET", "a", "1"});
  mustOk(s, {"SET", "b", "1"});
  s.clock().setManualMs(kT0 + 200'000);
  s.cron(1'000'000);
  CHECK(!s.bgsaveInProgress());  // 2 changes < 3; 200 s < 1000 s
  mustOk(s, {"SET", "c", "1"});
  s.clock().setManualMs(kT0 + 100'000);
  s.cron(1'000'000);
  CHECK(!s.bgsaveInProgress());  // exactly 100 s: Redis wants more
  s.clock().setManualMs(kT0 + 100'001);
  s.cron(1'000'000);
  CHECK(s.bgsaveInProgress());
  REQUIRE(waitForBgsave(s));
  CHECK_EQ(s.dirty(), uint64_t{0});
  CHECK_EQ(call(s, {"LASTSAVE"}), ":" + std::to_string((kT0 + 100'001) / 1000));
  // The second rule: one change and more than 1000 s.
  mustOk(s, {"SET", "d", "1"});
  s.clock().setManualMs(kT0 + 100'001 + 999'000);
  s.cron(1'000'000);
  CHECK(!s.bgsaveInProgress());
  s.clock().setManualMs(kT0 + 100'001 + 1'000'001);
  s.cron(1'000'000);
  CHECK(s.bgsaveInProgress());
  REQUIRE(waitForBgsave(s));
  CHECK_EQ(infoField(s, "rdb_saves"), std::string("3"));
  // No rules: nothing starts.
  mustOk(s, {"CONFIG", "SET", "save", ""});
  mustOk(s, {"SET", "e", "1"});
  s.clock().setManualMs(kT0 + 10'000'000);
  s.cron(1'000'000);
  CHECK(!s.bgsaveInProgress());
}

TEST(after_a_failed_bgsave_rules_retry_after_five_seconds) {
  TempDir dir;
  const std::string sub = dir.file("gone");
  REQUIRE(mkdir(sub.c_str(), 0755) == 0);
  Store s;
  const int64_t base = s.startTimeMs();  // lastsave at startup
  s.clock().setManualMs(base);
  mustOk(s, {"CONFIG", "SET", "dir", sub, "save", "1 1"});
  REQUIRE(rmdir(sub.c_str()) == 0);
  mustOk(s, {"SET", "a", "1"});
  s.clock().setManualMs(base + 2'000);  // well past the startup lastsave
  s.cron(1'000'000);
  REQUIRE(s.bgsaveInProgress());
  // Finish it without cron (cron would be the same tick otherwise).
  s.waitBackgroundSave();
  CHECK_EQ(infoField(s, "rdb_last_bgsave_status"), std::string("err"));
  CHECK_EQ(infoField(s, "rdb_saves"), std::string("1"));
  s.clock().setManualMs(base + 2'000 + 4'999);
  s.cron(1'000'000);
  CHECK(!s.bgsaveInProgress());
  s.clock().setManualMs(base + 2'000 + 5'000);
  s.cron(1'000'000);
  CHECK(s.bgsaveInProgress());
  s.waitBackgroundSave();
  CHECK_EQ(infoField(s, "rdb_saves"), std::string("2"));
  CHECK(dir.list().empty());
}
