// Session: the state of one client connection that lives between its
// commands (a RESP connection: resp_connection.h), as Redis's client
// struct: the selected database, the protocol version HELLO chose, the
// authenticated user, the name, a MULTI queue, WATCHed keys, the reply
// mode, and the output not yet handed to the socket.
//
// Commands that act on the connection itself (SELECT, HELLO, AUTH, CLIENT,
// MULTI/EXEC, WATCH, SUBSCRIBE, RESET, QUIT) find it as ctx.session; on a
// path that has no connection (the embedded engine, a gRPC call) it is
// nullptr and they answer an error saying so.
//
// Sessions: the store's registry of live sessions by client id, for CLIENT
// LIST / KILL, INFO clients and pub/sub delivery. Ids are never reused
// while the store lives (Redis's client id), and the gRPC Subscribe
// streams take theirs from the same counter, so the pub/sub registry's
// subscriber numbers never collide.
//
// Invariants:
//  - a registered session stays valid until it unregisters itself (its
//    connection's destructor does);
//  - queued holds commands only while in_multi; multi_failed only then;
//  - watch_tokens are the store's tokens (watches.h) this session holds
//    and releases on EXEC, DISCARD, UNWATCH, RESET and close;
//  - channel_count / pattern_count mirror the pub/sub registry's
//    subscriptions of this id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <map>
#include <utility>
#include <vector>

#include "acl.h"
#include "watches.h"

namespace ember {

struct Session {
  enum class ReplyMode : uint8_t { kOn, kOff, kSkip };

  uint64_t id = 0;
  int db_index = 0;
  int protocol = 2;  // 2 or 3 (HELLO)
  std::string name;  // CLIENT SETNAME ("" for none)
  std::string addr;  // "ip:port" of the peer (front end's)
  std::string laddr;
  int64_t created_ms = 0;
  int64_t last_command_ms = 0;
  std::string last_command;  // for CLIENT LIST's cmd= (lower case)
  std::string lib_name;      // CLIENT SETINFO
  std::string lib_ver;
  bool blocked = false;      // waiting in a blocking command

  // The authenticated user; nullptr before AUTH when the default user
  // needs a secret (only no-auth commands run then).
  AccessControl::UserPtr user;
  uint64_t acl_generation = 0;  // of `user`, to notice a changed user

  // AUTH / HELLO AUTH: secrets are checked off the command thread, so the
  // command first asks (auth_request set, no reply), the front end checks
  // and sets auth_verdict, and the same command runs again and uses it.
  struct Credentials {
    std::string user;
    std::string secret;
    bool operator==(const Credentials&) const = default;
  };
  std::optional<Credentials> auth_request;
  std::optional<std::pair<Credentials, bool>> auth_verdict;

  bool in_multi = false;
  bool multi_failed = false;  // a command was refused while queueing
  std::vector<std::vector<std::string>> queued;
  std::vector<Watches::Token> watch_tokens;

  size_t channel_count = 0;
  size_t pattern_count = 0;
  size_t subscriptions() const { return channel_count + pattern_count; }

  // Ends MULTI, if any (its queue dropped), and gives up the WATCH tokens,
  // which the caller releases (Store::unwatch): DISCARD, an aborted EXEC,
  // RESET, and the connection's end.
  std::vector<Watches::Token> endTransaction() {
    in_multi = false;
    multi_failed = false;
    queued.clear();
    return std::exchange(watch_tokens, {});
  }

  // The user a new (or RESET) connection is authenticated as: the default
  // user if it is on and needs no secret, else none (AUTH first).
  static AccessControl::UserPtr userOnConnect(const AccessControl& acl) {
    AccessControl::UserPtr fallback = acl.find("default");
    return fallback && fallback->enabled && fallback->nopass ? fallback : nullptr;
  }

  ReplyMode reply_mode = ReplyMode::kOn;
  bool no_evict = false;     // CLIENT NO-EVICT (accepted; nothing evicts clients)
  bool close_after_reply = false;  // QUIT, CLIENT KILL of itself
  bool killed = false;             // CLIENT KILL: the front end closes it

  // Output not yet taken by the front end (RESP bytes).
  std::string output;
  // Since when the output waiting for the socket has been past the soft
  // limit of the session's class (0: it is not); resp_connection.h.
  int64_t over_soft_limit_since_ms = 0;
};

class Sessions {
 public:
  uint64_t nextId() { return next_id_++; }
  void add(Session* session) { live_[session->id] = session; }
  void remove(uint64_t id) { live_.erase(id); }
  Session* find(uint64_t id) const {
    auto it = live_.find(id);
    return it == live_.end() ? nullptr : it->second;
  }
  size_t count() const { return live_.size(); }

  // What the front end reports of the clients it serves outside these
  // sessions (gRPC connections) and of the clients blocked in either
  // protocol, and its connection limit: INFO clients.
  struct FrontEndCounts {
    uint64_t other_connections = 0;
    uint64_t blocked = 0;
    uint64_t max_clients = 10000;
  };
  FrontEndCounts front_end;
  template <class Visit>
  void forEach(Visit&& visit) const {
    for (const auto& [id, session] : live_) visit(*session);
  }

  // Sessions CLIENT KILL marked since the front end last took them (the
  // front end closes them).
  void noteKilled(uint64_t id) { killed_.push_back(id); }
  std::vector<uint64_t> takeKilled() { return std::exchange(killed_, {}); }
  bool hasKilled() const { return !killed_.empty(); }

 private:
  uint64_t next_id_ = 1;
  std::map<uint64_t, Session*> live_;  // by id: CLIENT LIST's order
  std::vector<uint64_t> killed_;
};

}  // namespace ember
