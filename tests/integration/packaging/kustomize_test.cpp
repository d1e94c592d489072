// packaging/kubernetes: every overlay renders with the real `kubectl
// kustomize`, holds what running dynop in a cluster needs (two replicas with
// leader election, /livez and /readyz probes, requests, a disruption budget,
// the webhook and its certificate, the scrape configs upstream Dynamo uses),
// and the render passes a server-side dry run on dynop-localcluster, then
// applies. The CRDs of the Prometheus Operator and cert-manager, which the
// local cluster does not serve by itself, come first from
// tests/fixtures/kubernetes.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/kubectl.hpp"
#include "tests/support/manifests.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::packaging {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using test::find_object;

std::vector<std::string> strings(const YAML::Node& list) {
  std::vector<std::string> out;
  for (const YAML::Node& item : list) out.push_back(item.as<std::string>());
  return out;
}

// A copy of packaging/ (the overlays reach ../../rbac and ../../webhook), with
// the self-signed overlay's certificate bootstrapped as its README says.
class Overlays : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(test::kKubectlPath)) GTEST_SKIP() << "no kubectl";
    fs::copy(test::source_path("packaging"), dir_.path() / "packaging",
             fs::copy_options::recursive);
    auto cert = test::run(test::source_path("packaging/webhook/make-self-signed-cert.sh"),
                          {"--out", (overlays() / "self-signed").string()}, 30s);
    ASSERT_EQ(cert.exit_code, 0) << cert.err << cert.out;
  }

  fs::path overlays() const { return dir_.path() / "packaging/kubernetes/overlays"; }

  std::vector<std::string> overlay_names() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(overlays()))
      if (entry.is_directory()) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  // `kubectl kustomize <overlay>`, exactly as the README runs it.
  std::string render(const std::string& overlay) {
    auto r = test::run(test::kKubectlPath, {"kustomize", (overlays() / overlay).string()}, 60s);
    EXPECT_EQ(r.exit_code, 0) << overlay << ": " << r.err;
    return r.out;
  }

  test::TempDir dir_{"dynop-kustomize"};
};

TEST_F(Overlays, TheTwoCertificateWaysExist) {
  EXPECT_EQ(overlay_names(), (std::vector<std::string>{"cert-manager", "self-signed"}));
}

TEST_F(Overlays, EachRendersTheOperatorWithLeaderElectionProbesAndADisruptionBudget) {
  for (const std::string& overlay : overlay_names()) {
    SCOPED_TRACE(overlay);
    const auto docs = test::manifest_objects(render(overlay));
    const YAML::Node deployment = find_object(docs, "Deployment", "dynop");
    ASSERT_TRUE(deployment);
    EXPECT_EQ(deployment["metadata"]["namespace"].as<std::string>(), "dynop-system");
    EXPECT_EQ(deployment["spec"]["replicas"].as<int>(), 2);
    const YAML::Node pod = deployment["spec"]["template"]["spec"];
    EXPECT_EQ(pod["serviceAccountName"].as<std::string>(), "dynop");
    EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>());
    const YAML::Node container = pod["containers"][0];
    EXPECT_EQ(container["image"].as<std::string>(), std::string("dynop:") + DYNOP_VERSION);
    const auto args = strings(container["args"]);
    EXPECT_NE(std::find(args.begin(), args.end(), "--leader-elect=true"), args.end());
    EXPECT_NE(std::find(args.begin(), args.end(), "--admission-address=:9443"), args.end());
    EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/livez");
    EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
    EXPECT_TRUE(container["resources"]["requests"]["cpu"]);
    EXPECT_TRUE(container["resources"]["requests"]["memory"]);
    EXPECT_EQ(pod["volumes"][0]["secret"]["secretName"].as<std::string>(), "dynop-webhook-tls");

    const YAML::Node pdb = find_object(docs, "PodDisruptionBudget", "dynop");
    EXPECT_EQ(pdb["spec"]["minAvailable"].as<int>(), 1);
    EXPECT_EQ(find_object(docs, "Service", "dynop-webhook")["spec"]["ports"][0]["targetPort"]
                  .as<std::string>(),
              "webhook");
    EXPECT_EQ(find_object(docs, "Service", "dynop-metrics")["spec"]["ports"][0]["targetPort"]
                  .as<std::string>(),
              "metrics");
    // The operator's identity and access come from packaging/rbac unchanged
    // (tests/unit/packaging/rbac checks them against the plugins).
    find_object(docs, "ClusterRole", "dynop");
    find_object(docs, "ClusterRoleBinding", "dynop");
    find_object(docs, "Role", "dynop-leader-election");
    find_object(docs, "ClusterRole", "dynop-planner");
    find_object(docs, "Namespace", "dynop-system");
  }
}

