// AppendLog: see append_log.h.
#include "append_log.h"

#include <cstring>
#include <new>

#ifndef _WIN32
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "file_io.h"
#include "snapshot_file.h"

namespace ember {

std::string AofPaths::directory() const { return joinPath(dir, dirname); }
std::string AofPaths::manifestPath() const { return pathOf(filename + ".manifest"); }
std::string AofPaths::pathOf(const std::string& name) const { return joinPath(directory(), name); }
std::string AofPaths::baseName(uint64_t seq) const { return filename + "." + std::to_string(seq) + ".base.emb"; }
std::string AofPaths::incrName(uint64_t seq) const { return filename + "." + std::to_string(seq) + ".incr.aof"; }

std::string AofManifest::format() const {
  std::string text;
  for (const AofFileInfo& f : files) {
    text += "file " + f.name + " seq " + std::to_string(f.seq) + " type " + (f.base ? "b" : "i") + "\n";
  }
  return text;
}

std::optional<AofManifest> AofManifest::parse(ByteView text, std::string* error) {
  AofManifest manifest;
  size_t line_no = 0;
  auto fail = [&](const std::string& what) {
    *error = "line " + std::to_string(line_no) + ": " + what;
    return std::nullopt;
  };
  while (!text.empty()) {
    line_no++;
    size_t nl = text.find('\n');
    if (nl == ByteView::npos) return fail("the last line does not end with a newline (cut short?)");
    ByteView line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    std::vector<ByteView> words;
    for (size_t start = 0; start <= line.size();) {
      size_t space = line.find(' ', start);
      if (space == ByteView::npos) space = line.size();
      words.push_back(line.substr(start, space - start));
      start = space + 1;
    }
    if (words.size() != 6 || words[0] != "file" || words[2] != "seq" || words[4] != "type") {
      return fail("expected 'file <name> seq <n> type <b|i>'");
    }
    AofFileInfo info;
    info.name = std::string(words[1]);
    if (info.name.empty() || info.name.find('/') != std::string::npos) return fail("bad file name");
    for (char c : words[3]) {
      if (c < '0' || c > '9' || info.seq > (UINT64_MAX - 9) / 10) return fail("bad seq");
      info.seq = info.seq * 10 + static_cast<uint64_t>(c - '0');
    }
    if (words[3].empty() || info.seq == 0) return fail("bad seq");
    if (words[5] == "b") {
      if (!manifest.files.empty()) return fail("a base file must come first");
      info.base = true;
    } else if (words[5] != "i") {
      return fail("bad type (b or i)");
    }
    manifest.files.push_back(std::move(info));
  }
  if (manifest.files.empty()) {
    *error = "the manifest lists no files";
    return std::nullopt;
  }
  return manifest;
}

#ifdef _WIN32

std::optional<AofManifest> readAofManifest(const AofPaths&, std::string* error) {
  *error = "the append-only file is not supported on Windows";
  return std::nullopt;
}
AppendLog::~AppendLog() = default;
bool AppendLog::open(const AofPaths&, const std::optional<AofManifest>&, size_t, std::string* error) {
  *error = "the append-only file is not supported on Windows";
  return false;
}
void AppendLog::close() {}
bool AppendLog::closeRecord() noexcept {
  record_ = AofRecordBuilder{};
  return false;
}
bool AppendLog::writePending() { return false; }
AppendLog::SyncTicket AppendLog::beginSync() { return {}; }
void AppendLog::runSync(SyncTicket&) {}
void AppendLog::endSync(const SyncTicket&) {}
bool AppendLog::syncNow() { return false; }
std::optional<std::string> AppendLog::startRewrite(std::string* error) {
  *error = "the append-only file is not supported on Windows";
  return std::nullopt;
}
bool AppendLog::finishRewrite(bool, std::string*) { return false; }

#else

namespace {

// The records' durability: fdatasync where there is one (as Redis's
// redis_fsync): it skips the timestamps, which an appended record does not
// need, and flushes the data and the file's new size.
int syncData(int fd) {
#if defined(__linux__)
  return ::fdatasync(fd);
#else
  return ::fsync(fd);
#endif
}

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::optional<AofManifest> readAofManifest(const AofPaths& paths, std::string* error) {
  const std::string path = paths.manifestPath();
  std::string text;
  bool missing = false;
  if (!readWholeFile(path, text, *error, &missing)) {
    if (missing) error->clear();
    return std::nullopt;
  }
  std::string why;
  std::optional<AofManifest> manifest = AofManifest::parse(text, &why);
  if (!manifest) *error = "Bad append-only manifest " + path + ": " + why;
  return manifest;
}

AppendLog::~AppendLog() {
  if (fd_ >= 0) ::close(fd_);
}

int AppendLog::createIncr(uint64_t seq, std::string* error) {
  const std::string path = paths_.pathOf(paths_.incrName(seq));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "Can't open the append-only file " + path + ": " + errnoText(errno);
    return -1;
  }
  std::string header;
  appendAofFileHeader(header);
  if (!writeAll(fd, header.data(), header.size())) {
    *error = "Can't write the append-only file " + path + ": " + errnoText(errno);
    ::close(fd);
    ::unlink(path.c_str());
    return -1;
  }
  return fd;
}

bool AppendLog::writeManifest(const std::vector<AofFileInfo>& files, std::string* error) {
  AofManifest manifest{files};
  const std::string text = manifest.format();
  const std::string temp = paths_.pathOf("temp-" + paths_.filename + ".manifest");
  return replaceFileDurably(paths_.manifestPath(), temp, text, "the append-only manifest", *error);
}

void AppendLog::removeUnlisted() {
  DIR* dir = ::opendir(paths_.directory().c_str());
  if (!dir) return;
  const std::string prefix = paths_.filename + ".";
  std::vector<std::string> doomed;
  while (dirent* ent = ::readdir(dir)) {
    std::string name = ent->d_name;
    // Temp files a crash left (a rewrite's, a manifest's, a snapshot's).
    if (name.compare(0, 5, "temp-") == 0 && (endsWith(name, ".emb") || endsWith(name, ".manifest"))) {
      doomed.push_back(std::move(name));
      continue;
    }
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    if (!endsWith(name, ".base.emb") && !endsWith(name, ".incr.aof")) continue;
    bool listed = false;
    for (const AofFileInfo& f : files_) listed = listed || f.name == name;
    if (!listed) doomed.push_back(std::move(name));
  }
  ::closedir(dir);
  for (const std::string& name : doomed) removeFile(paths_.pathOf(name));
}

void AppendLog::removeFile(const std::string& path) {
  // Unlinking a file frees its blocks, which for an old base of 1M keys
  // (51 MB) took 16 ms here: the longest stall of a rewrite. Unlinked
  // while open, the name goes at once and the blocks only with the last
  // descriptor, closed on the freer's thread (Redis's bg_unlink).
  const int fd = freer_ ? ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
  const bool unlinked = ::unlink(path.c_str()) == 0;
  if (fd < 0) return;
  if (unlinked) {
    freer_->run([fd] { ::close(fd); }, false);
  } else {
    ::close(fd);
  }
}

bool AppendLog::open(const AofPaths& paths, const std::optional<AofManifest>& manifest, size_t last_incr_good_end,
                     std::string* error) {
  close();
  paths_ = paths;
  appended_ = written_ = durable_ = 0;
  pending_.clear();
  record_ = AofRecordBuilder{};
  write_error_.clear();
  rewrite_base_seq_ = 0;
  const std::string directory = paths_.directory();
  if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) {
    *error = "Can't create the append-only directory " + directory + ": " + errnoText(errno);
    return false;
  }
  next_base_seq_ = next_incr_seq_ = 1;
  files_.clear();
  older_files_bytes_ = 0;
  // Number new files past every file of the given manifest or, without
  // one, of one left on disk (an old log, replaced only once the new one
  // has its base): no file a manifest names is ever overwritten.
  std::string ignored;
  const std::optional<AofManifest> on_disk = manifest ? manifest : readAofManifest(paths_, &ignored);
  if (on_disk) {
    for (const AofFileInfo& f : on_disk->files) {
      uint64_t& next = f.base ? next_base_seq_ : next_incr_seq_;
      if (f.seq >= next) next = f.seq + 1;
    }
  }
  if (!manifest) {
    waiting_for_base_ = true;
    fd_ = createIncr(next_incr_seq_, error);
    if (fd_ < 0) return false;
    incr_bytes_ = kAofHeaderBytes;
    files_.push_back({paths_.incrName(next_incr_seq_), next_incr_seq_, false});
    next_incr_seq_++;
    rewrite_base_size_ = currentSize();
    return true;
  }
  waiting_for_base_ = false;
  files_ = manifest->files;
  for (size_t i = 0; i + 1 < files_.size(); i++) older_files_bytes_ += fileSize(paths_.pathOf(files_[i].name));
  const AofFileInfo& last = files_.back();
  if (last.base) {
    // A base alone: appending goes to a new incr file, which the manifest
    // must name first.
    older_files_bytes_ += fileSize(paths_.pathOf(last.name));
    fd_ = createIncr(next_incr_seq_, error);
    if (fd_ < 0) return false;
    incr_bytes_ = kAofHeaderBytes;
    files_.push_back({paths_.incrName(next_incr_seq_), next_incr_seq_, false});
    next_incr_seq_++;
    if (!writeManifest(files_, error)) {
      close();
      return false;
    }
  } else {
    const std::string path = paths_.pathOf(last.name);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
      *error = "Can't open the append-only file " + path + ": " + errnoText(errno);
      return false;
    }
    uint64_t size = fileSize(path);
    if (last_incr_good_end > 0 && last_incr_good_end < size) {
      // Cut off the truncated record, or new records would follow it.
      if (::ftruncate(fd, static_cast<off_t>(last_incr_good_end)) != 0 || ::fsync(fd) != 0) {
        *error = "Can't truncate the append-only file " + path + ": " + errnoText(errno);
        ::close(fd);
        return false;
      }
      size = last_incr_good_end;
    }
    if (size < kAofHeaderBytes) {
      // Cut inside its header (created just before a crash): start it over.
      std::string header;
      appendAofFileHeader(header);
      if (::ftruncate(fd, 0) != 0 || !writeAll(fd, header.data(), header.size())) {
        *error = "Can't rewrite the header of " + path + ": " + errnoText(errno);
        ::close(fd);
        return false;
      }
      size = header.size();
    }
    fd_ = fd;
    incr_bytes_ = size;
  }
  removeUnlisted();
  rewrite_base_size_ = currentSize();
  return true;
}

