// Unit tests of the protobuf wire codec (proto_wire.h): reply round trips
// through encodeReply / decodeReply, golden bytes computed by hand from the
// protobuf encoding spec, command batches, protobuf's decoding rules
// (unknown fields, last-wins, merging), UTF-8 sanitizing, and malformed
// input of every kind (truncation, random bytes, bad varints, lengths, wire
// types, nesting) which must give an error or a valid decode, never a crash.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "core/proto_wire.h"
#include "core/reply.h"

using namespace ember;
using namespace ember::proto;

namespace {

// "18 01" -> the bytes 0x18 0x01 (spaces ignored).
std::string fromHex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) continue;
    if (high < 0) {
      high = digit;
    } else {
      out.push_back(static_cast<char>(high * 16 + digit));
      high = -1;
    }
  }
  return out;
}

std::string encoded(const ReplyBuilder& reply) {
  std::string out;
  encodeReply(reply.bytes(), out);
  return out;
}

// Bounds-checked walk of a reply stream: the number of complete top-level
// values it holds, or -1 if it is not a sequence of complete values. Proves
// the decoders' output is well formed whatever their input.
long completeValues(std::string_view stream) {
  size_t i = 0;
  long values = 0;
  auto take = [&](size_t n) {
    if (stream.size() - i < n) return false;
    i += n;
    return true;
  };
  while (i < stream.size()) {
    uint64_t pending = 1;  // values still owed by open aggregates
    while (pending > 0) {
      pending--;
      if (i >= stream.size()) return -1;
      auto type = static_cast<ReplyType>(stream[i++]);
      uint32_t n = 0;
      switch (type) {
        case ReplyType::kSimple:
        case ReplyType::kError:
        case ReplyType::kBulk:
          if (stream.size() - i < 4) return -1;
          std::memcpy(&n, stream.data() + i, 4);
          if (!take(4) || !take(n)) return -1;
          break;
        case ReplyType::kInteger:
        case ReplyType::kDouble:
          if (!take(8)) return -1;
          break;
        case ReplyType::kBoolean:
          if (!take(1)) return -1;
          break;
        case ReplyType::kNull:
        case ReplyType::kNullArray:
          break;
        case ReplyType::kArray:
        case ReplyType::kSet:
        case ReplyType::kMap:
          if (stream.size() - i < 4) return -1;
          std::memcpy(&n, stream.data() + i, 4);
          take(4);
          pending += type == ReplyType::kMap ? 2 * uint64_t{n} : n;
          break;
        default:
          return -1;
      }
    }
    values++;
  }
  return values;
}

// encodeReply then decodeReply must give `expected` (the input itself unless
// it holds a null array, which comes back as a null).
void checkRoundTrip(const ReplyBuilder& reply, std::string_view expected) {
  std::string message = encoded(reply);
  ReplyBuilder back;
  std::optional<std::string> error = decodeReply(message, back);
  CHECK(!error.has_value());
  if (error) std::fprintf(stderr, "    %s\n", error->c_str());
  CHECK_EQ(back.bytes(), expected);
}

void checkRoundTrip(const ReplyBuilder& reply) { checkRoundTrip(reply, reply.bytes()); }

// A random reply, nested at most `depth` more levels; `same` gets the same
// reply with null arrays written as nulls (what a round trip gives back).
void randomReply(std::mt19937& rng, int depth, ReplyBuilder& out, ReplyBuilder& same) {
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  auto randomBytes = [&](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  uint32_t kind = pick(depth > 0 ? 12 : 9);
  switch (kind) {
    case 0: {
      std::string s(pick(20), 'a');  // ASCII: sanitizing leaves it alone
      out.simple(s);
      same.simple(s);
      break;
    }
    case 1: {
      std::string s = "ERR " + std::string(pick(200), 'x');
      out.error(s);
      same.error(s);
      break;
    }
    case 2: {
      int64_t v = static_cast<int64_t>((uint64_t{rng()} << 32) | rng()) >> pick(64);
      out.integer(v);
      same.integer(v);
      break;
    }
    case 3: {
      double v = std::bit_cast<double>((uint64_t{rng()} << 32) | rng());
      out.dbl(v);
      same.dbl(v);
      break;
    }
    case 4: {
      std::string s = randomBytes(pick(4) == 0 ? pick(300) : pick(10));
      out.bulk(s);
      same.bulk(s);
      break;
    }
    case 5:
      out.null();
      same.null();
      break;
    case 6:
      out.nullArray();
      same.null();
      break;
    case 7:
    case 8: {
      bool v = pick(2) == 1;
      out.boolean(v);
      same.boolean(v);
      break;
    }
    default: {
      uint32_t n = pick(4) == 0 ? pick(40) : pick(4);
      if (kind == 9) out.array(n), same.array(n);
      if (kind == 10) out.set(n), same.set(n);
      if (kind == 11) out.map(n), same.map(n);
      uint32_t values = kind == 11 ? 2 * n : n;
      for (uint32_t i = 0; i < values; i++) randomReply(rng, depth - 1, out, same);
    }
  }
}

// Valid messages of every kind, to truncate and corrupt.
std::vector<std::string> sampleReplies() {
  std::vector<std::string> samples;
  std::mt19937 rng(7);
  for (int i = 0; i < 40; i++) {
    ReplyBuilder reply, same;
    randomReply(rng, 4, reply, same);
    samples.push_back(encoded(reply));
  }
  return samples;
}

std::string sampleCommandBatch() {
  CommandBatchWriter writer;
  std::vector<ByteView> argv = {"SET", "key", std::string_view("v\0\xff", 3)};
  writer.add(argv);
  argv = {"GET", "key"};
  writer.add(argv);
  argv = {"PING"};
  writer.add(argv);
  return writer.finish(123456789);
}

// Every decoder on `bytes`: an error, or a valid decode whose output is well formed.
void decodeAnything(std::string_view bytes) {
  ReplyBuilder reply;
  if (!decodeReply(bytes, reply)) {
    CHECK_EQ(completeValues(reply.bytes()), 1);
    // Whatever was accepted re-encodes to a fixed point (the first encode
    // may still sanitize UTF-8 that the lenient decoder let through).
    std::string once = encoded(reply);
    ReplyBuilder again;
    CHECK(!decodeReply(once, again).has_value());
    CHECK_EQ(encoded(again), once);
  } else {
    CHECK(reply.bytes().empty());
  }
  ReplyBuilder batch;
  size_t count = 99;
  uint64_t id = 99;
  if (!decodeReplyBatch(bytes, batch, &count, &id)) {
    CHECK_EQ(completeValues(batch.bytes()), static_cast<long>(count));
  } else {
    CHECK(batch.bytes().empty());
    CHECK_EQ(count, 0u);
  }
  DecodedCommands commands;
  if (!decodeCommandBatch(bytes, commands)) {
    for (size_t i = 0; i < commands.size(); i++) {
      for (ByteView arg : commands.command(i)) {
        // Every view lies inside the message.
        CHECK(arg.empty() || (arg.data() >= bytes.data() &&
                              arg.data() + arg.size() <= bytes.data() + bytes.size()));
      }
    }
  } else {
    CHECK_EQ(commands.size(), 0u);
  }
  if (!decodeCommand(bytes, commands)) CHECK_EQ(commands.size(), 1u);
}

std::string decodeError(std::string_view bytes) {
  ReplyBuilder reply;
  std::optional<std::string> error = decodeReply(bytes, reply);
  return error ? *error : "";
}

std::string varint(uint64_t n) {
  std::string out;
  for (; n >= 0x80; n >>= 7) out.push_back(static_cast<char>(n | 0x80));
  out.push_back(static_cast<char>(n));
  return out;
}

// A length-delimited field with a one-byte tag.
std::string field(uint8_t tag, std::string_view body) {
  return static_cast<char>(tag) + varint(body.size()) + std::string(body);
}

// `levels` Reply.arrays nested in one another, the innermost one empty.
std::string nestedArrays(size_t levels) {
  std::string reply = fromHex("3a 00");
  for (size_t i = 1; i < levels; i++) reply = field(0x3a, field(0x0a, reply));
  return reply;
}

}  // namespace

