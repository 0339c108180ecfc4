// CRC-64/Jones, slice-by-8: see crc64.h.
#include "crc64.h"

#include <array>
#include <bit>
#include <cstring>

namespace ember {
namespace {

constexpr uint64_t kPoly = 0x95ac9329ac4bc9b5ull;  // 0xad93d23594c935a9 bit-reversed

using Tables = std::array<std::array<uint64_t, 256>, 8>;

// tables[0] is the classic reflected byte table; tables[k][b] is the CRC of
// byte b followed by k zero bytes, so eight table lookups fold eight bytes.
constexpr Tables makeTables() {
  Tables t{};
  for (uint64_t b = 0; b < 256; b++) {
    uint64_t crc = b;
    for (int i = 0; i < 8; i++) crc = (crc & 1) ? (crc >> 1) ^ kPoly : crc >> 1;
    t[0][b] = crc;
  }
  for (size_t k = 1; k < 8; k++) {
    for (size_t b = 0; b < 256; b++) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
  return t;
}

constexpr Tables kTables = makeTables();

}  // namespace

uint64_t crc64(uint64_t crc, const void* data, size_t length) {
  const auto* p = static_cast<const unsigned char*>(data);
  while (length >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    crc ^= word;
    crc = kTables[7][crc & 0xff] ^ kTables[6][(crc >> 8) & 0xff] ^ kTables[5][(crc >> 16) & 0xff] ^
          kTables[4][(crc >> 24) & 0xff] ^ kTables[3][(crc >> 32) & 0xff] ^ kTables[2][(crc >> 40) & 0xff] ^
          kTables[1][(crc >> 48) & 0xff] ^ kTables[0][crc >> 56];
    p += 8;
    length -= 8;
  }
  while (length--) crc = kTables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace ember
