// The protobuf wire codec: see proto_wire.h for the messages and invariants.
//
// Layout of this file: wire primitives, UTF-8 sanitizing, reply encoding
// (measure, then write), command encoding, then decoding (a bounds-checked
// field reader, commands, replies).
#include "proto_wire.h"

#include <bit>
#include <cassert>
#include <cstring>

#include "errors.h"
#include "varint.h"

namespace ember::proto {
namespace {

// ---------------------------------------------------------------------------
// Wire primitives

enum WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// Reply's oneof field numbers.
enum ReplyField : uint32_t {
  kSimpleField = 1,
  kErrorField = 2,
  kIntegerField = 3,
  kDoubleField = 4,
  kBulkField = 5,
  kNullField = 6,
  kArrayField = 7,
  kMapField = 8,
  kSetField = 9,
  kBooleanField = 10,
};

// Every field this codec writes has a number below 16, so its tag is one byte.
constexpr char tagByte(uint32_t field, WireType type) {
  return static_cast<char>((field << 3) | type);
}

// The element / entry fields of the container messages.
constexpr char kRepeatedEntryTag = tagByte(1, kLengthDelimited);  // values, pairs, replies, commands
constexpr char kPairKeyTag = tagByte(1, kLengthDelimited);
constexpr char kPairValueTag = tagByte(2, kLengthDelimited);
constexpr char kNameTag = tagByte(1, kLengthDelimited);
constexpr char kArgTag = tagByte(2, kLengthDelimited);
constexpr char kBatchIdTag = tagByte(2, kVarint);
constexpr char kDbTag = tagByte(3, kVarint);  // Command.db, CommandBatch.db
constexpr uint32_t kDbField = 3;

char* putVarint(char* p, uint64_t v) { return p + encodeVarint(v, p); }

// Size of a length-delimited field with a one-byte tag and a `body`-byte payload.
uint64_t lengthDelimitedSize(uint64_t body) { return 1 + varintSize(body) + body; }

char* putBytes(char* p, std::string_view bytes) {
  // memcpy's pointers must be valid even for 0 bytes; an empty view's may be null.
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
  return p + bytes.size();
}

char* putFixed64(char* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<char>(v >> (8 * i));  // little-endian on any host
  return p + 8;
}

uint64_t zigzagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t zigzagDecode(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// ---------------------------------------------------------------------------
// UTF-8 sanitizing for protobuf `string` fields

// Bytes before the first non-ASCII byte of p[0, n).
size_t asciiRun(const unsigned char* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof word);
    if (word & 0x8080808080808080ull) break;
  }
  while (i < n && p[i] < 0x80) i++;
  return i;
}

// The sequence starting at p[0] (n >= 1 bytes available): its length if it is
// a well-formed UTF-8 character, or else the length of its maximal ill-formed
// subpart (which gets one U+FFFD). Ranges from the Unicode standard, table 3-7.
struct Utf8Step {
  size_t length;
  bool valid;
};

Utf8Step utf8Step(const unsigned char* p, size_t n) {
  unsigned char lead = p[0];
  if (lead < 0x80) return {1, true};
  size_t continuations;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuations = 1;
  } else if (lead == 0xE0) {
    continuations = 2, lo = 0xA0;  // no overlong forms
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    continuations = 2;
  } else if (lead == 0xED) {
    continuations = 2, hi = 0x9F;  // no surrogates
  } else if (lead == 0xF0) {
    continuations = 3, lo = 0x90;  // no overlong forms
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    continuations = 3;
  } else if (lead == 0xF4) {
    continuations = 3, hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return {1, false};  // 80..C1, F5..FF never start a character
  }
  for (size_t i = 1; i <= continuations; i++) {
    if (i >= n || p[i] < lo || p[i] > hi) return {i, false};
    lo = 0x80, hi = 0xBF;
  }
  return {continuations + 1, true};
}

// Length of the longest well-formed prefix of p[0, n); when it is shorter
// than n, *bad gets the ill-formed subpart that follows it.
size_t validUtf8Prefix(const unsigned char* p, size_t n, Utf8Step* bad) {
  size_t i = 0;
  while (i < n) {
    i += asciiRun(p + i, n - i);
    if (i >= n) break;
    Utf8Step step = utf8Step(p + i, n - i);
    if (!step.valid) {
      *bad = step;
      return i;
    }
    i += step.length;
  }
  return n;
}

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

