#pragma once
// The placement benches' cluster and pods, generated the same way for the
// in-process bench (placement_bench) and the end-to-end one
// (placement_e2e_bench), and the quality of a placement of them.
//
// The cluster: 8-GPU nodes of three products (60% H100, 30% H200, 10%
// A100), NVLink domains (nvidia.com/gpu.clique) of 16 nodes, racks of 64,
// 10% of the nodes tainted dedicated=training:NoSchedule. The pods: singles
// of 1, 2, 4 or 8 GPUs (up to max_single_gpus; a tenth tolerating the
// taint) and `gangs` multinode groups of 2-4 pods of 4 or 8 GPUs (labelled
// as the dgd plugin labels a multinode replica), mixed in creation order,
// one graph per 20 pods; the singles of a quarter of the graphs are pinned to
// H200 by required node affinity (a graph's services name one product).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dynop::bench {

inline constexpr int64_t kGpusPerNode = 8;
inline constexpr const char* kH200 = "NVIDIA-H200";
inline constexpr const char* kTaintKey = "dedicated";
inline constexpr const char* kTaintValue = "training";

struct WorkloadOptions {
  int nodes = 5000;
  int pods = 10000;
  int gangs = 500;
  int64_t max_single_gpus = 8;
  unsigned seed = 1;
};

struct BenchNode {
  std::string name;
  std::string product;  // nvidia.com/gpu.product
  std::string clique;   // nvidia.com/gpu.clique
  std::string rack;     // topology.kubernetes.io/rack
  bool tainted = false;
};

struct BenchPod {
  std::string name;
  int64_t gpus = 0;
  bool wants_h200 = false;
  bool tolerates = false;
  std::string group;  // "" for a single pod
  int group_size = 0;
  std::string graph;  // nvidia.com/dynamo-graph-deployment-name
};

struct Workload {
  std::vector<BenchNode> nodes;
  std::vector<BenchPod> pods;  // in creation order
  int gangs = 0;
  std::size_t gang_pods = 0;
};
Workload make_workload(const WorkloadOptions& options);

struct PlacementQuality {
  int64_t gpus = 0;
  int64_t free = 0;
  int64_t stranded = 0;  // free on nodes where no pod left pending fits
  std::size_t gangs_placed = 0;
  std::size_t gangs_in_one_domain = 0;  // all members in one nvidia.com/gpu.clique
};
// `placed`: pod name -> node name, for the pods that were bound.
PlacementQuality placement_quality(const Workload& workload,
                                   const std::map<std::string, std::string>& placed);

}  // namespace dynop::bench
