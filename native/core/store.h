// Store: everything one emberkv instance owns — its databases, memory
// counter, statistics, clock and settings — and the entry point that runs a
// command. One Engine (embedded) or one server process has one Store; all
// of its commands run on one thread, one at a time, so a command is atomic
// without locks. A Store never calls back into JavaScript.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "acl.h"
#include "append_log.h"
#include "command.h"
#include "eviction.h"
#include "evictor.h"
#include "keyspace.h"
#include "lazy_free.h"
#include "pubsub.h"
#include "slowlog.h"
#include "reply.h"
#include "session.h"
#include "snapshot_file.h"
#include "watches.h"

namespace ember {

// Counters shown by INFO stats.
struct StoreStats {
  KeyspaceStats keyspace;
  uint64_t evicted_keys = 0;
  uint64_t total_commands_processed = 0;
};

// Settings: CONFIG GET / CONFIG SET (commands/config.cc) read and write
// them by Redis's parameter names; Store::updateConfig applies a change.
struct StoreConfig {
  // Memory limit in bytes (0: none) and what to do when a write would pass
  // it: "noeviction", "allkeys-lfu", "volatile-lfu", "allkeys-lru",
  // "volatile-lru", "allkeys-random", "volatile-random", "volatile-ttl".
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  // Keys sampled per database and eviction to feed the candidate pool
  // (eviction.h). Redis's default is 5; 10, chosen by measurement, gains
  // 0.1-0.2 points of LFU hit ratio on Zipf 0.8, the scan-polluted and
  // the shifting traces (bench:hitratio, seeds 1-3; equal on the others)
  // for 0.5 us more per evicting SET (bench:eviction p50 2.7 -> 3.2 us,
  // the sampled entries being prefetched a group at a time).
  int64_t maxmemory_samples = 10;
  // LFU counter growth (higher: slower, logarithmic) and decay (minutes
  // per decrement of an idle key's counter; 0: never), as Redis's.
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;
  bool active_expire_enabled = true;

  // Encoding thresholds (Redis's names and defaults): a collection keeps
  // its compact encoding while it has at most *_entries elements, none
  // longer than *_value bytes, and converts for good past either.
  int64_t hash_max_listpack_entries = 128;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  // List chunk size: negative = bytes per chunk (-1 4 KiB ... -5 64 KiB),
  // positive = entries per chunk, as Redis's list-max-listpack-size.
  int64_t list_max_listpack_size = -2;

  // Redis's proto-max-bulk-len: the longest argument a command accepts,
  // and the longest string SETRANGE / APPEND may grow (default 512 MiB,
  // at least 1 MiB).
  int64_t proto_max_bulk_len = static_cast<int64_t>(kMaxBulkLen);

  // The most arguments one command may have, its name included (Redis's
  // fixed multibulk limit, 1024 * 1024, made a setting). Checked while a
  // gRPC message is decoded (before its arguments are stored) and again
  // by execute() for every other way in.
  int64_t max_command_args = 1024 * 1024;
  // The most commands one CommandBatch or Transaction message may carry.
  // The official Client never sends more than 16384 in one message (it
  // splits a larger tick: src/client/index.ts), so the default leaves it
  // 4x headroom while a hostile batch of millions of tiny commands (each
  // about 8 bytes on the wire, 20 bytes decoded) is refused unallocated.
  int64_t max_batch_commands = 65536;

  // Snapshots (snapshot_file.h): SAVE and BGSAVE write <dir>/<dbfilename>.
  // `dir` must be an existing directory; it is kept as given (relative to
  // the process's working directory when relative: nothing chdir()s, unlike
  // Redis). `dbfilename` is a plain file name (no '/' or '\\', Redis's rule).
  std::string dir = ".";
  std::string dbfilename = "dump.emb";
  // Automatic BGSAVE rules (Redis's `save <seconds> <changes>` pairs): a
  // save starts once, for one rule, at least `changes` changes were made
  // and more than `seconds` seconds passed since the last successful save.
  // Default: none, so an embedded engine writes no file unless asked
  // (Redis's default is "3600 1 300 100 60 10000").
  struct SaveRule {
    int64_t seconds;
    int64_t changes;
  };
  std::vector<SaveRule> save_rules;

