#include "plugins/dgd/pod_merge.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;

void merge_list(json::array& target, const json::array& patch, std::string_view key) {
  for (const json::value& item : patch) {
    const json::value* id = item.is_object() ? item.get_object().if_contains(key) : nullptr;
    json::value* match = nullptr;
    if (id != nullptr) {
      for (json::value& existing : target) {
        const json::value* existing_id =
            existing.is_object() ? existing.get_object().if_contains(key) : nullptr;
        if (existing_id != nullptr && *existing_id == *id) {
          match = &existing;
          break;
        }
      }
    }
    if (match != nullptr) {
      strategic_merge(match->get_object(), item.get_object());
    } else {
      target.push_back(item);
    }
  }
}

}  // namespace

std::string_view merge_key_for(std::string_view list_field) {
  // From the patchMergeKey tags of k8s.io/api/core/v1.
  if (list_field == "containers" || list_field == "initContainers" ||
      list_field == "ephemeralContainers" || list_field == "volumes" || list_field == "env" ||
      list_field == "imagePullSecrets" || list_field == "resourceClaims") {
    return "name";
  }
  if (list_field == "volumeMounts") return "mountPath";
  if (list_field == "volumeDevices") return "devicePath";
  if (list_field == "ports") return "containerPort";
  if (list_field == "hostAliases") return "ip";
  if (list_field == "topologySpreadConstraints") return "topologyKey";
  return {};
}

void strategic_merge(boost::json::object& target, const boost::json::object& patch) {
  for (const auto& [key, value] : patch) {
    if (value.is_null()) {
      target.erase(key);
      continue;
    }
    json::value* existing = target.if_contains(key);
    if (existing != nullptr && existing->is_object() && value.is_object()) {
      strategic_merge(existing->get_object(), value.get_object());
      continue;
    }
    std::string_view merge_key = merge_key_for(key);
    if (existing != nullptr && existing->is_array() && value.is_array() && !merge_key.empty()) {
      merge_list(existing->get_array(), value.get_array(), merge_key);
      continue;
    }
    target[key] = value;
  }
}

}  // namespace dynop::plugins::dgd
