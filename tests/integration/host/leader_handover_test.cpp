// Two real dynop hosts with leader election on one Lease in a real
// dynop-localcluster, both running the mirror plugin
// (tests/fixtures/plugins/mirror_plugin.cpp): only the Lease holder
// reconciles; SIGTERM of the leader releases the Lease as client-go's
// ReleaseOnCancel does and the follower takes over; SIGKILL of the leader
// hands over once the lease expires; a host stopped at any point of its
// renew cycle leaves the Lease released.
//
// What /readyz means on a follower: ready once its informer caches have
// synced and its reconcilers are wired, leader or not (as controller-runtime
// does: a follower serves admission webhooks and is a healthy replica; only
// its controllers wait for the Lease).
//
// Timings are short (lease 4s, renew 3s, retry 250ms) and every wait is a
// generous bounded wait; the hand-over times themselves are measured in
// bench/runtime/leader_handover.cpp, not asserted here.

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/fixtures/plugins/mirror_objects.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/running_host.hpp"

namespace dynop {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* kLeasePath =
    "/apis/coordination.k8s.io/v1/namespaces/default/leases/dynop-handover";
constexpr const char* kConfigMaps = "/api/v1/namespaces/default/configmaps";
constexpr int kWait = 60;  // seconds: generous, the tests assert outcomes only

// One dynop host of the pair. Its identity is what it logs as its Lease
// holder name ("<hostname>_<pid>").
class Replica {
 public:
  explicit Replica(const test::LocalCluster& cluster)
      : host_(std::make_unique<test::RunningHost>(std::vector<std::string>{
            "--kubeconfig", cluster.kubeconfig(), "--plugin-dir",
            test::binary_path("test-plugins/mirror"), "--plugins", "mirror", "--metrics-address",
            "127.0.0.1:0", "--leader-election-namespace", "default", "--leader-election-id",
            "dynop-handover", "--leader-elect-lease-duration", "4s",
            "--leader-elect-renew-deadline", "3s", "--leader-elect-retry-period", "250ms"})) {
    if (host_->started()) {
      identity_ = host_->process()
                      .wait_for_match(std::regex(R"(on Lease default/dynop-handover as (\S+))"),
                                      std::chrono::seconds(kWait))
                      .value_or("");
    }
  }

  bool ready() const { return host_->ready() && !identity_.empty(); }
  const std::string& identity() const { return identity_; }
  bool leads() {
    return host_->process().wait_for_output("became the leader", std::chrono::seconds(kWait));
  }
  // dynop_reconcile_total{controller="mirror",result="success"}; 0 when absent.
  double reconciles() {
    return host_->metric("dynop_reconcile_total", {R"(controller="mirror")", R"(result="success")"})
        .value_or(0);
  }
  // dynop_leader_election_is_leader for the test's Lease.
  double is_leader() {
    return host_->metric("dynop_leader_election_is_leader", {R"(lease="default/dynop-handover")"})
        .value_or(-1);
  }
  unsigned readyz() { return host_->get("/readyz").status; }
  test::Process& process() { return host_->process(); }
  std::optional<int> stop() { return host_->stop(); }
  std::string log() const { return host_->log(); }

