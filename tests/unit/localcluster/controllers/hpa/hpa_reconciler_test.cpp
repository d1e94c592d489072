// One HPA sync end to end over fakes: the /scale write, the status and
// conditions, and the events, for the guide's HPAs.

#include "localcluster/controllers/hpa/hpa_reconciler.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lib/apimachinery/yaml_json.hpp"
#include "localcluster/builtin/autoscaling/hpa_defaults.hpp"

namespace dynop::localcluster::hpa {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const Timestamp kNow = Timestamp{} + std::chrono::seconds(1767225600);  // 2026-01-01T00:00:00Z

struct Event {
  std::string object, type, reason, message;
};

struct FakeCluster : HpaApi, MetricsClient, PodLister {
  int32_t spec_replicas = 1;
  int32_t status_replicas = 1;
  std::string selector = "nvidia.com/dynamo-component=decode";
  std::optional<std::string> scale_error;
  std::vector<int32_t> scale_writes;
  std::vector<json::object> status_writes;
  std::vector<Event> events;
  std::optional<Result<ExternalMetrics>> external;
  int ready_pods = 1;

  Result<Scale> get_scale(const std::string&,
                          const autoscaling::CrossVersionObjectReference&) override {
    if (scale_error) return apimachinery::Error{*scale_error};
    return Scale{spec_replicas, status_replicas, selector, {}};
  }
  Result<void> update_scale(const std::string&, const autoscaling::CrossVersionObjectReference&,
                            const Scale&, int32_t replicas) override {
    scale_writes.push_back(replicas);
    spec_replicas = replicas;
    return {};
  }
  Result<void> update_status(const json::object& hpa) override {
    status_writes.push_back(hpa);
    return {};
  }
  void record_event(const json::object& hpa, const std::string& type, const std::string& reason,
                    const std::string& message) override {
    events.push_back(
        {std::string(hpa.at("metadata").at("name").as_string()), type, reason, message});
  }
  Result<std::vector<PodInfo>> list(const std::string&, const LabelSelector& s) override {
    std::vector<PodInfo> pods;
    for (int i = 0; i < ready_pods; ++i) {
      PodInfo p;
      p.name = "decode-" + std::to_string(i);
      p.labels = {{"nvidia.com/dynamo-component", "decode"}};
      p.phase = "Running";
      p.ready = PodCondition{"True", Timestamp{}};
      p.start_time = Timestamp{};
      if (s.matches(p.labels)) pods.push_back(p);
    }
    return pods;
  }
  Result<PodMetrics> resource_metric(const std::string&, const std::string&, const LabelSelector&,
                                     const std::string&) override {
    return apimachinery::Error{"unable to fetch metrics from resource metrics API: none"};
  }
  Result<PodMetrics> raw_metric(const std::string&, const std::string&, const LabelSelector&,
                                const LabelSelector&) override {
    return apimachinery::Error{"none"};
  }
  Result<ObjectMetric> object_metric(const std::string&, const std::string&,
                                     const autoscaling::CrossVersionObjectReference&,
                                     const LabelSelector&) override {
    return apimachinery::Error{"none"};
  }
  Result<ExternalMetrics> external_metric(const std::string&, const std::string&,
                                          const LabelSelector&) override {
    return *external;
  }
};

json::object guide_decode_hpa(const char* name = "sglang-agg-decode-hpa") {
  auto doc = apimachinery::yaml_to_json(std::string(R"(
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: )") + name + R"(
  namespace: default
spec:
  scaleTargetRef:
    apiVersion: nvidia.com/v1alpha1
    kind: DynamoGraphDeploymentScalingAdapter
    name: sglang-agg-decode
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: External
    external:
      metric:
        name: dynamo_ttft_p95_seconds
        selector:
          matchLabels:
            dynamo_namespace: "default-sglang-agg"
      target:
        type: Value
        value: "500m"
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
      policies:
      - type: Pods
        value: 1
        periodSeconds: 30
    scaleUp:
      stabilizationWindowSeconds: 0
      policies:
      - type: Pods
        value: 2
        periodSeconds: 30
)");
  json::object hpa = doc->as_object();
  autoscaling::set_defaults(hpa);
  return hpa;
}

const std::string kGoSelector =
    "&LabelSelector{MatchLabels:map[string]string{dynamo_namespace: default-sglang-agg,},"
    "MatchExpressions:[]LabelSelectorRequirement{},}";

struct Reconcile : ::testing::Test {
  FakeCluster cluster;
  Timestamp now = kNow;
  HpaReconciler reconciler{cluster, cluster, cluster, HpaControllerOptions{},
                           [this] { return now; }};
};

TEST_F(Reconcile, TtftAboveTargetScalesUpByThePolicyStep) {
  cluster.external = ExternalMetrics{{1730}, kNow};  // 1.73 s against 0.5 s
  EXPECT_EQ(reconciler.reconcile(guide_decode_hpa()), "");
  EXPECT_EQ(cluster.scale_writes, std::vector<int32_t>{3});  // 1 + 2 pods per 30 s
  ASSERT_EQ(cluster.events.size(), 1u);
  EXPECT_EQ(cluster.events[0].type, "Normal");
  EXPECT_EQ(cluster.events[0].reason, "SuccessfulRescale");
  EXPECT_EQ(cluster.events[0].message,
            "New size: 3; reason: external metric dynamo_ttft_p95_seconds(" + kGoSelector +
                ") above target");
  ASSERT_EQ(cluster.status_writes.size(), 1u);
  const auto& status = cluster.status_writes[0].at("status");
  EXPECT_EQ(status.at("currentReplicas"), 1);
  EXPECT_EQ(status.at("desiredReplicas"), 3);
  EXPECT_EQ(status.at("lastScaleTime"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(status.at("currentMetrics"), json::parse(R"([{"type":"External","external":{
      "metric":{"name":"dynamo_ttft_p95_seconds","selector":{"matchLabels":{"dynamo_namespace":"default-sglang-agg"}}},
      "current":{"value":"1730m"}}}])"));
  EXPECT_EQ(status.at("conditions"), json::parse(R"J([
    {"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"SucceededRescale","message":"the HPA controller was able to update the target scale to 3"},
    {"type":"ScalingActive","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"ValidMetricFound","message":"the HPA was able to successfully calculate a replica count from external metric dynamo_ttft_p95_seconds(&LabelSelector{MatchLabels:map[string]string{dynamo_namespace: default-sglang-agg,},MatchExpressions:[]LabelSelectorRequirement{},})"},
    {"type":"ScalingLimited","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"ScaleUpLimit","message":"the desired replica count is increasing faster than the maximum scale rate"}])J"));
}

TEST_F(Reconcile, AnUnchangedStatusIsNotWrittenAgain) {
  cluster.external = ExternalMetrics{{500}, kNow};  // on target
  json::object hpa = guide_decode_hpa();
  reconciler.reconcile(hpa);
  ASSERT_EQ(cluster.status_writes.size(), 1u);
  EXPECT_TRUE(cluster.scale_writes.empty());
  hpa["status"] = cluster.status_writes[0].at("status");
  now += 15s;
  reconciler.reconcile(hpa);
  EXPECT_EQ(cluster.status_writes.size(), 1u);
}

TEST_F(Reconcile, AFailingExternalMetricKeepsTheScaleAndSaysWhy) {
  cluster.external = Result<ExternalMetrics>(apimachinery::Error{
      "unable to fetch metrics from external metrics API: the server could not find the metric "
      "dynamo_ttft_p95_seconds for namespaces"});
  const std::string err = reconciler.reconcile(guide_decode_hpa());
  EXPECT_TRUE(cluster.scale_writes.empty());
  const std::string cause = "unable to get external metric default/dynamo_ttft_p95_seconds/" +
                            kGoSelector +
                            ": unable to fetch metrics from external metrics API: the server "
                            "could not find the metric dynamo_ttft_p95_seconds for namespaces";
  ASSERT_EQ(cluster.events.size(), 2u);
  EXPECT_EQ(cluster.events[0].reason, "FailedGetExternalMetric");
  EXPECT_EQ(cluster.events[0].message, cause);
  EXPECT_EQ(cluster.events[1].reason, "FailedComputeMetricsReplicas");
  EXPECT_EQ(cluster.events[1].message,
            "invalid metrics (1 invalid out of 1), first error is: failed to get external metric "
            "dynamo_ttft_p95_seconds: " +
                cause);
  const auto& conditions = cluster.status_writes.at(0).at("status").at("conditions").as_array();
  EXPECT_EQ(conditions.at(1).at("reason"), "FailedGetExternalMetric");
  EXPECT_EQ(conditions.at(1).at("message"),
            json::value("the HPA was unable to compute the replica count: " + cause));
  EXPECT_EQ(err.rfind("failed to compute desired number of replicas based on listed metrics for "
                      "DynamoGraphDeploymentScalingAdapter/default/sglang-agg-decode: ",
                      0),
            0u);
}

TEST_F(Reconcile, TargetAtZeroDisablesScaling) {
  cluster.spec_replicas = 0;
  reconciler.reconcile(guide_decode_hpa());
  EXPECT_TRUE(cluster.scale_writes.empty());
  const auto& conditions = cluster.status_writes.at(0).at("status").at("conditions").as_array();
  EXPECT_EQ(conditions.at(1).at("reason"), "ScalingDisabled");
  EXPECT_EQ(conditions.at(1).at("message"),
            "scaling is disabled since the replica count of the target is zero");
}

TEST_F(Reconcile, AScaleWithoutSelectorIsInvalid) {
  cluster.selector = "";
  cluster.external = ExternalMetrics{{1730}, kNow};
  reconciler.reconcile(guide_decode_hpa());
  ASSERT_GE(cluster.events.size(), 1u);
  EXPECT_EQ(cluster.events[0].reason, "SelectorRequired");
  EXPECT_EQ(cluster.events[0].message, "selector is required");
  const auto& conditions = cluster.status_writes.at(0).at("status").at("conditions").as_array();
  EXPECT_EQ(conditions.at(1).at("reason"), "InvalidSelector");
}

TEST_F(Reconcile, TwoHpasOnOneTargetAreAmbiguous) {
  cluster.external = ExternalMetrics{{1730}, kNow};
  reconciler.reconcile(guide_decode_hpa("a-hpa"));
  cluster.events.clear();
  cluster.status_writes.clear();
  reconciler.reconcile(guide_decode_hpa("b-hpa"));
  ASSERT_GE(cluster.events.size(), 1u);
  EXPECT_EQ(cluster.events[0].reason, "AmbiguousSelector");
  EXPECT_EQ(cluster.events[0].message,
            "pods by selector nvidia.com/dynamo-component=decode are controlled by multiple HPAs: "
            "[default/a-hpa default/b-hpa]");
  reconciler.forget("default", "a-hpa");
  cluster.events.clear();
  reconciler.reconcile(guide_decode_hpa("b-hpa"));
  EXPECT_EQ(cluster.events.at(0).reason, "SuccessfulRescale");
}

TEST_F(Reconcile, ScaleReadFailureIsFailedGetScale) {
  cluster.scale_error =
      "dynamographdeploymentscalingadapters.nvidia.com \"sglang-agg-decode\" not found";
  reconciler.reconcile(guide_decode_hpa());
  ASSERT_EQ(cluster.events.size(), 1u);
  EXPECT_EQ(cluster.events[0].reason, "FailedGetScale");
  const auto& conditions = cluster.status_writes.at(0).at("status").at("conditions").as_array();
  EXPECT_EQ(conditions.at(0).at("reason"), "FailedGetScale");
  EXPECT_EQ(conditions.at(0).at("message"),
            "the HPA controller was unable to get the target's current scale: "
            "dynamographdeploymentscalingadapters.nvidia.com \"sglang-agg-decode\" not found");
}

}  // namespace
}  // namespace dynop::localcluster::hpa
