// WireExecutor: see wire_executor.h.
#include "wire_executor.h"

#include <new>

#include "store.h"

namespace ember {

proto::DecodeLimits WireExecutor::limits() const {
  const StoreConfig& config = store_.config();
  return {static_cast<uint64_t>(config.max_command_args), static_cast<uint64_t>(config.max_batch_commands),
          static_cast<uint64_t>(Store::kDatabases)};
}

void WireExecutor::run(size_t i) {
  reply_.clear();
  try {
    // The decoder refused any db past the store's databases.
    store_.execute(commands_.command(i), reply_, static_cast<int>(commands_.db));
  } catch (const std::bad_alloc&) {
    // The command could not get memory midway: answer it, keep the others.
    reply_.clear();
    reply_.error("OOM command not allowed: out of memory while executing it");
  }
}

std::optional<std::string> WireExecutor::execute(ByteView message, std::string& out) {
  if (auto error = proto::decodeCommand(message, commands_, limits())) return error;
  run(0);
  out.clear();
  encoder_.encode(reply_.bytes(), out);
  return std::nullopt;
}

std::optional<std::string_view> WireExecutor::lastError() const {
  if (reply_.size() == 0) return std::nullopt;
  ReplyReader reader(reply_.bytes());
  const ReplyValue value = reader.next();
  if (value.type != ReplyType::kError) return std::nullopt;
  return value.str;
}

std::optional<std::string> WireExecutor::executeBatch(ByteView message, std::string& out) {
  if (auto error = proto::decodeCommandBatch(message, commands_, "CommandBatch", limits())) return error;
  writer_.clear();
  for (size_t i = 0; i < commands_.size(); i++) {
    run(i);
    writer_.add(reply_.bytes());
  }
  out.swap(writer_.finish(commands_.id));
  return std::nullopt;
}

std::optional<std::string> WireExecutor::executeTransaction(ByteView message, std::string& out,
                                                            TransactionOutcome& outcome) {
  if (auto error = proto::decodeCommandBatch(message, commands_, "Transaction", limits())) return error;
  const Watches::Token token = commands_.id;
  // Redis checks each command as MULTI queues it and EXEC then discards
  // the whole transaction if one failed; here all arrive at once.
  for (size_t i = 0; i < commands_.size(); i++) {
    std::optional<std::string> error = Store::checkCommand(commands_.command(i));
    if (!error) error = store_.checkAccess(commands_.command(i));  // a refused command: none runs
    if (error) {
      if (token) store_.unwatch(token);
      outcome = TransactionOutcome::kRejected;
      out = "EXECABORT Transaction discarded because of previous errors: command " + std::to_string(i + 1) + ": " +
            *error;
      return std::nullopt;
    }
  }
  writer_.clear();
  // All of the transaction's effects are one record of the log: replay
  // applies all of them or (cut short by a crash) none.
  const std::span<const Watches::Token> tokens(&token, token ? 1 : 0);
  const Store::TransactionResult result = store_.runTransaction(tokens, commands_.size(), [&](size_t i) {
    run(i);
    writer_.add(reply_.bytes());
  });
  if (result == Store::TransactionResult::kWatchBroken) {
    outcome = TransactionOutcome::kAborted;
    out.clear();
    return std::nullopt;
  }
  if (result == Store::TransactionResult::kNotDurable) {
    // It ran, but the log could not take it: not acknowledged.
    outcome = TransactionOutcome::kRejected;
    out = store_.aofWriteError();
    return std::nullopt;
  }
  outcome = TransactionOutcome::kRan;
  out.swap(writer_.finish(0));
  return std::nullopt;
}

}  // namespace ember
