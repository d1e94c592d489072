#include "lib/workqueue/work_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "lib/controller/request.hpp"

namespace dynop::workqueue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct RecordingMetrics : QueueMetrics {
  struct Counts {
    int adds = 0;
    long long depth = 0;
    int retries = 0;
    std::vector<clock::Duration> waits;
    std::vector<clock::Duration> works;
  };
  explicit RecordingMetrics(Counts& counts) : counts_(counts) {}
  void on_add() override { ++counts_.adds; }
  void on_depth(long long depth) override { counts_.depth = depth; }
  void on_retry() override { ++counts_.retries; }
  void on_queue_wait(clock::Duration waited) override { counts_.waits.push_back(waited); }
  void on_work(clock::Duration took) override { counts_.works.push_back(took); }
  Counts& counts_;
};

using StringQueue = WorkQueue<std::string>;

std::unique_ptr<StringQueue> make_queue(clock::FakeClock& clock,
                                        RecordingMetrics::Counts* counts = nullptr) {
  StringQueue::Options options;
  options.clock = &clock;
  options.rate_limiter = make_default_rate_limiter<std::string>({}, clock);
  if (counts) options.metrics = std::make_unique<RecordingMetrics>(*counts);
  return std::make_unique<StringQueue>(std::move(options));
}

TEST(WorkQueue, DeduplicatesWaitingItemsAndKeepsOrder) {
  clock::FakeClock clock;
  auto queue = make_queue(clock);
  queue->add("a");
  queue->add("b");
  queue->add("a");
  EXPECT_EQ(queue->len(), 2u);
  EXPECT_EQ(queue->get(), "a");
  EXPECT_EQ(queue->get(), "b");
  EXPECT_EQ(queue->len(), 0u);
}

TEST(WorkQueue, ItemAddedWhileProcessingRunsAgainOnlyAfterDone) {
  clock::FakeClock clock;
  auto queue = make_queue(clock);
  queue->add("a");
  auto item = queue->get();
  ASSERT_EQ(item, "a");
  queue->add("a");
  queue->add("a");
  // Not handed out a second time while the first is in flight.
  EXPECT_EQ(queue->len(), 0u);
  queue->done("a");
  EXPECT_EQ(queue->len(), 1u);
  EXPECT_EQ(queue->get(), "a");
  queue->done("a");
  EXPECT_EQ(queue->len(), 0u);
}

TEST(WorkQueue, NeverProcessesOneKeyConcurrently) {
  WorkQueue<controller::Request, controller::RequestHash> queue;
  std::atomic<int> in_flight{0};
  std::atomic<bool> overlap{false};
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto item = queue.get()) {
        if (in_flight.fetch_add(1) != 0) overlap = true;
        std::this_thread::yield();
        in_flight.fetch_sub(1);
        ++processed;
        queue.done(*item);
      }
    });
  }
  for (int i = 0; i < 2000; ++i) queue.add(controller::Request{"ns", "same"});
  queue.shut_down_with_drain();
  queue.shut_down();
  for (auto& worker : workers) worker.join();
  EXPECT_FALSE(overlap);
  EXPECT_GE(processed.load(), 1);
}

TEST(WorkQueue, AddAfterWaitsForTheClock) {
  clock::FakeClock clock;
  auto queue = make_queue(clock);
  queue->add_after("later", seconds(5));
  EXPECT_EQ(queue->len(), 0u);
  EXPECT_EQ(queue->delayed_len(), 1u);
  clock.advance(seconds(4));
  EXPECT_EQ(queue->len(), 0u);
  clock.advance(seconds(1));
  EXPECT_EQ(queue->len(), 1u);
  EXPECT_EQ(queue->delayed_len(), 0u);
  EXPECT_EQ(queue->get(), "later");
}

TEST(WorkQueue, AddAfterKeepsTheEarlierTime) {
  clock::FakeClock clock;
  auto queue = make_queue(clock);
  queue->add_after("x", seconds(10));
  queue->add_after("x", seconds(2));
  queue->add_after("x", seconds(30));
  EXPECT_EQ(queue->delayed_len(), 1u);
  clock.advance(seconds(2));
  EXPECT_EQ(queue->len(), 1u);
  EXPECT_EQ(queue->get(), "x");
  queue->done("x");
  clock.advance(seconds(60));
  EXPECT_EQ(queue->len(), 0u);  // the later duplicates were dropped
}

