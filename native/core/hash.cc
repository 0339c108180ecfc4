// Implementation of hashBytes: see hash.h.
#include "hash.h"

#include <chrono>
#include <random>

namespace ember {
namespace {

constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;

// 64x64 -> 128 multiply, folded back to 64 bits by xor of the halves.
inline uint64_t fold(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

uint64_t processSeed() {
  std::random_device device;
  uint64_t seed = (static_cast<uint64_t>(device()) << 32) ^ device();
  seed ^= static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return seed | 1;
}

}  // namespace

uint64_t hashBytesSeeded(ByteView bytes, uint64_t seed) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t h = seed ^ fold(seed ^ kP0, n ^ kP1);
  uint64_t a, b;
  if (n <= 16) {
    if (n >= 4) {
      // Two overlapping reads at each end cover 4..16 bytes without a loop.
      size_t mid = (n >> 3) << 2;
      a = (load32(p) << 32) | load32(p + mid);
      b = (load32(p + n - 4) << 32) | load32(p + n - 4 - mid);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[n >> 1])) << 8) |
          static_cast<unsigned char>(p[n - 1]);
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    size_t i = n;
    while (i > 16) {
      h = fold(loadU64(p) ^ kP1, loadU64(p + 8) ^ h);
      p += 16;
      i -= 16;
    }
    a = loadU64(p + i - 16);
    b = loadU64(p + i - 8);
  }
  return fold(kP1 ^ n, fold(a ^ kP1, b ^ h) ^ kP2);
}

uint64_t hashBytes(ByteView bytes) {
  static const uint64_t seed = processSeed();
  return hashBytesSeeded(bytes, seed);
}

}  // namespace ember
