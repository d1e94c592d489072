#pragma once
// Simulated time, for everything dynop-sim does: request arrivals, service
// times, pod start-up delays. One knob, the speed-up, maps it to wall time, so
// a benchmark can replay an hour of load in minutes and every delay shrinks
// alike.
//
//   ScaledClock clock(60);           // one wall second is a simulated minute
//   SimTime t = clock.now();         // simulated time since the clock started
//   clock.wall_for(30s);             // 0.5 s of wall time to sleep for 30 simulated s
//
// ManualClock only moves when told to: unit tests and benchmarks drive the
// model as fast as it computes.

#include <chrono>
#include <mutex>

namespace dynop::sim {

// Simulated time: nanoseconds since the simulation started.
struct SimClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<SimClock>;
  static constexpr bool is_steady = true;
};
using SimTime = SimClock::time_point;
using SimDuration = SimClock::duration;

// Seconds (the model's arithmetic) to simulated duration, rounded to the nanosecond.
SimDuration sim_seconds(double seconds);
double to_seconds(SimDuration d);
inline double to_seconds(SimTime t) { return to_seconds(t.time_since_epoch()); }

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SimTime now() const = 0;
  // Simulated seconds per wall second (>= 1 speeds the simulation up).
  virtual double speedup() const = 0;
  // The wall time that `d` of simulated time takes.
  std::chrono::nanoseconds wall_for(SimDuration d) const;
  // The wall-clock time (system_clock) at simulated time `t`, for timestamps
  // the outside world reads (kubelet resource metrics, pod start times).
  virtual std::chrono::system_clock::time_point wall_time(SimTime t) const = 0;
};

// Simulated time runs `speedup` times as fast as the steady clock since construction.
class ScaledClock final : public Clock {
 public:
  explicit ScaledClock(double speedup);
  SimTime now() const override;
  double speedup() const override { return speedup_; }
  std::chrono::system_clock::time_point wall_time(SimTime t) const override;

 private:
  double speedup_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::system_clock::time_point start_wall_;
};

// Moves only by set()/advance(). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(double speedup = 1.0, std::chrono::system_clock::time_point start_wall = {});
  SimTime now() const override;
  double speedup() const override { return speedup_; }
  std::chrono::system_clock::time_point wall_time(SimTime t) const override;
  void set(SimTime t);
  void advance(SimDuration d);

 private:
  double speedup_;
  std::chrono::system_clock::time_point start_wall_;
  mutable std::mutex mutex_;
  SimTime now_{};
};

}  // namespace dynop::sim
