// RespConnection: one RESP client connection's command loop, as Redis's
// processInputBuffer / processCommand: the front end hands it the bytes
// it reads from the socket, and it parses every complete request
// (resp_request.h), runs it through the store with this connection's
// Session (session.h), and appends the RESP replies (resp_writer.h) to the
// session's output for the front end to write. Whole buffers are parsed in
// one call: a pipeline of thousands of commands costs one call from the
// front end, not one per command.
//
// What belongs to the connection, not to any command, lives here (Redis's
// processCommand order): unknown command and arity errors, NOAUTH before
// authentication, the RESP2 subscribed-mode rule, queueing in MULTI (with
// the queue-time checks that make EXEC abort), CLIENT REPLY's
// suppression, and protocol errors, after which the connection closes.
// What a command does is its handler's (commands/connection.cc,
// transactions.cc, pubsub.cc): this never interprets arguments.
//
// The loop pauses (nothing later runs until the front end resumes it) when
//  - a blocking command found nothing to serve (kBlocked): the front end
//    parks the connection on blockRequest()'s keys, then calls
//    retryBlocked() when one is ready, or timeoutBlocked();
//  - AUTH or HELLO ... AUTH needs a secret checked (kAuthenticating): the
//    front end checks session().auth_request off the event loop, then
//    calls finishAuth(); the command runs again with the verdict;
//  - the connection must close (kClosing): QUIT, CLIENT KILL, a protocol
//    error, or an input buffer past client-query-buffer-limit; the front
//    end writes the output and closes the socket.
// The paused request stays in the input buffer, unconsumed, so resuming
// runs it again from its bytes.
//
// Invariants:
//  - input_ holds exactly the bytes received and not yet consumed;
//  - outside feed/retry/finish calls the store has no current user set
//    by this connection (it is set for the loop and cleared after);
//  - the destructor leaves no trace in the store: the session is
//    unregistered, its subscriptions dropped, its WATCH tokens released.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bytes.h"
#include "reply.h"
#include "resp_request.h"
#include "session.h"
#include "store.h"

namespace ember {

class RespConnection {
 public:
  enum class State : uint8_t { kReady, kBlocked, kAuthenticating, kClosing };

  RespConnection(Store& store, std::string addr, std::string laddr);
  ~RespConnection();
  RespConnection(const RespConnection&) = delete;
  RespConnection& operator=(const RespConnection&) = delete;

  // Bytes read from the socket: runs every complete request.
  State feed(ByteView data);
  // The verdict on session().auth_request; runs on from the paused command.
  State finishAuth(bool ok);
  // A key the blocked command waits on received elements: runs it again.
  // kServed: it answered (and the loop ran on); kStillBlocked: nothing for
  // it yet; kWrongType: the key now holds another type (it keeps waiting,
  // as in Redis 7.0, and the clients behind it may be served).
  enum class Retry : uint8_t { kServed, kStillBlocked, kWrongType };
  Retry retryBlocked();
  // The blocked command's timeout passed: it answers its null.
  State timeoutBlocked();

  State state() const { return state_; }
  Session& session() { return session_; }
  const Store::BlockRequest& blockRequest() const { return block_; }
  // The RESP bytes produced so far, for the socket (the caller takes them).
  std::string& output() { return session_.output; }
  size_t bufferedInput() const { return input_.size(); }

 private:
  // Runs requests from input (the buffered bytes, or `fresh` when nothing
  // was buffered) until it runs out or pauses.
  void run(ByteView fresh);
  // Runs one request; false if it paused (its bytes are not consumed).
  // `retrying`: the blocked request runs again, and a WRONGTYPE answer
  // means it keeps waiting.
  bool runRequest(std::span<const ByteView> argv, bool retrying = false);
  // CLIENT LIST's cmd= ("client|list" for a subcommand).
  void noteCommand(const CommandSpec& spec, std::span<const ByteView> argv);
  // The reply of the request that just ran, as CLIENT REPLY allows.
  void emit(Session::ReplyMode mode_before);
  void refuse(std::string_view error);
  // refuse() for `spec` (nullptr: unknown): a refused EXEC aborts the
  // transaction with Redis's EXECABORT text.
  void refuse(const CommandSpec* spec, std::string_view error);
  void protocolError(std::string_view error);
  // The parser's limits now (the store's settings; Redis's stricter ones
  // before AUTH).
  RespLimits requestLimits() const;
  // The session's user again if ACL SETUSER / DELUSER changed it.
  void refreshUser();

  Store& store_;
  Session session_;
  RespRequestParser parser_;
  std::string input_;
  size_t wanted_ = 0;  // input_ needs this many bytes before parsing again
  std::vector<ByteView> argv_;
  ReplyBuilder reply_;
  State state_ = State::kReady;
  Store::BlockRequest block_;
  std::string blocked_null_;  // the blocked command's null reply (reply stream)
  bool wrong_type_ = false;   // the last retry met a key of another type
};

// What a connection may go on doing with `pending` bytes of output not yet
// taken by its socket (Redis's checkClientOutputBufferLimits, for the
// session's class: pubsub while subscribed, else normal): kClose past the
// hard limit or past the soft one for too long (`reason`: the class and
// the limit, "pubsub hard", "normal soft", ...);
// kPauseReading past kPauseReadingBytes, so that a client that sends and
// never reads cannot make the server buffer without bound even with no
// limit set (its requests wait in the kernel until it reads); kOk.
enum class OutputVerdict : uint8_t { kOk, kPauseReading, kClose };
inline constexpr size_t kPauseReadingBytes = 4 * 1024 * 1024;
OutputVerdict checkOutputLimits(Session& session, const StoreConfig& config, size_t pending, int64_t now_ms,
                                std::string* reason = nullptr);

// Hands the messages PUBLISH queued to the sessions they are for
// (RESP connections: rendered into their output as "message" / "pmessage"
// arrays, or RESP3 pushes), leaving in `outbox` only the deliveries to
// other subscribers (gRPC streams). Returns the ids of the sessions that
// got output, each once.
std::vector<uint64_t> deliverToSessions(Sessions& sessions, PubSub::Outbox& outbox);

}  // namespace ember
