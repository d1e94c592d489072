// RestHandler: routes a resource request to the handler of its verb and
// subresource (one request path per file: get_handler.cpp, list_handler.cpp,
// watch_handler.cpp, create_handler.cpp, update_handler.cpp, patch_handler.cpp,
// delete_handler.cpp, status_handler.cpp, scale_handler.cpp, binding_handler.cpp),
// and owns what they share: compiled schemas and the open watches.

#include "localcluster/server/rest_handler.hpp"

#include <chrono>

#include "localcluster/server/deletion.hpp"
#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

RestHandler::RestHandler(storage::ObjectStore& store, ResourceRegistry& registry,
                         const ServerHooks& hooks, RestOptions options)
    : store_(store), registry_(registry), hooks_(hooks), options_(options) {}

RestHandler::~RestHandler() { stop(); }

void RestHandler::stop() {
  stopping_ = true;
  store_.close_watchers();
  std::unique_lock lock(watch_mutex_);
  watch_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return active_watches_ == 0; });
}

schema::SchemaPtr RestHandler::schema_for(const ResourceType& type) {
  if (type.structural_schema) return type.structural_schema;
  if (!type.schema || type.schema->is_null()) return nullptr;
  std::lock_guard lock(schema_mutex_);
  auto it = schemas_.find(type.schema.get());
  if (it != schemas_.end()) return it->second.second;
  auto compiled = schema::compile(*type.schema);
  // Drop entries of schemas nobody serves any more (CRD replaced or removed).
  std::erase_if(schemas_, [](const auto& kv) { return kv.second.first.use_count() == 1; });
  schemas_[type.schema.get()] = {type.schema, compiled.schema};
  return compiled.schema;
}

void RestHandler::handle(const net::Request& request, const RequestInfo& info,
                         net::Responder responder) {
  Context ctx{request, info,  registry_.find(info.group, info.version, info.resource),
              {},      false, {}};
  if (!ctx.type || (ctx.type->namespaced == false && !info.namespace_name.empty()) ||
      (ctx.type->namespaced && info.namespace_name.empty() && !info.name.empty())) {
    return responder.respond(net::Response::text(404, "404 page not found"));
  }
  ctx.resource = storage_resource(*ctx.type);
  if (const std::string* dry = info.param("dryRun")) {
    if (*dry != "All" && !dry->empty()) {
      return responder.respond(error_response(
          ctx,
          bad_request("dryRun: Unsupported value: \"" + *dry + "\": supported values: \"All\"")));
    }
    ctx.dry_run = *dry == "All";
  }
  const std::string& verb = info.verb;
  const std::string& sub = info.subresource;
  if (sub.empty()) {
    if (verb == "get") return responder.respond(get(ctx));
    if (verb == "list") return list(ctx, std::move(responder));
    if (verb == "watch") return watch(ctx, std::move(responder));
    if (verb == "create") {
      if (!info.name.empty())
        return responder.respond(net::Response::text(404, "404 page not found"));
      return responder.respond(create(ctx));
    }
    if (verb == "update") return responder.respond(update(ctx));
    if (verb == "patch") return responder.respond(patch(ctx));
    if (verb == "delete") return responder.respond(remove(ctx));
    if (verb == "deletecollection") return responder.respond(remove_collection(ctx));
  } else if (sub == "status" && ctx.type->has_status_subresource) {
    if (verb == "get" || verb == "update" || verb == "patch") {
      return responder.respond(status_subresource(ctx));
    }
  } else if (sub == "scale" && ctx.type->scale) {
    if (verb == "get" || verb == "update" || verb == "patch") {
      return responder.respond(scale_subresource(ctx));
    }
  } else if (sub == "finalize" && is_namespace(*ctx.type)) {
    // PUT namespaces/<name>/finalize: how the namespace controller (and users
    // with a stuck namespace) clear spec.finalizers.
    if (verb == "update") return responder.respond(update(ctx));
  } else if (sub == "binding" && ctx.type->group.empty() && ctx.type->plural == "pods") {
    if (verb == "create") return responder.respond(binding(ctx));
  } else if (sub == "portforward" && ctx.type->group.empty() && ctx.type->plural == "pods") {
    // GET (WebSocket) and POST (SPDY upgrade) both reach it; it answers both.
    if (verb == "get" || verb == "create") return port_forward(ctx, std::move(responder));
  } else {
    return responder.respond(net::Response::text(404, "404 page not found"));
  }
  responder.respond(error_response(ctx, method_not_supported(ctx.subject(info.name), verb)));
}

}  // namespace dynop::localcluster::server
