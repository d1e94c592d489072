// KEDA's ScaledObject conditions as the operator keeps them in status.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lib/apimachinery/conditions.hpp"
#include "localcluster/controllers/keda/keda_operator.hpp"

namespace dynop::localcluster::keda {
namespace {

namespace json = boost::json;

TEST(KedaConditions, InitializedAsKedaDoesAllUnknown) {
  auto conditions = initialized_conditions();
  EXPECT_EQ(json::serialize(conditions),
            R"([{"type":"Ready","status":"Unknown"},{"type":"Active","status":"Unknown"},)"
            R"({"type":"Fallback","status":"Unknown"},{"type":"Paused","status":"Unknown"}])");
  EXPECT_TRUE(conditions_initialized(conditions));
  EXPECT_FALSE(conditions_initialized(json::array{conditions[0]}));
  EXPECT_FALSE(conditions_initialized(nullptr));
}

TEST(KedaConditions, SetReplacesInPlaceAndSaysWhetherItChanged) {
  auto conditions = initialized_conditions();
  KedaCondition ready{"Ready", "True", "ScaledObjectReady",
                      "ScaledObject is defined correctly and is ready for scaling"};
  EXPECT_TRUE(set_condition(conditions, ready));
  EXPECT_FALSE(set_condition(conditions, ready));
  ASSERT_EQ(conditions.size(), 4u);
  EXPECT_EQ(json::serialize(conditions[0]),
            R"({"type":"Ready","status":"True","reason":"ScaledObjectReady",)"
            R"("message":"ScaledObject is defined correctly and is ready for scaling"})");
  const auto* found = apimachinery::find_condition(conditions, "Ready");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->at("reason"), "ScaledObjectReady");
  json::array empty;
  EXPECT_TRUE(
      set_condition(empty, {"Paused", "True", "ScaledObjectPaused", "ScaledObject is paused"}));
  EXPECT_EQ(empty.size(), 1u);
  EXPECT_EQ(apimachinery::find_condition(empty, "Ready"), nullptr);
}

}  // namespace
}  // namespace dynop::localcluster::keda