  // The append-only log (append_log.h; Redis's names and defaults):
  // whether it is on, its directory (in `dir`) and file names, when it is
  // fsync'd ("always", "everysec", "no"), and the automatic rewrite: once
  // the log is at least auto_aof_rewrite_min_size bytes and has grown by
  // auto_aof_rewrite_percentage % since the last rewrite (0: never).
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  std::string appendfsync = "everysec";
  int64_t auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64 * 1024 * 1024;

  // The most bytes a RESP connection may have received and not yet run
  // (Redis's client-query-buffer-limit): past it the connection closes.
  int64_t client_query_buffer_limit = int64_t{1} << 30;

  // A RESP connection whose output not yet taken by its socket passes its
  // class's hard limit, or stays past its soft limit for soft_seconds, is
  // closed (Redis's client-output-buffer-limit; 0 bytes: no limit).
  // Classes: normal, replica (kept for CONFIG: emberkv has no replicas),
  // pubsub (a subscribed connection). Redis's defaults.
  struct OutputBufferLimit {
    int64_t hard_bytes;
    int64_t soft_bytes;
    int64_t soft_seconds;
  };
  enum ClientClass : size_t { kNormalClients, kReplicaClients, kPubsubClients };
  std::array<OutputBufferLimit, 3> client_output_buffer_limit{{
      {0, 0, 0},
      {256 * 1024 * 1024, 64 * 1024 * 1024, 60},
      {32 * 1024 * 1024, 8 * 1024 * 1024, 60},
  }};

  // The ACL file (Redis's aclfile): ACL SAVE writes the users there, ACL
  // LOAD reads them back. Set by the server at startup ("" for none);
  // CONFIG SET refuses it, as Redis does (an immutable setting).
  std::string aclfile;

  // The slow log (slowlog.h; Redis's names and defaults): commands that
  // ran for at least slowlog_log_slower_than microseconds are logged
  // (-1: none, 0: all), the newest slowlog_max_len kept.
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  // Redis's latency monitor threshold (ms, 0: off). emberkv monitors no
  // latency events; the setting exists so tools that read or set it work,
  // and LATENCY answers as Redis does with monitoring off.
  int64_t latency_monitor_threshold = 0;

  bool lfuPolicy() const { return maxmemory_policy.find("lfu") != std::string::npos; }
};

class Store : private ExpiryListener {
 public:
  static constexpr int kDatabases = 16;

  Store();
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Runs one command: argv[0] is its name (any case). The reply (or error)
  // is appended to `out` as exactly one value (the subscribe commands
  // append one push per channel instead). `session`: the client
  // connection it came on (session.h), if any.
  void execute(std::span<const ByteView> argv, ReplyBuilder& out, int db_index = 0, Session* session = nullptr);
  // Same with the command already resolved (argv[0] is still passed).
  void execute(const CommandSpec& command, std::span<const ByteView> argv, ReplyBuilder& out, int db_index = 0,
               Session* session = nullptr);

  // The error execute() would answer before running argv (unknown
  // command or subcommand, wrong arity), or nullopt: the checks a
  // transaction makes of every command before running any.
  static std::optional<std::string> checkCommand(std::span<const ByteView> argv);
  // The spec that runs argv (a subcommand's, for a container), or nullptr
  // with `error` set.
  static const CommandSpec* resolve(const CommandSpec& command, std::span<const ByteView> argv, std::string& error);

  // ACCESS CONTROL (acl.h). While a front end runs commands for a user
  // (AsUser), execute() refuses what that user may not run, with the
  // NOPERM text, before anything else happens; with no user (embedded
  // engines) nothing is checked. While auditing is on, every refusal and
  // every administrative command that ran (@admin, or @dangerous and a
  // write: FLUSHALL, ...) leaves an AuditEvent for the front end to log.
  AccessControl& acl() { return acl_; }
  const AclUser* currentUser() const { return current_user_.get(); }
  // Until changed again (nullptr: no user, nothing checked).
  void setCurrentUser(AccessControl::UserPtr user) { current_user_ = std::move(user); }
  // The same for one scope.
  class AsUser {
   public:
    AsUser(Store& store, AccessControl::UserPtr user) : store_(store), previous_(std::move(store.current_user_)) {
      store.current_user_ = std::move(user);
    }
    ~AsUser() { store_.current_user_ = std::move(previous_); }
    AsUser(const AsUser&) = delete;
    AsUser& operator=(const AsUser&) = delete;

