#include "plugins/dgd/status.hpp"

#include <gtest/gtest.h>

#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;
using testing::pod;

const json::object& ready_condition(const json::object& status) {
  return status.at("conditions").as_array().at(0).as_object();
}

constexpr std::string_view kDgd = R"(
metadata: {name: d, generation: 4}
spec:
  services:
    Frontend: {replicas: 1}
    decode: {replicas: 2, multinode: {nodeCount: 2}}
)";

TEST(DgdStatus, AllReady) {
  auto p = testing::parse_dgd_yaml(kDgd);
  std::vector<ServiceObservation> obs = {
      {"Frontend", "h", {pod("f", "h", 0)}},
      {"decode",
       "h",
       {pod("a0", "h", 0, 0), pod("a1", "h", 0, 1), pod("b0", "h", 1, 0), pod("b1", "h", 1, 1)}}};
  json::object s = compute_status(p.view, p.errors, obs, "2026-01-01T00:01:00Z");
  EXPECT_EQ(s.at("state").as_string(), "successful");
  EXPECT_EQ(s.at("observedGeneration").as_int64(), 4);
  const json::object& c = ready_condition(s);
  EXPECT_EQ(c.at("type").as_string(), "Ready");
  EXPECT_EQ(c.at("status").as_string(), "True");
  EXPECT_EQ(c.at("reason").as_string(), "all_resources_are_ready");
  EXPECT_EQ(c.at("lastTransitionTime").as_string(), "2026-01-01T00:01:00Z");
  // A multinode group of two pods counts once.
  const json::object& decode = s.at("services").at("decode").as_object();
  EXPECT_EQ(decode.at("replicas").as_int64(), 2);
  EXPECT_EQ(decode.at("updatedReplicas").as_int64(), 2);
  EXPECT_EQ(decode.at("readyReplicas").as_int64(), 2);
  EXPECT_EQ(s.at("services").at("Frontend").at("replicas").as_int64(), 1);
}

TEST(DgdStatus, SomeNotReady) {
  auto p = testing::parse_dgd_yaml(kDgd);
  std::vector<ServiceObservation> obs = {
      {"Frontend", "h", {pod("f", "h", 0, 0, false)}},
      {"decode", "h", {pod("a0", "h", 0, 0), pod("a1", "h", 0, 1)}}};
  json::object s = compute_status(p.view, p.errors, obs, "t");
  EXPECT_EQ(s.at("state").as_string(), "pending");
  const json::object& c = ready_condition(s);
  EXPECT_EQ(c.at("status").as_string(), "False");
  EXPECT_EQ(c.at("reason").as_string(), "some_resources_are_not_ready");
  std::string message(c.at("message").as_string());
  EXPECT_NE(message.find("Frontend (0/1 ready)"), std::string::npos) << message;
  EXPECT_NE(message.find("decode (1/2 ready)"), std::string::npos) << message;
}

TEST(DgdStatus, RollingUpdateIsNotReadyUntilAllUpdated) {
  auto p = testing::parse_dgd_yaml("metadata: {name: d}\nspec: {services: {w: {replicas: 1}}}\n");
  std::vector<ServiceObservation> obs = {{"w", "new", {pod("o", "old", 0), pod("n", "new", 0)}}};
  json::object s = compute_status(p.view, p.errors, obs, "t");
  EXPECT_EQ(s.at("state").as_string(), "pending");
  EXPECT_EQ(s.at("services").at("w").at("replicas").as_int64(), 2);
  EXPECT_EQ(s.at("services").at("w").at("updatedReplicas").as_int64(), 1);
}

TEST(DgdStatus, ScaledToZeroIsReady) {
  auto p = testing::parse_dgd_yaml("metadata: {name: d}\nspec: {services: {w: {replicas: 0}}}\n");
  json::object s = compute_status(p.view, p.errors, {}, "t");
  EXPECT_EQ(s.at("state").as_string(), "successful");
  EXPECT_EQ(s.at("services").at("w").at("replicas").as_int64(), 0);
}

