// Snapshot writer and loader: the format and the rules are in snapshot.h.
#include "snapshot.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "collection.h"
#include "crc64.h"
#include "entry.h"
#include "hash_ref.h"
#include "keyspace.h"
#include "list_value.h"
#include "numbers.h"
#include "set_value.h"
#include "store.h"
#include "varint.h"
#include "zset_value.h"

namespace ember {
namespace {

constexpr size_t kHeaderBytes = sizeof kSnapshotMagic + 4;
constexpr uint8_t kMaxValueType = static_cast<uint8_t>(ValueType::kHash);

// ===========================================================================
// Writing

// Buffers the image into blocks for the sink and checksums every byte that
// goes by. After a refused write it drops everything (ok() says so).
class ImageWriter {
 public:
  explicit ImageWriter(SnapshotSink& sink) : sink_(sink) { buf_.reserve(kSnapshotBlockBytes); }

  bool ok() const { return ok_; }
  uint64_t written() const { return written_; }

  void byte(uint8_t b) {
    buf_.push_back(static_cast<char>(b));
    if (buf_.size() >= kSnapshotBlockBytes) flush();
  }
  void varint(uint64_t v) {
    char tmp[kMaxVarintBytes];
    raw(ByteView(tmp, encodeVarint(v, tmp)));
  }
  void u64le(uint64_t v) {
    char tmp[8];
    for (int i = 0; i < 8; i++) tmp[i] = static_cast<char>(v >> (8 * i));
    raw(ByteView(tmp, 8));
  }
  void string(ByteView s) {
    varint(s.size());
    raw(s);
  }
  // Bytes as they are. A piece as large as a block skips the buffer.
  void raw(ByteView bytes) {
    if (bytes.size() < kSnapshotBlockBytes) {
      buf_.append(bytes);
      if (buf_.size() >= kSnapshotBlockBytes) flush();
      return;
    }
    flush();
    emit(bytes);
  }
  void flush() {
    emit(buf_);
    buf_.clear();
  }
  // Flushes, then writes the checksum of everything so far (not itself
  // checksummed).
  void finish() {
    flush();
    const uint64_t crc = crc_;
    u64le(crc);
    flush();
  }

 private:
  void emit(ByteView bytes) {
    if (!ok_ || bytes.empty()) return;
    crc_ = crc64(crc_, bytes);
    if (!sink_.write(bytes)) {
      ok_ = false;
      return;
    }
    written_ += bytes.size();
  }

  SnapshotSink& sink_;
  std::string buf_;
  uint64_t crc_ = 0;
  uint64_t written_ = 0;
  bool ok_ = true;
};

void writeStringValue(ImageWriter& w, const Entry* e) {
  if (e->encoding() == Encoding::kInt) {
    char digits[kInt64DigitsMax];
    w.string(formatInt64(e->intValue(), digits));
  } else {
    w.string(e->stringBytes());
  }
}

void writeList(ImageWriter& w, const ListValue& list) {
  w.varint(list.size());
  char digits[kInt64DigitsMax];
  for (ListValue::Cursor c = list.begin(); c.valid(); c.next()) w.string(c.get().bytes(digits));
}

void writeSet(ImageWriter& w, const SetValue& set) {
  w.varint(set.size());
  set.forEach([&](ByteView member) { w.string(member); });
}

void writeZSet(ImageWriter& w, const ZSetValue& zset) {
  w.varint(zset.size());
  zset.forEach([&](ByteView member, double score) {
    w.string(member);
    uint64_t bits;
    std::memcpy(&bits, &score, sizeof bits);
    w.u64le(bits);
  });
}

void writeHash(ImageWriter& w, Entry* e) {
  // HashRef only reads here: forEach and size() never convert or move.
  MemoryCounter unused;
  const HashRef hash(unused, e);
  w.varint(hash.size());
  hash.forEach([&](ByteView field, ByteView value) {
    w.string(field);
    w.string(value);
  });
}

void writeRecord(ImageWriter& w, Entry* e) {
  const ValueType type = e->type();
  w.byte(static_cast<uint8_t>(type) | (e->hasExpire() ? kSnapshotExpireFlag : 0));
  w.string(e->key());
  if (e->hasExpire()) w.u64le(static_cast<uint64_t>(e->expireAt()));
  switch (type) {
    case ValueType::kString:
      return writeStringValue(w, e);
    case ValueType::kList:
      return writeList(w, *e->collectionAs<ListValue>());
    case ValueType::kSet:
      return writeSet(w, *e->collectionAs<SetValue>());
    case ValueType::kZSet:
      return writeZSet(w, *e->collectionAs<ZSetValue>());
    case ValueType::kHash:
      return writeHash(w, e);
  }
}

// Keys of `db` that are not expired at `now` (a section's count comes
// before its records). Without volatile keys that is the table's size.
uint64_t liveKeys(const Keyspace& db, int64_t now) {
  if (db.expiresCount() == 0) return db.size();
  uint64_t n = 0;
  db.forEach([&](const Entry* e) { n += !e->isExpiredAt(now); });
  return n;
}

}  // namespace

SnapshotWriteResult writeSnapshot(Store& store, SnapshotSink& sink) {
  SnapshotWriteResult result;
  ImageWriter w(sink);
  const int64_t now = store.nowMs();
  w.raw(ByteView(kSnapshotMagic, sizeof kSnapshotMagic));
  for (int i = 0; i < 4; i++) w.byte(static_cast<uint8_t>(kSnapshotVersion >> (8 * i)));
  for (int index = 0; index < Store::kDatabases && w.ok(); index++) {
    const Keyspace& db = store.db(index);
    const uint64_t count = liveKeys(db, now);
    if (count == 0) continue;
    w.byte(kSnapshotOpDatabase);
    w.varint(static_cast<uint64_t>(index));
    w.varint(count);
    db.forEach([&](Entry* e) {
      if (e->isExpiredAt(now) || !w.ok()) return;
      writeRecord(w, e);
      result.keys++;
    });
  }
  w.byte(kSnapshotOpEnd);
  w.finish();
  result.ok = w.ok();
  result.bytes = w.written();
  if (!result.ok) result.error = "the snapshot sink refused a write after " + std::to_string(w.written()) + " bytes";
  return result;
}

namespace {

// ===========================================================================
// Loading

// A cursor over the image that checks every read against the bytes left
// and records the first error with its offset. Every read returns false
// once an error is recorded.
class ImageReader {
 public:
  explicit ImageReader(ByteView data) : data_(data) {}

