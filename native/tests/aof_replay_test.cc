// Tests that the append-only log replays to exactly the data it was written
// from, whatever the time of the replay (core/store_aof.cc, the EFFECTS of
// store.h, and the handlers that log their effect instead of themselves:
// the EXPIRE family, SET/SETEX/PSETEX with an expiry, GETEX, SPOP,
// INCRBYFLOAT, HINCRBYFLOAT).
//
// The main test runs a seeded random workload over every type and write
// command on store A (manual clock advanced between commands, so keys
// expire lazily and in cron; transactions; maxmemory with an eviction
// policy), then loads the log into store B whose clock is a day later and
// compares every entry of every database, expired ones still in the table
// included, with their expiry times. Others: a BGREWRITEAOF in the middle
// of the workload, a replay of a replay, records a later TTL would have
// cut short, and the exact records each handler logs. Every test works in
// its own directory under /tmp, removed at the end.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "check.h"
#include "run_command.h"
#include "store_image.h"
#include "temp_dir.h"
#include "core/aof_record.h"
#include "core/append_log.h"
#include "core/numbers.h"
#include "core/reply.h"
#include "core/store.h"

using namespace ember;
using namespace ember::test;

namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // a manual clock's start
constexpr int64_t kDayMs = 86'400'000;



// A store on the manual clock at `now_ms`, logging into `dir`: loads the
// log there (a new one if there is none) and turns it on.
std::unique_ptr<Store> openStore(const TempDir& dir, int64_t now_ms, Store::AofLoadResult* result = nullptr) {
  auto store = std::make_unique<Store>();
  store->clock().setManualMs(now_ms);
  CHECK_EQ(call(*store, {"CONFIG", "SET", "dir", dir.path}), std::string("+OK"));
  Store::AofLoadResult r = store->loadAppendOnly();
  CHECK(r.ok);
  CHECK_EQ(r.error, std::string());
  CHECK(store->config().appendonly);
  if (result) *result = r;
  return store;
}

// What a replay must rebuild: describe(), less one difference Redis has
// too. INCRBYFLOAT stores its text as embstr even when it is a canonical
// integer ("3"), and is logged as SET ... KEEPTTL, which stores such a
// text int-encoded; the value is the same.
std::string describeReplayed(Entry* e) {
  std::string d = describe(e);
  const std::string embstr = "0|embstr|";
  if (e->isString() && e->encoding() == Encoding::kEmbStr && looksLikeCanonicalInt(e->stringBytes()) &&
      d.compare(0, embstr.size(), embstr) == 0) {
    d.replace(0, embstr.size(), "0|int|");
  }
  return d;
}

// describe() without the encoding (type|expiry|value): a rewrite's base
// is a snapshot, whose loader picks encodings by content, not by history.
std::string describeData(Entry* e) {
  std::string d = describe(e);
  const size_t first = d.find('|');
  const size_t second = d.find('|', first + 1);
  d.erase(first, second - first);
  return d;
}

// The first differences between two images (empty: equal), for messages.
std::string diffImages(const StoreImage& a, const StoreImage& b) {
  std::string out;
  int shown = 0;
  for (size_t db = 0; db < a.size() && db < b.size(); db++) {
    for (const auto& [key, value] : a[db]) {
      auto it = b[db].find(key);
      if (it == b[db].end() || it->second != value) {
        if (shown++ < 5) {
          out += "\n    db " + std::to_string(db) + " key " + check::quoteBytes(key) + ": " + check::quoteBytes(value) +
                 " vs " + (it == b[db].end() ? std::string("(missing)") : check::quoteBytes(it->second));
        }
      }
    }
    for (const auto& [key, value] : b[db]) {
      if (!a[db].count(key) && shown++ < 5) {
        out += "\n    db " + std::to_string(db) + " key " + check::quoteBytes(key) + ": (missing) vs " +
               check::quoteBytes(value);
      }
    }
  }
  if (shown > 5) out += "\n    ... " + std::to_string(shown - 5) + " more";
  return out;
}

