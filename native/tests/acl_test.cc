// Access control in the core (acl.h, secret_hash.h, commands/acl.cc): the
// rules of ACL SETUSER, the checks Store::execute makes for the current
// user, the ACL file's round trip, and the secrets' hashes.
#include <fstream>
#include <string>
#include <vector>

#include "check.h"
#include "core/acl.h"
#include "core/secret_hash.h"
#include "core/store.h"
#include "run_command.h"
#include "temp_dir.h"

using ember::AccessControl;
using ember::ByteView;
using ember::Store;
using ember::test::call;

namespace {

std::string listOf(Store& store, const std::string& name) {
  return store.acl().find(name) ? store.acl().find(name)->describe() : "(none)";
}

// Runs `args` as `user` (by name).
std::string callAs(Store& store, const std::string& user, const std::vector<std::string>& args) {
  Store::AsUser as(store, store.acl().find(user));
  return call(store, args);
}

}  // namespace

TEST(secrets_are_salted_hashes_that_verify) {
  std::string error;
  auto first = ember::hashSecret("s3cret", error);
  auto second = ember::hashSecret("s3cret", error);
  REQUIRE(first.has_value() && second.has_value());
  CHECK(first->rfind("$y$", 0) == 0);
  CHECK(*first != *second);  // a new salt each time
  CHECK(ember::secretMatches(*first, "s3cret"));
  CHECK(!ember::secretMatches(*first, "s3cret "));
  CHECK(!ember::secretMatches(*first, ""));
  CHECK(ember::isAcceptedSecretHash(*first));
  CHECK(!ember::isAcceptedSecretHash("$y$j9T$salt"));           // a setting, not a hash
  CHECK(!ember::isAcceptedSecretHash("abcdefabcdefabcdef"));    // Redis's SHA-256 hex: not crypt(3)
  CHECK(!ember::isAcceptedSecretHash("$1$saltsalt$hash"));      // MD5: too weak for new hashes
  CHECK(!ember::hashSecret(ByteView("a\0b", 3), error).has_value());
}

TEST(a_new_user_starts_off_with_nothing_and_rules_apply_in_order) {
  Store store;
  CHECK_EQ(call(store, {"ACL", "SETUSER", "alice"}), "+OK");
  CHECK_EQ(listOf(store, "alice"), "user alice off resetchannels -@all");
  CHECK_EQ(call(store, {"ACL", "SETUSER", "alice", "on", "nopass", "~app:*", "%R~ro:*", "%W~wo:*", "&chan", "+@read",
                        "-get", "+config|get"}),
           "+OK");
  CHECK_EQ(listOf(store, "alice"), "user alice on nopass ~app:* %R~ro:* %W~wo:* &chan -@all +@read -get +config|get");
  // The same glob with another access is another pattern (as in Redis);
  // the same one again is not added twice.
  CHECK_EQ(call(store, {"ACL", "SETUSER", "alice", "%W~ro:*", "%R~ro:*"}), "+OK");
  CHECK(listOf(store, "alice").find("~app:* %R~ro:* %W~wo:* %W~ro:* &chan") != std::string::npos);
  CHECK_EQ(call(store, {"ACL", "SETUSER", "alice", "reset"}), "+OK");
  CHECK_EQ(listOf(store, "alice"), "user alice off resetchannels -@all");
  CHECK_EQ(call(store, {"ACL", "SETUSER", "alice", "allkeys", "allchannels", "allcommands"}), "+OK");
  CHECK_EQ(listOf(store, "alice"), "user alice off ~* &* +@all");
  CHECK(store.acl().find("alice")->unrestricted);
}

