// RespTransport: see resp_transport.h.
#include "resp_transport.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/resp_connection.h"
#include "store_handle.h"

namespace ember::binding {

namespace {

// Event kinds for onEvent (resp_transport.h).
constexpr uint32_t kEventOpen = 0;
constexpr uint32_t kEventState = 1;
constexpr uint32_t kEventClosed = 2;
constexpr uint32_t kEventLimit = 3;
// State flags (resp.cc's stateOf uses the same 0x10).
constexpr uint32_t kFollowUp = 0x10;
constexpr uint32_t kHeld = 0x40;

// One read buffer for every connection: a read is consumed (or its tail
// copied into the connection) before the next one is allocated.
constexpr size_t kReadBufferBytes = 64 * 1024;
char read_buffer[kReadBufferBytes];

std::string addressOf(const sockaddr_storage& address) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    uv_ip4_name(in, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    uv_ip6_name(in6, host, sizeof host);
    port = ntohs(in6->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

}  // namespace

struct RespTransport::Listener {
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } handle;
  bool unix_socket = false;
  std::string path;  // the Unix socket's (clients' addr and laddr)
  RespTransport* transport = nullptr;
};

struct RespTransport::Client {
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } handle;
  uv_write_t write_req;
  RespTransport* transport = nullptr;
  uint64_t id = 0;
  RespConnection* connection = nullptr;  // owned by the StoreHandle's map
  std::string writing;                   // the bytes of the uv_write in flight
  std::string queued;                    // output waiting for it
  std::deque<std::string> held;          // output waiting for the log
  bool write_in_flight = false;
  bool reading = false;
  bool paused = false;   // for the client's unread output
  bool closing = false;  // close once everything is written
  bool closed = false;   // uv_close called

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&handle); }
  size_t pending() const { return writing.size() + queued.size(); }
};

RespTransport::RespTransport(napi_env env, StoreHandle* handle, napi_value on_event) : env_(env), handle_(handle) {
  napi_create_reference(env, on_event, 1, &on_event_);
  napi_value name;
  napi_create_string_utf8(env, "emberkv:resp", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, nullptr, name, &async_context_);
  napi_get_uv_event_loop(env, &loop_);
}

RespTransport::~RespTransport() {
  closeAll();
  if (async_context_) napi_async_destroy(env_, async_context_);
  if (on_event_) napi_delete_reference(env_, on_event_);
}

