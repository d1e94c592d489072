// v1 <-> v2 HorizontalPodAutoscaler conversion as kube-apiserver does it:
// what an autoscaling/v1 client reads for the guide's HPAs, and what a v1
// object becomes when stored.

#include "localcluster/builtin/autoscaling/hpa_conversion.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "localcluster/builtin/autoscaling/hpa_defaults.hpp"

namespace dynop::localcluster::autoscaling {
namespace {

namespace json = boost::json;

json::object parse(const char* text) { return json::parse(text).as_object(); }

const char* kGuideDecodeHpa = R"({
  "apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
  "metadata":{"name":"sglang-agg-decode-hpa","namespace":"default","annotations":{"team":"ml"}},
  "spec":{"scaleTargetRef":{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeploymentScalingAdapter","name":"sglang-agg-decode"},
    "minReplicas":1,"maxReplicas":10,
    "metrics":[{"type":"External","external":{"metric":{"name":"dynamo_ttft_p95_seconds","selector":{"matchLabels":{"dynamo_namespace":"default-sglang-agg"}}},"target":{"type":"Value","value":"500m"}}}],
    "behavior":{"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":2,"periodSeconds":30}]},
                "scaleDown":{"stabilizationWindowSeconds":60,"selectPolicy":"Max","policies":[{"type":"Pods","value":1,"periodSeconds":30}]}}},
  "status":{"currentReplicas":2,"desiredReplicas":3,"lastScaleTime":"2026-01-01T00:00:00Z",
    "currentMetrics":[{"type":"External","external":{"metric":{"name":"dynamo_ttft_p95_seconds","selector":{"matchLabels":{"dynamo_namespace":"default-sglang-agg"}}},"current":{"value":"730m"}}}],
    "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"SucceededRescale","message":"the HPA controller was able to update the target scale to 3"}]}})";

TEST(HpaConversion, V2ToV1CarriesWhatV1CannotHoldInAnnotations) {
  json::object v1 = hpa_v2_to_v1(parse(kGuideDecodeHpa));
  EXPECT_EQ(v1.at("apiVersion"), "autoscaling/v1");
  EXPECT_EQ(
      v1.at("spec"),
      json::parse(
          R"({"scaleTargetRef":{"kind":"DynamoGraphDeploymentScalingAdapter","name":"sglang-agg-decode","apiVersion":"nvidia.com/v1alpha1"},"minReplicas":1,"maxReplicas":10})"));
  EXPECT_EQ(
      v1.at("status"),
      json::parse(
          R"({"lastScaleTime":"2026-01-01T00:00:00Z","currentReplicas":2,"desiredReplicas":3})"));
  const auto& annotations = v1.at("metadata").at("annotations").as_object();
  EXPECT_EQ(
      annotations.at("autoscaling.alpha.kubernetes.io/metrics"),
      R"([{"type":"External","external":{"metricName":"dynamo_ttft_p95_seconds","metricSelector":{"matchLabels":{"dynamo_namespace":"default-sglang-agg"}},"targetValue":"500m"}}])");
  EXPECT_EQ(
      annotations.at("autoscaling.alpha.kubernetes.io/current-metrics"),
      R"([{"type":"External","external":{"metricName":"dynamo_ttft_p95_seconds","metricSelector":{"matchLabels":{"dynamo_namespace":"default-sglang-agg"}},"currentValue":"730m"}}])");
  EXPECT_EQ(
      annotations.at("autoscaling.alpha.kubernetes.io/behavior"),
      R"({"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":2,"PeriodSeconds":30}]},"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":30}]}})");
  EXPECT_EQ(
      annotations.at("autoscaling.alpha.kubernetes.io/conditions"),
      R"([{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"SucceededRescale","message":"the HPA controller was able to update the target scale to 3"}])");
  EXPECT_EQ(annotations.at("team"), "ml");
  // Go writes map keys sorted.
  std::vector<std::string> keys;
  for (const auto& kv : annotations) keys.emplace_back(kv.key());
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
}

TEST(HpaConversion, CpuUtilizationIsTheV1Field) {
  json::object v2 = parse(
      R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"f"},
    "spec":{"scaleTargetRef":{"kind":"DynamoGraphDeploymentScalingAdapter","name":"sglang-agg-frontend"},"minReplicas":1,"maxReplicas":10,
      "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]},
    "status":{"currentReplicas":1,"desiredReplicas":1,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageValue":"315m","averageUtilization":45}}}]}})");
  json::object v1 = hpa_v2_to_v1(v2);
  EXPECT_EQ(v1.at("spec").at("targetCPUUtilizationPercentage"), 70);
  EXPECT_EQ(v1.at("status").at("currentCPUUtilizationPercentage"), 45);
  const auto& annotations = v1.at("metadata").at("annotations").as_object();
  EXPECT_FALSE(annotations.contains("autoscaling.alpha.kubernetes.io/metrics"));
  // The status annotation stays, for the raw value.
  EXPECT_EQ(
      annotations.at("autoscaling.alpha.kubernetes.io/current-metrics"),
      R"([{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":45,"currentAverageValue":"315m"}}])");
}

