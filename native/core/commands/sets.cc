// The sets command family: SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS,
// SCARD, SMOVE, the algebra (SINTER, SUNION, SDIFF and their *STORE forms,
// SINTERCARD), the random readers (SRANDMEMBER, SPOP) and SSCAN, with the
// table that declares them. The value type and its encodings live in
// set_value.h.
//
// Semantics follow Redis 7.0 (t_set.c) reply for reply, including the order
// of checks and the encoding each write leaves behind:
//  - a new key starts as an intset iff its first member is a canonical
//    integer (setTypeCreate); the *STORE commands always start their result
//    as an intset and add to it, so the result's encoding depends only on
//    its content -- except SDIFFSTORE's second algorithm (add all of the
//    first set, then remove), which is reproduced exactly for that reason;
//  - multi-key readers look every key up and type-check it before giving
//    up on a missing one (SINTER a-missing b-string is WRONGTYPE);
//  - a store overwrites its destination whatever its type (and drops its
//    TTL), or deletes it when the result is empty.
// SPOP is logged as its effect (store.h, EFFECTS): SREM of the members it
// took, or DEL, as Redis 7.0 propagates it.
//
// Invariants kept here:
//  - an Entry* is never used after another keyspace mutation; a SetValue*
//    is used only while its key is neither removed nor replaced;
//  - a set is never left empty in the keyspace;
//  - allocation is bounded by the sets involved, except SRANDMEMBER with a
//    negative count, which is capped at kMaxRepeatedPicks replies.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "../command.h"
#include "../command_table.h"
#include "../entry.h"
#include "../errors.h"
#include "../glob.h"
#include "../keyspace.h"
#include "../numbers.h"
#include "../scan_cursor.h"
#include "../set_value.h"
#include "../store.h"

