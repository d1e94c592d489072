#include "plugins/dgd/pod_planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgd {
namespace {

using common::ObservedPod;
using testing::pod;

std::set<std::string> removed(const PodPlan& plan) {
  std::set<std::string> names;
  for (const auto& d : plan.remove) names.insert(d.name);
  return names;
}

std::set<std::int32_t> created_groups(const PodPlan& plan) {
  std::set<std::int32_t> groups;
  for (const auto& c : plan.create) groups.insert(c.group_index);
  return groups;
}

PodPlanInput input(std::int32_t replicas, std::vector<ObservedPod> pods, std::int32_t n = 1) {
  return PodPlanInput{"new", replicas, n, std::move(pods)};
}

TEST(PodPlanner, CreatesMissingReplicasAtLowestFreeIndexes) {
  PodPlan plan = plan_pods(input(3, {pod("p1", "new", 1)}));
  EXPECT_EQ(created_groups(plan), (std::set<std::int32_t>{0, 2}));
  EXPECT_TRUE(plan.remove.empty());
  EXPECT_FALSE(plan.rolling);
}

TEST(PodPlanner, CreatesAreCappedPerReconcile) {
  PodPlanInput in = input(1000, {});
  PodPlan plan = plan_pods(in);
  EXPECT_EQ(plan.create.size(), 500u);
  EXPECT_TRUE(plan.capped);
  // Whole groups only, and always at least one group.
  PodPlanInput mn = input(10, {}, 4);
  mn.max_new_pods = 10;
  PodPlan groups = plan_pods(mn);
  EXPECT_EQ(groups.create.size(), 8u);
  mn.max_new_pods = 2;
  EXPECT_EQ(plan_pods(mn).create.size(), 4u);
  EXPECT_FALSE(plan_pods(input(3, {})).capped);
}

TEST(PodPlanner, NothingToDoWhenInShape) {
  PodPlan plan = plan_pods(input(2, {pod("a", "new", 0), pod("b", "new", 1)}));
  EXPECT_TRUE(plan.empty());
}

TEST(PodPlanner, ScaleToZeroAndBack) {
  std::vector<ObservedPod> pods = {pod("a", "new", 0), pod("b", "new", 1)};
  PodPlan down = plan_pods(input(0, pods));
  EXPECT_EQ(removed(down), (std::set<std::string>{"a", "b"}));
  EXPECT_TRUE(down.create.empty());
  PodPlan up = plan_pods(input(2, {}));
  EXPECT_EQ(created_groups(up), (std::set<std::int32_t>{0, 1}));
}

TEST(PodPlanner, ScaleDownRemovesUnreadyFirstThenNewest) {
  std::vector<ObservedPod> pods = {
      pod("old-ready", "new", 0, 0, true, "2026-01-01T00:00:01Z"),
      pod("new-ready", "new", 1, 0, true, "2026-01-01T00:00:09Z"),
      pod("mid-unready", "new", 2, 0, false, "2026-01-01T00:00:05Z"),
      pod("mid-ready", "new", 3, 0, true, "2026-01-01T00:00:05Z"),
  };
  EXPECT_EQ(removed(plan_pods(input(3, pods))), (std::set<std::string>{"mid-unready"}));
  EXPECT_EQ(removed(plan_pods(input(2, pods))),
            (std::set<std::string>{"mid-unready", "new-ready"}));
  EXPECT_EQ(removed(plan_pods(input(1, pods))),
            (std::set<std::string>{"mid-unready", "new-ready", "mid-ready"}));
}

TEST(PodPlanner, FailedPodIsDeletedAndReplacedUnderAFreshName) {
  std::vector<ObservedPod> pods = {pod("a", "new", 0), pod("b", "new", 1, 0, false, "t", "Failed")};
  PodPlan plan = plan_pods(input(2, pods));
  EXPECT_EQ(removed(plan), (std::set<std::string>{"b"}));
  // Index 1 stays taken until the failed pod is gone.
  EXPECT_EQ(created_groups(plan), (std::set<std::int32_t>{2}));
}

TEST(PodPlanner, DeletedPodIsReplaced) {
  // Someone deleted pod b: it is gone from the cache, so its replacement is
  // created; while it is still terminating its index stays taken.
  PodPlan gone = plan_pods(input(2, {pod("a", "new", 0)}));
  EXPECT_EQ(created_groups(gone), (std::set<std::int32_t>{1}));
  ObservedPod b = pod("b", "new", 1);
  b.terminating = true;
  PodPlan terminating = plan_pods(input(2, {pod("a", "new", 0), b}));
  EXPECT_TRUE(terminating.remove.empty());  // already going
  EXPECT_EQ(created_groups(terminating), (std::set<std::int32_t>{2}));
}

TEST(PodPlanner, MultinodeReplicaIsAGroupCreatedAsAUnit) {
  PodPlan plan = plan_pods(input(2, {}, 3));
  ASSERT_EQ(plan.create.size(), 6u);
  EXPECT_EQ(plan.create[0], (PodToCreate{0, 0}));
  EXPECT_EQ(plan.create[2], (PodToCreate{0, 2}));
  EXPECT_EQ(plan.create[3], (PodToCreate{1, 0}));
}

TEST(PodPlanner, MultinodeScaleDownDeletesWholeGroups) {
  std::vector<ObservedPod> pods = {
      pod("g0-0", "new", 0, 0, true, "2026-01-01T00:00:01Z"),
      pod("g0-1", "new", 0, 1, true, "2026-01-01T00:00:01Z"),
      pod("g1-0", "new", 1, 0, true, "2026-01-01T00:00:02Z"),
      pod("g1-1", "new", 1, 1, true, "2026-01-01T00:00:02Z"),
  };
  PodPlan plan = plan_pods(input(1, pods, 2));
  EXPECT_EQ(removed(plan), (std::set<std::string>{"g1-0", "g1-1"}));
  EXPECT_TRUE(plan.create.empty());
}

TEST(PodPlanner, MultinodeGroupWithAFailedMemberIsTornDownAndReplaced) {
  std::vector<ObservedPod> pods = {pod("g0-0", "new", 0, 0),
                                   pod("g0-1", "new", 0, 1, false, "t", "Failed"),
                                   pod("g1-0", "new", 1, 0), pod("g1-1", "new", 1, 1)};
  PodPlan plan = plan_pods(input(2, pods, 2));
  EXPECT_EQ(removed(plan), (std::set<std::string>{"g0-0", "g0-1"}));
  EXPECT_EQ(created_groups(plan), (std::set<std::int32_t>{2}));
  EXPECT_EQ(plan.create.size(), 2u);
}

TEST(PodPlanner, MultinodeGroupLosingAMemberIsTornDown) {
  ObservedPod going = pod("g0-1", "new", 0, 1);
  going.terminating = true;
  PodPlan plan = plan_pods(input(1, {pod("g0-0", "new", 0, 0), going}, 2));
  EXPECT_EQ(removed(plan), (std::set<std::string>{"g0-0"}));
  EXPECT_EQ(created_groups(plan), (std::set<std::int32_t>{1}));
}

TEST(PodPlanner, MultinodeGroupMissingAMemberIsRefilled) {
  // e.g. the cache has not shown the second pod of a just-created group yet:
  // creating it again under its deterministic name is harmless.
  PodPlan plan = plan_pods(input(1, {pod("g0-0", "new", 0, 0, false)}, 2));
  ASSERT_EQ(plan.create.size(), 1u);
  EXPECT_EQ(plan.create[0], (PodToCreate{0, 1}));
  EXPECT_TRUE(plan.remove.empty());
}

TEST(PodPlanner, AGroupScaledAwayIsNotRefilled) {
  std::vector<ObservedPod> pods = {pod("g0-0", "new", 0, 0), pod("g0-1", "new", 0, 1),
                                   pod("g1-0", "new", 1, 0, false)};  // g1 misses rank 1
  PodPlan plan = plan_pods(input(1, pods, 2));
  EXPECT_EQ(removed(plan), (std::set<std::string>{"g1-0"}));
  EXPECT_TRUE(plan.create.empty());
}

TEST(PodPlanner, RollingUpdateSurgesOneGroupAndWaitsForItToBeReady) {
  std::vector<ObservedPod> pods = {pod("o0", "old", 0), pod("o1", "old", 1), pod("o2", "old", 2)};
  // Step 1: one new group, no old one deleted yet.
  PodPlan s1 = plan_pods(input(3, pods));
  EXPECT_TRUE(s1.rolling);
  EXPECT_EQ(created_groups(s1), (std::set<std::int32_t>{0}));
  EXPECT_TRUE(s1.remove.empty());

  // Step 2: the new group exists but is not ready: nothing happens.
  pods.push_back(pod("n0", "new", 0, 0, false));
  PodPlan s2 = plan_pods(input(3, pods));
  EXPECT_TRUE(s2.empty());

  // Step 3: it is ready: one old group goes, the next new one is created.
  pods.back().ready = true;
  PodPlan s3 = plan_pods(input(3, pods));
  EXPECT_EQ(s3.remove.size(), 1u);
  EXPECT_EQ(s3.remove[0].reason, "rolling update");
  EXPECT_EQ(created_groups(s3), (std::set<std::int32_t>{1}));
}

TEST(PodPlanner, RollingUpdateRunsToCompletion) {
  // Simulate the loop: apply each plan, new pods become ready on the next round.
  std::vector<ObservedPod> pods = {pod("o0", "old", 0), pod("o1", "old", 1), pod("o2", "old", 2)};
  int rounds = 0;
  std::size_t max_total = 0;
  while (rounds < 20) {
    for (ObservedPod& p : pods) p.ready = true;
    PodPlan plan = plan_pods(input(3, pods));
    if (plan.empty()) break;
    std::set<std::string> gone = removed(plan);
    pods.erase(std::remove_if(pods.begin(), pods.end(),
                              [&](const ObservedPod& p) { return gone.count(p.name) != 0; }),
               pods.end());
    for (const PodToCreate& c : plan.create) {
      pods.push_back(pod("n" + std::to_string(c.group_index), "new", c.group_index, 0, false));
    }
    max_total = std::max(max_total, pods.size());
    ++rounds;
  }
  EXPECT_LT(rounds, 20);
  ASSERT_EQ(pods.size(), 3u);
  for (const ObservedPod& p : pods) EXPECT_EQ(p.template_hash, "new");
  EXPECT_LE(max_total, 4u);  // never more than one group above the replicas
}

TEST(PodPlanner, RollingUpdateMultinodeOneGroupAtATime) {
  std::vector<ObservedPod> pods = {pod("o0-0", "old", 0, 0), pod("o0-1", "old", 0, 1),
                                   pod("o1-0", "old", 1, 0), pod("o1-1", "old", 1, 1)};
  PodPlan s1 = plan_pods(input(2, pods, 2));
  EXPECT_EQ(s1.create.size(), 2u);  // one group of two pods
  EXPECT_TRUE(s1.remove.empty());
  pods.push_back(pod("n0-0", "new", 0, 0));
  pods.push_back(pod("n0-1", "new", 0, 1));
  PodPlan s2 = plan_pods(input(2, pods, 2));
  EXPECT_EQ(s2.remove.size(), 2u);  // a whole old group
  std::set<std::string> gone = removed(s2);
  EXPECT_TRUE(gone == (std::set<std::string>{"o0-0", "o0-1"}) ||
              gone == (std::set<std::string>{"o1-0", "o1-1"}));
}

TEST(PodPlanner, UnreadyOldGroupsGoAtOnce) {
  std::vector<ObservedPod> pods = {pod("o0", "old", 0, 0, false), pod("o1", "old", 1, 0, false)};
  PodPlan plan = plan_pods(input(2, pods));
  EXPECT_EQ(removed(plan), (std::set<std::string>{"o0", "o1"}));
  EXPECT_EQ(created_groups(plan), (std::set<std::int32_t>{0, 1}));
}

TEST(PodPlanner, ScaleDownDuringARollingUpdate) {
  std::vector<ObservedPod> pods = {pod("o0", "old", 0), pod("o1", "old", 1), pod("o2", "old", 2)};
  PodPlan plan = plan_pods(input(1, pods));
  EXPECT_EQ(plan.remove.size(), 2u);  // keep one ready old group until a new one is ready
  EXPECT_EQ(created_groups(plan), (std::set<std::int32_t>{0}));  // the one-group surge
  PodPlan zero = plan_pods(input(0, pods));
  EXPECT_EQ(zero.remove.size(), 3u);
  EXPECT_TRUE(zero.create.empty());
}

TEST(PodPlanner, ExcessNewGroupsDuringARollAreRemovedFirst) {
  std::vector<ObservedPod> pods = {pod("o0", "old", 0), pod("n0", "new", 0, 0, false),
                                   pod("n1", "new", 1, 0, false)};
  PodPlan plan = plan_pods(input(1, pods));
  EXPECT_EQ(removed(plan).size(), 1u);
  EXPECT_EQ(removed(plan).count("o0"), 0u);  // the only ready group stays
}

TEST(PodPlanner, OldIncompleteGroupCannotBeRefilled) {
  PodPlan plan = plan_pods(input(1, {pod("o0-0", "old", 0, 0)}, 2));
  EXPECT_EQ(removed(plan), (std::set<std::string>{"o0-0"}));
  EXPECT_EQ(plan.create.size(), 2u);
}

}  // namespace
}  // namespace dynop::plugins::dgd
