// Unsigned LEB128 varints, as the snapshot (snapshot.h) and append-only
// log (aof_record.h) formats write them, and as protobuf does
// (proto_wire.h): 7 bits per byte, low bits first, the high bit set on
// every byte but the last; at most 10 bytes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ember {

inline constexpr size_t kMaxVarintBytes = 10;

// Writes `v` into `out` (room for kMaxVarintBytes); returns the bytes used.
inline size_t encodeVarint(uint64_t v, char* out) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<char>(v);
  return n;
}

inline void appendVarint(std::string& out, uint64_t v) {
  char tmp[kMaxVarintBytes];
  out.append(tmp, encodeVarint(v, tmp));
}

inline size_t varintSize(uint64_t v) { return (static_cast<size_t>(std::bit_width(v | 1)) + 6) / 7; }

}  // namespace ember
