// AOF records: see aof_record.h for the format.
#include "aof_record.h"

#include <cstring>

#include "crc64.h"
#include "varint.h"

namespace ember {
namespace {

constexpr uint64_t kMaxDatabases = 16;

void appendLe(std::string& out, uint64_t v, int bytes) {
  char tmp[8];
  for (int i = 0; i < bytes; i++) tmp[i] = static_cast<char>(v >> (8 * i));
  out.append(tmp, static_cast<size_t>(bytes));
}

uint64_t readLe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// Reads a payload's fields; every read is bounded by the payload's end.
class PayloadReader {
 public:
  explicit PayloadReader(ByteView payload) : p_(payload.data()), end_(payload.data() + payload.size()) {}

  bool varint(uint64_t* out) {
    uint64_t v = 0;
    for (size_t i = 0; i < kMaxVarintBytes; i++) {
      if (p_ == end_) return false;
      const uint8_t b = static_cast<uint8_t>(*p_++);
      if (i == kMaxVarintBytes - 1 && b > 1) return false;
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) {
        *out = v;
        return true;
      }
    }
    return false;
  }
  bool string(ByteView* out) {
    uint64_t n;
    if (!varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    *out = ByteView(p_, static_cast<size_t>(n));
    p_ += n;
    return true;
  }
  size_t left() const { return static_cast<size_t>(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
};

// Parses a payload into `commands` (reusing its vectors); false if it is
// malformed in any way.
bool parsePayload(ByteView payload, std::vector<AofCommand>& commands) {
  PayloadReader r(payload);
  uint64_t count;
  // Each command takes at least 3 bytes (db, argc, one empty string).
  if (!r.varint(&count) || count == 0 || count > r.left() / 3) return false;
  commands.resize(static_cast<size_t>(count));
  for (AofCommand& command : commands) {
    uint64_t db, argc;
    if (!r.varint(&db) || db >= kMaxDatabases) return false;
    if (!r.varint(&argc) || argc == 0 || argc > r.left()) return false;
    command.db = static_cast<int>(db);
    command.argv.resize(static_cast<size_t>(argc));
    for (ByteView& arg : command.argv) {
      if (!r.string(&arg)) return false;
    }
  }
  return r.left() == 0;
}

std::string at(size_t offset) { return "at offset " + std::to_string(offset); }

}  // namespace

void appendAofFileHeader(std::string& out) {
  out.append(kAofMagic, sizeof kAofMagic);
  appendLe(out, kAofVersion, 4);
}

void AofRecordBuilder::add(int db, std::span<const ByteView> argv) {
  appendVarint(body_, static_cast<uint64_t>(db));
  appendVarint(body_, argv.size());
  for (ByteView arg : argv) {
    appendVarint(body_, arg.size());
    body_.append(arg);
  }
  count_++;
}

size_t AofRecordBuilder::framedSize() const { return kAofRecordOverhead + varintSize(count_) + body_.size(); }

void AofRecordBuilder::frameInto(std::string& out) {
  std::string count;
  appendVarint(count, count_);
  const uint64_t len = count.size() + body_.size();
  appendLe(out, len, 4);
  appendLe(out, ~len & 0xFFFFFFFFu, 4);
  out.append(count);
  out.append(body_);
  appendLe(out, crc64(crc64(0, count), body_), 8);
  body_.clear();
  count_ = 0;
}

AofScanResult scanAofRecords(ByteView file, const AofRecordVisitor& visit) {
  using Outcome = AofScanResult::Outcome;
  AofScanResult result;
  auto stop = [&](Outcome outcome, size_t offset, std::string what) {
    result.outcome = outcome;
    result.error_offset = offset;
    result.error = (outcome == Outcome::kTruncated ? "truncated " : "corrupt ") + at(offset) + ": " + std::move(what);
    return result;
  };
  std::string header;
  appendAofFileHeader(header);
  if (file.size() < header.size()) {
    if (ByteView(header).substr(0, file.size()) == file) {
      return stop(Outcome::kTruncated, 0, "the file header is incomplete");
    }
    return stop(Outcome::kCorrupt, 0, "not an emberkv append-only file (bad magic)");
  }
  if (std::memcmp(file.data(), kAofMagic, sizeof kAofMagic) != 0) {
    return stop(Outcome::kCorrupt, 0, "not an emberkv append-only file (bad magic)");
  }
  const uint64_t version = readLe(file.data() + sizeof kAofMagic, 4);
  if (version != kAofVersion) {
    return stop(Outcome::kCorrupt, sizeof kAofMagic, "unsupported format version " + std::to_string(version));
  }
  size_t offset = header.size();
  result.good_end = offset;
  std::vector<AofCommand> commands;
  while (offset < file.size()) {
    const size_t left = file.size() - offset;
    if (left < 8) return stop(Outcome::kTruncated, offset, "the record header is incomplete");
    const uint64_t len = readLe(file.data() + offset, 4);
    const uint64_t check = readLe(file.data() + offset + 4, 4);
    if ((len ^ check) != 0xFFFFFFFFu) return stop(Outcome::kCorrupt, offset, "the record length is damaged");
    if (len == 0) return stop(Outcome::kCorrupt, offset, "empty record");
    if (left - 8 < len + 8) return stop(Outcome::kTruncated, offset, "the record ends before its " + std::to_string(len) + "-byte payload and checksum");
    const ByteView payload = file.substr(offset + 8, static_cast<size_t>(len));
    const uint64_t crc = readLe(file.data() + offset + 8 + len, 8);
    if (crc64(0, payload) != crc) return stop(Outcome::kCorrupt, offset, "checksum mismatch");
    if (!parsePayload(payload, commands)) return stop(Outcome::kCorrupt, offset, "malformed record payload");
    const size_t record_offset = offset;
    offset += 8 + static_cast<size_t>(len) + 8;
    result.records++;
    result.good_end = offset;
    if (!visit(commands, record_offset)) break;
  }
  return result;
}

}  // namespace ember
