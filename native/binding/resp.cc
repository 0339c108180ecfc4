// The RESP listener's path into a store (issue 8): one core RespConnection
// per client socket (core/resp_connection.h), known to JS by its client id.
// The server's socket code (src/server/resp.ts) feeds it the bytes it
// reads and writes out the bytes it produces; every function here only
// converts between JS values and the connection's calls.
#include <node_api.h>

#include <memory>
#include <string>
#include <vector>

#include "core/resp_connection.h"
#include "store_handle.h"

namespace ember::binding {
namespace {

// Reads a JS string argument (UTF-8); false after throwing.
bool readString(napi_env env, napi_value value, std::string& out) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) {
    throwTypeError(env, "expected a string");
    return false;
  }
  out.resize(length);
  napi_get_value_string_utf8(env, value, out.data(), length + 1, &length);
  return true;
}

// The connection whose id is the first argument; nullptr after throwing.
RespConnection* connectionOf(napi_env env, const Call& call) {
  double id = 0;
  if (call.argc < 1 || napi_get_value_double(env, call.args[0], &id) != napi_ok) {
    throwTypeError(env, "the first argument must be a RESP connection id");
    return nullptr;
  }
  auto it = call.handle->resp.find(static_cast<uint64_t>(id));
  if (it == call.handle->resp.end()) {
    napi_throw_error(env, nullptr, "emberkv: no such RESP connection (closed)");
    return nullptr;
  }
  return it->second.get();
}

napi_value number(napi_env env, double value) {
  napi_value out;
  napi_create_double(env, value, &out);
  return out;
}

// A connection's state for JS: the State in the low four bits, plus
//   0x10 the store has work for the front end (pub/sub messages, audit
//        events, keys a blocked client may wait for, killed clients).
napi_value stateOf(napi_env env, Store& store, RespConnection::State state) {
  uint32_t bits = static_cast<uint32_t>(state);
  if (store.pubsub().hasDeliveries() || store.hasAuditEvents() || store.hasReadyKeys() || store.sessions().hasKilled()) {
    bits |= 0x10;
  }
  return number(env, bits);
}

// respOpen(addr, laddr): a new connection; its client id.
napi_value RespOpen(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  std::string addr, laddr;
  if (call.argc < 2 || !readString(env, call.args[0], addr) || !readString(env, call.args[1], laddr)) return nullptr;
  auto connection = std::make_unique<RespConnection>(*call.handle->store, std::move(addr), std::move(laddr));
  const uint64_t id = connection->session().id;
  call.handle->resp.emplace(id, std::move(connection));
  return number(env, static_cast<double>(id));
}

// respFeed(id, bytes): runs what the bytes complete; the state after
// (0 ready, 1 blocked, 2 authenticating, 3 closing; with stateOf's flags).
napi_value RespFeed(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  ByteView data;
  if (call.argc < 2 || !viewBytes(env, call.args[1], &data)) {
    throwTypeError(env, "respFeed(id, bytes): bytes must be a Buffer");
    return nullptr;
  }
  return stateOf(env, *call.handle->store, connection->feed(data));
}

// respOutput(id): the bytes produced since the last call (a Buffer), or
// null if there are none.
napi_value RespOutput(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  std::string& output = connection->output();
  napi_value out;
  if (output.empty()) {
    napi_get_null(env, &out);
    return out;
  }
  napi_create_buffer_copy(env, output.size(), output.data(), nullptr, &out);
  output.clear();
  // A large reply's buffer is not kept for the life of the connection.
  if (output.capacity() > (1u << 20)) output.shrink_to_fit();
  return out;
}

// respBlock(id): what the blocked command waits for, as
// [db, timeoutMs (0: for ever), keys (Buffers)].
napi_value RespBlock(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  const Store::BlockRequest& request = connection->blockRequest();
  napi_value keys;
  napi_create_array_with_length(env, request.keys.size(), &keys);
  for (size_t i = 0; i < request.keys.size(); i++) {
    napi_value key;
    napi_create_buffer_copy(env, request.keys[i].size(), request.keys[i].data(), nullptr, &key);
    napi_set_element(env, keys, static_cast<uint32_t>(i), key);
  }
  napi_value out;
  napi_create_array_with_length(env, 3, &out);
  napi_set_element(env, out, 0, number(env, request.db_index));
  napi_set_element(env, out, 1, number(env, static_cast<double>(request.timeout_ms)));
  napi_set_element(env, out, 2, keys);
  return out;
}