// ---------------------------------------------------------------------------
// Round trips

TEST(round_trip_every_scalar) {
  auto one = [](auto write) {
    ReplyBuilder r;
    write(r);
    checkRoundTrip(r);
  };
  one([](ReplyBuilder& r) { r.simple("OK"); });
  one([](ReplyBuilder& r) { r.simple(""); });
  one([](ReplyBuilder& r) { r.error("ERR syntax error"); });
  one([](ReplyBuilder& r) { r.error(""); });
  one([](ReplyBuilder& r) { r.bulk(""); });
  one([](ReplyBuilder& r) { r.bulk(std::string_view("a\0b\xff\xfe\x80", 6)); });
  one([](ReplyBuilder& r) { r.bulk(std::string(70000, '\xff')); });
  one([](ReplyBuilder& r) { r.null(); });
  one([](ReplyBuilder& r) { r.boolean(true); });
  one([](ReplyBuilder& r) { r.boolean(false); });
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{63}, int64_t{-64}, int64_t{64},
                    int64_t{150}, int64_t{-150}, INT64_MAX, INT64_MIN, INT64_MIN + 1}) {
    one([v](ReplyBuilder& r) { r.integer(v); });
  }
  for (double v : {0.0, -0.0, 1.5, -1e308, 5e-324, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(),
                   std::bit_cast<double>(uint64_t{0x7ff8000000000123}),  // NaN with a payload
                   std::bit_cast<double>(uint64_t{0xfff0000000000001})}) {
    one([v](ReplyBuilder& r) { r.dbl(v); });
  }
}

TEST(round_trip_null_array_becomes_null) {
  ReplyBuilder r, expected;
  r.nullArray();
  expected.null();
  checkRoundTrip(r, expected.bytes());

  ReplyBuilder nested, nested_expected;
  nested.array(2), nested.nullArray(), nested.integer(1);
  nested_expected.array(2), nested_expected.null(), nested_expected.integer(1);
  checkRoundTrip(nested, nested_expected.bytes());
}

TEST(round_trip_aggregates) {
  ReplyBuilder empty_array, empty_set, empty_map;
  empty_array.array(0);
  empty_set.set(0);
  empty_map.map(0);
  checkRoundTrip(empty_array);
  checkRoundTrip(empty_set);
  checkRoundTrip(empty_map);

  // Nested every way: a map whose keys and values are aggregates, empty
  // strings and empty aggregates inside, built with begin/endAggregate too.
  ReplyBuilder r;
  r.map(4);
  r.bulk("");
  r.array(0);
  r.array(2);
  r.simple("");
  r.set(1);
  r.map(1);
  r.null();
  r.boolean(false);
  r.set(3);
  r.integer(INT64_MIN);
  r.dbl(-0.0);
  r.error("");
  size_t at = r.beginMap();
  r.bulk(std::string_view("\0", 1));
  r.bulk(std::string_view("\xff", 1));
  r.endAggregate(at, 1);
  at = r.beginArray();
  for (int i = 0; i < 3; i++) r.integer(i);
  r.endAggregate(at, 3);
  r.bulk("last");
  r.boolean(true);
  checkRoundTrip(r);
}

TEST(round_trip_sizes_across_varint_boundaries) {
  // Aggregate bodies of 127 / 128 / 16383 / 16384 bytes (and around) change
  // the width of their length prefixes: measure and write must agree.
  for (size_t len : {0, 1, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 16370, 16375, 16376,
                     16377, 16378, 16379, 16380, 16381, 16382, 16383, 16384, 16385}) {
    ReplyBuilder list;
    list.array(1);
    list.bulk(std::string(len, 'x'));
    checkRoundTrip(list);
    ReplyBuilder map;
    map.map(1);
    map.array(1);
    map.bulk(std::string(len, 'k'));
    map.set(2);
    map.bulk(std::string(len / 2, 'v'));
    map.simple(std::string(len - len / 2, 's'));
    checkRoundTrip(map);
  }
}

TEST(round_trip_random_replies) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 2000; i++) {
    ReplyBuilder reply, same;
    randomReply(rng, 5, reply, same);
    checkRoundTrip(reply, same.bytes());
  }
}

TEST(round_trip_large_reply) {
  // A HGETALL-sized reply: linear time, and one output allocation.
  ReplyBuilder r;
  const uint32_t pairs = 200000;
  r.map(pairs);
  for (uint32_t i = 0; i < pairs; i++) {
    r.bulk("field:" + std::to_string(i));
    r.integer(i);
  }
  checkRoundTrip(r);
}


