#pragma once
// KEDA (operator and metrics server) for ScaledObjects, running in the local
// cluster as an API client, with the keda-operator service account's
// identity:
// - the ScaledObject controller (controllers/keda/scaledobject_controller.go,
//   scaled_object_reconciler.cpp): finalizer, scaledobject.keda.sh/name
//   label, status (scaleTargetKind, scaleTargetGVKR, originalReplicaCount,
//   triggersTypes, externalMetricNames, hpaName, conditions Ready / Active /
//   Fallback / Paused), the keda-hpa-<name> HPA it owns, pause annotations,
//   events ScaledObjectReady / ScaledObjectCheckFailed;
// - one scale loop per ScaledObject (pkg/scaling/scale_handler.go,
//   scale_loops.cpp): every pollingInterval the triggers are queried and the
//   executor moves the target between 0 (idle) and min, writes lastActiveTime
//   and the Active condition, events KEDAScaleTargetActivated / Deactivated,
//   KEDAScalerFailed;
// - the metrics server's external metrics (keda_metrics.cpp): s<i>-prometheus
//   for requests selecting scaledobject.keda.sh/name=<so>, with fallback and
//   status.health.
// Triggers of type prometheus are supported; others make the ScaledObject
// not Ready ("no scaler found for type: <type>").

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "lib/controller/controller.hpp"
#include "lib/kube/cache/informer_factory.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/prometheus/query_client.hpp"
#include "lib/record/event_recorder.hpp"
#include "localcluster/controllers/keda/fallback.hpp"
#include "localcluster/controllers/keda/prometheus_trigger.hpp"
#include "localcluster/controllers/keda/scale_executor.hpp"
#include "localcluster/controllers/keda/scaled_object.hpp"
#include "localcluster/metrics_apis/external_metrics_provider.hpp"

namespace dynop::localcluster::keda {

struct KedaOptions {
  // KEDA_HTTP_DEFAULT_TIMEOUT: the scalers' HTTP timeout.
  std::chrono::milliseconds http_timeout{3000};
};

class KedaOperator : public metrics_apis::ExternalMetricsProvider {
 public:
  // `client`, `informers` and `recorder` must outlive the operator; the
  // client acts as keda-operator, the recorder's component is keda-operator.
  static apimachinery::Result<std::unique_ptr<KedaOperator>> create(
      kube::Client& client, kube::InformerFactory& informers, record::EventRecorder& recorder,
      KedaOptions options);
  ~KedaOperator() override;

  void start();
  void stop();

  // The metrics server's answers (metric names: "externalmetrics", as KEDA's
  // discovery lists).
  std::vector<std::string> metric_names() const override;
  std::optional<metrics_apis::ExternalMetricAnswer> get(
      const std::string& ns, const std::string& metric,
      const apimachinery::LabelSelector& selector) override;

 private:
  class Reconciler;
  struct Loop {
    std::chrono::steady_clock::time_point next;
    std::int64_t generation = 0;
  };
  // One trigger's scaler, as KEDA builds it from the ScaledObject.
  struct Scaler {
    std::string name;  // the trigger's name, or the scaler's type ("prometheusScaler")
    PrometheusMetadata metadata;
  };

  KedaOperator(kube::Client& client, record::EventRecorder& recorder, KedaOptions options);

  // scaled_object_reconciler.cpp
  controller::ReconcileResult reconcile(const controller::Request& request);
  std::string reconcile_scaled_object(boost::json::object& so, boost::json::array& conditions,
                                      std::string& error);
  std::string ensure_hpa(boost::json::object& so, const ScaledObjectSpec& spec,
                         const kube::ResourceInfo& target, std::string& error);
  void finalize(const boost::json::object& so);

  // scale_loops.cpp
  void request_scale_loop(const std::string& key, std::int64_t generation);
  void stop_scale_loop(const std::string& key);
  void run_loops();
  void check_scaled_object(const std::string& ns, const std::string& name);
  void write_pending_health();

  // keda_operator.cpp: what the parts share.
  std::optional<boost::json::object> cached_scaled_object(const std::string& ns,
                                                          const std::string& name) const;
  apimachinery::Result<std::vector<Scaler>> build_scalers(const ScaledObjectSpec& spec) const;
  apimachinery::Result<TriggerValue> query(const PrometheusMetadata& metadata);
  // Merge patch of /status; `status` holds only the fields to set.
  apimachinery::Result<boost::json::object> patch_status(const boost::json::object& so,
                                                         const boost::json::object& status);
  // Sets `conditions` and `fields` on the ScaledObject's status as it is now
  // (read again, so concurrent writers' conditions are kept) and patches
  // what changed.
  apimachinery::Result<void> update_status(const std::string& ns, const std::string& name,
                                           const std::vector<KedaCondition>& conditions,
                                           const boost::json::object& fields);
  apimachinery::Result<boost::json::object> patch_metadata(const boost::json::object& so,
                                                           const boost::json::object& metadata);
  apimachinery::Result<kube::ResourceInfo> target_resource(const ScaleTarget& target);
  void record_event(const boost::json::object& so, const std::string& type,
                    const std::string& reason, const std::string& message);

  kube::Client& client_;
  record::EventRecorder& recorder_;
  KedaOptions options_;
  kube::Informer* scaled_objects_ = nullptr;
  kube::Informer* hpas_ = nullptr;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<controller::Controller> controller_;
  std::vector<std::pair<kube::Informer*, int>> handlers_;

  // Scale loops, by "namespace/name".
  std::mutex loops_mutex_;
  std::condition_variable loops_wake_;
  std::map<std::string, Loop> loops_;
  // Status changes the metrics server decided (health, Fallback condition),
  // written by the loops thread so a metrics request never waits on a write.
  struct PendingHealth {
    boost::json::object health;
    std::optional<KedaCondition> fallback;
  };
  std::map<std::string, PendingHealth> pending_health_;
  bool stopping_ = false;
  std::thread loops_thread_;

  // Prometheus clients by server address (and unsafeSsl).
  std::mutex clients_mutex_;
  std::map<std::string, std::shared_ptr<prometheus::QueryClient>> prometheus_clients_;
};

// Status condition helpers over the JSON array KEDA keeps
// ([{type,status,reason,message}] in the order Ready, Active, Fallback, Paused).
boost::json::array initialized_conditions();
bool conditions_initialized(const boost::json::value& conditions);
// Sets (or adds) a condition; true when something changed.
bool set_condition(boost::json::array& conditions, const KedaCondition& condition);

}  // namespace dynop::localcluster::keda
