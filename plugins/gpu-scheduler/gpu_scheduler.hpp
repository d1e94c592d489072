#pragma once
// The gpu-scheduler plugin's placement logic behind the SDK's typed hooks
// (dynop/sdk/placement.hpp), free of the host so tests drive it with the
// SDK's FakeCluster:
//   - fit: Ready, cordon (spec.unschedulable), taints/tolerations,
//     nodeSelector and required node affinity (nvidia.com/gpu.product terms
//     included), then every requested resource (cpu, memory, pod count,
//     nvidia.com/gpu, MIG profiles, any extended resource), with
//     kube-scheduler's reason texts;
//   - candidates (pre_filter): the nodes passing the rules above, walked by
//     free GPUs from the plugin's buckets, fullest first (binpack) or
//     emptiest first (spread), nodes of the graph's GPU product first;
//   - score: binpack or spread on the pod's GPU resource (on CPU for pods
//     without GPUs), plus a preference for the graph's GPU products;
//   - pinned products: a GPU pod free to run on any product is offered and
//     scored last the products short of what pending pinned pods need, and
//     after the graph's product, those pinned pods want or run on
//     (product_balance.hpp); it still takes them when nothing else fits;
//   - gangs: pod_group() from the dgd plugin's replica-group labels, placed
//     by the host inside one topology domain of the configured keys.

#include <cstdint>
#include <dynop/sdk/placement.hpp>
#include <dynop/sdk/placement_views.hpp>
#include <dynop/sdk/types.hpp>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "plugins/gpu-scheduler/config.hpp"
#include "plugins/gpu-scheduler/graph_products.hpp"
#include "plugins/gpu-scheduler/inventory.hpp"
#include "plugins/gpu-scheduler/node_affinity.hpp"
#include "plugins/gpu-scheduler/node_set.hpp"
#include "plugins/gpu-scheduler/product_balance.hpp"
#include "plugins/gpu-scheduler/taints.hpp"

namespace dynop::plugins::gpu_scheduler {

// kube-scheduler's reason texts (pkg/scheduler/framework/plugins/...).
inline constexpr std::string_view kReasonNotReady = "node(s) were not ready";
inline constexpr std::string_view kReasonUnschedulable = "node(s) were unschedulable";
inline constexpr std::string_view kReasonAffinity =
    "node(s) didn't match Pod's node affinity/selector";
inline constexpr std::string_view kReasonTooManyPods = "Too many pods";

class GpuScheduler {
 public:
  explicit GpuScheduler(GpuSchedulerConfig config);

  sdk::PlacementSpec placement_spec() const;
  sdk::PreFilterResult pre_filter(const sdk::ClusterView& cluster, const sdk::PodView& pod);
  sdk::Status filter(const sdk::ClusterView& cluster, const sdk::PodView& pod,
                     std::span<const sdk::NodeIndex> nodes, sdk::FilterResults& out);
  sdk::Status score(const sdk::ClusterView& cluster, const sdk::PodView& pod,
                    std::span<const sdk::NodeIndex> nodes, std::span<int64_t> scores);
  sdk::PodGroup pod_group(const sdk::PodView& pod) const;
  // The host met pending pod `pod` (it calls pod_group once per pending pod):
  // if it pins GPU products, its GPUs count as demand for them until placed.
  void on_pending(const sdk::PodView& pod);
  // Pending pod `pod` left the host's queue unplaced (deleted, terminal,
  // another scheduler's): its demand ends now.
  void on_pending_gone(const sdk::PodView& pod);
  void on_node(const sdk::ClusterView& cluster, sdk::NodeIndex node, sdk::NodeEvent event);
  void on_pod(const sdk::ClusterView& cluster, const sdk::PodView& pod, sdk::NodeIndex node,
              sdk::PodEvent event);

  const Inventory& inventory() const { return inventory_; }
  const GraphProducts& graph_products() const { return graph_products_; }
  const ProductBalance& product_balance() const { return balance_; }

 private:
  // What the hooks of one pod share, computed once per pod and inventory
  // generation.
  struct PodContext {
    std::string uid;
    std::uint64_t generation = 0;
    std::string error;  // a bad scoring annotation: the pod fits nowhere until fixed
    Scoring scoring = Scoring::kBinpack;
    PodTolerations tolerations;
    NodeAffinity affinity;
    NodeSet rules;  // ready, not cordoned (or tolerated), taints tolerated, affinity matched
    std::optional<sdk::ResourceId> gpu;  // the GPU resource it asks for
    int64_t gpu_amount = 0;
    std::string graph;
    // The GPU products its node rules admit, when not all of them ("pinned").
    std::vector<std::string> pinned_products;
  };
  const PodContext& context(const sdk::ClusterView& cluster, const sdk::PodView& pod);
  const NodeSet& taint_mask(const PodTolerations& tolerations);
  const NodeSet& affinity_mask(const NodeAffinity& affinity);
  // Nodes of the graph's current GPU products (empty when none or disabled).
  NodeSet preferred_products(const std::string& graph) const;
  // The products `affinity` admits when it does not admit every product
  // (empty: not pinned), cached by signature per inventory generation.
  const std::vector<std::string>& pinned_products(const NodeAffinity& affinity);
  // For a pod free to run on any product: nodes of the products at `level`
  // (empty when none, or the option is off).
  NodeSet products_at(const PodContext& ctx, ProductBalance::Level level) const;
  void refresh_supply(sdk::NodeIndex node);

  GpuSchedulerConfig config_;
  Inventory inventory_;
  GraphProducts graph_products_;
  ProductBalance balance_;
  struct CachedProducts {
    std::uint64_t generation = 0;
    std::vector<std::string> products;
  };
  std::unordered_map<std::string, CachedProducts> pinned_by_signature_;
  std::unordered_map<std::string, PodContext> contexts_;  // by pod uid
  struct CachedMask {
    std::uint64_t generation = 0;
    NodeSet nodes;
  };
  using CachedMasks = std::unordered_map<std::string, CachedMask>;
  // masks[signature], computed again when the inventory changed since.
  template <class Compute>
  const NodeSet& cached_mask(CachedMasks& masks, const std::string& signature, Compute compute) {
    CachedMask& cached = masks[signature];
    if (cached.generation != inventory_.generation() + 1 ||
        cached.nodes.size() != inventory_.slots()) {
      cached.nodes = compute();
      cached.generation = inventory_.generation() + 1;  // 0 means "never computed"
    }
    return cached.nodes;
  }
  CachedMasks taint_masks_;     // by toleration signature
  CachedMasks affinity_masks_;  // by affinity signature
  // What each counted pod contributed to graph_products_, by uid.
  std::unordered_map<std::string, std::pair<std::string, std::string>> counted_;
  std::size_t pending_met_ = 0;  // on_pending calls less the pods assigned or gone since
};

}  // namespace dynop::plugins::gpu_scheduler
