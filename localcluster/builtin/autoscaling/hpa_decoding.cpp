#include "localcluster/builtin/autoscaling/hpa_decoding.hpp"

#include <boost/json.hpp>

#include "localcluster/builtin/autoscaling/hpa_defaults.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::autoscaling {
namespace json = boost::json;

namespace {

enum class Kind { kInt32, kInt64, kString, kQuantity, kObject, kArray };

std::string json_type(const json::value& v) {
  if (v.is_string()) return "string";
  if (v.is_bool()) return "bool";
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  if (v.is_number()) return "number " + json::serialize(v);
  return "null";
}

std::string go_type(Kind k, const char* named) {
  if (named) return named;
  switch (k) {
    case Kind::kInt32:
      return "int32";
    case Kind::kInt64:
      return "int64";
    case Kind::kString:
      return "string";
    case Kind::kObject:
      return "object";
    case Kind::kArray:
      return "array";
    case Kind::kQuantity:
      return "resource.Quantity";
  }
  return "";
}

// The check of one field: its Go struct, its path as encoding/json reports
// it (no indices), and the type.
std::optional<std::string> check(const json::object& parent, const char* key, const char* go_struct,
                                 const std::string& path, Kind kind, const char* named = nullptr) {
  const auto* v = parent.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  bool ok = false;
  switch (kind) {
    case Kind::kInt32:
    case Kind::kInt64:
      ok = v->is_int64() || v->is_uint64();
      break;
    case Kind::kString:
      ok = v->is_string();
      break;
    case Kind::kObject:
      ok = v->is_object();
      break;
    case Kind::kArray:
      ok = v->is_array();
      break;
    case Kind::kQuantity: {
      if (!v->is_string() && !v->is_number()) break;
      auto q = Quantity::from_json(*v);
      if (!q) return q.error();
      ok = true;
      break;
    }
  }
  if (ok) return std::nullopt;
  // Go reports numbers with their literal, others by JSON type.
  std::string what = json_type(*v);
  if (kind != Kind::kInt32 && kind != Kind::kInt64 && v->is_number()) what = "number";
  return "json: cannot unmarshal " + what + " into Go struct field " + go_struct + "." + path +
         " of type " + go_type(kind, named);
}

const json::object* object_member(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// spec.scaleTargetRef, the same in v1 and v2 but for the Go type's package.
std::optional<std::string> check_scale_target_ref(const json::object& spec, const char* named) {
  if (auto e = check(spec, "scaleTargetRef", "HorizontalPodAutoscalerSpec", "spec.scaleTargetRef",
                     Kind::kObject, named)) {
    return e;
  }
  if (const auto* ref = object_member(spec, "scaleTargetRef")) {
    for (const char* f : {"kind", "name", "apiVersion"}) {
      if (auto e = check(*ref, f, "CrossVersionObjectReference",
                         std::string("spec.scaleTargetRef.") + f, Kind::kString)) {
        return e;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_target(const json::object& source, const std::string& path) {
  const auto* t = object_member(source, "target");
  if (!t) return check(source, "target", "MetricSource", path + ".target", Kind::kObject);
  const std::string p = path + ".target";
  for (auto [key, kind, named] :
       {std::tuple{"type", Kind::kString, "v2.MetricTargetType"},
        std::tuple{"value", Kind::kQuantity, static_cast<const char*>(nullptr)},
        std::tuple{"averageValue", Kind::kQuantity, static_cast<const char*>(nullptr)},
        std::tuple{"averageUtilization", Kind::kInt32, static_cast<const char*>(nullptr)}}) {
    if (auto e = check(*t, key, "MetricTarget", p + "." + key, kind, named)) return e;
  }
  return std::nullopt;
}

std::optional<std::string> check_rules(const json::object& behavior, const char* key) {
  const std::string path = std::string("spec.behavior.") + key;
  if (auto e = check(behavior, key, "HorizontalPodAutoscalerBehavior", path, Kind::kObject))
    return e;
  const auto* r = object_member(behavior, key);
  if (!r) return std::nullopt;
  if (auto e = check(*r, "stabilizationWindowSeconds", "HPAScalingRules",
                     path + ".stabilizationWindowSeconds", Kind::kInt32)) {
    return e;
  }
  if (auto e = check(*r, "selectPolicy", "HPAScalingRules", path + ".selectPolicy", Kind::kString,
                     "v2.ScalingPolicySelect")) {
    return e;
  }
  if (auto e = check(*r, "policies", "HPAScalingRules", path + ".policies", Kind::kArray)) return e;
  if (const auto* ps = r->if_contains("policies"); ps && ps->is_array()) {
    for (const auto& p : ps->get_array()) {
      if (!p.is_object()) {
        return "json: cannot unmarshal " + json_type(p) + " into Go struct field HPAScalingRules." +
               path + ".policies of type v2.HPAScalingPolicy";
      }
      const std::string pp = path + ".policies";
      if (auto e = check(p.get_object(), "type", "HPAScalingPolicy", pp + ".type", Kind::kString,
                         "v2.HPAScalingPolicyType")) {
        return e;
      }
      for (const char* f : {"value", "periodSeconds"}) {
        if (auto e = check(p.get_object(), f, "HPAScalingPolicy", pp + "." + f, Kind::kInt32))
          return e;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> hpa_decode_error(const json::object& hpa) {
  if (auto e = check(hpa, "spec", "HorizontalPodAutoscaler", "spec", Kind::kObject,
                     "v2.HorizontalPodAutoscalerSpec")) {
    return e;
  }
  const auto* spec = object_member(hpa, "spec");
  if (!spec) return std::nullopt;
  const char* s = "HorizontalPodAutoscalerSpec";
  if (auto e = check(*spec, "minReplicas", s, "spec.minReplicas", Kind::kInt32)) return e;
  if (auto e = check(*spec, "maxReplicas", s, "spec.maxReplicas", Kind::kInt32)) return e;
  if (auto e = check_scale_target_ref(*spec, "v2.CrossVersionObjectReference")) return e;
  if (auto e = check(*spec, "metrics", s, "spec.metrics", Kind::kArray)) return e;
  if (const auto* metrics = spec->if_contains("metrics"); metrics && metrics->is_array()) {
    for (const auto& m : metrics->get_array()) {
      if (!m.is_object()) {
        return "json: cannot unmarshal " + json_type(m) +
               " into Go struct field HorizontalPodAutoscalerSpec.spec.metrics of type "
               "v2.MetricSpec";
      }
      const auto& mo = m.get_object();
      if (auto e = check(mo, "type", "MetricSpec", "spec.metrics.type", Kind::kString,
                         "v2.MetricSourceType")) {
        return e;
      }
      for (const char* source : {"object", "pods", "resource", "containerResource", "external"}) {
        const std::string path = std::string("spec.metrics.") + source;
        if (auto e = check(mo, source, "MetricSpec", path, Kind::kObject)) return e;
        if (const auto* src = object_member(mo, source)) {
          if (auto e = check_target(*src, path)) return e;
        }
      }
    }
  }
  if (auto e = check(*spec, "behavior", s, "spec.behavior", Kind::kObject,
                     "v2.HorizontalPodAutoscalerBehavior")) {
    return e;
  }
  if (const auto* behavior = object_member(*spec, "behavior")) {
    if (auto e = check_rules(*behavior, "scaleUp")) return e;
    if (auto e = check_rules(*behavior, "scaleDown")) return e;
  }
  return std::nullopt;
}

std::optional<std::string> hpa_v1_decode_error(const json::object& hpa) {
  if (auto e = check(hpa, "spec", "HorizontalPodAutoscaler", "spec", Kind::kObject,
                     "v1.HorizontalPodAutoscalerSpec")) {
    return e;
  }
  const auto* spec = object_member(hpa, "spec");
  if (!spec) return std::nullopt;
  const char* s = "HorizontalPodAutoscalerSpec";
  for (const char* f : {"minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"}) {
    if (auto e = check(*spec, f, s, std::string("spec.") + f, Kind::kInt32)) return e;
  }
  if (auto e = check_scale_target_ref(*spec, "v1.CrossVersionObjectReference")) return e;
  return std::nullopt;
}

void canonicalize_hpa(json::object& hpa) {
  set_defaults(hpa);
  hpa["spec"] = to_json(parse_spec(hpa.at("spec")));
  if (const auto* status = hpa.if_contains("status"); status && status->is_object()) {
    hpa["status"] = to_json(parse_status(*status));
  }
}

}  // namespace dynop::localcluster::autoscaling
