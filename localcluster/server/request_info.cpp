#include "localcluster/server/request_info.hpp"

#include <boost/url/parse.hpp>

#include <vector>

namespace dynop::localcluster::server {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace

RequestInfo parse_request_info(std::string_view method, std::string_view target) {
  RequestInfo info;
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    info.path = std::string(target.substr(0, target.find('?')));
    return info;
  }
  info.path = std::string(url->path());
  for (const auto& param : url->params()) info.query[param.key] = param.value;

  std::vector<std::string> parts = split_path(info.path);
  std::size_t i = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    info.version = parts[1];
    i = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    return info;
  }
  std::vector<std::string> rest(parts.begin() + static_cast<std::ptrdiff_t>(i), parts.end());
  if (rest.empty()) return info;
  // /namespaces/{ns}/{resource}... except the namespace object's own paths
  // (/namespaces/{ns}, /namespaces/{ns}/status, /namespaces/{ns}/finalize).
  if (rest[0] == "namespaces" && rest.size() >= 2) {
    info.namespace_name = rest[1];
    if (rest.size() >= 3 && rest[2] != "status" && rest[2] != "finalize") {
      rest.erase(rest.begin(), rest.begin() + 2);
    } else {
      info.namespace_name.clear();
      rest = {"namespaces", parts[i + 1]};
      if (parts.size() > i + 2) rest.push_back(parts[i + 2]);
      if (parts.size() > i + 3) return info;
    }
  }
  if (rest.size() > 3) return info;
  info.is_resource_request = true;
  info.resource = rest[0];
  if (rest.size() >= 2) info.name = rest[1];
  if (rest.size() >= 3) info.subresource = rest[2];

  auto watch = info.param("watch");
  bool watching = watch && (*watch == "1" || *watch == "true");
  if (method == "GET" || method == "HEAD") {
    info.verb = !info.name.empty() ? "get" : (watching ? "watch" : "list");
  } else if (method == "POST") {
    info.verb = "create";
  } else if (method == "PUT") {
    info.verb = "update";
  } else if (method == "PATCH") {
    info.verb = "patch";
  } else if (method == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  } else {
    info.verb = std::string(method);
  }
  return info;
}

}  // namespace dynop::localcluster::server