uint64_t sanitizedUtf8Size(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  uint64_t size = 0;
  for (;;) {
    Utf8Step bad{};
    size_t valid = validUtf8Prefix(p, n, &bad);
    size += valid;
    if (valid == n) return size;
    size += kReplacementCharacter.size();
    p += valid + bad.length;
    n -= valid + bad.length;
  }
}

char* putSanitizedUtf8(char* out, std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  for (;;) {
    Utf8Step bad{};
    size_t valid = validUtf8Prefix(p, n, &bad);
    out = putBytes(out, std::string_view(reinterpret_cast<const char*>(p), valid));
    if (valid == n) return out;
    out = putBytes(out, kReplacementCharacter);
    p += valid + bad.length;
    n -= valid + bad.length;
  }
}

// ---------------------------------------------------------------------------
// Reply encoding helpers

bool isAggregate(ReplyType type) {
  return type == ReplyType::kArray || type == ReplyType::kMap || type == ReplyType::kSet || type == ReplyType::kPush;
}

char aggregateTag(ReplyType type) {
  switch (type) {
    case ReplyType::kMap:
      return tagByte(kMapField, kLengthDelimited);
    case ReplyType::kSet:
      return tagByte(kSetField, kLengthDelimited);
    default:
      return tagByte(kArrayField, kLengthDelimited);
  }
}

// Values to come after an aggregate's header: a map's count is in pairs.
uint64_t childValues(const ReplyValue& v) {
  return v.type == ReplyType::kMap ? uint64_t{2} * v.count : v.count;
}

// Payload length of a string scalar as written (simple and error are sanitized).
uint64_t stringPayloadSize(const ReplyValue& v) {
  return v.type == ReplyType::kBulk ? v.str.size() : sanitizedUtf8Size(v.str);
}

bool isString(ReplyType type) {
  return type == ReplyType::kSimple || type == ReplyType::kError || type == ReplyType::kBulk;
}

// Size of the Reply body of a non-aggregate value; `string_size` is
// stringPayloadSize(v) for strings (ignored otherwise).
uint64_t scalarReplySize(const ReplyValue& v, uint64_t string_size) {
  switch (v.type) {
    case ReplyType::kSimple:
    case ReplyType::kError:
    case ReplyType::kBulk:
      return lengthDelimitedSize(string_size);
    case ReplyType::kInteger:
      return 1 + varintSize(zigzagEncode(v.integer));
    case ReplyType::kDouble:
      return 1 + 8;
    case ReplyType::kNull:
    case ReplyType::kNullArray:
    case ReplyType::kBoolean:
      return 2;  // tag + empty Null's length 0, or tag + 0/1
    case ReplyType::kArray:
    case ReplyType::kMap:
    case ReplyType::kSet:
    case ReplyType::kPush:
    case ReplyType::kScore:  // ReplyReader shows these as kBulk / kArray here
    case ReplyType::kPairs:
      break;
  }
  assert(false && "aggregates are measured by their frames");
  return 0;
}

