#pragma once
// Rate limiters for work queues, with client-go's semantics
// (k8s.io/client-go/util/workqueue/default_rate_limiters.go): when() says how
// long to wait before an item may be retried, forget() clears its history.
// The default combines per-item exponential backoff (5 ms doubling to
// 1000 s) with an overall token bucket (10 qps, burst 100), taking the longer
// of the two delays.

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "lib/clock/clock.hpp"

namespace dynop::workqueue {

template <typename T, typename Hash = std::hash<T>>
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // How long `item` must wait before being processed again; counts a requeue.
  virtual clock::Duration when(const T& item) = 0;
  // Stop tracking `item` (it succeeded): its backoff starts over next time.
  virtual void forget(const T& item) = 0;
  // Failures recorded for `item` since it was last forgotten.
  virtual int num_requeues(const T& item) = 0;
};

// base * 2^failures, capped at max_delay.
template <typename T, typename Hash = std::hash<T>>
class ItemExponentialFailureRateLimiter final : public RateLimiter<T, Hash> {
 public:
  ItemExponentialFailureRateLimiter(clock::Duration base_delay, clock::Duration max_delay)
      : base_(base_delay), max_(max_delay) {}

  clock::Duration when(const T& item) override {
    std::lock_guard guard(mutex_);
    int exponent = failures_[item]++;
    // 2^62 ns is 146 years: anything beyond overflows and is capped anyway.
    if (exponent >= 62) return max_;
    const double delay = static_cast<double>(base_.count()) * static_cast<double>(1LL << exponent);
    if (delay >= static_cast<double>(max_.count())) return max_;
    return clock::Duration(static_cast<clock::Duration::rep>(delay));
  }
  void forget(const T& item) override {
    std::lock_guard guard(mutex_);
    failures_.erase(item);
  }
  int num_requeues(const T& item) override {
    std::lock_guard guard(mutex_);
    auto it = failures_.find(item);
    return it == failures_.end() ? 0 : it->second;
  }

 private:
  std::mutex mutex_;
  clock::Duration base_;
  clock::Duration max_;
  std::unordered_map<T, int, Hash> failures_;
};

// Overall token bucket: `qps` tokens per second, at most `burst` saved up.
// Like golang.org/x/time/rate's Reserve, a call always gets a reservation and
// the returned delay is when its token will exist; it does not track items.
template <typename T, typename Hash = std::hash<T>>
class BucketRateLimiter final : public RateLimiter<T, Hash> {
 public:
  BucketRateLimiter(double qps, int burst, clock::Clock& clock = clock::real_clock())
      : qps_(qps), burst_(burst), tokens_(burst), clock_(clock), last_(clock.now()) {}

  clock::Duration when(const T&) override {
    std::lock_guard guard(mutex_);
    const clock::TimePoint now = clock_.now();
    if (now > last_) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min<double>(burst_, tokens_ + elapsed * qps_);
      last_ = now;
    }
    tokens_ -= 1;
    if (tokens_ >= 0 || qps_ <= 0) return clock::Duration::zero();
    return std::chrono::duration_cast<clock::Duration>(
        std::chrono::duration<double>(-tokens_ / qps_));
  }
  void forget(const T&) override {}
  int num_requeues(const T&) override { return 0; }

 private:
  std::mutex mutex_;
  double qps_;
  int burst_;
  double tokens_;
  clock::Clock& clock_;
  clock::TimePoint last_;
};

// The longest delay of several limiters; requeues are the highest count.
template <typename T, typename Hash = std::hash<T>>
class MaxOfRateLimiter final : public RateLimiter<T, Hash> {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter<T, Hash>>> limiters)
      : limiters_(std::move(limiters)) {}

  clock::Duration when(const T& item) override {
    clock::Duration longest = clock::Duration::zero();
    for (auto& limiter : limiters_) longest = std::max(longest, limiter->when(item));
    return longest;
  }
  void forget(const T& item) override {
    for (auto& limiter : limiters_) limiter->forget(item);
  }
  int num_requeues(const T& item) override {
    int most = 0;
    for (auto& limiter : limiters_) most = std::max(most, limiter->num_requeues(item));
    return most;
  }

 private:
  std::vector<std::unique_ptr<RateLimiter<T, Hash>>> limiters_;
};

struct RateLimiterOptions {
  clock::Duration base_delay = std::chrono::milliseconds(5);
  clock::Duration max_delay = std::chrono::seconds(1000);
  double qps = 10;
  int burst = 100;
};

// client-go's DefaultControllerRateLimiter, with its numbers as defaults.
template <typename T, typename Hash = std::hash<T>>
std::unique_ptr<RateLimiter<T, Hash>> make_default_rate_limiter(
    const RateLimiterOptions& options = {}, clock::Clock& clock = clock::real_clock()) {
  std::vector<std::unique_ptr<RateLimiter<T, Hash>>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter<T, Hash>>(
      options.base_delay, options.max_delay));
  limiters.push_back(
      std::make_unique<BucketRateLimiter<T, Hash>>(options.qps, options.burst, clock));
  return std::make_unique<MaxOfRateLimiter<T, Hash>>(std::move(limiters));
}

}  // namespace dynop::workqueue
