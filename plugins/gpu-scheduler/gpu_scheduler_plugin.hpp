#pragma once
// The gpu-scheduler plugin as the SDK exports it: the placement hooks of
// GpuScheduler (gpu_scheduler.hpp) for the pods whose spec.schedulerName it
// claims. plugin.cpp exports it as gpu-scheduler.so; tests and the placement
// bench drive the same class through the C ABI (sdk::detail::Exported).

#include <dynop/sdk/plugin.hpp>
#include <span>
#include <string_view>

#include "plugins/gpu-scheduler/gpu_scheduler.hpp"

namespace dynop::plugins::gpu_scheduler {

class GpuSchedulerPlugin : public sdk::Plugin {
 public:
  static constexpr const char* kName = "gpu-scheduler";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr const char* kDescription =
      "places GPU pods: fit, binpack or spread, graph GPU products, gangs in one NVLink domain";
  static constexpr sdk::Capabilities kCapabilities = sdk::kPlacement;

  GpuSchedulerPlugin(sdk::Host& host, std::string_view config_yaml)
      : Plugin(host), scheduler_(parse_gpu_scheduler_config(config_yaml)) {}

  sdk::PlacementSpec placement_spec() { return scheduler_.placement_spec(); }
  sdk::PreFilterResult pre_filter(const sdk::ClusterView& cluster, const sdk::PodView& pod) {
    return scheduler_.pre_filter(cluster, pod);
  }
  sdk::Status filter(const sdk::ClusterView& cluster, const sdk::PodView& pod,
                     std::span<const sdk::NodeIndex> nodes, sdk::FilterResults& out) {
    return scheduler_.filter(cluster, pod, nodes, out);
  }
  sdk::Status score(const sdk::ClusterView& cluster, const sdk::PodView& pod,
                    std::span<const sdk::NodeIndex> nodes, std::span<int64_t> scores) {
    return scheduler_.score(cluster, pod, nodes, scores);
  }
  // The host calls pod_group once per pending pod, when it first sees it.
  sdk::PodGroup pod_group(const sdk::PodView& pod) {
    scheduler_.on_pending(pod);
    return scheduler_.pod_group(pod);
  }
  void on_node(const sdk::ClusterView& cluster, sdk::NodeIndex node, sdk::NodeEvent event) {
    scheduler_.on_node(cluster, node, event);
  }
  void on_pod(const sdk::ClusterView& cluster, const sdk::PodView& pod, sdk::NodeIndex node,
              sdk::PodEvent event) {
    scheduler_.on_pod(cluster, pod, node, event);
  }
  // ABI 1.3: a pending pod left the queue without being placed.
  void on_pending_gone(const sdk::ClusterView&, const sdk::PodView& pod) {
    scheduler_.on_pending_gone(pod);
  }

 private:
  GpuScheduler scheduler_;
};

}  // namespace dynop::plugins::gpu_scheduler