TEST(round_trip_deep_nesting) {
  // 64 nested aggregates decode (arrays, and maps through their values).
  ReplyBuilder arrays;
  for (size_t i = 0; i < kMaxReplyDepth; i++) arrays.array(1);
  arrays.integer(7);
  checkRoundTrip(arrays);

  ReplyBuilder maps;
  for (size_t i = 0; i < kMaxReplyDepth; i++) maps.map(1), maps.bulk("k");
  maps.boolean(true);
  checkRoundTrip(maps);
}

// ---------------------------------------------------------------------------
// Golden bytes, computed by hand from the protobuf encoding spec.
//
// A field's tag is the varint (field_number << 3) | wire_type, where wire
// type 0 = varint, 1 = fixed64, 2 = length-delimited, 5 = fixed32. Varints
// are little-endian base 128, high bit = "more bytes follow". sint64 is
// zigzag-encoded first: n >= 0 -> 2n, n < 0 -> -2n - 1.

TEST(golden_reply_scalars) {
  auto bytesOf = [](auto write) {
    ReplyBuilder r;
    write(r);
    return encoded(r);
  };
  // integer = 3, varint: tag 3<<3|0 = 0x18; zigzag(-1) = 1.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.integer(-1); }), fromHex("18 01"));
  // zigzag(150) = 300 = 0b10_0101100 -> 0xac 0x02.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.integer(150); }), fromHex("18 ac 02"));
  // integer 0 is still written: a oneof field is present even at its default.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.integer(0); }), fromHex("18 00"));
  // zigzag(INT64_MIN) = 2^64 - 1: nine 0xff then 0x01 (ten bytes, 64 bits).
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.integer(INT64_MIN); }),
           fromHex("18 ff ff ff ff ff ff ff ff ff 01"));
  // bulk = 5, length-delimited: tag 5<<3|2 = 0x2a, length 1, 'a'.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.bulk("a"); }), fromHex("2a 01 61"));
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.bulk(""); }), fromHex("2a 00"));
  // A 128-byte bulk: length 128 = 0x80 0x01.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.bulk(std::string(128, 'x')); }),
           fromHex("2a 80 01") + std::string(128, 'x'));
  // null = 6, an empty Null message: tag 6<<3|2 = 0x32, length 0.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.null(); }), fromHex("32 00"));
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.nullArray(); }), fromHex("32 00"));
  // simple = 1: tag 0x0a; error = 2: tag 0x12.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.ok(); }), fromHex("0a 02 4f 4b"));
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.simple(""); }), fromHex("0a 00"));
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.error("ERR x"); }), fromHex("12 05 45 52 52 20 78"));
  // double_value = 4, fixed64: tag 4<<3|1 = 0x21; 1.0 = 0x3ff0000000000000
  // written little-endian.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.dbl(1.0); }), fromHex("21 00 00 00 00 00 00 f0 3f"));
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.dbl(-0.0); }), fromHex("21 00 00 00 00 00 00 00 80"));
  // boolean = 10, varint: tag 10<<3|0 = 0x50.
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.boolean(true); }), fromHex("50 01"));
  CHECK_EQ(bytesOf([](ReplyBuilder& r) { r.boolean(false); }), fromHex("50 00"));
}

TEST(golden_reply_aggregates) {
  // array = 7: tag 0x3a; set = 9: 0x4a; map = 8: 0x42. Empty: length 0.
  ReplyBuilder a, s, m;
  a.array(0), s.set(0), m.map(0);
  CHECK_EQ(encoded(a), fromHex("3a 00"));
  CHECK_EQ(encoded(s), fromHex("4a 00"));
  CHECK_EQ(encoded(m), fromHex("42 00"));

  // [1]: the element Reply{integer: 1} = 18 02 (2 bytes); as
  // ReplyList.values (field 1: tag 0x0a) that is 0a 02 18 02 (4 bytes).
  ReplyBuilder one;
  one.array(1), one.integer(1);
  CHECK_EQ(encoded(one), fromHex("3a 04 0a 02 18 02"));

  // {"k": 1}: key Reply{bulk:"k"} = 2a 01 6b (3 bytes), value Reply = 18 02;
  // ReplyPair = key (field 1, 0x0a) + value (field 2, 0x12)
  //           = 0a 03 2a 01 6b 12 02 18 02 (9 bytes);
  // ReplyMap = pairs (field 1, 0x0a) = 0a 09 <pair> (11 bytes).
  ReplyBuilder map;
  map.map(1), map.bulk("k"), map.integer(1);
  CHECK_EQ(encoded(map), fromHex("42 0b 0a 09 0a 03 2a 01 6b 12 02 18 02"));
}

TEST(golden_reply_batch) {
  // Reply{simple:"OK"} = 0a 02 4f 4b -> replies (field 1) = 0a 04 0a 02 4f 4b;
  // Reply{integer:-1} = 18 01       -> 0a 02 18 01;
  // id = 2, varint: tag 0x10, then 7.
  ReplyBatchWriter writer;
  ReplyBuilder r;
  r.ok();
  writer.add(r.bytes());
  r.clear();
  r.integer(-1);
  writer.add(r.bytes());
  CHECK_EQ(writer.finish(7), fromHex("0a 04 0a 02 4f 4b 0a 02 18 01 10 07"));

  // id 0 is proto3's default: not written. An empty batch is zero bytes.
  writer.clear();
  CHECK_EQ(writer.finish(0), "");
  writer.clear();
  r.clear();
  r.null();
  writer.add(r.bytes());
  CHECK_EQ(writer.finish(0), fromHex("0a 02 32 00"));

  ReplyBuilder back;
  size_t count = 0;
  uint64_t id = 0;
  CHECK(!decodeReplyBatch(fromHex("0a 04 0a 02 4f 4b 0a 02 18 01 10 07"), back, &count, &id));
  ReplyBuilder expected;
  expected.ok();
  expected.integer(-1);
  CHECK_EQ(back.bytes(), expected.bytes());
  CHECK_EQ(count, 2u);
  CHECK_EQ(id, 7u);
}

