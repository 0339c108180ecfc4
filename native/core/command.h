// Command declarations: the one place a command is described.
//
// Each family file (commands/strings.cc, commands/keys.cc, ...) declares its
// commands in a table of CommandSpec right beside their handlers. The
// CommandTable (command_table.h) collects the families; front ends look
// commands up there, check arity, and learn flags and key positions from
// there (the TypeScript layer included: it never re-describes a command).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "bytes.h"
#include "clock.h"
#include "reply.h"

namespace ember {

// The Redis version emberkv answers as (INFO's redis_version, HELLO's
// version): the Redis 7.0 semantics it follows, so that tools accept it.
inline constexpr std::string_view kRedisVersion = "7.0.15";

class Store;
class Keyspace;
struct Session;
struct CommandSpec;

// Redis's command flags (COMMAND INFO names them in lower case).
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,
  kCmdReadonly = 1u << 1,
  kCmdDenyOom = 1u << 2,
  kCmdAdmin = 1u << 3,
  kCmdPubsub = 1u << 4,
  kCmdNoScript = 1u << 5,
  kCmdBlocking = 1u << 6,
  kCmdLoading = 1u << 7,
  kCmdStale = 1u << 8,
  kCmdFast = 1u << 9,
  kCmdNoAuth = 1u << 10,
  kCmdMovableKeys = 1u << 11,
};

// Redis's ACL categories (COMMAND INFO names them "@keyspace", ...).
enum AclCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclSet = 1u << 3,
  kAclSortedSet = 1u << 4,
  kAclList = 1u << 5,
  kAclHash = 1u << 6,
  kAclString = 1u << 7,
  kAclBitmap = 1u << 8,
  kAclPubsub = 1u << 9,
  kAclAdmin = 1u << 10,
  kAclFast = 1u << 11,
  kAclSlow = 1u << 12,
  kAclBlocking = 1u << 13,
  kAclDangerous = 1u << 14,
  kAclConnection = 1u << 15,
  kAclTransaction = 1u << 16,
  kAclScripting = 1u << 17,
};

// Names of the flag and category bits, in the order Redis 7.0 prints them
// (COMMAND INFO, and the JS command table).
struct NamedBit {
  uint32_t bit;
  std::string_view name;
};

inline constexpr NamedBit kCommandFlagNames[] = {
    {kCmdWrite, "write"},       {kCmdReadonly, "readonly"}, {kCmdDenyOom, "denyoom"},
    {kCmdAdmin, "admin"},       {kCmdPubsub, "pubsub"},     {kCmdNoScript, "noscript"},
    {kCmdBlocking, "blocking"}, {kCmdLoading, "loading"},   {kCmdStale, "stale"},
    {kCmdFast, "fast"},         {kCmdNoAuth, "no_auth"},    {kCmdMovableKeys, "movablekeys"},
};

inline constexpr NamedBit kAclCategoryNames[] = {
    {kAclKeyspace, "keyspace"},       {kAclRead, "read"},
    {kAclWrite, "write"},             {kAclSet, "set"},
    {kAclSortedSet, "sortedset"},     {kAclList, "list"},
    {kAclHash, "hash"},               {kAclString, "string"},
    {kAclBitmap, "bitmap"},           {kAclPubsub, "pubsub"},
    {kAclAdmin, "admin"},             {kAclFast, "fast"},
    {kAclSlow, "slow"},               {kAclBlocking, "blocking"},
    {kAclDangerous, "dangerous"},     {kAclConnection, "connection"},
    {kAclTransaction, "transaction"}, {kAclScripting, "scripting"},
};

// Everything a handler gets: the store, the selected database, the
// arguments (argv[0] is the command name as the client sent it), the reply
// builder, and the clock (its time is fixed for the whole command, as in
// Redis, and read only if the command needs it). `session` is the client
// connection the command came on (session.h), or nullptr on a path that
// has none (the embedded engine, a gRPC call).
struct CommandContext {
  Store& store;
  Keyspace& db;
  int db_index;
  std::span<const ByteView> argv;
  ReplyBuilder& reply;
  const CommandClock& clock;
  const CommandSpec& command;
  Session* session = nullptr;

  size_t argc() const { return argv.size(); }
  int64_t nowMs() const { return clock.nowMs(); }
  ByteView arg(size_t i) const { return argv[i]; }
};

using CommandHandler = void (*)(CommandContext& ctx);

// Where a command's keys are, Redis's (first, last, step) triple: last < 0
// counts from the end (-1 = the last argument). first == 0: no keys.
struct KeyPositions {
  int first = 0;
  int last = 0;
  int step = 0;
};

// Which access an ACL user needs to each key of a command (acl.h), after
// Redis 7's key specs: a key whose content the command reads, or whose
// content decides its reply, needs read access; a key it changes needs
// write access; a key of which only metadata is looked at (EXISTS, TYPE,
// the length commands) needs a matching pattern of any access. Read-only
// commands read every key and a write command reads and writes every key
// unless its row says otherwise.
enum class KeyAccess : uint8_t {
  kByFlags,                      // read-only: read; write: read and write
  kAny,                          // only metadata (EXISTS, TYPE, STRLEN, LLEN, ...): a matching
                                 // pattern of any access
  kWrite,                        // every key only written (DEL, LPUSH, SADD, EXPIRE, ...)
  kWriteUnlessGet,               // SET: written, and read too with its GET option
  kFirstWrittenRestRead,         // a destination, then sources (SINTERSTORE, ZUNIONSTORE, ...)
  kLastWrittenRestRead,          // sources, then a destination (COPY)
  kFirstReadWrittenRestWritten,  // a source taken from, then destinations (LMOVE, SMOVE, RENAME)
};

struct CommandSpec {
  std::string_view name;  // lower case; "object|encoding" for a subcommand
  int arity;              // Redis convention: n exact, -n at least n (name included)
  uint32_t flags;         // CommandFlag bits
  uint32_t categories;    // AclCategory bits
  KeyPositions keys;
  CommandHandler handler;  // nullptr for a container of subcommands
  std::span<const CommandSpec> subcommands = {};
  // Movable keys (kCmdMovableKeys): the position of the numkeys argument;
  // that many keys follow it (after the `keys` positions, if any).
  int numkeys_at = 0;
  KeyAccess key_access = KeyAccess::kByFlags;
  // Redis's documentation group (COMMAND DOCS), when it is not the one of
  // the command's family (command_table.h: PING in the server family is
  // "connection"). Empty: the family's.
  std::string_view doc_group = {};
};

}  // namespace ember