// respAuthRequest(id): the credentials AUTH or HELLO asks to check, as
// [user, secret].
napi_value RespAuthRequest(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  const std::optional<Session::Credentials>& request = connection->session().auth_request;
  napi_value out, user, secret;
  if (!request) {
    napi_get_null(env, &out);
    return out;
  }
  napi_create_string_utf8(env, request->user.data(), request->user.size(), &user);
  napi_create_string_utf8(env, request->secret.data(), request->secret.size(), &secret);
  napi_create_array_with_length(env, 2, &out);
  napi_set_element(env, out, 0, user);
  napi_set_element(env, out, 1, secret);
  return out;
}

// respFinishAuth(id, ok): the verdict on respAuthRequest's credentials;
// the state after running on.
napi_value RespFinishAuth(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  bool ok = false;
  if (call.argc > 1) napi_get_value_bool(env, call.args[1], &ok);
  return stateOf(env, *call.handle->store, connection->finishAuth(ok));
}

// respRetry(id): runs the blocked command again (0 served, 1 still
// blocked, 2 the key holds another type now: still blocked).
napi_value RespRetry(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  return number(env, static_cast<double>(connection->retryBlocked()));
}

// respTimeout(id): the blocked command answers its null; the state after.
napi_value RespTimeout(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  return stateOf(env, *call.handle->store, connection->timeoutBlocked());
}

// respState(id): the connection's state.
napi_value RespState(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  return stateOf(env, *call.handle->store, connection->state());
}

