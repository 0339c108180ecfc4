// The sorted-sets command family (ZADD, ZRANGE and friends, and the
// blocking pops BZPOPMIN, BZPOPMAX, BZMPOP), with the table that declares
// them. The data structure lives in zset_value.h (listpack /
// skiplist encodings) and the argument texts (scores, score and lex
// ranges, the score reply format) in zset_ranges.h.
//
// Semantics follow Redis 7.0: replies, error texts and the order of checks
// (options, then numbers, then the key's type), the RESP2 score format
// ("%.17g"), encodings and when they convert.
//
// A blocking command never waits here (see Store::blockOn): it serves now
// exactly as its non-blocking counterpart, or replies a null array and
// records the keys it would wait for.
//
// Invariants kept here:
//  - a sorted set in the keyspace is never empty: the command that removes
//    its last member removes the key;
//  - an Entry* is not used after another keyspace mutation; a ZSetValue*
//    is, until its key is removed or replaced (store commands build their
//    result completely before touching the destination);
//  - no loop runs longer than the set it walks (LIMIT offsets, counts and
//    ranks are capped by the real size first).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <charconv>
#include <unordered_map>
#include <utility>

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
#include "../zset_ranges.h"
#include "../zset_value.h"
#include "../zset_walk.h"
#include "blocking_args.h"
#include "mpop_args.h"

namespace ember {
namespace {

constexpr std::string_view kNotFloatRange = "ERR min or max is not a float";
constexpr std::string_view kNotLexRange = "ERR min or max not valid string range item";
constexpr std::string_view kNanResult = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kXxNx = "ERR XX and NX options at the same time are not compatible";
constexpr std::string_view kGtLtNx = "ERR GT, LT, and/or NX options at the same time are not compatible";
constexpr std::string_view kIncrPair = "ERR INCR option supports a single increment-element pair";
constexpr std::string_view kLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
constexpr std::string_view kWithscoresLex = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

// ---------------------------------------------------------------------------
// Shared helpers

ZSetLimits limitsOf(const CommandContext& ctx) {
  const StoreConfig& c = ctx.store.config();
  return ZSetLimits{static_cast<size_t>(std::max<int64_t>(c.zset_max_listpack_entries, 0)),
                    static_cast<size_t>(std::max<int64_t>(c.zset_max_listpack_value, 0))};
}

// A score as Redis replies one: a double in RESP3, its text in RESP2.
void replyScore(ReplyBuilder& reply, double score) { reply.score(score); }

// The aggregate of a member list: with scores, pairs (nested in RESP3,
// as Redis 7 replies WITHSCORES), else a plain array.
void replyMembers(ReplyBuilder& reply, size_t members, bool withscores) {
  if (withscores) {
    reply.pairs(static_cast<uint32_t>(members));
  } else {
    reply.array(static_cast<uint32_t>(members));
  }
}

// The zset at `key` (nullptr if absent). Returns false after replying
// WRONGTYPE.
bool lookupZset(CommandContext& ctx, ByteView key, bool write, ZSetValue** out) {
  Entry* e = write ? ctx.db.lookupWrite(key) : ctx.db.lookupRead(key);
  *out = nullptr;
  if (!e) return true;
  if (e->type() != ValueType::kZSet) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  *out = e->collectionAs<ZSetValue>();
  return true;
}

// Stores a new, empty zset under `key` and returns it. The caller fills it
// before replying (a zset in the keyspace is never left empty).
ZSetValue* createZset(CommandContext& ctx, ByteView key) {
  ZSetValue* zs = makeCollection<ZSetValue>(ctx.db.memory());
  ctx.db.putCollection(key, ValueType::kZSet, zs);
  return zs;
}

// Stores a finished zset (ownership passes to the keyspace), replacing any
// value at `key`.
void storeZset(CommandContext& ctx, ByteView key, ZSetValue* zs) { ctx.db.putCollection(key, ValueType::kZSet, zs); }

void removeIfEmpty(CommandContext& ctx, ByteView key, const ZSetValue* zs) {
  if (zs->size() == 0) ctx.db.remove(key);
}

// Owns a zset until it is handed to the keyspace.
struct ZSetHolder {
  ZSetValue* zs;
  explicit ZSetHolder(MemoryCounter& m) : zs(makeCollection<ZSetValue>(m)) {}
  ~ZSetHolder() { destroyCollection(zs); }
  ZSetHolder(const ZSetHolder&) = delete;
  ZSetHolder& operator=(const ZSetHolder&) = delete;
  ZSetValue* release() { return std::exchange(zs, nullptr); }
};

// Redis's getLongFromObjectOrReply.
bool parseLongOrReply(CommandContext& ctx, ByteView arg, int64_t* out) {
  std::optional<int64_t> v = parseInt64(arg);
  if (!v) {
    ctx.reply.error(err::kNotInteger);
    return false;
  }
  *out = *v;
  return true;
}

// ---------------------------------------------------------------------------
// ZADD / ZINCRBY

enum ZAddFlag : unsigned {
  kZNx = 1u << 0,
  kZXx = 1u << 1,
  kZGt = 1u << 2,
  kZLt = 1u << 3,
  kZCh = 1u << 4,
  kZIncr = 1u << 5,
};

// Redis's zaddGenericCommand.
void zaddGeneric(CommandContext& ctx, unsigned flags) {
  ByteView key = ctx.arg(1);
  size_t scoreidx = 2;
  for (; scoreidx < ctx.argc(); scoreidx++) {
    ByteView opt = ctx.arg(scoreidx);
    if (optionIs(opt, "nx")) {
      flags |= kZNx;
    } else if (optionIs(opt, "xx")) {
      flags |= kZXx;
    } else if (optionIs(opt, "ch")) {
      flags |= kZCh;
    } else if (optionIs(opt, "incr")) {
      flags |= kZIncr;
    } else if (optionIs(opt, "gt")) {
      flags |= kZGt;
    } else if (optionIs(opt, "lt")) {
      flags |= kZLt;
    } else {
      break;
    }
  }
  const bool incr = flags & kZIncr;
  size_t elements = ctx.argc() - scoreidx;
  if (elements % 2 || elements == 0) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  elements /= 2;
  if ((flags & kZNx) && (flags & kZXx)) {
    ctx.reply.error(kXxNx);
    return;
  }
  const bool gt = flags & kZGt, lt = flags & kZLt, nx = flags & kZNx, xx = flags & kZXx;
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply.error(kGtLtNx);
    return;
  }
  if (incr && elements > 1) {
    ctx.reply.error(kIncrPair);
    return;
  }
  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; j++) {
    std::optional<double> s = parseScore(ctx.arg(scoreidx + j * 2));
    if (!s) {
      ctx.reply.error(err::kNotFloat);
      return;
    }
    scores[j] = *s;
  }

