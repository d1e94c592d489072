// ProductBalance's bookkeeping: supply follows each node's latest report,
// demand each pending pod's latest entry until the pod is placed or gone.

#include "plugins/gpu-scheduler/product_balance.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dynop::plugins::gpu_scheduler {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr sdk::ResourceId kGpu = 3;
constexpr sdk::ResourceId kMig = 4;

TEST(ProductBalance, SupplyFollowsEachNodesLatestReport) {
  ProductBalance b;
  b.set_supply(0, "H200", {{kGpu, 8}});
  b.set_supply(1, "H200", {{kGpu, 8}});
  b.set_supply(2, "A100", {{kGpu, 2}, {kMig, 7}});
  EXPECT_EQ(b.supply("H200", kGpu), 16);
  b.set_supply(0, "H200", {{kGpu, 3}});  // pods came
  EXPECT_EQ(b.supply("H200", kGpu), 11);
  b.set_supply(1, "", {});  // removed, cordoned or not ready
  EXPECT_EQ(b.supply("H200", kGpu), 3);
  b.set_supply(0, "H100", {{kGpu, 3}});  // relabelled
  EXPECT_EQ(b.supply("H200", kGpu), 0);
  EXPECT_EQ(b.supply("H100", kGpu), 3);
  EXPECT_EQ(b.supply("A100", kMig), 7);
}

TEST(ProductBalance, LevelsForPodsFreeToRunOnAnyProduct) {
  using Level = ProductBalance::Level;
  ProductBalance b;
  b.set_supply(0, "H200", {{kGpu, 8}});
  b.set_supply(1, "H100", {{kGpu, 8}});
  EXPECT_FALSE(b.any_pinned());
  EXPECT_EQ(b.level(0, kGpu, 8), Level::kFree);
  b.set_demand("p1", {"H200"}, kGpu, 4);
  EXPECT_TRUE(b.any_demand());
  EXPECT_EQ(b.level(0, kGpu, 4), Level::kPinned);  // 8 - 4 leaves the 4 needed
  EXPECT_EQ(b.level(0, kGpu, 5), Level::kShort);
  EXPECT_EQ(b.level(1, kGpu, 8), Level::kFree);    // nobody pins H100
  EXPECT_EQ(b.level(0, kMig, 8), Level::kPinned);  // wanted, but not this resource
  EXPECT_THAT(b.products_at(Level::kShort, kGpu, 5), ElementsAre("H200"));
  EXPECT_THAT(b.products_at(Level::kShort, kGpu, 4), IsEmpty());
  EXPECT_THAT(b.products_at(Level::kPinned, kGpu, 4), ElementsAre("H200"));
  EXPECT_THAT(b.products_at(Level::kFree, kGpu, 4), ElementsAre("H100"));
  b.set_demand("p1", {"H200"}, kGpu, 2);  // replaced, not added
  EXPECT_EQ(b.demand("H200", kGpu), 2);
  b.set_demand("p2", {"H100", "H200"}, kGpu, 1);  // counts toward each
  EXPECT_EQ(b.demand("H200", kGpu), 3);
  EXPECT_EQ(b.demand("H100", kGpu), 1);
  b.drop_demand("p2");
  b.drop_demand("p2");  // idempotent
  EXPECT_EQ(b.demand("H100", kGpu), 0);
  EXPECT_EQ(b.level(1, kGpu, 8), Level::kFree);
  // Placed on H200: no longer pending, and H200 stays a pinned pods' product.
  b.placed("p1", 0);
  EXPECT_FALSE(b.any_demand());
  EXPECT_EQ(b.demand("H200", kGpu), 0);
  EXPECT_EQ(b.level(0, kGpu, 8), Level::kPinned);
  b.placed("free-pod", 1);  // never pending pinned: changes nothing
  EXPECT_EQ(b.level(1, kGpu, 8), Level::kFree);
  b.unplaced("p1");
  EXPECT_FALSE(b.any_pinned());
  EXPECT_EQ(b.level(0, kGpu, 8), Level::kFree);
}

// What the host's pod_event PENDING_GONE does through the plugin: the pod's
// demand ends at once, and a pod free to run anywhere is no longer steered
// off its product. No entry waits out a timer.
TEST(ProductBalance, APendingPinnedPodGoneStopsSteeringAtOnce) {
  using Level = ProductBalance::Level;
  ProductBalance b;
  b.set_supply(0, "H200", {{kGpu, 8}});
  b.set_demand("gone", {"H200"}, kGpu, 8);
  b.set_demand("stays", {"H100"}, kGpu, 2);
  EXPECT_EQ(b.level(0, kGpu, 4), Level::kShort);
  b.drop_demand("gone");
  EXPECT_EQ(b.demand("H200", kGpu), 0);
  EXPECT_EQ(b.demand("H100", kGpu), 2);
  EXPECT_EQ(b.level(0, kGpu, 4), Level::kFree);
  EXPECT_THAT(b.products_at(Level::kFree, kGpu, 4), ElementsAre("H200"));
  b.placed("gone", 0);  // a late event for it changes nothing
  EXPECT_EQ(b.level(0, kGpu, 4), Level::kFree);
}

}  // namespace
}  // namespace dynop::plugins::gpu_scheduler
