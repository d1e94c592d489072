#include "sim/load/resource_metrics.hpp"

#include <gtest/gtest.h>

namespace dynop::sim {
namespace {

using namespace std::chrono;

TEST(ResourceMetrics, KubeletFormatWithPodAndNodeSums) {
  const system_clock::time_point now{milliseconds(1633253812125)};
  PodResources p;
  p.namespace_ = "default";
  p.name = "sglang-agg-frontend-x1";
  p.container = "main";
  p.sample.cpu_core_seconds = 4.5;
  p.sample.memory_working_set_bytes = 12533760;
  p.sample.start_time = system_clock::time_point{seconds(1633252712)};
  p.sample.timestamp = now;
  ResourceSample node;
  node.cpu_core_seconds = 100;
  node.memory_working_set_bytes = 1e9;
  node.timestamp = now;
  const std::string text = render_resource_metrics({p}, node);
  for (const char* expected : {
           "# TYPE container_cpu_usage_seconds_total counter\n",
           "container_cpu_usage_seconds_total{container=\"main\",namespace=\"default\",pod="
           "\"sglang-agg-frontend-x1\"} 4.5 1633253812125\n",
           "# TYPE container_memory_working_set_bytes gauge\n",
           "container_memory_working_set_bytes{container=\"main\",namespace=\"default\",pod="
           "\"sglang-agg-frontend-x1\"} 12533760 1633253812125\n",
           "container_start_time_seconds{container=\"main\",namespace=\"default\",pod="
           "\"sglang-agg-frontend-x1\"} 1633252712 1633252712000\n",
           "pod_cpu_usage_seconds_total{namespace=\"default\",pod=\"sglang-agg-frontend-x1\"} 4.5 "
           "1633253812125\n",
           "pod_memory_working_set_bytes{namespace=\"default\",pod=\"sglang-agg-frontend-x1\"} "
           "12533760 1633253812125\n",
           "node_cpu_usage_seconds_total 104.5 1633253812125\n",
           "node_memory_working_set_bytes 1012533760 1633253812125\n",
           "resource_scrape_error 0\n",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
  }
}

// The CPU counter is in wall-clock core-seconds: at 10x simulated time a
// frontend idling at 0.05 cores for 100 simulated seconds (10 wall seconds)
// reports 0.5 core-seconds, so rate() over wall time shows 0.05 cores.
TEST(ResourceMetrics, CpuIsInWallTimeWhateverTheSpeedup) {
  ManualClock clock(10.0, system_clock::time_point{seconds(1000)});
  LoadSimulator load(clock, {});
  load.add_pod({"default", "fe", "g", Role::kFrontend, "Frontend"});
  clock.set(SimTime(sim_seconds(100)));
  auto u = load.usage("default", "fe");
  ASSERT_TRUE(u);
  EXPECT_NEAR(u->cpu_core_seconds, 0.5, 1e-9);
  EXPECT_EQ(u->timestamp, system_clock::time_point{seconds(1010)});
  EXPECT_EQ(u->start_time, system_clock::time_point{seconds(1000)});
  EXPECT_FALSE(load.usage("default", "nope"));
}

}  // namespace
}  // namespace dynop::sim
