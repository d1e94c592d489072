// The mirror plugin in a real dynop host against a real dynop-localcluster,
// under each fault the cluster can inject: after the fault, every copy holds
// its source's last data (no update lost) and the host is still serving.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "tests/integration/runtime/mirror_scenario.hpp"

namespace dynop {
namespace {

namespace json = boost::json;

constexpr int kSources = 20;
constexpr int kRounds = 3;

// A number field of an admin answer (0 when absent).
double number_at(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_number() ? v->to_number<double>() : 0;
}

// Twenty sources, mirrored once before any fault.
class FaultConvergence : public test::MirrorScenario {
 protected:
  void SetUp() override { start_with_mirrored_sources(kSources); }

  // Fails this fraction of configmap writes (the test's and the host's)
  // with `code` while every source is updated, then switches it off; the
  // number of failures the cluster injected.
  double updates_under_write_errors(int code, double rate, int retry_after_seconds = 0) {
    set_faults({{"writeErrorRate", rate},
                {"writeErrorCode", code},
                {"retryAfterSeconds", retry_after_seconds},
                {"resources", json::array{"configmaps"}}});
    update_sources(kRounds);
    return number_at(set_faults({{"writeErrorRate", 0}}), "injectedFailures");
  }
};

TEST_F(FaultConvergence, DroppedWatches) {
  const double watches_before = configmap_informer("watches_total");
  double dropped = 0;
  update_sources(
      kRounds, [&] { dropped += number_at(admin_post("/admin/faults/drop-watches"), "dropped"); });
  EXPECT_GT(dropped, 0);  // the host's ConfigMap watch among them
  expect_copies_converge();
  expect_host_healthy();
  // The host watched again after each drop, resuming rather than relisting.
  EXPECT_GT(configmap_informer("watches_total"), watches_before) << context();
  EXPECT_EQ(configmap_informer("relists_total", R"(reason="gone")"), 0) << context();
}

TEST_F(FaultConvergence, CompactedHistoryGivesGoneAndTheHostRelists) {
  int round = 0;
  // A write the host does not watch, then compaction (which also drops the
  // watches): the host's ConfigMap watch resumes from before the compacted
  // history, gets 410 Gone and must relist. Only for certain while the host
  // is idle: its own copy writes may land between the two and move its
  // resume point up to the compacted one.
  const auto compact_past_the_host = [&] {
    auto secret = cluster().post(
        "/api/v1/namespaces/default/secrets",
        json::object{{"apiVersion", "v1"},
                     {"kind", "Secret"},
                     {"metadata", {{"name", "unwatched-" + std::to_string(++round)}}}});
    EXPECT_EQ(secret.status, 201u) << secret.body;
    admin_post("/admin/faults/compact");
  };
  update_sources(kRounds, compact_past_the_host);  // while the host is busy
  expect_copies_converge();

  const char* gone = R"(reason="gone")";
  const double relists_before = configmap_informer("relists_total", gone);
  // While it is idle. Its informer may still be relisting after the last
  // compaction above: a relist that lands between the unwatched write and the
  // compaction resumes at the compacted point and meets no 410. Once its
  // watch is open again, the next compaction makes it meet one.
  bool relisted = false;
  for (int attempt = 0; attempt < 5 && !relisted; ++attempt) {
    compact_past_the_host();
    relisted = test::eventually(
        [&] { return configmap_informer("relists_total", gone) > relists_before; }, 5);
  }
  EXPECT_TRUE(relisted) << context();
  EXPECT_GE(configmap_informer("watch_ends_total", gone), 1) << context();
  EXPECT_EQ(configmap_informer("relists_total", R"(reason="initial")"), 1) << context();
  update_sources(1);  // the relisted informer keeps the host going
  expect_copies_converge();
  expect_host_healthy();
}

TEST_F(FaultConvergence, HalfOfTheWritesConflict) {
  EXPECT_GT(updates_under_write_errors(409, 0.5), 0);
  expect_copies_converge();
  expect_host_healthy();
  EXPECT_GT(reconciles("error"), 0) << context();
  EXPECT_GT(host().metric("workqueue_retries_total", {"name=\"mirror\""}).value_or(0), 0);
}

TEST_F(FaultConvergence, TooManyRequestsWithRetryAfter) {
  // The host's client waits as Retry-After asks and tries again (as
  // client-go does), so most of these never reach the reconciler as errors.
  EXPECT_GT(updates_under_write_errors(429, 0.3, 1), 0);
  expect_copies_converge();
  expect_host_healthy();
}

TEST_F(FaultConvergence, ServerErrors) {
  EXPECT_GT(updates_under_write_errors(500, 0.5), 0);
  expect_copies_converge();
  expect_host_healthy();
  EXPECT_GT(reconciles("error"), 0) << context();
}

TEST_F(FaultConvergence, AddedLatency) {
  set_faults({{"latencyMs", 50}});
  update_sources(kRounds);
  set_faults({{"latencyMs", 0}});
  expect_copies_converge();
  expect_host_healthy();
}

TEST_F(FaultConvergence, RestartInPlace) {
  update_sources(kRounds, [&] { restart_in_place(); });
  expect_copies_converge();
  expect_host_healthy();
}

TEST_F(FaultConvergence, ClusterProcessRestartedOnTheSamePortAndData) {
  update_sources(kRounds, [&] { restart_cluster_process(); });
  expect_copies_converge();
  expect_host_healthy();
}

}  // namespace
}  // namespace dynop
