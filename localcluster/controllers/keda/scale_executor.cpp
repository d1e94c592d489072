#include "localcluster/controllers/keda/scale_executor.hpp"

namespace dynop::localcluster::keda {

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

}  // namespace

ExecutorDecision decide_scale(const ExecutorInput& in) {
  ExecutorDecision d;
  const ScaledObjectSpec& spec = *in.spec;
  const std::string target = in.scale_target_kind + " " + in.ns + "/" + spec.scale_target_ref.name;
  std::string active_status = in.active_status;
  std::string active_reason = in.active_reason;
  auto set_active = [&](const std::string& status, const std::string& reason,
                        const std::string& message) {
    d.conditions.push_back({"Active", status, reason, message});
    active_status = status;
    active_reason = reason;
  };

  if (!in.is_error && in.ready_status != "True") {
    d.conditions.push_back({"Ready", "True", "ScaledObjectReady",
                            "ScaledObject is defined correctly and is ready for scaling"});
  }
  const int32_t min_replicas = spec.min_replica_count.value_or(0);

  if (in.is_active) {
    if ((spec.idle_replica_count && in.current_replicas < min_replicas) ||
        in.current_replicas == 0) {
      const int32_t replicas = min_replicas > 0 ? min_replicas : 1;
      d.scale_to = replicas;
      d.update_last_active_time = true;
      d.events.push_back({"Normal", "KEDAScaleTargetActivated",
                          "Scaled " + target + " from " + std::to_string(in.current_replicas) +
                              " to " + std::to_string(replicas) + ", triggered by " +
                              join(in.active_triggers, ";")});
    } else if (in.is_error) {
      if (in.ready_status != "Unknown") {
        d.conditions.push_back({"Ready", "Unknown", "PartialTriggerError",
                                "Some triggers defined in ScaledObject are not working correctly"});
      }
    } else {
      d.update_last_active_time = true;
    }
  } else if (in.is_error && spec.fallback && spec.fallback->replicas != 0) {
    // The fallback replicas reach the target through the HPA's metric.
  } else if (in.is_error && !spec.fallback) {
    if (in.ready_status != "False") {
      d.conditions.push_back({"Ready", "False", "TriggerError",
                              "Triggers defined in ScaledObject are not working correctly"});
    }
  } else if ((spec.idle_replica_count && in.current_replicas > *spec.idle_replica_count) ||
             (in.current_replicas > 0 && min_replicas == 0)) {
    const auto initial = std::chrono::seconds(spec.initial_cooldown_period_seconds());
    const auto cooldown = std::chrono::seconds(spec.cooldown_period_seconds());
    const bool cooled = (!in.last_active_time && in.creation_timestamp + initial < in.now) ||
                        (in.last_active_time && *in.last_active_time + cooldown < in.now);
    if (cooled) {
      const int32_t replicas = spec.idle_replica_count.value_or(min_replicas);
      d.scale_to = replicas;
      d.events.push_back({"Normal", "KEDAScaleTargetDeactivated",
                          "Deactivated " + target + " from " + std::to_string(in.current_replicas) +
                              " to " + std::to_string(replicas)});
      set_active("False", "ScalerNotActive",
                 "Scaling is not performed because triggers are not active");
    } else if (active_status != "False" || active_reason != "ScalerCooldown") {
      set_active("False", "ScalerCooldown", "Scaler cooling down because triggers are not active");
    }
  } else if (in.current_replicas < min_replicas && !spec.idle_replica_count) {
    d.scale_to = min_replicas;
  }

  const bool known = active_status == "True" || active_status == "False";
  if (!known || (active_status == "True") != in.is_active) {
    if (in.is_active) {
      set_active("True", "ScalerActive", "Scaling is performed because triggers are active");
    } else {
      set_active("False", "ScalerNotActive",
                 "Scaling is not performed because triggers are not active");
    }
  }
  return d;
}

}  // namespace dynop::localcluster::keda
