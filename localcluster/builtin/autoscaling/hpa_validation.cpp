#include "localcluster/builtin/autoscaling/hpa_validation.hpp"

#include <boost/json.hpp>
#include <set>
#include <string>

#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/validation.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::autoscaling {
namespace json = boost::json;
using apimachinery::FieldError;
using apimachinery::FieldErrors;
using apimachinery::FieldErrorType;

namespace {

constexpr int32_t kMaxPeriodSeconds = 1800;
constexpr int32_t kMaxStabilizationWindowSeconds = 3600;

FieldError invalid(std::string path, std::string value, std::string detail) {
  return {FieldErrorType::kInvalid, std::move(path), std::move(value), std::move(detail)};
}
FieldError required(std::string path, std::string detail) {
  return {FieldErrorType::kRequired, std::move(path), "", std::move(detail)};
}
FieldError forbidden(std::string path, std::string detail) {
  return {FieldErrorType::kForbidden, std::move(path), "", std::move(detail)};
}
FieldError not_supported(std::string path, const std::string& value,
                         const std::vector<std::string>& valid) {
  std::string list;
  for (const auto& v : valid) list += (list.empty() ? "" : ", ") + apimachinery::go_quote(v);
  return {FieldErrorType::kNotSupported, std::move(path), apimachinery::go_quote(value),
          "supported values: " + list};
}

// field.Invalid prints a *resource.Quantity through its String().
std::string quantity_value(const Quantity& q) { return apimachinery::go_quote(q.to_string()); }

void validate_reference(const CrossVersionObjectReference& ref, const std::string& path,
                        FieldErrors& errs) {
  if (ref.kind.empty()) {
    errs.push_back(required(path + ".kind", ""));
  } else {
    for (const auto& msg : apimachinery::is_valid_path_segment_name(ref.kind)) {
      errs.push_back(invalid(path + ".kind", apimachinery::go_quote(ref.kind), msg));
    }
  }
  if (ref.name.empty()) {
    errs.push_back(required(path + ".name", ""));
  } else {
    for (const auto& msg : apimachinery::is_valid_path_segment_name(ref.name)) {
      errs.push_back(invalid(path + ".name", apimachinery::go_quote(ref.name), msg));
    }
  }
}

void validate_target(const MetricTarget& t, const std::string& path, FieldErrors& errs) {
  if (t.type.empty()) errs.push_back(required(path + ".type", "must specify a metric target type"));
  if (t.type != "Utilization" && t.type != "Value" && t.type != "AverageValue") {
    errs.push_back(invalid(path + ".type", apimachinery::go_quote(t.type),
                           "must be either Utilization, Value, or AverageValue"));
  }
  if (t.value && t.value->sign() != 1) {
    errs.push_back(invalid(path + ".value", quantity_value(*t.value), "must be positive"));
  }
  if (t.average_value && t.average_value->sign() != 1) {
    errs.push_back(
        invalid(path + ".averageValue", quantity_value(*t.average_value), "must be positive"));
  }
  if (t.average_utilization && *t.average_utilization < 1) {
    errs.push_back(invalid(path + ".averageUtilization", std::to_string(*t.average_utilization),
                           "must be greater than 0"));
  }
}

void validate_identifier(const MetricIdentifier& id, const std::string& path, FieldErrors& errs) {
  if (id.name.empty()) {
    errs.push_back(required(path + ".name", "must specify a metric name"));
  } else {
    for (const auto& msg : apimachinery::is_valid_path_segment_name(id.name)) {
      errs.push_back(invalid(path + ".name", apimachinery::go_quote(id.name), msg));
    }
  }
}

void validate_source(const MetricSpec& m, const std::string& path, FieldErrors& errs) {
  const std::string target = path + ".target";
  if (m.type == "Object") {
    validate_reference(m.described_object, path + ".describedObject", errs);
    validate_identifier(m.metric, path + ".metric", errs);
    validate_target(m.target, target, errs);
    if (!m.target.value && !m.target.average_value) {
      errs.push_back(
          required(target + ".averageValue", "must set either a target value or averageValue"));
    }
  } else if (m.type == "External") {
    validate_identifier(m.metric, path + ".metric", errs);
    validate_target(m.target, target, errs);
    if (!m.target.value && !m.target.average_value) {
      errs.push_back(required(target + ".averageValue",
                              "must set either a target value for metric or a per-pod target"));
    }
    if (m.target.value && m.target.average_value) {
      errs.push_back(forbidden(target + ".value",
                               "may not set both a target value for metric and a per-pod target"));
    }
  } else if (m.type == "Pods") {
    validate_identifier(m.metric, path + ".metric", errs);
    validate_target(m.target, target, errs);
    if (!m.target.average_value) {
      errs.push_back(
          required(target + ".averageValue", "must specify a positive target averageValue"));
    }
  } else if (m.type == "Resource" || m.type == "ContainerResource") {
    if (m.resource_name.empty()) {
      errs.push_back(required(path + ".name", "must specify a resource name"));
    }
    if (m.type == "ContainerResource") {
      if (m.container.empty()) {
        errs.push_back(required(path + ".container", "must specify a container"));
      } else {
        for (const auto& msg : apimachinery::is_dns1123_label(m.container)) {
          errs.push_back(invalid(path + ".container", apimachinery::go_quote(m.container), msg));
        }
      }
    }
    validate_target(m.target, target, errs);
    if (!m.target.average_utilization && !m.target.average_value) {
      errs.push_back(required(target + ".averageUtilization",
                              "must set either a target raw value or a target utilization"));
    }
    if (m.target.average_utilization && m.target.average_value) {
      errs.push_back(forbidden(target + ".averageValue",
                               "may not set both a target raw value and a target utilization"));
    }
  }
}

const std::vector<std::string> kMetricTypes = {"ContainerResource", "External", "Object", "Pods",
                                               "Resource"};

void validate_metric(const json::value& raw, const std::string& path, FieldErrors& errs) {
  const MetricSpec m = parse_metric_spec(raw);
  if (m.type.empty()) errs.push_back(required(path + ".type", "must specify a metric source type"));
  const std::set<std::string> valid(kMetricTypes.begin(), kMetricTypes.end());
  if (!valid.count(m.type)) errs.push_back(not_supported(path + ".type", m.type, kMetricTypes));

  // Which sources are present, in upstream's checking order.
  std::vector<std::string> present;
  for (const char* member : {"object", "external", "pods", "resource", "containerResource"}) {
    const auto* v = raw.is_object() ? raw.get_object().if_contains(member) : nullptr;
    if (v && !v->is_null()) present.emplace_back(member);
  }
  if (!present.empty()) {
    // Only the first present source is validated in detail.
    MetricSpec first = m;
    first.type = present.front() == "object"     ? "Object"
                 : present.front() == "external" ? "External"
                 : present.front() == "pods"     ? "Pods"
                 : present.front() == "resource" ? "Resource"
                                                 : "ContainerResource";
    first = parse_metric_spec([&] {
      json::object copy = raw.get_object();
      copy["type"] = first.type;
      return json::value(copy);
    }());
    validate_source(first, path + "." + present.front(), errs);
  }
  const std::string expected = source_member(m.type);
  if (!expected.empty()) {
    const auto* v = raw.is_object() ? raw.get_object().if_contains(expected) : nullptr;
    if (!v || v->is_null()) {
      errs.push_back(
          required(path + "." + expected, "must populate information for the given metric source"));
    }
  } else {
    // Upstream's switch reports an unknown type a second time.
    errs.push_back(not_supported(path + ".type", m.type, kMetricTypes));
  }
  if (present.size() != 1) {
    for (const auto& p : present) {
      if (p != expected)
        errs.push_back(forbidden(path + "." + p, "must populate the given metric source only"));
    }
  }
}

void validate_rules(const json::value& raw, const std::string& path, FieldErrors& errs) {
  if (!raw.is_object()) return;
  const ScalingRules r = parse_scaling_rules(raw);
  if (r.stabilization_window_seconds && *r.stabilization_window_seconds < 0) {
    errs.push_back(invalid(path + ".stabilizationWindowSeconds",
                           std::to_string(*r.stabilization_window_seconds),
                           "must be greater than or equal to zero"));
  }
  if (r.stabilization_window_seconds &&
      *r.stabilization_window_seconds > kMaxStabilizationWindowSeconds) {
    errs.push_back(invalid(
        path + ".stabilizationWindowSeconds", std::to_string(*r.stabilization_window_seconds),
        "must be less than or equal to " + std::to_string(kMaxStabilizationWindowSeconds)));
  }
  if (r.select_policy && *r.select_policy != "Max" && *r.select_policy != "Min" &&
      *r.select_policy != "Disabled") {
    errs.push_back(
        not_supported(path + ".selectPolicy", *r.select_policy, {"Disabled", "Max", "Min"}));
  }
  const std::string policies = path + ".policies";
  if (!r.policies || r.policies->empty()) {
    errs.push_back(required(policies, "must specify at least one Policy"));
    return;
  }
  for (std::size_t i = 0; i < r.policies->size(); ++i) {
    const auto& p = (*r.policies)[i];
    const std::string at = policies + "[" + std::to_string(i) + "]";
    if (p.type != "Pods" && p.type != "Percent") {
      errs.push_back(not_supported(at + ".type", p.type, {"Percent", "Pods"}));
    }
    if (p.value <= 0) {
      errs.push_back(invalid(at + ".value", std::to_string(p.value), "must be greater than zero"));
    }
    if (p.period_seconds <= 0) {
      errs.push_back(invalid(at + ".periodSeconds", std::to_string(p.period_seconds),
                             "must be greater than zero"));
    }
    if (p.period_seconds > kMaxPeriodSeconds) {
      errs.push_back(invalid(at + ".periodSeconds", std::to_string(p.period_seconds),
                             "must be less than or equal to " + std::to_string(kMaxPeriodSeconds)));
    }
  }
}

}  // namespace

