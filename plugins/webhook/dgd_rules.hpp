#pragma once
// The admission rules for DynamoGraphDeployment create and update, one small
// function per rule, judging the DGD view's scaling part (DgdParts::kScaling). Each appends the
// violations it finds as messages a user can act on; an empty list means the rule admits the
// request.

#include <string>
#include <string_view>
#include <vector>

#include "plugins/common/dgd_view.hpp"

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

// Create and update: what the DGD view (plugins/common/dgd_view.hpp) finds
// wrong in the admitted object's scaling fields (at least one service,
// replicas a non-negative int32, adapter switches booleans, ...), one
// violation per field error in kube-apiserver's wording.
void check_view_errors(const common::DgdParseResult& dgd, Violations& out);

// Update: once set, spec.backendFramework never changes (nor is removed).
void check_backend_framework_immutable(const common::DgdView& old_dgd,
                                       const common::DgdView& new_dgd, Violations& out);

// Update: a service present before and after keeps being single-node or multinode.
void check_no_multinode_switch(const common::DgdView& old_dgd, const common::DgdView& new_dgd,
                               Violations& out);

// Update: replicas of a service whose adapter is enabled change only through
// the adapter, unless `authorized` (the operator or a planner). The adapter
// counts as enabled when it is enabled in the old OR the new object, so that
// disabling or removing it in the same update does not open the door.
// Services added or removed by the update are not replica edits.
void check_replica_guard(const common::DgdView& old_dgd, const common::DgdView& new_dgd,
                         bool authorized, Violations& out);

// Create and update: one warning per service that sets `autoscaling`.
std::vector<std::string> autoscaling_warnings(const common::DgdView& dgd);

// One violation as itself; several as kube-apiserver aggregates errors: "[a, b]".
std::string join_violations(const Violations& violations);

}  // namespace dynop::plugins::webhook
