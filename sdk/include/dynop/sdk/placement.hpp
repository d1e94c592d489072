#pragma once
// The values placement hooks return (abi.h, "Capability: placement"):
// pre_filter's candidates, filter's per-node verdicts with interned reasons,
// a pod's group, and the inventory events. The views they read are in
// placement_views.hpp.
//
// A placement plugin class declares (capabilities.hpp checks the
// signatures at compile time):
//
//   PlacementSpec placement_spec();                                  // required
//   Status filter(const ClusterView&, const PodView&,
//                 std::span<const NodeIndex> nodes, FilterResults& out);  // required
//   Status score(const ClusterView&, const PodView&,
//                std::span<const NodeIndex> nodes, std::span<int64_t> scores);  // required
//   PreFilterResult pre_filter(const ClusterView&, const PodView&);  // optional
//   Status reserve(const ClusterView&, const PodView&, NodeIndex);   // optional, with
//   Status unreserve(const ClusterView&, const PodView&, NodeIndex); //   unreserve
//   PodGroup pod_group(const PodView&);                              // optional
//   void on_node(const ClusterView&, NodeIndex, NodeEvent);          // optional
//   void on_pod(const ClusterView&, const PodView&, NodeIndex, PodEvent);  // optional
//   void on_pending_gone(const ClusterView&, const PodView&);        // optional, since 1.3
//   Status bind(std::string_view pod_json, std::string_view node_name);    // optional
//
// Every hook but bind runs on the host's one scheduling thread.
//
// on_pending_gone (abi.h: pod_event DYNOP_POD_PENDING_GONE): a pod this
// plugin was asked to place (pod_group, pre_filter) left the host's queue
// without being bound: deleted, terminal, or now another scheduler's. Drop
// what you keep for it as pending; the host will not ask about it again.
// A pod that is placed gets on_pod(kAssigned) instead. Hosts of ABI 1.3 and
// later send it, and a plugin built with this SDK loads in no older host.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/placement_views.hpp"
#include "dynop/sdk/status.hpp"

namespace dynop::sdk {

// What pre_filter answers: every node, only some (best first), or none.
class PreFilterResult {
 public:
  static PreFilterResult all_nodes() { return {}; }
  // Only these nodes are candidates, in order of preference. A node left out
  // must be one filter() would reject.
  static PreFilterResult only(std::vector<NodeIndex> nodes) {
    PreFilterResult r;
    r.restricted_ = true;
    r.nodes_ = std::move(nodes);
    return r;
  }
  // No node can take the pod now (e.g. its group is incomplete).
  static PreFilterResult unschedulable(std::string message) {
    PreFilterResult r;
    r.status_ = Status::unschedulable(std::move(message));
    return r;
  }
  // No node can take the pod until the cluster changes.
  static PreFilterResult unresolvable(std::string message) {
    PreFilterResult r;
    r.status_ = Status::unschedulable_and_unresolvable(std::move(message));
    return r;
  }

  const Status& status() const { return status_; }
  bool restricted() const { return restricted_; }
  const std::vector<NodeIndex>& nodes() const { return nodes_; }

 private:
  Status status_;
  bool restricted_ = false;
  std::vector<NodeIndex> nodes_;
};

// A reason id as filter() hands it out: 1 + its place in the reason table.
using ReasonId = uint32_t;

// filter()'s output: one verdict per node (fits, unless rejected with a
// reason) and the reasons' table. Reasons are interned: asking twice for the
// same code and texts gives the same id, so a plugin rejecting thousands of
// nodes stores thousands of integers. Look ids up once per call, not per
// node, where you can.
class FilterResults {
 public:
  // Owning `count` verdicts, all "fits" (for tests).
  explicit FilterResults(std::size_t count = 0) { reset_owned(count); }
  FilterResults(const FilterResults&) = delete;
  FilterResults& operator=(const FilterResults&) = delete;

  std::size_t size() const { return count_; }

