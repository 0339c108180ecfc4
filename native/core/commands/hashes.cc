// The hashes command family: HSET, HGET, HMSET, HSETNX, HDEL, HEXISTS, HLEN,
// HSTRLEN, HMGET, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD
// and HSCAN, with the table that declares them. The data structure and its
// encodings ("listpack" -> "hashtable") live in hash_ref.h.
//
// Semantics follow Redis 7.0 reply for reply, errors and their order of
// checks included: argument errors Redis finds before looking the key up
// (arity parity, increments, HRANDFIELD's count and options, HSCAN's cursor)
// come before WRONGTYPE; HSCAN's options are read after the key (a missing
// key answers an empty page whatever they are). HINCRBYFLOAT is logged as
// the HSET of the value it stored (store.h, EFFECTS), as Redis 7.0 does.
//
// Invariants kept here:
//  - a hash in the keyspace is never empty: a new hash is filled before it
//    is stored (so an error or bad_alloc cannot leave an empty key), and the
//    command that removes the last field removes the key;
//  - no handler's work or memory is unbounded: it is bounded by the hash's
//    real size, by COUNT (capped), or, for HRANDFIELD with a negative count,
//    by kMaxRandomPicks and the reply size (kMaxRandomReplyBytes).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../command.h"
#include "../command_table.h"
#include "../entry.h"
#include "../errors.h"
#include "../glob.h"
#include "../hash_ref.h"
#include "../keyspace.h"
#include "../scan_cursor.h"
#include "../numbers.h"
#include "../store.h"

namespace ember {
namespace {

constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kIncrNanOrInfinity = "ERR value is NaN or Infinity";
constexpr std::string_view kRandCountWithValuesRange = "ERR value is out of range";
// Not Redis errors: Redis 7.0 answers HRANDFIELD key -N with N items for
// any N < 2^63 (an unbounded reply). emberkv refuses a negative count
// beyond kMaxRandomPicks up front (after the key lookup, so a missing key
// still answers []), and stops a reply that passes kMaxRandomReplyBytes
// (large fields) with the second error.
constexpr uint64_t kMaxRandomPicks = 1u << 24;
constexpr std::string_view kRandCountTooLarge =
    "ERR HRANDFIELD negative count is too large: at most 16777216 random fields per call";
constexpr std::string_view kRandReplyTooLarge =
    "ERR HRANDFIELD reply would exceed 512 MB (proto-max-bulk-len); use a smaller count";
constexpr size_t kMaxRandomReplyBytes = kMaxBulkLen;

// HSCAN reads at most this many buckets' worth per call whatever COUNT
// says (as SCAN in keys.cc; Redis has no cap).

// ---------------------------------------------------------------------------
// Shared helpers

HashLimits limitsOf(const CommandContext& ctx) {
  const StoreConfig& c = ctx.store.config();
  return HashLimits{static_cast<size_t>(std::max<int64_t>(c.hash_max_listpack_entries, 0)),
                    static_cast<size_t>(std::max<int64_t>(c.hash_max_listpack_value, 0))};
}

// The live hash at `key`, looked up for a write or a read. Returns false
// after replying WRONGTYPE; `*out` is empty when the key is absent.
bool lookupHash(CommandContext& ctx, ByteView key, bool write, HashRef* out) {
  Entry* e = write ? ctx.db.lookupWrite(key) : ctx.db.lookupRead(key);
  *out = HashRef();
  if (!e) return true;
  if (e->type() != ValueType::kHash) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  *out = HashRef(ctx.db, e);
  return true;
}

bool lookupHashRead(CommandContext& ctx, ByteView key, HashRef* out) { return lookupHash(ctx, key, false, out); }
bool lookupHashWrite(CommandContext& ctx, ByteView key, HashRef* out) { return lookupHash(ctx, key, true, out); }

// A hash being built for a key that does not exist yet: an empty listpack
// entry, filled first, then stored by commit(); freed if the handler
// leaves without committing (an error or std::bad_alloc), so no empty hash
// ever reaches the keyspace.
class NewHash {
 public:
  NewHash(CommandContext& ctx, ByteView key)
      : ctx_(ctx), hash_(ctx.db.memory(), Entry::newInline(ctx.db.memory(), key, ValueType::kHash, 0, kNoExpire)) {}
  ~NewHash() {
    if (hash_) Entry::destroy(ctx_.db.memory(), hash_.entry());
  }
  NewHash(const NewHash&) = delete;
  NewHash& operator=(const NewHash&) = delete;

