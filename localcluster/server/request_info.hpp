#pragma once
// What a request addresses, parsed from its path and query the way
// kube-apiserver's RequestInfoFactory does: API group and version,
// namespace, resource, name, subresource and the verb.

#include <map>
#include <string>
#include <string_view>

#include "lib/admission/admission_request.hpp"

namespace dynop::localcluster::server {

struct RequestInfo {
  bool is_resource_request = false;
  std::string path;  // decoded path without the query
  std::string group;  // "" for /api/v1
  std::string version;
  std::string namespace_name;
  std::string resource;
  std::string name;
  std::string subresource;
  // get | list | watch | create | update | patch | delete | deletecollection
  std::string verb;
  std::map<std::string, std::string> query;  // decoded, last value wins
  // Who asked, after impersonation (set by the ApiServer, not by parsing).
  ::dynop::admission::UserInfo user;

  const std::string* param(std::string_view key) const {
    auto it = query.find(std::string(key));
    return it == query.end() ? nullptr : &it->second;
  }
};

// Never fails: a path that is not a resource path gives is_resource_request
// false, and the router answers 404.
RequestInfo parse_request_info(std::string_view method, std::string_view target);

}  // namespace dynop::localcluster::server
