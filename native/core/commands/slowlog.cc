// The SLOWLOG command family (Redis's slowlog.c): SLOWLOG GET [count],
// LEN, RESET and HELP over the store's SlowLog (slowlog.h), with the table
// that declares them. What is recorded, and when, is Store's business
// (store_slowlog.cc); the settings are CONFIG's (slowlog-log-slower-than,
// slowlog-max-len).
#include <string_view>

#include "../command.h"
#include "../command_table.h"
#include "../errors.h"
#include "../numbers.h"
#include "../store.h"

namespace ember {
namespace {

constexpr std::string_view kBadCount = "ERR count should be greater than or equal to -1";

// SLOWLOG GET [count]: the newest `count` entries (default 10, -1: all),
// each [id, unix time, duration us, [args], client addr, client name].
void slowlogGetCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.error(err::subcommandSyntax(ctx.arg(0), ctx.arg(1)));
  int64_t count = 10;
  if (ctx.argc() == 3) {
    std::optional<int64_t> parsed = parseInt64(ctx.arg(2));
    if (!parsed || *parsed < -1) return ctx.reply.error(kBadCount);
    count = *parsed;
  }
  const auto& entries = ctx.store.slowLog().entries();
  size_t n = entries.size();
  if (count >= 0 && static_cast<uint64_t>(count) < n) n = static_cast<size_t>(count);
  ctx.reply.array(static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; i++) {
    const SlowLogEntry& entry = entries[i];
    ctx.reply.array(6);
    ctx.reply.integer(static_cast<int64_t>(entry.id));
    ctx.reply.integer(entry.unix_time_s);
    ctx.reply.integer(entry.duration_us);
    ctx.reply.array(static_cast<uint32_t>(entry.argv.size()));
    for (const std::string& arg : entry.argv) ctx.reply.bulk(arg);
    ctx.reply.bulk(entry.client_addr);
    ctx.reply.bulk(entry.client_name);
  }
}

void slowlogLenCommand(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.store.slowLog().size())); }

void slowlogResetCommand(CommandContext& ctx) {
  ctx.store.slowLog().reset();
  ctx.reply.ok();
}

void slowlogHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// The table (arity, flags and ACL categories as Redis 7.0's COMMAND INFO
// reports them).
constexpr KeyPositions kNoKeys{0, 0, 0};
constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminCategories = kAclAdmin | kAclSlow | kAclDangerous;

constexpr CommandSpec kSlowlogSubcommands[] = {
    {"slowlog|reset", 2, kAdminFlags, kAdminCategories, kNoKeys, slowlogResetCommand},
    {"slowlog|get", -2, kAdminFlags, kAdminCategories, kNoKeys, slowlogGetCommand},
    {"slowlog|len", 2, kAdminFlags, kAdminCategories, kNoKeys, slowlogLenCommand},
    {"slowlog|help", 2, kCmdLoading | kCmdStale, kAclSlow, kNoKeys, slowlogHelpCommand},
};

constexpr CommandSpec kSlowlogCommands[] = {
    {"slowlog", -2, 0, kAclSlow, kNoKeys, nullptr, kSlowlogSubcommands},
};

}  // namespace

std::span<const CommandSpec> slowlogCommands() { return kSlowlogCommands; }

}  // namespace ember
