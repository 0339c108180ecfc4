// Access control: see acl.h.
#include "acl.h"

#include <algorithm>
#include <unordered_map>

#include "command_table.h"
#include "errors.h"
#include "file_io.h"
#include "glob.h"
#include "numbers.h"
#include "secret_hash.h"

namespace ember {
namespace {

// Every command and subcommand, numbered once per process: a user's
// permissions are one bit per entry.
class AclCommandIndex {
 public:
  static const AclCommandIndex& instance() {
    static const AclCommandIndex index;
    return index;
  }
  size_t size() const { return specs_.size(); }
  size_t indexOf(const CommandSpec& spec) const { return ids_.at(&spec); }
  const std::vector<const CommandSpec*>& specs() const { return specs_; }

 private:
  AclCommandIndex() {
    for (const CommandSpec* spec : CommandTable::instance().all()) {
      add(*spec);
      for (const CommandSpec& sub : spec->subcommands) add(sub);
    }
  }
  void add(const CommandSpec& spec) {
    ids_.emplace(&spec, specs_.size());
    specs_.push_back(&spec);
  }
  std::vector<const CommandSpec*> specs_;
  std::unordered_map<const CommandSpec*, size_t> ids_;
};

std::optional<uint32_t> categoryBit(ByteView name) {
  for (const NamedBit& category : kAclCategoryNames) {
    if (equalsIgnoreCase(name, category.name)) return category.bit;
  }
  return std::nullopt;
}

std::string lower(ByteView text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool validUserName(ByteView name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= ' ' || c == ':') return false;
  }
  return true;
}

void setAll(AclUser& user, bool allowed) { user.allowed.assign(AclCommandIndex::instance().size(), allowed); }

// +cmd / -cmd / +cmd|sub / -cmd|sub / +@cat / -@cat on `user`; an error
// reason, or nullopt.
std::optional<std::string> applyCommandRule(AclUser& user, ByteView rule) {
  const AclCommandIndex& index = AclCommandIndex::instance();
  const bool allow = rule[0] == '+';
  ByteView what = rule.substr(1);
  if (!what.empty() && what[0] == '@') {
    ByteView name = what.substr(1);
    if (equalsIgnoreCase(name, "all")) {
      setAll(user, allow);
      user.command_rules.assign(1, allow ? "+@all" : "-@all");
      return std::nullopt;
    }
    std::optional<uint32_t> bit = categoryBit(name);
    if (!bit) return std::string("Unknown command or category name in ACL");
    for (size_t i = 0; i < index.size(); i++) {
      if (index.specs()[i]->categories & *bit) user.allowed[i] = allow;
    }
  } else {
    const size_t bar = what.find('|');
    const CommandSpec* command = CommandTable::instance().find(what.substr(0, bar));
    if (!command) return std::string("Unknown command or category name in ACL");
    if (bar == ByteView::npos) {
      user.allowed[index.indexOf(*command)] = allow;
      for (const CommandSpec& sub : command->subcommands) user.allowed[index.indexOf(sub)] = allow;
    } else {
      const CommandSpec* sub = CommandTable::findSubcommand(*command, what.substr(bar + 1));
      if (!sub) return std::string("Unknown command or category name in ACL");
      user.allowed[index.indexOf(*sub)] = allow;
    }
  }
  user.command_rules.push_back(lower(rule));
  return std::nullopt;
}

// %R~pat, %W~pat, %RW~pat (any order and case of R and W); nullopt when
// `rule` is not of that form.
std::optional<AclKeyPattern> parsePercentPattern(ByteView rule) {
  const size_t tilde = rule.find('~');
  if (rule.size() < 3 || rule[0] != '%' || tilde == ByteView::npos || tilde < 2) return std::nullopt;
  uint8_t access = 0;
  for (size_t i = 1; i < tilde; i++) {
    const char c = static_cast<char>(rule[i] & ~0x20);  // upper case
    if (c == 'R') {
      access |= kAclKeyRead;
    } else if (c == 'W') {
      access |= kAclKeyWrite;
    } else {
      return std::nullopt;
    }
  }
  return AclKeyPattern{std::string(rule.substr(tilde + 1)), access};
}

constexpr std::string_view kPatternAfterAllKeys =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try "
    "'resetkeys' to start with an empty list of patterns";
constexpr std::string_view kPatternAfterAllChannels =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try "
    "'resetchannels' to start with an empty list of channels";

// As Redis: only "~*" and "allkeys" mean every key (so "%RW~*", like any
// pattern, matches no empty key name); a pattern already there with the
// same access is not added twice, while the same glob with another
// access is another pattern (a key needs one pattern granting all the
// access it needs).
std::optional<std::string> addKeyPattern(AclUser& user, AclKeyPattern pattern, bool all_keys_rule = false) {
  if (all_keys_rule) {
    user.all_keys = true;
    user.key_patterns.clear();
    return std::nullopt;
  }
  if (user.all_keys) return std::string(kPatternAfterAllKeys);
  for (const AclKeyPattern& existing : user.key_patterns) {
    if (existing.pattern == pattern.pattern && existing.access == pattern.access) return std::nullopt;
  }
  user.key_patterns.push_back(std::move(pattern));
  return std::nullopt;
}

std::optional<std::string> addChannelPattern(AclUser& user, ByteView pattern) {
  if (pattern == "*") {
    user.all_channels = true;
    user.channel_patterns.clear();
    return std::nullopt;
  }
  if (user.all_channels) return std::string(kPatternAfterAllChannels);
  if (std::find(user.channel_patterns.begin(), user.channel_patterns.end(), pattern) == user.channel_patterns.end()) {
    user.channel_patterns.emplace_back(pattern);
  }
  return std::nullopt;
}

void resetPasswords(AclUser& user, bool nopass) {
  user.secrets.clear();
  user.nopass = nopass;
}

// Removes the secrets `matches` picks; whether any was removed.
template <class Matches>
bool removeSecrets(AclUser& user, Matches matches) {
  const size_t before = user.secrets.size();
  std::erase_if(user.secrets, matches);
  return user.secrets.size() != before;
}

constexpr std::string_view kNoSuchSecret = "The password you are trying to remove from the user does not exist";

// One rule of ACL SETUSER; an error reason, or nullopt.
std::optional<std::string> applyRule(AclUser& user, ByteView rule) {
  if (rule.empty()) return std::string("Syntax error");
  if (equalsIgnoreCase(rule, "on")) {
    user.enabled = true;
  } else if (equalsIgnoreCase(rule, "off")) {
    user.enabled = false;
  } else if (equalsIgnoreCase(rule, "nopass")) {
    resetPasswords(user, true);
  } else if (equalsIgnoreCase(rule, "resetpass")) {
    resetPasswords(user, false);
  } else if (rule[0] == '>') {
    std::string error;
    std::optional<std::string> hash = hashSecret(rule.substr(1), error);
    if (!hash) return error;
    user.secrets.push_back(std::move(*hash));
    user.nopass = false;
  } else if (rule[0] == '<') {
    ByteView secret = rule.substr(1);
    if (!removeSecrets(user, [&](const std::string& hash) { return secretMatches(hash, secret); })) {
      return std::string(kNoSuchSecret);
    }
  } else if (rule[0] == '#') {
    ByteView hash = rule.substr(1);
    if (!isAcceptedSecretHash(hash)) {
      return std::string(
          "The password hash must be a crypt(3) hash of a method good for new passwords, such as "
          "yescrypt ($y$...) or sha512crypt ($6$...)");
    }
    if (std::find(user.secrets.begin(), user.secrets.end(), hash) == user.secrets.end()) user.secrets.emplace_back(hash);
    user.nopass = false;
  } else if (rule[0] == '!') {
    ByteView hash = rule.substr(1);
    if (!removeSecrets(user, [&](const std::string& kept) { return kept == hash; })) return std::string(kNoSuchSecret);
  } else if (equalsIgnoreCase(rule, "allkeys") || rule == "~*") {
    return addKeyPattern(user, {"*", kAclKeyReadWrite}, true);
  } else if (equalsIgnoreCase(rule, "resetkeys")) {
    user.all_keys = false;
    user.key_patterns.clear();
  } else if (rule[0] == '~') {
    return addKeyPattern(user, {std::string(rule.substr(1)), kAclKeyReadWrite});
  } else if (rule[0] == '%') {
    std::optional<AclKeyPattern> pattern = parsePercentPattern(rule);
    if (!pattern) return std::string("Syntax error");
    return addKeyPattern(user, std::move(*pattern));
  } else if (equalsIgnoreCase(rule, "allchannels")) {
    return addChannelPattern(user, "*");
  } else if (equalsIgnoreCase(rule, "resetchannels")) {
    user.all_channels = false;
    user.channel_patterns.clear();
  } else if (rule[0] == '&') {
    return addChannelPattern(user, rule.substr(1));
  } else if (equalsIgnoreCase(rule, "allcommands")) {
    return applyCommandRule(user, "+@all");
  } else if (equalsIgnoreCase(rule, "nocommands")) {
    return applyCommandRule(user, "-@all");
  } else if ((rule[0] == '+' || rule[0] == '-') && rule.size() > 1) {
    return applyCommandRule(user, rule);
  } else if (equalsIgnoreCase(rule, "reset")) {
    resetPasswords(user, false);
    user.all_keys = false;
    user.key_patterns.clear();
    user.all_channels = false;
    user.channel_patterns.clear();
    user.enabled = false;
    return applyCommandRule(user, "-@all");
  } else {
    return std::string("Syntax error");
  }
  return std::nullopt;
}

void refreshUnrestricted(AclUser& user) {
  user.unrestricted = user.all_keys && user.all_channels &&
                      std::all_of(user.allowed.begin(), user.allowed.end(), [](bool b) { return b; });
}

AclUser newUser(ByteView name) {
  AclUser user;
  user.name = std::string(name);
  setAll(user, false);
  user.command_rules.assign(1, "-@all");
  return user;
}

// Redis's default user: on, nopass, ~* &* +@all.
AclUser defaultUser() {
  AclUser user = newUser("default");
  user.enabled = true;
  user.nopass = true;
  user.all_keys = true;
  user.all_channels = true;
  setAll(user, true);
  user.command_rules.assign(1, "+@all");
  refreshUnrestricted(user);
  return user;
}

std::string setUserError(ByteView rule, std::string_view why) {
  return "ERR Error in ACL SETUSER modifier '" + err::clientText(rule, 128) + "': " + std::string(why);
}

// A list of patterns for an error text, at most ~200 bytes.
template <class Patterns, class Render>
std::string patternList(const Patterns& patterns, Render render) {
  std::string list;
  for (const auto& pattern : patterns) {
    if (list.size() > 200) {
      list += " ...";
      break;
    }
    if (!list.empty()) list += ' ';
    list += render(pattern);
  }
  return list.empty() ? "none" : list;
}

std::string describeKeyPattern(const AclKeyPattern& pattern) {
  switch (pattern.access) {
    case kAclKeyRead:
      return "%R~" + pattern.pattern;
    case kAclKeyWrite:
      return "%W~" + pattern.pattern;
    default:
      // "~*" would read back as allkeys, which also grants the empty key.
      return (pattern.pattern == "*" ? "%RW~" : "~") + pattern.pattern;
  }
}

bool keyAllowed(const AclUser& user, ByteView key, uint8_t access) {
  if (user.all_keys) return true;
  for (const AclKeyPattern& pattern : user.key_patterns) {
    if ((pattern.access & access) == access && globMatch(pattern.pattern, key, false)) return true;
  }
  return false;
}

// The access key number `i` of `count` needs (CommandSpec::key_access).
uint8_t keyAccessNeeded(const CommandSpec& run, std::span<const ByteView> argv, size_t i, size_t count) {
  const bool first = i == 0;
  const bool last = i + 1 == count;
  switch (run.key_access) {
    case KeyAccess::kByFlags:
      return (run.flags & kCmdWrite) ? kAclKeyReadWrite : kAclKeyRead;
    case KeyAccess::kAny:
      return 0;  // any pattern matching the key (keyAllowed: (access & 0) == 0)
    case KeyAccess::kWrite:
      return kAclKeyWrite;
    case KeyAccess::kWriteUnlessGet:
      for (size_t at = 3; at < argv.size(); at++) {
        if (equalsIgnoreCase(argv[at], "get")) return kAclKeyReadWrite;
      }
      return kAclKeyWrite;
    case KeyAccess::kFirstWrittenRestRead:
      return first ? kAclKeyWrite : kAclKeyRead;
    case KeyAccess::kLastWrittenRestRead:
      return last ? kAclKeyWrite : kAclKeyRead;
    case KeyAccess::kFirstReadWrittenRestWritten:
      return first ? kAclKeyReadWrite : kAclKeyWrite;
  }
  return kAclKeyReadWrite;
}

// The words of one line of an ACL file, split at blanks.
std::vector<ByteView> splitWords(ByteView line) {
  std::vector<ByteView> words;
  size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t' || line[at] == '\r')) at++;
    const size_t start = at;
    while (at < line.size() && line[at] != ' ' && line[at] != '\t' && line[at] != '\r') at++;
    if (at > start) words.push_back(line.substr(start, at - start));
  }
  return words;
}

}  // namespace

