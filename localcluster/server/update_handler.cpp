// UPDATE (PUT) of an object, of its status, or of a namespace's finalize
// subresource (spec.finalizers only): what the client may not
// change is kept, generation follows spec changes; finish_update is also the
// last step of patch, scale and status writes.

#include "lib/apimachinery/field_error_format.hpp"
#include "localcluster/server/body_codec.hpp"
#include "localcluster/server/deletion.hpp"
#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/rest_context.hpp"
#include "localcluster/server/strategies.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using rest::kind_mismatch;
using rest::rv_of;
using storage::StoredObject;
using storage::WriteAction;

std::variant<RestHandler::Decision, ApiError> RestHandler::finish_update(
    Context& ctx, const json::object& current, json::object next, bool status_only) {
  const ResourceType& type = *ctx.type;
  const std::string& name = ctx.info.name;
  std::string rv = rv_of(next);
  if (!rv.empty() && rv != rv_of(current)) return modified_conflict(ctx.subject(name));
  const auto* old_meta = metadata(current);
  json::object result;
  if (status_only) {
    result = current;
    if (const auto* status = next.if_contains("status")) {
      result["status"] = *status;
    } else {
      result.erase("status");
    }
    prepare_status_update(type, result);
  } else {
    result = std::move(next);
    auto& meta = metadata(result);
    for (const char* key : {"uid", "creationTimestamp", "deletionTimestamp",
                            "deletionGracePeriodSeconds", "generation", "namespace", "name"}) {
      if (old_meta && old_meta->contains(key)) {
        meta[key] = old_meta->at(key);
      } else {
        meta.erase(key);
      }
    }
    meta.erase("selfLink");
    // An update that leaves managedFields out keeps the stored ones (the
    // host's caches drop them); one that sends them replaces them.
    if (!meta.contains("managedFields") && old_meta && old_meta->contains("managedFields")) {
      meta["managedFields"] = old_meta->at("managedFields");
    }
    if (type.has_status_subresource) {
      if (const auto* status = current.if_contains("status")) {
        result["status"] = *status;
      } else {
        result.erase("status");
      }
    }
    prepare_for_update(type, ctx.info.subresource, current, result);
  }
  if (auto error = prepare_write(ctx, &current, result, status_only)) return *error;
  if (!status_only && tracks_generation(type) && spec_changed(type, current, result)) {
    const auto* gen = old_meta ? old_meta->if_contains("generation") : nullptr;
    std::int64_t generation = gen && gen->is_int64() ? gen->get_int64() : 0;
    metadata(result)["generation"] = generation + 1;
  }
  metadata(result)["resourceVersion"] = rv_of(current);
  WriteAction action = WriteAction::kWrite;
  if (deletes_during_update(type, result)) {
    action = WriteAction::kDelete;
  }
  if (auto error = admit(ctx, "UPDATE", &result, &current)) return *error;
  return Decision{std::move(result), action};
}

net::Response RestHandler::update(Context& ctx) {
  auto decoded = decode_body(ctx.request.body(), ctx.request.header("Content-Type"));
  if (auto* error = std::get_if<ApiError>(&decoded)) return error_response(ctx, *error);
  auto& value = std::get<json::value>(decoded);
  if (!value.is_object()) {
    return error_response(
        ctx, bad_request("Object 'Kind' is missing in '" + json::serialize(value) + "'"));
  }
  json::object body = std::move(value.get_object());
  const ResourceType& type = *ctx.type;
  if (auto error = kind_mismatch(type, body, ctx.request.body(), /*require_api_version=*/false)) {
    return error_response(ctx, *error);
  }
  auto& meta = metadata(body);
  std::string body_name = string_at(&meta, "name");
  if (!body_name.empty() && body_name != ctx.info.name) {
    return error_response(
        ctx, bad_request("the name of the object (" + body_name +
                         ") does not match the name on the URL (" + ctx.info.name + ")"));
  }
  std::string body_ns = string_at(&meta, "namespace");
  if (type.namespaced && !body_ns.empty() && body_ns != ctx.info.namespace_name) {
    return error_response(ctx, bad_request("the namespace of the provided object does not match "
                                           "the namespace sent on the request"));
  }
  if (string_at(&meta, "resourceVersion").empty() && type.is_custom()) {
    return error_response(ctx,
                          invalid(ctx.subject(ctx.info.name),
                                  {apimachinery::FieldError{apimachinery::FieldErrorType::kInvalid,
                                                            "metadata.resourceVersion", "0x0",
                                                            "must be specified for an update"}}));
  }
  if (auto error = to_storage(ctx, body)) return error_response(ctx, *error);
  bool status_only = ctx.info.subresource == "status";
  auto written = write(ctx, ctx.info.name, [&](const json::object& current) {
    return finish_update(ctx, current, body, status_only);
  });
  if (auto* error = std::get_if<ApiError>(&written)) return error_response(ctx, *error);
  return object_response(ctx, 200, std::get<StoredObject>(written));
}

}  // namespace dynop::localcluster::server
