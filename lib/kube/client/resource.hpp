#pragma once
// A served resource as discovery describes it: group/version/kind mapped to
// the plural name in URLs, its scope and subresources. Never hard-coded:
// the client reads it from the server (discovery.hpp).

#include <string>
#include <string_view>
#include <vector>

namespace dynop::kube {

struct ResourceInfo {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // "pods"
  std::string kind;      // "Pod"
  bool namespaced = true;
  std::vector<std::string> subresources;  // "status", "scale", "binding"...
  std::vector<std::string> verbs;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  bool has_subresource(std::string_view name) const;
  // "/api/v1/namespaces/ns/pods/name/status" (parts left out when empty;
  // `ns` is ignored for cluster-scoped resources).
  std::string path(std::string_view ns = {}, std::string_view name = {},
                   std::string_view subresource = {}) const;
};

// "apps/v1" -> {"apps", "v1"}; "v1" -> {"", "v1"}.
std::pair<std::string, std::string> split_api_version(std::string_view api_version);

}  // namespace dynop::kube
