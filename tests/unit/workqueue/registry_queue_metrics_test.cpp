#include "lib/workqueue/registry_queue_metrics.hpp"

#include <gtest/gtest.h>

#include <string>

#include "lib/metrics/registry.hpp"
#include "lib/workqueue/work_queue.hpp"

namespace dynop::workqueue {
namespace {

TEST(RegistryQueueMetrics, ExportsControllerRuntimeNamesPerQueue) {
  metrics::Registry registry;
  clock::FakeClock clock;
  WorkQueue<std::string>::Options options;
  options.clock = &clock;
  options.metrics = make_queue_metrics(registry, "dgd");
  WorkQueue<std::string> queue(std::move(options));
  queue.add("a");
  queue.add("b");
  queue.add_rate_limited("c");
  auto item = queue.get();
  queue.done(*item);

  const std::string text = registry.serialize();
  EXPECT_NE(text.find("workqueue_depth{name=\"dgd\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("workqueue_adds_total{name=\"dgd\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("workqueue_retries_total{name=\"dgd\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("workqueue_queue_duration_seconds_count{name=\"dgd\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("workqueue_work_duration_seconds_count{name=\"dgd\"} 1"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace dynop::workqueue
