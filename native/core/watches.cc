// Watches: see watches.h.
#include "watches.h"

#include <algorithm>

namespace ember {

Watches::Token Watches::watch(std::span<const WatchedKey> keys, int64_t now_ms, bool expires) {
  Token token;
  do {
    token = ((uint64_t{token_bits_()} << 32) | token_bits_()) & ((uint64_t{1} << 53) - 1);
  } while (token == 0 || tokens_.contains(token));
  if (expires) issued_.emplace_back(now_ms, token);
  TokenState& state = tokens_[token];
  for (const WatchedKey& key : keys) {
    std::vector<Token>& tokens = watchers_[static_cast<size_t>(key.db_index)][key.key];
    if (!tokens.empty() && tokens.back() == token) continue;  // already watched by this token
    tokens.push_back(token);
    state.keys.push_back(key);
  }
  return token;
}

void Watches::release(Token token) {
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return;
  for (const WatchedKey& key : it->second.keys) {
    KeyWatchers& watchers = watchers_[static_cast<size_t>(key.db_index)];
    auto found = watchers.find(std::string_view(key.key));
    if (found == watchers.end()) continue;
    std::erase(found->second, token);
    if (found->second.empty()) watchers.erase(found);
  }
  tokens_.erase(it);
}

size_t Watches::expireIdle(int64_t cutoff_ms) {
  size_t released = 0;
  // Tokens already used leave the queue as soon as they reach its front.
  while (!issued_.empty() && (issued_.front().first <= cutoff_ms || !tokens_.contains(issued_.front().second))) {
    if (tokens_.contains(issued_.front().second)) {
      release(issued_.front().second);
      released++;
    }
    issued_.pop_front();
  }
  return released;
}

const std::vector<Watches::WatchedKey>* Watches::keysOf(Token token) const {
  auto it = tokens_.find(token);
  return it == tokens_.end() ? nullptr : &it->second.keys;
}

bool Watches::isDirty(Token token) const {
  auto it = tokens_.find(token);
  return it != tokens_.end() && it->second.dirty;
}

void Watches::touchSlow(int db_index, ByteView key) {
  const KeyWatchers& watchers = watchers_[static_cast<size_t>(db_index)];
  auto found = watchers.find(std::string_view(key.data(), key.size()));
  if (found == watchers.end()) return;
  for (Token token : found->second) tokens_[token].dirty = true;
}

}  // namespace ember
