// Drives the real /usr/bin/kubectl against a fresh dynop-localcluster and
// checks what a user sees: printed lines, exit codes, and the objects the
// commands leave behind. Each test starts its own cluster (ctest runs every
// test in its own process), so tests can run in parallel.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <regex>
#include <thread>

#include "tests/support/kubectl.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/reference_dir.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kKubectl = test::kKubectlPath;

std::string upstream(const std::string& file) {
  return dynop::test::reference_dir() + "/upstream-dynamo-0.8/" + file;
}

const char kDgdsaCrd[] = "nvidia.com_dynamographdeploymentscalingadapters.yaml";
const char kDgdCrd[] = "nvidia.com_dynamographdeployments.yaml";
const char kDgdsaCrdName[] = "dynamographdeploymentscalingadapters.nvidia.com";
const char kDgdCrdName[] = "dynamographdeployments.nvidia.com";

const char kAdapterYaml[] = R"(apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeploymentScalingAdapter
metadata:
  name: sglang-agg-decode
  namespace: e2e
spec:
  replicas: 1
  dgdRef:
    name: sglang-agg
    serviceName: decode
)";

class KubectlE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kKubectl)) GTEST_SKIP() << "no " << kKubectl;
    if (!std::filesystem::exists(upstream(kDgdsaCrd))) GTEST_SKIP() << "no upstream CRDs";
    const auto binary = test::binary_path("bin/dynop-localcluster");
    if (!std::filesystem::exists(binary)) GTEST_SKIP() << "dynop-localcluster not built";
    std::string error;
    cluster_ = test::Process::spawn(
        binary, {"--data-dir", (dir_.path() / "data").string(), "--in-memory", "--port", "0"},
        error);
    ASSERT_TRUE(cluster_) << error;
    auto kubeconfig =
        cluster_->wait_for_match(std::regex(R"(kubeconfig: (\S+))"), 30s, test::Stream::kStdout);
    ASSERT_TRUE(kubeconfig) << cluster_->stderr_text();
    kubeconfig_ = *kubeconfig;
  }

  void TearDown() override {
    if (cluster_) {
      cluster_->signal(SIGTERM);
      EXPECT_EQ(cluster_->wait(20s), 0) << cluster_->stderr_text();
    }
  }

  std::vector<std::string> with_flags(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--kubeconfig", kubeconfig_, "--cache-dir",
                               (dir_.path() / "kube-cache").string()});
    return args;
  }

  test::RunResult kubectl(const std::vector<std::string>& args,
                          const std::string& stdin_text = "") {
    return test::Kubectl(kubeconfig_, dir_.path() / "kube-cache").run(args, stdin_text);
  }

  // Runs kubectl and expects exit code 0; returns stdout.
  std::string ok(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    return test::Kubectl(kubeconfig_, dir_.path() / "kube-cache").ok(args, stdin_text);
  }

  json::value get_json(const std::vector<std::string>& args) {
    return test::Kubectl(kubeconfig_, dir_.path() / "kube-cache").get_json(args);
  }

  void apply_crds() {
    EXPECT_EQ(ok({"apply", "-f", upstream(kDgdsaCrd)}),
              "customresourcedefinition.apiextensions.k8s.io/" + std::string(kDgdsaCrdName) +
                  " created\n");
    EXPECT_EQ(ok({"apply", "--server-side", "-f", upstream(kDgdCrd)}),
              "customresourcedefinition.apiextensions.k8s.io/" + std::string(kDgdCrdName) +
                  " serverside-applied\n");
    // Right after a create, a CRD's status.conditions is still null and kubectl 1.32's
    // wait fails on it instead of waiting (trace 03-crd-apply-kubectl-output: the same
    // race on a real kube-apiserver). Users run it again; so does this test, boundedly.
    std::string waited;
    for (int attempt = 0; attempt < 50; ++attempt) {
      auto r = kubectl({"wait", "--for=condition=Established", "--timeout=60s",
                        "crd/" + std::string(kDgdsaCrdName), "crd/" + std::string(kDgdCrdName)});
      waited = r.out;
      if (r.exit_code == 0) break;
      ASSERT_NE(r.err.find(".status.conditions accessor error"), std::string::npos) << r.err;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(waited.find(std::string(kDgdsaCrdName) + " condition met"), std::string::npos)
        << waited;
    EXPECT_NE(waited.find(std::string(kDgdCrdName) + " condition met"), std::string::npos)
        << waited;
  }

  void create_namespace() { EXPECT_EQ(ok({"create", "ns", "e2e"}), "namespace/e2e created\n"); }

  // kubectl's column layout: header words and the first row's cells.
  static std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
  }
  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }

  test::TempDir dir_{"dynop-e2e"};
  std::unique_ptr<test::Process> cluster_;
  std::string kubeconfig_;
};