size_t keyCount(const StoreImage& image) {
  size_t n = 0;
  for (const DbImage& db : image) n += db.size();
  return n;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

// Every command of every incr file of the log in `dir`, in order, as
// "db:ARG ARG ..." (a record's commands one after another).
std::vector<std::string> loggedCommands(const TempDir& dir) {
  AofPaths paths;
  paths.dir = dir.path;
  std::string error;
  std::optional<AofManifest> manifest = readAofManifest(paths, &error);
  CHECK_EQ(error, std::string());
  std::vector<std::string> out;
  if (!manifest) return out;
  for (const AofFileInfo& f : manifest->files) {
    if (f.base) continue;
    const std::string data = readFile(paths.pathOf(f.name));
    AofScanResult scan = scanAofRecords(data, [&](std::span<const AofCommand> record, size_t) {
      for (const AofCommand& c : record) {
        std::string line = std::to_string(c.db) + ":";
        for (size_t i = 0; i < c.argv.size(); i++) line += (i ? " " : "") + std::string(c.argv[i]);
        out.push_back(line);
      }
      return true;
    });
    CHECK(scan.outcome == AofScanResult::Outcome::kOk);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The random workload

// Seeded random commands over every type and write command, on a few keys
// per type (so that commands meet each other's keys, and now and then a
// key of another type), in a few databases.
class Workload {
 public:
  explicit Workload(uint64_t seed) : rng_(seed) {}

  // FLUSHALL now and then (the only command reaching past db 3).
  bool flushall = true;

  uint64_t below(uint64_t n) { return rng_() % n; }
  bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }
  template <class T>
  T pick(std::initializer_list<T> items) {
    return items.begin()[below(items.size())];
  }

  int db() { return chance(70) ? 0 : static_cast<int>(1 + below(3)); }

  // Milliseconds the clock moves before the next command.
  int64_t step() {
    if (chance(2)) return 5'000 + static_cast<int64_t>(below(20'000));  // a pause: many TTLs pass
    return static_cast<int64_t>(below(400));
  }

  // A key of `type` ('s' string, 'l' list, 'h' hash, 'S' set, 'z' zset),
  // or now and then one of any type.
  std::string key(char type) {
    if (chance(8)) type = pick({'s', 'l', 'h', 'S', 'z'});
    return std::string(1, type) + std::to_string(below(6));
  }
  std::string anyKey() { return key(pick({'s', 'l', 'h', 'S', 'z'})); }

  std::string value() {
    switch (below(8)) {
      case 0:
        return std::to_string(static_cast<int64_t>(below(2000)) - 1000);  // int-encoded
      case 1:
        return pick<std::string>({"1.5", "-0.25", "3", "1e2", "0.1"});
      case 2:
        return std::string(30 + below(400), static_cast<char>('a' + below(26)));  // raw
      case 3:
        return std::string("b\0\xff", 3) + std::to_string(below(10));  // binary
      default:
        return "v" + std::to_string(below(50));
    }
  }
  std::string member() {
    if (chance(50)) return std::to_string(below(25));  // intsets
    if (chance(5)) return std::string(70, static_cast<char>('a' + below(3)));  // past listpack values
    return "m" + std::to_string(below(25));
  }
  std::string score() {
    if (chance(5)) return pick<std::string>({"-inf", "+inf"});
    if (chance(30)) return std::to_string(static_cast<int>(below(20)) - 5) + ".5";
    return std::to_string(static_cast<int>(below(20)) - 5);
  }
  std::string floatIncrement() { return pick<std::string>({"0.1", "1.5", "-2.25", "3", "1e3", "-0.5", "10.125"}); }
  std::string count() { return std::to_string(below(5)); }
  std::string index() { return std::to_string(static_cast<int>(below(10)) - 5); }
  std::string seconds() { return std::to_string(1 + below(20)); }
  std::string millis() { return std::to_string(100 + below(20'000)); }
  // Absolute times around `now`, some already past.
  std::string absMillis(int64_t now) { return std::to_string(now - 5'000 + static_cast<int64_t>(below(25'000))); }
  std::string absSeconds(int64_t now) { return std::to_string(now / 1000 - 5 + static_cast<int64_t>(below(25))); }
  std::string end() { return pick<std::string>({"LEFT", "RIGHT"}); }

  // One command to run at `now`.
  std::vector<std::string> next(int64_t now) {
    switch (below(6)) {
      case 0:
        return stringCommand(now);
      case 1:
        return keyCommand(now);
      case 2:
        return listCommand();
      case 3:
        return hashCommand();
      case 4:
        return setCommand();
      default:
        return zsetCommand();
    }
  }

 private:
  // SET's and GETEX's options: one of EX / PX / EXAT / PXAT with a time,
  // `other` (KEEPTTL, PERSIST), or none.
  void addExpiryOption(std::vector<std::string>& c, int64_t now, const char* other) {
    switch (below(6)) {
      case 0:
        c.insert(c.end(), {"EX", seconds()});
        break;
      case 1:
        c.insert(c.end(), {"PX", millis()});
        break;
      case 2:
        c.insert(c.end(), {"EXAT", absSeconds(now)});
        break;
      case 3:
        c.insert(c.end(), {"PXAT", absMillis(now)});
        break;
      case 4:
        c.push_back(other);
        break;
      default:
        break;
    }
  }

  std::vector<std::string> stringCommand(int64_t now) {
    const std::string k = key('s');
    switch (below(20)) {
      case 0:
      case 1: {
        std::vector<std::string> c = {"SET", k, value()};
        addExpiryOption(c, now, "KEEPTTL");
        if (chance(25)) c.push_back(pick<std::string>({"NX", "XX"}));
        if (chance(20)) c.push_back("GET");
        return c;
      }
      case 2:
        return {"SETNX", k, value()};
      case 3:
        return {"SETEX", k, seconds(), value()};
      case 4:
        return {"PSETEX", k, millis(), value()};
      case 5:
        return {"GETSET", k, value()};
      case 6:
        return {"GETDEL", k};
      case 7: {
        std::vector<std::string> c = {"GETEX", k};
        addExpiryOption(c, now, "PERSIST");
        return c;
      }
      case 8:
        return {"MSET", k, value(), key('s'), value()};
      case 9:
        return {"MSETNX", k, value(), key('s'), value()};
      case 10:
        return {"APPEND", k, value()};
      case 11:
        return {"SETRANGE", k, std::to_string(below(40)), value()};
      case 12:
        return {"INCR", k};
      case 13:
        return {"DECRBY", k, std::to_string(below(100))};
      case 14:
        return {"INCRBY", k, std::to_string(static_cast<int>(below(100)) - 50)};
      case 15:
      case 16:
        return {"INCRBYFLOAT", k, floatIncrement()};
      default:
        return {"GET", k};  // a read: expires the key lazily
    }
  }

  std::vector<std::string> keyCommand(int64_t now) {
    const std::string k = anyKey();
    switch (below(16)) {
      case 0:
        return {"DEL", k, anyKey()};
      case 1:
        return {"UNLINK", k};
      case 2:
      case 3: {
        std::vector<std::string> c;
        switch (below(4)) {
          case 0:
            c = {"EXPIRE", k, chance(10) ? "-1" : seconds()};
            break;
          case 1:
            c = {"PEXPIRE", k, chance(10) ? "0" : millis()};
            break;
          case 2:
            c = {"EXPIREAT", k, absSeconds(now)};
            break;
          default:
            c = {"PEXPIREAT", k, absMillis(now)};
            break;
        }
        if (chance(40)) c.push_back(pick<std::string>({"NX", "XX", "GT", "LT"}));
        return c;
      }
      case 4:
        return {"PERSIST", k};
      case 5:
        return {"RENAME", k, anyKey()};
      case 6:
        return {"RENAMENX", k, anyKey()};
      case 7: {
        std::vector<std::string> c = {"COPY", k, anyKey()};
        if (chance(40)) c.insert(c.end(), {"DB", std::to_string(below(4))});
        if (chance(50)) c.push_back("REPLACE");
        return c;
      }
      case 8:
        return {"EXISTS", k};
      case 9:
        return {"TTL", k};
      case 10:
        return {"TYPE", k};
      case 11:
        return {"RANDOMKEY"};
      case 12:
        if (chance(15)) return {"FLUSHDB", pick<std::string>({"SYNC", "ASYNC"})};
        return {"PTTL", k};
      case 13:
        if (flushall && chance(5)) return {"FLUSHALL"};
        return {"TOUCH", k};
      default:
        return {"PEXPIREAT", k, absMillis(now)};
    }
  }

  std::vector<std::string> listCommand() {
    const std::string k = key('l');
    switch (below(22)) {
      case 0:
      case 1:
        return {"LPUSH", k, value(), value()};
      case 2:
      case 3:
        return {"RPUSH", k, value()};
      case 4:
        return {"LPUSHX", k, value()};
      case 5:
        return {"RPUSHX", k, value()};
      case 6:
        return chance(50) ? std::vector<std::string>{"LPOP", k} : std::vector<std::string>{"LPOP", k, count()};
      case 7:
        return {"RPOP", k};
      case 8:
        return {"LSET", k, index(), value()};
      case 9:
        return {"LINSERT", k, pick<std::string>({"BEFORE", "AFTER"}), value(), value()};
      case 10:
        return {"LREM", k, index(), value()};
      case 11:
        return {"LTRIM", k, index(), index()};
      case 12:
        return {"LMOVE", k, key('l'), end(), end()};
      case 13:
        return {"RPOPLPUSH", k, key('l')};
      case 14:
        return {"LMPOP", "2", k, key('l'), end(), "COUNT", std::to_string(1 + below(3))};
      case 15:
        return {"BLPOP", k, key('l'), "0"};
      case 16:
        return {"BRPOP", k, "0.5"};
      case 17:
        return {"BLMOVE", k, key('l'), end(), end(), "0"};
      case 18:
        return {"BLMPOP", "0", "1", k, end()};
      default:
        return {"LRANGE", k, "0", "-1"};
    }
  }

  std::vector<std::string> hashCommand() {
    const std::string k = key('h');
    switch (below(12)) {
      case 0:
      case 1:
        return {"HSET", k, member(), value(), member(), value()};
      case 2:
        return {"HMSET", k, member(), value()};
      case 3:
        return {"HSETNX", k, member(), value()};
      case 4:
      case 5:
        return {"HDEL", k, member(), member()};
      case 6:
        return {"HINCRBY", k, member(), std::to_string(static_cast<int>(below(20)) - 10)};
      case 7:
      case 8:
        return {"HINCRBYFLOAT", k, member(), floatIncrement()};
      case 9:
        // Past the listpack limit now and then.
        if (chance(20)) {
          std::vector<std::string> c = {"HSET", k};
          for (int i = 0; i < 140; i++) c.insert(c.end(), {"f" + std::to_string(i), "x"});
          return c;
        }
        return {"HGETALL", k};
      default:
        return {"HGET", k, member()};
    }
  }

  std::vector<std::string> setCommand() {
    const std::string k = key('S');
    switch (below(14)) {
      case 0:
      case 1:
      case 2:
        return {"SADD", k, member(), member(), member()};
      case 3:
        return {"SREM", k, member()};
      case 4:
        return {"SMOVE", k, key('S'), member()};
      case 5:
      case 6:
        return {"SPOP", k};
      case 7:
      case 8:
        return {"SPOP", k, count()};
      case 9:
        return {"SINTERSTORE", k, key('S'), key('S')};
      case 10:
        return {"SUNIONSTORE", k, key('S'), key('S')};
      case 11:
        return {"SDIFFSTORE", k, key('S'), key('S')};
      default:
        return {"SMEMBERS", k};
    }
  }

  std::vector<std::string> zsetCommand() {
    const std::string k = key('z');
    switch (below(18)) {
      case 0:
      case 1:
      case 2: {
        std::vector<std::string> c = {"ZADD", k};
        if (chance(30)) c.push_back(pick<std::string>({"NX", "XX", "GT", "LT", "CH"}));
        c.insert(c.end(), {score(), member(), score(), member()});
        return c;
      }
      case 3:
        return {"ZINCRBY", k, score(), member()};
      case 4:
        return {"ZREM", k, member()};
      case 5:
        return {"ZREMRANGEBYRANK", k, index(), index()};
      case 6:
        return {"ZREMRANGEBYSCORE", k, score(), score()};
      case 7:
        return {"ZREMRANGEBYLEX", k, "[m1", "(m5"};
      case 8:
        return {"ZPOPMIN", k, count()};
      case 9:
        return {"ZPOPMAX", k};
      case 10:
        return {"ZRANGESTORE", k, key('z'), "0", index()};
      case 11:
        return {"ZUNIONSTORE", k, "2", key('z'), key('S'), "WEIGHTS", "2", "0.5", "AGGREGATE",
                pick<std::string>({"SUM", "MIN", "MAX"})};
      case 12:
        return {"ZINTERSTORE", k, "2", key('z'), key('z')};
      case 13:
        return {"ZDIFFSTORE", k, "2", key('z'), key('z')};
      case 14:
        return {"ZMPOP", "1", k, pick<std::string>({"MIN", "MAX"}), "COUNT", "2"};
      case 15:
        return {"BZPOPMIN", k, key('z'), "0"};
      case 16:
        return {"BZMPOP", "0.1", "1", k, "MAX"};
      default:
        return {"ZRANGE", k, "0", "-1", "WITHSCORES"};
    }
  }

  std::mt19937_64 rng_;
};

// What a run did, summed over seeds (so that the tests can check they
// exercised expiry and eviction at all).
struct RunStats {
  uint64_t commands = 0;
  uint64_t expired = 0;
  uint64_t evicted = 0;
  uint64_t transactions = 0;
};

void runCommand(Store& store, const std::vector<std::string>& args, int db) { call(store, args, db); }

// Runs `n` commands of `w` on `store`, advancing its manual clock from
// `*now`: some in transactions (one record), cron now and then.
void runWorkload(Store& store, Workload& w, int64_t* now, int n, RunStats& stats) {
  for (int i = 0; i < n;) {
    *now += w.step();
    store.clock().setManualMs(*now);
    if (w.chance(3)) {
      store.cron(10'000'000);  // active expiry, evictions, pending writes
      continue;
    }
    if (w.chance(5)) {
      // A transaction, as WireExecutor::executeTransaction runs it.
      Store::EffectsScope effects(store);
      const int db = w.db();
      const int k = 2 + static_cast<int>(w.below(4));
      for (int j = 0; j < k; j++, i++) runCommand(store, w.next(*now), db);
      stats.transactions++;
      continue;
    }
    runCommand(store, w.next(*now), w.db());
    store.takeBlockRequest();
    i++;
  }
  stats.commands += static_cast<uint64_t>(n);
}

// maxmemory and a policy for `seed` (none for every third seed), set once
// the log is on: the limit is a little above what the store uses then, so
// the workload's data keeps pushing it over.
void limitMemory(Store& store, uint64_t seed) {
  static const char* const kPolicies[] = {"allkeys-lru", "allkeys-lfu",  "allkeys-random", "volatile-ttl",
                                          "volatile-lru", "volatile-lfu", "volatile-random"};
  if (seed % 3 == 0) return;
  const std::string limit = std::to_string(store.memory().used + 12 * 1024);
  CHECK_EQ(call(store, {"CONFIG", "SET", "maxmemory-policy", kPolicies[seed % 7]}), std::string("+OK"));
  CHECK_EQ(call(store, {"CONFIG", "SET", "maxmemory", limit}), std::string("+OK"));
}

void addStats(Store& store, RunStats& stats) {
  stats.expired += store.stats().keyspace.expired_keys;
  stats.evicted += store.stats().evicted_keys;
}

constexpr int kSeeds = 20;
constexpr int kCommandsPerSeed = 3000;

}  // namespace

