// The LATENCY command family (Redis's latency.c): LATENCY LATEST, HISTORY,
// RESET, DOCTOR and HELP, with the table that declares them.
//
// emberkv records no latency events (Redis samples named events such as
// "command" or "fork" once they pass latency-monitor-threshold). So the
// replies are Redis's for an instance that has none: no latest samples,
// an empty history, nothing reset, and DOCTOR's report saying monitoring
// is off (threshold 0) or that no spike was seen. GRAPH and HISTOGRAM are
// not declared.
#include <string_view>

#include "../command.h"
#include "../command_table.h"
#include "../store.h"

namespace ember {
namespace {

void latencyLatestCommand(CommandContext& ctx) { ctx.reply.array(0); }

void latencyHistoryCommand(CommandContext& ctx) { ctx.reply.array(0); }

// LATENCY RESET [event ...]: how many events' data was reset.
void latencyResetCommand(CommandContext& ctx) { ctx.reply.integer(0); }

// Redis's createLatencyReport texts for no monitoring and for no events.
void latencyDoctorCommand(CommandContext& ctx) {
  if (ctx.store.config().latency_monitor_threshold == 0) {
    return ctx.reply.bulk(
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
        "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep "
        "space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n");
  }
  ctx.reply.bulk(
      "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. "
      "I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
}

void latencyHelpCommand(CommandContext& ctx) {
  // Redis's text for the subcommands emberkv has.
  static constexpr std::string_view kLines[] = {
      "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// The table (arity, flags and ACL categories as Redis 7.0's COMMAND INFO
// reports them).
constexpr KeyPositions kNoKeys{0, 0, 0};
constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminCategories = kAclAdmin | kAclSlow | kAclDangerous;

constexpr CommandSpec kLatencySubcommands[] = {
    {"latency|history", 3, kAdminFlags, kAdminCategories, kNoKeys, latencyHistoryCommand},
    {"latency|help", 2, kCmdLoading | kCmdStale, kAclSlow, kNoKeys, latencyHelpCommand},
    {"latency|reset", -2, kAdminFlags, kAdminCategories, kNoKeys, latencyResetCommand},
    {"latency|latest", 2, kAdminFlags, kAdminCategories, kNoKeys, latencyLatestCommand},
    {"latency|doctor", 2, kAdminFlags, kAdminCategories, kNoKeys, latencyDoctorCommand},
};

constexpr CommandSpec kLatencyCommands[] = {
    {"latency", -2, 0, kAclSlow, kNoKeys, nullptr, kLatencySubcommands},
};

}  // namespace

std::span<const CommandSpec> latencyCommands() { return kLatencyCommands; }

}  // namespace ember
