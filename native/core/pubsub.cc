// PubSub: see pubsub.h.
#include "pubsub.h"

#include <algorithm>
#include <utility>

#include "glob.h"

namespace ember {

bool PubSub::add(Listeners& listeners, std::unordered_set<std::string>& own, SubscriberId id, ByteView name) {
  if (!own.emplace(name).second) return false;
  listeners[std::string(name)].push_back(id);
  return true;
}

void PubSub::dropListener(Listeners& listeners, SubscriberId id, const std::string& name) {
  auto it = listeners.find(name);
  if (it == listeners.end()) return;
  std::vector<SubscriberId>& ids = it->second;
  ids.erase(std::find(ids.begin(), ids.end(), id));
  if (ids.empty()) listeners.erase(it);
}

bool PubSub::remove(Listeners& listeners, std::unordered_set<std::string>& own, SubscriberId id, ByteView name) {
  const std::string key(name);
  if (own.erase(key) == 0) return false;
  dropListener(listeners, id, key);
  return true;
}

bool PubSub::subscribe(SubscriberId id, ByteView channel) {
  return add(channels_, subscriptions_[id].channels, id, channel);
}

bool PubSub::unsubscribe(SubscriberId id, ByteView channel) {
  auto it = subscriptions_.find(id);
  return it != subscriptions_.end() && remove(channels_, it->second.channels, id, channel);
}

bool PubSub::psubscribe(SubscriberId id, ByteView pattern) {
  return add(patterns_, subscriptions_[id].patterns, id, pattern);
}

bool PubSub::punsubscribe(SubscriberId id, ByteView pattern) {
  auto it = subscriptions_.find(id);
  return it != subscriptions_.end() && remove(patterns_, it->second.patterns, id, pattern);
}

void PubSub::removeSubscriber(SubscriberId id) {
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return;
  for (const std::string& channel : it->second.channels) dropListener(channels_, id, channel);
  for (const std::string& pattern : it->second.patterns) dropListener(patterns_, id, pattern);
  subscriptions_.erase(it);
}

size_t PubSub::publish(ByteView channel, ByteView message) {
  size_t receivers = 0;
  auto queue = [&](SubscriberId to, const std::string* pattern) {
    if (receivers == 0) outbox_.publications.push_back({std::string(channel), std::string(message)});
    const auto index = static_cast<uint32_t>(outbox_.publications.size() - 1);
    outbox_.deliveries.push_back({to, index, pattern ? *pattern : std::string(), pattern != nullptr});
    receivers++;
  };
  if (auto it = channels_.find(std::string(channel)); it != channels_.end()) {
    for (SubscriberId id : it->second) queue(id, nullptr);
  }
  for (const auto& [pattern, ids] : patterns_) {
    if (!globMatch(pattern, channel)) continue;
    for (SubscriberId id : ids) queue(id, &pattern);
  }
  return receivers;
}

PubSub::Outbox PubSub::takeOutbox() { return std::exchange(outbox_, {}); }

std::vector<std::string> PubSub::channels(std::optional<ByteView> pattern) const {
  std::vector<std::string> out;
  for (const auto& [channel, ids] : channels_) {
    if (!pattern || globMatch(*pattern, channel)) out.push_back(channel);
  }
  return out;
}

std::vector<std::string> PubSub::namesOf(SubscriberId id, bool patterns) const {
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return {};
  const std::unordered_set<std::string>& names = patterns ? it->second.patterns : it->second.channels;
  return {names.begin(), names.end()};
}

size_t PubSub::numsub(ByteView channel) const {
  auto it = channels_.find(std::string(channel));
  return it == channels_.end() ? 0 : it->second.size();
}

}  // namespace ember