// ---------------------------------------------------------------------------
// The random workload, replayed a day later

TEST(random_workloads_replay_exactly_a_day_later) {
  RunStats stats;
  size_t keys_compared = 0, expired_in_table = 0;
  std::map<std::string, size_t> logged;  // command name -> times in the logs
  for (uint64_t seed = 1; seed <= kSeeds; seed++) {
    TempDir dir;
    int64_t now = kT0;
    StoreImage expected;
    {
      std::unique_ptr<Store> a = openStore(dir, now);
      limitMemory(*a, seed);
      a->allowBlocking(seed % 2 == 0);  // a blocking command then records a wait: no change
      Workload w(seed);
      runWorkload(*a, w, &now, kCommandsPerSeed, stats);
      REQUIRE(a->appendLog().syncNow());
      addStats(*a, stats);
      expected = tableImageOf(*a, describeReplayed);
      for (int i = 0; i < Store::kDatabases; i++) {
        a->db(i).forEach([&](Entry* e) { expired_in_table += e->isExpiredAt(now); });
      }
    }
    for (const std::string& c : loggedCommands(dir)) logged[c.substr(c.find(':') + 1, c.find(' ') - c.find(':') - 1)]++;
    Store::AofLoadResult loaded;
    std::unique_ptr<Store> b = openStore(dir, now + kDayMs, &loaded);
    CHECK(loaded.existed);
    CHECK(loaded.warning.empty());
    const StoreImage replayed = tableImageOf(*b, describeReplayed);
    CHECK_EQ(diffImages(expected, replayed), std::string());
    if (expected != replayed) std::fprintf(stderr, "  (seed %d)\n", static_cast<int>(seed));
    keys_compared += keyCount(expected);
  }
  std::printf("  %d seeds, %llu commands (%llu transactions), %zu keys compared (%zu expired still in the table); "
              "%llu keys expired, %llu evicted\n",
              kSeeds, static_cast<unsigned long long>(stats.commands),
              static_cast<unsigned long long>(stats.transactions), keys_compared, expired_in_table,
              static_cast<unsigned long long>(stats.expired), static_cast<unsigned long long>(stats.evicted));
  // Nothing that depends on the time or on chance is logged as itself...
  for (const char* name : {"EXPIRE", "PEXPIRE", "EXPIREAT", "SETEX", "PSETEX", "GETEX", "SPOP", "INCRBYFLOAT",
                           "HINCRBYFLOAT"}) {
    CHECK_EQ(name + std::string(" ") + std::to_string(logged[name]), name + std::string(" 0"));
  }
  // ... but as its effect, and the workload exercised each of them.
  for (const char* name : {"PEXPIREAT", "SET", "SREM", "DEL", "PERSIST", "HSET", "BLPOP", "BLMOVE", "BZPOPMIN",
                           "FLUSHDB", "FLUSHALL", "COPY", "RENAME", "ZUNIONSTORE", "LMPOP"}) {
    CHECK(logged[name] > 0);
  }
  // The workload must have exercised what it is for.
  CHECK(keys_compared > 100);
  CHECK(expired_in_table > 0);
  CHECK(stats.expired > 100);
  CHECK(stats.evicted > 100);
  CHECK(stats.transactions > 100);
}