namespace ember {
namespace {

constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
constexpr std::string_view kTooManyNumkeys = "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
// Our own bound (Redis 7.0 has none: it streams |count| replies, so
// SRANDMEMBER k -9223372036854775807 never finishes). A reply is built in
// memory here, so repeated picks are capped; see kMaxRepeatedPicks.
constexpr std::string_view kTooManyPicks =
    "ERR count is out of range, at most 16777216 members may be returned with a negative count";
constexpr uint64_t kMaxRepeatedPicks = 1u << 24;
// SSCAN COUNT is capped like SCAN's, so one call's work stays bounded.
// Redis 7.0 caps set-max-intset-entries at 2^30 (intset internals).
constexpr int64_t kMaxIntsetEntriesCap = int64_t{1} << 30;

// ---------------------------------------------------------------------------
// Shared helpers

struct SetDeleter {
  void operator()(SetValue* s) const { destroyCollection(s); }
};
using SetPtr = std::unique_ptr<SetValue, SetDeleter>;

size_t maxIntsetEntries(const CommandContext& ctx) {
  return static_cast<size_t>(std::clamp<int64_t>(ctx.store.config().set_max_intset_entries, 0, kMaxIntsetEntriesCap));
}

// A fresh, empty set outside the keyspace.
SetPtr newSet(CommandContext& ctx, bool intset) {
  return SetPtr(makeCollection<SetValue>(ctx.db.memory(), intset));
}

// Puts `set` (non-empty) under `key`, replacing whatever is there, with no
// TTL (Redis's setKey). Returns the set, still valid in the keyspace.
SetValue* storeSet(CommandContext& ctx, ByteView key, SetPtr set) {
  SetValue* raw = set.release();
  ctx.db.putCollection(key, ValueType::kSet, raw);  // owns it from here, also on failure
  return raw;
}

// The set under `key` for a read or write lookup. Returns false after
// replying WRONGTYPE; `*out` is nullptr when the key is absent.
bool setOf(CommandContext& ctx, Entry* e, SetValue** out) {
  *out = nullptr;
  if (!e) return true;
  if (e->type() != ValueType::kSet) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  *out = e->collectionAs<SetValue>();
  return true;
}

bool readSet(CommandContext& ctx, ByteView key, SetValue** out) { return setOf(ctx, ctx.db.lookupRead(key), out); }
bool writeSet(CommandContext& ctx, ByteView key, SetValue** out) { return setOf(ctx, ctx.db.lookupWrite(key), out); }

// Replies with every member of `set` as a set (RESP2's array).
void replyMembers(CommandContext& ctx, const SetValue& set) {
  ctx.reply.set(static_cast<uint32_t>(set.size()));
  set.forEach([&](ByteView m) { ctx.reply.bulk(m); });
}

// Looks up and type-checks every key, as Redis's sinter/sunionDiff do
// before any work: a missing key is a nullptr in `sets`. Returns false
// after replying WRONGTYPE.
bool lookupSets(CommandContext& ctx, std::span<const ByteView> keys, std::vector<SetValue*>& sets) {
  sets.reserve(keys.size());
  for (ByteView key : keys) {
    SetValue* s;
    if (!readSet(ctx, key, &s)) return false;
    sets.push_back(s);
  }
  return true;
}

// ---------------------------------------------------------------------------
// SADD SREM SISMEMBER SMISMEMBER SCARD SMOVE

void saddCommand(CommandContext& ctx) {
  SetValue* set;
  if (!writeSet(ctx, ctx.arg(1), &set)) return;
  const size_t max_intset = maxIntsetEntries(ctx);
  int64_t added = 0;
  if (!set) {
    // Built whole, then stored: the keyspace never sees an empty set.
    SetPtr fresh = newSet(ctx, SetValue::startsAsIntSet(ctx.arg(2)));
    for (size_t i = 2; i < ctx.argc(); i++) added += fresh->add(ctx.arg(i), max_intset);
    storeSet(ctx, ctx.arg(1), std::move(fresh));
  } else {
    for (size_t i = 2; i < ctx.argc(); i++) added += set->add(ctx.arg(i), max_intset);
  }
  ctx.reply.integer(added);
}

void sremCommand(CommandContext& ctx) {
  SetValue* set;
  if (!writeSet(ctx, ctx.arg(1), &set)) return;
  if (!set) return ctx.reply.integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc(); i++) {
    removed += set->remove(ctx.arg(i));
    if (set->size() == 0) {
      ctx.db.remove(ctx.arg(1));
      break;
    }
  }
  ctx.reply.integer(removed);
}

void sismemberCommand(CommandContext& ctx) {
  SetValue* set;
  if (!readSet(ctx, ctx.arg(1), &set)) return;
  ctx.reply.integer(set && set->contains(ctx.arg(2)) ? 1 : 0);
}

void smismemberCommand(CommandContext& ctx) {
  SetValue* set;
  if (!readSet(ctx, ctx.arg(1), &set)) return;
  ctx.reply.array(static_cast<uint32_t>(ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); i++) ctx.reply.integer(set && set->contains(ctx.arg(i)) ? 1 : 0);
}

void scardCommand(CommandContext& ctx) {
  SetValue* set;
  if (!readSet(ctx, ctx.arg(1), &set)) return;
  ctx.reply.integer(set ? static_cast<int64_t>(set->size()) : 0);
}

// SMOVE source destination member
void smoveCommand(CommandContext& ctx) {
  ByteView src_key = ctx.arg(1), dst_key = ctx.arg(2), member = ctx.arg(3);
  // Both looked up first (expiring either), as Redis; a missing source
  // replies 0 before the destination's type is checked. Each entry is
  // read before the next lookup, which may mutate the keyspace.
  Entry* src_entry = ctx.db.lookupWrite(src_key);
  const bool src_missing = src_entry == nullptr;
  const bool src_wrong = src_entry && src_entry->type() != ValueType::kSet;
  SetValue* src = src_entry && !src_wrong ? src_entry->collectionAs<SetValue>() : nullptr;
  Entry* dst_entry = ctx.db.lookupWrite(dst_key);
  if (src_missing) return ctx.reply.integer(0);
  if (src_wrong) return ctx.reply.error(err::kWrongType);
  SetValue* dst;
  if (!setOf(ctx, dst_entry, &dst)) return;
  if (src == dst) return ctx.reply.integer(src->contains(member) ? 1 : 0);
  if (!src->contains(member)) return ctx.reply.integer(0);
  // The same outcome as Redis's remove-then-add, in the order that leaves
  // the data untouched if an allocation fails: add to the destination
  // (a new set for a missing one) first, then take from the source.
  const size_t max_intset = maxIntsetEntries(ctx);
  SetPtr fresh;
  if (dst) {
    dst->add(member, max_intset);
  } else {
    fresh = newSet(ctx, SetValue::startsAsIntSet(member));
    fresh->add(member, max_intset);
  }
  src->remove(member);
  if (src->size() == 0) ctx.db.remove(src_key);  // dst (another key's value) stays valid
  if (fresh) storeSet(ctx, dst_key, std::move(fresh));
  ctx.reply.integer(1);
}

// ---------------------------------------------------------------------------
// SINTER SMEMBERS SINTERSTORE SINTERCARD

enum class InterMode { kReply, kStore, kCardinality };

// Redis's sinterGenericCommand: `keys` are the sources; `dst` is the store
// destination (kStore); `limit` bounds SINTERCARD (0 = none).
void interGeneric(CommandContext& ctx, std::span<const ByteView> keys, InterMode mode, ByteView dst = {},
                  uint64_t limit = 0) {
  std::vector<SetValue*> sets;
  if (!lookupSets(ctx, keys, sets)) return;
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
    // Intersecting with an empty set: empty, whatever the others hold.
    switch (mode) {
      case InterMode::kStore:
        ctx.db.remove(dst);
        return ctx.reply.integer(0);
      case InterMode::kCardinality:
        return ctx.reply.integer(0);
      case InterMode::kReply:
        return ctx.reply.set(0);
    }
  }
  // Walk the smallest set, probing the others.
  std::stable_sort(sets.begin(), sets.end(), [](SetValue* a, SetValue* b) { return a->size() < b->size(); });
  auto inAll = [&](ByteView m) {
    for (size_t j = 1; j < sets.size(); j++) {
      if (sets[j] != sets[0] && !sets[j]->contains(m)) return false;
    }
    return true;
  };
  if (mode == InterMode::kCardinality) {
    uint64_t n = 0;
    // forEach cannot stop early; the LIMIT only caps the count (the work is
    // bounded by the smallest set either way).
    sets[0]->forEach([&](ByteView m) {
      if ((limit == 0 || n < limit) && inAll(m)) n++;
    });
    return ctx.reply.integer(static_cast<int64_t>(n));
  }
  if (mode == InterMode::kReply) {
    size_t at = ctx.reply.beginSet();
    uint32_t n = 0;
    sets[0]->forEach([&](ByteView m) {
      if (!inAll(m)) return;
      ctx.reply.bulk(m);
      n++;
    });
    return ctx.reply.endAggregate(at, n);
  }
  SetPtr result = newSet(ctx, true);
  const size_t max_intset = maxIntsetEntries(ctx);
  sets[0]->forEach([&](ByteView m) {
    if (inAll(m)) result->add(m, max_intset);
  });
  const int64_t n = static_cast<int64_t>(result->size());
  if (n > 0) {
    storeSet(ctx, dst, std::move(result));
  } else {
    ctx.db.remove(dst);
  }
  ctx.reply.integer(n);
}

