// Unit tests of the blocking commands' core half (commands/lists.cc,
// commands/zsets.cc, commands/blocking_args.h): BLPOP, BRPOP, BLMOVE,
// BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP serve at once when they can, and
// otherwise reply null and record a Store::BlockRequest (only when the front
// end allowed blocking). Expected replies and errors are redis-server
// 7.0.15's (checked against it, inside MULTI where it cannot block).
#include <optional>
#include <string>
#include <vector>

#include "check.h"
#include "core/reply.h"
#include "core/store.h"

using namespace ember;

namespace {

// One reply rendered as text: "$a" bulk, ":3" integer, "-ERR ..." error,
// "nil" null, "*nil" null array, "[x, y]" array.
std::string render(ReplyReader& r) {
  ReplyValue v = r.next();
  switch (v.type) {
    case ReplyType::kSimple:
      return "+" + std::string(v.str);
    case ReplyType::kError:
      return "-" + std::string(v.str);
    case ReplyType::kBulk:
      return "$" + std::string(v.str);
    case ReplyType::kInteger:
      return ":" + std::to_string(v.integer);
    case ReplyType::kNull:
      return "nil";
    case ReplyType::kNullArray:
      return "*nil";
    case ReplyType::kArray:
    case ReplyType::kSet: {  // COMMAND INFO's flags (a set in RESP3)
      std::string out = "[";
      for (uint32_t i = 0; i < v.count; i++) out += (i ? ", " : "") + render(r);
      return out + "]";
    }
    default:
      return "?";
  }
}

// A store and a way to run one command and read its reply as text.
struct Fixture {
  Store store;
  ReplyBuilder out;

  std::string run(std::vector<ByteView> argv) {
    out.clear();
    store.execute(argv, out);
    ReplyReader reader(out.bytes());
    std::string text = render(reader);
    CHECK(reader.atEnd());  // exactly one reply
    return text;
  }
};

const std::string kWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";

}  // namespace

TEST(blpop_brpop_serve_the_first_list_at_once) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"RPUSH", "l", "a", "b", "c"});
  CHECK_EQ(f.run({"BLPOP", "nokey", "l", "0"}), "[$l, $a]");
  CHECK_EQ(f.run({"BRPOP", "l", "nokey", "0"}), "[$l, $c]");
  CHECK(!f.store.takeBlockRequest());  // served: nothing to wait for
  CHECK_EQ(f.run({"BLPOP", "l", "1"}), "[$l, $b]");
  CHECK_EQ(f.run({"EXISTS", "l"}), ":0");  // the emptied list is deleted
  CHECK(!f.store.takeBlockRequest());
}

TEST(nothing_to_serve_replies_null_and_records_the_wait) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"SET", "s", "x"});
  CHECK_EQ(f.run({"BLPOP", "a", "b", "a", "0"}), "*nil");
  std::optional<Store::BlockRequest> req = f.store.takeBlockRequest();
  REQUIRE(req.has_value());
  CHECK_EQ(req->db_index, 0);
  CHECK((req->keys == std::vector<std::string>{"a", "b"}));  // argument order, each once
  CHECK_EQ(req->timeout_ms, 0);  // 0: for ever
  CHECK(!f.store.takeBlockRequest());  // taken once

  CHECK_EQ(f.run({"BRPOP", "x", "0.5"}), "*nil");
  req = f.store.takeBlockRequest();
  REQUIRE(req.has_value());
  CHECK((req->keys == std::vector<std::string>{"x"}));
  CHECK_EQ(req->timeout_ms, 500);

  // The next command clears a request nobody took.
  CHECK_EQ(f.run({"BLPOP", "x", "1"}), "*nil");
  f.run({"GET", "s"});
  CHECK(!f.store.takeBlockRequest());
}

