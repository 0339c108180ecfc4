// The server command family: PING, ECHO, TIME, DBSIZE, FLUSHDB, FLUSHALL,
// COMMAND (COUNT, INFO, LIST, DOCS, GETKEYS, HELP), INFO and WAIT, with the
// table that declares them.
//
// Replies follow Redis 7.0: COMMAND INFO has Redis 7's ten-element shape
// (tips and key specs are empty arrays: the table does not describe them),
// INFO prints Redis's "# Section" headers and CRLF lines and claims
// redis_version:7.0.15 so that Redis tooling accepts it.
//
// COMMAND DOCS and COMMAND GETKEYS read the same table rows: DOCS gives
// each command's group (its family's, command_table.h) and its
// subcommands; the table has no summaries, "since" versions, complexities
// or argument descriptions, so those keys are left out, as Redis leaves
// them out for a command whose documentation it lacks (module commands).
//
// COMMAND is a container with its own handler: COMMAND alone lists every
// command, and the dispatcher routes COMMAND <sub> to the subcommands.
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#ifdef _WIN32
#include <process.h>
#else
#include <unistd.h>
#endif

#include "../command.h"
#include "../acl.h"
#include "../command_table.h"
#include "../errors.h"
#include "../glob.h"
#include "../keyspace.h"
#include "../numbers.h"
#include "../session.h"
#include "../store.h"

namespace ember {
namespace {

constexpr std::string_view kEmberVersion = "0.1.0";

int64_t processId() {
#ifdef _WIN32
  return _getpid();
#else
  return static_cast<int64_t>(getpid());
#endif
}

// ---------------------------------------------------------------------------
// PING, ECHO, TIME, DBSIZE

void pingCommand(CommandContext& ctx) {
  if (ctx.argc() > 2) return ctx.reply.error(err::wrongArity(ctx.command.name));
  if (ctx.session && ctx.session->subscriptions() > 0 && ctx.session->protocol == 2) {
    // A RESP2 subscriber's PING answers in the shape of a message.
    ctx.reply.array(2);
    ctx.reply.bulk("pong");
    return ctx.reply.bulk(ctx.argc() == 2 ? ctx.arg(1) : ByteView());
  }
  if (ctx.argc() == 1) return ctx.reply.simple("PONG");
  ctx.reply.bulk(ctx.arg(1));
}

void echoCommand(CommandContext& ctx) { ctx.reply.bulk(ctx.arg(1)); }

void replyDecimalBulk(ReplyBuilder& reply, int64_t v) {
  char digits[kInt64DigitsMax];
  reply.bulk(formatInt64(v, digits));
}

// Unix time as [seconds, microseconds], both bulk strings: from the system
// clock, or derived from the store's manual clock (ms) when one is set.
void timeCommand(CommandContext& ctx) {
  int64_t now_us = ctx.store.clock().isManual()
                       ? ctx.nowMs() * 1000
                       : std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  int64_t seconds = now_us / 1000000;
  int64_t micros = now_us % 1000000;
  if (micros < 0) {  // a manual clock before 1970
    micros += 1000000;
    seconds -= 1;
  }
  ctx.reply.array(2);
  replyDecimalBulk(ctx.reply, seconds);
  replyDecimalBulk(ctx.reply, micros);
}

void dbsizeCommand(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.db.size())); }

// ---------------------------------------------------------------------------
// FLUSHDB, FLUSHALL [ASYNC | SYNC]

// SYNC (the default, as Redis's lazyfree-lazy-user-flush no) frees on the
// command thread, large collections aside (the keyspace hands those to the
// background freer anyway); ASYNC swaps in empty keyspaces and frees the
// old ones in the background, so even a million keys cost no stall.
enum class FlushMode { kSync, kAsync, kInvalid };

FlushMode parseFlushMode(CommandContext& ctx) {
  if (ctx.argc() == 1) return FlushMode::kSync;
  if (ctx.argc() == 2 && optionIs(ctx.arg(1), "sync")) return FlushMode::kSync;
  if (ctx.argc() == 2 && optionIs(ctx.arg(1), "async")) return FlushMode::kAsync;
  ctx.reply.error(err::kSyntax);
  return FlushMode::kInvalid;
}

