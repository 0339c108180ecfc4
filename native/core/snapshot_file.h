// Snapshot files (issue 6): putting a snapshot image (snapshot.h) on disk
// safely, in the foreground (SAVE) or in a forked child (BGSAVE), and
// reading one back at startup. Commands and bookkeeping (dirty counter,
// LASTSAVE, save rules, INFO) live in Store (store_persistence.cc) and
// commands/persistence.cc; this file only does the system calls.
//
// WRITING (saveSnapshotFile), as Redis's rdbSave:
//   1. open <dir>/temp-<pid>.emb (created or truncated, mode 0644), where
//      <pid> is the writing process's (the child's, for BGSAVE);
//   2. stream the image into it through a buffered fd sink;
//   3. fsync the file and close it;
//   4. rename it over <dir>/<dbfilename> (atomic: a reader sees the old
//      file or the new one, never a mix);
//   5. fsync the directory, so that the rename itself is durable.
// Any failure unlinks the temp file (when it got that far) and reports an
// error naming the path and strerror(errno); an existing target file is
// left as it was unless step 4 happened. Nothing chdir()s: the directory
// is the path configured, joined with the file name.
//
// BACKGROUND SAVE BY fork() (forkSnapshotChild). The embedding process is
// Node.js: several threads (V8 platform workers, libuv's pool, the lazy-free
// thread) and a heap the core knows nothing about. fork() copies only the
// calling thread, and the child here is safe because of what it does, and
// does not do:
//   - it only READS the core's data structures (the writer is read-only:
//     no access-clock touch, no lazy expiry, no rehash step), which the
//     child sees frozen at the moment of the fork through copy-on-write
//     pages: the image is exactly the store as it was when BGSAVE ran,
//     whatever the parent executes afterwards;
//   - it calls malloc/free (the writer's small temporaries): glibc's fork()
//     takes every malloc arena lock before forking and re-initialises them
//     in the child, so the allocator is usable there even if another
//     thread was inside malloc at the time (ASan's allocator does the
//     same through its own atfork handlers);
//   - otherwise it calls only async-signal-safe system calls: open, write,
//     fsync, close, rename, unlink, getpid, signal resets, _exit;
//   - it never touches V8, libuv, Node or any lock another thread may have
//     held at the fork (the lazy-free thread and its mutex do not exist in
//     the child; a collection the parent had handed it is detached from
//     the keyspace, so the child never reads it);
//   - it never returns into the caller: it leaves with _exit(0) on success
//     or _exit(1), so no atexit handler, static destructor, Node exit hook
//     or leak check runs in it;
//   - signals the parent handles (libuv's SIGINT/SIGTERM/... handlers write
//     to a pipe shared with the parent) are reset to their defaults first,
//     so a signal to the child cannot be taken for one to the parent.
// The child reports its error text to the parent through a pipe (one
// write, shorter than PIPE_BUF, before _exit). The parent's cost is the
// fork() call itself (copying the page tables; measured in
// native/tests/persistence_test.cc) plus the pages it writes to while the
// child runs (copy-on-write).
//
// LOADING (loadSnapshotFile): reads the whole file with read() into one
// buffer and hands it to loadSnapshot; a missing file is not an error.
//
// POSIX only (Linux, macOS); on Windows every function reports an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "snapshot.h"

namespace ember {

class Store;

// <dir>/<name> ("dir/" is not doubled).
std::string joinPath(const std::string& dir, const std::string& name);
// The temp file a process with id `pid` writes: <dir>/temp-<pid>.emb.
std::string snapshotTempPath(const std::string& dir, int64_t pid);

// Whether `path` can be used as the snapshot directory (CONFIG SET dir):
// nullopt if it exists, is a directory and can be searched; otherwise the
// strerror text (e.g. "No such file or directory", "Not a directory").
std::optional<std::string> checkSnapshotDir(const std::string& path);

struct SnapshotFileSaveResult {
  bool ok = false;
  uint64_t keys = 0;   // key records written
  uint64_t bytes = 0;  // size of the file
  std::string error;   // when !ok: what failed, with the path and errno text
};

// Writes the snapshot of every database of `store` to <dir>/<filename>
// (steps above), using the temp file of the calling process's pid.
SnapshotFileSaveResult saveSnapshotFile(Store& store, const std::string& dir, const std::string& filename);

struct SnapshotChild {
  int64_t pid = -1;     // > 0: the child's pid
  int error_fd = -1;    // read end of the child's error pipe (parent side)
  std::string dir;      // where it writes (its temp file is there)
  std::string error;    // when pid <= 0: why fork (or pipe) failed
};

// Forks a child that runs saveSnapshotFile(store, dir, filename) and
// _exit()s with 0 (saved) or 1; returns in the parent only.
SnapshotChild forkSnapshotChild(Store& store, const std::string& dir, const std::string& filename);

enum class SnapshotChildState { kRunning, kSucceeded, kFailed };
struct SnapshotChildStatus {
  SnapshotChildState state = SnapshotChildState::kRunning;
  bool killed_by_signal = false;
  int signal = 0;
  std::string error;  // when kFailed: the child's error text, or how it died
};

// Polls `child` without blocking (waitpid WNOHANG); once it has ended,
// reaps it, closes its pipe, removes its temp file if it failed (as Redis's
// rdbRemoveTempFile) and says how it ended.
SnapshotChildStatus pollSnapshotChild(SnapshotChild& child);
// Waits (blocking, polling every millisecond) for `child` to end, then
// does what pollSnapshotChild does once it has.
SnapshotChildStatus waitSnapshotChild(SnapshotChild& child);
// Kills a running child (SIGUSR1, as Redis's killRDBChild, then waits for
// it), removes its temp file and closes its pipe.
void killSnapshotChild(SnapshotChild& child);

struct SnapshotFileLoadResult {
  bool ok = false;
  bool missing = false;  // no such file: ok, nothing loaded
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;  // records dropped: expired at load time
  uint64_t bytes = 0;         // size of the file
  int64_t duration_us = 0;    // reading and loading
  int64_t mtime_ms = 0;       // the file's modification time (Unix ms)
  size_t error_offset = 0;    // when !ok because of the content
  std::string error;          // when !ok: names the file (and the offset)
};

// Loads <dir>/<filename> into `store`, whose databases must all be empty.
// On error the store is left empty (loadSnapshot's rule). `progress` as
// loadSnapshot's.
SnapshotFileLoadResult loadSnapshotFile(Store& store, const std::string& dir, const std::string& filename,
                                        const LoadProgressFn& progress = {});

}  // namespace ember
