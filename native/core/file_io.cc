// File helpers: see file_io.h.
#include "file_io.h"

#include <cerrno>
#include <cstring>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace ember {

std::string errnoText(int e) { return std::strerror(e); }

#ifdef _WIN32

bool writeAll(int, const char*, size_t) {
  errno = ENOSYS;
  return false;
}
int fsyncDir(const std::string&) {
  errno = ENOSYS;
  return -1;
}
bool readWholeFile(const std::string& path, std::string&, std::string& error, bool* missing) {
  if (missing) *missing = false;
  error = "Can't read " + path + ": not supported on Windows";
  return false;
}
uint64_t fileSize(const std::string&) { return 0; }
bool replaceFileDurably(const std::string& path, const std::string&, std::string_view, std::string_view,
                        std::string& error) {
  error = "Can't write " + path + ": not supported on Windows";
  return false;
}
int64_t fileMtimeMs(const std::string&) { return 0; }

#else

bool writeAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (w == 0) {
      errno = EIO;
      return false;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

int fsyncDir(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  int r = ::fsync(fd);
  int e = errno;
  ::close(fd);
  errno = e;
  return r;
}

bool readWholeFile(const std::string& path, std::string& data, std::string& error, bool* missing) {
  if (missing) *missing = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (missing) *missing = e == ENOENT;
    error = "Can't open " + path + ": " + errnoText(e);
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    error = "Can't stat " + path + ": " + errnoText(errno);
    ::close(fd);
    return false;
  }
  data.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "Can't read " + path + ": " + errnoText(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;  // shrank while reading: the caller sees it cut short
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(got);
  return true;
}

uint64_t fileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

int64_t fileMtimeMs(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
#ifdef __APPLE__
  return static_cast<int64_t>(st.st_mtimespec.tv_sec) * 1000 + st.st_mtimespec.tv_nsec / 1000000;
#else
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
#endif
}

bool replaceFileDurably(const std::string& path, const std::string& temp, std::string_view text,
                        std::string_view what, std::string& error) {
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "Can't open " + temp + ": " + errnoText(errno);
    return false;
  }
  bool ok = writeAll(fd, text.data(), text.size()) && ::fsync(fd) == 0;
  int e = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    if (ok) e = errno;
    ::unlink(temp.c_str());
    error = "Can't write " + std::string(what) + " " + path + ": " + errnoText(e);
    return false;
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (fsyncDir(dir) != 0) {
    error = "Can't fsync the directory " + dir + ": " + errnoText(errno);
    return false;
  }
  return true;
}

#endif

}  // namespace ember
