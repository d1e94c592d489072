#include "lib/leaderelection/leader_elector.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/unit/leaderelection/fake_lease_client.hpp"

namespace dynop::leaderelection {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeLeaseClient;

LeaderElectionConfig config_for(const std::string& identity) {
  LeaderElectionConfig config;
  config.lease_namespace = "dynop-system";
  config.lease_name = "dynop-leader";
  config.identity = identity;
  return config;
}

std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

TEST(LeaderElector, FirstCandidateCreatesTheLease) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  LeaderElector elector(config_for("a"), leases, clock);
  EXPECT_TRUE(elector.try_acquire_or_renew());
  EXPECT_TRUE(elector.is_leader());
  EXPECT_EQ(elector.leader(), "a");
  auto spec = leases.spec("dynop-system", "dynop-leader");
  EXPECT_EQ(str(spec["holderIdentity"]), "a");
  EXPECT_EQ(spec["leaseDurationSeconds"].as_int64(), 15);
  EXPECT_EQ(spec["leaseTransitions"].as_int64(), 0);
  EXPECT_EQ(str(spec["acquireTime"]), "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(str(spec["renewTime"]), "2026-01-01T00:00:00.000000Z");
}

TEST(LeaderElector, RenewMovesRenewTimeOnly) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  LeaderElector elector(config_for("a"), leases, clock);
  ASSERT_TRUE(elector.try_acquire_or_renew());
  clock.advance(milliseconds(2500));
  ASSERT_TRUE(elector.try_acquire_or_renew());
  auto spec = leases.spec("dynop-system", "dynop-leader");
  EXPECT_EQ(str(spec["acquireTime"]), "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(str(spec["renewTime"]), "2026-01-01T00:00:02.500000Z");
  EXPECT_EQ(spec["leaseTransitions"].as_int64(), 0);
}

TEST(LeaderElector, OtherCandidateWaitsForTheLeaseToExpireOnItsOwnClock) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  LeaderElector a(config_for("a"), leases, clock);
  LeaderElector b(config_for("b"), leases, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  EXPECT_FALSE(b.try_acquire_or_renew());
  EXPECT_EQ(b.leader(), "a");
  EXPECT_FALSE(b.is_leader());
  clock.advance(seconds(14));
  EXPECT_FALSE(b.try_acquire_or_renew());
  clock.advance(seconds(1));  // 15 s since b first saw this record
  EXPECT_TRUE(b.try_acquire_or_renew());
  auto spec = leases.spec("dynop-system", "dynop-leader");
  EXPECT_EQ(str(spec["holderIdentity"]), "b");
  EXPECT_EQ(spec["leaseTransitions"].as_int64(), 1);
  EXPECT_EQ(str(spec["acquireTime"]), "2026-01-01T00:00:15.000000Z");
  // The old leader now sees it lost.
  EXPECT_FALSE(a.try_acquire_or_renew());
  EXPECT_FALSE(a.is_leader());
  EXPECT_EQ(a.leader(), "b");
}

TEST(LeaderElector, RenewingLeaderKeepsTheLease) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  LeaderElector a(config_for("a"), leases, clock);
  LeaderElector b(config_for("b"), leases, clock);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(a.try_acquire_or_renew());
    EXPECT_FALSE(b.try_acquire_or_renew());
    clock.advance(seconds(2));
  }
}

TEST(LeaderElector, ReleaseLetsAnotherCandidateTakeOverAtOnce) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  LeaderElector a(config_for("a"), leases, clock);
  LeaderElector b(config_for("b"), leases, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  EXPECT_FALSE(b.try_acquire_or_renew());
  ASSERT_TRUE(a.release());
  auto released = leases.spec("dynop-system", "dynop-leader");
  EXPECT_EQ(str(released["holderIdentity"]), "");
  EXPECT_EQ(released["leaseDurationSeconds"].as_int64(), 1);
  EXPECT_FALSE(a.is_leader());
  EXPECT_TRUE(b.try_acquire_or_renew());
  EXPECT_EQ(leases.spec("dynop-system", "dynop-leader")["leaseTransitions"].as_int64(), 1);
}

TEST(LeaderElector, ConcurrentTakeoverLosesOnStaleResourceVersion) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  LeaderElector a(config_for("a"), leases, clock);
  LeaderElector b(config_for("b"), leases, clock);
  LeaderElector c(config_for("c"), leases, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  EXPECT_FALSE(b.try_acquire_or_renew());
  EXPECT_FALSE(c.try_acquire_or_renew());
  clock.advance(seconds(16));
  // While b is between its read and its write, c takes the lease.
  bool once = true;
  leases.before_update = [&] {
    if (!once) return;
    once = false;
    EXPECT_TRUE(c.try_acquire_or_renew());
  };
  EXPECT_FALSE(b.try_acquire_or_renew());
  leases.before_update = nullptr;
  EXPECT_EQ(str(leases.spec("dynop-system", "dynop-leader")["holderIdentity"]), "c");
}

TEST(LeaderElector, ServerErrorsAreNotLeadership) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  leases.fail_all = true;
  LeaderElector a(config_for("a"), leases, clock);
  EXPECT_FALSE(a.try_acquire_or_renew());
  EXPECT_FALSE(a.is_leader());
}

TEST(LeaderElector, RejectsInconsistentDurations) {
  FakeLeaseClient leases;
  auto config = config_for("a");
  config.renew_deadline = seconds(15);
  EXPECT_THROW(LeaderElector(config, leases), std::invalid_argument);
  config = config_for("a");
  config.retry_period = seconds(9);
  EXPECT_THROW(LeaderElector(config, leases), std::invalid_argument);
  config = config_for("");
  EXPECT_THROW(LeaderElector(config, leases), std::invalid_argument);
}