  HashRef& get() { return hash_; }
  void commit() {
    Entry* entry = std::exchange(hash_, HashRef()).entry();
    ctx_.db.put(entry);  // owns it from here, also on failure
  }

 private:
  CommandContext& ctx_;
  HashRef hash_;
};


// ---------------------------------------------------------------------------
// Setters

// HSET key field value [field value ...] / HMSET (same, replies OK).
void hsetGeneric(CommandContext& ctx, bool reply_ok) {
  if (ctx.argc() % 2 == 1) return ctx.reply.error(err::wrongArity(ctx.command.name));
  ByteView key = ctx.arg(1);
  HashRef hash;
  if (!lookupHashWrite(ctx, key, &hash)) return;
  const HashLimits limits = limitsOf(ctx);
  int64_t created = 0;
  if (hash) {
    for (size_t i = 2; i < ctx.argc(); i += 2) created += hash.set(ctx.arg(i), ctx.arg(i + 1), limits);
  } else {
    NewHash fresh(ctx, key);
    for (size_t i = 2; i < ctx.argc(); i += 2) created += fresh.get().set(ctx.arg(i), ctx.arg(i + 1), limits);
    fresh.commit();
  }
  if (reply_ok) return ctx.reply.ok();
  ctx.reply.integer(created);
}

void hsetCommand(CommandContext& ctx) { hsetGeneric(ctx, false); }
void hmsetCommand(CommandContext& ctx) { hsetGeneric(ctx, true); }

// HSETNX key field value. An existing field is left alone, and (as in
// Redis) does not make a listpack convert even if the value is long.
void hsetnxCommand(CommandContext& ctx) {
  ByteView key = ctx.arg(1);
  HashRef hash;
  if (!lookupHashWrite(ctx, key, &hash)) return;
  if (hash) {
    if (hash.get(ctx.arg(2))) return ctx.reply.integer(0);
    hash.set(ctx.arg(2), ctx.arg(3), limitsOf(ctx));
  } else {
    NewHash fresh(ctx, key);
    fresh.get().set(ctx.arg(2), ctx.arg(3), limitsOf(ctx));
    fresh.commit();
  }
  ctx.reply.integer(1);
}

// HDEL key field [field ...]
void hdelCommand(CommandContext& ctx) {
  ByteView key = ctx.arg(1);
  HashRef hash;
  if (!lookupHashWrite(ctx, key, &hash)) return;
  if (!hash) return ctx.reply.integer(0);
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (hash.erase(ctx.arg(i))) deleted++;
    if (hash.size() == 0) {
      ctx.db.remove(key);  // frees the hash: stop here, as Redis does
      break;
    }
  }
  ctx.reply.integer(deleted);
}

// ---------------------------------------------------------------------------
// Readers

// HGET key field
void hgetCommand(CommandContext& ctx) {
  HashRef hash;
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  std::optional<ByteView> value = hash ? hash.get(ctx.arg(2)) : std::nullopt;
  if (value) return ctx.reply.bulk(*value);
  ctx.reply.null();
}

// HEXISTS key field
void hexistsCommand(CommandContext& ctx) {
  HashRef hash;
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  ctx.reply.integer(hash && hash.get(ctx.arg(2)) ? 1 : 0);
}

// HLEN key
void hlenCommand(CommandContext& ctx) {
  HashRef hash;
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  ctx.reply.integer(hash ? static_cast<int64_t>(hash.size()) : 0);
}

// HSTRLEN key field
void hstrlenCommand(CommandContext& ctx) {
  HashRef hash;
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  std::optional<ByteView> value = hash ? hash.get(ctx.arg(2)) : std::nullopt;
  ctx.reply.integer(value ? static_cast<int64_t>(value->size()) : 0);
}

// HMGET key field [field ...]: a null for each missing field.
void hmgetCommand(CommandContext& ctx) {
  HashRef hash;
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  ctx.reply.array(static_cast<uint32_t>(ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); i++) {
    std::optional<ByteView> value = hash ? hash.get(ctx.arg(i)) : std::nullopt;
    if (value) {
      ctx.reply.bulk(*value);
    } else {
      ctx.reply.null();
    }
  }
}

enum GetAllParts : unsigned { kFields = 1, kValues = 2 };

// HKEYS / HVALS / HGETALL: in the encoding's order (insertion order for
// listpack, like Redis; table order for hashtable, which differs from
// Redis's and is compared as a multiset). HGETALL is a map (RESP2's flat
// array).
void getAllGeneric(CommandContext& ctx, unsigned parts) {
  HashRef hash;
  const bool both = parts == (kFields | kValues);
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  if (!hash) return both ? ctx.reply.map(0) : ctx.reply.array(0);
  if (both) {
    ctx.reply.map(static_cast<uint32_t>(hash.size()));
  } else {
    ctx.reply.array(static_cast<uint32_t>(hash.size()));
  }
  hash.forEach([&](ByteView field, ByteView value) {
    if (parts & kFields) ctx.reply.bulk(field);
    if (parts & kValues) ctx.reply.bulk(value);
  });
}

void hkeysCommand(CommandContext& ctx) { getAllGeneric(ctx, kFields); }
void hvalsCommand(CommandContext& ctx) { getAllGeneric(ctx, kValues); }
void hgetallCommand(CommandContext& ctx) { getAllGeneric(ctx, kFields | kValues); }

// ---------------------------------------------------------------------------
// Counters

// Sets `field` of the hash at `key` (created if absent) to `value`.
void storeField(CommandContext& ctx, ByteView key, HashRef& hash, ByteView field, ByteView value) {
  if (hash) {
    hash.set(field, value, limitsOf(ctx));
    return;
  }
  NewHash fresh(ctx, key);
  fresh.get().set(field, value, limitsOf(ctx));
  fresh.commit();
}

// HINCRBY key field increment
void hincrbyCommand(CommandContext& ctx) {
  std::optional<int64_t> incr = parseInt64(ctx.arg(3));
  if (!incr) return ctx.reply.error(err::kNotInteger);
  ByteView key = ctx.arg(1);
  ByteView field = ctx.arg(2);
  HashRef hash;
  if (!lookupHashWrite(ctx, key, &hash)) return;
  int64_t old_value = 0;
  if (std::optional<ByteView> current = hash ? hash.get(field) : std::nullopt) {
    std::optional<int64_t> parsed = parseInt64(*current);
    if (!parsed) return ctx.reply.error(kHashNotInteger);
    old_value = *parsed;
  }
  int64_t result;
  if (__builtin_add_overflow(old_value, *incr, &result)) return ctx.reply.error(err::kOverflow);
  char digits[kInt64DigitsMax];
  storeField(ctx, key, hash, field, formatInt64(result, digits));
  ctx.reply.integer(result);
}

// HINCRBYFLOAT key field increment: the result is stored and replied as
// Redis's human-friendly long double text.
void hincrbyfloatCommand(CommandContext& ctx) {
  // Never logged as itself (an error logs nothing: the key's lookup counts
  // as a change), only as the value it stored, below.
  ctx.store.logNoEffect();
  std::optional<long double> incr = parseLongDouble(ctx.arg(3));
  if (!incr) return ctx.reply.error(err::kNotFloat);
  if (std::isnan(*incr) || std::isinf(*incr)) return ctx.reply.error(kIncrNanOrInfinity);
  ByteView key = ctx.arg(1);
  ByteView field = ctx.arg(2);
  HashRef hash;
  if (!lookupHashWrite(ctx, key, &hash)) return;
  long double value = 0;
  if (std::optional<ByteView> current = hash ? hash.get(field) : std::nullopt) {
    std::optional<long double> parsed = parseLongDouble(*current);
    if (!parsed) return ctx.reply.error(kHashNotFloat);
    value = *parsed;
  }
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.reply.error(err::kNanOrInfinity);
  const std::string text = formatLongDoubleHuman(value);
  storeField(ctx, key, hash, field, text);
  // Logged as the value it stored (as Redis 7.0), so that a replay gets
  // the same text whatever the platform's long double precision.
  const ByteView effect[] = {"HSET", key, field, text};
  ctx.store.logEffectInstead(ctx.db_index, effect);
  ctx.reply.bulk(text);
}

// ---------------------------------------------------------------------------
// HRANDFIELD

void replyPair(ReplyBuilder& reply, const HashRef::Pair& p, bool with_values) {
  reply.bulk(p.field);
  if (with_values) reply.bulk(p.value);
}

// HRANDFIELD key count [WITHVALUES] (Redis's hrandfieldWithCountCommand).
void hrandfieldWithCount(CommandContext& ctx, int64_t count, bool with_values) {
  HashRef hash;
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  if (!hash || count == 0) return ctx.reply.array(0);
  const size_t size = hash.size();

  if (count < 0) {
    // With replacement, |count| picks in random order. Redis would build a
    // reply of any length; this one stops at kMaxRandomReplyBytes (every
    // pick adds at least 5 bytes, so the work is bounded too).
    const uint64_t n = static_cast<uint64_t>(-count);  // count > -2^63 here
    if (n > kMaxRandomPicks) return ctx.reply.error(kRandCountTooLarge);
    // A listpack is read once into a vector, so each pick is O(1) rather
    // than a walk of the flat bytes.
    std::vector<HashRef::Pair> flat;
    if (hash.isFlat()) hash.pairs(flat);
    auto pick = [&]() {
      const uint64_t r = ctx.store.randomBits();
      if (flat.empty()) return hash.randomPair(r);
      return flat[static_cast<size_t>((static_cast<unsigned __int128>(r) * flat.size()) >> 64)];
    };
    const size_t mark = ctx.reply.size();
    // WITHVALUES: pairs, nested in RESP3 as Redis 7 replies them.
    const size_t at = with_values ? ctx.reply.beginPairs() : ctx.reply.beginArray();
    for (uint64_t i = 0; i < n; i++) {
      replyPair(ctx.reply, pick(), with_values);
      if (ctx.reply.size() - mark > kMaxRandomReplyBytes) {
        ctx.reply.truncate(mark);
        return ctx.reply.error(kRandReplyTooLarge);
      }
    }
    ctx.reply.endAggregate(at, static_cast<uint32_t>(n));
    return;
  }

  // Distinct fields. A count >= the size is the whole hash (Redis's case 2,
  // in the encoding's order); otherwise a uniform sample without
  // replacement (a partial Fisher-Yates shuffle: O(size) work and memory,
  // bounded by the hash itself).
  std::vector<HashRef::Pair> pairs;
  hash.pairs(pairs);
  const uint64_t want = static_cast<uint64_t>(count);
  if (want < size) {
    for (size_t i = 0; i < want; i++) {
      const uint64_t r = ctx.store.randomBits();
      const size_t j = i + static_cast<size_t>((static_cast<unsigned __int128>(r) * (size - i)) >> 64);
      std::swap(pairs[i], pairs[j]);
    }
    pairs.resize(want);
  }
  if (with_values) {
    ctx.reply.pairs(static_cast<uint32_t>(pairs.size()));
  } else {
    ctx.reply.array(static_cast<uint32_t>(pairs.size()));
  }
  for (const HashRef::Pair& p : pairs) replyPair(ctx.reply, p, with_values);
}

// HRANDFIELD key [count [WITHVALUES]]
void hrandfieldCommand(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    std::optional<int64_t> count = parseInt64(ctx.arg(2));
    if (!count) return ctx.reply.error(err::kNotInteger);
    if (*count == std::numeric_limits<int64_t>::min()) return ctx.reply.error(err::kRandomCountRange);
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !optionIs(ctx.arg(3), "withvalues"))) {
      return ctx.reply.error(err::kSyntax);
    }
    const bool with_values = ctx.argc() == 4;
    // Redis's guard against count * 2 overflowing.
    constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
    if (with_values && (*count < std::numeric_limits<int64_t>::min() / 2 || *count > kHalf)) {
      return ctx.reply.error(kRandCountWithValuesRange);
    }
    return hrandfieldWithCount(ctx, *count, with_values);
  }
  HashRef hash;
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  if (!hash) return ctx.reply.null();
  ctx.reply.bulk(hash.randomPair(ctx.store.randomBits()).field);
}

