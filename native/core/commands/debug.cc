// The DEBUG command (Redis's debug.c), with the harmless subcommands:
// DEBUG OBJECT key, DEBUG SLEEP seconds, DEBUG SET-ACTIVE-EXPIRE 0|1 and
// DEBUG HELP, and the table row that declares it.
//
// As in Redis, DEBUG is one command (no subcommand rows: COMMAND INFO shows
// none) whose handler reads argv[1], and it is admin and dangerous (an ACL
// user needs @admin or @dangerous to run it). Redis's other subcommands
// (RELOAD, CRASH-AND-RECOVER, POPULATE, ...) get an error saying emberkv
// does not support them; a name Redis does not know either gets Redis's
// unknown-subcommand error.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

#include "../command.h"
#include "../command_table.h"
#include "../entry.h"
#include "../errors.h"
#include "../keyspace.h"
#include "../store.h"
#include "object_refcount.h"

namespace ember {
namespace {

// Redis 7.0's DEBUG subcommands that emberkv does not have.
constexpr std::string_view kUnsupported[] = {
    "aof-flush-sleep", "assert", "change-repl-id", "config-rewrite-force-all", "crash-and-recover", "digest",
    "digest-value", "error", "leak", "log", "htstats", "htstats-key", "loadaof", "replicate", "mallctl",
    "mallctl-str", "drop-cluster-packet-filter", "oom", "panic", "populate", "protocol", "reload", "restart",
    "sdslen", "segfault", "quicklist-packed-threshold", "set-skip-checksum-validation", "stringmatch-test",
    "structsize", "listpack", "quicklist", "client-eviction", "pause-cron", "replybuffer", "clusterlink", "jmap",
};

// A C string copy of an argument, for the C parsers Redis uses here.
std::string cString(ByteView arg) { return std::string(arg.substr(0, arg.find('\0'))); }

// DEBUG OBJECT key: Redis's line, with what emberkv knows of the value:
// where its entry is, Redis's refcount, the encoding OBJECT ENCODING
// names, the 24-bit access clock and the idle seconds it gives. Redis's
// serializedlength (the value's RDB size) and the quicklist details are
// left out: emberkv has no RDB encoding of a value to measure.
void debugObject(CommandContext& ctx) {
  // As Redis's objectCommandLookup: no touch, but a hit or a miss counts.
  const Entry* e = ctx.db.lookupRead(ctx.arg(2), kLookupNoTouch);
  if (!e) return ctx.reply.error(err::kNoSuchKey);
  const uint32_t access = e->accessClock();
  char line[256];
  std::snprintf(line, sizeof line, "Value at:%p refcount:%" PRId64 " encoding:%.*s lru:%" PRIu32
                " lru_seconds_idle:%" PRId64,
                static_cast<const void*>(e), objectRefcount(*e, ctx.store.config()),
                static_cast<int>(e->encodingName().size()), e->encodingName().data(), access,
                ctx.db.clock().idleSeconds(access));
  ctx.reply.simple(line);
}

// DEBUG SLEEP seconds: blocks the command thread, as Redis does (strtod:
// "x" sleeps 0 s; a negative or NaN time does not sleep).
void debugSleep(CommandContext& ctx) {
  const double seconds = std::strtod(cString(ctx.arg(2)).c_str(), nullptr);
  if (seconds > 0) {
    // Beyond ~292 years the microseconds would overflow: that is for ever.
    const double micros = seconds * 1e6;
    const int64_t us = micros >= 9.2e18 ? INT64_MAX : static_cast<int64_t>(micros);
    std::this_thread::sleep_for(std::chrono::microseconds(us));
  }
  ctx.reply.ok();
}

// DEBUG SET-ACTIVE-EXPIRE 0|1: turns the active expire cycle off or on
// (Redis's atoi: any text whose leading number is not 0 turns it on).
void debugSetActiveExpire(CommandContext& ctx) {
  // atoi is strtol cut to an int (glibc): "4294967296" is 0, as in Redis.
  const bool on = static_cast<int>(std::strtol(cString(ctx.arg(2)).c_str(), nullptr, 10)) != 0;
  ctx.store.updateConfig([on](StoreConfig& config) { config.active_expire_enabled = on; });
  ctx.reply.ok();
}

void debugHelp(CommandContext& ctx) {
  // Redis's text for the subcommands emberkv has.
  static constexpr std::string_view kLines[] = {
      "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

void debugCommand(CommandContext& ctx) {
  const ByteView sub = ctx.arg(1);
  if (ctx.argc() == 2 && optionIs(sub, "help")) return debugHelp(ctx);
  if (ctx.argc() == 3 && optionIs(sub, "object")) return debugObject(ctx);
  if (ctx.argc() == 3 && optionIs(sub, "sleep")) return debugSleep(ctx);
  if (ctx.argc() == 3 && optionIs(sub, "set-active-expire")) return debugSetActiveExpire(ctx);
  for (std::string_view name : kUnsupported) {
    if (optionIs(sub, name)) {
      std::string upper = err::clientText(sub, 128);
      for (char& c : upper) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      }
      return ctx.reply.error("ERR DEBUG " + upper + " is not supported by emberkv");
    }
  }
  ctx.reply.error(err::subcommandSyntax(ctx.arg(0), sub));
}

// The table row (arity, flags and ACL categories as Redis 7.0's COMMAND
// INFO reports them).
constexpr CommandSpec kDebugCommands[] = {
    {"debug", -2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, kAclAdmin | kAclSlow | kAclDangerous,
     KeyPositions{0, 0, 0}, debugCommand},
};

}  // namespace

std::span<const CommandSpec> debugCommands() { return kDebugCommands; }

}  // namespace ember
