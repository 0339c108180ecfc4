// Store: recording commands into the slow log (slowlog.h), as Redis's
// slowlogPushCurrentCommand does after call().
#include "store.h"

namespace ember {

void Store::slowLogFinish(std::span<const ByteView> argv, int64_t start_ns) {
  // The log may have been turned on or off by this very command (CONFIG
  // SET): Redis decides with the settings as they are after it ran.
  if (start_ns >= 0 && config_.slowlog_log_slower_than >= 0) {
    const int64_t duration_us = (steadyNowNs() - start_ns) / 1000;
    const size_t max_len = static_cast<size_t>(config_.slowlog_max_len);
    if (duration_us >= config_.slowlog_log_slower_than) {
      slowlog_.record(argv, redacted_args_, nowMs() / 1000, duration_us, max_len);
    } else {
      slowlog_.trim(max_len);
    }
  }
  redacted_args_.clear();
}

}  // namespace ember
