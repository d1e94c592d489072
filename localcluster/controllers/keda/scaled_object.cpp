#include "localcluster/controllers/keda/scaled_object.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/go_format.hpp"

namespace dynop::localcluster::keda {
namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Result;

namespace {

const json::value& member(const json::value& v, std::string_view key) {
  static const json::value kNull;
  if (!v.is_object()) return kNull;
  const auto* found = v.get_object().if_contains(key);
  return found ? *found : kNull;
}

std::optional<int32_t> int32_member(const json::value& v, std::string_view key) {
  const auto& m = member(v, key);
  if (m.is_int64()) return static_cast<int32_t>(m.get_int64());
  if (m.is_uint64()) return static_cast<int32_t>(m.get_uint64());
  return std::nullopt;
}

std::string string_member(const json::value& v, std::string_view key) {
  const auto& m = member(v, key);
  return m.is_string() ? std::string(m.get_string()) : std::string();
}

}  // namespace

int32_t ScaledObjectSpec::hpa_min_replicas() const {
  if (min_replica_count && *min_replica_count > 0) return *min_replica_count;
  return kDefaultHpaMinReplicas;
}

ScaledObjectSpec parse_scaled_object_spec(const json::value& spec) {
  ScaledObjectSpec s;
  const auto& ref = member(spec, "scaleTargetRef");
  s.scale_target_ref.name = string_member(ref, "name");
  s.scale_target_ref.api_version = string_member(ref, "apiVersion");
  s.scale_target_ref.kind = string_member(ref, "kind");
  if (s.scale_target_ref.api_version.empty()) s.scale_target_ref.api_version = "apps/v1";
  if (s.scale_target_ref.kind.empty()) s.scale_target_ref.kind = "Deployment";
  s.polling_interval = int32_member(spec, "pollingInterval");
  s.initial_cooldown_period = int32_member(spec, "initialCooldownPeriod");
  s.cooldown_period = int32_member(spec, "cooldownPeriod");
  s.idle_replica_count = int32_member(spec, "idleReplicaCount");
  s.min_replica_count = int32_member(spec, "minReplicaCount");
  s.max_replica_count = int32_member(spec, "maxReplicaCount");
  const auto& advanced = member(spec, "advanced");
  const auto& hpa_config = member(advanced, "horizontalPodAutoscalerConfig");
  if (member(hpa_config, "behavior").is_object()) {
    s.hpa_behavior = autoscaling::parse_behavior(member(hpa_config, "behavior"));
  }
  s.hpa_name = string_member(hpa_config, "name");
  s.restore_to_original_replica_count =
      member(advanced, "restoreToOriginalReplicaCount").is_bool() &&
      member(advanced, "restoreToOriginalReplicaCount").get_bool();
  if (const auto& triggers = member(spec, "triggers"); triggers.is_array()) {
    for (const auto& t : triggers.get_array()) {
      Trigger trigger;
      trigger.type = string_member(t, "type");
      trigger.name = string_member(t, "name");
      trigger.metric_type = string_member(t, "metricType");
      if (const auto& metadata = member(t, "metadata"); metadata.is_object()) {
        for (const auto& [k, v] : metadata.get_object()) {
          trigger.metadata[std::string(k)] =
              v.is_string() ? std::string(v.get_string()) : apimachinery::go_sprint(v);
        }
      }
      if (const auto& auth = member(t, "authenticationRef"); auth.is_object()) {
        trigger.authentication_ref = string_member(auth, "name");
      }
      s.triggers.push_back(std::move(trigger));
    }
  }
  if (const auto& fallback = member(spec, "fallback"); fallback.is_object()) {
    Fallback f;
    f.failure_threshold = int32_member(fallback, "failureThreshold").value_or(0);
    f.replicas = int32_member(fallback, "replicas").value_or(0);
    if (auto b = string_member(fallback, "behavior"); !b.empty()) f.behavior = b;
    s.fallback = f;
  }
  return s;
}

Result<void> check_replica_count_bounds(const ScaledObjectSpec& spec) {
  int32_t min = 0;
  if (spec.min_replica_count) min = spec.hpa_min_replicas();
  const int32_t max = spec.hpa_max_replicas();
  if (min > max) {
    return Error{"MinReplicaCount=" + std::to_string(min) +
                 " must be less than MaxReplicaCount=" + std::to_string(max)};
  }
  if (spec.idle_replica_count && *spec.idle_replica_count >= min) {
    return Error{"IdleReplicaCount=" + std::to_string(*spec.idle_replica_count) +
                 " must be less than MinReplicaCount=" + std::to_string(min)};
  }
  return {};
}

std::string trim63(const std::string& s) { return s.size() > 63 ? s.substr(0, 63) : s; }

std::string hpa_name(const std::string& scaled_object, const ScaledObjectSpec& spec) {
  if (!spec.hpa_name.empty()) return spec.hpa_name;
  return trim63("keda-hpa-" + scaled_object);
}

ScaledObjectSpec scaled_object_spec(const json::object& scaled_object) {
  const auto* spec = scaled_object.if_contains("spec");
  return parse_scaled_object_spec(spec ? *spec : json::value());
}

bool paused_by_annotation(const json::object& scaled_object) {
  const auto* meta = scaled_object.if_contains("metadata");
  if (!meta || !meta->is_object()) return false;
  const auto* annotations = meta->get_object().if_contains("annotations");
  if (!annotations || !annotations->is_object()) return false;
  const auto* value = annotations->get_object().if_contains(kPausedAnnotation);
  if (!value) return false;
  const std::string text = value->is_string() ? std::string(value->get_string()) : "";
  // strconv.ParseBool; anything else means paused.
  for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
    if (text == f) return false;
  }
  return true;
}

}  // namespace dynop::localcluster::keda