namespace {

// Words joined by single spaces.
template <class Words, class Render>
std::string joined(const Words& words, Render render) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty()) text += ' ';
    text += render(word);
  }
  return text;
}

}  // namespace

std::string AclUser::describeKeys() const {
  return all_keys ? "~*" : joined(key_patterns, describeKeyPattern);
}

std::string AclUser::describeChannels() const {
  return all_channels ? "&*" : joined(channel_patterns, [](const std::string& p) { return "&" + p; });
}

std::string AclUser::describeCommands() const {
  return joined(command_rules, [](const std::string& rule) { return rule; });
}

std::string AclUser::describe() const {
  std::string line = "user " + name + (enabled ? " on" : " off");
  if (nopass) line += " nopass";
  for (const std::string& secret : secrets) line += " #" + secret;
  if (const std::string keys = describeKeys(); !keys.empty()) line += " " + keys;
  const std::string channels = describeChannels();
  line += channels.empty() ? " resetchannels" : " " + channels;
  return line + " " + describeCommands();
}

AccessControl::AccessControl() { users_.emplace("default", std::make_shared<AclUser>(defaultUser())); }

AccessControl::UserPtr AccessControl::deletedUser(ByteView name) { return std::make_shared<AclUser>(newUser(name)); }

AccessControl::UserPtr AccessControl::find(ByteView name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second;
}

