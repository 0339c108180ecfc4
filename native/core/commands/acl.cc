// The ACL command family (Redis 7's acl.c commands): ACL SETUSER, DELUSER,
// LIST, USERS, GETUSER, WHOAMI, CAT, DRYRUN, GENPASS, SAVE, LOAD, HELP,
// over the store's AccessControl (acl.h), with the table that declares them.
//
// Not here: ACL LOG (denials go to the server's audit log instead) and
// selectors. An embedded engine runs as no user: WHOAMI answers "default",
// and the users it keeps are checked only by a front end that names one.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "../acl.h"
#include "../command.h"
#include "../command_table.h"
#include "../errors.h"
#include "../numbers.h"
#include "../store.h"

namespace ember {
namespace {

// ACL SETUSER username [rule ...]
void aclSetuserCommand(CommandContext& ctx) {
  // The name and the rules (passwords among them) are never kept in the
  // slow log, as Redis redacts them.
  for (size_t i = 2; i < ctx.argc(); i++) ctx.store.redactArgument(i);
  if (std::optional<std::string> error = ctx.store.acl().setUser(ctx.arg(2), ctx.argv.subspan(3))) {
    return ctx.reply.error(*error);
  }
  ctx.reply.ok();
}

// ACL DELUSER username [username ...]: how many existed.
void aclDeluserCommand(CommandContext& ctx) {
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (ctx.arg(i) == "default") return ctx.reply.error("ERR The 'default' user cannot be removed");
  }
  for (size_t i = 2; i < ctx.argc(); i++) deleted += ctx.store.acl().deleteUser(ctx.arg(i));
  ctx.reply.integer(deleted);
}

void aclListCommand(CommandContext& ctx) {
  const auto& users = ctx.store.acl().users();
  ctx.reply.array(static_cast<uint32_t>(users.size()));
  for (const auto& [name, user] : users) ctx.reply.bulk(user->describe());
}

void aclUsersCommand(CommandContext& ctx) {
  const auto& users = ctx.store.acl().users();
  ctx.reply.array(static_cast<uint32_t>(users.size()));
  for (const auto& [name, user] : users) ctx.reply.bulk(name);
}

// ACL GETUSER username: flags, passwords, commands, keys, channels and
// selectors (none: emberkv has no selectors), as Redis 7's map (a null
// reply for an unknown user).
void aclGetuserCommand(CommandContext& ctx) {
  const AccessControl::UserPtr user = ctx.store.acl().find(ctx.arg(2));
  if (!user) return ctx.reply.null();
  ctx.reply.map(6);
  ctx.reply.bulk("flags");
  ctx.reply.set(user->nopass ? 2 : 1);
  ctx.reply.bulk(user->enabled ? "on" : "off");
  if (user->nopass) ctx.reply.bulk("nopass");
  ctx.reply.bulk("passwords");
  ctx.reply.array(static_cast<uint32_t>(user->secrets.size()));
  for (const std::string& secret : user->secrets) ctx.reply.bulk(secret);
  // The parts of the ACL LIST line, each as one string.
  ctx.reply.bulk("commands");
  ctx.reply.bulk(user->describeCommands());
  ctx.reply.bulk("keys");
  ctx.reply.bulk(user->describeKeys());
  ctx.reply.bulk("channels");
  ctx.reply.bulk(user->describeChannels());
  ctx.reply.bulk("selectors");
  ctx.reply.array(0);
}

void aclWhoamiCommand(CommandContext& ctx) {
  const AclUser* user = ctx.store.currentUser();
  ctx.reply.bulk(user ? std::string_view(user->name) : std::string_view("default"));
}

// ACL CAT [category]
void aclCatCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.error(err::wrongArity("acl|cat"));
  if (ctx.argc() == 2) {
    const std::vector<std::string_view> names = aclCategoryNames();
    ctx.reply.array(static_cast<uint32_t>(names.size()));
    for (std::string_view name : names) ctx.reply.bulk(name);
    return;
  }
  std::optional<std::vector<std::string>> commands = aclCommandsInCategory(ctx.arg(2));
  if (!commands) return ctx.reply.error("ERR Unknown category '" + err::clientText(ctx.arg(2), 128) + "'");
  ctx.reply.array(static_cast<uint32_t>(commands->size()));
  for (const std::string& name : *commands) ctx.reply.bulk(name);
}

