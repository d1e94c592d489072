#pragma once
// One service's workers in the simulated graph, as the dgd plugin, the
// gpu-scheduler and dynop-sim's kubelet would run them: a replica count set
// by a policy becomes pods that take `startup` of simulated time to load
// before they are Ready (and serve), and removed pods drain. Counts GPU time
// from a pod's creation to its removal, and the policy's changes.

#include <string>
#include <vector>

#include "sim/load/load_simulator.hpp"

namespace dynop::bench::planner {

class Fleet {
 public:
  Fleet(sim::LoadSimulator& load, std::string ns, std::string dgd, std::string service,
        sim::Role role, int gpus_per_engine, double startup_seconds);

  // Sets the replicas at simulated time `now`; new pods are Ready after the
  // startup time, or at once when `warm` (the fixed and oracle policies' pods
  // that were started ahead of time). Removes the pods not yet Ready first,
  // then the newest.
  void set_replicas(int replicas, double now, bool warm = false);
  // Marks pods Ready whose startup is over and adds their GPU time up to `now`.
  void advance(double now);

  int desired() const { return static_cast<int>(pods_.size()); }
  int ready() const;
  int changes() const { return changes_; }
  double gpu_seconds() const { return gpu_seconds_; }
  const std::string& service() const { return service_; }

 private:
  struct Pod {
    std::string name;
    double ready_at;
    bool ready = false;
  };
  sim::LoadSimulator& load_;
  std::string ns_, dgd_, service_;
  sim::Role role_;
  int gpus_;
  double startup_;
  std::vector<Pod> pods_;
  int next_ = 0;
  int changes_ = 0;
  double gpu_seconds_ = 0;
  double last_ = 0;
};

}  // namespace dynop::bench::planner