char* putScalarReply(char* p, const ReplyValue& v, uint64_t string_size) {
  switch (v.type) {
    case ReplyType::kSimple:
      *p++ = tagByte(kSimpleField, kLengthDelimited);
      return putSanitizedUtf8(putVarint(p, string_size), v.str);
    case ReplyType::kError:
      *p++ = tagByte(kErrorField, kLengthDelimited);
      return putSanitizedUtf8(putVarint(p, string_size), v.str);
    case ReplyType::kBulk:
      *p++ = tagByte(kBulkField, kLengthDelimited);
      return putBytes(putVarint(p, string_size), v.str);
    case ReplyType::kInteger:
      *p++ = tagByte(kIntegerField, kVarint);
      return putVarint(p, zigzagEncode(v.integer));
    case ReplyType::kDouble:
      *p++ = tagByte(kDoubleField, kFixed64);
      return putFixed64(p, std::bit_cast<uint64_t>(v.dbl));
    case ReplyType::kNull:
    case ReplyType::kNullArray:
      *p++ = tagByte(kNullField, kLengthDelimited);
      *p++ = 0;
      return p;
    case ReplyType::kBoolean:
      *p++ = tagByte(kBooleanField, kVarint);
      *p++ = v.boolean ? 1 : 0;
      return p;
    case ReplyType::kArray:
    case ReplyType::kMap:
    case ReplyType::kSet:
    case ReplyType::kPush:
    case ReplyType::kScore:  // ReplyReader shows these as kBulk / kArray here
    case ReplyType::kPairs:
      break;
  }
  assert(false && "aggregates are written by ReplyEncoder::write");
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------
// Reply encoding

// First pass: the Reply body size of the whole reply, and into sizes_ the
// body size of every aggregate (ReplyList / ReplyMap) and every map pair
// (ReplyPair), in the order write() needs them. An explicit stack instead of
// recursion: the stream's nesting is not bounded here.
uint64_t ReplyEncoder::measure(std::string_view reply_stream) {
  sizes_.clear();
  measure_stack_.clear();
  ReplyReader reader(reply_stream);
  uint64_t size = 0;
  do {
    assert(!reader.atEnd());
    ReplyValue v = reader.next();
    if (!measure_stack_.empty()) {
      MeasureFrame& parent = measure_stack_.back();
      if (parent.is_map && parent.remaining % 2 == 0) {  // a key: a pair opens
        parent.pair_slot = sizes_.size();
        sizes_.push_back(0);
        parent.pair_body = 0;
      }
      parent.remaining--;
    }
    if (isAggregate(v.type)) {
      size_t slot = sizes_.size();
      sizes_.push_back(0);
      if (v.count > 0) {
        measure_stack_.push_back({slot, childValues(v), 0, v.type == ReplyType::kMap, 0, 0});
        continue;
      }
      size = lengthDelimitedSize(0);
    } else {
      size = scalarReplySize(v, isString(v.type) ? stringPayloadSize(v) : 0);
    }
    // A value of `size` bytes is complete: add it to its parent, and close
    // every aggregate that this completes.
    while (!measure_stack_.empty()) {
      MeasureFrame& parent = measure_stack_.back();
      uint64_t entry = lengthDelimitedSize(size);
      if (!parent.is_map) {
        parent.body += entry;
      } else {
        parent.pair_body += entry;
        if (parent.remaining % 2 == 0) {  // that was a value: the pair is complete
          sizes_[parent.pair_slot] = parent.pair_body;
          parent.body += lengthDelimitedSize(parent.pair_body);
        }
      }
      if (parent.remaining > 0) break;
      sizes_[parent.size_slot] = parent.body;
      size = lengthDelimitedSize(parent.body);
      measure_stack_.pop_back();
    }
  } while (!measure_stack_.empty());
  assert(reader.atEnd() && "a reply stream holds exactly one reply");
  return size;
}

// Second pass: writes the Reply body at `at` (sized by measure()), taking
// aggregate and pair sizes from sizes_ in the same order measure() stored them.
char* ReplyEncoder::write(std::string_view reply_stream, char* at) {
  write_stack_.clear();
  ReplyReader reader(reply_stream);
  size_t next_size = 0;
  char* p = at;
  do {
    ReplyValue v = reader.next();
    uint64_t string_size = isString(v.type) ? stringPayloadSize(v) : 0;
    if (!write_stack_.empty()) {
      // The value is a field of its parent: ReplyList.values, or
      // ReplyPair.key / .value inside a ReplyMap.pairs entry.
      WriteFrame& parent = write_stack_.back();
      char entry_tag = kRepeatedEntryTag;
      if (parent.is_map) {
        if (parent.remaining % 2 == 0) {
          *p++ = kRepeatedEntryTag;
          p = putVarint(p, sizes_[next_size++]);
          entry_tag = kPairKeyTag;
        } else {
          entry_tag = kPairValueTag;
        }
      }
      parent.remaining--;
      uint64_t body = isAggregate(v.type) ? lengthDelimitedSize(sizes_[next_size])
                                          : scalarReplySize(v, string_size);
      *p++ = entry_tag;
      p = putVarint(p, body);
    }
    if (isAggregate(v.type)) {
      *p++ = aggregateTag(v.type);
      p = putVarint(p, sizes_[next_size++]);
      if (v.count > 0) write_stack_.push_back({childValues(v), v.type == ReplyType::kMap});
    } else {
      p = putScalarReply(p, v, string_size);
    }
    while (!write_stack_.empty() && write_stack_.back().remaining == 0) write_stack_.pop_back();
  } while (!write_stack_.empty());
  assert(next_size == sizes_.size());
  return p;
}

void ReplyEncoder::encode(std::string_view reply_stream, std::string& out) {
  uint64_t body = measure(reply_stream);
  size_t start = out.size();
  out.resize(start + body);
  [[maybe_unused]] char* end = write(reply_stream, out.data() + start);
  assert(end == out.data() + out.size());
}

void ReplyEncoder::encodeField(uint32_t field_number, std::string_view reply_stream,
                               std::string& out) {
  uint64_t body = measure(reply_stream);
  uint64_t tag = (uint64_t{field_number} << 3) | kLengthDelimited;
  size_t start = out.size();
  out.resize(start + varintSize(tag) + varintSize(body) + body);
  char* p = putVarint(putVarint(out.data() + start, tag), body);
  [[maybe_unused]] char* end = write(reply_stream, p);
  assert(end == out.data() + out.size());
}

namespace {

// Both batch messages end with their id (field 2), left out when 0 as
// proto3 leaves out a default scalar.
std::string& appendBatchId(std::string& buf, uint64_t id) {
  if (id != 0) {
    buf.push_back(kBatchIdTag);
    appendVarint(buf, id);
  }
  return buf;
}

std::string& appendDb(std::string& buf, uint32_t db) {
  if (db != 0) {  // proto3 leaves the default out
    buf.push_back(kDbTag);
    appendVarint(buf, db);
  }
  return buf;
}

}  // namespace

void encodeReply(std::string_view reply_stream, std::string& out) {
  ReplyEncoder encoder;
  encoder.encode(reply_stream, out);
}

std::string& ReplyBatchWriter::finish(uint64_t id) { return appendBatchId(buf_, id); }

// ---------------------------------------------------------------------------
// Command encoding

namespace {

uint64_t commandBodySize(std::span<const ByteView> argv) {
  uint64_t size = 0;
  if (!argv.empty() && !argv[0].empty()) size += lengthDelimitedSize(argv[0].size());
  for (size_t i = 1; i < argv.size(); i++) size += lengthDelimitedSize(argv[i].size());
  return size;
}

char* putCommandBody(char* p, std::span<const ByteView> argv) {
  if (argv.empty()) return p;
  if (!argv[0].empty()) {  // proto3 leaves a default (empty) singular field out
    *p++ = kNameTag;
    p = putBytes(putVarint(p, argv[0].size()), argv[0]);
  }
  for (size_t i = 1; i < argv.size(); i++) {
    *p++ = kArgTag;
    p = putBytes(putVarint(p, argv[i].size()), argv[i]);
  }
  return p;
}

}  // namespace

void encodeCommand(std::span<const ByteView> argv, std::string& out, uint32_t db) {
  size_t start = out.size();
  out.resize(start + commandBodySize(argv));
  [[maybe_unused]] char* end = putCommandBody(out.data() + start, argv);
  assert(end == out.data() + out.size());
  appendDb(out, db);
}

void CommandBatchWriter::add(std::span<const ByteView> argv) {
  uint64_t body = commandBodySize(argv);
  size_t start = buf_.size();
  buf_.resize(start + lengthDelimitedSize(body));
  char* p = buf_.data() + start;
  *p++ = kRepeatedEntryTag;
  [[maybe_unused]] char* end = putCommandBody(putVarint(p, body), argv);
  assert(end == buf_.data() + buf_.size());
}

std::string& CommandBatchWriter::finish(uint64_t id, uint32_t db) { return appendDb(appendBatchId(buf_, id), db); }

// ---------------------------------------------------------------------------
// Decoding: a bounds-checked field reader

namespace {

// The outcome of one top-level decode: the first error met, with its byte
// offset from the start of the message.
struct DecodeState {
  const unsigned char* base;
  const char* message_name;
  const char* error = nullptr;
  size_t error_at = 0;

  // Records the error (the first one wins); returns false for `return fail(...)`.
  bool fail(const unsigned char* at, const char* what) {
    if (!error) {
      error = what;
      error_at = static_cast<size_t>(at - base);
    }
    return false;
  }
  // A well-formed message that asks for more than a DecodeLimits allows:
  // its Redis-style error text (malformed bytes met first win).
  std::string limit_error{};

  // Records a limit's error text; returns false for `return exceed(...)`.
  bool exceed(std::string text) {
    if (!failed()) limit_error = std::move(text);
    return false;
  }
  bool failed() const { return error || !limit_error.empty(); }
  std::string errorText() const {
    if (!limit_error.empty()) return limit_error;
    std::string text = "malformed ";
    text += message_name;
    text += ": ";
    text += error;
    text += " at byte ";
    text += std::to_string(error_at);
    return text;
  }
};

// One field as read from the wire.
struct Field {
  const unsigned char* start = nullptr;  // its tag's first byte (for error offsets)
  uint32_t number = 0;
  uint8_t wire_type = 0;
  uint64_t value = 0;                   // kVarint, kFixed64, kFixed32
  const unsigned char* data = nullptr;  // kLengthDelimited: the payload...
  size_t size = 0;                      // ...and its length

  const unsigned char* dataEnd() const { return data + size; }
  ByteView bytes() const { return ByteView(reinterpret_cast<const char*>(data), size); }
};

// Reads the fields of one message body [p, end), checking every length
// against the bytes that remain.
class FieldReader {
 public:
  FieldReader() = default;
  FieldReader(const unsigned char* p, const unsigned char* end, DecodeState* state)
      : p_(p), end_(end), state_(state) {}

  // Reads the next field. False at the end of the body or on an error
  // (recorded in the DecodeState; callers tell the two apart by it).
  bool next(Field& f) {
    if (p_ >= end_) return false;
    f.start = p_;
    uint64_t tag;
    if (!readVarint(tag)) return false;
    if (tag > UINT32_MAX) return state_->fail(f.start, "field tag out of range");
    f.number = static_cast<uint32_t>(tag >> 3);
    f.wire_type = static_cast<uint8_t>(tag & 7);
    if (f.number == 0) return state_->fail(f.start, "field number 0");
    switch (f.wire_type) {
      case kVarint:
        return readVarint(f.value);
      case kFixed64:
        return readFixed(f, 8);
      case kFixed32:
        return readFixed(f, 4);
      case kLengthDelimited: {
        uint64_t length;
        if (!readVarint(length)) return false;
        if (length > static_cast<uint64_t>(end_ - p_)) {
          return state_->fail(f.start, "length-delimited field runs past the end");
        }
        f.data = p_;
        f.size = static_cast<size_t>(length);
        p_ += length;
        return true;
      }
      case kStartGroup:
        return state_->fail(f.start, "unsupported wire type 3 (group)");
      case kEndGroup:
        return state_->fail(f.start, "unsupported wire type 4 (group)");
      default:
        return state_->fail(f.start, f.wire_type == 6 ? "invalid wire type 6" : "invalid wire type 7");
    }
  }

 private:
  bool readVarint(uint64_t& v) {
    const unsigned char* start = p_;
    if (p_ < end_ && *p_ < 0x80) {  // the common one-byte case
      v = *p_++;
      return true;
    }
    uint64_t result = 0;
    for (size_t i = 0; i < kMaxVarintBytes; i++) {
      if (p_ >= end_) return state_->fail(start, "truncated varint");
      unsigned char byte = *p_++;
      // Bits past 64 in the tenth byte are dropped, as protobuf does.
      result |= uint64_t{byte & 0x7fu} << (7 * i);
      if (byte < 0x80) {
        v = result;
        return true;
      }
    }
    return state_->fail(start, "varint longer than 10 bytes");
  }

  bool readFixed(Field& f, size_t bytes) {
    if (static_cast<size_t>(end_ - p_) < bytes) {
      return state_->fail(f.start, bytes == 8 ? "truncated fixed64" : "truncated fixed32");
    }
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; i++) v |= uint64_t{p_[i]} << (8 * i);
    f.value = v;
    p_ += bytes;
    return true;
  }

  const unsigned char* p_ = nullptr;
  const unsigned char* end_ = nullptr;
  DecodeState* state_ = nullptr;
};

const unsigned char* bytesOf(ByteView message) {
  return reinterpret_cast<const unsigned char*>(message.data());
}

// ---------------------------------------------------------------------------
// Decoding commands

// Appends one Command's argv (name first, even when it comes after its args
// or not at all) to `out`, unless its argv is longer than
// limits.max_command_args. With `db`, the Command's db field goes there
// (a single Command); without, it is skipped (a Command in a batch).
bool decodeCommandBody(const unsigned char* p, const unsigned char* end, DecodeState& state,
                       const DecodeLimits& limits, DecodedCommands& out, uint32_t* db = nullptr) {
  size_t name_index = out.argv.size();
  if (name_index > UINT32_MAX) return state.fail(p, "too many arguments");
  out.starts.push_back(static_cast<uint32_t>(name_index));
  out.argv.emplace_back();
  uint64_t argc = 1;  // the name, even when absent: the table sees it as ""
  FieldReader reader(p, end, &state);
  Field f;
  while (reader.next(f)) {
    if (db && f.number == kDbField && f.wire_type == kVarint) {
      *db = static_cast<uint32_t>(f.value);  // a uint32: the low 32 bits, as protobuf reads it
      continue;
    }
    if (f.wire_type != kLengthDelimited) continue;  // unknown, or a known field mistyped
    if (f.number == 1) {
      out.argv[name_index] = f.bytes();  // a singular field: the last one wins
    } else if (f.number == 2) {
      // Past the limit an argument is only counted (for the error text),
      // so a huge argv allocates no more than the limit allows.
      if (++argc <= limits.max_command_args) out.argv.push_back(f.bytes());
    }
  }
  if (state.error) return false;
  if (argc > limits.max_command_args) {
    return state.exceed(err::overProtocolLimit("too many arguments", argc, "max-command-args", limits.max_command_args));
  }
  return true;
}

// Checks the db the message chose (once it is fully read: the last value
// wins), then reports the first problem, if any.
std::optional<std::string> finishCommands(DecodeState& state, const DecodeLimits& limits, DecodedCommands& out) {
  if (out.db >= limits.databases) state.exceed(std::string(err::kDbIndexOutOfRange));
  if (!state.failed()) return std::nullopt;
  out.clear();
  return state.errorText();
}

}  // namespace

