// Every upstream Dynamo 0.8 sglang example, applied unchanged with the real
// kubectl against `make run`'s own setup, in a fresh namespace other than
// default: the apply succeeds, the adapters appear (one per service,
// `<dgd>-<lower service>`, replicas seeded from the service) and the pods
// appear as the contract says (replicas x nodeCount, contract labels, GPU
// limits, envFromSecret, the planner's service account, which the dgd plugin
// makes so that ServiceAccount admission lets planner pods in). Deleting the
// namespace then ends quietly: no pod is created again and refused.
//
// The expectations are read from each manifest with yaml-cpp, independently of
// the plugins' own parsing. The Secret the examples name (hf-token-secret) is
// not created: as on a real cluster, the pods exist and reference it; the
// kubelet would hold them until it exists.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/reference_dir.hpp"
#include "tests/support/run_local_setup.hpp"
#include "tests/support/text_lines.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr int kConvergeSeconds = 60;
constexpr char kNamespace[] = "upstream";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// What the contract makes of one service of a manifest.
struct ExpectedService {
  std::string name;
  std::string component_type;
  int replicas = 1;
  int node_count = 1;  // pods per replica
  bool adapter = true;
  std::string gpu_limit;  // "" = none
  std::string env_from_secret;
};

struct Example {
  fs::path file;
  std::string name;
  std::vector<ExpectedService> services;
};

std::vector<Example> sglang_examples() {
  std::vector<Example> out;
  const fs::path dir = fs::path(test::reference_dir()) / "upstream-dynamo-0.8" / "examples";
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    for (const YAML::Node& doc : YAML::LoadAllFromFile(entry.path().string())) {
      if (!doc.IsMap() || doc["kind"].as<std::string>("") != "DynamoGraphDeployment") continue;
      const YAML::Node spec = doc["spec"];
      const std::string backend = spec["backendFramework"].as<std::string>("");
      const bool sglang =
          backend == "sglang" ||
          (backend.empty() && entry.path().filename().string().find("sglang") != std::string::npos);
      if (!sglang) continue;
      Example example{entry.path(), doc["metadata"]["name"].as<std::string>(), {}};
      for (const auto& kv : spec["services"]) {
        const YAML::Node s = kv.second;
        ExpectedService svc;
        svc.name = kv.first.as<std::string>();
        svc.component_type = s["componentType"].as<std::string>("");
        svc.replicas = s["replicas"].as<int>(1);
        if (s["multinode"]) svc.node_count = s["multinode"]["nodeCount"].as<int>(2);
        if (const YAML::Node sa = s["scalingAdapter"]) {
          svc.adapter = !sa["disable"].as<bool>(false) && sa["enabled"].as<bool>(true);
        }
        if (s["resources"] && s["resources"]["limits"]) {
          svc.gpu_limit = s["resources"]["limits"]["gpu"].as<std::string>("");
        }
        svc.env_from_secret = s["envFromSecret"].as<std::string>("");
        example.services.push_back(svc);
      }
      out.push_back(std::move(example));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Example& a, const Example& b) { return a.name < b.name; });
  return out;
}

class UpstreamExamples : public test::RunLocalTest {
 protected:
  void SetUp() override {
    examples_ = sglang_examples();
    if (examples_.empty()) GTEST_SKIP() << "no upstream examples under " << test::reference_dir();
    RunLocalTest::SetUp();
  }

  json::array items(const std::vector<std::string>& get_args) {
    std::vector<std::string> args = {"get"};
    args.insert(args.end(), get_args.begin(), get_args.end());
    args.insert(args.end(), {"-n", kNamespace, "-o", "json"});
    auto r = setup_->kubectl(args);
    if (r.exit_code != 0) return {};
    boost::system::error_code ec;
    json::value v = json::parse(r.out, ec);
    if (ec || !v.is_object() || !v.as_object().contains("items")) return {};
    return v.at("items").as_array();
  }

