#pragma once
// prometheus-adapter's external metrics provider: which external metrics
// exist (series discovery), and the value of one for a namespace and label
// selector (an instant query built from the rule's metricsQuery).
//
// Discovery (relist) asks Prometheus for each rule's seriesQuery over the
// last `max_age` (/api/v1/series), keeps series passing seriesFilters and
// name.matches, and names them with name.as; a metric exists only while
// some series of it does, as upstream. A request then:
//   - unknown metric: 404 "the server could not find the metric <m> for namespaces"
//   - query or rule failure: 500 "Internal error occurred: unable to fetch metrics"
//   - otherwise an ExternalMetricValueList, one item per sample, value in
//     milli-units as Go's int64(v*1000) (NaN: -9223372036854775808m).

#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <variant>
#include <vector>

#include "lib/apimachinery/label_selector.hpp"
#include "lib/apimachinery/result.hpp"
#include "lib/apimachinery/status.hpp"
#include "lib/prometheus/query_client.hpp"
#include "localcluster/metrics_apis/adapter/adapter_config.hpp"
#include "localcluster/metrics_apis/adapter/metrics_query.hpp"
#include "localcluster/metrics_apis/external_metrics_provider.hpp"

namespace dynop::localcluster::metrics_apis {

// One external rule, compiled (regexes, template, namespace label).
class ExternalRule {
 public:
  static apimachinery::Result<ExternalRule> compile(const DiscoveryRule& rule);

  const DiscoveryRule& rule() const { return rule_; }
  // The metric name for a series, nullopt when filters or name.matches reject it.
  std::optional<std::string> metric_name(const std::string& series_name) const;
  // The PromQL for a request (series name from discovery).
  apimachinery::Result<std::string> query(const std::string& series_name, const std::string& ns,
                                          const apimachinery::LabelSelector& selector) const;

 private:
  DiscoveryRule rule_;
  std::vector<std::pair<std::optional<std::regex>, std::optional<std::regex>>> filters_;
  std::regex name_matches_;
  std::string name_as_;
  MetricsQueryTemplate template_;
  std::string namespace_label_;  // "" when the rule maps no namespace label
  bool namespaced_ = true;
};

class PrometheusAdapter {
 public:
  struct Options {
    std::chrono::seconds max_age{60};  // --metrics-max-age (the chart: the relist interval)
  };

  // Fails when a rule does not compile (bad regex or template).
  static apimachinery::Result<std::unique_ptr<PrometheusAdapter>> create(
      const AdapterConfig& config, std::shared_ptr<prometheus::QueryClient> prometheus,
      Options options);

  // One discovery pass; on failure the previous metrics stay.
  apimachinery::Result<void> relist();
  std::vector<std::string> metric_names() const;
  ExternalMetricAnswer get(const std::string& ns, const std::string& metric,
                           const apimachinery::LabelSelector& selector);

 private:
  PrometheusAdapter(std::vector<ExternalRule> rules,
                    std::shared_ptr<prometheus::QueryClient> prometheus, Options options);

  struct Known {
    std::size_t rule = 0;
    std::string series;
  };
  std::vector<ExternalRule> rules_;
  std::shared_ptr<prometheus::QueryClient> prometheus_;
  Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, Known> metrics_;
};

// An ExternalMetricValueList (external.metrics.k8s.io/v1beta1) from samples;
// a scalar result has no labels (metricLabels null).
boost::json::value external_metric_value_list(const std::string& metric,
                                              const std::vector<prometheus::Sample>& samples,
                                              bool scalar = false);

// Go's int64(v * 1000.0) of a sample, as adapters and KEDA convert values to
// milli-quantities.
int64_t milli_value_of(double value);

}  // namespace dynop::localcluster::metrics_apis
