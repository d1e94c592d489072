#pragma once
// The admission rules for DynamoGraphDeploymentScalingAdapter create and update.

#include <functional>
#include <string>
#include <string_view>

#include "plugins/common/dgdsa_view.hpp"
#include "plugins/webhook/dgd_rules.hpp"

namespace dynop::plugins::webhook {

// The answer of a DGD read (the host's informer cache when wired as a plugin,
// a fake in tests), so the rule itself stays pure.
struct DgdLookupResult {
  enum class State { kFound, kNotFound, kUnavailable };
  State state = State::kNotFound;
  std::string object;  // the DGD's JSON text when found
  std::string error;   // why the read failed when unavailable
};

// Called with the adapter's namespace and spec.dgdRef.name.
using DgdLookup =
    std::function<DgdLookupResult(std::string_view k8s_namespace, std::string_view dgd_name)>;

// Update: spec.dgdRef (name and serviceName) never changes.
void check_dgd_ref_immutable(const common::AdapterView& old_adapter,
                             const common::AdapterView& new_adapter, Violations& out);

// Create: spec.dgdRef (read by a valid adapter view) names a DGD that exists,
// one of its services, and that service's adapter is enabled. A failed read denies (fail closed):
// the creator, usually the dgd plugin, retries.
void check_referenced_service(const common::AdapterView& adapter, std::string_view k8s_namespace,
                              const DgdLookup& lookup, Violations& out);

}  // namespace dynop::plugins::webhook
