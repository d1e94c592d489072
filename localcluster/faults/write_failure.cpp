#include "localcluster/faults/write_failure.hpp"

#include <boost/json.hpp>
#include <string>

#include "lib/apimachinery/status.hpp"

namespace dynop::localcluster::faults {

namespace ap = dynop::apimachinery;

namespace {

std::string object_name(const server::RequestInfo& info, std::string_view body) {
  if (!info.name.empty()) return info.name;
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return "";
  const auto* meta = doc.get_object().if_contains("metadata");
  if (!meta || !meta->is_object()) return "";
  const auto* name = meta->get_object().if_contains("name");
  return name && name->is_string() ? std::string(name->get_string()) : "";
}

}  // namespace

net::Response write_failure_response(const WriteFault& fault, const ResourceType& type,
                                     const server::RequestInfo& info, std::string_view body) {
  ap::Status status;
  switch (fault.code) {
    case 409:
      status = ap::conflict(ap::GroupResource{type.group, type.plural}, object_name(info, body));
      break;
    case 429:
      status = ap::too_many_requests("Too many requests, please try again later.",
                                     fault.retry_after_seconds);
      break;
    default:
      status = ap::internal_error("injected write failure (dynop-localcluster fault injection)");
      break;
  }
  auto response = net::Response::json(static_cast<unsigned>(status.code), status.serialize());
  response.set_header("Cache-Control", "no-cache, private");
  if (fault.code == 429)
    response.set_header("Retry-After", std::to_string(fault.retry_after_seconds));
  return response;
}

}  // namespace dynop::localcluster::faults