  ZSetValue* zs;
  if (!lookupZset(ctx, key, true, &zs)) return;
  int64_t added = 0, updated = 0, processed = 0;
  double newscore = 0;
  if (!zs) {
    if (xx) {  // nothing to update, and XX never creates the key
      if (incr) {
        ctx.reply.null();
      } else {
        ctx.reply.integer(0);
      }
      return;
    }
    zs = createZset(ctx, key);
  }
  const ZSetLimits limits = limitsOf(ctx);
  // A key created above must not stay empty if the first insert cannot
  // allocate.
  struct EmptyKeyGuard {
    CommandContext& ctx;
    ByteView key;
    ZSetValue* zs;
    ~EmptyKeyGuard() {
      if (zs->size() == 0) ctx.db.remove(key);
    }
  } guard{ctx, key, zs};
  for (size_t j = 0; j < elements; j++) {
    ByteView member = ctx.arg(scoreidx + j * 2 + 1);
    double score = scores[j];
    std::optional<double> cur = zs->score(member);
    if (cur) {
      if (nx) continue;
      if (incr) {
        score += *cur;
        if (std::isnan(score)) {
          ctx.reply.error(kNanResult);
          return;  // the key was not created here: INCR on a new key cannot give NaN
        }
      }
      if ((lt && score >= *cur) || (gt && score <= *cur)) continue;
      newscore = score;
      processed++;
      if (score != *cur) {
        zs->update(member, score);
        updated++;
      }
    } else {
      if (xx) continue;
      zs->insert(member, score, limits);
      newscore = score;
      added++;
      processed++;
    }
  }
  if (added) ctx.store.signalKeyReady(ctx.db_index, key);
  if (incr) {
    if (processed) {
      replyScore(ctx.reply, newscore);
    } else {
      ctx.reply.null();
    }
  } else {
    ctx.reply.integer((flags & kZCh) ? added + updated : added);
  }
}

void zaddCommand(CommandContext& ctx) { zaddGeneric(ctx, 0); }
void zincrbyCommand(CommandContext& ctx) { zaddGeneric(ctx, kZIncr); }

// ---------------------------------------------------------------------------
// Single-member reads and ZREM

void zcardCommand(CommandContext& ctx) {
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), false, &zs)) return;
  ctx.reply.integer(zs ? static_cast<int64_t>(zs->size()) : 0);
}

void zscoreCommand(CommandContext& ctx) {
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), false, &zs)) return;
  std::optional<double> s = zs ? zs->score(ctx.arg(2)) : std::nullopt;
  if (s) {
    replyScore(ctx.reply, *s);
  } else {
    ctx.reply.null();
  }
}

void zmscoreCommand(CommandContext& ctx) {
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), false, &zs)) return;
  ctx.reply.array(static_cast<uint32_t>(ctx.argc() - 2));
  for (size_t j = 2; j < ctx.argc(); j++) {
    std::optional<double> s = zs ? zs->score(ctx.arg(j)) : std::nullopt;
    if (s) {
      replyScore(ctx.reply, *s);
    } else {
      ctx.reply.null();
    }
  }
}

void zremCommand(CommandContext& ctx) {
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), true, &zs)) return;
  if (!zs) {
    ctx.reply.integer(0);
    return;
  }
  int64_t removed = 0;
  for (size_t j = 2; j < ctx.argc(); j++) {
    if (zs->remove(ctx.arg(j))) removed++;
    if (zs->size() == 0) break;  // as Redis: the key is deleted, the rest ignored
  }
  removeIfEmpty(ctx, ctx.arg(1), zs);
  ctx.reply.integer(removed);
}

void zrankGeneric(CommandContext& ctx, bool reverse) {
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), false, &zs)) return;
  std::optional<size_t> r = zs ? zs->rank(ctx.arg(2)) : std::nullopt;
  if (!r) {
    ctx.reply.null();
    return;
  }
  ctx.reply.integer(static_cast<int64_t>(reverse ? zs->size() - 1 - *r : *r));
}

void zrankCommand(CommandContext& ctx) { zrankGeneric(ctx, false); }
void zrevrankCommand(CommandContext& ctx) { zrankGeneric(ctx, true); }

// ---------------------------------------------------------------------------
// Ranges (the walks themselves are in zset_walk.h)

// Where range results go: a reply, or a new zset (ZRANGESTORE).
class RangeSink {
 public:
  RangeSink(CommandContext& ctx, bool withscores, ZSetValue* store)
      : ctx_(ctx), withscores_(withscores), store_(store), limits_(limitsOf(ctx)) {
    if (!store_) at_ = withscores_ ? ctx_.reply.beginPairs() : ctx_.reply.beginArray();
  }
  void add(ByteView member, double score) {
    count_++;
    if (store_) {
      store_->insert(member, score, limits_);
      return;
    }
    ctx_.reply.bulk(member);
    if (withscores_) replyScore(ctx_.reply, score);
  }
  void finish() {
    if (!store_) ctx_.reply.endAggregate(at_, static_cast<uint32_t>(count_));
  }
  size_t count() const { return count_; }

