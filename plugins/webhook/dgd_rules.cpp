#include "plugins/webhook/dgd_rules.hpp"

#include <fmt/format.h>

#include "lib/apimachinery/field_error_format.hpp"
#include "plugins/common/names.hpp"

namespace dynop::plugins::webhook {

std::string replica_guard_message(std::string_view dgd_name, std::string_view service,
                                  std::int64_t requested_replicas) {
  return fmt::format(
      "spec.services[{}].replicas cannot be modified directly when scaling adapter is enabled; "
      "use 'kubectl scale dgdsa/{} --replicas={}' or update the "
      "DynamoGraphDeploymentScalingAdapter instead",
      service, common::adapter_name(dgd_name, service), requested_replicas);
}

std::string autoscaling_warning(std::string_view service) {
  return fmt::format(
      "spec.services[{}].autoscaling is deprecated and ignored. Use "
      "DynamoGraphDeploymentScalingAdapter with HPA, KEDA, or Planner for autoscaling instead",
      service);
}

void check_view_errors(const common::DgdParseResult& dgd, Violations& out) {
  for (const apimachinery::FieldError& error : dgd.errors) {
    out.push_back(apimachinery::to_string(error));
  }
}

void check_backend_framework_immutable(const common::DgdView& old_dgd,
                                       const common::DgdView& new_dgd, Violations& out) {
  if (old_dgd.backend_framework.empty() || old_dgd.backend_framework == new_dgd.backend_framework) {
    return;
  }
  if (new_dgd.backend_framework.empty()) {
    out.push_back(fmt::format(
        "spec.backendFramework is immutable once set: it cannot be removed (it is \"{}\")",
        old_dgd.backend_framework));
  } else {
    out.push_back(fmt::format(
        "spec.backendFramework is immutable once set: it cannot change from \"{}\" to \"{}\"",
        old_dgd.backend_framework, new_dgd.backend_framework));
  }
}

void check_no_multinode_switch(const common::DgdView& old_dgd, const common::DgdView& new_dgd,
                               Violations& out) {
  for (const auto& service : new_dgd.services) {
    const common::ServiceView* before = old_dgd.find_service(service.name);
    if (before == nullptr || before->multinode == service.multinode) continue;
    if (service.multinode) {
      out.push_back(
          fmt::format("spec.services[{}].multinode cannot be added: a service may not switch from "
                      "single-node to multinode; add a new service instead",
                      service.name));
    } else {
      out.push_back(fmt::format(
          "spec.services[{}].multinode cannot be removed: a service may not switch from "
          "multinode to single-node; add a new service instead",
          service.name));
    }
  }
}

void check_replica_guard(const common::DgdView& old_dgd, const common::DgdView& new_dgd,
                         bool authorized, Violations& out) {
  if (authorized) return;
  const std::string& dgd_name = new_dgd.name.empty() ? old_dgd.name : new_dgd.name;
  for (const auto& service : new_dgd.services) {
    const common::ServiceView* before = old_dgd.find_service(service.name);
    if (before == nullptr || before->replicas == service.replicas) continue;
    if (!before->adapter_enabled && !service.adapter_enabled) continue;
    out.push_back(replica_guard_message(dgd_name, service.name, service.replicas));
  }
}

std::vector<std::string> autoscaling_warnings(const common::DgdView& dgd) {
  std::vector<std::string> warnings;
  for (const auto& service : dgd.services) {
    if (service.has_autoscaling) warnings.push_back(autoscaling_warning(service.name));
  }
  return warnings;
}

std::string join_violations(const Violations& violations) {
  if (violations.size() == 1) return violations.front();
  return fmt::format("[{}]", fmt::join(violations, ", "));
}

}  // namespace dynop::plugins::webhook
