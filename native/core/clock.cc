// CommandClock: see clock.h.
#include "clock.h"

#include <time.h>

namespace ember {
namespace {

// LRU clock: seconds, 24 bits, as Redis keeps it in its object header.
constexpr uint32_t kLruClockMask = (1u << 24) - 1;
// LFU: 16 bits of minutes (the last access), then an 8-bit logarithmic
// counter that starts at 5 so that a new key is not the first to go.
constexpr uint32_t kLfuInitCounter = 5;

}  // namespace

int64_t CommandClock::readPreciseMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int64_t CommandClock::coarseSeconds() const {
  if (manual_ms_ >= 0) return manual_ms_ / 1000;
  // Always the coarse clock (even when the precise time is cached), so
  // that every access clock is read from the same source.
  timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec);
}

uint32_t CommandClock::nowMinutes() const { return static_cast<uint32_t>(coarseSeconds() / 60) & 0xffff; }

uint32_t CommandClock::nextRandom32() const {
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return static_cast<uint32_t>(rng_ >> 32);
}

uint32_t CommandClock::freshAccess() const {
  if (lfu) return (nowMinutes() << 8) | kLfuInitCounter;
  return static_cast<uint32_t>(coarseSeconds()) & kLruClockMask;
}

uint32_t CommandClock::touchedAccess(uint32_t previous) const {
  if (!lfu) return static_cast<uint32_t>(coarseSeconds()) & kLruClockMask;
  uint32_t counter = static_cast<uint32_t>(lfuCounter(previous));
  if (counter < 255) {
    // Raise with probability 1/denominator, in integers: a 32-bit random
    // number r passes when r * denominator < 2^32.
    const uint64_t base = counter > kLfuInitCounter ? counter - kLfuInitCounter : 0;
    const uint64_t factor = lfu_log_factor > 0 ? static_cast<uint64_t>(lfu_log_factor) : 0;
    const uint64_t denominator = base * factor + 1;
    if (denominator <= (uint64_t{1} << 32) && uint64_t{nextRandom32()} * denominator < (uint64_t{1} << 32)) counter++;
  }
  return (nowMinutes() << 8) | counter;
}

int64_t CommandClock::idleSeconds(uint32_t access) const {
  uint32_t current = static_cast<uint32_t>(coarseSeconds()) & kLruClockMask;
  uint32_t last = access & kLruClockMask;
  return current >= last ? current - last : current + (kLruClockMask - last);
}

uint32_t CommandClock::lfuIdleMinutes(uint32_t access) const {
  uint32_t last = access >> 8;
  uint32_t now = nowMinutes();
  return now >= last ? now - last : 0xffff - last + now;
}

int64_t CommandClock::lfuCounter(uint32_t access) const {
  int64_t counter = access & 0xff;
  if (lfu_decay_time <= 0) return counter;
  int64_t periods = lfuIdleMinutes(access) / lfu_decay_time;
  return periods > counter ? 0 : counter - periods;
}

}  // namespace ember