 private:
  CommandContext& ctx_;
  bool withscores_;
  ZSetValue* store_;
  ZSetLimits limits_;
  size_t at_ = 0;
  size_t count_ = 0;
};

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Redis's zrangeGenericCommand: ZRANGE, ZRANGESTORE and the legacy forms.
// `argc_start` is the index of the source key; the range is at +1, +2.
void zrangeGeneric(CommandContext& ctx, size_t argc_start, bool store, RangeType rangetype,
                   Direction direction) {
  ByteView key = ctx.arg(argc_start);
  size_t minidx = argc_start + 1, maxidx = argc_start + 2;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = argc_start + 3; j < ctx.argc(); j++) {
    ByteView opt = ctx.arg(j);
    size_t leftargs = ctx.argc() - j - 1;
    if (!store && optionIs(opt, "withscores")) {
      withscores = true;
    } else if (optionIs(opt, "limit") && leftargs >= 2) {
      if (!parseLongOrReply(ctx, ctx.arg(j + 1), &offset) || !parseLongOrReply(ctx, ctx.arg(j + 2), &limit)) return;
      j += 2;
    } else if (direction == Direction::kAuto && optionIs(opt, "rev")) {
      direction = Direction::kReverse;
    } else if (rangetype == RangeType::kAuto && optionIs(opt, "bylex")) {
      rangetype = RangeType::kLex;
    } else if (rangetype == RangeType::kAuto && optionIs(opt, "byscore")) {
      rangetype = RangeType::kScore;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  if (direction == Direction::kAuto) direction = Direction::kForward;
  if (rangetype == RangeType::kAuto) rangetype = RangeType::kRank;
  if (limit != -1 && rangetype == RangeType::kRank) {
    ctx.reply.error(kLimitNeedsBy);
    return;
  }
  if (withscores && rangetype == RangeType::kLex) {
    ctx.reply.error(kWithscoresLex);
    return;
  }
  const bool reverse = direction == Direction::kReverse;
  if (reverse && rangetype != RangeType::kRank) std::swap(minidx, maxidx);

  int64_t start = 0, end = 0;
  ScoreRange srange;
  LexRange lrange;
  switch (rangetype) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!parseLongOrReply(ctx, ctx.arg(minidx), &start) || !parseLongOrReply(ctx, ctx.arg(maxidx), &end)) return;
      break;
    case RangeType::kScore: {
      std::optional<ScoreRange> r = parseScoreRange(ctx.arg(minidx), ctx.arg(maxidx));
      if (!r) {
        ctx.reply.error(kNotFloatRange);
        return;
      }
      srange = *r;
      break;
    }
    case RangeType::kLex: {
      std::optional<LexRange> r = parseLexRange(ctx.arg(minidx), ctx.arg(maxidx));
      if (!r) {
        ctx.reply.error(kNotLexRange);
        return;
      }
      lrange = *r;
      break;
    }
  }

  ZSetValue* zs;
  if (!lookupZset(ctx, key, false, &zs)) return;
  std::optional<ZSetHolder> result;
  if (store) result.emplace(ctx.db.memory());
  RangeSink sink(ctx, withscores, store ? result->zs : nullptr);
  if (zs) {
    if (rangetype == RangeType::kRank) {
      const int64_t llen = static_cast<int64_t>(zs->size());
      if (start < 0) start = llen + start;
      if (end < 0) end = llen + end;
      if (start < 0) start = 0;
      if (!(start > end || start >= llen)) {
        if (end >= llen) end = llen - 1;
        size_t first = static_cast<size_t>(start), last = static_cast<size_t>(end);
        // As Redis's zrangeResultBeginStore: a rank range longer than the
        // listpack limit is stored into a skiplist from the start (which
        // keeps -0 scores; a listpack would store them as 0).
        if (store && last - first + 1 > limitsOf(ctx).max_entries) result->zs->convertToSkiplist();
        if (reverse) {
          // Ranks count from the end.
          first = zs->size() - 1 - static_cast<size_t>(end);
          last = zs->size() - 1 - static_cast<size_t>(start);
        }
        zs->forRange(first, last, reverse, [&](ByteView m, double s) {
          sink.add(m, s);
          return true;
        });
      }
    } else if (rangetype == RangeType::kScore) {
      RangeWalk w = scoreWalk(*zs, srange, reverse);
      walkRange(
          *zs, w, offset, limit, [&](ByteView, double s) { return inScoreWalk(srange, reverse, s); },
          [&](ByteView m, double s) { sink.add(m, s); });
    } else {
      RangeWalk w = lexWalk(*zs, lrange, reverse);
      walkRange(
          *zs, w, offset, limit, [&](ByteView m, double) { return inLexWalk(lrange, reverse, m); },
          [&](ByteView m, double s) { sink.add(m, s); });
    }
  }
  sink.finish();
  if (!store) return;
  ByteView dst = ctx.arg(1);
  if (sink.count()) {
    storeZset(ctx, dst, result->release());
    ctx.store.signalKeyReady(ctx.db_index, dst);
  } else {
    ctx.db.remove(dst);
  }
  ctx.reply.integer(static_cast<int64_t>(sink.count()));
}

void zrangeCommand(CommandContext& ctx) { zrangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto); }
void zrangestoreCommand(CommandContext& ctx) { zrangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto); }
void zrevrangeCommand(CommandContext& ctx) { zrangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse); }
void zrangebyscoreCommand(CommandContext& ctx) {
  zrangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
void zrevrangebyscoreCommand(CommandContext& ctx) {
  zrangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
void zrangebylexCommand(CommandContext& ctx) { zrangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward); }
void zrevrangebylexCommand(CommandContext& ctx) {
  zrangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}

void zcountCommand(CommandContext& ctx) {
  std::optional<ScoreRange> r = parseScoreRange(ctx.arg(2), ctx.arg(3));
  if (!r) {
    ctx.reply.error(kNotFloatRange);
    return;
  }
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), false, &zs)) return;
  int64_t count = 0;
  if (zs) {
    RangeWalk w = scoreWalk(*zs, *r, false);
    if (!w.empty) {
      size_t upto = zs->countWhile([&](double s, ByteView) { return r->notAfterMax(s); });
      count = static_cast<int64_t>(upto - w.start);
    }
  }
  ctx.reply.integer(count);
}

