// The status subresource: get, update and patch of the whole object, where an
// update changes only .status (finish_update with status_only).

#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

net::Response RestHandler::status_subresource(Context& ctx) {
  if (ctx.info.verb == "get") return get(ctx);
  if (ctx.info.verb == "update") return update(ctx);
  return patch(ctx);
}

}  // namespace dynop::localcluster::server