void flushDatabase(CommandContext& ctx, int index, FlushMode mode) {
  if (mode == FlushMode::kAsync) {
    ctx.store.flushAsync(index);
  } else {
    ctx.store.db(index).clear();
  }
}

void flushdbCommand(CommandContext& ctx) {
  const FlushMode mode = parseFlushMode(ctx);
  if (mode == FlushMode::kInvalid) return;
  flushDatabase(ctx, ctx.db_index, mode);  // ctx.db is not used after this
  ctx.reply.ok();
}

void flushallCommand(CommandContext& ctx) {
  const FlushMode mode = parseFlushMode(ctx);
  if (mode == FlushMode::kInvalid) return;
  for (int i = 0; i < Store::kDatabases; i++) flushDatabase(ctx, i, mode);
  // As Redis's flushAllDataAndResetRDB: a running BGSAVE would write the
  // data just dropped, so it is stopped; with save rules, the empty data
  // set is saved at once (a failure there is not FLUSHALL's: it still
  // answers OK, as Redis does), keeping the dirty count. Not while the
  // append-only log is replayed: that FLUSHALL's save happened long ago.
  if (!ctx.store.loading()) {
    ctx.store.killBackgroundSave();
    if (!ctx.store.config().save_rules.empty()) ctx.store.saveSnapshot(false);
  }
  ctx.reply.ok();
}

// ---------------------------------------------------------------------------
// COMMAND

template <size_t N>
void replyBitNames(ReplyBuilder& reply, uint32_t bits, const NamedBit (&names)[N], std::string_view prefix) {
  size_t at = reply.beginSet();  // a set in RESP3, as Redis's
  uint32_t n = 0;
  for (const NamedBit& named : names) {
    if (!(bits & named.bit)) continue;
    if (prefix.empty()) {
      reply.simple(named.name);
    } else {
      std::string text(prefix);
      text += named.name;
      reply.simple(text);
    }
    n++;
  }
  reply.endAggregate(at, n);
}

// [name, arity, [flags], first, last, step, [@categories], [tips],
//  [key specs], [subcommands]]
void replyCommandInfo(ReplyBuilder& reply, const CommandSpec& spec) {
  reply.array(10);
  reply.bulk(spec.name);
  reply.integer(spec.arity);
  replyBitNames(reply, spec.flags, kCommandFlagNames, "");
  reply.integer(spec.keys.first);
  reply.integer(spec.keys.last);
  reply.integer(spec.keys.step);
  replyBitNames(reply, spec.categories, kAclCategoryNames, "@");
  reply.set(0);    // tips
  reply.array(0);  // key specs
  reply.array(static_cast<uint32_t>(spec.subcommands.size()));
  for (const CommandSpec& sub : spec.subcommands) replyCommandInfo(reply, sub);
}

void replyAllCommandInfo(CommandContext& ctx) {
  auto all = CommandTable::instance().all();
  ctx.reply.array(static_cast<uint32_t>(all.size()));
  for (const CommandSpec* spec : all) replyCommandInfo(ctx.reply, *spec);
}

// Redis's lookupCommandBySds: "name" or "container|sub", any case; a name
// with more '|'-separated parts, or a sub-name on a plain command, is
// unknown.
const CommandSpec* lookupCommandByFullName(ByteView name) {
  size_t bar = name.find('|');
  if (bar == ByteView::npos) return CommandTable::instance().find(name);
  ByteView base = name.substr(0, bar);
  ByteView sub = name.substr(bar + 1);
  if (sub.find('|') != ByteView::npos) return nullptr;
  const CommandSpec* container = CommandTable::instance().find(base);
  if (!container || container->subcommands.empty()) return nullptr;
  return CommandTable::findSubcommand(*container, sub);
}

void commandInfoCommand(CommandContext& ctx) {
  if (ctx.argc() == 2) return replyAllCommandInfo(ctx);
  ctx.reply.array(static_cast<uint32_t>(ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); i++) {
    const CommandSpec* spec = lookupCommandByFullName(ctx.arg(i));
    if (spec) {
      replyCommandInfo(ctx.reply, *spec);
    } else {
      ctx.reply.null();
    }
  }
}

