// How every verb answers: JSON bodies with kube-apiserver's headers (and the
// Warning headers admission added), Status errors, and single objects (as a
// Table when kubectl asks for one).

#include "lib/apimachinery/go_quote.hpp"
#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using storage::StoredObject;

net::Response RestHandler::respond_json(Context& ctx, unsigned status, std::string body) {
  auto response = net::Response::json(status, std::move(body));
  response.set_header("Cache-Control", "no-cache, private");
  for (const auto& warning : ctx.warnings) {
    response.headers.emplace_back("Warning", "299 - " + apimachinery::go_quote(warning));
  }
  return response;
}

net::Response RestHandler::error_response(Context& ctx, const ApiError& error) {
  return respond_json(ctx, static_cast<unsigned>(error.code), error.to_json());
}

net::Response RestHandler::object_response(Context& ctx, unsigned status, const StoredObject& obj) {
  if (serves_table(ctx)) {
    TableRequest request;
    request.include_object = ctx.include_object();
    return table_response(ctx, status, {json::parse(*obj.json)}, request);
  }
  return respond_json(ctx, status, rest::served_json(*ctx.type, *obj.json));
}

}  // namespace dynop::localcluster::server
