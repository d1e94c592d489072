#pragma once
// What the HPA controller reads metrics through, as kube-controller-manager's
// podautoscaler/metrics.MetricsClient: resource metrics (metrics.k8s.io),
// custom metrics (custom.metrics.k8s.io) and external metrics
// (external.metrics.k8s.io). The real implementation asks the API server
// (rest_metrics_client.hpp); unit tests use fakes. Errors carry upstream's
// words ("unable to fetch metrics from external metrics API: ...").

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lib/apimachinery/label_selector.hpp"
#include "lib/apimachinery/result.hpp"
#include "lib/apimachinery/time.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::hpa {

using apimachinery::LabelSelector;
using apimachinery::Result;
using apimachinery::Timestamp;

// One pod's metric in milli-units, with when and over which window it was
// measured (metrics.PodMetric).
struct PodMetric {
  int64_t value = 0;
  Timestamp timestamp{};
  std::chrono::seconds window{0};
};
using PodMetricsInfo = std::map<std::string, PodMetric>;

struct PodMetrics {
  PodMetricsInfo metrics;
  Timestamp timestamp{};  // of the first item returned
};

struct ExternalMetrics {
  std::vector<int64_t> values;  // milli-units, one per returned series
  Timestamp timestamp{};
};

struct ObjectMetric {
  int64_t value = 0;  // milli-units
  Timestamp timestamp{};
};

class MetricsClient {
 public:
  virtual ~MetricsClient() = default;
  // Sum over the pod's containers (or only `container`) of `resource` usage.
  virtual Result<PodMetrics> resource_metric(const std::string& resource, const std::string& ns,
                                             const LabelSelector& selector,
                                             const std::string& container) = 0;
  // A per-pod custom metric (HPA metric type Pods).
  virtual Result<PodMetrics> raw_metric(const std::string& metric, const std::string& ns,
                                        const LabelSelector& selector,
                                        const LabelSelector& metric_selector) = 0;
  // A custom metric describing one object (HPA metric type Object).
  virtual Result<ObjectMetric> object_metric(const std::string& metric, const std::string& ns,
                                             const autoscaling::CrossVersionObjectReference& object,
                                             const LabelSelector& metric_selector) = 0;
  virtual Result<ExternalMetrics> external_metric(const std::string& metric, const std::string& ns,
                                                  const LabelSelector& selector) = 0;
};

}  // namespace dynop::localcluster::hpa
