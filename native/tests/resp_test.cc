// The RESP codec (resp_request.h, resp_writer.h): requests as redis-server
// reads them, multibulk and inline, whole, pipelined and cut at every
// byte; Redis's protocol errors; the limits; replies in RESP2 and RESP3.
#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "core/reply.h"
#include "core/resp_request.h"
#include "core/resp_writer.h"

using ember::ByteView;
using ember::ReplyBuilder;
using ember::RespLimits;
using ember::RespParse;
using ember::RespRequestParser;

namespace {

using Status = RespParse::Status;

// Every request of `input`, each as its words joined by '|', and the
// error that stopped parsing ("" if none); incomplete trailing bytes are
// left as "+<n bytes>".
std::vector<std::string> parseAll(std::string_view input, const RespLimits& limits = {}) {
  RespRequestParser parser;
  std::vector<ByteView> argv;
  std::vector<std::string> out;
  size_t at = 0;
  while (at < input.size()) {
    RespParse r = parser.next(input.substr(at), argv, limits);
    if (r.status == Status::kError) {
      out.push_back("!" + r.error);
      return out;
    }
    at += r.consumed;
    if (r.status == Status::kIncomplete) {
      if (at < input.size()) out.push_back("+" + std::to_string(input.size() - at));
      return out;
    }
    std::string words;
    for (size_t i = 0; i < argv.size(); i++) words += (i ? "|" : "") + std::string(argv[i]);
    out.push_back(words);
  }
  return out;
}

using Lines = std::vector<std::string>;

std::string resp(const std::function<void(ReplyBuilder&)>& build, int protocol) {
  ReplyBuilder b;
  build(b);
  std::string out;
  ember::writeRespAll(b.bytes(), protocol, out);
  return out;
}

}  // namespace

TEST(multibulk_requests_whole_and_pipelined) {
  CHECK(parseAll("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") == Lines{"GET|k"});
  CHECK(parseAll("*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n") == (Lines{"PING", "SET|k|"}));
  // Binary-safe: CR, LF and NUL inside a bulk.
  CHECK(parseAll(std::string("*1\r\n$5\r\na\r\n\0b\r\n", 15)) == Lines{std::string("a\r\n\0b", 5)});
  // Empty requests are skipped.
  CHECK(parseAll("*0\r\n*-1\r\n\r\n*1\r\n$1\r\nX\r\n") == Lines{"X"});
}

TEST(a_request_cut_anywhere_waits_and_says_how_much_it_needs) {
  const std::string whole = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
  for (size_t cut = 0; cut < whole.size(); cut++) {
    RespRequestParser parser;
    std::vector<ByteView> argv;
    RespParse r = parser.next(std::string_view(whole).substr(0, cut), argv, {});
    CHECK(r.status == Status::kIncomplete);
    CHECK_EQ(r.consumed, 0u);
    CHECK(r.wanted > cut && r.wanted <= whole.size());
  }
  RespRequestParser parser;
  std::vector<ByteView> argv;
  // Once the bulk's length is known, `wanted` is the whole request.
  RespParse r = parser.next(std::string_view(whole).substr(0, 30), argv, {});
  CHECK_EQ(r.wanted, whole.size());
}

TEST(inline_requests_with_redis_quoting) {
  CHECK(parseAll("PING\r\n") == Lines{"PING"});
  CHECK(parseAll("SET k v\n  GET   k  \r\n") == (Lines{"SET|k|v", "GET|k"}));
  CHECK(parseAll("SET \"a b\" 'c d'\r\n") == Lines{"SET|a b|c d"});
  CHECK(parseAll("SET k \"\\x41\\n\\t\\\"q\"\r\n") == Lines{"SET|k|A\n\t\"q"});
  CHECK(parseAll("SET k 'it\\'s'\r\n") == Lines{"SET|k|it's"});
  CHECK(parseAll("SET k \"\"\r\n") == Lines{"SET|k|"});
  CHECK(parseAll("\r\n\n   \r\nPING\r\n") == Lines{"PING"});
  CHECK(parseAll("SET k \"open\r\n") == Lines{"!ERR Protocol error: unbalanced quotes in request"});
  CHECK(parseAll("SET k \"a\"b\r\n") == Lines{"!ERR Protocol error: unbalanced quotes in request"});
  CHECK(parseAll("GET k") == Lines{"+5"});  // no line end yet
  // sdssplitargs: '\f' and '\v' separate words only where words start.
  CHECK(parseAll("ECHO a\fb\vc\r\n\f\vECHO  x \r\n") == (Lines{"ECHO|a\fb\vc", "ECHO|x"}));
}

