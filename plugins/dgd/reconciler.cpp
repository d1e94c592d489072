#include "plugins/dgd/reconciler.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>

#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/status.hpp"
#include "plugins/common/dgd_view.hpp"
#include "plugins/common/json_fields.hpp"
#include "plugins/common/kinds.hpp"
#include "plugins/common/names.hpp"
#include "plugins/common/pod_groups.hpp"
#include "plugins/dgd/adapter_planner.hpp"
#include "plugins/dgd/planner_rbac.hpp"
#include "plugins/dgd/pod_planner.hpp"
#include "plugins/dgd/pvc_planner.hpp"
#include "plugins/dgd/service_planner.hpp"
#include "plugins/dgd/status.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;
using sdk::ReconcileResult;
using sdk::StatusCode;

using common::controller_uid;
using common::label_of;
using common::name_of;
using common::string_at;

// JSON text from the host -> objects; nullopt when it is not a JSON array of objects.
std::optional<std::vector<json::object>> parse_list(const std::string& text) {
  auto v = apimachinery::decode_json(text);
  if (!v || !v->is_array()) return std::nullopt;
  std::vector<json::object> out;
  for (json::value& item : v->get_array()) {
    if (item.is_object()) out.push_back(std::move(item.get_object()));
  }
  return out;
}

// Collects the first failure of a reconcile's writes; the others are logged.
class Failures {
 public:
  explicit Failures(const sdk::Logger& logger) : logger_(logger) {}
  void add(std::string message) {
    logger_.warn(message);
    if (first_.empty()) first_ = std::move(message);
  }
  bool any() const { return !first_.empty(); }
  const std::string& first() const { return first_; }

 private:
  const sdk::Logger& logger_;
  std::string first_;
};

}  // namespace

DgdPluginConfig parse_dgd_plugin_config(std::string_view yaml) {
  DgdPluginConfig config;
  YAML::Node root = YAML::Load(std::string(yaml));
  if (!root || root.IsNull()) return config;
  if (!root.IsMap()) throw std::invalid_argument("dgd plugin: configuration must be a mapping");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key == "scheduler_name") {
      config.pod.scheduler_name = kv.second.as<std::string>();
    } else if (key == "default_image") {
      config.pod.default_image = kv.second.as<std::string>();
    } else if (key == "planner_service_account") {
      config.pod.planner_service_account = kv.second.as<std::string>();
    } else if (key == "planner_cluster_role") {
      config.planner_cluster_role = kv.second.as<std::string>();
    } else if (key == "workers") {
      int workers = kv.second.as<int>();
      if (workers < 1 || workers > 64) {
        throw std::invalid_argument("dgd plugin: workers must be between 1 and 64");
      }
      config.workers = static_cast<std::uint32_t>(workers);
    } else {
      throw std::invalid_argument(
          fmt::format("dgd plugin: unknown configuration key \"{}\" (known: scheduler_name, "
                      "default_image, planner_service_account, planner_cluster_role, workers)",
                      key));
    }
  }
  if (config.pod.default_image.empty()) {
    throw std::invalid_argument("dgd plugin: default_image must not be empty");
  }
  if (config.planner_cluster_role.empty() && !config.pod.planner_service_account.empty()) {
    throw std::invalid_argument(
        "dgd plugin: planner_cluster_role must not be empty (the ClusterRole planner pods' "
        "service account is bound to, e.g. dynop-planner from packaging/rbac/planner.yaml)");
  }
  return config;
}

