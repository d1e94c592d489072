#include "plugins/dgd/service_planner.hpp"

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <map>

#include "plugins/common/json_fields.hpp"
#include "plugins/common/names.hpp"

namespace dynop::plugins::dgd {

namespace json = boost::json;
using common::controller_uid;
using common::name_of;
using common::uid_of;

namespace {

json::object selector(const common::DgdView& dgd, const common::ServiceView& svc) {
  return json::object{
      {common::kLabelComponentType, svc.component_type},
      {common::kLabelDynamoNamespace, common::dynamo_namespace(dgd.k8s_namespace, dgd.name)},
      {common::kLabelComponent, svc.name}};
}

json::array ports(const common::ServiceView& svc) {
  const bool frontend = svc.component_type == "frontend";
  const char* name = frontend ? "http" : "system";
  return json::array{json::object{{"name", name},
                                  {"port", frontend ? kFrontendPort : kSystemPort},
                                  {"targetPort", name},
                                  {"protocol", "TCP"}}};
}

// The fields of a stored Service this plan owns, for comparison: the API
// server adds defaults (clusterIP, sessionAffinity...) that are not ours.
bool same(const json::value* a, const json::value& b) { return a != nullptr && *a == b; }

}  // namespace

std::string service_object_name(std::string_view dgd, std::string_view service) {
  return common::selector_label_value(dgd, service);
}

json::object build_service(const common::DgdView& dgd, const common::ServiceView& svc) {
  json::object labels{
      {common::kLabelDgdName, common::label_value(dgd.name)},
      {common::kLabelComponent, svc.name},
      {common::kLabelDynamoNamespace, common::dynamo_namespace(dgd.k8s_namespace, dgd.name)}};
  if (!svc.component_type.empty()) labels[common::kLabelComponentType] = svc.component_type;
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", json::object{{"name", service_object_name(dgd.name, svc.name)},
                                {"namespace", dgd.k8s_namespace},
                                {"labels", std::move(labels)},
                                {"ownerReferences", json::array{common::dgd_controller_reference(
                                                        dgd.name, dgd.uid)}}}},
      {"spec", json::object{{"selector", selector(dgd, svc)}, {"ports", ports(svc)}}}};
}

ServicePlan plan_services(const common::DgdView& dgd, const std::vector<json::object>& existing) {
  ServicePlan plan;
  std::map<std::string, const json::object*> by_name;
  for (const json::object& s : existing) by_name[name_of(s)] = &s;
  std::map<std::string, bool> wanted;
  for (const common::ServiceView& svc : dgd.services) {
    json::object want = build_service(dgd, svc);
    const std::string name = name_of(want);
    wanted[name] = true;
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      plan.create.push_back(std::move(want));
      continue;
    }
    const json::object& have = *it->second;
    if (controller_uid(have) != dgd.uid) {
      plan.conflicts.push_back(fmt::format(
          "Service {} exists and is not controlled by this DynamoGraphDeployment; it is left as "
          "it is",
          name));
      continue;
    }
    const json::object* spec = common::object_at(have, "spec");
    const json::object& want_spec = want["spec"].as_object();
    // The API server defaults targetPort and protocol: compare what was asked for.
    json::array have_ports;
    if (const json::value* p = spec ? spec->if_contains("ports") : nullptr; p && p->is_array()) {
      for (const json::value& port : p->as_array()) {
        if (!port.is_object()) continue;
        json::object o;
        for (const char* key : {"name", "port", "targetPort", "protocol"}) {
          if (const json::value* v = port.as_object().if_contains(key)) o[key] = *v;
        }
        have_ports.push_back(std::move(o));
      }
    }
    if (!spec || !same(spec->if_contains("selector"), want_spec.at("selector")) ||
        json::value(have_ports) != want_spec.at("ports")) {
      json::object patch_spec{{"selector", want_spec.at("selector")},
                              {"ports", want_spec.at("ports")}};
      plan.update.push_back({name, json::object{{"spec", std::move(patch_spec)}}});
    }
  }
  for (const json::object& s : existing) {
    const std::string name = name_of(s);
    if (wanted.count(name) || dgd.uid.empty() || controller_uid(s) != dgd.uid) continue;
    plan.remove.push_back({name, uid_of(s)});
  }
  return plan;
}

}  // namespace dynop::plugins::dgd
