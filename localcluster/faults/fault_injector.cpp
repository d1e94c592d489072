#include "localcluster/faults/fault_injector.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <random>

namespace dynop::localcluster::faults {

FaultInjector::FaultInjector(FaultConfig initial, Random random)
    : config_(std::move(initial)), random_(std::move(random)), latency_ms_(config_.latency_ms) {
  if (!random_) {
    random_ = [engine = std::mt19937_64(std::random_device{}()),
               uniform = std::uniform_real_distribution<double>(0.0, 1.0)]() mutable {
      return uniform(engine);
    };
  }
}

FaultConfig FaultInjector::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void FaultInjector::set_config(FaultConfig config) {
  spdlog::info("faults: {}", describe(config));
  std::lock_guard lock(mutex_);
  latency_ms_ = config.latency_ms;
  config_ = std::move(config);
}

std::chrono::milliseconds FaultInjector::latency() const {
  return std::chrono::milliseconds(latency_ms_.load());
}

std::optional<WriteFault> FaultInjector::write_fault(std::string_view resource,
                                                     std::string_view subresource,
                                                     std::string_view name) {
  std::lock_guard lock(mutex_);
  if (config_.write_error_rate <= 0 || !config_.applies_to(resource, subresource, name))
    return std::nullopt;
  if (random_() >= config_.write_error_rate) return std::nullopt;
  ++injected_failures_;
  return WriteFault{config_.write_error_code, config_.retry_after_seconds};
}

std::string describe(const FaultConfig& config) {
  std::string writes =
      config.write_error_rate > 0
          ? fmt::format("{}% of writes to {} fail with {}{}", config.write_error_rate * 100,
                        config.resources.empty()
                            ? std::string("any resource")
                            : fmt::format("{}", fmt::join(config.resources, ",")),
                        config.write_error_code,
                        config.write_error_code == 429
                            ? fmt::format(" (Retry-After {}s)", config.retry_after_seconds)
                            : std::string())
          : std::string("write faults off");
  return fmt::format("{}, latency {} ms", writes, config.latency_ms);
}

}  // namespace dynop::localcluster::faults
