#include "sim/kubelet/pod_timing.hpp"

#include <gtest/gtest.h>

namespace dynop::sim {
namespace {

using namespace std::chrono_literals;

KubeletSettings settings() {
  auto p = parse_node_profile(R"(kubelet:
  startup:
    default: {create: {delay: 1s}, ready: {delay: 2s}, delete: {delay: 1s}}
    frontend: {ready: {delay: 5s, jitter_delay: 8s}}
    worker: {ready: {delay: 30s}}
    decode: {ready: {delay: 40s}}
pools: [{name: a, count: 1}]
)",
                              "p.yaml");
  EXPECT_TRUE(p.ok()) << p.error();
  return p->kubelet;
}

PodFacts pod(std::map<std::string, std::string> labels,
             std::map<std::string, std::string> annotations = {}, std::string uid = "uid-1") {
  PodFacts f;
  f.uid = std::move(uid);
  f.labels = std::move(labels);
  f.annotations = std::move(annotations);
  return f;
}

TEST(PodTiming, TheComponentTypeChoosesTheTimes) {
  const KubeletSettings k = settings();
  EXPECT_EQ(component_type_of(pod({})), "default");
  EXPECT_EQ(component_type_of(pod({{"nvidia.com/dynamo-component-type", "worker"},
                                   {"nvidia.com/dynamo-sub-component-type", "decode"}})),
            "decode");
  EXPECT_EQ(pod_times(k, pod({{"nvidia.com/dynamo-component-type", "worker"}})).ready, 30s);
  EXPECT_EQ(pod_times(k, pod({{"nvidia.com/dynamo-component-type", "worker"},
                              {"nvidia.com/dynamo-sub-component-type", "decode"}}))
                .ready,
            40s);
  EXPECT_EQ(pod_times(k, pod({{"nvidia.com/dynamo-component-type", "planner"}})).ready, 2s);
}

TEST(PodTiming, JitterStaysInRangeIsStablePerPodAndVaries) {
  const KubeletSettings k = settings();
  std::set<std::int64_t> seen;
  for (int i = 0; i < 50; ++i) {
    const PodFacts p =
        pod({{"nvidia.com/dynamo-component-type", "frontend"}}, {}, "uid-" + std::to_string(i));
    const auto t = pod_times(k, p).ready;
    EXPECT_GE(t, 5s);
    EXPECT_LE(t, 8s);
    EXPECT_EQ(t, pod_times(k, p).ready);  // the same pod, the same draw
    seen.insert(t.count());
  }
  EXPECT_GT(seen.size(), 40u);
  // A restarted container draws again.
  const PodFacts p = pod({{"nvidia.com/dynamo-component-type", "frontend"}});
  EXPECT_NE(pod_times(k, p, 0).ready, pod_times(k, p, 1).ready);
}

TEST(PodTiming, AnnotationsOverrideAsKwoksDo) {
  const KubeletSettings k = settings();
  auto t = pod_times(k, pod({{"nvidia.com/dynamo-component-type", "worker"}},
                            {{"pod-ready.sim.dynop.io/delay", "90s"},
                             {"pod-create.sim.dynop.io/delay", "500ms"},
                             {"pod-delete.sim.dynop.io/delay", "1m"}}));
  EXPECT_EQ(t.ready, 90s);
  EXPECT_EQ(t.create, 500ms);
  EXPECT_EQ(t.del, 60s);
  EXPECT_TRUE(t.problems.empty());
  auto jittered = pod_times(k, pod({}, {{"pod-ready.sim.dynop.io/delay", "10s"},
                                        {"pod-ready.sim.dynop.io/jitter-delay", "20s"}}));
  EXPECT_GE(jittered.ready, 10s);
  EXPECT_LE(jittered.ready, 20s);
}

TEST(PodTiming, BadAnnotationsAreIgnoredAndReported) {
  const KubeletSettings k = settings();
  auto t = pod_times(k, pod({}, {{"pod-ready.sim.dynop.io/delay", "soon"},
                                 {"pod-create.sim.dynop.io/delay", "-1s"}}));
  EXPECT_EQ(t.ready, 2s);
  EXPECT_EQ(t.create, 1s);
  EXPECT_EQ(t.problems,
            (std::vector<std::string>{
                "annotation pod-create.sim.dynop.io/delay: \"-1s\" is negative",
                "annotation pod-ready.sim.dynop.io/delay: time: invalid duration \"soon\""}));
}

}  // namespace
}  // namespace dynop::sim
