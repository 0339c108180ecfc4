// WireExecutor: see wire_executor.h.
#include "wire_executor.h"

#include <new>

#include "store.h"

namespace ember {

void WireExecutor::run(size_t i) {
  reply_.clear();
  try {
    store_.execute(commands_.command(i), reply_);
  } catch (const std::bad_alloc&) {
    // The command could not get memory midway: answer it, keep the others.
    reply_.clear();
    reply_.error("OOM command not allowed: out of memory while executing it");
  }
}

std::optional<std::string> WireExecutor::execute(ByteView message, std::string& out) {
  if (auto error = proto::decodeCommand(message, commands_)) return error;
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
  if (auto error = proto::decodeCommandBatch(message, commands_)) return error;
  writer_.clear();
  for (size_t i = 0; i < commands_.size(); i++) {
    run(i);
    writer_.add(reply_.bytes());
  }
  out.swap(writer_.finish(commands_.id));
  return std::nullopt;
}

}  // namespace ember