void commandCountCommand(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(CommandTable::instance().all().size()));
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]:
// every command and subcommand name (subcommands as "container|sub").
void commandListCommand(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  ByteView filter_arg;
  for (size_t i = 2; i < ctx.argc(); i++) {
    size_t more = ctx.argc() - 1 - i;
    if (optionIs(ctx.arg(i), "filterby") && more == 2) {
      ByteView kind = ctx.arg(i + 1);
      if (optionIs(kind, "module")) {
        filter = Filter::kModule;
      } else if (optionIs(kind, "aclcat")) {
        filter = Filter::kAclCat;
      } else if (optionIs(kind, "pattern")) {
        filter = Filter::kPattern;
      } else {
        return ctx.reply.error(err::kSyntax);
      }
      filter_arg = ctx.arg(i + 2);
      i += 2;
    } else {
      return ctx.reply.error(err::kSyntax);
    }
  }
  uint32_t category = 0;  // an unknown category matches nothing
  if (filter == Filter::kAclCat) {
    for (const NamedBit& named : kAclCategoryNames) {
      if (optionIs(filter_arg, named.name)) category = named.bit;
    }
  }
  auto keep = [&](const CommandSpec& spec) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;  // no modules
      case Filter::kAclCat:
        return (spec.categories & category) != 0;
      case Filter::kPattern:
        return globMatch(filter_arg, spec.name, true);
    }
    return false;
  };
  size_t at = ctx.reply.beginArray();
  uint32_t n = 0;
  for (const CommandSpec* spec : CommandTable::instance().all()) {
    if (keep(*spec)) {
      ctx.reply.bulk(spec->name);
      n++;
    }
    for (const CommandSpec& sub : spec->subcommands) {
      if (keep(sub)) {
        ctx.reply.bulk(sub.name);
        n++;
      }
    }
  }
  ctx.reply.endAggregate(at, n);
}

// One command's documentation map: group, then its subcommands' maps.
void replyCommandDocs(ReplyBuilder& reply, const CommandSpec& spec) {
  const bool has_subcommands = !spec.subcommands.empty();
  reply.map(has_subcommands ? 2 : 1);
  reply.bulk("group");
  reply.bulk(CommandTable::instance().docGroup(spec));
  if (!has_subcommands) return;
  reply.bulk("subcommands");
  reply.map(static_cast<uint32_t>(spec.subcommands.size()));
  for (const CommandSpec& sub : spec.subcommands) {
    reply.bulk(sub.name);
    replyCommandDocs(reply, sub);
  }
}

// COMMAND DOCS [command-name ...]: a map of full name -> documentation,
// for every command, or for the named ones (an unknown name is skipped).
void commandDocsCommand(CommandContext& ctx) {
  size_t at = ctx.reply.beginMap();
  uint32_t n = 0;
  auto add = [&](const CommandSpec& spec) {
    ctx.reply.bulk(spec.name);
    replyCommandDocs(ctx.reply, spec);
    n++;
  };
  if (ctx.argc() == 2) {
    for (const CommandSpec* spec : CommandTable::instance().all()) add(*spec);
  }
  for (size_t i = 2; i < ctx.argc(); i++) {
    if (const CommandSpec* spec = lookupCommandByFullName(ctx.arg(i))) add(*spec);
  }
  ctx.reply.endAggregate(at, n);
}

// COMMAND GETKEYS command [arg ...]: the keys that call would use, from
// the table's key positions (Redis's getKeysSubcommandImpl). The command
// is looked up as Redis's lookupCommand does: its subcommand when it has
// subcommands and one is given.
void commandGetkeysCommand(CommandContext& ctx) {
  std::span<const ByteView> call = ctx.argv.subspan(2);
  const CommandSpec* spec = CommandTable::instance().find(call[0]);
  if (spec && !spec->subcommands.empty() && call.size() >= 2) spec = CommandTable::findSubcommand(*spec, call[1]);
  if (!spec) return ctx.reply.error("ERR Invalid command specified");
  if (spec->keys.first == 0 && spec->numkeys_at == 0) return ctx.reply.error("ERR The command has no key arguments");
  const size_t argc = call.size();
  if (spec->arity > 0 ? argc != static_cast<size_t>(spec->arity) : argc < static_cast<size_t>(-spec->arity)) {
    return ctx.reply.error("ERR Invalid number of arguments specified for command");
  }
  // A numkeys that is not a count of the arguments that follow makes the
  // command a syntax error, so Redis reports no keys at all.
  if (spec->numkeys_at > 0) {
    const size_t after = argc - static_cast<size_t>(spec->numkeys_at) - 1;
    std::optional<int64_t> numkeys = parseInt64(call[static_cast<size_t>(spec->numkeys_at)]);
    if (!numkeys || *numkeys < 1 || static_cast<uint64_t>(*numkeys) > after) {
      return ctx.reply.error("ERR Invalid arguments specified for command");
    }
  }
  size_t at = ctx.reply.beginArray();
  uint32_t n = 0;
  forEachKey(*spec, call, [&](ByteView key) {
    ctx.reply.bulk(key);
    n++;
  });
  ctx.reply.endAggregate(at, n);
}

void commandHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// COMMAND alone: every command's info (the dispatcher routes COMMAND <sub>).
void commandCommand(CommandContext& ctx) { replyAllCommandInfo(ctx); }

// ---------------------------------------------------------------------------
// INFO [section ...]

enum InfoSection : unsigned {
  kInfoServer = 1,
  kInfoMemory = 2,
  kInfoStats = 4,
  kInfoKeyspace = 8,
  kInfoPersistence = 16,
  kInfoReplication = 32,
  kInfoClients = 64,
};
constexpr unsigned kInfoDefault =
    kInfoServer | kInfoClients | kInfoMemory | kInfoPersistence | kInfoStats | kInfoReplication | kInfoKeyspace;

struct SectionName {
  unsigned bit;
  std::string_view name;
};
constexpr SectionName kSectionNames[] = {
    {kInfoServer, "server"},
    {kInfoClients, "clients"},
    {kInfoMemory, "memory"},
    {kInfoPersistence, "persistence"},
    {kInfoStats, "stats"},
    {kInfoReplication, "replication"},
    {kInfoKeyspace, "keyspace"},
};

void addField(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ':';
  out += value;
  out += "\r\n";
}

void addField(std::string& out, std::string_view name, int64_t value) {
  char digits[kInt64DigitsMax];
  addField(out, name, formatInt64(value, digits));
}

void addField(std::string& out, std::string_view name, uint64_t value) {
  char digits[kInt64DigitsMax];
  auto printed = std::to_chars(digits, digits + sizeof digits, value);
  addField(out, name, std::string_view(digits, static_cast<size_t>(printed.ptr - digits)));
}

// Redis's bytesToHuman: "1023B", "1.00K", "1.50M", ... "P", then bytes.
std::string bytesToHuman(uint64_t n) {
  char buf[64];
  if (n < 1024) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 "B", n);
    return buf;
  }
  static constexpr char kUnits[] = {'K', 'M', 'G', 'T', 'P'};
  uint64_t unit = 1024;
  for (char suffix : kUnits) {
    if (n / 1024 < unit) {  // n < unit * 1024, without overflow
      std::snprintf(buf, sizeof buf, "%.2f%c", static_cast<double>(n) / static_cast<double>(unit), suffix);
      return buf;
    }
    unit *= 1024;
  }
  std::snprintf(buf, sizeof buf, "%" PRIu64 "B", n);
  return buf;
}

uint64_t nonNegative(int64_t v) { return v < 0 ? 0 : static_cast<uint64_t>(v); }