std::optional<std::string> AccessControl::setUser(ByteView name, std::span<const ByteView> rules) {
  if (!validUserName(name)) {
    return std::string("ERR Usernames can't contain spaces, control characters or ':' (the separator of bearer tokens)");
  }
  auto it = users_.find(name);
  AclUser next = it == users_.end() ? newUser(name) : *it->second;
  for (ByteView rule : rules) {
    if (std::optional<std::string> why = applyRule(next, rule)) return setUserError(rule, *why);
  }
  refreshUnrestricted(next);
  users_.insert_or_assign(std::string(name), std::make_shared<AclUser>(std::move(next)));
  generation_++;
  return std::nullopt;
}

bool AccessControl::deleteUser(ByteView name) {
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  users_.erase(it);
  generation_++;
  return true;
}

std::optional<std::string> AccessControl::setRequirePass(ByteView secret) {
  if (secret.empty()) {
    const ByteView rules[] = {"nopass"};
    return setUser("default", rules);
  }
  const std::string add = ">" + std::string(secret);
  const ByteView rules[] = {"resetpass", add};
  return setUser("default", rules);
}

std::optional<AclDenial> AccessControl::checkCommand(const AclUser& user, const CommandSpec& run,
                                                     std::span<const ByteView> argv) const {
  if (user.unrestricted) return std::nullopt;
  if (!user.allowed[AclCommandIndex::instance().indexOf(run)]) {
    std::string name(run.name);
    return AclDenial{"NOPERM User " + user.name + " has no permissions to run the '" + name + "' command", "command"};
  }
  // Two passes over the key positions rather than a vector of keys per
  // command: the first only counts (a rule may single out the last key).
  size_t count = 0;
  forEachKey(run, argv, [&](ByteView) { count++; });
  size_t i = 0;
  std::optional<AclDenial> denial;
  forEachKey(run, argv, [&](ByteView key) {
    if (!denial) denial = checkKey(user, key, keyAccessNeeded(run, argv, i, count));
    i++;
  });
  if (denial) return denial;
  // Channels (the table has no channel positions): PUBLISH's first
  // argument, and every argument of SUBSCRIBE (channels) and PSUBSCRIBE
  // (patterns, which must equal one of the user's, as in Redis).
  if (run.name == "publish" && argv.size() > 1) return checkChannel(user, argv[1], false);
  if (run.name == "subscribe" || run.name == "psubscribe") {
    for (size_t at = 1; at < argv.size(); at++) {
      if (auto channel_denial = checkChannel(user, argv[at], run.name == "psubscribe")) return channel_denial;
    }
  }
  return std::nullopt;
}

