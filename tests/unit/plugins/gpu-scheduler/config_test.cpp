#include "plugins/gpu-scheduler/config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace dynop::plugins::gpu_scheduler {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_gpu_scheduler_config(yaml);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(GpuSchedulerConfig, DefaultsWhenEmpty) {
  const GpuSchedulerConfig c = parse_gpu_scheduler_config("");
  EXPECT_EQ(c.scheduler_name, "dynop-gpu-scheduler");
  EXPECT_EQ(c.scoring, Scoring::kBinpack);
  EXPECT_TRUE(c.prefer_graph_gpu_product);
  EXPECT_TRUE(c.reserve_pinned_gpu_products);
  EXPECT_EQ(c.nodes_to_score, 16u);
  EXPECT_EQ(c.gang_topology_keys,
            (std::vector<std::string>{"nvidia.com/gpu.clique", "topology.kubernetes.io/rack"}));
  EXPECT_TRUE(c.gang_topology_required);
}

TEST(GpuSchedulerConfig, EveryKey) {
  const GpuSchedulerConfig c = parse_gpu_scheduler_config(R"(
scheduler_name: gpu-sched
scoring: spread
prefer_graph_gpu_product: false
reserve_pinned_gpu_products: false
nodes_to_score: 0
gang_topology_keys: [example.com/rack]
gang_topology: preferred
)");
  EXPECT_EQ(c.scheduler_name, "gpu-sched");
  EXPECT_EQ(c.scoring, Scoring::kSpread);
  EXPECT_FALSE(c.prefer_graph_gpu_product);
  EXPECT_FALSE(c.reserve_pinned_gpu_products);
  EXPECT_EQ(c.nodes_to_score, 0u);
  EXPECT_EQ(c.gang_topology_keys, std::vector<std::string>{"example.com/rack"});
  EXPECT_FALSE(c.gang_topology_required);
}

TEST(GpuSchedulerConfig, BadValuesNameTheKey) {
  EXPECT_EQ(error_of("scoring: pack"),
            "gpu-scheduler plugin: scoring: must be \"binpack\" or \"spread\", not \"pack\"");
  EXPECT_EQ(error_of("gang_topology: strict"),
            "gpu-scheduler plugin: gang_topology: must be \"required\" or \"preferred\", not "
            "\"strict\"");
  EXPECT_EQ(error_of("nodes_to_score: -3"),
            "gpu-scheduler plugin: nodes_to_score: must be an integer from 0 (every feasible "
            "node) to 100000");
  EXPECT_EQ(error_of("prefer_graph_gpu_product: maybe"),
            "gpu-scheduler plugin: prefer_graph_gpu_product: must be true or false");
  EXPECT_EQ(error_of("reserve_pinned_gpu_products: [yes]"),
            "gpu-scheduler plugin: reserve_pinned_gpu_products: must be true or false");
  EXPECT_EQ(error_of("reserve_pinned_gpu_products: sometimes"),
            "gpu-scheduler plugin: reserve_pinned_gpu_products: must be true or false");
  EXPECT_EQ(error_of("gang_topology_keys: rack"),
            "gpu-scheduler plugin: gang_topology_keys: must be a list of node label keys");
  EXPECT_EQ(
      error_of("gang_topology_keys: [ok.io/rack, 'bad key']")
          .rfind("gpu-scheduler plugin: gang_topology_keys[1]: \"bad key\" is not a valid label "
                 "key: ",
                 0),
      0u);
  EXPECT_EQ(
      error_of("scheduler_name: Not_A_Name")
          .rfind("gpu-scheduler plugin: scheduler_name: \"Not_A_Name\" is not a valid scheduler "
                 "name: ",
                 0),
      0u);
  EXPECT_EQ(error_of("binpack: true"),
            "gpu-scheduler plugin: unknown configuration key \"binpack\" (known: scheduler_name, "
            "scoring, prefer_graph_gpu_product, reserve_pinned_gpu_products, nodes_to_score, "
            "gang_topology_keys, gang_topology)");
  EXPECT_EQ(error_of("[1, 2]"), "gpu-scheduler plugin: configuration must be a mapping");
  EXPECT_EQ(error_of("scoring: [").rfind("gpu-scheduler plugin: configuration is not YAML: ", 0),
            0u);
}

}  // namespace
}  // namespace dynop::plugins::gpu_scheduler
