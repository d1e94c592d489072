#pragma once
// The host's connection to Kubernetes: REST client, plugin runtime (informers
// and reconciler controllers) and leader election, wired in the order the
// runtime needs. main() owns one when a kubeconfig or in-cluster config is
// present; without one the host runs only its ops and admission endpoints.
//
//   auto kube = KubeRuntime::connect(config, registry, interrupted);  // retries
//   plugins.set_services(&kube->services());
//   plugins.load_all(...); plugins.start_all();
//   kube->start(plugins.active_plugins());   // informers, then leader election
//   ... wait for a signal ...
//   kube->stop();  // controllers, lease release, then plugins.stop_all(), kube->stop_informers()
//
// A plugin whose kinds are not served yet (its CRDs are applied after the
// host starts) is wired when they appear: discovery is retried with backoff
// (0.5 s doubling to 10 s) and /readyz reports not ready until then.
//
// Log lines (info level):
//   "connected to Kubernetes at <server> (context <ctx>)"
//   "plugin <name>: waiting for <apiVersion> <Kind> to be served; not ready until it is"
//   "plugin <name>: <apiVersion> <Kind> is served; reconciler wired"
//   "leader election on Lease <ns>/<name> as <identity>"
//   "became the leader; starting controllers"
//   "placement: plugin <name> schedules pods of schedulerName <name>"
//   "lost leadership; exiting" (error)
//
// Metric: dynop_leader_election_is_leader{lease="<ns>/<name>"} is 1 while this
// replica holds the Lease, else 0. /readyz does not depend on leadership: a
// follower with synced caches and wired reconcilers is ready (it serves
// admission webhooks), as with controller-runtime.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host/config/config.hpp"
#include "host/manager/plugin_runtime.hpp"
#include "host/scheduler/placement_runtime.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/kube/client/kubeconfig.hpp"
#include "lib/leaderelection/kube_lease_client.hpp"
#include "lib/leaderelection/leader_elector.hpp"

namespace dynop::host::autoscaling {
class DecisionLog;
}
namespace dynop::metrics {
class Registry;
}

namespace dynop::host::app {

// Whether the host should talk to Kubernetes at all: --kubeconfig, $KUBECONFIG
// or KUBERNETES_SERVICE_HOST. (~/.kube/config alone does not switch it on, so
// a developer's machine behaves like a plain host unless asked.)
bool kube_requested(const Config& config);

class KubeRuntime {
 public:
  // Connects, retrying every `retry` with one log line per failure, until it
  // succeeds or `wait` returns false (a stop signal arrived): then nullptr.
  // `wait(delay)` sleeps up to `delay` and returns false when the host must stop.
  // `decisions` (may be null: autoscaler plugins are not run) must outlive
  // the runtime.
  static std::unique_ptr<KubeRuntime> connect(
      const Config& config, metrics::Registry& registry,
      const std::function<bool(std::chrono::milliseconds)>& wait,
      autoscaling::DecisionLog* decisions = nullptr);
  ~KubeRuntime();

  PluginServices& services() { return *runtime_; }
  bool caches_synced() const { return runtime_->caches_synced(); }
  // For /readyz: "" when every reconciler is wired and every cache synced,
  // else why not ("waiting for nvidia.com/v1alpha1 DynamoGraphDeployment to
  // be served", "caches not synced").
  std::string not_ready_reason() const;

  // Wires reconcilers and autoscalers, starts informers and then leader election (or the
  // controllers right away when leader election is off). `on_lost_leadership`
  // is called on the elector's thread when leadership is lost while running.
  void start(const std::vector<ActivePlugin>& plugins, std::function<void()> on_lost_leadership);
  // Stops controllers and releases the lease. Call before plugins.stop_all().
  void stop();
  // Call after plugins.stop_all().
  void stop_informers();

 private:
  KubeRuntime() = default;
  // Wires what it can; the rest stays in pending_. Returns the first kind
  // still missing ("" when none). Only start() and then the retry thread call it.
  std::string wire_pending(bool first_time);
  void wire_later();                    // the retry thread
  void start_controllers_if_leading();  // with mutex_ held

  Config config_;
  metrics::Registry* registry_ = nullptr;
  kube::RestConfig rest_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<kube::Client> lease_http_;  // short timeouts, for the Lease only
  std::unique_ptr<leaderelection::LeaseClient> lease_client_;
  std::unique_ptr<manager::PluginRuntime> runtime_;
  std::unique_ptr<scheduler::PlacementRuntime> placement_;  // null without placement plugins
  std::unique_ptr<leaderelection::LeaderElector> elector_;
  std::atomic<bool> stopping_{false};
  bool controllers_started_ = false;
  bool informers_running_ = false;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<ActivePlugin> pending_;  // not served yet; start(), then the retry thread only
  std::string waiting_for_;            // guarded: the first missing kind, for /readyz
  bool leading_ = false;               // controllers should run (leader, or no election)
  std::thread wiring_thread_;
};

}  // namespace dynop::host::app
