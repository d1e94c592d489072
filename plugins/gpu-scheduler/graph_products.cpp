#include "plugins/gpu-scheduler/graph_products.hpp"

#include "plugins/common/names.hpp"

namespace dynop::plugins::gpu_scheduler {

std::string graph_of(const sdk::PodView& pod) {
  auto graph = pod.label(common::kLabelDgdName);
  if (!graph || graph->empty()) return {};
  std::string out(pod.ns());
  out.push_back('/');
  out.append(*graph);
  return out;
}

void GraphProducts::count(const std::string& graph, std::string_view product, int delta) {
  if (graph.empty() || product.empty()) return;
  auto& products = by_graph_[graph];
  auto it = products.find(product);
  if (it == products.end()) it = products.emplace(std::string(product), 0).first;
  it->second += delta;
  if (it->second <= 0) products.erase(it);
  if (products.empty()) by_graph_.erase(graph);
}

std::vector<std::string_view> GraphProducts::products(const std::string& graph) const {
  std::vector<std::string_view> out;
  auto it = by_graph_.find(graph);
  if (it == by_graph_.end()) return out;
  for (const auto& [product, count] : it->second) out.push_back(product);
  return out;
}

}  // namespace dynop::plugins::gpu_scheduler
