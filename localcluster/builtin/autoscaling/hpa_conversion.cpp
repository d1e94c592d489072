#include "localcluster/builtin/autoscaling/hpa_conversion.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <string>
#include <vector>

#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::autoscaling {
namespace json = boost::json;

namespace {

const json::value& member(const json::value& v, std::string_view key) {
  static const json::value kNull;
  if (!v.is_object()) return kNull;
  const auto* found = v.get_object().if_contains(key);
  return found ? *found : kNull;
}

// A resource.Quantity that is not a pointer: absent is "0".
json::value quantity_or_zero(const std::optional<Quantity>& q) {
  return q ? json::value(q->to_string()) : json::value("0");
}

std::optional<Quantity> quantity(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  auto q = Quantity::from_json(v);
  if (!q) return std::nullopt;
  return *q;
}

std::optional<int32_t> int32_of(const json::value& v) {
  if (v.is_int64()) return static_cast<int32_t>(v.get_int64());
  if (v.is_uint64()) return static_cast<int32_t>(v.get_uint64());
  return std::nullopt;
}

std::string string_of(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : std::string();
}

bool is_cpu_utilization(const MetricSpec& m) {
  return m.type == "Resource" && m.source_present && m.resource_name == "cpu" &&
         m.target.average_utilization.has_value();
}

// --- v1 annotation shapes (k8s.io/api/autoscaling/v1 MetricSpec/MetricStatus) ---

json::object v1_metric_spec(const MetricSpec& m) {
  json::object out{{"type", m.type}};
  json::object src;
  if (m.type == "Object") {
    src["target"] = to_json(m.described_object);
    src["metricName"] = m.metric.name;
    src["targetValue"] = quantity_or_zero(m.target.value);
    if (!m.metric.selector.is_null()) src["selector"] = m.metric.selector;
    if (m.target.average_value) src["averageValue"] = m.target.average_value->to_string();
  } else if (m.type == "Pods") {
    src["metricName"] = m.metric.name;
    src["targetAverageValue"] = quantity_or_zero(m.target.average_value);
    if (!m.metric.selector.is_null()) src["selector"] = m.metric.selector;
  } else if (m.type == "Resource" || m.type == "ContainerResource") {
    src["name"] = m.resource_name;
    if (m.target.average_utilization) {
      src["targetAverageUtilization"] = *m.target.average_utilization;
    }
    if (m.target.average_value) src["targetAverageValue"] = m.target.average_value->to_string();
    if (m.type == "ContainerResource") src["container"] = m.container;
  } else if (m.type == "External") {
    src["metricName"] = m.metric.name;
    if (!m.metric.selector.is_null()) src["metricSelector"] = m.metric.selector;
    if (m.target.value) src["targetValue"] = m.target.value->to_string();
    if (m.target.average_value) src["targetAverageValue"] = m.target.average_value->to_string();
  } else {
    return out;
  }
  if (m.source_present) out[source_member(m.type)] = std::move(src);
  return out;
}

MetricSpec metric_spec_from_v1(const json::value& v) {
  MetricSpec m;
  m.type = string_of(member(v, "type"));
  const std::string key = source_member(m.type);
  const json::value& src = key.empty() ? member(v, "") : member(v, key);
  m.source_present = src.is_object();
  if (!m.source_present) return m;
  if (m.type == "Object") {
    m.described_object = parse_object_reference(member(src, "target"));
    m.metric.name = string_of(member(src, "metricName"));
    m.metric.selector =
        member(src, "selector").is_object() ? member(src, "selector") : json::value();
    m.target.average_value = quantity(member(src, "averageValue"));
    m.target.type = m.target.average_value ? "AverageValue" : "Value";
    m.target.value = quantity(member(src, "targetValue")).value_or(Quantity());
  } else if (m.type == "Pods") {
    m.metric.name = string_of(member(src, "metricName"));
    m.metric.selector =
        member(src, "selector").is_object() ? member(src, "selector") : json::value();
    m.target.type = "AverageValue";
    m.target.average_value = quantity(member(src, "targetAverageValue")).value_or(Quantity());
  } else if (m.type == "Resource" || m.type == "ContainerResource") {
    m.resource_name = string_of(member(src, "name"));
    m.target.average_utilization = int32_of(member(src, "targetAverageUtilization"));
    m.target.average_value = quantity(member(src, "targetAverageValue"));
    m.target.type = m.target.average_utilization ? "Utilization" : "AverageValue";
    if (m.type == "ContainerResource") m.container = string_of(member(src, "container"));
  } else if (m.type == "External") {
    m.metric.name = string_of(member(src, "metricName"));
    m.metric.selector =
        member(src, "metricSelector").is_object() ? member(src, "metricSelector") : json::value();
    m.target.value = quantity(member(src, "targetValue"));
    m.target.average_value = quantity(member(src, "targetAverageValue"));
    m.target.type = m.target.value ? "Value" : "AverageValue";
  }
  return m;
}

json::object v1_metric_status(const MetricStatus& m) {
  json::object out{{"type", m.type}};
  json::object src;
  if (m.type == "Object") {
    src["target"] = to_json(m.described_object);
    src["metricName"] = m.metric.name;
    src["currentValue"] = quantity_or_zero(m.current.value);
    if (!m.metric.selector.is_null()) src["selector"] = m.metric.selector;
    if (m.current.average_value) src["averageValue"] = m.current.average_value->to_string();
  } else if (m.type == "Pods") {
    src["metricName"] = m.metric.name;
    src["currentAverageValue"] = quantity_or_zero(m.current.average_value);
    if (!m.metric.selector.is_null()) src["selector"] = m.metric.selector;
  } else if (m.type == "Resource" || m.type == "ContainerResource") {
    src["name"] = m.resource_name;
    if (m.current.average_utilization) {
      src["currentAverageUtilization"] = *m.current.average_utilization;
    }
    src["currentAverageValue"] = quantity_or_zero(m.current.average_value);
    if (m.type == "ContainerResource") src["container"] = m.container;
  } else if (m.type == "External") {
    src["metricName"] = m.metric.name;
    if (!m.metric.selector.is_null()) src["metricSelector"] = m.metric.selector;
    src["currentValue"] = quantity_or_zero(m.current.value);
    if (m.current.average_value) {
      src["currentAverageValue"] = m.current.average_value->to_string();
    }
  } else {
    return out;
  }
  out[source_member(m.type)] = std::move(src);
  return out;
}

MetricStatus metric_status_from_v1(const json::value& v) {
  MetricStatus m;
  m.type = string_of(member(v, "type"));
  const std::string key = source_member(m.type);
  if (key.empty()) return m;
  const json::value& src = member(v, key);
  if (!src.is_object()) return m;
  auto selector = [&](std::string_view name) {
    return member(src, name).is_object() ? member(src, name) : json::value();
  };
  if (m.type == "Object") {
    m.described_object = parse_object_reference(member(src, "target"));
    m.metric = {string_of(member(src, "metricName")), selector("selector")};
    m.current.value = quantity(member(src, "currentValue")).value_or(Quantity());
    m.current.average_value = quantity(member(src, "averageValue"));
  } else if (m.type == "Pods") {
    m.metric = {string_of(member(src, "metricName")), selector("selector")};
    m.current.average_value = quantity(member(src, "currentAverageValue")).value_or(Quantity());
  } else if (m.type == "Resource" || m.type == "ContainerResource") {
    m.resource_name = string_of(member(src, "name"));
    m.current.average_utilization = int32_of(member(src, "currentAverageUtilization"));
    m.current.average_value = quantity(member(src, "currentAverageValue")).value_or(Quantity());
    if (m.type == "ContainerResource") m.container = string_of(member(src, "container"));
  } else if (m.type == "External") {
    m.metric = {string_of(member(src, "metricName")), selector("metricSelector")};
    m.current.value = quantity(member(src, "currentValue")).value_or(Quantity());
    m.current.average_value = quantity(member(src, "currentAverageValue"));
  }
  return m;
}

// --- behavior as the internal Go type marshals (no json tags) ---

json::value internal_rules(const std::optional<ScalingRules>& r) {
  if (!r) return nullptr;
  json::object out;
  out["StabilizationWindowSeconds"] = r->stabilization_window_seconds
                                          ? json::value(*r->stabilization_window_seconds)
                                          : json::value(nullptr);
  out["SelectPolicy"] = r->select_policy ? json::value(*r->select_policy) : json::value(nullptr);
  if (r->policies) {
    json::array policies;
    for (const auto& p : *r->policies) {
      policies.push_back(
          json::object{{"Type", p.type}, {"Value", p.value}, {"PeriodSeconds", p.period_seconds}});
    }
    out["Policies"] = std::move(policies);
  } else {
    out["Policies"] = nullptr;
  }
  return out;
}

// encoding/json matches struct fields case-insensitively.
const json::value& member_any_case(const json::value& v, std::string_view name) {
  static const json::value kNull;
  if (!v.is_object()) return kNull;
  if (const auto* exact = v.get_object().if_contains(name)) return *exact;
  for (const auto& kv : v.get_object()) {
    std::string_view key = kv.key();
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return kv.value();
    }
  }
  return kNull;
}