void AppendLog::close() {
  if (fd_ < 0) return;
  closeRecord();
  syncNow();
  ::close(fd_);
  fd_ = -1;
  rewrite_base_seq_ = 0;
}

bool AppendLog::closeRecord() noexcept {
  if (record_.commands() == 0) return true;
  if (record_.framedSize() - kAofRecordOverhead > kAofMaxPayload) {
    // Beyond the format's record size (4 GiB): such a write cannot be
    // logged, and the log stops here rather than carry a broken record.
    record_ = AofRecordBuilder{};
    write_error_ = "a write's effects exceed the 4 GiB record limit of the append-only file";
    return false;
  }
  try {
    record_.frameInto(pending_);
  } catch (const std::bad_alloc&) {
    // Called from destructors (Store::EffectsScope): never throws.
    record_ = AofRecordBuilder{};
    write_error_ = "out of memory while buffering the append-only file";
    return false;
  }
  appended_++;
  if (sync_every_record_) return syncNow();
  // A failed write keeps the bytes pending (retried by cron): not lost.
  if (pending_.size() >= kWriteThresholdBytes) writePending();
  return true;
}

bool AppendLog::writePending() {
  if (fd_ < 0) return false;
  if (pending_.empty()) return true;
  if (!writeAll(fd_, pending_.data(), pending_.size())) {
    const int e = errno;
    // Remove a partial write, so that a retry appends whole records only.
    if (::ftruncate(fd_, static_cast<off_t>(incr_bytes_)) != 0) {
      write_error_ = "Error writing the append-only file (and cutting off the partial write failed): " + errnoText(e);
    } else {
      write_error_ = "Error writing the append-only file: " + errnoText(e);
    }
    return false;
  }
  incr_bytes_ += pending_.size();
  pending_.clear();
  written_ = appended_;
  write_error_.clear();
  return true;
}