TEST(protocol_errors_have_redis_texts) {
  CHECK(parseAll("*x\r\n") == Lines{"!ERR Protocol error: invalid multibulk length"});
  CHECK(parseAll("*2147483648\r\n") == Lines{"!ERR Protocol error: invalid multibulk length"});
  CHECK(parseAll("*1\r\nGET\r\n") == Lines{"!ERR Protocol error: expected '$', got 'G'"});
  CHECK(parseAll("*1\r\n$-1\r\n") == Lines{"!ERR Protocol error: invalid bulk length"});
  CHECK(parseAll("*1\r\n$abc\r\n") == Lines{"!ERR Protocol error: invalid bulk length"});
  CHECK(parseAll("*1\r\n$536870913\r\n") == Lines{"!ERR Protocol error: invalid bulk length"});
  CHECK(parseAll("*" + std::string(70000, '1')) == Lines{"!ERR Protocol error: too big mbulk count string"});
  CHECK(parseAll("*1\r\n$" + std::string(70000, '1')) == Lines{"!ERR Protocol error: too big bulk count string"});
  CHECK(parseAll(std::string(70000, 'a')) == Lines{"!ERR Protocol error: too big inline request"});
}

TEST(limits_refuse_before_waiting_for_the_bytes) {
  RespLimits limits;
  limits.max_args = 3;
  limits.max_bulk_len = 10;
  // The announced count and length are refused at once: nothing of them
  // is waited for (or allocated).
  CHECK(parseAll("*4\r\n", limits) == Lines{"!ERR Protocol error: too many arguments (4 > max-command-args 3)"});
  CHECK(parseAll("*1\r\n$11\r\n", limits) == Lines{"!ERR Protocol error: invalid bulk length"});
  CHECK(parseAll("a b c d\r\n", limits) == Lines{"!ERR Protocol error: too many arguments (4 > max-command-args 3)"});
  CHECK(parseAll("a 01234567890\r\n", limits) == Lines{"!ERR Protocol error: invalid bulk length"});
  CHECK(parseAll("*3\r\n$1\r\na\r\n$1\r\nb\r\n$10\r\n0123456789\r\n", limits) == Lines{"a|b|0123456789"});
}

TEST(before_authentication_requests_are_small) {
  RespLimits limits;
  limits.unauthenticated = true;
  CHECK(parseAll("*11\r\n", limits) == Lines{"!ERR Protocol error: unauthenticated multibulk length"});
  CHECK(parseAll("*1\r\n$16385\r\n", limits) == Lines{"!ERR Protocol error: unauthenticated bulk length"});
  CHECK(parseAll("*2\r\n$4\r\nAUTH\r\n$16384\r\n", limits) == Lines{"+22"});  // waits for the bulk
  CHECK(parseAll("*10\r\n", limits) == Lines{"+5"});
  // Inline requests have only the inline limit, as in Redis.
  CHECK(parseAll("a b c d e f g h i j k\r\n", limits) == Lines{"a|b|c|d|e|f|g|h|i|j|k"});
}

