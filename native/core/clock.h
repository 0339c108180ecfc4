// CommandClock: the time as commands see it, and the access clocks kept in
// entries for LRU/LFU.
//
// Reading the wall clock costs ~25 ns here (a third of a native call), and
// most commands never need it: a GET of a key without expiry does not. So
// the precise time is read lazily, at most once per command, and then stays
// fixed for that command, as Redis fixes it. The LRU clock (seconds) comes
// from the coarse clock, which costs a few ns. A manual time (tests) stands
// in for both.
//
// Invariant: between beginCommand() calls, nowMs() returns one value.
#pragma once

#include <cstdint>

namespace ember {

class CommandClock {
 public:
  // Forgets the cached time: the next nowMs() reads the clock again.
  void beginCommand() { cached_ms_ = -1; }

  // Wall-clock ms (or the manual time), fixed for the current command.
  int64_t nowMs() const {
    if (cached_ms_ < 0) cached_ms_ = manual_ms_ >= 0 ? manual_ms_ : readPreciseMs();
    return cached_ms_;
  }

  void setManualMs(int64_t ms) {
    manual_ms_ = ms;
    cached_ms_ = -1;
  }
  void useSystemClock() {
    manual_ms_ = -1;
    cached_ms_ = -1;
  }
  bool isManual() const { return manual_ms_ >= 0; }

  // Whether an LFU maxmemory-policy is selected (set by the store).
  bool lfu = false;

  // The access clock a new entry starts with (Redis: the LRU clock in
  // seconds, or under LFU the minute clock with the initial counter 5).
  uint32_t freshAccess() const;
  // The access clock after an access (LFU counting comes with eviction).
  uint32_t touchedAccess(uint32_t previous) const;
  // OBJECT IDLETIME: seconds since the LRU clock `access` (which wraps
  // every 2^24 s, about 194 days, as Redis's does).
  int64_t idleSeconds(uint32_t access) const;
  // OBJECT FREQ: the LFU counter of `access`, decayed by one per minute
  // since its last decrement (Redis's lfu-decay-time default).
  int64_t lfuCounter(uint32_t access) const;

 private:
  static int64_t readPreciseMs();
  int64_t coarseSeconds() const;

  int64_t manual_ms_ = -1;
  mutable int64_t cached_ms_ = -1;
};

}  // namespace ember