std::optional<ScalingRules> rules_from_internal(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  ScalingRules r;
  r.stabilization_window_seconds = int32_of(member_any_case(v, "StabilizationWindowSeconds"));
  if (const auto& p = member_any_case(v, "SelectPolicy"); p.is_string()) {
    r.select_policy = std::string(p.get_string());
  }
  if (const auto& ps = member_any_case(v, "Policies"); ps.is_array()) {
    std::vector<ScalingPolicy> policies;
    for (const auto& p : ps.get_array()) {
      policies.push_back({string_of(member_any_case(p, "Type")),
                          int32_of(member_any_case(p, "Value")).value_or(0),
                          int32_of(member_any_case(p, "PeriodSeconds")).value_or(0)});
    }
    r.policies = std::move(policies);
  }
  return r;
}

json::object& annotations_of(json::object& hpa) {
  auto& meta = hpa["metadata"];
  if (!meta.is_object()) meta = json::object();
  auto& annotations = meta.get_object()["annotations"];
  if (!annotations.is_object()) annotations = json::object();
  return annotations.get_object();
}

std::optional<json::value> parse_annotation(const json::object& hpa, const char* key) {
  const auto* meta = hpa.if_contains("metadata");
  if (!meta) return std::nullopt;
  const auto& text = member(member(*meta, "annotations"), key);
  if (!text.is_string()) return std::nullopt;
  boost::system::error_code ec;
  json::value parsed = json::parse(text.get_string(), ec);
  if (ec) return std::nullopt;
  return parsed;
}

