// The strings command family: SET and its variants (SETNX, SETEX, PSETEX,
// MSET, MSETNX, GETSET), the readers (GET, MGET, STRLEN, GETRANGE/SUBSTR),
// GETDEL and GETEX, in-place edits (APPEND, SETRANGE) and counters (INCR,
// DECR, INCRBY, DECRBY, INCRBYFLOAT), with the table that declares them.
//
// Semantics follow Redis 7.0 reply for reply, errors and their order of
// checks included. Encodings follow Redis too (entry.h): values set whole get
// Entry::encodingFor, APPEND/SETRANGE on an existing key turn it raw, the
// INCR family always stores an int, INCRBYFLOAT stores its text as embstr or
// raw by length only.
//
// The append-only log gets the effect of a command that depends on the
// time or the platform (store.h, EFFECTS), as Redis 7.0 propagates it: SET
// with an expiry (and SETEX, PSETEX) as SET ... PXAT <absolute ms>, GETEX
// as PEXPIREAT / PERSIST / DEL, INCRBYFLOAT as SET ... KEEPTTL.
//
// Invariants kept here:
//  - an Entry* is never used after another mutation of the keyspace (put,
//    remove, setExpire, resizeRawString all may free or move entries);
//  - every size check happens before any allocation, so no input can make a
//    handler allocate more than proto-max-bulk-len for one value.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "../command.h"
#include "../command_table.h"
#include "../entry.h"
#include "../errors.h"
#include "../keyspace.h"
#include "../numbers.h"
#include "../store.h"