TEST_F(KubectlE2E, VersionApiResourcesAndNamespaces) {
  auto version = json::parse(ok({"version", "-o", "json"}));
  EXPECT_EQ(version.at("serverVersion").at("gitVersion"), "v1.26.1");
  EXPECT_EQ(version.at("serverVersion").at("major"), "1");

  const auto resources = ok({"api-resources"});
  auto has_row = [&](const std::vector<std::string>& want) {
    for (const auto& l : lines(resources))
      if (words(l) == want) return true;
    return false;
  };
  EXPECT_EQ(words(lines(resources).at(0)),
            (std::vector<std::string>{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}));
  EXPECT_TRUE(has_row({"pods", "po", "v1", "true", "Pod"})) << resources;
  EXPECT_TRUE(has_row({"nodes", "no", "v1", "false", "Node"})) << resources;
  EXPECT_TRUE(has_row({"leases", "coordination.k8s.io/v1", "true", "Lease"})) << resources;
  EXPECT_TRUE(has_row({"customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", "false",
                       "CustomResourceDefinition"}))
      << resources;

  create_namespace();
  EXPECT_EQ(ok({"get", "ns", "e2e", "-o", "jsonpath={.status.phase}"}), "Active");
  const auto namespaces = ok({"get", "namespaces"});
  EXPECT_EQ(words(lines(namespaces).at(0)), (std::vector<std::string>{"NAME", "STATUS", "AGE"}));
  EXPECT_NE(namespaces.find("kube-system"), std::string::npos);
  auto again = kubectl({"create", "ns", "e2e"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "Error from server (AlreadyExists): namespaces \"e2e\" already exists\n");
}

TEST_F(KubectlE2E, CrdsApplyLikeOnARealCluster) {
  // Client-side apply of the 782 KB DGD CRD fails on a real cluster too: the
  // last-applied annotation is over the 262,144-byte limit.
  auto client_side = kubectl({"apply", "-f", upstream(kDgdCrd)});
  EXPECT_EQ(client_side.exit_code, 1);
  EXPECT_EQ(client_side.err,
            "The CustomResourceDefinition \"dynamographdeployments.nvidia.com\" is invalid: "
            "metadata.annotations: Too long: must have at most 262144 bytes\n");
  apply_crds();

  const auto crds = ok({"get", "crd"});
  EXPECT_EQ(words(lines(crds).at(0)), (std::vector<std::string>{"NAME", "CREATED", "AT"}));
  EXPECT_NE(crds.find(kDgdsaCrdName), std::string::npos);
  const auto resources = ok({"api-resources", "--api-group=nvidia.com"});
  EXPECT_NE(resources.find("dynamographdeploymentscalingadapters   dgdsa"), std::string::npos)
      << resources;
  // Applying the same CRD again changes nothing.
  EXPECT_EQ(ok({"apply", "-f", upstream(kDgdsaCrd)}),
            "customresourcedefinition.apiextensions.k8s.io/" + std::string(kDgdsaCrdName) +
                " unchanged\n");
  auto crd = get_json({"crd", kDgdsaCrdName});
  bool established = false;
  for (const auto& c : crd.at("status").at("conditions").as_array())
    if (c.at("type") == "Established" && c.at("status") == "True") established = true;
  EXPECT_TRUE(established);
}

TEST_F(KubectlE2E, CustomResourcesGetApplyExplainDescribe) {
  create_namespace();
  apply_crds();
  const auto example = upstream("examples/sglang-agg.yaml");
  EXPECT_EQ(ok({"apply", "-n", "e2e", "-f", example}),
            "dynamographdeployment.nvidia.com/sglang-agg created\n");
  EXPECT_EQ(ok({"apply", "-n", "e2e", "-f", example}),
            "dynamographdeployment.nvidia.com/sglang-agg unchanged\n");
  const auto dgds = ok({"get", "dgd", "-n", "e2e"});
  EXPECT_EQ(words(lines(dgds).at(0)), (std::vector<std::string>{"NAME", "AGE"}));
  EXPECT_EQ(words(lines(dgds).at(1)).at(0), "sglang-agg");
  for (const char* other :
       {"examples/sglang-agg_router.yaml", "examples/sglang-disagg.yaml",
        "examples/sglang-disagg-multinode.yaml", "examples/sglang-disagg_planner.yaml"}) {
    const auto out = ok({"apply", "-n", "e2e", "-f", upstream(other)});
    EXPECT_NE(out.find(" created"), std::string::npos) << other << ": " << out;
  }

  EXPECT_EQ(ok({"apply", "-f", "-"}, kAdapterYaml),
            "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode created\n");
  const auto adapters = lines(ok({"get", "dgdsa", "-n", "e2e"}));
  ASSERT_EQ(adapters.size(), 2u);
  EXPECT_EQ(words(adapters[0]),
            (std::vector<std::string>{"NAME", "DGD", "SERVICE", "REPLICAS", "AGE"}));
  // REPLICAS comes from .status.replicas, which nobody has set: an empty cell.
  EXPECT_TRUE(std::regex_match(adapters[1],
                               std::regex(R"(sglang-agg-decode\s+sglang-agg\s+decode\s+\d+s)")))
      << adapters[1];
  EXPECT_EQ(adapters[1].find("sglang-agg-decode   sglang-agg   decode               "), 0u)
      << adapters[1];

  const auto yaml = ok({"get", "dgdsa", "sglang-agg-decode", "-n", "e2e", "-o", "yaml"});
  EXPECT_NE(yaml.find("kind: DynamoGraphDeploymentScalingAdapter"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("    serviceName: decode"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("  generation: 1"), std::string::npos) << yaml;

  const auto explain = ok({"explain", "dgdsa.spec"});
  EXPECT_NE(explain.find("KIND:       DynamoGraphDeploymentScalingAdapter"), std::string::npos)
      << explain;
  EXPECT_NE(explain.find("FIELD: spec <Object>"), std::string::npos) << explain;
  EXPECT_NE(explain.find("replicas\t<integer> -required-"), std::string::npos) << explain;
  EXPECT_NE(explain.find("dgdRef\t<Object> -required-"), std::string::npos) << explain;

  const auto describe = ok({"describe", "dgdsa", "sglang-agg-decode", "-n", "e2e"});
  EXPECT_NE(describe.find("Name:         sglang-agg-decode"), std::string::npos) << describe;
  EXPECT_NE(describe.find("Namespace:    e2e"), std::string::npos) << describe;
  EXPECT_NE(describe.find("Service Name:  decode"), std::string::npos) << describe;

  // Invalid objects are refused with kube's field paths.
  std::string bad = kAdapterYaml;
  bad = std::regex_replace(bad, std::regex("replicas: 1"), "replicas: -1");
  bad = std::regex_replace(bad, std::regex("sglang-agg-decode"), "bad");
  auto refused = kubectl({"apply", "-f", "-"}, bad);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("The DynamoGraphDeploymentScalingAdapter \"bad\" is invalid: "),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("spec.replicas: Invalid value: -1: spec.replicas in body should be "
                             "greater than or equal to 0"),
            std::string::npos)
      << refused.err;
  // Unknown fields are refused too (kubectl asks for fieldValidation=Strict).
  std::string typo = std::regex_replace(std::string(kAdapterYaml), std::regex("  replicas: 1"),
                                        "  replicas: 1\n  replica: 2");
  auto strict = kubectl({"apply", "-f", "-"}, typo);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("strict decoding error: unknown field \"spec.replica\""),
            std::string::npos)
      << strict.err;
}

TEST_F(KubectlE2E, ScalePatchLabelAnnotate) {
  create_namespace();
  apply_crds();
  ok({"apply", "-f", "-"}, kAdapterYaml);
  const std::vector<std::string> ref = {"dgdsa", "sglang-agg-decode", "-n", "e2e"};
  auto field = [&](const std::string& jsonpath) {
    std::vector<std::string> args = {"get"};
    args.insert(args.end(), ref.begin(), ref.end());
    args.push_back("-o");
    args.push_back("jsonpath={" + jsonpath + "}");
    return ok(args);
  };
  auto with = [&](std::vector<std::string> head, std::vector<std::string> tail) {
    head.insert(head.end(), ref.begin(), ref.end());
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };

  EXPECT_EQ(ok(with({"scale"}, {"--replicas=3"})),
            "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode scaled\n");
  EXPECT_EQ(field(".spec.replicas"), "3");
  auto stale = kubectl(with({"scale"}, {"--current-replicas=2", "--replicas=4"}));
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_EQ(stale.err, "error: Expected replicas to be 2, was 3\n");
  EXPECT_EQ(field(".spec.replicas"), "3");
  EXPECT_EQ(ok(with({"scale"}, {"--current-replicas=3", "--replicas=4"})),
            "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode scaled\n");
  EXPECT_EQ(field(".spec.replicas"), "4");

  EXPECT_EQ(ok(with({"patch"}, {"--type=merge", "-p", R"({"spec":{"replicas":5}})"})),
            "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode patched\n");
  EXPECT_EQ(field(".spec.replicas"), "5");
  EXPECT_EQ(ok(with({"patch"}, {"--type=json", "-p",
                                R"([{"op":"replace","path":"/spec/replicas","value":6}])"})),
            "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode patched\n");
  EXPECT_EQ(field(".spec.replicas"), "6");
  auto strategic =
      kubectl(with({"patch"}, {"--type=strategic", "-p", R"({"spec":{"replicas":7}})"}));
  EXPECT_EQ(strategic.exit_code, 1);
  EXPECT_NE(strategic.err.find("error: application/strategic-merge-patch+json is not supported "
                               "by nvidia.com/v1alpha1, Kind=DynamoGraphDeploymentScalingAdapter"),
            std::string::npos)
      << strategic.err;
  EXPECT_EQ(field(".spec.replicas"), "6");
  // Built-in kinds take strategic merge patches.
  EXPECT_EQ(ok({"create", "configmap", "settings", "-n", "e2e", "--from-literal=a=1"}),
            "configmap/settings created\n");
  EXPECT_EQ(ok({"patch", "configmap", "settings", "-n", "e2e", "--type=strategic", "-p",
                R"({"data":{"b":"2"}})"}),
            "configmap/settings patched\n");
  EXPECT_EQ(ok({"get", "configmap", "settings", "-n", "e2e", "-o", "jsonpath={.data.a},{.data.b}"}),
            "1,2");
  const auto cms = lines(ok({"get", "configmaps", "-n", "e2e"}));
  EXPECT_EQ(words(cms.at(0)), (std::vector<std::string>{"NAME", "DATA", "AGE"}));
  EXPECT_EQ(words(cms.at(1)).at(1), "2");

  EXPECT_EQ(ok(with({"label"}, {"tier=gpu"})),
            "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode labeled\n");
  EXPECT_EQ(field(".metadata.labels.tier"), "gpu");
  const auto selected = ok({"get", "dgdsa", "-n", "e2e", "-l", "tier=gpu", "-o", "name"});
  EXPECT_EQ(selected, "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode\n");
  EXPECT_EQ(ok({"get", "dgdsa", "-n", "e2e", "-l", "tier=cpu", "-o", "name"}), "");
  EXPECT_EQ(ok(with({"annotate"}, {"owner=team-a"})),
            "dynamographdeploymentscalingadapter.nvidia.com/sglang-agg-decode annotated\n");
  EXPECT_EQ(field(".metadata.annotations.owner"), "team-a");
  // Four spec changes bumped the generation from 1; labels and annotations did not.
  EXPECT_EQ(field(".metadata.generation"), "5");
}

TEST_F(KubectlE2E, WatchSeesAChange) {
  create_namespace();
  apply_crds();
  ok({"apply", "-f", "-"}, kAdapterYaml);
  std::string error;
  test::SpawnOptions options;
  options.unset_env = {"KUBECONFIG"};
  auto watch = test::Process::spawn(
      kKubectl, with_flags({"get", "dgdsa", "-n", "e2e", "-w", "--output-watch-events"}), error,
      options);
  ASSERT_TRUE(watch) << error;
  ASSERT_TRUE(watch->wait_for_output("sglang-agg-decode", 60s, test::Stream::kStdout))
      << watch->stdout_text() << watch->stderr_text();
  ok({"patch", "dgdsa", "sglang-agg-decode", "-n", "e2e", "--subresource=status", "--type=merge",
      "-p", R"({"status":{"replicas":2}})"});
  EXPECT_TRUE(watch->wait_for_match(
      std::regex(R"(MODIFIED\s+sglang-agg-decode\s+sglang-agg\s+decode\s+2\s)"), 60s,
      test::Stream::kStdout))
      << watch->stdout_text() << watch->stderr_text();
  const auto first = lines(watch->stdout_text()).at(0);
  EXPECT_EQ(words(first),
            (std::vector<std::string>{"EVENT", "NAME", "DGD", "SERVICE", "REPLICAS", "AGE"}));
  watch->signal(SIGTERM);
  watch->wait(10s);
}

TEST_F(KubectlE2E, BuiltinKindsCreateApplyAndPrintKubesColumns) {
  create_namespace();
  // Typed creates send protobuf bodies.
  EXPECT_EQ(ok({"create", "secret", "generic", "token", "-n", "e2e", "--from-literal=a=b"}),
            "secret/token created\n");
  EXPECT_EQ(ok({"create", "serviceaccount", "robot", "-n", "e2e"}),
            "serviceaccount/robot created\n");
  const auto secrets = lines(ok({"get", "secrets", "-n", "e2e"}));
  EXPECT_EQ(words(secrets.at(0)), (std::vector<std::string>{"NAME", "TYPE", "DATA", "AGE"}));
  EXPECT_EQ(words(secrets.at(1)).at(1), "Opaque");
  EXPECT_EQ(words(secrets.at(1)).at(2), "1");

  const std::string pod = R"(apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: e2e
spec:
  containers:
  - name: c
    image: busybox
)";
  EXPECT_EQ(ok({"apply", "-f", "-"}, pod), "pod/worker created\n");
  EXPECT_EQ(ok({"apply", "-f", "-"}, pod), "pod/worker unchanged\n");
  const auto pods = lines(ok({"get", "pods", "-n", "e2e", "-o", "wide"}));
  EXPECT_EQ(words(pods.at(0)),
            (std::vector<std::string>{"NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE",
                                      "NOMINATED", "NODE", "READINESS", "GATES"}));
  auto row = words(pods.at(1));
  ASSERT_EQ(row.size(), 9u) << pods.at(1);
  EXPECT_EQ((std::vector<std::string>{row[0], row[1], row[2], row[3]}),
            (std::vector<std::string>{"worker", "0/1", "Pending", "0"}));
  EXPECT_EQ((std::vector<std::string>{row[5], row[6], row[7], row[8]}),
            (std::vector<std::string>{"<none>", "<none>", "<none>", "<none>"}));
  EXPECT_EQ(ok({"get", "all", "-n", "e2e", "-o", "name"}), "pod/worker\n");

  const std::string config = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: e2e
data:
  a: "1"
)";
  EXPECT_EQ(ok({"apply", "-f", "-"}, config), "configmap/settings created\n");
  EXPECT_EQ(ok({"apply", "-f", "-"}, std::regex_replace(config, std::regex("\"1\""), "\"2\"")),
            "configmap/settings configured\n");
  EXPECT_EQ(ok({"get", "configmap", "settings", "-n", "e2e", "-o", "jsonpath={.data.a}"}), "2");

  const std::string node = R"(apiVersion: v1
