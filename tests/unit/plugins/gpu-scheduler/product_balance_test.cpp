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

TEST(ProductBalance, ShortWhenTakingLeavesLessThanPinnedPodsNeed) {
  ProductBalance b;
  const auto now = ProductBalance::Clock::now();
  b.set_supply(0, "H200", {{kGpu, 8}});
  b.set_supply(1, "H100", {{kGpu, 8}});
  EXPECT_FALSE(b.any_demand());
  EXPECT_FALSE(b.short_after(0, kGpu, 8));
  b.set_demand("p1", {"H200"}, kGpu, 4, now);
  EXPECT_TRUE(b.any_demand());
  EXPECT_FALSE(b.short_after(0, kGpu, 4));  // 8 - 4 leaves the 4 needed
  EXPECT_TRUE(b.short_after(0, kGpu, 5));
  EXPECT_FALSE(b.short_after(1, kGpu, 8));  // nobody pins H100
  EXPECT_FALSE(b.short_after(0, kMig, 8));  // another resource
  EXPECT_THAT(b.short_products(kGpu, 5), ElementsAre("H200"));
  EXPECT_THAT(b.short_products(kGpu, 4), IsEmpty());
  b.set_demand("p1", {"H200"}, kGpu, 2, now);  // replaced, not added
  EXPECT_EQ(b.demand("H200", kGpu), 2);
  b.set_demand("p2", {"H100", "H200"}, kGpu, 1, now);  // counts toward each
  EXPECT_EQ(b.demand("H200", kGpu), 3);
  EXPECT_EQ(b.demand("H100", kGpu), 1);
  b.drop_demand("p1");
  b.drop_demand("p1");  // idempotent
  EXPECT_EQ(b.demand("H200", kGpu), 1);
  b.drop_demand("p2");
  EXPECT_FALSE(b.any_demand());
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