TEST(golden_commands) {
  // Command{name:"GET", args:["k"]}: name (field 1, 0x0a) 0a 03 47 45 54,
  // args (field 2, 0x12) 12 01 6b: 8 bytes. In a CommandBatch, commands is
  // field 1: 0a 08 <command>; id 300 (field 2, 0x10) = 10 ac 02.
  std::vector<ByteView> argv = {"GET", "k"};
  std::string command;
  encodeCommand(argv, command);
  CHECK_EQ(command, fromHex("0a 03 47 45 54 12 01 6b"));

  CommandBatchWriter writer;
  writer.add(argv);
  CHECK_EQ(writer.finish(0), fromHex("0a 08 0a 03 47 45 54 12 01 6b"));
  writer.clear();
  writer.add(argv);
  CHECK_EQ(writer.finish(300), fromHex("0a 08 0a 03 47 45 54 12 01 6b 10 ac 02"));

  // An empty name is proto3's default and left out; an empty arg is a
  // repeated element and always written.
  std::vector<ByteView> unnamed = {"", ""};
  command.clear();
  encodeCommand(unnamed, command);
  CHECK_EQ(command, fromHex("12 00"));
}

// ---------------------------------------------------------------------------
// Commands

TEST(command_batch_round_trip) {
  std::mt19937 rng(99);
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 1000; i++) {
    std::vector<std::string> argv;
    argv.push_back(i % 100 == 0 ? "" : "CMD" + std::to_string(i));
    size_t args = rng() % 6;
    for (size_t j = 0; j < args; j++) {
      std::string arg(rng() % 4 == 0 ? 0 : rng() % (j == 0 ? 300 : 20), '\0');
      for (char& c : arg) c = static_cast<char>(rng());  // NUL and 0xff included
      argv.push_back(arg);
    }
    commands.push_back(argv);
  }
  CommandBatchWriter writer;
  for (const auto& argv : commands) {
    std::vector<ByteView> views(argv.begin(), argv.end());
    writer.add(views);
  }
  std::string message = writer.finish(UINT64_MAX);

  DecodedCommands decoded;
  decoded.argv.push_back("stale");  // decoding starts from a clear slate
  REQUIRE(!decodeCommandBatch(message, decoded));
  REQUIRE_EQ(decoded.size(), commands.size());
  CHECK_EQ(decoded.id, UINT64_MAX);
  for (size_t i = 0; i < commands.size(); i++) {
    std::span<const ByteView> argv = decoded.command(i);
    REQUIRE_EQ(argv.size(), commands[i].size());
    for (size_t j = 0; j < argv.size(); j++) CHECK_EQ(argv[j], commands[i][j]);
  }

  // A single Command, and an empty one (no name: a valid decode).
  for (const auto& argv : {commands[0], commands[1], std::vector<std::string>{}}) {
    std::vector<ByteView> views(argv.begin(), argv.end());
    std::string body;
    encodeCommand(views, body);
    REQUIRE(!decodeCommand(body, decoded));
    REQUIRE_EQ(decoded.size(), 1u);
    CHECK_EQ(decoded.id, 0u);
    std::span<const ByteView> back = decoded.command(0);
    REQUIRE_EQ(back.size(), std::max<size_t>(argv.size(), 1));
    CHECK_EQ(back[0], argv.empty() ? "" : argv[0]);
    for (size_t j = 1; j < argv.size(); j++) CHECK_EQ(back[j], argv[j]);
  }
}

TEST(command_batch_follows_protobuf_rules) {
  // id 5; a Command with its args before its name; an unknown field; an
  // empty Command; id again (the last one wins).
  std::string message = fromHex("10 05") + field(0x0a, fromHex("12 01 6b 0a 03 47 45 54")) +
                        fromHex("78 01") + fromHex("0a 00") + fromHex("10 07");
  DecodedCommands decoded;
  REQUIRE(!decodeCommandBatch(message, decoded));
  REQUIRE_EQ(decoded.size(), 2u);
  CHECK_EQ(decoded.id, 7u);
  REQUIRE_EQ(decoded.command(0).size(), 2u);
  CHECK_EQ(decoded.command(0)[0], "GET");
  CHECK_EQ(decoded.command(0)[1], "k");
  REQUIRE_EQ(decoded.command(1).size(), 1u);
  CHECK_EQ(decoded.command(1)[0], "");

  // Inside a Command: the name twice (last wins), unknown fields of every
  // wire type, a name with the wrong wire type (an unknown field).
  std::string command = fromHex("0a 01 61 12 01 31 08 05 78 09 81 01 00 00 00 00 00 00 00 00") +
                        fromHex("8a 01 02 aa bb 95 01 00 00 00 00 0a 01 62 12 00");
  REQUIRE(!decodeCommand(command, decoded));
  REQUIRE_EQ(decoded.size(), 1u);
  REQUIRE_EQ(decoded.command(0).size(), 3u);
  CHECK_EQ(decoded.command(0)[0], "b");
  CHECK_EQ(decoded.command(0)[1], "1");
  CHECK_EQ(decoded.command(0)[2], "");

  // commands with the wrong wire type are unknown fields too.
  REQUIRE(!decodeCommandBatch(fromHex("08 05"), decoded));
  CHECK_EQ(decoded.size(), 0u);
}

TEST(command_errors) {
  DecodedCommands decoded;
  std::optional<std::string> error = decodeCommandBatch(fromHex("0a 08 0a 03 47 45"), decoded);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "malformed CommandBatch: length-delimited field runs past the end at byte 0");
  CHECK_EQ(decoded.size(), 0u);
  CHECK(decoded.argv.empty());

  // The offset counts from the start of the outer message.
  error = decodeCommandBatch(fromHex("0a 03 0a 05 47"), decoded);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "malformed CommandBatch: length-delimited field runs past the end at byte 2");

  error = decodeCommandBatch(fromHex("0a 08 0a 03 47 45 54 12 01 6b 10"), decoded);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "malformed CommandBatch: truncated varint at byte 11");

  error = decodeCommand(fromHex("0b"), decoded);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "malformed Command: unsupported wire type 3 (group) at byte 0");
  CHECK_EQ(decoded.size(), 0u);
}

namespace {

// A CommandBatch of `commands` commands, each `argc` long (name included).
std::string batchOf(size_t commands, size_t argc) {
  std::vector<ByteView> argv(argc, "x");
  argv[0] = "DEL";
  CommandBatchWriter writer;
  for (size_t i = 0; i < commands; i++) writer.add(argv);
  return writer.finish(9);
}

}  // namespace