void zlexcountCommand(CommandContext& ctx) {
  std::optional<LexRange> r = parseLexRange(ctx.arg(2), ctx.arg(3));
  if (!r) {
    ctx.reply.error(kNotLexRange);
    return;
  }
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), false, &zs)) return;
  int64_t count = 0;
  if (zs) {
    RangeWalk w = lexWalk(*zs, *r, false);
    walkRange(
        *zs, w, 0, -1, [&](ByteView m, double) { return r->lteMax(m); }, [&](ByteView, double) { count++; });
  }
  ctx.reply.integer(count);
}

// ---------------------------------------------------------------------------
// ZREMRANGEBYRANK / BYSCORE / BYLEX

enum class RemoveBy { kRank, kScore, kLex };

// Collects the members to delete first, then deletes them: the walk must
// not run over a set that changes under it.
void zremrangeGeneric(CommandContext& ctx, RemoveBy by) {
  ByteView key = ctx.arg(1);
  int64_t start = 0, end = 0;
  ScoreRange srange;
  LexRange lrange;
  if (by == RemoveBy::kRank) {
    if (!parseLongOrReply(ctx, ctx.arg(2), &start) || !parseLongOrReply(ctx, ctx.arg(3), &end)) return;
  } else if (by == RemoveBy::kScore) {
    std::optional<ScoreRange> r = parseScoreRange(ctx.arg(2), ctx.arg(3));
    if (!r) {
      ctx.reply.error(kNotFloatRange);
      return;
    }
    srange = *r;
  } else {
    std::optional<LexRange> r = parseLexRange(ctx.arg(2), ctx.arg(3));
    if (!r) {
      ctx.reply.error(kNotLexRange);
      return;
    }
    lrange = *r;
  }
  ZSetValue* zs;
  if (!lookupZset(ctx, key, true, &zs)) return;
  if (!zs) {
    ctx.reply.integer(0);
    return;
  }
  std::vector<std::string> doomed;
  auto collect = [&](ByteView m, double) { doomed.emplace_back(m); };
  if (by == RemoveBy::kRank) {
    const int64_t llen = static_cast<int64_t>(zs->size());
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      ctx.reply.integer(0);
      return;
    }
    if (end >= llen) end = llen - 1;
    zs->forRange(static_cast<size_t>(start), static_cast<size_t>(end), false, [&](ByteView m, double s) {
      collect(m, s);
      return true;
    });
  } else if (by == RemoveBy::kScore) {
    RangeWalk w = scoreWalk(*zs, srange, false);
    walkRange(*zs, w, 0, -1, [&](ByteView, double s) { return srange.notAfterMax(s); }, collect);
  } else {
    RangeWalk w;
    if (zs->isListpack()) {
      w = lexWalk(*zs, lrange, false);
    } else {
      // Redis's zslDeleteRangeByLex skips the "is the range in the set"
      // check that the other lex walks make: on members whose scores
      // differ the two disagree.
      w.start = zs->countWhile([&](double, ByteView m) { return !lrange.gteMin(m); });
      w.empty = w.start >= zs->size();
    }
    walkRange(*zs, w, 0, -1, [&](ByteView m, double) { return lrange.lteMax(m); }, collect);
  }
  for (const std::string& m : doomed) zs->remove(m);
  removeIfEmpty(ctx, key, zs);
  ctx.reply.integer(static_cast<int64_t>(doomed.size()));
}

void zremrangebyrankCommand(CommandContext& ctx) { zremrangeGeneric(ctx, RemoveBy::kRank); }
void zremrangebyscoreCommand(CommandContext& ctx) { zremrangeGeneric(ctx, RemoveBy::kScore); }
void zremrangebylexCommand(CommandContext& ctx) { zremrangeGeneric(ctx, RemoveBy::kLex); }

// ---------------------------------------------------------------------------
// ZPOPMIN / ZPOPMAX

// How popped members are replied, as Redis's genericZpopCommand's
// emitkey / use_nested_array (RESP2):
enum class PopReply {
  kFlat,        // [member, score]                       ZPOPMIN, ZPOPMAX without a count
  kPairs,       // [member, score, ...], nested in RESP3  ZPOPMIN, ZPOPMAX with a count
  kKeyFlat,     // [key, member, score]                  BZPOPMIN, BZPOPMAX
  kKeyNested,   // [key, [[member, score], ...]]         ZMPOP, BZMPOP
};

// Pops up to `count` members from one end of the zset at `key` (which must
// exist and be a zset) and replies them in `shape`.
void popAndReply(CommandContext& ctx, ByteView key, ZSetValue* zs, bool max, int64_t count, PopReply shape) {
  const size_t n = std::min<uint64_t>(static_cast<uint64_t>(count), zs->size());
  std::vector<std::pair<std::string, double>> popped;
  popped.reserve(n);
  if (n) {
    size_t first = max ? zs->size() - n : 0, last = max ? zs->size() - 1 : n - 1;
    zs->forRange(first, last, max, [&](ByteView m, double s) {
      popped.emplace_back(std::string(m), s);
      return true;
    });
  }
  const auto count32 = static_cast<uint32_t>(popped.size());
  switch (shape) {
    case PopReply::kFlat:
      ctx.reply.array(count32 * 2);
      break;
    case PopReply::kPairs:
      ctx.reply.pairs(count32);
      break;
    case PopReply::kKeyFlat:
      ctx.reply.array(count32 * 2 + 1);
      ctx.reply.bulk(key);
      break;
    case PopReply::kKeyNested:
      ctx.reply.array(2);
      ctx.reply.bulk(key);
      ctx.reply.array(count32);
      break;
  }
  for (const auto& [m, s] : popped) {
    zs->remove(m);
    if (shape == PopReply::kKeyNested) ctx.reply.array(2);
    ctx.reply.bulk(m);
    replyScore(ctx.reply, s);
  }
  removeIfEmpty(ctx, key, zs);
}

// Pops from the first key of argv[first, last) that exists, as Redis's
// genericZpopCommand and blockingGenericZpopCommand walk them: a key of
// another type met first is an error; keys after the one popped are not
// looked at. With nothing to pop the reply is a null array, and a blocking
// command (`block_ms` set) also records that it waits for those keys.
void popFirstZset(CommandContext& ctx, size_t first, size_t last, bool max, int64_t count, PopReply shape,
                  std::optional<int64_t> block_ms) {
  for (size_t k = first; k < last; k++) {
    ZSetValue* zs;
    if (!lookupZset(ctx, ctx.arg(k), true, &zs)) return;
    if (zs) {
      popAndReply(ctx, ctx.arg(k), zs, max, count, shape);
      return;
    }
  }
  ctx.reply.nullArray();
  if (block_ms) blockOnKeys(ctx, first, last, *block_ms);
}

