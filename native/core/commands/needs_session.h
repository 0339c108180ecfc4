// The check every connection command (SELECT, CLIENT, MULTI, SUBSCRIBE,
// ...) makes first: on a path with no client connection (the embedded
// engine, a gRPC call) it answers an error naming the command and what
// to use there instead.
#pragma once

#include <string>
#include <string_view>

#include "../command.h"

namespace ember {

// True (the error answered) if the command came on no connection;
// `instead` says what emberkv's gRPC API offers for it.
inline bool withoutSession(CommandContext& ctx, std::string_view instead) {
  if (ctx.session) return false;
  std::string name(ctx.command.name);  // "client|id" -> "CLIENT ID"
  for (char& c : name) c = c == '|' ? ' ' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  ctx.reply.error("ERR " + name + " needs a RESP connection (emberkv's gRPC API " + std::string(instead) + ")");
  return true;
}

}  // namespace ember
