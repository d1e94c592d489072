#include "plugins/dgdsa/reconciler.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "lib/apimachinery/json_decode.hpp"
#include "plugins/common/dgd_view.hpp"
#include "plugins/common/dgdsa_view.hpp"
#include "plugins/common/json_fields.hpp"
#include "plugins/common/kinds.hpp"
#include "plugins/common/names.hpp"
#include "plugins/common/pod_groups.hpp"
#include "plugins/dgdsa/adapter_sync.hpp"

namespace dynop::plugins::dgdsa {
namespace {

namespace json = boost::json;
using sdk::ReconcileResult;
using sdk::StatusCode;

using common::object_at;
using common::string_at;

dynop_event_type event_type(const Event& e) {
  return e.type == "Warning" ? DYNOP_EVENT_WARNING : DYNOP_EVENT_NORMAL;
}

}  // namespace

DgdsaPluginConfig parse_dgdsa_plugin_config(std::string_view yaml) {
  DgdsaPluginConfig config;
  YAML::Node root = YAML::Load(std::string(yaml));
  if (!root || root.IsNull()) return config;
  if (!root.IsMap()) throw std::invalid_argument("dgdsa plugin: configuration must be a mapping");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key == "workers") {
      int workers = kv.second.as<int>();
      if (workers < 1 || workers > 64) {
        throw std::invalid_argument("dgdsa plugin: workers must be between 1 and 64");
      }
      config.workers = static_cast<std::uint32_t>(workers);
    } else {
      throw std::invalid_argument(
          fmt::format("dgdsa plugin: unknown configuration key \"{}\" (known: workers)", key));
    }
  }
  return config;
}

sdk::ReconcilerSpec dgdsa_reconciler_spec(const DgdsaPluginConfig& config) {
  sdk::ReconcilerSpec spec;
  spec.primary = common::dgdsa_gvk();
  spec.primary_cache = sdk::CacheSpec::full().written_back();  // update_status
  spec.watches = {{common::dgd_gvk(), sdk::WatchMapping::kFunction},
                  {common::pod_gvk(), sdk::WatchMapping::kFunction,
                   sdk::CacheSpec::fields(common::observed_pod_fields())}};
  spec.workers = config.workers;
  return spec;
}

std::vector<sdk::Key> map_adapters_of(std::size_t watch_index, std::string_view object_json) {
  std::vector<sdk::Key> keys;
  if (watch_index == 0) {
    // A DGD: the adapters of its services (disabled ones too, so an adapter
    // about to be deleted still reports the DGD's count meanwhile).
    auto dgd = common::parse_dgd_json(object_json, common::DgdParts::kScaling);
    if (!dgd) return keys;
    for (const common::ServiceView& svc : dgd->view.services) {
      keys.push_back({dgd->view.k8s_namespace, common::adapter_name(dgd->view.name, svc.name)});
    }
    return keys;
  }
  auto v = apimachinery::decode_json(object_json);
  if (!v || !v->is_object()) return keys;
  const json::object* meta = object_at(v->get_object(), "metadata");
  if (meta == nullptr) return keys;
  std::string ns = string_at(*meta, "namespace");
  // A pod: its controlling DGD's name and its service give the adapter.
  const json::object* labels = object_at(*meta, "labels");
  if (labels == nullptr) return keys;
  std::string service = string_at(*labels, common::kLabelComponent);
  if (service.empty()) return keys;
  if (const json::object* ref = common::controller_reference(v->get_object());
      ref != nullptr && string_at(*ref, "kind") == common::kDgdKind) {
    keys.push_back({ns, common::adapter_name(string_at(*ref, "name"), service)});
  }
  return keys;
}

DgdsaReconciler::DgdsaReconciler(const sdk::Client& client, common::Clock clock)
    : client_(client), clock_(std::move(clock)) {}

