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
// Log lines (info level):
//   "connected to Kubernetes at <server> (context <ctx>)"
//   "leader election on Lease <ns>/<name> as <identity>"
//   "became the leader; starting controllers"
//   "lost leadership; exiting" (error)

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/controller/kube_lease_client.hpp"
#include "host/controller/leader_elector.hpp"
#include "host/controller/plugin_runtime.hpp"
#include "host/kube/client.hpp"
#include "host/kube/kubeconfig.hpp"

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
  static std::unique_ptr<KubeRuntime> connect(
      const Config& config, metrics::Registry& registry,
      const std::function<bool(std::chrono::milliseconds)>& wait);
  ~KubeRuntime();

  PluginServices& services() { return *runtime_; }
  bool caches_synced() const { return runtime_->caches_synced(); }

  // Wires reconcilers, starts informers and then leader election (or the
  // controllers right away when leader election is off). `on_lost_leadership`
  // is called on the elector's thread when leadership is lost while running.
  void start(const std::vector<ActivePlugin>& plugins, std::function<void()> on_lost_leadership);
  // Stops controllers and releases the lease. Call before plugins.stop_all().
  void stop();
  // Call after plugins.stop_all().
  void stop_informers();

 private:
  KubeRuntime() = default;

  Config config_;
  kube::RestConfig rest_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<controller::LeaseClient> lease_client_;
  std::unique_ptr<controller::PluginRuntime> runtime_;
  std::unique_ptr<controller::LeaderElector> elector_;
  std::atomic<bool> stopping_{false};
  bool controllers_started_ = false;
  bool informers_running_ = false;
};

}  // namespace dynop::host::app