void zpopGeneric(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  int64_t count = 1;
  if (ctx.argc() == 3) {
    std::optional<int64_t> v = parseInt64(ctx.arg(2));
    if (!v || *v < 0) {
      ctx.reply.error(err::kMustBePositive);
      return;
    }
    count = *v;
  }
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), true, &zs)) return;
  if (!zs || count == 0) {
    ctx.reply.array(0);
    return;
  }
  // With a count, Redis 7 nests the pairs in RESP3 (even for one).
  popAndReply(ctx, ctx.arg(1), zs, max, count, ctx.argc() == 3 ? PopReply::kPairs : PopReply::kFlat);
}

void zpopminCommand(CommandContext& ctx) { zpopGeneric(ctx, false); }
void zpopmaxCommand(CommandContext& ctx) { zpopGeneric(ctx, true); }

// BZPOPMIN / BZPOPMAX key [key ...] timeout (Redis's
// blockingGenericZpopCommand): the timeout is checked first, then the keys
// in order.
void bzpopGeneric(CommandContext& ctx, bool max) {
  const size_t timeout_index = ctx.argc() - 1;
  std::optional<int64_t> timeout = parseBlockingTimeout(ctx, ctx.arg(timeout_index));
  if (!timeout) return;
  popFirstZset(ctx, 1, timeout_index, max, 1, PopReply::kKeyFlat, timeout);
}

void bzpopminCommand(CommandContext& ctx) { bzpopGeneric(ctx, false); }
void bzpopmaxCommand(CommandContext& ctx) { bzpopGeneric(ctx, true); }

// ---------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input of a set operation: a zset, a plain set (every member scores
// 1, as in Redis), or an absent key (empty).
struct OpSource {
  const ZSetValue* zs = nullptr;
  const SetValue* set = nullptr;
  double weight = 1.0;
  size_t size() const { return zs ? zs->size() : set ? set->size() : 0; }
  std::optional<double> find(ByteView member) const {
    if (zs) return zs->score(member);
    if (set && set->contains(member)) return 1.0;
    return std::nullopt;
  }
  template <class Visit>  // visit(member, score)
  void forEach(Visit&& visit) const {
    if (zs) {
      zs->forEach(visit);
    } else if (set) {
      set->forEach([&](ByteView m) { visit(m, 1.0); });
    }
  }
};

// Redis's zunionInterAggregate.
void aggregateInto(double* target, double value, Aggregate how) {
  if (how == Aggregate::kSum) {
    *target = *target + value;
    if (std::isnan(*target)) *target = 0.0;  // inf + -inf
  } else if (how == Aggregate::kMin) {
    *target = value < *target ? value : *target;
  } else {
    *target = value > *target ? value : *target;
  }
}

// Redis's zunionInterDiffGenericCommand. `dst` is set for the STORE forms.
void zsetOpGeneric(CommandContext& ctx, std::optional<ByteView> dst, size_t numkeys_index, SetOp op,
                   bool cardinality_only) {
  int64_t setnum;
  if (!parseLongOrReply(ctx, ctx.arg(numkeys_index), &setnum)) return;
  if (setnum < 1) {
    ctx.reply.error("ERR at least 1 input key is needed for '" + std::string(ctx.command.name) + "' command");
    return;
  }
  if (static_cast<uint64_t>(setnum) > ctx.argc() - (numkeys_index + 1)) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  std::vector<OpSource> src(static_cast<size_t>(setnum));
  size_t j = numkeys_index + 1;
  // Types are checked before the options are read, as in Redis. Pointers
  // to the collections stay valid: only this key's removal would free them.
  for (size_t i = 0; i < src.size(); i++, j++) {
    Entry* e = ctx.db.lookupRead(ctx.arg(j));
    if (!e) continue;
    if (e->type() == ValueType::kZSet) {
      src[i].zs = e->collectionAs<ZSetValue>();
    } else if (e->type() == ValueType::kSet) {
      src[i].set = e->collectionAs<SetValue>();
    } else {
      ctx.reply.error(err::kWrongType);
      return;
    }
  }
  Aggregate aggregate = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  while (j < ctx.argc()) {
    const size_t remaining = ctx.argc() - j;
    ByteView opt = ctx.arg(j);
    if (op != SetOp::kDiff && !cardinality_only && remaining >= src.size() + 1 && optionIs(opt, "weights")) {
      j++;
      for (size_t i = 0; i < src.size(); i++, j++) {
        std::optional<double> w = parseScore(ctx.arg(j));
        if (!w) {
          ctx.reply.error("ERR weight value is not a float");
          return;
        }
        src[i].weight = *w;
      }
    } else if (op != SetOp::kDiff && !cardinality_only && remaining >= 2 && optionIs(opt, "aggregate")) {
      ByteView how = ctx.arg(j + 1);
      if (optionIs(how, "sum")) {
        aggregate = Aggregate::kSum;
      } else if (optionIs(how, "min")) {
        aggregate = Aggregate::kMin;
      } else if (optionIs(how, "max")) {
        aggregate = Aggregate::kMax;
      } else {
        ctx.reply.error(err::kSyntax);
        return;
      }
      j += 2;
    } else if (!dst && !cardinality_only && optionIs(opt, "withscores")) {
      withscores = true;
      j++;
    } else if (cardinality_only && remaining >= 2 && optionIs(opt, "limit")) {
      std::optional<int64_t> v = parseInt64(ctx.arg(j + 1));
      if (!v || *v < 0) {
        ctx.reply.error("ERR LIMIT can't be negative");
        return;
      }
      limit = *v;
      j += 2;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  // Smallest input first (stable, as glibc's merge-sorting qsort): it
  // decides the order scores are summed in, so the last bit of a sum.
  if (op != SetOp::kDiff) {
    std::stable_sort(src.begin(), src.end(), [](const OpSource& a, const OpSource& b) { return a.size() < b.size(); });
  }

  std::vector<std::pair<std::string, double>> found;
  int64_t cardinality = 0;
  if (op == SetOp::kInter) {
    if (src[0].size() > 0) {
      bool stop = false;
      src[0].forEach([&](ByteView m, double s0) {
        if (stop) return;
        double score = src[0].weight * s0;
        if (std::isnan(score)) score = 0;
        for (size_t i = 1; i < src.size(); i++) {
          std::optional<double> v = src[i].find(m);
          if (!v) return;
          aggregateInto(&score, *v * src[i].weight, aggregate);
        }
        if (cardinality_only) {
          cardinality++;
          if (limit && cardinality >= limit) stop = true;
        } else {
          found.emplace_back(std::string(m), score);
        }
      });
    }
  } else if (op == SetOp::kUnion) {
    std::unordered_map<std::string, double> acc;
    for (const OpSource& in : src) {
      in.forEach([&](ByteView m, double s0) {
        double score = in.weight * s0;
        if (std::isnan(score)) score = 0;
        auto [it, fresh] = acc.try_emplace(std::string(m), score);
        if (!fresh) aggregateInto(&it->second, score, aggregate);
      });
    }
    found.reserve(acc.size());
    for (auto& [m, s] : acc) found.emplace_back(m, s);
  } else {
    src[0].forEach([&](ByteView m, double s0) {
      for (size_t i = 1; i < src.size(); i++) {
        if (src[i].find(m)) return;
      }
      found.emplace_back(std::string(m), s0);
    });
  }

  if (cardinality_only) {
    ctx.reply.integer(cardinality);
    return;
  }
  if (!dst) {
    // Replied straight from Redis's skiplist, so a -0 score stays -0.
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return compareScoreMember(a.second, a.first, b.second, b.first) < 0;
    });
    replyMembers(ctx.reply, found.size(), withscores);
    for (const auto& [m, s] : found) {
      ctx.reply.bulk(m);
      if (withscores) replyScore(ctx.reply, s);
    }
    return;
  }
  // Redis builds the result as a skiplist and converts it to a listpack
  // only if it fits: so a -0 score survives in a result that stays a
  // skiplist (a listpack insert would turn it into 0). Decide first.
  ZSetHolder result(ctx.db.memory());
  const ZSetLimits limits = limitsOf(ctx);
  size_t longest = 0;
  for (const auto& f : found) longest = std::max(longest, f.first.size());
  if (found.size() > limits.max_entries || longest > limits.max_value) result.zs->convertToSkiplist();
  for (const auto& [m, s] : found) result.zs->insert(m, s, limits);
  const int64_t n = static_cast<int64_t>(result.zs->size());
  if (n) {
    storeZset(ctx, *dst, result.release());
    ctx.store.signalKeyReady(ctx.db_index, *dst);
  } else {
    ctx.db.remove(*dst);
  }
  ctx.reply.integer(n);
}

