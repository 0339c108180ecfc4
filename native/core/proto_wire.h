// The protobuf wire codec of the gRPC contract (proto/emberkv/v1/emberkv.proto),
// written by hand: no protobuf library, no Node headers. The gRPC front end
// hands raw message bytes to native code, which decodes the commands and
// encodes the replies without building one JS object per command.
//
// Messages handled (field number = wire type):
//   Command      { name 1 = bytes, args 2 = repeated bytes, db 3 = uint32 }
//   CommandBatch { commands 1 = repeated Command, id 2 = uint64, db 3 = uint32 }
//                  (a Transaction has the same fields: its id is the WATCH token)
//   Reply        { oneof: simple 1 = string, error 2 = string,
//                  integer 3 = sint64 (zigzag varint), double_value 4 = fixed64,
//                  bulk 5 = bytes, null 6 = Null {}, array 7 = ReplyList,
//                  map 8 = ReplyMap, set 9 = ReplyList, boolean 10 = varint }
//   ReplyList    { values 1 = repeated Reply }
//   ReplyMap     { pairs 1 = repeated ReplyPair }
//   ReplyPair    { key 1 = Reply, value 2 = Reply }
//   ReplyBatch   { replies 1 = repeated Reply, id 2 = uint64 }
//
// Invariants:
// - Decoding is bounds-checked everywhere: any byte string either decodes or
//   yields a short error text ("malformed Reply: truncated varint at byte 17",
//   the byte offset counted from the start of the message). It never reads
//   outside the message, never recurses deeper than kMaxReplyDepth
//   aggregates, and allocates O(message size). Decoders never throw on bad
//   input (std::bad_alloc may propagate).
// - Decoding follows protobuf's rules: fields may come in any order and
//   interleave; unknown fields (wire types 0, 1, 2, 5) and known fields with
//   an unexpected wire type are skipped; the last value of a singular field
//   wins; a uint32 (db) sent as a wider varint keeps its low 32 bits; of a
//   oneof, the last field set wins; repeated occurrences of a singular
//   message field merge (a ReplyPair's key sent twice, or a Reply's array
//   sent twice in a row, concatenate as protobuf would). Fields that a
//   later oneof field overrides are still parsed, so malformed bytes inside
//   them are rejected just as protobuf rejects them.
// - Deliberate deviations: groups (wire types 3 and 4) are errors, even in
//   unknown fields (proto3 has none; protobuf would skip them); strings read
//   from a Reply are not checked for UTF-8 (the client renders them leniently).
// - Encoding writes what protoc's encoders write: fields in ascending order,
//   a oneof field always (even 0, false, "" or an empty message), proto3
//   singular scalars only when non-default. simple and error are protobuf
//   `string`s, so any invalid UTF-8 in them is replaced by U+FFFD (one per
//   maximal ill-formed subsequence, the Unicode recommended practice).
// - Encoding a reply is linear: one pass over the reply stream measures
//   every aggregate (nested messages need their length first), a second pass
//   writes into a buffer sized exactly once. The scratch vectors are reused
//   across calls, so a steady-state encode does no heap allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bytes.h"
#include "reply.h"

namespace ember::proto {

// Deepest nesting of aggregates (array, map, set) decodeReply accepts: a
// reply may hold 64 aggregates inside one another, not 65.
inline constexpr size_t kMaxReplyDepth = 64;

// Commands decoded from a CommandBatch or a single Command: views into the
// message bytes (no copies), valid while those bytes live. The argv of
// command i is its name, then its arguments.
//
// `db` is the database every command runs in: a single Command's own db,
// or the CommandBatch's db for all of its commands (a Command inside a
// batch has its db field ignored: the batch chooses, as one SELECT before
// a Redis pipeline would).
struct DecodedCommands {
  std::vector<ByteView> argv;    // every command's argv, back to back
  std::vector<uint32_t> starts;  // index in argv where each command starts
  uint64_t id = 0;               // CommandBatch.id (0 for a single Command)
  uint32_t db = 0;               // Command.db / CommandBatch.db

