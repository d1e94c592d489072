#include "localcluster/builtin/autoscaling/hpa_types.hpp"

#include <boost/json.hpp>

namespace dynop::localcluster::autoscaling {
namespace json = boost::json;

namespace {

const json::object* object_at(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  const auto* found = v.get_object().if_contains(key);
  return found && found->is_object() ? &found->get_object() : nullptr;
}

const json::value& member(const json::value& v, std::string_view key) {
  static const json::value kNull;
  if (!v.is_object()) return kNull;
  const auto* found = v.get_object().if_contains(key);
  return found ? *found : kNull;
}

std::string string_member(const json::value& v, std::string_view key) {
  const auto& m = member(v, key);
  return m.is_string() ? std::string(m.get_string()) : std::string();
}

std::optional<int64_t> int_member(const json::value& v, std::string_view key) {
  const auto& m = member(v, key);
  if (m.is_int64()) return m.get_int64();
  if (m.is_uint64()) return static_cast<int64_t>(m.get_uint64());
  if (m.is_double() &&
      m.get_double() == static_cast<double>(static_cast<int64_t>(m.get_double()))) {
    return static_cast<int64_t>(m.get_double());
  }
  return std::nullopt;
}

std::optional<int32_t> int32_member(const json::value& v, std::string_view key) {
  auto i = int_member(v, key);
  if (!i) return std::nullopt;
  return static_cast<int32_t>(*i);
}

std::optional<Quantity> quantity_member(const json::value& v, std::string_view key) {
  const auto& m = member(v, key);
  if (m.is_null()) return std::nullopt;
  auto q = Quantity::from_json(m);
  if (!q) return std::nullopt;
  return *q;
}

MetricIdentifier parse_identifier(const json::value& v) {
  MetricIdentifier id;
  id.name = string_member(v, "name");
  const auto& selector = member(v, "selector");
  if (selector.is_object()) id.selector = selector;
  return id;
}

MetricValueStatus parse_value_status(const json::value& v) {
  MetricValueStatus s;
  s.value = quantity_member(v, "value");
  s.average_value = quantity_member(v, "averageValue");
  s.average_utilization = int32_member(v, "averageUtilization");
  return s;
}

json::object to_json(const MetricIdentifier& id) {
  json::object out{{"name", id.name}};
  if (!id.selector.is_null()) out["selector"] = id.selector;
  return out;
}

json::object to_json(const MetricValueStatus& s) {
  json::object out;
  if (s.value) out["value"] = s.value->to_string();
  if (s.average_value) out["averageValue"] = s.average_value->to_string();
  if (s.average_utilization) out["averageUtilization"] = *s.average_utilization;
  return out;
}

}  // namespace

std::string source_member(const std::string& type) {
  if (type == "Resource") return "resource";
  if (type == "ContainerResource") return "containerResource";
  if (type == "Pods") return "pods";
  if (type == "Object") return "object";
  if (type == "External") return "external";
  return {};
}

CrossVersionObjectReference parse_object_reference(const json::value& v) {
  return {string_member(v, "apiVersion"), string_member(v, "kind"), string_member(v, "name")};
}

MetricTarget parse_metric_target(const json::value& v) {
  MetricTarget t;
  t.type = string_member(v, "type");
  t.value = quantity_member(v, "value");
  t.average_value = quantity_member(v, "averageValue");
  t.average_utilization = int32_member(v, "averageUtilization");
  return t;
}

MetricSpec parse_metric_spec(const json::value& v) {
  MetricSpec m;
  m.type = string_member(v, "type");
  const std::string key = source_member(m.type);
  const json::object* source = key.empty() ? nullptr : object_at(v, key);
  m.source_present = source != nullptr;
  if (!source) return m;
  const json::value src(*source);
  m.target = parse_metric_target(member(src, "target"));
  if (m.type == "Resource" || m.type == "ContainerResource") {
    m.resource_name = string_member(src, "name");
    m.container = string_member(src, "container");
  } else {
    m.metric = parse_identifier(member(src, "metric"));
  }
  if (m.type == "Object")
    m.described_object = parse_object_reference(member(src, "describedObject"));
  return m;
}

ScalingRules parse_scaling_rules(const json::value& v) {
  ScalingRules r;
  r.stabilization_window_seconds = int32_member(v, "stabilizationWindowSeconds");
  if (const auto& p = member(v, "selectPolicy"); p.is_string())
    r.select_policy = std::string(p.get_string());
  if (const auto& ps = member(v, "policies"); ps.is_array()) {
    std::vector<ScalingPolicy> policies;
    for (const auto& p : ps.get_array()) {
      policies.push_back({string_member(p, "type"), int32_member(p, "value").value_or(0),
                          int32_member(p, "periodSeconds").value_or(0)});
    }
    r.policies = std::move(policies);
  }
  return r;
}

Behavior parse_behavior(const json::value& v) {
  Behavior b;
  if (object_at(v, "scaleUp")) b.scale_up = parse_scaling_rules(member(v, "scaleUp"));
  if (object_at(v, "scaleDown")) b.scale_down = parse_scaling_rules(member(v, "scaleDown"));
  return b;
}

HorizontalPodAutoscalerSpec parse_spec(const json::value& spec) {
  HorizontalPodAutoscalerSpec s;
  s.scale_target_ref = parse_object_reference(member(spec, "scaleTargetRef"));
  s.min_replicas = int32_member(spec, "minReplicas");
  s.max_replicas = int32_member(spec, "maxReplicas").value_or(0);
  if (const auto& metrics = member(spec, "metrics"); metrics.is_array()) {
    for (const auto& m : metrics.get_array()) s.metrics.push_back(parse_metric_spec(m));
  }
  if (object_at(spec, "behavior")) s.behavior = parse_behavior(member(spec, "behavior"));
  return s;
}

MetricStatus parse_metric_status(const json::value& v) {
  MetricStatus m;
  m.type = string_member(v, "type");
  const std::string key = source_member(m.type);
  const json::object* source = key.empty() ? nullptr : object_at(v, key);
  if (!source) return m;
  const json::value src(*source);
  m.current = parse_value_status(member(src, "current"));
  if (m.type == "Resource" || m.type == "ContainerResource") {
    m.resource_name = string_member(src, "name");
    m.container = string_member(src, "container");
  } else {
    m.metric = parse_identifier(member(src, "metric"));
  }
  if (m.type == "Object")
    m.described_object = parse_object_reference(member(src, "describedObject"));
  return m;
}

Condition parse_condition(const json::value& v) {
  return {string_member(v, "type"), string_member(v, "status"),
          string_member(v, "lastTransitionTime"), string_member(v, "reason"),
          string_member(v, "message")};
}

HorizontalPodAutoscalerStatus parse_status(const json::value& status) {
  HorizontalPodAutoscalerStatus s;
  s.observed_generation = int_member(status, "observedGeneration");
  s.last_scale_time = string_member(status, "lastScaleTime");
  s.current_replicas = int32_member(status, "currentReplicas").value_or(0);
  s.desired_replicas = int32_member(status, "desiredReplicas").value_or(0);
  if (const auto& metrics = member(status, "currentMetrics"); metrics.is_array()) {
    for (const auto& m : metrics.get_array()) s.current_metrics.push_back(parse_metric_status(m));
  }
  if (const auto& conditions = member(status, "conditions"); conditions.is_array()) {
    for (const auto& c : conditions.get_array()) s.conditions.push_back(parse_condition(c));
  }
  return s;
}

json::object to_json(const CrossVersionObjectReference& ref) {
  json::object out{{"kind", ref.kind}, {"name", ref.name}};
  if (!ref.api_version.empty()) out["apiVersion"] = ref.api_version;
  return out;
}

json::object to_json(const MetricTarget& t) {
  json::object out{{"type", t.type}};
  if (t.value) out["value"] = t.value->to_string();
  if (t.average_value) out["averageValue"] = t.average_value->to_string();
  if (t.average_utilization) out["averageUtilization"] = *t.average_utilization;
  return out;
}

json::object to_json(const MetricSpec& m) {
  json::object out{{"type", m.type}};
  const std::string key = source_member(m.type);
  if (key.empty() || !m.source_present) return out;
  json::object src;
  if (m.type == "Object") {
    src["describedObject"] = to_json(m.described_object);
    src["target"] = to_json(m.target);
    src["metric"] = to_json(m.metric);
  } else if (m.type == "Resource" || m.type == "ContainerResource") {
    src["name"] = m.resource_name;
    src["target"] = to_json(m.target);
    if (m.type == "ContainerResource") src["container"] = m.container;
  } else {
    src["metric"] = to_json(m.metric);
    src["target"] = to_json(m.target);
  }
  out[key] = std::move(src);
  return out;
}

json::object to_json(const ScalingRules& r) {
  json::object out;
  if (r.stabilization_window_seconds)
    out["stabilizationWindowSeconds"] = *r.stabilization_window_seconds;
  if (r.select_policy) out["selectPolicy"] = *r.select_policy;
  if (r.policies) {
    json::array policies;
    for (const auto& p : *r.policies) {
      policies.push_back(
          json::object{{"type", p.type}, {"value", p.value}, {"periodSeconds", p.period_seconds}});
    }
    out["policies"] = std::move(policies);
  }
  return out;
}

json::object to_json(const Behavior& b) {
  json::object out;
  if (b.scale_up) out["scaleUp"] = to_json(*b.scale_up);
  if (b.scale_down) out["scaleDown"] = to_json(*b.scale_down);
  return out;
}

json::object to_json(const MetricStatus& m) {
  json::object out{{"type", m.type}};
  const std::string key = source_member(m.type);
  if (key.empty()) return out;
  json::object src;
  if (m.type == "Object") {
    src["metric"] = to_json(m.metric);
    src["current"] = to_json(m.current);
    src["describedObject"] = to_json(m.described_object);
  } else if (m.type == "Resource" || m.type == "ContainerResource") {
    src["name"] = m.resource_name;
    src["current"] = to_json(m.current);
    if (m.type == "ContainerResource") src["container"] = m.container;
  } else {
    src["metric"] = to_json(m.metric);
    src["current"] = to_json(m.current);
  }
  out[key] = std::move(src);
  return out;
}

json::object to_json(const Condition& c) {
  json::object out{{"type", c.type}, {"status", c.status}};
  out["lastTransitionTime"] =
      c.last_transition_time.empty() ? json::value(nullptr) : json::value(c.last_transition_time);
  if (!c.reason.empty()) out["reason"] = c.reason;
  if (!c.message.empty()) out["message"] = c.message;
  return out;
}

json::object to_json(const HorizontalPodAutoscalerSpec& s) {
  json::object out{{"scaleTargetRef", to_json(s.scale_target_ref)}};
  if (s.min_replicas) out["minReplicas"] = *s.min_replicas;
  out["maxReplicas"] = s.max_replicas;
  if (!s.metrics.empty()) {
    json::array metrics;
    for (const auto& m : s.metrics) metrics.push_back(to_json(m));
    out["metrics"] = std::move(metrics);
  }
  if (s.behavior) out["behavior"] = to_json(*s.behavior);
  return out;
}

json::object to_json(const HorizontalPodAutoscalerStatus& s) {
  json::object out;
  if (s.observed_generation) out["observedGeneration"] = *s.observed_generation;
  if (!s.last_scale_time.empty()) out["lastScaleTime"] = s.last_scale_time;
  if (s.current_replicas != 0) out["currentReplicas"] = s.current_replicas;
  out["desiredReplicas"] = s.desired_replicas;
  // currentMetrics has no omitempty: an HPA without metrics shows `null`.
  if (s.current_metrics.empty()) {
    out["currentMetrics"] = nullptr;
  } else {
    json::array metrics;
    for (const auto& m : s.current_metrics) metrics.push_back(to_json(m));
    out["currentMetrics"] = std::move(metrics);
  }
  if (!s.conditions.empty()) {
    json::array conditions;
    for (const auto& c : s.conditions) conditions.push_back(to_json(c));
    out["conditions"] = std::move(conditions);
  }
  return out;
}

}  // namespace dynop::localcluster::autoscaling