std::optional<std::string> decodeCommandBatch(ByteView message, DecodedCommands& out, const char* message_name,
                                              const DecodeLimits& limits) {
  out.clear();
  const unsigned char* p = bytesOf(message);
  DecodeState state{p, message_name};
  FieldReader reader(p, p + message.size(), &state);
  Field f;
  uint64_t commands = 0;
  while (reader.next(f)) {
    if (f.number == 1 && f.wire_type == kLengthDelimited) {
      // Past the limit a command is only counted (for the error text): its
      // body is neither decoded nor stored.
      if (++commands > limits.max_batch_commands) continue;
      if (!decodeCommandBody(f.data, f.dataEnd(), state, limits, out)) break;
    } else if (f.number == 2 && f.wire_type == kVarint) {
      out.id = f.value;
    } else if (f.number == kDbField && f.wire_type == kVarint) {
      out.db = static_cast<uint32_t>(f.value);  // a uint32: the low 32 bits, as protobuf reads it
    }
  }
  if (commands > limits.max_batch_commands) {
    state.exceed(err::overProtocolLimit("too many commands in one batch", commands, "max-batch-commands",
                                        limits.max_batch_commands));
  }
  return finishCommands(state, limits, out);
}

std::optional<std::string> decodeCommand(ByteView message, DecodedCommands& out, const DecodeLimits& limits) {
  out.clear();
  const unsigned char* p = bytesOf(message);
  DecodeState state{p, "Command"};
  decodeCommandBody(p, p + message.size(), state, limits, out, &out.db);
  return finishCommands(state, limits, out);
}

