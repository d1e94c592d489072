#pragma once
// A pod as the scheduler reads it, decoded once from the informer's cached
// JSON (on the informer's thread), so placement hooks never see JSON:
// identity, scheduler and node, what it requests (kube-scheduler's
// arithmetic: containers summed, init containers maxed, plus overhead), its
// node rules and tolerations, priority and age, and the PodScheduled
// condition last written (so an unchanged condition is not written again).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dynop/abi.h"
#include "lib/apimachinery/result.hpp"

namespace dynop::host::scheduler {

using StringPairs = std::vector<std::pair<std::string, std::string>>;  // sorted by first

struct SelectorRequirement {
  std::string key;
  int32_t op = DYNOP_SELECTOR_IN;  // dynop_selector_operator
  std::vector<std::string> values;
  friend bool operator==(const SelectorRequirement&, const SelectorRequirement&) = default;
};

struct NodeSelectorTerm {
  std::vector<SelectorRequirement> expressions;
  std::vector<SelectorRequirement> fields;
  friend bool operator==(const NodeSelectorTerm&, const NodeSelectorTerm&) = default;
};

struct TolerationInfo {
  std::string key;
  int32_t op = DYNOP_TOLERATION_EQUAL;
  std::string value;
  int32_t effect = DYNOP_TAINT_EFFECT_ALL;
  friend bool operator==(const TolerationInfo&, const TolerationInfo&) = default;
};

struct PodInfo {
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;
  std::string scheduler_name;  // "default-scheduler" when unset, as the API server defaults it
  std::string node_name;
  bool terminal = false;  // phase Succeeded or Failed: counts on no node
  bool deleting = false;  // metadata.deletionTimestamp set
  int32_t priority = 0;
  int64_t created_us = 0;  // creationTimestamp, microseconds since the epoch
  StringPairs labels;
  StringPairs annotations;
  StringPairs node_selector;
  std::vector<NodeSelectorTerm> required_node_affinity;
  std::vector<TolerationInfo> tolerations;
  // Effective requests by resource name, sorted by name, zeros left out
  // (the pod count is added when the view is built).
  std::vector<std::pair<std::string, int64_t>> requests;
  // PodScheduled as the pod has it now ("" when absent).
  std::string scheduled_status;
  std::string scheduled_reason;
  std::string scheduled_message;

  std::string key() const { return ns + "/" + name; }
  std::optional<std::string_view> label(std::string_view key) const;
  std::optional<std::string_view> annotation(std::string_view key) const;
};

// How kube-scheduler counts an amount: CPU in millicores, the rest rounded up
// to whole units. An unparsable quantity is an error naming it.
apimachinery::Result<int64_t> scheduler_amount(std::string_view resource,
                                               std::string_view quantity);

// Fails only for JSON that is not a pod object; odd fields are skipped.
apimachinery::Result<PodInfo> decode_pod(std::string_view json);

}  // namespace dynop::host::scheduler
