#pragma once
// The HPA replica calculator of kube-controller-manager
// (pkg/controller/podautoscaler/replica_calculator.go): from a metric and
// its target, the replica count a metric proposes.
//
// - Tolerance: no change while usage/target stays within 1 +- tolerance.
// - Resource utilization: sum of usage over sum of requests of the pods with
//   metrics; unready and missing pods count as 0 on scale-up, missing pods as
//   100% of their request on scale-down; no change if the recomputed ratio is
//   within tolerance or flips direction. Deleted and Failed pods are
//   ignored; Pending pods are unready.
// - CPU samples of pods still in their initialization period are ignored
//   unless the pod has been ready for one metric window.
// - External Value: sum of the series against the target, times ready pods
//   (ceil(ratio) when the target is at 0 replicas). External AverageValue:
//   ceil(sum / target), compared against sum / (target x status replicas).
//
// Errors carry upstream's words, which end up in the HPA's conditions and
// events ("unable to get external metric default/m/&LabelSelector{...}: ...").

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/apimachinery/label_selector.hpp"
#include "lib/apimachinery/result.hpp"
#include "lib/apimachinery/time.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"
#include "localcluster/controllers/hpa/metrics_client.hpp"
#include "localcluster/controllers/hpa/pod_info.hpp"

namespace dynop::localcluster::hpa {

// The pods of a namespace matching a selector (the controller's pod cache).
class PodLister {
 public:
  virtual ~PodLister() = default;
  virtual Result<std::vector<PodInfo>> list(const std::string& ns,
                                            const LabelSelector& selector) = 0;
};

struct ReplicaCalculatorOptions {
  double tolerance = 0.1;  // --horizontal-pod-autoscaler-tolerance
  // --horizontal-pod-autoscaler-cpu-initialization-period
  std::chrono::seconds cpu_initialization_period{300};
  // --horizontal-pod-autoscaler-initial-readiness-delay
  std::chrono::seconds delay_of_initial_readiness_status{30};
};

struct ResourceReplicas {
  int32_t replicas = 0;
  int32_t utilization = 0;      // percent of request
  int64_t raw_utilization = 0;  // average usage per pod, milli-units
  Timestamp timestamp{};
};

struct UsageReplicas {
  int32_t replicas = 0;
  int64_t usage = 0;  // milli-units
  Timestamp timestamp{};
};

class ReplicaCalculator {
 public:
  using Now = std::function<Timestamp()>;

  ReplicaCalculator(MetricsClient& metrics, PodLister& pods, ReplicaCalculatorOptions options,
                    Now now);

  // Resource metric with a target utilization (percent of request).
  Result<ResourceReplicas> resource_replicas(int32_t current_replicas, int32_t target_utilization,
                                             const std::string& resource, const std::string& ns,
                                             const LabelSelector& selector,
                                             const std::string& container);
  // Resource metric with a target average value (milli-units).
  Result<UsageReplicas> raw_resource_replicas(int32_t current_replicas, int64_t target_usage,
                                              const std::string& resource, const std::string& ns,
                                              const LabelSelector& selector,
                                              const std::string& container);
  // Pods metric (custom metrics API) with a target average value.
  Result<UsageReplicas> metric_replicas(int32_t current_replicas, int64_t target_usage,
                                        const std::string& metric, const std::string& ns,
                                        const LabelSelector& selector,
                                        const LabelSelector& metric_selector);
  Result<UsageReplicas> object_metric_replicas(
      int32_t current_replicas, int64_t target_usage, const std::string& metric,
      const std::string& ns, const autoscaling::CrossVersionObjectReference& object,
      const LabelSelector& selector, const LabelSelector& metric_selector);
  Result<UsageReplicas> object_per_pod_metric_replicas(
      int32_t status_replicas, int64_t target_average_usage, const std::string& metric,
      const std::string& ns, const autoscaling::CrossVersionObjectReference& object,
      const LabelSelector& metric_selector);
  // External metric, target Value. `metric_selector` is the HPA's
  // metric.selector JSON (null when absent).
  Result<UsageReplicas> external_metric_replicas(int32_t current_replicas, int64_t target_usage,
                                                 const std::string& metric, const std::string& ns,
                                                 const boost::json::value& metric_selector,
                                                 const LabelSelector& pod_selector);
  // External metric, target AverageValue.
  Result<UsageReplicas> external_per_pod_metric_replicas(int32_t status_replicas,
                                                         int64_t target_usage_per_pod,
                                                         const std::string& metric,
                                                         const std::string& ns,
                                                         const boost::json::value& metric_selector);

 private:
  struct Groups {
    int ready_count = 0;
    std::vector<std::string> unready, missing, ignored;
  };
  Groups group_pods(const std::vector<PodInfo>& pods, const PodMetricsInfo& metrics,
                    const std::string& resource) const;
  Result<UsageReplicas> plain_metric_replicas(PodMetricsInfo metrics, int32_t current_replicas,
                                              int64_t target_usage, const std::string& ns,
                                              const LabelSelector& selector,
                                              const std::string& resource);
  Result<UsageReplicas> usage_ratio_replica_count(int32_t current_replicas, double usage_ratio,
                                                  const std::string& ns,
                                                  const LabelSelector& selector);
  Result<int64_t> ready_pods_count(const std::string& ns, const LabelSelector& selector);

  MetricsClient& metrics_;
  PodLister& pods_;
  ReplicaCalculatorOptions options_;
  Now now_;
};

}  // namespace dynop::localcluster::hpa