void sinterCommand(CommandContext& ctx) { interGeneric(ctx, ctx.argv.subspan(1), InterMode::kReply); }

void sinterstoreCommand(CommandContext& ctx) {
  interGeneric(ctx, ctx.argv.subspan(2), InterMode::kStore, ctx.arg(1));
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void sintercardCommand(CommandContext& ctx) {
  std::optional<int64_t> numkeys = parseInt64(ctx.arg(1));
  if (!numkeys || *numkeys < 1) return ctx.reply.error(kNumkeysNotPositive);
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - 2) return ctx.reply.error(kTooManyNumkeys);
  const size_t first_option = 2 + static_cast<size_t>(*numkeys);
  uint64_t limit = 0;
  for (size_t j = first_option; j < ctx.argc(); j++) {
    if (optionIs(ctx.arg(j), "limit") && j + 1 < ctx.argc()) {
      std::optional<int64_t> l = parseInt64(ctx.arg(++j));
      if (!l || *l < 0) return ctx.reply.error(kLimitNegative);
      limit = static_cast<uint64_t>(*l);
    } else {
      return ctx.reply.error(err::kSyntax);
    }
  }
  interGeneric(ctx, ctx.argv.subspan(2, static_cast<size_t>(*numkeys)), InterMode::kCardinality, {}, limit);
}

// ---------------------------------------------------------------------------
// SUNION SDIFF SUNIONSTORE SDIFFSTORE

enum class SetOp { kUnion, kDiff };

