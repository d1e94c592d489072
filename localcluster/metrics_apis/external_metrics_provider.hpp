#pragma once
// What serves external.metrics.k8s.io/v1beta1 values: prometheus-adapter's
// external rules, and KEDA's metrics server for ScaledObjects' triggers. In
// a real cluster one APIService owns the group; here both answer, each for
// the requests it recognises (KEDA's carry the scaledobject.keda.sh/name
// label selector).

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lib/apimachinery/label_selector.hpp"
#include "lib/apimachinery/status.hpp"

namespace dynop::localcluster::metrics_apis {

// What a GET of one external metric answers: an ExternalMetricValueList, or
// a Status error.
using ExternalMetricAnswer = std::variant<boost::json::value, apimachinery::Status>;

class ExternalMetricsProvider {
 public:
  virtual ~ExternalMetricsProvider() = default;
  // The resources this provider lists in discovery (metric names).
  virtual std::vector<std::string> metric_names() const = 0;
  // nullopt when the request is not this provider's (the next one is asked).
  virtual std::optional<ExternalMetricAnswer> get(const std::string& ns, const std::string& metric,
                                                  const apimachinery::LabelSelector& selector) = 0;
};

}  // namespace dynop::localcluster::metrics_apis