TEST(HpaConversion, V1WithoutMetricsDefaultsToEightyPercentCpu) {
  json::object v2 = hpa_v1_to_v2(parse(
      R"({"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"x"},
    "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},"maxReplicas":4}})"));
  set_defaults(v2);
  EXPECT_EQ(
      v2.at("spec"),
      json::parse(
          R"({"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},"maxReplicas":4,"minReplicas":1,
              "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]})"));
}

TEST(HpaConversion, RoundTripThroughV1KeepsEveryV2Field) {
  json::object original = parse(kGuideDecodeHpa);
  json::object back = hpa_v1_to_v2(hpa_v2_to_v1(original));
  EXPECT_EQ(back.at("spec"), original.at("spec"));
  EXPECT_EQ(back.at("status"), original.at("status"));
  // Only the user's annotation is stored.
  EXPECT_EQ(back.at("metadata").at("annotations"), json::parse(R"({"team":"ml"})"));
}

TEST(HpaConversion, V1AnnotationMetricsComeBeforeTheCpuTarget) {
  json::object v2 = hpa_v1_to_v2(parse(
      R"({"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"x",
      "annotations":{"autoscaling.alpha.kubernetes.io/metrics":"[{\"type\":\"External\",\"external\":{\"metricName\":\"q\",\"targetAverageValue\":\"10\"}}]",
                     "autoscaling.alpha.kubernetes.io/behavior":"{\"scaleDown\":{\"stabilizationWindowSeconds\":60}}"}},
    "spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":4,"targetCPUUtilizationPercentage":50}})"));
  EXPECT_EQ(
      v2.at("spec").at("metrics"),
      json::parse(
          R"([{"type":"External","external":{"metric":{"name":"q"},"target":{"type":"AverageValue","averageValue":"10"}}},
                            {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}])"));
  // encoding/json matched "scaleDown" to the internal field ScaleDown.
  EXPECT_EQ(v2.at("spec").at("behavior"),
            json::parse(R"({"scaleDown":{"stabilizationWindowSeconds":60}})"));
  EXPECT_FALSE(v2.at("metadata").as_object().contains("annotations"));
}

TEST(HpaDefaults, BehaviorRulesAreFilledOnceBehaviorIsGiven) {
  json::object hpa = parse(R"({"spec":{"scaleTargetRef":{"kind":"K","name":"n"},"maxReplicas":10,
    "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}],
    "behavior":{"scaleDown":{"stabilizationWindowSeconds":300},"scaleUp":{"stabilizationWindowSeconds":0}}}})");
  set_defaults(hpa);
  EXPECT_EQ(
      hpa.at("spec").at("behavior"),
      json::parse(
          R"({"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]},
                            "scaleDown":{"stabilizationWindowSeconds":300,"selectPolicy":"Max","policies":[{"type":"Percent","value":100,"periodSeconds":15}]}})"));
  EXPECT_EQ(hpa.at("spec").at("minReplicas"), 1);
}

}  // namespace
}  // namespace dynop::localcluster::autoscaling