TEST(without_allow_blocking_nothing_is_recorded) {
  Fixture f;  // the embedded engine's mode: blocking not allowed
  CHECK(!f.store.blockingAllowed());
  CHECK_EQ(f.run({"BLPOP", "a", "0"}), "*nil");
  CHECK_EQ(f.run({"BRPOP", "a", "0"}), "*nil");
  CHECK_EQ(f.run({"BLMOVE", "a", "b", "LEFT", "LEFT", "0"}), "nil");
  CHECK_EQ(f.run({"BLMPOP", "0", "1", "a", "LEFT"}), "*nil");
  CHECK_EQ(f.run({"BZPOPMIN", "a", "0"}), "*nil");
  CHECK_EQ(f.run({"BZPOPMAX", "a", "0"}), "*nil");
  CHECK_EQ(f.run({"BZMPOP", "0", "1", "a", "MIN"}), "*nil");
  CHECK(!f.store.takeBlockRequest());
}

TEST(request_in_the_selected_database) {
  Fixture f;
  f.store.allowBlocking(true);
  std::vector<ByteView> argv{"BZPOPMIN", "k", "2.5"};
  f.out.clear();
  f.store.execute(argv, f.out, 3);
  std::optional<Store::BlockRequest> req = f.store.takeBlockRequest();
  REQUIRE(req.has_value());
  CHECK_EQ(req->db_index, 3);
  CHECK_EQ(req->timeout_ms, 2500);
}

TEST(timeouts_convert_as_redis_does) {
  Fixture f;
  f.store.allowBlocking(true);
  struct Case {
    const char* text;
    int64_t ms;
  };
  // Seconds as a long double, times 1000, rounded up (Redis 7.0.8+): a
  // tiny positive timeout is 1 ms, not "for ever"; (-1 ms, 0] is 0.
  for (Case c : {Case{"0", 0}, Case{"0.5", 500}, Case{"1", 1000}, Case{"1.5e-3", 2}, Case{"0.001", 1},
                 Case{"0.002", 2}, Case{"0.0001", 1}, Case{"1e-400", 1}, Case{"-0.0001", 0}, Case{"-0.001", 0},
                 Case{"-0", 0}, Case{"0x10", 16000}, Case{".25", 250}, Case{"9223372036854775", 9223372036854775000}}) {
    CHECK_EQ(f.run({"BLPOP", "nokey", c.text}), "*nil");
    std::optional<Store::BlockRequest> req = f.store.takeBlockRequest();
    REQUIRE(req.has_value());
    CHECK_EQ(req->timeout_ms, c.ms);
  }
  const std::string not_float = "-ERR timeout is not a float or out of range";
  const std::string negative = "-ERR timeout is negative";
  for (const char* bad : {"abc", "", " 1", "1 ", "nan", "1e5000", "1s"}) CHECK_EQ(f.run({"BLPOP", "k", bad}), not_float);
  // Past the int64 range in ms (infinities too) Redis's cast gives
  // LLONG_MIN on x86-64: "negative".
  for (const char* neg : {"-1", "-0.0011", "inf", "-inf", "1e17", "1e300", "9223372036854776"}) {
    CHECK_EQ(f.run({"BLPOP", "k", neg}), negative);
  }
  CHECK(!f.store.takeBlockRequest());  // errors never block
}

TEST(blpop_checks_the_timeout_then_types_in_key_order) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"SET", "s", "x"});
  f.run({"RPUSH", "l", "a", "b"});
  CHECK_EQ(f.run({"BLPOP", "s", "x"}), "-ERR timeout is not a float or out of range");
  CHECK_EQ(f.run({"BLPOP", "nokey", "s", "l", "0"}), kWrongType);
  CHECK_EQ(f.run({"BLPOP", "l", "s", "0"}), "[$l, $a]");  // served before s is looked at
  CHECK_EQ(f.run({"BZPOPMIN", "nokey", "s", "0"}), kWrongType);
  CHECK_EQ(f.run({"BZPOPMIN", "l", "0"}), kWrongType);
  CHECK(!f.store.takeBlockRequest());
}

TEST(blmove_moves_now_and_signals_the_destination) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"RPUSH", "src", "a", "b"});
  f.store.trackReadyKeys(true);
  CHECK_EQ(f.run({"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"}), "$b");
  CHECK_EQ(f.run({"BLMOVE", "src", "dst", "left", "left", "0"}), "$a");
  CHECK_EQ(f.run({"EXISTS", "src"}), ":0");
  CHECK_EQ(f.run({"LRANGE", "dst", "0", "-1"}), "[$a, $b]");
  std::vector<Store::ReadyKey> ready = f.store.takeReadyKeys();
  REQUIRE_EQ(ready.size(), 2);
  CHECK_EQ(ready[0].key, "dst");
  CHECK_EQ(ready[1].key, "dst");
  CHECK(!f.store.takeBlockRequest());
}

