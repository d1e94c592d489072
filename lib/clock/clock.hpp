#pragma once
// Time source for queues, rate limiters and leader election. Everything that
// waits goes through a Clock so unit tests drive time with FakeClock instead
// of sleeping.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace dynop::clock {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time: deadlines, backoff, queue latency.
  virtual TimePoint now() const = 0;
  // Wall time: what gets written into objects (Lease renewTime).
  virtual WallTime wall_now() const = 0;
  // Waits on `cv` (whose mutex `lock` holds) until notified or `deadline`
  // passes. Spurious returns are allowed: callers re-check their condition.
  virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                          TimePoint deadline) = 0;
};

class RealClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                  TimePoint deadline) override {
    cv.wait_until(lock, deadline);
  }
};

// The process-wide real clock (stateless, never destroyed before users).
Clock& real_clock();

// Time only moves when a test calls advance(); waiters wake up then.
// Waiters must stop waiting (their owner destroyed) before the FakeClock is.
class FakeClock final : public Clock {
 public:
  FakeClock();
  TimePoint now() const override;
  WallTime wall_now() const override;
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                  TimePoint deadline) override;
  void advance(Duration by);
  // Number of threads currently blocked in wait_until (lets a test wait until
  // a worker is parked before advancing time, without sleeping).
  int waiters() const;

 private:
  struct Waiter {
    std::mutex* mutex;
    std::condition_variable* cv;
  };
  mutable std::mutex mutex_;
  TimePoint now_;
  WallTime wall_;
  std::vector<Waiter*> waiters_;
};

}  // namespace dynop::clock