  std::vector<Example> examples_;
};

std::string text(const json::value& v, std::initializer_list<const char*> path) {
  return test::field_text(v, path);
}

std::string label(const json::value& object, const std::string& key) {
  const auto& meta = object.at("metadata").as_object();
  const json::value* labels = meta.if_contains("labels");
  if (labels == nullptr || !labels->as_object().contains(key)) return "<missing>";
  return std::string(labels->at(key).as_string());
}

TEST_F(UpstreamExamples, EverySglangExampleAppliesWithItsAdaptersAndPods) {
  ASSERT_GE(examples_.size(), 5u) << "expected the five upstream sglang examples";
  setup_->kubectl_ok({"create", "namespace", kNamespace});

  for (const Example& example : examples_) {
    EXPECT_EQ(setup_->kubectl_ok({"apply", "-n", kNamespace, "-f", example.file.string()}),
              "dynamographdeployment.nvidia.com/" + example.name + " created\n")
        << example.file;
  }

  for (const Example& example : examples_) {
    SCOPED_TRACE(example.file.string());
    const std::string dgd_label = "nvidia.com/dynamo-graph-deployment-name=" + example.name;

    // Adapters: one per enabled service, named <dgd>-<lower service>, seeded replicas.
    std::set<std::vector<std::string>> want_adapters;
    for (const auto& s : example.services) {
      if (s.adapter) {
        want_adapters.insert(
            {example.name + "-" + lower(s.name), example.name, s.name, std::to_string(s.replicas)});
      }
    }
    std::set<std::vector<std::string>> got_adapters;
    EXPECT_TRUE(test::eventually(
        [&] {
          got_adapters.clear();
          for (const auto& a : items({"dgdsa", "-l", dgd_label})) {
            got_adapters.insert({text(a, {"metadata", "name"}), text(a, {"spec", "dgdRef", "name"}),
                                 text(a, {"spec", "dgdRef", "serviceName"}),
                                 text(a, {"spec", "replicas"})});
          }
          return got_adapters == want_adapters;
        },
        kConvergeSeconds));
    EXPECT_EQ(got_adapters, want_adapters);

    for (const auto& s : example.services) {
      SCOPED_TRACE("service " + s.name);
      const std::string selector_label =
          "nvidia.com/selector=" + example.name + "-" + lower(s.name);
      const std::size_t want_pods = static_cast<std::size_t>(s.replicas * s.node_count);
      json::array pods;
      EXPECT_TRUE(test::eventually(
          [&] {
            pods = items({"pods", "-l", selector_label});
            return pods.size() == want_pods;
          },
          kConvergeSeconds))
          << pods.size() << " pods, want " << want_pods;

      std::map<std::string, int> group_sizes;
      for (const auto& pod : pods) {
        const std::string pod_name = text(pod, {"metadata", "name"});
        SCOPED_TRACE(pod_name);
        EXPECT_EQ(label(pod, "nvidia.com/dynamo-graph-deployment-name"), example.name);
        EXPECT_EQ(label(pod, "nvidia.com/dynamo-component"), s.name);
        EXPECT_EQ(label(pod, "nvidia.com/dynamo-namespace"),
                  std::string(kNamespace) + "-" + example.name);
        EXPECT_EQ(label(pod, "nvidia.com/dynamo-component-type"), s.component_type);
        EXPECT_EQ(label(pod, "nvidia.com/metrics-enabled"), "true");
        // Owned by the DGD, so deleting it deletes them.
        const std::string owners = text(pod, {"metadata", "ownerReferences"});
        EXPECT_NE(owners.find(R"("kind":"DynamoGraphDeployment","name":")" + example.name + "\""),
                  std::string::npos)
            << owners;
        const json::value& main = pod.at("spec").at("containers").at(0);
        if (!s.gpu_limit.empty()) {
          EXPECT_EQ(text(main, {"resources", "limits", "nvidia.com/gpu"}), s.gpu_limit);
          EXPECT_EQ(text(main, {"resources", "requests", "nvidia.com/gpu"}), s.gpu_limit);
        } else {
          EXPECT_EQ(text(main, {"resources", "limits", "nvidia.com/gpu"}), "<missing>");
        }
        // The Secret need not exist for the pod to be created; the pod names it.
        if (!s.env_from_secret.empty()) {
          EXPECT_NE(text(main, {"envFrom"})
                        .find(R"({"secretRef":{"name":")" + s.env_from_secret + "\"}}"),
                    std::string::npos)
              << text(main, {"envFrom"});
        }
        for (const char* env : {"DYN_NAMESPACE", "DYN_COMPONENT", "DYN_PARENT_DGD_K8S_NAME",
                                "DYN_PARENT_DGD_K8S_NAMESPACE"}) {
          EXPECT_NE(text(main, {"env"}).find(std::string("\"name\":\"") + env + "\""),
                    std::string::npos)
              << env;
        }
        if (s.component_type == "planner") {
          EXPECT_EQ(text(pod, {"spec", "serviceAccountName"}), "planner-serviceaccount");
        }
        ++group_sizes[label(pod, "nvidia.com/dynamo-group")];
      }
      // Multinode: each replica is one group of nodeCount pods.
      EXPECT_EQ(group_sizes.size(), static_cast<std::size_t>(s.replicas));
      for (const auto& [group, size] : group_sizes) EXPECT_EQ(size, s.node_count) << group;

      // The adapter's selector selects exactly these pods, and its status counts
      // replicas (a multinode group once).
      if (s.adapter) {
        const std::string adapter = example.name + "-" + lower(s.name);
        std::string selector;
        std::string status_replicas;
        EXPECT_TRUE(test::eventually(
            [&] {
              auto r = setup_->kubectl({"get", "dgdsa", adapter, "-n", kNamespace, "-o",
                                        "jsonpath={.status.selector} {.status.replicas}"});
              auto space = r.out.find(' ');
              if (r.exit_code != 0 || space == std::string::npos) return false;
              selector = r.out.substr(0, space);
              status_replicas = r.out.substr(space + 1);
              return status_replicas == std::to_string(s.replicas);
            },
            kConvergeSeconds))
            << "status.replicas " << status_replicas;
        EXPECT_EQ(items({"pods", "-l", selector}).size(), want_pods) << selector;
      }
    }
  }

  // The planner's identity, made by the dgd plugin for the planner example
  // (ServiceAccount admission refuses planner pods without it).
  std::vector<std::string> planners;
  for (const Example& example : examples_) {
    for (const auto& s : example.services) {
      if (s.component_type == "planner") planners.push_back(example.name);
    }
  }
  ASSERT_FALSE(planners.empty()) << "expected an upstream example with a planner";
  const json::value sa = json::parse(setup_->kubectl_ok(
      {"get", "serviceaccount", "planner-serviceaccount", "-n", kNamespace, "-o", "json"}));
  EXPECT_EQ(label(sa, "app.kubernetes.io/managed-by"), "dynop");
  for (const std::string& dgd : planners) {
    EXPECT_NE(text(sa, {"metadata", "ownerReferences"})
                  .find(R"("kind":"DynamoGraphDeployment","name":")" + dgd + "\""),
              std::string::npos)
        << text(sa, {"metadata", "ownerReferences"});
  }
  const json::value binding = json::parse(setup_->kubectl_ok(
      {"get", "rolebinding", "planner-serviceaccount-binding", "-n", kNamespace, "-o", "json"}));
  EXPECT_EQ(
      text(binding, {"roleRef"}),
      R"({"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"dynop-planner"})");
  EXPECT_EQ(
      text(binding, {"subjects"}),
      std::string(R"([{"kind":"ServiceAccount","name":"planner-serviceaccount","namespace":")") +
          kNamespace + "\"}]");

  // Deleting the namespace: it goes Terminating, its content is deleted, and
  // the host creates nothing more in it (on a real cluster each try is a
  // refused create and a warning line, again for every pod deleted).
  const std::size_t log_before = setup_->host_log().size();
  setup_->kubectl_ok({"delete", "namespace", kNamespace, "--wait=false"});
  EXPECT_TRUE(test::eventually(
      [&] {
        return setup_->kubectl({"get", "namespace", kNamespace}).exit_code != 0;
      },
      kConvergeSeconds))
      << setup_->kubectl({"get", "namespace", kNamespace, "-o", "yaml"}).out;
  const std::string during = setup_->host_log().substr(log_before);
  // At most one line, the one that says the namespace is going; it quotes
  // the refusal that told the host so ("... is forbidden: unable to create
  // new content in namespace ..."). No other refusal is logged.
  const std::string going = std::string("namespace ") + kNamespace + " is being deleted";
  EXPECT_LE(test::lines_with(during, going).size(), 1u) << during;
  for (const std::string& line : test::lines_with(during, "is forbidden")) {
    EXPECT_NE(line.find(going), std::string::npos) << line;
  }
  EXPECT_TRUE(test::lines_with(during, "Error creating").empty()) << during;
  EXPECT_TRUE(test::lines_with(during, "warning plugin dgd").empty()) << during;
}

