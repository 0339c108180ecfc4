// The lists command family: pushes (LPUSH, RPUSH, LPUSHX, RPUSHX), pops
// (LPOP, RPOP with COUNT, LMPOP), reads (LLEN, LRANGE, LINDEX, LPOS), edits
// (LSET, LINSERT, LREM, LTRIM), moves (LMOVE, RPOPLPUSH) and the blocking
// pops and move (BLPOP, BRPOP, BLMPOP, BLMOVE), with the table that
// declares them. The data structure is ListValue (list_value.h).
//
// A blocking command never waits here (see Store::blockOn): it serves now
// exactly as its non-blocking counterpart, or replies null and records the
// keys it would wait for.
//
// Semantics follow Redis 7.0's t_list.c reply for reply, including the order
// of checks (which arguments are parsed before the key is looked up, and
// which after). OBJECT ENCODING is always "quicklist", as in Redis 7.0.
//
// Invariants kept here:
//  - a list key is never empty: the command that removes the last element
//    removes the key;
//  - every push that adds elements signals the key as ready (Redis's
//    signalKeyAsReady), for blocked pops served by a front end;
//  - the work of a command is bounded by the list's real size, whatever
//    counts or indexes it is given.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "../command.h"
#include "../command_table.h"
#include "../entry.h"
#include "../errors.h"
#include "../keyspace.h"
#include "../list_value.h"
#include "../numbers.h"
#include "../store.h"
#include "blocking_args.h"
#include "mpop_args.h"

namespace ember {
namespace {

constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start "
    "from the end of the list";
constexpr std::string_view kCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kMaxlenNegative = "ERR MAXLEN can't be negative";

// ---------------------------------------------------------------------------
// Shared helpers

// The list at `key`: nullptr when absent. Returns false after replying
// WRONGTYPE when the key holds another type.
bool lookupList(CommandContext& ctx, ByteView key, bool write, ListValue** out) {
  Entry* e = write ? ctx.db.lookupWrite(key) : ctx.db.lookupRead(key);
  *out = nullptr;
  if (!e) return true;
  if (e->type() != ValueType::kList) {
    ctx.reply.error(err::kWrongType);
    return false;
  }
  *out = e->collectionAs<ListValue>();
  return true;
}

// A new, empty list stored at `key` (the caller fills it before replying).
ListValue* createList(CommandContext& ctx, ByteView key) {
  ListValue* list = makeCollection<ListValue>(ctx.db.memory(), ctx.store.config().list_max_listpack_size);
  ctx.db.putCollection(key, ValueType::kList, list);
  return list;
}

void replyItem(ReplyBuilder& reply, const ListItem& item) {
  if (item.is_int) {
    reply.bulkInteger(item.num);
  } else {
    reply.bulk(item.str);
  }
}

std::string itemString(const ListItem& item) {
  char digits[kInt64DigitsMax];
  return std::string(item.bytes(digits));
}

enum class End { kLeft, kRight };

void push(ListValue* list, End end, ByteView value) {
  if (end == End::kLeft) {
    list->pushFront(value);
  } else {
    list->pushBack(value);
  }
}

// Removes the key if its list became empty (Redis never keeps one).
void dropIfEmpty(CommandContext& ctx, ListValue* list, ByteView key) {
  if (list->size() == 0) ctx.db.remove(key);
}

// Redis's getListPositionFromObjectOrReply: LEFT or RIGHT, any case.
std::optional<End> parseEnd(CommandContext& ctx, ByteView arg) {
  if (optionIs(arg, "left")) return End::kLeft;
  if (optionIs(arg, "right")) return End::kRight;
  ctx.reply.error(err::kSyntax);
  return std::nullopt;
}

// An integer argument (Redis's getLongFromObjectOrReply), or nullopt after
// replying `error`.
std::optional<int64_t> intArg(CommandContext& ctx, ByteView arg, std::string_view error = err::kNotInteger) {
  std::optional<int64_t> v = parseInt64(arg);
  if (!v) ctx.reply.error(error);
  return v;
}

// Replies the element at `end` (a bulk) and removes it (the list is not
// empty).
void replyAndPop(CommandContext& ctx, ListValue* list, End end) {
  if (end == End::kLeft) {
    replyItem(ctx.reply, list->front());
    list->popFront();
  } else {
    replyItem(ctx.reply, list->back());
    list->popBack();
  }
}

// Replies the element popped from `end` (a bulk), removing the key if the
// list empties.
void popOne(CommandContext& ctx, ListValue* list, ByteView key, End end) {
  replyAndPop(ctx, list, end);
  dropIfEmpty(ctx, list, key);
}

// Replies up to `count` elements popped from `end` (an array), removing
// the key if the list empties.
void popRange(CommandContext& ctx, ListValue* list, ByteView key, End end, uint64_t count) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(count, list->size()));
  ctx.reply.array(static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; i++) replyAndPop(ctx, list, end);
  dropIfEmpty(ctx, list, key);
}