TEST(DgdStatus, ValidationFailed) {
  auto p = testing::parse_dgd_yaml(R"(
metadata: {name: d, generation: 2}
spec: {services: {w: {replicas: -3}}}
status: {services: {w: {replicas: 1, updatedReplicas: 1, readyReplicas: 1}}}
)");
  ASSERT_FALSE(p.ok());
  json::object s = compute_status(p.view, p.errors, {}, "t");
  EXPECT_EQ(s.at("state").as_string(), "failed");
  EXPECT_EQ(s.at("observedGeneration").as_int64(), 2);
  const json::object& c = ready_condition(s);
  EXPECT_EQ(c.at("status").as_string(), "False");
  EXPECT_EQ(c.at("reason").as_string(), "ValidationFailed");
  EXPECT_EQ(c.at("message").as_string(),
            "spec.services[w].replicas: Invalid value: -3: must be greater than or equal to 0");
  EXPECT_EQ(s.at("services").at("w").at("replicas").as_int64(), 1);  // last counts kept
}

TEST(DgdStatus, TransitionTimeKeptWhileTheConditionHolds) {
  auto p = testing::parse_dgd_yaml(R"(
metadata: {name: d}
spec: {services: {w: {replicas: 1}}}
status:
  conditions:
  - {type: Ready, status: "True", reason: all_resources_are_ready, lastTransitionTime: "2026-01-01T00:00:00Z"}
)");
  std::vector<ServiceObservation> ready = {{"w", "h", {pod("p", "h", 0)}}};
  json::object s = compute_status(p.view, p.errors, ready, "2026-06-01T00:00:00Z");
  EXPECT_EQ(ready_condition(s).at("lastTransitionTime").as_string(), "2026-01-01T00:00:00Z");
  std::vector<ServiceObservation> not_ready = {{"w", "h", {}}};
  json::object s2 = compute_status(p.view, p.errors, not_ready, "2026-06-01T00:00:00Z");
  EXPECT_EQ(ready_condition(s2).at("lastTransitionTime").as_string(), "2026-06-01T00:00:00Z");
}

TEST(DgdStatus, SameStatusMeansNoWrite) {
  auto p = testing::parse_dgd_yaml("metadata: {name: d}\nspec: {services: {w: {replicas: 1}}}\n");
  std::vector<ServiceObservation> obs = {{"w", "h", {pod("p", "h", 0)}}};
  json::object first = compute_status(p.view, p.errors, obs, "t1");
  p.view.status = first;
  json::object second = compute_status(p.view, p.errors, obs, "t2");
  EXPECT_FALSE(status_differs(first, second));
}

TEST(DgdStatus, ThePlannersFieldsAreKept) {
  // The planner plugin writes status.planner and a PlannerReady condition;
  // the dgd plugin's own status write keeps them as read.
  auto p = testing::parse_dgd_yaml(R"(
metadata: {name: d}
spec: {services: {w: {replicas: 1}}}
status:
  conditions:
  - {type: Ready, status: "False", reason: some_resources_are_not_ready}
  - {type: PlannerReady, status: "False", reason: InvalidOptions, message: "--ttft: invalid value"}
  planner: {predictor: kalman, prediction: {requestRate: 3.5}}
)");
  std::vector<ServiceObservation> obs = {{"w", "h", {pod("p", "h", 0)}}};
  json::object s = compute_status(p.view, p.errors, obs, "t1");
  EXPECT_EQ(ready_condition(s).at("status").as_string(), "True");
  ASSERT_EQ(s.at("conditions").as_array().size(), 2u);
  EXPECT_EQ(s.at("conditions").as_array()[1].at("type").as_string(), "PlannerReady");
  EXPECT_EQ(s.at("conditions").as_array()[1].at("message").as_string(), "--ttft: invalid value");
  EXPECT_EQ(s.at("planner").at("predictor").as_string(), "kalman");
  // Also when the DGD fails validation.
  auto invalid = testing::parse_dgd_yaml(R"(
metadata: {name: d}
spec: {services: {w: {replicas: -1}}}
status:
  planner: {predictor: kalman}
)");
  json::object failed = compute_status(invalid.view, invalid.errors, {}, "t1");
  EXPECT_EQ(failed.at("planner").at("predictor").as_string(), "kalman");
}

}  // namespace
}  // namespace dynop::plugins::dgd
