#include "localcluster/schema/pruning.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace dynop::localcluster::schema {
namespace {

namespace json = boost::json;

std::string child(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

void run(const Schema* s, json::value& x, const std::string& path, bool is_root,
         std::vector<std::string>& pruned) {
  if (s == nullptr) return;
  if (auto* obj = x.if_object()) {
    const bool keep_meta = is_root || s->embedded_resource;
    std::vector<std::string> drop;
    for (auto& [key, value] : *obj) {
      const std::string k(key);
      if (keep_meta && (k == "apiVersion" || k == "kind" || k == "metadata")) {
        if (auto it = s->properties.find(k); it != s->properties.end() && k != "metadata") {
          run(it->second.get(), value, child(path, k), false, pruned);
        }
        continue;
      }
      if (auto it = s->properties.find(k); it != s->properties.end()) {
        run(it->second.get(), value, child(path, k), false, pruned);
      } else if (s->additional_properties) {
        run(s->additional_properties.get(), value, child(path, k), false, pruned);
      } else if (!s->keeps_unknown_fields()) {
        drop.push_back(k);
      }
    }
    for (const auto& k : drop) {
      pruned.push_back(child(path, k));
      obj->erase(k);
    }
  } else if (auto* arr = x.if_array()) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      run(s->items.get(), (*arr)[i], path + "[" + std::to_string(i) + "]", false, pruned);
    }
  }
}

}  // namespace

std::vector<std::string> prune(const Schema& schema, boost::json::value& object,
                               bool is_resource_root) {
  std::vector<std::string> pruned;
  run(&schema, object, "", is_resource_root, pruned);
  std::sort(pruned.begin(), pruned.end());
  return pruned;
}

}  // namespace dynop::localcluster::schema