// A multinode service scales by whole groups: `kubectl scale` of its adapter
// to 2 makes two groups of nodeCount pods, REPLICAS counts each group once,
// and scaling to 0 removes every pod of the service.
TEST_F(UpstreamExamples, MultinodeServiceScalesByGroups) {
  const Example* multinode = nullptr;
  for (const Example& e : examples_) {
    if (e.name == "sglang-disagg-multinode") multinode = &e;
  }
  if (multinode == nullptr) GTEST_SKIP() << "no sglang-disagg-multinode example";
  setup_->kubectl_ok({"create", "namespace", kNamespace});
  setup_->kubectl_ok({"apply", "-n", kNamespace, "-f", multinode->file.string()});
  const std::string adapter = "sglang-disagg-multinode-decode";
  const std::string selector = "nvidia.com/selector=" + adapter;

  auto groups_of_pods = [&] {
    std::map<std::string, int> groups;
    for (const auto& pod : items({"pods", "-l", selector})) {
      ++groups[label(pod, "nvidia.com/dynamo-group")];
    }
    return groups;
  };
  auto status_replicas = [&] {
    return setup_
        ->kubectl({"get", "dgdsa", adapter, "-n", kNamespace, "-o", "jsonpath={.status.replicas}"})
        .out;
  };
  ASSERT_TRUE(test::eventually([&] { return groups_of_pods().size() == 1; }, kConvergeSeconds));

  setup_->kubectl_ok({"scale", "dgdsa", adapter, "-n", kNamespace, "--replicas=2"});
  std::map<std::string, int> groups;
  EXPECT_TRUE(test::eventually(
      [&] {
        groups = groups_of_pods();
        return groups.size() == 2 && groups.begin()->second == 2 && groups.rbegin()->second == 2;
      },
      kConvergeSeconds))
      << groups.size() << " groups";
  EXPECT_TRUE(test::eventually([&] { return status_replicas() == "2"; }, kConvergeSeconds))
      << status_replicas();

  setup_->kubectl_ok({"scale", "dgdsa", adapter, "-n", kNamespace, "--replicas=0"});
  EXPECT_TRUE(test::eventually(
      [&] {
        return items({"pods", "-l", selector}).empty();
      },
      kConvergeSeconds));
  EXPECT_TRUE(test::eventually([&] { return status_replicas() == "0"; }, kConvergeSeconds))
      << status_replicas();
  // The other services keep their pods.
  EXPECT_EQ(items({"pods", "-l", "nvidia.com/selector=sglang-disagg-multinode-prefill"}).size(),
            2u);
}

