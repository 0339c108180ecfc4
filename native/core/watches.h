// Watches: the bookkeeping behind WATCH tokens (optimistic transactions).
//
// A token names keys, each in its database, watched from the moment the
// token was issued. It lives until a transaction uses it, it is released,
// or it has been idle too long (expireIdle: a gRPC client, unlike a Redis
// connection, has no disconnect that would drop it). A change to any of them marks the token dirty, and a
// transaction run with a dirty token runs nothing (transaction.h).
//
// What counts as a change is reported by the keyspace (keyspace.cc): a key
// opened for writing by a write command, stored, deleted (by a command,
// expiry or eviction), renamed from or to, or given a new expiry; FLUSHDB
// and FLUSHALL touch the watched keys that existed. Opening a key for
// writing counts even when the command then changes nothing (SREM of a
// missing member): a superset of Redis's rule, so a change is never
// missed, and an abort Redis would not make needs such a no-op write.
// A key that was live when watched and has reached its expiry time since
// counts too, deleted or not (checked when the token is used, as Redis 7).
//
// Invariants:
//  - watchers_[db][key] lists exactly the live tokens watching that key,
//    each once; tokens_ holds every live token and its keys;
//  - a token never becomes clean again once dirty;
//  - tokens are random 53-bit numbers (exact as JS numbers) from the
//    system's random source, never 0 and never two live at once: with
//    users on one server a token is a capability, and one user must not
//    release or use another's by guessing it (sequential numbers, or a
//    seeded PRNG's, would be predicted);
//  - while nothing is watched, a write pays one empty() check.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bytes.h"

namespace ember {

class Watches {
 public:
  using Token = uint64_t;  // never 0
  static constexpr int kDatabases = 16;

  struct WatchedKey {
    int db_index;
    std::string key;
    // The key existed but was past its expiry time (not yet deleted)
    // when watched: reaching that state later is a change, being in it
    // already is not.
    bool expired_when_watched;
  };

  // A new token watching `keys` (duplicates are watched once), issued at
  // `now_ms`; with `expires` false, expireIdle() never releases it (its
  // holder, a connection, releases it when it closes).
  Token watch(std::span<const WatchedKey> keys, int64_t now_ms, bool expires = true);
  // Forgets the token (EXEC and UNWATCH do this). Unknown tokens are ignored.
  void release(Token token);
  // The token's keys, or nullptr if it is unknown (released or never issued).
  const std::vector<WatchedKey>* keysOf(Token token) const;
  bool isDirty(Token token) const;

  // A key of database `db_index` changed.
  void touch(int db_index, ByteView key) {
    if (!empty()) touchSlow(db_index, key);
  }
  // Calls `visit(key)` for every watched key of the database (FLUSHDB
  // uses it to touch those that exist).
  template <class Visit>
  void forEachWatchedKey(int db_index, Visit&& visit) const {
    for (const auto& [key, tokens] : watchers_[static_cast<size_t>(db_index)]) visit(std::string_view(key));
  }

  // Releases the tokens issued at or before `cutoff_ms`; returns how many
  // were still live.
  size_t expireIdle(int64_t cutoff_ms);

  bool empty() const { return tokens_.empty(); }
  size_t tokenCount() const { return tokens_.size(); }

 private:
  struct TokenState {
    std::vector<WatchedKey> keys;
    bool dirty = false;
  };
  // Lets find() take a string_view without building a std::string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using KeyWatchers = std::unordered_map<std::string, std::vector<Token>, KeyHash, std::equal_to<>>;

  void touchSlow(int db_index, ByteView key);

  std::unordered_map<Token, TokenState> tokens_;
  std::array<KeyWatchers, kDatabases> watchers_;
  // (issued at, token) of the expiring tokens in issue order, released
  // ones included until they reach the front.
  std::deque<std::pair<int64_t, Token>> issued_;
  std::random_device token_bits_;
};

}  // namespace ember