// Redis's sunionDiffGenericCommand. The result is always built as a set
// starting as an intset (its encoding is what a store leaves behind).
void unionDiffGeneric(CommandContext& ctx, std::span<const ByteView> keys, SetOp op, const ByteView* dst) {
  std::vector<SetValue*> sets;
  if (!lookupSets(ctx, keys, sets)) return;
  const size_t max_intset = maxIntsetEntries(ctx);
  SetPtr result = newSet(ctx, true);

  if (op == SetOp::kUnion) {
    for (SetValue* s : sets) {
      if (s) s->forEach([&](ByteView m) { result->add(m, max_intset); });
    }
  } else if (sets[0]) {
    // The same key twice (or a missing first key, handled above): empty.
    bool same = std::find(sets.begin() + 1, sets.end(), sets[0]) != sets.end();
    if (!same) {
      // Redis picks one of two algorithms by estimated work; they differ in
      // the encoding they can leave behind, so the choice is reproduced:
      // 1) walk the first set, keep members no other set has (only adds);
      // 2) add the whole first set, then remove every other set's members.
      uint64_t work_one = 0, work_two = 0;
      for (SetValue* s : sets) {
        if (!s) continue;
        work_one += sets[0]->size();
        work_two += s->size();
      }
      work_one /= 2;
      if (work_one <= work_two) {
        sets[0]->forEach([&](ByteView m) {
          for (size_t j = 1; j < sets.size(); j++) {
            if (sets[j] && sets[j]->contains(m)) return;
          }
          result->add(m, max_intset);
        });
      } else {
        sets[0]->forEach([&](ByteView m) { result->add(m, max_intset); });
        for (size_t j = 1; j < sets.size() && result->size() > 0; j++) {
          if (sets[j]) sets[j]->forEach([&](ByteView m) { result->remove(m); });
        }
      }
    }
  }

  if (!dst) return replyMembers(ctx, *result);
  const int64_t n = static_cast<int64_t>(result->size());
  if (n > 0) {
    storeSet(ctx, *dst, std::move(result));
  } else {
    ctx.db.remove(*dst);
  }
  ctx.reply.integer(n);
}

void sunionCommand(CommandContext& ctx) { unionDiffGeneric(ctx, ctx.argv.subspan(1), SetOp::kUnion, nullptr); }
void sdiffCommand(CommandContext& ctx) { unionDiffGeneric(ctx, ctx.argv.subspan(1), SetOp::kDiff, nullptr); }
void sunionstoreCommand(CommandContext& ctx) {
  ByteView dst = ctx.arg(1);
  unionDiffGeneric(ctx, ctx.argv.subspan(2), SetOp::kUnion, &dst);
}
void sdiffstoreCommand(CommandContext& ctx) {
  ByteView dst = ctx.arg(1);
  unionDiffGeneric(ctx, ctx.argv.subspan(2), SetOp::kDiff, &dst);
}

// ---------------------------------------------------------------------------
// SRANDMEMBER SPOP

// SRANDMEMBER key [count]
void srandmemberCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply.error(err::kSyntax);
  if (ctx.argc() == 2) {
    SetValue* set;
    if (!readSet(ctx, ctx.arg(1), &set)) return;
    if (!set) return ctx.reply.null();
    return ctx.reply.bulk(set->randomMember(ctx.store.randomBits()));
  }
  // The count is read before the key, as Redis (-LONG_MAX..LONG_MAX).
  std::optional<int64_t> l = parseInt64(ctx.arg(2));
  if (!l) return ctx.reply.error(err::kNotInteger);
  if (*l == std::numeric_limits<int64_t>::min()) return ctx.reply.error(err::kRandomCountRange);
  const bool unique = *l >= 0;
  const uint64_t count = static_cast<uint64_t>(unique ? *l : -*l);
  SetValue* set;
  if (!readSet(ctx, ctx.arg(1), &set)) return;
  if (!set || count == 0) return ctx.reply.array(0);
  if (!unique) {
    // Independent draws, repeats allowed, in random order.
    if (count > kMaxRepeatedPicks) return ctx.reply.error(kTooManyPicks);
    ctx.reply.array(static_cast<uint32_t>(count));
    for (uint64_t i = 0; i < count; i++) ctx.reply.bulk(set->randomMember(ctx.store.randomBits()));
    return;
  }
  if (count >= set->size()) {
    // The whole set, as an array (SPOP's whole set is a set: Redis's).
    ctx.reply.array(static_cast<uint32_t>(set->size()));
    set->forEach([&](ByteView m) { ctx.reply.bulk(m); });
    return;
  }
  std::vector<std::string> picks =
      set->randomDistinct(static_cast<size_t>(count), [&] { return ctx.store.randomBits(); });
  ctx.reply.array(static_cast<uint32_t>(picks.size()));
  for (const std::string& m : picks) ctx.reply.bulk(m);
}

