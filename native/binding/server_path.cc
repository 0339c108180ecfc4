// The gRPC server's path into a store: protobuf messages executed
// natively (WireExecutor), transactions and WATCH tokens, blocking
// commands' wait requests and ready keys, and the pub/sub registry. Each
// function only converts between JS values and the core's calls.
#include <optional>
#include <span>
#include <string>
#include <set>
#include <utility>
#include <vector>

#include "access.h"
#include "core/store.h"
#include "core/wire_executor.h"
#include "store_handle.h"

namespace ember::binding {
namespace {

WireExecutor& wireOf(StoreHandle* handle) {
  if (!handle->wire) handle->wire = std::make_unique<WireExecutor>(*handle->store);
  return *handle->wire;
}

// The optional user argument of the exec functions: when given (a
// string), the commands run as that user (access.h); false after throwing.
bool enterUser(napi_env env, const Call& call, size_t at, UserScope& scope) {
  if (call.argc <= at) return true;
  napi_valuetype type;
  napi_typeof(env, call.args[at], &type);
  return type == napi_undefined || scope.enter(env, call.args[at], *call.handle->store);
}

// execWire(message, user?) / execWireBatch(message, user?): a Command
// (CommandBatch) protobuf message in, its Reply (ReplyBatch) message out
// as a Buffer; throws an Error naming the problem if the message is
// malformed. For execWire, a command that answered with an error gives
// the error's text (a string) instead: the unary RPC fails with it.
template <bool kBatch>
napi_value ExecWire(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  StoreHandle* handle = call.handle;
  ByteView message;
  if (call.argc < 1 || !viewBytes(env, call.args[0], &message)) {
    throwTypeError(env, "the message must be a Buffer or Uint8Array");
    return nullptr;
  }
  UserScope user;
  if (!enterUser(env, call, 1, user)) return nullptr;
  std::optional<std::string> error;
  try {
    error = kBatch ? wireOf(handle).executeBatch(message, handle->wire_out)
                   : wireOf(handle).execute(message, handle->wire_out);
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("emberkv: internal error: ") + e.what()).c_str());
    return nullptr;
  }
  if (error) {
    napi_throw_error(env, nullptr, error->c_str());
    return nullptr;
  }
  napi_value out;
  if (!kBatch) {
    if (std::optional<std::string_view> text = wireOf(handle).lastError()) {
      napi_create_string_utf8(env, text->data(), text->size(), &out);
      return out;
    }
  }
  napi_create_buffer_copy(env, handle->wire_out.size(), handle->wire_out.data(), nullptr, &out);
  return out;
}

// pubsubSubscribe(id, channels, patterns): subscriber `id` (a number the
// server chose) listens to these channels and patterns (Buffers).
napi_value PubsubSubscribe(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  double id = 0;
  if (call.argc < 3 || napi_get_value_double(env, call.args[0], &id) != napi_ok) {
    throwTypeError(env, "pubsubSubscribe(id, channels, patterns)");
    return nullptr;
  }
  PubSub& pubsub = call.handle->store->pubsub();
  for (size_t list = 1; list <= 2; list++) {
    uint32_t length = 0;
    if (napi_get_array_length(env, call.args[list], &length) != napi_ok) {
      throwTypeError(env, "pubsubSubscribe: channels and patterns must be arrays");
      return nullptr;
    }
    for (uint32_t i = 0; i < length; i++) {
      napi_value element;
      napi_get_element(env, call.args[list], i, &element);
      ByteView name;
      if (!viewBytes(env, element, &name)) {
        throwTypeError(env, "pubsubSubscribe: each channel and pattern must be a Buffer");
        return nullptr;
      }
      if (list == 1) {
        pubsub.subscribe(static_cast<PubSub::SubscriberId>(id), name);
      } else {
        pubsub.psubscribe(static_cast<PubSub::SubscriberId>(id), name);
      }
    }
  }
  return nullptr;
}

// pubsubRemove(id): drops every subscription of subscriber `id`.
napi_value PubsubRemove(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  double id = 0;
  if (call.argc > 0) napi_get_value_double(env, call.args[0], &id);
  call.handle->store->pubsub().removeSubscriber(static_cast<PubSub::SubscriberId>(id));
  return nullptr;
}