sdk::ReconcilerSpec dgd_reconciler_spec(const DgdPluginConfig& config) {
  sdk::ReconcilerSpec spec;
  spec.primary = common::dgd_gvk();
  spec.primary_cache = sdk::CacheSpec::full().written_back();  // update_status
  spec.watches = {{common::pod_gvk(), sdk::WatchMapping::kControllerOwner,
                   sdk::CacheSpec::fields(common::observed_pod_fields())},
                  {common::dgdsa_gvk(), sdk::WatchMapping::kControllerOwner},
                  // A claim it created and someone deleted is created again.
                  {common::pvc_gvk(), sdk::WatchMapping::kControllerOwner},
                  // So is a Service, and one that drifted is put back.
                  {common::service_gvk(), sdk::WatchMapping::kControllerOwner},
                  // The planner's identity, shared by the namespace's DGDs.
                  {common::service_account_gvk(), sdk::WatchMapping::kFunction},
                  {common::role_binding_gvk(), sdk::WatchMapping::kFunction},
                  // Read, not mapped: is the namespace being deleted?
                  {common::namespace_gvk(), sdk::WatchMapping::kFunction}};
  spec.workers = config.workers;
  return spec;
}

std::vector<sdk::Key> map_dgds_of(std::size_t watch_index, std::string_view object_json) {
  std::vector<sdk::Key> keys;
  if (watch_index != 3 && watch_index != 4) return keys;  // namespaces wake nobody
  auto object = apimachinery::decode_json(object_json);
  if (!object || !object->is_object()) return keys;
  const json::object* meta = common::object_at(object->get_object(), "metadata");
  if (meta == nullptr) return keys;
  const json::value* refs = meta->if_contains("ownerReferences");
  if (refs == nullptr || !refs->is_array()) return keys;
  for (const json::value& ref : refs->get_array()) {
    if (ref.is_object() && string_at(ref.get_object(), "kind") == common::kDgdKind) {
      keys.push_back({string_at(*meta, "namespace"), string_at(ref.get_object(), "name")});
    }
  }
  return keys;
}

DgdReconciler::DgdReconciler(const sdk::Client& client, const sdk::Logger& logger,
                             DgdPluginConfig config, common::Clock clock)
    : client_(client), logger_(logger), config_(std::move(config)), clock_(std::move(clock)) {}

std::shared_ptr<const DgdReconciler::Templates> DgdReconciler::templates_for(
    const sdk::Key& key, const common::DgdView& dgd) {
  const std::string cache_key = key.ns + "/" + key.name;
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(cache_key);
    // generation 0 means a server that does not count generations: no caching.
    if (it != cache_.end() && dgd.generation != 0 && it->second->uid == dgd.uid &&
        it->second->generation == dgd.generation) {
      return it->second;
    }
  }
  auto built = std::make_shared<Templates>();
  built->uid = dgd.uid;
  built->generation = dgd.generation;
  for (const common::ServiceView& svc : dgd.services) {
    auto t = build_pod_template(dgd, svc, config_.pod);
    if (t.ok()) {
      built->by_service.emplace(svc.name, std::move(*t));
    } else {
      built->errors.push_back(apimachinery::FieldError{apimachinery::FieldErrorType::kInvalid,
                                                       fmt::format("spec.services[{}]", svc.name),
                                                       "", t.error()});
    }
  }
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_[cache_key] = built;
  return built;
}

void DgdReconciler::forget(const sdk::Key& key) {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_.erase(key.ns + "/" + key.name);
}

bool DgdReconciler::namespace_terminating(const std::string& ns) {
  auto got = client_.get({common::namespace_gvk(), "", ns});
  if (!got.is_ok()) return false;
  auto object = apimachinery::decode_json(got.value);
  if (!object || !object->is_object()) return false;
  const json::object* meta = common::object_at(object->get_object(), "metadata");
  const json::object* status = common::object_at(object->get_object(), "status");
  const json::value* deletion = meta != nullptr ? meta->if_contains("deletionTimestamp") : nullptr;
  if ((deletion != nullptr && !deletion->is_null()) ||
      (status != nullptr && string_at(*status, "phase") == "Terminating")) {
    return true;
  }
  note_alive(ns);
  return false;
}

void DgdReconciler::note_namespace_deleted(const std::string& ns, std::string_view why) {
  {
    std::lock_guard<std::mutex> lock(terminating_mutex_);
    if (!terminating_logged_.insert(ns).second) return;
  }
  logger_.info(
      fmt::format("namespace {} is being deleted ({}): creating nothing more in it for its "
                  "DynamoGraphDeployments; they go with the namespace",
                  ns, why));
}

