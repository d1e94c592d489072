#pragma once
// Reading status conditions (a Pod's Ready, a Node's Ready, a ScaledObject's
// Active...) as apimachinery's meta.FindStatusCondition does: the first entry
// of the list whose `type` is the one asked for.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
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

}  // namespace dynop::apimachinery
