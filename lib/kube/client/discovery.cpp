#include "lib/kube/client/discovery.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/json_decode.hpp"

namespace dynop::kube {
namespace json = boost::json;

Result<std::vector<ResourceInfo>> parse_api_resource_list(std::string_view body) {
  auto value = apimachinery::decode_json(body);
  if (!value || !value->is_object()) {
    return decode_error("discovery document is not a JSON object");
  }
  const json::object& list = value->get_object();
  const json::value* group_version = list.if_contains("groupVersion");
  if (!group_version || !group_version->is_string())
    return decode_error("discovery document has no groupVersion");
  auto [group, version] = split_api_version(group_version->get_string());
  std::vector<ResourceInfo> out;
  std::map<std::string, std::vector<std::string>> subresources;
  const json::value* resources = list.if_contains("resources");
  if (!resources || !resources->is_array()) return out;
  for (const json::value& entry : resources->get_array()) {
    if (!entry.is_object()) continue;
    const json::object& resource = entry.get_object();
    const json::value* name = resource.if_contains("name");
    if (!name || !name->is_string()) continue;
    const std::string full(name->get_string());
    if (auto slash = full.find('/'); slash != std::string::npos) {
      subresources[full.substr(0, slash)].push_back(full.substr(slash + 1));
      continue;
    }
    ResourceInfo info;
    info.group = group;
    info.version = version;
    info.resource = full;
    if (const json::value* kind = resource.if_contains("kind"); kind && kind->is_string())
      info.kind = std::string(kind->get_string());
    if (const json::value* namespaced = resource.if_contains("namespaced");
        namespaced && namespaced->is_bool())
      info.namespaced = namespaced->get_bool();
    if (const json::value* verbs = resource.if_contains("verbs"); verbs && verbs->is_array())
      for (const json::value& verb : verbs->get_array())
        if (verb.is_string()) info.verbs.emplace_back(verb.get_string());
    out.push_back(std::move(info));
  }
  for (ResourceInfo& info : out) {
    auto it = subresources.find(info.resource);
    if (it != subresources.end()) info.subresources = it->second;
  }
  return out;
}

Discovery::Discovery(std::function<Result<std::string>(const std::string&)> fetch)
    : fetch_(std::move(fetch)) {}

void Discovery::invalidate() {
  std::lock_guard guard(mutex_);
  by_group_version_.clear();
}

Result<std::vector<ResourceInfo>> Discovery::load(const std::string& api_version) {
  auto [group, version] = split_api_version(api_version);
  const std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  auto body = fetch_(path);
  if (!body) return std::move(body).error();
  return parse_api_resource_list(*body);
}

Result<ResourceInfo> Discovery::resource_for(std::string_view api_version, std::string_view kind) {
  const std::string key(api_version);
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      std::lock_guard guard(mutex_);
      auto it = by_group_version_.find(key);
      if (it != by_group_version_.end()) {
        for (const ResourceInfo& info : it->second)
          if (info.kind == kind) return info;
        if (attempt == 1) break;
      }
    }
    auto loaded = load(key);
    if (!loaded) {
      if (loaded.error().not_found()) break;
      return std::move(loaded).error();
    }
    std::lock_guard guard(mutex_);
    by_group_version_[key] = std::move(loaded.value());
  }
  Error error;
  error.kind = ErrorKind::kNotFound;
  error.http_status = 404;
  error.reason = "NotFound";
  error.message =
      "the server does not serve kind \"" + std::string(kind) + "\" in version \"" + key + "\"";
  return error;
}

}  // namespace dynop::kube