TEST(command_limits) {
  DecodedCommands decoded;
  const DecodeLimits limits{4, 3};
  // At the limits: decodes.
  REQUIRE(!decodeCommandBatch(batchOf(3, 4), decoded, "CommandBatch", limits));
  CHECK_EQ(decoded.size(), 3u);

  // One argument too many (the name counts): nothing decoded, the whole
  // argv counted in the text.
  std::optional<std::string> error = decodeCommandBatch(batchOf(2, 7), decoded, "CommandBatch", limits);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "ERR Protocol error: too many arguments (7 > max-command-args 4)");
  CHECK_EQ(decoded.size(), 0u);
  CHECK(decoded.argv.empty());

  // One command too many: every command counted, none stored.
  error = decodeCommandBatch(batchOf(5, 1), decoded, "Transaction", limits);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "ERR Protocol error: too many commands in one batch (5 > max-batch-commands 3)");
  CHECK_EQ(decoded.size(), 0u);
  CHECK_EQ(decoded.id, 0u);

  // A single Command has the argument limit only.
  std::vector<ByteView> argv = {"MSET", "a", "1", "b", "2"};
  std::string command;
  encodeCommand(argv, command);
  error = decodeCommand(command, decoded, limits);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "ERR Protocol error: too many arguments (5 > max-command-args 4)");
  CHECK_EQ(decoded.size(), 0u);
  REQUIRE(!decodeCommand(command, decoded, DecodeLimits{5, 1}));
  CHECK_EQ(decoded.command(0).size(), 5u);

  // Malformed bytes met before the limit is known still say so.
  error = decodeCommandBatch(batchOf(5, 1) + fromHex("0a 05 47"), decoded, "CommandBatch", limits);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "malformed CommandBatch: length-delimited field runs past the end at byte 37");
}

TEST(command_db) {
  // db is field 3, a varint (tag 0x18), written only when non-zero: in a
  // Command after its args, in a CommandBatch after its id.
  std::vector<ByteView> argv = {"GET", "k"};
  std::string command;
  encodeCommand(argv, command, 3);
  CHECK_EQ(command, fromHex("0a 03 47 45 54 12 01 6b 18 03"));
  CommandBatchWriter writer;
  writer.add(argv);
  CHECK_EQ(writer.finish(300, 15), fromHex("0a 08 0a 03 47 45 54 12 01 6b 10 ac 02 18 0f"));
  writer.clear();
  writer.add(argv);
  CHECK_EQ(writer.finish(0, 0), fromHex("0a 08 0a 03 47 45 54 12 01 6b"));

  DecodedCommands decoded;
  const DecodeLimits limits{UINT64_MAX, UINT64_MAX, 16};
  REQUIRE(!decodeCommand(command, decoded, limits));
  CHECK_EQ(decoded.db, 3u);
  const std::string batch = fromHex("0a 08 0a 03 47 45 54 12 01 6b 10 ac 02 18 0f");
  REQUIRE(!decodeCommandBatch(batch, decoded, "CommandBatch", limits));
  CHECK_EQ(decoded.db, 15u);
  CHECK_EQ(decoded.id, 300u);

  // Absent: 0 (and a decode starts from 0 again).
  REQUIRE(!decodeCommand(fromHex("0a 03 47 45 54"), decoded, limits));
  CHECK_EQ(decoded.db, 0u);

  // The batch chooses: a db inside one of its Commands is skipped; the
  // batch's db may come before its commands; the last one wins.
  REQUIRE(!decodeCommandBatch(fromHex("18 02 0a 07 0a 03 47 45 54 18 09 18 05"), decoded, "CommandBatch", limits));
  CHECK_EQ(decoded.db, 5u);
  REQUIRE_EQ(decoded.command(0).size(), 1u);
  // With the wrong wire type it is an unknown field.
  REQUIRE(!decodeCommand(fromHex("0a 03 47 45 54 1a 01 07"), decoded, limits));
  CHECK_EQ(decoded.db, 0u);
  // A uint32 sent as a wider varint keeps its low 32 bits (2^32 + 1 -> 1).
  REQUIRE(!decodeCommand(fromHex("0a 03 47 45 54 18 81 80 80 80 10"), decoded, limits));
  CHECK_EQ(decoded.db, 1u);

  // Past the databases: SELECT's error, nothing decoded, in every message.
  std::optional<std::string> error = decodeCommand(fromHex("0a 03 47 45 54 18 10"), decoded, limits);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "ERR DB index is out of range");
  CHECK_EQ(decoded.size(), 0u);
  CHECK_EQ(decoded.db, 0u);
  error = decodeCommandBatch(fromHex("0a 05 0a 03 47 45 54 18 ff ff ff ff 0f"), decoded, "Transaction", limits);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "ERR DB index is out of range");
  CHECK_EQ(decoded.size(), 0u);
  // ...but a db field inside a batch's Command is not looked at.
  REQUIRE(!decodeCommandBatch(fromHex("0a 07 0a 03 47 45 54 18 63"), decoded, "CommandBatch", limits));
  CHECK_EQ(decoded.db, 0u);
  // Malformed bytes win over the range, as over the other limits.
  error = decodeCommand(fromHex("18 63 0a 05 47"), decoded, limits);
  REQUIRE(error.has_value());
  CHECK_EQ(*error, "malformed Command: length-delimited field runs past the end at byte 2");
  // The default limits bound nothing.
  REQUIRE(!decodeCommand(fromHex("0a 03 47 45 54 18 63"), decoded));
  CHECK_EQ(decoded.db, 99u);
}

// ---------------------------------------------------------------------------
// Decoding replies: protobuf's rules

namespace {

// decodeReply's output for `bytes`, checked to be a decode (not an error).
std::string decodedStream(std::string_view bytes) {
  ReplyBuilder out;
  std::optional<std::string> error = decodeReply(bytes, out);
  CHECK(!error.has_value());
  if (error) std::fprintf(stderr, "    %s\n", error->c_str());
  return std::string(out.bytes());
}

template <class Write>
std::string stream(Write write) {
  ReplyBuilder r;
  write(r);
  return std::string(r.bytes());
}

}  // namespace