   private:
    Store& store_;
    AccessControl::UserPtr previous_;
  };
  // A transaction's check of every command before any runs: the first
  // refusal's text, or nullopt.
  std::optional<std::string> checkAccess(std::span<const ByteView> argv);
  struct AuditEvent {
    std::string user;
    std::string command;  // "config|set" for a subcommand
    std::string denied;   // the NOPERM text, or "" for a command that ran
  };
  void setAuditing(bool on) { auditing_ = on; }
  std::vector<AuditEvent> takeAuditEvents() { return std::exchange(audit_events_, {}); }
  bool hasAuditEvents() const { return !audit_events_.empty(); }
  // Audit events kept between two takes at most (a front end takes them
  // after every call; the cap only guards a caller that never does).
  static constexpr size_t kMaxAuditEvents = 10'000;

  // WATCH: keys of database `db_index` watched from now on (watches.h),
  // or 0 when kMaxWatchTokens tokens are live. A token unused for
  // kWatchTokenIdleMs is released by cron(), unless a connection holds it
  // (`held`: a RESP session releases its own tokens when it closes).
  static constexpr size_t kMaxWatchTokens = 1'000'000;
  static constexpr int64_t kWatchTokenIdleMs = 60'000;
  Watches::Token watch(int db_index, std::span<const ByteView> keys, bool held = false);
  // Whether a transaction guarded by `token` must not run: the token is
  // unknown (never issued, or already used or released), or one of its
  // keys changed since it was issued.
  bool watchBroken(Watches::Token token);
  void unwatch(Watches::Token token) { watches_.release(token); }
  void unwatch(std::span<const Watches::Token> tokens) {
    for (Watches::Token token : tokens) unwatch(token);
  }
  size_t watchTokenCount() const { return watches_.tokenCount(); }

  // Upkeep driven by a timer on the event loop: active expiry and
  // incremental rehash of every database, within about `budget_ns`.
  struct CronReport {
    size_t expired = 0;
    bool more_work = false;  // something was left for the next tick
  };
  CronReport cron(int64_t budget_ns);

  // Time one call may spend evicting keys (before or after a command, or
  // in cron); the rest continues on the next call.
  static constexpr int64_t kEvictionBudgetNs = 500'000;

  Keyspace& db(int index) { return *dbs_[static_cast<size_t>(index)]; }
  // FLUSHDB/FLUSHALL ASYNC: database `index` becomes a new, empty keyspace
  // at once, and the old one is freed on the background thread. (Any
  // Keyspace& to it, as a running command's ctx.db, is dead afterwards.)
  void flushAsync(int index);
  // SWAPDB: the two databases trade contents (clients see the other's
  // keys at once). Watched keys that exist in either change; while a
  // client is blocked, every key of both is signalled ready (Redis checks
  // only the keys clients block on; the core does not know those).
  void swapDatabases(int a, int b);
  MemoryCounter& memory() { return memory_; }
  // The most used_memory has been, as seen between commands (as Redis
  // samples it, in its cron and around commands).
  int64_t memoryPeak() {
    notePeak();
    return memory_peak_;
  }
  // used_memory minus what the keyspace tables hold only while they rehash
  // (old slot arrays): what maxmemory is compared with. INFO shows the
  // difference as mem_not_counted_for_evict, as Redis does for its buffers.
  int64_t memoryForLimit() const;
  // Would `extra` more bytes take memoryForLimit() past maxmemory? Checks
  // used_memory first, so the usual answer costs no walk over the
  // databases (this runs after every write while a limit is set).
  bool overMemoryLimit(int64_t extra = 0) const {
    return config_.maxmemory > 0 && memory_.used + extra > config_.maxmemory &&
           memoryForLimit() + extra > config_.maxmemory;
  }
  // used_memory of the store as constructed, before any data.
  int64_t startupMemory() const { return startup_memory_; }
  StoreStats& stats() { return stats_; }
  // CONFIG RESETSTAT: zeroes the INFO stats counters (Redis 7.0 keeps the
  // memory peak, and so does this).
  void resetStats();
  const StoreConfig& config() const { return config_; }
  // Changes settings; everything derived from them is updated here (a
  // lower maxmemory starts evicting at once, within the usual budget).
  template <class Change>
  void updateConfig(Change&& change) {
    change(config_);
    applyConfig();
  }
  EvictionPolicy evictionPolicy() const { return policy_; }
  // Large values dropped lazily are freed here, off the command thread.
  LazyFreer& lazyFreer() { return freer_; }