// ---------------------------------------------------------------------------
// Decoding replies

namespace {

// Whether `f` is one of Reply's oneof fields with the wire type its type
// needs; a known number with another wire type is an unknown field.
bool isReplyOneofField(const Field& f) {
  switch (f.number) {
    case kSimpleField:
    case kErrorField:
    case kBulkField:
    case kNullField:
    case kArrayField:
    case kMapField:
    case kSetField:
      return f.wire_type == kLengthDelimited;
    case kIntegerField:
    case kBooleanField:
      return f.wire_type == kVarint;
    case kDoubleField:
      return f.wire_type == kFixed64;
    default:
      return false;
  }
}

bool isMessageField(uint32_t number) { return number >= kNullField && number <= kSetField; }
bool isAggregateField(uint32_t number) { return number >= kArrayField && number <= kSetField; }

// The fields of one Reply as protobuf assembles it: those of one message
// body, or, for the singular message fields ReplyPair.key and .value, those
// of every occurrence of the field in the pair, in order (protobuf merges a
// singular message field that occurs more than once, which is the same as
// parsing the concatenation of the occurrences).
class ReplyFields {
 public:
  static ReplyFields ofBody(const unsigned char* p, const unsigned char* end, DecodeState& state) {
    ReplyFields fields;
    fields.current_ = FieldReader(p, end, &state);
    fields.state_ = &state;
    return fields;
  }
  static ReplyFields ofOccurrences(const Field& container, uint32_t field, DecodeState& state) {
    ReplyFields fields;
    fields.containers_ = FieldReader(container.data, container.dataEnd(), &state);
    fields.field_ = field;
    fields.state_ = &state;
    return fields;
  }

