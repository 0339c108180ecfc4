// The client's protobuf codec: see wire_codec.h.
#include "wire_codec.h"

#include <string>

#include "addon_data.h"
#include "args.h"
#include "core/proto_wire.h"
#include "core/reply.h"
#include "reply_to_js.h"

namespace ember::binding {

Napi::Value EncodeCommandBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "emberkv: encodeCommandBatch(commands, id) expects an array and a number")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array commands = info[0].As<Napi::Array>();
  const double id = info[1].As<Napi::Number>().DoubleValue();
  proto::CommandBatchWriter writer;
  ArgumentList args;
  std::string error;
  for (uint32_t i = 0; i < commands.Length(); i++) {
    Napi::Value command = commands[i];
    if (!command.IsArray()) {
      Napi::TypeError::New(env, "emberkv: each command must be an array").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Array argv = command.As<Napi::Array>();
    args.clear();
    for (uint32_t j = 0; j < argv.Length(); j++) {
      if (!args.add(env, Napi::Value(argv[j]), j, error)) {
        Napi::TypeError::New(env, "emberkv: " + error).ThrowAsJavaScriptException();
        return env.Undefined();
      }
    }
    writer.add(args.views());
  }
  const std::string& message = writer.finish(static_cast<uint64_t>(id));
  return Napi::Buffer<char>::Copy(env, message.data(), message.size());
}

Napi::Value DecodeReplyBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView message;
  if (info.Length() < 1 || !viewBytes(env, info[0], &message)) {
    Napi::TypeError::New(env, "emberkv: decodeReplyBatch expects a Buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  ReplyBuilder stream;
  size_t count = 0;
  uint64_t id = 0;
  if (auto error = proto::decodeReplyBatch(message, stream, &count, &id)) {
    Napi::Error::New(env, "emberkv: " + *error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  RenderOptions options;
  options.bulk_as_buffer = info.Length() > 1 && info[1].ToBoolean().Value();
  options.error_class = addonData(env).error_class;
  ReplyReader reader(stream.bytes());
  Napi::Array out = Napi::Array::New(env, count);
  for (uint32_t i = 0; i < count; i++) {
    napi_value value = renderReply(env, reader, options);
    if (!value) {
      if (!env.IsExceptionPending()) {
        Napi::RangeError::New(env, "emberkv: a reply does not fit in a JavaScript string; use callBuffer()")
            .ThrowAsJavaScriptException();
      }
      return env.Undefined();
    }
    out.Set(i, Napi::Value(env, value));
  }
  return out;
}

}  // namespace ember::binding
