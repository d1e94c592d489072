// DELETE of one object and of a collection: DeleteOptions (grace period,
// propagation policy), finalizers and graceful deletion decide whether the
// object goes now or gets a deletionTimestamp.

#include "lib/apimachinery/go_quote.hpp"
#include "localcluster/server/deletion.hpp"
#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/rest_context.hpp"
#include "localcluster/server/selectors.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using rest::param_or;
using storage::StoredObject;
using storage::WriteAction;

namespace {

std::variant<json::object, ApiError> delete_options(const RequestInfo& info,
                                                    const std::string& body) {
  json::object options;
  if (!body.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(body, ec);
    if (ec || !parsed.is_object()) {
      return bad_request("couldn't get version/kind; json parse error: " +
                         (ec ? ec.message() : std::string("not an object")));
    }
    options = std::move(parsed.get_object());
  }
  if (const std::string* grace = info.param("gracePeriodSeconds")) {
    try {
      options["gracePeriodSeconds"] = std::stoll(*grace);
    } catch (...) {
      return bad_request("gracePeriodSeconds: invalid value " + *grace);
    }
  }
  if (const std::string* policy = info.param("propagationPolicy"))
    options["propagationPolicy"] = *policy;
  if (const std::string* orphan = info.param("orphanDependents")) {
    options["orphanDependents"] = *orphan == "true";
  }
  if (const auto* orphan = options.if_contains("orphanDependents"); orphan && orphan->is_bool()) {
    if (!options.contains("propagationPolicy")) {
      options["propagationPolicy"] = orphan->get_bool() ? "Orphan" : "Background";
    }
  }
  if (const auto* policy = options.if_contains("propagationPolicy")) {
    std::string p = policy->is_string() ? std::string(policy->get_string()) : std::string();
    if (p != "Orphan" && p != "Background" && p != "Foreground") {
      return bad_request("propagationPolicy: Unsupported value: " + apimachinery::go_quote(p) +
                         ": supported values: \"Foreground\", \"Background\", \"Orphan\"");
    }
  }
  return options;
}

}  // namespace

std::variant<RestHandler::Decision, ApiError> RestHandler::decide_delete(
    Context& ctx, const json::object& current, const json::object& options) {
  auto decided = server::decide_delete(*ctx.type, current, options);
  if (auto* error = std::get_if<ApiError>(&decided)) return *error;
  auto& d = std::get<DeleteDecision>(decided);
  return Decision{std::move(d.object), d.action};
}

net::Response RestHandler::remove(Context& ctx) {
  auto options = delete_options(ctx.info, ctx.request.body());
  if (auto* error = std::get_if<ApiError>(&options)) return error_response(ctx, *error);
  const auto& opts = std::get<json::object>(options);
  // NamespaceLifecycle refuses deleting default, kube-system and kube-public.
  if (auto error = admit_builtin(ctx, "DELETE", ctx.info.name, nullptr)) {
    return error_response(ctx, *error);
  }
  bool deleted = false;
  auto written = write(ctx, ctx.info.name,
                       [&](const json::object& current) -> std::variant<Decision, ApiError> {
                         auto decided = decide_delete(ctx, current, opts);
                         if (auto* d = std::get_if<Decision>(&decided)) {
                           deleted = d->action == WriteAction::kDelete;
                           if (deleted) {
                             if (auto error = admit(ctx, "DELETE", nullptr, &current))
                               return *error;
                           }
                         }
                         return decided;
                       });
  if (auto* error = std::get_if<ApiError>(&written)) return error_response(ctx, *error);
  const auto& stored = std::get<StoredObject>(written);
  const ResourceType& type = *ctx.type;
  bool returns_object = type.group.empty() && type.plural == "pods";
  if (deleted && !returns_object) {
    json::object details{{"name", ctx.info.name}};
    if (!type.group.empty()) details["group"] = type.group;
    details["kind"] = type.plural;
    details["uid"] = stored.attrs->uid;
    json::object status{{"kind", "Status"},
                        {"apiVersion", "v1"},
                        {"metadata", json::object()},
                        {"status", "Success"},
                        {"details", std::move(details)}};
    return respond_json(ctx, 200, json::serialize(status));
  }
  return object_response(ctx, 200, stored);
}

net::Response RestHandler::remove_collection(Context& ctx) {
  auto options = delete_options(ctx.info, ctx.request.body());
  if (auto* error = std::get_if<ApiError>(&options)) return error_response(ctx, *error);
  const auto& opts = std::get<json::object>(options);
  auto predicate = make_predicate(*ctx.type, param_or(ctx.info, "labelSelector"),
                                  param_or(ctx.info, "fieldSelector"));
  if (auto* error = std::get_if<ApiError>(&predicate)) return error_response(ctx, *error);
  storage::Selection selection{ctx.resource, ctx.info.namespace_name,
                               std::get<storage::AttrsPredicate>(std::move(predicate))};
  auto listed = store_.list(selection);
  std::string items;
  for (const auto& item : listed.items) {
    RequestInfo one = ctx.info;
    one.name = item.attrs->name;
    one.namespace_name = item.attrs->namespace_name;
    Context item_ctx{ctx.request, one, ctx.type, ctx.resource, ctx.dry_run, {}};
    auto written = write(item_ctx, one.name, [&](const json::object& current) {
      return decide_delete(item_ctx, current, opts);
    });
    if (auto* stored = std::get_if<StoredObject>(&written)) {
      if (!items.empty()) items += ',';
      items += rest::served_json(*ctx.type, *stored->json);
    }
  }
  const ResourceType& type = *ctx.type;
  std::string body =
      "{\"kind\":" +
      json::serialize(json::value(type.list_kind.empty() ? type.kind + "List" : type.list_kind)) +
      ",\"apiVersion\":" + json::serialize(json::value(type.group_version())) +
      ",\"metadata\":{\"resourceVersion\":\"" + std::to_string(store_.current_resource_version()) +
      "\"},\"items\":[" + items + "]}";
  return respond_json(ctx, 200, std::move(body));
}

}  // namespace dynop::localcluster::server
