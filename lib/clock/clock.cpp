#include "lib/clock/clock.hpp"

#include <algorithm>

namespace dynop::clock {

Clock& real_clock() {
  static RealClock clock;
  return clock;
}

// Starts at an arbitrary but realistic wall time so formatted timestamps look
// like real ones (2026-01-01T00:00:00Z).
FakeClock::FakeClock()
    : now_(TimePoint{} + std::chrono::hours(1000)),
      wall_(WallTime{} + std::chrono::seconds(1767225600)) {}

TimePoint FakeClock::now() const {
  std::lock_guard guard(mutex_);
  return now_;
}

WallTime FakeClock::wall_now() const {
  std::lock_guard guard(mutex_);
  return wall_;
}

int FakeClock::waiters() const {
  std::lock_guard guard(mutex_);
  return static_cast<int>(waiters_.size());
}

void FakeClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                           TimePoint deadline) {
  Waiter self{lock.mutex(), &cv};
  {
    std::lock_guard guard(mutex_);
    if (now_ >= deadline) return;
    waiters_.push_back(&self);
  }
  // advance() takes `lock`'s mutex before notifying, so the notification
  // cannot slip in between the check above and this wait.
  cv.wait(lock);
  std::lock_guard guard(mutex_);
  waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), &self), waiters_.end());
}

void FakeClock::advance(Duration by) {
  std::vector<Waiter> to_wake;
  {
    std::lock_guard guard(mutex_);
    now_ += by;
    wall_ += std::chrono::duration_cast<WallTime::duration>(by);
    for (const Waiter* waiter : waiters_) to_wake.push_back(*waiter);
  }
  for (const Waiter& waiter : to_wake) {
    std::lock_guard guard(*waiter.mutex);
    waiter.cv->notify_all();
  }
}

}  // namespace dynop::clock