  size_t pos() const { return pos_; }
  // Goes back to `pos`, a position this reader has already passed.
  void seek(size_t pos) { pos_ = pos; }
  size_t left() const { return data_.size() - pos_; }
  bool failed() const { return !error_.empty(); }
  size_t errorOffset() const { return error_offset_; }
  const std::string& error() const { return error_; }

  // Records the first error: "<what> at offset N[: detail]".
  bool fail(size_t offset, std::string_view what, std::string_view detail = {}) {
    if (failed()) return false;
    error_offset_ = offset;
    error_ = std::string(what) + " at offset " + std::to_string(offset);
    if (!detail.empty()) error_ += ": " + std::string(detail);
    return false;
  }

  bool need(size_t n, std::string_view what) {
    if (n <= left()) return true;
    return fail(pos_, "truncated", std::string(what) + " needs " + std::to_string(n) + " bytes, " +
                                       std::to_string(left()) + " left");
  }
  bool byte(uint8_t* out, std::string_view what) {
    if (!need(1, what)) return false;
    *out = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool bytes(size_t n, ByteView* out, std::string_view what) {
    if (!need(n, what)) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool u64le(uint64_t* out, std::string_view what) {
    ByteView b;
    if (!bytes(8, &b, what)) return false;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(b[static_cast<size_t>(i)]);
    *out = v;
    return true;
  }
  bool varint(uint64_t* out, std::string_view what) {
    const size_t start = pos_;
    uint64_t v = 0;
    for (size_t i = 0; i < kMaxVarintBytes; i++) {
      uint8_t b;
      if (!byte(&b, what)) return false;
      // The tenth byte holds bit 63 only.
      if (i == kMaxVarintBytes - 1 && b > 1) return fail(start, "invalid varint", std::string(what) + " overflows 64 bits");
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) {
        *out = v;
        return true;
      }
    }
    return fail(start, "invalid varint", std::string(what) + " is longer than 10 bytes");
  }
  bool string(ByteView* out, std::string_view what) {
    const size_t start = pos_;
    uint64_t n;
    if (!varint(&n, what)) return false;
    if (n > kMaxBulkLen) {
      return fail(start, "invalid length", std::string(what) + " of " + std::to_string(n) + " bytes exceeds 512 MiB");
    }
    return bytes(static_cast<size_t>(n), out, what);
  }
  // An element count, checked against the bytes left: every element takes
  // at least `min_bytes`, so a corrupt count cannot make anyone reserve or
  // loop beyond what the image holds.
  bool count(uint64_t* out, size_t min_bytes, std::string_view what) {
    const size_t start = pos_;
    if (!varint(out, what)) return false;
    if (*out == 0) return fail(start, "invalid count", std::string(what) + " is 0");
    if (*out > left() / min_bytes) {
      return fail(start, "truncated", std::string(what) + " " + std::to_string(*out) + " needs at least " +
                                          std::to_string(*out * min_bytes) + " bytes, " + std::to_string(left()) +
                                          " left");
    }
    return true;
  }

 private:
  ByteView data_;
  size_t pos_ = 0;
  size_t error_offset_ = 0;
  std::string error_;
};

// The thresholds a value is rebuilt with: the target's config, read as the
// command families read it.
struct BuildLimits {
  HashLimits hash;
  ZSetLimits zset;
  size_t max_intset_entries;
  int64_t list_fill;

