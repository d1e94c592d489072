#include "lib/workqueue/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dynop::workqueue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ItemExponentialFailureRateLimiter, DoublesPerFailureUpToTheCap) {
  ItemExponentialFailureRateLimiter<std::string> limiter(milliseconds(5), seconds(1000));
  EXPECT_EQ(limiter.when("a"), milliseconds(5));
  EXPECT_EQ(limiter.when("a"), milliseconds(10));
  EXPECT_EQ(limiter.when("a"), milliseconds(20));
  EXPECT_EQ(limiter.num_requeues("a"), 3);
  // Other items have their own history.
  EXPECT_EQ(limiter.when("b"), milliseconds(5));
  for (int i = 0; i < 100; ++i) limiter.when("a");
  EXPECT_EQ(limiter.when("a"), seconds(1000));
  limiter.forget("a");
  EXPECT_EQ(limiter.num_requeues("a"), 0);
  EXPECT_EQ(limiter.when("a"), milliseconds(5));
}

TEST(BucketRateLimiter, AllowsTheBurstThenSpacesCallsByQps) {
  clock::FakeClock clock;
  BucketRateLimiter<std::string> limiter(10, 3, clock);
  EXPECT_EQ(limiter.when("x"), clock::Duration::zero());
  EXPECT_EQ(limiter.when("y"), clock::Duration::zero());
  EXPECT_EQ(limiter.when("z"), clock::Duration::zero());
  EXPECT_EQ(limiter.when("x"), milliseconds(100));
  EXPECT_EQ(limiter.when("x"), milliseconds(200));
  clock.advance(seconds(10));
  // Refills to the burst, not beyond; the two reservations above were paid back.
  EXPECT_EQ(limiter.when("x"), clock::Duration::zero());
  EXPECT_EQ(limiter.when("x"), clock::Duration::zero());
  EXPECT_EQ(limiter.when("x"), clock::Duration::zero());
  EXPECT_EQ(limiter.when("x"), milliseconds(100));
}

TEST(DefaultRateLimiter, TakesTheLongerOfBackoffAndBucket) {
  clock::FakeClock clock;
  auto limiter = make_default_rate_limiter<std::string>({}, clock);
  EXPECT_EQ(limiter->when("a"), milliseconds(5));
  EXPECT_EQ(limiter->when("a"), milliseconds(10));
  EXPECT_EQ(limiter->num_requeues("a"), 2);
  // Exhaust the 100-token burst: the bucket then dominates short backoffs.
  for (int i = 0; i < 98; ++i) limiter->when("item-" + std::to_string(i));
  EXPECT_EQ(limiter->when("fresh"), milliseconds(100));
  limiter->forget("a");
  EXPECT_EQ(limiter->num_requeues("a"), 0);
}

TEST(DefaultRateLimiter, OptionsChangeTheNumbers) {
  clock::FakeClock clock;
  RateLimiterOptions options;
  options.base_delay = milliseconds(1);
  options.max_delay = milliseconds(3);
  options.qps = 1000;
  options.burst = 1;
  auto limiter = make_default_rate_limiter<std::string>(options, clock);
  EXPECT_EQ(limiter->when("a"), milliseconds(1));
  EXPECT_EQ(limiter->when("a"), milliseconds(2));
  EXPECT_EQ(limiter->when("a"), milliseconds(3));
  EXPECT_EQ(limiter->when("a"), milliseconds(3));
}

}  // namespace
}  // namespace dynop::workqueue