AppendLog::SyncTicket AppendLog::beginSync() {
  SyncTicket ticket;
  if (fd_ < 0 || sync_running_ || waiting_for_base_ || durable_ >= written_) return ticket;
  ticket.fd = ::dup(fd_);
  if (ticket.fd < 0) return ticket;
  ticket.seq = written_;
  sync_running_ = true;
  return ticket;
}

void AppendLog::runSync(SyncTicket& ticket) {
  if (ticket.fd < 0) return;
  if (syncData(ticket.fd) != 0) ticket.error = errno;
  ::close(ticket.fd);
  ticket.fd = -1;
}

void AppendLog::endSync(const SyncTicket& ticket) {
  sync_running_ = false;
  if (ticket.error) {
    write_error_ = "Error fsyncing the append-only file: " + errnoText(ticket.error);
    return;
  }
  if (!waiting_for_base_ && ticket.seq > durable_) durable_ = ticket.seq;
  write_error_.clear();
}

bool AppendLog::syncNow() {
  if (fd_ < 0 || !writePending()) return false;
  if (syncData(fd_) != 0) {
    write_error_ = "Error fsyncing the append-only file: " + errnoText(errno);
    return false;
  }
  if (!waiting_for_base_) durable_ = written_;
  return true;
}

std::optional<std::string> AppendLog::startRewrite(std::string* error) {
  if (fd_ < 0) {
    *error = "the append-only file is off";
    return std::nullopt;
  }
  if (rewrite_base_seq_ != 0) {
    *error = "a rewrite is running";
    return std::nullopt;
  }
  // The old incr file must be complete and durable before the log moves on:
  // the new base will stand for everything in it.
  closeRecord();
  if (!syncNow() && !waiting_for_base_) {
    *error = write_error_;
    return std::nullopt;
  }
  const uint64_t incr_seq = next_incr_seq_;
  const AofFileInfo incr{paths_.incrName(incr_seq), incr_seq, false};
  const int fd = createIncr(incr_seq, error);
  if (fd < 0) return std::nullopt;
  if (waiting_for_base_) {
    // No manifest names the old incr files, and the new base will hold
    // their effects: they are worth nothing now.
    for (const AofFileInfo& f : files_) ::unlink(paths_.pathOf(f.name).c_str());
    files_.clear();
    older_files_bytes_ = 0;
  } else {
    std::vector<AofFileInfo> files = files_;
    files.push_back(incr);
    if (!writeManifest(files, error)) {
      // Keep appending to the old file, which the manifest still names.
      ::close(fd);
      ::unlink(paths_.pathOf(incr.name).c_str());
      return std::nullopt;
    }
    older_files_bytes_ += incr_bytes_;
  }
  ::close(fd_);
  fd_ = fd;
  incr_bytes_ = kAofHeaderBytes;
  next_incr_seq_++;
  files_before_rewrite_ = files_.size();
  files_.push_back(incr);
  rewrite_base_seq_ = next_base_seq_++;
  return rewriteTempName();
}