  explicit BuildLimits(const StoreConfig& c)
      : hash{static_cast<size_t>(std::max<int64_t>(c.hash_max_listpack_entries, 0)),
             static_cast<size_t>(std::max<int64_t>(c.hash_max_listpack_value, 0))},
        zset{static_cast<size_t>(std::max<int64_t>(c.zset_max_listpack_entries, 0)),
             static_cast<size_t>(std::max<int64_t>(c.zset_max_listpack_value, 0))},
        // sets.cc caps it at 2^30 (the intset's own limit).
        max_intset_entries(static_cast<size_t>(std::clamp<int64_t>(c.set_max_intset_entries, 0, int64_t{1} << 30))),
        list_fill(c.list_max_listpack_size) {}
};

// A collection being built, freed unless released into an entry.
struct CollectionDeleter {
  void operator()(Collection* c) const { destroyCollection(c); }
};
template <class T>
using Owned = std::unique_ptr<T, CollectionDeleter>;

// One key record being read. `db` is null when the key is dropped
// (expired): its value is then only validated.
struct Record {
  ByteView key;
  int64_t expire_at = kNoExpire;
  Keyspace* db = nullptr;
};

// Wraps a built collection in an entry and stores it (put owns the entry
// from there, also when it throws).
template <class T>
void storeCollection(const Record& rec, ValueType type, Owned<T> value) {
  Entry* e = Entry::newCollection(rec.db->memory(), rec.key, type, value.get(), rec.expire_at);
  value.release();
  rec.db->put(e);
}

bool loadString(ImageReader& r, const Record& rec) {
  ByteView value;
  if (!r.string(&value, "string value")) return false;
  if (rec.db) {
    rec.db->put(Entry::newString(rec.db->memory(), rec.key, value, Entry::encodingFor(value), rec.expire_at));
  }
  return true;
}

bool loadList(ImageReader& r, const Record& rec, const BuildLimits& limits) {
  uint64_t n;
  if (!r.count(&n, 1, "list length")) return false;
  Owned<ListValue> list;
  if (rec.db) list.reset(makeCollection<ListValue>(rec.db->memory(), limits.list_fill));
  for (uint64_t i = 0; i < n; i++) {
    ByteView item;
    if (!r.string(&item, "list element")) return false;
    if (list) list->pushBack(item);
  }
  if (list) storeCollection(rec, ValueType::kList, std::move(list));
  return true;
}

bool loadSet(ImageReader& r, const Record& rec, const BuildLimits& limits) {
  uint64_t n;
  if (!r.count(&n, 1, "set size")) return false;
  Owned<SetValue> set;
  for (uint64_t i = 0; i < n; i++) {
    const size_t at = r.pos();
    ByteView member;
    if (!r.string(&member, "set member")) return false;
    if (!rec.db) continue;
    // The encoding SADD would start the set in, given its first member.
    if (!set) set.reset(makeCollection<SetValue>(rec.db->memory(), SetValue::startsAsIntSet(member)));
    if (!set->add(member, limits.max_intset_entries)) return r.fail(at, "duplicate set member");
  }
  if (set) storeCollection(rec, ValueType::kSet, std::move(set));
  return true;
}

// Validates a sorted set's n members and scores (no NaN), and finds its
// longest member, leaving the reader after them.
bool scanZSet(ImageReader& r, uint64_t n, size_t* longest) {
  *longest = 0;
  for (uint64_t i = 0; i < n; i++) {
    ByteView member;
    uint64_t bits;
    if (!r.string(&member, "sorted set member")) return false;
    const size_t score_at = r.pos();
    if (!r.u64le(&bits, "score")) return false;
    double score;
    std::memcpy(&score, &bits, sizeof score);
    if (std::isnan(score)) return r.fail(score_at, "invalid score", "NaN");
    *longest = std::max(*longest, member.size());
  }
  return true;
}

bool loadZSet(ImageReader& r, const Record& rec, const BuildLimits& limits) {
  uint64_t n;
  if (!r.count(&n, 9, "sorted set size")) return false;
  const size_t start = r.pos();
  size_t longest;
  if (!scanZSet(r, n, &longest) || !rec.db) return !r.failed();
  // A set that will be a skiplist is one from the start (as Redis's
  // rdbLoad builds it): scores then keep every bit they were saved with
  // (a listpack stores -0 as 0, so a skiplist that got -0 after its
  // conversion would otherwise come back with 0), and the quadratic
  // listpack phase is skipped. The encoding is the same either way.
  Owned<ZSetValue> zset(makeCollection<ZSetValue>(rec.db->memory()));
  if (n > limits.zset.max_entries || longest > limits.zset.max_value) zset->convertToSkiplist();
  r.seek(start);  // the second pass reads what the first validated
  for (uint64_t i = 0; i < n; i++) {
    const size_t at = r.pos();
    ByteView member;
    uint64_t bits = 0;
    r.string(&member, "sorted set member");
    r.u64le(&bits, "score");
    double score;
    std::memcpy(&score, &bits, sizeof score);
    if (zset->score(member)) return r.fail(at, "duplicate sorted set member");
    zset->insert(member, score, limits.zset);
  }
  storeCollection(rec, ValueType::kZSet, std::move(zset));
  return true;
}

bool loadHash(ImageReader& r, const Record& rec, const BuildLimits& limits) {
  uint64_t n;
  if (!r.count(&n, 2, "hash size")) return false;
  // As HSET builds a new hash: an empty inline listpack, converted by
  // HashRef::set when it outgrows the limits. Freed here on any error.
  HashRef hash;
  if (rec.db) {
    MemoryCounter& mem = rec.db->memory();
    hash = HashRef(mem, Entry::newInline(mem, rec.key, ValueType::kHash, 0, rec.expire_at));
  }
  auto discard = [&] {
    if (hash) Entry::destroy(rec.db->memory(), hash.entry());
    return false;
  };
  for (uint64_t i = 0; i < n; i++) {
    const size_t at = r.pos();
    ByteView field, value;
    if (!r.string(&field, "hash field") || !r.string(&value, "hash value")) return discard();
    if (!hash) continue;
    try {
      if (!hash.set(field, value, limits.hash)) {
        r.fail(at, "duplicate hash field");
        return discard();
      }
    } catch (...) {
      discard();
      throw;
    }
  }
  if (hash) rec.db->put(hash.entry());
  return true;
}

bool loadValue(ImageReader& r, ValueType type, const Record& rec, const BuildLimits& limits) {
  switch (type) {
    case ValueType::kString:
      return loadString(r, rec);
    case ValueType::kList:
      return loadList(r, rec, limits);
    case ValueType::kSet:
      return loadSet(r, rec, limits);
    case ValueType::kZSet:
      return loadZSet(r, rec, limits);
    case ValueType::kHash:
      return loadHash(r, rec, limits);
  }
  return false;
}

// Loads the image into the store; the caller rolls back on failure.
class Loader {
 public:
  Loader(ByteView data, Store& store, const LoadProgressFn& progress)
      : data_(data), r_(data), store_(store), limits_(store.config()), now_(store.nowMs()), progress_(progress) {}

