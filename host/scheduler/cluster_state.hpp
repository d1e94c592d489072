#pragma once
// The scheduler's inventory: every node with its allocatable and what counts
// on it (the requests of bound pods that are not terminal, plus the pods this
// host reserved it for and has not bound yet), as the typed C view placement
// hooks read (dynop_cluster_view). Owned and changed by the scheduling thread
// only; every change is reported to a listener in order (the plugins'
// node_event/pod_event).
//
// Node slots: a node keeps its index while it exists; a slot whose Node
// object is gone stays while pods still count on it (the pods were bound
// there), without DYNOP_NODE_EXISTS, and is reused once empty.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dynop/abi.h"
#include "host/scheduler/node_info.hpp"
#include "host/scheduler/pod_view.hpp"
#include "host/scheduler/resource_table.hpp"

namespace dynop::host::scheduler {

class InventoryListener {
 public:
  virtual ~InventoryListener() = default;
  virtual void on_node(uint32_t node, dynop_node_event_kind kind) = 0;
  virtual void on_pod(const dynop_pod_view& pod, uint32_t node, dynop_pod_event_kind kind) = 0;
};

class ClusterState {
 public:
  explicit ClusterState(ResourceTable& resources) : resources_(resources) {}
  ClusterState(const ClusterState&) = delete;
  ClusterState& operator=(const ClusterState&) = delete;

  void set_listener(InventoryListener* listener) { listener_ = listener; }

  // A Node object appeared or changed. True when it is new or a scheduling
  // fact changed (labels, taints, allocatable, Ready, cordon): a reason to
  // retry unschedulable pods.
  bool upsert_node(NodeInfo info);
  // The Node object is gone. True when it existed.
  bool remove_node(std::string_view name);

  // `key` now counts `pod`'s requests on node `node_name` (moved if it
  // counted elsewhere; nothing happens if it already counts there).
  void count(const std::string& key, const PodView& pod, const std::string& node_name);
  // `key` stops counting; `pod` is its last state, for the listener. True
  // when it counted.
  bool uncount(const std::string& key, const PodView& pod);
  // The node `key` counts on.
  std::optional<uint32_t> counted_on(const std::string& key) const;
  // Room for `pods` counted pods without growing the table: called with the
  // pods pending, between cycles, so the table does not rehash thousands of
  // keys in the middle of a decision (that cost the bench's worst decision,
  // over a millisecond, when the 5,088th pod was counted).
  void make_room(std::size_t pods) {
    if (static_cast<float>(pods) >
        static_cast<float>(counted_.bucket_count()) * counted_.max_load_factor())
      counted_.reserve(pods);
  }
  std::size_t counted_count() const { return counted_.size(); }

  const dynop_cluster_view& view();
  std::optional<uint32_t> index_of(std::string_view node) const;
  std::string_view name_of(uint32_t node) const;
  bool exists(uint32_t node) const;
  // Slots whose Node object exists, in index order: the candidates.
  std::vector<uint32_t> existing_nodes() const;
  std::size_t existing_count() const { return existing_; }
  std::size_t counted_pods() const { return counted_.size(); }
  // Whether `requests` fit in node's free amounts (the host's own check,
  // used when completing a half-bound group).
  bool fits(uint32_t node, const std::vector<dynop_resource_amount>& requests);

 private:
  struct Slot {
    NodeInfo info;
    bool exists = false;
    uint32_t pods = 0;  // counted on it
    std::vector<int64_t> allocatable, requested;
    std::vector<dynop_label> c_labels;
    std::vector<dynop_taint> c_taints;
  };
  struct Counted {
    uint32_t node = 0;
    std::vector<dynop_resource_amount> requests;
  };
  uint32_t slot_for(const std::string& name);
  void release_if_empty(uint32_t index);
  void sync_resources();
  void refresh(uint32_t index);  // rebuild the slot's C view
  void add_requests(Slot& slot, const std::vector<dynop_resource_amount>& requests, int sign);

  ResourceTable& resources_;
  InventoryListener* listener_ = nullptr;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<dynop_node_view> views_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string, uint32_t> by_name_;
  std::unordered_map<std::string, Counted> counted_;
  std::size_t existing_ = 0;
  std::size_t resource_count_ = 0;
  dynop_cluster_view view_{};
};

}  // namespace dynop::host::scheduler