  // The clock commands see: wall-clock time, or a manual time (tests).
  CommandClock& clock() { return clock_; }
  int64_t nowMs() const { return clock_.nowMs(); }

  // Keys that just received elements a blocked client may be waiting for
  // (LPUSH, ZADD, ...: Redis's signalKeyAsReady). Recorded only while a
  // front end that serves blocking commands asks for them: the embedded
  // engine never blocks, so it pays nothing.
  struct ReadyKey {
    int db_index;
    std::string key;
  };
  void signalKeyReady(int db_index, ByteView key) {
    if (track_ready_keys_) ready_keys_.push_back({db_index, std::string(key)});
  }
  void trackReadyKeys(bool on) {
    track_ready_keys_ = on;
    if (!on) ready_keys_.clear();
  }
  // The keys signalled since the last call, in order (duplicates kept).
  std::vector<ReadyKey> takeReadyKeys() { return std::exchange(ready_keys_, {}); }
  bool hasReadyKeys() const { return !ready_keys_.empty(); }

  // Blocking commands (BLPOP, BZPOPMIN, BLMOVE, ...). The core never
  // waits: a blocking command with nothing to serve replies as it does
  // inside a transaction (a null), and, if the front end allows blocking
  // (allowBlocking(true): the server's unary path), also records here what
  // it would wait for. The front end then discards that null, parks the
  // call, and re-runs the same command when one of the keys is signalled
  // ready (first parked, first served) or answers null at the timeout.
  struct BlockRequest {
    int db_index = 0;
    std::vector<std::string> keys;
    int64_t timeout_ms = 0;  // 0: wait for ever
  };
  void allowBlocking(bool on) { blocking_allowed_ = on; }
  bool blockingAllowed() const { return blocking_allowed_; }
  // Called by a blocking command's handler when it found nothing to serve.
  void blockOn(int db_index, std::vector<std::string> keys, int64_t timeout_ms) {
    if (blocking_allowed_) block_request_ = BlockRequest{db_index, std::move(keys), timeout_ms};
  }
  // What the last command would wait for, if it blocked (cleared by the
  // next command and by this call).
  std::optional<BlockRequest> takeBlockRequest() { return std::exchange(block_request_, std::nullopt); }

  // Channel and pattern subscriptions, and the messages PUBLISH queued
  // for them (pubsub.h).
  PubSub& pubsub() { return pubsub_; }
  // The live client connections (session.h).
  Sessions& sessions() { return sessions_; }

  // ---- Persistence (snapshots; store_persistence.cc) ----
  //
  // The dirty counter: changes since the last successful save (Redis's
  // server.dirty, INFO rdb_changes_since_last_save). Every key a write
  // touches counts (Keyspace::noteChanged, once per step: a key opened
  // for a write counts even if nothing changes, and one opened and then
  // replaced or given a TTL counts twice; Redis counts a command's own
  // notion of changes instead), every key FLUSHDB/FLUSHALL drops counts
  // one; reads and expirations do not count.
  struct PersistenceState {
    uint64_t dirty = 0;
    uint64_t dirty_at_fork = 0;   // dirty when the running BGSAVE forked
    int64_t lastsave_ms = 0;      // last successful save (at start: start time)
    int64_t bgsave_start_ms = -1;  // the running BGSAVE's start, or -1
    bool last_bgsave_ok = true;
    bool bgsave_scheduled = false;      // BGSAVE SCHEDULE behind an AOF rewrite
    int64_t last_bgsave_time_sec = -1;  // duration of the last BGSAVE
    int64_t last_bgsave_try_ms = 0;     // last fork attempt (retry delay)
    std::string last_bgsave_error;      // when !last_bgsave_ok
    uint64_t saves = 0;                 // saves started (SAVE and BGSAVE forks)
    uint64_t last_load_keys_loaded = 0;
    uint64_t last_load_keys_expired = 0;
  };
  const PersistenceState& persistence() const { return persistence_; }
  uint64_t dirty() const { return persistence_.dirty; }
  // After a failed automatic BGSAVE, the next one is tried
  // no sooner than this (Redis's CONFIG_BGSAVE_RETRY_DELAY).
  static constexpr int64_t kBgsaveRetryDelayMs = 5'000;

