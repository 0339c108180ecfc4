// The soak's subscribers: every SUBSCRIBER_EVERY-th client also holds a
// subscription (a stream of its own beside its commands) to one channel,
// and every fourth of those to the pattern of all channels as well. Each
// counts what it receives and checks that each publisher's messages
// arrive in the order they were published.
import { channelName } from './workload.mjs';

const SUBSCRIBER_EVERY = 10;
const ALL_CHANNELS = 'soak:chan:*';

/** Subscribes; resolves once every subscription is active: { subscriptions, ended } (ended: once all loops end). */
export async function startSubscribers(clients, stats) {
  const subscriptions = [];
  const loops = [];
  for (let id = 0; id < clients.length; id += SUBSCRIBER_EVERY) {
    const subscriber = id / SUBSCRIBER_EVERY;
    const subscription = clients[id].subscribe({
      channels: [channelName(subscriber)],
      patterns: subscriber % 4 === 0 ? [ALL_CHANNELS] : [],
    });
    subscriptions.push(subscription);
    loops.push(receive(subscription, stats));
  }
  await Promise.all(subscriptions.map((s) => s.ready));
  return { subscriptions, ended: Promise.all(loops) };
}

async function receive(subscription, stats) {
  // Publisher id (and whether by pattern) -> the last sequence number seen.
  const lastSeen = new Map();
  try {
    for await (const { channel, message, pattern } of subscription) {
      stats.received++;
      const [publisher, sequence] = message.split(':').map(Number);
      const source = `${publisher}${pattern ? ' by pattern' : ''}`;
      const previous = lastSeen.get(source) ?? -1;
      lastSeen.set(source, sequence);
      if (!channel.startsWith('soak:chan:') || !(sequence > previous)) {
        stats.wrongReply('subscription message', { channel, message, pattern }, `a soak:chan:* message after sequence ${previous}`);
      }
    }
  } catch (err) {
    stats.unexpected('subscription', err);
  }
}
