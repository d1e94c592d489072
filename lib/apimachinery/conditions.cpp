#include "lib/apimachinery/conditions.hpp"

namespace dynop::apimachinery {
namespace json = boost::json;

const json::object* find_condition(const json::array& conditions, std::string_view type) {
  for (const auto& c : conditions) {
    const auto* condition = c.if_object();
    if (!condition) continue;
    const auto* t = condition->if_contains("type");
    if (t && t->is_string() && t->get_string() == type) return condition;
  }
  return nullptr;
}

const json::object* find_status_condition(const json::object& object, std::string_view type) {
  const auto* status = object.if_contains("status");
  const auto* conditions =
      status && status->is_object() ? status->get_object().if_contains("conditions") : nullptr;
  return conditions && conditions->is_array() ? find_condition(conditions->get_array(), type)
                                              : nullptr;
}

bool status_condition_true(const json::object& object, std::string_view type) {
  const auto* condition = find_status_condition(object, type);
  const auto* status = condition ? condition->if_contains("status") : nullptr;
  return status && status->is_string() && status->get_string() == "True";
}

bool set_status_condition(json::array& conditions, const Condition& condition,
                          std::string_view now) {
  // The array is the caller's to change: the const is only find_condition's.
  auto* found = const_cast<json::object*>(find_condition(conditions, condition.type));
  if (!found) {
    conditions.push_back(json::object{{"type", condition.type},
                                      {"status", condition.status},
                                      {"lastTransitionTime", now},
                                      {"reason", condition.reason},
                                      {"message", condition.message}});
    return true;
  }
  bool changed = false;
  auto set = [&](std::string_view key, std::string_view value) {
    const auto* have = found->if_contains(key);
    if (have && have->is_string() && have->get_string() == value) return;
    (*found)[key] = value;
    changed = true;
  };
  const auto* status = found->if_contains("status");
  if (!status || !status->is_string() || status->get_string() != condition.status) {
    set("lastTransitionTime", now);
  }
  set("status", condition.status);
  set("reason", condition.reason);
  set("message", condition.message);
  return changed;
}

}  // namespace dynop::apimachinery
