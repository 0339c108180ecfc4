// The byte format of one list element inside a list chunk (list_value.h),
// close to Redis's listpack entries:
//
//   header + payload              then backlen
//   0x00..0x7f                    integer 0..127, no payload
//   0x80 | len (len < 0x70)       string of len bytes
//   0xf0, u32 len                 longer string
//   0xf1 / 0xf2 / 0xf4 / 0xf8     integer in 1 / 2 / 4 / 8 bytes (little endian)
//
// backlen is the size of header + payload, in 7-bit groups written so that
// they are read from the entry's last byte backwards (high bit = another
// group follows), which lets a chunk be walked in both directions.
//
// An element is stored as an integer only when its text is a canonical
// int64 (numbers.h), so reading it back as decimal gives the same bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>

#include "bytes.h"
#include "numbers.h"

namespace ember::list_entry {

inline constexpr uint8_t kLongString = 0xf0;
inline constexpr uint8_t kInt8 = 0xf1;
inline constexpr uint8_t kInt16 = 0xf2;
inline constexpr uint8_t kInt32 = 0xf4;
inline constexpr uint8_t kInt64 = 0xf8;
inline constexpr size_t kShortStringMax = 0x6f;

inline size_t backlenSize(size_t n) {
  size_t k = 1;
  while (n >= 128) {
    n >>= 7;
    k++;
  }
  return k;
}

// What an element will be stored as.
struct Plan {
  bool is_int = false;
  int64_t num = 0;
  size_t body = 0;   // header + payload
  size_t total = 0;  // body + backlen
};

inline Plan plan(ByteView value) {
  Plan p;
  std::optional<int64_t> n = value.size() <= 20 ? parseInt64(value) : std::nullopt;
  if (n) {
    p.is_int = true;
    p.num = *n;
    int64_t v = *n;
    if (v >= 0 && v <= 127) p.body = 1;
    else if (v >= INT8_MIN && v <= INT8_MAX) p.body = 2;
    else if (v >= INT16_MIN && v <= INT16_MAX) p.body = 3;
    else if (v >= INT32_MIN && v <= INT32_MAX) p.body = 5;
    else p.body = 9;
  } else {
    p.body = value.size() <= kShortStringMax ? 1 + value.size() : 5 + value.size();
  }
  p.total = p.body + backlenSize(p.body);
  return p;
}

// Writes the entry planned by `p` for `value` at `out` (p.total bytes).
inline void write(char* out, const Plan& p, ByteView value) {
  uint8_t* o = reinterpret_cast<uint8_t*>(out);
  if (p.is_int) {
    int64_t v = p.num;
    switch (p.body) {
      case 1: o[0] = static_cast<uint8_t>(v); break;
      case 2: { o[0] = kInt8; int8_t x = static_cast<int8_t>(v); std::memcpy(o + 1, &x, 1); break; }
      case 3: { o[0] = kInt16; int16_t x = static_cast<int16_t>(v); std::memcpy(o + 1, &x, 2); break; }
      case 5: { o[0] = kInt32; int32_t x = static_cast<int32_t>(v); std::memcpy(o + 1, &x, 4); break; }
      default: { o[0] = kInt64; std::memcpy(o + 1, &v, 8); break; }
    }
  } else if (value.size() <= kShortStringMax) {
    o[0] = static_cast<uint8_t>(0x80 | value.size());
    if (!value.empty()) std::memcpy(o + 1, value.data(), value.size());
  } else {
    o[0] = kLongString;
    uint32_t n = static_cast<uint32_t>(value.size());
    std::memcpy(o + 1, &n, 4);
    std::memcpy(o + 5, value.data(), value.size());
  }
  size_t groups = backlenSize(p.body);
  uint8_t* end = o + p.total;
  for (size_t k = 0; k < groups; k++) {
    end[-1 - static_cast<ptrdiff_t>(k)] =
        static_cast<uint8_t>(((p.body >> (7 * k)) & 127) | (k + 1 < groups ? 128 : 0));
  }
}

// A decoded entry starting at `p`.
struct Decoded {
  bool is_int;
  int64_t num;
  const char* str;
  uint32_t len;
  uint32_t total;  // bytes of the whole entry, backlen included
};

inline Decoded decode(const char* p) {
  const uint8_t* u = reinterpret_cast<const uint8_t*>(p);
  Decoded d{false, 0, nullptr, 0, 0};
  size_t body;
  uint8_t h = u[0];
  if (h < 0x80) {
    d.is_int = true;
    d.num = h;
    body = 1;
  } else if (h < kLongString) {
    d.len = h & 0x7f;
    d.str = p + 1;
    body = 1 + d.len;
  } else if (h == kLongString) {
    std::memcpy(&d.len, u + 1, 4);
    d.str = p + 5;
    body = 5 + d.len;
  } else {
    d.is_int = true;
    if (h == kInt8) { int8_t x; std::memcpy(&x, u + 1, 1); d.num = x; body = 2; }
    else if (h == kInt16) { int16_t x; std::memcpy(&x, u + 1, 2); d.num = x; body = 3; }
    else if (h == kInt32) { int32_t x; std::memcpy(&x, u + 1, 4); d.num = x; body = 5; }
    else { std::memcpy(&d.num, u + 1, 8); body = 9; }
  }
  d.total = static_cast<uint32_t>(body + backlenSize(body));
  return d;
}

// Size of the entry that ends just before `end`.
inline uint32_t sizeBefore(const char* end) {
  const uint8_t* u = reinterpret_cast<const uint8_t*>(end);
  size_t body = 0;
  size_t k = 0;
  for (;;) {
    uint8_t b = u[-1 - static_cast<ptrdiff_t>(k)];
    body |= static_cast<size_t>(b & 127) << (7 * k);
    k++;
    if (!(b & 128)) break;
  }
  return static_cast<uint32_t>(body + k);
}

}  // namespace ember::list_entry
