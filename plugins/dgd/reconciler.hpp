#pragma once
// The dgd plugin's reconcile loop over the SDK client: reads a DGD and what it
// owns from the host's caches, asks the pure planners (adapter_planner,
// pod_planner, status) what to do, and performs the writes. Level-based: a
// call looks only at the current state, so repeating it is harmless.

#include <dynop/sdk/host.hpp>
#include <dynop/sdk/types.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/common/clock.hpp"
#include "plugins/dgd/planner_rbac.hpp"
#include "plugins/dgd/pod_template.hpp"

namespace dynop::plugins::dgd {

// The plugin's section of the host configuration, e.g.
//   dgd:
//     scheduler_name: dynop-gpu-scheduler   # the default; "" leaves the cluster's scheduler
//     default_image: nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.8.0
//     planner_service_account: planner-serviceaccount
//     planner_cluster_role: dynop-planner
//     workers: 2
struct DgdPluginConfig {
  PodTemplateConfig pod;
  // The ClusterRole the planner service account is bound to in each
  // namespace with a planner (planner_rbac.hpp; packaging/rbac/planner.yaml).
  std::string planner_cluster_role = std::string(kDefaultPlannerClusterRole);
  std::uint32_t workers = 2;
};

// Throws std::invalid_argument with a message naming the bad key (startup only).
DgdPluginConfig parse_dgd_plugin_config(std::string_view yaml);

// Primary DGDs; pods, adapters and claims are mapped back through their
// controller ownerReference, so a deleted adapter or pod wakes its DGD up; the
// planner's ServiceAccount and RoleBinding through their (shared) owner
// references (map_dgds_of). Namespaces are watched so that a reconcile knows
// from the cache whether its namespace is being deleted.
sdk::ReconcilerSpec dgd_reconciler_spec(const DgdPluginConfig& config);

// The DGDs to reconcile for a change of watches[watch_index] (the kFunction
// watches of dgd_reconciler_spec): the DGDs among a ServiceAccount's or
// RoleBinding's owners; none for a namespace.
std::vector<sdk::Key> map_dgds_of(std::size_t watch_index, std::string_view object_json);

class DgdReconciler {
 public:
  DgdReconciler(const sdk::Client& client, const sdk::Logger& logger, DgdPluginConfig config,
                common::Clock clock = common::rfc3339_now);

  // Called by host worker threads, never twice at once for one key.
  sdk::ReconcileResult reconcile(const sdk::Key& key);

 private:
  // The services' pod templates of one DGD generation. Templates depend only
  // on the DGD's identity and spec (and the fixed configuration), so they are
  // rebuilt when the generation changes, not on every reconcile: most
  // reconciles are no-ops caused by pod status changes.
  struct Templates {
    std::string uid;
    std::int64_t generation = 0;
    std::map<std::string, PodTemplate> by_service;
    apimachinery::FieldErrors errors;  // services whose template cannot be built
  };
  std::shared_ptr<const Templates> templates_for(const sdk::Key& key, const common::DgdView& dgd);
  void forget(const sdk::Key& key);
  // Whether the cache shows `ns` being deleted (deletionTimestamp set, or
  // phase Terminating). Unknown (not cached, unreadable) counts as not.
  bool namespace_terminating(const std::string& ns);
  // Says once per namespace (until it is seen alive again) that nothing more
  // is created in it, instead of a refused create and a warning per pod.
  void note_namespace_deleted(const std::string& ns, std::string_view why);
  void note_alive(const std::string& ns);

  const sdk::Client& client_;
  const sdk::Logger& logger_;
  DgdPluginConfig config_;
  common::Clock clock_;
  std::mutex cache_mutex_;  // reconcile runs on several worker threads
  std::map<std::string, std::shared_ptr<const Templates>> cache_;  // by namespace/name
  std::mutex terminating_mutex_;
  std::set<std::string> terminating_logged_;  // namespaces
};

}  // namespace dynop::plugins::dgd
