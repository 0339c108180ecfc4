// The MEMORY command family: MEMORY USAGE, MEMORY STATS, MEMORY PURGE,
// MEMORY HELP.
//
// Sizes are exact, not sampled: every allocation is counted where it is
// made (memory.h), and each collection counts its own contents
// (collection.h), so MEMORY USAGE of a key is its entry, its value and its
// share of the table, with no estimation (SAMPLES is accepted for
// compatibility and changes nothing).
#include <malloc.h>

#include <iterator>
#include <string_view>

#include "../command_table.h"
#include "../errors.h"
#include "../numbers.h"
#include "../store.h"

namespace ember {
namespace {

// What one key costs in the keyspace table beyond its entry: its slot
// pointer and its control byte.
constexpr size_t kSlotBytes = sizeof(void*) + 1;

size_t keyBytes(const Entry& e) {
  size_t bytes = e.allocatedBytes() + kSlotBytes;
  if (e.hasCollectionObject()) bytes += e.collection()->allocatedBytes();
  return bytes;
}

// MEMORY USAGE key [SAMPLES count]
void memoryUsageCommand(CommandContext& ctx) {
  for (size_t j = 3; j < ctx.argc(); j++) {
    if (optionIs(ctx.arg(j), "samples") && j + 1 < ctx.argc()) {
      std::optional<int64_t> samples = parseInt64(ctx.arg(j + 1));
      if (!samples) return ctx.reply.error(err::kNotInteger);
      if (*samples < 0) return ctx.reply.error(err::kSyntax);
      j++;
    } else {
      return ctx.reply.error(err::kSyntax);
    }
  }
  const Entry* e = ctx.db.lookupRead(ctx.arg(2), kLookupNoTouch | kLookupNoStats);
  if (!e) return ctx.reply.null();
  ctx.reply.integer(static_cast<int64_t>(keyBytes(*e)));
}

// MEMORY STATS: Redis's field names where the meaning carries over.
void memoryStatsCommand(CommandContext& ctx) {
  Store& store = ctx.store;
  const int64_t used = store.memory().used;
  const int64_t startup = store.startupMemory();
  int64_t tables = 0;
  int64_t keys = 0;
  for (int i = 0; i < Store::kDatabases; i++) {
    tables += static_cast<int64_t>(store.db(i).tableBytes());
    keys += static_cast<int64_t>(store.db(i).size());
  }
  const int64_t overhead = startup + tables;
  const int64_t dataset = used > overhead ? used - overhead : 0;
  const int64_t net = used > startup ? used - startup : 0;
  const int64_t rss = static_cast<int64_t>(processResidentBytes());

  size_t at = ctx.reply.beginMap();
  uint32_t fields = 0;
  auto integer = [&](std::string_view name, int64_t v) {
    ctx.reply.bulk(name);
    ctx.reply.integer(v);
    fields++;
  };
  auto real = [&](std::string_view name, double v) {
    ctx.reply.bulk(name);
    ctx.reply.dbl(v);
    fields++;
  };
  const int64_t peak = store.memoryPeak();
  integer("peak.allocated", peak);
  integer("total.allocated", used);
  integer("startup.allocated", startup);
  for (int i = 0; i < Store::kDatabases; i++) {
    Keyspace& db = store.db(i);
    if (db.size() == 0) continue;
    char name[16];
    std::snprintf(name, sizeof name, "db.%d", i);
    ctx.reply.bulk(name);
    ctx.reply.map(2);
    ctx.reply.bulk("overhead.hashtable.main");
    ctx.reply.integer(static_cast<int64_t>(db.tableBytes()));
    ctx.reply.bulk("overhead.hashtable.expires");
    ctx.reply.integer(0);  // expiry lives inside the entries: no second table
    fields++;
  }
  integer("overhead.total", overhead);
  integer("keys.count", keys);
  integer("keys.bytes-per-key", keys ? net / keys : 0);
  integer("dataset.bytes", dataset);
  real("dataset.percentage", net ? 100.0 * static_cast<double>(dataset) / static_cast<double>(net) : 0);
  real("peak.percentage",
       peak ? 100.0 * static_cast<double>(used) / static_cast<double>(peak) : 0);
  integer("lazyfree.pending", static_cast<int64_t>(store.lazyFreer().pending()));
  // The process's resident memory: in embedded use that includes Node.js
  // itself, so the ratio says more about the host than about the store.
  integer("rss.bytes", rss);
  real("fragmentation", used ? static_cast<double>(rss) / static_cast<double>(used) : 0);
  integer("fragmentation.bytes", rss - used);
  ctx.reply.endAggregate(at, fields);
}

// MEMORY PURGE: returns free heap pages to the kernel (glibc: malloc_trim).
void memoryPurgeCommand(CommandContext& ctx) {
  malloc_trim(0);
  ctx.reply.simple("OK");
}

void memoryHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// Flags and ACL categories as Redis 7.0's COMMAND INFO reports them.
constexpr CommandSpec kMemorySubcommands[] = {
    {"memory|usage", -3, kCmdReadonly, kAclRead | kAclSlow, KeyPositions{2, 2, 1}, memoryUsageCommand, {}, 0, KeyAccess::kAny},
    {"memory|stats", 2, 0, kAclSlow, KeyPositions{}, memoryStatsCommand},
    {"memory|purge", 2, 0, kAclSlow, KeyPositions{}, memoryPurgeCommand},
    {"memory|help", 2, kCmdLoading | kCmdStale, kAclSlow, KeyPositions{}, memoryHelpCommand},
};

constexpr CommandSpec kMemoryCommands[] = {
    {"memory", -2, 0, kAclSlow, KeyPositions{}, nullptr, kMemorySubcommands},
};

}  // namespace

std::span<const CommandSpec> memoryCommands() { return kMemoryCommands; }

}  // namespace ember
