#include "plugins/gpu-scheduler/label_index.hpp"

#include <gtest/gtest.h>

namespace dynop::plugins::gpu_scheduler {
namespace {

TEST(LabelIndex, TracksValuesAndKeysThroughChanges) {
  LabelIndex index;
  EXPECT_TRUE(index.set(0, {{"gpu", "h100"}, {"rack", "a"}}));
  EXPECT_TRUE(index.set(2, {{"gpu", "h200"}}));
  EXPECT_FALSE(index.set(2, {{"gpu", "h200"}}));  // unchanged: same generation
  const auto generation = index.generation();
  EXPECT_TRUE(index.equals("gpu", "h100").test(0));
  EXPECT_EQ(index.has_key("gpu").count(), 2u);
  EXPECT_EQ(index.value(2, "gpu"), "h200");
  EXPECT_EQ(index.value(1, "gpu"), std::nullopt);

  EXPECT_TRUE(index.set(0, {{"gpu", "h200"}}));
  EXPECT_GT(index.generation(), generation);
  EXPECT_TRUE(index.equals("gpu", "h100").none());
  EXPECT_EQ(index.equals("gpu", "h200").count(), 2u);
  EXPECT_TRUE(index.has_key("rack").none());
  EXPECT_EQ(index.values_of("rack"), nullptr);

  EXPECT_TRUE(index.set(2, {}));
  EXPECT_EQ(index.equals("gpu", "h200").count(), 1u);
}

}  // namespace
}  // namespace dynop::plugins::gpu_scheduler