// spec.pvcs and volumeMounts as the contract says: a claim with create: true
// is created owned by the DGD when missing, a user's claim is used as it is
// and kept, and what a claim or mount lacks is refused by the CRD schema with
// the field named.
TEST_F(UpstreamExamples, ClaimsAndVolumeMountsAsTheContractSays) {
  setup_->kubectl_ok({"create", "namespace", kNamespace});
  setup_->kubectl_ok({"apply", "-n", kNamespace, "-f", "-"}, R"(apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: users-claim
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 5Gi
)");
  const std::string dgd = R"(apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata:
  name: with-claims
spec:
  backendFramework: sglang
  pvcs:
    - name: model-cache
      create: true
      size: 100Gi
      storageClass: standard
      volumeAccessMode: ReadWriteMany
    - name: users-claim
  services:
    decode:
      componentType: worker
      volumeMounts:
        - name: model-cache
          mountPoint: /models
        - name: users-claim
          useAsCompilationCache: true
)";
  EXPECT_EQ(setup_->kubectl_ok({"apply", "-n", kNamespace, "-f", "-"}, dgd),
            "dynamographdeployment.nvidia.com/with-claims created\n");
  json::array claims;
  EXPECT_TRUE(test::eventually(
      [&] {
        claims = items({"pvc"});
        return claims.size() == 2;
      },
      kConvergeSeconds));
  for (const auto& claim : claims) {
    const std::string name = text(claim, {"metadata", "name"});
    if (name == "model-cache") {
      EXPECT_EQ(text(claim, {"spec", "resources", "requests", "storage"}), "100Gi");
      EXPECT_EQ(text(claim, {"spec", "storageClassName"}), "standard");
      EXPECT_EQ(text(claim, {"spec", "accessModes"}), R"(["ReadWriteMany"])");
      EXPECT_NE(text(claim, {"metadata", "ownerReferences"})
                    .find(R"("kind":"DynamoGraphDeployment","name":"with-claims")"),
                std::string::npos);
    } else {
      EXPECT_EQ(name, "users-claim");
      EXPECT_EQ(text(claim, {"spec", "resources", "requests", "storage"}), "5Gi");
      EXPECT_EQ(text(claim, {"metadata", "ownerReferences"}), "<missing>");
    }
  }
  json::array pods;
  ASSERT_TRUE(test::eventually(
      [&] {
        pods = items({"pods", "-l", "nvidia.com/selector=with-claims-decode"});
        return pods.size() == 1;
      },
      kConvergeSeconds));
  EXPECT_EQ(text(pods[0].at("spec").at("containers").at(0), {"volumeMounts"}),
            R"([{"mountPath":"/models","name":"model-cache"},)"
            R"({"mountPath":"/root/.cache/sglang","name":"users-claim"}])");

  // Deleting the DGD takes the claim it made and keeps the user's.
  setup_->kubectl_ok({"delete", "dgd", "with-claims", "-n", kNamespace});
  EXPECT_TRUE(test::eventually(
      [&] {
        auto left = items({"pvc"});
        return left.size() == 1 && text(left[0], {"metadata", "name"}) == "users-claim";
      },
      kConvergeSeconds));

  // What the schema refuses, with the field named.
  auto refused =
      setup_->kubectl({"apply", "-n", kNamespace, "-f", "-"}, R"(apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata:
  name: incomplete
spec:
  pvcs:
    - name: model-cache
      create: true
      size: 10Gi
  services:
    decode:
      volumeMounts:
        - name: model-cache
)");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("spec.pvcs[0].storageClass: Required value"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("spec.pvcs[0].volumeAccessMode: Required value"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("spec.services.decode.volumeMounts[0].mountPoint: Required value"),
            std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace dynop::e2e
