// LazyFreer: frees large values (and removed files' blocks) on a
// background thread.
//
// Dropping a collection of millions of elements means millions of free()
// calls: tens to hundreds of milliseconds on the command thread. So when a
// large collection leaves the keyspace (deleted, overwritten, expired,
// evicted or flushed: Redis with every lazyfree-* option on) the keyspace
// detaches it from the store's memory counter (its bytes leave used_memory
// at once; collection.h) and hands it here. The thread owns
// what it is given and touches nothing else: the allocator is thread-safe,
// and a detached collection counts only into its own counter.
//
// Invariants:
//  - everything handed over (a collection, or a whole keyspace emptied by
//    FLUSHALL/FLUSHDB ASYNC) is detached from the store's counter and
//    referenced by nothing else; it is freed exactly once, by the thread;
//  - the thread exists only once something was handed over, and the
//    destructor frees whatever is still queued before joining it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ember {

class Collection;

class LazyFreer {
 public:
  // Collections with more elements than this are freed in the background
  // (Redis's LAZYFREE_THRESHOLD); smaller ones cost less to free inline.
  static constexpr size_t kThreshold = 64;

  LazyFreer() = default;
  ~LazyFreer();
  LazyFreer(const LazyFreer&) = delete;
  LazyFreer& operator=(const LazyFreer&) = delete;

  // Takes a detached collection (Collection::detachFromStore) and frees it
  // on the background thread.
  void free(Collection* detached);
  // Runs `dispose` on the background thread: it frees something detached
  // from the store (a whole keyspace, Store::flushAsync), or, not
  // `counted` in pending()/freed() (which count values, as Redis's INFO
  // lazyfree fields do), the blocks of a removed file (AppendLog).
  void run(std::function<void()> dispose, bool counted = true);
  // Collections handed over and not yet freed (INFO lazyfree_pending_objects).
  size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  // Total freed so far (INFO lazyfreed_objects).
  size_t freed() const { return freed_.load(std::memory_order_relaxed); }
  // Blocks until everything handed over so far is freed (tests).
  void drain();

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  struct Job {
    std::function<void()> dispose;
    bool counted;
  };
  std::vector<Job> queue_;
  std::thread thread_;
  bool stopping_ = false;
  bool busy_ = false;
  std::atomic<size_t> pending_{0};
  std::atomic<size_t> freed_{0};
};

}  // namespace ember