sdk::ReconcileResult DgdsaReconciler::reconcile(const sdk::Key& key) {
  const sdk::ObjectRef adapter_ref{common::dgdsa_gvk(), key.ns, key.name};
  auto got = client_.get(adapter_ref);
  if (got.status.code() == StatusCode::kNotFound) return ReconcileResult::done();
  if (!got.is_ok()) return ReconcileResult::error("reading the adapter: " + got.status.message());
  auto parsed = common::parse_adapter_json(got.value);
  if (!parsed) return ReconcileResult::error("the adapter is not JSON: " + parsed.error());
  const common::AdapterView& view = parsed->view;

  std::optional<common::DgdParseResult> dgd;
  if (parsed->ok()) {
    auto d = client_.get({common::dgd_gvk(), key.ns, view.dgd_name});
    if (d.is_ok()) {
      auto dv = common::parse_dgd_json(d.value, common::DgdParts::kScaling);
      if (!dv) return ReconcileResult::error("the DGD is not JSON: " + dv.error());
      dgd = std::move(*dv);
    } else if (d.status.code() != StatusCode::kNotFound) {
      return ReconcileResult::error("reading the DGD: " + d.status.message());
    }
  }

  std::vector<common::ObservedPod> pods;
  if (parsed->ok()) {
    auto listed = client_.list(common::pod_gvk(), key.ns,
                               common::adapter_selector(view.dgd_name, view.service));
    if (!listed.is_ok()) return ReconcileResult::error("listing pods: " + listed.status.message());
    auto list = apimachinery::decode_json(listed.value);
    if (!list || !list->is_array()) return ReconcileResult::error("listing pods: not a JSON array");
    for (const json::value& p : list->get_array()) {
      if (!p.is_object()) continue;
      if (auto o = common::observe_pod(p.get_object())) pods.push_back(std::move(*o));
    }
  }

  SyncPlan plan =
      plan_adapter_sync({&*parsed, dgd ? &dgd->view : nullptr, std::move(pods), clock_()});
  for (const Event& e : plan.events) {
    (void)client_.record_event(adapter_ref, event_type(e), e.reason, e.message);
  }
  if (plan.dgd_patch) {
    auto r = client_.patch({common::dgd_gvk(), key.ns, view.dgd_name}, DYNOP_PATCH_MERGE,
                           json::serialize(*plan.dgd_patch));
    // The patch carries the DGD's resourceVersion: a 409 means the DGD changed
    // since we read it, and the next attempt decides again on the new one.
    if (r.status.code() == StatusCode::kConflict) {
      return ReconcileResult::conflict("the DGD replicas write: " + r.status.message());
    }
    if (!r.is_ok()) {
      Event e = update_failed_event(view, r.status.message());
      (void)client_.record_event(adapter_ref, event_type(e), e.reason, e.message);
      return ReconcileResult::error(e.message);
    }
    for (const Event& e : plan.events_on_success) {
      (void)client_.record_event(adapter_ref, event_type(e), e.reason, e.message);
    }
  }
  if (plan.status) {
    // The status write sends the whole object back: a document to edit.
    auto adapter = apimachinery::decode_json(got.value);
    if (!adapter || !adapter->is_object()) {
      return ReconcileResult::error("the adapter is not a JSON object");
    }
    json::object updated = std::move(adapter->as_object());
    updated["status"] = std::move(*plan.status);
    auto r = client_.update_status(adapter_ref, json::serialize(updated));
    if (r.status.code() == StatusCode::kConflict) {
      return ReconcileResult::conflict("the adapter status write: " + r.status.message());
    }
    // Deleted meanwhile (with its DGD, or its namespace): nothing left to report on.
    if (r.status.code() == StatusCode::kNotFound) return ReconcileResult::done();
    if (!r.is_ok()) {
      return ReconcileResult::error("writing the adapter status: " + r.status.message());
    }
  }
  if (!plan.retry_reason.empty()) return ReconcileResult::error(plan.retry_reason);
  return ReconcileResult::done();
}

}  // namespace dynop::plugins::dgdsa
