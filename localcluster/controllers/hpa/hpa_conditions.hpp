#pragma once
// setCondition of the HPA controller: sets a condition's status, reason and
// message, adding it if missing; lastTransitionTime moves only when the
// status changes.

#include <string>
#include <vector>

#include "lib/apimachinery/time.hpp"
#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::hpa {

void set_condition(std::vector<autoscaling::Condition>& conditions, const std::string& type,
                   const std::string& status, const std::string& reason, const std::string& message,
                   apimachinery::Timestamp now);

}  // namespace dynop::localcluster::hpa
