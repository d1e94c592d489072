#pragma once
// Which GPU products each inference graph already runs on: from pod events,
// per DynamoGraphDeployment (namespace + the nvidia.com/dynamo-graph-
// deployment-name label), the nvidia.com/gpu.product of the nodes its GPU
// pods count on. Scoring prefers those products, so one graph's prefill and
// decode workers do not end up on different GPU generations.

#include <cstdint>
#include <dynop/sdk/placement_views.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::plugins::gpu_scheduler {

// "<namespace>/<dgd>" for a pod of a graph (its common::kLabelDgdName), "" otherwise.
std::string graph_of(const sdk::PodView& pod);

class GraphProducts {
 public:
  // A pod of `graph` (from graph_of) started (delta 1) or stopped (-1)
  // counting on a node of `product`. Pods without a graph or product count
  // nowhere.
  void count(const std::string& graph, std::string_view product, int delta);
  // The products `graph` uses now (empty: none yet).
  std::vector<std::string_view> products(const std::string& graph) const;

 private:
  std::map<std::string, std::map<std::string, int64_t, std::less<>>, std::less<>> by_graph_;
};

}  // namespace dynop::plugins::gpu_scheduler
