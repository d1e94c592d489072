// The binding subresource of pods (POST pods/<name>/binding): assigns a node
// once and marks the pod PodScheduled.

#include <algorithm>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/time.hpp"
#include "localcluster/server/body_codec.hpp"
#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using storage::WriteAction;

net::Response RestHandler::binding(Context& ctx) {
  auto decoded = decode_body(ctx.request.body(), ctx.request.header("Content-Type"));
  if (auto* error = std::get_if<ApiError>(&decoded)) return error_response(ctx, *error);
  auto& value = std::get<json::value>(decoded);
  std::string node;
  std::string uid;  // a precondition, as kube-scheduler sends it
  if (value.is_object()) {
    if (const auto* target = value.get_object().if_contains("target");
        target && target->is_object()) {
      node = string_at(&target->get_object(), "name");
    }
    if (const auto* meta = value.get_object().if_contains("metadata"); meta && meta->is_object())
      uid = string_at(&meta->get_object(), "uid");
  }
  const std::string& name = ctx.info.name;
  // A binding is a create (of pods/binding): NamespaceLifecycle refuses it in
  // a terminating namespace.
  if (auto error = admit_builtin(ctx, "CREATE", name, nullptr)) return error_response(ctx, *error);
  ErrorSubject subject{"", "pods/binding", name, ""};
  if (node.empty()) {
    return error_response(ctx, invalid(ErrorSubject{"", "Binding", name, ""},
                                       {apimachinery::required_error("target.name")}));
  }
  auto written =
      write(ctx, name, [&](const json::object& current) -> std::variant<Decision, ApiError> {
        // BindingREST's storage precondition (409 Conflict).
        if (!uid.empty() && uid != string_at(metadata(current), "uid")) {
          return conflict(subject,
                          "Precondition failed: UID in precondition: " + uid +
                              ", UID in object meta: " + string_at(metadata(current), "uid"));
        }
        json::object next = current;
        auto& spec = next["spec"];
        if (!spec.is_object()) spec = json::object();
        std::string assigned = string_at(&spec.get_object(), "nodeName");
        if (!assigned.empty()) {
          return conflict(subject, "pod " + name + " is already assigned to node " +
                                       apimachinery::go_quote(assigned));
        }
        if (metadata(current) && metadata(current)->contains("deletionTimestamp")) {
          return conflict(subject,
                          "pod " + name + " is being deleted, cannot be assigned to a host");
        }
        spec.get_object()["nodeName"] = node;
        auto& status = next["status"];
        if (!status.is_object()) status = json::object();
        auto& conditions = status.get_object()["conditions"];
        if (!conditions.is_array()) conditions = json::array();
        auto& list = conditions.get_array();
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [](const json::value& c) {
                                    return c.is_object() &&
                                           string_at(&c.get_object(), "type") == "PodScheduled";
                                  }),
                   list.end());
        list.push_back(
            json::object{{"type", "PodScheduled"},
                         {"status", "True"},
                         {"lastProbeTime", nullptr},
                         {"lastTransitionTime", apimachinery::format_time(apimachinery::now())}});
        return Decision{std::move(next), WriteAction::kWrite};
      });
  if (auto* error = std::get_if<ApiError>(&written)) return error_response(ctx, *error);
  return respond_json(ctx, 201,
                      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
                      "\"Success\",\"code\":201}");
}

}  // namespace dynop::localcluster::server
