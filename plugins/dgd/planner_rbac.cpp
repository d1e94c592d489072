#include "plugins/dgd/planner_rbac.hpp"

#include <algorithm>
#include <boost/json/array.hpp>

#include "plugins/common/json_fields.hpp"
#include "plugins/common/names.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;
using Kind = RbacObjectAction::Kind;
using common::object_at;
using common::string_at;
using common::uid_of;

bool managed_by_dynop(const json::object& object) {
  return common::label_of(object, kManagedByLabel) == kManagedByDynop;
}

// A plain ownerReference (no controller, no blockOwnerDeletion): the object
// is shared with the namespace's other DGDs that have a planner.
json::object owner_reference(const common::DgdView& dgd) {
  return {{"apiVersion", common::kDynamoApiVersion},
          {"kind", common::kDgdKind},
          {"name", dgd.name},
          {"uid", dgd.uid}};
}

json::object metadata(const common::DgdView& dgd, std::string_view name) {
  return {{"name", name},
          {"namespace", dgd.k8s_namespace},
          {"labels", {{kManagedByLabel, kManagedByDynop}}},
          {"ownerReferences", json::array{owner_reference(dgd)}}};
}

json::object role_ref(const PlannerRbacConfig& config) {
  return {{"apiGroup", "rbac.authorization.k8s.io"},
          {"kind", "ClusterRole"},
          {"name", config.cluster_role}};
}

json::array subjects(const common::DgdView& dgd, const PlannerRbacConfig& config) {
  return {json::object{{"kind", "ServiceAccount"},
                       {"name", config.service_account},
                       {"namespace", dgd.k8s_namespace}}};
}

json::array& owner_references(json::object& object) {
  json::value& meta = object["metadata"];
  if (!meta.is_object()) meta.emplace_object();
  json::value& refs = meta.get_object()["ownerReferences"];
  if (!refs.is_array()) refs.emplace_array();
  return refs.get_array();
}

bool owns(const json::object& object, const common::DgdView& dgd) {
  const json::object* meta = object_at(object, "metadata");
  const json::value* refs = meta != nullptr ? meta->if_contains("ownerReferences") : nullptr;
  if (refs == nullptr || !refs->is_array()) return false;
  return std::any_of(refs->get_array().begin(), refs->get_array().end(), [&](const json::value& r) {
    return r.is_object() && string_at(r.get_object(), "uid") == dgd.uid;
  });
}

// This DGD wants the object: created, or adopted into its owner list.
RbacObjectAction ensure_owned(const common::DgdView& dgd, const json::object* existing,
                              json::object wanted) {
  if (existing == nullptr) return {Kind::kCreate, std::move(wanted), {}};
  if (!managed_by_dynop(*existing) || owns(*existing, dgd)) return {};
  json::object updated = *existing;
  owner_references(updated).push_back(owner_reference(dgd));
  return {Kind::kUpdate, std::move(updated), {}};
}

// This DGD no longer wants the object: its owner entry goes, and with the last
// one the object.
RbacObjectAction release(const common::DgdView& dgd, const json::object* existing) {
  if (existing == nullptr || !managed_by_dynop(*existing) || !owns(*existing, dgd)) return {};
  json::object updated = *existing;
  json::array& refs = owner_references(updated);
  refs.erase(std::remove_if(refs.begin(), refs.end(),
                            [&](const json::value& r) {
                              return r.is_object() && string_at(r.get_object(), "uid") == dgd.uid;
                            }),
             refs.end());
  if (refs.empty()) return {Kind::kDelete, {}, uid_of(*existing)};
  return {Kind::kUpdate, std::move(updated), {}};
}

}  // namespace

std::string planner_role_binding_name(std::string_view service_account) {
  return std::string(service_account) + "-binding";
}

PlannerRbacPlan plan_planner_rbac(const common::DgdView& dgd, const PlannerRbacConfig& config,
                                  const json::object* service_account,
                                  const json::object* role_binding) {
  PlannerRbacPlan plan;
  if (dgd.deleting || config.service_account.empty()) return plan;
  const bool has_planner = std::any_of(dgd.services.begin(), dgd.services.end(),
                                       [](const common::ServiceView& s) { return s.is_planner(); });
  if (!has_planner) {
    plan.service_account = release(dgd, service_account);
    plan.role_binding = release(dgd, role_binding);
    return plan;
  }
  plan.service_account = ensure_owned(dgd, service_account,
                                      {{"apiVersion", "v1"},
                                       {"kind", "ServiceAccount"},
                                       {"metadata", metadata(dgd, config.service_account)}});
  const std::string binding_name = planner_role_binding_name(config.service_account);
  plan.role_binding = ensure_owned(dgd, role_binding,
                                   {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                    {"kind", "RoleBinding"},
                                    {"metadata", metadata(dgd, binding_name)},
                                    {"roleRef", role_ref(config)},
                                    {"subjects", subjects(dgd, config)}});
  // Ours, but bound elsewhere (the ClusterRole was renamed in the config):
  // roleRef cannot change, so the binding is deleted and made again next pass.
  // Subjects can change in place.
  if (role_binding != nullptr && managed_by_dynop(*role_binding)) {
    const json::value* ref = role_binding->if_contains("roleRef");
    if (ref == nullptr || *ref != json::value(role_ref(config))) {
      plan.role_binding = {Kind::kDelete, {}, uid_of(*role_binding)};
      return plan;
    }
    const json::value* current = role_binding->if_contains("subjects");
    if (current == nullptr || *current != json::value(subjects(dgd, config))) {
      if (plan.role_binding.kind == Kind::kNone) {
        plan.role_binding = {Kind::kUpdate, *role_binding, {}};
      }
      plan.role_binding.object["subjects"] = subjects(dgd, config);
    }
  }
  return plan;
}

}  // namespace dynop::plugins::dgd