std::optional<AclDenial> AccessControl::checkKey(const AclUser& user, ByteView key, uint8_t access) const {
  if (keyAllowed(user, key, access)) return std::nullopt;
  const char* what = access == 0                ? "access"
                     : access == kAclKeyRead  ? "read"
                     : access == kAclKeyWrite ? "write"
                                              : "read and write";
  return AclDenial{"NOPERM No permissions to access a key: user " + user.name + " may not " + what + " '" +
                       err::clientText(key, 128) + "' (key patterns: " +
                       patternList(user.key_patterns, describeKeyPattern) + ")",
                   "key"};
}

std::optional<AclDenial> AccessControl::checkChannel(const AclUser& user, ByteView channel, bool is_pattern) const {
  if (user.all_channels) return std::nullopt;
  for (const std::string& pattern : user.channel_patterns) {
    // A pattern subscription is allowed only by the very same pattern
    // (as in Redis: a pattern cannot be proven to stay inside another).
    if (is_pattern ? ByteView(pattern) == channel : globMatch(pattern, channel, false)) return std::nullopt;
  }
  return AclDenial{"NOPERM No permissions to access a channel: user " + user.name + " may not use the " +
                       (is_pattern ? "pattern '" : "channel '") + err::clientText(channel, 128) +
                       "' (channel patterns: " +
                       patternList(user.channel_patterns, [](const std::string& p) { return "&" + p; }) + ")",
                   "channel"};
}