// ---------------------------------------------------------------------------
// A rewrite in the middle of the workload

TEST(a_rewrite_in_the_middle_loses_nothing_written_during_it) {
  RunStats stats;
  size_t expired_left_out = 0;
  const int seeds = 6;
  for (uint64_t seed = 101; seed < 101 + seeds; seed++) {
    TempDir dir;
    int64_t now = kT0;
    StoreImage expected;
    // Keys already expired when the rewrite started, as they stood then:
    // the base leaves them out (as Redis's rewrite does; nothing can read
    // them, and a lookup deletes them), so B lacks those A still has.
    std::map<std::pair<int, std::string>, std::string> expired_at_rewrite;
    {
      std::unique_ptr<Store> a = openStore(dir, now);
      limitMemory(*a, seed);
      // No active expiry here (the test above has it): keys expired at the
      // rewrite then stay in A's table, and B must lack exactly those.
      a->updateConfig([](StoreConfig& c) { c.active_expire_enabled = false; });
      CHECK_EQ(call(*a, {"SET", "soon", "v", "PX", "1000"}, 15), std::string("+OK"));
      CHECK_EQ(call(*a, {"SADD", "soon-set", "a"}, 15), std::string(":1"));
      CHECK_EQ(call(*a, {"EXPIRE", "soon-set", "2"}, 15), std::string(":1"));
      Workload w(seed);
      w.flushall = false;  // keeps db 15's keys
      runWorkload(*a, w, &now, kCommandsPerSeed / 2, stats);
      {
        // Time passes, so that keys expire without being reclaimed. Then
        // BGREWRITEAOF inside a transaction, between writes: the record
        // open when it starts goes to the old incr file (the base holds
        // its effects), the rest to the new one.
        now += 30'000;
        a->clock().setManualMs(now);
        Store::EffectsScope effects(*a);
        for (int i = 0; i < 3; i++) runCommand(*a, w.next(now), 0);
        for (int i = 0; i < Store::kDatabases; i++) {
          a->db(i).forEach([&](Entry* e) {
            if (e->isExpiredAt(now)) expired_at_rewrite[{i, std::string(e->key())}] = describeData(e);
          });
        }
        CHECK_EQ(call(*a, {"BGREWRITEAOF"}), std::string("+Background append only file rewriting started"));
        CHECK(a->rewriteInProgress());
        for (int i = 0; i < 3; i++) runCommand(*a, w.next(now), 0);
      }
      // Written while the child writes the base.
      runWorkload(*a, w, &now, kCommandsPerSeed / 4, stats);
      a->waitRewrite();
      CHECK(a->aofState().last_rewrite_ok);
      CHECK_EQ(a->aofState().last_rewrite_error, std::string());
      runWorkload(*a, w, &now, kCommandsPerSeed / 4, stats);
      REQUIRE(a->appendLog().syncNow());
      addStats(*a, stats);
      expected = tableImageOf(*a, describeData);
    }
    std::unique_ptr<Store> b = openStore(dir, now + kDayMs);
    const StoreImage replayed = tableImageOf(*b, describeData);
    size_t left_out = 0;
    for (size_t i = 0; i < expected.size(); i++) {
      for (auto it = expected[i].begin(); it != expected[i].end();) {
        auto was = expired_at_rewrite.find({static_cast<int>(i), it->first});
        // Left out only if it is that very entry, untouched since.
        if (!replayed[i].count(it->first) && was != expired_at_rewrite.end() && was->second == it->second) {
          it = expected[i].erase(it);
          left_out++;
        } else {
          ++it;
        }
      }
    }
    expired_left_out += left_out;
    CHECK_EQ(diffImages(expected, replayed), std::string());
    if (expected != replayed) std::fprintf(stderr, "  (seed %d)\n", static_cast<int>(seed));
    // The log is [new base, new incr] now.
    AofPaths paths;
    paths.dir = dir.path;
    std::string error;
    std::optional<AofManifest> manifest = readAofManifest(paths, &error);
    REQUIRE(manifest.has_value());
    REQUIRE_EQ(manifest->files.size(), size_t{2});
    CHECK(manifest->files[0].base);
    CHECK(!manifest->files[1].base);
  }
  std::printf("  %d seeds: %llu keys expired, %llu evicted, %zu expired keys left out of the bases\n", seeds,
              static_cast<unsigned long long>(stats.expired), static_cast<unsigned long long>(stats.evicted),
              expired_left_out);
  CHECK(stats.expired > 0);
  CHECK(expired_left_out > 0);
}

