// HorizontalPodAutoscalers as a user meets them through the real kubectl
// against a bare dynop-localcluster: the guide's HPA manifests apply, `kubectl
// get hpa` prints kube's columns, autoscaling/v1 reads and writes the same
// objects (stored as v2, with kube's round-trip annotations), and bad
// manifests get kube-apiserver's errors. No controller acts here: nothing
// scales a target, so metrics stay <unknown>.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "lib/files/read_file.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/kubectl.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_local_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;
using test::field_text;

std::string example(const std::string& name) {
  auto text = files::read_file(test::source_path("examples/autoscaling/" + name), "example");
  EXPECT_TRUE(text.ok()) << name;
  return text.ok() ? *text : "";
}

const char kV1Hpa[] = R"(apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: default
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
  targetCPUUtilizationPercentage: 60
)";

class HpaApiE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir("dynop-hpa-api-e2e");
    cluster_ = new test::LocalCluster();
    kubectl_ = new test::Kubectl(cluster_->kubeconfig(), dir_->path() / "kube-cache");
  }
  static void TearDownTestSuite() {
    delete kubectl_;
    delete cluster_;
    delete dir_;
  }
  void SetUp() override {
    if (!std::filesystem::exists(test::kKubectlPath)) GTEST_SKIP() << "no kubectl";
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
  }
  static test::RunResult kubectl(const std::vector<std::string>& args,
                                 const std::string& input = "") {
    return kubectl_->run(args, input);
  }
  static std::string ok(const std::vector<std::string>& args, const std::string& input = "") {
    return kubectl_->ok(args, input);
  }

  static test::TempDir* dir_;
  static test::LocalCluster* cluster_;
  static test::Kubectl* kubectl_;
};

test::TempDir* HpaApiE2E::dir_ = nullptr;
test::LocalCluster* HpaApiE2E::cluster_ = nullptr;
test::Kubectl* HpaApiE2E::kubectl_ = nullptr;

TEST_F(HpaApiE2E, GuideHpasApplyAndGetHpaPrintsKubesColumns) {
  EXPECT_EQ(ok({"apply", "-f", "-"}, example("sglang-agg-decode-hpa.yaml")),
            "horizontalpodautoscaler.autoscaling/sglang-agg-decode-hpa created\n");
  EXPECT_EQ(ok({"apply", "-f", "-"}, example("sglang-agg-frontend-hpa.yaml")),
            "horizontalpodautoscaler.autoscaling/sglang-agg-frontend-hpa created\n");
  auto rows = test::table_rows(
      ok({"get", "hpa", "sglang-agg-decode-hpa", "sglang-agg-frontend-hpa", "-n", "default"}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS",
                                               "REPLICAS", "AGE"}));
  // An HPA nothing has measured yet, as kube prints it before the first sync.
  EXPECT_EQ(std::vector<std::string>(rows[1].begin(), rows[1].end() - 1),
            (std::vector<std::string>{"sglang-agg-decode-hpa",
                                      "DynamoGraphDeploymentScalingAdapter/sglang-agg-decode",
                                      "<unknown>/500m", "1", "10", "0"}));
  EXPECT_EQ(std::vector<std::string>(rows[2].begin(), rows[2].end() - 1),
            (std::vector<std::string>{"sglang-agg-frontend-hpa",
                                      "DynamoGraphDeploymentScalingAdapter/sglang-agg-frontend",
                                      "cpu:", "<unknown>/70%", "1", "10", "0"}));

  // Defaults kube's decoding fills in, and the status a new HPA starts with
  // (kubectl -o json sorts keys).
  auto hpa = kubectl_->get_json({"hpa", "sglang-agg-frontend-hpa", "-n", "default"});
  EXPECT_EQ(field_text(hpa, {"spec", "behavior", "scaleDown"}),
            R"({"policies":[{"periodSeconds":15,"type":"Percent","value":100}],)"
            R"("selectPolicy":"Max","stabilizationWindowSeconds":300})");
  EXPECT_EQ(field_text(hpa, {"spec", "behavior", "scaleUp", "policies"}),
            R"([{"periodSeconds":15,"type":"Pods","value":4},)"
            R"({"periodSeconds":15,"type":"Percent","value":100}])");
  EXPECT_EQ(field_text(hpa, {"status"}), R"({"currentMetrics":null,"desiredReplicas":0})");
}

