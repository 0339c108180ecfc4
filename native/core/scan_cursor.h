// SCAN-family cursors as Redis reads them (parseScanCursorOrReply): strtoul()
// over the C string, so no leading space, an optional sign ('-' negates
// modulo 2^64), decimal digits only, nothing after them; overflow is an
// error; an empty cursor reads as 0. Shared by SCAN and the *SCAN commands
// of the collection families (err::kInvalidCursor when it fails).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "bytes.h"

namespace ember {

inline std::optional<uint64_t> parseScanCursorArg(ByteView arg) {
  ByteView text = cStringPrefix(arg);
  if (text.empty()) return 0;
  const char first = text[0];
  if (first == ' ' || first == '\t' || first == '\n' || first == '\v' || first == '\f' || first == '\r') {
    return std::nullopt;
  }
  size_t i = 0;
  bool negative = false;
  if (first == '+' || first == '-') {
    negative = first == '-';
    i = 1;
  }
  if (i == text.size()) return std::nullopt;  // a sign alone: nothing parsed
  uint64_t v = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (; i < text.size(); i++) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (kMax - digit) / 10) return std::nullopt;  // ERANGE
    v = v * 10 + digit;
  }
  return negative ? 0 - v : v;
}

}  // namespace ember
