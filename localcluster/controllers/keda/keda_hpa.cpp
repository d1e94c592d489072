#include "localcluster/controllers/keda/keda_hpa.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace dynop::localcluster::keda {
namespace json = boost::json;

json::object build_keda_hpa(const json::object& scaled_object, const ScaledObjectSpec& spec,
                            std::vector<autoscaling::MetricSpec> metrics,
                            const std::string& target_api_version, const std::string& target_kind) {
  static const json::object kEmpty;
  const auto* meta_value = scaled_object.if_contains("metadata");
  const json::object& meta =
      meta_value && meta_value->is_object() ? meta_value->get_object() : kEmpty;
  auto text = [&](const char* key) {
    const auto* v = meta.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  const std::string so = text("name");
  const std::string name = hpa_name(so, spec);

  json::object labels{{"app.kubernetes.io/name", name},
                      {"app.kubernetes.io/version", kKedaVersion},
                      {"app.kubernetes.io/part-of", trim63(so)},
                      {"app.kubernetes.io/managed-by", "keda-operator"}};
  if (const auto* l = meta.if_contains("labels"); l && l->is_object()) {
    for (const auto& [k, v] : l->get_object()) labels[k] = v;
  }
  json::object hpa_meta{
      {"name", name}, {"namespace", text("namespace")}, {"labels", std::move(labels)}};
  if (const auto* a = meta.if_contains("annotations"); a && a->is_object()) {
    json::object annotations = a->get_object();
    annotations.erase("kubectl.kubernetes.io/last-applied-configuration");
    if (!annotations.empty()) hpa_meta["annotations"] = std::move(annotations);
  }
  hpa_meta["ownerReferences"] = json::array{json::object{{"apiVersion", "keda.sh/v1alpha1"},
                                                         {"kind", "ScaledObject"},
                                                         {"name", so},
                                                         {"uid", text("uid")},
                                                         {"controller", true},
                                                         {"blockOwnerDeletion", true}}};

  // Sorted by type so that reconciles compare equal (kedacore/keda#1531).
  std::stable_sort(metrics.begin(), metrics.end(),
                   [](const auto& a, const auto& b) { return a.type < b.type; });
  json::array metric_list;
  for (const auto& m : metrics) metric_list.push_back(autoscaling::to_json(m));

  json::object hpa_spec{{"scaleTargetRef", json::object{{"kind", target_kind},
                                                        {"name", spec.scale_target_ref.name},
                                                        {"apiVersion", target_api_version}}},
                        {"minReplicas", spec.hpa_min_replicas()},
                        {"maxReplicas", spec.hpa_max_replicas()},
                        {"metrics", std::move(metric_list)}};
  if (spec.hpa_behavior) hpa_spec["behavior"] = autoscaling::to_json(*spec.hpa_behavior);
  return json::object{{"apiVersion", "autoscaling/v2"},
                      {"kind", "HorizontalPodAutoscaler"},
                      {"metadata", std::move(hpa_meta)},
                      {"spec", std::move(hpa_spec)}};
}

}  // namespace dynop::localcluster::keda