  ImageReader& reader() { return r_; }
  uint64_t loaded() const { return loaded_; }
  uint64_t expired() const { return expired_; }
  // Databases that may hold loaded keys (to clear on failure).
  const std::vector<int>& touched() const { return touched_; }

  bool run() { return header() && sections() && trailer(); }

 private:
  bool header() {
    ByteView magic;
    if (!r_.bytes(sizeof kSnapshotMagic, &magic, "magic")) return false;
    if (std::memcmp(magic.data(), kSnapshotMagic, sizeof kSnapshotMagic) != 0) {
      return r_.fail(0, "bad magic", "not an emberkv snapshot");
    }
    ByteView v;
    if (!r_.bytes(4, &v, "format version")) return false;
    uint32_t version = 0;
    for (int i = 3; i >= 0; i--) version = (version << 8) | static_cast<uint8_t>(v[static_cast<size_t>(i)]);
    if (version != kSnapshotVersion) {
      return r_.fail(sizeof kSnapshotMagic, "unsupported format version " + std::to_string(version));
    }
    return true;
  }

  // Sections up to and including the end marker.
  bool sections() {
    int last_db = -1;
    for (;;) {
      const size_t at = r_.pos();
      uint8_t op;
      if (!r_.byte(&op, "opcode")) return false;
      if (op == kSnapshotOpEnd) return true;
      if (op != kSnapshotOpDatabase) return r_.fail(at, "unknown opcode " + std::to_string(op));
      if (!section(&last_db)) return false;
    }
  }

