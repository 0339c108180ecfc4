// What the blocking commands (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN,
// BZPOPMAX, BZMPOP) share: their timeout argument, and recording the keys
// they would wait for (Store::blockOn).
//
// The timeout is parsed as Redis 7.0.8+'s getTimeoutFromObjectOrReply(...,
// UNIT_SECONDS): seconds as a long double (string2ld: "inf" accepted, "nan"
// and surrounding spaces refused), times 1000, rounded UP to whole ms so
// that a tiny positive timeout ("0.0001", "1e-400") waits 1 ms instead of
// for ever. 0 means "wait for ever", and so does anything in (-0.001, 0]
// ("-0", "-0.0001"), which rounds up to 0.
//
// The result is relative (the front end that parks the call adds its own
// clock; Redis adds mstime() here, without an overflow check in 7.0) and may
// be as large as INT64_MAX ms: a front end must saturate when it adds.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "../command.h"
#include "../numbers.h"
#include "../store.h"

namespace ember {

// The timeout in ms, or nullopt after replying Redis's error.
inline std::optional<int64_t> parseBlockingTimeout(CommandContext& ctx, ByteView arg) {
  std::optional<long double> seconds = parseLongDouble(arg);
  if (!seconds) {
    ctx.reply.error("ERR timeout is not a float or out of range");
    return std::nullopt;
  }
  const long double ms = std::ceil(*seconds * 1000.0L);
  // Redis converts with a plain (long long) cast. On x86-64 (the reference
  // server) a value past the int64 range, infinities included, becomes
  // LLONG_MIN and is then refused as negative: "inf" and "1e17" are
  // "timeout is negative" there. Written out here, as that cast is
  // undefined behaviour in C++.
  if (ms >= 0x1p63L || ms < 0) {
    ctx.reply.error("ERR timeout is negative");
    return std::nullopt;
  }
  return static_cast<int64_t>(ms);
}

// A blocking command found nothing to serve: records (if the front end
// allows blocking) that it waits for the keys argv[first, last), in
// argument order, each once (Redis's blockForKeys skips a repeated key).
// Its reply, a null, is the caller's.
inline void blockOnKeys(CommandContext& ctx, size_t first, size_t last, int64_t timeout_ms) {
  if (!ctx.store.blockingAllowed()) return;  // the embedded engine: no copies
  std::vector<std::string> keys;
  std::unordered_set<std::string_view> seen;
  for (size_t j = first; j < last; j++) {
    if (seen.insert(ctx.arg(j)).second) keys.emplace_back(ctx.arg(j));
  }
  ctx.store.blockOn(ctx.db_index, std::move(keys), timeout_ms);
}

}  // namespace ember
