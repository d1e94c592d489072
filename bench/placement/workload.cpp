#include "bench/placement/workload.hpp"

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

namespace dynop::bench {

namespace {
const char* const kProducts[] = {"NVIDIA-H100-80GB-HBM3", kH200, "NVIDIA-A100-SXM4-80GB"};
}  // namespace

Workload make_workload(const WorkloadOptions& options) {
  std::mt19937 random(options.seed);
  Workload w;
  for (int i = 0; i < options.nodes; ++i) {
    BenchNode n;
    n.name = "gpu-node-" + std::to_string(i);
    const int p = static_cast<int>(random() % 10);
    n.product = kProducts[p < 6 ? 0 : p < 9 ? 1 : 2];
    n.clique = "clique-" + std::to_string(i / 16);
    n.rack = "rack-" + std::to_string(i / 64);
    n.tainted = random() % 10 == 0;
    w.nodes.push_back(std::move(n));
  }
  std::vector<int64_t> sizes;
  for (int64_t s : {1, 2, 4, 8})
    if (s <= options.max_single_gpus) sizes.push_back(s);
  const int pods = options.pods;
  const int singles = std::max(0, pods - options.gangs * 3);
  int made = 0, singles_made = 0;
  std::vector<bool> graph_wants_h200;
  while (made < pods) {
    const bool gang_turn =
        w.gangs < options.gangs &&
        (singles_made >= singles ||
         random() % static_cast<unsigned>(pods / std::max(options.gangs, 1)) == 0);
    if (gang_turn && pods - made >= 2) {
      // A gang is whole: at most the pods still to make.
      const int size = std::min(pods - made, 2 + static_cast<int>(random() % 3));
      const int64_t gpus = random() % 2 == 0 ? 4 : 8;
      const std::string group = "gang-" + std::to_string(w.gangs++);
      for (int rank = 0; rank < size; ++rank, ++made) {
        BenchPod p;
        p.name = group + "-" + std::to_string(rank);
        p.gpus = gpus;
        p.group = group;
        p.group_size = size;
        p.graph = "graph-" + std::to_string(made / 20);
        w.pods.push_back(std::move(p));
        ++w.gang_pods;
      }
      continue;
    }
    BenchPod p;
    p.name = "pod-" + std::to_string(singles_made++);
    p.gpus = sizes[random() % sizes.size()];
    // A graph's services name one GPU product: a quarter of the graphs, H200.
    const std::size_t graph = static_cast<std::size_t>(made / 20);
    while (graph_wants_h200.size() <= graph) graph_wants_h200.push_back(random() % 4 == 0);
    p.wants_h200 = graph_wants_h200[graph];
    p.tolerates = random() % 10 == 0;
    p.graph = "graph-" + std::to_string(made / 20);
    w.pods.push_back(std::move(p));
    ++made;
  }
  return w;
}

PlacementQuality placement_quality(const Workload& workload,
                                   const std::map<std::string, std::string>& placed) {
  std::map<std::string, const BenchNode*> nodes;
  std::map<std::string, int64_t> free;
  for (const BenchNode& n : workload.nodes) {
    nodes[n.name] = &n;
    free[n.name] = kGpusPerNode;
  }
  std::set<std::tuple<int64_t, bool, bool>> pending_shapes;
  std::map<std::string, std::set<std::string>> gang_cliques;
  for (const BenchPod& p : workload.pods) {
    auto it = placed.find(p.name);
    if (it == placed.end()) {
      pending_shapes.insert({p.gpus, p.wants_h200, p.tolerates});
      continue;
    }
    free[it->second] -= p.gpus;
    if (!p.group.empty()) gang_cliques[p.group].insert(nodes.at(it->second)->clique);
  }
  PlacementQuality q;
  for (const auto& [name, gpus] : free) {
    q.gpus += kGpusPerNode;
    q.free += gpus;
    if (gpus <= 0) continue;
    const BenchNode& n = *nodes.at(name);
    const bool usable = std::any_of(pending_shapes.begin(), pending_shapes.end(), [&](auto& s) {
      const auto& [want, h200, tolerates] = s;
      return want <= gpus && (!h200 || n.product == kH200) && (!n.tainted || tolerates);
    });
    if (!usable) q.stranded += gpus;
  }
  q.gangs_placed = gang_cliques.size();
  for (const auto& [group, cliques] : gang_cliques) q.gangs_in_one_domain += cliques.size() == 1;
  return q;
}

}  // namespace dynop::bench
