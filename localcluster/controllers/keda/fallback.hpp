#pragma once
// KEDA's fallback (pkg/fallback/fallback.go), applied each time the HPA asks
// for a trigger's metric: a success resets the trigger's health
// (numberOfFailures 0, Happy); a failure counts up (Failing), and once the
// failures exceed fallback.failureThreshold the metric answers
// fallback.replicas x the target average value, so the HPA settles on
// fallback.replicas. Only AverageValue targets fall back. The Fallback
// condition reflects the health the ScaledObject had before this update, as
// upstream computes it from the object it was given.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "localcluster/builtin/autoscaling/hpa_types.hpp"
#include "localcluster/controllers/keda/scale_executor.hpp"
#include "localcluster/controllers/keda/scaled_object.hpp"

namespace dynop::localcluster::keda {

struct HealthStatus {
  int32_t number_of_failures = 0;
  std::string status = "Happy";  // Happy | Failing
  bool operator==(const HealthStatus&) const = default;
};
using Health = std::map<std::string, HealthStatus>;

struct FallbackOutcome {
  Health health;  // the new status.health
  KedaCondition fallback_condition;
  std::optional<int64_t> fallback_milli_value;  // set when the fallback answers
  bool error_stays = false;                     // the failure reaches the HPA
};

FallbackOutcome apply_fallback(const ScaledObjectSpec& spec, const autoscaling::MetricSpec& metric,
                               const Health& previous, const std::string& metric_name, bool failed);

}  // namespace dynop::localcluster::keda
