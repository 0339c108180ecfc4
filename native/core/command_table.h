// CommandTable: every command of every family, found by name or by id.
//
// Built once per process from the families' static tables and never
// changed afterwards, so it is safe to share between Engines and worker
// threads. Ids are dense indexes into all(), stable for the life of the
// process; front ends resolve a name once and call by id afterwards.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "command.h"

namespace ember {

class CommandTable {
 public:
  static const CommandTable& instance();

  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const CommandSpec* find(ByteView name) const;
  // Case-insensitive lookup of a subcommand of a container command.
  static const CommandSpec* findSubcommand(const CommandSpec& container, ByteView name);

  std::span<const CommandSpec* const> all() const { return commands_; }

  // Redis's documentation group of a command or subcommand (COMMAND
  // DOCS): its row's doc_group, else its family's ("string", "generic",
  // "server", ...).
  std::string_view docGroup(const CommandSpec& spec) const;

 private:
  CommandTable();
  std::vector<const CommandSpec*> commands_;
  // The family's documentation group of each of commands_, by index.
  std::vector<std::string_view> family_groups_;
  // Open-addressed index of commands_ by lower-case name.
  std::vector<int> index_;
};

// Each family's table, defined in commands/<family>.cc.
std::span<const CommandSpec> stringCommands();
std::span<const CommandSpec> keyCommands();
std::span<const CommandSpec> serverCommands();
std::span<const CommandSpec> listCommands();
std::span<const CommandSpec> hashCommands();
std::span<const CommandSpec> setCommands();
std::span<const CommandSpec> zsetCommands();
std::span<const CommandSpec> configCommands();
std::span<const CommandSpec> pubsubCommands();
std::span<const CommandSpec> memoryCommands();
std::span<const CommandSpec> persistenceCommands();
std::span<const CommandSpec> aclCommands();
std::span<const CommandSpec> connectionCommands();
std::span<const CommandSpec> transactionCommands();
std::span<const CommandSpec> debugCommands();
std::span<const CommandSpec> slowlogCommands();
std::span<const CommandSpec> latencyCommands();
std::span<const CommandSpec> scriptingCommands();

}  // namespace ember
