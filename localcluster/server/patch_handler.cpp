// PATCH: JSON, merge, strategic merge and apply patches (an apply of a
// missing object creates it).

#include <utility>

#include "localcluster/server/body_codec.hpp"
#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/patching.hpp"
#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using storage::StoredObject;

net::Response RestHandler::patch(Context& ctx) {
  auto type = patch_type_for(*ctx.type, ctx.request.header("Content-Type"));
  if (auto* error = std::get_if<ApiError>(&type)) return error_response(ctx, *error);
  PatchType patch_type = std::get<PatchType>(type);
  const std::string& body = ctx.request.body();
  bool status_only = ctx.info.subresource == "status";
  if (patch_type == PatchType::kApply && !status_only &&
      !store_.get(ctx.resource, ctx.info.namespace_name, ctx.info.name).ok()) {
    // Server-side apply of an object that does not exist creates it.
    auto decoded = decode_body(body, "application/apply-patch+yaml");
    if (auto* error = std::get_if<ApiError>(&decoded)) return error_response(ctx, *error);
    auto& value = std::get<json::value>(decoded);
    if (value.is_object()) {
      auto& meta = metadata(value.get_object());
      if (string_at(&meta, "name").empty()) meta["name"] = ctx.info.name;
    }
    return create_from(ctx, value);
  }
  auto written = write(
      ctx, ctx.info.name, [&](const json::object& current) -> std::variant<Decision, ApiError> {
        // A patch applies to the object as the URL's version shows it.
        auto patched =
            apply_patch(patch_type, rest::served_object(*ctx.type, current), body, ctx.type->kind);
        if (auto* error = std::get_if<ApiError>(&patched)) return *error;
        auto& value = std::get<json::value>(patched);
        if (!value.is_object())
          return bad_request("the patch produced a value that is not an object");
        auto& object = value.get_object();
        // A patch may not rename or move the object.
        std::string name = string_at(metadata(std::as_const(object)), "name");
        if (name != ctx.info.name) {
          return bad_request("the name of the object (" + name +
                             ") does not match the name on the URL (" + ctx.info.name + ")");
        }
        if (auto error = to_storage(ctx, object)) return *error;
        return finish_update(ctx, current, std::move(object), status_only);
      });
  if (auto* error = std::get_if<ApiError>(&written)) return error_response(ctx, *error);
  return object_response(ctx, 200, std::get<StoredObject>(written));
}

}  // namespace dynop::localcluster::server
