// The Node-API addon: the only code that knows about JavaScript values.
//
// Exposes `createStore()`, which makes one core Store and returns the
// functions that run commands on it (as JS values, or as protobuf messages
// for the gRPC server) and drive its persistence, `commands()`, which describes the command table so
// the TypeScript layer never re-declares a command, and the client's
// protobuf codec (wire_codec.h). Everything here converts
// arguments, calls the core and renders its replies: command semantics live
// in native/core only.
//
// The addon is context-aware (Node-API instance data per environment), so
// any number of stores may live in the main thread and in worker threads.
#include <napi.h>

#include <memory>
#include <optional>
#include <string>

#include "addon_data.h"
#include "args.h"
#include "core/command_table.h"
#include "core/store.h"
#include "core/wire_executor.h"
#include "persistence.h"
#include "reply_to_js.h"
#include "store_handle.h"
#include "wire_codec.h"

namespace ember::binding {
namespace {


Napi::Array bitNames(Napi::Env env, uint32_t bits, std::span<const NamedBit> names) {
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (const NamedBit& named : names) {
    if (bits & named.bit) out.Set(i++, std::string(named.name));
  }
  return out;
}

Napi::Object describe(Napi::Env env, const CommandSpec& spec, int id) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", id);
  o.Set("name", std::string(spec.name));
  o.Set("arity", spec.arity);
  o.Set("flags", bitNames(env, spec.flags, kCommandFlagNames));
  o.Set("categories", bitNames(env, spec.categories, kAclCategoryNames));
  o.Set("firstKey", spec.keys.first);
  o.Set("lastKey", spec.keys.last);
  o.Set("keyStep", spec.keys.step);
  Napi::Array subs = Napi::Array::New(env);
  uint32_t i = 0;
  for (const CommandSpec& sub : spec.subcommands) subs.Set(i++, describe(env, sub, -1));
  o.Set("subcommands", subs);
  return o;
}

// commands(): the command table, for the TypeScript layer.
Napi::Value Commands(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto all = CommandTable::instance().all();
  Napi::Array out = Napi::Array::New(env, all.size());
  for (size_t i = 0; i < all.size(); i++) out.Set(static_cast<uint32_t>(i), describe(env, *all[i], static_cast<int>(i)));
  return out;
}

// setErrorClass(EmberError): the class used for command errors.
Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(info.Env(), "setErrorClass expects a constructor").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  addonData(info.Env()).error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// exec(command, ...args) / execBuffer(command, ...args): `command` is a
// command id from commands() or a command name. Returns the reply (bulk
// strings as strings, or as Buffers for execBuffer); throws an EmberError
// when the reply is an error, a TypeError for an argument of a wrong type.
template <bool kBulkAsBuffer>
napi_value Exec(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  StoreHandle* handle = call.handle;
  size_t argc = call.argc;
  napi_value* args = call.args;
  if (argc < 1) {
    throwTypeError(env, "exec(command, ...args) needs a command");
    return nullptr;
  }
  ArgumentList& list = handle->args;
  list.clear();
  std::string type_error;
  const CommandSpec* spec = nullptr;
  int64_t id = -1;
  // Typed methods pass a command id (a number); call() passes a name.
  if (napi_get_value_int64(env, args[0], &id) == napi_ok) {
    static const auto all = CommandTable::instance().all();
    if (id < 0 || static_cast<size_t>(id) >= all.size()) {
      napi_throw_range_error(env, nullptr, "emberkv: unknown command id");
      return nullptr;
    }
    spec = all[static_cast<size_t>(id)];
    list.addBytes(spec->name);
  } else if (!list.add(env, args[0], 0, type_error)) {
    throwTypeError(env, "the command name must be a string or Buffer");
    return nullptr;
  }
  for (size_t i = 1; i < argc; i++) {
    if (!list.add(env, args[i], i, type_error)) {
      throwTypeError(env, type_error);
      return nullptr;
    }
  }
  ReplyBuilder& reply = handle->reply;
  reply.clear();
  try {
    if (spec) {
      handle->store->execute(*spec, list.views(), reply);
    } else {
      handle->store->execute(list.views(), reply);
    }
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("emberkv: internal error: ") + e.what()).c_str());
    return nullptr;
  }
  RenderOptions options;
  options.bulk_as_buffer = kBulkAsBuffer;
  options.error_class = addonData(Napi::Env(env)).error_class;
  ReplyReader reader(reply.bytes());
  napi_value result = renderReply(env, reader, options);
  if (!result) {
    // V8 refused a value: a string beyond its length limit (~512 MiB).
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) {
      napi_throw_range_error(env, nullptr,
                             "emberkv: the reply does not fit in a JavaScript string; read it with callBuffer()");
    }
    return nullptr;
  }
  if (static_cast<ReplyType>(reply.bytes()[0]) == ReplyType::kError) {
    napi_throw(env, result);
    return nullptr;
  }
  return result;
}

