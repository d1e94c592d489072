#pragma once
// The set of resources the server serves right now: built-in kinds added at
// start, and CRD versions added and removed by the CRD controller while the
// server runs. REST routing, discovery and OpenAPI read snapshots of it;
// `revision()` changes whenever the set does (discovery caches, ETags).

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster {

using ResourceTypePtr = std::shared_ptr<const ResourceType>;

// Storage key of a resource, shared by all its versions: "pods",
// "dynamographdeploymentscalingadapters.nvidia.com".
std::string storage_resource(const ResourceType& type);
std::string storage_resource(std::string_view group, std::string_view plural);

class ResourceRegistry {
 public:
  void add(ResourceType type);
  // Replaces every version served for `crd_name` by `types` (empty: removes).
  void set_crd_types(const std::string& crd_name, std::vector<ResourceType> types);

  // Replaces every resource served for `api_service` by `types` (their
  // api_service is set to it).
  void set_api_service_types(const std::string& api_service, std::vector<ResourceType> types);

  ResourceTypePtr find(std::string_view group, std::string_view version,
                       std::string_view plural) const;
  // Any served version of group/plural (the first registered).
  ResourceTypePtr find_any_version(std::string_view group, std::string_view plural) const;
  // By group and kind (for ownerReferences and Table lookups).
  ResourceTypePtr find_kind(std::string_view group, std::string_view kind) const;

  std::vector<ResourceTypePtr> all() const;
  std::uint64_t revision() const;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<ResourceTypePtr> types_;
  std::uint64_t revision_ = 0;
};

}  // namespace dynop::localcluster
