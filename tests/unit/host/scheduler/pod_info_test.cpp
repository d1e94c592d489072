#include "host/scheduler/pod_info.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host/scheduler/node_info.hpp"

namespace dynop::host::scheduler {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(DecodePod, RequestsAsKubeSchedulerCountsThem) {
  auto pod = decode_pod(R"({"metadata":{"name":"w","namespace":"ns","uid":"u1",
    "creationTimestamp":"2026-01-02T03:04:05Z","labels":{"b":"2","a":"1"}},
    "spec":{"priority":1000,"containers":[
      {"name":"main","resources":{"requests":{"cpu":"500m","nvidia.com/gpu":"2"},
                                  "limits":{"cpu":"1","memory":"1Gi","nvidia.com/gpu":"2"}}},
      {"name":"side","resources":{"requests":{"cpu":"250m","memory":"128Mi"}}}],
     "initContainers":[{"name":"init","resources":{"requests":{"cpu":"2","memory":64}}}],
     "overhead":{"cpu":"100m"}},
    "status":{"phase":"Pending"}})");
  ASSERT_TRUE(pod) << pod.error();
  EXPECT_EQ(pod->key(), "ns/w");
  EXPECT_EQ(pod->scheduler_name, "default-scheduler");
  EXPECT_EQ(pod->priority, 1000);
  EXPECT_EQ(pod->created_us, 1767323045000000);
  EXPECT_THAT(pod->labels, ElementsAre(Pair("a", "1"), Pair("b", "2")));
  // cpu: max(500m + 250m, 2 init) + 100m overhead; memory: the limit stands in
  // for the missing request (1Gi) + 128Mi, more than the init's 64 bytes.
  EXPECT_THAT(pod->requests,
              ElementsAre(Pair("cpu", 2100), Pair("memory", (int64_t{1} << 30) + (128 << 20)),
                          Pair("nvidia.com/gpu", 2)));
  EXPECT_FALSE(pod->terminal);
  EXPECT_FALSE(pod->deleting);
}

TEST(DecodePod, RulesNodeAndCondition) {
  auto pod = decode_pod(R"({"metadata":{"name":"w","namespace":"ns","uid":"u",
    "deletionTimestamp":"2026-01-02T03:04:05Z",
    "annotations":{"placement.dynop.dev/group-plan":"ab 4 n1"}},
    "spec":{"schedulerName":"dynop-gpu-scheduler","nodeName":"n1",
      "nodeSelector":{"pool":"gold"},
      "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{
        "nodeSelectorTerms":[{"matchExpressions":[
          {"key":"nvidia.com/gpu.product","operator":"In","values":["NVIDIA-H200"]}],
          "matchFields":[{"key":"metadata.name","operator":"NotIn","values":["n9"]}]}]}}},
      "tolerations":[{"key":"gpu","operator":"Exists","effect":"NoSchedule"},{"operator":"Exists"}]},
    "status":{"phase":"Failed","conditions":[{"type":"PodScheduled","status":"False",
      "reason":"Unschedulable","message":"0/1 nodes are available"}]}})");
  ASSERT_TRUE(pod) << pod.error();
  EXPECT_EQ(pod->scheduler_name, "dynop-gpu-scheduler");
  EXPECT_EQ(pod->node_name, "n1");
  EXPECT_TRUE(pod->terminal);
  EXPECT_TRUE(pod->deleting);
  EXPECT_EQ(pod->annotation("placement.dynop.dev/group-plan"), "ab 4 n1");
  EXPECT_THAT(pod->node_selector, ElementsAre(Pair("pool", "gold")));
  ASSERT_EQ(pod->required_node_affinity.size(), 1u);
  const NodeSelectorTerm& term = pod->required_node_affinity[0];
  ASSERT_EQ(term.expressions.size(), 1u);
  EXPECT_EQ(term.expressions[0].op, DYNOP_SELECTOR_IN);
  EXPECT_THAT(term.expressions[0].values, ElementsAre("NVIDIA-H200"));
  ASSERT_EQ(term.fields.size(), 1u);
  EXPECT_EQ(term.fields[0].op, DYNOP_SELECTOR_NOT_IN);
  ASSERT_EQ(pod->tolerations.size(), 2u);
  EXPECT_EQ(pod->tolerations[0].op, DYNOP_TOLERATION_EXISTS);
  EXPECT_EQ(pod->tolerations[0].effect, DYNOP_TAINT_NO_SCHEDULE);
  EXPECT_EQ(pod->tolerations[1].effect, DYNOP_TAINT_EFFECT_ALL);
  EXPECT_EQ(pod->scheduled_status, "False");
  EXPECT_EQ(pod->scheduled_reason, "Unschedulable");
  EXPECT_EQ(pod->scheduled_message, "0/1 nodes are available");
}

TEST(DecodePod, NotAPod) {
  EXPECT_FALSE(decode_pod("[1,2]"));
  EXPECT_FALSE(decode_pod("{\"spec\":{}}"));
  EXPECT_FALSE(decode_pod("{not json"));
  EXPECT_EQ(scheduler_amount("cpu", "1.5").value(), 1500);
  EXPECT_EQ(scheduler_amount("memory", "1.5").value(), 2);  // rounded up, as kube does
  EXPECT_EQ(scheduler_amount("memory", "x").error(),
            "memory: quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
}

TEST(DecodeNode, SchedulingFactsOnly) {
  const std::string json =
      R"({"metadata":{"name":"gpu-1","labels":{"nvidia.com/gpu.product":"NVIDIA-H200"}},
    "spec":{"unschedulable":true,"taints":[{"key":"k","value":"v","effect":"NoExecute"},
                                            {"key":"p","effect":"PreferNoSchedule"}]},
    "status":{"allocatable":{"cpu":"64","memory":"512Gi","nvidia.com/gpu":"8","pods":"110"},
      "conditions":[{"type":"MemoryPressure","status":"False"},
                    {"type":"Ready","status":"True","lastHeartbeatTime":"2026-01-01T00:00:00Z"}]}})";
  auto node = decode_node(json);
  ASSERT_TRUE(node) << node.error();
  EXPECT_EQ(node->name, "gpu-1");
  EXPECT_TRUE(node->ready);
  EXPECT_TRUE(node->unschedulable);
  EXPECT_THAT(node->allocatable, ElementsAre(Pair("cpu", 64000), Pair("memory", int64_t{512} << 30),
                                             Pair("nvidia.com/gpu", 8), Pair("pods", 110)));
  ASSERT_EQ(node->taints.size(), 2u);
  EXPECT_EQ(node->taints[0].effect, DYNOP_TAINT_NO_EXECUTE);
  EXPECT_EQ(node->taints[1].effect, DYNOP_TAINT_PREFER_NO_SCHEDULE);
  // A heartbeat changes nothing the scheduler reads.
  std::string later = json;
  later.replace(later.find("2026-01-01"), 10, "2026-02-02");
  EXPECT_EQ(*decode_node(later), *node);
}

}  // namespace
}  // namespace dynop::host::scheduler
