// The generic keyspace command family (Redis's db.c, expire.c and OBJECT in
// object.c): DEL, UNLINK, EXISTS, TYPE, TOUCH, the EXPIRE family and its
// readers (TTL, PTTL, EXPIRETIME, PEXPIRETIME), PERSIST, RENAME, RENAMENX,
// COPY, KEYS, SCAN, RANDOMKEY and OBJECT, with the table that declares them.
//
// Semantics follow Redis 7.0 reply for reply: error texts and the order in
// which Redis checks things (options before numbers, overflow before the key
// lookup), which lookups count keyspace hits/misses or touch the access
// clock, and which ones reclaim an expired key on the way. The EXPIRE
// family is logged as its effect (store.h, EFFECTS): PEXPIREAT <absolute
// ms> or DEL, as Redis 7.0 propagates it.
//
// Invariants kept here:
//  - an Entry* is never used after another mutation of a keyspace (remove,
//    put, setExpire, rename and any lookup that reclaims an expired key may
//    free or move entries): handlers look the entry up again instead;
//  - no handler's work or memory depends on a number from the client alone:
//    SCAN's COUNT is capped (kScanMaxCount), KEYS is O(keys) as in Redis.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "../command.h"
#include "../command_table.h"
#include "../entry.h"
#include "../errors.h"
#include "../glob.h"
#include "../keyspace.h"
#include "../scan_cursor.h"
#include "../numbers.h"
#include "../store.h"
#include "object_refcount.h"

namespace ember {
namespace {

// Redis 7.0 error texts not (yet) in errors.h.
constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
constexpr std::string_view kIntRange = "ERR value is out of range, value must between -2147483648 and 2147483647";
constexpr std::string_view kExpireNxConflict = "ERR NX and XX, GT or LT options at the same time are not compatible";
constexpr std::string_view kExpireGtLtConflict = "ERR GT and LT options at the same time are not compatible";
constexpr std::string_view kFreqNotTracked =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching "
    "between policies at runtime LRU and LFU data will take some time to adjust.";
constexpr std::string_view kIdleNotTracked =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between "
    "policies at runtime LRU and LFU data will take some time to adjust.";


// Redis shares the objects of the integers 0..9999 (OBJ_SHARED_INTEGERS),
// which report this refcount.
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = 2147483647;

// ---------------------------------------------------------------------------
// Shared helpers

std::string errorWithArg(std::string_view prefix, ByteView arg) { return std::string(prefix) + err::clientText(arg); }

std::string_view typeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kHash:
      return "hash";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TYPE, TOUCH

// UNLINK frees synchronously too: entries are one allocation each, and huge
// collections are the data types' business (freed incrementally there).
// DEL and UNLINK: the same here, since every large value is freed in the
// background (Keyspace::dropEntry).
void delCommand(CommandContext& ctx) {
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.argc(); i++) deleted += ctx.db.remove(ctx.arg(i));
  ctx.reply.integer(deleted);
}

// Counts every argument, repeated keys included ("EXISTS k k" is 2).
void existsCommand(CommandContext& ctx) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.argc(); i++) found += ctx.db.lookupRead(ctx.arg(i), kLookupNoTouch) != nullptr;
  ctx.reply.integer(found);
}

void typeCommand(CommandContext& ctx) {
  Entry* e = ctx.db.lookupRead(ctx.arg(1), kLookupNoTouch);
  ctx.reply.simple(e ? typeName(e->type()) : "none");
}

void touchCommand(CommandContext& ctx) {
  int64_t touched = 0;
  for (size_t i = 1; i < ctx.argc(); i++) touched += ctx.db.lookupRead(ctx.arg(i)) != nullptr;
  ctx.reply.integer(touched);
}

// ---------------------------------------------------------------------------
// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT

enum ExpireFlag : unsigned { kExpireNx = 1, kExpireXx = 2, kExpireGt = 4, kExpireLt = 8 };