void zunionstoreCommand(CommandContext& ctx) { zsetOpGeneric(ctx, ctx.arg(1), 2, SetOp::kUnion, false); }
void zinterstoreCommand(CommandContext& ctx) { zsetOpGeneric(ctx, ctx.arg(1), 2, SetOp::kInter, false); }
void zdiffstoreCommand(CommandContext& ctx) { zsetOpGeneric(ctx, ctx.arg(1), 2, SetOp::kDiff, false); }
void zunionCommand(CommandContext& ctx) { zsetOpGeneric(ctx, std::nullopt, 1, SetOp::kUnion, false); }
void zinterCommand(CommandContext& ctx) { zsetOpGeneric(ctx, std::nullopt, 1, SetOp::kInter, false); }
void zdiffCommand(CommandContext& ctx) { zsetOpGeneric(ctx, std::nullopt, 1, SetOp::kDiff, false); }
void zintercardCommand(CommandContext& ctx) { zsetOpGeneric(ctx, std::nullopt, 1, SetOp::kInter, true); }

// ---------------------------------------------------------------------------
// [B]ZMPOP [timeout] numkeys key [key ...] MIN|MAX [COUNT count]

// Redis's zmpopGenericCommand, numkeys at `numkeys_index`. Checked in
// Redis's order: numkeys, MIN|MAX, COUNT, then BZMPOP's timeout (argv[1]).
void zmpopGeneric(CommandContext& ctx, size_t numkeys_index, bool blocking) {
  std::optional<size_t> where = parseMpopNumkeys(ctx, numkeys_index);
  if (!where) return;
  const size_t where_idx = *where;
  bool max;
  if (optionIs(ctx.arg(where_idx), "min")) {
    max = false;
  } else if (optionIs(ctx.arg(where_idx), "max")) {
    max = true;
  } else {
    ctx.reply.error(err::kSyntax);
    return;
  }
  std::optional<int64_t> count = parseMpopCount(ctx, where_idx);
  if (!count) return;
  std::optional<int64_t> timeout;
  if (blocking) {
    timeout = parseBlockingTimeout(ctx, ctx.arg(1));
    if (!timeout) return;
  }
  popFirstZset(ctx, numkeys_index + 1, where_idx, max, *count, PopReply::kKeyNested, timeout);
}

void zmpopCommand(CommandContext& ctx) { zmpopGeneric(ctx, 1, false); }
void bzmpopCommand(CommandContext& ctx) { zmpopGeneric(ctx, 2, true); }

// ---------------------------------------------------------------------------
// ZRANDMEMBER key [count [WITHSCORES]]

// Negative counts ask for that many picks with repetition. Redis streams
// them without a bound; a reply here is built in memory, so it is capped.
constexpr int64_t kMaxRandomPicks = int64_t{1} << 20;