  ReasonId reason(StatusCode code, std::initializer_list<std::string_view> messages) {
    return intern(code, messages.begin(), messages.end());
  }
  ReasonId reason(StatusCode code, const std::vector<std::string>& messages) {
    return intern(code, messages.begin(), messages.end());
  }
  void reject(std::size_t i, ReasonId reason) { verdicts_[i] = reason; }

  bool fits(std::size_t i) const { return verdicts_[i] == 0; }
  ReasonId verdict(std::size_t i) const { return verdicts_[i]; }
  std::size_t reason_count() const { return reasons_.size(); }
  StatusCode code(ReasonId r) const { return reasons_[r - 1].code; }
  const std::vector<std::string>& messages(ReasonId r) const { return reasons_[r - 1].messages; }

  // For the SDK's export layer: verdicts in host memory, reasons cleared.
  void reset(uint32_t* verdicts, std::size_t count) {
    owned_.clear();
    verdicts_ = verdicts;
    count_ = count;
    reasons_.clear();
  }
  // The reason table as the C ABI wants it; valid until the next reset or reason().
  const dynop_filter_reason* c_reasons() {
    c_reasons_.clear();
    for (Reason& r : reasons_) {
      r.c_messages.clear();
      for (const std::string& m : r.messages) r.c_messages.push_back(to_c(m));
      dynop_filter_reason c{};
      c.struct_size = sizeof(dynop_filter_reason);
      c.code = static_cast<int32_t>(r.code);
      c.messages = r.c_messages.data();
      c.message_count = r.c_messages.size();
      c_reasons_.push_back(c);
    }
    return c_reasons_.empty() ? nullptr : c_reasons_.data();
  }

 private:
  struct Reason {
    StatusCode code;
    std::vector<std::string> messages;
    std::vector<dynop_str> c_messages;
  };
  void reset_owned(std::size_t count) {
    owned_.assign(count, 0);
    verdicts_ = owned_.data();
    count_ = count;
    reasons_.clear();
  }
  template <class It>
  ReasonId intern(StatusCode code, It first, It last) {
    const std::size_t n = static_cast<std::size_t>(std::distance(first, last));
    for (std::size_t i = 0; i < reasons_.size(); ++i) {
      const Reason& r = reasons_[i];
      if (r.code != code || r.messages.size() != n) continue;
      bool same = true;
      It it = first;
      for (std::size_t k = 0; k < n && same; ++k, ++it)
        same = r.messages[k] == std::string_view(*it);
      if (same) return static_cast<ReasonId>(i + 1);
    }
    Reason r{code, {}, {}};
    for (It it = first; it != last; ++it) r.messages.emplace_back(std::string_view(*it));
    reasons_.push_back(std::move(r));
    return static_cast<ReasonId>(reasons_.size());
  }

  std::vector<uint32_t> owned_;
  uint32_t* verdicts_ = nullptr;
  std::size_t count_ = 0;
  std::vector<Reason> reasons_;
  std::vector<dynop_filter_reason> c_reasons_;
};

// A pod's group (gang): pods with the same namespace and name are placed all
// or nothing. An empty name (the default) means the pod is not in a group.
struct PodGroup {
  std::string name;
  uint32_t min_member = 0;  // the group's size; 0 or 1: no gang
  // Node label keys of topology domains, narrowest first.
  std::vector<std::string> topology_keys;
  bool topology_required = false;
};

enum class NodeEvent : int32_t {
  kAdded = DYNOP_NODE_ADDED,
  kUpdated = DYNOP_NODE_UPDATED,  // labels, taints, allocatable or flags (requested: on_pod)
  kRemoved = DYNOP_NODE_REMOVED,
};

enum class PodEvent : int32_t {
  kAssigned = DYNOP_POD_ASSIGNED,      // now counts on the node
  kUnassigned = DYNOP_POD_UNASSIGNED,  // no longer does
};

}  // namespace dynop::sdk
