#pragma once
// The three metric kinds. Updates are lock-free (atomics only) because they
// sit on hot paths: reconciles, webhook reviews, watch events.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace dynop::metrics {

class Counter {
 public:
  // Negative increments are ignored: a counter only goes up.
  void inc(double v = 1) {
    if (v > 0) value_.fetch_add(v, std::memory_order_relaxed);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  void dec(double v = 1) { value_.fetch_sub(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds` are the upper bounds of the finite buckets, strictly increasing
  // (the Registry validates them); +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);

  void observe(double v);

  // Snapshot for serialization and tests. Buckets are cumulative, the last
  // one is +Inf and equals `count`.
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  // Per-bucket (non-cumulative) counts; index bounds_.size() is +Inf.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

}  // namespace dynop::metrics
