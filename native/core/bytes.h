// Byte strings at the core's boundaries.
//
// Keys and values are binary-safe: they carry their length and may contain
// any byte, NUL included. Views (ByteView) are used wherever the core only
// reads bytes it does not own; owned bytes live inside keyspace entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ember {

using ByteView = std::string_view;

// Redis's proto-max-bulk-len: the largest string a command may create.
inline constexpr size_t kMaxBulkLen = 512ull * 1024 * 1024;

// ASCII case-insensitive equality, as Redis uses for option names.
inline bool equalsIgnoreCase(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// Redis reads option names (and some texts it echoes) as C strings, so an
// argument ends at its first NUL byte: "nx\0junk" is read as "nx".
inline ByteView cStringPrefix(ByteView arg) {
  size_t nul = arg.find('\0');
  return nul == ByteView::npos ? arg : arg.substr(0, nul);
}

// Whether `arg` names the option `lower_name` as Redis compares it:
// case-insensitively, up to the first NUL byte.
inline bool optionIs(ByteView arg, std::string_view lower_name) {
  return equalsIgnoreCase(cStringPrefix(arg), lower_name);
}

inline uint64_t loadU64(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void storeU64(void* p, uint64_t v) { std::memcpy(p, &v, sizeof v); }

}  // namespace ember