// Go marshals map keys sorted; annotations come out that way.
void sort_annotations(json::object& hpa) {
  auto* meta = hpa.if_contains("metadata");
  if (!meta || !meta->is_object()) return;
  auto* annotations = meta->get_object().if_contains("annotations");
  if (!annotations || !annotations->is_object()) return;
  std::vector<std::pair<std::string, json::value>> entries;
  for (const auto& kv : annotations->get_object()) entries.emplace_back(kv.key(), kv.value());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  json::object sorted;
  for (auto& [k, v] : entries) sorted[k] = std::move(v);
  *annotations = std::move(sorted);
}

}  // namespace

void drop_round_trip_annotations(json::object& hpa) {
  auto* meta = hpa.if_contains("metadata");
  if (!meta || !meta->is_object()) return;
  auto* annotations = meta->get_object().if_contains("annotations");
  if (!annotations || !annotations->is_object()) return;
  auto& a = annotations->get_object();
  for (const char* key : {kMetricSpecsAnnotation, kBehaviorSpecsAnnotation,
                          kMetricStatusesAnnotation, kConditionsAnnotation}) {
    a.erase(key);
  }
  if (a.empty()) meta->get_object().erase("annotations");
}

json::object hpa_v2_to_v1(const json::object& v2) {
  const json::value v2_value(v2);
  const HorizontalPodAutoscalerSpec spec = parse_spec(member(v2_value, "spec"));
  const HorizontalPodAutoscalerStatus status = parse_status(member(v2_value, "status"));

  json::object v1;
  v1["kind"] = "HorizontalPodAutoscaler";
  v1["apiVersion"] = "autoscaling/v1";
  v1["metadata"] = member(v2_value, "metadata").is_object() ? member(v2_value, "metadata")
                                                            : json::value(json::object());
  drop_round_trip_annotations(v1);

  json::object v1_spec;
  v1_spec["scaleTargetRef"] = to_json(spec.scale_target_ref);
  if (spec.min_replicas) v1_spec["minReplicas"] = *spec.min_replicas;
  v1_spec["maxReplicas"] = spec.max_replicas;
  // The first CPU resource metric gives the v1 target.
  for (const auto& m : spec.metrics) {
    if (m.type == "Resource" && m.source_present && m.resource_name == "cpu") {
      if (m.target.average_utilization) {
        v1_spec["targetCPUUtilizationPercentage"] = *m.target.average_utilization;
      }
      break;
    }
  }
  v1["spec"] = std::move(v1_spec);

  json::object v1_status;
  if (status.observed_generation) v1_status["observedGeneration"] = *status.observed_generation;
  if (!status.last_scale_time.empty()) v1_status["lastScaleTime"] = status.last_scale_time;
  v1_status["currentReplicas"] = status.current_replicas;
  v1_status["desiredReplicas"] = status.desired_replicas;
  for (const auto& m : status.current_metrics) {
    if (m.type == "Resource" && m.resource_name == "cpu" && m.current.average_utilization) {
      v1_status["currentCPUUtilizationPercentage"] = *m.current.average_utilization;
    }
  }
  v1["status"] = std::move(v1_status);

  json::array other_metrics;
  for (const auto& m : spec.metrics) {
    if (!is_cpu_utilization(m)) other_metrics.push_back(v1_metric_spec(m));
  }
  if (!other_metrics.empty()) {
    annotations_of(v1)[kMetricSpecsAnnotation] = json::serialize(other_metrics);
  }
  // The statuses are kept even for CPU, to carry the raw value too.
  if (!status.current_metrics.empty()) {
    json::array statuses;
    for (const auto& m : status.current_metrics) statuses.push_back(v1_metric_status(m));
    annotations_of(v1)[kMetricStatusesAnnotation] = json::serialize(statuses);
  }
  if (spec.behavior) {
    json::object behavior{{"ScaleUp", internal_rules(spec.behavior->scale_up)},
                          {"ScaleDown", internal_rules(spec.behavior->scale_down)}};
    annotations_of(v1)[kBehaviorSpecsAnnotation] = json::serialize(behavior);
  }
  if (!status.conditions.empty()) {
    json::array conditions;
    for (const auto& c : status.conditions) conditions.push_back(to_json(c));
    annotations_of(v1)[kConditionsAnnotation] = json::serialize(conditions);
  }
  sort_annotations(v1);
  return v1;
}

