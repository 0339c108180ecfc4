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
  static_assert(kDatabases == Watches::kDatabases);
  for (int i = 0; i < kDatabases; i++) {
    dbs_[static_cast<size_t>(i)] = std::make_unique<Keyspace>(memory_, stats_.keyspace, clock_, &freer_);
    dbs_[static_cast<size_t>(i)]->attachWatches(&watches_, i);
    dbs_[static_cast<size_t>(i)]->attachDirtyCounter(&persistence_.dirty);
    dbs_[static_cast<size_t>(i)]->attachExpiryListener(this);
  }
  start_time_ms_ = nowMs();
  persistence_.lastsave_ms = start_time_ms_;
  run_id_ = randomRunId(rng_);
  applyConfig();
  startup_memory_ = memory_.used;
}

void Store::flushAsync(int index) {
  auto& slot = dbs_[static_cast<size_t>(index)];
  if (slot->size() == 0) return;
  std::unique_ptr<Keyspace> old = std::exchange(slot, std::make_unique<Keyspace>(memory_, stats_.keyspace, clock_, &freer_));
  slot->attachWatches(&watches_, index);
  slot->attachDirtyCounter(&persistence_.dirty);
  slot->attachExpiryListener(this);
  persistence_.dirty += old->size();  // as Redis's emptyData: every key dropped
  old->detachFromStore();
  freer_.run([doomed = old.release()] { delete doomed; });
}

void Store::swapDatabases(int a, int b) {
  auto touch = [&] {
    db(a).touchWatchedKeys();
    db(b).touchWatchedKeys();
  };
  touch();  // keys watched in a that exist in a (and in b that exist in b)
  std::swap(dbs_[static_cast<size_t>(a)], dbs_[static_cast<size_t>(b)]);
  dbs_[static_cast<size_t>(a)]->attachWatches(&watches_, a);
  dbs_[static_cast<size_t>(b)]->attachWatches(&watches_, b);
  touch();  // keys watched in a that existed in b (and the reverse)
  if (!track_ready_keys_) return;
  for (int index : {a, b}) db(index).forEach([&](const Entry* e) { signalKeyReady(index, e->key()); });
}

Watches::Token Store::watch(int db_index, std::span<const ByteView> keys, bool held) {
  if (watches_.tokenCount() >= kMaxWatchTokens) return 0;
  std::vector<Watches::WatchedKey> watched;
  watched.reserve(keys.size());
  Keyspace& keyspace = db(db_index);
  clock_.beginCommand();
  for (ByteView key : keys) {
    const Entry* entry = keyspace.peek(key);
    watched.push_back({db_index, std::string(key), entry && entry->isExpired(clock_)});
  }
  return watches_.watch(watched, nowMs(), /*expires=*/!held);
}

