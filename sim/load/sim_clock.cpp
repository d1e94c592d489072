#include "sim/load/sim_clock.hpp"

#include <cmath>
#include <stdexcept>

namespace dynop::sim {

SimDuration sim_seconds(double seconds) {
  return SimDuration(static_cast<SimDuration::rep>(std::llround(seconds * 1e9)));
}

double to_seconds(SimDuration d) { return static_cast<double>(d.count()) * 1e-9; }

std::chrono::nanoseconds Clock::wall_for(SimDuration d) const {
  return std::chrono::nanoseconds(
      static_cast<std::int64_t>(std::llround(static_cast<double>(d.count()) / speedup())));
}

namespace {
double checked(double speedup) {
  if (!(speedup > 0) || !std::isfinite(speedup)) {
    throw std::invalid_argument("the simulated time speed-up must be a positive number");
  }
  return speedup;
}
}  // namespace

ScaledClock::ScaledClock(double speedup)
    : speedup_(checked(speedup)),
      start_(std::chrono::steady_clock::now()),
      start_wall_(std::chrono::system_clock::now()) {}

SimTime ScaledClock::now() const {
  const auto wall = std::chrono::steady_clock::now() - start_;
  return SimTime(SimDuration(static_cast<SimDuration::rep>(
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count()) *
      speedup_)));
}

std::chrono::system_clock::time_point ScaledClock::wall_time(SimTime t) const {
  return start_wall_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                           wall_for(t.time_since_epoch()));
}

ManualClock::ManualClock(double speedup, std::chrono::system_clock::time_point start_wall)
    : speedup_(checked(speedup)), start_wall_(start_wall) {}

SimTime ManualClock::now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

std::chrono::system_clock::time_point ManualClock::wall_time(SimTime t) const {
  return start_wall_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                           wall_for(t.time_since_epoch()));
}

void ManualClock::set(SimTime t) {
  std::lock_guard lock(mutex_);
  now_ = t;
}

void ManualClock::advance(SimDuration d) {
  std::lock_guard lock(mutex_);
  now_ += d;
}

}  // namespace dynop::sim
