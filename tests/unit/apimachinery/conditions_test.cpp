#include "lib/apimachinery/conditions.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

TEST(Conditions, FindsTheFirstConditionOfAType) {
  const json::object pod = json::parse(R"({"status":{"conditions":[
      "not a condition",
      {"type":"PodScheduled","status":"True"},
      {"type":"Ready","status":"False","reason":"ContainersNotReady"},
      {"type":"Ready","status":"True"}]}})")
                               .as_object();
  const auto* ready = find_status_condition(pod, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->at("reason"), "ContainersNotReady");
  EXPECT_FALSE(status_condition_true(pod, "Ready"));
  EXPECT_TRUE(status_condition_true(pod, "PodScheduled"));
  EXPECT_EQ(find_status_condition(pod, "Initialized"), nullptr);
  EXPECT_FALSE(status_condition_true(pod, "Initialized"));
  EXPECT_EQ(find_condition(pod.at("status").at("conditions").as_array(), "PodScheduled"),
            &pod.at("status").at("conditions").as_array()[1].as_object());
}

TEST(Conditions, ObjectsWithoutConditionsHaveNone) {
  for (const char* text : {R"({})", R"({"status":null})", R"({"status":{"conditions":{}}})",
                           R"({"status":{"conditions":[{"type":"Ready","status":true}]}})"}) {
    const json::object object = json::parse(text).as_object();
    EXPECT_FALSE(status_condition_true(object, "Ready")) << text;
  }
  EXPECT_EQ(find_condition(json::array(), "Ready"), nullptr);
}

TEST(Conditions, SetAddsAConditionWithItsTransitionTime) {
  json::array conditions;
  EXPECT_TRUE(set_status_condition(conditions, {"ContentRemaining", "True", "Some", "a remains"},
                                   "2026-01-01T00:00:00Z"));
  EXPECT_EQ(json::serialize(conditions),
            R"([{"type":"ContentRemaining","status":"True","lastTransitionTime":)"
            R"("2026-01-01T00:00:00Z","reason":"Some","message":"a remains"}])");
  EXPECT_FALSE(set_status_condition(conditions, {"ContentRemaining", "True", "Some", "a remains"},
                                    "2026-01-02T00:00:00Z"));
  EXPECT_EQ(conditions[0].at("lastTransitionTime"), "2026-01-01T00:00:00Z");
}

TEST(Conditions, SetMovesTheTransitionTimeOnlyWhenTheStatusChanges) {
  json::array conditions = json::parse(R"([{"type":"Other","status":"False"},
      {"type":"ContentRemaining","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z",
       "reason":"Some","message":"a remains"}])")
                               .as_array();
  EXPECT_TRUE(set_status_condition(conditions, {"ContentRemaining", "True", "Some", "b remains"},
                                   "2026-01-02T00:00:00Z"));
  EXPECT_EQ(conditions[1].at("message"), "b remains");
  EXPECT_EQ(conditions[1].at("lastTransitionTime"), "2026-01-01T00:00:00Z");

  EXPECT_TRUE(set_status_condition(conditions, {"ContentRemaining", "False", "Removed", "none"},
                                   "2026-01-03T00:00:00Z"));
  EXPECT_EQ(json::serialize(conditions[1]),
            R"({"type":"ContentRemaining","status":"False","lastTransitionTime":)"
            R"("2026-01-03T00:00:00Z","reason":"Removed","message":"none"})");
  EXPECT_EQ(json::serialize(conditions[0]), R"({"type":"Other","status":"False"})");
  EXPECT_EQ(conditions.size(), 2u);
}

}  // namespace
}  // namespace dynop::apimachinery
