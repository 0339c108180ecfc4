// PubSub: who listens to which channels and patterns, and the messages
// PUBLISH has to hand out (Redis's server.pubsub_channels and
// server.pubsub_patterns).
//
// Subscribers are numbered by the front end that serves them (a gRPC
// Subscribe call, later a RESP connection); the core knows them only by
// number. PUBLISH (commands/pubsub.cc) counts the receivers, as Redis does,
// and queues one Delivery per receiver in the outbox; the front end takes
// the outbox after each command or batch and writes the messages out. So
// the command runs in the core, once, and the core never calls out.
//
// Invariants:
//  - channels_[c] lists each subscriber of c once, in subscription order,
//    and subscriptions_[id].channels holds c exactly when id is listed
//    there (the same for patterns); a channel or pattern with no
//    subscriber left is erased;
//  - the outbox holds each published message once (publications_), and
//    deliveries point into it: a message to a thousand subscribers is not
//    copied a thousand times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bytes.h"

namespace ember {

class PubSub {
 public:
  using SubscriberId = uint64_t;

  struct Publication {
    std::string channel;
    std::string message;
  };
  struct Delivery {
    SubscriberId to;
    uint32_t publication;  // index into the outbox's publications
    std::string pattern;   // the pattern that matched; empty for a channel subscription
    bool by_pattern;
  };
  struct Outbox {
    std::vector<Publication> publications;
    std::vector<Delivery> deliveries;
  };

  // Each returns whether the subscription changed (false: already so).
  bool subscribe(SubscriberId id, ByteView channel);
  bool unsubscribe(SubscriberId id, ByteView channel);
  bool psubscribe(SubscriberId id, ByteView pattern);
  bool punsubscribe(SubscriberId id, ByteView pattern);
  // The channels (patterns) `id` is subscribed to, in no particular order.
  std::vector<std::string> channelsOf(SubscriberId id) const { return namesOf(id, false); }
  std::vector<std::string> patternsOf(SubscriberId id) const { return namesOf(id, true); }
  // Drops every subscription of `id` (its stream ended).
  void removeSubscriber(SubscriberId id);

  // Queues `message` for every subscriber of `channel` and of every
  // pattern matching it (one delivery per subscription, as Redis sends);
  // returns how many deliveries that makes.
  size_t publish(ByteView channel, ByteView message);
  // The deliveries queued since the last call.
  Outbox takeOutbox();
  // Puts back what a front end took and did not deliver itself (the RESP
  // connections take theirs first, the gRPC streams the rest).
  void restoreOutbox(Outbox outbox) { outbox_ = std::move(outbox); }
  bool hasDeliveries() const { return !outbox_.deliveries.empty(); }

  // PUBSUB CHANNELS [pattern]: active channels (with a subscriber),
  // all of them without a pattern.
  std::vector<std::string> channels(std::optional<ByteView> pattern) const;
  // PUBSUB NUMSUB: subscribers of one channel (patterns not counted).
  size_t numsub(ByteView channel) const;
  // PUBSUB NUMPAT: distinct patterns subscribed to.
  size_t numpat() const { return patterns_.size(); }

 private:
  struct Subscriptions {
    std::unordered_set<std::string> channels;
    std::unordered_set<std::string> patterns;
  };
  using Listeners = std::unordered_map<std::string, std::vector<SubscriberId>>;

  std::vector<std::string> namesOf(SubscriberId id, bool patterns) const;
  static bool add(Listeners& listeners, std::unordered_set<std::string>& own, SubscriberId id, ByteView name);
  static bool remove(Listeners& listeners, std::unordered_set<std::string>& own, SubscriberId id, ByteView name);
  static void dropListener(Listeners& listeners, SubscriberId id, const std::string& name);

  Listeners channels_;
  Listeners patterns_;
  std::unordered_map<SubscriberId, Subscriptions> subscriptions_;
  Outbox outbox_;
};

}  // namespace ember