TEST(decode_empty_and_unknown_fields) {
  // No field set: null.
  CHECK_EQ(decodedStream(""), stream([](ReplyBuilder& r) { r.null(); }));
  // Unknown fields of every wire type around a value: 15 varint, 16
  // fixed64, 17 length-delimited, 18 fixed32.
  std::string unknowns = fromHex("78 05 81 01 01 02 03 04 05 06 07 08 8a 01 02 aa bb 95 01 01 02 03 04");
  CHECK_EQ(decodedStream(unknowns + fromHex("2a 01 61") + unknowns),
           stream([](ReplyBuilder& r) { r.bulk("a"); }));
  CHECK_EQ(decodedStream(unknowns), stream([](ReplyBuilder& r) { r.null(); }));
  // Known numbers with the wrong wire type are unknown fields.
  CHECK_EQ(decodedStream(fromHex("28 05 1a 01 00 22 00 3d 00 00 00 00 52 00")),
           stream([](ReplyBuilder& r) { r.null(); }));
  // ReplyList.values with the wrong wire type: an empty list.
  CHECK_EQ(decodedStream(fromHex("3a 02 08 01")), stream([](ReplyBuilder& r) { r.array(0); }));
  // A Null carrying an unknown field is still null.
  CHECK_EQ(decodedStream(fromHex("32 02 78 01")), stream([](ReplyBuilder& r) { r.null(); }));
  // A boolean is any non-zero varint; a 10-byte varint is fine.
  CHECK_EQ(decodedStream(fromHex("50 80 01")), stream([](ReplyBuilder& r) { r.boolean(true); }));
  CHECK_EQ(decodedStream(fromHex("18 ff ff ff ff ff ff ff ff ff 01")),
           stream([](ReplyBuilder& r) { r.integer(INT64_MIN); }));
  // Non-canonical (padded) varints decode too.
  CHECK_EQ(decodedStream(fromHex("18 82 80 00")), stream([](ReplyBuilder& r) { r.integer(1); }));
}

TEST(decode_last_oneof_field_wins) {
  CHECK_EQ(decodedStream(fromHex("0a 02 4f 4b 18 01")), stream([](ReplyBuilder& r) { r.integer(-1); }));
  CHECK_EQ(decodedStream(fromHex("18 01 0a 02 4f 4b")), stream([](ReplyBuilder& r) { r.ok(); }));
  CHECK_EQ(decodedStream(fromHex("18 01 18 02")), stream([](ReplyBuilder& r) { r.integer(1); }));
  CHECK_EQ(decodedStream(fromHex("3a 04 0a 02 18 02 32 00")), stream([](ReplyBuilder& r) { r.null(); }));
  CHECK_EQ(decodedStream(fromHex("32 00 50 00")), stream([](ReplyBuilder& r) { r.boolean(false); }));
  // An array, then a set: the set alone.
  CHECK_EQ(decodedStream(fromHex("3a 04 0a 02 18 02 4a 04 0a 02 18 04")),
           stream([](ReplyBuilder& r) { r.set(1), r.integer(2); }));
}

TEST(decode_repeated_message_fields_merge) {
  // The same list field twice in a row (unknown fields between do not
  // matter): protobuf merges the messages, so the lists concatenate.
  CHECK_EQ(decodedStream(fromHex("3a 04 0a 02 18 02 78 00 3a 04 0a 02 18 04")),
           stream([](ReplyBuilder& r) { r.array(2), r.integer(1), r.integer(2); }));
  // Another oneof field in between resets it: only the last run counts.
  CHECK_EQ(decodedStream(fromHex("3a 04 0a 02 18 02 0a 00 3a 04 0a 02 18 04")),
           stream([](ReplyBuilder& r) { r.array(1), r.integer(2); }));
  // Maps concatenate their pairs.
  std::string pair1 = field(0x0a, fromHex("0a 03 2a 01 61 12 02 18 02"));
  std::string pair2 = field(0x0a, fromHex("0a 03 2a 01 62 12 02 18 04"));
  CHECK_EQ(decodedStream(field(0x42, pair1) + field(0x42, pair2)),
           stream([](ReplyBuilder& r) { r.map(2), r.bulk("a"), r.integer(1), r.bulk("b"), r.integer(2); }));

  // ReplyPair.key twice: the two Replies merge (the later oneof field wins,
  // two arrays concatenate). A missing value decodes as null; the value may
  // come before the key.
  std::string key_twice = field(0x0a, fromHex("0a 03 2a 01 61 0a 02 18 02 12 02 50 01"));
  CHECK_EQ(decodedStream(field(0x42, key_twice)),
           stream([](ReplyBuilder& r) { r.map(1), r.integer(1), r.boolean(true); }));
  std::string key_arrays = field(0x0a, fromHex("0a 06 3a 04 0a 02 18 02 0a 06 3a 04 0a 02 18 04"));
  CHECK_EQ(decodedStream(field(0x42, key_arrays)),
           stream([](ReplyBuilder& r) { r.map(1), r.array(2), r.integer(1), r.integer(2), r.null(); }));
  std::string value_first = field(0x0a, fromHex("12 02 50 01 0a 03 2a 01 61"));
  CHECK_EQ(decodedStream(field(0x42, value_first)),
           stream([](ReplyBuilder& r) { r.map(1), r.bulk("a"), r.boolean(true); }));
  CHECK_EQ(decodedStream(fromHex("42 02 0a 00")),
           stream([](ReplyBuilder& r) { r.map(1), r.null(), r.null(); }));
}

TEST(decode_overridden_fields_must_still_parse) {
  // protobuf parses a field before a later oneof field replaces it, so
  // malformed bytes inside the overridden field are an error.
  CHECK(!decodeError(fromHex("3a 02 0a 05 0a 00")).empty());       // a list element past the end
  CHECK(!decodeError(fromHex("32 01 ff 0a 00")).empty());          // a Null with a truncated varint
  CHECK(!decodeError(fromHex("42 02 0a 01 0a 00 18 02")).empty()); // a pair past its end
  // A well-formed overridden aggregate is fine.
  CHECK_EQ(decodedStream(fromHex("42 0b 0a 09 0a 03 2a 01 6b 12 02 18 02 0a 00")),
           stream([](ReplyBuilder& r) { r.simple(""); }));
}

// ---------------------------------------------------------------------------
// Malformed input

