// Unit tests of the pub/sub registry (pubsub.h): subscriptions, deliveries
// for channels and patterns, removal of a subscriber, and the outbox.
#include "check.h"
#include "core/pubsub.h"

using namespace ember;

TEST(channel_and_pattern_subscriptions_each_get_a_delivery) {
  PubSub ps;
  CHECK(ps.subscribe(1, "news"));
  CHECK(!ps.subscribe(1, "news"));  // already
  CHECK(ps.psubscribe(1, "n*"));
  CHECK(ps.subscribe(2, "news"));
  CHECK_EQ(ps.publish("news", "hello"), 3);
  CHECK_EQ(ps.publish("nope", "x"), 1);
  CHECK_EQ(ps.publish("other", "x"), 0);
  PubSub::Outbox out = ps.takeOutbox();
  REQUIRE_EQ(out.publications.size(), 2);  // each message stored once
  REQUIRE_EQ(out.deliveries.size(), 4);
  CHECK_EQ(out.deliveries[0].to, 1);
  CHECK(!out.deliveries[0].by_pattern);
  CHECK_EQ(out.deliveries[1].to, 2);
  CHECK(out.deliveries[2].by_pattern);
  CHECK_EQ(out.deliveries[2].pattern, "n*");
  CHECK_EQ(out.publications[out.deliveries[3].publication].channel, "nope");
  CHECK(!ps.hasDeliveries());
}

TEST(unsubscribing_and_removing_a_subscriber_update_the_counts) {
  PubSub ps;
  ps.subscribe(1, "a");
  ps.subscribe(1, "b");
  ps.subscribe(2, "a");
  ps.psubscribe(1, "*");
  ps.psubscribe(2, "*");
  CHECK_EQ(ps.numsub("a"), 2);
  CHECK_EQ(ps.numpat(), 1);  // distinct patterns
  CHECK(ps.unsubscribe(2, "a"));
  CHECK(!ps.unsubscribe(2, "a"));
  CHECK_EQ(ps.numsub("a"), 1);
  ps.removeSubscriber(1);
  CHECK_EQ(ps.numsub("a"), 0);
  CHECK_EQ(ps.numsub("b"), 0);
  CHECK(ps.channels(std::nullopt).empty());
  CHECK_EQ(ps.numpat(), 1);  // subscriber 2 still has "*"
  CHECK(ps.punsubscribe(2, "*"));
  CHECK_EQ(ps.numpat(), 0);
  CHECK_EQ(ps.publish("a", "m"), 0);
  ps.removeSubscriber(99);  // unknown: nothing happens
}

TEST(channels_lists_active_channels_matching_a_pattern) {
  PubSub ps;
  ps.subscribe(1, "ch:1");
  ps.subscribe(1, "ch:2");
  ps.subscribe(2, "other");
  CHECK_EQ(ps.channels(ByteView("ch:*")).size(), 2);
  CHECK_EQ(ps.channels(std::nullopt).size(), 3);
  CHECK_EQ(ps.channels(ByteView("*2")).size(), 1);
}
