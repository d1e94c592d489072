#pragma once
// How the HPA controller turns a metric proposal into the replica count it
// writes (pkg/controller/podautoscaler/horizontal.go): stabilization over
// recent recommendations, the min/max bounds and rate limits, with the
// reasons and messages of the AbleToScale and ScalingLimited conditions.
//
// Without `behavior`: the highest recommendation of the downscale
// stabilization window (default 5 min) and a scale-up limit of
// max(2 x current, 4).
// With `behavior` (rules already defaulted): the lowest recommendation of
// the scale-up window and the highest of the scale-down window bound the
// result; then each policy limits the change over its period, counting the
// scale events recorded in that period, and selectPolicy picks among them.
//
// State per HPA lives in a ScalingHistory the controller keeps in memory,
// as upstream does (lost on restart, like kube-controller-manager's).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/time.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::hpa {

using apimachinery::Timestamp;

struct Recommendation {
  int32_t replicas = 0;
  Timestamp at{};
};

struct ScaleEvent {
  int32_t replica_change = 0;  // absolute value
  Timestamp at{};
  bool outdated = false;
};

struct ScalingHistory {
  std::vector<Recommendation> recommendations;
  std::vector<ScaleEvent> scale_up_events;
  std::vector<ScaleEvent> scale_down_events;
};

// A condition's new status, reason and message.
struct ConditionChange {
  std::string status;
  std::string reason;
  std::string message;
};

struct Normalized {
  int32_t replicas = 0;
  ConditionChange able_to_scale;
  ConditionChange scaling_limited;
};

// recordInitialRecommendation: the current count, once, when history is empty.
void record_initial_recommendation(ScalingHistory& history, int32_t current_replicas,
                                   Timestamp now);

// normalizeDesiredReplicas (HPA without behavior).
Normalized normalize_desired_replicas(ScalingHistory& history, int32_t current_replicas,
                                      int32_t prenormalized, int32_t min_replicas,
                                      int32_t max_replicas,
                                      std::chrono::seconds downscale_stabilization, Timestamp now);

// normalizeDesiredReplicasWithBehaviors. `scale_up`/`scale_down` are the
// HPA's defaulted rules; a scale-down window left unset takes
// `downscale_stabilization`.
Normalized normalize_desired_replicas_with_behaviors(
    ScalingHistory& history, const autoscaling::ScalingRules& scale_up,
    const autoscaling::ScalingRules& scale_down, int32_t current_replicas, int32_t prenormalized,
    int32_t min_replicas, int32_t max_replicas, std::chrono::seconds downscale_stabilization,
    Timestamp now);

// storeScaleEvent: remembers a rescale for the policies' periods (only for
// HPAs with behavior), reusing an entry older than the longest period.
void store_scale_event(ScalingHistory& history,
                       const std::optional<autoscaling::Behavior>& behavior,
                       int32_t previous_replicas, int32_t new_replicas, Timestamp now);

// The pieces above, exposed for their own tests as upstream's are.
int32_t replicas_change_per_period(int32_t period_seconds, const std::vector<ScaleEvent>& events,
                                   Timestamp now);
int32_t scale_up_limit_with_rules(int32_t current_replicas,
                                  const std::vector<ScaleEvent>& scale_up_events,
                                  const std::vector<ScaleEvent>& scale_down_events,
                                  const autoscaling::ScalingRules& rules, Timestamp now);
int32_t scale_down_limit_with_rules(int32_t current_replicas,
                                    const std::vector<ScaleEvent>& scale_up_events,
                                    const std::vector<ScaleEvent>& scale_down_events,
                                    const autoscaling::ScalingRules& rules, Timestamp now);
// convertDesiredReplicasWithRules: bounds and the legacy scale-up limit.
Normalized convert_desired_replicas_with_rules(int32_t current_replicas, int32_t desired,
                                               int32_t min_replicas, int32_t max_replicas);
// convertDesiredReplicasWithBehaviorRate (ScalingLimited only).
Normalized convert_desired_replicas_with_behavior_rate(const ScalingHistory& history,
                                                       const autoscaling::ScalingRules& scale_up,
                                                       const autoscaling::ScalingRules& scale_down,
                                                       int32_t current_replicas, int32_t desired,
                                                       int32_t min_replicas, int32_t max_replicas,
                                                       Timestamp now);

}  // namespace dynop::localcluster::hpa