  // SAVE: writes the snapshot to <dir>/<dbfilename> now, on this thread.
  // On success the dirty counter is 0 and LASTSAVE is now. Fails (error
  // "Background save already in progress") while a BGSAVE runs.
  // `reset_dirty` false: the dirty counter is kept (FLUSHALL's own save,
  // as Redis, so that the flush still counts as a change).
  SnapshotFileSaveResult saveSnapshot(bool reset_dirty = true);

  // BGSAVE: forks a child that writes the snapshot of this moment
  // (snapshot_file.h); cron() collects its result.
  enum class BgsaveStart {
    kStarted,         // a child is writing
    kAlreadyRunning,  // a save is running
    kRewriteRunning,  // an AOF rewrite's child is running (one child at a time)
    kScheduled,       // SCHEDULE while a rewrite runs: starts after it
    kFailed,          // fork failed (`error` says why)
  };
  BgsaveStart bgsave(bool schedule = false, std::string* error = nullptr);
  bool bgsaveInProgress() const { return bgsave_child_.pid > 0; }
  // The running BGSAVE child's pid, or -1.
  int64_t bgsaveChildPid() const { return bgsave_child_.pid; }
  // Stops a running BGSAVE (kills the child, removes its temp file), as
  // Redis does on shutdown or FLUSHALL. The destructor calls it.
  void killBackgroundSave();
  // Waits (blocking) for the running BGSAVE to end, then records its
  // result as cron() would (without starting anything). For a graceful
  // shutdown and tests.
  void waitBackgroundSave();

  // Startup: loads <dir>/<dbfilename> into this store, which must hold no
  // keys. A missing file is ok (result.missing). On success the dirty
  // counter is 0 and LASTSAVE is the file's modification time; INFO's
  // rdb_last_load_keys_* report the counts. On error the store is empty
  // and result.error names the file (and, for bad content, the offset).
  // `progress` (may be empty) is called now and then with the bytes
  // loaded so far and the file's size.
  SnapshotFileLoadResult loadSnapshotFromDisk(const LoadProgressFn& progress = {});

  // ---- The append-only log (store_aof.cc) ----
  //
  // EFFECTS. Each command's effects form one record of the log (a
  // transaction's, all of its commands': WireExecutor brackets it with
  // beginEffects/endEffects). By default a write command that changed
  // something (the dirty counter moved) is logged as it was given. A
  // handler whose command depends on the time or on chance logs what it
  // did instead (logEffectInstead: EXPIRE as PEXPIREAT <absolute ms>, SPOP
  // as SREM of the members it took, INCRBYFLOAT as SET ... KEEPTTL; or
  // logNoEffect when it changed nothing), and every key deleted by expiry
  // or eviction is logged as DEL where it happens (before the command
  // that met it). Replaying the records on the data the log started from
  // gives the same data, whatever the time of the replay.
  void beginEffects() { effects_depth_++; }
  // False if this closed the record and the log could not take it (see
  // AppendLog::closeRecord): the caller answers an error instead of the
  // reply, since the write is not acknowledged.
  bool endEffects() { return --effects_depth_ > 0 || aof_.closeRecord(); }
  class EffectsScope {
   public:
    explicit EffectsScope(Store& store) : store_(store) { store_.beginEffects(); }
    ~EffectsScope() {
      if (!finished_) store_.endEffects();
    }
    // Ends the scope now: endEffects's answer.
    bool finish() {
      finished_ = true;
      return store_.endEffects();
    }
    EffectsScope(const EffectsScope&) = delete;
    EffectsScope& operator=(const EffectsScope&) = delete;

   private:
    Store& store_;
    bool finished_ = false;
  };
  // The error a write gets while the log cannot be written (Redis's).
  std::string aofWriteError() const { return "MISCONF Errors writing to the AOF file: " + aof_.lastWriteError(); }
  bool loggingEffects() const { return aof_.isOpen() && !loading_; }
  void logEffect(int db_index, std::span<const ByteView> argv) {
    if (loggingEffects()) aof_.add(db_index, argv);
  }
  void logEffectInstead(int db_index, std::span<const ByteView> argv) {
    command_logged_ = true;
    logEffect(db_index, argv);
  }
  void logNoEffect() { command_logged_ = true; }
  void logDeletion(int db_index, ByteView key);