// ---------------------------------------------------------------------------
// Pushes

// Redis's pushGenericCommand; `only_existing` for LPUSHX / RPUSHX.
void pushGeneric(CommandContext& ctx, End end, bool only_existing) {
  ByteView key = ctx.arg(1);
  ListValue* list;
  if (!lookupList(ctx, key, true, &list)) return;
  if (!list) {
    if (only_existing) {
      ctx.reply.integer(0);
      return;
    }
    list = createList(ctx, key);
  }
  for (size_t j = 2; j < ctx.argc(); j++) push(list, end, ctx.arg(j));
  ctx.store.signalKeyReady(ctx.db_index, key);
  ctx.reply.integer(static_cast<int64_t>(list->size()));
}

void lpushCommand(CommandContext& ctx) { pushGeneric(ctx, End::kLeft, false); }
void rpushCommand(CommandContext& ctx) { pushGeneric(ctx, End::kRight, false); }
void lpushxCommand(CommandContext& ctx) { pushGeneric(ctx, End::kLeft, true); }
void rpushxCommand(CommandContext& ctx) { pushGeneric(ctx, End::kRight, true); }

// ---------------------------------------------------------------------------
// Pops

// Redis's popGenericCommand: the count (if any) is checked before the key;
// a missing key replies null (a null array with a count).
void popGeneric(CommandContext& ctx, End end) {
  if (ctx.argc() > 3) {
    ctx.reply.error(err::wrongArity(ctx.command.name));
    return;
  }
  bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count) {
    std::optional<int64_t> c = parseInt64(ctx.arg(2));
    if (!c || *c < 0) {
      ctx.reply.error(err::kMustBePositive);
      return;
    }
    count = *c;
  }
  ByteView key = ctx.arg(1);
  ListValue* list;
  if (!lookupList(ctx, key, true, &list)) return;
  if (!list) {
    if (has_count) {
      ctx.reply.nullArray();
    } else {
      ctx.reply.null();
    }
    return;
  }
  if (!has_count) {
    popOne(ctx, list, key, end);
    return;
  }
  popRange(ctx, list, key, end, static_cast<uint64_t>(count));
}

void lpopCommand(CommandContext& ctx) { popGeneric(ctx, End::kLeft); }
void rpopCommand(CommandContext& ctx) { popGeneric(ctx, End::kRight); }

// The walk of Redis's mpopGenericCommand and blockingPopGenericCommand over
// the keys argv[first, last): the first list found is popped; a key of
// another type met before it is an error (false, after replying it); keys
// after it are not looked at. *found is null when no key holds a list.
bool findFirstList(CommandContext& ctx, size_t first, size_t last, size_t* index, ListValue** found) {
  for (size_t j = first; j < last; j++) {
    if (!lookupList(ctx, ctx.arg(j), true, found)) return false;
    if (*found) {
      *index = j;
      return true;
    }
  }
  return true;
}

// Pops from the first list of argv[first, last). Without `count` one
// element, replied [key, element] (BLPOP, BRPOP); with it up to `count`,
// replied [key, [element ...]] (LMPOP, BLMPOP). With nothing to pop the
// reply is a null array, and a blocking command (`block_ms` set) also
// records that it waits for those keys.
void popFirstList(CommandContext& ctx, size_t first, size_t last, End end, std::optional<int64_t> count,
                  std::optional<int64_t> block_ms) {
  size_t index = 0;
  ListValue* list;
  if (!findFirstList(ctx, first, last, &index, &list)) return;
  if (!list) {
    ctx.reply.nullArray();
    if (block_ms) blockOnKeys(ctx, first, last, *block_ms);
    return;
  }
  ByteView key = ctx.arg(index);
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  if (count) {
    popRange(ctx, list, key, end, static_cast<uint64_t>(*count));
  } else {
    popOne(ctx, list, key, end);
  }
}