  size_t size() const { return starts.size(); }
  std::span<const ByteView> command(size_t i) const {
    size_t end = i + 1 < starts.size() ? starts[i + 1] : argv.size();
    return std::span<const ByteView>(argv).subspan(starts[i], end - starts[i]);
  }
  void clear() {
    argv.clear();
    starts.clear();
    id = 0;
    db = 0;
  }
};

// The server's bounds on what one message may ask for (the store's
// max-command-args and max-batch-commands, and its number of databases),
// checked while decoding: a command's argv (its name included) and a
// batch's commands are counted before each is stored, so a message over a
// limit costs no allocation beyond the limit and decodes to nothing. A db
// at or past `databases` refuses the whole message with SELECT's error,
// "ERR DB index is out of range": none of its commands runs in a database
// the sender did not mean. The defaults bound nothing.
struct DecodeLimits {
  uint64_t max_command_args = UINT64_MAX;
  uint64_t max_batch_commands = UINT64_MAX;
  uint64_t databases = UINT64_MAX;
};

// Each returns std::nullopt on success, or the error text on malformed input
// ("malformed CommandBatch: ...") or on input over a limit ("ERR Protocol
// error: too many arguments (5 > max-command-args 4)"). `out` is cleared
// first, and left empty on error. A Command without a name decodes with an
// empty name (the command table answers it with its own error). A
// Transaction has CommandBatch's fields: decodeCommandBatch reads it too,
// named `message_name` in its errors ("malformed Transaction: ...").
std::optional<std::string> decodeCommandBatch(ByteView message, DecodedCommands& out,
                                              const char* message_name = "CommandBatch",
                                              const DecodeLimits& limits = {});
std::optional<std::string> decodeCommand(ByteView message, DecodedCommands& out,
                                         const DecodeLimits& limits = {});

// Server side: reply stream -> protobuf. `reply_stream` must hold exactly one
// complete reply as ReplyBuilder writes it (the stream is trusted: it never
// comes from the network). kNull and kNullArray both become Reply.null.
//
// Keeps its scratch space between calls; one per thread of use.
class ReplyEncoder {
 public:
  // Appends the body of a Reply message (no outer tag or length).
  void encode(std::string_view reply_stream, std::string& out);
  // Appends the reply as a length-delimited field numbered `field_number`
  // (ReplyBatch.replies is field 1).
  void encodeField(uint32_t field_number, std::string_view reply_stream, std::string& out);

 private:
  // Per open aggregate while measuring.
  struct MeasureFrame {
    size_t size_slot;      // where this aggregate's body size goes in sizes_
    uint64_t remaining;    // values still to come (2 per map pair)
    uint64_t body;         // body bytes so far
    bool is_map;
    size_t pair_slot;      // maps: where the open pair's body size goes
    uint64_t pair_body;    // maps: the open pair's body bytes so far
  };
  // Per open aggregate while writing.
  struct WriteFrame {
    uint64_t remaining;
    bool is_map;
  };

  uint64_t measure(std::string_view reply_stream);
  char* write(std::string_view reply_stream, char* at);

  // Body sizes of every aggregate and every map pair, in the order the
  // writer meets them (pre-order).
  std::vector<uint64_t> sizes_;
  std::vector<MeasureFrame> measure_stack_;
  std::vector<WriteFrame> write_stack_;
};

// Appends the body of a Reply message for the single reply in `reply_stream`.
void encodeReply(std::string_view reply_stream, std::string& out);

// Builds a ReplyBatch: add each command's reply stream in order, then finish.
// clear() starts the next batch (and keeps the buffers' capacity).
class ReplyBatchWriter {
 public:
  // Appends field 1 (a Reply, length-delimited).
  void add(std::string_view reply_stream) { encoder_.encodeField(1, reply_stream, buf_); }
  // Appends field 2 (id) if non-zero; returns the message bytes.
  std::string& finish(uint64_t id);
  void clear() { buf_.clear(); }

 private:
  ReplyEncoder encoder_;
  std::string buf_;
};

// Client side: protobuf -> reply stream, for the existing JS renderer.
//
// Decodes one Reply message body into `out` as one complete top-level value.
// A Reply with no field set decodes as kNull, as does a ReplyPair side that
// is missing. On error `out` is left as it was on entry.
std::optional<std::string> decodeReply(ByteView message, ReplyBuilder& out);
// Decodes a ReplyBatch: appends each Reply to `out` as one complete value,
// in order; `*count` gets how many and `*id` the batch id (either pointer may
// be null). On error `out` is left as it was on entry.
std::optional<std::string> decodeReplyBatch(ByteView message, ReplyBuilder& out, size_t* count,
                                            uint64_t* id);

// Client side: commands -> protobuf.
//
// Appends the body of a Command: argv[0] is the name, the rest its args. An
// empty name is omitted (proto3 writes no default scalar); every arg is
// written, empty ones included; db only when non-zero.
void encodeCommand(std::span<const ByteView> argv, std::string& out, uint32_t db = 0);

// Builds a CommandBatch: add each command's argv in order, then finish.
// clear() starts the next batch.
class CommandBatchWriter {
 public:
  // Appends field 1 (a Command, length-delimited).
  void add(std::span<const ByteView> argv);
  // Appends field 2 (id) and field 3 (db), each if non-zero; returns the
  // message bytes.
  std::string& finish(uint64_t id, uint32_t db = 0);
  void clear() { buf_.clear(); }

 private:
  std::string buf_;
};

}  // namespace ember::proto
