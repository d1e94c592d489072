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

}  // namespace dynop::apimachinery
