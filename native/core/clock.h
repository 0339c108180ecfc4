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

  // While the append-only log is replayed, nothing expires: the log holds
  // a DEL for every key that expired while it was written, and a key
  // whose time has passed by now must still be there for the records
  // that follow (Redis's keyIsExpired and checkAlreadyExpired answer no
  // while loading). Expired keys go the usual ways once loading ends.
  bool expiry_paused = false;
  // Whether an absolute expiry time `when_ms` has already passed, so that
  // setting it deletes the key (false while expiry is paused).
  bool alreadyPassed(int64_t when_ms) const { return !expiry_paused && when_ms <= nowMs(); }

  // Set by the store from its config: whether an LFU maxmemory-policy is
  // selected (access clocks then hold LFU data), and Redis's LFU knobs.
  bool lfu = false;
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;  // minutes per counter decrement; 0: never

  // The access clock a new entry starts with (Redis: the LRU clock in
  // seconds, or under LFU the minute clock with the initial counter 5).
  uint32_t freshAccess() const;
  // The access clock after an access: the LRU clock now, or under LFU the
  // counter decayed for the minutes since the last access, then raised
  // with probability 1 / ((counter - 5) * lfu_log_factor + 1) (Redis's
  // updateLFU), stamped with the current minute.
  uint32_t touchedAccess(uint32_t previous) const;
  // OBJECT IDLETIME: seconds since the LRU clock `access` (which wraps
  // every 2^24 s, about 194 days, as Redis's does).
  int64_t idleSeconds(uint32_t access) const;
  // OBJECT FREQ: the LFU counter of `access`, decayed by one per
  // lfu_decay_time minutes since its last access (Redis's LFUDecrAndReturn).
  int64_t lfuCounter(uint32_t access) const;
  // Minutes since the LFU clock `access` was stamped (wrapping at 2^16).
  uint32_t lfuIdleMinutes(uint32_t access) const;

 private:
  static int64_t readPreciseMs();
  int64_t coarseSeconds() const;
  uint32_t nowMinutes() const;
  uint32_t nextRandom32() const;

  int64_t manual_ms_ = -1;
  mutable int64_t cached_ms_ = -1;
  // xorshift state for the LFU counter's coin flips (not data: mutable).
  mutable uint64_t rng_ = 0x2545F4914F6CDD1Dull;
};

}  // namespace ember