std::optional<std::string> AccessControl::save(const std::string& path) const {
  if (path.empty()) {
    return std::string(
        "ERR This emberkv instance is not configured to use an ACL file. Start emberkv-server with --aclfile "
        "FILE to keep users in one");
  }
  std::string text;
  for (const auto& [name, user] : users_) text += user->describe() + "\n";
  std::string error;
  if (!replaceFileDurably(path, path + ".tmp", text, "the ACL file", error)) {
    return "ERR There was an error trying to save the ACLs: " + error;
  }
  return std::nullopt;
}

std::optional<std::string> AccessControl::load(const std::string& path) {
  if (path.empty()) {
    return std::string(
        "ERR This emberkv instance is not configured to use an ACL file. Start emberkv-server with --aclfile "
        "FILE to keep users in one");
  }
  std::string text;
  std::string error;
  if (!readWholeFile(path, text, error)) return "ERR Error loading ACLs: " + error;
  // Into a fresh registry: the users change only if the whole file is good.
  AccessControl loaded;
  loaded.users_.clear();
  size_t line_number = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ByteView line = ByteView(text).substr(start, end - start);
    start = end + 1;
    line_number++;
    std::vector<ByteView> words = splitWords(line);
    if (words.empty() || words[0][0] == '#') continue;
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    if (words[0] != "user" || words.size() < 2) return "ERR " + where + "should start with user keyword";
    if (loaded.find(words[1])) return "ERR " + where + "Duplicate user '" + err::clientText(words[1], 128) + "' found";
    if (std::optional<std::string> error = loaded.setUser(words[1], std::span(words).subspan(2))) {
      return "ERR " + where + error->substr(4);  // without its "ERR "
    }
  }
  // A file without the default user leaves it as a new server has it.
  if (!loaded.find("default")) loaded.users_.emplace("default", std::make_shared<AclUser>(defaultUser()));
  users_ = std::move(loaded.users_);
  generation_++;
  return std::nullopt;
}

void forEachKey(const CommandSpec& run, std::span<const ByteView> argv, const std::function<void(ByteView)>& visit) {
  const int argc = static_cast<int>(argv.size());
  if (run.keys.first > 0) {
    const int last = run.keys.last < 0 ? argc + run.keys.last : run.keys.last;
    for (int i = run.keys.first; i <= last && i < argc; i += std::max(run.keys.step, 1)) visit(argv[static_cast<size_t>(i)]);
  }
  if (run.numkeys_at > 0 && run.numkeys_at < argc) {
    std::optional<int64_t> numkeys = parseInt64(argv[static_cast<size_t>(run.numkeys_at)]);
    if (!numkeys || *numkeys <= 0) return;  // the handler answers the error
    const int64_t end = std::min<int64_t>(run.numkeys_at + 1 + *numkeys, argc);
    for (int64_t i = run.numkeys_at + 1; i < end; i++) visit(argv[static_cast<size_t>(i)]);
  }
}

std::vector<std::string_view> aclCategoryNames() {
  std::vector<std::string_view> names;
  for (const NamedBit& category : kAclCategoryNames) names.push_back(category.name);
  return names;
}

std::optional<std::vector<std::string>> aclCommandsInCategory(ByteView category) {
  std::optional<uint32_t> bit = categoryBit(category);
  if (!bit) return std::nullopt;
  std::vector<std::string> names;
  for (const CommandSpec* spec : AclCommandIndex::instance().specs()) {
    if (spec->categories & *bit) names.emplace_back(spec->name);
  }
  return names;
}

}  // namespace ember