  // As FieldReader::next.
  bool next(Field& f) {
    for (;;) {
      if (current_.next(f)) return true;
      if (field_ == 0 || state_->error) return false;
      Field occurrence;
      do {
        if (!containers_.next(occurrence)) return false;
      } while (occurrence.number != field_ || occurrence.wire_type != kLengthDelimited);
      current_ = FieldReader(occurrence.data, occurrence.dataEnd(), state_);
    }
  }

 private:
  FieldReader current_;
  FieldReader containers_;
  uint32_t field_ = 0;  // 0: a plain body
  DecodeState* state_ = nullptr;
};

// Decodes Replies into a ReplyBuilder, or only checks them when the builder
// is null (fields that a later oneof field overrides must still parse).
// Recursion is bounded by kMaxReplyDepth.
class ReplyDecoder {
 public:
  explicit ReplyDecoder(DecodeState& state) : state_(state) {}

  // Decodes the Reply made of `fields`, nested in `depth` aggregates.
  //
  // The last oneof field set wins, so a first pass finds it (skipping over
  // payloads, O(1) each), and where its final run of occurrences begins: a
  // message field occurring several times in a row merges (lists and maps
  // concatenate). A second pass, needed for message fields only, decodes
  // that run and checks the overridden message fields before it.
  bool decode(ReplyFields fields, size_t depth, ReplyBuilder* out) {
    Field winner;
    bool found = false, overridden_messages = false;
    size_t run_start = 0, ordinal = 0;
    Field f;
    for (ReplyFields scan = fields; scan.next(f); ordinal++) {
      if (!isReplyOneofField(f)) continue;
      if (found && f.number != winner.number) {
        overridden_messages |= isMessageField(winner.number);
        run_start = ordinal;
      }
      winner = f;
      found = true;
    }
    if (state_.error) return false;
    if (!found) {
      if (out) out->null();
      return true;
    }
    if (!isMessageField(winner.number)) {
      if (out && !emitScalar(winner, *out)) return false;
      return !overridden_messages || decodeMessageFields(fields, depth, run_start, nullptr);
    }
    if (isAggregateField(winner.number) && depth >= kMaxReplyDepth) {
      return state_.fail(winner.start, "more than 64 nested aggregates");
    }
    size_t at = 0;
    if (out) {
      if (winner.number == kNullField) out->null();
      if (winner.number == kArrayField) at = out->beginArray();
      if (winner.number == kSetField) at = out->beginSet();
      if (winner.number == kMapField) at = out->beginMap();
    }
    uint32_t count = 0;
    if (!decodeMessageFields(fields, depth, run_start, out, &count)) return false;
    if (out && isAggregateField(winner.number)) out->endAggregate(at, count);
    return true;
  }