// respSetUser(id, name): the connection is authenticated as this user (a
// verified client certificate's CN); false if there is no such enabled user.
napi_value RespSetUser(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  std::string name;
  if (!connection || call.argc < 2 || !readString(env, call.args[1], name)) return nullptr;
  Store& store = *call.handle->store;
  AccessControl::UserPtr user = store.acl().find(name);
  const bool ok = user && user->enabled;
  if (ok) {
    connection->session().user = std::move(user);
    connection->session().acl_generation = store.acl().generation();
  }
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

// respCheckOutput(id, pendingBytes): what the output buffer limits say of
// a socket with that many bytes not yet written: 0 go on, 1 stop reading
// until it drains, or the reason (a string) to close it.
napi_value RespCheckOutput(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  RespConnection* connection = connectionOf(env, call);
  if (!connection) return nullptr;
  double pending = 0;
  if (call.argc > 1) napi_get_value_double(env, call.args[1], &pending);
  Store& store = *call.handle->store;
  std::string reason;
  const OutputVerdict verdict = checkOutputLimits(connection->session(), store.config(),
                                                  static_cast<size_t>(pending > 0 ? pending : 0), store.nowMs(), &reason);
  if (verdict != OutputVerdict::kClose) return number(env, static_cast<double>(verdict));
  napi_value out;
  napi_create_string_utf8(env, reason.data(), reason.size(), &out);
  return out;
}

// respClose(id): the socket closed: the connection leaves no trace.
napi_value RespClose(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  double id = 0;
  if (call.argc > 0) napi_get_value_double(env, call.args[0], &id);
  call.handle->resp.erase(static_cast<uint64_t>(id));
  return nullptr;
}

// A JS array of numbers, or null if `ids` is empty.
napi_value idsOrNull(napi_env env, const std::vector<uint64_t>& ids) {
  napi_value out;
  if (ids.empty()) {
    napi_get_null(env, &out);
    return out;
  }
  napi_create_array_with_length(env, ids.size(), &out);
  for (size_t i = 0; i < ids.size(); i++) napi_set_element(env, out, static_cast<uint32_t>(i), number(env, static_cast<double>(ids[i])));
  return out;
}

// respTakeKilled(): ids of connections CLIENT KILL marked (to close), or null.
napi_value RespTakeKilled(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  return idsOrNull(env, call.handle->store->sessions().takeKilled());
}

// respDeliver(): hands the messages PUBLISH queued to the RESP
// connections subscribed (into their output); the ids of those that got
// some, or null. Deliveries to gRPC streams stay for takePubsubDeliveries.
napi_value RespDeliver(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  Store& store = *call.handle->store;
  if (!store.pubsub().hasDeliveries() || store.sessions().count() == 0) return idsOrNull(env, {});
  PubSub::Outbox outbox = store.pubsub().takeOutbox();
  std::vector<uint64_t> touched = deliverToSessions(store.sessions(), outbox);
  store.pubsub().restoreOutbox(std::move(outbox));
  return idsOrNull(env, touched);
}

// The native transport (resp_transport.h), made on first use.
RespTransport* transportOf(napi_env env, const Call& call, napi_value on_event) {
  StoreHandle* handle = call.handle;
  if (!handle->resp_transport) {
    napi_valuetype type = napi_undefined;
    if (on_event) napi_typeof(env, on_event, &type);
    if (type != napi_function) {
      throwTypeError(env, "the first respListen needs the onEvent function");
      return nullptr;
    }
    handle->resp_transport = std::make_unique<RespTransport>(env, handle, on_event);
  }
  return handle->resp_transport.get();
}

// respListen(onEvent, host, port): serves RESP on host:port from native
// code (port 0: any free port); the port bound. Throws if it cannot listen.
napi_value RespListen(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  std::string host, error;
  double port = 0;
  if (call.argc < 3 || !readString(env, call.args[1], host) || napi_get_value_double(env, call.args[2], &port) != napi_ok) {
    throwTypeError(env, "respListen(onEvent, host, port)");
    return nullptr;
  }
  RespTransport* transport = transportOf(env, call, call.args[0]);
  if (!transport) return nullptr;
  const int bound = transport->listenTcp(host, static_cast<int>(port), error);
  if (bound < 0) {
    napi_throw_error(env, nullptr, error.c_str());
    return nullptr;
  }
  return number(env, bound);
}

// respListenUnix(onEvent, path): serves RESP on a Unix socket.
napi_value RespListenUnix(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  std::string path, error;
  if (call.argc < 2 || !readString(env, call.args[1], path)) {
    throwTypeError(env, "respListenUnix(onEvent, path)");
    return nullptr;
  }
  RespTransport* transport = transportOf(env, call, call.args[0]);
  if (!transport) return nullptr;
  if (!transport->listenUnix(path, error)) napi_throw_error(env, nullptr, error.c_str());
  return nullptr;
}

// respPump(id): a native connection writes the output its core connection
// has (pub/sub messages, a served blocked command, ...); true if it was
// held for the append-only log instead (release it with respReleaseHeld).
napi_value RespPump(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  double id = 0;
  if (call.argc > 0) napi_get_value_double(env, call.args[0], &id);
  RespTransport* transport = call.handle->resp_transport.get();
  napi_value out;
  napi_get_boolean(env, transport && transport->pump(static_cast<uint64_t>(id)), &out);
  return out;
}

// respReleaseHeld(id): a native connection writes its oldest held output.
napi_value RespReleaseHeld(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  double id = 0;
  if (call.argc > 0) napi_get_value_double(env, call.args[0], &id);
  if (RespTransport* transport = call.handle->resp_transport.get()) transport->releaseHeld(static_cast<uint64_t>(id));
  return nullptr;
}

// respEnd(id, now): closes a native connection once its output is written
// (`now`: at once, what is unwritten is dropped).
napi_value RespEnd(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  double id = 0;
  bool now = false;
  if (call.argc > 0) napi_get_value_double(env, call.args[0], &id);
  if (call.argc > 1) napi_get_value_bool(env, call.args[1], &now);
  if (RespTransport* transport = call.handle->resp_transport.get()) transport->end(static_cast<uint64_t>(id), now);
  return nullptr;
}

// respStopListening(): closes the native listeners and connections.
napi_value RespStopListening(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  if (RespTransport* transport = call.handle->resp_transport.get()) transport->closeAll();
  return nullptr;
}

// newClientId(): a client id for a subscriber that is not a RESP
// connection (a gRPC Subscribe stream), from the same counter.
napi_value NewClientId(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  return number(env, static_cast<double>(call.handle->store->sessions().nextId()));
}

}  // namespace

std::span<const StoreMethod> respMethods() {
  static const StoreMethod kMethods[] = {
      {"respOpen", RespOpen},
      {"respFeed", RespFeed},
      {"respOutput", RespOutput},
      {"respBlock", RespBlock},
      {"respAuthRequest", RespAuthRequest},
      {"respFinishAuth", RespFinishAuth},
      {"respRetry", RespRetry},
      {"respTimeout", RespTimeout},
      {"respState", RespState},
      {"respSetUser", RespSetUser},
      {"respCheckOutput", RespCheckOutput},
      {"respClose", RespClose},
      {"respTakeKilled", RespTakeKilled},
      {"respDeliver", RespDeliver},
      {"newClientId", NewClientId},
      {"respListen", RespListen},
      {"respListenUnix", RespListenUnix},
      {"respPump", RespPump},
      {"respReleaseHeld", RespReleaseHeld},
      {"respEnd", RespEnd},
      {"respStopListening", RespStopListening},
  };
  return kMethods;
}

}  // namespace ember::binding