// ---------------------------------------------------------------------------
// HSCAN key cursor [MATCH pattern] [COUNT count]

void hscanCommand(CommandContext& ctx) {
  std::optional<uint64_t> cursor = parseScanCursorArg(ctx.arg(2));
  if (!cursor) return ctx.reply.error(err::kInvalidCursor);
  HashRef hash;
  if (!lookupHashRead(ctx, ctx.arg(1), &hash)) return;
  if (!hash) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    return ctx.reply.array(0);
  }
  ScanOptions options;
  if (auto error = parseScanOptions(ctx.argv, 3, false, options)) return ctx.reply.error(*error);
  uint64_t count = options.count;
  ByteView pattern = options.pattern;
  bool use_pattern = options.use_pattern;

  std::vector<HashRef::Pair> found;
  uint64_t next = 0;
  auto keep = [&](ByteView field, ByteView value) {
    if (!use_pattern || globMatch(pattern, field)) found.push_back({field, value});
  };
  if (hash.isFlat()) {
    // As Redis: a listpack is answered whole in one call, cursor 0.
    hash.forEach(keep);
  } else {
    // As Redis: one bucket at a time until COUNT elements (fields and values
    // both count) were seen or 10*COUNT buckets were visited.
    uint64_t seen = 0;
    uint64_t buckets_left = count * 10;
    next = *cursor;
    do {
      next = hash.scanTable(next, 1, [&](ByteView field, ByteView value) {
        seen += 2;
        keep(field, value);
      });
    } while (next != 0 && --buckets_left != 0 && seen < count);
  }

  ctx.reply.array(2);
  char digits[kInt64DigitsMax];
  auto printed = std::to_chars(digits, digits + sizeof digits, next);
  ctx.reply.bulk(ByteView(digits, static_cast<size_t>(printed.ptr - digits)));
  ctx.reply.array(static_cast<uint32_t>(found.size() * 2));
  for (const HashRef::Pair& p : found) {
    ctx.reply.bulk(p.field);
    ctx.reply.bulk(p.value);
  }
}

