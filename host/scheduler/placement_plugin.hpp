#pragma once
// One placement plugin as the scheduling loop calls it: the hooks of
// dynop/abi.h ("Capability: placement") with host-owned results. Two
// implementations: AbiPlacementPlugin for plugins of ABI 1.2 and later (typed
// batch hooks), JsonPlacementPlugin for plugins of 1.0/1.1 (filter/score per pod
// and node with the cached objects' JSON). Tests implement it directly.
//
// Every call comes from the scheduling thread, except bind (binding threads).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dynop/abi.h"
#include "host/scheduler/pod_view.hpp"

namespace dynop::host::scheduler {

struct HookStatus {
  int32_t code = DYNOP_OK;
  std::string message;
  bool ok() const { return code == DYNOP_OK; }
  static HookStatus from(const dynop_status& s) {
    return {s.code, s.message.size ? std::string(s.message.data, s.message.size) : std::string()};
  }
};

struct Candidates {
  bool restricted = false;      // false: every node
  std::vector<uint32_t> nodes;  // when restricted, best first
};

// filter's answer for `count` nodes: verdict 0 fits, r > 0 is reasons[r - 1].
struct FilterVerdicts {
  struct Reason {
    int32_t code = DYNOP_UNSCHEDULABLE;
    std::vector<std::string> messages;
  };
  std::vector<uint32_t> verdicts;
  std::vector<Reason> reasons;
  // Whether the reasons' messages are wanted: only a pod's diagnosis reads
  // them, not the search for a node. When not, the typed-hooks adapter does
  // not copy them out of the plugin (codes and verdicts are kept either way).
  bool want_messages = true;
};

struct GroupSpec {
  std::string name;  // "" : not in a group
  uint32_t min_member = 0;
  std::vector<std::string> topology_keys;
  bool topology_required = false;
  bool gang() const { return !name.empty() && min_member > 1; }
};

class PlacementPlugin {
 public:
  virtual ~PlacementPlugin() = default;
  virtual const std::string& name() const = 0;
  virtual const std::string& scheduler_name() const = 0;
  virtual uint32_t nodes_to_score() const = 0;

  virtual HookStatus pre_filter(const dynop_cluster_view& cluster, const PodView& pod,
                                Candidates& out) = 0;
  virtual HookStatus filter(const dynop_cluster_view& cluster, const PodView& pod,
                            std::span<const uint32_t> nodes, FilterVerdicts& out) = 0;
  virtual HookStatus score(const dynop_cluster_view& cluster, const PodView& pod,
                           std::span<const uint32_t> nodes, std::span<int64_t> scores) = 0;
  virtual HookStatus reserve(const dynop_cluster_view& cluster, const PodView& pod,
                             uint32_t node) = 0;
  virtual void unreserve(const dynop_cluster_view& cluster, const PodView& pod, uint32_t node) = 0;
  virtual GroupSpec pod_group(const PodView& pod) = 0;
  virtual void node_event(const dynop_cluster_view& cluster, uint32_t node,
                          dynop_node_event_kind kind) = 0;
  virtual void pod_event(const dynop_cluster_view& cluster, const dynop_pod_view& pod,
                         uint32_t node, dynop_pod_event_kind kind) = 0;
  // Pending pod `pod` of this plugin left the queue without being bound
  // (deleted, terminal, another scheduler's): pod_event DYNOP_POD_PENDING_GONE,
  // for plugins declaring ABI 1.3 or later only.
  virtual void pending_gone(const dynop_cluster_view& cluster, const PodView& pod) = 0;
  // Whether the plugin binds pods itself; bind() is then called on a binding thread.
  virtual bool binds() const = 0;
  // DYNOP_SKIP: the host binds after all.
  virtual HookStatus bind(const PodInfo& pod, std::string_view node) = 0;
};

// The cached JSON of a pod (namespace, name) or a node (name); nullopt when
// not cached. For plugins of ABI 1.0/1.1 and their bind hook.
using JsonLookup =
    std::function<std::optional<std::string>(std::string_view ns, std::string_view name)>;

struct PlacementHooksInfo {
  std::string plugin;
  std::string scheduler_name;
  uint32_t nodes_to_score = 0;
  // The minor of the ABI the plugin declares (descriptor abi_minor): event
  // kinds of a later minor are not sent to it.
  uint16_t abi_minor = 0;
  dynop_placement_hooks hooks{};
  dynop_plugin* instance = nullptr;
};

// The typed hooks when the plugin has them, else the JSON ones.
std::unique_ptr<PlacementPlugin> make_placement_plugin(PlacementHooksInfo info, JsonLookup pod_json,
                                                       JsonLookup node_json);

}  // namespace dynop::host::scheduler
