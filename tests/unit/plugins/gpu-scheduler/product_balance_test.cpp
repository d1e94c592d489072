// ProductBalance's bookkeeping: supply follows each node's latest report,
// demand each pending pod's latest entry, and stale entries expire.

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
  const auto now = ProductBalance::Clock::now();
  b.set_supply(0, "H200", {{kGpu, 8}});
  b.set_supply(1, "H100", {{kGpu, 8}});
  EXPECT_FALSE(b.any_pinned());
  EXPECT_EQ(b.level(0, kGpu, 8), Level::kFree);
  b.set_demand("p1", {"H200"}, kGpu, 4, now);
  EXPECT_TRUE(b.any_demand());
  EXPECT_EQ(b.level(0, kGpu, 4), Level::kPinned);  // 8 - 4 leaves the 4 needed
  EXPECT_EQ(b.level(0, kGpu, 5), Level::kShort);
  EXPECT_EQ(b.level(1, kGpu, 8), Level::kFree);    // nobody pins H100
  EXPECT_EQ(b.level(0, kMig, 8), Level::kPinned);  // wanted, but not this resource
  EXPECT_THAT(b.products_at(Level::kShort, kGpu, 5), ElementsAre("H200"));
  EXPECT_THAT(b.products_at(Level::kShort, kGpu, 4), IsEmpty());
  EXPECT_THAT(b.products_at(Level::kPinned, kGpu, 4), ElementsAre("H200"));
  EXPECT_THAT(b.products_at(Level::kFree, kGpu, 4), ElementsAre("H100"));
  b.set_demand("p1", {"H200"}, kGpu, 2, now);  // replaced, not added
  EXPECT_EQ(b.demand("H200", kGpu), 2);
  b.set_demand("p2", {"H100", "H200"}, kGpu, 1, now);  // counts toward each
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

TEST(ProductBalance, EntriesNotSeenForAWhileExpire) {
  ProductBalance b;
  const auto t0 = ProductBalance::Clock::now();
  b.set_demand("old", {"H200"}, kGpu, 4, t0);
  b.set_demand("seen", {"H200"}, kGpu, 2, t0);
  b.set_demand("seen", {"H200"}, kGpu, 2, t0 + std::chrono::minutes(10));  // tried again
  b.expire(t0 + std::chrono::minutes(5));
  EXPECT_EQ(b.demand("H200", kGpu), 2);
}

}  // namespace
}  // namespace dynop::plugins::gpu_scheduler