// SPOP is logged as what it took, not as itself (its picks are random):
// SREM key <each member popped>, or DEL key when it took the whole set, as
// Redis 7.0 propagates it (in one SREM here, not batches of 1024).
void logSrem(CommandContext& ctx, ByteView key, std::span<const std::string> members) {
  if (!ctx.store.loggingEffects()) return;
  std::vector<ByteView> effect;
  effect.reserve(members.size() + 2);
  effect.push_back("SREM");
  effect.push_back(key);
  effect.insert(effect.end(), members.begin(), members.end());
  ctx.store.logEffectInstead(ctx.db_index, effect);
}

// SPOP key [count]
void spopCommand(CommandContext& ctx) {
  // Never logged as itself (an error or a no-op logs nothing: the key's
  // lookup counts as a change), only as what it took.
  ctx.store.logNoEffect();
  if (ctx.argc() > 3) return ctx.reply.error(err::kSyntax);
  ByteView key = ctx.arg(1);
  if (ctx.argc() == 2) {
    SetValue* set;
    if (!writeSet(ctx, key, &set)) return;
    if (!set) return ctx.reply.null();
    std::string m = set->randomMember(ctx.store.randomBits());
    set->remove(m);
    if (set->size() == 0) ctx.db.remove(key);
    logSrem(ctx, key, std::span<const std::string>(&m, 1));
    return ctx.reply.bulk(m);
  }
  // Redis reads the count with getPositiveLongFromObjectOrReply, which
  // reports a non-integer as out of range too.
  std::optional<int64_t> l = parseInt64(ctx.arg(2));
  if (!l || *l < 0) return ctx.reply.error(err::kMustBePositive);
  const uint64_t count = static_cast<uint64_t>(*l);
  SetValue* set;
  if (!writeSet(ctx, key, &set)) return;
  if (!set || count == 0) return ctx.reply.array(0);
  if (count >= set->size()) {
    // Everything: reply with the whole set and drop the key.
    replyMembers(ctx, *set);
    ctx.db.remove(key);
    const ByteView effect[] = {"DEL", key};
    ctx.store.logEffectInstead(ctx.db_index, effect);
    return;
  }
  std::vector<std::string> picks =
      set->randomDistinct(static_cast<size_t>(count), [&] { return ctx.store.randomBits(); });
  ctx.reply.array(static_cast<uint32_t>(picks.size()));
  for (const std::string& m : picks) {
    set->remove(m);
    ctx.reply.bulk(m);
  }
  logSrem(ctx, key, picks);
}

// ---------------------------------------------------------------------------
// SSCAN key cursor [MATCH pattern] [COUNT count]

void replyCursor(CommandContext& ctx, uint64_t cursor) {
  char digits[kInt64DigitsMax];
  auto printed = std::to_chars(digits, digits + sizeof digits, cursor);  // unsigned
  ctx.reply.bulk(ByteView(digits, static_cast<size_t>(printed.ptr - digits)));
}

void sscanCommand(CommandContext& ctx) {
  std::optional<uint64_t> cursor = parseScanCursorArg(ctx.arg(2));
  if (!cursor) return ctx.reply.error(err::kInvalidCursor);
  SetValue* set;
  if (!readSet(ctx, ctx.arg(1), &set)) return;
  if (!set) {
    // Redis replies before reading the options: they are not checked.
    ctx.reply.array(2);
    replyCursor(ctx, 0);
    return ctx.reply.array(0);
  }
  ScanOptions options;
  if (auto error = parseScanOptions(ctx.argv, 3, false, options)) return ctx.reply.error(*error);
  uint64_t count = options.count;
  ByteView pattern = options.pattern;
  bool use_pattern = options.use_pattern;

  ctx.reply.array(2);
  if (set->isIntSet()) {
    // A compact encoding is returned whole, whatever the cursor (Redis).
    replyCursor(ctx, 0);
    size_t at = ctx.reply.beginArray();
    uint32_t n = 0;
    set->forEach([&](ByteView m) {
      if (use_pattern && !globMatch(pattern, m)) return;
      ctx.reply.bulk(m);
      n++;
    });
    return ctx.reply.endAggregate(at, n);
  }
  // Hashtable: one home bucket at a time until COUNT members were seen or
  // 10*COUNT buckets were visited, as Redis's dictScan loop. Members are
  // copied: the reply's cursor goes before them.
  std::vector<std::string> found;
  uint64_t visited = 0;
  uint64_t buckets_left = count * 10;
  uint64_t next = *cursor;
  do {
    next = set->scanStep(next, [&](ByteView m) {
      visited++;
      if (!use_pattern || globMatch(pattern, m)) found.emplace_back(m);
    });
  } while (next != 0 && --buckets_left != 0 && visited < count);
  replyCursor(ctx, next);
  ctx.reply.array(static_cast<uint32_t>(found.size()));
  for (const std::string& m : found) ctx.reply.bulk(m);
}