// Drives the background loop with the fake clock: advance time in retry
// periods until `done` holds (bounded).
template <typename Pred>
bool drive(clock::FakeClock& clock, clock::Duration step, Pred done) {
  for (int i = 0; i < 200000 && !done(); ++i) {
    if (clock.waiters() > 0) clock.advance(step);
    std::this_thread::yield();
  }
  return done();
}

TEST(LeaderElectorLoop, LeadsThenReleasesOnStop) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
  auto config = config_for("a");
  config.on_started_leading = [&] { ++started; };
  config.on_stopped_leading = [&] { ++stopped; };
  LeaderElector elector(config, leases, clock);
  elector.start();
  ASSERT_TRUE(drive(clock, seconds(2), [&] { return started.load() == 1; }));
  ASSERT_TRUE(drive(clock, seconds(2), [&] { return leases.updates >= 3; }));  // renewing
  elector.stop();
  EXPECT_EQ(stopped.load(), 1);
  EXPECT_EQ(str(leases.spec("dynop-system", "dynop-leader")["holderIdentity"]), "");
}

TEST(LeaderElectorLoop, StopsLeadingWhenItCannotRenewInTime) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
  auto config = config_for("a");
  config.on_started_leading = [&] { ++started; };
  config.on_stopped_leading = [&] { ++stopped; };
  LeaderElector elector(config, leases, clock);
  elector.start();
  ASSERT_TRUE(drive(clock, seconds(2), [&] { return started.load() == 1; }));
  leases.fail_all = true;
  ASSERT_TRUE(drive(clock, seconds(2), [&] { return stopped.load() == 1; }));
  // Back to candidate: once the server answers again it leads again.
  leases.fail_all = false;
  ASSERT_TRUE(drive(clock, seconds(2), [&] { return started.load() == 2; }));
  elector.stop();
  EXPECT_EQ(stopped.load(), 2);
}

// Waits (bounded, in real time: generous, for a loaded sanitizer run) for
// `done` without moving the fake clock.
template <typename Pred>
bool without_time_passing(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  return done();
}

TEST(LeaderElectorLoop, WatchingCandidateTakesAReleasedLeaseWithoutWaitingForItsRetry) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  leases.watchable = true;
  LeaderElector a(config_for("a"), leases, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  std::atomic<int> started{0};
  auto config = config_for("b");
  config.on_started_leading = [&] { ++started; };
  LeaderElector b(config, leases, clock);
  b.start();
  // b has seen a's lease, watches it, and sleeps until its next retry (2 s or
  // more away). The fake's watch has no initial event, so b must be watching
  // before the release or it would only see it at that retry.
  ASSERT_TRUE(without_time_passing(
      [&] { return b.leader() == "a" && clock.waiters() == 1 && leases.watch_count() == 1; }));
  ASSERT_TRUE(a.release());
  // The release's watch event wakes b: it leads while the clock stands still.
  EXPECT_TRUE(without_time_passing([&] { return started.load() == 1; }));
  EXPECT_EQ(str(leases.spec("dynop-system", "dynop-leader")["holderIdentity"]), "b");
  b.stop();
}

TEST(LeaderElectorLoop, StopDuringAcquisitionReleasesWithoutLeading) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  LeaderElector earlier(config_for("earlier"), leases, clock);
  ASSERT_TRUE(earlier.try_acquire_or_renew());
  ASSERT_TRUE(earlier.release());
  std::atomic<int> started{0};
  auto config = config_for("b");
  config.on_started_leading = [&] { ++started; };
  LeaderElector b(config, leases, clock);
  // SIGTERM arrives while b's acquiring write is in flight.
  bool once = true;
  leases.before_update = [&] {
    if (!once) return;
    once = false;
    b.stop();  // on b's own thread: marks it stopping, joins nothing of its own
  };
  b.start();
  EXPECT_TRUE(without_time_passing([&] { return leases.updates >= 2; }));
  b.stop();
  EXPECT_EQ(started.load(), 0);
  EXPECT_EQ(str(leases.spec("dynop-system", "dynop-leader")["holderIdentity"]), "");
}

TEST(LeaderElectorLoop, CandidateWakesWhenTheObservedLeaseExpires) {
  clock::FakeClock clock;
  FakeLeaseClient leases;
  LeaderElector a(config_for("a"), leases, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  std::atomic<int> started{0};
  auto config = config_for("b");
  config.retry_period = seconds(4);
  config.renew_deadline = seconds(10);
  config.on_started_leading = [&] { ++started; };
  LeaderElector b(config, leases, clock);
  b.start();
  ASSERT_TRUE(without_time_passing([&] { return b.leader() == "a" && clock.waiters() == 1; }));
  // Polling alone looks again 4 to 8.8 s after each look. At 14 s b looks
  // once more; its next look is then due when a's lease runs out (15 s after
  // b first saw it), not at 18 s or later.
  const int gets = leases.gets;
  clock.advance(seconds(14));
  ASSERT_TRUE(
      without_time_passing([&] { return leases.gets == gets + 1 && clock.waiters() == 1; }));
  EXPECT_EQ(started.load(), 0);
  clock.advance(seconds(1));
  EXPECT_TRUE(without_time_passing([&] { return started.load() == 1; }));
  EXPECT_EQ(str(leases.spec("dynop-system", "dynop-leader")["holderIdentity"]), "b");
  b.stop();
}

}  // namespace
}  // namespace dynop::leaderelection
