#include "lib/cli/stop_signals.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace dynop::cli {
namespace {

TEST(StopSignals, ASigtermSentToTheProcessIsTakenByWaitForSignal) {
  const sigset_t stop = block_stop_signals();
  EXPECT_EQ(sigismember(&stop, SIGTERM), 1);
  EXPECT_EQ(sigismember(&stop, SIGINT), 1);
  // Blocked: the signal stays pending instead of ending the test process.
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  EXPECT_EQ(wait_for_signal(stop), SIGTERM);
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  EXPECT_EQ(wait_for_signal(stop), SIGINT);
}

TEST(StopSignals, SigpipeIsIgnored) {
  block_stop_signals();
  struct sigaction action {};
  ASSERT_EQ(sigaction(SIGPIPE, nullptr, &action), 0);
  EXPECT_EQ(action.sa_handler, SIG_IGN);
}

TEST(StopSignals, NamesForTheShutdownLogLine) {
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGINT), "SIGINT");
  EXPECT_EQ(signal_name(SIGUSR1), "SIGUSR1");
  EXPECT_EQ(signal_name(1000), "signal 1000");
}

}  // namespace
}  // namespace dynop::cli
