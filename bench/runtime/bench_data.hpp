#pragma once
// Loads the shared realistic pod watch events
// (../shared/reference/bench-data/pod-watch-events-2000.ndjson.gz) one
// event per line. DYNOP_BENCH_DATA overrides the path.

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/reference_dir.hpp"

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

// A bench-data pod as a client creates it: server-set fields removed, named
// `name` in `ns`, its ownerReferences pointing at `owner` (removed when owner
// is null: the garbage collector deletes pods whose owner does not exist),
// and no serviceAccountName (a real API server refuses a pod naming a
// missing one). The status stays: create ignores it, so callers either write
// it through the status subresource or drop it.
inline boost::json::object bench_pod(const std::string& event_line, const std::string& ns,
                                     const std::string& name,
                                     const boost::json::object* owner = nullptr) {
  boost::json::object object = boost::json::parse(event_line).as_object()["object"].as_object();
  boost::json::object& metadata = object["metadata"].as_object();
  for (const char* key :
       {"resourceVersion", "uid", "creationTimestamp", "managedFields", "generateName"})
    metadata.erase(key);
  if (owner != nullptr)
    metadata["ownerReferences"] = boost::json::array{*owner};
  else
    metadata.erase("ownerReferences");
  metadata["namespace"] = ns;
  metadata["name"] = name;
  object["spec"].as_object().erase("serviceAccountName");
  return object;
}

}  // namespace dynop::bench