namespace ember {
namespace {

// Redis 7.0 text for DECRBY of LLONG_MIN (negating it would overflow).
constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";

// ---------------------------------------------------------------------------
// Shared helpers

// The value of a string entry as bytes; an int value is written into
// `digits` (kInt64DigitsMax bytes).
ByteView stringValue(const Entry* e, char* digits) {
  if (e->encoding() == Encoding::kInt) return formatInt64(e->intValue(), digits);
  return e->stringBytes();
}

void replyString(ReplyBuilder& reply, const Entry* e) {
  if (e->encoding() == Encoding::kInt) {
    reply.bulkInteger(e->intValue());
  } else {
    reply.bulk(e->stringBytes());
  }
}

// Redis's checkStringLength: would `size + append` bytes exceed
// proto-max-bulk-len? Both operands are below 2^63, so the sum cannot wrap.
bool exceedsMaxBulk(const CommandContext& ctx, uint64_t size, uint64_t append) {
  return size + append > static_cast<uint64_t>(ctx.store.config().proto_max_bulk_len);
}

// Stores `value` whole under `key` (as Redis's setKey), replacing any
// existing entry (Keyspace::put sets the access clock as Redis does).
void storeString(CommandContext& ctx, ByteView key, ByteView value, int64_t expire_at) {
  Entry* fresh = Entry::newString(ctx.db.memory(), key, value, Entry::encodingFor(value), expire_at);
  ctx.db.put(fresh);
}

// The live string entry for a read of `key`. Returns false after replying
// WRONGTYPE; `*out` is nullptr when the key is absent.
bool lookupStringRead(CommandContext& ctx, ByteView key, Entry** out) {
  *out = ctx.db.lookupRead(key);
  if (*out && !(*out)->isString()) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  return true;
}

bool lookupStringWrite(CommandContext& ctx, ByteView key, Entry** out) {
  *out = ctx.db.lookupWrite(key);
  if (*out && !(*out)->isString()) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  return true;
}

// Redis's getGenericCommand: replies the value of argv[1] (null if absent).
// Returns false after replying WRONGTYPE.
bool replyValueOf(CommandContext& ctx, ByteView key) {
  Entry* e;
  if (!lookupStringRead(ctx, key, &e)) return false;
  if (e) {
    replyString(ctx.reply, e);
  } else {
    ctx.reply.null();
  }
  return true;
}

// What a command whose effect depends on the time logs instead of itself
// (Store's EFFECTS; Redis 7.0 propagates the same): a value stored with an
// expiry as SET key value PXAT <absolute ms>, and an expiry set on a key as
// PEXPIREAT key <absolute ms>, so that a replay at any later time sets the
// same absolute time.
void logSetPxat(CommandContext& ctx, ByteView key, ByteView value, int64_t expire_at) {
  if (!ctx.store.loggingEffects()) return;
  char digits[kInt64DigitsMax];
  const ByteView effect[] = {"SET", key, value, "PXAT", formatInt64(expire_at, digits)};
  ctx.store.logEffectInstead(ctx.db_index, effect);
}

void logPexpireat(CommandContext& ctx, ByteView key, int64_t expire_at) {
  if (!ctx.store.loggingEffects()) return;
  char digits[kInt64DigitsMax];
  const ByteView effect[] = {"PEXPIREAT", key, formatInt64(expire_at, digits)};
  ctx.store.logEffectInstead(ctx.db_index, effect);
}

// ---------------------------------------------------------------------------
// SET / GETEX options

enum StringOption : unsigned {
  kOptNx = 1u << 0,
  kOptXx = 1u << 1,
  kOptGet = 1u << 2,
  kOptKeepTtl = 1u << 3,
  kOptPersist = 1u << 4,
  kOptEx = 1u << 5,
  kOptPx = 1u << 6,
  kOptExAt = 1u << 7,
  kOptPxAt = 1u << 8,
};
constexpr unsigned kOptAnyExpire = kOptEx | kOptPx | kOptExAt | kOptPxAt;

struct StringOptions {
  unsigned flags = 0;
  ByteView expire;  // the EX/PX/EXAT/PXAT argument, when one was given
};

enum class OptionsOf { kSet, kGetEx };

unsigned expireOptionOf(ByteView arg) {
  if (optionIs(arg, "ex")) return kOptEx;
  if (optionIs(arg, "px")) return kOptPx;
  if (optionIs(arg, "exat")) return kOptExAt;
  if (optionIs(arg, "pxat")) return kOptPxAt;
  return 0;
}

// Redis's parseExtendedStringArgumentsOrReply: reads the options from
// argv[first] on. A repeated option is accepted (the last expiry wins); a
// conflicting one, an unknown one or a missing expiry value is a syntax
// error. Returns false after replying.
bool parseStringOptions(CommandContext& ctx, size_t first, OptionsOf command, StringOptions& out) {
  bool is_set = command == OptionsOf::kSet;
  unsigned& f = out.flags;
  for (size_t j = first; j < ctx.argc(); j++) {
    ByteView opt = ctx.arg(j);
    bool has_next = j + 1 < ctx.argc();
    unsigned expire_kind = expireOptionOf(opt);
    if (is_set && optionIs(opt, "nx") && !(f & kOptXx)) {
      f |= kOptNx;
    } else if (is_set && optionIs(opt, "xx") && !(f & kOptNx)) {
      f |= kOptXx;
    } else if (is_set && optionIs(opt, "get")) {
      f |= kOptGet;
    } else if (is_set && optionIs(opt, "keepttl") && !(f & (kOptPersist | kOptAnyExpire))) {
      f |= kOptKeepTtl;
    } else if (!is_set && optionIs(opt, "persist") && !(f & (kOptKeepTtl | kOptAnyExpire))) {
      f |= kOptPersist;
    } else if (expire_kind && has_next &&
               !(f & (kOptKeepTtl | kOptPersist | (kOptAnyExpire & ~expire_kind)))) {
      f |= expire_kind;
      out.expire = ctx.arg(++j);
    } else {
      ctx.reply.error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Redis's getExpireMillisecondsOrReply: the absolute expiry in ms for an
// expiry argument of kind `kind` (one kOptEx/Px/ExAt/PxAt bit), or nullopt
// after replying. Zero, negative and overflowing times are invalid.
std::optional<int64_t> expireAtOrReply(CommandContext& ctx, ByteView text, unsigned kind) {
  std::optional<int64_t> parsed = parseInt64(text);
  if (!parsed) {
    ctx.reply.error(err::kNotInteger);
    return std::nullopt;
  }
  int64_t ms = *parsed;
  bool seconds = kind & (kOptEx | kOptExAt);
  bool relative = kind & (kOptEx | kOptPx);
  bool invalid = ms <= 0 || (seconds && ms > std::numeric_limits<int64_t>::max() / 1000);
  if (!invalid) {
    if (seconds) ms *= 1000;
    // Redis adds the time and rejects a sum that wrapped (<= 0).
    if (relative) invalid = __builtin_add_overflow(ms, ctx.nowMs(), &ms) || ms <= 0;
  }
  if (invalid) {
    ctx.reply.error(err::invalidExpireTime(ctx.command.name));
    return std::nullopt;
  }
  return ms;
}

// ---------------------------------------------------------------------------
// SET and its variants

enum class SetReplies { kOkOrNull, kOneOrZero };  // SET..., SETNX

// Redis's setGenericCommand. Order of checks: expiry value, then GET's type
// check (the old value is replied before NX/XX decide), then NX/XX.
void setGeneric(CommandContext& ctx, ByteView key, ByteView value, const StringOptions& options,
                SetReplies replies) {
  unsigned flags = options.flags;
  int64_t expire_at = kNoExpire;
  if (flags & kOptAnyExpire) {
    // Then never logged as itself (an error or a no-op logs nothing), only
    // as its effect below.
    ctx.store.logNoEffect();
    std::optional<int64_t> when = expireAtOrReply(ctx, options.expire, flags & kOptAnyExpire);
    if (!when) return;
    expire_at = *when;
  }
  bool get = flags & kOptGet;
  if (get && !replyValueOf(ctx, key)) return;

  Entry* old = ctx.db.lookupWrite(key);
  if (((flags & kOptNx) && old) || ((flags & kOptXx) && !old)) {
    ctx.store.logNoEffect();  // the lookup counted as a change; nothing changed
    if (!get) {
      if (replies == SetReplies::kOneOrZero) {
        ctx.reply.integer(0);
      } else {
        ctx.reply.null();
      }
    }
    return;
  }
  if ((flags & kOptKeepTtl) && old) expire_at = old->expireAt();
  // An absolute time already past still stores the key, already expired
  // (Redis 7.0 does the same: reads then find nothing).
  storeString(ctx, key, value, expire_at);
  // With an expiry option, the absolute time it gave (NX/XX/GET dropped:
  // the condition was decided). Without one (KEEPTTL included) the
  // command replays as it is.
  if (flags & kOptAnyExpire) logSetPxat(ctx, key, value, expire_at);
  if (get) return;
  if (replies == SetReplies::kOneOrZero) {
    ctx.reply.integer(1);
  } else {
    ctx.reply.ok();
  }
}

void setCommand(CommandContext& ctx) {
  StringOptions options;
  if (!parseStringOptions(ctx, 3, OptionsOf::kSet, options)) return;
  setGeneric(ctx, ctx.arg(1), ctx.arg(2), options, SetReplies::kOkOrNull);
}

void setnxCommand(CommandContext& ctx) {
  setGeneric(ctx, ctx.arg(1), ctx.arg(2), StringOptions{kOptNx, {}}, SetReplies::kOneOrZero);
}

void setexCommand(CommandContext& ctx) {
  setGeneric(ctx, ctx.arg(1), ctx.arg(3), StringOptions{kOptEx, ctx.arg(2)}, SetReplies::kOkOrNull);
}

void psetexCommand(CommandContext& ctx) {
  setGeneric(ctx, ctx.arg(1), ctx.arg(3), StringOptions{kOptPx, ctx.arg(2)}, SetReplies::kOkOrNull);
}

void getsetCommand(CommandContext& ctx) {
  ByteView key = ctx.arg(1);
  if (!replyValueOf(ctx, key)) return;
  storeString(ctx, key, ctx.arg(2), kNoExpire);
}

void msetGeneric(CommandContext& ctx, bool nx) {
  if (ctx.argc() % 2 == 0) {
    ctx.reply.error(err::wrongArity(ctx.command.name));
    return;
  }
  if (nx) {
    for (size_t j = 1; j < ctx.argc(); j += 2) {
      if (ctx.db.lookupWrite(ctx.arg(j))) {
        ctx.reply.integer(0);
        return;
      }
    }
  }
  // One pair at a time, so a repeated key ends with its last value.
  for (size_t j = 1; j < ctx.argc(); j += 2) {
    storeString(ctx, ctx.arg(j), ctx.arg(j + 1), kNoExpire);
  }
  if (nx) {
    ctx.reply.integer(1);
  } else {
    ctx.reply.ok();
  }
}

void msetCommand(CommandContext& ctx) { msetGeneric(ctx, false); }
void msetnxCommand(CommandContext& ctx) { msetGeneric(ctx, true); }

// ---------------------------------------------------------------------------
// Readers

void getCommand(CommandContext& ctx) { replyValueOf(ctx, ctx.arg(1)); }

void getdelCommand(CommandContext& ctx) {
  ByteView key = ctx.arg(1);
  Entry* e;
  if (!lookupStringRead(ctx, key, &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  replyString(ctx.reply, e);
  ctx.db.remove(key);
}

// GETEX: options are parsed first (syntax errors win), the expiry value is
// checked only once the key is found to hold a string.
void getexCommand(CommandContext& ctx) {
  // Never logged as itself (an error or a no-op logs nothing), only as its
  // effect below.
  ctx.store.logNoEffect();
  StringOptions options;
  if (!parseStringOptions(ctx, 2, OptionsOf::kGetEx, options)) return;
  ByteView key = ctx.arg(1);
  Entry* e;
  if (!lookupStringRead(ctx, key, &e)) return;
  if (!e) {
    ctx.reply.null();
    return;
  }
  unsigned kind = options.flags & kOptAnyExpire;
  int64_t when = kNoExpire;
  if (kind) {
    std::optional<int64_t> parsed = expireAtOrReply(ctx, options.expire, kind);
    if (!parsed) return;
    when = *parsed;
  }
  replyString(ctx.reply, e);
  // Logged as its effect (as Redis 7.0): DEL, PEXPIREAT <absolute ms>,
  // PERSIST, or nothing.
  if ((kind & (kOptExAt | kOptPxAt)) && ctx.clock.alreadyPassed(when)) {
    ctx.db.remove(key);  // an absolute time already past deletes the key
    const ByteView effect[] = {"DEL", key};
    ctx.store.logEffectInstead(ctx.db_index, effect);
  } else if (kind) {
    ctx.db.setExpire(e, when);
    logPexpireat(ctx, key, when);
  } else if ((options.flags & kOptPersist) && e->hasExpire()) {
    ctx.db.setExpire(e, kNoExpire);
    const ByteView effect[] = {"PERSIST", key};
    ctx.store.logEffectInstead(ctx.db_index, effect);
  }
}

void mgetCommand(CommandContext& ctx) {
  ctx.reply.array(static_cast<uint32_t>(ctx.argc() - 1));
  for (size_t j = 1; j < ctx.argc(); j++) {
    // Overlap the cache misses of the next batch of keys.
    if ((j - 1) % Keyspace::kPrefetchBatch == 0) ctx.db.prefetch(ctx.argv.subspan(j));
    Entry* e = ctx.db.lookupRead(ctx.arg(j));
    if (e && e->isString()) {
      replyString(ctx.reply, e);
    } else {
      ctx.reply.null();  // absent or not a string: MGET never fails
    }
  }
}

void strlenCommand(CommandContext& ctx) {
  Entry* e;
  if (!lookupStringRead(ctx, ctx.arg(1), &e)) return;
  ctx.reply.integer(e ? static_cast<int64_t>(e->stringLength()) : 0);
}

// GETRANGE / SUBSTR: inclusive indexes, negative ones count from the end,
// both clamped into the string; an empty range replies "" (never null).
void getrangeCommand(CommandContext& ctx) {
  std::optional<int64_t> start = parseInt64(ctx.arg(2));
  std::optional<int64_t> end = start ? parseInt64(ctx.arg(3)) : std::nullopt;
  if (!start || !end) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  Entry* e;
  if (!lookupStringRead(ctx, ctx.arg(1), &e)) return;
  if (!e) {
    ctx.reply.bulk("");
    return;
  }
  char digits[kInt64DigitsMax];
  ByteView s = stringValue(e, digits);
  int64_t len = static_cast<int64_t>(s.size());
  int64_t from = *start;
  int64_t to = *end;
  // Both from the end and reversed: empty, even if both would clamp to 0.
  if (from < 0 && to < 0 && from > to) {
    ctx.reply.bulk("");
    return;
  }
  if (from < 0) from += len;  // cannot overflow: from < 0 <= len
  if (to < 0) to += len;
  from = std::max<int64_t>(from, 0);
  to = std::max<int64_t>(to, 0);
  if (to >= len) to = len - 1;
  if (len == 0 || from > to) {
    ctx.reply.bulk("");
  } else {
    ctx.reply.bulk(s.substr(static_cast<size_t>(from), static_cast<size_t>(to - from + 1)));
  }
}

// ---------------------------------------------------------------------------
// In-place edits

void appendCommand(CommandContext& ctx) {
  ByteView key = ctx.arg(1);
  ByteView tail = ctx.arg(2);
  Entry* e;
  if (!lookupStringWrite(ctx, key, &e)) return;
  if (!e) {
    // A new key is stored like SET would (so "123" is int-encoded).
    storeString(ctx, key, tail, kNoExpire);
    ctx.reply.integer(static_cast<int64_t>(tail.size()));
    return;
  }
  size_t old_length = e->stringLength();
  if (exceedsMaxBulk(ctx, old_length, tail.size())) {
    ctx.reply.error(err::kStringTooLong);
    return;
  }
  // Even an empty tail makes the value raw, as in Redis.
  size_t length = old_length + tail.size();
  e = ctx.db.resizeRawString(e, length);
  if (!tail.empty()) std::memcpy(e->mutableStringBytes() + old_length, tail.data(), tail.size());
  ctx.reply.integer(static_cast<int64_t>(length));
}

void setrangeCommand(CommandContext& ctx) {
  ByteView key = ctx.arg(1);
  std::optional<int64_t> offset = parseInt64(ctx.arg(2));
  if (!offset) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  if (*offset < 0) {
    ctx.reply.error(err::kOffsetOutOfRange);
    return;
  }
  ByteView patch = ctx.arg(3);
  size_t at = static_cast<size_t>(*offset);
  Entry* e;
  if (!lookupStringWrite(ctx, key, &e)) return;
  if (!e) {
    if (patch.empty()) {  // nothing to write: no key is created
      ctx.reply.integer(0);
      return;
    }
    if (exceedsMaxBulk(ctx, at, patch.size())) {
      ctx.reply.error(err::kStringTooLong);
      return;
    }
    size_t length = at + patch.size();
    Entry* fresh = Entry::newRawString(ctx.db.memory(), key, length, kNoExpire);
    std::memcpy(fresh->mutableStringBytes() + at, patch.data(), patch.size());
    ctx.db.put(fresh);
    ctx.reply.integer(static_cast<int64_t>(length));
    return;
  }
  size_t old_length = e->stringLength();
  if (patch.empty()) {
    ctx.reply.integer(static_cast<int64_t>(old_length));
    return;
  }
  if (exceedsMaxBulk(ctx, at, patch.size())) {
    ctx.reply.error(err::kStringTooLong);
    return;
  }
  size_t length = std::max(old_length, at + patch.size());
  e = ctx.db.resizeRawString(e, length);
  std::memcpy(e->mutableStringBytes() + at, patch.data(), patch.size());
  ctx.reply.integer(static_cast<int64_t>(length));
}

// ---------------------------------------------------------------------------
// Counters

// INCR, DECR, INCRBY, DECRBY. The key keeps its TTL; the result is always
// int-encoded (updated in place when the entry already is).
void incrDecr(CommandContext& ctx, int64_t increment) {
  ByteView key = ctx.arg(1);
  Entry* e;
  if (!lookupStringWrite(ctx, key, &e)) return;
  int64_t value = 0;
  if (e) {
    std::optional<int64_t> current =
        e->encoding() == Encoding::kInt ? std::optional<int64_t>(e->intValue()) : parseInt64(e->stringBytes());
    if (!current) {
      ctx.reply.error(err::kNotInteger);
      return;
    }
    value = *current;
  }
  if (__builtin_add_overflow(value, increment, &value)) {
    ctx.reply.error(err::kOverflow);
    return;
  }
  if (e && e->encoding() == Encoding::kInt) {
    e->setIntValue(value);
  } else {
    Entry* fresh = Entry::newInt(ctx.db.memory(), key, value, e ? e->expireAt() : kNoExpire);
    ctx.db.put(fresh);
  }
  ctx.reply.integer(value);
}

void incrCommand(CommandContext& ctx) { incrDecr(ctx, 1); }
void decrCommand(CommandContext& ctx) { incrDecr(ctx, -1); }

void incrbyCommand(CommandContext& ctx) {
  std::optional<int64_t> increment = parseInt64(ctx.arg(2));
  if (!increment) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  incrDecr(ctx, *increment);
}

void decrbyCommand(CommandContext& ctx) {
  std::optional<int64_t> decrement = parseInt64(ctx.arg(2));
  if (!decrement) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  if (*decrement == std::numeric_limits<int64_t>::min()) {
    ctx.reply.error(kDecrementOverflow);
    return;
  }
  incrDecr(ctx, -*decrement);
}

// INCRBYFLOAT: long double arithmetic; the result is stored as text
// (embstr or raw by length, never int) and the key keeps its TTL. Checks:
// type, current value, increment, then NaN/Infinity.
void incrbyfloatCommand(CommandContext& ctx) {
  // Never logged as itself (an error logs nothing: the key's lookup counts
  // as a change), only as the value it stored, below.
  ctx.store.logNoEffect();
  ByteView key = ctx.arg(1);
  Entry* e;
  if (!lookupStringWrite(ctx, key, &e)) return;
  long double value = 0;
  if (e) {
    std::optional<long double> current = e->encoding() == Encoding::kInt
                                             ? std::optional<long double>(static_cast<long double>(e->intValue()))
                                             : parseLongDouble(e->stringBytes());
    if (!current) {
      ctx.reply.error(err::kNotFloat);
      return;
    }
    value = *current;
  }
  std::optional<long double> increment = parseLongDouble(ctx.arg(2));
  if (!increment) {
    ctx.reply.error(err::kNotFloat);
    return;
  }
  value += *increment;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.error(err::kNanOrInfinity);
    return;
  }
  std::string text = formatLongDoubleHuman(value);
  Encoding encoding = text.size() <= kEmbStrMaxLen ? Encoding::kEmbStr : Encoding::kRaw;
  Entry* fresh = Entry::newString(ctx.db.memory(), key, text, encoding, e ? e->expireAt() : kNoExpire);
  ctx.db.put(fresh);
  // Logged as the value it stored (as Redis 7.0), so that a replay gets
  // the same text whatever the platform's long double precision.
  const ByteView effect[] = {"SET", key, text, "KEEPTTL"};
  ctx.store.logEffectInstead(ctx.db_index, effect);
  ctx.reply.bulk(text);
}

// ---------------------------------------------------------------------------
// The table, as Redis 7.0's COMMAND INFO describes these commands.

constexpr uint32_t kRead = kAclRead | kAclString;
constexpr uint32_t kWrite = kAclWrite | kAclString;
constexpr KeyPositions kOneKey{1, 1, 1};

constexpr CommandSpec kStringCommands[] = {
    {"get", 2, kCmdReadonly | kCmdFast, kRead | kAclFast, kOneKey, getCommand},
    {"set", -3, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, kOneKey, setCommand, {}, 0, KeyAccess::kWriteUnlessGet},
    {"setnx", 3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, setnxCommand, {}, 0, KeyAccess::kWrite},
    {"setex", 4, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, kOneKey, setexCommand, {}, 0, KeyAccess::kWrite},
    {"psetex", 4, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, kOneKey, psetexCommand, {}, 0, KeyAccess::kWrite},
    {"getset", 3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, getsetCommand},
    {"getdel", 2, kCmdWrite | kCmdFast, kWrite | kAclFast, kOneKey, getdelCommand},
    {"getex", -2, kCmdWrite | kCmdFast, kWrite | kAclFast, kOneKey, getexCommand},
    {"mget", -2, kCmdReadonly | kCmdFast, kRead | kAclFast, {1, -1, 1}, mgetCommand},
    {"mset", -3, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, {1, -1, 2}, msetCommand, {}, 0, KeyAccess::kWrite},
    {"msetnx", -3, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, {1, -1, 2}, msetnxCommand, {}, 0, KeyAccess::kWrite},
    {"append", 3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, appendCommand, {}, 0, KeyAccess::kWrite},
    {"strlen", 2, kCmdReadonly | kCmdFast, kRead | kAclFast, kOneKey, strlenCommand, {}, 0, KeyAccess::kAny},
    {"getrange", 4, kCmdReadonly, kRead | kAclSlow, kOneKey, getrangeCommand},
    {"substr", 4, kCmdReadonly, kRead | kAclSlow, kOneKey, getrangeCommand},
    {"setrange", 4, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, kOneKey, setrangeCommand, {}, 0, KeyAccess::kWrite},
    {"incr", 2, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, incrCommand},
    {"decr", 2, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, decrCommand},
    {"incrby", 3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, incrbyCommand},
    {"decrby", 3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, decrbyCommand},
    {"incrbyfloat", 3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, incrbyfloatCommand},
};

}  // namespace

std::span<const CommandSpec> stringCommands() { return kStringCommands; }

}  // namespace ember