// Redis's blockingPopGenericCommand for BLPOP / BRPOP key [key ...]
// timeout: the timeout is checked first, then the keys in order.
void blockingPopGeneric(CommandContext& ctx, End end) {
  const size_t timeout_index = ctx.argc() - 1;
  std::optional<int64_t> timeout = parseBlockingTimeout(ctx, ctx.arg(timeout_index));
  if (!timeout) return;
  popFirstList(ctx, 1, timeout_index, end, std::nullopt, timeout);
}

void blpopCommand(CommandContext& ctx) { blockingPopGeneric(ctx, End::kLeft); }
void brpopCommand(CommandContext& ctx) { blockingPopGeneric(ctx, End::kRight); }

// ---------------------------------------------------------------------------
// Reads

void llenCommand(CommandContext& ctx) {
  ListValue* list;
  if (!lookupList(ctx, ctx.arg(1), false, &list)) return;
  ctx.reply.integer(list ? static_cast<int64_t>(list->size()) : 0);
}

void lrangeCommand(CommandContext& ctx) {
  std::optional<int64_t> start = intArg(ctx, ctx.arg(2));
  if (!start) return;
  std::optional<int64_t> end = intArg(ctx, ctx.arg(3));
  if (!end) return;
  ListValue* list;
  if (!lookupList(ctx, ctx.arg(1), false, &list)) return;
  if (!list) {
    ctx.reply.array(0);
    return;
  }
  int64_t llen = static_cast<int64_t>(list->size());
  int64_t s = *start, e = *end;
  if (s < 0) s += llen;
  if (e < 0) e += llen;
  if (s < 0) s = 0;
  if (s > e || s >= llen) {
    ctx.reply.array(0);
    return;
  }
  if (e >= llen) e = llen - 1;
  size_t n = static_cast<size_t>(e - s + 1);
  ctx.reply.array(static_cast<uint32_t>(n));
  ListValue::Cursor cur = list->at(static_cast<size_t>(s));
  for (size_t i = 0; i < n; i++, cur.next()) replyItem(ctx.reply, cur.get());
}

// A list index (negative from the end) as a position, or nullopt if out of
// range.
std::optional<size_t> position(const ListValue* list, int64_t index) {
  int64_t llen = static_cast<int64_t>(list->size());
  if (index < 0) index += llen;
  if (index < 0 || index >= llen) return std::nullopt;
  return static_cast<size_t>(index);
}

void lindexCommand(CommandContext& ctx) {
  ListValue* list;
  if (!lookupList(ctx, ctx.arg(1), false, &list)) return;
  if (!list) {
    ctx.reply.null();
    return;
  }
  std::optional<int64_t> index = intArg(ctx, ctx.arg(2));
  if (!index) return;
  std::optional<size_t> pos = position(list, *index);
  if (!pos) {
    ctx.reply.null();
    return;
  }
  replyItem(ctx.reply, list->at(*pos).get());
}

