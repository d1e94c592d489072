#include "localcluster/server/managed_fields.hpp"

#include <boost/json.hpp>
#include <vector>

namespace dynop::localcluster::server {
namespace json = boost::json;

namespace {

constexpr std::size_t kFieldManagerMaxLength = 128;

std::vector<std::string> path_parts(std::string_view dotted) {
  std::vector<std::string> parts;
  if (!dotted.empty() && dotted.front() == '.') dotted.remove_prefix(1);
  while (!dotted.empty()) {
    const auto dot = dotted.find('.');
    parts.emplace_back(dotted.substr(0, dot));
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return parts;
}

// {"f:spec":{"f:replicas":{}}}
json::object fields_of(const std::vector<std::string>& parts) {
  json::object leaf;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    json::object parent;
    parent["f:" + *it] = std::move(leaf);
    leaf = std::move(parent);
  }
  return leaf;
}

// Removes the path from a fieldsV1 set, and parents left empty.
void remove_path(json::object& set, const std::vector<std::string>& parts, std::size_t i = 0) {
  if (i >= parts.size()) return;
  const std::string key = "f:" + parts[i];
  auto* child = set.if_contains(key);
  if (child == nullptr) return;
  if (i + 1 == parts.size()) {
    set.erase(key);
    return;
  }
  if (!child->is_object()) return;
  remove_path(child->get_object(), parts, i + 1);
  if (child->get_object().empty()) set.erase(key);
}

}  // namespace

std::string field_manager(const net::Request& request, const RequestInfo& info) {
  if (const std::string* given = info.param("fieldManager"); given && !given->empty()) {
    return *given;
  }
  std::string_view agent = request.header("User-Agent");
  agent = agent.substr(0, agent.find('/'));
  std::string out;
  for (char c : agent) {
    if (out.size() >= kFieldManagerMaxLength) break;
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  }
  return out;
}

void record_scale_write(json::object& object, std::string_view manager,
                        std::string_view dotted_path, std::string_view time) {
  auto* meta_value = object.if_contains("metadata");
  if (meta_value == nullptr || !meta_value->is_object()) return;
  json::object& meta = meta_value->get_object();
  const std::vector<std::string> parts = path_parts(dotted_path);
  json::array entries;
  if (const auto* existing = meta.if_contains("managedFields"); existing && existing->is_array()) {
    for (const json::value& v : existing->get_array()) {
      if (!v.is_object()) continue;
      json::object entry = v.get_object();
      const auto* subresource = entry.if_contains("subresource");
      const bool scale_entry =
          subresource && subresource->is_string() && subresource->get_string() == "scale";
      const auto* name = entry.if_contains("manager");
      if (scale_entry && name && name->is_string() && name->get_string() == manager) continue;
      // The replicas field changes owner.
      if (auto* fields = entry.if_contains("fieldsV1"); fields && fields->is_object()) {
        remove_path(fields->get_object(), parts);
        if (fields->get_object().empty()) continue;
      }
      entries.push_back(std::move(entry));
    }
  }
  const auto* api_version = object.if_contains("apiVersion");
  entries.push_back(json::object{
      {"manager", manager},
      {"operation", "Update"},
      {"apiVersion",
       api_version && api_version->is_string() ? api_version->get_string() : json::string()},
      {"time", time},
      {"fieldsType", "FieldsV1"},
      {"fieldsV1", fields_of(parts)},
      {"subresource", "scale"},
  });
  meta["managedFields"] = std::move(entries);
}

}  // namespace dynop::localcluster::server
