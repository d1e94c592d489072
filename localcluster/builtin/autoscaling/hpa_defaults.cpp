#include "localcluster/builtin/autoscaling/hpa_defaults.hpp"

#include <boost/json.hpp>

namespace dynop::localcluster::autoscaling {
namespace json = boost::json;

namespace {

ScalingRules fill(const std::optional<ScalingRules>& from, ScalingRules to) {
  if (!from) return to;
  if (from->select_policy) to.select_policy = from->select_policy;
  if (from->stabilization_window_seconds) {
    to.stabilization_window_seconds = from->stabilization_window_seconds;
  }
  if (from->policies) to.policies = from->policies;
  return to;
}

}  // namespace

ScalingRules scale_up_rules_with_defaults(const std::optional<ScalingRules>& rules) {
  ScalingRules defaults;
  defaults.stabilization_window_seconds = 0;
  defaults.select_policy = "Max";
  defaults.policies = std::vector<ScalingPolicy>{{"Pods", 4, 15}, {"Percent", 100, 15}};
  return fill(rules, std::move(defaults));
}

ScalingRules scale_down_rules_with_defaults(const std::optional<ScalingRules>& rules) {
  ScalingRules defaults;
  defaults.select_policy = "Max";
  defaults.policies = std::vector<ScalingPolicy>{{"Percent", 100, 15}};
  return fill(rules, std::move(defaults));
}

void set_defaults(json::object& hpa) {
  auto& spec_value = hpa["spec"];
  if (!spec_value.is_object()) spec_value = json::object();
  auto& spec = spec_value.get_object();
  if (!spec.contains("minReplicas") || spec.at("minReplicas").is_null()) spec["minReplicas"] = 1;
  const auto* metrics = spec.if_contains("metrics");
  if (!metrics || !metrics->is_array() || metrics->get_array().empty()) {
    MetricSpec cpu;
    cpu.type = "Resource";
    cpu.resource_name = "cpu";
    cpu.target.type = "Utilization";
    cpu.target.average_utilization = kDefaultCpuUtilization;
    spec["metrics"] = json::array{to_json(cpu)};
  }
  if (const auto* behavior = spec.if_contains("behavior"); behavior && behavior->is_object()) {
    Behavior b = parse_behavior(*behavior);
    Behavior filled;
    filled.scale_up = scale_up_rules_with_defaults(b.scale_up);
    filled.scale_down = scale_down_rules_with_defaults(b.scale_down);
    spec["behavior"] = to_json(filled);
  }
}

}  // namespace dynop::localcluster::autoscaling