  bool section(int* last_db) {
    const size_t at = r_.pos();
    uint64_t index;
    if (!r_.varint(&index, "database index")) return false;
    if (index >= Store::kDatabases) return r_.fail(at, "database index " + std::to_string(index) + " out of range");
    if (static_cast<int>(index) <= *last_db) {
      return r_.fail(at, "database " + std::to_string(index) + " out of order", "after database " + std::to_string(*last_db));
    }
    *last_db = static_cast<int>(index);
    uint64_t count;
    // The smallest record: type, empty key, a one-byte value.
    if (!r_.count(&count, 3, "key count")) return false;
    Keyspace& db = store_.db(static_cast<int>(index));
    touched_.push_back(static_cast<int>(index));
    for (uint64_t i = 0; i < count; i++) {
      if (!record(db)) return false;
    }
    return true;
  }

  bool record(Keyspace& db) {
    const size_t at = r_.pos();
    if (progress_ && at >= next_report_) {
      progress_(at, data_.size());
      next_report_ = at + kLoadProgressBytes;
    }
    uint8_t tag;
    if (!r_.byte(&tag, "value type")) return false;
    const uint8_t type = tag & ~kSnapshotExpireFlag;
    if (type > kMaxValueType) return r_.fail(at, "unknown value type " + std::to_string(type));
    Record rec;
    const size_t key_at = r_.pos();
    if (!r_.string(&rec.key, "key")) return false;
    if (tag & kSnapshotExpireFlag) {
      uint64_t bits;
      if (!r_.u64le(&bits, "expiry")) return false;
      rec.expire_at = static_cast<int64_t>(bits);
    }
    // Dropped if expired by now (a negative time always, which also keeps
    // kNoExpire's value out of an entry's expiry; others not while the
    // clock pauses expiry: an append-only log's base is loaded so).
    const bool expired = (tag & kSnapshotExpireFlag) &&
                         (rec.expire_at < 0 || (!store_.clock().expiry_paused && rec.expire_at < now_));
    if (!expired) {
      if (db.peek(rec.key)) return r_.fail(key_at, "duplicate key");
      rec.db = &db;
    }
    if (!loadValue(r_, static_cast<ValueType>(type), rec, limits_)) return false;
    (expired ? expired_ : loaded_)++;
    return true;
  }

  // The checksum after the end marker, and nothing after it.
  bool trailer() {
    const size_t at = r_.pos();
    uint64_t stored;
    if (!r_.u64le(&stored, "checksum")) return false;
    if (r_.left() != 0) return r_.fail(r_.pos(), "trailing bytes", std::to_string(r_.left()) + " after the checksum");
    const uint64_t computed = crc64(0, data_.substr(0, at));
    if (stored != computed) return r_.fail(at, "checksum mismatch");
    return true;
  }

  ByteView data_;
  ImageReader r_;
  Store& store_;
  BuildLimits limits_;
  int64_t now_;
  const LoadProgressFn& progress_;
  size_t next_report_ = 0;
  uint64_t loaded_ = 0;
  uint64_t expired_ = 0;
  std::vector<int> touched_;
};

bool storeIsEmpty(Store& store) {
  for (int i = 0; i < Store::kDatabases; i++) {
    if (store.db(i).size() != 0) return false;
  }
  return true;
}

}  // namespace

SnapshotLoadResult loadSnapshot(ByteView data, Store& into, const LoadProgressFn& progress) {
  SnapshotLoadResult result;
  if (!storeIsEmpty(into)) {
    result.error = "the target store is not empty";
    return result;
  }
  Loader loader(data, into, progress);
  if (loader.run()) {
    result.ok = true;
    result.keys_loaded = loader.loaded();
    result.keys_expired = loader.expired();
    return result;
  }
  for (int index : loader.touched()) into.db(index).clear();
  result.error_offset = loader.reader().errorOffset();
  result.error = loader.reader().error();
  return result;
}

}  // namespace ember