// ACL DRYRUN username command [arg ...]: whether the user could run it,
// without running it.
void aclDryrunCommand(CommandContext& ctx) {
  const AccessControl::UserPtr user = ctx.store.acl().find(ctx.arg(2));
  if (!user) return ctx.reply.error("ERR User '" + err::clientText(ctx.arg(2), 128) + "' not found");
  std::span<const ByteView> argv = ctx.argv.subspan(3);
  const CommandSpec* command = CommandTable::instance().find(argv[0]);
  if (!command) return ctx.reply.error("ERR Command '" + err::clientText(argv[0], 128) + "' not found");
  std::string error;
  const CommandSpec* run = Store::resolve(*command, argv, error);
  if (!run) return ctx.reply.error("ERR wrong number of arguments for '" + std::string(command->name) + "' command");
  if (std::optional<AclDenial> denial = ctx.store.acl().checkCommand(*user, *run, argv)) {
    return ctx.reply.bulk(denial->message);
  }
  ctx.reply.ok();
}

// ACL GENPASS [bits]: a random secret of `bits` bits (default 256) as hex.
void aclGenpassCommand(CommandContext& ctx) {
  int64_t bits = 256;
  if (ctx.argc() > 3) return ctx.reply.error(err::wrongArity("acl|genpass"));
  if (ctx.argc() == 3) {
    std::optional<int64_t> parsed = parseInt64(ctx.arg(2));
    if (!parsed || *parsed <= 0 || *parsed > 4096) {
      return ctx.reply.error("ERR ACL GENPASS argument must be the number of bits for the output password, a "
                             "positive number up to 4096");
    }
    bits = *parsed;
  }
  std::random_device entropy;  // the kernel's random source on Linux
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(static_cast<size_t>((bits + 3) / 4), '0');
  for (char& c : hex) c = kHex[entropy() & 15];
  ctx.reply.bulk(hex);
}

void aclSaveCommand(CommandContext& ctx) {
  if (std::optional<std::string> error = ctx.store.acl().save(ctx.store.config().aclfile)) return ctx.reply.error(*error);
  ctx.reply.ok();
}

void aclLoadCommand(CommandContext& ctx) {
  if (std::optional<std::string> error = ctx.store.acl().load(ctx.store.config().aclfile)) return ctx.reply.error(*error);
  ctx.reply.ok();
}

void aclHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// Flags and ACL categories as Redis 7.0's COMMAND INFO reports them.
constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminCategories = kAclAdmin | kAclSlow | kAclDangerous;
constexpr uint32_t kInfoFlags = kCmdNoScript | kCmdLoading | kCmdStale;

constexpr CommandSpec kAclSubcommands[] = {
    {"acl|cat", -2, kInfoFlags, kAclSlow, KeyPositions{}, aclCatCommand},
    {"acl|deluser", -3, kAdminFlags, kAdminCategories, KeyPositions{}, aclDeluserCommand},
    {"acl|dryrun", -4, kAdminFlags, kAdminCategories, KeyPositions{}, aclDryrunCommand},
    {"acl|genpass", -2, kInfoFlags, kAclSlow, KeyPositions{}, aclGenpassCommand},
    {"acl|getuser", 3, kAdminFlags, kAdminCategories, KeyPositions{}, aclGetuserCommand},
    {"acl|help", 2, kCmdLoading | kCmdStale, kAclSlow, KeyPositions{}, aclHelpCommand},
    {"acl|list", 2, kAdminFlags, kAdminCategories, KeyPositions{}, aclListCommand},
    {"acl|load", 2, kAdminFlags, kAdminCategories, KeyPositions{}, aclLoadCommand},
    {"acl|save", 2, kAdminFlags, kAdminCategories, KeyPositions{}, aclSaveCommand},
    {"acl|setuser", -3, kAdminFlags, kAdminCategories, KeyPositions{}, aclSetuserCommand},
    {"acl|users", 2, kAdminFlags, kAdminCategories, KeyPositions{}, aclUsersCommand},
    {"acl|whoami", 2, kInfoFlags, kAclSlow, KeyPositions{}, aclWhoamiCommand},
};

constexpr CommandSpec kAclCommands[] = {
    {"acl", -2, 0, kAclSlow, KeyPositions{}, nullptr, kAclSubcommands},
};

}  // namespace

std::span<const CommandSpec> aclCommands() { return kAclCommands; }

}  // namespace ember
