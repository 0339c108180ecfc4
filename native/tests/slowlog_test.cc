// Unit tests of the slow log (slowlog.h) and of its recording by the Store
// (store_slowlog.cc): argument and byte truncation as Redis's
// slowlogCreateEntry, newest-first order and ids, trimming to max_len,
// redacted secrets, and the thresholds (-1 off, 0 everything). No test
// depends on how long a command takes: the thresholds used are 0 (every
// command is slow enough) and -1 (none is), or the log is fed directly.
#include <string>
#include <vector>

#include "check.h"
#include "core/slowlog.h"
#include "core/store.h"
#include "run_command.h"

using namespace ember;
using ember::test::call;

namespace {

std::vector<ByteView> views(const std::vector<std::string>& args) { return {args.begin(), args.end()}; }

}  // namespace

TEST(an_argument_longer_than_128_bytes_is_cut_with_a_count_of_the_rest) {
  CHECK_EQ(SlowLog::truncatedArgument(std::string(128, 'a')), std::string(128, 'a'));
  CHECK_EQ(SlowLog::truncatedArgument(std::string(129, 'a')), std::string(128, 'a') + "... (1 more bytes)");
  CHECK_EQ(SlowLog::truncatedArgument(std::string(1000, 'b')), std::string(128, 'b') + "... (872 more bytes)");
  // Binary bytes are kept as they are.
  std::string binary("\0\r\n", 3);
  CHECK_EQ(SlowLog::truncatedArgument(binary), binary);
}

TEST(more_than_32_arguments_keep_31_and_say_how_many_are_left_out) {
  SlowLog log;
  std::vector<std::string> args;
  for (int i = 0; i < 32; i++) args.push_back("a" + std::to_string(i));
  log.record(views(args), {}, 100, 5, 128);
  REQUIRE_EQ(log.entries().front().argv.size(), size_t{32});
  CHECK_EQ(log.entries().front().argv[31], std::string("a31"));  // exactly 32: all kept

  args.push_back("a32");
  args.push_back("a33");
  log.record(views(args), {}, 100, 5, 128);
  const SlowLogEntry& entry = log.entries().front();
  REQUIRE_EQ(entry.argv.size(), size_t{32});
  CHECK_EQ(entry.argv[30], std::string("a30"));
  // 34 arguments: 31 kept, the 3 others (a31, a32, a33) counted.
  CHECK_EQ(entry.argv[31], std::string("... (3 more arguments)"));
}

TEST(entries_are_newest_first_with_increasing_ids_and_trimmed_to_max_len) {
  SlowLog log;
  std::vector<std::string> args = {"GET", "k"};
  for (int i = 0; i < 5; i++) log.record(views(args), {}, 1000 + i, i, 3);
  REQUIRE_EQ(log.size(), size_t{3});
  CHECK_EQ(log.entries()[0].id, uint64_t{4});
  CHECK_EQ(log.entries()[2].id, uint64_t{2});
  CHECK_EQ(log.entries()[0].unix_time_s, int64_t{1004});
  CHECK_EQ(log.entries()[0].duration_us, int64_t{4});
  log.trim(1);
  CHECK_EQ(log.size(), size_t{1});
  log.reset();
  CHECK_EQ(log.size(), size_t{0});
  // Ids go on after a reset.
  log.record(views(args), {}, 1, 1, 3);
  CHECK_EQ(log.entries()[0].id, uint64_t{5});
}

TEST(redacted_arguments_are_kept_as_redacted) {
  SlowLog log;
  std::vector<std::string> args = {"CONFIG", "SET", "requirepass", "secret"};
  std::vector<uint32_t> redacted = {3};
  log.record(views(args), redacted, 1, 1, 10);
  CHECK_EQ(log.entries()[0].argv[3], std::string("(redacted)"));
  CHECK_EQ(log.entries()[0].argv[2], std::string("requirepass"));
}

TEST(the_store_logs_every_command_at_threshold_zero_and_none_at_minus_one) {
  Store store;
  store.clock().setManualMs(1'700'000'000'123);
  CHECK_EQ(call(store, {"CONFIG", "SET", "slowlog-log-slower-than", "0"}), "+OK");
  CHECK_EQ(call(store, {"SET", "k", std::string(200, 'v')}), "+OK");
  CHECK_EQ(call(store, {"CONFIG", "SET", "requirepass", "hunter2", "maxmemory", "0"}), "+OK");
  CHECK_EQ(call(store, {"ACL", "SETUSER", "bob", "on", ">pw"}), "+OK");
  const auto& entries = store.slowLog().entries();
  REQUIRE_EQ(entries.size(), size_t{4});
  // Newest first: ACL SETUSER, CONFIG SET requirepass, SET, CONFIG SET.
  CHECK_EQ(entries[0].argv, (std::vector<std::string>{"ACL", "SETUSER", "(redacted)", "(redacted)", "(redacted)"}));
  CHECK_EQ(entries[1].argv,
           (std::vector<std::string>{"CONFIG", "SET", "requirepass", "(redacted)", "maxmemory", "0"}));
  CHECK_EQ(entries[2].argv[2], std::string(128, 'v') + "... (72 more bytes)");
  CHECK_EQ(entries[2].unix_time_s, int64_t{1'700'000'000});
  CHECK_EQ(entries[2].client_addr, std::string());
  CHECK_EQ(entries[3].argv[0], std::string("CONFIG"));

  CHECK_EQ(call(store, {"CONFIG", "SET", "slowlog-log-slower-than", "-1"}), "+OK");
  const size_t before = store.slowLog().size();  // the CONFIG SET that turned it off is not logged
  CHECK_EQ(call(store, {"GET", "k"}).size(), size_t{200});
  CHECK_EQ(store.slowLog().size(), before);
}

TEST(a_lower_max_len_trims_at_the_next_command) {
  Store store;
  CHECK_EQ(call(store, {"CONFIG", "SET", "slowlog-log-slower-than", "0"}), "+OK");
  for (int i = 0; i < 5; i++) call(store, {"PING"});
  CHECK_EQ(call(store, {"CONFIG", "SET", "slowlog-max-len", "2"}), "+OK");
  CHECK_EQ(store.slowLog().size(), size_t{2});
  CHECK_EQ(call(store, {"SLOWLOG", "LEN"}), ":2");
  CHECK_EQ(call(store, {"SLOWLOG", "RESET"}), "+OK");
  // SLOWLOG RESET itself is logged after it ran, as in Redis.
  CHECK_EQ(call(store, {"SLOWLOG", "LEN"}), ":1");
}