FieldErrors validate_hpa(const json::object& hpa, const json::object* old_hpa) {
  FieldErrors errs;
  static const json::object kEmpty;
  const auto* spec_value = hpa.if_contains("spec");
  const json::value spec =
      spec_value && spec_value->is_object() ? *spec_value : json::value(kEmpty);
  const HorizontalPodAutoscalerSpec s = parse_spec(spec);

  int32_t min_lower_bound = 1;
  if (old_hpa) {
    const auto* old_spec = old_hpa->if_contains("spec");
    if (old_spec && parse_spec(*old_spec).min_replicas == 0) min_lower_bound = 0;
  }
  if (s.min_replicas && *s.min_replicas < min_lower_bound) {
    errs.push_back(invalid("spec.minReplicas", std::to_string(*s.min_replicas),
                           "must be greater than or equal to " + std::to_string(min_lower_bound)));
  }
  if (s.max_replicas < 1) {
    errs.push_back(
        invalid("spec.maxReplicas", std::to_string(s.max_replicas), "must be greater than 0"));
  }
  if (s.min_replicas && s.max_replicas < *s.min_replicas) {
    errs.push_back(invalid("spec.maxReplicas", std::to_string(s.max_replicas),
                           "must be greater than or equal to `minReplicas`"));
  }
  validate_reference(s.scale_target_ref, "spec.scaleTargetRef", errs);
  bool object_or_external = false;
  if (const auto* metrics = spec.get_object().if_contains("metrics");
      metrics && metrics->is_array()) {
    const auto& list = metrics->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      validate_metric(list[i], "spec.metrics[" + std::to_string(i) + "]", errs);
      const std::string type = parse_metric_spec(list[i]).type;
      if (type == "Object" || type == "External") object_or_external = true;
    }
  }
  if (s.min_replicas && *s.min_replicas == 0 && !object_or_external) {
    errs.push_back(forbidden("spec.metrics",
                             "must specify at least one Object or External metric to support "
                             "scaling to zero replicas"));
  }
  if (const auto* behavior = spec.get_object().if_contains("behavior");
      behavior && behavior->is_object()) {
    const auto& b = behavior->get_object();
    if (const auto* up = b.if_contains("scaleUp"))
      validate_rules(*up, "spec.behavior.scaleUp", errs);
    if (const auto* down = b.if_contains("scaleDown")) {
      validate_rules(*down, "spec.behavior.scaleDown", errs);
    }
  }
  return errs;
}

FieldErrors validate_hpa_status(const json::object& hpa) {
  FieldErrors errs;
  const auto* status = hpa.if_contains("status");
  const HorizontalPodAutoscalerStatus s =
      status ? parse_status(*status) : HorizontalPodAutoscalerStatus{};
  if (s.current_replicas < 0) {
    errs.push_back(invalid("status.currentReplicas", std::to_string(s.current_replicas),
                           "must be greater than or equal to 0"));
  }
  if (s.desired_replicas < 0) {
    errs.push_back(invalid("status.desiredReplicas", std::to_string(s.desired_replicas),
                           "must be greater than or equal to 0"));
  }
  return errs;
}

}  // namespace dynop::localcluster::autoscaling