json::object hpa_v1_to_v2(const json::object& v1) {
  const json::value v1_value(v1);
  const json::value& v1_spec = member(v1_value, "spec");
  const json::value& v1_status = member(v1_value, "status");

  json::object v2;
  v2["kind"] = "HorizontalPodAutoscaler";
  v2["apiVersion"] = "autoscaling/v2";
  v2["metadata"] = member(v1_value, "metadata").is_object() ? member(v1_value, "metadata")
                                                            : json::value(json::object());

  HorizontalPodAutoscalerSpec spec;
  spec.scale_target_ref = parse_object_reference(member(v1_spec, "scaleTargetRef"));
  spec.min_replicas = int32_of(member(v1_spec, "minReplicas"));
  spec.max_replicas = int32_of(member(v1_spec, "maxReplicas")).value_or(0);
  std::optional<MetricSpec> cpu;
  if (auto target = int32_of(member(v1_spec, "targetCPUUtilizationPercentage"))) {
    MetricSpec m;
    m.type = "Resource";
    m.resource_name = "cpu";
    m.target.type = "Utilization";
    m.target.average_utilization = *target;
    cpu = m;
  }
  // The annotation's metrics come first, the v1 CPU target last.
  if (auto other = parse_annotation(v1, kMetricSpecsAnnotation); other && other->is_array()) {
    for (const auto& m : other->get_array()) spec.metrics.push_back(metric_spec_from_v1(m));
  }
  if (cpu) spec.metrics.push_back(*cpu);
  if (auto behavior = parse_annotation(v1, kBehaviorSpecsAnnotation); behavior) {
    Behavior b;
    b.scale_up = rules_from_internal(member_any_case(*behavior, "ScaleUp"));
    b.scale_down = rules_from_internal(member_any_case(*behavior, "ScaleDown"));
    if (b.scale_up || b.scale_down) spec.behavior = b;
  }

  HorizontalPodAutoscalerStatus status;
  if (const auto& g = member(v1_status, "observedGeneration"); g.is_int64()) {
    status.observed_generation = g.get_int64();
  }
  status.last_scale_time = string_of(member(v1_status, "lastScaleTime"));
  status.current_replicas = int32_of(member(v1_status, "currentReplicas")).value_or(0);
  status.desired_replicas = int32_of(member(v1_status, "desiredReplicas")).value_or(0);
  if (auto current = int32_of(member(v1_status, "currentCPUUtilizationPercentage"))) {
    MetricStatus m;
    m.type = "Resource";
    m.resource_name = "cpu";
    m.current.average_utilization = *current;
    status.current_metrics.push_back(m);
  }
  // The annotation has more than the v1 field: it replaces it.
  if (auto statuses = parse_annotation(v1, kMetricStatusesAnnotation);
      statuses && statuses->is_array()) {
    status.current_metrics.clear();
    for (const auto& m : statuses->get_array()) {
      status.current_metrics.push_back(metric_status_from_v1(m));
    }
  }
  if (auto conditions = parse_annotation(v1, kConditionsAnnotation);
      conditions && conditions->is_array()) {
    for (const auto& c : conditions->get_array()) status.conditions.push_back(parse_condition(c));
  }
  drop_round_trip_annotations(v2);

  json::object v2_spec;
  v2_spec["scaleTargetRef"] = to_json(spec.scale_target_ref);
  if (spec.min_replicas) v2_spec["minReplicas"] = *spec.min_replicas;
  v2_spec["maxReplicas"] = spec.max_replicas;
  if (!spec.metrics.empty()) {
    json::array metrics;
    for (const auto& m : spec.metrics) metrics.push_back(to_json(m));
    v2_spec["metrics"] = std::move(metrics);
  }
  if (spec.behavior) v2_spec["behavior"] = to_json(*spec.behavior);
  v2["spec"] = std::move(v2_spec);
  v2["status"] = to_json(status);
  return v2;
}

}  // namespace dynop::localcluster::autoscaling