void DgdReconciler::note_alive(const std::string& ns) {
  std::lock_guard<std::mutex> lock(terminating_mutex_);
  terminating_logged_.erase(ns);
}

sdk::ReconcileResult DgdReconciler::reconcile(const sdk::Key& key) {
  const sdk::ObjectRef dgd_ref{common::dgd_gvk(), key.ns, key.name};
  auto got = client_.get(dgd_ref);
  if (got.status.code() == StatusCode::kNotFound) {
    forget(key);
    return ReconcileResult::done();
  }
  if (!got.is_ok()) return ReconcileResult::error("reading the DGD: " + got.status.message());
  auto read = common::parse_dgd_json(got.value);
  if (!read) return ReconcileResult::error("the DGD is not JSON: " + read.error());
  const common::DgdParseResult& parsed = *read;
  const common::DgdView& dgd = parsed.view;
  // Deletion: the garbage collector removes pods and adapters through their
  // ownerReferences.
  if (dgd.deleting) {
    forget(key);
    return ReconcileResult::done();
  }
  // A namespace being deleted refuses every create (its pods, adapters,
  // claims, even events) until the namespace controller has removed the DGD
  // too; trying would be a refused create and a warning per pod, again on
  // every pod the namespace controller deletes.
  if (namespace_terminating(dgd.k8s_namespace)) {
    note_namespace_deleted(dgd.k8s_namespace, "its deletionTimestamp is set");
    return ReconcileResult::done();
  }

  Failures failures(logger_);
  std::string write_conflict;  // a 409 on an update: retried, not a failure
  auto write_status = [&](const json::object& status) {
    if (!status_differs(dgd.status, status)) return;
    // The status write sends the whole object back: a document to edit.
    auto document = apimachinery::decode_json(got.value);
    if (!document || !document->is_object()) {
      failures.add("writing the DGD status: the DGD is not a JSON object");
      return;
    }
    json::object updated = std::move(document->as_object());
    updated["status"] = status;
    auto r = client_.update_status(dgd_ref, json::serialize(updated));
    if (r.status.code() == StatusCode::kConflict) {
      write_conflict = "the DGD status write: " + r.status.message();
    } else if (r.status.code() == StatusCode::kNotFound) {
      // Deleted meanwhile: what it owns goes with it.
    } else if (!r.is_ok()) {
      failures.add("writing the DGD status: " + r.status.message());
    }
  };
  auto finish = [&](ReconcileResult otherwise) {
    if (failures.any()) return ReconcileResult::error(failures.first());
    if (!write_conflict.empty()) return ReconcileResult::conflict(write_conflict);
    return otherwise;
  };
  // Every create goes through here. Once the API server says the namespace
  // is being deleted (it refuses new content) or is gone (404 for the
  // namespace itself), nothing more is tried: no failure, no event, no retry.
  // The cached namespace may lag behind the API server's.
  const std::string namespace_gone =
      apimachinery::not_found({"", "namespaces"}, dgd.k8s_namespace).message;
  bool namespace_refused = false;
  auto create = [&](const sdk::ObjectRef& ref,
                    const json::object& object) -> std::optional<sdk::Result<std::string>> {
    if (namespace_refused) return std::nullopt;
    auto r = client_.create(ref, json::serialize(object));
    if (!r.is_ok() &&
        (apimachinery::is_namespace_terminating_message(r.status.message()) ||
         (r.status.code() == StatusCode::kNotFound && r.status.message() == namespace_gone))) {
      namespace_refused = true;
      note_namespace_deleted(dgd.k8s_namespace, fmt::format("creating {} {}: {}", ref.gvk.kind,
                                                            ref.name, r.status.message()));
      return std::nullopt;
    }
    return r;
  };

  // Templates first: a spec that cannot become pods is a validation failure.
  apimachinery::FieldErrors errors = parsed.errors;
  std::shared_ptr<const Templates> templates;
  if (parsed.ok()) {
    templates = templates_for(key, dgd);
    errors.insert(errors.end(), templates->errors.begin(), templates->errors.end());
  }
  if (!errors.empty()) {
    // Nothing is created or deleted for a spec we cannot read; the user's
    // next edit triggers a new reconcile. The event is recorded once per
    // distinct problem (when the status changes), not on every reconcile.
    json::object status = compute_status(dgd, errors, {}, clock_());
    if (status_differs(dgd.status, status)) {
      (void)client_.record_event(dgd_ref, DYNOP_EVENT_WARNING, kReasonValidationFailed,
                                 common::format_field_errors(errors));
    }
    write_status(status);
    return finish(ReconcileResult::done());
  }

  const std::string dgd_selector =
      fmt::format("{}={}", common::kLabelDgdName, common::label_value(dgd.name));

  // Adapters.
  auto adapters = client_.list(common::dgdsa_gvk(), dgd.k8s_namespace, dgd_selector);
  if (!adapters.is_ok())
    return ReconcileResult::error("listing adapters: " + adapters.status.message());
  auto adapter_objects = parse_list(adapters.value);
  if (!adapter_objects) return ReconcileResult::error("listing adapters: not a JSON array");
  AdapterPlan adapter_plan = plan_adapters(dgd, *adapter_objects);
  for (const json::object& adapter : adapter_plan.create) {
    sdk::ObjectRef ref{common::dgdsa_gvk(), dgd.k8s_namespace, name_of(adapter)};
    auto r = create(ref, adapter);
    // Conflict: it exists already (the cache was behind); never overwritten.
    if (r && !r->is_ok() && r->status.code() != StatusCode::kConflict) {
      failures.add(fmt::format("creating adapter {}: {}", ref.name, r->status.message()));
    }
  }
  for (const AdapterToDelete& d : adapter_plan.remove) {
    sdk::Status s = client_.remove({common::dgdsa_gvk(), dgd.k8s_namespace, d.name});
    if (!s.is_ok() && s.code() != StatusCode::kNotFound) {
      failures.add(fmt::format("deleting adapter {} ({}): {}", d.name, d.reason, s.message()));
    }
  }
  for (const std::string& conflict : adapter_plan.conflicts) {
    (void)client_.record_event(dgd_ref, DYNOP_EVENT_WARNING, "AdapterConflict", conflict);
  }

  // Services, as upstream's operator makes them.
  auto services = client_.list(common::service_gvk(), dgd.k8s_namespace, dgd_selector);
  if (!services.is_ok())
    return ReconcileResult::error("listing services: " + services.status.message());
  auto service_objects = parse_list(services.value);
  if (!service_objects) return ReconcileResult::error("listing services: not a JSON array");
  ServicePlan service_plan = plan_services(dgd, *service_objects);
  for (const json::object& service : service_plan.create) {
    sdk::ObjectRef ref{common::service_gvk(), dgd.k8s_namespace, name_of(service)};
    auto r = create(ref, service);
    if (r && !r->is_ok() && r->status.code() != StatusCode::kConflict) {
      std::string message =
          fmt::format("Error creating Service {}: {}", ref.name, r->status.message());
      (void)client_.record_event(dgd_ref, DYNOP_EVENT_WARNING, "FailedCreate", message);
      failures.add(std::move(message));
    }
  }
  for (const ServiceToUpdate& u : service_plan.update) {
    auto r = client_.patch({common::service_gvk(), dgd.k8s_namespace, u.name}, DYNOP_PATCH_MERGE,
                           json::serialize(u.merge_patch));
    if (!r.is_ok() && r.status.code() != StatusCode::kNotFound) {
      failures.add(fmt::format("updating Service {}: {}", u.name, r.status.message()));
    }
  }
  for (const ServiceToDelete& d : service_plan.remove) {
    sdk::Status s = client_.remove({common::service_gvk(), dgd.k8s_namespace, d.name});
    if (!s.is_ok() && s.code() != StatusCode::kNotFound) {
      failures.add(fmt::format("deleting Service {}: {}", d.name, s.message()));
    }
  }
  for (const std::string& conflict : service_plan.conflicts) {
    (void)client_.record_event(dgd_ref, DYNOP_EVENT_WARNING, "ServiceConflict", conflict);
  }

  // Claims of spec.pvcs with create: true, before the pods that mount them.
  std::string claim_read_error;
  auto claims = plan_pvcs(dgd, [&](const std::string& name) {
    auto r = client_.get({common::pvc_gvk(), dgd.k8s_namespace, name});
    if (r.status.code() == StatusCode::kNotFound) return false;
    if (!r.is_ok() && claim_read_error.empty()) claim_read_error = r.status.message();
    return true;  // exists, or unknown: never create over what we cannot see
  });
  if (!claim_read_error.empty()) failures.add("reading claims: " + claim_read_error);
  for (const json::object& claim : claims) {
    sdk::ObjectRef ref{common::pvc_gvk(), dgd.k8s_namespace, name_of(claim)};
    auto r = create(ref, claim);
    // Conflict: someone created it meanwhile; theirs is kept.
    if (r && !r->is_ok() && r->status.code() != StatusCode::kConflict) {
      std::string message = fmt::format("Error creating PersistentVolumeClaim {} of spec.pvcs: {}",
                                        ref.name, r->status.message());
      (void)client_.record_event(dgd_ref, DYNOP_EVENT_WARNING, "FailedCreate", message);
      failures.add(std::move(message));
    }
  }

  // The planner's service account and its RoleBinding, before the planner
  // pods that run as it (ServiceAccount admission refuses them otherwise).
  const PlannerRbacConfig rbac{config_.pod.planner_service_account, config_.planner_cluster_role};
  if (!rbac.service_account.empty()) {
    const std::string binding = planner_role_binding_name(rbac.service_account);
    auto read_object = [&](const sdk::Gvk& gvk, const std::string& name,
                           std::optional<json::object>& out) {
      auto r = client_.get({gvk, dgd.k8s_namespace, name});
      if (r.status.code() == StatusCode::kNotFound) return true;
      auto object =
          r.is_ok() ? apimachinery::decode_json(r.value)
                    : apimachinery::Result<json::value>(apimachinery::Error{r.status.message()});
      if (!object || !object->is_object()) {
        failures.add(fmt::format("reading {} {}: {}", gvk.kind, name,
                                 object ? "not a JSON object" : object.error()));
        return false;
      }
      out = std::move(object->as_object());
      return true;
    };
    auto apply = [&](const sdk::Gvk& gvk, const std::string& name, const RbacObjectAction& action) {
      const sdk::ObjectRef ref{gvk, dgd.k8s_namespace, name};
      switch (action.kind) {
        case RbacObjectAction::Kind::kNone:
          return;
        case RbacObjectAction::Kind::kCreate: {
          auto r = create(ref, action.object);
          if (r && !r->is_ok() && r->status.code() != StatusCode::kConflict) {
            failures.add(fmt::format("creating {} {} for the planner: {}", gvk.kind, name,
                                     r->status.message()));
          }
          return;
        }
        case RbacObjectAction::Kind::kUpdate: {
          auto r = client_.update(ref, json::serialize(action.object));
          if (r.status.code() == StatusCode::kConflict) {
            write_conflict = fmt::format("the {} {} write: {}", gvk.kind, name, r.status.message());
          } else if (!r.is_ok()) {
            failures.add(fmt::format("updating the owners of {} {}: {}", gvk.kind, name,
                                     r.status.message()));
          }
          return;
        }
        case RbacObjectAction::Kind::kDelete: {
          sdk::Status s = client_.remove(ref);
          if (!s.is_ok() && s.code() != StatusCode::kNotFound) {
            failures.add(fmt::format("deleting {} {}: {}", gvk.kind, name, s.message()));
          }
          return;
        }
      }
    };
    std::optional<json::object> service_account;
    std::optional<json::object> role_binding;
    if (read_object(common::service_account_gvk(), rbac.service_account, service_account) &&
        read_object(common::role_binding_gvk(), binding, role_binding)) {
      PlannerRbacPlan plan =
          plan_planner_rbac(dgd, rbac, service_account ? &*service_account : nullptr,
                            role_binding ? &*role_binding : nullptr);
      apply(common::service_account_gvk(), rbac.service_account, plan.service_account);
      apply(common::role_binding_gvk(), binding, plan.role_binding);
    }
  }

  // Pods, by service. Only pods this DGD controls are counted or touched.
  auto pods = client_.list(common::pod_gvk(), dgd.k8s_namespace, dgd_selector);
  if (!pods.is_ok()) return ReconcileResult::error("listing pods: " + pods.status.message());
  auto pod_objects = parse_list(pods.value);
  if (!pod_objects) return ReconcileResult::error("listing pods: not a JSON array");
  std::map<std::string, std::vector<json::object>> by_service;
  for (json::object& pod : *pod_objects) {
    if (!dgd.uid.empty() && controller_uid(pod) != dgd.uid) continue;
    by_service[label_of(pod, common::kLabelComponent)].push_back(std::move(pod));
  }

  std::vector<ServiceObservation> observations;
  bool capped = false;
  for (const common::ServiceView& svc : dgd.services) {
    const PodTemplate& t = templates->by_service.at(svc.name);
    std::vector<common::ObservedPod> observed = common::observe_pods(by_service[svc.name]);
    PodPlanInput input;
    input.desired_hash = t.hash;
    input.replicas = svc.replicas;
    input.pods_per_group = t.pods_per_group;
    input.pods = observed;
    PodPlan plan = plan_pods(input);
    capped = capped || plan.capped;
    for (const PodToCreate& c : plan.create) {
      json::object pod = render_pod(t, c.group_index, c.rank);
      sdk::ObjectRef ref{common::pod_gvk(), dgd.k8s_namespace, name_of(pod)};
      auto r = create(ref, pod);
      if (r && !r->is_ok() && r->status.code() != StatusCode::kConflict) {
        // As a ReplicaSet does: `kubectl describe dgd` shows why pods are missing.
        std::string message = fmt::format("Error creating pod {} for service {}: {}", ref.name,
                                          svc.name, r->status.message());
        (void)client_.record_event(dgd_ref, DYNOP_EVENT_WARNING, "FailedCreate", message);
        failures.add(std::move(message));
      }
    }
    for (const PodToDelete& d : plan.remove) {
      sdk::Status s = client_.remove({common::pod_gvk(), dgd.k8s_namespace, d.name});
      if (!s.is_ok() && s.code() != StatusCode::kNotFound) {
        failures.add(fmt::format("deleting pod {} ({}): {}", d.name, d.reason, s.message()));
      }
    }
    observations.push_back({svc.name, t.hash, std::move(observed)});
    by_service.erase(svc.name);
  }
  // Pods of services that are gone.
  for (const auto& [service, orphans] : by_service) {
    for (const json::object& pod : orphans) {
      const json::value* deleting = pod.at("metadata").as_object().if_contains("deletionTimestamp");
      if (deleting != nullptr && !deleting->is_null()) continue;  // already going
      std::string name = name_of(pod);
      sdk::Status s = client_.remove({common::pod_gvk(), dgd.k8s_namespace, name});
      if (!s.is_ok() && s.code() != StatusCode::kNotFound) {
        failures.add(
            fmt::format("deleting pod {} of removed service {}: {}", name, service, s.message()));
      }
    }
  }

  write_status(compute_status(dgd, {}, observations, clock_()));
  // More pods to create than one pass makes: come back at once (unless the
  // namespace refuses them).
  return finish(capped && !namespace_refused
                    ? ReconcileResult::requeue_after(std::chrono::milliseconds(1))
                    : ReconcileResult::done());
}

}  // namespace dynop::plugins::dgd
