#pragma once
// What every verb handler of RestHandler shares: the request context and the
// small readers of a request's parameters and bodies. Internal to
// localcluster/server (the handlers are RestHandler's member functions, one
// request path per file, as kube-apiserver's endpoints/handlers).

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "localcluster/server/rest_handler.hpp"
#include "localcluster/storage/selection.hpp"

namespace dynop::localcluster::server {

struct RestHandler::Context {
  const net::Request& request;
  const RequestInfo& info;
  ResourceTypePtr type;
  std::string resource;  // storage key
  bool dry_run = false;
  std::vector<std::string> warnings;

  ErrorSubject subject(const std::string& name) const {
    return ErrorSubject{type->group, type->plural, name, ""};
  }
  bool wants_table() const {
    auto accept = request.header("Accept");
    return accept.find("as=Table") != std::string_view::npos;
  }
  // includeObject=Object: table rows carry the whole object.
  bool include_object() const {
    return request.header("Accept").find("includeObject=Object") != std::string_view::npos;
  }
};

namespace rest {

// kube's 400s for a body whose kind or apiVersion is missing or is not the
// URL's resource. A create also names a missing apiVersion; an update lets it
// fall through to the version comparison ("the API version in the data () ...").
std::optional<ApiError> kind_mismatch(const ResourceType& type, const boost::json::object& body,
                                      std::string_view raw_body, bool require_api_version);

std::string param_or(const RequestInfo& info, std::string_view key, std::string fallback = {});

// What a list or watch reads: the URL's resource and namespace, filtered by
// its labelSelector and fieldSelector (a bad selector is the 400).
std::variant<storage::Selection, ApiError> selection_of(const ResourceType& type,
                                                        const RequestInfo& info,
                                                        const std::string& resource);

std::optional<std::int64_t> int_param(const RequestInfo& info, std::string_view key);

std::optional<std::uint64_t> parse_rv(std::string_view text);

boost::json::object parse_object(const std::string& text);

std::string rv_of(const boost::json::object& object);

// An object as the URL's version serves it (type.conversion), from its
// stored JSON; the stored text itself when no conversion applies.
std::string served_json(const ResourceType& type, const std::string& stored);
boost::json::object served_object(const ResourceType& type, const boost::json::object& stored);
// A body in the URL's version, in the storage version.
boost::json::object storage_object(const ResourceType& type, boost::json::object served);

}  // namespace rest
}  // namespace dynop::localcluster::server