// Redis's parseExtendedExpireArgumentsOrReply: every option is read before
// any conflict is reported, and before the time itself is parsed.
bool parseExpireFlags(CommandContext& ctx, unsigned* flags) {
  for (size_t i = 3; i < ctx.argc(); i++) {
    ByteView opt = ctx.arg(i);
    if (optionIs(opt, "nx")) {
      *flags |= kExpireNx;
    } else if (optionIs(opt, "xx")) {
      *flags |= kExpireXx;
    } else if (optionIs(opt, "gt")) {
      *flags |= kExpireGt;
    } else if (optionIs(opt, "lt")) {
      *flags |= kExpireLt;
    } else {
      ctx.reply.error(errorWithArg("ERR Unsupported option ", opt));
      return false;
    }
  }
  if ((*flags & kExpireNx) && (*flags & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.reply.error(kExpireNxConflict);
    return false;
  }
  if ((*flags & kExpireGt) && (*flags & kExpireLt)) {
    ctx.reply.error(kExpireGtLtConflict);
    return false;
  }
  return true;
}

// What the EXPIRE family logs (Store's EFFECTS, as Redis 7.0's
// expireGenericCommand propagates): the absolute time it set, so that a
// replay at any later time sets the same one, and no NX/XX/GT/LT flags,
// since the condition was decided here; or the DEL a time already past
// did.
void logPexpireat(CommandContext& ctx, ByteView key, int64_t when) {
  if (!ctx.store.loggingEffects()) return;
  char digits[kInt64DigitsMax];
  const ByteView effect[] = {"PEXPIREAT", key, formatInt64(when, digits)};
  ctx.store.logEffectInstead(ctx.db_index, effect);
}

void logDel(CommandContext& ctx, ByteView key) {
  const ByteView effect[] = {"DEL", key};
  ctx.store.logEffectInstead(ctx.db_index, effect);
}

// `basetime` is now (EXPIRE, PEXPIRE) or 0 (the *AT forms).
void expireGeneric(CommandContext& ctx, int64_t basetime, bool seconds) {
  // Never logged as itself (an error or a no-op logs nothing: the key's
  // lookup counts as a change), only as its effect below.
  ctx.store.logNoEffect();
  unsigned flags = 0;
  if (!parseExpireFlags(ctx, &flags)) return;
  std::optional<int64_t> parsed = parseInt64(ctx.arg(2));
  if (!parsed) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  int64_t when = *parsed;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds) {
    if (when > kMax / 1000 || when < kMin / 1000) {
      ctx.reply.error(err::invalidExpireTime(ctx.command.name));
      return;
    }
    when *= 1000;
  }
  // Redis checks when > LLONG_MAX - basetime, the same for basetime >= 0.
  if (__builtin_add_overflow(when, basetime, &when)) {
    ctx.reply.error(err::invalidExpireTime(ctx.command.name));
    return;
  }

  ByteView key = ctx.arg(1);
  Entry* e = ctx.db.lookupWrite(key);
  if (!e) {
    ctx.reply.integer(0);
    return;
  }
  if (flags) {
    int64_t current = e->expireAt();  // kNoExpire (-1) when persistent
    bool persistent = current == kNoExpire;
    // No expiry counts as an infinite one: GT never beats it, LT always does.
    if (((flags & kExpireNx) && !persistent) || ((flags & kExpireXx) && persistent) ||
        ((flags & kExpireGt) && (persistent || when <= current)) ||
        ((flags & kExpireLt) && !persistent && when >= current)) {
      return ctx.reply.integer(0);
    }
  }
  // While the log is replayed no time has passed (alreadyPassed is false):
  // a logged PEXPIREAT sets its time even if it is past by now.
  if (ctx.clock.alreadyPassed(when)) {
    // A time in the past deletes the key (not counted as an expiry).
    ctx.db.remove(key);
    logDel(ctx, key);
  } else {
    ctx.db.setExpire(e, when);
    logPexpireat(ctx, key, when);
  }
  ctx.reply.integer(1);
}

void expireCommand(CommandContext& ctx) { expireGeneric(ctx, ctx.nowMs(), true); }
void pexpireCommand(CommandContext& ctx) { expireGeneric(ctx, ctx.nowMs(), false); }
void expireatCommand(CommandContext& ctx) { expireGeneric(ctx, 0, true); }
void pexpireatCommand(CommandContext& ctx) { expireGeneric(ctx, 0, false); }

// ---------------------------------------------------------------------------
// TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST

