// The CONFIG command family (Redis's config.c): CONFIG GET, CONFIG SET,
// CONFIG RESETSTAT and CONFIG HELP, over the settings in StoreConfig, with
// the table that declares them.
//
// Parameters carry Redis 7.0's names, types, ranges and defaults. As in
// Redis 7.0, an old name (hash-max-ziplist-entries, ...) is a parameter row
// of its own that reads and writes the same setting: CONFIG GET * lists both
// names, and CONFIG SET accepts an old name and its new name together (the
// last one wins) while naming one row twice is a "duplicate parameter".
//
// CONFIG SET is all-or-nothing: every name is checked, then every value is
// parsed into a copy of the settings, and only a complete copy is applied,
// with one Store::updateConfig call (which derives state from the settings).
// Errors name the argument the way Redis does: the first unknown or
// duplicated name as the client spelled it, or the first bad value's
// parameter by its row name.
//
// The slow log's parameters (slowlog-log-slower-than, slowlog-max-len) and
// latency-monitor-threshold take Redis's ranges and defaults.
//
// Persistence parameters: dir, dbfilename and save, with Redis's rules and
// error texts. Deliberate deviations: Redis 7.0 refuses CONFIG SET of dir
// and dbfilename ("can't set protected config") unless started with
// enable-protected-configs; emberkv allows both (its front ends have no
// other way to set them at run time). CONFIG GET dir answers the path as
// configured (Redis answers its working directory, absolute). Redis splits
// dir at spaces as a multi-word value; emberkv takes the value whole.
//
// Deliberate deviation: Redis keeps maxmemory as an unsigned 64-bit number;
// StoreConfig keeps it signed, so a value above 2^63-1 (which limits
// nothing either way) is stored, and reported, as 9223372036854775807.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../command.h"
#include "../command_table.h"
#include "../errors.h"
#include "../glob.h"
#include "../numbers.h"
#include "../snapshot_file.h"
#include "../store.h"