// ---------------------------------------------------------------------------
// The table (flags, categories and key positions as Redis 7.0's COMMAND INFO)

constexpr uint32_t kRead = kAclRead | kAclHash;
constexpr uint32_t kWrite = kAclWrite | kAclHash;
constexpr KeyPositions kOneKey{1, 1, 1};
constexpr uint32_t kWriteFlags = kCmdWrite | kCmdDenyOom | kCmdFast;

constexpr CommandSpec kHashCommands[] = {
    {"hset", -4, kWriteFlags, kWrite | kAclFast, kOneKey, hsetCommand, {}, 0, KeyAccess::kWrite},
    {"hget", 3, kCmdReadonly | kCmdFast, kRead | kAclFast, kOneKey, hgetCommand},
    {"hmset", -4, kWriteFlags, kWrite | kAclFast, kOneKey, hmsetCommand, {}, 0, KeyAccess::kWrite},
    {"hsetnx", 4, kWriteFlags, kWrite | kAclFast, kOneKey, hsetnxCommand, {}, 0, KeyAccess::kWrite},
    {"hdel", -3, kCmdWrite | kCmdFast, kWrite | kAclFast, kOneKey, hdelCommand, {}, 0, KeyAccess::kWrite},
    {"hexists", 3, kCmdReadonly | kCmdFast, kRead | kAclFast, kOneKey, hexistsCommand, {}, 0, KeyAccess::kAny},
    {"hlen", 2, kCmdReadonly | kCmdFast, kRead | kAclFast, kOneKey, hlenCommand, {}, 0, KeyAccess::kAny},
    {"hstrlen", 3, kCmdReadonly | kCmdFast, kRead | kAclFast, kOneKey, hstrlenCommand, {}, 0, KeyAccess::kAny},
    {"hmget", -3, kCmdReadonly | kCmdFast, kRead | kAclFast, kOneKey, hmgetCommand},
    {"hkeys", 2, kCmdReadonly, kRead | kAclSlow, kOneKey, hkeysCommand},
    {"hvals", 2, kCmdReadonly, kRead | kAclSlow, kOneKey, hvalsCommand},
    {"hgetall", 2, kCmdReadonly, kRead | kAclSlow, kOneKey, hgetallCommand},
    {"hincrby", 4, kWriteFlags, kWrite | kAclFast, kOneKey, hincrbyCommand},
    {"hincrbyfloat", 4, kWriteFlags, kWrite | kAclFast, kOneKey, hincrbyfloatCommand},
    {"hrandfield", -2, kCmdReadonly, kRead | kAclSlow, kOneKey, hrandfieldCommand},
    {"hscan", -3, kCmdReadonly, kRead | kAclSlow, kOneKey, hscanCommand},
};

}  // namespace

std::span<const CommandSpec> hashCommands() { return kHashCommands; }

}  // namespace ember
