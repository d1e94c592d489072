#include "plugins/dgd/adapter_planner.hpp"

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <map>
#include <optional>

#include "plugins/common/json_fields.hpp"
#include "plugins/common/names.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;

using common::object_at;
using common::string_at;

struct SeenAdapter {
  std::string name;
  std::string uid;
  std::string service;
  std::string controller_uid;
  bool terminating = false;
};

std::optional<SeenAdapter> see(const json::object& adapter) {
  const json::object* meta = object_at(adapter, "metadata");
  if (meta == nullptr) return std::nullopt;
  SeenAdapter a;
  a.name = string_at(*meta, "name");
  a.uid = string_at(*meta, "uid");
  const json::value* del = meta->if_contains("deletionTimestamp");
  a.terminating = del != nullptr && !del->is_null();
  a.controller_uid = common::controller_uid(adapter);
  if (const json::object* spec = object_at(adapter, "spec")) {
    if (const json::object* ref = object_at(*spec, "dgdRef")) {
      a.service = string_at(*ref, "serviceName");
    }
  }
  if (a.name.empty()) return std::nullopt;
  return a;
}

}  // namespace

boost::json::object build_adapter(const common::DgdView& dgd, const common::ServiceView& svc) {
  json::object labels;
  for (const auto& [k, v] : common::service_selector_labels(dgd.name, svc.name)) labels[k] = v;
  return json::object{
      {"apiVersion", common::kDynamoApiVersion},
      {"kind", common::kDgdsaKind},
      {"metadata", json::object{{"name", common::adapter_name(dgd.name, svc.name)},
                                {"namespace", dgd.k8s_namespace},
                                {"labels", std::move(labels)},
                                {"ownerReferences", json::array{common::dgd_controller_reference(
                                                        dgd.name, dgd.uid)}}}},
      {"spec",
       json::object{{"replicas", svc.replicas},
                    {"dgdRef", json::object{{"name", dgd.name}, {"serviceName", svc.name}}}}}};
}

AdapterPlan plan_adapters(const common::DgdView& dgd,
                          const std::vector<boost::json::object>& existing) {
  AdapterPlan plan;
  // A DGD being deleted takes its adapters with it (garbage collection).
  if (dgd.deleting) return plan;
  std::map<std::string, SeenAdapter> by_name;
  for (const json::object& a : existing) {
    if (auto seen = see(a)) by_name.emplace(seen->name, std::move(*seen));
  }
  const bool owned_check_possible = !dgd.uid.empty();

  // Wanted adapters: name -> service.
  std::map<std::string, const common::ServiceView*> wanted;
  for (const common::ServiceView& svc : dgd.services) {
    if (svc.adapter_enabled) wanted.emplace(common::adapter_name(dgd.name, svc.name), &svc);
  }

  for (const auto& [name, svc] : wanted) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      plan.create.push_back(build_adapter(dgd, *svc));
      continue;
    }
    // Present (even if terminating: it is recreated once gone). Its spec is
    // the autoscaler's; nothing here writes it.
    const SeenAdapter& a = it->second;
    if (owned_check_possible && a.controller_uid != dgd.uid && !a.terminating) {
      plan.conflicts.push_back(
          fmt::format("DynamoGraphDeploymentScalingAdapter {} exists but is not controlled by "
                      "DynamoGraphDeployment {}; service {} has no adapter of its own",
                      name, dgd.name, svc->name));
    }
  }

  // Ours but no longer wanted: service removed, adapter disabled, or renamed.
  for (const auto& [name, a] : by_name) {
    if (a.terminating || !owned_check_possible || a.controller_uid != dgd.uid) continue;
    auto it = wanted.find(name);
    if (it != wanted.end() && it->second->name == a.service) continue;
    const common::ServiceView* svc = dgd.find_service(a.service);
    std::string reason = svc == nullptr
                             ? fmt::format("service {} was removed", a.service)
                             : fmt::format("the adapter of service {} is disabled", a.service);
    if (svc != nullptr && svc->adapter_enabled) {
      reason = fmt::format("adapter {} does not match service {}", name, a.service);
    }
    plan.remove.push_back({name, a.uid, std::move(reason)});
  }
  return plan;
}

}  // namespace dynop::plugins::dgd
