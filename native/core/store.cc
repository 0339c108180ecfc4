// Store: construction, command dispatch and upkeep. See store.h.
#include "store.h"

#include <new>

#include "command_table.h"
#include "errors.h"

namespace ember {
namespace {

bool arityMatches(int arity, size_t argc) {
  return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

std::string unknownCommandError(std::span<const ByteView> argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; i++) {
    args += "'" + err::clientText(argv[i], 128 - args.size()) + "' ";
  }
  return "ERR unknown command '" + err::clientText(argv[0], 128) + "', with args beginning with: " + args;
}

std::string unknownSubcommandError(ByteView container, ByteView sub) {
  std::string upper = err::clientText(container, 128);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return "ERR unknown subcommand '" + err::clientText(sub, 128) + "'. Try " + upper + " HELP.";
}

std::string randomRunId(std::mt19937_64& rng) {
  static const char kHex[] = "0123456789abcdef";
  std::string id(40, '0');
  for (char& c : id) c = kHex[rng() & 15];
  return id;
}

}  // namespace

Store::Store() : rng_(std::random_device{}()) {
  for (auto& db : dbs_) db = std::make_unique<Keyspace>(memory_, stats_.keyspace, clock_, &freer_);
  start_time_ms_ = nowMs();
  run_id_ = randomRunId(rng_);
  applyConfig();
  startup_memory_ = memory_.used;
}

void Store::flushAsync(int index) {
  auto& slot = dbs_[static_cast<size_t>(index)];
  if (slot->size() == 0) return;
  std::unique_ptr<Keyspace> old = std::exchange(slot, std::make_unique<Keyspace>(memory_, stats_.keyspace, clock_, &freer_));
  old->detachFromStore();
  freer_.run([doomed = old.release()] { delete doomed; });
}

int64_t Store::memoryForLimit() const {
  int64_t transient = 0;
  for (const auto& db : dbs_) transient += static_cast<int64_t>(db->transientBytes());
  return memory_.used - transient;
}

void Store::applyConfig() {
  clock_.lfu = config_.lfuPolicy();
  clock_.lfu_log_factor = config_.lfu_log_factor;
  clock_.lfu_decay_time = config_.lfu_decay_time;
  const EvictionPolicy policy = parseEvictionPolicy(config_.maxmemory_policy).value_or(EvictionPolicy::kNoEviction);
  if (policy != policy_) evictor_.reset();
  policy_ = policy;
  evictor_.makeRoom(*this, 0, kEvictionBudgetNs);
}

bool Store::makeRoomFor(const CommandSpec& command, std::span<const ByteView> argv, int db_index) {
  // What a denyoom command may add is estimated by its arguments' bytes,
  // so that one value larger than the whole limit is refused up front.
  size_t incoming = 0;
  const bool denyoom = command.flags & kCmdDenyOom;
  if (denyoom) {
    for (size_t i = 1; i < argv.size(); i++) incoming += argv[i].size();
  }
  const Evictor::Result result = evictor_.makeRoom(*this, incoming, kEvictionBudgetNs, denyoom ? &db(db_index) : nullptr);
  return !denyoom || result != Evictor::Result::kFail;
}

Store::~Store() = default;

void Store::resetStats() {
  // In place: every Keyspace holds a reference to stats_.keyspace.
  stats_ = StoreStats{};
}

void Store::execute(std::span<const ByteView> argv, ReplyBuilder& out, int db_index) {
  const CommandSpec* command = argv.empty() ? nullptr : CommandTable::instance().find(argv[0]);
  if (!command) {
    out.error(argv.empty() ? std::string("ERR empty command") : unknownCommandError(argv));
    return;
  }
  execute(*command, argv, out, db_index);
}

void Store::execute(const CommandSpec& command, std::span<const ByteView> argv, ReplyBuilder& out, int db_index) {
  const CommandSpec* run = &command;
  if (!arityMatches(command.arity, argv.size())) {
    out.error(err::wrongArity(command.name));
    return;
  }
  // A container runs its own handler only when called alone (COMMAND);
  // otherwise argv[1] names the subcommand.
  if (!command.subcommands.empty() && (argv.size() >= 2 || !command.handler)) {
    if (argv.size() < 2) {
      out.error(err::wrongArity(command.name));
      return;
    }
    run = CommandTable::findSubcommand(command, argv[1]);
    if (!run) {
      out.error(unknownSubcommandError(argv[0], argv[1]));
      return;
    }
    if (!arityMatches(run->arity, argv.size())) {
      out.error(err::wrongArity(run->name));
      return;
    }
  }
  size_t mark = out.size();
  clock_.beginCommand();
  if (config_.maxmemory > 0 && !makeRoomFor(*run, argv, db_index)) {
    out.error(err::kOomCommandNotAllowed);
    stats_.total_commands_processed++;
    return;
  }
  CommandContext ctx{*this, db(db_index), db_index, argv, out, clock_, *run};
  try {
    run->handler(ctx);
  } catch (const std::bad_alloc&) {
    out.truncate(mark);
    out.error(err::kOutOfMemory);
  }
  // A write may have passed the limit (its value was larger than its
  // arguments, or the table grew): get back under it before returning.
  if (config_.maxmemory > 0 && (run->flags & kCmdWrite) && overMemoryLimit()) {
    evictor_.makeRoom(*this, 0, kEvictionBudgetNs);
  }
  notePeak();
  // Counted after it ran, as Redis does (INFO does not count itself).
  stats_.total_commands_processed++;
}

Store::CronReport Store::cron(int64_t budget_ns) {
  CronReport report;
  int64_t start = steadyNowNs();
  int64_t deadline = start + budget_ns;
  clock_.beginCommand();
  if (evictor_.makeRoom(*this, 0, budget_ns) == Evictor::Result::kRunning) report.more_work = true;
  // Visit databases round-robin across ticks so a busy db 0 cannot starve
  // the others of active expiry.
  for (int i = 0; i < kDatabases; i++) {
    Keyspace& keyspace = db((cron_db_ + i) % kDatabases);
    if (config_.active_expire_enabled) report.expired += keyspace.activeExpire(deadline);
    if (keyspace.rehashFor(deadline - steadyNowNs())) report.more_work = true;
    if (steadyNowNs() >= deadline) {
      report.more_work = true;
      cron_db_ = (cron_db_ + i + 1) % kDatabases;
      return report;
    }
  }
  return report;
}

}  // namespace ember
