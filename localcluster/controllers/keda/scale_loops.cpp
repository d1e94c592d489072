// KEDA's scale loops (pkg/scaling/scale_handler.go startScaleLoop /
// checkScalers, executor RequestScale): every pollingInterval each
// ScaledObject's triggers are queried and the executor's decision is
// carried out through the target's /scale and the ScaledObject's status.

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "lib/apimachinery/conditions.hpp"
#include "lib/apimachinery/json_path.hpp"
#include "lib/apimachinery/object_meta.hpp"
#include "lib/apimachinery/time.hpp"
#include "localcluster/controllers/keda/keda_operator.hpp"

namespace dynop::localcluster::keda {

namespace json = boost::json;

namespace {

std::string condition_field(const json::array& conditions, const char* type, const char* field) {
  const auto* c = apimachinery::find_condition(conditions, type);
  const auto* v = c ? c->if_contains(field) : nullptr;
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

void KedaOperator::request_scale_loop(const std::string& key, std::int64_t generation) {
  std::lock_guard lock(loops_mutex_);
  auto it = loops_.find(key);
  if (it != loops_.end() && it->second.generation == generation) return;
  // A new or changed ScaledObject is checked at once, then every pollingInterval.
  loops_[key] = Loop{std::chrono::steady_clock::now(), generation};
  loops_wake_.notify_all();
}

void KedaOperator::stop_scale_loop(const std::string& key) {
  std::lock_guard lock(loops_mutex_);
  loops_.erase(key);
}

void KedaOperator::run_loops() {
  std::unique_lock lock(loops_mutex_);
  while (!stopping_) {
    if (!pending_health_.empty()) {
      lock.unlock();
      write_pending_health();
      lock.lock();
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    std::vector<std::string> due;
    auto next = now + std::chrono::hours(1);
    for (const auto& [key, loop] : loops_) {
      if (loop.next <= now) {
        due.push_back(key);
      } else {
        next = std::min(next, loop.next);
      }
    }
    if (due.empty()) {
      loops_wake_.wait_until(lock, next);
      continue;
    }
    for (const auto& key : due) {
      lock.unlock();
      const auto slash = key.find('/');
      const std::string ns = key.substr(0, slash);
      const std::string name = key.substr(slash + 1);
      std::chrono::seconds interval{kDefaultPollingInterval};
      if (auto so = cached_scaled_object(ns, name)) {
        interval = std::chrono::seconds(scaled_object_spec(*so).polling_interval_seconds());
        check_scaled_object(ns, name);
      }
      lock.lock();
      if (stopping_) return;
      if (auto it = loops_.find(key); it != loops_.end()) {
        it->second.next = std::chrono::steady_clock::now() + interval;
      }
    }
  }
}

void KedaOperator::check_scaled_object(const std::string& ns, const std::string& name) {
  auto cached = cached_scaled_object(ns, name);
  if (!cached) return;
  json::object so = std::move(*cached);
  if (apimachinery::deletion_timestamp(so) || paused_by_annotation(so)) return;
  const ScaledObjectSpec spec = scaled_object_spec(so);
  auto scalers = build_scalers(spec);
  if (!scalers) return;  // the reconcile reports it (Ready False)

  ExecutorInput in;
  in.spec = &spec;
  in.ns = ns;
  for (const auto& scaler : *scalers) {
    auto value = query(scaler.metadata);
    if (!value) {
      in.is_error = true;
      spdlog::info("keda-operator: {}/{}: error getting scale decision: {}", ns, name,
                   value.error());
      record_event(so, "Warning", "KEDAScalerFailed", value.error());
      continue;
    }
    if (value->active) {
      in.is_active = true;
      in.active_triggers.push_back(scaler.name);
    }
  }

  auto target = target_resource(spec.scale_target_ref);
  if (!target) return;
  auto scale_text = client_.get_scale(*target, ns, spec.scale_target_ref.name);
  if (!scale_text) {
    spdlog::info("keda-operator: {}/{}: error getting the target's scale: {}", ns, name,
                 scale_text.error().message);
    return;
  }
  json::value scale = json::parse(scale_text.value());
  const auto* replicas = scale.is_object()
                             ? apimachinery::get_simple_path(scale.as_object(), "spec.replicas")
                             : nullptr;
  in.current_replicas =
      replicas && replicas->is_int64() ? static_cast<int32_t>(replicas->get_int64()) : 0;

  // What the reconcile writes to status.scaleTargetKind, from the target
  // itself: the cached status may not show that write yet.
  in.scale_target_kind = target->api_version() + "." + target->kind;
  if (auto t =
          apimachinery::parse_time(apimachinery::get_simple_string(so, "status.lastActiveTime"))) {
    in.last_active_time = *t;
  }
  if (auto t = apimachinery::parse_time(
          apimachinery::get_simple_string(so, "metadata.creationTimestamp"))) {
    in.creation_timestamp = *t;
  }
  const auto* conditions_json = apimachinery::get_simple_path(so, "status.conditions");
  json::array conditions =
      conditions_json && conditions_json->is_array() ? conditions_json->get_array() : json::array();
  in.ready_status = condition_field(conditions, "Ready", "status");
  in.active_status = condition_field(conditions, "Active", "status");
  in.active_reason = condition_field(conditions, "Active", "reason");
  in.now = apimachinery::now();

  const ExecutorDecision decision = decide_scale(in);
  bool scaled = false;
  if (decision.scale_to) {
    json::object body = scale.as_object();
    auto& spec_part = body["spec"];
    if (!spec_part.is_object()) spec_part = json::object();
    spec_part.as_object()["replicas"] = *decision.scale_to;
    auto written =
        client_.update(*target, ns, spec.scale_target_ref.name, json::serialize(body), "scale");
    if (!written) {
      spdlog::info("keda-operator: {}/{}: error scaling the target: {}", ns, name,
                   written.error().message);
    } else {
      scaled = true;
    }
  }
  if (scaled || !decision.scale_to) {
    for (const auto& e : decision.events) record_event(so, e.type, e.reason, e.message);
  }
  json::object fields;
  if (decision.update_last_active_time) {
    fields["lastActiveTime"] = apimachinery::format_time(in.now);
  }
  if (!decision.conditions.empty() || !fields.empty()) {
    if (auto updated = update_status(ns, name, decision.conditions, fields); !updated) {
      spdlog::info("keda-operator: {}/{}: error updating the status: {}", ns, name,
                   updated.error());
    }
  }
}

}  // namespace dynop::localcluster::keda
