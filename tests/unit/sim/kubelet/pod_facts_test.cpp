#include "sim/kubelet/pod_facts.hpp"

#include <gtest/gtest.h>

namespace dynop::sim {
namespace {

const char kPod[] = R"({"kind":"Pod","apiVersion":"v1",
 "metadata":{"name":"sglang-agg-frontend-x","namespace":"default","uid":"u-1",
   "labels":{"nvidia.com/dynamo-component-type":"frontend"},
   "annotations":{"pod-ready.sim.dynop.io/delay":"3s"},
   "deletionTimestamp":"2026-11-28T01:16:48Z","deletionGracePeriodSeconds":5},
 "spec":{"nodeName":"h100-0","terminationGracePeriodSeconds":30,
   "initContainers":[{"name":"init","image":"busybox"}],
   "containers":[{"name":"main","image":"img:1","ports":[{"name":"http","containerPort":8000},
     {"containerPort":9000,"protocol":"UDP"},{"containerPort":70000}]}]},
 "status":{"phase":"Running","podIP":"127.128.0.2","hostIP":"127.64.0.1","startTime":"2026-11-28T01:14:55Z",
   "conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-11-28T01:15:07Z"}],
   "containerStatuses":[{"name":"main","state":{"running":{"startedAt":"2026-11-28T01:15:00Z"}},
     "ready":true,"started":true,"restartCount":2}]}})";

TEST(PodFacts, ReadsWhatTheKubeletNeeds) {
  auto pod = read_pod(kPod);
  ASSERT_TRUE(pod.ok()) << pod.error();
  EXPECT_EQ(pod->key(), "default/sglang-agg-frontend-x");
  EXPECT_EQ(pod->uid, "u-1");
  EXPECT_EQ(pod->node, "h100-0");
  EXPECT_EQ(pod->label("nvidia.com/dynamo-component-type"), "frontend");
  EXPECT_EQ(pod->annotation("pod-ready.sim.dynop.io/delay"), "3s");
  EXPECT_TRUE(pod->deleting);
  EXPECT_EQ(pod->grace_period_seconds, 5);  // the deletion's, not the spec's
  ASSERT_EQ(pod->containers.size(), 1u);
  ASSERT_EQ(pod->containers[0].ports.size(), 2u);  // 70000 is not a port
  EXPECT_EQ(pod->containers[0].ports[0].name, "http");
  EXPECT_EQ(pod->containers[0].ports[0].port, 8000);
  EXPECT_EQ(pod->containers[0].ports[1].protocol, "UDP");
  EXPECT_EQ(pod->init_containers.size(), 1u);
  EXPECT_EQ(pod->status.phase, "Running");
  EXPECT_EQ(pod->status.pod_ip, "127.128.0.2");
  EXPECT_EQ(pod->status.conditions.at("Ready").status, "True");
  const ContainerStatusFacts& main = pod->status.containers.at("main");
  EXPECT_EQ(main.state, "running");
  EXPECT_EQ(main.started_at, "2026-11-28T01:15:00Z");
  EXPECT_EQ(main.restart_count, 2);
  EXPECT_TRUE(main.ready);
}

TEST(PodFacts, AnUnboundPodWithoutStatus) {
  auto pod = read_pod(R"({"metadata":{"name":"p","namespace":"n"},"spec":{"containers":[]}})");
  ASSERT_TRUE(pod.ok()) << pod.error();
  EXPECT_EQ(pod->node, "");
  EXPECT_FALSE(pod->deleting);
  EXPECT_EQ(pod->grace_period_seconds, 30);
  EXPECT_EQ(pod->status.phase, "");
}

TEST(PodFacts, BadBytesAreAnError) {
  EXPECT_FALSE(read_pod("{").ok());
  EXPECT_EQ(read_pod("[]").error(), "the pod is not a JSON object");
  EXPECT_EQ(read_pod("{}").error(), "the pod has no metadata");
}

}  // namespace
}  // namespace dynop::sim
