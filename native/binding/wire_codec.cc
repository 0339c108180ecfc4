// The client's protobuf codec: see wire_codec.h.
#include "wire_codec.h"

#include <string>

#include "addon_data.h"
#include "args.h"
#include "core/proto_wire.h"
#include "core/reply.h"
#include "reply_to_js.h"

namespace ember::binding {
namespace {

// Reads one command (a JS array: name, then arguments) into `args`; false
// after throwing a TypeError naming the bad argument.
bool readCommand(Napi::Env env, Napi::Value command, ArgumentList& args) {
  if (!command.IsArray()) {
    Napi::TypeError::New(env, "emberkv: each command must be an array").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Array argv = command.As<Napi::Array>();
  args.clear();
  std::string error;
  for (uint32_t j = 0; j < argv.Length(); j++) {
    if (!args.add(env, Napi::Value(argv[j]), j, error)) {
      Napi::TypeError::New(env, "emberkv: " + error).ThrowAsJavaScriptException();
      return false;
    }
  }
  return true;
}

// The next reply of `reader` as a JS value; empty after throwing if V8
// refused a value (a string beyond its length limit).
Napi::Value renderNext(Napi::Env env, ReplyReader& reader, bool bulk_as_buffer) {
  RenderOptions options;
  options.bulk_as_buffer = bulk_as_buffer;
  options.error_class = addonData(env).error_class;
  napi_value value = renderReply(env, reader, options);
  if (!value) {
    if (!env.IsExceptionPending()) {
      Napi::RangeError::New(env, "emberkv: a reply does not fit in a JavaScript string; use callBuffer()")
          .ThrowAsJavaScriptException();
    }
    return Napi::Value();
  }
  return Napi::Value(env, value);
}

// The message argument of a decoder; false after throwing.
bool readMessage(const Napi::CallbackInfo& info, const char* usage, ByteView* message) {
  if (info.Length() < 1 || !viewBytes(info.Env(), info[0], message)) {
    Napi::TypeError::New(info.Env(), usage).ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// The optional db argument at `at` of an encoder (undefined: 0); false
// after throwing. The client validated it already: this guards the
// conversion to uint32.
bool readDb(const Napi::CallbackInfo& info, size_t at, uint32_t* db) {
  *db = 0;
  if (info.Length() <= at || info[at].IsUndefined()) return true;
  const double value = info[at].IsNumber() ? info[at].As<Napi::Number>().DoubleValue() : -1;
  if (!(value >= 0 && value <= UINT32_MAX) || value != static_cast<double>(static_cast<uint32_t>(value))) {
    Napi::RangeError::New(info.Env(), "emberkv: db must be a non-negative integer").ThrowAsJavaScriptException();
    return false;
  }
  *db = static_cast<uint32_t>(value);
  return true;
}

}  // namespace

Napi::Value EncodeCommandBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "emberkv: encodeCommandBatch(commands, id) expects an array and a number")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array commands = info[0].As<Napi::Array>();
  const double id = info[1].As<Napi::Number>().DoubleValue();
  uint32_t db = 0;
  if (!readDb(info, 2, &db)) return env.Undefined();
  proto::CommandBatchWriter writer;
  ArgumentList args;
  for (uint32_t i = 0; i < commands.Length(); i++) {
    if (!readCommand(env, commands[i], args)) return env.Undefined();
    writer.add(args.views());
  }
  const std::string& message = writer.finish(static_cast<uint64_t>(id), db);
  return Napi::Buffer<char>::Copy(env, message.data(), message.size());
}

Napi::Value EncodeCommand(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArgumentList args;
  if (info.Length() < 1 || !readCommand(env, info[0], args)) {
    if (!env.IsExceptionPending()) {
      Napi::TypeError::New(env, "emberkv: encodeCommand(command) expects an array").ThrowAsJavaScriptException();
    }
    return env.Undefined();
  }
  uint32_t db = 0;
  if (!readDb(info, 1, &db)) return env.Undefined();
  std::string message;
  proto::encodeCommand(args.views(), message, db);
  return Napi::Buffer<char>::Copy(env, message.data(), message.size());
}

Napi::Value DecodeReplyBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView message;
  if (!readMessage(info, "emberkv: decodeReplyBatch expects a Buffer", &message)) return env.Undefined();
  ReplyBuilder stream;
  size_t count = 0;
  uint64_t id = 0;
  if (auto error = proto::decodeReplyBatch(message, stream, &count, &id)) {
    Napi::Error::New(env, "emberkv: " + *error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const bool bulk_as_buffer = info.Length() > 1 && info[1].ToBoolean().Value();
  ReplyReader reader(stream.bytes());
  Napi::Array out = Napi::Array::New(env, count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value value = renderNext(env, reader, bulk_as_buffer);
    if (value.IsEmpty()) return env.Undefined();
    out.Set(i, value);
  }
  return out;
}

Napi::Value DecodeReply(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView message;
  if (!readMessage(info, "emberkv: decodeReply expects a Buffer", &message)) return env.Undefined();
  ReplyBuilder stream;
  if (auto error = proto::decodeReply(message, stream)) {
    Napi::Error::New(env, "emberkv: " + *error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  ReplyReader reader(stream.bytes());
  Napi::Value value = renderNext(env, reader, info.Length() > 1 && info[1].ToBoolean().Value());
  return value.IsEmpty() ? env.Undefined() : value;
}

}  // namespace ember::binding
