// LazyFreer: see lazy_free.h.
#include "lazy_free.h"

#include "collection.h"

namespace ember {

LazyFreer::~LazyFreer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  for (Collection* c : queue_) destroyDetachedCollection(c);  // never started, or handed over after it stopped
}

void LazyFreer::free(Collection* detached) {
  pending_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(detached);
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  wake_.notify_one();
}

void LazyFreer::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void LazyFreer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<Collection*> batch;
    batch.swap(queue_);
    busy_ = true;
    lock.unlock();
    for (Collection* c : batch) {
      destroyDetachedCollection(c);
      pending_.fetch_sub(1, std::memory_order_relaxed);
      freed_.fetch_add(1, std::memory_order_relaxed);
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace ember
