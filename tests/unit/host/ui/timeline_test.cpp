#include "host/ui/timeline.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "host/plugins/prometheus_source.hpp"

namespace dynop::host::ui {
namespace {
namespace json = boost::json;

// Answers each range query with the series given for the first registered
// fragment it contains, and records what was asked.
class FakePrometheus : public PrometheusSource {
 public:
  std::vector<std::pair<std::string, std::vector<PromSeriesData>>> answers;
  std::vector<std::string> asked;
  std::vector<double> starts, ends, steps;
  std::string fail_with;

  PromAnswer query(std::string_view, double) override { return {}; }
  PromAnswer query_range(std::string_view promql, double start, double end, double step) override {
    asked.emplace_back(promql);
    starts.push_back(start);
    ends.push_back(end);
    steps.push_back(step);
    if (!fail_with.empty()) return PromAnswer::error(DYNOP_UNAVAILABLE, fail_with);
    PromAnswer a;
    a.result_type = DYNOP_PROM_MATRIX;
    for (const auto& [fragment, series] : answers) {
      if (promql.find(fragment) != std::string_view::npos) {
        a.series = series;
        break;
      }
    }
    return a;
  }
};

PromSeriesData series(std::vector<std::pair<std::string, std::string>> labels,
                      std::vector<dynop_prom_point> points) {
  return PromSeriesData{std::move(labels), std::move(points)};
}

TEST(TimelineQuery, DefaultsAreFifteenMinutesAndTheGuidesSla) {
  std::string error;
  auto q = parse_timeline_query("", error);
  ASSERT_TRUE(q) << error;
  EXPECT_EQ(q->window, "15m");
  EXPECT_EQ(q->window_seconds, 900);
  EXPECT_EQ(q->ttft_target, 0.5);
  EXPECT_EQ(q->itl_target, 0.05);
  q = parse_timeline_query("window=6h&namespace=default&graph=g&ttft=0.3&itl=0.02", error);
  ASSERT_TRUE(q) << error;
  EXPECT_EQ(q->window_seconds, 21600);
  EXPECT_EQ(q->step_seconds, 60);
  EXPECT_EQ(q->ns, "default");
  EXPECT_EQ(q->graph, "g");
  EXPECT_EQ(q->ttft_target, 0.3);
  EXPECT_EQ(q->itl_target, 0.02);
}

TEST(TimelineQuery, ABadParameterIsNamed) {
  std::string error;
  EXPECT_FALSE(parse_timeline_query("window=2h", error));
  EXPECT_EQ(error, "window: \"2h\" is not one of 15m, 1h, 6h");
  EXPECT_FALSE(parse_timeline_query("ttft=-1", error));
  EXPECT_EQ(error, "ttft: \"-1\" is not a positive number of seconds");
  EXPECT_FALSE(parse_timeline_query("itl=fast", error));
  EXPECT_EQ(error, "itl: \"fast\" is not a positive number of seconds");
  EXPECT_FALSE(parse_timeline_query("since=1", error));
  EXPECT_EQ(error, "unknown parameter \"since\" (known: window, namespace, graph, ttft, itl)");
}

TEST(Timeline, GroupsFrontendAndReplicaSeriesByGraphAndService) {
  FakePrometheus prom;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  prom.answers = {
      {"dynamo_frontend_requests_total",
       {series({{"namespace", "default"}, {"dynamo_namespace", "default-sglang-agg"}},
               {{995, 2.5}, {1000, 3}})}},
      {"time_to_first_token",
       {series({{"namespace", "default"}, {"dynamo_namespace", "default-sglang-agg"}},
               {{995, nan}, {1000, 0.25}})}},
      {"dynop_scale_target_replicas",
       {series({{"namespace", "default"},
                {"name", "sglang-agg-decode"},
                {"graph", "sglang-agg"},
                {"service", "decode"}},
               {{995, 1}, {1000, 2}}),
        series({{"namespace", "other"}, {"name", "x-decode"}, {"graph", "x"}, {"service", "d"}},
               {{1000, 1}})}},
      {"dynop_graph_service_ready_replicas",
       {series({{"namespace", "default"}, {"graph", "sglang-agg"}, {"service", "decode"}},
               {{1000, 1}})}},
  };
  std::string error;
  auto q = parse_timeline_query("namespace=default", error);
  ASSERT_TRUE(q) << error;
  auto doc = json::parse(timeline_json(&prom, *q, 1002.4));

  // Five range queries over the window, ending on a step.
  ASSERT_EQ(prom.asked.size(), 5u);
  EXPECT_EQ(prom.ends[0], 1000);
  EXPECT_EQ(prom.starts[0], 100);
  EXPECT_EQ(prom.steps[0], 5);
  EXPECT_NE(prom.asked[1].find("histogram_quantile(0.95"), std::string::npos) << prom.asked[1];

  EXPECT_EQ(doc.at("sla"), json::parse(R"({"ttftP95":0.5,"itlP95":0.05})"));
  EXPECT_TRUE(doc.at("errors").as_array().empty());
  const auto& graphs = doc.at("graphs").as_array();
  ASSERT_EQ(graphs.size(), 1u) << doc;  // namespace "other" is filtered out
  const auto& g = graphs[0];
  EXPECT_EQ(g.at("graph"), "sglang-agg");
  EXPECT_EQ(g.at("requestRate"), json::parse("[[995.0,2.5],[1000.0,3.0]]"));
  EXPECT_EQ(g.at("ttftP95"), json::parse("[[995.0,null],[1000.0,0.25]]"));  // NaN: no quantile
  EXPECT_TRUE(g.at("itlP95").as_array().empty());
  EXPECT_EQ(g.at("services"), json::parse(R"([{"service":"decode","adapter":"sglang-agg-decode",
      "desired":[[995.0,1.0],[1000.0,2.0]],"ready":[[1000.0,1.0]]}])"));
}

TEST(Timeline, FailedQueriesAndAMissingPrometheusAreReported) {
  FakePrometheus prom;
  prom.fail_with = "GET http://127.0.0.1:9/api/v1/query_range: connection refused";
  TimelineQuery q;
  auto doc = json::parse(timeline_json(&prom, q, 1000));
  const auto& errors = doc.at("errors").as_array();
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_NE(errors[0].as_string().find("connection refused"), std::string::npos);
  doc = json::parse(timeline_json(nullptr, q, 1000));
  EXPECT_EQ(doc.at("errors"),
            json::parse(R"j(["no Prometheus configured (prometheus.url, --prometheus-url)"])j"));
}

}  // namespace
}  // namespace dynop::host::ui
