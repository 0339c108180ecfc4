// RespTransport: the RESP listener's plain sockets (TCP and Unix), served
// from native code with libuv on Node's own event loop.
//
// Why here and not with Node's net module: measured on the 2-core machine
// (bench:resp, redis-benchmark -c 50), the server spent ~14 us of CPU per
// unpipelined request through net (a JS 'data' event, a Buffer, a
// socket.write and its completion callback), twice redis-server's ~7 us,
// which made it the bottleneck. Here a request costs what it costs Redis
// (one read, one write, the command) and no JavaScript runs at all for a
// connection in the ordinary state. TLS connections still go through
// Node's tls module (src/server/resp.ts) into the same core connection.
//
// JavaScript is called (through the `onEvent` function given to
// respListen) only when the front end has something to do:
//   onEvent(0, id, peer, local)  a new connection; returns Redis's refusal
//                                text to refuse it (max-connections), or
//                                nothing to accept it
//   onEvent(1, id, state)        after commands ran, when the state is not
//                                plain ready (blocked, authenticating,
//                                closing), the store has follow-up work
//                                (state | 0x10), or output is held for the
//                                append-only log (state | 0x40: release it
//                                with respReleaseHeld once durable)
//   onEvent(2, id)               the connection closed (the JS side forgets
//                                it; its core connection is then freed)
//   onEvent(3, id, what, pending) closed for passing an output buffer limit
//                                ("pubsub hard", ...) with that many bytes
//                                unwritten
//
// Output: while the append-only log is open, replies must not leave
// before what they depend on is written (group commit, durability.ts), so
// each batch of output is held, in order, until JS releases it. Otherwise
// it is written at once: uv_try_write, then one uv_write at a time for
// what the socket did not take.
//
// Invariants:
//  - a client is in `clients_` from accept until its handle is closed,
//    then in `closing_` until its close callback; its core connection
//    lives in the StoreHandle's `resp` map under the same id and is erased
//    by that callback (or by closeAll), never while a call up the stack
//    may be using it;
//  - at most one uv_write is in flight per client (`writing`); output
//    that comes meanwhile waits in `queued`, in order;
//  - once `closing`, nothing more is read, and the handle closes as soon
//    as the output (held chunks included) is written.
#pragma once

#include <node_api.h>
#include <uv.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace ember::binding {

struct StoreHandle;

class RespTransport {
 public:
  RespTransport(napi_env env, StoreHandle* handle, napi_value on_event);
  ~RespTransport();
  RespTransport(const RespTransport&) = delete;
  RespTransport& operator=(const RespTransport&) = delete;

  // Listens on host:port (port 0: any free one); returns the port bound,
  // or -1 with `error` set.
  int listenTcp(const std::string& host, int port, std::string& error);
  // Listens on a Unix socket path; false with `error` set.
  bool listenUnix(const std::string& path, std::string& error);

  // Whether `id` is a connection of this transport.
  bool owns(uint64_t id) const { return clients_.contains(id); }
  // Writes (or holds, while the log is open) the output the core produced
  // for `id`; true if it was held (JS must release it once durable).
  bool pump(uint64_t id);
  // Writes the oldest held chunk of `id` (its records are durable now).
  void releaseHeld(uint64_t id);
  // Closes `id` once its output (held chunks included: JS pumps the core's
  // output first) is written (CLIENT KILL, shutdown), or at
  // once, dropping what is unwritten (`now`: a write that failed to be
  // made durable must not be acknowledged).
  void end(uint64_t id, bool now);
  // Stops listening and closes every connection now (shutdown, engine close).
  void closeAll();

 private:
  struct Client;
  struct Listener;
  static void onConnection(uv_stream_t* server, int status);
  static void onAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void onWritten(uv_write_t* req, int status);
  static void onClosed(uv_handle_t* handle);

  void accept(Listener& listener);
  // Writes the core's output for `client`, or holds it while the log is
  // open (or earlier output is held); true if held.
  bool send(Client& client);
  // After the core ran commands for `client`: output, then JS if needed.
  void settle(Client& client, uint32_t state);
  void write(Client& client, std::string data);
  void startWrite(Client& client);
  void checkLimits(Client& client);
  // Closes the handle once nothing is left to write (or at once: `now`).
  void finish(Client& client, bool now);
  // Stops the handle now; onClosed then forgets the client (JS event, core
  // connection erased) on a later turn.
  void close(Client& client);
  void forget(Client& client);
  // Calls onEvent(kind, id, extra...) in JavaScript; its return value if
  // that is a string.
  std::optional<std::string> emit(uint32_t kind, uint64_t id, const std::string* a = nullptr,
                                  const std::string* b = nullptr, const uint32_t* state = nullptr);
  // The state with the follow-up flag if the store has work for JS.
  uint32_t withFollowUp(uint32_t state) const;

  napi_env env_;
  StoreHandle* handle_;
  napi_ref on_event_ = nullptr;
  napi_async_context async_context_ = nullptr;
  uv_loop_t* loop_ = nullptr;
  std::deque<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<uint64_t, Client*> clients_;
  // Closed, waiting for their close callbacks.
  std::unordered_set<Client*> closing_;
};

}  // namespace ember::binding
