#include "lib/apimachinery/json_merge_patch.hpp"

#include <boost/json/object.hpp>

#include "lib/apimachinery/json_equal.hpp"

namespace dynop::apimachinery {
namespace json = boost::json;

void apply_merge_patch(json::value& target, const json::value& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = json::object();
  auto& obj = target.get_object();
  for (const auto& kv : patch.get_object()) {
    if (kv.value().is_null()) {
      obj.erase(kv.key());
      continue;
    }
    auto it = obj.find(kv.key());
    if (it == obj.end()) {
      json::value fresh;  // merging into nothing prunes nested nulls
      apply_merge_patch(fresh, kv.value());
      obj.emplace(kv.key(), std::move(fresh));
    } else {
      apply_merge_patch(it->value(), kv.value());
    }
  }
}

json::value merge_patch(const json::value& original, const json::value& patch) {
  json::value out = original;
  apply_merge_patch(out, patch);
  return out;
}

json::value create_merge_patch(const json::value& original, const json::value& modified) {
  if (!original.is_object() || !modified.is_object()) {
    return json_equal(original, modified) ? json::value(json::object()) : modified;
  }
  json::object patch;
  const auto& o = original.get_object();
  const auto& m = modified.get_object();
  for (const auto& kv : o) {
    if (!m.contains(kv.key())) patch[kv.key()] = nullptr;
  }
  for (const auto& kv : m) {
    auto* before = o.if_contains(kv.key());
    if (!before) {
      patch[kv.key()] = kv.value();
    } else if (!json_equal(*before, kv.value())) {
      if (before->is_object() && kv.value().is_object()) {
        patch[kv.key()] = create_merge_patch(*before, kv.value());
      } else {
        patch[kv.key()] = kv.value();
      }
    }
  }
  return patch;
}

}  // namespace dynop::apimachinery
