// Small POSIX file helpers shared by the snapshot and append-only log
// writers (snapshot_file.cc, append_log.cc, store_aof.cc): whole writes,
// directory fsync, whole-file reads, and errno texts. POSIX only; on
// Windows every call fails with ENOSYS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ember {

// strerror(e).
std::string errnoText(int e);

// Writes all of [data, data + n) to `fd`, retrying after EINTR and short
// writes; false with errno set on failure.
bool writeAll(int fd, const char* data, size_t n);

// fsync of a directory (its entries: a rename or a new file in it); -1
// with errno set on failure.
int fsyncDir(const std::string& dir);

// Reads the whole file at `path` into `data` (replaced); false with
// `error` ("Can't open <path>: <errno text>", ...) on failure, and then
// `*missing` (if given) says whether there was no such file.
bool readWholeFile(const std::string& path, std::string& data, std::string& error, bool* missing = nullptr);

// Replaces the file at `path` with `text` atomically and durably: writes
// `temp` (a path in the same directory), fsyncs it, renames it over
// `path`, and fsyncs the directory. False with `error` on failure ("Can't
// write <what> <path>: <errno text>", ...); the temp file is then removed.
bool replaceFileDurably(const std::string& path, const std::string& temp, std::string_view text,
                        std::string_view what, std::string& error);

// The modification time of the file at `path` in Unix ms, or 0.
int64_t fileMtimeMs(const std::string& path);

// The size of the file at `path`, or 0 if it cannot be stat'ed.
uint64_t fileSize(const std::string& path);

}  // namespace ember
