// AppendLog: the append-only log of one store (issue 6): the effects of
// writes buffered in memory, the files they go to, and the bookkeeping of
// what has been written and what is durable. It holds no data of the
// store; Store (store_aof.cc) decides what to log, forks the rewrite
// child and replays the files at startup.
//
// FILES (the layout of Redis 7's multi-part AOF), all in
// <dir>/<appenddirname>/:
//   <appendfilename>.manifest       which files make up the log, in order
//   <appendfilename>.<n>.base.emb   a snapshot image (snapshot.h) of the
//                                   data the log starts from (optional)
//   <appendfilename>.<n>.incr.aof   records (aof_record.h), one or more
// The manifest has one line per file, the base first, then the incr files
// in the order they are replayed: "file <name> seq <n> type <b|i>". It is
// replaced atomically (temp file, fsync, rename, directory fsync), so the
// log on disk is always one consistent set of files; a file no manifest
// names is garbage and is removed.
//
// RECORDS. While a command (or a transaction) runs, Store adds the effects
// it logs to the open record (add); closeRecord() frames them as one
// record into the pending buffer. Sequence numbers count records:
//   appended >= written >= durable
// appended: records closed; written: records handed to write(2) on the
// current incr file; durable: records known to be fsync'd.
//
// WRITING AND FSYNC. The pending bytes are written by writePending(), on
// the main thread: by the front end once per event-loop turn, by cron, and
// at once when more than kWriteThresholdBytes are pending (bounded
// memory), or after every record when syncOnEveryRecord() is on (the
// embedded engine with appendfsync always: write and fsync before the call
// returns). An fsync otherwise runs off the main thread: beginSync() hands
// out a ticket (a dup of the file descriptor and the written sequence
// number), runSync() does the fsync on any thread, endSync() records the
// outcome on the main thread. One sync runs at a time. The front end
// decides when: with appendfsync always it holds the replies of commands
// until `durable` reaches the sequence number they left (group commit:
// one fsync covers everything written meanwhile); with everysec about
// once a second; with no, never.
//
// REWRITE. startRewrite() switches appending to a new incr file (the
// manifest then lists the old files and the new one, so a crash loses
// nothing) and names a temp file, which Store's forked child writes as the
// snapshot of that instant. finishRewrite(true) renames it to the new
// base, makes the manifest [new base, new incr] and deletes the old files
// (their names at once, their blocks on the LazyFreer's thread). While
// the log waits for its first base (enabled at runtime, or at startup
// with data), no manifest is written until a base exists: the files
// would not describe the data.
//
// POSIX only; on Windows open() fails.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "aof_record.h"
#include "bytes.h"
#include "lazy_free.h"

namespace ember {

struct AofFileInfo {
  std::string name;  // file name in the log's directory
  uint64_t seq = 0;
  bool base = false;  // a base (snapshot image) or an incr (records) file
};

// The manifest: the files of the log, base (if any) first.
struct AofManifest {
  std::vector<AofFileInfo> files;
  std::string format() const;
  // nullopt (and `error`) if `text` is not a valid manifest.
  static std::optional<AofManifest> parse(ByteView text, std::string* error);
};

struct AofPaths {
  std::string dir = ".";
  std::string dirname = "appendonlydir";
  std::string filename = "appendonly.aof";

  std::string directory() const;  // <dir>/<dirname>
  std::string manifestPath() const;
  std::string pathOf(const std::string& name) const;  // <dir>/<dirname>/<name>
  std::string baseName(uint64_t seq) const;
  std::string incrName(uint64_t seq) const;
};

// Reads the manifest of `paths`: nullopt (no error) if there is none.
std::optional<AofManifest> readAofManifest(const AofPaths& paths, std::string* error);

class AppendLog {
 public:
  // Pending bytes past this are written at once.
  static constexpr size_t kWriteThresholdBytes = 4 * 1024 * 1024;

  // `freer` (may be null: removed files are then freed inline) is where
  // the blocks of the log's removed files are freed (removeFile).
  explicit AppendLog(LazyFreer* freer = nullptr) : freer_(freer) {}
  ~AppendLog();
  AppendLog(const AppendLog&) = delete;
  AppendLog& operator=(const AppendLog&) = delete;

  // ---- Turning on and off ----
  // Starts appending to the log described by `manifest` (as loaded at
  // startup, its last incr file cut to `last_incr_good_end` bytes when it
  // ended in a truncated record: 0 to keep it), or, without a manifest,
  // to a new incr file with the log waiting for its first base (see
  // REWRITE). False with `error` on failure (nothing is open then).
  bool open(const AofPaths& paths, const std::optional<AofManifest>& manifest, size_t last_incr_good_end,
            std::string* error);
  // Writes what is pending, fsyncs and closes (CONFIG SET appendonly no,
  // shutdown). The files stay.
  void close();
  bool isOpen() const { return fd_ >= 0; }
  const AofPaths& paths() const { return paths_; }
  // No base yet: the manifest on disk (if any) does not describe the data.
  bool waitingForBase() const { return waiting_for_base_; }

