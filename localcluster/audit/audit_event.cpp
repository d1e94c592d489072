#include "localcluster/audit/audit_event.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/time.hpp"

namespace dynop::localcluster::audit {

namespace {

boost::json::object user_json(const ::dynop::admission::UserInfo& user) {
  boost::json::object out{{"username", user.username}};
  if (!user.uid.empty()) out["uid"] = user.uid;
  if (!user.groups.empty()) {
    boost::json::array groups;
    for (const auto& group : user.groups) groups.emplace_back(group);
    out["groups"] = std::move(groups);
  }
  if (!user.extra.empty()) {
    boost::json::object extra;
    for (const auto& [key, values] : user.extra) {
      boost::json::array list;
      for (const auto& value : values) list.emplace_back(value);
      extra[key] = std::move(list);
    }
    out["extra"] = std::move(extra);
  }
  return out;
}

void put_if_set(boost::json::object& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

}  // namespace

std::string to_json_line(const Event& event) {
  boost::json::object out{{"kind", "Event"},      {"apiVersion", "audit.k8s.io/v1"},
                          {"level", "Metadata"},  {"auditID", event.audit_id},
                          {"stage", event.stage}, {"requestURI", event.request_uri},
                          {"verb", event.verb},   {"user", user_json(event.user)}};
  if (event.impersonated_user) out["impersonatedUser"] = user_json(*event.impersonated_user);
  if (!event.source_ips.empty()) {
    boost::json::array ips;
    for (const auto& ip : event.source_ips) ips.emplace_back(ip);
    out["sourceIPs"] = std::move(ips);
  }
  put_if_set(out, "userAgent", event.user_agent);
  if (event.object_ref) {
    const ObjectRef& ref = *event.object_ref;
    boost::json::object object_ref;
    put_if_set(object_ref, "resource", ref.resource);
    put_if_set(object_ref, "namespace", ref.namespace_name);
    put_if_set(object_ref, "name", ref.name);
    put_if_set(object_ref, "apiGroup", ref.api_group);
    put_if_set(object_ref, "apiVersion", ref.api_version);
    put_if_set(object_ref, "subresource", ref.subresource);
    out["objectRef"] = std::move(object_ref);
  }
  out["responseStatus"] =
      boost::json::object{{"metadata", boost::json::object{}}, {"code", event.code}};
  out["requestReceivedTimestamp"] = apimachinery::format_micro_time(event.request_received);
  out["stageTimestamp"] = apimachinery::format_micro_time(event.stage_time);
  return boost::json::serialize(out);
}

}  // namespace dynop::localcluster::audit