kind: Node
metadata:
  name: gpu-node-1
status:
  conditions:
  - type: Ready
    status: "True"
  nodeInfo:
    kubeletVersion: v1.26.1
)";
  EXPECT_EQ(ok({"apply", "-f", "-"}, node), "node/gpu-node-1 created\n");
  const auto nodes = lines(ok({"get", "nodes"}));
  EXPECT_EQ(words(nodes.at(0)),
            (std::vector<std::string>{"NAME", "STATUS", "ROLES", "AGE", "VERSION"}));
  row = words(nodes.at(1));
  ASSERT_EQ(row.size(), 5u);
  EXPECT_EQ((std::vector<std::string>{row[0], row[1], row[2], row[4]}),
            (std::vector<std::string>{"gpu-node-1", "Ready", "<none>", "v1.26.1"}));

  const auto explain = ok({"explain", "pod.spec.containers.env"});
  EXPECT_NE(explain.find("FIELD: env <[]Object>"), std::string::npos) << explain;
}

TEST_F(KubectlE2E, DeleteCollectsOwnedObjects) {
  create_namespace();
  apply_crds();
  ok({"apply", "-f", "-"}, kAdapterYaml);
  const auto uid =
      ok({"get", "dgdsa", "sglang-agg-decode", "-n", "e2e", "-o", "jsonpath={.metadata.uid}"});
  ASSERT_FALSE(uid.empty());
  const std::string owned = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: owned
  namespace: e2e
  ownerReferences:
  - apiVersion: nvidia.com/v1alpha1
    kind: DynamoGraphDeploymentScalingAdapter
    name: sglang-agg-decode
    uid: )" + uid + R"(
data:
  a: "1"
)";
  EXPECT_EQ(ok({"apply", "-f", "-"}, owned), "configmap/owned created\n");
  EXPECT_EQ(ok({"delete", "dgdsa", "sglang-agg-decode", "-n", "e2e"}),
            "dynamographdeploymentscalingadapter.nvidia.com \"sglang-agg-decode\" deleted\n");
  auto gone = kubectl({"get", "dgdsa", "sglang-agg-decode", "-n", "e2e"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_EQ(gone.err,
            "Error from server (NotFound): dynamographdeploymentscalingadapters.nvidia.com "
            "\"sglang-agg-decode\" not found\n");
  // The garbage collector removes the owned ConfigMap (bounded wait).
  bool collected = false;
  for (int i = 0; i < 60 && !collected; ++i) {
    auto r = kubectl({"get", "configmap", "owned", "-n", "e2e", "-o", "name"});
    collected = r.exit_code == 1 && r.err.find("NotFound") != std::string::npos;
    if (!collected) std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(collected);
}

TEST_F(KubectlE2E, DeletingANamespaceTerminatesItAsOnARealCluster) {
  create_namespace();
  EXPECT_EQ(ok({"create", "configmap", "held", "-n", "e2e"}), "configmap/held created\n");
  ok({"patch", "configmap", "held", "-n", "e2e", "--type=merge", "-p",
      R"({"metadata":{"finalizers":["example.com/hold"]}})"});
  EXPECT_EQ(ok({"delete", "namespace", "e2e", "--wait=false"}), "namespace \"e2e\" deleted\n");
  bool terminating = false;
  for (const auto& line : lines(ok({"get", "namespaces"}))) {
    if (words(line).size() == 3 && words(line)[0] == "e2e")
      terminating = words(line)[1] == "Terminating";
  }
  EXPECT_TRUE(terminating);
  auto refused = kubectl({"create", "configmap", "late", "-n", "e2e"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err,
            "error: failed to create configmap: configmaps \"late\" is forbidden: unable to create "
            "new content in namespace e2e because it is being terminated\n");
  // The namespace goes once the finalizer's owner lets go (bounded wait).
  ok({"patch", "configmap", "held", "-n", "e2e", "--type=merge", "-p",
      R"({"metadata":{"finalizers":null}})"});
  bool gone = false;
  for (int i = 0; i < 60 && !gone; ++i) {
    auto r = kubectl({"get", "namespace", "e2e"});
    gone =
        r.exit_code == 1 && r.err == "Error from server (NotFound): namespaces \"e2e\" not found\n";
    if (!gone) std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(gone);
  // An empty namespace: kubectl's default wait returns once it is gone.
  EXPECT_EQ(ok({"create", "namespace", "empty"}), "namespace/empty created\n");
  EXPECT_EQ(ok({"delete", "namespace", "empty"}), "namespace \"empty\" deleted\n");
  EXPECT_EQ(kubectl({"get", "namespace", "empty"}).exit_code, 1);
  auto immortal = kubectl({"delete", "namespace", "default"});
  EXPECT_EQ(immortal.exit_code, 1);
  EXPECT_EQ(
      immortal.err,
      "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may "
      "not be deleted\n");
}

TEST_F(KubectlE2E, PodsRunAsAServiceAccountThatExists) {
  create_namespace();
  EXPECT_EQ(ok({"run", "plain", "--image=busybox", "--restart=Never", "-n", "e2e"}),
            "pod/plain created\n");
  EXPECT_EQ(ok({"get", "pod", "plain", "-n", "e2e", "-o", "jsonpath={.spec.serviceAccountName}"}),
            "default");
  auto refused =
      kubectl({"run", "planner", "--image=busybox", "--restart=Never", "-n", "e2e",
               R"(--overrides={"spec":{"serviceAccountName":"planner-serviceaccount"}})"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(
      refused.err,
      "Error from server (Forbidden): pods \"planner\" is forbidden: error looking up service "
      "account e2e/planner-serviceaccount: serviceaccount \"planner-serviceaccount\" not "
      "found\n");
  EXPECT_EQ(ok({"create", "serviceaccount", "planner-serviceaccount", "-n", "e2e"}),
            "serviceaccount/planner-serviceaccount created\n");
  EXPECT_EQ(ok({"run", "planner", "--image=busybox", "--restart=Never", "-n", "e2e",
                R"(--overrides={"spec":{"serviceAccountName":"planner-serviceaccount"}})"}),
            "pod/planner created\n");
}

}  // namespace
}  // namespace dynop::e2e
