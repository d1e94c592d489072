#include "localcluster/registry/resource_registry.hpp"

#include <algorithm>

namespace dynop::localcluster {

std::string storage_resource(std::string_view group, std::string_view plural) {
  std::string out(plural);
  if (!group.empty()) {
    out += '.';
    out += group;
  }
  return out;
}

std::string storage_resource(const ResourceType& type) {
  return storage_resource(type.group, type.plural);
}

void ResourceRegistry::add(ResourceType type) {
  std::unique_lock lock(mutex_);
  std::erase_if(types_, [&](const ResourceTypePtr& t) {
    return t->group == type.group && t->version == type.version && t->plural == type.plural;
  });
  types_.push_back(std::make_shared<const ResourceType>(std::move(type)));
  ++revision_;
}

void ResourceRegistry::set_crd_types(const std::string& crd_name, std::vector<ResourceType> types) {
  std::unique_lock lock(mutex_);
  std::erase_if(types_, [&](const ResourceTypePtr& t) { return t->crd_name == crd_name; });
  for (auto& type : types) {
    type.crd_name = crd_name;
    types_.push_back(std::make_shared<const ResourceType>(std::move(type)));
  }
  ++revision_;
}

void ResourceRegistry::set_api_service_types(const std::string& api_service,
                                             std::vector<ResourceType> types) {
  std::unique_lock lock(mutex_);
  std::erase_if(types_, [&](const ResourceTypePtr& t) { return t->api_service == api_service; });
  for (auto& type : types) {
    type.api_service = api_service;
    types_.push_back(std::make_shared<const ResourceType>(std::move(type)));
  }
  ++revision_;
}

ResourceTypePtr ResourceRegistry::find(std::string_view group, std::string_view version,
                                       std::string_view plural) const {
  std::shared_lock lock(mutex_);
  for (const auto& t : types_) {
    if (t->group == group && t->version == version && t->plural == plural) return t;
  }
  return nullptr;
}

ResourceTypePtr ResourceRegistry::find_any_version(std::string_view group,
                                                   std::string_view plural) const {
  std::shared_lock lock(mutex_);
  for (const auto& t : types_) {
    if (t->group == group && t->plural == plural) return t;
  }
  return nullptr;
}

ResourceTypePtr ResourceRegistry::find_kind(std::string_view group, std::string_view kind) const {
  std::shared_lock lock(mutex_);
  for (const auto& t : types_) {
    if (t->group == group && t->kind == kind) return t;
  }
  return nullptr;
}

std::vector<ResourceTypePtr> ResourceRegistry::all() const {
  std::shared_lock lock(mutex_);
  return types_;
}

std::uint64_t ResourceRegistry::revision() const {
  std::shared_lock lock(mutex_);
  return revision_;
}

}  // namespace dynop::localcluster
