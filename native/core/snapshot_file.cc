// Snapshot files: see snapshot_file.h.
#include "snapshot_file.h"

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#ifndef _WIN32
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "file_io.h"
#include "snapshot.h"
#include "store.h"

namespace ember {

std::string joinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string snapshotTempPath(const std::string& dir, int64_t pid) {
  return joinPath(dir, "temp-" + std::to_string(pid) + ".emb");
}

#ifdef _WIN32

namespace {
constexpr const char* kUnsupported = "snapshot files are not supported on Windows";
}

std::optional<std::string> checkSnapshotDir(const std::string&) { return std::string(kUnsupported); }
SnapshotFileSaveResult saveSnapshotFile(Store&, const std::string&, const std::string&) {
  SnapshotFileSaveResult r;
  r.error = kUnsupported;
  return r;
}
SnapshotChild forkSnapshotChild(Store&, const std::string&, const std::string&) {
  SnapshotChild c;
  c.error = kUnsupported;
  return c;
}
SnapshotChildStatus pollSnapshotChild(SnapshotChild&) {
  SnapshotChildStatus s;
  s.state = SnapshotChildState::kFailed;
  s.error = kUnsupported;
  return s;
}
SnapshotChildStatus waitSnapshotChild(SnapshotChild& child) { return pollSnapshotChild(child); }
void killSnapshotChild(SnapshotChild&) {}
SnapshotFileLoadResult loadSnapshotFile(Store&, const std::string&, const std::string&, const LoadProgressFn&) {
  SnapshotFileLoadResult r;
  r.error = kUnsupported;
  return r;
}

#else

namespace {

// A sink that writes to a file descriptor through a buffer: the writer's
// blocks (about kSnapshotBlockBytes) are gathered into writes of up to
// kBufferBytes; a block at least that large goes straight through.
class FdSink final : public SnapshotSink {
 public:
  static constexpr size_t kBufferBytes = 256 * 1024;

  explicit FdSink(int fd) : fd_(fd) { buffer_.reserve(kBufferBytes); }

  bool write(ByteView bytes) override {
    if (failed_) return false;
    if (buffer_.size() + bytes.size() > kBufferBytes && !flush()) return false;
    if (bytes.size() >= kBufferBytes) {
      if (!writeAll(fd_, bytes.data(), bytes.size())) return fail();
      return true;
    }
    buffer_.append(bytes.data(), bytes.size());
    return true;
  }

  bool flush() {
    if (failed_) return false;
    if (!buffer_.empty() && !writeAll(fd_, buffer_.data(), buffer_.size())) return fail();
    buffer_.clear();
    return true;
  }

  int savedErrno() const { return errno_; }

 private:
  bool fail() {
    failed_ = true;
    errno_ = errno;
    return false;
  }

  int fd_;
  std::string buffer_;
  bool failed_ = false;
  int errno_ = 0;
};

int64_t steadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<std::string> checkSnapshotDir(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return errnoText(errno);
  if (!S_ISDIR(st.st_mode)) return errnoText(ENOTDIR);
  if (::access(path.c_str(), X_OK) != 0) return errnoText(errno);
  return std::nullopt;
}

SnapshotFileSaveResult saveSnapshotFile(Store& store, const std::string& dir, const std::string& filename) {
  SnapshotFileSaveResult result;
  const std::string temp = snapshotTempPath(dir, static_cast<int64_t>(::getpid()));
  const std::string target = joinPath(dir, filename);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    result.error = "Failed opening the temp file " + temp + " for saving: " + errnoText(errno);
    return result;
  }
  auto fail = [&](std::string message) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    result.ok = false;
    result.error = std::move(message);
    return result;
  };
  FdSink sink(fd);
  SnapshotWriteResult written = writeSnapshot(store, sink);
  if (!written.ok || !sink.flush()) {
    return fail("Write error saving the snapshot to " + temp + ": " + errnoText(sink.savedErrno() ? sink.savedErrno() : EIO));
  }
  if (::fsync(fd) != 0) return fail("Failed to fsync " + temp + ": " + errnoText(errno));
  int closed = ::close(fd);
  fd = -1;
  if (closed != 0) return fail("Failed to close " + temp + ": " + errnoText(errno));
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    return fail("Failed renaming " + temp + " to " + target + ": " + errnoText(errno));
  }
  if (fsyncDir(dir) != 0) {
    // The file is in place; only the rename's durability is in doubt (as
    // Redis, the save is reported failed).
    result.error = "Failed to fsync the directory " + dir + " after saving " + target + ": " + errnoText(errno);
    return result;
  }
  result.ok = true;
  result.keys = written.keys;
  result.bytes = written.bytes;
  return result;
}

