// Access control (issue 7): users, their secrets and what each may run,
// in the spirit of Redis 7 ACLs, and the one check every command passes
// before it runs (Store::execute) when a front end names a user.
//
// Embedded engines name no user, so none of this applies to them. The
// server names a user for every call (src/server/auth.ts decides who);
// the "default" user is the one a caller without credentials gets.
//
// RULES are Redis's ACL SETUSER words, applied left to right:
//   on / off               the user may / may not authenticate
//   >secret / <secret      add / remove a secret (kept only as a hash)
//   #hash / !hash          add / remove a secret by its crypt(3) hash
//   nopass / resetpass     any secret works / no secret works (none kept)
//   +cmd -cmd              allow / deny a command with all its subcommands
//   +cmd|sub -cmd|sub      allow / deny one subcommand
//   +@cat -@cat            allow / deny every command in a category
//   allcommands nocommands +@all / -@all
//   ~pat %R~pat %W~pat %RW~pat   keys matching the glob pattern may be
//                          read and written / read / written / both (the
//                          same glob with two accesses is two patterns)
//   allkeys resetkeys      ~* / no key patterns
//   &pat allchannels resetchannels   pub/sub channel patterns, &* / none
//   reset                  resetpass resetkeys resetchannels off -@all
// Selectors "(...)" are not supported (an error names the rule).
//
// WHICH ACCESS A COMMAND NEEDS: every key argument (the command table's
// key positions, and the numkeys-counted keys of movable-key commands)
// must match one pattern granting the access the command's row says
// (CommandSpec::key_access, after Redis 7's key specs): read for a
// read-only command; write only for a key that is only changed (SET
// without GET, DEL, LPUSH, SADD, EXPIRE, a STORE command's destination);
// read and write for the rest of the write commands (INCR, LPOP, the
// source of LMOVE, ...); any matching pattern for a command that only
// looks at metadata (EXISTS, TYPE, LLEN, ...). Only "~*" and "allkeys"
// match every key (no glob matches the empty key name). PUBLISH's
// channel, and the channels and patterns of a subscription, must match a
// channel pattern (a pattern subscription must equal one, as in Redis).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bytes.h"
#include "command.h"

namespace ember {

enum AclKeyAccess : uint8_t {
  kAclKeyRead = 1,
  kAclKeyWrite = 2,
  kAclKeyReadWrite = 3,
};

struct AclKeyPattern {
  std::string pattern;
  uint8_t access;  // AclKeyAccess bits, never 0
};

// One user. Invariants:
//  - name is non-empty and holds no byte <= ' ' and no ':' (":" separates
//    user and secret in the server's bearer tokens);
//  - nopass implies secrets is empty;
//  - every secret is a hash accepted by isAcceptedSecretHash, none twice;
//  - allowed has one bit per command and subcommand (AclCommandIndex), a
//    container's own bit included;
//  - all_keys implies key_patterns is empty, and all_channels implies
//    channel_patterns is empty (a pattern after "*" is refused);
//  - command_rules is the command part of the description, "+@all" or
//    "-@all" first, then the rules given since, in order; replaying them
//    on an empty bit set gives `allowed`.
struct AclUser {
  std::string name;
  bool enabled = false;
  bool nopass = false;
  std::vector<std::string> secrets;
  std::vector<bool> allowed;
  bool all_keys = false;
  std::vector<AclKeyPattern> key_patterns;
  bool all_channels = false;
  std::vector<std::string> channel_patterns;
  std::vector<std::string> command_rules;
  // All commands, all keys, all channels: the check can be skipped.
  bool unrestricted = false;

  // The ACL LIST line: "user <name> on|off nopass|#<hash>... keys channels commands".
  std::string describe() const;
  // Its parts, as ACL GETUSER shows them ("" for no key or channel pattern).
  std::string describeKeys() const;
  std::string describeChannels() const;
  std::string describeCommands() const;
};

// Why a command was refused: the NOPERM error text naming the rule, and
// what it was about ("command", "key", "channel").
struct AclDenial {
  std::string message;
  std::string_view object;
};

class AccessControl {
 public:
  AccessControl();

  // Users are shared and never changed in place (a change makes a new
  // AclUser), so a front end running commands as one keeps a consistent,
  // live user even if a command deletes or changes it midway.
  using UserPtr = std::shared_ptr<const AclUser>;
  UserPtr find(ByteView name) const;
  // What a user deleted while its calls were open runs as: a user of that
  // name with no permissions at all.
  static UserPtr deletedUser(ByteView name);
  const std::map<std::string, UserPtr, std::less<>>& users() const { return users_; }

  // ACL SETUSER: creates the user if needed (off, no secrets, no
  // permissions) and applies `rules`, all or nothing. On error returns
  // Redis's text ("ERR Error in ACL SETUSER modifier '<rule>': <why>").
  std::optional<std::string> setUser(ByteView name, std::span<const ByteView> rules);
  // ACL DELUSER of one name: whether it existed. The default user cannot
  // be deleted (the caller checks, for Redis's error text).
  bool deleteUser(ByteView name);
  // CONFIG SET requirepass: the default user's secrets become this one
  // (or, for "", nopass), as in Redis.
  std::optional<std::string> setRequirePass(ByteView secret);

  // ACL SAVE: every user's line, written to `path` (Redis's aclfile; ""
  // for none: an error) atomically. ACL LOAD: replaces all users with the
  // file's, all or nothing.
  std::optional<std::string> save(const std::string& path) const;
  std::optional<std::string> load(const std::string& path);

  // The checks. nullopt: allowed.
  std::optional<AclDenial> checkCommand(const AclUser& user, const CommandSpec& run,
                                        std::span<const ByteView> argv) const;
  std::optional<AclDenial> checkChannel(const AclUser& user, ByteView channel, bool is_pattern) const;
  // One key needing `access` (AclKeyAccess bits): WATCH's keys, which
  // are read (as Redis's WATCH key spec says).
  std::optional<AclDenial> checkKey(const AclUser& user, ByteView key, uint8_t access) const;

  // Changes with every change of any user: front ends that cache who a
  // credential authenticates as compare it to know the cache is current.
  uint64_t generation() const { return generation_; }

 private:
  std::map<std::string, UserPtr, std::less<>> users_;
  uint64_t generation_ = 1;
};

// The keys of a command call: the table's (first, last, step) positions,
// and for movable-key commands the numkeys keys after numkeys_at. Keys
// that argv is too short to hold are skipped (arity was checked before).
void forEachKey(const CommandSpec& run, std::span<const ByteView> argv, const std::function<void(ByteView)>& visit);

// ACL CAT: the category names, and the commands (and "cmd|sub"
// subcommands) in one category.
std::vector<std::string_view> aclCategoryNames();
std::optional<std::vector<std::string>> aclCommandsInCategory(ByteView category);

}  // namespace ember