// -2 for a missing key, -1 for no expiry; seconds are rounded to nearest.
void ttlGeneric(CommandContext& ctx, bool milliseconds, bool absolute) {
  Entry* e = ctx.db.lookupRead(ctx.arg(1), kLookupNoTouch);
  if (!e) return ctx.reply.integer(-2);
  if (!e->hasExpire()) return ctx.reply.integer(-1);
  int64_t expire = e->expireAt();
  int64_t ttl = absolute ? expire : expire - ctx.nowMs();
  if (ttl < 0) ttl = 0;
  if (milliseconds) return ctx.reply.integer(ttl);
  // ttl >= 0 here; Redis's compiled (ttl+500)/1000 behaves as unsigned
  // arithmetic, so an expiry near INT64_MAX rounds up instead of wrapping.
  ctx.reply.integer(static_cast<int64_t>((static_cast<uint64_t>(ttl) + 500) / 1000));
}

void ttlCommand(CommandContext& ctx) { ttlGeneric(ctx, false, false); }
void pttlCommand(CommandContext& ctx) { ttlGeneric(ctx, true, false); }
void expiretimeCommand(CommandContext& ctx) { ttlGeneric(ctx, false, true); }
void pexpiretimeCommand(CommandContext& ctx) { ttlGeneric(ctx, true, true); }

void persistCommand(CommandContext& ctx) {
  Entry* e = ctx.db.lookupWrite(ctx.arg(1));
  if (!e || !e->hasExpire()) return ctx.reply.integer(0);
  ctx.db.setExpire(e, kNoExpire);
  ctx.reply.integer(1);
}

// ---------------------------------------------------------------------------
// RENAME, RENAMENX

void renameGeneric(CommandContext& ctx, bool nx) {
  ByteView from = ctx.arg(1);
  ByteView to = ctx.arg(2);
  Entry* e = ctx.db.lookupWrite(from);
  if (!e) return ctx.reply.error(err::kNoSuchKey);
  if (from == to) {
    // Same key: nothing to do, but the source still had to exist.
    if (nx) return ctx.reply.integer(0);
    return ctx.reply.ok();
  }
  if (ctx.db.lookupWrite(to)) {
    if (nx) return ctx.reply.integer(0);
    ctx.db.remove(to);
  }
  // The lookups above may have reclaimed an expired destination: find the
  // source again rather than trust the old pointer. It cannot have expired
  // in between (the command's time is fixed).
  e = ctx.db.lookupRead(from, kLookupNoTouch | kLookupNoStats);
  ctx.db.rename(e, to, e->expireAt());
  if (nx) return ctx.reply.integer(1);
  ctx.reply.ok();
}

void renameCommand(CommandContext& ctx) { renameGeneric(ctx, false); }
void renamenxCommand(CommandContext& ctx) { renameGeneric(ctx, true); }


// ---------------------------------------------------------------------------
// COPY source destination [DB index] [REPLACE]

void copyCommand(CommandContext& ctx) {
  int dst_index = ctx.db_index;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); i++) {
    size_t more = ctx.argc() - i - 1;
    if (optionIs(ctx.arg(i), "replace")) {
      replace = true;
    } else if (optionIs(ctx.arg(i), "db") && more >= 1) {
      // Redis's getIntFromObjectOrReply, then selectDb's range check.
      std::optional<int64_t> index = parseInt64(ctx.arg(i + 1));
      if (!index) return ctx.reply.error(err::kNotInteger);
      if (*index < std::numeric_limits<int32_t>::min() || *index > std::numeric_limits<int32_t>::max()) {
        return ctx.reply.error(kIntRange);
      }
      if (*index < 0 || *index >= Store::kDatabases) return ctx.reply.error(err::kDbIndexOutOfRange);
      dst_index = static_cast<int>(*index);
      i++;
    } else {
      return ctx.reply.error(err::kSyntax);
    }
  }
  ByteView from = ctx.arg(1);
  ByteView to = ctx.arg(2);
  if (dst_index == ctx.db_index && from == to) return ctx.reply.error(kSameObject);

  Entry* e = ctx.db.lookupRead(from);
  if (!e) return ctx.reply.integer(0);
  Keyspace& dst = ctx.store.db(dst_index);
  // Without REPLACE an existing destination wins; with it, put() below
  // frees the old entry.
  if (dst.lookupWrite(to) && !replace) return ctx.reply.integer(0);
  // That lookup may have reclaimed an expired destination in this same
  // keyspace: find the source again.
  e = ctx.db.lookupRead(from, kLookupNoTouch | kLookupNoStats);
  // A new object (a collection is cloned): put() gives it a new object's
  // access clock.
  dst.put(Entry::cloneWithKey(dst.memory(), e, to, e->expireAt()));
  ctx.reply.integer(1);
}

