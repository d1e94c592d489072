#pragma once
// The plugin's own indexes over the host's inventory, kept current by node
// and pod events: nodes by label and by name, their taints, which are
// ready/cordoned, and, for every GPU resource (nvidia.com/gpu and MIG
// profiles nvidia.com/mig-*), the nodes bucketed by how many are free. A
// pod's candidates are then bitset intersections and a walk over a few
// buckets instead of a scan of every node.

#include <cstdint>
#include <dynop/sdk/placement.hpp>
#include <dynop/sdk/placement_views.hpp>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugins/gpu-scheduler/label_index.hpp"
#include "plugins/gpu-scheduler/node_set.hpp"
#include "plugins/gpu-scheduler/taints.hpp"

namespace dynop::plugins::gpu_scheduler {

inline constexpr std::string_view kGpuResource = "nvidia.com/gpu";
inline constexpr std::string_view kMigResourcePrefix = "nvidia.com/mig-";
inline constexpr std::string_view kGpuProductLabel = "nvidia.com/gpu.product";

// nvidia.com/gpu or a MIG profile.
bool is_gpu_resource(std::string_view name);

class Inventory {
 public:
  void on_node(const sdk::ClusterView& cluster, sdk::NodeIndex node, sdk::NodeEvent event);
  // `node`'s requested amounts changed (a pod was assigned or unassigned).
  void on_usage(const sdk::ClusterView& cluster, sdk::NodeIndex node);

  std::size_t slots() const { return slots_; }
  // Nodes that exist and are Ready; cordoned ones among them.
  const NodeSet& ready() const { return ready_; }
  const NodeSet& cordoned() const { return cordoned_; }
  const std::vector<Taint>& taints(sdk::NodeIndex node) const;
  const LabelIndex& labels() const { return labels_; }
  const LabelIndex& fields() const { return fields_; }
  // Changes whenever ready/cordoned sets, taints or labels change: masks
  // computed from them stay valid while it does not.
  std::uint64_t generation() const { return generation_; }

  // Nodes by free amount of GPU resource `resource` (a resource id), only
  // nodes that have some of it allocatable; nullptr for a resource no node
  // has met.
  const std::map<int64_t, NodeSet>* by_free(sdk::ResourceId resource) const;
  // Whether `resource` is a GPU resource some node has met.
  bool is_gpu(sdk::ResourceId resource) const { return gpu_.contains(resource); }
  // Free amounts of the GPU resources node `node` has allocatable (none when
  // it is removed).
  std::vector<std::pair<sdk::ResourceId, int64_t>> gpu_free(sdk::NodeIndex node) const;

 private:
  void ensure_slots(std::size_t n);
  void refresh_gpu_resources(const sdk::ClusterView& cluster);
  void rebucket(const sdk::ClusterView& cluster, sdk::NodeIndex node, bool present);

  std::size_t slots_ = 0;
  NodeSet ready_, cordoned_;
  std::vector<std::vector<Taint>> taints_;
  LabelIndex labels_;
  LabelIndex fields_;  // kNodeNameField -> node name
  std::uint64_t generation_ = 0;

  struct Buckets {
    std::map<int64_t, NodeSet> by_free;
    std::vector<int64_t> free;  // by node; kAbsent when not bucketed
  };
  static constexpr int64_t kAbsent = INT64_MIN;
  std::map<sdk::ResourceId, Buckets> gpu_;
  std::size_t resources_seen_ = 0;
};

}  // namespace dynop::plugins::gpu_scheduler
