// SlowLog: see slowlog.h.
#include "slowlog.h"

#include <algorithm>

namespace ember {

std::string SlowLog::truncatedArgument(ByteView arg) {
  if (arg.size() <= kMaxArgBytes) return std::string(arg);
  std::string kept(arg.substr(0, kMaxArgBytes));
  kept += "... (" + std::to_string(arg.size() - kMaxArgBytes) + " more bytes)";
  return kept;
}

void SlowLog::record(std::span<const ByteView> argv, std::span<const uint32_t> redacted, int64_t unix_time_s,
                     int64_t duration_us, size_t max_len) {
  SlowLogEntry entry{next_id_++, unix_time_s, duration_us, {}, {}, {}};
  const size_t kept = std::min(argv.size(), kMaxArgs);
  entry.argv.reserve(kept);
  for (size_t i = 0; i < kept; i++) {
    if (kept != argv.size() && i == kept - 1) {
      // The last slot tells how many arguments were left out, itself included.
      entry.argv.push_back("... (" + std::to_string(argv.size() - kept + 1) + " more arguments)");
    } else if (std::find(redacted.begin(), redacted.end(), i) != redacted.end()) {
      entry.argv.emplace_back("(redacted)");
    } else {
      entry.argv.push_back(truncatedArgument(argv[i]));
    }
  }
  entries_.push_front(std::move(entry));
  trim(max_len);
}

void SlowLog::trim(size_t max_len) {
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace ember
