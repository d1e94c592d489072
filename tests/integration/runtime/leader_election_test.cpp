// Two electors on one Lease in the real dynop-localcluster: only one leads,
// a released lease is taken over within a retry period, and the Lease
// fields are what client-go writes.

#include <gtest/gtest.h>

#include <atomic>

#include "lib/leaderelection/kube_lease_client.hpp"
#include "lib/leaderelection/leader_elector.hpp"
#include "tests/integration/runtime/runtime_cluster.hpp"

namespace dynop::runtime_test {
namespace {

using leaderelection::LeaderElectionConfig;
using leaderelection::LeaderElector;
using test::eventually;

LeaderElectionConfig config_for(const std::string& identity, std::atomic<int>& leading) {
  LeaderElectionConfig config;
  config.lease_namespace = "default";
  config.lease_name = "dynop-test-leader";
  config.identity = identity;
  config.lease_duration = std::chrono::seconds(3);
  config.renew_deadline = std::chrono::seconds(2);
  config.retry_period = std::chrono::milliseconds(200);
  config.on_started_leading = [&leading] { ++leading; };
  config.on_stopped_leading = [&leading] { --leading; };
  return config;
}

// One cluster and two replicas, each with its own client and Lease client,
// as two dynop processes would have.
class LeaderElection : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    client_a = client_for(cluster);
    client_b = client_for(cluster);
    ASSERT_TRUE(client_a && client_b);
    auto a = leaderelection::make_kube_lease_client(*client_a);
    auto b = leaderelection::make_kube_lease_client(*client_b);
    ASSERT_TRUE(a && b);
    leases_a = std::move(*a);
    leases_b = std::move(*b);
  }

  test::LocalCluster cluster;
  std::unique_ptr<kube::Client> client_a;
  std::unique_ptr<kube::Client> client_b;
  std::unique_ptr<leaderelection::LeaseClient> leases_a;
  std::unique_ptr<leaderelection::LeaseClient> leases_b;
};

TEST_F(LeaderElection, OneLeaderAndAQuickHandoverOnRelease) {
  std::atomic<int> a_leading{0};
  std::atomic<int> b_leading{0};
  auto a = std::make_unique<LeaderElector>(config_for("replica-a", a_leading), *leases_a);
  LeaderElector b(config_for("replica-b", b_leading), *leases_b);
  a->start();
  ASSERT_TRUE(eventually([&] { return a_leading.load() == 1; }, 30));
  b.start();
  // b keeps trying but never leads while a renews.
  ASSERT_TRUE(eventually([&] { return b.leader() == "replica-a"; }, 30));
  EXPECT_EQ(b_leading.load(), 0);

  auto leases = client_a->resource_for("coordination.k8s.io/v1", "Lease");
  ASSERT_TRUE(leases);
  auto lease = client_a->get(*leases, "default", "dynop-test-leader");
  ASSERT_TRUE(lease) << lease.error().describe();
  EXPECT_EQ(field(*lease, {"spec", "holderIdentity"}), "replica-a");
  EXPECT_EQ(field(*lease, {"spec", "leaseDurationSeconds"}), "3");
  const std::string renew = field(*lease, {"spec", "renewTime"});
  ASSERT_EQ(renew.size(), 27u) << renew;  // 2026-01-01T00:00:00.000000Z
  EXPECT_EQ(renew.back(), 'Z');

  // Clean shutdown of the leader releases the lease; b takes over at its
  // next retry instead of waiting out the lease duration.
  a->stop();
  EXPECT_EQ(a_leading.load(), 0);
  ASSERT_TRUE(eventually([&] { return b_leading.load() == 1; }, 30));
  auto taken = client_a->get(*leases, "default", "dynop-test-leader");
  ASSERT_TRUE(taken);
  EXPECT_EQ(field(*taken, {"spec", "holderIdentity"}), "replica-b");
  EXPECT_EQ(field(*taken, {"spec", "leaseTransitions"}), "1");
  b.stop();
}

TEST_F(LeaderElection, ACrashedLeaderIsReplacedAfterTheLeaseExpires) {
  std::atomic<int> a_leading{0};
  std::atomic<int> b_leading{0};
  auto a_config = config_for("replica-a", a_leading);
  a_config.release_on_stop = false;  // as if the process died
  auto a = std::make_unique<LeaderElector>(a_config, *leases_a);
  LeaderElector b(config_for("replica-b", b_leading), *leases_b);
  a->start();
  ASSERT_TRUE(eventually([&] { return a_leading.load() == 1; }, 30));
  b.start();
  ASSERT_TRUE(eventually([&] { return b.leader() == "replica-a"; }, 30));
  a->stop();  // stops renewing without releasing
  ASSERT_TRUE(eventually([&] { return b_leading.load() == 1; }, 30));
  b.stop();
}

}  // namespace
}  // namespace dynop::runtime_test
