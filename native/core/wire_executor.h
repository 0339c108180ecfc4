// WireExecutor: the gRPC server's path into a Store. It takes protobuf
// messages of the emberkv.v1 contract (proto_wire.h) as bytes, runs their
// commands through the one command table, and answers with the encoded
// replies, so no JS object is built per command on the way.
//
// A CommandBatch runs as a whole: every command in order, each reply
// (an error included) in its place; a malformed message, or one over the
// store's max-command-args or max-batch-commands, runs nothing.
//
// Every message names its database (the db field of a Command, a
// CommandBatch or a Transaction; 0 when absent): its commands run there,
// as after a SELECT. A db past Store::kDatabases runs nothing and is
// answered like a malformed message, with SELECT's error text
// "ERR DB index is out of range".
//
// Invariant: the scratch buffers are reused across calls, so a steady
// stream of batches allocates nothing but its output.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bytes.h"
#include "proto_wire.h"
#include "reply.h"

namespace ember {

class Store;

class WireExecutor {
 public:
  explicit WireExecutor(Store& store) : store_(store) {}

  // A Command message in; its Reply message's bytes in `out` (replaced).
  // Returns an error text if the message is malformed (nothing ran).
  std::optional<std::string> execute(ByteView message, std::string& out);
  // A CommandBatch message in; its ReplyBatch message's bytes in `out`
  // (replaced). Returns an error text if the message is malformed.
  std::optional<std::string> executeBatch(ByteView message, std::string& out);
  // A Transaction message in (a CommandBatch whose id field is the WATCH
  // token, 0 for none; the token's keys may be of another db than the
  // transaction's, as in Redis, where WATCH and EXEC may straddle a
  // SELECT): every command is checked first, and if one is
  // unknown or has the wrong number of arguments nothing runs (kRejected,
  // `out` holds the EXECABORT text); if the token is broken nothing runs
  // (kAborted); otherwise all run back to back (kRan, `out` holds the
  // ReplyBatch) and the token is released. If they ran but the
  // append-only log could not make them durable (appendfsync always,
  // embedded), kRejected with the MISCONF text: not acknowledged. Returns
  // an error text if the message is malformed (nothing ran).
  enum class TransactionOutcome { kRan, kRejected, kAborted };
  std::optional<std::string> executeTransaction(ByteView message, std::string& out, TransactionOutcome& outcome);
  // The text of the error execute() last answered with, if it was one
  // (a unary RPC fails with it as its status message).
  std::optional<std::string_view> lastError() const;

 private:
  // The store's max-command-args and max-batch-commands, read per message
  // so a CONFIG SET applies from the next one.
  proto::DecodeLimits limits() const;
  // Runs command i of commands_ into reply_ (cleared first).
  void run(size_t i);

  Store& store_;
  proto::DecodedCommands commands_;
  ReplyBuilder reply_;
  proto::ReplyEncoder encoder_;
  proto::ReplyBatchWriter writer_;
};

}  // namespace ember
