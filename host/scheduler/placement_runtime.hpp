#pragma once
// Wires the placement plugins to the cluster: the scheduler's informers (pods
// and nodes, projected to what scheduling reads, shared with the other
// consumers of the kind), their events decoded into the Scheduler, the
// plugins' hooks as PlacementPlugins, and the API writes through
// KubeSchedulerClient. The loop runs only on the leader:
//
//   auto placement = PlacementRuntime::create(plugins, informers, client, registry, id);
//   // (before the informers of pods and nodes are made: the projections)
//   ... when leading: placement->start();   ... on shutdown: placement->stop();
//
// Log lines: "placement: plugin <name> schedules pods of schedulerName <name>",
// refusals of a second plugin claiming a scheduler name (error).

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/plugins/plugin_manager.hpp"
#include "host/scheduler/kube_scheduler_client.hpp"
#include "host/scheduler/scheduler.hpp"
#include "lib/kube/cache/informer_factory.hpp"

namespace dynop::host::scheduler {

// What the scheduler keeps of a Pod and a Node (everything pod_info.hpp and
// node_info.hpp read). Reconcilers that watch pods declare their own fields;
// the informer factory caches the union.
std::shared_ptr<const kube::Projection> scheduling_pod_projection();
std::shared_ptr<const kube::Projection> scheduling_node_projection();

class PlacementRuntime {
 public:
  // nullptr when no plugin has the placement capability. Configures the
  // Pod and Node kinds of `informers` (call before their informers exist).
  static std::unique_ptr<PlacementRuntime> create(const std::vector<ActivePlugin>& plugins,
                                                  kube::InformerFactory& informers,
                                                  kube::Client& client, metrics::Registry& registry,
                                                  std::string instance,
                                                  SchedulerOptions options = {});
  ~PlacementRuntime();

  // Subscribes to the informers and starts the loop (on the leader).
  void start();
  void stop();
  Scheduler& scheduler() { return *scheduler_; }

 private:
  PlacementRuntime() = default;

  kube::InformerFactory* informers_ = nullptr;
  kube::Informer* pods_ = nullptr;
  kube::Informer* nodes_ = nullptr;
  int pod_handler_ = 0;
  int node_handler_ = 0;
  std::unique_ptr<KubeSchedulerClient> client_;
  std::unique_ptr<Scheduler> scheduler_;
  std::atomic<bool> stopping_{false};
  std::thread sync_thread_;
  bool started_ = false;
};

}  // namespace dynop::host::scheduler
