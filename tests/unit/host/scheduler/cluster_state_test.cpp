#include "host/scheduler/cluster_state.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dynop::host::scheduler {
namespace {

using ::testing::ElementsAre;

class Recorder : public InventoryListener {
 public:
  void on_node(uint32_t node, dynop_node_event_kind kind) override {
    events.push_back("node " + std::to_string(node) + " " + std::to_string(kind));
  }
  void on_pod(const dynop_pod_view& pod, uint32_t node, dynop_pod_event_kind kind) override {
    events.push_back(std::string(pod.name.data, pod.name.size) + "@" + std::to_string(node) + " " +
                     std::to_string(kind));
  }
  std::vector<std::string> events;
};

NodeInfo node(std::string name, int64_t gpus) {
  NodeInfo n;
  n.name = std::move(name);
  n.ready = true;
  n.labels = {{"zone", "a"}};
  n.allocatable = {{"cpu", 8000}, {"nvidia.com/gpu", gpus}, {"pods", 110}};
  return n;
}

PodInfo pod(std::string name, int64_t gpus) {
  PodInfo p;
  p.ns = "default";
  p.name = std::move(name);
  p.uid = "uid-" + p.name;
  p.requests = {{"cpu", 1000}, {"nvidia.com/gpu", gpus}};
  return p;
}

TEST(ClusterState, CountsPodsOnNodesAndReportsEveryChange) {
  ResourceTable resources;
  ClusterState state(resources);
  Recorder recorder;
  state.set_listener(&recorder);
  EXPECT_TRUE(state.upsert_node(node("a", 8)));
  EXPECT_FALSE(state.upsert_node(node("a", 8)));  // nothing changed
  EXPECT_TRUE(state.upsert_node(node("b", 4)));
  PodView p(pod("p", 3), resources);
  state.count("default/p", p, "a");
  state.count("default/p", p, "a");  // already there
  const uint32_t gpu = resources.intern("nvidia.com/gpu");
  const dynop_cluster_view& v = state.view();
  ASSERT_EQ(v.node_count, 2u);
  const dynop_node_view* a = dynop_node_at(&v, 0);
  EXPECT_EQ(std::string(a->name.data, a->name.size), "a");
  EXPECT_EQ(a->allocatable[gpu], 8);
  EXPECT_EQ(a->requested[gpu], 3);
  EXPECT_EQ(a->requested[DYNOP_RESOURCE_PODS], 1);
  EXPECT_EQ(a->requested[DYNOP_RESOURCE_CPU], 1000);
  EXPECT_EQ(a->flags, DYNOP_NODE_EXISTS | DYNOP_NODE_READY);
  EXPECT_TRUE(state.fits(1, PodView(pod("q", 4), resources).requests()));
  EXPECT_FALSE(state.fits(1, PodView(pod("q", 5), resources).requests()));

  // The node goes while its pod still counts: the slot stays, without the node.
  EXPECT_TRUE(state.remove_node("a"));
  EXPECT_FALSE(state.exists(0));
  EXPECT_THAT(state.existing_nodes(), ElementsAre(1u));
  EXPECT_EQ(dynop_node_at(&state.view(), 0)->flags, 0u);
  EXPECT_TRUE(state.uncount("default/p", p));
  EXPECT_FALSE(state.uncount("default/p", p));
  // Now empty, its slot is reused by the next node.
  EXPECT_TRUE(state.upsert_node(node("c", 2)));
  EXPECT_EQ(state.index_of("c"), 0u);
  EXPECT_THAT(recorder.events,
              ElementsAre("node 0 0", "node 1 0", "p@0 0", "node 0 2", "p@0 1", "node 0 0"));
}

TEST(ClusterState, ANewResourceGrowsEveryNode) {
  ResourceTable resources;
  ClusterState state(resources);
  state.upsert_node(node("a", 8));
  NodeInfo mig = node("mig", 0);
  mig.allocatable.push_back({"nvidia.com/mig-3g.40gb", 2});
  state.upsert_node(mig);
  PodView p(pod("p", 0), resources);
  PodInfo fpga = pod("f", 0);
  fpga.requests.push_back({"example.com/fpga", 1});
  PodView f(std::move(fpga), resources);  // interns a resource no node has
  const dynop_cluster_view& v = state.view();
  ASSERT_EQ(v.resource_count, resources.size());
  const uint32_t mig_id = resources.intern("nvidia.com/mig-3g.40gb");
  const uint32_t fpga_id = resources.intern("example.com/fpga");
  EXPECT_EQ(dynop_node_at(&v, 1)->allocatable[mig_id], 2);
  EXPECT_EQ(dynop_node_at(&v, 0)->allocatable[mig_id], 0);
  EXPECT_EQ(dynop_node_at(&v, 0)->allocatable[fpga_id], 0);
  EXPECT_EQ(std::string(v.resource_names[fpga_id].data, v.resource_names[fpga_id].size),
            "example.com/fpga");
  EXPECT_FALSE(state.fits(0, f.requests()));
}

}  // namespace
}  // namespace dynop::host::scheduler
