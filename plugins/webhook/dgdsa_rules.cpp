#include "plugins/webhook/dgdsa_rules.hpp"

#include <fmt/format.h>

namespace dynop::plugins::webhook {

void check_dgd_ref_immutable(const DgdsaFacts& old_adapter, const DgdsaFacts& new_adapter,
                             Violations& out) {
  if (old_adapter.dgd_name != new_adapter.dgd_name) {
    out.push_back(fmt::format(
        "spec.dgdRef.name is immutable: it cannot change from \"{}\" to \"{}\"; create a new "
        "adapter instead",
        old_adapter.dgd_name, new_adapter.dgd_name));
  }
  if (old_adapter.service_name != new_adapter.service_name) {
    out.push_back(fmt::format(
        "spec.dgdRef.serviceName is immutable: it cannot change from \"{}\" to \"{}\"; create a "
        "new adapter instead",
        old_adapter.service_name, new_adapter.service_name));
  }
}

void check_referenced_service(const DgdsaFacts& adapter, std::string_view k8s_namespace,
                              const DgdLookup& lookup, Violations& out) {
  if (adapter.dgd_name.empty()) {
    out.push_back("spec.dgdRef.name is required");
    return;
  }
  if (adapter.service_name.empty()) {
    out.push_back("spec.dgdRef.serviceName is required");
    return;
  }
  const DgdLookupResult found = lookup(k8s_namespace, adapter.dgd_name);
  switch (found.state) {
    case DgdLookupResult::State::kNotFound:
      out.push_back(fmt::format(
          "spec.dgdRef.name: DynamoGraphDeployment \"{}\" not found in namespace \"{}\"",
          adapter.dgd_name, k8s_namespace));
      return;
    case DgdLookupResult::State::kUnavailable:
      out.push_back(fmt::format(
          "spec.dgdRef.name: cannot read DynamoGraphDeployment \"{}\" to check the reference "
          "({}); try again",
          adapter.dgd_name, found.error));
      return;
    case DgdLookupResult::State::kFound:
      break;
  }
  const auto dgd = read_dgd_facts(found.object);
  if (!dgd.ok()) {
    out.push_back(fmt::format("spec.dgdRef.name: DynamoGraphDeployment \"{}\" cannot be read: {}",
                              adapter.dgd_name, dgd.error));
    return;
  }
  const ServiceFacts* service = dgd.facts->find_service(adapter.service_name);
  if (service == nullptr) {
    std::vector<std::string_view> names;
    for (const auto& s : dgd.facts->services) names.push_back(s.name);
    out.push_back(fmt::format(
        "spec.dgdRef.serviceName: DynamoGraphDeployment \"{}\" has no service \"{}\" (its "
        "services: {})",
        adapter.dgd_name, adapter.service_name, fmt::join(names, ", ")));
    return;
  }
  if (!service->adapter_enabled) {
    out.push_back(fmt::format(
        "spec.dgdRef.serviceName: the scaling adapter of service \"{}\" is disabled in "
        "DynamoGraphDeployment \"{}\" (spec.services[{}].scalingAdapter); enable it there "
        "instead of creating an adapter by hand",
        adapter.service_name, adapter.dgd_name, adapter.service_name));
  }
}

}  // namespace dynop::plugins::webhook
