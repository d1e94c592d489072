#pragma once
// Maps apiVersion + kind to the resource the server serves, from the
// server's discovery documents (GET /api/v1, /apis/<group>/<version>),
// cached per group-version and refreshed once on a miss so CRDs installed
// after start are found.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lib/kube/client/api_error.hpp"
#include "lib/kube/client/resource.hpp"

namespace dynop::kube {

// Parses an APIResourceList body.
Result<std::vector<ResourceInfo>> parse_api_resource_list(std::string_view body);

class Discovery {
 public:
  // `fetch(path)` GETs a discovery document and returns its body.
  explicit Discovery(std::function<Result<std::string>(const std::string& path)> fetch);

  // NotFound (with a message naming the kind) when the server does not serve it.
  Result<ResourceInfo> resource_for(std::string_view api_version, std::string_view kind);
  // Drops the cache (e.g. after CRDs changed).
  void invalidate();

 private:
  Result<std::vector<ResourceInfo>> load(const std::string& api_version);

  std::function<Result<std::string>(const std::string&)> fetch_;
  std::mutex mutex_;
  std::map<std::string, std::vector<ResourceInfo>> by_group_version_;
};

}  // namespace dynop::kube
