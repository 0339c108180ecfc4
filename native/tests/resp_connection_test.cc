// RespConnection (resp_connection.h): a client connection's command loop
// over a real Store, fed bytes as a socket would deliver them: pipelines
// whole and cut at every byte, MULTI/EXEC with queue-time errors and
// WATCH, the pauses for AUTH and for blocking commands, subscribed mode
// and pub/sub delivery, CLIENT REPLY, protocol errors, the query buffer
// limit, and the output buffer limits' verdicts.
#include <string>
#include <vector>

#include "check.h"
#include "core/resp_connection.h"
#include "core/store.h"

using ember::ByteView;
using ember::OutputVerdict;
using ember::RespConnection;
using ember::Store;
using State = RespConnection::State;

namespace {

std::string take(RespConnection& c) { return std::exchange(c.output(), {}); }

std::string request(std::initializer_list<std::string_view> words) {
  std::string out = "*" + std::to_string(words.size()) + "\r\n";
  for (std::string_view w : words) out += "$" + std::to_string(w.size()) + "\r\n" + std::string(w) + "\r\n";
  return out;
}

}  // namespace

TEST(pipelined_requests_answer_in_order_whole_or_cut_at_every_byte) {
  const std::string input = request({"SET", "k", "v"}) + request({"GET", "k"}) + "PING\r\n" + request({"INCR", "n"});
  const std::string expected = "+OK\r\n$1\r\nv\r\n+PONG\r\n:1\r\n";
  for (size_t cut = 0; cut <= input.size(); cut++) {
    Store store;
    RespConnection c(store, "127.0.0.1:1", "127.0.0.1:2");
    CHECK(c.feed(ByteView(input).substr(0, cut)) == State::kReady);
    CHECK(c.feed(ByteView(input).substr(cut)) == State::kReady);
    CHECK_EQ(take(c), expected);
    CHECK_EQ(c.bufferedInput(), size_t{0});
  }
}

TEST(select_chooses_the_database_of_later_commands) {
  Store store;
  RespConnection c(store, "a", "b");
  c.feed(request({"SELECT", "3"}) + request({"SET", "k", "v"}) + request({"SELECT", "16"}) + request({"SELECT", "x"}));
  CHECK_EQ(take(c), "+OK\r\n+OK\r\n-ERR DB index is out of range\r\n-ERR value is not an integer or out of range\r\n");
  CHECK(store.db(3).peek("k") != nullptr);
  CHECK(store.db(0).peek("k") == nullptr);
}

