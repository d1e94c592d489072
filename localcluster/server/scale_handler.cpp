// The scale subresource of custom resources: an autoscaling/v1 Scale read from
// and written to the CRD's specReplicasPath/statusReplicasPath.

#include "lib/apimachinery/time.hpp"
#include "localcluster/schema/scale_validation.hpp"
#include "localcluster/server/body_codec.hpp"
#include "localcluster/server/managed_fields.hpp"
#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/patching.hpp"
#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using rest::parse_object;
using rest::rv_of;
using storage::StoredObject;

namespace {

// Reads or writes a dotted path such as ".spec.replicas".
json::value* path_slot(json::object& object, std::string_view dotted, bool create) {
  if (!dotted.empty() && dotted.front() == '.') dotted.remove_prefix(1);
  json::object* cur = &object;
  while (true) {
    auto dot = dotted.find('.');
    auto part = dotted.substr(0, dot);
    if (dot == std::string_view::npos) {
      if (!create && !cur->contains(part)) return nullptr;
      return &(*cur)[part];
    }
    auto* next = cur->if_contains(part);
    if (!next || !next->is_object()) {
      if (!create) return nullptr;
      (*cur)[part] = json::object();
      next = cur->if_contains(part);
    }
    cur = &next->get_object();
    dotted.remove_prefix(dot + 1);
  }
}

json::object build_scale(const ResourceType& type, const json::object& object) {
  const auto* meta = metadata(object);
  json::object scale_meta;
  for (const char* key : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (meta && meta->contains(key)) scale_meta[key] = meta->at(key);
  }
  json::object spec;
  json::object status;
  json::value root = object;
  std::int64_t replicas = 0;
  if (const auto* v = schema::find_path(root, type.scale->spec_replicas_path); v && v->is_int64()) {
    replicas = v->get_int64();
  }
  // autoscaling/v1 ScaleSpec.replicas is omitempty: at 0 the spec is {}.
  if (replicas != 0) spec["replicas"] = replicas;
  std::int64_t current = 0;
  if (const auto* v = schema::find_path(root, type.scale->status_replicas_path);
      v && v->is_int64()) {
    current = v->get_int64();
  }
  status["replicas"] = current;
  if (!type.scale->label_selector_path.empty()) {
    if (const auto* v = schema::find_path(root, type.scale->label_selector_path);
        v && v->is_string()) {
      status["selector"] = v->get_string();
    }
  }
  return json::object{{"kind", "Scale"},
                      {"apiVersion", "autoscaling/v1"},
                      {"metadata", std::move(scale_meta)},
                      {"spec", std::move(spec)},
                      {"status", std::move(status)}};
}

}  // namespace

net::Response RestHandler::scale_subresource(Context& ctx) {
  const ResourceType& type = *ctx.type;
  const std::string& name = ctx.info.name;
  if (ctx.info.verb == "get") {
    auto found = store_.get(ctx.resource, ctx.info.namespace_name, name);
    if (!found.ok()) return error_response(ctx, not_found(ctx.subject(name)));
    return respond_json(ctx, 200,
                        json::serialize(build_scale(type, parse_object(*found.value().json))));
  }
  std::optional<PatchType> patch_type;
  json::object body;
  if (ctx.info.verb == "patch") {
    auto t = patch_type_for(type, ctx.request.header("Content-Type"));
    if (auto* error = std::get_if<ApiError>(&t)) return error_response(ctx, *error);
    patch_type = std::get<PatchType>(t);
  } else {
    auto decoded = decode_body(ctx.request.body(), ctx.request.header("Content-Type"));
    if (auto* error = std::get_if<ApiError>(&decoded)) return error_response(ctx, *error);
    auto& value = std::get<json::value>(decoded);
    if (!value.is_object()) return error_response(ctx, bad_request("Object 'Kind' is missing"));
    body = std::move(value.get_object());
  }
  auto written =
      write(ctx, name, [&](const json::object& current) -> std::variant<Decision, ApiError> {
        json::object scale = build_scale(type, current);
        if (patch_type) {
          auto patched = apply_patch(*patch_type, scale, ctx.request.body(), "Scale");
          if (auto* error = std::get_if<ApiError>(&patched)) return *error;
          if (!std::get<json::value>(patched).is_object()) return bad_request("invalid patch");
          scale = std::move(std::get<json::value>(patched).get_object());
        } else {
          scale = body;
        }
        std::string rv = rv_of(scale);
        if (!rv.empty() && rv != rv_of(current)) return modified_conflict(ctx.subject(name));
        const json::value* replicas = nullptr;
        if (const auto* spec = scale.if_contains("spec"); spec && spec->is_object()) {
          replicas = spec->get_object().if_contains("replicas");
        }
        json::object next = current;
        *path_slot(next, type.scale->spec_replicas_path, true) =
            replicas ? *replicas : json::value(0);
        record_scale_write(next, field_manager(ctx.request, ctx.info),
                           type.scale->spec_replicas_path,
                           apimachinery::format_time(apimachinery::now()));
        return finish_update(ctx, current, std::move(next), false);
      });
  if (auto* error = std::get_if<ApiError>(&written)) return error_response(ctx, *error);
  const auto& stored = std::get<StoredObject>(written);
  return respond_json(ctx, 200, json::serialize(build_scale(type, parse_object(*stored.json))));
}

}  // namespace dynop::localcluster::server