TEST_F(Overlays, EachScrapesTheOperatorAndTheDynamoPodsAsUpstreamDoes) {
  for (const std::string& overlay : overlay_names()) {
    SCOPED_TRACE(overlay);
    const auto docs = test::manifest_objects(render(overlay));
    const YAML::Node monitor = find_object(docs, "ServiceMonitor", "dynop");
    EXPECT_EQ(monitor["spec"]["endpoints"][0]["port"].as<std::string>(), "metrics");
    EXPECT_EQ(
        monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"].as<std::string>(),
        "metrics");
    // component types -> the port upstream scrapes them on
    const std::map<std::string, std::pair<std::set<std::string>, std::string>> expected = {
        {"dynamo-frontend", {{"frontend"}, "http"}},
        {"dynamo-worker", {{"worker", "prefill", "decode"}, "system"}},
        {"dynamo-planner", {{"planner"}, "metrics"}}};
    for (const auto& [name, want] : expected) {
      SCOPED_TRACE(name);
      const YAML::Node spec = find_object(docs, "PodMonitor", name)["spec"];
      EXPECT_TRUE(spec["namespaceSelector"]["any"].as<bool>());
      const YAML::Node selector = spec["selector"];
      EXPECT_EQ(selector["matchLabels"]["nvidia.com/metrics-enabled"].as<std::string>(), "true");
      std::set<std::string> types;
      if (selector["matchLabels"]["nvidia.com/dynamo-component-type"])
        types.insert(selector["matchLabels"]["nvidia.com/dynamo-component-type"].as<std::string>());
      for (const YAML::Node& expression : selector["matchExpressions"]) {
        EXPECT_EQ(expression["key"].as<std::string>(), "nvidia.com/dynamo-component-type");
        EXPECT_EQ(expression["operator"].as<std::string>(), "In");
        for (const auto& value : strings(expression["values"])) types.insert(value);
      }
      EXPECT_EQ(types, want.first);
      ASSERT_EQ(spec["podMetricsEndpoints"].size(), 1u);
      EXPECT_EQ(spec["podMetricsEndpoints"][0]["port"].as<std::string>(), want.second);
      EXPECT_EQ(spec["podMetricsEndpoints"][0]["path"].as<std::string>(), "/metrics");
      EXPECT_EQ(spec["podMetricsEndpoints"][0]["interval"].as<std::string>(), "5s");
    }
  }
}

TEST_F(Overlays, CertManagerIssuesTheWebhookCertificateAndInjectsItsCa) {
  const auto docs = test::manifest_objects(render("cert-manager"));
  const YAML::Node certificate = find_object(docs, "Certificate", "dynop-webhook");
  EXPECT_EQ(certificate["spec"]["secretName"].as<std::string>(), "dynop-webhook-tls");
  EXPECT_EQ(strings(certificate["spec"]["dnsNames"]),
            (std::vector<std::string>{"dynop-webhook.dynop-system.svc",
                                      "dynop-webhook.dynop-system.svc.cluster.local"}));
  EXPECT_EQ(find_object(
                docs, "Issuer",
                certificate["spec"]["issuerRef"]["name"].as<std::string>())["metadata"]["namespace"]
                .as<std::string>(),
            "dynop-system");
  const YAML::Node webhooks =
      find_object(docs, "ValidatingWebhookConfiguration", "dynop-validating-webhooks");
  EXPECT_EQ(webhooks["metadata"]["annotations"]["cert-manager.io/inject-ca-from"].as<std::string>(),
            "dynop-system/dynop-webhook");
}

TEST_F(Overlays, SelfSignedCarriesTheBootstrappedCertificateAsSecretAndCaBundle) {
  const auto docs = test::manifest_objects(render("self-signed"));
  const YAML::Node secret = find_object(docs, "Secret", "dynop-webhook-tls");
  EXPECT_EQ(secret["type"].as<std::string>(), "kubernetes.io/tls");
  EXPECT_EQ(secret["metadata"]["namespace"].as<std::string>(), "dynop-system");
  const std::string certificate = secret["data"]["tls.crt"].as<std::string>();
  EXPECT_FALSE(certificate.empty());
  EXPECT_TRUE(secret["data"]["tls.key"]);
  const YAML::Node config =
      find_object(docs, "ValidatingWebhookConfiguration", "dynop-validating-webhooks");
  // No cert-manager annotation (the overlay removes the only one, so no
  // annotations at all): no CA injector would fill the caBundle anyway.
  const YAML::Node annotations = config["metadata"]["annotations"];
  EXPECT_TRUE(!annotations || !annotations["cert-manager.io/inject-ca-from"]);
  ASSERT_EQ(config["webhooks"].size(), 2u);
  for (const YAML::Node& webhook : config["webhooks"])
    EXPECT_EQ(webhook["clientConfig"]["caBundle"].as<std::string>(), certificate);
}

