#pragma once
// keda.sh/v1alpha1 ScaledObject as typed values, with KEDA's defaults
// (apis/keda/v1alpha1/scaledobject_types.go): pollingInterval 30 s,
// cooldownPeriod 300 s, initialCooldownPeriod 0, minReplicaCount 0,
// maxReplicaCount 100; the HPA KEDA creates gets minReplicas max(min, 1).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/result.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::keda {

inline constexpr const char* kScaledObjectNameLabel = "scaledobject.keda.sh/name";
inline constexpr const char* kPausedAnnotation = "autoscaling.keda.sh/paused";
inline constexpr const char* kPausedReplicasAnnotation = "autoscaling.keda.sh/paused-replicas";
inline constexpr const char* kFinalizer = "finalizer.keda.sh";

inline constexpr int32_t kDefaultPollingInterval = 30;
inline constexpr int32_t kDefaultCooldownPeriod = 300;
inline constexpr int32_t kDefaultInitialCooldownPeriod = 0;
inline constexpr int32_t kDefaultHpaMinReplicas = 1;
inline constexpr int32_t kDefaultHpaMaxReplicas = 100;

struct ScaleTarget {
  std::string name;
  std::string api_version;  // default apps/v1
  std::string kind;         // default Deployment
};

struct Trigger {
  std::string type;  // "prometheus", ...
  std::string name;
  std::map<std::string, std::string> metadata;
  std::string metric_type;  // "" (AverageValue), AverageValue, Value, Utilization
  std::optional<std::string> authentication_ref;
};

struct Fallback {
  int32_t failure_threshold = 0;
  int32_t replicas = 0;
  std::string behavior = "static";
};

struct ScaledObjectSpec {
  ScaleTarget scale_target_ref;
  std::optional<int32_t> polling_interval;
  std::optional<int32_t> initial_cooldown_period;
  std::optional<int32_t> cooldown_period;
  std::optional<int32_t> idle_replica_count;
  std::optional<int32_t> min_replica_count;
  std::optional<int32_t> max_replica_count;
  std::optional<autoscaling::Behavior> hpa_behavior;  // advanced.horizontalPodAutoscalerConfig
  std::string hpa_name;                               // advanced.horizontalPodAutoscalerConfig.name
  bool restore_to_original_replica_count = false;
  std::vector<Trigger> triggers;
  std::optional<Fallback> fallback;

  int32_t polling_interval_seconds() const {
    return polling_interval.value_or(kDefaultPollingInterval);
  }
  int32_t cooldown_period_seconds() const {
    return cooldown_period.value_or(kDefaultCooldownPeriod);
  }
  int32_t initial_cooldown_period_seconds() const {
    return initial_cooldown_period.value_or(kDefaultInitialCooldownPeriod);
  }
  // GetHPAMinReplicas / GetHPAMaxReplicas.
  int32_t hpa_min_replicas() const;
  int32_t hpa_max_replicas() const { return max_replica_count.value_or(kDefaultHpaMaxReplicas); }
};

ScaledObjectSpec parse_scaled_object_spec(const boost::json::value& spec);
// The spec of a whole ScaledObject (defaults when it has none).
ScaledObjectSpec scaled_object_spec(const boost::json::object& scaled_object);

// CheckReplicaCountBoundsAreValid: "MinReplicaCount=5 must be less than MaxReplicaCount=3",
// "IdleReplicaCount=2 must be less than MinReplicaCount=1".
apimachinery::Result<void> check_replica_count_bounds(const ScaledObjectSpec& spec);

// The HPA KEDA owns for a ScaledObject: keda-hpa-<name>, or advanced's name.
std::string hpa_name(const std::string& scaled_object, const ScaledObjectSpec& spec);

// "keda-hpa-<name>" trimmed to 63 characters, as KEDA's Trim.
std::string trim63(const std::string& s);

// HasPausedAnnotation semantics: the annotation's value parsed as a bool;
// a value that is not a bool counts as true.
bool paused_by_annotation(const boost::json::object& scaled_object);

}  // namespace dynop::localcluster::keda
