// RespWriter: renders the reply stream (reply.h) as RESP bytes for a
// client socket (issue 8), in the protocol version the connection chose
// with HELLO: RESP2 (the default) or RESP3.
//
// RESP3 types map one to one. RESP2 has fewer, and Redis 7 downgrades
// them so: a map is a flat array of its keys and values, a set an array,
// a double a bulk string of its "%.17g" text ("inf" / "-inf"), a boolean
// the integer 1 or 0, a null "$-1" and a null aggregate "*-1" (RESP3 has
// one null, "_"). Error texts are written as they are: the core never
// puts CR or LF in one (err::clientText).
#pragma once

#include <string>
#include <string_view>

#include "reply.h"

namespace ember {

// Appends one complete reply (the next value of `reader`, aggregates with
// all their elements) to `out`.
void writeResp(ReplyReader& reader, int protocol, std::string& out);

// Appends every reply of `stream` (a ReplyBuilder's bytes holding whole
// replies back to back).
void writeRespAll(std::string_view stream, int protocol, std::string& out);

}  // namespace ember
