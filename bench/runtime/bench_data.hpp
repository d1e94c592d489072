#pragma once
// Loads the shared realistic pod watch events
// (../shared/reference/bench-data/pod-watch-events-2000.ndjson.gz) one
// event per line. DYNOP_BENCH_DATA overrides the path.

#include "tests/support/reference_dir.hpp"
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace dynop::bench {

inline std::vector<std::string> load_pod_events() {
  std::string path = dynop::test::reference_dir() + "/bench-data/pod-watch-events-2000.ndjson.gz";
  if (const char* env = std::getenv("DYNOP_BENCH_DATA")) path = env;
  const std::string command = "gzip -dc '" + path + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::vector<std::string> lines;
  std::string line;
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    for (std::size_t i = 0; i < n; ++i) {
      if (buffer[i] == '\n') {
        if (!line.empty()) lines.push_back(std::move(line));
        line.clear();
      } else {
        line.push_back(buffer[i]);
      }
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  if (::pclose(pipe) != 0 || lines.empty()) throw std::runtime_error("cannot read " + path);
  return lines;
}

}  // namespace dynop::bench