TEST(a_bad_rule_changes_nothing_and_names_the_rule) {
  Store store;
  CHECK_EQ(call(store, {"ACL", "SETUSER", "bob", "on", "~a:*"}), "+OK");
  const std::string before = listOf(store, "bob");
  CHECK_EQ(call(store, {"ACL", "SETUSER", "bob", "off", "+nosuch"}),
           "-ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
  CHECK_EQ(call(store, {"ACL", "SETUSER", "bob", "+@nosuch"}),
           "-ERR Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL");
  CHECK_EQ(call(store, {"ACL", "SETUSER", "bob", "allkeys", "~b:*"}).rfind("-ERR Error in ACL SETUSER modifier '~b:*': Adding a pattern after the * pattern", 0), 0u);
  CHECK_EQ(call(store, {"ACL", "SETUSER", "bob", "%X~a"}), "-ERR Error in ACL SETUSER modifier '%X~a': Syntax error");
  CHECK_EQ(call(store, {"ACL", "SETUSER", "bob", "(~x +get)"}), "-ERR Error in ACL SETUSER modifier '(~x +get)': Syntax error");
  CHECK_EQ(call(store, {"ACL", "SETUSER", "bob", "<never-set"}),
           "-ERR Error in ACL SETUSER modifier '<never-set': The password you are trying to remove from the user does not exist");
  CHECK_EQ(listOf(store, "bob"), before);
  CHECK(call(store, {"ACL", "SETUSER", "b ob"}).rfind("-ERR Usernames can't contain", 0) == 0);
  CHECK(call(store, {"ACL", "SETUSER", "b:ob"}).rfind("-ERR Usernames can't contain", 0) == 0);
}

TEST(secrets_are_added_and_removed_by_value_or_hash) {
  Store store;
  CHECK_EQ(call(store, {"ACL", "SETUSER", "carol", ">one", ">two"}), "+OK");
  auto carol = store.acl().find("carol");
  REQUIRE_EQ(carol->secrets.size(), 2u);
  const std::string hash_of_one = carol->secrets[0];
  CHECK_EQ(call(store, {"ACL", "SETUSER", "carol", "<two"}), "+OK");
  CHECK_EQ(store.acl().find("carol")->secrets.size(), 1u);
  CHECK_EQ(call(store, {"ACL", "SETUSER", "carol", "!" + hash_of_one}), "+OK");
  CHECK(store.acl().find("carol")->secrets.empty());
  CHECK_EQ(call(store, {"ACL", "SETUSER", "carol", "#" + hash_of_one}), "+OK");
  CHECK(ember::secretMatches(store.acl().find("carol")->secrets.at(0), "one"));
  CHECK_EQ(call(store, {"ACL", "SETUSER", "carol", "nopass"}), "+OK");
  CHECK(store.acl().find("carol")->secrets.empty() && store.acl().find("carol")->nopass);
  // The user held by a caller keeps its state: changes make new users.
  CHECK(carol->secrets.size() == 2);
}

TEST(the_check_covers_commands_subcommands_keys_and_channels) {
  Store store;
  REQUIRE_EQ(call(store, {"ACL", "SETUSER", "dave", "on", "~app:*", "%R~ro:*", "&news.*", "+@read", "+@write",
                          "+publish", "+config|get", "-flushall"}),
             "+OK");
  CHECK_EQ(callAs(store, "dave", {"SET", "app:1", "x"}), "+OK");
  CHECK_EQ(callAs(store, "dave", {"GET", "app:1"}), "x");
  CHECK_EQ(callAs(store, "dave", {"GET", "ro:1"}), "(nil)");
  CHECK_EQ(callAs(store, "dave", {"SET", "ro:1", "x"}),
           "-NOPERM No permissions to access a key: user dave may not write 'ro:1' (key patterns: ~app:* %R~ro:*)");
  CHECK_EQ(callAs(store, "dave", {"INCR", "ro:1"}),
           "-NOPERM No permissions to access a key: user dave may not read and write 'ro:1' (key patterns: ~app:* %R~ro:*)");
  CHECK_EQ(callAs(store, "dave", {"MSET", "app:2", "x", "other", "y"}).substr(0, 46),
           "-NOPERM No permissions to access a key: user d");
  CHECK_EQ(call(store, {"EXISTS", "app:2", "other"}), ":0");  // nothing of a refused command ran
  CHECK_EQ(callAs(store, "dave", {"FLUSHALL"}), "-NOPERM User dave has no permissions to run the 'flushall' command");
  CHECK_EQ(callAs(store, "dave", {"CONFIG", "GET", "maxmemory"}), "maxmemory 0");
  CHECK_EQ(callAs(store, "dave", {"CONFIG", "SET", "maxmemory", "1"}),
           "-NOPERM User dave has no permissions to run the 'config|set' command");
  CHECK_EQ(callAs(store, "dave", {"PUBLISH", "news.a", "m"}), ":0");
  CHECK_EQ(callAs(store, "dave", {"PUBLISH", "sport", "m"}),
           "-NOPERM No permissions to access a channel: user dave may not use the channel 'sport' (channel patterns: &news.*)");
  // Movable keys: the destination (written) and every numkeys key (read).
  CHECK_EQ(callAs(store, "dave", {"ZUNIONSTORE", "app:d", "2", "app:a", "ro:b"}), ":0");
  CHECK_EQ(callAs(store, "dave", {"ZUNIONSTORE", "app:d", "2", "app:a", "zzz"}).substr(0, 39), "-NOPERM No permissions to access a key:");
  CHECK_EQ(callAs(store, "dave", {"ZUNIONSTORE", "ro:d", "1", "app:a"}).substr(0, 60),
           "-NOPERM No permissions to access a key: user dave may not wr");
  CHECK_EQ(callAs(store, "dave", {"ZUNION", "2", "app:a", "ro:b"}), "");
  CHECK_EQ(callAs(store, "dave", {"ZUNION", "2", "app:a", "zzz"}).substr(0, 39), "-NOPERM No permissions to access a key:");
  // Arity errors come first, as in Redis.
  CHECK_EQ(callAs(store, "dave", {"LPUSH", "zzz"}).substr(0, 31), "-ERR wrong number of arguments ");
  CHECK_EQ(callAs(store, "dave", {"ACL", "DRYRUN", "dave", "GET", "app:1"}),
           "-NOPERM User dave has no permissions to run the 'acl|dryrun' command");
  CHECK_EQ(call(store, {"ACL", "DRYRUN", "dave", "GET", "zzz"}),
           "NOPERM No permissions to access a key: user dave may not read 'zzz' (key patterns: ~app:* %R~ro:*)");
  CHECK_EQ(call(store, {"ACL", "DRYRUN", "dave", "GET", "app:1"}), "+OK");
  auto dave = store.acl().find("dave");
  CHECK(store.acl().checkChannel(*dave, "news.*", true) == std::nullopt);  // exactly one of the patterns
  CHECK(store.acl().checkChannel(*dave, "news.a*", true).has_value());
  CHECK(store.acl().checkChannel(*dave, "news.a", false) == std::nullopt);
}

TEST(write_only_keys_take_the_commands_that_only_write_them) {
  Store store;
  REQUIRE_EQ(call(store, {"ACL", "SETUSER", "logger", "on", "%W~log:*", "%R~src:*", "+@all"}), "+OK");
  CHECK_EQ(callAs(store, "logger", {"LPUSH", "log:a", "x"}), ":1");
  CHECK_EQ(callAs(store, "logger", {"SET", "log:b", "x"}), "+OK");
  CHECK_EQ(callAs(store, "logger", {"DEL", "log:b"}), ":1");
  CHECK_EQ(callAs(store, "logger", {"EXPIRE", "log:a", "100"}), ":1");
  CHECK_EQ(callAs(store, "logger", {"COPY", "src:x", "log:c"}), ":0");
  // Reading what the key holds needs read access.
  CHECK_EQ(callAs(store, "logger", {"SET", "log:b", "y", "GET"}).substr(0, 70),
           "-NOPERM No permissions to access a key: user logger may not read and w");
  CHECK_EQ(callAs(store, "logger", {"LPOP", "log:a"}).substr(0, 70),
           "-NOPERM No permissions to access a key: user logger may not read and w");
  CHECK_EQ(callAs(store, "logger", {"GET", "log:a"}).substr(0, 64),
           "-NOPERM No permissions to access a key: user logger may not read");
  // LMOVE takes from its source (read and write) and pushes to its destination (write).
  CHECK_EQ(callAs(store, "logger", {"LMOVE", "log:a", "log:d", "LEFT", "LEFT"}).substr(0, 70),
           "-NOPERM No permissions to access a key: user logger may not read and w");
  REQUIRE_EQ(call(store, {"ACL", "SETUSER", "logger", "~queue:*"}), "+OK");
  CHECK_EQ(call(store, {"RPUSH", "queue:1", "job"}), ":1");
  CHECK_EQ(callAs(store, "logger", {"LMOVE", "queue:1", "log:d", "LEFT", "LEFT"}), "job");
}

TEST(a_user_deleted_midway_keeps_running_as_itself_then_has_nothing) {
  Store store;
  REQUIRE_EQ(call(store, {"ACL", "SETUSER", "erin", "on", "nopass", "~*", "+@all"}), "+OK");
  {
    Store::AsUser as(store, store.acl().find("erin"));
    CHECK_EQ(call(store, {"ACL", "DELUSER", "erin"}), ":1");
    CHECK_EQ(call(store, {"ACL", "WHOAMI"}), "erin");  // still alive for the running call
  }
  Store::AsUser as(store, AccessControl::deletedUser("erin"));
  CHECK_EQ(call(store, {"GET", "x"}), "-NOPERM User erin has no permissions to run the 'get' command");
  CHECK_EQ(call(store, {"ACL", "DELUSER", "default"}), "-NOPERM User erin has no permissions to run the 'acl|deluser' command");
}

TEST(the_default_user_cannot_be_deleted_and_requirepass_sets_its_secret) {
  Store store;
  CHECK_EQ(call(store, {"ACL", "DELUSER", "default", "nobody"}), "-ERR The 'default' user cannot be removed");
  CHECK_EQ(call(store, {"CONFIG", "SET", "requirepass", "pw"}), "+OK");
  auto user = store.acl().find("default");
  CHECK(!user->nopass && user->secrets.size() == 1 && ember::secretMatches(user->secrets[0], "pw"));
  CHECK_EQ(call(store, {"CONFIG", "GET", "requirepass"}), "requirepass ");
  CHECK_EQ(call(store, {"CONFIG", "SET", "requirepass", ""}), "+OK");
  CHECK(store.acl().find("default")->nopass);
  CHECK_EQ(call(store, {"CONFIG", "SET", "aclfile", "/tmp/x"}),
           "-ERR CONFIG SET failed (possibly related to argument 'aclfile') - can't set immutable config");
}

TEST(acl_save_and_load_round_trip_and_a_bad_file_changes_nothing) {
  ember::test::TempDir dir;
  const std::string file = dir.path + "/users.acl";
  Store store;
  CHECK_EQ(call(store, {"ACL", "SAVE"}).rfind("-ERR This emberkv instance is not configured to use an ACL file", 0), 0u);
  store.updateConfig([&](ember::StoreConfig& config) { config.aclfile = file; });
  REQUIRE_EQ(call(store, {"ACL", "SETUSER", "frank", "on", ">pw", "~f:*", "&c", "-@all", "+get", "+set"}), "+OK");
  CHECK_EQ(call(store, {"ACL", "SAVE"}), "+OK");
  const std::string frank = listOf(store, "frank");
  Store loaded;
  loaded.updateConfig([&](ember::StoreConfig& config) { config.aclfile = file; });
  CHECK_EQ(call(loaded, {"ACL", "LOAD"}), "+OK");
  CHECK_EQ(listOf(loaded, "frank"), frank);
  CHECK_EQ(call(loaded, {"ACL", "USERS"}), "default frank");
  {
    std::ofstream out(file);
    out << "# a comment\nuser ok on nopass\n\nuser bad on +nosuch\n";
  }
  CHECK_EQ(call(loaded, {"ACL", "LOAD"}),
           "-ERR " + file + ":4: Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
  CHECK_EQ(call(loaded, {"ACL", "USERS"}), "default frank");
  {
    std::ofstream out(file);
    out << "user ok on nopass\nuser ok off\n";
  }
  CHECK_EQ(call(loaded, {"ACL", "LOAD"}), "-ERR " + file + ":2: Duplicate user 'ok' found");
  {
    std::ofstream out(file);
    out << "user ok on nopass ~* +@all\n";
  }
  CHECK_EQ(call(loaded, {"ACL", "LOAD"}), "+OK");
  // A file without the default user gives it its initial rules.
  CHECK_EQ(call(loaded, {"ACL", "LIST"}), "user default on nopass ~* &* +@all user ok on nopass ~* resetchannels +@all");
}

TEST(acl_cat_lists_categories_and_their_commands) {
  Store store;
  const std::string categories = call(store, {"ACL", "CAT"});
  CHECK(categories.find("keyspace read write") == 0);
  const std::string dangerous = call(store, {"ACL", "CAT", "dangerous"});
  CHECK(dangerous.find("flushall") != std::string::npos);
  CHECK(dangerous.find("acl|setuser") != std::string::npos);
  CHECK(dangerous.find(" get ") == std::string::npos);
  CHECK_EQ(call(store, {"ACL", "CAT", "nosuch"}), "-ERR Unknown category 'nosuch'");
}
