#pragma once
// Runs one Reconciler: informer events become keys in a rate-limited work
// queue, worker threads call reconcile() and act on the result
// (controller-runtime's Controller). Events are queued from construction
// on; workers run only between start() and stop(), which the host ties to
// leader election, so keys gathered while not leading are processed as soon
// as this replica leads.

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lib/controller/reconciler.hpp"
#include "lib/kube/cache/informer.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/workqueue/rate_limiter.hpp"
#include "lib/workqueue/work_queue.hpp"

namespace dynop::controller {

using RequestQueue = workqueue::WorkQueue<Request, RequestHash>;
// Which primary keys a change of a watched object concerns.
using MapFunc = std::function<std::vector<Request>(const kube::ObjectPtr& object)>;

// The object's own namespace/name (for the primary kind).
MapFunc map_same_key();
// The controller ownerReference's namespace/name, when the owner is of
// `kind` in `api_version`'s group (the version may differ, as in
// controller-runtime's EnqueueRequestForOwner).
MapFunc map_controller_owner(const std::string& api_version, const std::string& kind);

struct ControllerOptions {
  std::string name;  // for logs and metrics: dynop_reconcile_total{controller="<name>"}
  int workers = 1;
  workqueue::RateLimiterOptions rate_limiter;
  clock::Clock* clock = nullptr;         // real clock when null
  metrics::Registry* metrics = nullptr;  // no metrics when null
  // Called with each error, terminal error and conflict (logging); may be null.
  std::function<void(const Request&, const ReconcileResult&)> on_failure;
};

class Controller {
 public:
  Controller(ControllerOptions options, Reconciler& reconciler);
  ~Controller();  // stop()
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Adds an event source: every add/update/delete of `informer`'s objects
  // is mapped to keys and queued. The informer must outlive the controller.
  void watch(kube::Informer& informer, MapFunc map);

  // Spawns the workers; they take keys once every watched informer has synced.
  void start();
  // Stops accepting keys, lets in-flight reconciles finish, joins workers.
  void stop();
  bool running() const { return !workers_.empty(); }

  RequestQueue& queue() { return *queue_; }
  const std::string& name() const { return options_.name; }

 private:
  void work();
  void wait_for_caches();
  void enqueue(const MapFunc& map, const kube::ObjectPtr& object);

  ControllerOptions options_;
  Reconciler& reconciler_;
  std::unique_ptr<RequestQueue> queue_;
  std::vector<std::pair<kube::Informer*, int>> handlers_;
  std::vector<std::thread> workers_;
  metrics::Counter* done_ = nullptr;
  metrics::Counter* requeued_ = nullptr;
  metrics::Counter* errors_ = nullptr;
  metrics::Counter* terminal_ = nullptr;
  metrics::Counter* conflicts_ = nullptr;
  metrics::Histogram* duration_ = nullptr;
};

}  // namespace dynop::controller
