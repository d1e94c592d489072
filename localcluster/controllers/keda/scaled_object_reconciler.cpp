// The ScaledObject controller's reconcile (KEDA 2.16
// controllers/keda/scaledobject_controller.go and scaledobject_finalizer.go).

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "lib/apimachinery/conditions.hpp"
#include "lib/apimachinery/json_path.hpp"
#include "lib/apimachinery/object_meta.hpp"
#include "localcluster/controllers/keda/keda_hpa.hpp"
#include "localcluster/controllers/keda/keda_operator.hpp"

namespace dynop::localcluster::keda {

namespace json = boost::json;

namespace {

constexpr const char* kReadyMessage = "ScaledObject is defined correctly and is ready for scaling";
constexpr const char* kPausedMessage = "ScaledObject is paused";
constexpr const char* kScaleTargetErrMsg =
    "ScaledObject doesn't have correct scaleTargetRef specification";

json::object& object_member(json::object& parent, const char* key) {
  auto& v = parent[key];
  if (!v.is_object()) v = json::object();
  return v.as_object();
}

// controller-runtime's DeepDerivative: every field `desired` sets equals the
// one in `existing` (what the API server defaulted is not compared).
bool derivative(const json::value& desired, const json::value* existing) {
  if (!existing) return desired.is_null();
  if (desired.is_object()) {
    if (!existing->is_object()) return false;
    for (const auto& [key, value] : desired.get_object()) {
      if (!derivative(value, existing->get_object().if_contains(key))) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!existing->is_array() || existing->get_array().size() != desired.get_array().size()) {
      return false;
    }
    for (std::size_t i = 0; i < desired.get_array().size(); ++i) {
      if (!derivative(desired.get_array()[i], &existing->get_array()[i])) return false;
    }
    return true;
  }
  return desired == *existing;
}

}  // namespace

controller::ReconcileResult KedaOperator::reconcile(const controller::Request& request) {
  // Read from the API, not the cache: the conditions decide the Ready event,
  // and this reconcile may follow a status write the cache has not seen.
  auto resource = client_.resource_for("keda.sh/v1alpha1", "ScaledObject");
  if (!resource) return controller::ReconcileResult::error(resource.error().message);
  auto current_text = client_.get(*resource, request.ns, request.name);
  if (!current_text && current_text.error().not_found()) {
    stop_scale_loop(request.key());
    return controller::ReconcileResult::done();
  }
  if (!current_text) return controller::ReconcileResult::error(current_text.error().message);
  json::value parsed = json::parse(current_text.value());
  if (!parsed.is_object()) return controller::ReconcileResult::done();
  json::object so = std::move(parsed.as_object());
  if (apimachinery::deletion_timestamp(so)) {
    finalize(so);
    return controller::ReconcileResult::done();
  }
  if (!apimachinery::has_finalizer(so, kFinalizer)) {
    json::array finalizers;
    if (const auto* f = apimachinery::get_simple_path(so, "metadata.finalizers");
        f && f->is_array()) {
      finalizers = f->get_array();
    }
    finalizers.push_back(kFinalizer);
    auto patched = patch_metadata(so, json::object{{"finalizers", std::move(finalizers)}});
    if (!patched) return controller::ReconcileResult::error(patched.error());
    so = std::move(*patched);
  }
  const json::value* current = apimachinery::get_simple_path(so, "status.conditions");
  if (!current || !conditions_initialized(*current)) {
    auto patched = patch_status(so, json::object{{"conditions", initialized_conditions()}});
    if (!patched) {
      record_event(so, "Warning", "ScaledObjectUpdateFailed", patched.error());
      return controller::ReconcileResult::error(patched.error());
    }
    so = std::move(*patched);
    current = apimachinery::get_simple_path(so, "status.conditions");
  }
  const json::array before = current && current->is_array() ? current->get_array() : json::array();
  json::array conditions = before;

  std::string error;
  const std::string msg = reconcile_scaled_object(so, conditions, error);
  if (!error.empty()) {
    const std::string full = msg + ": " + error;
    spdlog::info("keda-operator: ScaledObject {}: {}", request.key(), full);
    set_condition(conditions, {"Ready", "False", "ScaledObjectCheckFailed", full});
    set_condition(conditions, {"Active", "Unknown", "UnknownState", "ScaledObject check failed"});
    record_event(so, "Warning", "ScaledObjectCheckFailed", full);
  } else {
    const auto* ready = apimachinery::find_condition(conditions, "Ready");
    const auto* status = ready ? ready->if_contains("status") : nullptr;
    if (!status || !status->is_string() || status->get_string() != "True") {
      record_event(so, "Normal", "ScaledObjectReady", "ScaledObject is ready for scaling");
    }
    set_condition(conditions, {"Ready", "True", "ScaledObjectReady", msg});
  }
  const auto spec = scaled_object_spec(so);
  if (!spec.fallback || spec.fallback->failure_threshold < 0 || spec.fallback->replicas < 0) {
    set_condition(conditions, {"Fallback", "False", "NoFallbackFound",
                               "No fallbacks are active on this scaled object"});
  }
  std::vector<KedaCondition> changed;
  for (const auto& c : conditions) {
    if (!c.is_object()) continue;
    const auto& o = c.get_object();
    auto text = [&o](const char* key) {
      const auto* v = o.if_contains(key);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    const auto* old = apimachinery::find_condition(before, text("type"));
    if (!old || *old != o)
      changed.push_back({text("type"), text("status"), text("reason"), text("message")});
  }
  if (!changed.empty()) {
    auto updated = update_status(request.ns, request.name, changed, {});
    if (!updated) {
      record_event(so, "Warning", "ScaledObjectUpdateFailed", updated.error());
      return controller::ReconcileResult::error(updated.error());
    }
  }
  if (!error.empty()) return controller::ReconcileResult::error(msg + ": " + error);
  return controller::ReconcileResult::done();
}

std::string KedaOperator::reconcile_scaled_object(json::object& so, json::array& conditions,
                                                  std::string& error) {
  const std::string ns = std::string(apimachinery::namespace_of(so));
  const std::string name = std::string(apimachinery::name(so));
  const std::string key = ns + "/" + name;
  const ScaledObjectSpec spec = scaled_object_spec(so);

  const bool needs_pause = paused_by_annotation(so) ||
                           apimachinery::annotation(so, kPausedReplicasAnnotation).has_value();
  const auto* paused = apimachinery::find_condition(conditions, "Paused");
  const bool paused_now = paused && paused->if_contains("status") && paused->at("status") == "True";
  if (needs_pause) {
    if (paused_now) return kReadyMessage;
    stop_scale_loop(key);
    std::string hpa = apimachinery::get_simple_string(so, "status.hpaName");
    if (hpa.empty()) hpa = hpa_name(name, spec);
    if (auto resource = client_.resource_for("autoscaling/v2", "HorizontalPodAutoscaler")) {
      auto removed = client_.remove(*resource, ns, hpa);
      if (!removed && !removed.error().not_found()) {
        error = removed.error().message;
        return "failed to delete HPA for paused ScaledObject";
      }
    }
    set_condition(conditions, {"Paused", "True", "ScaledObjectPaused", kPausedMessage});
    return kPausedMessage;
  }
  if (paused_now) {
    set_condition(conditions, {"Paused", "False", "ScaledObjectUnpaused",
                               "pause annotation removed for ScaledObject"});
  }

  if (spec.scale_target_ref.name.empty()) {
    error = "ScaledObject.spec.scaleTargetRef.name is missing";
    return kScaleTargetErrMsg;
  }
  if (apimachinery::label(so, kScaledObjectNameLabel) != name) {
    json::object labels;
    if (const auto* l = apimachinery::get_simple_path(so, "metadata.labels"); l && l->is_object()) {
      labels = l->get_object();
    }
    labels[kScaledObjectNameLabel] = name;
    auto patched = patch_metadata(so, json::object{{"labels", std::move(labels)}});
    if (!patched) {
      error = patched.error();
      return "failed to update ScaledObject with scaledObjectName label";
    }
    so = std::move(*patched);
  }

  // checkTargetResourceIsScalable
  auto target = target_resource(spec.scale_target_ref);
  if (!target) {
    record_event(so, "Warning", "ScaledObjectUpdateFailed", target.error());
    error = target.error();
    return kScaleTargetErrMsg;
  }
  const std::string gvk = target->api_version() + "." + target->kind;
  const bool want_status = apimachinery::get_simple_string(so, "status.scaleTargetKind") != gvk ||
                           !apimachinery::get_simple_path(so, "status.originalReplicaCount");
  if (want_status) {
    auto scale = client_.get_scale(*target, ns, spec.scale_target_ref.name);
    if (!scale) {
      auto exists = client_.get(*target, ns, spec.scale_target_ref.name);
      if (!exists) {
        record_event(so, "Warning", "ScaledObjectCheckFailed", "Target resource doesn't exist");
        error = exists.error().message;
      } else {
        record_event(so, "Warning", "ScaledObjectCheckFailed",
                     "Target resource doesn't expose /scale subresource");
        error = scale.error().message;
      }
      return kScaleTargetErrMsg;
    }
    json::object status;
    if (apimachinery::get_simple_string(so, "status.scaleTargetKind") != gvk) {
      status["scaleTargetKind"] = gvk;
      status["scaleTargetGVKR"] = json::object{{"group", target->group},
                                               {"version", target->version},
                                               {"kind", target->kind},
                                               {"resource", target->resource}};
    }
    if (!apimachinery::get_simple_path(so, "status.originalReplicaCount")) {
      std::int64_t replicas = 0;
      if (auto parsed = json::parse(scale.value()); parsed.is_object()) {
        if (const auto* r = apimachinery::get_simple_path(parsed.as_object(), "spec.replicas");
            r && r->is_int64()) {
          replicas = r->get_int64();
        }
      }
      status["originalReplicaCount"] = replicas;
    }
    auto patched = patch_status(so, status);
    if (!patched) {
      error = patched.error();
      return kScaleTargetErrMsg;
    }
    so = std::move(*patched);
  }

  if (auto bounds = check_replica_count_bounds(spec); !bounds) {
    error = bounds.error();
    return "ScaledObject doesn't have correct Idle/Min/Max Replica Counts specification";
  }

  // updateStatusWithTriggersAndAuthsTypes
  std::string triggers_types, auth_types;
  std::set<std::string> seen_types, seen_auths;
  for (const auto& t : spec.triggers) {
    if (seen_types.insert(t.type).second) {
      triggers_types += (triggers_types.empty() ? "" : ",") + t.type;
    }
    if (t.authentication_ref && seen_auths.insert(*t.authentication_ref).second) {
      auth_types += (auth_types.empty() ? "" : ",") + *t.authentication_ref;
    }
  }
  const auto* have_triggers = apimachinery::get_simple_path(so, "status.triggersTypes");
  const auto* have_auths = apimachinery::get_simple_path(so, "status.authenticationsTypes");
  if (!have_triggers || *have_triggers != json::value(triggers_types) || !have_auths ||
      *have_auths != json::value(auth_types)) {
    auto patched = patch_status(
        so, json::object{{"triggersTypes", triggers_types}, {"authenticationsTypes", auth_types}});
    if (!patched) {
      error = patched.error();
      return "Cannot update ScaledObject status with triggers'types and authentications'types";
    }
    so = std::move(*patched);
  }

  const std::string msg = ensure_hpa(so, spec, *target, error);
  if (!error.empty()) return msg;
  return kReadyMessage;
}

std::string KedaOperator::ensure_hpa(json::object& so, const ScaledObjectSpec& spec,
                                     const kube::ResourceInfo& target, std::string& error) {
  const std::string ns = std::string(apimachinery::namespace_of(so));
  const std::string name = std::string(apimachinery::name(so));
  const std::string failed = "failed to ensure HPA is correctly created for ScaledObject";
  auto scalers = build_scalers(spec);
  if (!scalers) {
    error = scalers.error();
    return failed;
  }
  std::vector<autoscaling::MetricSpec> metrics;
  json::array metric_names;
  for (const auto& scaler : *scalers) {
    metrics.push_back(hpa_metric_spec(scaler.metadata, name));
    metric_names.push_back(json::value(metric_name(scaler.metadata)));
  }
  json::object desired = build_keda_hpa(so, spec, metrics, target.api_version(), target.kind);
  const std::string hpa = std::string(apimachinery::name(desired));
  auto resource = client_.resource_for("autoscaling/v2", "HorizontalPodAutoscaler");
  if (!resource) {
    error = resource.error().message;
    return failed;
  }
  bool created = false;
  auto existing = client_.get(*resource, ns, hpa);
  if (!existing && existing.error().not_found()) {
    auto made = client_.create(*resource, ns, json::serialize(desired));
    if (!made) {
      error = made.error().message;
      return failed;
    }
    spdlog::info("keda-operator: created HPA {}/{} for ScaledObject {}", ns, hpa, name);
    created = true;
  } else if (!existing) {
    error = existing.error().message;
    return failed;
  } else {
    json::value current = json::parse(existing.value());
    auto& cur = current.as_object();
    const bool same_spec = derivative(desired.at("spec"), cur.if_contains("spec"));
    const bool same_labels = derivative(desired.at("metadata").at("labels"),
                                        apimachinery::get_simple_path(cur, "metadata.labels"));
    if (!same_spec || !same_labels) {
      cur["spec"] = desired.at("spec");
      object_member(object_member(cur, "metadata"), "labels") =
          desired.at("metadata").at("labels").as_object();
      auto updated = client_.update(*resource, ns, hpa, json::serialize(cur));
      if (!updated) {
        error = updated.error().message;
        return failed;
      }
      spdlog::info("keda-operator: updated HPA {}/{}", ns, hpa);
    }
  }
  // externalMetricNames and hpaName in the status.
  json::object status;
  const auto* names = apimachinery::get_simple_path(so, "status.externalMetricNames");
  if (!names || *names != json::value(metric_names)) status["externalMetricNames"] = metric_names;
  if (apimachinery::get_simple_string(so, "status.hpaName") != hpa) status["hpaName"] = hpa;
  if (!status.empty()) {
    auto patched = patch_status(so, status);
    if (!patched) {
      error = patched.error();
      return failed;
    }
    so = std::move(*patched);
  }
  request_scale_loop(std::string(apimachinery::namespace_of(so)) + "/" + name,
                     apimachinery::generation(so).value_or(0));
  (void)created;
  return {};
}

void KedaOperator::finalize(const json::object& so) {
  const std::string ns = std::string(apimachinery::namespace_of(so));
  const std::string name = std::string(apimachinery::name(so));
  stop_scale_loop(ns + "/" + name);
  if (!apimachinery::has_finalizer(so, kFinalizer)) return;
  const auto spec = scaled_object_spec(so);
  if (spec.restore_to_original_replica_count) {
    const auto* original = apimachinery::get_simple_path(so, "status.originalReplicaCount");
    auto target = target_resource(spec.scale_target_ref);
    if (original && original->is_int64() && target) {
      auto scaled = client_.scale(*target, ns, spec.scale_target_ref.name, original->get_int64());
      if (!scaled) {
        spdlog::warn("keda-operator: restoring {}/{} to its original replica count: {}", ns,
                     spec.scale_target_ref.name, scaled.error().message);
      }
    }
  }
  json::array finalizers;
  if (const auto* f = apimachinery::get_simple_path(so, "metadata.finalizers");
      f && f->is_array()) {
    for (const auto& item : f->get_array()) {
      if (!(item.is_string() && item.get_string() == kFinalizer)) finalizers.push_back(item);
    }
  }
  auto patched = patch_metadata(so, json::object{{"finalizers", std::move(finalizers)}});
  if (!patched) {
    spdlog::warn("keda-operator: removing the finalizer of {}/{}: {}", ns, name, patched.error());
    return;
  }
  record_event(so, "Normal", "ScaledObjectDeleted", "ScaledObject was deleted");
}

}  // namespace dynop::localcluster::keda
