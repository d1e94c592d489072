#pragma once
// KEDA's scale executor for ScaledObjects (pkg/scaling/executor/
// scale_scaledobjects.go), as a pure decision: given whether the triggers
// are active or failing, the target's current replica count and the
// ScaledObject, what to write to /scale, which conditions change and which
// events to record. KEDA itself only moves between 0 (or idleReplicaCount)
// and minReplicaCount/1; the HPA it owns does the rest.
//   - active and at 0 (or below min in idle mode): scale to max(min, 1),
//     event KEDAScaleTargetActivated, lastActiveTime = now
//   - active otherwise: lastActiveTime = now
//   - inactive with min 0 (or idle mode) and replicas above it: after
//     cooldownPeriod since lastActiveTime (initialCooldownPeriod since
//     creation when never active) scale to idle/min, event
//     KEDAScaleTargetDeactivated; before that Active=False ScalerCooldown
//   - inactive below min (no idle mode): scale to min
//   - failing triggers: Ready False TriggerError (no fallback) or nothing
//     (the fallback acts through the metrics), Ready Unknown
//     PartialTriggerError when some are active

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/time.hpp"
#include "localcluster/controllers/keda/scaled_object.hpp"

namespace dynop::localcluster::keda {

using apimachinery::Timestamp;

struct KedaCondition {
  std::string type;    // Ready | Active | Fallback | Paused
  std::string status;  // True | False | Unknown
  std::string reason;
  std::string message;
};

struct KedaEvent {
  std::string type;  // Normal | Warning
  std::string reason;
  std::string message;
};

struct ExecutorInput {
  const ScaledObjectSpec* spec = nullptr;
  std::string ns;
  std::string scale_target_kind;  // status.scaleTargetKind, e.g.
                                  // "nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter"
  std::optional<Timestamp> last_active_time;
  Timestamp creation_timestamp{};
  std::string ready_status;   // current Ready condition status ("" when missing)
  std::string active_status;  // current Active condition status
  std::string active_reason;
  bool is_active = false;
  bool is_error = false;
  std::vector<std::string> active_triggers;  // for the activation event
  int32_t current_replicas = 0;
  Timestamp now{};
};

struct ExecutorDecision {
  std::optional<int32_t> scale_to;
  bool update_last_active_time = false;
  std::vector<KedaCondition> conditions;  // to set, in order
  std::vector<KedaEvent> events;          // to record if the scale write succeeds
};

ExecutorDecision decide_scale(const ExecutorInput& in);

}  // namespace dynop::localcluster::keda
