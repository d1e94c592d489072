#pragma once
// The admission rules for DynamoGraphDeployment create and update, one small
// function per rule. Each appends the violations it finds as messages a user
// can act on; an empty list means the rule admits the request.

#include <string>
#include <string_view>
#include <vector>

#include "plugins/webhook/object_facts.hpp"

namespace dynop::plugins::webhook {

using Violations = std::vector<std::string>;

// The guide's message, with the service, adapter name and requested replicas filled in:
//   spec.services[decode].replicas cannot be modified directly when scaling adapter is
//   enabled; use 'kubectl scale dgdsa/sglang-agg-decode --replicas=3' or update the
//   DynamoGraphDeploymentScalingAdapter instead
std::string replica_guard_message(std::string_view dgd_name, std::string_view service,
                                  std::int64_t requested_replicas);

// The deprecation warning for a service that sets `autoscaling`.
std::string autoscaling_warning(std::string_view service);

// Create and update: at least one service.
void check_has_services(const DgdFacts& dgd, Violations& out);

// Create and update: no service asks for negative replicas.
void check_replicas_non_negative(const DgdFacts& dgd, Violations& out);

// Update: once set, spec.backendFramework never changes (nor is removed).
void check_backend_framework_immutable(const DgdFacts& old_dgd, const DgdFacts& new_dgd,
                                       Violations& out);

// Update: a service present before and after keeps being single-node or multinode.
void check_no_multinode_switch(const DgdFacts& old_dgd, const DgdFacts& new_dgd, Violations& out);

// Update: replicas of a service whose adapter is enabled change only through
// the adapter, unless `authorized` (the operator or a planner). The adapter
// counts as enabled when it is enabled in the old OR the new object, so that
// disabling or removing it in the same update does not open the door.
// Services added or removed by the update are not replica edits.
void check_replica_guard(const DgdFacts& old_dgd, const DgdFacts& new_dgd, bool authorized,
                         Violations& out);

// Create and update: one warning per service that sets `autoscaling`.
std::vector<std::string> autoscaling_warnings(const DgdFacts& dgd);

// One violation as itself; several as kube-apiserver aggregates errors: "[a, b]".
std::string join_violations(const Violations& violations);

}  // namespace dynop::plugins::webhook
