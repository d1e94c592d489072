#pragma once
// MetricsClient over the API server's aggregated metrics APIs, as
// kube-controller-manager's restMetricsClient: PodMetrics lists from
// metrics.k8s.io/v1beta1, MetricValueLists from custom.metrics.k8s.io/v1beta2,
// ExternalMetricValueLists from external.metrics.k8s.io/v1beta1. Errors read
// as upstream's ("unable to fetch metrics from external metrics API: <the
// API server's message>", "no metrics returned from resource metrics API").

#include <functional>
#include <string>

#include "localcluster/controllers/hpa/metrics_client.hpp"

namespace dynop::localcluster::hpa {

class RestMetricsClient : public MetricsClient {
 public:
  // GET of an API path ("/apis/...?labelSelector=..."): the body, or the
  // error client-go would report for the response.
  using Get = std::function<Result<std::string>(const std::string& path_and_query)>;

  explicit RestMetricsClient(Get get) : get_(std::move(get)) {}

  Result<PodMetrics> resource_metric(const std::string& resource, const std::string& ns,
                                     const LabelSelector& selector,
                                     const std::string& container) override;
  Result<PodMetrics> raw_metric(const std::string& metric, const std::string& ns,
                                const LabelSelector& selector,
                                const LabelSelector& metric_selector) override;
  Result<ObjectMetric> object_metric(const std::string& metric, const std::string& ns,
                                     const autoscaling::CrossVersionObjectReference& object,
                                     const LabelSelector& metric_selector) override;
  Result<ExternalMetrics> external_metric(const std::string& metric, const std::string& ns,
                                          const LabelSelector& selector) override;

 private:
  Get get_;
};

}  // namespace dynop::localcluster::hpa