// MOVE key db: the key (its value, not a copy, and its expiry) goes to
// another database, unless the key is missing or the target has it.
void moveCommand(CommandContext& ctx) {
  std::optional<int64_t> index = parseInt64(ctx.arg(2));
  if (!index) return ctx.reply.error(err::kNotInteger);
  if (*index < std::numeric_limits<int32_t>::min() || *index > std::numeric_limits<int32_t>::max()) {
    return ctx.reply.error(kIntRange);
  }
  if (*index < 0 || *index >= Store::kDatabases) return ctx.reply.error(err::kDbIndexOutOfRange);
  if (*index == ctx.db_index) return ctx.reply.error(kSameObject);
  ByteView key = ctx.arg(1);
  if (!ctx.db.lookupWrite(key)) return ctx.reply.integer(0);
  Keyspace& dst = ctx.store.db(static_cast<int>(*index));
  if (dst.lookupWrite(key)) return ctx.reply.integer(0);
  dst.put(ctx.db.take(key));
  ctx.reply.integer(1);
}

// SWAPDB index1 index2
void swapdbCommand(CommandContext& ctx) {
  std::optional<int64_t> a = parseInt64(ctx.arg(1));
  if (!a || *a < std::numeric_limits<int32_t>::min() || *a > std::numeric_limits<int32_t>::max()) {
    return ctx.reply.error("ERR invalid first DB index");
  }
  std::optional<int64_t> b = parseInt64(ctx.arg(2));
  if (!b || *b < std::numeric_limits<int32_t>::min() || *b > std::numeric_limits<int32_t>::max()) {
    return ctx.reply.error("ERR invalid second DB index");
  }
  if (*a < 0 || *a >= Store::kDatabases || *b < 0 || *b >= Store::kDatabases) {
    return ctx.reply.error(err::kDbIndexOutOfRange);
  }
  if (*a != *b) ctx.store.swapDatabases(static_cast<int>(*a), static_cast<int>(*b));
  ctx.reply.ok();
}

// ---------------------------------------------------------------------------
// KEYS, SCAN, RANDOMKEY

