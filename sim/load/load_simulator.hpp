#pragma once
// The inference side of dynop-sim: every graph's load, and every simulated
// pod's metrics and resource use. What the kubelet side (simkube) drives:
//
//   ScaledClock clock(config.speedup);
//   LoadSimulator load(clock, std::move(config));
//   load.add_pod({"default", "sglang-agg-frontend-x1", "sglang-agg", Role::kFrontend, "Frontend"});
//   load.set_ready("default", "sglang-agg-frontend-x1", true);   // pod Ready: it serves
//   load.start();                                   // a thread advances the model with the clock
//   auto registry = load.registry("default", "sglang-agg-frontend-x1");  // for /metrics
//   auto usage = load.usage("default", "sglang-agg-frontend-x1");        // kubelet resource
//   metrics load.remove_pod("default", "sglang-agg-frontend-x1", /*graceful=*/true);
//
// Thread-safe: every call takes one lock; the model itself is single-threaded.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "sim/load/graph_load.hpp"
#include "sim/load/load_config.hpp"
#include "sim/load/sim_clock.hpp"

namespace dynop::sim {

struct PodInfo {
  std::string namespace_;
  std::string name;
  std::string dgd;        // label nvidia.com/dynamo-graph-deployment-name
  Role role;              // from nvidia.com/dynamo-component-type (and sub-component type)
  std::string component;  // the DGD service name (nvidia.com/dynamo-component)
};

// A pod's resource use as the kubelet reports it (/metrics/resource).
struct ResourceSample {
  // Core-seconds of wall time: rate() over wall-clock timestamps gives the
  // cores the pod uses at the simulated load, whatever the speed-up.
  double cpu_core_seconds = 0;
  double memory_working_set_bytes = 0;
  std::chrono::system_clock::time_point start_time;
  std::chrono::system_clock::time_point timestamp;
};

class LoadSimulator {
 public:
  LoadSimulator(const Clock& clock, LoadConfig config);
  ~LoadSimulator();  // stop()

  // A pod started (Running, not Ready). A pod of a DGD the load file does not
  // list joins a graph without load. Adding a known pod again changes nothing.
  void add_pod(const PodInfo& pod);
  // Returns false for pods it does not know.
  bool set_ready(const std::string& ns, const std::string& name, bool ready);
  bool remove_pod(const std::string& ns, const std::string& name, bool graceful);
  bool restart_pod(const std::string& ns, const std::string& name);

  bool known(const std::string& ns, const std::string& name) const;
  bool ready(const std::string& ns, const std::string& name) const;
  // The pod's current registry (a restart replaces it); null if unknown.
  std::shared_ptr<prometheus::Registry> registry(const std::string& ns,
                                                 const std::string& name) const;
  std::optional<ResourceSample> usage(const std::string& ns, const std::string& name) const;
  std::optional<GraphStats> stats(const std::string& ns, const std::string& dgd) const;

  // Runs every graph up to the clock's now (or `t`).
  void advance();
  void advance_to(SimTime t);
  // A thread that calls advance() every `tick` of wall time.
  void start(std::chrono::milliseconds tick = std::chrono::milliseconds(20));
  void stop();

  const Clock& clock() const { return clock_; }

 private:
  struct PodEntry {
    GraphLoad* graph;
    PodHandle handle;
  };
  GraphLoad& graph_for(const std::string& ns, const std::string& dgd);
  const PodEntry* find(const std::string& ns, const std::string& name) const;

  const Clock& clock_;
  LoadConfig config_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<GraphLoad>> graphs_;  // "<ns>/<dgd>"
  std::map<std::string, PodEntry> pods_;                      // "<ns>/<name>"
  std::thread thread_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace dynop::sim
