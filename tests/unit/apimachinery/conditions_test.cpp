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

}  // namespace
}  // namespace dynop::apimachinery