TEST(multi_queues_and_exec_runs_the_queue_as_one_array) {
  Store store;
  RespConnection c(store, "a", "b");
  c.feed(request({"MULTI"}) + request({"SET", "k", "1"}) + request({"INCR", "k"}) + request({"LPUSH", "k", "x"}) +
         request({"EXEC"}));
  CHECK_EQ(take(c),
           "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n:2\r\n"
           "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST(a_queue_time_error_aborts_exec) {
  Store store;
  RespConnection c(store, "a", "b");
  c.feed(request({"MULTI"}) + request({"SET", "k", "1"}) + request({"NOSUCH"}) + request({"GET"}) + request({"EXEC"}) +
         request({"EXISTS", "k"}));
  const std::string out = take(c);
  CHECK(out.starts_with("+OK\r\n+QUEUED\r\n-ERR unknown command 'NOSUCH'"));
  CHECK(out.find("-ERR wrong number of arguments for 'get' command\r\n") != std::string::npos);
  CHECK(out.ends_with("-EXECABORT Transaction discarded because of previous errors.\r\n:0\r\n"));
}

TEST(watch_makes_exec_answer_null_after_a_change_from_another_connection) {
  Store store;
  RespConnection a(store, "a", "x");
  RespConnection b(store, "b", "x");
  a.feed(request({"WATCH", "k"}) + request({"MULTI"}) + request({"SET", "k", "mine"}));
  b.feed(request({"SET", "k", "theirs"}));
  a.feed(request({"EXEC"}) + request({"GET", "k"}));
  CHECK_EQ(take(a), "+OK\r\n+OK\r\n+QUEUED\r\n*-1\r\n$6\r\ntheirs\r\n");
  // RESP3: the null is "_".
  a.feed(request({"HELLO", "3"}));
  take(a);
  a.feed(request({"WATCH", "k"}) + request({"MULTI"}) + request({"GET", "k"}));
  b.feed(request({"DEL", "k"}));
  a.feed(request({"EXEC"}));
  CHECK_EQ(take(a), "+OK\r\n+OK\r\n+QUEUED\r\n_\r\n");
  CHECK_EQ(store.watchTokenCount(), size_t{0});
}

TEST(auth_pauses_until_the_front_end_gives_its_verdict) {
  Store store;
  ember::ReplyBuilder reply;
  store.execute(std::vector<ByteView>{"CONFIG", "SET", "requirepass", "s3cret"}, reply);
  RespConnection c(store, "a", "b");
  CHECK(c.feed(request({"GET", "k"})) == State::kReady);
  CHECK_EQ(take(c), "-NOAUTH Authentication required.\r\n");
  CHECK(c.feed(request({"AUTH", "wrong"}) + request({"PING"})) == State::kAuthenticating);
  REQUIRE(c.session().auth_request.has_value());
  CHECK_EQ(c.session().auth_request->user, std::string("default"));
  CHECK(c.finishAuth(false) == State::kReady);
  CHECK_EQ(take(c), "-WRONGPASS invalid username-password pair or user is disabled.\r\n-NOAUTH Authentication required.\r\n");
  CHECK(c.feed(request({"AUTH", "s3cret"}) + request({"PING"})) == State::kAuthenticating);
  CHECK(c.finishAuth(true) == State::kReady);
  CHECK_EQ(take(c), "+OK\r\n+PONG\r\n");
}

TEST(a_blocked_command_pauses_the_connection_until_served_or_timed_out) {
  Store store;
  store.allowBlocking(true);
  store.trackReadyKeys(true);
  RespConnection waiter(store, "a", "b");
  RespConnection pusher(store, "c", "d");
  CHECK(waiter.feed(request({"BLPOP", "q", "0"}) + request({"PING"})) == State::kBlocked);
  CHECK_EQ(take(waiter), "");
  CHECK_EQ(waiter.blockRequest().keys.size(), size_t{1});
  CHECK(waiter.retryBlocked() == RespConnection::Retry::kStillBlocked);
  pusher.feed(request({"SET", "q", "string"}));
  CHECK(waiter.retryBlocked() == RespConnection::Retry::kWrongType);  // keeps waiting, as in Redis 7.0
  CHECK_EQ(take(waiter), "");
  pusher.feed(request({"DEL", "q"}) + request({"RPUSH", "q", "x"}));
  CHECK(waiter.retryBlocked() == RespConnection::Retry::kServed);
  CHECK_EQ(take(waiter), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n+PONG\r\n");
  // A timeout answers the command's own null: a null array for BLPOP.
  CHECK(waiter.feed(request({"BLPOP", "q", "1"})) == State::kBlocked);
  CHECK(waiter.timeoutBlocked() == State::kReady);
  CHECK_EQ(take(waiter), "*-1\r\n");
}

TEST(subscribed_mode_allows_only_subscription_commands_in_resp2) {
  Store store;
  RespConnection c(store, "a", "b");
  c.feed(request({"SUBSCRIBE", "ch1", "ch2"}) + request({"GET", "k"}) + request({"PING"}));
  CHECK_EQ(take(c),
           "*3\r\n$9\r\nsubscribe\r\n$3\r\nch1\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$3\r\nch2\r\n:2\r\n"
           "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
           "this context\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  RespConnection publisher(store, "c", "d");
  publisher.feed(request({"PUBLISH", "ch1", "hi"}));
  CHECK_EQ(take(publisher), ":1\r\n");
  ember::PubSub::Outbox outbox = store.pubsub().takeOutbox();
  const std::vector<uint64_t> touched = ember::deliverToSessions(store.sessions(), outbox);
  CHECK_EQ(touched.size(), size_t{1});
  CHECK(outbox.deliveries.empty());
  CHECK_EQ(take(c), "*3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$2\r\nhi\r\n");
  c.feed(request({"UNSUBSCRIBE"}));
  const std::string out = take(c);
  CHECK(out.find("$11\r\nunsubscribe\r\n") != std::string::npos);
  CHECK(out.ends_with(":0\r\n"));
  CHECK_EQ(c.session().subscriptions(), size_t{0});
}

TEST(resp3_messages_are_pushes_and_other_commands_run_while_subscribed) {
  Store store;
  RespConnection c(store, "a", "b");
  c.feed(request({"HELLO", "3"}));
  take(c);
  c.feed(request({"PSUBSCRIBE", "n*"}) + request({"SET", "k", "v"}));
  CHECK_EQ(take(c), ">3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:1\r\n+OK\r\n");
  store.pubsub().publish("news", "x");
  ember::PubSub::Outbox outbox = store.pubsub().takeOutbox();
  ember::deliverToSessions(store.sessions(), outbox);
  CHECK_EQ(take(c), ">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$1\r\nx\r\n");
}

TEST(client_reply_off_and_skip_silence_replies) {
  Store store;
  RespConnection c(store, "a", "b");
  c.feed(request({"CLIENT", "REPLY", "SKIP"}) + request({"SET", "a", "1"}) + request({"GET", "a"}) +
         request({"CLIENT", "REPLY", "OFF"}) + request({"GET", "a"}) + request({"CLIENT", "REPLY", "ON"}) +
         request({"GET", "a"}));
  CHECK_EQ(take(c), "$1\r\n1\r\n+OK\r\n$1\r\n1\r\n");
}

TEST(a_protocol_error_answers_once_and_closes) {
  Store store;
  RespConnection c(store, "a", "b");
  CHECK(c.feed("*1\r\n$4\r\nPING\r\n*abc\r\nPING\r\n") == State::kClosing);
  CHECK_EQ(take(c), "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n");
  CHECK(c.feed("PING\r\n") == State::kClosing);
  CHECK_EQ(take(c), "");
}

TEST(quit_answers_ok_and_closes) {
  Store store;
  RespConnection c(store, "a", "b");
  CHECK(c.feed(request({"QUIT"}) + request({"PING"})) == State::kClosing);
  CHECK_EQ(take(c), "+OK\r\n");
}

TEST(the_query_buffer_limit_closes_a_connection_that_sends_too_much) {
  Store store;
  std::vector<ByteView> set = {"CONFIG", "SET", "client-query-buffer-limit", "1mb"};
  ember::ReplyBuilder reply;
  store.execute(set, reply);
  RespConnection c(store, "a", "b");
  // A bulk announced, then its bytes arriving in pieces past the limit.
  CHECK(c.feed("*2\r\n$3\r\nSET\r\n$2000000\r\n") == State::kReady);
  std::string piece(256 * 1024, 'x');
  State state = State::kReady;
  for (int i = 0; i < 8 && state == State::kReady; i++) state = c.feed(piece);
  CHECK(state == State::kClosing);
  CHECK(take(c).starts_with("-ERR Protocol error: client-query-buffer-limit"));
}

TEST(output_limits_close_a_subscriber_past_its_limit_and_pause_a_normal_reader) {
  Store store;
  RespConnection c(store, "a", "b");
  ember::Session& session = c.session();
  const auto& config = store.config();
  CHECK(ember::checkOutputLimits(session, config, 100, 0) == OutputVerdict::kOk);
  CHECK(ember::checkOutputLimits(session, config, ember::kPauseReadingBytes + 1, 0) == OutputVerdict::kPauseReading);
  c.feed(request({"SUBSCRIBE", "ch"}));
  // pubsub: 32 MiB hard, 8 MiB for 60 s soft.
  CHECK(ember::checkOutputLimits(session, config, 9 << 20, 1000) == OutputVerdict::kPauseReading);
  CHECK(ember::checkOutputLimits(session, config, 9 << 20, 30'000) == OutputVerdict::kPauseReading);
  CHECK(ember::checkOutputLimits(session, config, 9 << 20, 61'000) == OutputVerdict::kClose);
  CHECK(ember::checkOutputLimits(session, config, 1 << 20, 62'000) == OutputVerdict::kOk);  // back under: timer reset
  CHECK(ember::checkOutputLimits(session, config, 9 << 20, 63'000) == OutputVerdict::kPauseReading);
  CHECK(ember::checkOutputLimits(session, config, 32 << 20, 63'000) == OutputVerdict::kClose);
}

TEST(a_closed_connection_leaves_no_trace) {
  Store store;
  {
    RespConnection c(store, "a", "b");
    c.feed(request({"WATCH", "k"}) + request({"SUBSCRIBE", "ch"}));
    CHECK_EQ(store.sessions().count(), size_t{1});
    CHECK_EQ(store.watchTokenCount(), size_t{1});
  }
  CHECK_EQ(store.sessions().count(), size_t{0});
  CHECK_EQ(store.watchTokenCount(), size_t{0});
  CHECK_EQ(store.pubsub().numsub("ch"), size_t{0});
}
