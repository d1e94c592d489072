// KEDA's pieces: the guide's ScaledObjects, the HPA KEDA builds for them,
// the prometheus scaler's reading of query results, the scale executor's
// decisions and the fallback.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>

#include "lib/apimachinery/yaml_json.hpp"
#include "localcluster/controllers/keda/fallback.hpp"
#include "localcluster/controllers/keda/keda_hpa.hpp"
#include "localcluster/controllers/keda/prometheus_trigger.hpp"
#include "localcluster/controllers/keda/scale_executor.hpp"
#include "localcluster/controllers/keda/scaled_object.hpp"

namespace dynop::localcluster::keda {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// examples/autoscaling/sglang-agg-decode-scaler.yaml, with its uid.
json::object guide_scaler() {
  auto doc = apimachinery::yaml_to_json(R"(
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: sglang-agg-decode-scaler
  namespace: default
  uid: "1234"
  labels:
    scaledobject.keda.sh/name: sglang-agg-decode-scaler
spec:
  scaleTargetRef:
    apiVersion: nvidia.com/v1alpha1
    kind: DynamoGraphDeploymentScalingAdapter
    name: sglang-agg-decode
  minReplicaCount: 1
  maxReplicaCount: 10
  pollingInterval: 15
  cooldownPeriod: 60
  triggers:
  - type: prometheus
    metadata:
      serverAddress: http://prometheus-kube-prometheus-prometheus.monitoring.svc:9090
      metricName: dynamo_ttft_p95
      query: |
        histogram_quantile(0.95, sum(rate(dynamo_frontend_time_to_first_token_seconds_bucket{dynamo_namespace="default-sglang-agg"}[5m])) by (le))
      threshold: "0.5"
      activationThreshold: "0.1"
)");
  return doc->as_object();
}

TEST(ScaledObjectSpec, GuideScalerWithKedaDefaults) {
  auto so = guide_scaler();
  auto spec = parse_scaled_object_spec(so.at("spec"));
  EXPECT_EQ(spec.polling_interval_seconds(), 15);
  EXPECT_EQ(spec.cooldown_period_seconds(), 60);
  EXPECT_EQ(spec.hpa_min_replicas(), 1);
  EXPECT_EQ(spec.hpa_max_replicas(), 10);
  ScaledObjectSpec defaults =
      parse_scaled_object_spec(json::parse(R"({"scaleTargetRef":{"name":"w"}})"));
  EXPECT_EQ(defaults.polling_interval_seconds(), 30);
  EXPECT_EQ(defaults.cooldown_period_seconds(), 300);
  EXPECT_EQ(defaults.hpa_min_replicas(), 1);
  EXPECT_EQ(defaults.hpa_max_replicas(), 100);
  EXPECT_EQ(defaults.scale_target_ref.kind, "Deployment");
  EXPECT_TRUE(check_replica_count_bounds(spec).ok());
  spec.min_replica_count = 12;
  EXPECT_EQ(check_replica_count_bounds(spec).error(),
            "MinReplicaCount=12 must be less than MaxReplicaCount=10");
}

TEST(KedaHpa, GuideScalerBecomesKedaHpaWithExternalMetric) {
  auto so = guide_scaler();
  auto spec = parse_scaled_object_spec(so.at("spec"));
  auto meta = parse_prometheus_metadata(spec.triggers[0], 0);
  ASSERT_TRUE(meta.ok()) << meta.error();
  auto hpa = build_keda_hpa(so, spec, {hpa_metric_spec(*meta, "sglang-agg-decode-scaler")},
                            "nvidia.com/v1alpha1", "DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(hpa, json::parse(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
    "metadata":{"name":"keda-hpa-sglang-agg-decode-scaler","namespace":"default",
      "labels":{"app.kubernetes.io/name":"keda-hpa-sglang-agg-decode-scaler","app.kubernetes.io/version":"2.16.0",
                "app.kubernetes.io/part-of":"sglang-agg-decode-scaler","app.kubernetes.io/managed-by":"keda-operator",
                "scaledobject.keda.sh/name":"sglang-agg-decode-scaler"},
      "ownerReferences":[{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","name":"sglang-agg-decode-scaler","uid":"1234","controller":true,"blockOwnerDeletion":true}]},
    "spec":{"scaleTargetRef":{"kind":"DynamoGraphDeploymentScalingAdapter","name":"sglang-agg-decode","apiVersion":"nvidia.com/v1alpha1"},
      "minReplicas":1,"maxReplicas":10,
      "metrics":[{"type":"External","external":{"metric":{"name":"s0-prometheus","selector":{"matchLabels":{"scaledobject.keda.sh/name":"sglang-agg-decode-scaler"}}},
                  "target":{"type":"AverageValue","averageValue":"500m"}}}]}})"));
}

TEST(PrometheusTrigger, MetadataErrorsAsKedaWordsThem) {
  Trigger t;
  t.type = "prometheus";
  t.metadata = {{"query", "up"}, {"threshold", "1"}};
  EXPECT_EQ(parse_prometheus_metadata(t, 0).error(),
            "error parsing prometheus metadata: missing required parameter \"serverAddress\" in "
            "[triggerMetadata]");
  t.metadata["serverAddress"] = "http://p:9090";
  t.metadata["threshold"] = "lots";
  EXPECT_EQ(parse_prometheus_metadata(t, 0).error(),
            "error parsing prometheus metadata: unable to set param \"threshold\" value \"lots\": "
            "unable to parse float");
  t.metadata["threshold"] = "10";
  t.metric_type = "Value";
  auto m = parse_prometheus_metadata(t, 2);
  ASSERT_TRUE(m.ok());
  auto spec = hpa_metric_spec(*m, "so");
  EXPECT_EQ(spec.metric.name, "s2-prometheus");
  EXPECT_EQ(spec.target.type, "Value");
  EXPECT_EQ(spec.target.value->to_string(), "10");
}

prometheus::QueryResult vector_of(std::vector<double> values) {
  prometheus::QueryResult r;
  r.result_type = "vector";
  for (double v : values) r.samples.push_back({{}, v, 0});
  return r;
}

TEST(PrometheusTrigger, QueryResultsBecomeValuesAndActivity) {
  PrometheusMetadata m;
  m.query = "q";
  m.activation_threshold = 0.1;
  auto eval = [&](apimachinery::Result<prometheus::QueryResult> r, unsigned status = 0) {
    return evaluate_query_result(m, r, status);
  };
  EXPECT_EQ(eval(vector_of({0.73}))->value, 0.73);
  EXPECT_TRUE(eval(vector_of({0.73}))->active);
  EXPECT_FALSE(eval(vector_of({0.1}))->active);  // must exceed the activation threshold
  EXPECT_EQ(eval(vector_of({}))->value, 0);
  EXPECT_EQ(eval(vector_of({std::nan("")}))->value, 0);  // histogram_quantile of no traffic
  EXPECT_EQ(eval(vector_of({1, 2})).error(), "prometheus query q returned multiple elements");
  EXPECT_EQ(eval(apimachinery::Error{"x"}, 503).error(),
            "prometheus query api returned error. status: 503");
  m.ignore_null_values = false;
  EXPECT_EQ(eval(vector_of({})).error(),
            "prometheus metrics 'prometheus' target may be lost, the result is empty");
  EXPECT_EQ(eval(vector_of({INFINITY})).error(), "prometheus query returns +Inf");
}

struct ExecutorCase : ::testing::Test {
  ScaledObjectSpec spec =
      parse_scaled_object_spec(json::parse(R"({"scaleTargetRef":{"name":"sglang-agg-decode"},
      "minReplicaCount":0,"maxReplicaCount":10,"cooldownPeriod":60})"));
  ExecutorInput in;
  const Timestamp now = Timestamp{} + std::chrono::hours(24 * 365 * 50);
  ExecutorCase() {
    in.spec = &spec;
    in.ns = "default";
    in.scale_target_kind = "nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter";
    in.ready_status = "True";
    in.active_status = "Unknown";
    in.active_triggers = {"prometheusScaler"};
    in.now = now;
    in.creation_timestamp = now - 1h;
  }
};

TEST_F(ExecutorCase, ActiveAtZeroScalesToOne) {
  in.is_active = true;
  in.current_replicas = 0;
  auto d = decide_scale(in);
  EXPECT_EQ(d.scale_to, 1);
  EXPECT_TRUE(d.update_last_active_time);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "KEDAScaleTargetActivated");
  EXPECT_EQ(
      d.events[0].message,
      "Scaled nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter default/sglang-agg-decode "
      "from 0 to 1, triggered by prometheusScaler");
  ASSERT_EQ(d.conditions.size(), 1u);
  EXPECT_EQ(d.conditions[0].reason, "ScalerActive");
}

TEST_F(ExecutorCase, InactiveWaitsForTheCooldownThenScalesToZero) {
  in.is_active = false;
  in.current_replicas = 3;
  in.last_active_time = now - 30s;
  auto d = decide_scale(in);
  EXPECT_EQ(d.scale_to, std::nullopt);
  ASSERT_EQ(d.conditions.size(), 1u);
  EXPECT_EQ(d.conditions[0].reason, "ScalerCooldown");
  EXPECT_EQ(d.conditions[0].message, "Scaler cooling down because triggers are not active");

  in.active_status = "False";
  in.active_reason = "ScalerCooldown";
  in.last_active_time = now - 61s;
  d = decide_scale(in);
  EXPECT_EQ(d.scale_to, 0);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "KEDAScaleTargetDeactivated");
  EXPECT_EQ(d.events[0].message,
            "Deactivated nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter "
            "default/sglang-agg-decode from 3 to 0");
  EXPECT_EQ(d.conditions.back().reason, "ScalerNotActive");
}

TEST_F(ExecutorCase, WithMinReplicasTheHpaScalesDownNotKeda) {
  spec.min_replica_count = 1;
  in.is_active = false;
  in.current_replicas = 3;
  in.last_active_time = now - 600s;
  auto d = decide_scale(in);
  EXPECT_EQ(d.scale_to, std::nullopt);
  in.current_replicas = 0;  // below min: back to min
  EXPECT_EQ(decide_scale(in).scale_to, 1);
}

TEST_F(ExecutorCase, FailingTriggersWithoutFallbackMakeItNotReady) {
  in.is_error = true;
  in.current_replicas = 2;
  auto d = decide_scale(in);
  ASSERT_FALSE(d.conditions.empty());
  EXPECT_EQ(d.conditions[0].type, "Ready");
  EXPECT_EQ(d.conditions[0].status, "False");
  EXPECT_EQ(d.conditions[0].reason, "TriggerError");
  EXPECT_EQ(d.scale_to, std::nullopt);
}

TEST(Fallback, AfterTheThresholdTheMetricAsksForTheFallbackReplicas) {
  auto spec = parse_scaled_object_spec(json::parse(
      R"({"scaleTargetRef":{"name":"w"},"fallback":{"failureThreshold":2,"replicas":6}})"));
  autoscaling::MetricSpec metric;
  metric.type = "External";
  metric.target.type = "AverageValue";
  metric.target.average_value = *apimachinery::Quantity::parse("10");
  Health health;
  auto first = apply_fallback(spec, metric, health, "s0-prometheus", true);
  EXPECT_TRUE(first.error_stays);
  EXPECT_EQ(first.health.at("s0-prometheus").number_of_failures, 1);
  auto third = apply_fallback(
      spec, metric, apply_fallback(spec, metric, first.health, "s0-prometheus", true).health,
      "s0-prometheus", true);
  EXPECT_FALSE(third.error_stays);
  EXPECT_EQ(third.fallback_milli_value, 60000);         // 6 replicas x 10
  EXPECT_EQ(third.fallback_condition.status, "False");  // the condition lags by one request
  auto fourth = apply_fallback(spec, metric, third.health, "s0-prometheus", true);
  EXPECT_EQ(fourth.fallback_condition.reason, "FallbackExists");
  auto healed = apply_fallback(spec, metric, fourth.health, "s0-prometheus", false);
  EXPECT_EQ(healed.health.at("s0-prometheus").status, "Happy");
  EXPECT_EQ(healed.health.at("s0-prometheus").number_of_failures, 0);
}

}  // namespace
}  // namespace dynop::localcluster::keda