std::string AppendLog::rewriteTempName() const {
  return "temp-rewriteaof-bg-" + std::to_string(static_cast<int64_t>(::getpid())) + ".emb";
}

bool AppendLog::finishRewrite(bool ok, std::string* error) {
  if (rewrite_base_seq_ == 0) return false;
  const AofFileInfo base{paths_.baseName(rewrite_base_seq_), rewrite_base_seq_, true};
  rewrite_base_seq_ = 0;
  const std::string temp = paths_.pathOf(rewriteTempName());
  if (!ok) {
    ::unlink(temp.c_str());
    return false;
  }
  // Named a base only now, by this process: a rewrite child orphaned by a
  // crash can never put its file where a later process's base is.
  if (::rename(temp.c_str(), paths_.pathOf(base.name).c_str()) != 0) {
    *error = "Can't rename " + temp + " to " + base.name + ": " + errnoText(errno);
    ::unlink(temp.c_str());
    return false;
  }
  std::vector<AofFileInfo> files{base};
  files.insert(files.end(), files_.begin() + static_cast<std::ptrdiff_t>(files_before_rewrite_), files_.end());
  // The manifest's directory fsync makes the rename durable too.
  if (!writeManifest(files, error)) {
    ::unlink(paths_.pathOf(base.name).c_str());
    return false;
  }
  for (size_t i = 0; i < files_before_rewrite_; i++) removeFile(paths_.pathOf(files_[i].name));
  files_ = std::move(files);
  if (waiting_for_base_) {
    waiting_for_base_ = false;
    removeUnlisted();  // the files of an old log this one replaces
  }
  older_files_bytes_ = fileSize(paths_.pathOf(base.name));
  for (size_t i = 1; i + 1 < files_.size(); i++) older_files_bytes_ += fileSize(paths_.pathOf(files_[i].name));
  rewrite_base_size_ = currentSize();
  return true;
}

#endif

}  // namespace ember
