// The scripting commands emberkv answers without having scripting: FUNCTION
// FLUSH and SCRIPT FLUSH (with their HELP), with the table that declares
// them.
//
// emberkv runs no Lua and keeps no functions or scripts, so there is never
// anything to flush: both answer OK after Redis's argument checks, which is
// what tools that reset a server between runs (test suites, benchmarks)
// need. No other FUNCTION or SCRIPT subcommand is declared, so each gets
// the usual unknown-subcommand error.
#include <string_view>

#include "../command.h"
#include "../command_table.h"
#include "../errors.h"
#include "../numbers.h"
#include "../store.h"

namespace ember {
namespace {

bool isFlushMode(ByteView arg) { return optionIs(arg, "sync") || optionIs(arg, "async"); }

// FUNCTION FLUSH [ASYNC | SYNC]
void functionFlushCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.error(err::subcommandSyntax(ctx.arg(0), ctx.arg(1)));
  if (ctx.argc() == 3 && !isFlushMode(ctx.arg(2))) {
    return ctx.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  }
  ctx.reply.ok();
}

// SCRIPT FLUSH [ASYNC | SYNC] (Redis's text says "support", not "supports").
void scriptFlushCommand(CommandContext& ctx) {
  if (ctx.argc() > 3 || (ctx.argc() == 3 && !isFlushMode(ctx.arg(2)))) {
    return ctx.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
  ctx.reply.ok();
}

void functionHelpCommand(CommandContext& ctx) {
  // Redis's text for the subcommands emberkv has.
  static constexpr std::string_view kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

void scriptHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// The table (arity, flags and ACL categories as Redis 7.0's COMMAND INFO
// reports them).
constexpr KeyPositions kNoKeys{0, 0, 0};

constexpr CommandSpec kFunctionSubcommands[] = {
    {"function|flush", -2, kCmdWrite | kCmdNoScript, kAclWrite | kAclSlow | kAclScripting, kNoKeys,
     functionFlushCommand},
    {"function|help", 2, kCmdLoading | kCmdStale, kAclSlow | kAclScripting, kNoKeys, functionHelpCommand},
};

constexpr CommandSpec kScriptSubcommands[] = {
    {"script|help", 2, kCmdLoading | kCmdStale, kAclSlow | kAclScripting, kNoKeys, scriptHelpCommand},
    {"script|flush", -2, kCmdNoScript, kAclSlow | kAclScripting, kNoKeys, scriptFlushCommand},
};

constexpr CommandSpec kScriptingCommands[] = {
    {"function", -2, 0, kAclSlow, kNoKeys, nullptr, kFunctionSubcommands},
    {"script", -2, 0, kAclSlow, kNoKeys, nullptr, kScriptSubcommands},
};

}  // namespace

std::span<const CommandSpec> scriptingCommands() { return kScriptingCommands; }

}  // namespace ember