  AppendLog& appendLog() { return aof_; }
  // Replaying the log at startup (loadAppendOnly).
  bool loading() const { return loading_; }
  // Bookkeeping for INFO persistence (Redis's aof_* fields).
  struct AofState {
    bool rewrite_scheduled = false;      // BGREWRITEAOF waits for a BGSAVE
    int64_t rewrite_start_ms = -1;       // the running rewrite's start, or -1
    int64_t last_rewrite_time_sec = -1;  // duration of the last rewrite
    bool last_rewrite_ok = true;
    std::string last_rewrite_error;
    uint64_t rewrites = 0;               // rewrites started
    uint64_t consecutive_failures = 0;
    int64_t last_rewrite_try_ms = 0;
  };
  const AofState& aofState() const { return aof_state_; }

  // Startup with appendonly on: loads the log (its base, then its incr
  // files) into this store, which must hold no keys, and opens it for
  // appending; with no log yet, the snapshot file (<dir>/<dbfilename>) is
  // loaded if there is one, and the data becomes the log's first base. A
  // truncated last record is dropped (result.warning says so); anything
  // else wrong stops with result.error naming the file and offset, the
  // store left empty. `progress` (may be empty) is called now and then
  // with the bytes replayed so far and the total.
  struct AofLoadResult {
    bool ok = false;
    bool existed = false;   // a manifest was found (false: a new log)
    uint64_t snapshot_keys = 0;  // a new log: keys loaded from the snapshot file
    uint64_t keys = 0;      // keys in the store afterwards
    uint64_t records = 0;   // records replayed
    uint64_t bytes = 0;     // bytes of the files read
    int64_t duration_us = 0;
    std::string warning;    // a truncated record dropped
    std::string error;
    std::string error_file;  // when !ok because of a file's content
    size_t error_offset = 0;
  };
  AofLoadResult loadAppendOnly(const LoadProgressFn& progress = {});
  // Checks an incr file's content as loading does (framing, checksums,
  // and every command known, with a valid arity), calling `visit` (may be
  // empty) for each good record; emberkv-check-aof's verdict.
  static AofScanResult scanAppendOnlyFile(ByteView data, const AofRecordVisitor& visit = {});
  // CONFIG SET appendonly yes while running: opens a new log and starts
  // the rewrite that gives it its base. False with `error` on failure.
  bool startAppendOnly(std::string* error);
  // CONFIG SET appendonly no, shutdown: stops a rewrite, writes and fsyncs
  // what is pending, closes the log.
  void stopAppendOnly();
  // With appendfsync always, a write must be durable before it is
  // acknowledged. By default (the embedded engine: a call's return is its
  // acknowledgement) each record is written and fsync'd before the call
  // that made it returns. A front end that holds replies until the log
  // is durable (the server: group commit, append_log.h) turns that off.
  void setGroupCommit(bool on) {
    group_commit_ = on;
    applyConfig();
  }
  // BGREWRITEAOF.
  enum class RewriteStart { kStarted, kScheduled, kAlreadyRunning, kFailed };
  RewriteStart rewriteAppendOnly(std::string* error = nullptr);
  bool rewriteInProgress() const { return rewrite_child_.pid > 0; }
  // Waits (blocking) for a running rewrite to end and records its result
  // (tests, shutdown).
  void waitRewrite();

  // Runs `count` commands as one transaction (RESP's MULTI/EXEC, gRPC's
  // Exec): nothing runs if a key watched by one of `tokens` changed
  // (kWatchBroken); otherwise run_one(i) runs each, back to back, none of
  // them blocking, as one record of the append-only log (kNotDurable: they
  // ran but the log could not take it: not acknowledged). The tokens are
  // released either way.
  enum class TransactionResult { kRan, kWatchBroken, kNotDurable };
  template <class RunOne>
  TransactionResult runTransaction(std::span<const Watches::Token> tokens, size_t count, RunOne&& run_one) {
    bool broken = false;
    for (Watches::Token token : tokens) broken = broken || watchBroken(token);
    unwatch(tokens);
    if (broken) return TransactionResult::kWatchBroken;
    const bool blocking = blocking_allowed_;
    blocking_allowed_ = false;
    EffectsScope effects(*this);
    for (size_t i = 0; i < count; i++) run_one(i);
    blocking_allowed_ = blocking;
    return effects.finish() ? TransactionResult::kRan : TransactionResult::kNotDurable;
  }