void infoServer(CommandContext& ctx, std::string& out) {
  Store& store = ctx.store;
  int64_t uptime_s = (ctx.nowMs() - store.startTimeMs()) / 1000;
  if (uptime_s < 0) uptime_s = 0;  // a manual clock set before the start
  out += "# Server\r\n";
  addField(out, "redis_version", kRedisVersion);
  addField(out, "emberkv_version", kEmberVersion);
  addField(out, "redis_git_sha1", "00000000");
  addField(out, "redis_git_dirty", int64_t{0});
  addField(out, "redis_mode", "standalone");
  addField(out, "arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
  addField(out, "process_id", processId());
  addField(out, "run_id", store.runId());
  addField(out, "server_time_usec", ctx.nowMs() * 1000);
  addField(out, "uptime_in_seconds", uptime_s);
  addField(out, "uptime_in_days", uptime_s / 86400);
  addField(out, "lru_clock", (ctx.nowMs() / 1000) & 0xFFFFFF);
}

// Redis 7.0's fields. Clients are the RESP connections (sessions) and the
// gRPC connections the server reports; blocked ones of both protocols.
void infoClients(CommandContext& ctx, std::string& out) {
  const Sessions& sessions = ctx.store.sessions();
  out += "# Clients\r\n";
  addField(out, "connected_clients", static_cast<uint64_t>(sessions.count()) + sessions.front_end.other_connections);
  addField(out, "cluster_connections", int64_t{0});
  addField(out, "maxclients", sessions.front_end.max_clients);
  addField(out, "client_recent_max_input_buffer", int64_t{0});
  addField(out, "client_recent_max_output_buffer", int64_t{0});
  addField(out, "blocked_clients", sessions.front_end.blocked);
  addField(out, "tracking_clients", int64_t{0});
  addField(out, "clients_in_timeout_table", int64_t{0});
}

std::string percent(uint64_t part, uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

std::string ratio(uint64_t a, uint64_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", b ? static_cast<double>(a) / static_cast<double>(b) : 0.0);
  return buf;
}

// used_memory is what the allocator handed out for data (memory.h); RSS is
// the whole process's, so in embedded use mem_fragmentation_ratio includes
// Node.js itself.
void infoMemory(CommandContext& ctx, std::string& out) {
  Store& store = ctx.store;
  uint64_t used = nonNegative(store.memory().used);
  uint64_t peak = nonNegative(store.memoryPeak());
  uint64_t startup = nonNegative(store.startupMemory());
  uint64_t rss = processResidentBytes();
  uint64_t maxmemory = nonNegative(store.config().maxmemory);
  out += "# Memory\r\n";
  addField(out, "used_memory", used);
  addField(out, "used_memory_human", bytesToHuman(used));
  addField(out, "used_memory_rss", rss);
  addField(out, "used_memory_rss_human", bytesToHuman(rss));
  addField(out, "used_memory_peak", peak);
  addField(out, "used_memory_peak_human", bytesToHuman(peak));
  addField(out, "used_memory_peak_perc", percent(used, peak));
  addField(out, "used_memory_startup", startup);
  addField(out, "maxmemory", maxmemory);
  addField(out, "maxmemory_human", bytesToHuman(maxmemory));
  addField(out, "maxmemory_policy", store.config().maxmemory_policy);
  addField(out, "mem_not_counted_for_evict", nonNegative(store.memory().used - store.memoryForLimit()));
  addField(out, "mem_fragmentation_ratio", ratio(rss, used));
  addField(out, "mem_fragmentation_bytes", static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  addField(out, "mem_allocator", "libc");
  addField(out, "lazyfree_pending_objects", static_cast<uint64_t>(store.lazyFreer().pending()));
  addField(out, "lazyfreed_objects", static_cast<uint64_t>(store.lazyFreer().freed()));
}

// Redis 7.0's fields, in its order, for what emberkv has (no loading in
// the background, no copy-on-write accounting), plus three aof_*_records
// counters of its own.
void infoPersistence(CommandContext& ctx, std::string& out) {
  const Store::PersistenceState& p = ctx.store.persistence();
  const int64_t now = ctx.nowMs();
  out += "# Persistence\r\n";
  addField(out, "loading", int64_t{0});
  addField(out, "rdb_changes_since_last_save", p.dirty);
  addField(out, "rdb_bgsave_in_progress", int64_t{ctx.store.bgsaveInProgress() ? 1 : 0});
  addField(out, "rdb_last_save_time", p.lastsave_ms / 1000);
  addField(out, "rdb_last_bgsave_status", p.last_bgsave_ok ? "ok" : "err");
  addField(out, "rdb_last_bgsave_time_sec", p.last_bgsave_time_sec);
  addField(out, "rdb_current_bgsave_time_sec",
           p.bgsave_start_ms >= 0 ? (now > p.bgsave_start_ms ? (now - p.bgsave_start_ms) / 1000 : 0) : int64_t{-1});
  addField(out, "rdb_saves", p.saves);
  addField(out, "rdb_last_load_keys_expired", p.last_load_keys_expired);
  addField(out, "rdb_last_load_keys_loaded", p.last_load_keys_loaded);
  const Store::AofState& a = ctx.store.aofState();
  AppendLog& log = ctx.store.appendLog();
  addField(out, "aof_enabled", int64_t{log.isOpen() ? 1 : 0});
  addField(out, "aof_rewrite_in_progress", int64_t{ctx.store.rewriteInProgress() ? 1 : 0});
  addField(out, "aof_rewrite_scheduled", int64_t{a.rewrite_scheduled ? 1 : 0});
  addField(out, "aof_last_rewrite_time_sec", a.last_rewrite_time_sec);
  addField(out, "aof_current_rewrite_time_sec",
           a.rewrite_start_ms >= 0 ? (now > a.rewrite_start_ms ? (now - a.rewrite_start_ms) / 1000 : 0) : int64_t{-1});
  addField(out, "aof_last_bgrewrite_status", a.last_rewrite_ok ? "ok" : "err");
  addField(out, "aof_rewrites", a.rewrites);
  addField(out, "aof_rewrites_consecutive_failures", a.consecutive_failures);
  addField(out, "aof_last_write_status", log.lastWriteError().empty() ? "ok" : "err");
  if (!log.isOpen()) return;
  addField(out, "aof_current_size", log.currentSize());
  addField(out, "aof_base_size", log.baseSize());
  addField(out, "aof_pending_rewrite", int64_t{a.rewrite_scheduled ? 1 : 0});
  addField(out, "aof_buffer_length", static_cast<uint64_t>(log.pendingBytes()));
  addField(out, "aof_pending_bio_fsync", int64_t{log.syncRunning() ? 1 : 0});
  // emberkv's own: records appended, written and known durable (fsync'd).
  addField(out, "aof_appended_records", log.appendedSeq());
  addField(out, "aof_written_records", log.writtenSeq());
  addField(out, "aof_durable_records", log.durableSeq());
}

void infoStats(CommandContext& ctx, std::string& out) {
  const StoreStats& stats = ctx.store.stats();
  out += "# Stats\r\n";
  addField(out, "total_commands_processed", stats.total_commands_processed);
  addField(out, "expired_keys", stats.keyspace.expired_keys);
  addField(out, "evicted_keys", stats.evicted_keys);
  addField(out, "keyspace_hits", stats.keyspace.keyspace_hits);
  addField(out, "keyspace_misses", stats.keyspace.keyspace_misses);
}

// Redis 7.0's fields for a master without replicas or a backlog (tools
// read role to know they talk to a master). emberkv never replicates, so
// its one replication id is the process's run id, and no offset moves.
void infoReplication(CommandContext& ctx, std::string& out) {
  out += "# Replication\r\n";
  addField(out, "role", "master");
  addField(out, "connected_slaves", int64_t{0});
  addField(out, "master_failover_state", "no-failover");
  addField(out, "master_replid", ctx.store.runId());
  addField(out, "master_replid2", "0000000000000000000000000000000000000000");
  addField(out, "master_repl_offset", int64_t{0});
  addField(out, "second_repl_offset", int64_t{-1});
  addField(out, "repl_backlog_active", int64_t{0});
  addField(out, "repl_backlog_size", int64_t{0});
  addField(out, "repl_backlog_first_byte_offset", int64_t{0});
  addField(out, "repl_backlog_histlen", int64_t{0});
}

void infoKeyspace(CommandContext& ctx, std::string& out) {
  out += "# Keyspace\r\n";
  for (int i = 0; i < Store::kDatabases; i++) {
    Keyspace& db = ctx.store.db(i);
    if (db.size() == 0) continue;
    char line[128];
    std::snprintf(line, sizeof line, "db%d:keys=%zu,expires=%zu,avg_ttl=0\r\n", i, db.size(), db.expiresCount());
    out += line;
  }
}

void infoCommand(CommandContext& ctx) {
  unsigned sections = 0;
  if (ctx.argc() == 1) sections = kInfoDefault;
  for (size_t i = 1; i < ctx.argc(); i++) {
    // Section names compare as C strings too: "server\0junk" is "server".
    ByteView name = ctx.arg(i);
    if (optionIs(name, "default") || optionIs(name, "all") || optionIs(name, "everything")) {
      sections |= kInfoDefault;
      continue;
    }
    for (const SectionName& s : kSectionNames) {
      if (optionIs(name, s.name)) sections |= s.bit;
    }
  }
  std::string out;
  using Writer = void (*)(CommandContext&, std::string&);
  constexpr struct {
    unsigned bit;
    Writer write;
  } kWriters[] = {
      {kInfoServer, infoServer},
      {kInfoClients, infoClients},
      {kInfoMemory, infoMemory},
      {kInfoPersistence, infoPersistence},
      {kInfoStats, infoStats},
      {kInfoReplication, infoReplication},
      {kInfoKeyspace, infoKeyspace},
  };
  for (const auto& w : kWriters) {
    if (!(sections & w.bit)) continue;
    if (!out.empty()) out += "\r\n";
    w.write(ctx, out);
  }
  ctx.reply.bulk(out);
}

// ---------------------------------------------------------------------------
// WAIT numreplicas timeout

// emberkv has no replicas, so no write is ever acknowledged by one: the
// answer is 0. Redis, asked for more replicas than acknowledge, blocks
// until the timeout and then answers that count; emberkv answers it at
// once (the core never waits), after Redis's argument checks.
void waitCommand(CommandContext& ctx) {
  if (!parseInt64(ctx.arg(1))) return ctx.reply.error(err::kNotInteger);
  std::optional<int64_t> timeout = parseInt64(ctx.arg(2));
  if (!timeout) return ctx.reply.error("ERR timeout is not an integer or out of range");
  if (*timeout < 0) return ctx.reply.error("ERR timeout is negative");
  if (*timeout > 0 && *timeout > INT64_MAX - ctx.nowMs()) return ctx.reply.error("ERR timeout is out of range");
  ctx.reply.integer(0);
}

// ---------------------------------------------------------------------------
// The table (arity, flags, ACL categories and key positions as Redis 7.0's
// COMMAND INFO reports them).

constexpr KeyPositions kNoKeys{0, 0, 0};
constexpr uint32_t kCommandFlags = kCmdLoading | kCmdStale;
constexpr uint32_t kCommandCategories = kAclSlow | kAclConnection;

constexpr CommandSpec kCommandSubcommands[] = {
    {"command|count", 2, kCommandFlags, kCommandCategories, kNoKeys, commandCountCommand},
    {"command|info", -2, kCommandFlags, kCommandCategories, kNoKeys, commandInfoCommand},
    {"command|list", -2, kCommandFlags, kCommandCategories, kNoKeys, commandListCommand},
    {"command|docs", -2, kCommandFlags, kCommandCategories, kNoKeys, commandDocsCommand},
    {"command|getkeys", -4, kCommandFlags, kCommandCategories, kNoKeys, commandGetkeysCommand},
    {"command|help", 2, kCommandFlags, kCommandCategories, kNoKeys, commandHelpCommand},
};

constexpr CommandSpec kServerCommands[] = {
    {"ping", -1, kCmdFast, kAclFast | kAclConnection, kNoKeys, pingCommand, {}, 0, KeyAccess::kByFlags, "connection"},
    {"echo", 2, kCmdLoading | kCmdStale | kCmdFast, kAclFast | kAclConnection, kNoKeys, echoCommand, {}, 0,
     KeyAccess::kByFlags, "connection"},
    {"time", 1, kCmdLoading | kCmdStale | kCmdFast, kAclFast, kNoKeys, timeCommand},
    {"dbsize", 1, kCmdReadonly | kCmdFast, kAclKeyspace | kAclRead | kAclFast, kNoKeys, dbsizeCommand},
    {"flushall", -1, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, kNoKeys, flushallCommand},
    {"flushdb", -1, kCmdWrite, kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, kNoKeys, flushdbCommand},
    {"command", -1, kCommandFlags, kCommandCategories, kNoKeys, commandCommand, kCommandSubcommands},
    {"info", -1, kCmdLoading | kCmdStale, kAclSlow | kAclDangerous, kNoKeys, infoCommand},
    {"wait", 3, kCmdNoScript, kAclSlow | kAclConnection, kNoKeys, waitCommand, {}, 0, KeyAccess::kByFlags, "generic"},
};

}  // namespace

std::span<const CommandSpec> serverCommands() { return kServerCommands; }

}  // namespace ember
