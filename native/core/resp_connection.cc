// RespConnection: see resp_connection.h.
#include "resp_connection.h"

#include <algorithm>

#include "command_table.h"
#include "resp_writer.h"

namespace ember {
namespace {

constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";

// The commands a RESP2 client may send while subscribed (Redis's rule:
// its replies and the messages would otherwise interleave).
bool allowedWhileSubscribed(std::string_view name) {
  for (std::string_view allowed :
       {"subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "ping", "quit", "reset"}) {
    if (name == allowed) return true;
  }
  return false;
}

// The commands MULTI runs at once instead of queueing.
bool runsInsideMulti(std::string_view name) {
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" || name == "quit" ||
         name == "reset";
}

// Commands whose replies are pushes, one per channel: they cannot be one
// element of EXEC's array (Redis 7.2 refuses them in MULTI too).
bool refusedInsideMulti(std::string_view name) {
  return name == "subscribe" || name == "psubscribe" || name == "unsubscribe" || name == "punsubscribe";
}

bool isWrongType(std::string_view reply) {
  ReplyReader reader(reply);
  if (reader.atEnd()) return false;
  const ReplyValue value = reader.next();
  return value.type == ReplyType::kError && value.str.starts_with("WRONGTYPE");
}

}  // namespace

RespConnection::RespConnection(Store& store, std::string addr, std::string laddr) : store_(store) {
  session_.id = store.sessions().nextId();
  session_.addr = std::move(addr);
  session_.laddr = std::move(laddr);
  session_.created_ms = store.nowMs();
  session_.last_command_ms = session_.created_ms;
  session_.user = Session::userOnConnect(store.acl());
  session_.acl_generation = store.acl().generation();
  store.sessions().add(&session_);
}

RespConnection::~RespConnection() {
  store_.unwatch(session_.endTransaction());
  if (session_.subscriptions()) store_.pubsub().removeSubscriber(session_.id);
  store_.sessions().remove(session_.id);
}

RespLimits RespConnection::requestLimits() const {
  const StoreConfig& config = store_.config();
  return {static_cast<uint64_t>(config.proto_max_bulk_len), static_cast<uint64_t>(config.max_command_args),
          /*unauthenticated=*/!session_.user};
}

void RespConnection::refreshUser() {
  if (session_.acl_generation == store_.acl().generation()) return;
  session_.acl_generation = store_.acl().generation();
  if (!session_.user) return;
  const std::string name = session_.user->name;
  AccessControl::UserPtr current = store_.acl().find(name);
  // A deleted or disabled user's connection runs nothing more (Redis
  // disconnects it).
  session_.user = current && current->enabled ? std::move(current) : AccessControl::deletedUser(name);
}

RespConnection::State RespConnection::feed(ByteView data) {
  if (state_ == State::kClosing) return state_;
  if (input_.empty() && state_ == State::kReady) {
    run(data);
  } else {
    const uint64_t limit = static_cast<uint64_t>(store_.config().client_query_buffer_limit);
    if (input_.size() + data.size() > limit) {
      // As Redis: the client is closed, its query buffer dropped.
      input_.clear();
      input_.shrink_to_fit();
      protocolError("ERR Protocol error: client-query-buffer-limit reached");
      return state_;
    }
    input_.append(data.data(), data.size());
    if (state_ == State::kReady && input_.size() >= wanted_) run({});
  }
  return state_;
}

void RespConnection::run(ByteView fresh) {
  const bool from_fresh = !fresh.empty();
  ByteView input = from_fresh ? fresh : ByteView(input_);
  refreshUser();
  // Recomputed on every call: AUTH pauses the loop, and it runs on here.
  const RespLimits limits = requestLimits();
  store_.setCurrentUser(session_.user);
  // Once per read, not per request: reading the clock costs as much as a
  // small command's parsing (CLIENT LIST's idle= counts seconds anyway).
  store_.clock().beginCommand();
  session_.last_command_ms = store_.nowMs();
  size_t consumed = 0;
  while (state_ == State::kReady && consumed < input.size()) {
    RespParse parsed = parser_.next(input.substr(consumed), argv_, limits);
    if (parsed.status == RespParse::Status::kError) {
      consumed = input.size();
      protocolError(parsed.error);
      break;
    }
    if (parsed.status == RespParse::Status::kIncomplete) {
      consumed += parsed.consumed;
      wanted_ = parsed.wanted - parsed.consumed;
      break;
    }
    wanted_ = 0;
    if (!runRequest(argv_)) break;  // paused: the request stays unconsumed
    consumed += parsed.consumed;
  }
  store_.setCurrentUser(nullptr);
  if (from_fresh) {
    input_.assign(input.data() + consumed, input.size() - consumed);
  } else {
    input_.erase(0, consumed);
  }
  if (input_.empty()) wanted_ = 0;
}

void RespConnection::refuse(std::string_view error) {
  if (session_.in_multi) session_.multi_failed = true;
  reply_.error(error);
}

void RespConnection::refuse(const CommandSpec* spec, std::string_view error) {
  if (!spec || spec->name != "exec") return refuse(error);
  // Redis's execCommandAbort: an EXEC refused before it runs (arity,
  // NOAUTH, ACL, subscribed mode) ends the transaction, if any, and its
  // watches, and says so ("ERR " dropped, other codes kept, as Redis).
  store_.unwatch(session_.endTransaction());
  if (error.starts_with("ERR ")) error.remove_prefix(4);
  reply_.error("EXECABORT Transaction discarded because of: " + std::string(error));
}

void RespConnection::protocolError(std::string_view error) {
  reply_.clear();
  reply_.error(error);
  writeRespAll(reply_.bytes(), session_.protocol, session_.output);
  state_ = State::kClosing;
}

bool RespConnection::runRequest(std::span<const ByteView> argv, bool retrying) {
  reply_.clear();
  const Session::ReplyMode mode_before = session_.reply_mode;
  if (mode_before == Session::ReplyMode::kSkip) session_.reply_mode = Session::ReplyMode::kOn;
  const CommandSpec* spec = CommandTable::instance().find(argv[0]);
  // Fast path: an authenticated client outside MULTI and subscribed mode.
  const bool plain = spec && session_.user && !session_.in_multi && session_.subscriptions() == 0;
  if (!plain) {
    if (std::optional<std::string> error = Store::checkCommand(argv)) {
      refuse(spec, *error);
      emit(mode_before);
      return true;
    }
    if (!session_.user && !(spec->flags & kCmdNoAuth)) {
      refuse(spec, kNoAuth);
      emit(mode_before);
      return true;
    }
    if (session_.subscriptions() > 0 && session_.protocol == 2 && !allowedWhileSubscribed(spec->name)) {
      refuse(spec, "ERR Can't execute '" + std::string(spec->name) +
                       "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
      emit(mode_before);
      return true;
    }
    if (session_.in_multi && !runsInsideMulti(spec->name)) {
      if (refusedInsideMulti(spec->name)) {
        refuse("ERR Command not allowed inside a transaction");
      } else if (std::optional<std::string> denied = store_.checkAccess(argv)) {
        refuse(*denied);
      } else {
        std::vector<std::string>& queued = session_.queued.emplace_back();
        queued.reserve(argv.size());
        for (ByteView arg : argv) queued.emplace_back(arg);
        reply_.simple("QUEUED");
      }
      emit(mode_before);
      return true;
    }
  }
  if (spec->name == "exec") {
    // Its ACL check here, not in execute, to answer a refusal as Redis does.
    if (std::optional<std::string> denied = store_.checkAccess(argv)) {
      refuse(spec, *denied);
      emit(mode_before);
      return true;
    }
  }
  noteCommand(*spec, argv);
  store_.execute(*spec, argv, reply_, session_.db_index, &session_);
  if (session_.auth_request) {
    // AUTH asked for a secret check: paused until finishAuth.
    session_.reply_mode = mode_before;
    reply_.clear();
    state_ = State::kAuthenticating;
    return false;
  }
  if (std::optional<Store::BlockRequest> wait = store_.takeBlockRequest()) {
    session_.reply_mode = mode_before;
    block_ = std::move(*wait);
    blocked_null_.assign(reply_.bytes());
    state_ = State::kBlocked;
    session_.blocked = true;
    return false;
  }
  if (retrying && isWrongType(reply_.bytes())) {
    // Served with WRONGTYPE: the key now holds another type. The client
    // keeps waiting, as in Redis 7.0.
    session_.reply_mode = mode_before;
    state_ = State::kBlocked;
    wrong_type_ = true;
    return false;
  }
  session_.blocked = false;
  emit(mode_before);
  if (session_.close_after_reply || session_.killed) state_ = State::kClosing;
  return true;
}

void RespConnection::noteCommand(const CommandSpec& spec, std::span<const ByteView> argv) {
  session_.last_command.assign(spec.name);
  if (spec.subcommands.empty() || argv.size() < 2) return;
  session_.last_command += '|';
  for (char c : argv[1]) session_.last_command += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

void RespConnection::emit(Session::ReplyMode mode_before) {
  // CLIENT REPLY: OFF and SKIP silence themselves, SKIP the next command
  // too; ON answers (mode_before was OFF, the mode is ON again).
  const bool silenced = mode_before == Session::ReplyMode::kSkip || session_.reply_mode != Session::ReplyMode::kOn;
  if (!silenced) writeRespAll(reply_.bytes(), session_.protocol, session_.output);
}

RespConnection::State RespConnection::finishAuth(bool ok) {
  if (state_ != State::kAuthenticating || !session_.auth_request) return state_;
  session_.auth_verdict.emplace(std::move(*session_.auth_request), ok);
  session_.auth_request.reset();
  state_ = State::kReady;
  run({});
  session_.auth_verdict.reset();
  return state_;
}

RespConnection::Retry RespConnection::retryBlocked() {
  if (state_ != State::kBlocked) return Retry::kServed;
  state_ = State::kReady;
  // The blocked request is the first one buffered: parse it again and run
  // it alone, to tell a WRONGTYPE answer (keep waiting) from a served one.
  refreshUser();
  RespParse parsed = parser_.next(input_, argv_, requestLimits());
  store_.setCurrentUser(session_.user);
  wrong_type_ = false;
  const bool ran = runRequest(argv_, /*retrying=*/true);
  store_.setCurrentUser(nullptr);
  if (!ran) return wrong_type_ ? Retry::kWrongType : Retry::kStillBlocked;
  input_.erase(0, parsed.consumed);
  run({});
  return Retry::kServed;
}

RespConnection::State RespConnection::timeoutBlocked() {
  if (state_ != State::kBlocked) return state_;
  RespParse parsed = parser_.next(input_, argv_, requestLimits());
  input_.erase(0, parsed.consumed);
  session_.blocked = false;
  writeRespAll(blocked_null_, session_.protocol, session_.output);
  state_ = State::kReady;
  run({});
  return state_;
}

OutputVerdict checkOutputLimits(Session& session, const StoreConfig& config, size_t pending, int64_t now_ms,
                                std::string* reason) {
  const bool pubsub = session.subscriptions() > 0;
  const StoreConfig::OutputBufferLimit& limit =
      config.client_output_buffer_limit[pubsub ? StoreConfig::kPubsubClients : StoreConfig::kNormalClients];
  const auto bytes = static_cast<int64_t>(pending);
  const char* kind = pubsub ? "pubsub" : "normal";
  if (limit.hard_bytes > 0 && bytes >= limit.hard_bytes) {
    if (reason) *reason = std::string(kind) + " hard";
    return OutputVerdict::kClose;
  }
  if (limit.soft_bytes > 0 && bytes >= limit.soft_bytes) {
    if (session.over_soft_limit_since_ms == 0) session.over_soft_limit_since_ms = now_ms;
    if (now_ms - session.over_soft_limit_since_ms >= limit.soft_seconds * 1000) {
      if (reason) *reason = std::string(kind) + " soft";
      return OutputVerdict::kClose;
    }
  } else {
    session.over_soft_limit_since_ms = 0;
  }
  return pending > kPauseReadingBytes ? OutputVerdict::kPauseReading : OutputVerdict::kOk;
}

std::vector<uint64_t> deliverToSessions(Sessions& sessions, PubSub::Outbox& outbox) {
  std::vector<uint64_t> touched;
  std::vector<PubSub::Delivery> others;
  ReplyBuilder message;
  for (PubSub::Delivery& delivery : outbox.deliveries) {
    Session* session = sessions.find(delivery.to);
    if (!session) {
      others.push_back(std::move(delivery));
      continue;
    }
    const PubSub::Publication& publication = outbox.publications[delivery.publication];
    message.clear();
    if (delivery.by_pattern) {
      message.push(4);
      message.bulk("pmessage");
      message.bulk(delivery.pattern);
    } else {
      message.push(3);
      message.bulk("message");
    }
    message.bulk(publication.channel);
    message.bulk(publication.message);
    writeRespAll(message.bytes(), session->protocol, session->output);
    if (touched.empty() || touched.back() != session->id) touched.push_back(session->id);
  }
  outbox.deliveries = std::move(others);
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  return touched;
}

}  // namespace ember
