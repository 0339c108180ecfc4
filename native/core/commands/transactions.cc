// The transaction command family of a RESP connection: MULTI, EXEC,
// DISCARD, WATCH and UNWATCH, with the table that declares them. The queue
// and the watch tokens are the session's (session.h); queueing itself,
// with its checks, is the connection's (resp_connection.cc), and running
// the queue is Store::runTransaction, which gRPC's Exec shares.
#include <string>
#include <utility>
#include <vector>

#include "../command.h"
#include "../command_table.h"
#include "../errors.h"
#include "../session.h"
#include "../store.h"
#include "needs_session.h"

namespace ember {
namespace {

bool noSession(CommandContext& ctx) { return withoutSession(ctx, "has the Watch and Exec calls instead"); }

void multiCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  if (ctx.session->in_multi) return ctx.reply.error("ERR MULTI calls can not be nested");
  ctx.session->in_multi = true;
  ctx.reply.ok();
}

void discardCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  if (!ctx.session->in_multi) return ctx.reply.error("ERR DISCARD without MULTI");
  ctx.store.unwatch(ctx.session->endTransaction());
  ctx.reply.ok();
}

void execCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  Session& session = *ctx.session;
  if (!session.in_multi) return ctx.reply.error("ERR EXEC without MULTI");
  if (session.multi_failed) {
    ctx.store.unwatch(session.endTransaction());
    return ctx.reply.error("EXECABORT Transaction discarded because of previous errors.");
  }
  std::vector<std::vector<std::string>> commands = std::move(session.queued);
  // The tokens are released by runTransaction, after it checked them.
  std::vector<Watches::Token> tokens = session.endTransaction();
  const size_t mark = ctx.reply.size();
  ctx.reply.array(static_cast<uint32_t>(commands.size()));
  std::vector<ByteView> argv;
  const Store::TransactionResult result = ctx.store.runTransaction(tokens, commands.size(), [&](size_t i) {
    argv.assign(commands[i].begin(), commands[i].end());
    // Each runs in the database selected when it runs: a queued SELECT
    // changes it for the commands after it.
    ctx.store.execute(argv, ctx.reply, session.db_index, &session);
  });
  if (result == Store::TransactionResult::kWatchBroken) {
    ctx.reply.truncate(mark);
    return ctx.reply.nullArray();
  }
  if (result == Store::TransactionResult::kNotDurable) {
    ctx.reply.truncate(mark);
    return ctx.reply.error(ctx.store.aofWriteError());
  }
}

void watchCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  if (ctx.session->in_multi) return ctx.reply.error("ERR WATCH inside MULTI is not allowed");
  const Watches::Token token = ctx.store.watch(ctx.db_index, ctx.argv.subspan(1), /*held=*/true);
  if (token == 0) return ctx.reply.error("ERR too many WATCH tokens are live: exec or unwatch the ones in use");
  ctx.session->watch_tokens.push_back(token);
  ctx.reply.ok();
}

void unwatchCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  ctx.store.unwatch(std::exchange(ctx.session->watch_tokens, {}));
  ctx.reply.ok();
}

// Flags and ACL categories as Redis 7.0's COMMAND INFO reports them.
constexpr uint32_t kTransactionFlags = kCmdNoScript | kCmdLoading | kCmdStale;

constexpr CommandSpec kTransactionCommands[] = {
    {"multi", 1, kTransactionFlags | kCmdFast, kAclFast | kAclTransaction, KeyPositions{}, multiCommand},
    {"exec", 1, kTransactionFlags, kAclSlow | kAclTransaction, KeyPositions{}, execCommand},
    {"discard", 1, kTransactionFlags | kCmdFast, kAclFast | kAclTransaction, KeyPositions{}, discardCommand},
    {"watch", -2, kTransactionFlags | kCmdFast, kAclFast | kAclTransaction, KeyPositions{1, -1, 1}, watchCommand},
    {"unwatch", 1, kTransactionFlags | kCmdFast, kAclFast | kAclTransaction, KeyPositions{}, unwatchCommand},
};

}  // namespace

std::span<const CommandSpec> transactionCommands() { return kTransactionCommands; }

}  // namespace ember
