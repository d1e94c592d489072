#include "plugins/planner/profile_config_map.hpp"

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/object_meta.hpp"

namespace dynop::plugins::planner {

namespace json = boost::json;
using apimachinery::Error;

apimachinery::Result<profiling::EngineProfile> profile_from_config_map(
    std::string_view config_map_json) {
  auto document = apimachinery::decode_json(config_map_json);
  if (!document || !document->is_object()) return Error{"the ConfigMap is not a JSON object"};
  const json::object& cm = document->as_object();
  std::string name = "configmap";
  if (!apimachinery::name(cm).empty()) name += " " + apimachinery::object_key(cm);
  const json::value* data = cm.if_contains("data");
  if (data == nullptr || !data->is_object() || data->get_object().empty()) {
    return Error{name + " has no data: put the profile under the key " + std::string(kProfileKey)};
  }
  const json::object& entries = data->get_object();
  std::string key;
  if (entries.contains(kProfileKey)) {
    key = kProfileKey;
  } else {
    std::vector<std::string> candidates;
    for (const auto& entry : entries) {
      if (entry.key().ends_with(".json")) candidates.emplace_back(entry.key());
    }
    if (candidates.size() != 1) {
      std::string listed;
      for (const auto& c : candidates) listed += (listed.empty() ? "" : ", ") + c;
      return Error{name + " has no key " + std::string(kProfileKey) + " and " +
                   std::to_string(candidates.size()) + " keys ending in .json" +
                   (listed.empty() ? std::string() : " (" + listed + ")")};
    }
    key = candidates.front();
  }
  const json::value& value = entries.at(key);
  if (!value.is_string()) return Error{name + " key " + key + " is not a string"};
  return profiling::parse_engine_profile(value.get_string(), name + " key " + key);
}

}  // namespace dynop::plugins::planner
