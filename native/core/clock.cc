// CommandClock: see clock.h.
#include "clock.h"

#include <time.h>

namespace ember {
namespace {

// LRU clock: seconds, 24 bits, as Redis keeps it in its object header.
constexpr uint32_t kLruClockMask = (1u << 24) - 1;
// LFU: 16 bits of minutes, then an 8-bit logarithmic counter.
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

uint32_t CommandClock::freshAccess() const {
  if (lfu) return ((static_cast<uint32_t>(coarseSeconds() / 60) & 0xffff) << 8) | kLfuInitCounter;
  return static_cast<uint32_t>(coarseSeconds()) & kLruClockMask;
}

uint32_t CommandClock::touchedAccess(uint32_t previous) const {
  if (lfu) return previous;  // LFU counting arrives with eviction
  return static_cast<uint32_t>(coarseSeconds()) & kLruClockMask;
}

int64_t CommandClock::idleSeconds(uint32_t access) const {
  uint32_t current = static_cast<uint32_t>(coarseSeconds()) & kLruClockMask;
  uint32_t last = access & kLruClockMask;
  return current >= last ? current - last : current + (kLruClockMask - last);
}

int64_t CommandClock::lfuCounter(uint32_t access) const {
  uint32_t counter = access & 0xff;
  uint32_t last_minutes = access >> 8;
  uint32_t now_minutes = static_cast<uint32_t>(coarseSeconds() / 60) & 0xffff;
  uint32_t elapsed = now_minutes >= last_minutes ? now_minutes - last_minutes : 0xffff - last_minutes + now_minutes;
  return elapsed > counter ? 0 : counter - elapsed;
}

}  // namespace ember
