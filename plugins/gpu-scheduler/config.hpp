#pragma once
// The gpu-scheduler plugin's section of the host configuration, e.g.
//
//   pluginConfig:
//     gpu-scheduler:
//       scheduler_name: dynop-gpu-scheduler   # pods with this spec.schedulerName
//       scoring: binpack                      # or spread; per pod: annotation
//                                             #   gpu-scheduler.dynop.dev/scoring
//       prefer_graph_gpu_product: true        # a graph's pods keep to its GPU product
//       reserve_pinned_gpu_products: true     # pods that may run on any GPU product
//                                             #   go last to products whose free GPUs
//                                             #   pending pinned pods (nodeSelector /
//                                             #   required node affinity) need, and
//                                             #   after the graph's product, to products
//                                             #   pinned pods want or run on; a
//                                             #   preference, never a filter
//       nodes_to_score: 16                    # feasible candidates scored per pod (0: all)
//       gang_topology_keys: [nvidia.com/gpu.clique, topology.kubernetes.io/rack]
//       gang_topology: required               # or preferred
//
// Every key is optional (these are the defaults); an unknown key or a bad
// value is refused at load with the key named.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::plugins::gpu_scheduler {

enum class Scoring { kBinpack, kSpread };

// The annotation a pod sets to choose its own scoring ("binpack" or "spread").
inline constexpr std::string_view kScoringAnnotation = "gpu-scheduler.dynop.dev/scoring";

struct GpuSchedulerConfig {
  std::string scheduler_name = "dynop-gpu-scheduler";
  Scoring scoring = Scoring::kBinpack;
  bool prefer_graph_gpu_product = true;
  // Keep the GPU products that pods pin by node affinity or nodeSelector
  // for those pods: pods free to run on any product are offered and scored
  // the other products first (levels in product_balance.hpp).
  bool reserve_pinned_gpu_products = true;
  uint32_t nodes_to_score = 16;
  // Node labels naming topology domains, narrowest first: a gang is placed
  // inside one domain of the first key under which one can hold it.
  std::vector<std::string> gang_topology_keys = {"nvidia.com/gpu.clique",
                                                 "topology.kubernetes.io/rack"};
  bool gang_topology_required = true;
};

// Throws std::invalid_argument naming the bad key, e.g.
//   gpu-scheduler plugin: scoring: must be "binpack" or "spread", not "pack"
GpuSchedulerConfig parse_gpu_scheduler_config(std::string_view yaml);

// "binpack" or "spread" into `out`; false (and `out` untouched) for anything else.
bool parse_scoring(std::string_view text, Scoring& out);

}  // namespace dynop::plugins::gpu_scheduler
