// StoreHandle: one core Store and the scratch space the functions bound
// to it reuse, and Call, the arguments of one call to such a function.
// Shared by the addon's files (addon.cc: commands as JS values;
// server_path.cc: the gRPC server's hooks).
#pragma once

#include <node_api.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "args.h"
#include "core/reply.h"
#include "core/resp_connection.h"
#include "resp_transport.h"
#include "core/store.h"
#include "core/wire_executor.h"

namespace ember::binding {

// One store and the scratch space its calls reuse. Shared by the functions
// createStore() returns (each holds a reference), so it lives as long as
// any of them.
struct StoreHandle {
  std::unique_ptr<Store> store = std::make_unique<Store>();
  ArgumentList args;
  ReplyBuilder reply;
  // The gRPC server's path (made on first use) and its output buffer.
  std::unique_ptr<WireExecutor> wire;
  std::string wire_out;
  // The RESP listener's connections by client id (resp.cc). Declared
  // after the store, so destroyed before it.
  std::unordered_map<uint64_t, std::unique_ptr<RespConnection>> resp;
  // The RESP listener's native sockets (made by respListen); declared
  // after `resp`, so destroyed before it.
  std::unique_ptr<RespTransport> resp_transport;
};

using SharedHandle = std::shared_ptr<StoreHandle>;

// Most commands have few arguments: read them into a stack array.
constexpr size_t kInlineArgs = 16;

inline void throwTypeError(napi_env env, const std::string& message) {
  napi_throw_type_error(env, nullptr, ("emberkv: " + message).c_str());
}

// The arguments of one call and the StoreHandle bound to the function.
struct Call {
  napi_value inline_args[kInlineArgs];
  std::vector<napi_value> heap_args;
  napi_value* args = inline_args;
  size_t argc = kInlineArgs;
  StoreHandle* handle = nullptr;

  // Reads them; false (with a JS exception pending) if the store is closed.
  bool read(napi_env env, napi_callback_info info) {
    void* data = nullptr;
    napi_get_cb_info(env, info, &argc, inline_args, nullptr, &data);
    if (argc > kInlineArgs) {
      heap_args.resize(argc);
      napi_get_cb_info(env, info, &argc, heap_args.data(), nullptr, nullptr);
      args = heap_args.data();
    }
    handle = static_cast<SharedHandle*>(data)->get();
    if (!handle->store) {
      napi_throw_error(env, nullptr, "emberkv: the engine is closed");
      return false;
    }
    return true;
  }
};

// A function bound to a store: its name and its callback (the callback's
// data is a SharedHandle*).
struct StoreMethod {
  const char* name;
  napi_callback callback;
};

// The gRPC server's functions (server_path.cc).
std::span<const StoreMethod> serverPathMethods();
// persistence.cc: loading at startup, the append-only log's writes and fsyncs.
std::span<const StoreMethod> persistenceMethods();
// access.cc: authentication, channel checks, audit events.
std::span<const StoreMethod> accessMethods();
// resp.cc: the RESP listener's connections.
std::span<const StoreMethod> respMethods();

}  // namespace ember::binding
