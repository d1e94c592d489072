#pragma once
// KEDA's prometheus scaler (pkg/scalers/prometheus_scaler.go): its trigger
// metadata, the HPA metric it contributes (External "s<index>-prometheus",
// target AverageValue or Value = threshold), and how an instant query's
// result becomes a value and an activity:
//   - no series: 0 (or an error with ignoreNullValues: "false")
//   - more than one series: "prometheus query <q> returned multiple elements"
//   - NaN or +-Inf: 0 (or an error with ignoreNullValues: "false")
//   - active when value > activationThreshold
// metricName in the metadata is ignored, as KEDA has done since 2.10.

#include <map>
#include <optional>
#include <string>

#include "lib/apimachinery/result.hpp"
#include "lib/prometheus/query_client.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"
#include "localcluster/controllers/keda/scaled_object.hpp"

namespace dynop::localcluster::keda {

struct PrometheusMetadata {
  int trigger_index = 0;
  std::string server_address;
  std::string query;
  double threshold = 0;
  double activation_threshold = 0;
  std::string namespace_;
  std::map<std::string, std::string> custom_headers;
  std::map<std::string, std::string> query_parameters;
  bool ignore_null_values = true;
  bool unsafe_ssl = false;
  std::string metric_type = "AverageValue";  // AverageValue | Value
};

// Errors as KEDA's: error parsing prometheus metadata: missing required
// parameter "serverAddress" in [triggerMetadata]
apimachinery::Result<PrometheusMetadata> parse_prometheus_metadata(const Trigger& trigger,
                                                                   int trigger_index);

// "s0-prometheus"
std::string metric_name(const PrometheusMetadata& metadata);

// The External metric spec KEDA puts in its HPA for this trigger (selector
// scaledobject.keda.sh/name=<scaled object>).
autoscaling::MetricSpec hpa_metric_spec(const PrometheusMetadata& metadata,
                                        const std::string& scaled_object);

struct TriggerValue {
  double value = 0;
  bool active = false;
};

// ExecutePromQuery's interpretation of a query result. `http_status` is
// the status of a failed request, 0 when the request itself failed.
apimachinery::Result<TriggerValue> evaluate_query_result(
    const PrometheusMetadata& metadata, const apimachinery::Result<prometheus::QueryResult>& result,
    unsigned http_status);

}  // namespace dynop::localcluster::keda
