/**
 * Pub/sub commands that need no subscription (PUBLISH, PUBSUB ...): their
 * typed methods' signatures and their one definition each. Subscribers are
 * emberkv-server's Subscribe streams (Client.subscribe); an embedded engine
 * has none, so there these answer as a server with no subscriber would.
 */
import type { Argument } from '../engine.js';
import type { Definitions, Result, ResultMode, Sync } from './define.js';
import { asReplied, toNumber } from './replies.js';

export interface PubSubCommands<M extends ResultMode> {
  /** PUBLISH: the number of subscriptions the message was delivered to. */
  publish(channel: Argument, message: Argument): Result<M, number>;
  /** PUBSUB CHANNELS: the channels with a subscriber (matching `pattern`). */
  pubsubChannels(pattern?: Argument): Result<M, string[]>;
  /** PUBSUB NUMSUB: [channel, subscribers] for each channel. */
  pubsubNumSub(...channels: Argument[]): Result<M, [string, number][]>;
  /** PUBSUB NUMPAT: the number of patterns subscribed to. */
  pubsubNumPat(): Result<M, number>;
  /** PUBSUB SHARDCHANNELS: always empty (emberkv has no sharded pub/sub). */
  pubsubShardChannels(pattern?: Argument): Result<M, string[]>;
  /** PUBSUB SHARDNUMSUB: [channel, 0] for each channel. */
  pubsubShardNumSub(...channels: Argument[]): Result<M, [string, number][]>;
}

/** PUBSUB NUMSUB's flat [channel, count, ...] reply as pairs. */
function channelCounts(raw: unknown): [string, number][] {
  const flat = raw as (string | number)[];
  const pairs: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as number]);
  return pairs;
}

/** A subcommand, then the optional pattern. */
function withPattern(subcommand: string, pattern: Argument | undefined): Argument[] {
  return pattern === undefined ? [subcommand] : [subcommand, pattern];
}

export const pubsubCommands: Definitions<PubSubCommands<Sync>> = {
  publish: { command: 'publish', args: (channel, message) => [channel, message], reply: toNumber },
  pubsubChannels: { command: 'pubsub', args: (pattern) => withPattern('CHANNELS', pattern), reply: asReplied },
  pubsubNumSub: { command: 'pubsub', args: (...channels) => ['NUMSUB', ...channels], reply: channelCounts },
  pubsubNumPat: { command: 'pubsub', args: () => ['NUMPAT'], reply: toNumber },
  pubsubShardChannels: { command: 'pubsub', args: (pattern) => withPattern('SHARDCHANNELS', pattern), reply: asReplied },
  pubsubShardNumSub: { command: 'pubsub', args: (...channels) => ['SHARDNUMSUB', ...channels], reply: channelCounts },
};
