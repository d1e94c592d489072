#include "lib/metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace dynop::metrics {
namespace {

// Names and HELP texts as client_golang's process collector writes them.
Counter& cpu_counter(Registry& registry) {
  return registry
      .counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.")
      .with({});
}

Gauge& gauge(Registry& registry, const char* name, const char* help) {
  return registry.gauge(name, help).with({});
}

// The fields of /proc/self/stat after the command name (which may hold
// spaces and parentheses, hence the search for the last ')'): index 0 is
// field 3, "state".
std::vector<std::string> stat_fields() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return {};
  auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  return {std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
}

// Seconds since the epoch at boot ("btime" of /proc/stat); 0 when unknown.
double boot_time() {
  std::ifstream file("/proc/stat");
  std::string key;
  double value = 0;
  while (file >> key) {
    if (key == "btime") {
      file >> value;
      return value;
    }
    file.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

double limit_value(rlim_t limit) {
  // Unlimited reads as the largest uint64, as Go's procfs reports it.
  return static_cast<double>(limit);
}

}  // namespace

ProcessMetrics::ProcessMetrics(Registry& registry)
    : cpu_seconds_(cpu_counter(registry)),
      resident_memory_bytes_(
          gauge(registry, "process_resident_memory_bytes", "Resident memory size in bytes.")),
      virtual_memory_bytes_(
          gauge(registry, "process_virtual_memory_bytes", "Virtual memory size in bytes.")),
      virtual_memory_max_bytes_(gauge(registry, "process_virtual_memory_max_bytes",
                                      "Maximum amount of virtual memory available in bytes.")),
      open_fds_(gauge(registry, "process_open_fds", "Number of open file descriptors.")),
      max_fds_(gauge(registry, "process_max_fds", "Maximum number of open file descriptors.")),
      start_time_seconds_(gauge(registry, "process_start_time_seconds",
                                "Start time of the process since unix epoch in seconds.")) {
  update();
}

void ProcessMetrics::update() {
  std::lock_guard lock(mutex_);
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // Fields (man 5 proc), counted from 3: utime 14, stime 15, starttime 22,
  // vsize 23, rss 24 (pages).
  auto fields = stat_fields();
  if (fields.size() >= 22 && ticks > 0) {
    const double cpu = (std::stod(fields[14 - 3]) + std::stod(fields[15 - 3])) / ticks;
    if (cpu > cpu_seconds_reported_) {
      cpu_seconds_.Increment(cpu - cpu_seconds_reported_);
      cpu_seconds_reported_ = cpu;
    }
    if (double boot = boot_time(); boot > 0) {
      start_time_seconds_.Set(boot + std::stod(fields[22 - 3]) / ticks);
    }
    virtual_memory_bytes_.Set(std::stod(fields[23 - 3]));
    resident_memory_bytes_.Set(std::stod(fields[24 - 3]) * page);
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++fds;
  }
  // Counts the descriptor of the directory being read too, as Go's procfs does.
  if (!ec) open_fds_.Set(static_cast<double>(fds));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) max_fds_.Set(limit_value(limit.rlim_cur));
  if (getrlimit(RLIMIT_AS, &limit) == 0) virtual_memory_max_bytes_.Set(limit_value(limit.rlim_cur));
}

}  // namespace dynop::metrics
