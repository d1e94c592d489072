#include "localcluster/schema/defaulting.hpp"

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace dynop::localcluster::schema {
namespace {

namespace json = boost::json;

bool non_nullable_null(const json::value& v, const Schema& s) { return v.is_null() && !s.nullable; }

void run(const Schema& s, json::value& x) {
  if (auto* obj = x.if_object()) {
    for (const auto& [name, prop] : s.properties) {
      if (!prop->default_value) continue;
      auto* existing = obj->if_contains(name);
      if (existing == nullptr || non_nullable_null(*existing, *prop)) {
        (*obj)[name] = *prop->default_value;
      }
    }
    std::vector<std::string> drop;
    for (auto& [key, value] : *obj) {
      const std::string k(key);
      if (auto it = s.properties.find(k); it != s.properties.end()) {
        if (non_nullable_null(value, *it->second) && !it->second->default_value) {
          drop.push_back(k);
          continue;
        }
        run(*it->second, value);
      } else if (s.additional_properties) {
        const auto& ap = *s.additional_properties;
        if (non_nullable_null(value, ap)) {
          if (ap.default_value) {
            value = *ap.default_value;
          } else {
            drop.push_back(k);
            continue;
          }
        }
        run(ap, value);
      }
    }
    for (const auto& k : drop) obj->erase(k);
  } else if (auto* arr = x.if_array()) {
    if (!s.items) return;
    for (auto& item : *arr) {
      if (non_nullable_null(item, *s.items) && s.items->default_value)
        item = *s.items->default_value;
      run(*s.items, item);
    }
  }
}

}  // namespace

void apply_defaults(const Schema& schema, boost::json::value& object) { run(schema, object); }

}  // namespace dynop::localcluster::schema