TEST_F(Overlays, EachPassesAServerDryRunOnLocalclusterThenApplies) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  test::Kubectl kubectl(cluster.kubeconfig(), dir_.path() / "kube-cache");
  // The add-ons' CRDs (a real cluster has the add-ons), and dynop's own.
  kubectl.ok({"apply", "-f",
              test::source_path("tests/fixtures/kubernetes/monitoring.coreos.com.yaml"), "-f",
              test::source_path("tests/fixtures/kubernetes/cert-manager.io.yaml"), "-f",
              test::source_path("crds")});
  kubectl.ok({"wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"});
  // A server-side dry run of namespaced objects needs their namespace to exist.
  kubectl.ok({"create", "namespace", "dynop-system"});
  for (const std::string& overlay : overlay_names()) {
    SCOPED_TRACE(overlay);
    const std::string rendered = render(overlay);
    const auto docs = test::manifest_objects(rendered);
    const std::string dry = kubectl.ok({"apply", "--dry-run=server", "-f", "-"}, rendered);
    std::size_t lines = 0;
    for (std::size_t at = 0; (at = dry.find("(server dry run)\n", at)) != std::string::npos; ++at)
      ++lines;
    EXPECT_EQ(lines, docs.size()) << dry;
    EXPECT_NE(dry.find("deployment.apps/dynop created (server dry run)"), std::string::npos) << dry;
    EXPECT_NE(dry.find("podmonitor.monitoring.coreos.com/dynamo-worker created (server dry run)"),
              std::string::npos)
        << dry;
    EXPECT_EQ(kubectl.run({"get", "deployment", "dynop", "-n", "dynop-system"}).exit_code, 1)
        << "a dry run stores nothing";
  }
  // And for real, once: what packaging/kubernetes/README.md tells a cluster
  // admin to run.
  kubectl.ok({"apply", "-k", (overlays() / "cert-manager").string()});
  auto deployment = kubectl.get_json({"deployment", "dynop", "-n", "dynop-system"});
  EXPECT_EQ(test::field_text(deployment, {"spec", "replicas"}), "2");
  auto monitor = kubectl.get_json({"podmonitor", "dynamo-frontend", "-n", "dynop-system"});
  EXPECT_EQ(test::field_text(monitor.at("spec").at("podMetricsEndpoints").at(0), {"interval"}),
            "5s");
}

// packaging/webhook/README.md's other way without cert-manager: run without
// --out, make-self-signed-cert.sh stores the certificate as the secret and
// sets it as both webhooks' caBundle in the cluster itself (with the user's
// kubectl and KUBECONFIG).
TEST_F(Overlays, SelfSignedCertScriptSetsTheSecretAndCaBundleInTheCluster) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  test::Kubectl kubectl(cluster.kubeconfig(), dir_.path() / "kube-cache");
  kubectl.ok({"create", "namespace", "dynop-system"});
  kubectl.ok({"apply", "-k", test::source_path("packaging/webhook")});
  test::SpawnOptions env;
  env.env = {{"KUBECONFIG", cluster.kubeconfig()}, {"HOME", (dir_.path() / "home").string()}};
  auto script = test::run(test::source_path("packaging/webhook/make-self-signed-cert.sh"),
                          {"dynop-system", "30"}, 60s, env);
  ASSERT_EQ(script.exit_code, 0) << script.err << script.out;
  EXPECT_NE(script.out.find("caBundle set on dynop-validating-webhooks"), std::string::npos)
      << script.out;

  auto secret = kubectl.get_json({"secret", "dynop-webhook-tls", "-n", "dynop-system"});
  EXPECT_EQ(test::field_text(secret, {"type"}), "kubernetes.io/tls");
  const std::string certificate = test::field_text(secret, {"data", "tls.crt"});
  EXPECT_FALSE(certificate.empty());
  EXPECT_FALSE(test::field_text(secret, {"data", "tls.key"}).empty());
  auto config = kubectl.get_json({"validatingwebhookconfiguration", "dynop-validating-webhooks"});
  const auto& webhooks = config.at("webhooks").as_array();
  ASSERT_EQ(webhooks.size(), 2u);
  for (const auto& webhook : webhooks)
    EXPECT_EQ(test::field_text(webhook, {"clientConfig", "caBundle"}), certificate);
}

}  // namespace
}  // namespace dynop::packaging
