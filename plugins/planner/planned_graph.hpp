#pragma once
// What the planner reads from a DGD: whether it has a planner service, the
// planner's options (its container's command and args), the ConfigMap that
// holds the profile (the volume mounted at --profile-results-dir, as in
// upstream's disagg_planner.yaml), and the prefill and decode services it
// sizes with their adapters and GPUs per engine.

#include <optional>
#include <string>

#include "lib/apimachinery/result.hpp"
#include "plugins/common/dgd_view.hpp"
#include "plugins/planner/planner_options.hpp"
#include "plugins/planner/replica_calculator.hpp"

namespace dynop::plugins::planner {

struct PlannedService {
  std::string name;     // the service's key in spec.services
  std::string adapter;  // its DGDSA: <dgd>-<lower(service)>
  int ready = 0;        // status.services.<name>.readyReplicas (the dgd plugin's count)
};

struct PlannedGraph {
  std::string k8s_namespace;
  std::string dgd;
  std::string planner_service;
  std::string dynamo_namespace;  // <namespace>-<dgd>: the metrics' dynamo_namespace
  PlannerOptions options;
  std::string profile_config_map;  // in the DGD's namespace
  std::optional<PlannedService> prefill;
  std::optional<PlannedService> decode;
  EngineGpus gpus;
};

// The planner service of `dgd` (componentType planner), or nullptr.
const common::ServiceView* find_planner_service(const common::DgdView& dgd);

// The graph as the planner sees it, for a DGD with a planner service. Errors
// say what is wrong in the user's terms, e.g.
//   "planner service Planner: --ttft: invalid value \"fast\""
//   "planner service Planner: no volume from a ConfigMap is mounted at
//    --profile-results-dir /workspace/profiling_results"
//   "no service with subComponentType decode to scale (--mode disagg)"
apimachinery::Result<PlannedGraph> plan_graph(const common::DgdView& dgd);

}  // namespace dynop::plugins::planner
