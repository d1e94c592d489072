// kube-apiserver's HPA validation messages, field by field.

#include "localcluster/builtin/autoscaling/hpa_validation.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lib/apimachinery/field_error_format.hpp"

namespace dynop::localcluster::autoscaling {
namespace {

namespace json = boost::json;

std::vector<std::string> errors_of(const char* spec, const char* old_spec = nullptr) {
  json::object hpa{{"spec", json::parse(spec)}};
  json::object old;
  if (old_spec) old = json::object{{"spec", json::parse(old_spec)}};
  std::vector<std::string> out;
  for (const auto& e : validate_hpa(hpa, old_spec ? &old : nullptr)) {
    out.push_back(apimachinery::to_string(e));
  }
  return out;
}

constexpr const char* kRef =
    R"("scaleTargetRef":{"kind":"DynamoGraphDeploymentScalingAdapter","name":"sglang-agg-decode"})";

TEST(HpaValidation, TheGuideHpasAreValid) {
  EXPECT_TRUE(errors_of((std::string("{") + kRef + R"(,"minReplicas":1,"maxReplicas":10,
    "metrics":[{"type":"External","external":{"metric":{"name":"dynamo_queued_requests","selector":{"matchLabels":{"dynamo_namespace":"default-sglang-agg"}}},"target":{"type":"Value","value":"10"}}}]})")
                            .c_str())
                  .empty());
}

TEST(HpaValidation, ReplicaBounds) {
  EXPECT_EQ(
      errors_of(
          (std::string("{") + kRef +
           R"(,"minReplicas":0,"maxReplicas":0,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]})")
              .c_str()),
      (std::vector<std::string>{
          "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
          "spec.maxReplicas: Invalid value: 0: must be greater than 0",
          "spec.metrics: Forbidden: must specify at least one Object or External metric to support "
          "scaling to zero replicas"}));
  EXPECT_EQ(
      errors_of((std::string("{") + kRef + R"(,"minReplicas":5,"maxReplicas":3})").c_str()),
      (std::vector<std::string>{
          "spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`"}));
}

TEST(HpaValidation, MetricSources) {
  EXPECT_EQ(errors_of((std::string("{") + kRef + R"(,"maxReplicas":3,"metrics":[
      {"type":"External","external":{"metric":{"name":"q"},"target":{"type":"Value","value":"0","averageValue":"1"}}},
      {"type":"Pods","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]})")
                          .c_str()),
            (std::vector<std::string>{
                "spec.metrics[0].external.target.value: Invalid value: \"0\": must be positive",
                "spec.metrics[0].external.target.value: Forbidden: may not set both a target value "
                "for metric and a per-pod target",
                "spec.metrics[1].pods: Required value: must populate information for the given "
                "metric source"}));
}

TEST(HpaValidation, BehaviorPolicies) {
  EXPECT_EQ(
      errors_of((std::string("{") + kRef + R"(,"maxReplicas":3,"behavior":{
      "scaleUp":{"stabilizationWindowSeconds":3601,"selectPolicy":"Most","policies":[{"type":"Pods","value":0,"periodSeconds":1801}]},
      "scaleDown":{"policies":[]}}})")
                    .c_str()),
      (std::vector<std::string>{
          "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 3601: must be less "
          "than or equal to 3600",
          "spec.behavior.scaleUp.selectPolicy: Unsupported value: \"Most\": supported values: "
          "\"Disabled\", \"Max\", \"Min\"",
          "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
          "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than "
          "or equal to 1800",
          "spec.behavior.scaleDown.policies: Required value: must specify at least one Policy"}));
}

TEST(HpaValidation, ScaleTargetReference) {
  EXPECT_EQ(errors_of(R"({"scaleTargetRef":{"kind":"","name":"a/b"},"maxReplicas":1})"),
            (std::vector<std::string>{
                "spec.scaleTargetRef.kind: Required value",
                "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'"}));
}

}  // namespace
}  // namespace dynop::localcluster::autoscaling
