// The arguments LMPOP and ZMPOP (and their blocking forms BLMPOP and
// BZMPOP, where a timeout comes first) share, parsed as Redis's
// lmpopGenericCommand / zmpopGenericCommand do: numkeys key [key ...]
// <where> [COUNT count]. Each family reads its own <where> word
// (LEFT|RIGHT, MIN|MAX) between the two calls, and the blocking forms
// their timeout after both, which keeps Redis's order of checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "../command.h"
#include "../errors.h"
#include "../numbers.h"

namespace ember {

// numkeys (at `numkeys_index`: 1, or 2 after a timeout): a positive
// integer leaving room for the <where> word. Returns the index of <where>,
// or nullopt after replying the error.
inline std::optional<size_t> parseMpopNumkeys(CommandContext& ctx, size_t numkeys_index = 1) {
  std::optional<int64_t> numkeys = parseInt64(ctx.arg(numkeys_index));
  if (!numkeys || *numkeys < 1) {
    ctx.reply.error("ERR numkeys should be greater than 0");
    return std::nullopt;
  }
  // <where> = numkeys_index + numkeys + 1 must be an argument (compared
  // without overflow; the command's arity keeps argc above numkeys_index + 1).
  if (static_cast<uint64_t>(*numkeys) >= ctx.argc() - numkeys_index - 1) {
    ctx.reply.error(err::kSyntax);
    return std::nullopt;
  }
  return numkeys_index + 1 + static_cast<size_t>(*numkeys);
}

// [COUNT count] after <where>: at most once, positive; 1 when absent.
// Returns nullopt after replying the error.
inline std::optional<int64_t> parseMpopCount(CommandContext& ctx, size_t where_index) {
  int64_t count = -1;
  for (size_t j = where_index + 1; j < ctx.argc(); j++) {
    const bool more = j + 1 < ctx.argc();
    if (count == -1 && optionIs(ctx.arg(j), "count") && more) {
      std::optional<int64_t> c = parseInt64(ctx.arg(++j));
      if (!c || *c < 1) {
        ctx.reply.error("ERR count should be greater than 0");
        return std::nullopt;
      }
      count = *c;
    } else {
      ctx.reply.error(err::kSyntax);
      return std::nullopt;
    }
  }
  return count == -1 ? 1 : count;
}

}  // namespace ember
