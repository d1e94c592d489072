#pragma once
// A service's pods seen as replica groups: one pod per group for a plain
// service, `nodeCount` pods (ranks 0..n-1, rank 0 the leader) for a multinode
// one. Both plugins count replicas this way, so the DGD status and the
// adapter's status.replicas always agree ("a multinode group counts once").

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dynop::plugins::common {

struct ObservedPod {
  std::string name;
  std::string template_hash;
  std::int32_t group_index = 0;
  std::int32_t rank = 0;
  std::string phase;               // status.phase
  bool ready = false;              // Ready condition True
  bool terminating = false;        // metadata.deletionTimestamp set
  std::string creation_timestamp;  // RFC 3339 as the API server writes it

  // Succeeded counts as failed too: a serving pod is never meant to exit.
  bool failed() const { return phase == "Failed" || phase == "Succeeded"; }
};

// The pod's group facts from its labels; nullopt for a pod without dynop's
// group labels (not made by the dgd plugin, so never counted or touched).
std::optional<ObservedPod> observe_pod(const boost::json::object& pod);
std::vector<ObservedPod> observe_pods(const std::vector<boost::json::object>& pods);

// Every pod field the dgd and dgdsa plugins read: observe_pod's, the
// controller ownerReference and the service label that map a pod to its DGD
// or adapter, and deletionTimestamp. What they ask the host to cache of pods
// (sdk::CacheSpec::fields); the host always adds name, namespace, uid and
// resourceVersion. Reading another pod field means adding it here.
const std::vector<std::string>& observed_pod_fields();

struct PodGroup {
  std::string template_hash;
  std::int32_t index = 0;
  std::vector<ObservedPod> members;  // sorted by rank

  bool any_terminating() const;
  bool any_failed() const;
  // Broken groups are being torn down or must be: a member failed or is going
  // away. They count for nothing, but their names stay taken until gone.
  bool broken() const { return any_terminating() || any_failed(); }
  bool has_rank(std::int32_t rank) const;
  bool complete(std::int32_t pods_per_group) const;
  bool ready(std::int32_t pods_per_group) const;
  // Latest creationTimestamp of a member ("newest group" when scaling down).
  std::string newest_creation() const;
};

// Groups ordered by (template hash, index).
std::vector<PodGroup> group_pods(const std::vector<ObservedPod>& pods);

struct GroupCounts {
  std::int32_t replicas = 0;          // groups not broken
  std::int32_t updated_replicas = 0;  // ... made from the desired template
  std::int32_t ready_replicas = 0;    // ... complete with every member ready
};
GroupCounts count_groups(const std::vector<PodGroup>& groups, const std::string& desired_hash,
                         std::int32_t pods_per_group);

}  // namespace dynop::plugins::common
