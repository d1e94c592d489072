#pragma once
// A Node as the scheduler reads it, decoded once from the informer's cached
// JSON: name, labels, taints, allocatable, Ready and spec.unschedulable.
// Heartbeats (condition times) are not part of it, so a node whose
// scheduling facts did not change compares equal and wakes nothing.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dynop/abi.h"
#include "host/scheduler/pod_info.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::host::scheduler {

struct TaintInfo {
  std::string key;
  std::string value;
  int32_t effect = DYNOP_TAINT_NO_SCHEDULE;
  friend bool operator==(const TaintInfo&, const TaintInfo&) = default;
};

struct NodeInfo {
  std::string name;
  StringPairs labels;  // sorted
  std::vector<TaintInfo> taints;
  std::vector<std::pair<std::string, int64_t>> allocatable;  // by resource name, sorted
  bool ready = false;
  bool unschedulable = false;
  friend bool operator==(const NodeInfo&, const NodeInfo&) = default;
};

apimachinery::Result<NodeInfo> decode_node(std::string_view json);

}  // namespace dynop::host::scheduler
