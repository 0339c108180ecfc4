// Unit tests of WireExecutor's choice of database (wire_executor.h): the
// db field of a Command, a CommandBatch and a Transaction picks the
// keyspace its commands run in, a WATCH token of one db guards a
// transaction of another, a db past Store::kDatabases runs nothing and
// answers SELECT's error, and a blocking command run in db N asks to wait
// on db N's keys.
#include <optional>
#include <string>
#include <vector>

#include "check.h"
#include "core/proto_wire.h"
#include "core/reply.h"
#include "core/store.h"
#include "core/wire_executor.h"
#include "run_command.h"

using namespace ember;

namespace {

std::string commandMessage(std::vector<ByteView> argv, uint32_t db) {
  std::string message;
  proto::encodeCommand(argv, message, db);
  return message;
}

std::string batchMessage(const std::vector<std::vector<ByteView>>& commands, uint64_t id, uint32_t db) {
  proto::CommandBatchWriter writer;
  for (const auto& argv : commands) writer.add(argv);
  return writer.finish(id, db);
}

// The replies of a ReplyBatch message, rendered as run_command.h does.
std::vector<std::string> repliesOf(const std::string& message) {
  ReplyBuilder stream;
  size_t count = 0;
  std::optional<std::string> error = proto::decodeReplyBatch(message, stream, &count, nullptr);
  REQUIRE(!error.has_value());
  ReplyReader reader(stream.bytes());
  std::vector<std::string> out;
  for (size_t i = 0; i < count; i++) {
    std::string text;
    test::renderValue(reader, reader.next(), text);
    out.push_back(text);
  }
  return out;
}

}  // namespace

TEST(execute_runs_in_the_commands_db) {
  Store store;
  WireExecutor wire(store);
  std::string out;
  REQUIRE(!wire.execute(commandMessage({"SET", "k", "three"}, 3), out));
  CHECK_EQ(test::call(store, {"GET", "k"}, 3), "three");
  CHECK_EQ(test::call(store, {"GET", "k"}, 0), "(nil)");
  CHECK_EQ(test::call(store, {"DBSIZE"}, 0), ":0");
  // Absent db: database 0.
  REQUIRE(!wire.execute(commandMessage({"SET", "k", "zero"}, 0), out));
  CHECK_EQ(test::call(store, {"GET", "k"}, 0), "zero");
  CHECK_EQ(test::call(store, {"GET", "k"}, 3), "three");
  // The last database exists; the next one does not.
  REQUIRE(!wire.execute(commandMessage({"SET", "k", "fifteen"}, 15), out));
  CHECK_EQ(test::call(store, {"GET", "k"}, 15), "fifteen");
  std::optional<std::string> error = wire.execute(commandMessage({"SET", "k", "sixteen"}, 16), out);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "ERR DB index is out of range");
}

TEST(batch_runs_in_the_batchs_db) {
  Store store;
  WireExecutor wire(store);
  std::string out;
  REQUIRE(!wire.executeBatch(batchMessage({{"SET", "a", "1"}, {"INCR", "a"}, {"DBSIZE"}}, 1, 7), out));
  CHECK(repliesOf(out) == (std::vector<std::string>{"+OK", ":2", ":1"}));
  CHECK_EQ(test::call(store, {"GET", "a"}, 7), "2");
  CHECK_EQ(test::call(store, {"EXISTS", "a"}, 0), ":0");

  // Out of range: nothing of the batch runs.
  std::optional<std::string> error = wire.executeBatch(batchMessage({{"SET", "b", "1"}}, 2, 16), out);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "ERR DB index is out of range");
  for (int db = 0; db < Store::kDatabases; db++) CHECK_EQ(test::call(store, {"EXISTS", "b"}, db), ":0");
}

TEST(transaction_runs_in_its_db_guarded_by_a_watch_of_any_db) {
  Store store;
  WireExecutor wire(store);
  std::string out;
  WireExecutor::TransactionOutcome outcome{};

  // Watched in db 5; a write to the same key in db 0 does not break it.
  std::vector<ByteView> keys = {"w"};
  Watches::Token token = store.watch(5, keys);
  test::call(store, {"SET", "w", "elsewhere"}, 0);
  REQUIRE(!wire.executeTransaction(batchMessage({{"SET", "w", "1"}, {"GET", "w"}}, token, 5), out, outcome));
  CHECK(outcome == WireExecutor::TransactionOutcome::kRan);
  CHECK(repliesOf(out) == (std::vector<std::string>{"+OK", "1"}));
  CHECK_EQ(test::call(store, {"GET", "w"}, 0), "elsewhere");

  // A write in db 5 does.
  token = store.watch(5, keys);
  test::call(store, {"SET", "w", "2"}, 5);
  REQUIRE(!wire.executeTransaction(batchMessage({{"SET", "w", "3"}}, token, 5), out, outcome));
  CHECK(outcome == WireExecutor::TransactionOutcome::kAborted);
  CHECK_EQ(test::call(store, {"GET", "w"}, 5), "2");

  // Out of range: a decode error, nothing runs (the token stays live, as
  // after any malformed message: the caller still holds it).
  token = store.watch(5, keys);
  std::optional<std::string> error =
      wire.executeTransaction(batchMessage({{"SET", "w", "4"}}, token, 99), out, outcome);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "ERR DB index is out of range");
  CHECK_EQ(test::call(store, {"GET", "w"}, 5), "2");
  CHECK(!store.watchBroken(token));
  store.unwatch(token);
}

TEST(a_blocking_command_waits_on_its_dbs_keys) {
  Store store;
  store.allowBlocking(true);
  WireExecutor wire(store);
  std::string out;
  REQUIRE(!wire.execute(commandMessage({"BLPOP", "q", "0"}, 3), out));
  std::optional<Store::BlockRequest> request = store.takeBlockRequest();
  REQUIRE(request.has_value());
  CHECK_EQ(request->db_index, 3);
  REQUIRE_EQ(request->keys.size(), 1u);
  CHECK_EQ(request->keys[0], "q");

  // A push to db 3 serves it when run again; one to db 0 does not.
  test::call(store, {"RPUSH", "q", "zero"}, 0);
  REQUIRE(!wire.execute(commandMessage({"BLPOP", "q", "0"}, 3), out));
  CHECK(store.takeBlockRequest().has_value());
  test::call(store, {"RPUSH", "q", "three"}, 3);
  REQUIRE(!wire.execute(commandMessage({"BLPOP", "q", "0"}, 3), out));
  CHECK(!store.takeBlockRequest().has_value());
  CHECK_EQ(test::call(store, {"LLEN", "q"}, 3), ":0");
  CHECK_EQ(test::call(store, {"LLEN", "q"}, 0), ":1");
}

