// Cases ported from kube's pkg/controller/podautoscaler/horizontal_test.go
// (TestConvertDesiredReplicasWithRules, TestNormalizeDesiredReplicas,
// TestScalingWithRules, TestCalculateScale{Up,Down}Limit...), plus the
// guide's decode HPA behavior (2 pods per 30 s up, 1 per 30 s down).

#include "localcluster/controllers/hpa/scaling_behavior.hpp"

#include <gtest/gtest.h>

#include "localcluster/builtin/autoscaling/hpa_defaults.hpp"

namespace dynop::localcluster::hpa {
namespace {

using autoscaling::ScalingPolicy;
using autoscaling::ScalingRules;
using namespace std::chrono_literals;

const Timestamp kNow = Timestamp{} + std::chrono::hours(24 * 365 * 50);

ScalingRules rules(int32_t pods, int32_t pods_period, int32_t percent, int32_t percent_period,
                   int32_t stabilization) {
  ScalingRules r;
  r.stabilization_window_seconds = stabilization;
  r.select_policy = "Max";
  std::vector<ScalingPolicy> policies;
  if (pods != 0) policies.push_back({"Pods", pods, pods_period});
  if (percent != 0) policies.push_back({"Percent", percent, percent_period});
  r.policies = policies;
  return r;
}

// generateEventsUniformDistribution: events spread over the last `period`
// seconds, each in the middle of its segment.
std::vector<ScaleEvent> uniform_events(std::vector<int32_t> changes, int period) {
  std::vector<ScaleEvent> events;
  const double segment = static_cast<double>(period) / static_cast<double>(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const double ago =
        static_cast<double>(period) - segment * static_cast<double>(i + 1) + segment / 2;
    events.push_back(
        {changes[i], kNow - std::chrono::microseconds(static_cast<int64_t>(ago * 1e6)), false});
  }
  return events;
}

TEST(ConvertDesiredReplicasWithRules, Bounds) {
  struct Case {
    int32_t current, desired, min, max, want;
    const char* reason;
  };
  for (const Case& c : std::vector<Case>{
           {5, 7, 3, 8, 7, "DesiredWithinRange"},
           {3, 1, 2, 8, 2, "TooFewReplicas"},
           {1, 0, 0, 10, 0, "DesiredWithinRange"},
           {20, 1000, 1, 10, 10, "TooManyReplicas"},
           {3, 1000, 1, 2000, 6, "ScaleUpLimit"},  // max(2 x 3, 4)
       }) {
    auto got = convert_desired_replicas_with_rules(c.current, c.desired, c.min, c.max);
    EXPECT_EQ(got.replicas, c.want) << c.current << "->" << c.desired;
    EXPECT_EQ(got.scaling_limited.reason, c.reason);
  }
}

TEST(NormalizeDesiredReplicas, StabilizesOverTheDownscaleWindow) {
  struct Case {
    const char* name;
    std::vector<Recommendation> history;
    int32_t prenormalized, want;
    std::size_t log_length;
  };
  for (const Case& c : std::vector<Case>{
           {"empty log", {}, 5, 5, 1},
           {"stabilize", {{4, kNow - 2min}, {5, kNow - 1min}}, 3, 5, 3},
           {"no stabilize", {{1, kNow - 2min}, {2, kNow - 1min}}, 3, 3, 3},
           {"no stabilize - old recommendations", {{10, kNow - 10min}, {9, kNow - 9min}}, 3, 3, 2},
           {"stabilize - old recommendations",
            {{10, kNow - 10min}, {4, kNow - 1min}, {5, kNow - 2min}, {9, kNow - 9min}},
            3,
            5,
            4},
       }) {
    ScalingHistory h;
    h.recommendations = c.history;
    auto got = normalize_desired_replicas(h, 3, c.prenormalized, 1, 100, 5min, kNow);
    EXPECT_EQ(got.replicas, c.want) << c.name;
    EXPECT_EQ(h.recommendations.size(), c.log_length) << c.name;
  }
}

TEST(NormalizeDesiredReplicas, ConditionsNameTheStabilization) {
  ScalingHistory h;
  h.recommendations = {{5, kNow - 1min}};
  auto got = normalize_desired_replicas(h, 5, 2, 1, 10, 5min, kNow);
  EXPECT_EQ(got.replicas, 5);
  EXPECT_EQ(got.able_to_scale.reason, "ScaleDownStabilized");
  EXPECT_EQ(got.able_to_scale.message,
            "recent recommendations were higher than current one, applying the highest recent "
            "recommendation");
  EXPECT_EQ(got.scaling_limited.status, "False");
  EXPECT_EQ(got.scaling_limited.reason, "DesiredWithinRange");
}

struct RulesCase {
  const char* name;
  std::vector<ScaleEvent> up_events, down_events;
  int32_t min, max;
  std::optional<ScalingRules> up, down;
  int32_t current, prenormalized, want;
  const char* reason;
};

TEST(ScalingWithRules, UpstreamCases) {
  const std::vector<RulesCase> cases = {
      {"within range", {}, {}, 3, 8, {}, {}, 5, 7, 7, "DesiredWithinRange"},
      {"below min", {}, {}, 2, 8, {}, {}, 3, 1, 2, "TooFewReplicas"},
      {"zero min", {}, {}, 0, 10, {}, {}, 1, 0, 0, "DesiredWithinRange"},
      {"max below scale-up limit", {}, {}, 1, 10, {}, {}, 20, 1000, 10, "TooManyReplicas"},
      {"more than max", {}, {}, 100, 150, {}, {}, 100, 1000, 150, "TooManyReplicas"},
      {"user scale-up limit",
       {},
       {},
       1,
       2000,
       rules(0, 0, 1, 60, 0),
       {},
       3,
       1000,
       4,
       "ScaleUpLimit"},
      {"user scale-down limit",
       {},
       {},
       3,
       2000,
       {},
       rules(20, 60, 0, 0, 0),
       1000,
       3,
       980,
       "ScaleDownLimit"},
      {"default scale-up", {}, {}, 1, 1000, {}, {}, 10, 50, 20, "ScaleUpLimit"},
      {"pods larger than percent",
       {},
       {},
       1,
       1000,
       rules(100, 60, 100, 60, 0),
       {},
       10,
       500,
       110,
       "ScaleUpLimit"},
      {"percent larger than pods",
       {},
       {},
       1,
       1000,
       rules(2, 60, 100, 60, 0),
       {},
       10,
       500,
       20,
       "ScaleUpLimit"},
      {"large pod policy",
       {},
       {},
       1,
       1000,
       rules(100, 60, 0, 0, 0),
       {},
       10,
       50,
       50,
       "DesiredWithinRange"},
      {"pod policy limit", {}, {}, 1, 1000, rules(30, 60, 0, 0, 0), {}, 10, 50, 40, "ScaleUpLimit"},
      {"percent policy limit",
       {},
       {},
       1,
       1000,
       rules(0, 0, 200, 60, 0),
       {},
       10,
       50,
       30,
       "ScaleUpLimit"},
      {"down percent larger",
       {},
       {},
       1,
       1000,
       {},
       rules(20, 60, 1, 60, 300),
       100,
       2,
       80,
       "ScaleDownLimit"},
      {"down pods larger",
       {},
       {},
       1,
       1000,
       {},
       rules(2, 60, 1, 60, 300),
       100,
       2,
       98,
       "ScaleDownLimit"},
      {"down min limit",
       {},
       {},
       1,
       1000,
       {},
       rules(100, 60, 0, 0, 300),
       10,
       0,
       1,
       "TooFewReplicas"},
      {"down min limit percent",
       {},
       {},
       5,
       1000,
       {},
       rules(0, 0, 100, 60, 300),
       10,
       2,
       5,
       "TooFewReplicas"},
      {"down pod policy limit",
       {},
       {},
       1,
       1000,
       {},
       rules(5, 60, 0, 0, 300),
       10,
       2,
       5,
       "ScaleDownLimit"},
      {"down percent policy",
       {},
       {},
       1,
       1000,
       {},
       rules(0, 0, 50, 60, 300),
       10,
       5,
       5,
       "DesiredWithinRange"},
      {"max with events",
       uniform_events({1, 5, 9}, 120),
       {},
       1,
       200,
       rules(300, 60, 0, 0, 0),
       {},
       100,
       500,
       200,
       "TooManyReplicas"},
      {"events hold scale-up",
       uniform_events({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(5, 120, 0, 0, 0),
       {},
       100,
       500,
       100,
       "ScaleUpLimit"},
      {"pods policy with events",
       uniform_events({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(150, 120, 0, 0, 0),
       {},
       100,
       500,
       235,
       "ScaleUpLimit"},
      {"percent policy with events",
       uniform_events({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(0, 0, 200, 120, 0),
       {},
       100,
       500,
       255,
       "ScaleUpLimit"},
      {"percent with up and down events",
       uniform_events({4}, 120),
       uniform_events({2}, 120),
       1,
       1000,
       rules(0, 0, 300, 300, 0),
       {},
       6,
       24,
       16,
       "ScaleUpLimit"},
      {"down default with events",
       {},
       uniform_events({1, 5, 9}, 120),
       1,
       1000,
       {},
       {},
       10,
       5,
       5,
       "DesiredWithinRange"},
      {"down pods with events",
       {},
       uniform_events({1, 5, 9}, 120),
       1,
       1000,
       {},
       rules(5, 120, 0, 0, 300),
       100,
       2,
       100,
       "ScaleDownLimit"},
      {"down percent with events",
       {},
       uniform_events({2, 4, 6}, 120),
       1,
       1000,
       {},
       rules(0, 0, 50, 120, 300),
       100,
       0,
       56,
       "ScaleDownLimit"},
      {"down percent with up and down events",
       uniform_events({2}, 120),
       uniform_events({4}, 120),
       1,
       1000,
       {},
       rules(0, 0, 50, 180, 0),
       10,
       1,
       6,
       "ScaleDownLimit"},
      {"events prevent further scale-down",
       {},
       uniform_events({10, 10, 10}, 120),
       1,
       1000,
       {},
       rules(0, 0, 10, 120, 300),
       100,
       0,
       100,
       "ScaleDownLimit"},
  };
  for (const auto& c : cases) {
    ScalingHistory h;
    h.scale_up_events = c.up_events;
    h.scale_down_events = c.down_events;
    auto up = autoscaling::scale_up_rules_with_defaults(c.up);
    auto down = autoscaling::scale_down_rules_with_defaults(c.down);
    auto got = convert_desired_replicas_with_behavior_rate(h, up, down, c.current, c.prenormalized,
                                                           c.min, c.max, kNow);
    EXPECT_EQ(got.replicas, c.want) << c.name;
    EXPECT_EQ(got.scaling_limited.reason, c.reason) << c.name;
  }
}

TEST(ScalingLimits, MinChangePolicies) {
  ScalingRules r = rules(2, 60, 50, 60, 300);
  r.select_policy = "Min";
  EXPECT_EQ(scale_up_limit_with_rules(1, {}, {}, r, kNow), 2);
  EXPECT_EQ(scale_down_limit_with_rules(5, {}, {}, r, kNow), 3);
  r.select_policy = "Disabled";
  EXPECT_EQ(scale_up_limit_with_rules(7, {}, {}, r, kNow), 7);
  EXPECT_EQ(scale_down_limit_with_rules(7, {}, {}, r, kNow), 7);
}

TEST(ScalingWithBehaviors, StabilizationWindowsBoundTheRecommendation) {
  ScalingHistory h;
  h.recommendations = {{8, kNow - 50s}, {4, kNow - 20s}};
  auto up = autoscaling::scale_up_rules_with_defaults(rules(4, 15, 0, 0, 30));
  auto down = autoscaling::scale_down_rules_with_defaults(rules(0, 0, 100, 15, 60));
  // Scaling up from 4 to 9: the last 30 s recommended 4, so hold at 4.
  auto got = normalize_desired_replicas_with_behaviors(h, up, down, 4, 9, 1, 20, 300s, kNow);
  EXPECT_EQ(got.replicas, 4);
  EXPECT_EQ(got.able_to_scale.reason, "ScaleUpStabilized");
  // Scaling down from 8 to 2: within 60 s something recommended 9 (just
  // recorded) and 8, so hold at 8.
  got = normalize_desired_replicas_with_behaviors(h, up, down, 8, 2, 1, 20, 300s, kNow);
  EXPECT_EQ(got.replicas, 8);
  EXPECT_EQ(got.able_to_scale.reason, "ScaleDownStabilized");
}

TEST(ScalingWithBehaviors, UnsetScaleDownWindowTakesTheControllerDefault) {
  ScalingHistory h;
  h.recommendations = {{6, kNow - 200s}};
  auto up = autoscaling::scale_up_rules_with_defaults(std::nullopt);
  auto down = autoscaling::scale_down_rules_with_defaults(std::nullopt);
  auto got = normalize_desired_replicas_with_behaviors(h, up, down, 6, 1, 1, 10, 300s, kNow);
  EXPECT_EQ(got.replicas, 6);
  got = normalize_desired_replicas_with_behaviors(h, up, down, 6, 1, 1, 10, 100s, kNow + 1s);
  EXPECT_EQ(got.replicas, 1);
  EXPECT_EQ(got.able_to_scale.reason, "ReadyForNewScale");
}

// The guide's sglang-agg-decode-hpa: no more than 2 pods per 30 s up and 1
// per 30 s down, whatever the metric asks for.
TEST(ScalingWithBehaviors, GuideDecodePoliciesStepTheReplicaCount) {
  autoscaling::Behavior behavior;
  behavior.scale_up = autoscaling::scale_up_rules_with_defaults(rules(2, 30, 0, 0, 0));
  behavior.scale_down = autoscaling::scale_down_rules_with_defaults(rules(1, 30, 0, 0, 60));
  ScalingHistory h;
  int32_t replicas = 1;
  Timestamp t = kNow;
  record_initial_recommendation(h, replicas, t);
  std::vector<int32_t> seen;
  // The metric asks for 10 every 15 s sync.
  for (int sync = 0; sync < 8; ++sync) {
    auto got = normalize_desired_replicas_with_behaviors(
        h, *behavior.scale_up, *behavior.scale_down, replicas, 10, 1, 10, 300s, t);
    if (got.replicas != replicas) {
      store_scale_event(h, behavior, replicas, got.replicas, t);
      replicas = got.replicas;
    }
    seen.push_back(replicas);
    t += 15s;
  }
  EXPECT_EQ(seen, (std::vector<int32_t>{3, 3, 5, 5, 7, 7, 9, 9}));
  // Then it asks for 1: the last 10 (at 105 s) leaves the 60 s window at
  // 165 s; from then on 1 pod per 30 s.
  seen.clear();
  for (int sync = 0; sync < 10; ++sync) {
    auto got = normalize_desired_replicas_with_behaviors(
        h, *behavior.scale_up, *behavior.scale_down, replicas, 1, 1, 10, 300s, t);
    if (got.replicas != replicas) {
      store_scale_event(h, behavior, replicas, got.replicas, t);
      replicas = got.replicas;
    }
    seen.push_back(replicas);
    t += 15s;
  }
  EXPECT_EQ(seen, (std::vector<int32_t>{9, 9, 9, 8, 8, 7, 7, 6, 6, 5}));
}

TEST(StoreScaleEvent, ReusesOutdatedEntries) {
  autoscaling::Behavior behavior;
  behavior.scale_up = autoscaling::scale_up_rules_with_defaults(rules(2, 30, 0, 0, 0));
  behavior.scale_down = autoscaling::scale_down_rules_with_defaults(std::nullopt);
  ScalingHistory h;
  store_scale_event(h, behavior, 1, 3, kNow - 100s);
  store_scale_event(h, behavior, 3, 5, kNow - 10s);
  store_scale_event(h, behavior, 5, 6, kNow);
  // The second event took the slot of the first, outdated by then.
  ASSERT_EQ(h.scale_up_events.size(), 2u);
  EXPECT_EQ(h.scale_up_events[0].replica_change, 2);
  EXPECT_EQ(h.scale_up_events[1].replica_change, 1);
  EXPECT_EQ(replicas_change_per_period(30, h.scale_up_events, kNow), 3);
  store_scale_event(h, std::nullopt, 6, 7, kNow);  // without behavior nothing is kept
  EXPECT_EQ(h.scale_up_events.size(), 2u);
}

}  // namespace
}  // namespace dynop::localcluster::hpa