 private:
  std::unique_ptr<test::RunningHost> host_;
  std::string identity_;
};

bool mirrored(test::LocalCluster& cluster, const std::string& name) {
  auto copy = cluster.get(std::string(kConfigMaps) + "/" + name + "-mirror");
  return copy.status == 200 && test::field_text(copy.json(), {"data", "value"}) == name;
}

std::string lease_field(test::LocalCluster& cluster, const char* field) {
  return test::field_text(cluster.get(kLeasePath).json(), {"spec", field});
}

// The Lease's spec from each watch event after `resource_version`, until one
// names `holder` (or the watch's bounded timeout ends it).
std::vector<json::object> lease_history_until(test::LocalCluster& cluster,
                                              const std::string& resource_version,
                                              const std::string& holder) {
  std::vector<json::object> out;
  auto watch = cluster.watch(
      "/apis/coordination.k8s.io/v1/namespaces/default/leases?watch=1&fieldSelector=metadata.name%"
      "3Ddynop-handover&timeoutSeconds=10&resourceVersion=" +
      resource_version);
  EXPECT_TRUE(watch.ok() && watch.stream) << watch.error << watch.head.body;
  if (!watch.ok() || !watch.stream) return out;
  std::string line;
  while (watch.stream->next_line(line)) {
    json::value event = json::parse(line);
    const json::value* spec = event.as_object()["object"].as_object().if_contains("spec");
    if (spec == nullptr || !spec->is_object()) continue;
    out.push_back(spec->as_object());
    if (test::field_text(*spec, {"holderIdentity"}) == holder) break;
  }
  return out;
}

class LeaderHandover : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cluster_.ok()) << cluster_.error(); }

  // Starts a leader, then a follower that has seen it lead.
  void start_pair() {
    leader_ = std::make_unique<Replica>(cluster_);
    ASSERT_TRUE(leader_->ready()) << leader_->log();
    ASSERT_TRUE(leader_->leads()) << leader_->log();
    follower_ = std::make_unique<Replica>(cluster_);
    ASSERT_TRUE(follower_->ready()) << follower_->log();
    ASSERT_NE(leader_->identity(), follower_->identity());
  }

  void create_source(const std::string& name) {
    auto created = cluster_.post(kConfigMaps, test::mirror_source(name, name));
    ASSERT_EQ(created.status, 201u) << created.body;
  }

  std::string context() {
    std::string out;
    if (leader_) out += "--- leader ---\n" + leader_->log();
    if (follower_) out += "--- follower ---\n" + follower_->log();
    return out;
  }

  test::LocalCluster cluster_;
  std::unique_ptr<Replica> leader_;
  std::unique_ptr<Replica> follower_;
};

TEST_F(LeaderHandover, OnlyTheLeaderReconcilesAndSigtermHandsOverAfterReleasingTheLease) {
  start_pair();
  if (HasFatalFailure()) return;
  create_source("one");
  ASSERT_TRUE(test::eventually([&] { return mirrored(cluster_, "one"); }, kWait)) << context();

  EXPECT_EQ(lease_field(cluster_, "holderIdentity"), leader_->identity());
  EXPECT_EQ(lease_field(cluster_, "leaseDurationSeconds"), "4");
  EXPECT_GT(leader_->reconciles(), 0) << context();
  EXPECT_EQ(follower_->reconciles(), 0) << context();
  EXPECT_EQ(leader_->is_leader(), 1);
  EXPECT_EQ(follower_->is_leader(), 0);
  // Both replicas are ready: readiness is about caches, not leadership.
  EXPECT_EQ(leader_->readyz(), 200u);
  EXPECT_EQ(follower_->readyz(), 200u);
  EXPECT_EQ(follower_->process().stderr_text().find("became the leader"), std::string::npos);

  const std::string before =
      test::field_text(cluster_.get(kLeasePath).json(), {"metadata", "resourceVersion"});
  const std::string transitions = lease_field(cluster_, "leaseTransitions");
  ASSERT_TRUE(leader_->process().signal(SIGTERM));
  EXPECT_EQ(leader_->process().wait(std::chrono::seconds(kWait)), 0) << context();
  ASSERT_TRUE(follower_->leads()) << context();

  // The Lease's history: the old leader wrote a released record (no holder,
  // leaseDurationSeconds 1, as client-go's ReleaseOnCancel), then the
  // follower took it.
  auto history = lease_history_until(cluster_, before, follower_->identity());
  ASSERT_GE(history.size(), 2u) << context();
  const json::object& released = history[history.size() - 2];
  EXPECT_EQ(test::field_text(released, {"holderIdentity"}), "");
  EXPECT_EQ(test::field_text(released, {"leaseDurationSeconds"}), "1");
  EXPECT_EQ(test::field_text(released, {"leaseTransitions"}), transitions);
  const json::object& taken = history.back();
  EXPECT_EQ(test::field_text(taken, {"holderIdentity"}), follower_->identity());
  EXPECT_EQ(test::field_text(taken, {"leaseDurationSeconds"}), "4");
  EXPECT_EQ(test::field_text(taken, {"leaseTransitions"}),
            std::to_string(std::stoi(transitions) + 1));

  // The new leader reconciles what arrives now.
  create_source("two");
  EXPECT_TRUE(test::eventually([&] { return mirrored(cluster_, "two"); }, kWait)) << context();
  EXPECT_GT(follower_->reconciles(), 0) << context();
  EXPECT_EQ(follower_->is_leader(), 1);
  EXPECT_EQ(follower_->stop(), 0) << context();
}

