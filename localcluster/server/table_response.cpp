// Table responses (Accept: application/json;as=Table;v=v1;g=meta.k8s.io), what
// `kubectl get` asks for: rows rendered by hooks_.render_table for single
// objects, lists and watch events.

#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;

bool RestHandler::serves_table(const Context& ctx) const {
  return ctx.wants_table() && hooks_.render_table;
}

net::Response RestHandler::table_response(Context& ctx, unsigned status,
                                          const std::vector<json::value>& objects,
                                          const TableRequest& request) {
  return respond_json(ctx, status,
                      json::serialize(hooks_.render_table(*ctx.type, objects, request)));
}

}  // namespace dynop::localcluster::server