// takePubsubDeliveries(): the messages PUBLISH queued since the last call,
// as [subscriberId, channel, message, pattern | null] (Buffers; one Buffer
// per published channel and message, shared by its deliveries), or null.
napi_value TakePubsubDeliveries(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  PubSub& pubsub = call.handle->store->pubsub();
  napi_value out;
  if (!pubsub.hasDeliveries()) {
    napi_get_null(env, &out);
    return out;
  }
  const PubSub::Outbox outbox = pubsub.takeOutbox();
  std::vector<napi_value> channels(outbox.publications.size());
  std::vector<napi_value> messages(outbox.publications.size());
  for (size_t i = 0; i < outbox.publications.size(); i++) {
    const PubSub::Publication& p = outbox.publications[i];
    napi_create_buffer_copy(env, p.channel.size(), p.channel.data(), nullptr, &channels[i]);
    napi_create_buffer_copy(env, p.message.size(), p.message.data(), nullptr, &messages[i]);
  }
  napi_create_array_with_length(env, outbox.deliveries.size(), &out);
  for (size_t i = 0; i < outbox.deliveries.size(); i++) {
    const PubSub::Delivery& d = outbox.deliveries[i];
    napi_value entry, id, pattern;
    napi_create_array_with_length(env, 4, &entry);
    napi_create_double(env, static_cast<double>(d.to), &id);
    if (d.by_pattern) {
      napi_create_buffer_copy(env, d.pattern.size(), d.pattern.data(), nullptr, &pattern);
    } else {
      napi_get_null(env, &pattern);
    }
    napi_set_element(env, entry, 0, id);
    napi_set_element(env, entry, 1, channels[d.publication]);
    napi_set_element(env, entry, 2, messages[d.publication]);
    napi_set_element(env, entry, 3, pattern);
    napi_set_element(env, out, static_cast<uint32_t>(i), entry);
  }
  return out;
}

// execTransaction(message, user?): a Transaction message (commands and a
// WATCH token) in; its ReplyBatch as a Buffer if it ran, the EXECABORT
// text (a string) if a command was rejected before anything ran (by the
// user's permissions too), or null if the token was broken (nothing ran:
// Redis's null EXEC reply). Throws an Error if the message is malformed.
napi_value ExecTransaction(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  StoreHandle* handle = call.handle;
  ByteView message;
  if (call.argc < 1 || !viewBytes(env, call.args[0], &message)) {
    throwTypeError(env, "the message must be a Buffer or Uint8Array");
    return nullptr;
  }
  UserScope user;
  if (!enterUser(env, call, 1, user)) return nullptr;
  WireExecutor::TransactionOutcome outcome{};
  std::optional<std::string> error;
  try {
    error = wireOf(handle).executeTransaction(message, handle->wire_out, outcome);
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("emberkv: internal error: ") + e.what()).c_str());
    return nullptr;
  }
  if (error) {
    napi_throw_error(env, nullptr, error->c_str());
    return nullptr;
  }
  napi_value out;
  switch (outcome) {
    case WireExecutor::TransactionOutcome::kRan:
      napi_create_buffer_copy(env, handle->wire_out.size(), handle->wire_out.data(), nullptr, &out);
      break;
    case WireExecutor::TransactionOutcome::kRejected:
      napi_create_string_utf8(env, handle->wire_out.data(), handle->wire_out.size(), &out);
      break;
    case WireExecutor::TransactionOutcome::kAborted:
      napi_get_null(env, &out);
      break;
  }
  return out;
}

// A JS array of Buffers, copies of `items` (std::string or string_view).
template <class Bytes>
napi_value buffersOf(napi_env env, std::span<const Bytes> items) {
  napi_value out;
  napi_create_array_with_length(env, items.size(), &out);
  for (size_t i = 0; i < items.size(); i++) {
    napi_value buffer;
    napi_create_buffer_copy(env, items[i].size(), items[i].data(), nullptr, &buffer);
    napi_set_element(env, out, static_cast<uint32_t>(i), buffer);
  }
  return out;
}

// Reads a JS array of Buffers (keys) into views; false after throwing.
bool readKeys(napi_env env, napi_value array, std::vector<ByteView>& keys) {
  uint32_t length = 0;
  if (napi_get_array_length(env, array, &length) != napi_ok) {
    throwTypeError(env, "the keys must be an array of Buffers");
    return false;
  }
  keys.resize(length);
  for (uint32_t i = 0; i < length; i++) {
    napi_value element;
    napi_get_element(env, array, i, &element);
    if (!viewBytes(env, element, &keys[i])) {
      throwTypeError(env, "each key must be a Buffer or Uint8Array");
      return false;
    }
  }
  return true;
}

// watch(keys, user?, db?): a new WATCH token (a positive integer) for
// these keys of database `db` (default 0; an integer below
// Store::kDatabases, else a RangeError: the server checks it first); with
// `user`, the NOPERM text (a string) instead if the user may not read one
// of them.
napi_value Watch(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  std::vector<ByteView> keys;
  if (call.argc < 1 || !readKeys(env, call.args[0], keys)) return nullptr;
  int32_t db = 0;
  if (call.argc > 2) {
    napi_valuetype type;
    napi_typeof(env, call.args[2], &type);
    double value = 0;
    if (type != napi_undefined) {
      if (type != napi_number || napi_get_value_double(env, call.args[2], &value) != napi_ok ||
          !(value >= 0 && value < Store::kDatabases) || value != static_cast<int32_t>(value)) {
        napi_throw_range_error(env, nullptr, "watch: db must be an integer from 0 to 15");
        return nullptr;
      }
      db = static_cast<int32_t>(value);
    }
  }
  UserScope user;
  if (!enterUser(env, call, 1, user)) return nullptr;
  napi_value out;
  if (const AclUser* current = call.handle->store->currentUser()) {
    for (ByteView key : keys) {
      if (std::optional<AclDenial> denial = call.handle->store->acl().checkKey(*current, key, kAclKeyRead)) {
        napi_create_string_utf8(env, denial->message.data(), denial->message.size(), &out);
        return out;
      }
    }
  }
  const Watches::Token token = call.handle->store->watch(db, keys);
  napi_create_double(env, static_cast<double>(token), &out);
  return out;
}

