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
  for (auto& job : queue_) job.dispose();  // never started, or handed over after it stopped
}

void LazyFreer::free(Collection* detached) {
  run([detached] { destroyDetachedCollection(detached); });
}

void LazyFreer::run(std::function<void()> dispose, bool counted) {
  if (counted) pending_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(Job{std::move(dispose), counted});
    if (!thread_.joinable()) thread_ = std::thread([this] { work(); });
  }
  wake_.notify_one();
}

void LazyFreer::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void LazyFreer::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<Job> batch;
    batch.swap(queue_);
    busy_ = true;
    lock.unlock();
    for (auto& job : batch) {
      job.dispose();
      if (!job.counted) continue;
      pending_.fetch_sub(1, std::memory_order_relaxed);
      freed_.fetch_add(1, std::memory_order_relaxed);
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace ember
