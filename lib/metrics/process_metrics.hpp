#pragma once
// The process_* series every Go component exports (client_golang's process
// collector, which kube-apiserver registers): CPU time, resident and virtual
// memory, open and maximum file descriptors, start time. Read from /proc at
// scrape time, so the request path pays nothing.
//
//   metrics::Registry registry;
//   metrics::ProcessMetrics process(registry);
//   process.update();                       // before each registry.serialize()
//   std::string body = registry.serialize();

#include <mutex>

#include "lib/metrics/registry.hpp"

namespace dynop::metrics {

class ProcessMetrics {
 public:
  explicit ProcessMetrics(Registry& registry);

  // Reads /proc/self (Linux) into the series; on another system, or when a
  // file cannot be read, the series keep their last values. Thread-safe.
  void update();

 private:
  std::mutex mutex_;
  double cpu_seconds_reported_ = 0;  // what the counter holds (it only increments)
  Counter& cpu_seconds_;
  Gauge& resident_memory_bytes_;
  Gauge& virtual_memory_bytes_;
  Gauge& virtual_memory_max_bytes_;
  Gauge& open_fds_;
  Gauge& max_fds_;
  Gauge& start_time_seconds_;
};

}  // namespace dynop::metrics
