// CREATE (POST to a collection): the built-in admission plugins (as
// kube-apiserver's mutating admission, before anything else looks at the
// object), system-owned metadata, generateName, validation, webhooks, then
// the store.

#include "lib/apimachinery/time.hpp"
#include "localcluster/server/body_codec.hpp"
#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/rest_context.hpp"
#include "localcluster/server/strategies.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using rest::kind_mismatch;
using storage::StoreErrorCode;

net::Response RestHandler::create(Context& ctx) {
  auto decoded = decode_body(ctx.request.body(), ctx.request.header("Content-Type"));
  if (auto* error = std::get_if<ApiError>(&decoded)) return error_response(ctx, *error);
  return create_from(ctx, std::get<json::value>(decoded));
}

net::Response RestHandler::create_from(Context& ctx, json::value& value) {
  if (!value.is_object()) {
    return error_response(
        ctx, bad_request("Object 'Kind' is missing in '" + json::serialize(value) + "'"));
  }
  json::object& object = value.get_object();
  const ResourceType& type = *ctx.type;
  if (auto error = kind_mismatch(type, object, ctx.request.body(), /*require_api_version=*/true)) {
    return error_response(ctx, *error);
  }
  if (auto error = to_storage(ctx, object)) return error_response(ctx, *error);
  std::string ns = string_at(metadata(std::as_const(object)), "namespace");
  if (type.namespaced) {
    if (!ns.empty() && ns != ctx.info.namespace_name) {
      return error_response(ctx, bad_request("the namespace of the provided object does not match "
                                             "the namespace sent on the request"));
    }
    metadata(object)["namespace"] = ctx.info.namespace_name;
  } else {
    metadata(object).erase("namespace");
  }
  if (auto error = admit_builtin(ctx, "CREATE", string_at(metadata(std::as_const(object)), "name"),
                                 &object)) {
    return error_response(ctx, *error);
  }
  auto& meta = metadata(object);  // the plugins may have changed the object
  std::string name = string_at(&meta, "name");
  std::string generate = string_at(&meta, "generateName");
  if (name.empty() && !generate.empty()) {
    name = generate + random_name_suffix();
    meta["name"] = name;
  }
  // System-owned fields: whatever the client sent is replaced.
  meta["uid"] = new_uid();
  meta["creationTimestamp"] = apimachinery::format_time(apimachinery::now());
  meta.erase("resourceVersion");
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  meta.erase("selfLink");
  if (tracks_generation(type)) {
    meta["generation"] = 1;
  } else {
    meta.erase("generation");
  }
  if (type.is_custom() && type.has_status_subresource) object.erase("status");
  prepare_for_create(type, object);
  if (auto error = prepare_write(ctx, nullptr, object, false)) return error_response(ctx, *error);
  if (auto error = admit(ctx, "CREATE", &object, nullptr)) return error_response(ctx, *error);
  auto created = store_.create(ctx.resource, type.namespaced ? ctx.info.namespace_name : "", name,
                               std::move(object), ctx.dry_run);
  if (!created.ok()) {
    if (created.error().code == StoreErrorCode::kAlreadyExists) {
      return error_response(ctx, already_exists(ctx.subject(name)));
    }
    return error_response(ctx, internal_error(created.error().message));
  }
  return object_response(ctx, 201, created.value());
}

}  // namespace dynop::localcluster::server
