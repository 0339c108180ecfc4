// Sorted-set argument texts: scores (parsing and Redis 7.0's RESP2 reply
// format) and the score / lex range bounds of ZRANGEBYSCORE, ZCOUNT,
// ZRANGEBYLEX and friends, each read exactly as Redis 7.0 reads it.
// Knows nothing of keys or replies.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "bytes.h"

namespace ember {

// Redis's getDoubleFromObject (ZADD, ZINCRBY, WEIGHTS): strtod over the whole
// text; empty, leading space, trailing bytes, overflow or underflow to 0,
// and NaN are rejected. "inf", "-inf", hex floats are accepted.
std::optional<double> parseScore(ByteView text);

// Redis 7.0 RESP2 score text (addReplyDouble): "%.17g", so 0.1 is
// "0.10000000000000001"; infinities are "inf" / "-inf"; -0 is "-0".
// `out` must hold kScoreTextMax bytes.
inline constexpr size_t kScoreTextMax = 32;
std::string_view formatScore(double score, char* out);

// A score interval: Redis's zrangespec.
struct ScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
  // Does `score` sort before the interval's start? (monotone along a zset)
  bool beforeMin(double s) const { return minex ? s <= min : s < min; }
  // Does `score` lie at or before the interval's end?
  bool notAfterMax(double s) const { return maxex ? s < max : s <= max; }
};
// Redis's zslParseRange: "(" prefix = exclusive; strtod with leading
// space allowed and no trailing bytes; NaN rejected; "" reads as 0.
std::optional<ScoreRange> parseScoreRange(ByteView min, ByteView max);

// A lex interval: Redis's zlexrangespec. "-" and "+" are the infinities.
struct LexBound {
  enum Kind { kMinusInf, kPlusInf, kValue } kind = kValue;
  ByteView value;  // for kValue (a view of the argument)
  bool exclusive = false;
};
struct LexRange {
  LexBound min, max;
  bool gteMin(ByteView member) const;
  bool lteMax(ByteView member) const;
  // min > max, or equal with an exclusive end: nothing can match.
  bool empty() const;
};
// Redis's zslParseLexRange: each bound "[x", "(x", "-" or "+".
std::optional<LexRange> parseLexRange(ByteView min, ByteView max);

}  // namespace ember
