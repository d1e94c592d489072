#include "sim/nodes/node_profile.hpp"

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"

namespace dynop::sim {
namespace {

using namespace std::chrono_literals;

std::string error_of(const std::string& text) {
  auto p = parse_node_profile(text, "profile.yaml");
  return p.ok() ? "" : p.error();
}

TEST(NodeProfile, ReadsPoolsWithTheirDefaults) {
  auto p = parse_node_profile(R"(pools:
- name: h100
  count: 4
  gpus: 8
  gpu_product: NVIDIA-H100-80GB-HBM3
  gpu_memory: 81559
  cpu: "224"
  memory: 2Ti
  reserved: {cpu: "4", memory: 32Gi}
  mig: {nvidia.com/mig-3g.40gb: 2}
  nodes_per_clique: 2
  taints: [{key: dedicated, value: infer, effect: NoSchedule}]
  labels: {team: llm}
- name: cpu
  count: 1
)",
                              "profile.yaml");
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_EQ(p->pools.size(), 2u);
  const NodePool& h100 = p->pools[0];
  EXPECT_EQ(h100.count, 4);
  EXPECT_EQ(h100.gpus, 8);
  EXPECT_EQ(h100.cpu.to_string(), "224");
  EXPECT_EQ(h100.memory.to_string(), "2Ti");
  EXPECT_EQ(h100.reserved.at("memory").to_string(), "32Gi");
  EXPECT_EQ(h100.mig.at("nvidia.com/mig-3g.40gb"), 2);
  ASSERT_EQ(h100.taints.size(), 1u);
  EXPECT_EQ(h100.taints[0].effect, "NoSchedule");
  EXPECT_EQ(h100.labels.at("team"), "llm");
  EXPECT_EQ(p->pools[1].gpus, 0);
  EXPECT_EQ(p->pools[1].memory.to_string(), "512Gi");
  EXPECT_EQ(p->node_count(), 5);
  EXPECT_EQ(p->network.node_cidr.to_string(), "127.64.0.0/16");
  EXPECT_EQ(p->network.pod_cidr.to_string(), "127.128.0.0/9");
  EXPECT_EQ(p->kubelet.renew_interval(), 10s);
  EXPECT_EQ(p->kubelet.status_report_interval, 5min);
}

TEST(NodeProfile, StartupTimesPerComponentTypeWithDefaultForTheRest) {
  auto builtin = parse_node_profile("pools: [{name: a, count: 1}]\n", "p.yaml");
  ASSERT_TRUE(builtin.ok()) << builtin.error();
  // A model-loading worker takes longer than a frontend.
  EXPECT_GT(builtin->kubelet.times_for("worker").ready.delay,
            builtin->kubelet.times_for("frontend").ready.delay);
  EXPECT_EQ(&builtin->kubelet.times_for("router"), &builtin->kubelet.times_for("default"));

  auto p = parse_node_profile(R"(kubelet:
  startup:
    default: {ready: {delay: 1s}}
    worker: {ready: {delay: 10s, jitter_delay: 20s}, delete: {delay: 3s}}
pools: [{name: a, count: 1}]
)",
                              "p.yaml");
  ASSERT_TRUE(p.ok()) << p.error();
  const KubeletSettings& k = p->kubelet;
  EXPECT_EQ(k.times_for("worker").ready.delay, 10s);
  EXPECT_EQ(*k.times_for("worker").ready.jitter_delay, 20s);
  EXPECT_EQ(k.times_for("worker").del.delay, 3s);
  // The file's default applies to every type the file does not list...
  EXPECT_EQ(k.times_for("frontend").ready.delay, 1s);
  EXPECT_FALSE(k.times_for("frontend").ready.jitter_delay);
  EXPECT_EQ(k.times_for("decode").ready.delay, 1s);
  EXPECT_EQ(k.times_for("planner").ready.delay, 1s);
  // ... and only for the stages it sets.
  EXPECT_EQ(k.times_for("frontend").create.delay,
            builtin->kubelet.times_for("frontend").create.delay);
}

