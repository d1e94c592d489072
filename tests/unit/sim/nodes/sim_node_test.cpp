#include "sim/nodes/sim_node.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::sim {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

NodeProfile profile() {
  auto p = parse_node_profile(R"(instance: test-sim
network: {node_cidr: 127.70.0.0/24, pod_cidr: 127.80.0.0/16}
pools:
- name: h100
  count: 3
  gpus: 8
  gpu_product: NVIDIA-H100-80GB-HBM3
  gpu_memory: 81559
  cpu: "224"
  memory: 2Ti
  reserved: {cpu: "4"}
  mig: {nvidia.com/mig-3g.40gb: 2}
  nodes_per_clique: 2
  nodes_per_rack: 2
  taints: [{key: dedicated, value: infer, effect: NoSchedule}]
- name: cpu
  count: 1
)",
                              "p.yaml");
  EXPECT_TRUE(p.ok()) << p.error();
  return *p;
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

TEST(SimNode, OneEntryPerNodeWithItsAddressesAndGpuLabels) {
  NodeProfile p = profile();
  std::vector<SimNode> nodes = expand_nodes(p);
  ASSERT_EQ(nodes.size(), 4u);
  EXPECT_EQ(nodes[0].name, "h100-0");
  EXPECT_EQ(nodes[3].name, "cpu-0");
  EXPECT_EQ(nodes[0].ip, "127.70.0.1");
  EXPECT_EQ(nodes[3].ip, "127.70.0.4");
  EXPECT_EQ(nodes[1].pod_cidr.to_string(), "127.80.1.0/24");
  const auto& l = nodes[0].labels;
  EXPECT_EQ(l.at("nvidia.com/gpu.product"), "NVIDIA-H100-80GB-HBM3");
  EXPECT_EQ(l.at("nvidia.com/gpu.count"), "8");
  EXPECT_EQ(l.at("nvidia.com/gpu.memory"), "81559");
  EXPECT_EQ(l.at("kubernetes.io/hostname"), "h100-0");
  EXPECT_EQ(l.at(kInstanceLabel), "test-sim");
  // NVLink domains of two nodes: 0 and 1 share one, 2 is in the next.
  EXPECT_EQ(l.at("nvidia.com/gpu.clique"), nodes[1].labels.at("nvidia.com/gpu.clique"));
  EXPECT_NE(l.at("nvidia.com/gpu.clique"), nodes[2].labels.at("nvidia.com/gpu.clique"));
  EXPECT_EQ(nodes[2].labels.at("topology.kubernetes.io/rack"), "h100-rack-1");
  EXPECT_EQ(nodes[3].labels.count("nvidia.com/gpu.product"), 0u);
  EXPECT_EQ(nodes[0].capacity.at("cpu").to_string(), "224");
  EXPECT_EQ(nodes[0].allocatable.at("cpu").to_string(), "220");
  EXPECT_EQ(nodes[0].allocatable.at("nvidia.com/mig-3g.40gb").to_string(), "2");
}

TEST(SimNode, TheRegisteredNodeIsWhatAKubeletWrites) {
  NodeProfile p = profile();
  std::vector<SimNode> nodes = expand_nodes(p);
  TransitionTimes transitions;
  const auto now = std::chrono::system_clock::time_point(1796533000s);
  json::object node = render_node(nodes[0], p, NodeHealth{}, now, transitions);
  EXPECT_EQ(str(node["kind"]), "Node");
  const json::object& spec = node["spec"].as_object();
  EXPECT_EQ(str(spec.at("podCIDR")), "127.80.0.0/24");
  EXPECT_EQ(str(spec.at("taints").as_array()[0].at("effect")), "NoSchedule");
  const json::object& status = node["status"].as_object();
  EXPECT_EQ(str(status.at("capacity").at("nvidia.com/gpu")), "8");
  EXPECT_EQ(str(status.at("allocatable").at("nvidia.com/gpu")), "8");
  EXPECT_EQ(str(status.at("allocatable").at("cpu")), "220");
  EXPECT_EQ(str(status.at("addresses").as_array()[0].at("address")), "127.70.0.1");
  EXPECT_EQ(status.at("daemonEndpoints").at("kubeletEndpoint").at("Port").as_int64(), 10250);
  EXPECT_EQ(str(status.at("nodeInfo").at("kubeletVersion")), "v1.26.1");
  const json::array& conditions = status.at("conditions").as_array();
  ASSERT_EQ(conditions.size(), 4u);
  EXPECT_EQ(str(conditions[3].at("type")), "Ready");
  EXPECT_EQ(str(conditions[3].at("status")), "True");
  EXPECT_EQ(str(conditions[3].at("reason")), "KubeletReady");
  EXPECT_EQ(str(conditions[3].at("lastHeartbeatTime")), "2026-12-06T04:56:40Z");
}

TEST(SimNode, FaultsShowInTheStatusAndTransitionTimesHoldWhileStatusesDo) {
  NodeProfile p = profile();
  std::vector<SimNode> nodes = expand_nodes(p);
  TransitionTimes transitions;
  const auto t0 = std::chrono::system_clock::time_point(1796533000s);
  render_node_status(nodes[0], p, NodeHealth{}, t0, transitions);
  json::object later = render_node_status(nodes[0], p, NodeHealth{}, t0 + 10s, transitions);
  const json::object& ready = later["conditions"].as_array()[3].as_object();
  EXPECT_EQ(str(ready.at("lastHeartbeatTime")), "2026-12-06T04:56:50Z");
  EXPECT_EQ(str(ready.at("lastTransitionTime")), "2026-12-06T04:56:40Z");

  json::object broken =
      render_node_status(nodes[0], p, NodeHealth{false, 3}, t0 + 20s, transitions);
  const json::object& not_ready = broken["conditions"].as_array()[3].as_object();
  EXPECT_EQ(str(not_ready.at("status")), "False");
  EXPECT_EQ(str(not_ready.at("reason")), "KubeletNotReady");
  EXPECT_EQ(str(not_ready.at("lastTransitionTime")), "2026-12-06T04:57:00Z");
  // Failed GPUs leave allocatable, not capacity (the device plugin's view).
  EXPECT_EQ(str(broken["allocatable"].at("nvidia.com/gpu")), "5");
  EXPECT_EQ(str(broken["capacity"].at("nvidia.com/gpu")), "8");
}

TEST(SimNode, TheLeaseIsOwnedByItsNode) {
  NodeProfile p = profile();
  std::vector<SimNode> nodes = expand_nodes(p);
  const auto t = std::chrono::system_clock::time_point(1796533000123456us);
  json::object lease = render_lease(nodes[0], "uid-1", p, t);
  EXPECT_EQ(str(lease["metadata"].at("namespace")), "kube-node-lease");
  EXPECT_EQ(str(lease["metadata"].at("ownerReferences").as_array()[0].at("uid")), "uid-1");
  EXPECT_EQ(str(lease["spec"].at("holderIdentity")), "h100-0");
  EXPECT_EQ(lease["spec"].at("leaseDurationSeconds").as_int64(), 40);
  EXPECT_EQ(str(lease["spec"].at("renewTime")), "2026-12-06T04:56:40.123456Z");
}

}  // namespace
}  // namespace dynop::sim
