// Unit tests of WATCH tokens (watches.h) through the Store: which changes
// break a token (writes, deletes, expiry by lookup, by the active cycle and
// by time alone, eviction, renames, FLUSHDB sync and async), which do not
// (reads, other keys, other databases), token release and idle expiry, and
// the checks a transaction makes before running (Store::checkCommand).
#include <string>
#include <vector>

#include "check.h"
#include "core/store.h"

using namespace ember;

namespace {

struct Fixture {
  Store store;
  ReplyBuilder out;

  Fixture() { store.clock().setManualMs(1'000'000); }
  void run(std::vector<ByteView> argv, int db = 0) {
    out.clear();
    store.execute(argv, out, db);
  }
  Watches::Token watch(std::vector<ByteView> keys, int db = 0) { return store.watch(db, keys); }
};

}  // namespace

TEST(writes_deletes_and_renames_break_a_token) {
  const std::vector<std::vector<ByteView>> changes = {
      {"SET", "k", "new"},       {"APPEND", "k", "x"},   {"DEL", "k"},          {"EXPIRE", "k", "100"},
      {"PERSIST", "k"},          {"GETDEL", "k"},        {"RENAME", "k", "k2"}, {"RENAME", "src", "k"},
      {"SETRANGE", "k", "0", "z"}, {"INCRBYFLOAT", "n", "1"},
  };
  for (const auto& change : changes) {
    Fixture f;
    f.run({"SET", "k", "v", "EX", "1000"});
    f.run({"SET", "src", "s"});
    Watches::Token token = f.watch({"k", "n"});
    CHECK(!f.store.watchBroken(token));
    f.run(change);
    CHECK(f.store.watchBroken(token));
  }
}

TEST(reads_other_keys_and_other_databases_leave_a_token_intact) {
  Fixture f;
  f.run({"SET", "k", "v"});
  f.run({"RPUSH", "l", "a"});
  Watches::Token token = f.watch({"k", "l"});
  f.run({"GET", "k"});
  f.run({"EXISTS", "k"});
  f.run({"LRANGE", "l", "0", "-1"});
  f.run({"TYPE", "l"});
  f.run({"SET", "other", "x"});
  f.run({"DEL", "missing"});
  f.run({"SET", "k", "elsewhere"}, 1);  // same name, another database
  CHECK(!f.store.watchBroken(token));
}

TEST(creating_a_watched_key_breaks_a_token) {
  Fixture f;
  Watches::Token token = f.watch({"fresh"});
  f.run({"SADD", "fresh", "m"});
  CHECK(f.store.watchBroken(token));
}

TEST(expiry_breaks_a_token_whether_or_not_the_key_was_reclaimed) {
  {  // time passes, nothing looks the key up
    Fixture f;
    f.run({"SET", "k", "v", "PX", "50"});
    Watches::Token token = f.watch({"k"});
    f.store.clock().setManualMs(1'000'100);
    CHECK(f.store.watchBroken(token));
  }
  {  // a lookup reclaims it
    Fixture f;
    f.run({"SET", "k", "v", "PX", "50"});
    Watches::Token token = f.watch({"k"});
    f.store.clock().setManualMs(1'000'100);
    f.run({"GET", "k"});
    CHECK(f.store.watchBroken(token));
  }
  {  // the active cycle reclaims it
    Fixture f;
    f.run({"SET", "k", "v", "PX", "50"});
    Watches::Token token = f.watch({"k"});
    f.store.clock().setManualMs(1'000'100);
    f.store.cron(10'000'000);
    CHECK(f.store.watchBroken(token));
  }
  {  // already expired when watched: reclaiming it later is no change (Redis 7)
    Fixture f;
    f.run({"SET", "k", "v", "PX", "50"});
    f.store.clock().setManualMs(1'000'100);
    Watches::Token token = f.watch({"k"});
    CHECK(!f.store.watchBroken(token));
  }
}

TEST(flushdb_breaks_tokens_on_existing_keys_sync_and_async) {
  for (const char* mode : {"SYNC", "ASYNC"}) {
    Fixture f;
    f.run({"SET", "k", "v"});
    Watches::Token on_existing = f.watch({"k"});
    Watches::Token on_missing = f.watch({"never"});
    f.run({"FLUSHDB", mode});
    CHECK(f.store.watchBroken(on_existing));
    CHECK(!f.store.watchBroken(on_missing));
    // The new, empty database reports changes too.
    f.run({"SET", "never", "now"});
    CHECK(f.store.watchBroken(on_missing));
  }
}

TEST(eviction_breaks_a_token) {
  Fixture f;
  f.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"});
  for (int i = 0; i < 200; i++) {
    std::string key = "key:" + std::to_string(i);
    f.run({"SET", key, std::string(100, 'x')});
  }
  std::vector<std::string> names;
  for (int i = 0; i < 200; i++) names.push_back("key:" + std::to_string(i));
  std::vector<ByteView> keys(names.begin(), names.end());
  Watches::Token token = f.watch(keys);
  const int64_t limit = f.store.memory().used - 4096;
  std::string limit_text = std::to_string(limit);
  f.run({"CONFIG", "SET", "maxmemory", limit_text});
  f.run({"SET", "trigger", "x"});
  CHECK(f.store.stats().evicted_keys > 0);
  CHECK(f.store.watchBroken(token));
}

TEST(released_used_and_idle_tokens_are_broken) {
  Fixture f;
  Watches::Token token = f.watch({"k"});
  CHECK_EQ(f.store.watchTokenCount(), 1u);
  f.store.unwatch(token);
  CHECK(f.store.watchBroken(token));
  CHECK_EQ(f.store.watchTokenCount(), 0u);
  CHECK(f.store.watchBroken(12345));  // never issued

  Watches::Token idle = f.watch({"k"});
  f.store.clock().setManualMs(1'000'000 + Store::kWatchTokenIdleMs - 1);
  f.store.cron(1'000'000);
  CHECK(!f.store.watchBroken(idle));
  f.store.clock().setManualMs(1'000'000 + Store::kWatchTokenIdleMs);
  f.store.cron(1'000'000);
  CHECK(f.store.watchBroken(idle));
  CHECK_EQ(f.store.watchTokenCount(), 0u);
}

TEST(a_key_watched_twice_and_by_two_tokens) {
  Fixture f;
  Watches::Token a = f.watch({"k", "k"});
  Watches::Token b = f.watch({"k"});
  f.store.unwatch(a);  // releasing one token leaves the other watching
  f.run({"SET", "k", "v"});
  CHECK(f.store.watchBroken(b));
}

TEST(check_command_finds_what_a_transaction_rejects) {
  auto check = [](std::vector<ByteView> argv) { return Store::checkCommand(argv); };
  CHECK(!check({"SET", "k", "v"}).has_value());
  CHECK(!check({"config", "get", "maxmemory"}).has_value());
  CHECK_EQ(check({"GET"}).value(), "ERR wrong number of arguments for 'get' command");
  CHECK(check({"NOSUCH", "a"}).value().starts_with("ERR unknown command 'NOSUCH'"));
  CHECK(check({"CONFIG", "NOSUCH"}).value().starts_with("ERR unknown subcommand 'NOSUCH'"));
  CHECK(check({}).has_value());
}
