#pragma once
// What benches measure of the real processes they start: /proc samples of a
// process (CPU, RSS) and the samples of a metric on a Prometheus /metrics page.
//
//   const auto before = dynop::bench::sample_process(pid);
//   ...window...
//   const double cores =
//       (dynop::bench::sample_process(pid).cpu_seconds - before.cpu_seconds) / window_s;

#include <sys/types.h>

#include <map>
#include <string>

namespace dynop::bench {

// From /proc/<pid>/stat and /proc/<pid>/status.
struct ProcessSample {
  double cpu_seconds = 0;  // utime + stime
  long rss_kib = 0;        // VmRSS
  long peak_rss_kib = 0;   // VmHWM
};
ProcessSample sample_process(pid_t pid);

// The samples of one metric in Prometheus text ("name{labels} value"
// lines), by their label text ("" or "{...}").
std::map<std::string, double> metric_samples(const std::string& text, const std::string& name);

}  // namespace dynop::bench
