#pragma once
// One HPA sync, as kube-controller-manager's reconcileAutoscaler
// (pkg/controller/podautoscaler/horizontal.go): read the target's /scale,
// compute each metric's proposal, take the largest, apply min/max and the
// scaling behavior, write /scale when the count changes, then the status
// (currentReplicas, desiredReplicas, currentMetrics, lastScaleTime,
// conditions AbleToScale / ScalingActive / ScalingLimited) when it changed,
// recording events as upstream does (SuccessfulRescale "New size: 3;
// reason: ...", FailedGetScale, FailedGetExternalMetric,
// FailedComputeMetricsReplicas, SelectorRequired, AmbiguousSelector, ...).
//
// What it talks to is behind HpaApi (the API server: scale, status, events),
// MetricsClient and PodLister, so the algorithm is tested with fakes and
// driven in the local cluster through the real REST API.

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "lib/apimachinery/label_selector.hpp"
#include "lib/apimachinery/result.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"
#include "localcluster/controllers/hpa/metrics_client.hpp"
#include "localcluster/controllers/hpa/replica_calculator.hpp"
#include "localcluster/controllers/hpa/scaling_behavior.hpp"

namespace dynop::localcluster::hpa {

// An autoscaling/v1 Scale of the target.
struct Scale {
  int32_t spec_replicas = 0;
  int32_t status_replicas = 0;
  std::string selector;
  boost::json::object raw;  // as returned, to write back with spec.replicas changed
};

class HpaApi {
 public:
  virtual ~HpaApi() = default;
  // GET <target>/scale; errors as the API server or the RESTMapper word them.
  virtual Result<Scale> get_scale(const std::string& ns,
                                  const autoscaling::CrossVersionObjectReference& target) = 0;
  // PUT <target>/scale with spec.replicas = replicas.
  virtual Result<void> update_scale(const std::string& ns,
                                    const autoscaling::CrossVersionObjectReference& target,
                                    const Scale& scale, int32_t replicas) = 0;
  // PUT <hpa>/status (the whole v2 object).
  virtual Result<void> update_status(const boost::json::object& hpa) = 0;
  virtual void record_event(const boost::json::object& hpa, const std::string& type,
                            const std::string& reason, const std::string& message) = 0;
};

struct HpaControllerOptions {
  // --horizontal-pod-autoscaler-sync-period
  std::chrono::seconds sync_period{15};
  // --horizontal-pod-autoscaler-downscale-stabilization
  std::chrono::seconds downscale_stabilization{300};
  ReplicaCalculatorOptions calculator;
};

class HpaReconciler {
 public:
  using Now = std::function<Timestamp()>;

  HpaReconciler(HpaApi& api, MetricsClient& metrics, PodLister& pods, HpaControllerOptions options,
                Now now);

  // One sync of an HPA as stored (autoscaling/v2). Returns the error
  // upstream's reconcileAutoscaler would (for logs), "" when none.
  std::string reconcile(const boost::json::object& hpa);
  // An HPA was deleted: drop its history and selector.
  void forget(const std::string& ns, const std::string& name);

 private:
  struct MetricsOutcome {
    int32_t replicas = -1;
    std::string metric;
    std::vector<autoscaling::MetricStatus> statuses;
    std::string error;
  };
  MetricsOutcome compute_replicas_for_metrics(const boost::json::object& hpa,
                                              const autoscaling::HorizontalPodAutoscalerSpec& spec,
                                              autoscaling::HorizontalPodAutoscalerStatus& status,
                                              const Scale& scale);
  std::optional<LabelSelector> validate_and_parse_selector(
      const boost::json::object& hpa, autoscaling::HorizontalPodAutoscalerStatus& status,
      const std::string& selector, std::string& error);
  void set(autoscaling::HorizontalPodAutoscalerStatus& status, const std::string& type,
           const std::string& condition_status, const std::string& reason,
           const std::string& message);

  HpaApi& api_;
  MetricsClient& metrics_;
  PodLister& pods_;
  HpaControllerOptions options_;
  Now now_;
  ReplicaCalculator calculator_;
  std::mutex mutex_;
  std::map<std::string, ScalingHistory> histories_;
  // Each HPA's pod selector as of its last sync (AmbiguousSelector).
  std::map<std::string, LabelSelector> selectors_;
};

}  // namespace dynop::localcluster::hpa