// Redis's lposCommand. Options are all parsed before the key is read.
void lposCommand(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t j = 3; j < ctx.argc(); j++) {
    ByteView opt = ctx.arg(j);
    bool more = j + 1 < ctx.argc();
    if (optionIs(opt, "rank") && more) {
      std::optional<int64_t> r = intArg(ctx, ctx.arg(++j));
      if (!r) return;
      if (*r == 0) {
        ctx.reply.error(kRankZero);
        return;
      }
      rank = *r;
    } else if (optionIs(opt, "count") && more) {
      std::optional<int64_t> c = parseInt64(ctx.arg(++j));
      if (!c || *c < 0) {
        ctx.reply.error(kCountNegative);
        return;
      }
      count = *c;
    } else if (optionIs(opt, "maxlen") && more) {
      std::optional<int64_t> m = parseInt64(ctx.arg(++j));
      if (!m || *m < 0) {
        ctx.reply.error(kMaxlenNegative);
        return;
      }
      maxlen = *m;
    } else {
      ctx.reply.error(err::kSyntax);
      return;
    }
  }
  ListValue* list;
  if (!lookupList(ctx, ctx.arg(1), false, &list)) return;
  if (!list) {
    if (count != -1) {
      ctx.reply.array(0);
    } else {
      ctx.reply.null();
    }
    return;
  }
  bool from_tail = rank < 0;
  // Redis negates the rank in a long: -LLONG_MIN stays negative there, so
  // every match qualifies (as with rank 1), and its "found enough" test
  // (matches - rank + 1 >= count) wraps around and never stops: COUNT is
  // then ignored.
  uint64_t want_rank = 1;
  if (rank == std::numeric_limits<int64_t>::min()) {
    if (count > 0) count = 0;
  } else {
    want_rank = static_cast<uint64_t>(rank < 0 ? -rank : rank);
  }
  ByteView element = ctx.arg(2);
  size_t llen = list->size();
  ListValue::Cursor cur = from_tail ? list->last() : list->begin();
  uint64_t matches = 0;
  uint32_t found = 0;
  size_t at = count != -1 ? ctx.reply.beginArray() : 0;
  bool replied = false;
  for (size_t index = 0; cur.valid() && (maxlen == 0 || index < static_cast<uint64_t>(maxlen)); index++) {
    if (cur.get().equals(element)) {
      matches++;
      if (matches >= want_rank) {
        int64_t reported = static_cast<int64_t>(from_tail ? llen - 1 - index : index);
        ctx.reply.integer(reported);
        found++;
        if (count == -1) {
          replied = true;
          break;
        }
        if (count != 0 && static_cast<int64_t>(found) >= count) break;
      }
    }
    if (from_tail) {
      cur.prev();
    } else {
      cur.next();
    }
  }
  if (count != -1) {
    ctx.reply.endAggregate(at, found);
  } else if (!replied) {
    ctx.reply.null();
  }
}

// ---------------------------------------------------------------------------
// Edits

void lsetCommand(CommandContext& ctx) {
  ListValue* list;
  if (!lookupList(ctx, ctx.arg(1), true, &list)) return;
  if (!list) {
    ctx.reply.error(err::kNoSuchKey);
    return;
  }
  std::optional<int64_t> index = intArg(ctx, ctx.arg(2));
  if (!index) return;
  std::optional<size_t> pos = position(list, *index);
  if (!pos) {
    ctx.reply.error(kIndexOutOfRange);
    return;
  }
  list->setAt(*pos, ctx.arg(3));
  ctx.reply.ok();
}

void linsertCommand(CommandContext& ctx) {
  bool after;
  if (optionIs(ctx.arg(2), "after")) {
    after = true;
  } else if (optionIs(ctx.arg(2), "before")) {
    after = false;
  } else {
    ctx.reply.error(err::kSyntax);
    return;
  }
  ByteView key = ctx.arg(1);
  ListValue* list;
  if (!lookupList(ctx, key, true, &list)) return;
  if (!list) {
    ctx.reply.integer(0);
    return;
  }
  ByteView pivot = ctx.arg(3);
  size_t index = 0;
  bool found = false;
  for (ListValue::Cursor cur = list->begin(); cur.valid(); cur.next(), index++) {
    if (cur.get().equals(pivot)) {
      found = true;
      break;
    }
  }
  if (!found) {
    ctx.reply.integer(-1);
    return;
  }
  list->insertAt(after ? index + 1 : index, ctx.arg(4));
  ctx.store.signalKeyReady(ctx.db_index, key);
  ctx.reply.integer(static_cast<int64_t>(list->size()));
}

void lremCommand(CommandContext& ctx) {
  std::optional<int64_t> count = intArg(ctx, ctx.arg(2));
  if (!count) return;
  ByteView key = ctx.arg(1);
  ListValue* list;
  if (!lookupList(ctx, key, true, &list)) return;
  if (!list) {
    ctx.reply.integer(0);
    return;
  }
  // |count| without overflow for INT64_MIN, capped by the list's size.
  uint64_t magnitude = *count < 0 ? 0 - static_cast<uint64_t>(*count) : static_cast<uint64_t>(*count);
  size_t limit = static_cast<size_t>(std::min<uint64_t>(magnitude, list->size()));
  size_t removed = list->removeEqual(ctx.arg(3), limit, *count < 0);
  dropIfEmpty(ctx, list, key);
  ctx.reply.integer(static_cast<int64_t>(removed));
}

