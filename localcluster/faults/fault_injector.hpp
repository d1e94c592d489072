#pragma once
// The faults in force and the dice: one per dynop-localcluster process, so
// the settings and the count of injected failures outlive a restart in place.
// Thread-safe; the API server asks it on every request.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

#include "localcluster/faults/fault_config.hpp"

namespace dynop::localcluster::faults {

// A write to fail instead of performing it.
struct WriteFault {
  int code = 500;               // 409, 429 or 500
  int retry_after_seconds = 0;  // for 429
};

class FaultInjector {
 public:
  // A uniform draw in [0, 1). Tests pass a scripted one.
  using Random = std::function<double()>;

  // `random` empty: a Mersenne Twister seeded from std::random_device.
  explicit FaultInjector(FaultConfig initial = {}, Random random = {});

  FaultConfig config() const;
  // Replaces the settings and logs them (one line).
  void set_config(FaultConfig config);

  std::chrono::milliseconds latency() const;

  // Whether this write to `resource` (plural name) fails, by the configured
  // rate; each failure it hands out is counted.
  std::optional<WriteFault> write_fault(std::string_view resource,
                                        std::string_view subresource = {},
                                        std::string_view name = {});

  std::uint64_t injected_failures() const { return injected_failures_.load(); }

 private:
  mutable std::mutex mutex_;
  FaultConfig config_;
  Random random_;
  std::atomic<int> latency_ms_{0};  // read on every request without the lock
  std::atomic<std::uint64_t> injected_failures_{0};
};

// One line saying what is in force ("write faults off, latency 0 ms").
std::string describe(const FaultConfig& config);

}  // namespace dynop::localcluster::faults