TEST(blmove_waits_on_its_source_only) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"SET", "str", "x"});
  // No source list: null, whatever the destination holds (Redis looks at it
  // only once there is something to move).
  CHECK_EQ(f.run({"BLMOVE", "src", "str", "LEFT", "RIGHT", "0.01"}), "nil");
  std::optional<Store::BlockRequest> req = f.store.takeBlockRequest();
  REQUIRE(req.has_value());
  CHECK((req->keys == std::vector<std::string>{"src"}));
  CHECK_EQ(req->timeout_ms, 10);
  f.run({"RPUSH", "src", "a"});
  CHECK_EQ(f.run({"BLMOVE", "src", "str", "LEFT", "RIGHT", "0"}), kWrongType);
  CHECK_EQ(f.run({"LLEN", "src"}), ":1");  // nothing moved
  CHECK_EQ(f.run({"BLMOVE", "str", "src", "LEFT", "RIGHT", "0"}), kWrongType);
  // Order of checks: the two ends, then the timeout, then the source.
  CHECK_EQ(f.run({"BLMOVE", "str", "src", "UP", "RIGHT", "x"}), "-ERR syntax error");
  CHECK_EQ(f.run({"BLMOVE", "str", "src", "LEFT", "UP", "x"}), "-ERR syntax error");
  CHECK_EQ(f.run({"BLMOVE", "str", "src", "LEFT", "RIGHT", "x"}), "-ERR timeout is not a float or out of range");
  CHECK_EQ(f.run({"BLMOVE", "str", "src", "LEFT", "RIGHT", "-1"}), "-ERR timeout is negative");
  CHECK(!f.store.takeBlockRequest());
}

TEST(blmpop_serves_like_lmpop_or_waits_on_numkeys_keys) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"RPUSH", "l", "a", "b", "c"});
  CHECK_EQ(f.run({"BLMPOP", "0", "2", "nokey", "l", "RIGHT", "COUNT", "2"}), "[$l, [$c, $b]]");
  CHECK_EQ(f.run({"BLMPOP", "0", "1", "l", "LEFT"}), "[$l, [$a]]");
  CHECK_EQ(f.run({"EXISTS", "l"}), ":0");
  CHECK(!f.store.takeBlockRequest());

  CHECK_EQ(f.run({"BLMPOP", "1.5", "3", "x", "y", "z", "LEFT", "COUNT", "9"}), "*nil");
  std::optional<Store::BlockRequest> req = f.store.takeBlockRequest();
  REQUIRE(req.has_value());
  CHECK((req->keys == std::vector<std::string>{"x", "y", "z"}));
  CHECK_EQ(req->timeout_ms, 1500);
}

TEST(blmpop_checks_arguments_in_redis_order) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"SET", "s", "x"});
  // numkeys, LEFT|RIGHT, COUNT, then the timeout, then the keys' types.
  CHECK_EQ(f.run({"BLMPOP", "x", "0", "s", "UP"}), "-ERR numkeys should be greater than 0");
  CHECK_EQ(f.run({"BLMPOP", "x", "2", "s", "LEFT"}), "-ERR syntax error");
  CHECK_EQ(f.run({"BLMPOP", "x", "9223372036854775807", "s", "LEFT"}), "-ERR syntax error");
  CHECK_EQ(f.run({"BLMPOP", "x", "1", "s", "UP"}), "-ERR syntax error");
  CHECK_EQ(f.run({"BLMPOP", "x", "1", "s", "LEFT", "COUNT", "0"}), "-ERR count should be greater than 0");
  CHECK_EQ(f.run({"BLMPOP", "x", "1", "s", "LEFT", "COUNT", "1", "COUNT", "1"}), "-ERR syntax error");
  CHECK_EQ(f.run({"BLMPOP", "x", "1", "s", "LEFT"}), "-ERR timeout is not a float or out of range");
  CHECK_EQ(f.run({"BLMPOP", "-1", "1", "s", "LEFT"}), "-ERR timeout is negative");
  CHECK_EQ(f.run({"BLMPOP", "0", "2", "nokey", "s", "LEFT"}), kWrongType);
  CHECK_EQ(f.run({"BLMPOP", "0", "1", "s"}), "-ERR wrong number of arguments for 'blmpop' command");
  CHECK(!f.store.takeBlockRequest());
}

