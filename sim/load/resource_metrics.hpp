#pragma once
// A kubelet's /metrics/resource for one simulated node, which metrics-server
// scrapes to serve metrics.k8s.io (kubectl top, the HPA's cpu and memory):
//
//   node_cpu_usage_seconds_total 357.35 1633253809720
//   node_memory_working_set_bytes 1.6e+09 1633253809720
//   container_cpu_usage_seconds_total{container="main",namespace="default",pod="p"} 4.71
//   1633253812125
//   container_memory_working_set_bytes{container="main",namespace="default",pod="p"} 1.25e+07 ...
//   container_start_time_seconds{container="main",namespace="default",pod="p"} 1.633252712e+09 ...
//   pod_cpu_usage_seconds_total{namespace="default",pod="p"} 4.71 ...
//   pod_memory_working_set_bytes{namespace="default",pod="p"} 1.25e+07 ...
//   resource_scrape_error 0
//
// Families, HELP texts, labels and millisecond timestamps as the kubelet
// writes them (k8s.io/kubernetes pkg/kubelet/metrics/collectors/resource_metrics.go);
// a pod is reported with one container.

#include <chrono>
#include <string>
#include <vector>

#include "sim/load/load_simulator.hpp"

namespace dynop::sim {

struct PodResources {
  std::string namespace_;
  std::string name;
  std::string container;  // the main container's name
  ResourceSample sample;
};

// `node_overhead`: the node's own use (system daemons) added to its pods' sum.
std::string render_resource_metrics(const std::vector<PodResources>& pods,
                                    const ResourceSample& node_overhead);

}  // namespace dynop::sim
