// SCAN-family arguments. Cursors as Redis reads them (parseScanCursorOrReply): strtoul()
// over the C string, so no leading space, an optional sign ('-' negates
// modulo 2^64), decimal digits only, nothing after them; overflow is an
// error; an empty cursor reads as 0. Shared by SCAN and the *SCAN commands
// of the collection families (err::kInvalidCursor when it fails).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "bytes.h"
#include "errors.h"
#include "numbers.h"

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

// SCAN reads at most this many elements per call whatever COUNT says
// (Redis has no cap: COUNT 2^62 there means "everything in one call").
inline constexpr uint64_t kScanMaxCount = 1u << 20;

// The options of SCAN, HSCAN, SSCAN and ZSCAN, as Redis reads them.
struct ScanOptions {
  uint64_t count = 10;            // at most kScanMaxCount
  ByteView pattern;               // used when use_pattern
  bool use_pattern = false;       // false for no MATCH or MATCH "*"
  std::optional<ByteView> type;   // TYPE (SCAN only)
};

// Reads [MATCH pattern] [COUNT count] (and [TYPE type] when allow_type)
// from argv[first...]: option names as Redis matches them, the last of a
// repeated option wins. Returns the error to reply, or nullopt.
inline std::optional<std::string_view> parseScanOptions(std::span<const ByteView> argv, size_t first,
                                                        bool allow_type, ScanOptions& out) {
  for (size_t i = first; i < argv.size(); i += 2) {
    const bool has_value = i + 1 < argv.size();
    ByteView opt = argv[i];
    if (optionIs(opt, "count") && has_value) {
      std::optional<int64_t> n = parseInt64(argv[i + 1]);
      if (!n) return err::kNotInteger;
      if (*n < 1) return err::kSyntax;
      out.count = static_cast<uint64_t>(*n);
    } else if (optionIs(opt, "match") && has_value) {
      out.pattern = argv[i + 1];
      out.use_pattern = out.pattern != "*";
    } else if (allow_type && optionIs(opt, "type") && has_value) {
      out.type = argv[i + 1];
    } else {
      return err::kSyntax;
    }
  }
  if (out.count > kScanMaxCount) out.count = kScanMaxCount;
  return std::nullopt;
}

}  // namespace ember