TEST(bzpopmin_bzpopmax_reply_key_member_score) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"ZADD", "z", "1", "a", "2", "b", "3.5", "c"});
  CHECK_EQ(f.run({"BZPOPMIN", "nokey", "z", "0"}), "[$z, $a, $1]");
  CHECK_EQ(f.run({"BZPOPMAX", "z", "0"}), "[$z, $c, $3.5]");
  CHECK_EQ(f.run({"BZPOPMAX", "z", "0"}), "[$z, $b, $2]");
  CHECK_EQ(f.run({"EXISTS", "z"}), ":0");
  CHECK(!f.store.takeBlockRequest());
  CHECK_EQ(f.run({"BZPOPMAX", "z", "y", "0.001"}), "*nil");
  std::optional<Store::BlockRequest> req = f.store.takeBlockRequest();
  REQUIRE(req.has_value());
  CHECK((req->keys == std::vector<std::string>{"z", "y"}));
  CHECK_EQ(req->timeout_ms, 1);
}

TEST(bzmpop_serves_like_zmpop_or_waits) {
  Fixture f;
  f.store.allowBlocking(true);
  f.run({"SET", "s", "x"});
  f.run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  CHECK_EQ(f.run({"BZMPOP", "0", "2", "nokey", "z", "MAX", "COUNT", "2"}), "[$z, [[$c, $3], [$b, $2]]]");
  CHECK_EQ(f.run({"BZMPOP", "0", "1", "z", "min", "COUNT", "5"}), "[$z, [[$a, $1]]]");
  CHECK_EQ(f.run({"EXISTS", "z"}), ":0");
  CHECK(!f.store.takeBlockRequest());
  CHECK_EQ(f.run({"BZMPOP", "2", "2", "z", "w", "MIN"}), "*nil");
  std::optional<Store::BlockRequest> req = f.store.takeBlockRequest();
  REQUIRE(req.has_value());
  CHECK((req->keys == std::vector<std::string>{"z", "w"}));
  CHECK_EQ(req->timeout_ms, 2000);
  // numkeys, MIN|MAX, COUNT, then the timeout, then the types.
  CHECK_EQ(f.run({"BZMPOP", "x", "0", "z", "FOO"}), "-ERR numkeys should be greater than 0");
  CHECK_EQ(f.run({"BZMPOP", "x", "1", "z", "FOO"}), "-ERR syntax error");
  CHECK_EQ(f.run({"BZMPOP", "x", "1", "z", "MIN", "COUNT", "-1"}), "-ERR count should be greater than 0");
  CHECK_EQ(f.run({"BZMPOP", "x", "1", "z", "MIN"}), "-ERR timeout is not a float or out of range");
  CHECK_EQ(f.run({"BZMPOP", "0", "1", "s", "MIN"}), kWrongType);
  CHECK(!f.store.takeBlockRequest());
}

TEST(the_table_declares_redis_flags_and_keys) {
  // Spot checks; the full declarations are tested from JS (COMMAND INFO).
  Fixture f;
  CHECK_EQ(f.run({"COMMAND", "INFO", "blpop"}),
           "[[$blpop, :-3, [+write, +noscript, +blocking], :1, :-2, :1, [+@write, +@list, +@slow, +@blocking], [], [], "
           "[]]]");
  CHECK_EQ(f.run({"COMMAND", "INFO", "bzpopmin"}),
           "[[$bzpopmin, :-3, [+write, +noscript, +blocking, +fast], :1, :-2, :1, [+@write, +@sortedset, +@fast, "
           "+@blocking], [], [], []]]");
}