int RespTransport::listenTcp(const std::string& host, int port, std::string& error) {
  sockaddr_storage address{};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&address)) != 0 &&
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&address)) != 0) {
    // A host name: its first address, as the gRPC listener binds.
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    uv_getaddrinfo_t request;
    const int rc = uv_getaddrinfo(loop_, &request, nullptr, host.c_str(), nullptr, &hints);
    if (rc != 0 || !request.addrinfo) {
      error = "cannot resolve " + host + ": " + uv_strerror(rc);
      return -1;
    }
    std::memcpy(&address, request.addrinfo->ai_addr, request.addrinfo->ai_addrlen);
    uv_freeaddrinfo(request.addrinfo);
    if (address.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&address)->sin_port = htons(static_cast<uint16_t>(port));
    if (address.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(&address)->sin6_port = htons(static_cast<uint16_t>(port));
  }
  auto listener = std::make_unique<Listener>();
  listener->transport = this;
  uv_tcp_init(loop_, &listener->handle.tcp);
  listener->handle.tcp.data = listener.get();
  int rc = uv_tcp_bind(&listener->handle.tcp, reinterpret_cast<const sockaddr*>(&address), 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener->handle.tcp), 511, onConnection);
  if (rc != 0) {
    error = "RESP listener on " + host + ":" + std::to_string(port) + ": " + uv_strerror(rc);
    uv_close(reinterpret_cast<uv_handle_t*>(&listener.release()->handle.tcp),
             [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
    return -1;
  }
  sockaddr_storage bound{};
  int length = sizeof bound;
  uv_tcp_getsockname(&listener->handle.tcp, reinterpret_cast<sockaddr*>(&bound), &length);
  const int bound_port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                                     : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listeners_.push_back(std::move(listener));
  return bound_port;
}

bool RespTransport::listenUnix(const std::string& path, std::string& error) {
  auto listener = std::make_unique<Listener>();
  listener->transport = this;
  listener->unix_socket = true;
  listener->path = path;
  uv_pipe_init(loop_, &listener->handle.pipe, 0);
  listener->handle.pipe.data = listener.get();
  int rc = uv_pipe_bind(&listener->handle.pipe, path.c_str());
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener->handle.pipe), 511, onConnection);
  if (rc != 0) {
    error = "RESP listener on " + path + ": " + uv_strerror(rc);
    uv_close(reinterpret_cast<uv_handle_t*>(&listener.release()->handle.pipe),
             [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
    return false;
  }
  listeners_.push_back(std::move(listener));
  return true;
}

void RespTransport::onConnection(uv_stream_t* server, int status) {
  if (status < 0) return;  // accept failed (out of descriptors): the listener goes on
  auto* listener = static_cast<Listener*>(server->data);
  listener->transport->accept(*listener);
}

void RespTransport::accept(Listener& listener) {
  auto* client = new Client();
  client->transport = this;
  if (listener.unix_socket) {
    uv_pipe_init(loop_, &client->handle.pipe, 0);
  } else {
    uv_tcp_init(loop_, &client->handle.tcp);
  }
  client->handle.tcp.data = client;
  if (uv_accept(reinterpret_cast<uv_stream_t*>(&listener.handle), client->stream()) != 0) {
    client->closed = true;
    client->transport = nullptr;  // nothing to forget: no connection was made
    uv_close(reinterpret_cast<uv_handle_t*>(client->stream()), onClosed);
    return;
  }
  std::string peer, local;
  if (listener.unix_socket) {
    peer = local = listener.path + ":0";  // Redis's addr for a Unix socket client
  } else {
    uv_tcp_nodelay(&client->handle.tcp, 1);
    sockaddr_storage address{};
    int length = sizeof address;
    uv_tcp_getpeername(&client->handle.tcp, reinterpret_cast<sockaddr*>(&address), &length);
    peer = addressOf(address);
    length = sizeof address;
    uv_tcp_getsockname(&client->handle.tcp, reinterpret_cast<sockaddr*>(&address), &length);
    local = addressOf(address);
  }
  auto connection = std::make_unique<RespConnection>(*handle_->store, peer, local);
  client->id = connection->session().id;
  client->connection = connection.get();
  handle_->resp.emplace(client->id, std::move(connection));
  clients_.emplace(client->id, client);
  if (std::optional<std::string> refusal = emit(kEventOpen, client->id, &peer, &local)) {
    write(*client, "-" + *refusal + "\r\n");
    finish(*client, false);
    return;
  }
  if (client->closed) return;  // JS closed it meanwhile
  client->reading = true;
  uv_read_start(client->stream(), onAlloc, onRead);
}

void RespTransport::onAlloc(uv_handle_t*, size_t, uv_buf_t* buf) { *buf = uv_buf_init(read_buffer, kReadBufferBytes); }

void RespTransport::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* client = static_cast<Client*>(stream->data);
  RespTransport& transport = *client->transport;
  if (nread < 0) {
    transport.finish(*client, true);  // EOF or a reset: nothing more can be answered
    return;
  }
  if (nread == 0 || client->closing || !client->connection) return;
  if (!transport.handle_->store) return;
  const RespConnection::State state = client->connection->feed(ByteView(buf->base, static_cast<size_t>(nread)));
  transport.settle(*client, static_cast<uint32_t>(state));
}

