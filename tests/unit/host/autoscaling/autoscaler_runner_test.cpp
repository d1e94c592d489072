// The runner against a plugin's raw evaluate hook and a fake /scale.
#include "host/autoscaling/autoscaler_runner.hpp"

#include <gtest/gtest.h>

#include <map>

#include "lib/metrics/registry.hpp"

namespace dynop::host::autoscaling {
namespace {

const ScaleTarget kDecode{"nvidia.com/v1alpha1", "DynamoGraphDeploymentScalingAdapter", "default",
                          "sglang-agg-decode"};

class FakeScale final : public ScaleClient {
 public:
  std::map<std::string, std::int32_t> replicas;
  bool fail_writes = false;
  int writes = 0;
  kube::Result<std::int32_t> get_replicas(const ScaleTarget& t) override {
    auto it = replicas.find(t.name);
    if (it == replicas.end()) {
      kube::Error e;
      e.kind = kube::ErrorKind::kNotFound;
      e.message = "dynamographdeploymentscalingadapters.nvidia.com \"" + t.name + "\" not found";
      return e;
    }
    return it->second;
  }
  kube::Status set_replicas(const ScaleTarget& t, std::int32_t n) override {
    ++writes;
    if (fail_writes) {
      kube::Error e;
      e.kind = kube::ErrorKind::kForbidden;
      e.message = "forbidden";
      return e;
    }
    replicas[t.name] = n;
    return kube::Ok{};
  }
};

// What the plugin's evaluate returns ([plugin-out] static storage).
std::vector<dynop_scale_decision> g_decisions;
int32_t g_status = DYNOP_OK;

dynop_status evaluate(dynop_plugin*, dynop_scale_decision_list* out) {
  *out = {g_decisions.data(), g_decisions.size()};
  return {g_status,
          {g_status == DYNOP_OK ? nullptr : "no metrics", g_status == DYNOP_OK ? 0u : 10u}};
}

dynop_scale_decision make(const char* name, int32_t replicas, const char* reason) {
  static const char* group = "nvidia.com";
  static const char* version = "v1alpha1";
  static const char* kind = "DynamoGraphDeploymentScalingAdapter";
  dynop_scale_decision d{};
  d.target = {{{group, 10}, {version, 8}, {kind, 35}}, {"default", 7}, {name, strlen(name)}};
  d.desired_replicas = replicas;
  d.reason = {reason, strlen(reason)};
  d.struct_size = sizeof(d);
  return d;
}

struct Recorded {
  std::string type, reason, message;
};

class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest() {
    hooks_.abi_minor = DYNOP_ABI_VERSION_MINOR;
    hooks_.capabilities = DYNOP_CAP_AUTOSCALER;
    hooks_.autoscaler.evaluate = &evaluate;
    g_status = DYNOP_OK;
    g_decisions.clear();
    scale_.replicas["sglang-agg-decode"] = 1;
  }
  AutoscalerRunner runner() {
    return AutoscalerRunner(
        {"my-scaler", std::chrono::seconds(1), "system:serviceaccount:a:b"}, hooks_, nullptr,
        scale_, log_,
        [this](const ScaleTarget&, const std::string& type, const std::string& reason,
               const std::string& message) {
          events_.push_back({type, reason, message});
        },
        registry_);
  }
  PluginHooks hooks_;
  FakeScale scale_;
  DecisionLog log_;
  metrics::Registry registry_;
  std::vector<Recorded> events_;
};

TEST_F(RunnerTest, WritesOnlyWhenReplicasDifferAndRecordsEverything) {
  g_decisions = {make("sglang-agg-decode", 3, "queue 40 > 10")};
  auto r = runner();
  r.run_once();
  EXPECT_EQ(scale_.replicas["sglang-agg-decode"], 3);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, "Normal");
  EXPECT_EQ(events_[0].reason, "ScaledByPlugin");
  EXPECT_EQ(events_[0].message, "my-scaler: 1 -> 3: queue 40 > 10");
  r.run_once();  // already 3: no write, no event
  EXPECT_EQ(scale_.writes, 1);
  EXPECT_EQ(events_.size(), 1u);
  auto log = log_.list();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].outcome, DecisionOutcome::kScaled);
  EXPECT_EQ(log[0].writer, "plugin/my-scaler");
  EXPECT_EQ(log[0].identity, "system:serviceaccount:a:b");
  EXPECT_EQ(*log[0].from, 1);
  EXPECT_EQ(log[1].outcome, DecisionOutcome::kUnchanged);
  const std::string text = registry_.serialize();
  EXPECT_NE(text.find(R"(dynop_autoscaler_decisions_total{outcome="scaled",plugin="my-scaler"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(dynop_autoscaler_desired_replicas{kind="DynamoGraphDeploymentScalingAdapter",name="sglang-agg-decode",namespace="default",plugin="my-scaler"} 3)"),
      std::string::npos)
      << text;
}

TEST_F(RunnerTest, AppliesTheDecisionsInTheOrderThePluginListedThem) {
  // abi.h promises the list's order: a plugin sharing a GPU budget lists its
  // scale-down before the scale-up it makes room for.
  scale_.replicas["sglang-agg-prefill"] = 1;
  scale_.replicas["sglang-agg-decode"] = 6;
  g_decisions = {make("sglang-agg-decode", 5, "down first"),
                 make("sglang-agg-prefill", 2, "then up")};
  runner().run_once();
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].message, "my-scaler: 6 -> 5: down first");
  EXPECT_EQ(events_[1].message, "my-scaler: 1 -> 2: then up");
  auto log = log_.list();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].target.name, "sglang-agg-decode");
  EXPECT_EQ(log[1].target.name, "sglang-agg-prefill");
}

TEST_F(RunnerTest, FailuresAreLoggedWarnedAndCounted) {
  g_decisions = {make("missing", 2, "x"), make("sglang-agg-decode", -1, "bad"),
                 make("sglang-agg-decode", 2, "up")};
  scale_.fail_writes = true;
  auto r = runner();
  r.run_once();
  auto log = log_.list();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].outcome, DecisionOutcome::kFailed);
  EXPECT_EQ(log[0].error,
            "reading the scale of DynamoGraphDeploymentScalingAdapter default/missing: "
            "dynamographdeploymentscalingadapters.nvidia.com \"missing\" not found");
  EXPECT_EQ(log[1].error, "desired replicas -1 is negative");
  EXPECT_EQ(log[2].error, "forbidden");
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, "Warning");
  EXPECT_EQ(events_[0].reason, "FailedRescale");
  EXPECT_EQ(events_[0].message, "my-scaler: 1 -> 2 failed: forbidden");

  g_status = DYNOP_UNAVAILABLE;
  r.run_once();
  EXPECT_NE(registry_.serialize().find(
                R"(dynop_autoscaler_evaluations_total{plugin="my-scaler",result="error"} 1)"),
            std::string::npos);
  EXPECT_EQ(log_.list().size(), 3u);  // a failed evaluate decides nothing
}

TEST_F(RunnerTest, StartEvaluatesAtOnceAndStopEndsTheThread) {
  g_decisions = {make("sglang-agg-decode", 2, "up")};
  auto r = runner();
  r.start();
  for (int i = 0; i < 500 && scale_.writes == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  r.stop();
  EXPECT_EQ(scale_.replicas["sglang-agg-decode"], 2);
}

}  // namespace
}  // namespace dynop::host::autoscaling
