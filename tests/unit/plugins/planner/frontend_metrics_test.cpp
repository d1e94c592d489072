#include "plugins/planner/frontend_metrics.hpp"

#include <gtest/gtest.h>

#include <map>

namespace dynop::plugins::planner {
namespace {

TEST(FrontendMetrics, UpstreamsQueries) {
  MetricsWindow w{"default-g", "", 15, 1};
  EXPECT_EQ(frontend_query(w, "requests_total"),
            "sum(increase(dynamo_frontend_requests_total{dynamo_namespace=\"default-g\"}[15s]))");
  w.model = "m";
  EXPECT_EQ(frontend_query(w, "time_to_first_token_seconds"),
            "sum(increase(dynamo_frontend_time_to_first_token_seconds_sum{dynamo_namespace="
            "\"default-g\",model=\"m\"}[15s])) / "
            "sum(increase(dynamo_frontend_time_to_first_token_seconds_count{dynamo_namespace="
            "\"default-g\",model=\"m\"}[15s]))");
}

TEST(FrontendMetrics, ReadsTheIntervalAndSpeedUp) {
  MetricsWindow w{"default-g", "", 15, 10};  // dynop-sim at 10x: counters grow 10x faster
  std::map<std::string, double> answers = {{"requests_total", 300},  {"input_sequence", 1150},
                                           {"output_sequence", 210}, {"time_to_first", 0.2},
                                           {"inter_token", 0.02},    {"request_duration", 4}};
  ScalarQuery query = [&](const std::string& q) -> apimachinery::Result<std::optional<double>> {
    for (const auto& [key, v] : answers) {
      if (q.find(key) != std::string::npos) return std::optional<double>(v);
    }
    return std::optional<double>();
  };
  auto o = read_interval(w, query);
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_DOUBLE_EQ(o->request_rate, 2.0);  // 300 / (15 s x 10)
  EXPECT_DOUBLE_EQ(o->isl, 1150);
  EXPECT_DOUBLE_EQ(o->itl_seconds, 0.02);
  EXPECT_DOUBLE_EQ(o->request_duration_seconds, 4);
}

TEST(FrontendMetrics, CountsWhatArrivedWhileTheBacklogGrows) {
  MetricsWindow w{"default-g", "", 15, 10};
  EXPECT_EQ(inflight_query(w),
            "sum(delta(dynamo_frontend_inflight_requests{dynamo_namespace=\"default-g\"}[15s]))");
  double held = 150;  // 150 more requests in flight at the end than at the start
  ScalarQuery query = [&](const std::string& q) -> apimachinery::Result<std::optional<double>> {
    if (q.find("inflight_requests") != std::string::npos) return std::optional<double>(held);
    if (q.find("requests_total") != std::string::npos) return std::optional<double>(300.0);
    return std::optional<double>(1.0);
  };
  auto o = read_interval(w, query);
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_DOUBLE_EQ(o->request_rate, 3.0);  // (300 ended + 150 held) / (15 s x 10)
  held = -100;                             // a backlog draining: what ended
  o = read_interval(w, query);
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_DOUBLE_EQ(o->request_rate, 2.0);
  // Only the gauge's query failing is an error that names it.
  ScalarQuery gauge_down = [](const std::string& q) -> apimachinery::Result<std::optional<double>> {
    if (q.find("inflight_requests") != std::string::npos) {
      return apimachinery::Error{"query timed out"};
    }
    return std::optional<double>(1.0);
  };
  EXPECT_EQ(read_interval(w, gauge_down).error(),
            "dynamo_frontend_inflight_requests: query timed out");
}

TEST(FrontendMetrics, MissingSeriesAndErrorsSayWhich) {
  MetricsWindow w{"default-g", "", 15, 1};
  ScalarQuery none = [](const std::string&) -> apimachinery::Result<std::optional<double>> {
    return std::optional<double>();
  };
  EXPECT_EQ(read_interval(w, none).error(),
            "no dynamo_frontend_requests_total series for dynamo_namespace=\"default-g\" (are the "
            "frontends scraped?)");
  ScalarQuery down = [](const std::string&) -> apimachinery::Result<std::optional<double>> {
    return apimachinery::Error{"Prometheus at http://127.0.0.1:9090 is unreachable"};
  };
  EXPECT_EQ(read_interval(w, down).error(),
            "dynamo_frontend_requests_total: Prometheus at http://127.0.0.1:9090 is unreachable");
  // No requests: a valid observation of zero load.
  ScalarQuery idle = [](const std::string& q) -> apimachinery::Result<std::optional<double>> {
    if (q.find("requests_total") != std::string::npos) return std::optional<double>(0.0);
    return std::optional<double>();
  };
  auto o = read_interval(w, idle);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->request_rate, 0);
}

}  // namespace
}  // namespace dynop::plugins::planner
