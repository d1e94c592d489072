#pragma once
// Status conditions (a Pod's Ready, a Node's Ready, a ScaledObject's Active,
// a Namespace's NamespaceContentRemaining...) read as apimachinery's
// meta.FindStatusCondition does (the first entry of the list whose `type` is
// the one asked for) and written as meta.SetStatusCondition does.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace dynop::apimachinery {

// The condition of `type` in a conditions list, or nullptr.
const boost::json::object* find_condition(const boost::json::array& conditions,
                                          std::string_view type);
// The condition of `type` in an object's status.conditions, or nullptr.
const boost::json::object* find_status_condition(const boost::json::object& object,
                                                 std::string_view type);
// Whether that condition's status is "True" (a missing condition is not).
bool status_condition_true(const boost::json::object& object, std::string_view type);

struct Condition {
  std::string type;
  std::string status;  // True | False | Unknown
  std::string reason;
  std::string message;
};
// Adds the condition or updates the one of its type (meta.SetStatusCondition):
// lastTransitionTime becomes `now` when the condition is added or its status
// changes, and stays otherwise. True when anything changed.
bool set_status_condition(boost::json::array& conditions, const Condition& condition,
                          std::string_view now);

}  // namespace dynop::apimachinery
