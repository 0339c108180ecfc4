// CommandTable: see command_table.h.
#include "command_table.h"

#include "hash.h"

namespace ember {
namespace {

constexpr size_t kMaxNameLength = 64;

// Lower-cases `name` into `out`; false if it is too long to be a command.
bool lowerName(ByteView name, char* out, ByteView* lowered) {
  if (name.size() > kMaxNameLength) return false;
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  *lowered = ByteView(out, name.size());
  return true;
}

// A fixed seed: the index is built from our own names, not from input.
uint64_t nameHash(ByteView lowered) { return hashBytesSeeded(lowered, 0x9e3779b97f4a7c15ull); }

}  // namespace

const CommandTable& CommandTable::instance() {
  static const CommandTable table;  // thread-safe initialization (magic static)
  return table;
}

CommandTable::CommandTable() {
  // Each family with Redis's documentation group of its commands.
  const struct {
    std::span<const CommandSpec> commands;
    std::string_view group;
  } families[] = {
      {stringCommands(), "string"},   {keyCommands(), "generic"},       {serverCommands(), "server"},
      {listCommands(), "list"},       {hashCommands(), "hash"},         {setCommands(), "set"},
      {zsetCommands(), "sorted-set"}, {configCommands(), "server"},     {memoryCommands(), "server"},
      {pubsubCommands(), "pubsub"},   {persistenceCommands(), "server"}, {aclCommands(), "server"},
      {debugCommands(), "server"},    {slowlogCommands(), "server"},    {latencyCommands(), "server"},
      {scriptingCommands(), "scripting"},
      {connectionCommands(), "connection"}, {transactionCommands(), "transactions"},
  };
  for (const auto& family : families) {
    for (const CommandSpec& spec : family.commands) {
      commands_.push_back(&spec);
      family_groups_.push_back(family.group);
    }
  }
  size_t slots = 16;
  while (slots < commands_.size() * 4) slots *= 2;
  index_.assign(slots, -1);
  for (size_t i = 0; i < commands_.size(); i++) {
    size_t at = nameHash(commands_[i]->name) & (slots - 1);
    while (index_[at] != -1) at = (at + 1) & (slots - 1);
    index_[at] = static_cast<int>(i);
  }
}

const CommandSpec* CommandTable::find(ByteView name) const {
  char buf[kMaxNameLength];
  ByteView lowered;
  if (!lowerName(name, buf, &lowered)) return nullptr;
  size_t mask = index_.size() - 1;
  for (size_t at = nameHash(lowered) & mask; index_[at] != -1; at = (at + 1) & mask) {
    const CommandSpec* spec = commands_[static_cast<size_t>(index_[at])];
    if (spec->name == lowered) return spec;
  }
  return nullptr;
}

std::string_view CommandTable::docGroup(const CommandSpec& spec) const {
  if (!spec.doc_group.empty()) return spec.doc_group;
  // A subcommand ("config|get") is in its container's family.
  const CommandSpec* top = find(spec.name.substr(0, spec.name.find('|')));
  for (size_t i = 0; i < commands_.size(); i++) {
    if (commands_[i] == top) return family_groups_[i];
  }
  return {};
}

const CommandSpec* CommandTable::findSubcommand(const CommandSpec& container, ByteView name) {
  char buf[kMaxNameLength];
  ByteView lowered;
  if (!lowerName(name, buf, &lowered)) return nullptr;
  for (const CommandSpec& sub : container.subcommands) {
    // Subcommands are named "container|sub".
    ByteView suffix = sub.name.substr(container.name.size() + 1);
    if (suffix == lowered) return &sub;
  }
  return nullptr;
}

}  // namespace ember
