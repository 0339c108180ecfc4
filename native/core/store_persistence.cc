// Store: snapshots on disk — SAVE, BGSAVE, the dirty counter, save rules
// and the startup load (see store.h and snapshot_file.h). Follows Redis
// 7.0's rdb.c / server.c bookkeeping: rdbSave, rdbSaveBackground,
// backgroundSaveDoneHandlerDisk and the save-rule check of serverCron.
#include "store.h"

namespace ember {

SnapshotFileSaveResult Store::saveSnapshot(bool reset_dirty) {
  if (bgsaveInProgress()) {
    SnapshotFileSaveResult busy;
    busy.error = "Background save already in progress";
    return busy;
  }
  clock_.beginCommand();
  persistence_.saves++;
  SnapshotFileSaveResult result = saveSnapshotFile(*this, config_.dir, config_.dbfilename);
  if (result.ok) {
    if (reset_dirty) persistence_.dirty = 0;
    persistence_.lastsave_ms = nowMs();
    persistence_.last_bgsave_ok = true;
    persistence_.last_bgsave_error.clear();
  }
  return result;
}

Store::BgsaveStart Store::bgsave(bool schedule, std::string* error) {
  if (bgsaveInProgress()) return BgsaveStart::kAlreadyRunning;
  if (rewriteInProgress()) {
    if (!schedule) return BgsaveStart::kRewriteRunning;
    persistence_.bgsave_scheduled = true;
    return BgsaveStart::kScheduled;
  }
  return startBgsave(error);
}

Store::BgsaveStart Store::startBgsave(std::string* error) {
  persistence_.bgsave_scheduled = false;
  const int64_t now = nowMs();
  persistence_.last_bgsave_try_ms = now;
  SnapshotChild child = forkSnapshotChild(*this, config_.dir, config_.dbfilename);
  if (child.pid <= 0) {
    persistence_.last_bgsave_ok = false;
    persistence_.last_bgsave_error = child.error;
    if (error) *error = child.error;
    return BgsaveStart::kFailed;
  }
  bgsave_child_ = std::move(child);
  persistence_.dirty_at_fork = persistence_.dirty;
  persistence_.bgsave_start_ms = now;
  persistence_.saves++;
  return BgsaveStart::kStarted;
}

namespace {

int64_t secondsBetween(int64_t from_ms, int64_t to_ms) { return to_ms > from_ms ? (to_ms - from_ms) / 1000 : 0; }

}  // namespace

void Store::recordBgsaveEnd(SnapshotChildStatus status) {
  const int64_t now = nowMs();
  PersistenceState& p = persistence_;
  if (status.state == SnapshotChildState::kSucceeded) {
    // Writes made while the child ran are not in the file: they stay dirty.
    p.dirty = p.dirty > p.dirty_at_fork ? p.dirty - p.dirty_at_fork : 0;
    p.lastsave_ms = now;
    p.last_bgsave_ok = true;
    p.last_bgsave_error.clear();
  } else {
    p.last_bgsave_ok = false;
    p.last_bgsave_error = std::move(status.error);
  }
  p.last_bgsave_time_sec = secondsBetween(p.bgsave_start_ms, now);
  p.bgsave_start_ms = -1;
}

void Store::persistenceCron() {
  PersistenceState& p = persistence_;
  if (bgsave_child_.pid > 0) {
    SnapshotChildStatus status = pollSnapshotChild(bgsave_child_);
    if (status.state == SnapshotChildState::kRunning) return;
    recordBgsaveEnd(std::move(status));
  }
  if (rewriteInProgress()) return;  // one child at a time
  if (p.bgsave_scheduled) {
    startBgsave(nullptr);
    return;
  }
  const int64_t now = nowMs();
  // After a failure, wait kBgsaveRetryDelayMs before the next attempt.
  const bool may_try = p.last_bgsave_ok || now - p.last_bgsave_try_ms >= kBgsaveRetryDelayMs;
  if (!may_try) return;
  for (const StoreConfig::SaveRule& rule : config_.save_rules) {
    // Redis: dirty >= changes && unixtime - lastsave > seconds.
    if (p.dirty >= static_cast<uint64_t>(rule.changes) && now - p.lastsave_ms > rule.seconds * 1000) {
      startBgsave(nullptr);
      return;
    }
  }
}

void Store::killBackgroundSave() {
  if (bgsave_child_.pid <= 0) return;
  killSnapshotChild(bgsave_child_);
  persistence_.bgsave_start_ms = -1;
}

void Store::waitBackgroundSave() {
  if (bgsave_child_.pid <= 0) return;
  SnapshotChildStatus status = waitSnapshotChild(bgsave_child_);
  clock_.beginCommand();
  recordBgsaveEnd(std::move(status));
}

SnapshotFileLoadResult Store::loadSnapshotFromDisk(const LoadProgressFn& progress) {
  clock_.beginCommand();
  const uint64_t dirty_before = persistence_.dirty;
  SnapshotFileLoadResult result = loadSnapshotFile(*this, config_.dir, config_.dbfilename, progress);
  persistence_.dirty = dirty_before;
  if (result.ok && !result.missing) {
    persistence_.dirty = 0;
    persistence_.lastsave_ms = nowMs();
    persistence_.last_load_keys_loaded = result.keys_loaded;
    persistence_.last_load_keys_expired = result.keys_expired;
  }
  return result;
}

}  // namespace ember