TEST(malformed_varints_tags_and_lengths) {
  CHECK_EQ(decodeError(fromHex("18 ff ff ff ff ff ff ff ff ff ff 01")),
           "malformed Reply: varint longer than 10 bytes at byte 1");
  CHECK_EQ(decodeError(fromHex("18 ff")), "malformed Reply: truncated varint at byte 1");
  CHECK_EQ(decodeError(fromHex("ff")), "malformed Reply: truncated varint at byte 0");
  CHECK_EQ(decodeError(fromHex("02 00")), "malformed Reply: field number 0 at byte 0");
  CHECK_EQ(decodeError(fromHex("00")), "malformed Reply: field number 0 at byte 0");
  CHECK_EQ(decodeError(fromHex("ff ff ff ff 7f")), "malformed Reply: field tag out of range at byte 0");
  CHECK_EQ(decodeError(fromHex("2a 05 61")),
           "malformed Reply: length-delimited field runs past the end at byte 0");
  // A huge length is checked, not allocated.
  CHECK_EQ(decodeError(fromHex("2a ff ff ff ff ff ff ff ff ff 01 61")),
           "malformed Reply: length-delimited field runs past the end at byte 0");
  CHECK_EQ(decodeError(fromHex("21 00 00")), "malformed Reply: truncated fixed64 at byte 0");
  CHECK_EQ(decodeError(fromHex("7d 00")), "malformed Reply: truncated fixed32 at byte 0");
  // Wire types 3, 4, 6, 7, on a known field and on an unknown one (15).
  CHECK_EQ(decodeError(fromHex("0b")), "malformed Reply: unsupported wire type 3 (group) at byte 0");
  CHECK_EQ(decodeError(fromHex("0c")), "malformed Reply: unsupported wire type 4 (group) at byte 0");
  CHECK_EQ(decodeError(fromHex("0e")), "malformed Reply: invalid wire type 6 at byte 0");
  CHECK_EQ(decodeError(fromHex("0f")), "malformed Reply: invalid wire type 7 at byte 0");
  CHECK_EQ(decodeError(fromHex("2a 01 61 7b 7c")),
           "malformed Reply: unsupported wire type 3 (group) at byte 3");
  CHECK_EQ(decodeError(fromHex("7c")), "malformed Reply: unsupported wire type 4 (group) at byte 0");
  CHECK_EQ(decodeError(fromHex("7e")), "malformed Reply: invalid wire type 6 at byte 0");
  CHECK_EQ(decodeError(fromHex("7f")), "malformed Reply: invalid wire type 7 at byte 0");
  // Inside nested messages, offsets count from the start of the message.
  CHECK_EQ(decodeError(fromHex("3a 04 0a 02 18 ff")), "malformed Reply: truncated varint at byte 5");
  CHECK_EQ(decodeError(fromHex("42 04 0a 02 0a 05")),
           "malformed Reply: length-delimited field runs past the end at byte 4");
}

TEST(malformed_nesting_depth) {
  CHECK_EQ(decodeError(nestedArrays(kMaxReplyDepth)), "");
  // The error points at the 65th array: the innermost, its last two bytes.
  std::string too_deep_arrays = nestedArrays(kMaxReplyDepth + 1);
  CHECK_EQ(decodeError(too_deep_arrays),
           "malformed Reply: more than 64 nested aggregates at byte " +
               std::to_string(too_deep_arrays.size() - 2));

  // Deep replies from the encoder (no limit there) are refused by the
  // decoder without deep recursion, through lists and through map keys.
  ReplyBuilder deep;
  for (int i = 0; i < 100000; i++) deep.array(1);
  deep.integer(1);
  CHECK(!decodeError(encoded(deep)).empty());

  for (size_t levels : {kMaxReplyDepth, kMaxReplyDepth + 1}) {
    ReplyBuilder keys;
    for (size_t i = 0; i < levels; i++) keys.map(1);
    keys.integer(1);
    for (size_t i = 0; i < levels; i++) keys.integer(2);  // every map's value
    std::string message = encoded(keys);
    if (levels == kMaxReplyDepth) {
      checkRoundTrip(keys);
    } else {
      CHECK(!decodeError(message).empty());
    }
  }

  // An overridden aggregate is held to the same limit.
  std::string too_deep = field(0x3a, field(0x0a, nestedArrays(kMaxReplyDepth)));
  CHECK(!decodeError(too_deep + fromHex("0a 00")).empty());
}

TEST(malformed_leaves_output_unchanged) {
  ReplyBuilder out;
  out.simple("keep");
  std::string before(out.bytes());
  // Fails deep inside, after the decoder has begun writing.
  std::string message = field(0x3a, field(0x0a, fromHex("2a 01 61")) + fromHex("0a 05 18"));
  CHECK(decodeReply(message, out).has_value());
  CHECK_EQ(out.bytes(), before);

  size_t count = 5;
  uint64_t id = 5;
  std::string batch = fromHex("10 09 0a 02 18 02") + field(0x0a, message);
  std::optional<std::string> error = decodeReplyBatch(batch, out, &count, &id);
  REQUIRE(error.has_value());
  CHECK_EQ(error->rfind("malformed ReplyBatch: ", 0), 0u);
  CHECK_EQ(out.bytes(), before);
  CHECK_EQ(count, 0u);
  CHECK_EQ(id, 0u);
}

TEST(malformed_truncated_at_every_byte) {
  // A Reply message is exactly one field, so every strict non-empty prefix
  // of one is malformed.
  for (const std::string& message : sampleReplies()) {
    CHECK_EQ(decodeError(message), "");
    for (size_t n = 1; n < message.size(); n++) {
      std::string_view prefix(message.data(), n);
      CHECK(!decodeError(prefix).empty());
      decodeAnything(prefix);
    }
  }
  // Batches: a prefix may end between fields (a valid shorter batch).
  ReplyBatchWriter writer;
  for (const std::string& sample : {std::string("\x18\x01", 2), std::string("\x3a\x00", 2)}) {
    ReplyBuilder back;
    REQUIRE(!decodeReply(sample, back));
    writer.add(back.bytes());
  }
  std::string batches[] = {writer.finish(77), sampleCommandBatch()};
  for (const std::string& message : batches) {
    for (size_t n = 0; n <= message.size(); n++) decodeAnything(std::string_view(message.data(), n));
  }
  // A CommandBatch prefix decodes exactly when it ends between two fields.
  CommandBatchWriter command_writer;
  std::vector<size_t> field_ends;
  for (std::string_view name : {"SET", "GET", "PING"}) {
    std::vector<ByteView> argv = {name, "key", std::string_view("v\0\xff", 3)};
    command_writer.add(argv);
    field_ends.push_back(command_writer.finish(0).size());
  }
  std::string commands = command_writer.finish(123456789);
  DecodedCommands decoded;
  for (size_t n = 1; n < commands.size(); n++) {
    bool decodes = !decodeCommandBatch(std::string_view(commands.data(), n), decoded).has_value();
    bool between_fields = std::find(field_ends.begin(), field_ends.end(), n) != field_ends.end();
    CHECK(decodes == between_fields);
  }
}