uint32_t RespTransport::withFollowUp(uint32_t state) const {
  Store& store = *handle_->store;
  if (store.pubsub().hasDeliveries() || store.hasAuditEvents() || store.hasReadyKeys() || store.sessions().hasKilled()) {
    state |= kFollowUp;
  }
  return state;
}

bool RespTransport::send(Client& client) {
  std::string& output = client.connection->output();
  if (output.empty()) return false;
  // Behind held output too: replies leave in order.
  const bool hold = handle_->store->appendLog().isOpen() || !client.held.empty();
  if (hold) {
    client.held.push_back(std::move(output));
  } else {
    write(client, std::move(output));
  }
  output.clear();
  return hold;
}

void RespTransport::settle(Client& client, uint32_t state) {
  state = withFollowUp(state);
  if (send(client)) state |= kHeld;
  if (state != static_cast<uint32_t>(RespConnection::State::kReady)) emit(kEventState, client.id, nullptr, nullptr, &state);
  if (!client.closed && client.connection && client.connection->state() == RespConnection::State::kClosing) {
    finish(client, false);
  }
}

bool RespTransport::pump(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end() || !it->second->connection) return false;
  Client& client = *it->second;
  if (send(client)) return true;
  if (client.connection->state() == RespConnection::State::kClosing) finish(client, false);
  return false;
}

void RespTransport::releaseHeld(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end() || it->second->held.empty()) return;
  Client& client = *it->second;
  std::string chunk = std::move(client.held.front());
  client.held.pop_front();
  write(client, std::move(chunk));
  if (client.closing) finish(client, false);
}

void RespTransport::write(Client& client, std::string data) {
  if (client.closed || data.empty()) return;
  if (client.write_in_flight) {
    client.queued.append(data);
  } else {
    uv_buf_t buf = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
    const int written = uv_try_write(client.stream(), &buf, 1);
    if (written == static_cast<int>(data.size())) return;
    client.writing = written > 0 ? data.substr(static_cast<size_t>(written)) : std::move(data);
    startWrite(client);
  }
  checkLimits(client);
}

void RespTransport::startWrite(Client& client) {
  client.write_in_flight = true;
  client.write_req.data = &client;
  uv_buf_t buf = uv_buf_init(client.writing.data(), static_cast<unsigned>(client.writing.size()));
  if (uv_write(&client.write_req, client.stream(), &buf, 1, onWritten) != 0) {
    client.write_in_flight = false;
    finish(client, true);
  }
}

void RespTransport::onWritten(uv_write_t* req, int status) {
  auto* client = static_cast<Client*>(req->data);
  client->write_in_flight = false;
  client->writing.clear();
  if (client->closed) return;  // cancelled by the close (its callback comes next)
  RespTransport& transport = *client->transport;
  if (status < 0) {
    transport.finish(*client, true);
    return;
  }
  if (!client->queued.empty()) {
    client->writing.swap(client->queued);
    transport.startWrite(*client);
    return;
  }
  // Everything written: a paused reader reads again; a closing one closes.
  if (client->paused && !client->closing) {
    client->paused = false;
    client->reading = true;
    uv_read_start(client->stream(), onAlloc, onRead);
  }
  if (client->closing) transport.finish(*client, false);
}

void RespTransport::checkLimits(Client& client) {
  if (!client.connection || !handle_->store) return;
  std::string reason;
  const OutputVerdict verdict = checkOutputLimits(client.connection->session(), handle_->store->config(), client.pending(),
                                                  handle_->store->nowMs(), &reason);
  if (verdict == OutputVerdict::kClose) {
    const auto pending = static_cast<uint32_t>(std::min<size_t>(client.pending(), UINT32_MAX));
    emit(kEventLimit, client.id, &reason, nullptr, &pending);
    finish(client, true);
  } else if (verdict == OutputVerdict::kPauseReading && client.reading) {
    client.paused = true;
    client.reading = false;
    uv_read_stop(client.stream());
  }
}

