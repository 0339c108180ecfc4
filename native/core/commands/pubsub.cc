// The pub/sub command family: PUBLISH, PUBSUB CHANNELS / NUMSUB /
// NUMPAT / SHARDCHANNELS / SHARDNUMSUB / HELP, and a RESP connection's
// SUBSCRIBE / PSUBSCRIBE / UNSUBSCRIBE / PUNSUBSCRIBE, with the table that
// declares them. The registry of subscriptions (pubsub.h) knows a RESP
// connection and a gRPC Subscribe stream alike by a number; the
// connection's counts are in its session (session.h).
// emberkv has no sharded pub/sub (SSUBSCRIBE), so the SHARD* subcommands
// truthfully report no shard channels.
#include <optional>
#include <string>
#include <vector>

#include "../command.h"
#include "../command_table.h"
#include "../errors.h"
#include "../pubsub.h"
#include "../session.h"
#include "../store.h"
#include "needs_session.h"

namespace ember {
namespace {

// PUBLISH channel message: the number of deliveries (channel and pattern
// subscriptions both count, as in Redis).
void publishCommand(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.store.pubsub().publish(ctx.arg(1), ctx.arg(2))));
}

// One confirmation per channel, as Redis sends them: a push of the action,
// the channel (or null when unsubscribing from nothing) and the number of
// subscriptions the connection has left.
void confirm(CommandContext& ctx, std::string_view action, std::optional<ByteView> name) {
  ctx.reply.push(3);
  ctx.reply.bulk(action);
  if (name) {
    ctx.reply.bulk(*name);
  } else {
    ctx.reply.null();
  }
  ctx.reply.integer(static_cast<int64_t>(ctx.session->subscriptions()));
}

bool noSession(CommandContext& ctx) { return withoutSession(ctx, "has the Subscribe call instead"); }

// SUBSCRIBE channel ... / PSUBSCRIBE pattern ...
template <bool kPatterns>
void subscribeCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  PubSub& pubsub = ctx.store.pubsub();
  for (size_t i = 1; i < ctx.argc(); i++) {
    const bool added = kPatterns ? pubsub.psubscribe(ctx.session->id, ctx.arg(i)) : pubsub.subscribe(ctx.session->id, ctx.arg(i));
    if (added) (kPatterns ? ctx.session->pattern_count : ctx.session->channel_count)++;
    confirm(ctx, kPatterns ? "psubscribe" : "subscribe", ctx.arg(i));
  }
}

// UNSUBSCRIBE [channel ...] / PUNSUBSCRIBE [pattern ...]: without names,
// from all of them.
template <bool kPatterns>
void unsubscribeCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  PubSub& pubsub = ctx.store.pubsub();
  const std::string_view action = kPatterns ? "punsubscribe" : "unsubscribe";
  size_t& count = kPatterns ? ctx.session->pattern_count : ctx.session->channel_count;
  auto drop = [&](ByteView name) {
    const bool removed = kPatterns ? pubsub.punsubscribe(ctx.session->id, name) : pubsub.unsubscribe(ctx.session->id, name);
    if (removed) count--;
    confirm(ctx, action, name);
  };
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); i++) drop(ctx.arg(i));
    return;
  }
  const std::vector<std::string> all = kPatterns ? pubsub.patternsOf(ctx.session->id) : pubsub.channelsOf(ctx.session->id);
  if (all.empty()) return confirm(ctx, action, std::nullopt);
  for (const std::string& name : all) drop(name);
}

// The error Redis's pubsubCommand gives a subcommand with too many arguments.
void subcommandArityError(CommandContext& ctx) {
  ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" + err::clientText(ctx.arg(1), 128) +
                  "'. Try PUBSUB HELP.");
}

// PUBSUB CHANNELS [pattern]
void pubsubChannelsCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return subcommandArityError(ctx);
  const std::vector<std::string> channels =
      ctx.store.pubsub().channels(ctx.argc() == 3 ? std::optional<ByteView>(ctx.arg(2)) : std::nullopt);
  ctx.reply.array(static_cast<uint32_t>(channels.size()));
  for (const std::string& channel : channels) ctx.reply.bulk(channel);
}

// PUBSUB NUMSUB [channel ...]: a map of channel -> subscribers.
void pubsubNumsubCommand(CommandContext& ctx) {
  ctx.reply.array(static_cast<uint32_t>(2 * (ctx.argc() - 2)));  // flat even in RESP3, as Redis
  for (size_t i = 2; i < ctx.argc(); i++) {
    ctx.reply.bulk(ctx.arg(i));
    ctx.reply.integer(static_cast<int64_t>(ctx.store.pubsub().numsub(ctx.arg(i))));
  }
}

void pubsubNumpatCommand(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.store.pubsub().numpat())); }

// PUBSUB SHARDCHANNELS [pattern]: no shard channels exist here.
void pubsubShardchannelsCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return subcommandArityError(ctx);
  ctx.reply.array(0);
}

// PUBSUB SHARDNUMSUB [shardchannel ...]: each has no subscriber.
void pubsubShardnumsubCommand(CommandContext& ctx) {
  ctx.reply.map(static_cast<uint32_t>(ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); i++) {
    ctx.reply.bulk(ctx.arg(i));
    ctx.reply.integer(0);
  }
}

void pubsubHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// Flags and ACL categories as Redis 7.0's COMMAND INFO reports them.
constexpr uint32_t kPubsubFlags = kCmdPubsub | kCmdLoading | kCmdStale;

constexpr CommandSpec kPubsubSubcommands[] = {
    {"pubsub|channels", -2, kPubsubFlags, kAclPubsub | kAclSlow, KeyPositions{}, pubsubChannelsCommand},
    {"pubsub|numsub", -2, kPubsubFlags, kAclPubsub | kAclSlow, KeyPositions{}, pubsubNumsubCommand},
    {"pubsub|numpat", 2, kPubsubFlags, kAclPubsub | kAclSlow, KeyPositions{}, pubsubNumpatCommand},
    {"pubsub|shardchannels", -2, kPubsubFlags, kAclPubsub | kAclSlow, KeyPositions{}, pubsubShardchannelsCommand},
    {"pubsub|shardnumsub", -2, kPubsubFlags, kAclPubsub | kAclSlow, KeyPositions{}, pubsubShardnumsubCommand},
    {"pubsub|help", 2, kCmdLoading | kCmdStale, kAclSlow, KeyPositions{}, pubsubHelpCommand},
};

constexpr CommandSpec kPubsubCommands[] = {
    {"publish", 3, kPubsubFlags | kCmdFast, kAclPubsub | kAclFast, KeyPositions{}, publishCommand},
    {"pubsub", -2, 0, kAclSlow, KeyPositions{}, nullptr, kPubsubSubcommands},
    {"subscribe", -2, kPubsubFlags | kCmdNoScript, kAclPubsub | kAclSlow, KeyPositions{}, subscribeCommand<false>},
    {"psubscribe", -2, kPubsubFlags | kCmdNoScript, kAclPubsub | kAclSlow, KeyPositions{}, subscribeCommand<true>},
    {"unsubscribe", -1, kPubsubFlags | kCmdNoScript, kAclPubsub | kAclSlow, KeyPositions{}, unsubscribeCommand<false>},
    {"punsubscribe", -1, kPubsubFlags | kCmdNoScript, kAclPubsub | kAclSlow, KeyPositions{},
     unsubscribeCommand<true>},
};

}  // namespace

std::span<const CommandSpec> pubsubCommands() { return kPubsubCommands; }

}  // namespace ember
