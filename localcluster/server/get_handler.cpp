// GET of one object (and of its status subresource).

#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

net::Response RestHandler::get(Context& ctx) {
  auto found = store_.get(ctx.resource, ctx.info.namespace_name, ctx.info.name);
  if (!found.ok()) return error_response(ctx, not_found(ctx.subject(ctx.info.name)));
  return object_response(ctx, 200, found.value());
}

}  // namespace dynop::localcluster::server