namespace ember {
namespace {

// ---------------------------------------------------------------------------
// The parameters

enum class ParamKind {
  kMemory,   // a memory value: bytes, or digits with a unit (memtoull)
  kInteger,  // a canonical decimal integer (string2ll)
  kPolicy,   // maxmemory-policy, one of kPolicies
  kDbFilename,  // dbfilename: a file name, no path
  kDir,         // dir: an existing, searchable directory
  kSave,        // save: "<seconds> <changes>" pairs, or "" for none
  kAppendOnly,  // appendonly: yes / no
  kAppendFsync,  // appendfsync: always / everysec / no
  kAofName,      // appendfilename, appenddirname: a file name, no path
  kRequirePass,  // requirepass: the default user's secret (write only)
  kAclFile,      // aclfile: the ACL file (immutable: set at startup)
  kOutputLimits,  // client-output-buffer-limit: "<class> <hard> <soft> <seconds>" groups
};

// Redis checks a value against its C type's range: unsigned types (size_t,
// unsigned long long) compare the value's 64 bits as unsigned, signed ones
// (int) as signed. Bounds are kept as raw 64-bit patterns accordingly.
struct Param {
  std::string_view name;
  ParamKind kind;
  int64_t StoreConfig::*field;  // nullptr for the policy
  bool is_unsigned;
  uint64_t min;
  uint64_t max;
};

constexpr uint64_t kIntMin = static_cast<uint64_t>(int64_t{std::numeric_limits<int32_t>::min()});
constexpr uint64_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr uint64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr uint64_t kULongLongMax = std::numeric_limits<uint64_t>::max();

// In Redis 7.0's order of declaration; CONFIG GET <pattern> lists matches in
// this order (Redis's order is its hash table's, so clients cannot rely on it).
constexpr Param kParams[] = {
    {"maxmemory", ParamKind::kMemory, &StoreConfig::maxmemory, true, 0, kULongLongMax},
    {"maxmemory-policy", ParamKind::kPolicy, nullptr, false, 0, 0},
    {"maxmemory-samples", ParamKind::kInteger, &StoreConfig::maxmemory_samples, false, 1, kIntMax},
    {"lfu-log-factor", ParamKind::kInteger, &StoreConfig::lfu_log_factor, false, 0, kIntMax},
    {"lfu-decay-time", ParamKind::kInteger, &StoreConfig::lfu_decay_time, false, 0, kIntMax},
    {"hash-max-listpack-entries", ParamKind::kInteger, &StoreConfig::hash_max_listpack_entries, true, 0, kLongMax},
    {"hash-max-ziplist-entries", ParamKind::kInteger, &StoreConfig::hash_max_listpack_entries, true, 0, kLongMax},
    {"hash-max-listpack-value", ParamKind::kMemory, &StoreConfig::hash_max_listpack_value, true, 0, kLongMax},
    {"hash-max-ziplist-value", ParamKind::kMemory, &StoreConfig::hash_max_listpack_value, true, 0, kLongMax},
    {"set-max-intset-entries", ParamKind::kInteger, &StoreConfig::set_max_intset_entries, true, 0, kLongMax},
    {"zset-max-listpack-entries", ParamKind::kInteger, &StoreConfig::zset_max_listpack_entries, true, 0, kLongMax},
    {"zset-max-ziplist-entries", ParamKind::kInteger, &StoreConfig::zset_max_listpack_entries, true, 0, kLongMax},
    {"zset-max-listpack-value", ParamKind::kMemory, &StoreConfig::zset_max_listpack_value, true, 0, kLongMax},
    {"zset-max-ziplist-value", ParamKind::kMemory, &StoreConfig::zset_max_listpack_value, true, 0, kLongMax},
    {"list-max-listpack-size", ParamKind::kInteger, &StoreConfig::list_max_listpack_size, false, kIntMin, kIntMax},
    {"list-max-ziplist-size", ParamKind::kInteger, &StoreConfig::list_max_listpack_size, false, kIntMin, kIntMax},
    {"proto-max-bulk-len", ParamKind::kMemory, &StoreConfig::proto_max_bulk_len, false, 1024 * 1024, kLongMax},
    {"max-command-args", ParamKind::kInteger, &StoreConfig::max_command_args, false, 1, kIntMax},
    {"max-batch-commands", ParamKind::kInteger, &StoreConfig::max_batch_commands, false, 1, kIntMax},
    {"client-query-buffer-limit", ParamKind::kMemory, &StoreConfig::client_query_buffer_limit, false, 1024 * 1024, kLongMax},
    {"dbfilename", ParamKind::kDbFilename, nullptr, false, 0, 0},
    {"dir", ParamKind::kDir, nullptr, false, 0, 0},
    {"save", ParamKind::kSave, nullptr, false, 0, 0},
    {"client-output-buffer-limit", ParamKind::kOutputLimits, nullptr, false, 0, 0},
    {"appendonly", ParamKind::kAppendOnly, nullptr, false, 0, 0},
    {"appendfilename", ParamKind::kAofName, nullptr, false, 0, 0},
    {"appenddirname", ParamKind::kAofName, nullptr, false, 0, 0},
    {"appendfsync", ParamKind::kAppendFsync, nullptr, false, 0, 0},
    {"auto-aof-rewrite-percentage", ParamKind::kInteger, &StoreConfig::auto_aof_rewrite_percentage, false, 0, kIntMax},
    {"auto-aof-rewrite-min-size", ParamKind::kMemory, &StoreConfig::auto_aof_rewrite_min_size, false, 0, kLongMax},
    {"requirepass", ParamKind::kRequirePass, nullptr, false, 0, 0},
    {"aclfile", ParamKind::kAclFile, nullptr, false, 0, 0},
    {"slowlog-log-slower-than", ParamKind::kInteger, &StoreConfig::slowlog_log_slower_than, false,
     static_cast<uint64_t>(int64_t{-1}), kLongMax},
    {"slowlog-max-len", ParamKind::kInteger, &StoreConfig::slowlog_max_len, true, 0, kLongMax},
    {"latency-monitor-threshold", ParamKind::kInteger, &StoreConfig::latency_monitor_threshold, false, 0, kLongMax},
};

// Redis's appendfsync enum, in its order.
constexpr std::string_view kFsyncPolicies[] = {"always", "everysec", "no"};

// Redis's maxmemory_policy_enum, in its order (the error lists them so).
constexpr std::string_view kPolicies[] = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction",
};

// Redis looks a name up in a case-insensitive table keyed by the whole
// argument, so a NUL byte in a name makes it unknown.
const Param* findParam(ByteView name) {
  for (const Param& p : kParams) {
    if (equalsIgnoreCase(name, p.name)) return &p;
  }
  return nullptr;
}

// Redis's getConfigSaveOption: "3600 1 300 100", "" when there is none.
std::string saveRulesText(const StoreConfig& config) {
  std::string text;
  for (const StoreConfig::SaveRule& rule : config.save_rules) {
    if (!text.empty()) text += ' ';
    text += std::to_string(rule.seconds) + " " + std::to_string(rule.changes);
  }
  return text;
}

// Redis's "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60".
constexpr std::string_view kClientClassNames[] = {"normal", "slave", "pubsub"};

std::string outputLimitsText(const StoreConfig& config) {
  std::string text;
  for (size_t c = 0; c < config.client_output_buffer_limit.size(); c++) {
    const StoreConfig::OutputBufferLimit& limit = config.client_output_buffer_limit[c];
    if (!text.empty()) text += ' ';
    text += std::string(kClientClassNames[c]) + " " + std::to_string(limit.hard_bytes) + " " +
            std::to_string(limit.soft_bytes) + " " + std::to_string(limit.soft_seconds);
  }
  return text;
}

std::string paramValue(const StoreConfig& config, const Param& p) {
  switch (p.kind) {
    case ParamKind::kPolicy:
      return config.maxmemory_policy;
    case ParamKind::kDbFilename:
      return config.dbfilename;
    case ParamKind::kDir:
      return config.dir;
    case ParamKind::kSave:
      return saveRulesText(config);
    case ParamKind::kAppendOnly:
      return config.appendonly ? "yes" : "no";
    case ParamKind::kAppendFsync:
      return config.appendfsync;
    case ParamKind::kAofName:
      return p.name == "appendfilename" ? config.appendfilename : config.appenddirname;
    case ParamKind::kRequirePass:
      return "";  // kept only as a hash (Redis answers the secret itself)
    case ParamKind::kAclFile:
      return config.aclfile;
    case ParamKind::kOutputLimits:
      return outputLimitsText(config);
    default:
      break;
  }
  char digits[kInt64DigitsMax];
  return std::string(formatInt64(config.*p.field, digits));
}

// ---------------------------------------------------------------------------
// Parsing values, with Redis's rules and error texts

constexpr std::string_view kNotMemory = "argument must be a memory value";
constexpr std::string_view kNotInteger = "argument couldn't be parsed into an integer";

// Redis 7.0's memtoull, quirks included: the text is read as a C string; an
// optional unit (b, k, kb, m, mb, g, gb, any case) follows the digits;
// empty digits read as 0 ("mb" is 0); more than 127 digits are refused;
// digits past 2^64-1 saturate (strtoull) and the unit multiplication wraps
// around modulo 2^64 ("17179869184gb" is 0), exactly as Redis 7.0.15 does.
std::optional<uint64_t> parseMemory(ByteView text) {
  text = cStringPrefix(text);
  if (!text.empty() && text[0] == '-') return std::nullopt;
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') digits++;
  ByteView unit = text.substr(digits);
  uint64_t mul;
  if (unit.empty() || equalsIgnoreCase(unit, "b")) {
    mul = 1;
  } else if (equalsIgnoreCase(unit, "k")) {
    mul = 1000;
  } else if (equalsIgnoreCase(unit, "kb")) {
    mul = 1024;
  } else if (equalsIgnoreCase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (equalsIgnoreCase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (equalsIgnoreCase(unit, "g")) {
    mul = 1000ull * 1000 * 1000;
  } else if (equalsIgnoreCase(unit, "gb")) {
    mul = 1024ull * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (digits >= 128) return std::nullopt;  // Redis copies them into a 128-byte buffer
  uint64_t value = 0;
  for (size_t i = 0; i < digits; i++) {
    unsigned d = static_cast<unsigned>(text[i] - '0');
    if (value > (kULongLongMax - d) / 10) {
      value = kULongLongMax;
      break;
    }
    value = value * 10 + d;
  }
  return value * mul;  // unsigned: wraps as Redis's does
}

// The policy as Redis stores it (lower case), or nullopt. Compared as a C
// string, case-insensitively: "ALLKEYS-LFU" and "allkeys-lfu\0x" are valid.
std::optional<std::string_view> parsePolicy(ByteView text) {
  ByteView name = cStringPrefix(text);
  for (std::string_view policy : kPolicies) {
    if (equalsIgnoreCase(name, policy)) return policy;
  }
  return std::nullopt;
}

std::string policyError() {
  std::string message = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < std::size(kPolicies); i++) {
    if (i) message += ", ";
    message += kPolicies[i];
  }
  return message;
}

std::string rangeError(const Param& p) {
  std::string min = p.is_unsigned ? std::to_string(p.min) : std::to_string(static_cast<int64_t>(p.min));
  std::string max = p.is_unsigned ? std::to_string(p.max) : std::to_string(static_cast<int64_t>(p.max));
  return "argument must be between " + min + " and " + max + " inclusive";
}

// Redis 7.0's setConfigSaveOption: the value is split at every single
// space (sdssplitlen, so "" or doubled spaces make empty words); one empty
// word alone means no rules; otherwise an even number of words, each a
// whole decimal number (strtoll: leading blanks and a sign allowed), the
// seconds >= 1 and the changes >= 0.
// Redis 7.0's client-output-buffer-limit: groups of <class> <hard> <soft>
// <seconds>, classes normal, replica (or slave) and pubsub (not master),
// sizes as memory values; every group is checked before any applies.
std::optional<std::string> parseOutputLimits(ByteView text, StoreConfig& config) {
  std::vector<ByteView> words;
  for (size_t start = 0; start < text.size();) {
    size_t space = text.find(' ', start);
    if (space == ByteView::npos) space = text.size();
    if (space > start) words.push_back(text.substr(start, space - start));
    start = space + 1;
  }
  if (words.size() % 4 != 0) return std::string("Wrong number of arguments in buffer limit configuration.");
  auto limits = config.client_output_buffer_limit;
  for (size_t i = 0; i < words.size(); i += 4) {
    size_t cls;
    if (equalsIgnoreCase(words[i], "normal")) {
      cls = StoreConfig::kNormalClients;
    } else if (equalsIgnoreCase(words[i], "replica") || equalsIgnoreCase(words[i], "slave")) {
      cls = StoreConfig::kReplicaClients;
    } else if (equalsIgnoreCase(words[i], "pubsub")) {
      cls = StoreConfig::kPubsubClients;
    } else {
      return std::string("Invalid client class specified in buffer limit configuration.");
    }
    std::optional<uint64_t> hard = parseMemory(words[i + 1]);
    std::optional<uint64_t> soft = parseMemory(words[i + 2]);
    std::optional<int64_t> seconds = parseInt64(words[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0 || *hard > uint64_t{INT64_MAX} || *soft > uint64_t{INT64_MAX}) {
      return std::string("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    limits[cls] = {static_cast<int64_t>(*hard), static_cast<int64_t>(*soft), *seconds};
  }
  config.client_output_buffer_limit = limits;
  return std::nullopt;
}

std::optional<std::string> parseSaveRules(ByteView text, StoreConfig& config) {
  constexpr std::string_view kInvalid = "Invalid save parameters";
  std::vector<ByteView> words;
  for (size_t start = 0;;) {
    size_t space = text.find(' ', start);
    words.push_back(text.substr(start, space == ByteView::npos ? ByteView::npos : space - start));
    if (space == ByteView::npos) break;
    start = space + 1;
  }
  if (words.size() == 1 && words[0].empty()) words.clear();
  if (words.size() % 2 != 0) return std::string(kInvalid);
  std::vector<StoreConfig::SaveRule> rules;
  for (size_t i = 0; i < words.size(); i += 2) {
    int64_t values[2];
    for (size_t j = 0; j < 2; j++) {
      // strtoll's syntax: optional blanks, optional sign, digits; an empty
      // word reads as 0 (and then fails the range check where it matters).
      ByteView word = cStringPrefix(words[i + j]);  // strtoll stops at a NUL, and so does its check
      size_t at = 0;
      while (at < word.size() && (word[at] == ' ' || (word[at] >= '\t' && word[at] <= '\r'))) at++;
      bool negative = false;
      if (at < word.size() && (word[at] == '+' || word[at] == '-')) negative = word[at++] == '-';
      const size_t digits_start = at;
      int64_t value = 0;
      while (at < word.size() && word[at] >= '0' && word[at] <= '9') {
        int d = word[at++] - '0';
        value = value > (std::numeric_limits<int64_t>::max() - d) / 10 ? std::numeric_limits<int64_t>::max()
                                                                       : value * 10 + d;
      }
      if (at != word.size() || (at == digits_start && at != 0)) return std::string(kInvalid);
      values[j] = negative ? -value : value;
    }
    if (values[0] < 1 || values[1] < 0) return std::string(kInvalid);
    rules.push_back({values[0], values[1]});
  }
  config.save_rules = std::move(rules);
  return std::nullopt;
}

// Parses `text` for `p` into `config`; on failure returns Redis's reason.
std::optional<std::string> parseInto(const Param& p, ByteView text, StoreConfig& config) {
  if (p.kind == ParamKind::kDbFilename) {
    // Redis's isValidDBfilename (pathIsBaseName); the value is a C string.
    ByteView name = cStringPrefix(text);
    if (name.find('/') != ByteView::npos || name.find('\\') != ByteView::npos) {
      return std::string("dbfilename can't be a path, just a filename");
    }
    config.dbfilename = std::string(name);
    return std::nullopt;
  }
  if (p.kind == ParamKind::kDir) {
    // Redis chdir()s and reports strerror; emberkv checks the same and
    // keeps the path (see StoreConfig::dir).
    std::string path(cStringPrefix(text));
    if (auto problem = checkSnapshotDir(path)) return problem;
    config.dir = std::move(path);
    return std::nullopt;
  }
  if (p.kind == ParamKind::kSave) return parseSaveRules(text, config);
  if (p.kind == ParamKind::kOutputLimits) return parseOutputLimits(text, config);
  if (p.kind == ParamKind::kAppendOnly) {
    // Redis's yesnotoi: "yes" or "no", any case, read as a C string.
    ByteView word = cStringPrefix(text);
    if (!equalsIgnoreCase(word, "yes") && !equalsIgnoreCase(word, "no")) return std::string("argument must be 'yes' or 'no'");
    config.appendonly = equalsIgnoreCase(word, "yes");
    return std::nullopt;
  }
  if (p.kind == ParamKind::kAppendFsync) {
    ByteView word = cStringPrefix(text);
    for (std::string_view policy : kFsyncPolicies) {
      if (equalsIgnoreCase(word, policy)) {
        config.appendfsync = std::string(policy);
        return std::nullopt;
      }
    }
    return std::string("argument(s) must be one of the following: always, everysec, no");
  }
  if (p.kind == ParamKind::kAofName) {
    // Redis's isValidAOFfilename / isValidAOFdirname: a plain name.
    ByteView name = cStringPrefix(text);
    if (name.empty() || name == "." || name == ".." || name.find('/') != ByteView::npos ||
        name.find('\\') != ByteView::npos) {
      return std::string(p.name) + " can't be a path, just a " + (p.name == "appendfilename" ? "filename" : "dirname");
    }
    (p.name == "appendfilename" ? config.appendfilename : config.appenddirname) = std::string(name);
    return std::nullopt;
  }
  if (p.kind == ParamKind::kRequirePass) {
    // Applied by configSetCommand once everything else parsed.
    if (text.find('\0') != ByteView::npos) return std::string("a secret cannot hold a NUL byte");
    return std::nullopt;
  }
  if (p.kind == ParamKind::kAclFile) return std::string("can't set immutable config");
  if (p.kind == ParamKind::kPolicy) {
    auto policy = parsePolicy(text);
    if (!policy) return policyError();
    config.maxmemory_policy = std::string(*policy);
    return std::nullopt;
  }
  uint64_t raw;
  if (p.kind == ParamKind::kMemory) {
    auto bytes = parseMemory(text);
    if (!bytes) return std::string(kNotMemory);
    raw = *bytes;
  } else {
    auto number = parseInt64(text);
    if (!number) return std::string(kNotInteger);
    raw = static_cast<uint64_t>(*number);
  }
  bool in_range = p.is_unsigned ? (raw >= p.min && raw <= p.max)
                                : (static_cast<int64_t>(raw) >= static_cast<int64_t>(p.min) &&
                                   static_cast<int64_t>(raw) <= static_cast<int64_t>(p.max));
  if (!in_range) return rangeError(p);
  // Only maxmemory's range reaches past int64 (see the header comment).
  config.*p.field = raw > kLongMax && p.is_unsigned ? static_cast<int64_t>(kLongMax) : static_cast<int64_t>(raw);
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// CONFIG GET parameter [parameter ...]

// A name with a glob character (before any NUL: Redis uses strpbrk) is a
// pattern matched case-insensitively against every row; otherwise it is an
// exact, case-insensitive name reported as the client spelled it. A row is
// reported once however many arguments match it.
void configGetCommand(CommandContext& ctx) {
  struct Match {
    ByteView name;
    const Param* param;
  };
  std::vector<Match> matches;
  auto matched = [&](ByteView name) {
    for (const Match& m : matches) {
      if (equalsIgnoreCase(m.name, name)) return true;
    }
    return false;
  };
  for (size_t i = 2; i < ctx.argc(); i++) {
    ByteView arg = ctx.arg(i);
    ByteView pattern = cStringPrefix(arg);
    if (pattern.find_first_of("[*?") == ByteView::npos) {
      const Param* p = findParam(arg);
      if (p && !matched(arg)) matches.push_back({arg, p});
      continue;
    }
    for (const Param& p : kParams) {
      if (!matched(p.name) && globMatch(pattern, p.name, true)) matches.push_back({p.name, &p});
    }
  }
  const StoreConfig& config = ctx.store.config();
  ctx.reply.map(static_cast<uint32_t>(matches.size()));
  for (const Match& m : matches) {
    ctx.reply.bulk(m.name);
    ctx.reply.bulk(paramValue(config, *m.param));
  }
}

// ---------------------------------------------------------------------------
// CONFIG SET parameter value [parameter value ...]

std::string setFailed(ByteView argument, std::string_view reason) {
  return "ERR CONFIG SET failed (possibly related to argument '" + err::clientText(argument) + "') - " +
         std::string(reason);
}

void configSetCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) return ctx.reply.error(err::kSyntax);
  size_t pairs = (ctx.argc() - 2) / 2;
  // Names first: the first unknown or repeated one fails the command.
  std::vector<const Param*> params(pairs, nullptr);
  for (size_t i = 0; i < pairs; i++) {
    ByteView name = ctx.arg(2 + 2 * i);
    const Param* p = findParam(name);
    if (!p) {
      return ctx.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" + err::clientText(name) +
                             "'");
    }
    for (size_t j = 0; j < i; j++) {
      if (params[j] == p) return ctx.reply.error(setFailed(name, "duplicate parameter"));
    }
    params[i] = p;
    // A secret's value is never kept (the slow log), as Redis's SENSITIVE_CONFIG.
    if (p->kind == ParamKind::kRequirePass) ctx.store.redactArgument(3 + 2 * i);
  }
  // Then values, in order, into a copy: nothing changes unless all parse.
  StoreConfig next = ctx.store.config();
  std::optional<ByteView> requirepass;
  for (size_t i = 0; i < pairs; i++) {
    if (auto reason = parseInto(*params[i], ctx.arg(3 + 2 * i), next)) {
      return ctx.reply.error(setFailed(params[i]->name, *reason));
    }
    if (params[i]->kind == ParamKind::kRequirePass) requirepass = ctx.arg(3 + 2 * i);
  }
  // The default user's secret is not a setting but a user's: changed
  // last, once nothing else can fail.
  auto finish = [&] {
    if (requirepass) {
      if (std::optional<std::string> error = ctx.store.acl().setRequirePass(*requirepass)) {
        return ctx.reply.error(*error);
      }
    }
    ctx.reply.ok();
  };
  // The log's names and place are fixed while it is open (Redis makes
  // them immutable; emberkv lets them be set while the log is off).
  const StoreConfig& now = ctx.store.config();
  if (ctx.store.appendLog().isOpen()) {
    for (size_t i = 0; i < pairs; i++) {
      const bool moves = (params[i]->kind == ParamKind::kAofName && paramValue(next, *params[i]) != paramValue(now, *params[i])) ||
                         (params[i]->kind == ParamKind::kDir && next.dir != now.dir && next.appendonly);
      if (moves) return ctx.reply.error(setFailed(params[i]->name, "can't change the append-only file's place while appendonly is yes"));
    }
  }
  // appendonly is applied first, as Redis's updateAppendonly: it may fail
  // (the log's directory cannot be created), and then nothing changes.
  const bool start_log = next.appendonly && !now.appendonly;
  const bool stop_log = !next.appendonly && now.appendonly;
  if (start_log || stop_log) {
    StoreConfig before = now;
    ctx.store.updateConfig([&](StoreConfig& config) { config = next; });
    if (stop_log) {
      ctx.store.stopAppendOnly();
    } else if (std::string error; !ctx.store.startAppendOnly(&error)) {
      ctx.store.updateConfig([&](StoreConfig& config) { config = std::move(before); });
      return ctx.reply.error(setFailed("appendonly", error));
    }
    return finish();
  }
  ctx.store.updateConfig([&](StoreConfig& config) { config = std::move(next); });
  finish();
}

// ---------------------------------------------------------------------------
// CONFIG RESETSTAT, CONFIG HELP

// Redis 7.0's resetServerStats: the INFO stats counters. It keeps
// used_memory_peak (redis-server 7.0.15 does not reset it either).
void configResetstatCommand(CommandContext& ctx) {
  ctx.store.resetStats();
  ctx.reply.ok();
}

void configHelpCommand(CommandContext& ctx) {
  // Redis's text, REWRITE included (emberkv has no config file to rewrite).
  static constexpr std::string_view kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// ---------------------------------------------------------------------------
// The table (arity, flags and ACL categories as Redis 7.0's COMMAND INFO
// reports them; CONFIG SET's request/response policy tips are not kept).

constexpr KeyPositions kNoKeys{0, 0, 0};
constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminCategories = kAclAdmin | kAclSlow | kAclDangerous;

constexpr CommandSpec kConfigSubcommands[] = {
    {"config|get", -3, kAdminFlags, kAdminCategories, kNoKeys, configGetCommand},
    {"config|help", 2, kCmdLoading | kCmdStale, kAclSlow, kNoKeys, configHelpCommand},
    {"config|resetstat", 2, kAdminFlags, kAdminCategories, kNoKeys, configResetstatCommand},
    {"config|set", -4, kAdminFlags, kAdminCategories, kNoKeys, configSetCommand},
};

constexpr CommandSpec kConfigCommands[] = {
    {"config", -2, 0, kAclSlow, kNoKeys, nullptr, kConfigSubcommands},
};

}  // namespace

std::span<const CommandSpec> configCommands() { return kConfigCommands; }

}  // namespace ember