TEST_F(HpaApiE2E, AutoscalingV1ServesTheSameObjectsWithRoundTripAnnotations) {
  EXPECT_EQ(ok({"apply", "-f", "-"}, kV1Hpa), "horizontalpodautoscaler.autoscaling/web created\n");
  // Stored as v2: the v1 CPU target is a Resource metric.
  auto v2 = kubectl_->get_json({"hpa", "web", "-n", "default"});
  EXPECT_EQ(field_text(v2, {"apiVersion"}), "autoscaling/v2");
  EXPECT_EQ(field_text(v2, {"spec", "metrics"}),
            R"([{"resource":{"name":"cpu","target":{"averageUtilization":60,)"
            R"("type":"Utilization"}},"type":"Resource"}])");
  auto rows = test::table_rows(ok({"get", "hpa", "web", "-n", "default"}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "Deployment/web");
  EXPECT_EQ(rows[1][2] + " " + rows[1][3], "cpu: <unknown>/60%");

  // A v2 HPA read as v1 keeps what v1 cannot hold in kube's annotations.
  ok({"apply", "-f", "-"}, example("sglang-agg-decode-hpa.yaml"));
  auto v1 = json::parse(ok({"get", "--raw",
                            "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/"
                            "sglang-agg-decode-hpa"}));
  EXPECT_EQ(field_text(v1, {"apiVersion"}), "autoscaling/v1");
  EXPECT_EQ(field_text(v1, {"spec"}),
            R"({"scaleTargetRef":{"kind":"DynamoGraphDeploymentScalingAdapter",)"
            R"("name":"sglang-agg-decode","apiVersion":"nvidia.com/v1alpha1"},)"
            R"("minReplicas":1,"maxReplicas":10})");
  EXPECT_EQ(field_text(v1, {"metadata", "annotations", "autoscaling.alpha.kubernetes.io/metrics"}),
            R"([{"type":"External","external":{"metricName":"dynamo_ttft_p95_seconds",)"
            R"("metricSelector":{"matchLabels":{"dynamo_namespace":"default-sglang-agg"}},)"
            R"("targetValue":"500m"}}])");
  EXPECT_EQ(field_text(v1, {"metadata", "annotations", "autoscaling.alpha.kubernetes.io/behavior"}),
            R"({"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":)"
            R"([{"Type":"Pods","Value":2,"PeriodSeconds":30}]},"ScaleDown":)"
            R"({"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":)"
            R"([{"Type":"Pods","Value":1,"PeriodSeconds":30}]}})");

  // Written back through v1 with a changed maximum, the external metric survives.
  auto& spec = v1.as_object()["spec"].as_object();
  spec["maxReplicas"] = 7;
  ok({"replace", "-f", "-"}, json::serialize(v1));
  v2 = kubectl_->get_json({"hpa", "sglang-agg-decode-hpa", "-n", "default"});
  EXPECT_EQ(field_text(v2, {"spec", "maxReplicas"}), "7");
  EXPECT_EQ(field_text(v2, {"spec", "metrics"}),
            R"([{"external":{"metric":{"name":"dynamo_ttft_p95_seconds",)"
            R"("selector":{"matchLabels":{"dynamo_namespace":"default-sglang-agg"}}},)"
            R"("target":{"type":"Value","value":"500m"}},"type":"External"}])");
  EXPECT_EQ(field_text(v2, {"metadata", "annotations", "autoscaling.alpha.kubernetes.io/metrics"}),
            "<missing>");
}

TEST_F(HpaApiE2E, BadManifestsGetKubeApiserversErrors) {
  auto unknown =
      kubectl({"apply", "-f", "-"},
              std::string(kV1Hpa).replace(std::string(kV1Hpa).find("name: web"), 9, "name: web2") +
                  "  bogus: 1\n");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("HorizontalPodAutoscaler in version \"v1\" cannot be handled as a "
                             "HorizontalPodAutoscaler: strict decoding error: unknown field "
                             "\"spec.bogus\""),
            std::string::npos)
      << unknown.err;

  auto wrong_type = kubectl({"apply", "-f", "-"}, R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: typed, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: "x"
)");
  EXPECT_NE(wrong_type.err.find("HorizontalPodAutoscaler in version \"v2\" cannot be handled as "
                                "a HorizontalPodAutoscaler: json: cannot unmarshal string into "
                                "Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas "
                                "of type int32"),
            std::string::npos)
      << wrong_type.err;

  auto invalid = kubectl({"apply", "-f", "-"}, R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: invalid, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 2
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 0}}
  behavior:
    scaleUp:
      policies: [{type: Pods, value: 1, periodSeconds: 1801}]
)");
  EXPECT_EQ(invalid.err,
            "The HorizontalPodAutoscaler \"invalid\" is invalid: \n"
            "* spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`\n"
            "* spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be "
            "greater than 0\n"
            "* spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less "
            "than or equal to 1800\n");
  EXPECT_NE(kubectl({"get", "hpa", "invalid", "-n", "default"}).exit_code, 0);
}

}  // namespace
}  // namespace dynop::e2e
