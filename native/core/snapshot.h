// Snapshot: the point-in-time image of a store's data (issue 6), as bytes.
// Writes every live key of every database through a sink, and loads such
// an image back into an empty store. No commands, no files here: the
// callers (SAVE/BGSAVE, startup) decide where the bytes go and come from.
//
// FORMAT (version 1). All integers are unsigned LEB128 varints ("varint":
// 7 bits per byte, low bits first, high bit set on every byte but the
// last, at most 10 bytes, value < 2^64) unless stated otherwise. A
// "string" is a varint length followed by that many raw bytes (any bytes,
// NUL and 0xFF included; at most kMaxBulkLen = 512 MiB).
//
//   offset 0   magic, 8 bytes: "EMBERSNP"
//   offset 8   format version, u32 little-endian: 1
//   then zero or more database sections, in strictly increasing db order,
//   one per database that has at least one live key:
//     byte 0xFE               section opcode
//     varint db               database index, 0..15
//     varint count            number of key records that follow (>= 1)
//     count key records:
//       byte type|flags       low 7 bits: value type, numbered as Redis's
//                             OBJ_* (0 string, 1 list, 2 set, 3 sorted
//                             set, 4 hash); bit 0x80: an expiry follows
//       string key
//       [i64 expiry]          only with bit 0x80: absolute Unix time in
//                             ms, 8 bytes little-endian two's complement
//       value, by type:
//         string   string (an integer-encoded value as its decimal text)
//         list     varint n >= 1, then n strings, head to tail
//         set      varint n >= 1, then n strings (distinct), any order
//         sorted   varint n >= 1, then n times: string member, score as
//         set      the 8 bytes of its IEEE-754 binary64 value, little-
//                  endian (never NaN; +-inf allowed); members distinct,
//                  written in ascending (score, member) order
//         hash     varint n >= 1, then n times: string field, string
//                  value (fields distinct), in the hash's own order
//                  (insertion order while it is a listpack)
//   byte 0xFF                 end marker
//   u64 checksum              little-endian CRC-64/Jones (crc64.h) of every
//                             byte before it, magic through end marker;
//                             nothing may follow it.
// A store with no live keys is the 12-byte header, 0xFF and the checksum.
//
// Writing (writeSnapshot): keys already expired at the store's clock are
// skipped, as Redis's RDB save does. The writer only reads: no access-clock
// (LRU/LFU) touch, no lazy expiry, no hit/miss counting, no rehash step.
// It streams through a SnapshotSink in blocks of kSnapshotBlockBytes, so it
// never holds more than one block of the image (a forked child can write
// straight to a file descriptor).
//
// Loading (loadSnapshot): validates everything (magic, version, every
// length and count against the bytes left, opcodes, types, db order,
// duplicate keys, members and fields, NaN scores, trailing bytes, the
// checksum) and reports the first problem with its byte offset. The
// target store must have no keys in any database (the load fills it
// directly, so that a good image costs one pass and no copy); on any
// error every database it loaded into is cleared again, so the store
// is as it was: empty. (One difference remains visible: a database
// whose slot array had been allocated before, by keys since deleted,
// gets its initial, unallocated array back.) Only std::bad_alloc may
// escape, as everywhere in the core; the store then holds part of the
// image and the caller is expected to give up on it.
//
// Values are rebuilt through the normal value APIs with the target's
// configured thresholds, in the order the image lists them: strings as
// SET stores them (int / embstr / raw by Entry::encodingFor), lists by
// pushes at the tail, hashes by HashRef::set from an inline listpack, sets
// by SetValue::add from the encoding SADD would start in, sorted sets by
// ZSetValue::insert (a set that ends up a skiplist is one from the start,
// as in Redis's rdbLoad, so every score keeps its saved bits, -0 too). So
// every key has the encoding, and makes the allocation requests, that
// inserting the same data with the same config gives. (used_memory counts
// usable sizes, and glibc may hand out a chunk ~16 bytes larger than asked
// depending on the heap's state, so totals agree within that slack; with
// an exact allocator, as under ASan, they are equal.) A value
// whose encoding or layout came from its history differs as it would in
// Redis after a reload: a hash or set converted by an element since
// removed is compact again, a raw string grown by APPEND loses its spare
// capacity, a list edited in the middle is re-chunked, and a skiplist's
// random node heights are drawn anew. Keys whose expiry has passed at load
// time are validated and dropped (as a Redis master does), except while
// the store's clock pauses expiry (an append-only log's base: the log's
// records that follow may still need them, as Redis keeps the keys of an
// AOF's RDB preamble).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "bytes.h"

namespace ember {

class Store;

inline constexpr char kSnapshotMagic[8] = {'E', 'M', 'B', 'E', 'R', 'S', 'N', 'P'};
inline constexpr uint32_t kSnapshotVersion = 1;
inline constexpr uint8_t kSnapshotOpDatabase = 0xFE;
inline constexpr uint8_t kSnapshotOpEnd = 0xFF;
inline constexpr uint8_t kSnapshotExpireFlag = 0x80;
// The writer hands the sink blocks of about this size (a large string
// value goes through in one piece, without a copy).
inline constexpr size_t kSnapshotBlockBytes = 64 * 1024;

// Where a snapshot's bytes go, in order.
class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;
  // Takes all of `bytes`; returns false if it cannot (the writer stops).
  virtual bool write(ByteView bytes) = 0;
};

// A sink that keeps the image in memory (tests, small stores).
class StringSink final : public SnapshotSink {
 public:
  bool write(ByteView bytes) override {
    data.append(bytes);
    return true;
  }
  std::string data;
};

struct SnapshotWriteResult {
  bool ok = false;
  uint64_t keys = 0;   // key records written
  uint64_t bytes = 0;  // bytes handed to the sink
  std::string error;   // when !ok: the sink refused a write
};

// Writes every live key of `store` (read only, see above) to `sink`.
SnapshotWriteResult writeSnapshot(Store& store, SnapshotSink& sink);

struct SnapshotLoadResult {
  bool ok = false;
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;  // records dropped: expired at load time
  // When !ok: the offset of the first problem found, and the error text,
  // which names it too ("truncated at offset 17: ...").
  size_t error_offset = 0;
  std::string error;
};

// Progress of a load: bytes of the input done, of how many. Loaders call
// it at the first record and then each time another kLoadProgressBytes
// are done (the snapshot loader here, the append-only log's replay).
using LoadProgressFn = std::function<void(uint64_t done_bytes, uint64_t total_bytes)>;
inline constexpr size_t kLoadProgressBytes = 16u << 20;

// Loads the image `data` into `into`, whose databases must all be empty
// (see above for validation and what an error leaves behind). `progress`
// may be empty.
SnapshotLoadResult loadSnapshot(ByteView data, Store& into, const LoadProgressFn& progress = {});

}  // namespace ember
