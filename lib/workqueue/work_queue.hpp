#pragma once
// A typed work queue with client-go's semantics (workqueue.TypedRateLimitingInterface):
// - an item waiting in the queue is stored once, however often it is added;
// - an item is never handed to two workers at once: an item added while being
//   processed is marked dirty and handed out again after done();
// - add_after() delays an item; add_rate_limited() delays it by the rate
//   limiter (per-item exponential backoff plus an overall bucket by default);
// - shut_down() makes get() return nullopt once nothing is ready;
//   shut_down_with_drain() also waits for items in flight to be done.
// T must be hashable and copyable (controllers use namespace/name keys).

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/clock/clock.hpp"
#include "lib/workqueue/queue_metrics.hpp"
#include "lib/workqueue/rate_limiter.hpp"

namespace dynop::workqueue {

template <typename T, typename Hash = std::hash<T>>
class WorkQueue {
 public:
  struct Options {
    clock::Clock* clock = nullptr;                       // real clock when null
    std::unique_ptr<RateLimiter<T, Hash>> rate_limiter;  // default limiter when null
    std::unique_ptr<QueueMetrics> metrics;               // none when null
  };

  WorkQueue() : WorkQueue(Options{}) {}
  explicit WorkQueue(Options options)
      : clock_(options.clock ? *options.clock : clock::real_clock()),
        limiter_(options.rate_limiter ? std::move(options.rate_limiter)
                                      : make_default_rate_limiter<T, Hash>({}, clock_)),
        metrics_(options.metrics ? std::move(options.metrics) : std::make_unique<QueueMetrics>()) {}

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const T& item) {
    std::lock_guard guard(mutex_);
    add_locked(item);
  }

  // Adds `item` once `delay` has passed. If the item is already waiting, the
  // earlier of the two times wins.
  void add_after(const T& item, clock::Duration delay) {
    std::lock_guard guard(mutex_);
    if (shutting_down_) return;
    if (delay <= clock::Duration::zero()) {
      add_locked(item);
      return;
    }
    const clock::TimePoint ready = clock_.now() + delay;
    auto it = waiting_.find(item);
    if (it != waiting_.end()) {
      if (ready >= it->second) return;
      it->second = ready;
    } else {
      waiting_.emplace(item, ready);
    }
    heap_.push({ready, item});
    cv_.notify_all();
  }

  void add_rate_limited(const T& item) {
    const clock::Duration delay = limiter_->when(item);
    {
      std::lock_guard guard(mutex_);
      if (shutting_down_) return;
      metrics_->on_retry();
    }
    add_after(item, delay);
  }

  void forget(const T& item) { limiter_->forget(item); }
  int num_requeues(const T& item) { return limiter_->num_requeues(item); }

  // Blocks until an item is ready (returned and marked processing) or the
  // queue is shut down and nothing is ready (nullopt). Call done() after.
  std::optional<T> get() {
    std::unique_lock lock(mutex_);
    for (;;) {
      promote_due_locked();
      if (!queue_.empty()) break;
      if (shutting_down_) return std::nullopt;
      if (heap_.empty()) {
        cv_.wait(lock);
      } else {
        clock_.wait_until(lock, cv_, heap_.top().ready);
      }
    }
    T item = std::move(queue_.front());
    queue_.pop_front();
    processing_.insert(item);
    dirty_.erase(item);
    const clock::TimePoint now = clock_.now();
    auto added = added_at_.find(item);
    if (added != added_at_.end()) {
      metrics_->on_queue_wait(now - added->second);
      added_at_.erase(added);
    }
    started_at_[item] = now;
    metrics_->on_depth(static_cast<long long>(queue_.size()));
    return item;
  }

  // Marks `item` finished; if it was added meanwhile it is queued again.
  void done(const T& item) {
    std::lock_guard guard(mutex_);
    auto started = started_at_.find(item);
    if (started != started_at_.end()) {
      metrics_->on_work(clock_.now() - started->second);
      started_at_.erase(started);
    }
    processing_.erase(item);
    if (dirty_.count(item)) {
      queue_.push_back(item);
      added_at_.emplace(item, clock_.now());
      metrics_->on_depth(static_cast<long long>(queue_.size()));
    }
    cv_.notify_all();
  }

  // Items ready to be handed out (not counting delayed or in-flight ones).
  std::size_t len() {
    std::lock_guard guard(mutex_);
    promote_due_locked();
    return queue_.size();
  }
  // Items waiting for their delay to pass.
  std::size_t delayed_len() {
    std::lock_guard guard(mutex_);
    return waiting_.size();
  }

  void shut_down() {
    std::lock_guard guard(mutex_);
    shutting_down_ = true;
    cv_.notify_all();
  }

  // Stops accepting items, lets workers take what is ready, and returns once
  // nothing is in flight. Workers must keep calling get()/done() meanwhile.
  void shut_down_with_drain() {
    std::unique_lock lock(mutex_);
    shutting_down_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return processing_.empty() && queue_.empty(); });
  }

  bool shutting_down() {
    std::lock_guard guard(mutex_);
    return shutting_down_;
  }

 private:
  struct Delayed {
    clock::TimePoint ready;
    T item;
    bool operator>(const Delayed& other) const { return ready > other.ready; }
  };

  void add_locked(const T& item) {
    if (shutting_down_) return;
    if (dirty_.count(item)) return;
    metrics_->on_add();
    dirty_.insert(item);
    if (processing_.count(item)) return;
    queue_.push_back(item);
    added_at_.emplace(item, clock_.now());
    metrics_->on_depth(static_cast<long long>(queue_.size()));
    cv_.notify_all();
  }

  // Moves items whose delay has passed into the queue. Heap entries made
  // stale by an earlier re-add are skipped.
  void promote_due_locked() {
    if (heap_.empty() || shutting_down_) return;
    const clock::TimePoint now = clock_.now();
    while (!heap_.empty() && heap_.top().ready <= now) {
      Delayed top = heap_.top();
      heap_.pop();
      auto it = waiting_.find(top.item);
      if (it == waiting_.end() || it->second != top.ready) continue;
      waiting_.erase(it);
      add_locked(top.item);
    }
  }

  clock::Clock& clock_;
  std::unique_ptr<RateLimiter<T, Hash>> limiter_;
  std::unique_ptr<QueueMetrics> metrics_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<T> queue_;
  std::unordered_set<T, Hash> dirty_;
  std::unordered_set<T, Hash> processing_;
  std::unordered_map<T, clock::TimePoint, Hash> added_at_;
  std::unordered_map<T, clock::TimePoint, Hash> started_at_;
  std::unordered_map<T, clock::TimePoint, Hash> waiting_;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<Delayed>> heap_;
  bool shutting_down_ = false;
};

}  // namespace dynop::workqueue