void RespTransport::end(uint64_t id, bool now) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  finish(*it->second, now);
}

void RespTransport::finish(Client& client, bool now) {
  if (client.closed) return;
  if (!client.closing) {
    client.closing = true;
    if (client.reading) uv_read_stop(client.stream());
    client.reading = false;
    client.paused = false;
  }
  if (!now && (client.write_in_flight || !client.held.empty())) return;  // closes when they are written
  close(client);
}

void RespTransport::close(Client& client) {
  // The handle stops at once; the rest waits for its close callback, on a
  // later turn of the loop: close() can be reached from deep inside a
  // write made for JavaScript (a limit passed while pub/sub messages are
  // delivered), where the core connection and this client are still in
  // use up the stack.
  client.closed = true;
  client.reading = false;
  clients_.erase(client.id);
  closing_.insert(&client);
  uv_close(reinterpret_cast<uv_handle_t*>(client.stream()), onClosed);
}

void RespTransport::onClosed(uv_handle_t* handle) {
  auto* client = static_cast<Client*>(handle->data);
  if (RespTransport* transport = client->transport) transport->forget(*client);
  delete client;
}

void RespTransport::forget(Client& client) {
  closing_.erase(&client);
  // The JS side forgets the connection first (blocked waiters, ...), then
  // its core connection goes.
  emit(kEventClosed, client.id);
  handle_->resp.erase(client.id);
  client.connection = nullptr;
}

void RespTransport::closeAll() {
  for (auto& listener : listeners_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&listener.release()->handle.tcp),
             [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
  }
  listeners_.clear();
  // Shutdown or the engine's close: the core connections go now (the store
  // may be about to), the handles' memory with their close callbacks,
  // which no longer find this transport.
  for (Client* client : closing_) {
    client->transport = nullptr;
    handle_->resp.erase(client->id);
    client->connection = nullptr;
  }
  closing_.clear();
  while (!clients_.empty()) {
    Client& client = *clients_.begin()->second;
    clients_.erase(client.id);
    client.closed = true;
    client.transport = nullptr;
    handle_->resp.erase(client.id);
    client.connection = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(client.stream()), onClosed);
  }
}

std::optional<std::string> RespTransport::emit(uint32_t kind, uint64_t id, const std::string* a, const std::string* b,
                                               const uint32_t* state) {
  napi_handle_scope scope;
  napi_open_handle_scope(env_, &scope);
  napi_value argv[4];
  size_t argc = 2;
  napi_create_uint32(env_, kind, &argv[0]);
  napi_create_double(env_, static_cast<double>(id), &argv[1]);
  if (a) napi_create_string_utf8(env_, a->data(), a->size(), &argv[argc++]);
  if (b) napi_create_string_utf8(env_, b->data(), b->size(), &argv[argc++]);
  if (state) napi_create_uint32(env_, *state, &argv[argc++]);
  napi_value fn, global, result = nullptr;
  napi_get_reference_value(env_, on_event_, &fn);
  napi_get_global(env_, &global);
  std::optional<std::string> text;
  if (napi_make_callback(env_, async_context_, global, fn, argc, argv, &result) == napi_ok) {
    napi_valuetype type = napi_undefined;
    napi_typeof(env_, result, &type);
    if (type == napi_string) {
      size_t length = 0;
      napi_get_value_string_utf8(env_, result, nullptr, 0, &length);
      text.emplace(length, '\0');
      napi_get_value_string_utf8(env_, result, text->data(), length + 1, &length);
    }
  } else {
    // The handler threw: reported as Node reports any uncaught exception.
    bool pending = false;
    napi_is_exception_pending(env_, &pending);
    if (pending) {
      napi_value error;
      napi_get_and_clear_last_exception(env_, &error);
      napi_fatal_exception(env_, error);
    }
  }
  napi_close_handle_scope(env_, scope);
  return text;
}

}  // namespace ember::binding