TEST(NodeProfile, MistakesAreRefusedWithFileLineAndWhat) {
  EXPECT_EQ(error_of("pools:\n- name: h100\n  count: 4\n  gpus: eight\n"),
            "profile.yaml:4:9: pools[0].gpus must be a whole number, found \"eight\"");
  EXPECT_EQ(error_of("pools:\n- name: h100\n  count: 4\n  gpus: 8\n"),
            "profile.yaml:2:3: pools[0] has gpus but no gpu_product (e.g. NVIDIA-H100-80GB-HBM3)");
  EXPECT_EQ(error_of("pools:\n- name: H100\n  count: 1\n"),
            "profile.yaml:2:9: pools[0].name: \"H100\" must be a lower-case DNS label of at most "
            "56 characters");
  EXPECT_EQ(error_of("pools:\n- {name: a, count: 1}\n- {name: a, count: 2}\n"),
            "profile.yaml:3:10: pools[1].name: \"a\" is used by another pool");
  EXPECT_EQ(error_of("pools:\n- {name: a, count: 1, taints: [{key: k, effect: Never}]}\n"),
            "profile.yaml:2:49: pools[0].taints[0].effect must be NoSchedule, PreferNoSchedule or "
            "NoExecute, found \"Never\"");
  EXPECT_EQ(error_of("pools:\n- {name: a, count: 1, memory: 1Gi, reserved: {memory: 2Gi}}\n"),
            "profile.yaml:2:55: pools[0].reserved.memory is more than the node has");
  EXPECT_EQ(error_of("kubelet:\n  startup:\n    worker: {ready: {delay: 20s, jitter_delay: "
                     "10s}}\npools: [{name: a, count: 1}]\n"),
            "profile.yaml:3:21: kubelet.startup.worker.ready.jitter_delay must not be shorter "
            "than kubelet.startup.worker.ready.delay");
  EXPECT_EQ(error_of("kubelet: {lease_duration: 30}\npools: [{name: a, count: 1}]\n"),
            "profile.yaml:1:27: kubelet.lease_duration: time: missing unit in duration \"30\"");
  EXPECT_EQ(error_of("pool: []\n"),
            "profile.yaml:1:1: the profile: unknown field \"pool\" (known: instance, topology, "
            "network, kubelet, pools)");
  EXPECT_EQ(error_of(""), "profile.yaml: the profile is empty: it needs at least one pool");
  EXPECT_EQ(error_of("pools: [\n"),
            "profile.yaml:2:1: not valid YAML: end of sequence flow not found");
}

TEST(NodeProfile, AddressesMustHoldEveryNode) {
  EXPECT_EQ(error_of("network: {node_cidr: 127.64.0.0/30}\npools: [{name: a, count: 3}]\n"),
            "profile.yaml:1:10: network.node_cidr 127.64.0.0/30 has room for 2 nodes, the pools "
            "hold 3");
  EXPECT_EQ(error_of("network: {pod_cidr: 127.128.0.0/23}\npools: [{name: a, count: 3}]\n"),
            "profile.yaml:1:10: network.pod_cidr 127.128.0.0/23 has room for 2 nodes of /24, the "
            "pools hold 3");
  EXPECT_EQ(error_of("network: {node_cidr: 127.128.0.0/16}\npools: [{name: a, count: 3}]\n"),
            "profile.yaml:1:10: network.node_cidr 127.128.0.0/16 and network.pod_cidr "
            "127.128.0.0/9 overlap");
  EXPECT_EQ(error_of("network: {node_cidr: 10.0.0.0/16}\npools: [{name: a, count: 3}]\n"),
            "profile.yaml:1:22: network.node_cidr: \"10.0.0.0/16\" is outside 127.0.0.0/8: "
            "simulated addresses must be loopback addresses, which are all local");
}

TEST(NodeProfile, TheShippedProfilesLoad) {
  auto def = load_node_profile(test::source_path("sim/profiles/default.yaml"));
  ASSERT_TRUE(def.ok()) << def.error();
  EXPECT_EQ(def->node_count(), 6);
  auto bench = load_node_profile(test::source_path("sim/profiles/bench-5000.yaml"));
  ASSERT_TRUE(bench.ok()) << bench.error();
  EXPECT_EQ(bench->node_count(), 5000);
  EXPECT_FALSE(bench->kubelet.events);
}

}  // namespace
}  // namespace dynop::sim
