#include "host/scheduler/group_plan.hpp"

#include <gtest/gtest.h>

namespace dynop::host::scheduler {
namespace {

TEST(GroupPlan, RoundTripsAndRefusesNonsense) {
  const GroupPlan plan{"00ff00ff00ff00ff", 4, "gpu-node-12"};
  EXPECT_EQ(format_group_plan(plan), "00ff00ff00ff00ff 4 gpu-node-12");
  EXPECT_EQ(parse_group_plan("00ff00ff00ff00ff 4 gpu-node-12"), plan);
  for (const char* bad : {"", "x", "x 4", "x four n", "x 1 n", "x 4 ", "x 4 a b", " 4 n"})
    EXPECT_EQ(parse_group_plan(bad), std::nullopt) << bad;
  EXPECT_EQ(new_plan_id().size(), 16u);
  EXPECT_NE(new_plan_id(), new_plan_id());
}

TEST(GroupPlan, OnlyHalfBoundPlansAreRepaired) {
  auto m = [](std::string key, std::string bound, bool deleting = false) {
    return PlannedMember{std::move(key), "n", std::move(bound), deleting};
  };
  EXPECT_EQ(plan_repair(2, {m("a", ""), m("b", "")}), PlanRepair::kNone);
  EXPECT_EQ(plan_repair(2, {m("a", "n"), m("b", "n")}), PlanRepair::kNone);
  EXPECT_EQ(plan_repair(2, {m("a", "n")}), PlanRepair::kNone);  // the other left after running
  EXPECT_EQ(plan_repair(2, {m("a", "n"), m("b", "")}), PlanRepair::kComplete);
  EXPECT_EQ(plan_repair(3, {m("a", "n"), m("b", "")}), PlanRepair::kRollBack);  // one is gone
  EXPECT_EQ(plan_repair(2, {m("a", "n"), m("b", "", true)}), PlanRepair::kRollBack);
}

}  // namespace
}  // namespace dynop::host::scheduler
