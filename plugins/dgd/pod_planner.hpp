#pragma once
// What to create and delete so a service has `replicas` replica groups made
// from the desired template. A replica group is one pod, or `nodeCount` pods
// for a multinode service, created and deleted as a unit. Level-based and
// idempotent: the plan depends only on the desired state and the pods seen.
//
// Rules:
//  - a group with a failed or terminating member is broken: its remaining
//    members are deleted and a new group replaces it (names stay taken until
//    the old pods are gone, so new groups get fresh indexes);
//  - a current group missing members (just created, or a member vanished) gets
//    them created again under the same deterministic names;
//  - scale up creates groups at the lowest free indexes;
//  - scale down deletes unready groups first, then the newest;
//  - on a template change, one group at a time: at most one group above
//    `replicas` exists (surge one), and an old group is deleted only while the
//    ready groups exceed `replicas` (so the new one is ready first). Unready
//    old groups are deleted at once: they serve nothing.

#include <cstdint>
#include <string>
#include <vector>

#include "plugins/common/pod_groups.hpp"

namespace dynop::plugins::dgd {

struct PodPlanInput {
  std::string desired_hash;
  std::int32_t replicas = 1;
  std::int32_t pods_per_group = 1;
  std::vector<common::ObservedPod> pods;  // the service's pods (made by the dgd plugin)
  // New groups stop once this many pods are planned (at least one group is
  // always allowed), as ReplicaSets burst at most 500 creates per sync; the
  // pods' own events bring the next reconcile for the rest.
  std::int32_t max_new_pods = 500;
};

struct PodToCreate {
  std::int32_t group_index = 0;
  std::int32_t rank = 0;
  friend bool operator==(const PodToCreate&, const PodToCreate&) = default;
};

struct PodToDelete {
  std::string name;
  std::string reason;  // for logs and events: "failed", "scale down", "rolling update", ...
};

struct PodPlan {
  std::vector<PodToCreate> create;  // rendered with render_pod(template, index, rank)
  std::vector<PodToDelete> remove;
  bool rolling = false;  // pods of an older template remain
  bool capped = false;   // more groups are needed than max_new_pods allowed now
  bool empty() const { return create.empty() && remove.empty(); }
};

PodPlan plan_pods(const PodPlanInput& input);

}  // namespace dynop::plugins::dgd
