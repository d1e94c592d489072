#include "plugins/planner/replica_stabilizer.hpp"

#include <gtest/gtest.h>

namespace dynop::plugins::planner {
namespace {

TEST(ReplicaStabilizer, ScalesUpTheRoundTheNeedIsSeen) {
  ReplicaStabilizer s(60);
  EXPECT_EQ(s.decide(0, 4, 5, {.desired = 2, .ready = 2}), 4);
  // Pods still starting count: the same need does not add more.
  EXPECT_EQ(s.decide(10, 4, 5, {.desired = 4, .ready = 2}), 4);
  EXPECT_EQ(s.decide(20, 6, 6, {.desired = 4, .ready = 2}), 6);
}

TEST(ReplicaStabilizer, ScalesDownAfterAWholeWindowOfLowerNeeds) {
  ReplicaStabilizer s(60);
  ServiceReplicas four{.desired = 4, .ready = 4};
  EXPECT_EQ(s.decide(0, 4, 4, four), 4);
  EXPECT_EQ(s.decide(15, 2, 2, four), 4);  // the window (60 s) is not over
  EXPECT_EQ(s.decide(30, 2, 3, four), 4);
  EXPECT_EQ(s.decide(45, 2, 2, four), 4);
  // At 60 s the window holds the needs of 0..60 s, the highest 4: no change.
  EXPECT_EQ(s.decide(60, 2, 2, four), 4);
  // At 75 s it holds 15..75 s: the highest need with headroom is 3.
  EXPECT_EQ(s.decide(75, 2, 2, four), 3);
}

TEST(ReplicaStabilizer, NeverScalesDownWhilePodsStart) {
  ReplicaStabilizer s(30);
  for (double t = 0; t <= 120; t += 15) {
    EXPECT_EQ(s.decide(t, 1, 1, {.desired = 4, .ready = 3}), 4) << t;
  }
  EXPECT_EQ(s.decide(135, 1, 1, {.desired = 4, .ready = 4}), 1);
}

TEST(ReplicaStabilizer, ANoisyNeedAroundABoundaryDoesNotFlap) {
  // The need hovers between 2 and 3 engines; with headroom it is 3 all along.
  ReplicaStabilizer s(60);
  int replicas = 3;
  for (int round = 0; round < 40; ++round) {
    const int need = round % 2 == 0 ? 3 : 2;
    replicas = s.decide(round * 15.0, need, 3, {.desired = replicas, .ready = replicas});
    EXPECT_EQ(replicas, 3) << round;
  }
}

}  // namespace
}  // namespace dynop::plugins::planner