// ---------------------------------------------------------------------------
// A replay of a replay

TEST(a_replayed_store_keeps_logging_and_replays_again) {
  for (uint64_t seed = 201; seed < 204; seed++) {
    TempDir dir;
    int64_t now = kT0;
    StoreImage a_image;
    {
      std::unique_ptr<Store> a = openStore(dir, now);
      Workload w(seed);
      RunStats stats;
      runWorkload(*a, w, &now, kCommandsPerSeed / 2, stats);
      // Keys B will find expired, whatever the workload left.
      CHECK_EQ(call(*a, {"SET", "late", "v", "PX", "1000"}), std::string("+OK"));
      CHECK_EQ(call(*a, {"RPUSH", "late-list", "a", "b"}, 1), std::string(":2"));
      CHECK_EQ(call(*a, {"EXPIRE", "late-list", "10"}, 1), std::string(":1"));
      REQUIRE(a->appendLog().syncNow());
      a_image = tableImageOf(*a, describeReplayed);
    }
    // B: a day later. Its replay matches A; then B lives on at its own
    // time (every TTL has passed: lookups and cron now delete what A left
    // expired, and B logs those DELs) and writes more.
    now += kDayMs;
    StoreImage b_image;
    {
      std::unique_ptr<Store> b = openStore(dir, now);
      CHECK_EQ(diffImages(a_image, tableImageOf(*b, describeReplayed)), std::string());
      size_t expired_left = 0;
      for (int i = 0; i < Store::kDatabases; i++) {
        b->db(i).forEach([&](Entry* e) { expired_left += e->isExpiredAt(now); });
      }
      CHECK(expired_left > 0);
      Workload w(seed * 7);
      RunStats stats;
      runWorkload(*b, w, &now, kCommandsPerSeed / 2, stats);
      b->cron(1'000'000'000);
      REQUIRE(b->appendLog().syncNow());
      CHECK(b->stats().keyspace.expired_keys > 0);
      b_image = tableImageOf(*b, describeReplayed);
    }
    // C: another day later, from the same log.
    std::unique_ptr<Store> c = openStore(dir, now + kDayMs);
    CHECK_EQ(diffImages(b_image, tableImageOf(*c, describeReplayed)), std::string());
  }
}

// ---------------------------------------------------------------------------
// Records a TTL passed since they were written

TEST(records_after_a_ttl_that_passed_since_still_apply) {
  TempDir dir;
  int64_t now = kT0;
  {
    std::unique_ptr<Store> a = openStore(dir, now);
    CHECK_EQ(call(*a, {"SET", "k", "v"}), std::string("+OK"));
    CHECK_EQ(call(*a, {"PEXPIREAT", "k", std::to_string(kT0 + 10'000)}), std::string(":1"));
    CHECK_EQ(call(*a, {"SET", "s", "v", "EX", "10"}), std::string("+OK"));
    CHECK_EQ(call(*a, {"RPUSH", "l", "a"}), std::string(":1"));
    CHECK_EQ(call(*a, {"EXPIRE", "l", "10"}), std::string(":1"));
    CHECK_EQ(call(*a, {"SET", "g", "v"}), std::string("+OK"));
    CHECK_EQ(call(*a, {"GETEX", "g", "PX", "10000"}), std::string("v"));
    now += 5'000;
    a->clock().setManualMs(now);
    CHECK_EQ(call(*a, {"APPEND", "k", "x"}), std::string(":2"));
    CHECK_EQ(call(*a, {"APPEND", "s", "y"}), std::string(":2"));
    CHECK_EQ(call(*a, {"RPUSH", "l", "b"}), std::string(":2"));
    CHECK_EQ(call(*a, {"APPEND", "g", "z"}), std::string(":2"));
    // A relative EXPIRE is logged as the absolute time it gave.
    CHECK_EQ(call(*a, {"PEXPIRE", "g", "20000"}), std::string(":1"));
    REQUIRE(a->appendLog().syncNow());
  }
  std::unique_ptr<Store> b = openStore(dir, now + kDayMs);
  auto entry = [&](const char* key) { return b->db(0).peek(key); };
  REQUIRE(entry("k") != nullptr);
  CHECK_EQ(describe(const_cast<Entry*>(entry("k"))), "0|raw|" + std::to_string(kT0 + 10'000) + "|2:vx;");
  REQUIRE(entry("s") != nullptr);
  CHECK_EQ(describe(const_cast<Entry*>(entry("s"))), "0|raw|" + std::to_string(kT0 + 10'000) + "|2:vy;");
  REQUIRE(entry("l") != nullptr);
  CHECK_EQ(describe(const_cast<Entry*>(entry("l"))), "1|quicklist|" + std::to_string(kT0 + 10'000) + "|1:a;1:b;");
  REQUIRE(entry("g") != nullptr);
  CHECK_EQ(describe(const_cast<Entry*>(entry("g"))), "0|raw|" + std::to_string(kT0 + 25'000) + "|2:vz;");
  // Expired by now: a read deletes them, as on any store.
  CHECK_EQ(call(*b, {"GET", "k"}), std::string("(nil)"));
  CHECK_EQ(call(*b, {"EXISTS", "s", "l", "g"}), std::string(":0"));
}

// ---------------------------------------------------------------------------
// What each handler logs

TEST(time_and_chance_dependent_commands_log_their_effect) {
  TempDir dir;
  const int64_t now = kT0;
  const std::string at10s = std::to_string(kT0 + 10'000);
  {
    std::unique_ptr<Store> a = openStore(dir, now);
    auto run = [&](std::vector<std::string> args, const std::string& reply, int db = 0) {
      CHECK_EQ(call(*a, args, db), reply);
    };
    // The EXPIRE family: PEXPIREAT <absolute ms>, without flags.
    run({"SET", "k", "1"}, "+OK");
    run({"EXPIRE", "k", "10", "NX"}, ":1");
    run({"EXPIRE", "k", "20", "NX"}, ":0");              // nothing changed: nothing logged
    run({"PEXPIRE", "k", "5000", "GT"}, ":0");           // nothing changed
    run({"PEXPIRE", "k", "5000", "LT"}, ":1");
    run({"EXPIREAT", "k", std::to_string(kT0 / 1000 + 10)}, ":1");
    run({"PEXPIREAT", "k", at10s, "XX"}, ":1");
    run({"EXPIRE", "missing", "10"}, ":0");
    run({"EXPIRE", "k", "-1"}, ":1");                    // a time past: DEL
    run({"SET", "k", "1"}, "+OK");
    run({"PEXPIREAT", "k", std::to_string(kT0)}, ":1");  // the current ms has passed too
    // SET with an expiry: SET key value PXAT <absolute ms>; not stored: nothing.
    run({"SET", "s", "v", "EX", "10", "GET"}, "(nil)");
    run({"SET", "s", "w", "PX", "10000", "NX"}, "(nil)");
    run({"SET", "s", "w", "XX", "KEEPTTL"}, "+OK");     // verbatim
    run({"SET", "t", "w", "XX"}, "(nil)");
    run({"SETEX", "s", "10", "x"}, "+OK");
    run({"PSETEX", "s", "10000", "y"}, "+OK");
    run({"SET", "s", "z", "EXAT", std::to_string(kT0 / 1000 + 10)}, "+OK");
    run({"SET", "s", "z", "PXAT", at10s}, "+OK");
    // GETEX: PEXPIREAT, PERSIST, DEL or nothing.
    run({"GETEX", "s"}, "z");
    run({"GETEX", "s", "PERSIST"}, "z");
    run({"GETEX", "s", "PERSIST"}, "z");                 // no expiry to remove
    run({"GETEX", "s", "EX", "10"}, "z");
    run({"GETEX", "s", "PXAT", std::to_string(kT0 - 1)}, "z");
    // SPOP: SREM of what it took, DEL when it took everything.
    run({"SADD", "set", "a"}, ":1");
    run({"SPOP", "set"}, "a");
    run({"SPOP", "set"}, "(nil)");
    run({"SADD", "set", "b", "c", "d"}, ":3");
    run({"SPOP", "set", "0"}, "");                       // nothing
    run({"SPOP", "set", "3", "x"}, "-ERR syntax error");
    call(*a, {"SPOP", "set", "3"});                      // all of it (in the table's order): DEL
    run({"SADD", "set", "b"}, ":1", 2);
    run({"SPOP", "set", "5"}, "b", 2);
    // The float increments: the value they stored.
    run({"SET", "f", "1"}, "+OK");
    run({"PEXPIRE", "f", "10000"}, ":1");
    run({"INCRBYFLOAT", "f", "1.5"}, "2.5");
    run({"INCRBYFLOAT", "f", "0.5"}, "3");
    run({"HINCRBYFLOAT", "h", "x", "0.25"}, "0.25");
    // Errors log nothing, though the key's lookup counted as a change.
    run({"SET", "str", "abc"}, "+OK");
    auto fails = [&](std::vector<std::string> args) { CHECK_EQ(call(*a, args).substr(0, 1), std::string("-")); };
    fails({"INCRBYFLOAT", "str", "1"});
    fails({"SPOP", "str"});
    fails({"SPOP", "str", "2"});
    fails({"HINCRBYFLOAT", "str", "f", "1"});
    fails({"HINCRBYFLOAT", "h", "x", "nan"});
    fails({"GETEX", "str", "EX", "0"});
    fails({"EXPIRE", "str", "10", "NX", "XX"});
    fails({"SET", "str", "v", "EX", "0"});
    REQUIRE(a->appendLog().syncNow());
  }
  const std::vector<std::string> want = {
      "0:SET k 1",
      "0:PEXPIREAT k " + at10s,
      "0:PEXPIREAT k " + std::to_string(kT0 + 5'000),
      "0:PEXPIREAT k " + at10s,
      "0:PEXPIREAT k " + at10s,
      "0:DEL k",
      "0:SET k 1",
      "0:DEL k",
      "0:SET s v PXAT " + at10s,
      "0:SET s w XX KEEPTTL",
      "0:SET s x PXAT " + at10s,
      "0:SET s y PXAT " + at10s,
      "0:SET s z PXAT " + at10s,
      "0:SET s z PXAT " + at10s,
      "0:PERSIST s",
      "0:PEXPIREAT s " + at10s,
      "0:DEL s",
      "0:SADD set a",
      "0:SREM set a",
      "0:SADD set b c d",
      "0:DEL set",
      "2:SADD set b",
      "2:DEL set",
      "0:SET f 1",
      "0:PEXPIREAT f " + at10s,
      "0:SET f 2.5 KEEPTTL",
      "0:SET f 3 KEEPTTL",
      "0:HSET h x 0.25",
      "0:SET str abc",
  };
  std::vector<std::string> got = loggedCommands(dir);
  std::string got_text, want_text;
  for (const std::string& s : got) got_text += s + "\n";
  for (const std::string& s : want) want_text += s + "\n";
  CHECK_EQ(got_text, want_text);

  // And the replay, a day later, rebuilds them with their expiry times.
  std::unique_ptr<Store> b = openStore(dir, now + kDayMs);
  CHECK(b->db(0).peek("k") == nullptr);
  CHECK(b->db(0).peek("s") == nullptr);
  CHECK(b->db(0).peek("set") == nullptr);
  CHECK(b->db(2).peek("set") == nullptr);
  REQUIRE(b->db(0).peek("f") != nullptr);
  CHECK_EQ(describe(const_cast<Entry*>(b->db(0).peek("f"))), "0|int|" + at10s + "|1:3;");
}

TEST(spop_with_a_count_logs_the_members_it_took) {
  TempDir dir;
  std::vector<std::string> members;
  StoreImage expected;
  {
    std::unique_ptr<Store> a = openStore(dir, kT0);
    std::vector<std::string> sadd = {"SADD", "set"};
    for (int i = 0; i < 300; i++) sadd.push_back("m" + std::to_string(i));  // a hashtable
    CHECK_EQ(call(*a, sadd), std::string(":300"));
    std::string popped = call(*a, {"SPOP", "set", "100"});
    std::istringstream in(popped);
    for (std::string m; in >> m;) members.push_back(m);
    CHECK_EQ(members.size(), size_t{100});
    call(*a, {"SPOP", "set"});
    REQUIRE(a->appendLog().syncNow());
    expected = tableImageOf(*a);
  }
  std::vector<std::string> got = loggedCommands(dir);
  REQUIRE_EQ(got.size(), size_t{3});
  std::string srem = "0:SREM set";
  for (const std::string& m : members) srem += " " + m;
  CHECK_EQ(got[1], srem);
  CHECK(got[2].rfind("0:SREM set m", 0) == 0);
  std::unique_ptr<Store> b = openStore(dir, kT0 + kDayMs);
  CHECK_EQ(diffImages(expected, tableImageOf(*b)), std::string());
  CHECK_EQ(b->db(0).peek("set") ? describe(const_cast<Entry*>(b->db(0).peek("set"))).substr(0, 12) : "",
           std::string("2|hashtable|"));
}