// Like Redis, KEYS does not reclaim the expired keys it skips.
void keysCommand(CommandContext& ctx) {
  ByteView pattern = ctx.arg(1);
  bool all = pattern == "*";  // Redis's shortcut: "*" also matches ""
  int64_t now = ctx.nowMs();
  size_t at = ctx.reply.beginArray();
  uint32_t n = 0;
  ctx.db.forEach([&](Entry* e) {
    if (e->isExpiredAt(now)) return;
    ByteView key = e->key();
    if (!all && !globMatch(pattern, key)) return;
    ctx.reply.bulk(key);
    n++;
  });
  ctx.reply.endAggregate(at, n);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void scanCommand(CommandContext& ctx) {
  std::optional<uint64_t> cursor = parseScanCursorArg(ctx.arg(1));
  if (!cursor) return ctx.reply.error(err::kInvalidCursor);
  ScanOptions options;
  if (auto error = parseScanOptions(ctx.argv, 2, true, options)) return ctx.reply.error(*error);
  uint64_t count = options.count;
  ByteView pattern = options.pattern;
  bool use_pattern = options.use_pattern;
  std::optional<ByteView> type = options.type;

  // Step 1, as Redis: visit one home bucket at a time until COUNT keys
  // were seen or 10*COUNT buckets were visited. The keys are copied, since
  // step 2 may reclaim expired entries; the pattern is applied here so that
  // only keys that can be returned are copied (COUNT still counts them all).
  struct Candidate {
    std::string key;
    bool expired;
  };
  std::vector<Candidate> candidates;
  uint64_t visited = 0;
  uint64_t buckets_left = count * 10;
  int64_t now = ctx.nowMs();
  uint64_t next = *cursor;
  do {
    next = ctx.db.scan(next, 1, [&](Entry* e) {
      visited++;
      ByteView key = e->key();
      if (use_pattern && !globMatch(pattern, key)) return;
      candidates.push_back({std::string(key), e->isExpiredAt(now)});
    });
  } while (next != 0 && --buckets_left != 0 && visited < count);

  // Step 2: filter by type and expiry, and reply.
  ctx.reply.array(2);
  char digits[kInt64DigitsMax];
  auto printed = std::to_chars(digits, digits + sizeof digits, next);  // unsigned, unlike formatInt64
  ctx.reply.bulk(ByteView(digits, static_cast<size_t>(printed.ptr - digits)));
  size_t at = ctx.reply.beginArray();
  uint32_t n = 0;
  for (const Candidate& c : candidates) {
    if (type) {
      // As Redis: a NOTOUCH lookup (it counts a hit or a miss, and reclaims
      // an expired key); a missing key's type is "none". Because the key is
      // then gone, Redis's expiry check below finds nothing to expire, so
      // "TYPE none" returns expired keys: kept for identical replies.
      Entry* e = ctx.db.lookupRead(c.key, kLookupNoTouch);
      if (!optionIs(*type, e ? typeName(e->type()) : "none")) continue;
    } else if (c.expired) {
      ctx.db.lookupRead(c.key, kLookupNoTouch | kLookupNoStats);  // reclaims it
      continue;
    }
    ctx.reply.bulk(c.key);
    n++;
  }
  ctx.reply.endAggregate(at, n);
}

void randomkeyCommand(CommandContext& ctx) {
  Entry* e = ctx.db.randomEntry(ctx.store.randomBits());
  if (!e) return ctx.reply.null();
  ctx.reply.bulk(e->key());
}

// ---------------------------------------------------------------------------
// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP

// OBJECT never touches the key's access clock, but (as in Redis) counts a
// hit or a miss and reclaims an expired key. Replies null when missing.
Entry* objectLookup(CommandContext& ctx) {
  Entry* e = ctx.db.lookupRead(ctx.arg(2), kLookupNoTouch);
  if (!e) ctx.reply.null();
  return e;
}

void objectEncodingCommand(CommandContext& ctx) {
  Entry* e = objectLookup(ctx);
  if (!e) return;
  ctx.reply.bulk(e->encodingName());
}


void objectFreqCommand(CommandContext& ctx) {
  Entry* e = objectLookup(ctx);
  if (!e) return;
  if (!ctx.store.config().lfuPolicy()) return ctx.reply.error(kFreqNotTracked);
  ctx.reply.integer(ctx.db.clock().lfuCounter(e->accessClock()));
}

void objectIdletimeCommand(CommandContext& ctx) {
  Entry* e = objectLookup(ctx);
  if (!e) return;
  if (ctx.store.config().lfuPolicy()) return ctx.reply.error(kIdleNotTracked);
  ctx.reply.integer(ctx.db.clock().idleSeconds(e->accessClock()));
}

void objectRefcountCommand(CommandContext& ctx) {
  Entry* e = objectLookup(ctx);
  if (!e) return;
  ctx.reply.integer(objectRefcount(*e, ctx.store.config()));
}

void objectHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// ---------------------------------------------------------------------------
// The table (arity, flags, ACL categories and key positions as Redis 7.0's
// COMMAND INFO reports them).

constexpr uint32_t kKsRead = kAclKeyspace | kAclRead;
constexpr uint32_t kKsWrite = kAclKeyspace | kAclWrite;
constexpr KeyPositions kOneKey{1, 1, 1};
constexpr KeyPositions kAllKeys{1, -1, 1};
constexpr KeyPositions kTwoKeys{1, 2, 1};
constexpr KeyPositions kNoKeys{0, 0, 0};
constexpr KeyPositions kSubcommandKey{2, 2, 1};

constexpr CommandSpec kObjectSubcommands[] = {
    {"object|encoding", 3, kCmdReadonly, kKsRead | kAclSlow, kSubcommandKey, objectEncodingCommand, {}, 0, KeyAccess::kAny},
    {"object|freq", 3, kCmdReadonly, kKsRead | kAclSlow, kSubcommandKey, objectFreqCommand, {}, 0, KeyAccess::kAny},
    {"object|idletime", 3, kCmdReadonly, kKsRead | kAclSlow, kSubcommandKey, objectIdletimeCommand, {}, 0, KeyAccess::kAny},
    {"object|refcount", 3, kCmdReadonly, kKsRead | kAclSlow, kSubcommandKey, objectRefcountCommand, {}, 0, KeyAccess::kAny},
    {"object|help", 2, kCmdLoading | kCmdStale, kAclKeyspace | kAclSlow, kNoKeys, objectHelpCommand},
};

constexpr CommandSpec kKeyCommands[] = {
    {"del", -2, kCmdWrite, kKsWrite | kAclSlow, kAllKeys, delCommand, {}, 0, KeyAccess::kWrite},
    {"unlink", -2, kCmdWrite | kCmdFast, kKsWrite | kAclFast, kAllKeys, delCommand, {}, 0, KeyAccess::kWrite},
    {"exists", -2, kCmdReadonly | kCmdFast, kKsRead | kAclFast, kAllKeys, existsCommand, {}, 0, KeyAccess::kAny},
    {"type", 2, kCmdReadonly | kCmdFast, kKsRead | kAclFast, kOneKey, typeCommand, {}, 0, KeyAccess::kAny},
    {"touch", -2, kCmdReadonly | kCmdFast, kKsRead | kAclFast, kAllKeys, touchCommand, {}, 0, KeyAccess::kAny},
    {"expire", -3, kCmdWrite | kCmdFast, kKsWrite | kAclFast, kOneKey, expireCommand, {}, 0, KeyAccess::kWrite},
    {"pexpire", -3, kCmdWrite | kCmdFast, kKsWrite | kAclFast, kOneKey, pexpireCommand, {}, 0, KeyAccess::kWrite},
    {"expireat", -3, kCmdWrite | kCmdFast, kKsWrite | kAclFast, kOneKey, expireatCommand, {}, 0, KeyAccess::kWrite},
    {"pexpireat", -3, kCmdWrite | kCmdFast, kKsWrite | kAclFast, kOneKey, pexpireatCommand, {}, 0, KeyAccess::kWrite},
    {"ttl", 2, kCmdReadonly | kCmdFast, kKsRead | kAclFast, kOneKey, ttlCommand},
    {"pttl", 2, kCmdReadonly | kCmdFast, kKsRead | kAclFast, kOneKey, pttlCommand},
    {"expiretime", 2, kCmdReadonly | kCmdFast, kKsRead | kAclFast, kOneKey, expiretimeCommand},
    {"pexpiretime", 2, kCmdReadonly | kCmdFast, kKsRead | kAclFast, kOneKey, pexpiretimeCommand},
    {"persist", 2, kCmdWrite | kCmdFast, kKsWrite | kAclFast, kOneKey, persistCommand, {}, 0, KeyAccess::kWrite},
    {"rename", 3, kCmdWrite, kKsWrite | kAclSlow, kTwoKeys, renameCommand, {}, 0, KeyAccess::kFirstReadWrittenRestWritten},
    {"renamenx", 3, kCmdWrite | kCmdFast, kKsWrite | kAclFast, kTwoKeys, renamenxCommand, {}, 0, KeyAccess::kFirstReadWrittenRestWritten},
    {"copy", -3, kCmdWrite | kCmdDenyOom, kKsWrite | kAclSlow, kTwoKeys, copyCommand, {}, 0, KeyAccess::kLastWrittenRestRead},
    {"move", 3, kCmdWrite | kCmdFast, kKsWrite | kAclFast, kOneKey, moveCommand},
    {"swapdb", 3, kCmdWrite | kCmdFast, kKsWrite | kAclFast | kAclDangerous, kNoKeys, swapdbCommand, {}, 0,
     KeyAccess::kByFlags, "server"},
    {"keys", 2, kCmdReadonly, kKsRead | kAclSlow | kAclDangerous, kNoKeys, keysCommand},
    {"scan", -2, kCmdReadonly, kKsRead | kAclSlow, kNoKeys, scanCommand},
    {"randomkey", 1, kCmdReadonly, kKsRead | kAclSlow, kNoKeys, randomkeyCommand},
    {"object", -2, 0, kAclSlow, kNoKeys, nullptr, kObjectSubcommands},
};

}  // namespace

// Entries own their values, so every refcount is 1, except that Redis
// shares the objects of small integers (0..9999) unless maxmemory is set
// with an LRU/LFU policy; such values report Redis's shared refcount.
int64_t objectRefcount(const Entry& e, const StoreConfig& config) {
  const std::string& policy = config.maxmemory_policy;
  bool lru_or_lfu = policy.find("lru") != std::string::npos || policy.find("lfu") != std::string::npos;
  bool sharing = config.maxmemory == 0 || !lru_or_lfu;
  if (sharing && e.isString() && e.encoding() == Encoding::kInt && e.intValue() >= 0 &&
      e.intValue() < kSharedIntegers) {
    return kSharedRefcount;
  }
  return 1;
}

std::span<const CommandSpec> keyCommands() { return kKeyCommands; }

}  // namespace ember