  // ---- Records ----
  void add(int db, std::span<const ByteView> argv) { record_.add(db, argv); }
  bool recordOpen() const { return record_.commands() > 0; }
  // Frames the open record (if it has commands) into the pending buffer
  // (and, with syncOnEveryRecord, writes and fsyncs it). Never throws.
  // False if the record is not safe: dropped (out of memory, or past the
  // record size limit) or, with syncOnEveryRecord, not made durable;
  // lastWriteError() says why.
  bool closeRecord() noexcept;
  uint64_t appendedSeq() const { return appended_; }
  uint64_t writtenSeq() const { return written_; }
  uint64_t durableSeq() const { return durable_; }
  size_t pendingBytes() const { return pending_.size(); }
  // Write and fsync after every record, on the calling thread.
  void setSyncOnEveryRecord(bool on) { sync_every_record_ = on; }

  // Writes the pending bytes to the incr file. On failure the bytes stay
  // pending (a partial write is cut off again when possible) and
  // lastWriteError() says why; the next call retries.
  bool writePending();
  const std::string& lastWriteError() const { return write_error_; }

  // ---- fsync off the main thread ----
  struct SyncTicket {
    int fd = -1;       // a dup of the incr file's descriptor (-1: nothing to do)
    uint64_t seq = 0;  // written records it makes durable
    int error = 0;     // errno of a failed fsync (runSync sets it)
  };
  // A ticket for everything written so far, or fd -1 when it is all
  // durable already, a sync is running, or the log is closed.
  SyncTicket beginSync();
  // Any thread: fsync(ticket.fd), then close it.
  static void runSync(SyncTicket& ticket);
  // Main thread, once per ticket from beginSync.
  void endSync(const SyncTicket& ticket);
  bool syncRunning() const { return sync_running_; }
  // Writes what is pending and fsyncs, on this thread (after waiting for
  // a running sync is not needed: fsync covers every earlier write).
  bool syncNow();
  int64_t lastSyncMs() const { return last_sync_ms_; }
  void noteSyncTime(int64_t now_ms) { last_sync_ms_ = now_ms; }

  // ---- Rewrite ----
  // Writes the pending bytes to the current incr file, then switches to a
  // new one; returns the name of the file (in paths().directory()) the
  // rewrite must write the new base to, or nullopt with `error`.
  std::optional<std::string> startRewrite(std::string* error);
  // The rewrite ended: with `ok`, the file startRewrite named is complete
  // (fsync'd); it is renamed to the new base, and the log becomes [that
  // base, the incr file opened by startRewrite]. Without, it is removed.
  bool finishRewrite(bool ok, std::string* error);
  bool rewriteRunning() const { return rewrite_base_seq_ != 0; }

  // ---- Sizes (automatic rewrite, INFO) ----
  uint64_t currentSize() const { return older_files_bytes_ + incr_bytes_; }
  // currentSize() when the last rewrite ended (or the log was opened).
  uint64_t baseSize() const { return rewrite_base_size_; }

 private:
  // Creates incr file `seq` with its header: its descriptor, or -1.
  int createIncr(uint64_t seq, std::string* error);
  bool writeManifest(const std::vector<AofFileInfo>& files, std::string* error);
  // Removes the log's files no manifest names, and temp files.
  void removeUnlisted();
  // Removes the file at `path`: its name at once, its blocks on the
  // freer's thread (see append_log.cc).
  void removeFile(const std::string& path);
  // temp-rewriteaof-bg-<this process's pid>.emb
  std::string rewriteTempName() const;

  LazyFreer* freer_ = nullptr;
  AofPaths paths_;
  int fd_ = -1;
  AofRecordBuilder record_;
  std::string pending_;
  uint64_t appended_ = 0;
  uint64_t written_ = 0;
  uint64_t durable_ = 0;
  bool sync_every_record_ = false;
  bool sync_running_ = false;
  int64_t last_sync_ms_ = 0;
  std::string write_error_;

  // The files that make up the log now (the manifest's content, or what
  // it will be once the first base exists).
  std::vector<AofFileInfo> files_;
  bool waiting_for_base_ = false;
  uint64_t next_base_seq_ = 1;
  uint64_t next_incr_seq_ = 1;
  uint64_t rewrite_base_seq_ = 0;  // != 0 while a rewrite runs
  size_t files_before_rewrite_ = 0;  // files_[0..n) are replaced by the rewrite

  uint64_t older_files_bytes_ = 0;  // the log's files before the current incr file
  uint64_t incr_bytes_ = 0;         // the current incr file
  uint64_t rewrite_base_size_ = 0;
};

}  // namespace ember
