#include "localcluster/faults/lifecycle.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace dynop::localcluster::faults {
namespace {

TEST(Lifecycle, ARestartIsConsumedAndRepeatedRequestsAreOne) {
  Lifecycle lifecycle;
  lifecycle.request_restart();
  lifecycle.request_restart();
  EXPECT_EQ(lifecycle.wait(), Lifecycle::Event::kRestart);
  lifecycle.request_stop();
  EXPECT_EQ(lifecycle.wait(), Lifecycle::Event::kStop);
}

TEST(Lifecycle, StopWinsAndStays) {
  Lifecycle lifecycle;
  lifecycle.request_restart();
  lifecycle.request_stop();
  EXPECT_EQ(lifecycle.wait(), Lifecycle::Event::kStop);
  EXPECT_EQ(lifecycle.wait(), Lifecycle::Event::kStop);
}

TEST(Lifecycle, WakesAWaiterOnAnotherThread) {
  Lifecycle lifecycle;
  std::thread asker([&] { lifecycle.request_restart(); });
  EXPECT_EQ(lifecycle.wait(), Lifecycle::Event::kRestart);
  asker.join();
}

}  // namespace
}  // namespace dynop::localcluster::faults