TEST(WorkQueue, ZeroDelayAddsImmediately) {
  clock::FakeClock clock;
  auto queue = make_queue(clock);
  queue->add_after("now", clock::Duration::zero());
  EXPECT_EQ(queue->len(), 1u);
}

TEST(WorkQueue, BlockedGetWakesWhenTheDelayPasses) {
  clock::FakeClock clock;
  auto queue = make_queue(clock);
  queue->add_after("x", seconds(1));
  std::optional<std::string> got;
  std::thread worker([&] { got = queue->get(); });
  // Wait (bounded) until the worker is parked on the clock, then move time.
  for (int i = 0; i < 10000 && clock.waiters() == 0; ++i) std::this_thread::yield();
  clock.advance(seconds(1));
  worker.join();
  EXPECT_EQ(got, "x");
}

TEST(WorkQueue, RateLimitedAddsBackOffPerItem) {
  clock::FakeClock clock;
  RecordingMetrics::Counts counts;
  auto queue = make_queue(clock, &counts);
  queue->add_rate_limited("a");
  EXPECT_EQ(queue->num_requeues("a"), 1);
  EXPECT_EQ(queue->len(), 0u);
  clock.advance(milliseconds(5));
  ASSERT_EQ(queue->len(), 1u);
  ASSERT_EQ(queue->get(), "a");
  queue->add_rate_limited("a");  // second failure: 10 ms
  queue->done("a");
  clock.advance(milliseconds(9));
  EXPECT_EQ(queue->len(), 0u);
  clock.advance(milliseconds(1));
  EXPECT_EQ(queue->len(), 1u);
  EXPECT_EQ(queue->num_requeues("a"), 2);
  queue->forget("a");
  EXPECT_EQ(queue->num_requeues("a"), 0);
  EXPECT_EQ(counts.retries, 2);
}

TEST(WorkQueue, ShutDownReturnsNulloptToWaitingWorkers) {
  StringQueue queue;
  std::optional<std::string> got = "unset";
  std::thread worker([&] { got = queue.get(); });
  queue.shut_down();
  worker.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_TRUE(queue.shutting_down());
  queue.add("ignored");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, ShutDownStillHandsOutReadyItemsThenStops) {
  StringQueue queue;
  queue.add("a");
  queue.shut_down();
  EXPECT_EQ(queue.get(), "a");
  EXPECT_EQ(queue.get(), std::nullopt);
}

TEST(WorkQueue, ShutDownWithDrainWaitsForItemsInFlight) {
  StringQueue queue;
  queue.add("a");
  auto item = queue.get();
  std::atomic<bool> drained{false};
  std::thread closer([&] {
    queue.shut_down_with_drain();
    drained = true;
  });
  // The closer cannot finish while "a" is in flight; done() releases it.
  for (int i = 0; i < 1000 && !queue.shutting_down(); ++i) std::this_thread::yield();
  EXPECT_FALSE(drained);
  queue.done(*item);
  closer.join();
  EXPECT_TRUE(drained);
}

TEST(WorkQueue, ReportsAddsDepthWaitAndWorkDurations) {
  clock::FakeClock clock;
  RecordingMetrics::Counts counts;
  auto queue = make_queue(clock, &counts);
  queue->add("a");
  queue->add("a");
  queue->add("b");
  EXPECT_EQ(counts.adds, 2);
  EXPECT_EQ(counts.depth, 2);
  clock.advance(milliseconds(30));
  auto item = queue->get();
  EXPECT_EQ(counts.depth, 1);
  clock.advance(milliseconds(7));
  queue->done(*item);
  ASSERT_EQ(counts.waits.size(), 1u);
  EXPECT_EQ(counts.waits[0], milliseconds(30));
  ASSERT_EQ(counts.works.size(), 1u);
  EXPECT_EQ(counts.works[0], milliseconds(7));
}

}  // namespace
}  // namespace dynop::workqueue
