// RespRequestParser: Redis's request protocol, as read from a client
// socket (issue 8): multibulk requests ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
// and inline ones, telnet style ("GET k\r\n", with Redis's quoting rules),
// parsed from a whole input buffer with Redis's error texts
// (networking.c: processMultibulkBuffer, processInlineBuffer; sds.c:
// sdssplitargs).
//
// The parser keeps no state between calls but the unescaped words of the
// last inline request: the caller keeps unparsed bytes and offers them
// again with more. A request not complete yet consumes nothing and says
// how many bytes, at least, it needs in all (RespParse::wanted), so a
// large bulk arriving in pieces is not parsed again for every piece.
//
// Invariants and limits:
//  - argv views point into the input (multibulk) or into the parser's own
//    storage (inline); both stay valid until the next call;
//  - an empty request ("*0\r\n", "*-1\r\n", a blank line) is skipped;
//  - nothing is allocated for what a request only announces: a count or a
//    length past the limits is refused before any bytes of it are waited
//    for, and argv grows with the arguments actually present;
//  - a line without its '\n' is refused once kMaxInlineBytes are buffered
//    (Redis's PROTO_INLINE_MAX_SIZE), so a client cannot make the caller
//    buffer without bound while the parser waits for a line end.
// After an error the connection is beyond repair (Redis replies with the
// error and closes it): the caller must not parse further.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bytes.h"

namespace ember {

struct RespLimits {
  uint64_t max_bulk_len = kMaxBulkLen;  // proto-max-bulk-len
  uint64_t max_args = 1024 * 1024;      // max-command-args
  // Not authenticated yet: Redis's authRequired() limits (at most 10
  // arguments of at most 16 KB each), so a client that knows no secret
  // cannot make the server buffer a large request.
  bool unauthenticated = false;
};

struct RespParse {
  enum class Status {
    kCommand,     // argv holds one request; `consumed` bytes were used
    kIncomplete,  // only empty requests used (`consumed` bytes); retry once
                  // the input, counted from its start, has `wanted` bytes
    kError,       // `error` holds Redis's text ("ERR Protocol error: ...")
  };
  Status status = Status::kIncomplete;
  size_t consumed = 0;
  size_t wanted = 0;
  std::string error;
};

class RespRequestParser {
 public:
  // Redis's PROTO_INLINE_MAX_SIZE: the longest line (inline request, or a
  // count line) buffered while waiting for its end.
  static constexpr size_t kMaxInlineBytes = 64 * 1024;
  // Redis's limits on a request from a client that has not authenticated.
  static constexpr int64_t kMaxUnauthenticatedArgs = 10;
  static constexpr int64_t kMaxUnauthenticatedBulk = 16384;

  // Parses the first request of `input` (empty requests before it are
  // consumed with it).
  RespParse next(ByteView input, std::vector<ByteView>& argv, const RespLimits& limits);

 private:
  RespParse multibulk(ByteView input, size_t start, std::vector<ByteView>& argv, const RespLimits& limits);
  RespParse inlineRequest(ByteView input, size_t start, std::vector<ByteView>& argv, const RespLimits& limits);
  std::vector<std::string> inline_words_;
};

// sdssplitargs: the words of an inline request line, unquoted and
// unescaped; false for unbalanced quotes (or a closing quote not followed
// by a space).
bool splitInlineArgs(ByteView line, std::vector<std::string>& words);

}  // namespace ember