SnapshotChild forkSnapshotChild(Store& store, const std::string& dir, const std::string& filename) {
  SnapshotChild child;
  int fds[2];
  if (::pipe(fds) != 0) {
    child.error = "Can't save in background: pipe: " + errnoText(errno);
    return child;
  }
  ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  pid_t pid = ::fork();
  if (pid == 0) {
    // The child: see the header for what it may do. It never returns.
    ::close(fds[0]);
    for (int sig = 1; sig < NSIG; sig++) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      ::signal(sig, sig == SIGPIPE ? SIG_IGN : SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    SnapshotFileSaveResult saved = saveSnapshotFile(store, dir, filename);
    if (!saved.ok) {
      size_t n = saved.error.size() < 500 ? saved.error.size() : 500;  // < PIPE_BUF: one atomic write
      ssize_t ignored = ::write(fds[1], saved.error.data(), n);
      (void)ignored;
    }
    ::_exit(saved.ok ? 0 : 1);
  }
  ::close(fds[1]);
  if (pid < 0) {
    int e = errno;
    ::close(fds[0]);
    child.error = "Can't save in background: fork: " + errnoText(e);
    return child;
  }
  child.pid = pid;
  child.error_fd = fds[0];
  child.dir = dir;
  return child;
}

namespace {

std::string readChildError(int fd) {
  std::string text;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  return text;
}

void closeChild(SnapshotChild& child) {
  if (child.error_fd >= 0) ::close(child.error_fd);
  child.error_fd = -1;
  child.pid = -1;
}

}  // namespace

SnapshotChildStatus pollSnapshotChild(SnapshotChild& child) {
  SnapshotChildStatus status;
  if (child.pid <= 0) {
    status.state = SnapshotChildState::kFailed;
    status.error = "no background save is running";
    return status;
  }
  int wstatus = 0;
  pid_t r;
  do {
    r = ::waitpid(static_cast<pid_t>(child.pid), &wstatus, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return status;  // still running
  const int64_t pid = child.pid;
  if (r < 0) {
    // Reaped by someone else (a SIGCHLD handler): the outcome is unknown.
    status.state = SnapshotChildState::kFailed;
    status.error = "waitpid(" + std::to_string(pid) + "): " + errnoText(errno);
  } else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
    status.state = SnapshotChildState::kSucceeded;
  } else {
    status.state = SnapshotChildState::kFailed;
    if (WIFSIGNALED(wstatus)) {
      status.killed_by_signal = true;
      status.signal = WTERMSIG(wstatus);
      status.error = "Background saving terminated by signal " + std::to_string(status.signal);
    } else {
      status.error = readChildError(child.error_fd);
      if (status.error.empty()) status.error = "Background saving error (exit code " + std::to_string(WEXITSTATUS(wstatus)) + ")";
    }
  }
  if (status.state == SnapshotChildState::kFailed) ::unlink(snapshotTempPath(child.dir, pid).c_str());
  closeChild(child);
  return status;
}

SnapshotChildStatus waitSnapshotChild(SnapshotChild& child) {
  for (;;) {
    SnapshotChildStatus status = pollSnapshotChild(child);
    if (status.state != SnapshotChildState::kRunning) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void killSnapshotChild(SnapshotChild& child) {
  if (child.pid <= 0) return;
  ::kill(static_cast<pid_t>(child.pid), SIGUSR1);
  int wstatus;
  while (::waitpid(static_cast<pid_t>(child.pid), &wstatus, 0) < 0 && errno == EINTR) {
  }
  ::unlink(snapshotTempPath(child.dir, child.pid).c_str());
  closeChild(child);
}

SnapshotFileLoadResult loadSnapshotFile(Store& store, const std::string& dir, const std::string& filename,
                                        const LoadProgressFn& progress) {
  SnapshotFileLoadResult result;
  const int64_t start = steadyUs();
  const std::string path = joinPath(dir, filename);
  for (int i = 0; i < Store::kDatabases; i++) {
    if (store.db(i).size() != 0) {
      result.error = "Can't load " + path + ": the store is not empty";
      return result;
    }
  }
  std::string data;
  bool missing = false;
  if (!readWholeFile(path, data, result.error, &missing)) {
    if (missing) {
      result.ok = true;
      result.missing = true;
      result.error.clear();
    }
    return result;
  }
  // A file that shrank while it was read shows as a truncated image.
  result.mtime_ms = fileMtimeMs(path);
  result.bytes = data.size();
  SnapshotLoadResult loaded = loadSnapshot(ByteView(data.data(), data.size()), store, progress);
  result.duration_us = steadyUs() - start;
  if (!loaded.ok) {
    result.error_offset = loaded.error_offset;
    result.error = "Bad snapshot file " + path + ": " + loaded.error;
    return result;
  }
  result.ok = true;
  result.keys_loaded = loaded.keys_loaded;
  result.keys_expired = loaded.keys_expired;
  return result;
}

#endif

}  // namespace ember