TEST(replies_in_resp2_and_resp3) {
  auto all = [](ReplyBuilder& b) {
    b.simple("OK");
    b.error("ERR nope");
    b.integer(-42);
    b.bulk(std::string_view("a\r\nb", 4));
    b.null();
    b.nullArray();
    b.dbl(0.1);
    b.boolean(true);
  };
  CHECK_EQ(resp(all, 2), "+OK\r\n-ERR nope\r\n:-42\r\n$4\r\na\r\nb\r\n$-1\r\n*-1\r\n$19\r\n0.10000000000000001\r\n:1\r\n");
  CHECK_EQ(resp(all, 3), "+OK\r\n-ERR nope\r\n:-42\r\n$4\r\na\r\nb\r\n_\r\n_\r\n,0.10000000000000001\r\n#t\r\n");
  auto nested = [](ReplyBuilder& b) {
    b.map(2);
    b.bulk("k");
    b.array(2);
    b.integer(1);
    b.set(1);
    b.bulk("m");
    b.bulk("inf");
    b.dbl(-1.0 / 0.0);
  };
  CHECK_EQ(resp(nested, 2), "*4\r\n$1\r\nk\r\n*2\r\n:1\r\n*1\r\n$1\r\nm\r\n$3\r\ninf\r\n$4\r\n-inf\r\n");
  CHECK_EQ(resp(nested, 3), "%2\r\n$1\r\nk\r\n*2\r\n:1\r\n~1\r\n$1\r\nm\r\n$3\r\ninf\r\n,-inf\r\n");
  CHECK_EQ(resp([](ReplyBuilder& b) { b.array(0); }, 2), "*0\r\n");
}

TEST(random_requests_fed_in_random_pieces_come_out_whole) {
  std::mt19937_64 rng(20261122);
  for (int round = 0; round < 300; round++) {
    // A pipeline of random requests, multibulk with binary arguments.
    std::vector<std::vector<std::string>> sent;
    std::string wire;
    const int requests = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < requests; i++) {
      std::vector<std::string> argv(1 + rng() % 5);
      wire += "*" + std::to_string(argv.size()) + "\r\n";
      for (std::string& arg : argv) {
        arg.resize(rng() % 40);
        for (char& c : arg) c = static_cast<char>(rng());
        wire += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
      }
      sent.push_back(argv);
    }
    // The caller's loop: bytes arrive in random pieces; parse whenever
    // `wanted` is reached; drop what is consumed.
    RespRequestParser parser;
    std::vector<ByteView> argv;
    std::vector<std::vector<std::string>> received;
    std::string buffer;
    size_t wanted = 1;
    for (size_t at = 0; at < wire.size();) {
      const size_t piece = std::min<size_t>(1 + rng() % 64, wire.size() - at);
      buffer.append(wire, at, piece);
      at += piece;
      while (buffer.size() >= wanted) {
        RespParse r = parser.next(buffer, argv, {});
        REQUIRE(r.status != Status::kError);
        if (r.status == Status::kIncomplete) {
          buffer.erase(0, r.consumed);
          wanted = r.wanted - r.consumed;
          break;
        }
        received.emplace_back(argv.begin(), argv.end());  // before the views' bytes go
        buffer.erase(0, r.consumed);
        wanted = 1;
        if (buffer.empty()) break;
      }
    }
    CHECK(buffer.empty());
    CHECK(received == sent);
  }
}

TEST(random_bytes_end_in_a_request_an_error_or_a_wait) {
  std::mt19937_64 rng(7);
  const std::string alphabet = "*$\r\n0123456789- \"'\\xabAZ";
  for (int round = 0; round < 20000; round++) {
    std::string input(rng() % 64, '\0');
    for (char& c : input) c = rng() % 4 == 0 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    RespRequestParser parser;
    std::vector<ByteView> argv;
    size_t at = 0;
    while (at < input.size()) {
      RespParse r = parser.next(std::string_view(input).substr(at), argv, {});
      if (r.status == Status::kError) {
        CHECK(r.error.rfind("ERR Protocol error: ", 0) == 0);
        break;
      }
      CHECK(r.consumed <= input.size() - at);
      if (r.status == Status::kIncomplete) {
        CHECK(r.wanted > input.size() - at);
        break;
      }
      CHECK(r.consumed > 0);
      at += r.consumed;
    }
  }
}