bool Store::watchBroken(Watches::Token token) {
  const std::vector<Watches::WatchedKey>* keys = watches_.keysOf(token);
  if (!keys) return true;
  if (watches_.isDirty(token)) return true;
  // A key that was live when watched and is past its expiry time now
  // changed, even if no lookup has deleted it yet.
  clock_.beginCommand();
  for (const Watches::WatchedKey& key : *keys) {
    if (key.expired_when_watched) continue;
    const Entry* entry = db(key.db_index).peek(key.key);
    if (entry && entry->isExpired(clock_)) return true;
  }
  return false;
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
  aof_.setSyncOnEveryRecord(config_.appendfsync == "always" && !group_commit_);
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

Store::~Store() {
  killBackgroundSave();
  stopAppendOnly();
}

void Store::resetStats() {
  // In place: every Keyspace holds a reference to stats_.keyspace.
  stats_ = StoreStats{};
}

void Store::execute(std::span<const ByteView> argv, ReplyBuilder& out, int db_index, Session* session) {
  const CommandSpec* command = argv.empty() ? nullptr : CommandTable::instance().find(argv[0]);
  if (!command) {
    out.error(argv.empty() ? std::string("ERR empty command") : unknownCommandError(argv));
    return;
  }
  execute(*command, argv, out, db_index, session);
}

const CommandSpec* Store::resolve(const CommandSpec& command, std::span<const ByteView> argv, std::string& error) {
  if (!arityMatches(command.arity, argv.size())) {
    error = err::wrongArity(command.name);
    return nullptr;
  }
  // A container runs its own handler only when called alone (COMMAND);
  // otherwise argv[1] names the subcommand.
  if (command.subcommands.empty() || (argv.size() < 2 && command.handler)) return &command;
  if (argv.size() < 2) {
    error = err::wrongArity(command.name);
    return nullptr;
  }
  const CommandSpec* sub = CommandTable::findSubcommand(command, argv[1]);
  if (!sub) {
    error = unknownSubcommandError(argv[0], argv[1]);
    return nullptr;
  }
  if (!arityMatches(sub->arity, argv.size())) {
    error = err::wrongArity(sub->name);
    return nullptr;
  }
  return sub;
}

std::optional<std::string> Store::checkCommand(std::span<const ByteView> argv) {
  const CommandSpec* command = argv.empty() ? nullptr : CommandTable::instance().find(argv[0]);
  if (!command) return argv.empty() ? std::string("ERR empty command") : unknownCommandError(argv);
  std::string error;
  if (!resolve(*command, argv, error)) return error;
  return std::nullopt;
}

void Store::audit(const CommandSpec& run, std::string denied) {
  if (!auditing_ || !current_user_ || audit_events_.size() >= kMaxAuditEvents) return;
  audit_events_.push_back({current_user_->name, std::string(run.name), std::move(denied)});
}

std::optional<std::string> Store::accessDenied(const CommandSpec& run, std::span<const ByteView> argv) {
  if (!current_user_ || current_user_->unrestricted) return std::nullopt;
  std::optional<AclDenial> denial = acl_.checkCommand(*current_user_, run, argv);
  if (!denial) return std::nullopt;
  audit(run, denial->message);
  return std::move(denial->message);
}

std::optional<std::string> Store::checkAccess(std::span<const ByteView> argv) {
  if (!current_user_ || current_user_->unrestricted || argv.empty()) return std::nullopt;
  const CommandSpec* command = CommandTable::instance().find(argv[0]);
  std::string error;
  const CommandSpec* run = command ? resolve(*command, argv, error) : nullptr;
  if (!run) return std::nullopt;  // checkCommand reports it
  return accessDenied(*run, argv);
}

void Store::execute(const CommandSpec& command, std::span<const ByteView> argv, ReplyBuilder& out, int db_index,
                    Session* session) {
  std::string error;
  const CommandSpec* run = resolve(command, argv, error);
  if (!run) {
    out.error(error);
    return;
  }
  // As Redis's protocol parser: no more than max-command-args arguments
  // (the gRPC decoder refuses them earlier; this covers the embedded
  // Engine and the typed RPCs).
  if (argv.size() > static_cast<uint64_t>(config_.max_command_args) && !loading_) {
    out.error(err::overProtocolLimit("too many arguments", argv.size(), "max-command-args",
                                     static_cast<uint64_t>(config_.max_command_args)));
    return;
  }
  // After the arity check and before anything else, as Redis's ACL check.
  if (std::optional<std::string> denied = accessDenied(*run, argv)) {
    out.error(*denied);
    return;
  }
  // No argument longer than proto-max-bulk-len (not while the log
  // replays: a limit lowered since must not drop data).
  for (ByteView arg : argv) {
    if (arg.size() > static_cast<uint64_t>(config_.proto_max_bulk_len) && !loading_) {
      out.error("ERR Protocol error: invalid bulk length");
      return;
    }
  }
  size_t mark = out.size();
  block_request_.reset();
  clock_.beginCommand();
  // Everything this command logs (evictions, expirations, its own effect)
  // is one record.
  EffectsScope effects(*this);
  // While the log is replayed nothing is evicted: the log has the DELs.
  const bool limit = config_.maxmemory > 0 && !loading_;
  if (limit && !makeRoomFor(*run, argv, db_index)) {
    out.error(err::kOomCommandNotAllowed);
    stats_.total_commands_processed++;
    return;
  }
  if ((run->flags & kCmdWrite) && loggingEffects() && !aof_.lastWriteError().empty()) {
    // As Redis after a failed AOF write: no more writes until one works.
    out.error(aofWriteError());
    stats_.total_commands_processed++;
    return;
  }
  const uint64_t dirty_before = persistence_.dirty;
  command_logged_ = false;
  CommandContext ctx{*this, db(db_index), db_index, argv, out, clock_, *run, session};
  const int64_t slowlog_start = slowLogStartNs();
  try {
    run->handler(ctx);
  } catch (const std::bad_alloc&) {
    out.truncate(mark);
    out.error(err::kOutOfMemory);
  }
  slowLogFinish(argv, slowlog_start);
  if (!command_logged_ && (run->flags & kCmdWrite) && persistence_.dirty != dirty_before) {
    logEffect(db_index, argv);
  }
  // A write may have passed the limit (its value was larger than its
  // arguments, or the table grew): get back under it before returning.
  if (limit && (run->flags & kCmdWrite) && overMemoryLimit()) {
    evictor_.makeRoom(*this, 0, kEvictionBudgetNs);
  }
  if (!effects.finish()) {
    out.truncate(mark);
    out.error(aofWriteError());
  }
  notePeak();
  if ((run->categories & kAclAdmin) || ((run->categories & kAclDangerous) && (run->flags & kCmdWrite))) {
    audit(*run, "");
  }
  // Counted after it ran, as Redis does (INFO does not count itself).
  stats_.total_commands_processed++;
}

Store::CronReport Store::cron(int64_t budget_ns) {
  CronReport report;
  int64_t start = steadyNowNs();
  int64_t deadline = start + budget_ns;
  clock_.beginCommand();
  watches_.expireIdle(nowMs() - kWatchTokenIdleMs);
  persistenceCron();
  aofCron();
  // The evictions and expirations of this tick are one record of the log.
  EffectsScope effects(*this);
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