void ltrimCommand(CommandContext& ctx) {
  std::optional<int64_t> start = intArg(ctx, ctx.arg(2));
  if (!start) return;
  std::optional<int64_t> end = intArg(ctx, ctx.arg(3));
  if (!end) return;
  ByteView key = ctx.arg(1);
  ListValue* list;
  if (!lookupList(ctx, key, true, &list)) return;
  if (!list) {
    ctx.reply.ok();
    return;
  }
  int64_t llen = static_cast<int64_t>(list->size());
  int64_t s = *start, e = *end;
  if (s < 0) s += llen;
  if (e < 0) e += llen;
  if (s < 0) s = 0;
  int64_t ltrim, rtrim;
  if (s > e || s >= llen) {
    ltrim = llen;
    rtrim = 0;
  } else {
    if (e >= llen) e = llen - 1;
    ltrim = s;
    rtrim = llen - e - 1;
  }
  list->removeFront(static_cast<size_t>(ltrim));
  list->removeBack(static_cast<size_t>(rtrim));
  dropIfEmpty(ctx, list, key);
  ctx.reply.ok();
}

// ---------------------------------------------------------------------------
// Moves

// Redis's lmoveGenericCommand: the source is checked first (a missing
// source replies null whatever the destination holds), then the
// destination's type, and only then is anything moved.
void lmoveGeneric(CommandContext& ctx, End from, End to) {
  ByteView source_key = ctx.arg(1);
  ByteView dest_key = ctx.arg(2);
  ListValue* source;
  if (!lookupList(ctx, source_key, true, &source)) return;
  if (!source) {
    ctx.reply.null();
    return;
  }
  ListValue* dest;
  if (!lookupList(ctx, dest_key, true, &dest)) return;
  std::string value = itemString(from == End::kLeft ? source->front() : source->back());
  if (from == End::kLeft) {
    source->popFront();
  } else {
    source->popBack();
  }
  // With source == destination the element goes back into the same list,
  // which therefore never empties here.
  if (!dest) dest = createList(ctx, dest_key);
  push(dest, to, value);
  ctx.store.signalKeyReady(ctx.db_index, dest_key);
  ctx.reply.bulk(value);
  if (source->size() == 0) ctx.db.remove(source_key);
}

void lmoveCommand(CommandContext& ctx) {
  std::optional<End> from = parseEnd(ctx, ctx.arg(3));
  if (!from) return;
  std::optional<End> to = parseEnd(ctx, ctx.arg(4));
  if (!to) return;
  lmoveGeneric(ctx, *from, *to);
}

void rpoplpushCommand(CommandContext& ctx) { lmoveGeneric(ctx, End::kRight, End::kLeft); }

// Redis's blmoveGenericCommand: BLMOVE source destination LEFT|RIGHT
// LEFT|RIGHT timeout. Only the source is looked at before blocking: with
// no source list the reply is null whatever the destination holds; with
// one, this is LMOVE (which checks the destination's type).
void blmoveCommand(CommandContext& ctx) {
  std::optional<End> from = parseEnd(ctx, ctx.arg(3));
  if (!from) return;
  std::optional<End> to = parseEnd(ctx, ctx.arg(4));
  if (!to) return;
  std::optional<int64_t> timeout = parseBlockingTimeout(ctx, ctx.arg(5));
  if (!timeout) return;
  ListValue* source;
  if (!lookupList(ctx, ctx.arg(1), true, &source)) return;
  if (!source) {
    ctx.reply.null();
    blockOnKeys(ctx, 1, 2, *timeout);
    return;
  }
  lmoveGeneric(ctx, *from, *to);
}

// Redis's lmpopGenericCommand: [B]LMPOP [timeout] numkeys key [key ...]
// LEFT|RIGHT [COUNT n], numkeys at `numkeys_index`. Checked in Redis's
// order: numkeys, the end, COUNT, then BLMPOP's timeout (argv[1]).
void lmpopGeneric(CommandContext& ctx, size_t numkeys_index, bool blocking) {
  std::optional<size_t> where_index = parseMpopNumkeys(ctx, numkeys_index);
  if (!where_index) return;
  std::optional<End> end = parseEnd(ctx, ctx.arg(*where_index));
  if (!end) return;
  std::optional<int64_t> count = parseMpopCount(ctx, *where_index);
  if (!count) return;
  std::optional<int64_t> timeout;
  if (blocking) {
    timeout = parseBlockingTimeout(ctx, ctx.arg(1));
    if (!timeout) return;
  }
  popFirstList(ctx, numkeys_index + 1, *where_index, *end, count, timeout);
}

