#include "plugins/planner/planner_status.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::plugins::planner {
namespace {

namespace json = boost::json;

TEST(PlannerStatus, TheBlockOfAPlannedRound) {
  RoundOutcome r;
  r.observed = {
      .request_rate = 30, .isl = 1150, .osl = 210, .ttft_seconds = 0.1, .itl_seconds = 0.02};
  r.prediction = {31, 1150, 210};
  r.factors = {0.9, 1.2};
  r.decisions.push_back({"decode", "g-decode", 2, 4, 3.6, "decode: predicted 31 req/s"});
  PlannerOptions o = *parse_planner_options({});  // upstream's defaults: arima
  LastChange change{"2026-12-06T07:00:00Z", "decode", 2, 4, "decode: predicted 31 req/s"};
  json::object b = planner_status_block(r, o, "2026-12-06T07:00:00Z", &change, {});
  EXPECT_EQ(b.at("predictor").as_string(), "arima (holt-winters)");
  EXPECT_EQ(b.at("lastRound").as_string(), "planned");
  EXPECT_EQ(b.at("prediction").at("requestRate").as_double(), 31);
  EXPECT_EQ(b.at("correctionFactors").at("decode").as_double(), 1.2);
  EXPECT_EQ(b.at("services").at("decode").at("desiredReplicas").as_int64(), 4);
  EXPECT_EQ(b.at("lastChange").at("to").as_int64(), 4);
  // A skipped round keeps the last observation and change, and says why.
  RoundOutcome skipped;
  skipped.skipped = true;
  skipped.skipped_reason = "metrics missing: no series";
  json::object s = planner_status_block(skipped, o, "2026-12-06T07:00:15Z", nullptr, b);
  EXPECT_EQ(s.at("lastRound").as_string(), "skipped: metrics missing: no series");
  EXPECT_EQ(s.at("prediction"), b.at("prediction"));
  EXPECT_EQ(s.at("lastChange"), b.at("lastChange"));
}

TEST(PlannerStatus, TheConditionNextToTheDgdPluginsFields) {
  json::object status = json::parse(R"({"state":"successful","conditions":[
      {"type":"Ready","status":"True","reason":"all_resources_are_ready"}],
      "services":{"decode":{"replicas":2}}})")
                            .as_object();
  json::object block{{"predictor", "kalman"}};
  json::object s =
      with_planner_status(status, &block, true, kReasonPlanning, "planning every 15s", "t1", 3);
  EXPECT_EQ(s.at("state"), status.at("state"));
  EXPECT_EQ(s.at("services"), status.at("services"));
  ASSERT_EQ(s.at("conditions").as_array().size(), 2u);
  EXPECT_EQ(s.at("conditions").as_array()[0].at("type").as_string(), "Ready");
  const auto& c = s.at("conditions").as_array()[1].as_object();
  EXPECT_EQ(c.at("type").as_string(), "PlannerReady");
  EXPECT_EQ(c.at("status").as_string(), "True");
  EXPECT_EQ(c.at("lastTransitionTime").as_string(), "t1");
  EXPECT_EQ(c.at("observedGeneration").as_int64(), 3);
  EXPECT_EQ(s.at("planner").at("predictor").as_string(), "kalman");
  // Same status later: the transition time stays; a change to False moves it.
  json::object again = with_planner_status(s, &block, true, kReasonPlanning, "x", "t2", 3);
  EXPECT_EQ(again.at("conditions").as_array()[1].at("lastTransitionTime").as_string(), "t1");
  json::object bad = with_planner_status(s, nullptr, false, kReasonInvalidOptions,
                                         "planner service P: --ttft: invalid value", "t3", 4);
  EXPECT_EQ(bad.at("conditions").as_array()[1].at("lastTransitionTime").as_string(), "t3");
  EXPECT_EQ(bad.at("planner"), s.at("planner"));  // nullptr: left as is
}

}  // namespace
}  // namespace dynop::plugins::planner
