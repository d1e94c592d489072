#pragma once
// The host's Kubernetes runtime as plugins see it: implements the plugin
// callbacks (PluginServices: cached reads from shared informers, writes
// through the REST client, events, requeues) and runs each plugin's
// reconciler capability as a Controller (primary kind, owned/watched kinds
// mapped to primary keys, worker count, result semantics of design.md).
//
//   PluginRuntime runtime(client, registry, {.instance = hostname});
//   plugins.set_services(&runtime);
//   plugins.load_all(...); plugins.start_all();
//   runtime.configure_caches(plugins.active_plugins());
//   for (auto& p : plugins.active_plugins()) runtime.add_reconciler(p);   // logs refusals
//   runtime.start_informers();
//   ... when leading (LeaderElector callbacks): runtime.start_controllers();
//   ... on shutdown: runtime.stop_controllers(); plugins.stop_all(); runtime.stop_informers();

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/autoscaling/autoscaler_runner.hpp"
#include "host/autoscaling/decision_log.hpp"
#include "host/autoscaling/replica_gauges.hpp"
#include "host/autoscaling/scale_conflict_detector.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/plugin_services.hpp"
#include "lib/apimachinery/label_selector.hpp"
#include "lib/controller/controller.hpp"
#include "lib/kube/cache/informer_factory.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/record/event_recorder.hpp"

namespace dynop::metrics {
class Registry;
}

namespace dynop::host::manager {

struct PluginRuntimeOptions {
  std::string instance;  // events' reportingInstance
  workqueue::RateLimiterOptions rate_limiter;
  // Autoscaler plugins: decisions are logged here (must outlive the runtime;
  // null: autoscalers are not run), written as these identities (plugin name
  // -> user; absent: the host's own), and two writers of one /scale within
  // the window are warned about (0: not watched).
  autoscaling::DecisionLog* decisions = nullptr;
  std::map<std::string, std::string> autoscaler_identities;
  std::chrono::milliseconds scale_conflict_window{120000};
  std::string host_version = "0";  // in the plugins' User-Agent
};

class PluginRuntime final : public PluginServices {
 public:
  // `client` and `registry` must outlive the runtime.
  PluginRuntime(kube::Client& client, metrics::Registry& registry,
                PluginRuntimeOptions options = {});
  ~PluginRuntime() override;

  // Tells the shared informers what each plugin's reconciler asked to cache
  // of its kinds (CacheSpec), before any informer exists. Per kind the cache
  // keeps the union (see kube::InformerFactory): the whole object when any
  // plugin wants it whole, else the merged paths, so each plugin gets at
  // least what it asked for.
  void configure_caches(const std::vector<ActivePlugin>& plugins);
  // Wires a plugin's reconciler capability (no-op for plugins without it).
  // Fails, with a message naming the plugin, when describe fails or a kind
  // is not served by the API server.
  kube::Status add_reconciler(const ActivePlugin& plugin);
  // Prepares a plugin's autoscaler capability (no-op for plugins without it,
  // or without options.decisions): its /scale client as its identity and its
  // evaluate() timer, started with the controllers.
  kube::Status add_autoscaler(const ActivePlugin& plugin);

  kube::InformerFactory& informers() { return *informers_; }
  void start_informers() { informers_->start(); }
  void stop_informers() { informers_->stop(); }
  bool caches_synced() const { return informers_->has_synced(); }  // for /readyz
  // Only on the leader: reconcilers, autoscaler timers, conflict detection.
  void start_controllers();
  void stop_controllers();  // drains in-flight reconciles and evaluations
  controller::Controller* controller(const std::string& plugin);

  // PluginServices.
  ServiceResult get_object(std::string_view plugin, const ObjectRefView& ref) override;
  ServiceResult list_objects(std::string_view plugin, const ObjectRefView& ref,
                             std::string_view label_selector) override;
  ServiceResult create_object(std::string_view plugin, const ObjectRefView& ref,
                              std::string_view json) override;
  ServiceResult update_object(std::string_view plugin, const ObjectRefView& ref,
                              std::string_view json) override;
  ServiceResult patch_object(std::string_view plugin, const ObjectRefView& ref,
                             dynop_patch_type type, std::string_view patch) override;
  ServiceResult delete_object(std::string_view plugin, const ObjectRefView& ref) override;
  ServiceResult update_status(std::string_view plugin, const ObjectRefView& ref,
                              std::string_view json) override;
  ServiceResult get_scale(std::string_view plugin, const ObjectRefView& ref) override;
  ServiceResult update_scale(std::string_view plugin, const ObjectRefView& ref,
                             int32_t replicas) override;
  ServiceResult record_event(std::string_view plugin, const ObjectRefView& involved,
                             dynop_event_type type, std::string_view reason,
                             std::string_view message) override;
  ServiceResult requeue_after(std::string_view plugin, std::string_view ns, std::string_view name,
                              uint64_t delay_ms) override;

 private:
  struct PluginController;
  struct PluginAutoscaler;
  void record_autoscaling_event(const autoscaling::ScaleTarget& target, const std::string& type,
                                const std::string& reason, const std::string& message);
  kube::Result<kube::ResourceInfo> resource(const ObjectRefView& ref);
  // update_object and update_status write a whole object back: refused, with
  // the reason, while the cache keeps that kind projected (a projection must
  // never make a write drop fields).
  std::optional<ServiceResult> refuse_projected_write(std::string_view plugin, const char* call,
                                                      const ObjectRefView& ref);
  kube::Result<kube::Informer*> synced_informer(const ObjectRefView& ref);
  // The cached objects a label selector can match: read from a label index
  // (made on first use) when the selector has an equality requirement.
  std::vector<kube::ObjectPtr> selector_candidates(kube::Informer& informer, std::string_view ns,
                                                   const apimachinery::LabelSelector& selector);

  kube::Client& client_;
  metrics::Registry& registry_;
  PluginRuntimeOptions options_;
  std::unique_ptr<kube::InformerFactory> informers_;
  std::unique_ptr<record::EventSink> event_sink_;
  std::unique_ptr<record::EventRecorder> events_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<PluginController>, std::less<>> controllers_;
  std::mutex label_index_mutex_;  // one builder per label index
  std::map<std::string, std::unique_ptr<PluginAutoscaler>, std::less<>> autoscalers_;
  std::unique_ptr<autoscaling::ScaleConflictDetector> conflicts_;
  // Replica gauges for the timeline page (leader only, as the detector).
  std::unique_ptr<autoscaling::ReplicaGauges> replica_gauges_;
};

// How the C ABI sees an API error: 404 NOT_FOUND, 409 CONFLICT, 400/422
// INVALID_ARGUMENT, 429/5xx/transport UNAVAILABLE, otherwise ERROR.
int32_t status_code_for(const kube::Error& error);

}  // namespace dynop::host::manager
