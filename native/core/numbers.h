// Number <-> text conversions with Redis's exact rules.
//
// Redis accepts integers only in canonical decimal form (no '+', no leading
// zeros, no spaces, "-0" rejected) and formats floats for INCRBYFLOAT with
// 17 digits after the point, trailing zeros removed. Matching those rules
// byte for byte is what makes replies identical to Redis's.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "bytes.h"

namespace ember {

inline constexpr size_t kInt64DigitsMax = 21;  // "-9223372036854775808" + spare

// Canonical decimal int64 (Redis string2ll), or nullopt.
std::optional<int64_t> parseInt64(ByteView text);

// A long double as Redis's string2ld reads it (strtold over the whole text;
// no leading space; inf accepted, nan rejected), or nullopt.
std::optional<long double> parseLongDouble(ByteView text);

// Writes v in decimal into `out` (at least kInt64DigitsMax bytes) and
// returns a view of it.
std::string_view formatInt64(int64_t v, char* out);

// Redis's human-friendly long double format (INCRBYFLOAT): "%.17Lf" with
// trailing zeros and a trailing '.' removed, "-0" printed as "0".
std::string formatLongDoubleHuman(long double v);

// True if `text` would be stored by Redis as an int-encoded string: at most
// 20 bytes and canonical int64.
inline bool looksLikeCanonicalInt(ByteView text) { return text.size() <= 20 && parseInt64(text).has_value(); }

}  // namespace ember
