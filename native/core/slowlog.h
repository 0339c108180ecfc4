// SlowLog: the commands that took at least slowlog-log-slower-than
// microseconds to run, newest first (Redis's slowlog.c).
//
// Invariants:
// - entries are kept newest first; ids are given in order of recording,
//   starting at 0, and are never reused (not even after reset()), so a
//   client can tell entries it has seen from new ones;
// - an entry holds at most kMaxArgs arguments: past that, the first
//   kMaxArgs - 1 are kept and the last says "... (N more arguments)";
//   every kept argument holds at most kMaxArgBytes bytes of the original,
//   followed by "... (N more bytes)" when it was longer; an argument the
//   command marked as secret (CONFIG SET requirepass, ACL SETUSER) is
//   kept as "(redacted)";
// - after record() there are at most max_len entries (a lower max_len
//   set by CONFIG SET takes effect at the next command, as in Redis).
//
// Memory is bounded by max_len * kMaxArgs * (kMaxArgBytes + a suffix).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "bytes.h"

namespace ember {

struct SlowLogEntry {
  uint64_t id;
  int64_t unix_time_s;
  int64_t duration_us;
  std::vector<std::string> argv;  // truncated as described above
  std::string client_addr;        // "" (the core does not know clients)
  std::string client_name;        // ""
};

class SlowLog {
 public:
  static constexpr size_t kMaxArgs = 32;       // Redis's SLOWLOG_ENTRY_MAX_ARGC
  static constexpr size_t kMaxArgBytes = 128;  // Redis's SLOWLOG_ENTRY_MAX_STRING

  // Records a command that ran for `duration_us` (the caller decided it
  // was slow enough), then drops the oldest entries past `max_len`.
  // `redacted` lists argument indexes to keep as "(redacted)".
  void record(std::span<const ByteView> argv, std::span<const uint32_t> redacted, int64_t unix_time_s,
              int64_t duration_us, size_t max_len);
  // Drops the oldest entries past `max_len` (run for every command while
  // the log is enabled, logged or not, as Redis does).
  void trim(size_t max_len);
  void reset() { entries_.clear(); }

  // Newest first.
  const std::deque<SlowLogEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  // One argument as an entry keeps it (exposed for tests).
  static std::string truncatedArgument(ByteView arg);

 private:
  std::deque<SlowLogEntry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace ember
