// metrics-server's arithmetic over two kubelet /metrics/resource scrapes.

#include "localcluster/metrics_apis/resource/resource_metrics_store.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::metrics_apis {
namespace {

std::string scrape(double cpu_a, double cpu_b, long long ts_ms, double start = 1.7e9) {
  auto ts = std::to_string(ts_ms);
  auto num = [](double v) { return std::to_string(v); };
  return "# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the "
         "container in core-seconds\n"
         "# TYPE container_cpu_usage_seconds_total counter\n"
         "container_cpu_usage_seconds_total{container=\"frontend\",namespace=\"default\",pod=\"web-"
         "0\"} " +
         num(cpu_a) + " " + ts +
         "\n"
         "container_cpu_usage_seconds_total{container=\"sidecar\",namespace=\"default\",pod=\"web-"
         "0\"} " +
         num(cpu_b) + " " + ts +
         "\n"
         "# TYPE container_memory_working_set_bytes gauge\n"
         "container_memory_working_set_bytes{container=\"frontend\",namespace=\"default\",pod="
         "\"web-0\"} 1.2582912e+07 " +
         ts +
         "\n"
         "container_memory_working_set_bytes{container=\"sidecar\",namespace=\"default\",pod=\"web-"
         "0\"} 1000 " +
         ts +
         "\n"
         "container_start_time_seconds{container=\"frontend\",namespace=\"default\",pod=\"web-0\"}"
         " " +
         num(start) + " " + ts +
         "\n"
         "node_cpu_usage_seconds_total " +
         num(cpu_a * 10) + " " + ts +
         "\n"
         "node_memory_working_set_bytes 4.0941568e+08 " +
         ts +
         "\n"
         "scrape_error 0\n";
}

TEST(ResourceMetricsStore, UsageIsTheRateBetweenTwoScrapes) {
  ResourceMetricsStore store;
  ASSERT_TRUE(store.record_scrape("node-1", scrape(10.0, 1.0, 1767225600000)).ok());
  EXPECT_TRUE(store.pods().empty());  // one point is not a rate
  ASSERT_TRUE(store.record_scrape("node-1", scrape(10.675, 1.0, 1767225615000)).ok());
  auto pod = store.pod("default", "web-0");
  ASSERT_TRUE(pod);
  EXPECT_EQ(pod->window, std::chrono::seconds(15));
  ASSERT_EQ(pod->containers.size(), 2u);
  EXPECT_EQ(pod->containers[0].name, "frontend");
  EXPECT_EQ(pod->containers[0].cpu_nanocores, 45000000);  // 0.675 s over 15 s
  auto json = pod_metrics_json(*pod, boost::json::parse(R"({"app":"web"})"),
                               apimachinery::Timestamp{} + std::chrono::seconds(1767225620));
  // 1000 bytes print as "1k": kube formats BinarySI values below 1024 as DecimalSI.
  EXPECT_EQ(json, boost::json::parse(R"({"kind":"PodMetrics","apiVersion":"metrics.k8s.io/v1beta1",
    "metadata":{"name":"web-0","namespace":"default","creationTimestamp":"2026-01-01T00:00:20Z","labels":{"app":"web"}},
    "timestamp":"2026-01-01T00:00:15Z","window":"15s",
    "containers":[{"name":"frontend","usage":{"cpu":"45m","memory":"12Mi"}},{"name":"sidecar","usage":{"cpu":"0","memory":"1k"}}]})"));
  auto node = store.node("node-1");
  ASSERT_TRUE(node);
  EXPECT_EQ(node->cpu_nanocores, 450000000);
  EXPECT_EQ(node_metrics_json(*node, nullptr, apimachinery::Timestamp{}).at("usage"),
            boost::json::parse(R"({"cpu":"450m","memory":"399820Ki"})"));
}

TEST(ResourceMetricsStore, ARestartedContainerWaitsForTwoNewScrapes) {
  ResourceMetricsStore store;
  ASSERT_TRUE(store.record_scrape("n", scrape(10.0, 1.0, 1000000)).ok());
  ASSERT_TRUE(store.record_scrape("n", scrape(11.0, 1.0, 1015000, 1.8e9)).ok());
  EXPECT_TRUE(store.pods().empty());  // start time changed: no rate across a restart
  ASSERT_TRUE(store.record_scrape("n", scrape(12.0, 1.5, 1030000, 1.8e9)).ok());
  ASSERT_EQ(store.pods().size(), 1u);
}

TEST(ResourceMetricsStore, AMalformedScrapeChangesNothing) {
  ResourceMetricsStore store;
  ASSERT_TRUE(store.record_scrape("n", scrape(10.0, 1.0, 1000000)).ok());
  auto bad = store.record_scrape("n", "container_cpu_usage_seconds_total{pod=\"x\" 1\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "line 1: expected a label name");
  ASSERT_TRUE(store.record_scrape("n", scrape(11.5, 1.0, 1015000)).ok());
  EXPECT_EQ(store.pods().size(), 1u);
}

TEST(ResourceMetricsStore, AForgottenNodeTakesItsPods) {
  ResourceMetricsStore store;
  ASSERT_TRUE(store.record_scrape("n", scrape(10.0, 1.0, 1000000)).ok());
  ASSERT_TRUE(store.record_scrape("n", scrape(11.5, 1.0, 1015000)).ok());
  store.forget_node("n");
  EXPECT_TRUE(store.pods().empty());
  EXPECT_TRUE(store.nodes().empty());
}

}  // namespace
}  // namespace dynop::localcluster::metrics_apis
