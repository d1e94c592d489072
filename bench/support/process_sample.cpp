#include "bench/support/process_sample.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace dynop::bench {

ProcessSample sample_process(pid_t pid) {
  ProcessSample sample;
  const std::string dir = "/proc/" + std::to_string(pid);
  {
    std::ifstream in(dir + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces) start at state,
    // field 3; utime and stime are fields 14 and 15.
    const auto close = text.rfind(')');
    if (close != std::string::npos) {
      std::istringstream fields(text.substr(close + 2));
      std::string field;
      unsigned long long utime = 0;
      unsigned long long stime = 0;
      for (int n = 3; fields >> field && n <= 15; ++n) {
        if (n == 14) utime = std::stoull(field);
        if (n == 15) stime = std::stoull(field);
      }
      sample.cpu_seconds =
          static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }
  std::ifstream status(dir + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") status >> sample.rss_kib;
    if (key == "VmHWM:") status >> sample.peak_rss_kib;
  }
  return sample;
}

std::map<std::string, double> metric_samples(const std::string& text, const std::string& name) {
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with(name + "{") && !line.starts_with(name + " ")) continue;
    const auto space = line.rfind(' ');
    samples[line.substr(name.size(), space - name.size())] = std::stod(line.substr(space + 1));
  }
  return samples;
}

}  // namespace dynop::bench