 private:
  // Second pass over `fields`: decodes into `out` the message fields from
  // ordinal `run_start` on (the winning run; `*count` counts its elements),
  // and checks those before it.
  bool decodeMessageFields(ReplyFields fields, size_t depth, size_t run_start, ReplyBuilder* out,
                           uint32_t* count = nullptr) {
    size_t ordinal = 0;
    uint32_t overridden_count = 0;
    Field f;
    for (; fields.next(f); ordinal++) {
      if (!isReplyOneofField(f) || !isMessageField(f.number)) continue;
      bool winning = ordinal >= run_start;
      ReplyBuilder* sink = winning ? out : nullptr;
      uint32_t& elements = winning && count ? *count : overridden_count;
      bool ok = f.number == kNullField   ? checkNull(f)
                : f.number == kMapField  ? decodeMap(f, depth, sink, elements)
                                         : decodeList(f, depth, sink, elements);
      if (!ok) return false;
    }
    return !state_.error;
  }

  // Null has no fields; anything in it is an unknown field that must parse.
  bool checkNull(const Field& null) {
    FieldReader reader(null.data, null.dataEnd(), &state_);
    Field f;
    while (reader.next(f)) {
    }
    return !state_.error;
  }

  bool checkDepth(const Field& aggregate, size_t depth) {
    return depth < kMaxReplyDepth || state_.fail(aggregate.start, "more than 64 nested aggregates");
  }

