// Store: the append-only log — effects, loading and replay, turning the
// log on and off, BGREWRITEAOF and the automatic rewrite (see store.h and
// append_log.h). Follows Redis 7.0's aof.c bookkeeping: loadAppendOnlyFiles,
// startAppendOnly / stopAppendOnly, rewriteAppendOnlyFileBackground,
// backgroundRewriteDoneHandler and the growth check of serverCron.
#include <chrono>

#ifndef _WIN32
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "command_table.h"
#include "file_io.h"
#include "snapshot.h"
#include "store.h"

namespace ember {
namespace {

int64_t steadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void Store::logDeletion(int db_index, ByteView key) {
  const ByteView argv[2] = {"DEL", key};
  logEffect(db_index, argv);
}

AofPaths Store::aofPaths() const {
  AofPaths paths;
  paths.dir = config_.dir;
  paths.dirname = config_.appenddirname;
  paths.filename = config_.appendfilename;
  return paths;
}

AofScanResult Store::scanAppendOnlyFile(ByteView data, const AofRecordVisitor& visit) {
  std::string bad_command;
  size_t bad_offset = 0;
  uint64_t good_records = 0;
  AofScanResult scan = scanAofRecords(data, [&](std::span<const AofCommand> record, size_t offset) {
    for (const AofCommand& command : record) {
      if (std::optional<std::string> error = checkCommand(command.argv)) {
        bad_command = *error;
        bad_offset = offset;
        return false;
      }
    }
    good_records++;
    return !visit || visit(record, offset);
  });
  if (!bad_command.empty()) {
    scan.outcome = AofScanResult::Outcome::kCorrupt;
    scan.records = good_records;
    scan.good_end = bad_offset;
    scan.error_offset = bad_offset;
    scan.error = "corrupt at offset " + std::to_string(bad_offset) + ": the record holds a command that cannot run (" +
                 bad_command + ")";
  }
  return scan;
}

bool Store::replayIncr(ByteView data, bool last, const std::string& path, AofLoadResult& result,
                       const LoadProgressFn& progress, size_t* cut_at) {
  ReplyBuilder reply;
  size_t next_report = 0;
  const AofScanResult scan = scanAppendOnlyFile(data, [&](std::span<const AofCommand> record, size_t offset) {
    for (const AofCommand& command : record) {
      reply.clear();
      // A command's error reply is ignored, as Redis does while loading:
      // it failed the same way when it was logged.
      execute(command.argv, reply, command.db);
    }
    result.records++;
    if (offset >= next_report) {
      if (progress) progress(offset, data.size());
      next_report = offset + kLoadProgressBytes;
    }
    return true;
  });
  using Outcome = AofScanResult::Outcome;
  if (scan.outcome == Outcome::kOk) return true;
  if (scan.outcome == Outcome::kTruncated && last) {
    result.warning = "The append-only file " + path + " is " + scan.error + " (a crash while writing?): its last " +
                     std::to_string(data.size() - scan.good_end) + " bytes dropped";
    *cut_at = scan.good_end;
    return true;
  }
  result.error_file = path;
  result.error_offset = scan.error_offset;
  result.error = "Bad append-only file " + path + ": " + scan.error;
  if (scan.outcome == Outcome::kTruncated) result.error += " (only the last file may end in a cut record)";
  result.error += last ? ". emberkv-check-aof --fix cuts it back to the records before the damage."
                       : ". Only the last file of a log can be cut back (the files after this one build on all of "
                         "it): restore the log from a backup.";
  return false;
}

Store::AofLoadResult Store::loadAppendOnly(const LoadProgressFn& progress) {
  AofLoadResult result;
  const int64_t start = steadyUs();
  const AofPaths paths = aofPaths();
  std::string error;
  const std::optional<AofManifest> manifest = readAofManifest(paths, &error);
  if (!error.empty()) {
    result.error = error;
    return result;
  }
  size_t last_good_end = 0;
  if (manifest) {
    result.existed = true;
    // Replay as Redis loads: nothing expires, nothing is evicted or
    // logged, no blocked client is served; the counters are put back.
    const StoreStats stats_before = stats_;
    const bool blocking_before = blocking_allowed_;
    const bool tracking_before = track_ready_keys_;
    loading_ = true;
    clock_.expiry_paused = true;
    blocking_allowed_ = false;
    track_ready_keys_ = false;
    uint64_t total = 0;
    for (const AofFileInfo& f : manifest->files) {
#ifndef _WIN32
      struct stat st;
      if (::stat(paths.pathOf(f.name).c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_size);
#endif
    }
    bool ok = true;
    uint64_t done = 0;
    // A file's own progress, as the whole log's (the files before it done).
    const LoadProgressFn progress_in_file =
        progress ? LoadProgressFn([&](uint64_t offset, uint64_t) { progress(done + offset, total); }) : LoadProgressFn();
    std::string data;
    for (size_t i = 0; ok && i < manifest->files.size(); i++) {
      const AofFileInfo& file = manifest->files[i];
      const std::string path = paths.pathOf(file.name);
      if (!readWholeFile(path, data, result.error)) {
        ok = false;
        break;
      }
      result.bytes += data.size();
      if (file.base) {
        SnapshotLoadResult loaded = loadSnapshot(data, *this, progress_in_file);
        if (!loaded.ok) {
          result.error_file = path;
          result.error_offset = loaded.error_offset;
          result.error = "Bad append-only base file " + path + ": " + loaded.error;
          ok = false;
        }
      } else {
        const bool last = i + 1 == manifest->files.size();
        ok = replayIncr(data, last, path, result, progress_in_file, &last_good_end);
      }
      done += data.size();
      if (progress) progress(done, total);
    }
    loading_ = false;
    clock_.expiry_paused = false;
    blocking_allowed_ = blocking_before;
    track_ready_keys_ = tracking_before;
    stats_ = stats_before;
    block_request_.reset();
    if (!ok) {
      for (int i = 0; i < kDatabases; i++) db(i).clear();
      persistence_.dirty = 0;
      result.duration_us = steadyUs() - start;
      return result;
    }
  }
  if (!manifest) {
    // No log yet (appendonly just turned on): start from the snapshot, if
    // there is one, so that turning the log on never loses data.
    SnapshotFileLoadResult snapshot = loadSnapshotFromDisk(progress);
    if (!snapshot.ok) {
      result.error = snapshot.error;
      result.error_offset = snapshot.error_offset;
      return result;
    }
    result.snapshot_keys = snapshot.keys_loaded;
    result.bytes = snapshot.bytes;
  }
  persistence_.dirty = 0;
  if (!aof_.open(paths, manifest, last_good_end, &result.error)) return result;
  if (!manifest) {
    // A new log starts from the data there is now: write it as the base
    // before anything is appended, so the log is complete from the start.
    std::optional<std::string> temp = aof_.startRewrite(&result.error);
    if (!temp) {
      aof_.close();
      return result;
    }
    clock_.beginCommand();
    SnapshotFileSaveResult saved = saveSnapshotFile(*this, paths.directory(), *temp);
    if (!saved.ok || !aof_.finishRewrite(true, &result.error)) {
      if (!saved.ok) {
        aof_.finishRewrite(false, &error);
        result.error = saved.error;
      }
      aof_.close();
      return result;
    }
  }
  config_.appendonly = true;
  for (int i = 0; i < kDatabases; i++) result.keys += db(i).size();
  result.duration_us = steadyUs() - start;
  result.ok = true;
  return result;
}

bool Store::startAppendOnly(std::string* error) {
  if (aof_.isOpen()) return true;
  std::string why;
  if (!aof_.open(aofPaths(), std::nullopt, 0, &why)) {
    if (error) *error = why;
    return false;
  }
  // The log waits for its base; the rewrite that makes it starts now, or
  // once a running BGSAVE ends (one child at a time).
  if (bgsaveInProgress()) {
    aof_state_.rewrite_scheduled = true;
    return true;
  }
  if (startRewrite(&why) == RewriteStart::kFailed) {
    aof_.close();
    if (error) *error = why;
    return false;
  }
  return true;
}

void Store::stopAppendOnly() {
  if (rewrite_child_.pid > 0) {
    killSnapshotChild(rewrite_child_);
    std::string ignored;
    aof_.finishRewrite(false, &ignored);
    aof_state_.rewrite_start_ms = -1;
  }
  aof_state_.rewrite_scheduled = false;
  aof_.close();
}

Store::RewriteStart Store::rewriteAppendOnly(std::string* error) {
  if (rewriteInProgress()) return RewriteStart::kAlreadyRunning;
  if (!aof_.isOpen()) {
    if (error) *error = "the append-only file is off (CONFIG SET appendonly yes turns it on)";
    return RewriteStart::kFailed;
  }
  if (bgsaveInProgress()) {
    aof_state_.rewrite_scheduled = true;
    return RewriteStart::kScheduled;
  }
  return startRewrite(error);
}

Store::RewriteStart Store::startRewrite(std::string* error) {
  aof_state_.rewrite_scheduled = false;
  const int64_t now = nowMs();
  aof_state_.last_rewrite_try_ms = now;
  std::string why;
  std::optional<std::string> temp = aof_.startRewrite(&why);
  if (temp) {
    // The child writes the data as it is at this instant: exactly what the
    // records before the switch to the new incr file produced.
    clock_.beginCommand();
    SnapshotChild child = forkSnapshotChild(*this, aof_.paths().directory(), *temp);
    if (child.pid > 0) {
      rewrite_child_ = std::move(child);
      aof_state_.rewrite_start_ms = now;
      aof_state_.rewrites++;
      return RewriteStart::kStarted;
    }
    why = child.error;
    std::string ignored;
    aof_.finishRewrite(false, &ignored);
  }
  aof_state_.last_rewrite_ok = false;
  aof_state_.last_rewrite_error = why;
  aof_state_.consecutive_failures++;
  if (error) *error = why;
  return RewriteStart::kFailed;
}

void Store::recordRewriteEnd(SnapshotChildStatus status) {
  const int64_t now = nowMs();
  bool ok = status.state == SnapshotChildState::kSucceeded;
  std::string error = std::move(status.error);
  if (!aof_.finishRewrite(ok, &error)) ok = false;
  aof_state_.last_rewrite_ok = ok;
  aof_state_.last_rewrite_error = ok ? std::string() : error;
  aof_state_.consecutive_failures = ok ? 0 : aof_state_.consecutive_failures + 1;
  aof_state_.last_rewrite_time_sec =
      aof_state_.rewrite_start_ms >= 0 && now > aof_state_.rewrite_start_ms ? (now - aof_state_.rewrite_start_ms) / 1000
                                                                              : 0;
  aof_state_.rewrite_start_ms = -1;
}

void Store::waitRewrite() {
  if (rewrite_child_.pid <= 0) return;
  SnapshotChildStatus status = waitSnapshotChild(rewrite_child_);
  clock_.beginCommand();
  recordRewriteEnd(std::move(status));
}

void Store::aofCron() {
  if (rewrite_child_.pid > 0) {
    SnapshotChildStatus status = pollSnapshotChild(rewrite_child_);
    if (status.state != SnapshotChildState::kRunning) recordRewriteEnd(std::move(status));
  }
  if (!aof_.isOpen()) return;
  // Records not yet written (the front end writes once per event-loop
  // turn; this catches the rest, and retries after a failed write).
  if (aof_.pendingBytes() > 0) aof_.writePending();
  if (rewriteInProgress() || bgsaveInProgress()) return;
  const int64_t now = nowMs();
  if (aof_state_.rewrite_scheduled) {
    startRewrite(nullptr);
    return;
  }
  // A log still without its base retries its rewrite, as Redis does while
  // its AOF waits for one, after the retry delay.
  if (aof_.waitingForBase()) {
    if (now - aof_state_.last_rewrite_try_ms >= kBgsaveRetryDelayMs) startRewrite(nullptr);
    return;
  }
  // Redis's auto-aof-rewrite-percentage / -min-size check.
  const int64_t percentage = config_.auto_aof_rewrite_percentage;
  const uint64_t size = aof_.currentSize();
  if (percentage > 0 && size > static_cast<uint64_t>(config_.auto_aof_rewrite_min_size)) {
    const uint64_t base = aof_.baseSize() ? aof_.baseSize() : 1;
    const uint64_t growth = size > base ? (size - base) * 100 / base : 0;
    const bool may_try = aof_state_.last_rewrite_ok || now - aof_state_.last_rewrite_try_ms >= kBgsaveRetryDelayMs;
    if (growth >= static_cast<uint64_t>(percentage) && may_try) startRewrite(nullptr);
  }
}

}  // namespace ember
