#pragma once
// The FailedScheduling message kube-scheduler writes when no node fits
// (framework.FitError.Error()): "0/<nodes> nodes are available: " then
// "<count> <reason>" for every reason, counted over the nodes that gave it,
// sorted as strings and joined with ", ", then ".". dynop does not preempt,
// so the message has no "preemption: ..." part (as kube-scheduler's when its
// profile has no PostFilter plugin).
//
//   0/5000 nodes are available: 10 node(s) had untolerated taint {gpu: reserved}, 4990
//   Insufficient nvidia.com/gpu.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace dynop::host::scheduler {

std::string fit_error_message(std::size_t nodes, const std::map<std::string, std::size_t>& reasons);

// When pre_filter refused the pod for every node: "0/<nodes> nodes are available: <message>."
std::string pre_filter_error_message(std::size_t nodes, std::string_view message);

}  // namespace dynop::host::scheduler