  bool countElement(const Field& element, uint32_t& count) {
    if (count == UINT32_MAX) return state_.fail(element.start, "more than 2^32-1 elements");
    count++;
    return true;
  }

  // A ReplyList: its `values` (field 1) are the elements.
  bool decodeList(const Field& list, size_t depth, ReplyBuilder* out, uint32_t& count) {
    if (!checkDepth(list, depth)) return false;
    FieldReader reader(list.data, list.dataEnd(), &state_);
    Field f;
    while (reader.next(f)) {
      if (f.number != 1 || f.wire_type != kLengthDelimited) continue;
      if (!countElement(f, count)) return false;
      if (!decode(ReplyFields::ofBody(f.data, f.dataEnd(), state_), depth + 1, out)) return false;
    }
    return !state_.error;
  }

  // A ReplyMap: its `pairs` (field 1) are ReplyPairs {key 1, value 2}; a
  // missing side decodes as null.
  bool decodeMap(const Field& map, size_t depth, ReplyBuilder* out, uint32_t& count) {
    if (!checkDepth(map, depth)) return false;
    FieldReader reader(map.data, map.dataEnd(), &state_);
    Field pair;
    while (reader.next(pair)) {
      if (pair.number != 1 || pair.wire_type != kLengthDelimited) continue;
      if (!countElement(pair, count)) return false;
      if (!decode(ReplyFields::ofOccurrences(pair, 1, state_), depth + 1, out)) return false;
      if (!decode(ReplyFields::ofOccurrences(pair, 2, state_), depth + 1, out)) return false;
    }
    return !state_.error;
  }

  bool emitString(const Field& f, ReplyBuilder& out) {
    // The reply stream stores u32 lengths.
    if (f.size > UINT32_MAX) return state_.fail(f.start, "string longer than 4 GiB");
    if (f.number == kSimpleField) out.simple(f.bytes());
    if (f.number == kErrorField) out.error(f.bytes());
    if (f.number == kBulkField) out.bulk(f.bytes());
    return true;
  }

  bool emitScalar(const Field& f, ReplyBuilder& out) {
    switch (f.number) {
      case kIntegerField:
        out.integer(zigzagDecode(f.value));
        return true;
      case kDoubleField:
        out.dbl(std::bit_cast<double>(f.value));
        return true;
      case kBooleanField:
        out.boolean(f.value != 0);
        return true;
      default:
        return emitString(f, out);
    }
  }

  DecodeState& state_;
};

}  // namespace

std::optional<std::string> decodeReply(ByteView message, ReplyBuilder& out) {
  const unsigned char* p = bytesOf(message);
  DecodeState state{p, "Reply"};
  size_t mark = out.size();
  ReplyDecoder decoder(state);
  if (decoder.decode(ReplyFields::ofBody(p, p + message.size(), state), 0, &out)) return std::nullopt;
  out.truncate(mark);
  return state.errorText();
}

std::optional<std::string> decodeReplyBatch(ByteView message, ReplyBuilder& out, size_t* count,
                                            uint64_t* id) {
  const unsigned char* p = bytesOf(message);
  DecodeState state{p, "ReplyBatch"};
  size_t mark = out.size();
  size_t replies = 0;
  uint64_t batch_id = 0;
  ReplyDecoder decoder(state);
  FieldReader reader(p, p + message.size(), &state);
  Field f;
  while (reader.next(f)) {
    if (f.number == 1 && f.wire_type == kLengthDelimited) {
      if (!decoder.decode(ReplyFields::ofBody(f.data, f.dataEnd(), state), 0, &out)) break;
      replies++;
    } else if (f.number == 2 && f.wire_type == kVarint) {
      batch_id = f.value;
    }
  }
  if (state.error) {
    out.truncate(mark);
    replies = 0;
    batch_id = 0;
  }
  if (count) *count = replies;
  if (id) *id = batch_id;
  if (state.error) return state.errorText();
  return std::nullopt;
}

}  // namespace ember::proto
