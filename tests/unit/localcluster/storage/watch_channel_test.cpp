#include "localcluster/storage/watch_channel.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace dynop::localcluster::storage {
namespace {

using std::chrono::milliseconds;

WatchEvent event(std::uint64_t rv) {
  WatchEvent e;
  e.resource = "pods";
  e.resource_version = rv;
  return e;
}

std::vector<std::uint64_t> rvs(const std::vector<WatchEvent>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.resource_version);
  return out;
}

TEST(WatchChannel, EventsArrivingRightAfterABatchAreTakenAsOneBatch) {
  // A wide gap, so the test does not depend on the machine's speed.
  WatchChannel channel({"pods", "", nullptr}, 100, milliseconds(400));
  channel.push(event(1));
  std::vector<WatchEvent> first;
  ASSERT_TRUE(channel.wait_pop(first, milliseconds(1000)));
  EXPECT_EQ(rvs(first), (std::vector<std::uint64_t>{1}));
  // Two events 50 ms apart, both inside the gap: without batching the
  // consumer would wake for the first alone.
  std::thread producer([&] {
    channel.push(event(2));
    std::this_thread::sleep_for(milliseconds(50));
    channel.push(event(3));
  });
  std::vector<WatchEvent> second;
  ASSERT_TRUE(channel.wait_pop(second, milliseconds(2000)));
  producer.join();
  EXPECT_EQ(rvs(second), (std::vector<std::uint64_t>{2, 3}));
}

TEST(WatchChannel, AnEventAfterAQuietSpellIsTakenWithoutWaitingOutTheGap) {
  WatchChannel channel({"pods", "", nullptr}, 100, milliseconds(400));
  // Nothing taken yet: no gap to wait out, so a zero timeout finds the event.
  channel.push(event(1));
  std::vector<WatchEvent> events;
  ASSERT_TRUE(channel.wait_pop(events, milliseconds(0)));
  EXPECT_EQ(rvs(events), (std::vector<std::uint64_t>{1}));
}

TEST(WatchChannel, ClosedAndDrainedEndsTheConsumer) {
  WatchChannel channel({"pods", "", nullptr}, 100);
  channel.push(event(1));
  channel.close();
  std::vector<WatchEvent> events;
  // Events pushed after close are dropped; the one before it was already queued.
  EXPECT_TRUE(channel.wait_pop(events, milliseconds(100)));
  events.clear();
  EXPECT_FALSE(channel.wait_pop(events, milliseconds(100)));
}

TEST(WatchChannel, AConsumerTooFarBehindIsClosedAsOverflowed) {
  WatchChannel channel({"pods", "", nullptr}, 2);
  for (std::uint64_t rv = 1; rv <= 3; ++rv) channel.push(event(rv));
  EXPECT_TRUE(channel.overflowed());
  std::vector<WatchEvent> events;
  EXPECT_FALSE(channel.wait_pop(events, milliseconds(10)));
}

}  // namespace
}  // namespace dynop::localcluster::storage
