// The reply stream: how every command answers, whatever the front end.
//
// Handlers write typed replies (RESP3's types) into a ReplyBuilder, which
// appends them to a flat byte buffer. Front ends read the same buffer back
// with ReplyReader and render it their way: JS values in the embedded
// binding, protobuf Reply messages on gRPC, RESP bytes on a socket. One
// buffer is reused across commands, so a reply costs no heap allocation in
// the steady state.
//
// Encoding (host byte order; the buffer never leaves the process):
//   tag byte, then
//     kSimple, kError, kBulk : u32 length, bytes
//     kInteger               : i64
//     kDouble, kScore        : f64
//     kNull, kNullArray      : nothing
//     kBoolean               : u8 (0 or 1)
//     kArray, kSet, kPush    : u32 element count, then the elements
//     kMap, kPairs           : u32 pair count, then key, value, key, value...
// Invariant: a complete reply is exactly one top-level value; aggregate
// counts always match the number of values that follow (beginArray /
// endAggregate patch the count for replies whose length is found while
// writing).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "bytes.h"

namespace ember {

enum class ReplyType : uint8_t {
  kSimple = 1,
  kError,
  kInteger,
  kDouble,
  kBulk,
  kNull,       // RESP2 "$-1" (a missing value)
  kNullArray,  // RESP2 "*-1" (a missing aggregate, e.g. a timed-out BLPOP)
  kArray,
  kMap,
  kSet,
  kBoolean,
  kPush,  // RESP3 out-of-band data (pub/sub messages and confirmations); an array elsewhere
  // RESP3-only shapes, which every other front end sees as RESP2 has them
  // (ReplyReader presents them so unless asked for RESP3 types):
  kScore,  // a sorted-set score: a RESP3 double; elsewhere its bulk text, as Redis's RESP2
  kPairs,  // N pairs (WITHSCORES, WITHVALUES): RESP3 nests each in a 2-element array;
           // elsewhere one flat array of 2N
};

class ReplyBuilder {
 public:
  void simple(std::string_view s) { putString(ReplyType::kSimple, s); }
  // An array of simple strings (the HELP subcommands' texts).
  void simpleLines(std::span<const std::string_view> lines) {
    array(static_cast<uint32_t>(lines.size()));
    for (std::string_view line : lines) simple(line);
  }
  void ok() { simple("OK"); }
  // `message` is the full Redis-style text, code first: "ERR syntax error".
  void error(std::string_view message) { putString(ReplyType::kError, message); }
  void integer(int64_t v) {
    putTag(ReplyType::kInteger);
    putRaw(&v, sizeof v);
  }
  void dbl(double v) {
    putTag(ReplyType::kDouble);
    putRaw(&v, sizeof v);
  }
  // A sorted-set score: RESP3 shows a double, everything else the bulk
  // text Redis's RESP2 sends (formatScore).
  void score(double v) {
    putTag(ReplyType::kScore);
    putRaw(&v, sizeof v);
  }
  void bulk(ByteView bytes) { putString(ReplyType::kBulk, bytes); }
  // Bulk reply of a decimal integer (an int-encoded string value).
  void bulkInteger(int64_t v);
  void null() { putTag(ReplyType::kNull); }
  void nullArray() { putTag(ReplyType::kNullArray); }
  void boolean(bool v) {
    putTag(ReplyType::kBoolean);
    buf_.push_back(v ? 1 : 0);
  }
  void array(uint32_t count) { putAggregate(ReplyType::kArray, count); }
  void map(uint32_t pairs) { putAggregate(ReplyType::kMap, pairs); }
  void set(uint32_t count) { putAggregate(ReplyType::kSet, count); }
  void push(uint32_t count) { putAggregate(ReplyType::kPush, count); }
  // `count` pairs follow (2 * count values): nested in RESP3, flat elsewhere.
  void pairs(uint32_t count) { putAggregate(ReplyType::kPairs, count); }

  // For aggregates whose size is known only after writing the elements:
  //   size_t at = reply.beginArray(); ... reply.endAggregate(at, n);
  size_t beginArray() { return beginAggregate(ReplyType::kArray); }
  size_t beginSet() { return beginAggregate(ReplyType::kSet); }
  size_t beginMap() { return beginAggregate(ReplyType::kMap); }
  size_t beginPairs() { return beginAggregate(ReplyType::kPairs); }
  void endAggregate(size_t at, uint32_t count) { std::memcpy(&buf_[at], &count, sizeof count); }

  // Rewinds to `mark` (from size()), dropping everything written after it;
  // used by a handler that must replace a partial reply with an error.
  size_t size() const { return buf_.size(); }
  void truncate(size_t mark) { buf_.resize(mark); }

  void clear() { buf_.clear(); }
  std::string_view bytes() const { return buf_; }

 private:
  void putTag(ReplyType t) { buf_.push_back(static_cast<char>(t)); }
  void putRaw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  void putString(ReplyType t, std::string_view s) {
    putTag(t);
    uint32_t n = static_cast<uint32_t>(s.size());
    putRaw(&n, sizeof n);
    buf_.append(s.data(), s.size());
  }
  void putAggregate(ReplyType t, uint32_t count) {
    putTag(t);
    putRaw(&count, sizeof count);
  }
  size_t beginAggregate(ReplyType t) {
    putTag(t);
    size_t at = buf_.size();
    uint32_t zero = 0;
    putRaw(&zero, sizeof zero);
    return at;
  }

  std::string buf_;
};

// One value read from a reply stream. For strings `str` views the buffer;
// for aggregates `count` is the number of elements (pairs for a map) that
// follow in the stream.
struct ReplyValue {
  ReplyType type;
  std::string_view str;
  int64_t integer = 0;
  double dbl = 0;
  uint32_t count = 0;
  bool boolean = false;
};

// Sequential reader over a reply stream written by ReplyBuilder. Unless
// `resp3_types`, the RESP3-only shapes read as RESP2 has them: a kScore as
// a kBulk of its text (valid until the next call), a kPairs of N as a
// kArray of 2N. Only the RESP3 writer asks for them.
class ReplyReader {
 public:
  explicit ReplyReader(std::string_view bytes, bool resp3_types = false)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()), resp3_types_(resp3_types) {}
  bool atEnd() const { return p_ >= end_; }
  ReplyValue next();

 private:
  const char* p_;
  const char* end_;
  bool resp3_types_;
  char score_text_[32];
};

}  // namespace ember
