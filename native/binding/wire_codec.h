// The client side of the gRPC contract, for emberkv/client: commands as JS
// values -> a CommandBatch message, and a ReplyBatch message -> JS values,
// with the core's protobuf codec (core/proto_wire.h) and the same reply
// renderer as the embedded engine (reply_to_js.h).
#pragma once

#include <napi.h>

namespace ember::binding {

// encodeCommandBatch(commands, id, db?): commands is an array of arrays
// (name, then arguments, each a string, Buffer, Uint8Array, number or
// bigint); db (default 0) is the database they run in. Returns the
// CommandBatch (or Transaction: id is then the WATCH token) message as a
// Buffer; throws a TypeError naming a bad argument.
Napi::Value EncodeCommandBatch(const Napi::CallbackInfo& info);

// decodeReplyBatch(message, bulkAsBuffer): the replies as an array of JS
// values; an error reply is an EmberError element (not thrown). Throws an
// Error if the message is malformed.
Napi::Value DecodeReplyBatch(const Napi::CallbackInfo& info);

// encodeCommand(command, db?): one command (name, then arguments) as a
// Command message (a unary Execute's request), to run in database db
// (default 0).
Napi::Value EncodeCommand(const Napi::CallbackInfo& info);

// decodeReply(message, bulkAsBuffer): a Reply message as a JS value (an
// error reply is an EmberError value, not thrown).
Napi::Value DecodeReply(const Napi::CallbackInfo& info);

}  // namespace ember::binding