void zrandmemberCommand(CommandContext& ctx) {
  ByteView key = ctx.arg(1);
  if (ctx.argc() < 3) {
    ZSetValue* zs;
    if (!lookupZset(ctx, key, false, &zs)) return;
    if (!zs) {
      ctx.reply.null();
      return;
    }
    ctx.reply.bulk(memberAt(*zs, ctx.store.randomBits() % zs->size()).first);
    return;
  }
  std::optional<int64_t> parsed = parseInt64(ctx.arg(2));
  if (!parsed) {
    ctx.reply.error(err::kNotInteger);
    return;
  }
  int64_t count = *parsed;
  if (count == std::numeric_limits<int64_t>::min()) {
    ctx.reply.error(err::kRandomCountRange);
    return;
  }
  bool withscores = false;
  if (ctx.argc() > 4 || (ctx.argc() == 4 && !optionIs(ctx.arg(3), "withscores"))) {
    ctx.reply.error(err::kSyntax);
    return;
  }
  if (ctx.argc() == 4) {
    withscores = true;
    const int64_t half = std::numeric_limits<int64_t>::max() / 2;
    if (count < -half || count > half) {
      ctx.reply.error("ERR value is out of range");
      return;
    }
  }
  ZSetValue* zs;
  if (!lookupZset(ctx, key, false, &zs)) return;
  if (!zs || count == 0) {
    ctx.reply.array(0);
    return;
  }
  const size_t size = zs->size();
  auto emit = [&](ByteView m, double s) {
    ctx.reply.bulk(m);
    if (withscores) replyScore(ctx.reply, s);
  };
  if (count < 0 || count == 1) {
    const uint64_t picks = count < 0 ? static_cast<uint64_t>(-count) : 1;
    if (picks > static_cast<uint64_t>(kMaxRandomPicks)) {
      ctx.reply.error("ERR value is out of range");
      return;
    }
    replyMembers(ctx.reply, picks, withscores);
    if (zs->isListpack()) {
      // A listpack is walked to reach a rank: take one snapshot instead.
      std::vector<std::pair<ByteView, double>> all;
      all.reserve(size);
      zs->forEach([&](ByteView m, double s) { all.emplace_back(m, s); });
      for (uint64_t i = 0; i < picks; i++) {
        const auto& [m, s] = all[ctx.store.randomBits() % size];
        emit(m, s);
      }
      return;
    }
    for (uint64_t i = 0; i < picks; i++) {
      auto [m, s] = memberAt(*zs, ctx.store.randomBits() % size);
      emit(m, s);
    }
    return;
  }
  if (static_cast<uint64_t>(count) >= size) {  // the whole set, in order
    replyMembers(ctx.reply, size, withscores);
    zs->forEach([&](ByteView m, double s) { emit(m, s); });
    return;
  }
  // Distinct ranks: a partial shuffle of all ranks (count < size).
  std::vector<size_t> ranks(size);
  for (size_t i = 0; i < size; i++) ranks[i] = i;
  const size_t want = static_cast<size_t>(count);
  for (size_t i = 0; i < want; i++) {
    size_t k = i + static_cast<size_t>(ctx.store.randomBits() % (size - i));
    std::swap(ranks[i], ranks[k]);
  }
  replyMembers(ctx.reply, want, withscores);
  for (size_t i = 0; i < want; i++) {
    auto [m, s] = memberAt(*zs, ranks[i]);
    emit(m, s);
  }
}

// ---------------------------------------------------------------------------
// ZSCAN key cursor [MATCH pattern] [COUNT count]


void replyCursor(CommandContext& ctx, uint64_t cursor) {
  char digits[kInt64DigitsMax];
  auto printed = std::to_chars(digits, digits + sizeof digits, cursor);  // unsigned
  ctx.reply.bulk(ByteView(digits, static_cast<size_t>(printed.ptr - digits)));
}

// A listpack keeps integral scores within +-LLONG_MAX/2 as integers, and
// ZSCAN of a listpack returns the stored element: 1.2345678901234568e+17
// comes back as "123456789012345680" there (but not from ZSCORE).
std::string_view listpackScoreText(double s, char* out) {
  const double half = static_cast<double>(std::numeric_limits<int64_t>::max() / 2);
  if (s >= -half && s <= half) {
    int64_t ll = static_cast<int64_t>(s);
    if (static_cast<double>(ll) == s) return formatInt64(ll, out);
  }
  return formatScore(s, out);
}

void zscanCommand(CommandContext& ctx) {
  std::optional<uint64_t> cursor = parseScanCursorArg(ctx.arg(2));
  if (!cursor) {
    ctx.reply.error(err::kInvalidCursor);
    return;
  }
  ZSetValue* zs;
  if (!lookupZset(ctx, ctx.arg(1), false, &zs)) return;
  if (!zs) {  // Redis replies before reading the options
    ctx.reply.array(2);
    replyCursor(ctx, 0);
    ctx.reply.array(0);
    return;
  }
  ScanOptions options;
  if (auto error = parseScanOptions(ctx.argv, 3, false, options)) return ctx.reply.error(*error);
  uint64_t count = options.count;
  ByteView pattern = options.pattern;
  bool use_pattern = options.use_pattern;
  std::vector<std::pair<std::string, std::string>> found;
  uint64_t next = 0;
  char text[kScoreTextMax];
  if (zs->isListpack()) {  // returned whole, whatever the cursor (Redis)
    zs->forEach([&](ByteView m, double s) {
      if (!use_pattern || globMatch(pattern, m)) found.emplace_back(std::string(m), std::string(listpackScoreText(s, text)));
    });
  } else {
    uint64_t visited = 0;
    uint64_t buckets_left = count * 10;
    next = *cursor;
    do {
      next = zs->scanStep(next, [&](ByteView m, double s) {
        visited++;
        if (!use_pattern || globMatch(pattern, m)) found.emplace_back(std::string(m), std::string(formatScore(s, text)));
      });
    } while (next != 0 && --buckets_left != 0 && visited < count);
  }
  ctx.reply.array(2);
  replyCursor(ctx, next);
  ctx.reply.array(static_cast<uint32_t>(found.size() * 2));
  for (const auto& [m, s] : found) {
    ctx.reply.bulk(m);
    ctx.reply.bulk(s);
  }
}

// ---------------------------------------------------------------------------
// The table

constexpr uint32_t kZRead = kAclRead | kAclSortedSet;
constexpr uint32_t kZWrite = kAclWrite | kAclSortedSet;
constexpr KeyPositions kOneKey{1, 1, 1};
constexpr KeyPositions kTwoKeys{1, 2, 1};
constexpr KeyPositions kNoKeys{0, 0, 0};
// Every argument but the last (the timeout) is a key.
constexpr KeyPositions kKeysThenTimeout{1, -2, 1};