void lmpopCommand(CommandContext& ctx) { lmpopGeneric(ctx, 1, false); }
void blmpopCommand(CommandContext& ctx) { lmpopGeneric(ctx, 2, true); }

// ---------------------------------------------------------------------------
// The table, as Redis 7.0's COMMAND INFO describes these commands.

constexpr uint32_t kRead = kAclRead | kAclList;
constexpr uint32_t kWrite = kAclWrite | kAclList;
constexpr KeyPositions kOneKey{1, 1, 1};
constexpr KeyPositions kTwoKeys{1, 2, 1};
// Every argument but the last (the timeout) is a key.
constexpr KeyPositions kKeysThenTimeout{1, -2, 1};

constexpr CommandSpec kListCommands[] = {
    {"lpush", -3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, lpushCommand, {}, 0, KeyAccess::kWrite},
    {"rpush", -3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, rpushCommand, {}, 0, KeyAccess::kWrite},
    {"lpushx", -3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, lpushxCommand, {}, 0, KeyAccess::kWrite},
    {"rpushx", -3, kCmdWrite | kCmdDenyOom | kCmdFast, kWrite | kAclFast, kOneKey, rpushxCommand, {}, 0, KeyAccess::kWrite},
    {"lpop", -2, kCmdWrite | kCmdFast, kWrite | kAclFast, kOneKey, lpopCommand},
    {"rpop", -2, kCmdWrite | kCmdFast, kWrite | kAclFast, kOneKey, rpopCommand},
    {"llen", 2, kCmdReadonly | kCmdFast, kRead | kAclFast, kOneKey, llenCommand, {}, 0, KeyAccess::kAny},
    {"lrange", 4, kCmdReadonly, kRead | kAclSlow, kOneKey, lrangeCommand},
    {"lindex", 3, kCmdReadonly, kRead | kAclSlow, kOneKey, lindexCommand},
    {"lset", 4, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, kOneKey, lsetCommand, {}, 0, KeyAccess::kWrite},
    {"linsert", 5, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, kOneKey, linsertCommand, {}, 0, KeyAccess::kWrite},
    {"lrem", 4, kCmdWrite, kWrite | kAclSlow, kOneKey, lremCommand, {}, 0, KeyAccess::kWrite},
    {"ltrim", 4, kCmdWrite, kWrite | kAclSlow, kOneKey, ltrimCommand, {}, 0, KeyAccess::kWrite},
    {"lpos", -3, kCmdReadonly, kRead | kAclSlow, kOneKey, lposCommand},
    {"lmove", 5, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, kTwoKeys, lmoveCommand, {}, 0, KeyAccess::kFirstReadWrittenRestWritten},
    {"rpoplpush", 3, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, kTwoKeys, rpoplpushCommand, {}, 0, KeyAccess::kFirstReadWrittenRestWritten},
    {"lmpop", -4, kCmdWrite | kCmdMovableKeys, kWrite | kAclSlow, {0, 0, 0}, lmpopCommand, {}, 1},
    {"blpop", -3, kCmdWrite | kCmdNoScript | kCmdBlocking, kWrite | kAclSlow | kAclBlocking, kKeysThenTimeout,
     blpopCommand},
    {"brpop", -3, kCmdWrite | kCmdNoScript | kCmdBlocking, kWrite | kAclSlow | kAclBlocking, kKeysThenTimeout,
     brpopCommand},
    {"blmove", 6, kCmdWrite | kCmdDenyOom | kCmdNoScript | kCmdBlocking, kWrite | kAclSlow | kAclBlocking, kTwoKeys,
     blmoveCommand, {}, 0, KeyAccess::kFirstReadWrittenRestWritten},
    {"blmpop", -5, kCmdWrite | kCmdBlocking | kCmdMovableKeys, kWrite | kAclSlow | kAclBlocking, {0, 0, 0},
     blmpopCommand, {}, 2},
};

}  // namespace

std::span<const CommandSpec> listCommands() { return kListCommands; }

}  // namespace ember
