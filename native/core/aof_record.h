// AOF records: how the append-only log's "incr" files frame the effects
// of writes (issue 6). Encoding and validating only: which effects are
// logged is Store's business (store.h), where the files live is
// append_log.h's, and replaying them is store_aof.cc's.
//
// FORMAT (version 1)
//
//   offset 0   magic, 8 bytes: "EMBERAOF"
//   offset 8   format version, u32 little-endian: 1
//   then zero or more records, back to back:
//     u32 LE   len          payload length, 1 .. 2^32-1
//     u32 LE   ~len         the bitwise complement of len: a damaged
//                           length is told from a file cut short
//     len bytes payload
//     u64 LE   crc          CRC-64/Jones (crc64.h) of the payload
//   payload:
//     varint   count        commands in the record, >= 1
//     count times:
//       varint db           database index, 0..15
//       varint argc         >= 1
//       argc strings        varint length + raw bytes (any bytes)
//   (varints are unsigned LEB128, as in snapshot.h.)
//
// One record is one atomic unit: a single command's effect, or every
// effect of a transaction (EXEC), which replay applies all or not at all.
// A command's effect is a command that, run on the same data, makes the
// same change without depending on the time or on chance (PEXPIREAT with
// an absolute time for EXPIRE, SREM for SPOP, ...: see Store::logEffect).
//
// READING (scanAofRecords) checks everything and sorts a bad file into
// one of two outcomes:
//   - truncated: the file ends inside the header or inside the last
//     record (a crash while appending): everything before that record is
//     good, and `good_end` is where it starts;
//   - corrupt: a length and its complement disagree, a checksum does not
//     match, a payload does not parse (or has bytes left over), a
//     database index is out of range: `error_offset` is where the bad
//     record (or header) starts, and `good_end` the end of the last good
//     record before it.
// A record whose bytes are all present is never taken for truncated, so a
// damaged length cannot hide the records after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "bytes.h"

namespace ember {

inline constexpr char kAofMagic[8] = {'E', 'M', 'B', 'E', 'R', 'A', 'O', 'F'};
inline constexpr uint32_t kAofVersion = 1;
inline constexpr size_t kAofHeaderBytes = sizeof kAofMagic + 4;
// Framing around each payload: len, ~len, crc.
inline constexpr size_t kAofRecordOverhead = 4 + 4 + 8;
inline constexpr size_t kAofMaxPayload = 0xFFFFFFFFu;

// Appends the 12-byte file header to `out`.
void appendAofFileHeader(std::string& out);

// Builds one record from the commands added to it, then frames it.
class AofRecordBuilder {
 public:
  void add(int db, std::span<const ByteView> argv);
  size_t commands() const { return count_; }
  // Bytes the framed record would take now.
  size_t framedSize() const;
  // Appends the framed record to `out` and starts over empty. Needs at
  // least one command; a payload may not pass kAofMaxPayload (the caller
  // frames sooner: Store closes a record that grows past that).
  void frameInto(std::string& out);

 private:
  std::string body_;  // the commands, encoded
  size_t count_ = 0;
};

// One command of a record, viewing the file's bytes.
struct AofCommand {
  int db = 0;
  std::vector<ByteView> argv;
};

struct AofScanResult {
  enum class Outcome { kOk, kTruncated, kCorrupt };
  Outcome outcome = Outcome::kOk;
  uint64_t records = 0;  // good records visited
  size_t good_end = 0;   // offset just past the last good record (or header)
  size_t error_offset = 0;  // kTruncated / kCorrupt: where the bad part starts
  std::string error;        // kTruncated / kCorrupt: what is wrong, with the offset
};

// Checks `file` (a whole incr file) and calls `visit` with each good
// record's commands, in order, until the end or the first bad record.
// `visit` returns false to stop early (the result is then kOk with the
// records visited so far).
using AofRecordVisitor = std::function<bool(std::span<const AofCommand> record, size_t offset)>;
AofScanResult scanAofRecords(ByteView file, const AofRecordVisitor& visit);

}  // namespace ember
