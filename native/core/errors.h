// Redis's error texts, shared by every command family so the exact wording
// lives in one place. Each starts with its error code.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace ember::err {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNanOrInfinity = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kOutOfMemory = "ERR out of memory";
// A denyoom command refused because used memory is over maxmemory.
inline constexpr std::string_view kOomCommandNotAllowed = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
// A count that must be > 0 (LPOP, SPOP, ZPOPMIN ... with COUNT).
inline constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
// A random-pick count of INT64_MIN (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER):
// its magnitude does not fit.
inline constexpr std::string_view kRandomCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

// A request over one of the protocol's limits, in Redis's wording, e.g.
// "ERR Protocol error: too many arguments (5 > max-command-args 4)".
inline std::string overProtocolLimit(std::string_view what, uint64_t count, std::string_view limit_name,
                                     uint64_t limit) {
  std::string text = "ERR Protocol error: ";
  text += what;
  text += " (" + std::to_string(count) + " > ";
  text += limit_name;
  text += " " + std::to_string(limit) + ")";
  return text;
}

// A client-supplied text as Redis embeds it in an error (%s in
// addReplyErrorFormat): cut at its first NUL (and at `limit` bytes, for
// %.128s), CR and LF turned into spaces so the error stays one line.
inline std::string clientText(std::string_view arg, size_t limit = std::string_view::npos) {
  size_t nul = arg.find('\0');
  std::string text(arg.substr(0, std::min(nul, limit)));
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

// "ERR invalid expire time in 'set' command"
inline std::string invalidExpireTime(std::string_view command_name) {
  return "ERR invalid expire time in '" + std::string(command_name) + "' command";
}

// "ERR wrong number of arguments for 'get' command"
inline std::string wrongArity(std::string_view full_name) {
  return "ERR wrong number of arguments for '" + std::string(full_name) + "' command";
}

// Redis's addReplySubcommandSyntaxError, for a subcommand given the wrong
// arguments: "ERR unknown subcommand or wrong number of arguments for
// 'get'. Try SLOWLOG HELP." (the subcommand and the command as sent).
inline std::string subcommandSyntax(std::string_view command, std::string_view sub) {
  std::string upper = clientText(command);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return "ERR unknown subcommand or wrong number of arguments for '" + clientText(sub, 128) + "'. Try " + upper +
         " HELP.";
}

}  // namespace ember::err
