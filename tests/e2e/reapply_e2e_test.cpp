// Re-applying changed manifests of built-in kinds with the real kubectl:
// `kubectl apply` sends a strategic merge patch for them, which
// dynop-localcluster must take as kube-apiserver does. The manifests are the
// project's own: the guide's HPA example, packaging/webhook's
// ValidatingWebhookConfiguration and PodDisruptionBudget, and packaging/rbac.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/kubectl.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;

std::string read_source(const std::string& relative) {
  return test::file_text(test::source_path(relative));
}

// The one document of a multi-document manifest that declares `kind`.
std::string document_of_kind(const std::string& manifest, const std::string& kind) {
  std::string rest = manifest;
  while (!rest.empty()) {
    const auto end = rest.find("\n---\n");
    std::string doc = rest.substr(0, end);
    if (doc.find("\nkind: " + kind + "\n") != std::string::npos) return doc + "\n";
    if (end == std::string::npos) break;
    rest = rest.substr(end + 5);
  }
  ADD_FAILURE() << "no " << kind << " in the manifest";
  return "";
}

// `text` with its first `from` replaced by `to` (a test failure when absent).
std::string changed(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "\"" << from << "\" not in the manifest";
    return text;
  }
  return text.replace(at, from.size(), to);
}

class ReapplyE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::kKubectlPath)) GTEST_SKIP() << "no kubectl";
    ASSERT_TRUE(cluster_.ok()) << cluster_.error();
  }

  test::RunResult kubectl(const std::vector<std::string>& args) { return kubectl_.run(args); }
  std::string ok(const std::vector<std::string>& args) { return kubectl_.ok(args); }
  std::string apply(const std::string& manifest) {
    return kubectl_.ok({"apply", "-f", "-"}, manifest);
  }
  json::value get_json(const std::vector<std::string>& args) { return kubectl_.get_json(args); }

  test::TempDir dir_{"dynop-reapply-e2e"};
  test::LocalCluster cluster_;
  test::Kubectl kubectl_{cluster_.kubeconfig(), dir_.path() / "kube-cache"};
};

TEST_F(ReapplyE2E, GuideHpaExampleAppliesAgainAfterAChange) {
  const std::string hpa = read_source("examples/autoscaling/sglang-agg-decode-hpa.yaml");
  EXPECT_EQ(apply(hpa), "horizontalpodautoscaler.autoscaling/sglang-agg-decode-hpa created\n");
  EXPECT_EQ(apply(changed(hpa, "maxReplicas: 10", "maxReplicas: 12")),
            "horizontalpodautoscaler.autoscaling/sglang-agg-decode-hpa configured\n");
  auto got = get_json({"hpa", "sglang-agg-decode-hpa", "-n", "default"});
  EXPECT_EQ(test::field_text(got, {"spec", "maxReplicas"}), "12");
  EXPECT_EQ(test::field_text(got, {"spec", "minReplicas"}), "1");
  const auto& metrics = got.at("spec").at("metrics").as_array();
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(test::field_text(metrics[0], {"external", "metric", "name"}),
            "dynamo_ttft_p95_seconds");
  // Removing the scaleDown behaviour from the manifest removes what the user set.
  const std::string without_scale_down =
      changed(hpa,
              "    scaleDown:\n      stabilizationWindowSeconds: 60  # Wait 1 min before scaling "
              "down\n      policies:\n      - type: Pods\n        value: 1\n        periodSeconds: "
              "30\n",
              "");
  EXPECT_EQ(apply(without_scale_down),
            "horizontalpodautoscaler.autoscaling/sglang-agg-decode-hpa configured\n");
  got = get_json({"hpa", "sglang-agg-decode-hpa", "-n", "default"});
  // The patch removes it; kube's defaulting (behavior set, scaleDown nil)
  // then fills in the default scale-down rules, as on kube-apiserver.
  EXPECT_EQ(test::field_text(got, {"spec", "behavior", "scaleDown"}),
            R"({"policies":[{"periodSeconds":15,"type":"Percent","value":100}],)"
            R"("selectPolicy":"Max"})");
  EXPECT_EQ(test::field_text(got, {"spec", "behavior", "scaleUp", "stabilizationWindowSeconds"}),
            "0");
  EXPECT_EQ(test::field_text(got, {"spec", "maxReplicas"}), "10");
}