// unwatch(token): forgets a WATCH token (unknown tokens are ignored).
napi_value Unwatch(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  double token = 0;
  if (call.argc > 0) napi_get_value_double(env, call.args[0], &token);
  if (token >= 1) call.handle->store->unwatch(static_cast<Watches::Token>(token));
  return nullptr;
}

// A store switch set from JS with one boolean argument:
//  - allowBlocking(on): blocking commands that find nothing to serve record
//    what they would wait for (takeBlockRequest); the server turns this on,
//    the embedded engine never blocks;
//  - trackReadyKeys(on): record the keys pushes make ready (takeReadyKeys),
//    while some call is blocked.
template <void (Store::*kSet)(bool)>
napi_value SetSwitch(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  bool on = false;
  if (call.argc > 0) napi_get_value_bool(env, call.args[0], &on);
  (call.handle->store.get()->*kSet)(on);
  return nullptr;
}

// takeBlockRequest(): what the last command would wait for, as
// [timeoutMs, keys (Buffers), db], or null if it did not block.
napi_value TakeBlockRequest(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  std::optional<Store::BlockRequest> request = call.handle->store->takeBlockRequest();
  napi_value out;
  if (!request) {
    napi_get_null(env, &out);
    return out;
  }
  napi_value timeout;
  napi_create_double(env, static_cast<double>(request->timeout_ms), &timeout);
  napi_value keys = buffersOf(env, std::span<const std::string>(request->keys));
  napi_value db;
  napi_create_int32(env, request->db_index, &db);
  napi_create_array_with_length(env, 3, &out);
  napi_set_element(env, out, 0, timeout);
  napi_set_element(env, out, 1, keys);
  napi_set_element(env, out, 2, db);
  return out;
}

// takeReadyKeys(): the keys signalled ready since the last call, as
// [db, key (a Buffer)] pairs in order, each once, or null if there are none.
napi_value TakeReadyKeys(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  std::vector<Store::ReadyKey> ready = call.handle->store->takeReadyKeys();
  napi_value out;
  if (ready.empty()) {
    napi_get_null(env, &out);
    return out;
  }
  std::set<std::pair<int, std::string_view>> seen;
  napi_create_array(env, &out);
  uint32_t n = 0;
  for (const Store::ReadyKey& r : ready) {
    if (!seen.emplace(r.db_index, r.key).second) continue;
    napi_value pair, db, key;
    napi_create_int32(env, r.db_index, &db);
    napi_create_buffer_copy(env, r.key.size(), r.key.data(), nullptr, &key);
    napi_create_array_with_length(env, 2, &pair);
    napi_set_element(env, pair, 0, db);
    napi_set_element(env, pair, 1, key);
    napi_set_element(env, out, n++, pair);
  }
  return out;
}

// setClientCounts(grpcConnections, blockedClients, maxClients): what INFO
// clients reports beside the RESP sessions the core knows.
napi_value SetClientCounts(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  double values[3] = {0, 0, 0};
  for (size_t i = 0; i < 3 && i < call.argc; i++) napi_get_value_double(env, call.args[i], &values[i]);
  Sessions::FrontEndCounts& counts = call.handle->store->sessions().front_end;
  counts.other_connections = static_cast<uint64_t>(values[0] > 0 ? values[0] : 0);
  counts.blocked = static_cast<uint64_t>(values[1] > 0 ? values[1] : 0);
  counts.max_clients = static_cast<uint64_t>(values[2] > 0 ? values[2] : 0);
  return nullptr;
}

}  // namespace

std::span<const StoreMethod> serverPathMethods() {
  static const StoreMethod kMethods[] = {
      {"execWire", ExecWire<false>},
      {"execWireBatch", ExecWire<true>},
      {"pubsubSubscribe", PubsubSubscribe},
      {"pubsubRemove", PubsubRemove},
      {"takePubsubDeliveries", TakePubsubDeliveries},
      {"execTransaction", ExecTransaction},
      {"watch", Watch},
      {"unwatch", Unwatch},
      {"allowBlocking", SetSwitch<&Store::allowBlocking>},
      {"trackReadyKeys", SetSwitch<&Store::trackReadyKeys>},
      {"takeBlockRequest", TakeBlockRequest},
      {"takeReadyKeys", TakeReadyKeys},
      {"setClientCounts", SetClientCounts},
  };
  return kMethods;
}

}  // namespace ember::binding