// setTime(ms | null): fixes the store's clock (tests), or returns it to
// the system clock.
napi_value SetTime(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  StoreHandle* handle = call.handle;
  size_t argc = call.argc;
  napi_value* args = call.args;
  napi_valuetype type = napi_undefined;
  if (argc > 0) napi_typeof(env, args[0], &type);
  double ms = -1;
  if (type == napi_number) napi_get_value_double(env, args[0], &ms);
  if (type == napi_undefined || type == napi_null) {
    handle->store->clock().useSystemClock();
  } else if (type == napi_number && ms >= 0 && ms < 9.2e18) {
    handle->store->clock().setManualMs(static_cast<int64_t>(ms));
  } else {
    throwTypeError(env, "the clock must return a non-negative number of ms");
  }
  return nullptr;
}

// cron(budgetNs): one tick of upkeep; returns { expired, moreWork }.
napi_value Cron(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  StoreHandle* handle = call.handle;
  size_t argc = call.argc;
  napi_value* args = call.args;
  double budget = 1e6;
  if (argc > 0) napi_get_value_double(env, args[0], &budget);
  Store::CronReport report = handle->store->cron(static_cast<int64_t>(budget));
  Napi::Object out = Napi::Object::New(env);
  out.Set("expired", static_cast<double>(report.expired));
  out.Set("moreWork", report.more_work);
  return out;
}

napi_value MemoryUsed(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  napi_value out;
  napi_create_double(env, static_cast<double>(call.handle->store->memory().used), &out);
  return out;
}

// close(): frees the store now; later calls throw.
napi_value Close(napi_env env, napi_callback_info info) {
  void* data = nullptr;
  size_t argc = 0;
  napi_get_cb_info(env, info, &argc, nullptr, nullptr, &data);
  StoreHandle* handle = static_cast<SharedHandle*>(data)->get();
  handle->resp_transport.reset();  // its sockets hold connections
  handle->resp.clear();            // connections hold the store
  handle->store.reset();
  return nullptr;
}

// createStore(): a new store, as an object of functions bound to it (a
// function's own data pointer is cheaper to reach than an unwrapped
// `this`, which matters at ~100 ns a call).
Napi::Value CreateStore(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto handle = std::make_shared<StoreHandle>();
  Napi::Object store = Napi::Object::New(env);
  static const StoreMethod kMethods[] = {
      {"exec", Exec<false>}, {"execBuffer", Exec<true>}, {"setTime", SetTime},
      {"cron", Cron},        {"memoryUsed", MemoryUsed}, {"close", Close},
  };
  std::vector<StoreMethod> methods(std::begin(kMethods), std::end(kMethods));
  for (const StoreMethod& m : serverPathMethods()) methods.push_back(m);
  for (const StoreMethod& m : persistenceMethods()) methods.push_back(m);
  for (const StoreMethod& m : accessMethods()) methods.push_back(m);
  for (const StoreMethod& m : respMethods()) methods.push_back(m);
  for (const StoreMethod& m : methods) {
    auto* data = new SharedHandle(handle);
    napi_value fn;
    napi_create_function(env, m.name, NAPI_AUTO_LENGTH, m.callback, data, &fn);
    napi_add_finalizer(
        env, fn, data, [](napi_env, void* p, void*) { delete static_cast<SharedHandle*>(p); }, nullptr, nullptr);
    store.Set(m.name, Napi::Value(env, fn));
  }
  return store;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());  // owned and deleted by Node-API
  exports.Set("createStore", Napi::Function::New(env, CreateStore, "createStore"));
  exports.Set("commands", Napi::Function::New(env, Commands, "commands"));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("encodeCommandBatch", Napi::Function::New(env, EncodeCommandBatch, "encodeCommandBatch"));
  exports.Set("decodeReplyBatch", Napi::Function::New(env, DecodeReplyBatch, "decodeReplyBatch"));
  exports.Set("encodeCommand", Napi::Function::New(env, EncodeCommand, "encodeCommand"));
  exports.Set("decodeReply", Napi::Function::New(env, DecodeReply, "decodeReply"));
  exports.Set("checkAppendOnlyFile", Napi::Function::New(env, CheckAppendOnlyFile, "checkAppendOnlyFile"));
  exports.Set("checkSnapshotFile", Napi::Function::New(env, CheckSnapshotFile, "checkSnapshotFile"));
  exports.Set("parseAofManifest", Napi::Function::New(env, ParseAofManifest, "parseAofManifest"));
  return exports;
}

}  // namespace ember::binding

// NODE_API_MODULE pastes the name into an identifier: it must be unqualified.
static Napi::Object InitEmberkv(Napi::Env env, Napi::Object exports) { return ember::binding::Init(env, exports); }
NODE_API_MODULE(emberkv, InitEmberkv)