TEST_F(LeaderHandover, SigkillHandsOverOnceTheLeaseExpires) {
  start_pair();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(leader_->process().signal(SIGKILL));
  EXPECT_EQ(leader_->process().wait(std::chrono::seconds(kWait)), 128 + SIGKILL);
  // Nobody released the Lease: the follower waits it out, then takes it.
  ASSERT_TRUE(follower_->leads()) << context();
  EXPECT_EQ(lease_field(cluster_, "holderIdentity"), follower_->identity());
  EXPECT_EQ(lease_field(cluster_, "leaseTransitions"), "1");
  create_source("after-crash");
  EXPECT_TRUE(test::eventually([&] { return mirrored(cluster_, "after-crash"); }, kWait))
      << context();
  EXPECT_EQ(follower_->stop(), 0) << context();
}

// The bug behind a new host waiting a whole lease duration after Ctrl-C:
// wherever SIGTERM lands in the renew cycle (between renewals, during a
// renewal, right after acquiring, before leading), the host that exits
// leaves the Lease without a holder.
TEST_F(LeaderHandover, ALeaderStoppedAnywhereInItsRenewCycleReleasesTheLease) {
  std::mt19937 random(20261128);
  std::uniform_int_distribution<int> delay_ms(0, 600);
  for (int round = 0; round < 12; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Replica host(cluster_);
    ASSERT_TRUE(host.ready()) << host.log();
    // Even rounds: stop while leading (renewals every 250ms); odd rounds:
    // stop at once, possibly while acquiring.
    if (round % 2 == 0) {
      ASSERT_TRUE(host.leads()) << host.log();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    ASSERT_TRUE(host.process().signal(SIGTERM));
    ASSERT_EQ(host.process().wait(std::chrono::seconds(kWait)), 0) << host.log();
    EXPECT_EQ(lease_field(cluster_, "holderIdentity"), "") << host.log();
    EXPECT_EQ(host.log().find("could not release Lease"), std::string::npos) << host.log();
  }
}

// Every Lease call is bounded by lease - renew deadline (here 1 s), so a
// leader stuck on a slow API server (answers after 3 s) fails its renewals
// and gives up leadership at its renew deadline, by its last renewal + the
// lease duration, i.e. before any follower may take over. Unbounded (the
// client's 30 s), it would lead on for as long as its calls hang.
TEST_F(LeaderHandover, ALeaderWhoseRenewalsHangGivesUpLeadership) {
  Replica host(cluster_);
  ASSERT_TRUE(host.ready()) << host.log();
  ASSERT_TRUE(host.leads()) << host.log();
  auto slow = cluster_.put("/admin/faults", json::object{{"latencyMs", 3000}});
  ASSERT_EQ(slow.status, 200u) << slow.body;
  EXPECT_EQ(host.process().wait(std::chrono::seconds(kWait)), 1) << host.log();
  EXPECT_NE(host.log().find("lost leadership; exiting"), std::string::npos) << host.log();
  auto back = cluster_.put("/admin/faults", json::object{{"latencyMs", 0}});
  EXPECT_EQ(back.status, 200u) << back.body;
}

}  // namespace
}  // namespace dynop