  // The slow log (SLOWLOG GET / LEN / RESET).
  SlowLog& slowLog() { return slowlog_; }
  // Called by a handler for an argument that must not be kept anywhere
  // (a secret): the slow log shows it as "(redacted)", as Redis does.
  void redactArgument(size_t index) { redacted_args_.push_back(static_cast<uint32_t>(index)); }

  uint64_t randomBits() { return rng_(); }
  int64_t startTimeMs() const { return start_time_ms_; }
  const std::string& runId() const { return run_id_; }

 private:
  void applyConfig();
  void keyExpired(int db_index, ByteView key) override { logDeletion(db_index, key); }
  // The append-only log's upkeep in cron(): collects a finished rewrite,
  // starts a scheduled or automatic one, writes pending records.
  void aofCron();
  RewriteStart startRewrite(std::string* error);
  void recordRewriteEnd(SnapshotChildStatus status);
  AofPaths aofPaths() const;
  // Replays one incr file (whole, in `data`) into this store. The last
  // file may end in a cut record: dropped with a warning, and `*cut_at`
  // set to where the file must be cut before appending.
  bool replayIncr(ByteView data, bool last, const std::string& path, AofLoadResult& result,
                  const LoadProgressFn& progress, size_t* cut_at);
  // Persistence upkeep in cron(): collects a finished BGSAVE, starts a
  // scheduled one or one a save rule asks for.
  void persistenceCron();
  BgsaveStart startBgsave(std::string* error);
  void recordBgsaveEnd(SnapshotChildStatus status);
  void notePeak() {
    if (memory_.used > memory_peak_) memory_peak_ = memory_.used;
  }
  // Around a command's handler: the start time (-1 while the slow log is
  // off, so that a disabled log costs no clock read, and while the log is
  // replayed: Redis logs no loaded command), then the log entry if the
  // command was slow enough (store_slowlog.cc).
  int64_t slowLogStartNs() const {
    return config_.slowlog_log_slower_than < 0 || loading_ ? -1 : steadyNowNs();
  }
  void slowLogFinish(std::span<const ByteView> argv, int64_t start_ns);
  // Makes room before a command (false: refuse it with the OOM error).
  bool makeRoomFor(const CommandSpec& command, std::span<const ByteView> argv, int db_index);

  MemoryCounter memory_;
  CommandClock clock_;
  StoreStats stats_;
  StoreConfig config_;
  EvictionPolicy policy_ = EvictionPolicy::kNoEviction;
  Evictor evictor_;
  // Declared before the databases so that it outlives them.
  LazyFreer freer_;
  PubSub pubsub_;
  Sessions sessions_;
  // Declared before the databases, which report changes to it.
  Watches watches_;
  // Declared before the databases, which count changes into it.
  PersistenceState persistence_;
  SnapshotChild bgsave_child_;
  // The append-only log; declared before the databases, which log
  // expirations into it.
  AppendLog aof_{&freer_};
  AofState aof_state_;
  SnapshotChild rewrite_child_;
  int effects_depth_ = 0;
  bool command_logged_ = false;  // the running command logged its own effect
  bool loading_ = false;         // replaying the log: nothing is logged or evicted
  bool group_commit_ = false;
  std::array<std::unique_ptr<Keyspace>, kDatabases> dbs_;
  std::mt19937_64 rng_;
  int64_t start_time_ms_;
  int64_t startup_memory_ = 0;
  int64_t memory_peak_ = 0;
  std::string run_id_;
  int cron_db_ = 0;
  bool track_ready_keys_ = false;
  std::vector<ReadyKey> ready_keys_;
  bool blocking_allowed_ = false;
  std::optional<BlockRequest> block_request_;
  AccessControl acl_;
  AccessControl::UserPtr current_user_;
  bool auditing_ = false;
  std::vector<AuditEvent> audit_events_;
  SlowLog slowlog_;
  // Arguments the running command asked to redact (redactArgument).
  std::vector<uint32_t> redacted_args_;
  void audit(const CommandSpec& run, std::string denied);
  // The current user's refusal of `run` (audited), or nullopt.
  std::optional<std::string> accessDenied(const CommandSpec& run, std::span<const ByteView> argv);
};

}  // namespace ember
