#include "lib/kube/cache/cached_object.hpp"

namespace dynop::kube {

std::shared_ptr<const CachedObject> CachedObject::make(std::string_view ns, std::string_view name,
                                                       std::string_view uid,
                                                       std::string_view resource_version,
                                                       std::string_view json) {
  const std::size_t key_len = ns.empty() ? name.size() : ns.size() + 1 + name.size();
  std::string data;
  // One exact allocation: this is most of the cache's memory.
  data.reserve(key_len + uid.size() + resource_version.size() + json.size());
  if (!ns.empty()) {
    data.append(ns);
    data.push_back('/');
  }
  data.append(name);
  data.append(uid);
  data.append(resource_version);
  data.append(json);
  return std::make_shared<const CachedObject>(
      Private{}, std::move(data), static_cast<std::uint32_t>(key_len),
      static_cast<std::uint32_t>(ns.size()), static_cast<std::uint32_t>(uid.size()),
      static_cast<std::uint32_t>(resource_version.size()), static_cast<std::uint32_t>(json.size()));
}

}  // namespace dynop::kube