TEST(malformed_random_bytes) {
  std::mt19937 rng(2024);
  // Bytes that are likely to be read as tags and small lengths, so random
  // buffers get deep into the parsers.
  const uint8_t alphabet[] = {0x0a, 0x12, 0x18, 0x21, 0x2a, 0x32, 0x3a, 0x42, 0x4a, 0x50,
                              0x10, 0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x80, 0xff, 0x7f};
  for (int i = 0; i < 3000; i++) {
    std::string bytes(rng() % 48, '\0');
    bool biased = i % 2 == 0;
    for (char& c : bytes) c = static_cast<char>(biased ? alphabet[rng() % sizeof alphabet] : rng());
    decodeAnything(bytes);
  }
  // Valid messages with a few bytes flipped, cut or repeated.
  std::vector<std::string> samples = sampleReplies();
  samples.push_back(sampleCommandBatch());
  for (int i = 0; i < 3000; i++) {
    std::string bytes = samples[rng() % samples.size()];
    if (bytes.empty()) continue;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; f++) {
      size_t at = rng() % bytes.size();
      if (rng() % 2) {
        bytes[at] = static_cast<char>(rng());
      } else {
        bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
      }
    }
    if (rng() % 4 == 0) bytes += bytes.substr(0, rng() % bytes.size());
    decodeAnything(bytes);
  }
}

// ---------------------------------------------------------------------------
// UTF-8 in simple and error

namespace {

// An independent check: decode every code point and test its range.
bool validUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t more;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c >> 5) == 0x6) {
      more = 1, cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      more = 2, cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      more = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + more >= s.size()) return false;  // cut short
    for (size_t k = 1; k <= more; k++) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 0x2) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    const uint32_t smallest[] = {0x80, 0x800, 0x10000};
    if (cp < smallest[more - 1] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += more + 1;
  }
  return true;
}

// The simple string a round trip of simple(s) gives back.
std::string sanitized(std::string_view s) {
  ReplyBuilder r;
  r.simple(s);
  ReplyBuilder back;
  std::string message = encoded(r);
  REQUIRE(!decodeReply(message, back));
  ReplyReader reader(back.bytes());
  ReplyValue v = reader.next();
  REQUIRE(v.type == ReplyType::kSimple);
  // The length prefix agrees with what follows (a single field).
  CHECK_EQ(message.size(), 1 + varint(v.str.size()).size() + v.str.size());
  return std::string(v.str);
}

}  // namespace

TEST(utf8_valid_text_passes_unchanged) {
  const char* valid[] = {
      "",
      "plain ASCII, longer than eight bytes",
      "h\xc3\xa9llo w\xc3\xb6rld \xe2\x80\x94 \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x98\x80",
      "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf",  // range edges
      "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",                                  // U+10000, U+10FFFF
      "\xef\xbf\xbd",                                                      // U+FFFD itself
  };
  for (const char* s : valid) {
    REQUIRE(validUtf8(s));
    CHECK_EQ(sanitized(s), s);
  }
  std::string nul("a\0b", 3);  // NUL is valid UTF-8
  CHECK_EQ(sanitized(nul), nul);
}

TEST(utf8_invalid_bytes_become_replacement_characters) {
  const std::string R = "\xef\xbf\xbd";
  struct Case {
    std::string in, out;
  } cases[] = {
      {"\xff", R},
      {"\x80", R},
      {"a\xc3", "a" + R},                             // truncated at the end
      {"\xc3(", R + "("},                             // bad continuation
      {"\xc0\xaf", R + R},                            // overlong lead bytes never start a character
      {"\xe0\x80\x80", R + R + R},                    // overlong 3-byte form
      {"\xed\xa0\x80", R + R + R},                    // a surrogate
      {"\xf4\x90\x80\x80", R + R + R + R},            // past U+10FFFF
      {"\xf5\x80", R + R},
      {"\xf0\x9f\x98", R},                            // one maximal subpart, one U+FFFD
      {"\xf0\x9f\x98X", R + "X"},
      {"\xe2\x82", R},
      {"\xe2\x82\xac\xe2\x82", "\xe2\x82\xac" + R},   // a valid euro, then a cut one
      {std::string(20, 'a') + "\xff" + std::string(20, 'b'),
       std::string(20, 'a') + R + std::string(20, 'b')},
  };
  for (const Case& c : cases) CHECK_EQ(sanitized(c.in), c.out);

  // Golden: Reply{simple: "\xff"} is sent as 0a 03 ef bf bd.
  ReplyBuilder r;
  r.simple("\xff");
  CHECK_EQ(encoded(r), fromHex("0a 03 ef bf bd"));
  // error is a string too; bulk is bytes and untouched.
  r.clear();
  r.error("ERR \xc3");
  CHECK_EQ(encoded(r), fromHex("12 07 45 52 52 20 ef bf bd"));
  r.clear();
  r.bulk("\xff");
  CHECK_EQ(encoded(r), fromHex("2a 01 ff"));

  // Nested: the sizes of the enclosing messages follow the sanitized length.
  ReplyBuilder nested, expected;
  nested.map(1), nested.simple("k\xff"), nested.array(2), nested.error("\xe0\x80"), nested.bulk("\xff");
  expected.map(1), expected.simple("k" + R), expected.array(2), expected.error(R + R),
      expected.bulk("\xff");
  checkRoundTrip(nested, expected.bytes());
}

TEST(utf8_random_bytes_always_come_out_valid) {
  std::mt19937 rng(31337);
  for (int i = 0; i < 3000; i++) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) {
      // Mostly bytes that matter to UTF-8: leads, continuations, ASCII.
      uint32_t kind = rng() % 4;
      c = static_cast<char>(kind == 0 ? rng() % 0x80 : kind == 1 ? 0x80 + rng() % 0x40 : 0xc0 + rng() % 0x40);
    }
    std::string out = sanitized(s);
    CHECK(validUtf8(out));
    if (validUtf8(s)) CHECK_EQ(out, s);
    CHECK_EQ(sanitized(out), out);  // sanitizing is idempotent
  }
}
