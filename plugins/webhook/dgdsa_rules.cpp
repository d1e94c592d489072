#include "plugins/webhook/dgdsa_rules.hpp"

#include <fmt/format.h>

namespace dynop::plugins::webhook {

void check_dgd_ref_immutable(const common::AdapterView& old_adapter,
                             const common::AdapterView& new_adapter, Violations& out) {
  if (old_adapter.dgd_name != new_adapter.dgd_name) {
    out.push_back(fmt::format(
        "spec.dgdRef.name is immutable: it cannot change from \"{}\" to \"{}\"; create a new "
        "adapter instead",
        old_adapter.dgd_name, new_adapter.dgd_name));
  }
  if (old_adapter.service != new_adapter.service) {
    out.push_back(fmt::format(
        "spec.dgdRef.serviceName is immutable: it cannot change from \"{}\" to \"{}\"; create a "
        "new adapter instead",
        old_adapter.service, new_adapter.service));
  }
}

void check_referenced_service(const common::AdapterView& adapter, std::string_view k8s_namespace,
                              const DgdLookup& lookup, Violations& out) {
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
  const auto dgd = common::parse_dgd_json(found.object, common::DgdParts::kScaling);
  if (!dgd) {
    out.push_back(fmt::format("spec.dgdRef.name: DynamoGraphDeployment \"{}\" cannot be read: {}",
                              adapter.dgd_name, dgd.error()));
    return;
  }
  const common::ServiceView* service = dgd->view.find_service(adapter.service);
  if (service == nullptr) {
    std::vector<std::string_view> names;
    for (const auto& s : dgd->view.services) names.push_back(s.name);
    out.push_back(fmt::format(
        "spec.dgdRef.serviceName: DynamoGraphDeployment \"{}\" has no service \"{}\" (its "
        "services: {})",
        adapter.dgd_name, adapter.service, fmt::join(names, ", ")));
    return;
  }
  if (!service->adapter_enabled) {
    out.push_back(fmt::format(
        "spec.dgdRef.serviceName: the scaling adapter of service \"{}\" is disabled in "
        "DynamoGraphDeployment \"{}\" (spec.services[{}].scalingAdapter); enable it there "
        "instead of creating an adapter by hand",
        adapter.service, adapter.dgd_name, adapter.service));
  }
}

}  // namespace dynop::plugins::webhook