TEST_F(ReapplyE2E, WebhookConfigurationAndDisruptionBudgetApplyAgainAfterAChange) {
  const std::string manifest = read_source("packaging/webhook/webhook.yaml");
  ok({"create", "namespace", "dynop-system"});

  const std::string vwc = document_of_kind(manifest, "ValidatingWebhookConfiguration");
  EXPECT_EQ(apply(vwc),
            "validatingwebhookconfiguration.admissionregistration.k8s.io/"
            "dynop-validating-webhooks created\n");
  // A certificate injector (cert-manager, make-self-signed-cert.sh) fills in
  // the caBundle the manifest leaves out; re-applying must keep it.
  ok({"patch", "validatingwebhookconfiguration", "dynop-validating-webhooks", "--type=json", "-p",
      R"([{"op":"add","path":"/webhooks/0/clientConfig/caBundle","value":"Q0EK"}])"});
  EXPECT_EQ(apply(changed(vwc, "timeoutSeconds: 10", "timeoutSeconds: 5")),
            "validatingwebhookconfiguration.admissionregistration.k8s.io/"
            "dynop-validating-webhooks configured\n");
  auto got = get_json({"validatingwebhookconfiguration", "dynop-validating-webhooks"});
  const auto& webhooks = got.at("webhooks").as_array();
  ASSERT_EQ(webhooks.size(), 2u);
  EXPECT_EQ(test::field_text(webhooks[0], {"name"}), "validate.dynamographdeployments.nvidia.com");
  EXPECT_EQ(test::field_text(webhooks[0], {"timeoutSeconds"}), "5");
  EXPECT_EQ(test::field_text(webhooks[0], {"clientConfig", "caBundle"}), "Q0EK");
  EXPECT_EQ(test::field_text(webhooks[1], {"timeoutSeconds"}), "10");

  const std::string pdb = document_of_kind(manifest, "PodDisruptionBudget");
  EXPECT_EQ(apply(pdb), "poddisruptionbudget.policy/dynop created\n");
  EXPECT_EQ(apply(changed(pdb, "minAvailable: 1", "maxUnavailable: 1")),
            "poddisruptionbudget.policy/dynop configured\n");
  got = get_json({"pdb", "dynop", "-n", "dynop-system"});
  EXPECT_EQ(test::field_text(got, {"spec", "maxUnavailable"}), "1");
  EXPECT_EQ(test::field_text(got, {"spec", "minAvailable"}), "<missing>");
  EXPECT_EQ(test::field_text(got, {"spec", "selector"}),
            R"({"matchLabels":{"app.kubernetes.io/name":"dynop"}})");
}

TEST_F(ReapplyE2E, RbacManifestsPassAServerDryRunThenApplyAndApplyAgain) {
  const std::string rbac = test::source_path("packaging/rbac");
  // A server-side dry run of namespaced objects needs their namespace.
  ok({"create", "namespace", "dynop-system"});
  // A kustomization (packaging/rbac/kustomization.yaml, a part of
  // packaging/kubernetes/base): applied with -k, as its README says.
  const std::string dry = ok({"apply", "--dry-run=server", "-k", rbac});
  for (const char* line :
       {"clusterrole.rbac.authorization.k8s.io/dynop created (server dry run)",
        "clusterrolebinding.rbac.authorization.k8s.io/dynop created (server dry "
        "run)",
        "serviceaccount/dynop created (server dry run)",
        "role.rbac.authorization.k8s.io/dynop-leader-election created (server "
        "dry run)",
        "rolebinding.rbac.authorization.k8s.io/dynop-leader-election created "
        "(server dry run)",
        "clusterrole.rbac.authorization.k8s.io/dynop-planner created (server dry "
        "run)"}) {
    EXPECT_NE(dry.find(line), std::string::npos) << line << "\n" << dry;
  }
  auto absent = kubectl({"get", "clusterrole", "dynop"});
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_NE(absent.err.find("not found"), std::string::npos) << absent.err;

  ok({"apply", "-k", rbac});
  const std::string again = ok({"apply", "-k", rbac});
  EXPECT_NE(again.find("clusterrole.rbac.authorization.k8s.io/dynop unchanged"), std::string::npos)
      << again;
  auto role = get_json({"clusterrole", "dynop"});
  EXPECT_GE(role.at("rules").as_array().size(), 8u);
  auto binding = get_json({"clusterrolebinding", "dynop"});
  EXPECT_EQ(test::field_text(binding, {"roleRef", "name"}), "dynop");
  EXPECT_EQ(test::field_text(binding.at("subjects").at(0), {"namespace"}), "dynop-system");
}

}  // namespace
}  // namespace dynop::e2e
