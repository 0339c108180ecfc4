// The persistence command family: SAVE, BGSAVE [SCHEDULE], LASTSAVE and
// BGREWRITEAOF (Redis's rdb.c saveCommand / bgsaveCommand, server.c
// lastsaveCommand, aof.c bgrewriteaofCommand), with the table that
// declares them. The work is Store's (store_persistence.cc, store_aof.cc).
//
// Replies as Redis 7.0, with one deliberate difference: a failed SAVE or
// BGREWRITEAOF answers "ERR <what failed: path and errno text>" where
// Redis answers a bare "ERR" and writes the reason to its log (an embedded
// engine has no log to read). One child process runs at a time, as in
// Redis: BGSAVE during a rewrite is refused unless SCHEDULEd (it then
// starts after it), BGREWRITEAOF during a BGSAVE is scheduled; BGSAVE
// SCHEDULE while a BGSAVE runs answers "already in progress", as Redis.
#include <string>

#include "../command.h"
#include "../command_table.h"
#include "../errors.h"
#include "../numbers.h"
#include "../store.h"

namespace ember {
namespace {

constexpr std::string_view kBgsaveInProgress = "ERR Background save already in progress";

void saveCommand(CommandContext& ctx) {
  if (ctx.store.bgsaveInProgress()) return ctx.reply.error(kBgsaveInProgress);
  SnapshotFileSaveResult result = ctx.store.saveSnapshot();
  if (!result.ok) return ctx.reply.error("ERR " + result.error);
  ctx.reply.ok();
}

void bgsaveCommand(CommandContext& ctx) {
  if (ctx.argc() > 1 && !(ctx.argc() == 2 && optionIs(ctx.arg(1), "schedule"))) {
    return ctx.reply.error(err::kSyntax);
  }
  std::string error;
  switch (ctx.store.bgsave(ctx.argc() == 2, &error)) {
    case Store::BgsaveStart::kStarted:
      return ctx.reply.simple("Background saving started");
    case Store::BgsaveStart::kAlreadyRunning:
      return ctx.reply.error(kBgsaveInProgress);
    case Store::BgsaveStart::kRewriteRunning:
      return ctx.reply.error(
          "ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a "
          "BGSAVE whenever possible.");
    case Store::BgsaveStart::kScheduled:
      return ctx.reply.simple("Background saving scheduled");
    case Store::BgsaveStart::kFailed:
      return ctx.reply.error("ERR " + error);
  }
}

// Unix time in seconds of the last successful save (the start time if none).
void lastsaveCommand(CommandContext& ctx) {
  int64_t ms = ctx.store.persistence().lastsave_ms;
  ctx.reply.integer(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
}

// BGREWRITEAOF: Redis 7.0's replies. With the log off it is an error
// (Redis 7.0 would write a new log that nothing then appends to).
void bgrewriteaofCommand(CommandContext& ctx) {
  std::string error;
  switch (ctx.store.rewriteAppendOnly(&error)) {
    case Store::RewriteStart::kStarted:
      return ctx.reply.simple("Background append only file rewriting started");
    case Store::RewriteStart::kScheduled:
      return ctx.reply.simple("Background append only file rewriting scheduled");
    case Store::RewriteStart::kAlreadyRunning:
      return ctx.reply.error("ERR Background append only file rewriting already in progress");
    case Store::RewriteStart::kFailed:
      return ctx.reply.error("ERR Can't execute an AOF background rewriting: " + error);
  }
}

// ---------------------------------------------------------------------------
// The table (arity, flags and ACL categories as Redis 7.0's COMMAND INFO
// reports them, less the flags the table has no bit for: no_async_loading
// on both saves, no_multi on SAVE; and LASTSAVE's nondeterministic_output
// tip, as tips are not kept).

constexpr KeyPositions kNoKeys{0, 0, 0};
constexpr uint32_t kSaveCategories = kAclAdmin | kAclSlow | kAclDangerous;

constexpr CommandSpec kPersistenceCommands[] = {
    {"save", 1, kCmdAdmin | kCmdNoScript, kSaveCategories, kNoKeys, saveCommand},
    {"bgsave", -1, kCmdAdmin | kCmdNoScript, kSaveCategories, kNoKeys, bgsaveCommand},
    {"bgrewriteaof", 1, kCmdAdmin | kCmdNoScript, kSaveCategories, kNoKeys, bgrewriteaofCommand},
    {"lastsave", 1, kCmdLoading | kCmdStale | kCmdFast, kAclAdmin | kAclFast | kAclDangerous, kNoKeys,
     lastsaveCommand},
};

}  // namespace

std::span<const CommandSpec> persistenceCommands() { return kPersistenceCommands; }

}  // namespace ember