// ---------------------------------------------------------------------------
// The table (arity, flags, ACL categories and key positions as Redis 7.0's
// COMMAND INFO reports them).

constexpr uint32_t kSetRead = kAclRead | kAclSet;
constexpr uint32_t kSetWrite = kAclWrite | kAclSet;
constexpr KeyPositions kOneKey{1, 1, 1};
constexpr KeyPositions kAllKeys{1, -1, 1};
constexpr KeyPositions kTwoKeys{1, 2, 1};
constexpr KeyPositions kNoKeys{0, 0, 0};

constexpr CommandSpec kSetCommands[] = {
    {"sadd", -3, kCmdWrite | kCmdDenyOom | kCmdFast, kSetWrite | kAclFast, kOneKey, saddCommand, {}, 0, KeyAccess::kWrite},
    {"srem", -3, kCmdWrite | kCmdFast, kSetWrite | kAclFast, kOneKey, sremCommand, {}, 0, KeyAccess::kWrite},
    {"sismember", 3, kCmdReadonly | kCmdFast, kSetRead | kAclFast, kOneKey, sismemberCommand, {}, 0, KeyAccess::kAny},
    {"smismember", -3, kCmdReadonly | kCmdFast, kSetRead | kAclFast, kOneKey, smismemberCommand},
    {"smembers", 2, kCmdReadonly, kSetRead | kAclSlow, kOneKey, sinterCommand},
    {"scard", 2, kCmdReadonly | kCmdFast, kSetRead | kAclFast, kOneKey, scardCommand, {}, 0, KeyAccess::kAny},
    {"smove", 4, kCmdWrite | kCmdFast, kSetWrite | kAclFast, kTwoKeys, smoveCommand, {}, 0, KeyAccess::kFirstReadWrittenRestWritten},
    {"sinter", -2, kCmdReadonly, kSetRead | kAclSlow, kAllKeys, sinterCommand},
    {"sunion", -2, kCmdReadonly, kSetRead | kAclSlow, kAllKeys, sunionCommand},
    {"sdiff", -2, kCmdReadonly, kSetRead | kAclSlow, kAllKeys, sdiffCommand},
    {"sinterstore", -3, kCmdWrite | kCmdDenyOom, kSetWrite | kAclSlow, kAllKeys, sinterstoreCommand, {}, 0, KeyAccess::kFirstWrittenRestRead},
    {"sunionstore", -3, kCmdWrite | kCmdDenyOom, kSetWrite | kAclSlow, kAllKeys, sunionstoreCommand, {}, 0, KeyAccess::kFirstWrittenRestRead},
    {"sdiffstore", -3, kCmdWrite | kCmdDenyOom, kSetWrite | kAclSlow, kAllKeys, sdiffstoreCommand, {}, 0, KeyAccess::kFirstWrittenRestRead},
    // Keys follow numkeys: COMMAND INFO shows 0 0 0 and movablekeys.
    {"sintercard", -3, kCmdReadonly | kCmdMovableKeys, kSetRead | kAclSlow, kNoKeys, sintercardCommand, {}, 1},
    {"srandmember", -2, kCmdReadonly, kSetRead | kAclSlow, kOneKey, srandmemberCommand},
    {"spop", -2, kCmdWrite | kCmdFast, kSetWrite | kAclFast, kOneKey, spopCommand},
    {"sscan", -3, kCmdReadonly, kSetRead | kAclSlow, kOneKey, sscanCommand},
};

}  // namespace

std::span<const CommandSpec> setCommands() { return kSetCommands; }

}  // namespace ember