constexpr CommandSpec kZSetCommands[] = {
    {"zadd", -4, kCmdWrite | kCmdDenyOom | kCmdFast, kZWrite | kAclFast, kOneKey, zaddCommand, {}, 0, KeyAccess::kWrite},
    {"zcard", 2, kCmdReadonly | kCmdFast, kZRead | kAclFast, kOneKey, zcardCommand, {}, 0, KeyAccess::kAny},
    {"zscore", 3, kCmdReadonly | kCmdFast, kZRead | kAclFast, kOneKey, zscoreCommand},
    {"zmscore", -3, kCmdReadonly | kCmdFast, kZRead | kAclFast, kOneKey, zmscoreCommand},
    {"zincrby", 4, kCmdWrite | kCmdDenyOom | kCmdFast, kZWrite | kAclFast, kOneKey, zincrbyCommand},
    {"zrem", -3, kCmdWrite | kCmdFast, kZWrite | kAclFast, kOneKey, zremCommand, {}, 0, KeyAccess::kWrite},
    {"zrank", 3, kCmdReadonly | kCmdFast, kZRead | kAclFast, kOneKey, zrankCommand},
    {"zrevrank", 3, kCmdReadonly | kCmdFast, kZRead | kAclFast, kOneKey, zrevrankCommand},
    {"zcount", 4, kCmdReadonly | kCmdFast, kZRead | kAclFast, kOneKey, zcountCommand},
    {"zrange", -4, kCmdReadonly, kZRead | kAclSlow, kOneKey, zrangeCommand},
    {"zrangebyscore", -4, kCmdReadonly, kZRead | kAclSlow, kOneKey, zrangebyscoreCommand},
    {"zrevrangebyscore", -4, kCmdReadonly, kZRead | kAclSlow, kOneKey, zrevrangebyscoreCommand},
    {"zrevrange", -4, kCmdReadonly, kZRead | kAclSlow, kOneKey, zrevrangeCommand},
    {"zrangebylex", -4, kCmdReadonly, kZRead | kAclSlow, kOneKey, zrangebylexCommand},
    {"zrevrangebylex", -4, kCmdReadonly, kZRead | kAclSlow, kOneKey, zrevrangebylexCommand},
    {"zlexcount", 4, kCmdReadonly | kCmdFast, kZRead | kAclFast, kOneKey, zlexcountCommand},
    {"zremrangebyrank", 4, kCmdWrite, kZWrite | kAclSlow, kOneKey, zremrangebyrankCommand, {}, 0, KeyAccess::kWrite},
    {"zremrangebyscore", 4, kCmdWrite, kZWrite | kAclSlow, kOneKey, zremrangebyscoreCommand, {}, 0, KeyAccess::kWrite},
    {"zremrangebylex", 4, kCmdWrite, kZWrite | kAclSlow, kOneKey, zremrangebylexCommand, {}, 0, KeyAccess::kWrite},
    {"zpopmin", -2, kCmdWrite | kCmdFast, kZWrite | kAclFast, kOneKey, zpopminCommand},
    {"zpopmax", -2, kCmdWrite | kCmdFast, kZWrite | kAclFast, kOneKey, zpopmaxCommand},
    {"zrangestore", -5, kCmdWrite | kCmdDenyOom, kZWrite | kAclSlow, kTwoKeys, zrangestoreCommand, {}, 0, KeyAccess::kFirstWrittenRestRead},
    {"zunionstore", -4, kCmdWrite | kCmdDenyOom | kCmdMovableKeys, kZWrite | kAclSlow, kOneKey, zunionstoreCommand, {}, 2, KeyAccess::kFirstWrittenRestRead},
    {"zinterstore", -4, kCmdWrite | kCmdDenyOom | kCmdMovableKeys, kZWrite | kAclSlow, kOneKey, zinterstoreCommand, {}, 2, KeyAccess::kFirstWrittenRestRead},
    {"zdiffstore", -4, kCmdWrite | kCmdDenyOom | kCmdMovableKeys, kZWrite | kAclSlow, kOneKey, zdiffstoreCommand, {}, 2, KeyAccess::kFirstWrittenRestRead},
    {"zunion", -3, kCmdReadonly | kCmdMovableKeys, kZRead | kAclSlow, kNoKeys, zunionCommand, {}, 1},
    {"zinter", -3, kCmdReadonly | kCmdMovableKeys, kZRead | kAclSlow, kNoKeys, zinterCommand, {}, 1},
    {"zdiff", -3, kCmdReadonly | kCmdMovableKeys, kZRead | kAclSlow, kNoKeys, zdiffCommand, {}, 1},
    {"zintercard", -3, kCmdReadonly | kCmdMovableKeys, kZRead | kAclSlow, kNoKeys, zintercardCommand, {}, 1},
    {"zmpop", -4, kCmdWrite | kCmdMovableKeys, kZWrite | kAclSlow, kNoKeys, zmpopCommand, {}, 1},
    {"bzpopmin", -3, kCmdWrite | kCmdNoScript | kCmdBlocking | kCmdFast, kZWrite | kAclFast | kAclBlocking,
     kKeysThenTimeout, bzpopminCommand},
    {"bzpopmax", -3, kCmdWrite | kCmdNoScript | kCmdBlocking | kCmdFast, kZWrite | kAclFast | kAclBlocking,
     kKeysThenTimeout, bzpopmaxCommand},
    {"bzmpop", -5, kCmdWrite | kCmdBlocking | kCmdMovableKeys, kZWrite | kAclSlow | kAclBlocking, kNoKeys,
     bzmpopCommand, {}, 2},
    {"zrandmember", -2, kCmdReadonly, kZRead | kAclSlow, kOneKey, zrandmemberCommand},
    {"zscan", -3, kCmdReadonly, kZRead | kAclSlow, kOneKey, zscanCommand},
};

}  // namespace

std::span<const CommandSpec> zsetCommands() { return kZSetCommands; }

}  // namespace ember
