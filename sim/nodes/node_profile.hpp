#pragma once
// dynop-sim's cluster profile (YAML): the GPU node pools it registers, the
// addresses it hands out, and how its kubelets behave. sim/profiles/ holds
// the default (`make run`) and the 5,000-node benchmark profiles.
//
//   instance: dynop-sim            # marks the nodes this sim owns (label sim.dynop.io/instance)
//   topology: {rack_label: topology.kubernetes.io/rack}
//   network:
//     node_cidr: 127.64.0.0/16     # node i gets the (i+1)th address
//     pod_cidr: 127.128.0.0/9      # carved into one /pod_prefix per node
//     pod_prefix: 24
//   kubelet:
//     version: v1.26.1
//     port: 10250                  # daemonEndpoints; /metrics/resource is served there
//     lease_duration: 40s          # renewed every quarter of it, as a kubelet does
//     status_report_interval: 5m   # node status is written on change or this often
//     events: true                 # Pulled/Created/Started/Killing events on pods
//     startup:                     # simulated time; per component type, `default` for the rest
//       default:  {create: {delay: 1s, jitter_delay: 2s}, ready: {delay: 2s}, delete: {delay: 1s}}
//       frontend: {ready: {delay: 5s, jitter_delay: 8s}}
//       worker:   {ready: {delay: 30s, jitter_delay: 45s}}
//   pools:
//   - name: h100
//     count: 4
//     gpus: 8
//     gpu_product: NVIDIA-H100-80GB-HBM3
//     gpu_memory: 81559            # MiB, the nvidia.com/gpu.memory label
//     cpu: "224"
//     memory: 2Ti
//     pods: 110
//     reserved: {cpu: "2", memory: 16Gi}   # capacity minus this is allocatable
//     mig: {nvidia.com/mig-3g.40gb: 4}      # further allocatable resources per node
//     nodes_per_clique: 2          # NVLink domains: label nvidia.com/gpu.clique
//     nodes_per_rack: 4            # label topology.rack_label
//     taints: [{key: dedicated, value: infer, effect: NoSchedule}]
//     labels: {team: llm}
//
// A delay's jitter follows KWOK: the stage happens at a uniformly random time
// between `delay` and `jitter_delay` (no jitter when jitter_delay is absent).
// Mistakes are refused with the file, line and what is wrong.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/result.hpp"
#include "sim/nodes/cidr.hpp"

namespace dynop::sim {

struct Taint {
  std::string key;
  std::string value;
  std::string effect;  // NoSchedule, PreferNoSchedule, NoExecute
};

struct NodePool {
  std::string name;
  std::int64_t count = 0;
  std::int64_t gpus = 0;
  std::string gpu_product;
  std::int64_t gpu_memory_mib = 0;
  apimachinery::Quantity cpu = apimachinery::Quantity::from_int(64);
  apimachinery::Quantity memory;             // default 512Gi
  apimachinery::Quantity ephemeral_storage;  // default 1Ti
  std::int64_t pods = 110;
  std::map<std::string, apimachinery::Quantity> reserved;  // by resource name
  std::map<std::string, std::int64_t> mig;                 // resource name -> count per node
  std::int64_t nodes_per_clique = 0;                       // 0: no clique label
  std::int64_t nodes_per_rack = 0;                         // 0: no rack label
  std::vector<Taint> taints;
  std::map<std::string, std::string> labels;
};

// One stage's delay in simulated time: uniformly in [delay, jitter_delay].
struct StageDelay {
  std::chrono::nanoseconds delay{0};
  std::optional<std::chrono::nanoseconds> jitter_delay;
};

// How long a pod of one component type takes: bound -> containers running
// (create), running -> Ready (ready), SIGTERM -> exited (delete).
struct StartupTimes {
  StageDelay create;
  StageDelay ready;
  StageDelay del;
};

struct KubeletSettings {
  std::string version = "v1.26.1";
  int port = 10250;
  std::chrono::nanoseconds lease_duration = std::chrono::seconds(40);
  std::chrono::nanoseconds status_report_interval = std::chrono::minutes(5);
  bool events = true;
  // By component type (label nvidia.com/dynamo-component-type, or the
  // sub-component type prefill/decode of a worker); "default" for the rest.
  std::map<std::string, StartupTimes> startup;

  // The renew interval of a node Lease: a quarter of its duration, as the kubelet.
  std::chrono::nanoseconds renew_interval() const { return lease_duration / 4; }
  const StartupTimes& times_for(const std::string& component_type) const;
};

struct NetworkSettings {
  Cidr node_cidr;
  Cidr pod_cidr;
  int pod_prefix = 24;
};

struct NodeProfile {
  std::string instance = "dynop-sim";
  std::string rack_label = "topology.kubernetes.io/rack";
  NetworkSettings network;
  KubeletSettings kubelet;
  std::vector<NodePool> pools;

  std::int64_t node_count() const;
};

// The addresses fit: node_cidr holds every node, pod_cidr a /pod_prefix per
// node, and the two do not overlap (checked again after flags override them).
apimachinery::Result<void> check_network(const NodeProfile& profile);

// The defaults every profile starts from (the example at the top).
NodeProfile default_node_profile();

apimachinery::Result<NodeProfile> parse_node_profile(std::string_view text,
                                                     std::string_view source);
apimachinery::Result<NodeProfile> load_node_profile(const std::string& path);

}  // namespace dynop::sim
