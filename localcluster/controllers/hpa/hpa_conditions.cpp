#include "localcluster/controllers/hpa/hpa_conditions.hpp"

namespace dynop::localcluster::hpa {

void set_condition(std::vector<autoscaling::Condition>& conditions, const std::string& type,
                   const std::string& status, const std::string& reason, const std::string& message,
                   apimachinery::Timestamp now) {
  autoscaling::Condition* existing = nullptr;
  for (auto& c : conditions) {
    if (c.type == type) {
      existing = &c;
      break;
    }
  }
  if (!existing) {
    conditions.push_back({type, "", "", "", ""});
    existing = &conditions.back();
  }
  if (existing->status != status) existing->last_transition_time = apimachinery::format_time(now);
  existing->status = status;
  existing->reason = reason;
  existing->message = message;
}

}  // namespace dynop::localcluster::hpa
