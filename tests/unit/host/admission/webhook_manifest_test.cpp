// The shipped manifests keep the contract of dynamo-api.md ("Admission"):
// upstream's path, fail closed with a 10 s timeout, no side effects, v1
// reviews, CREATE and UPDATE of DGDs and DGDSAs, two replicas and a PDB, and
// paths that this host actually serves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>

#include "dynop/abi.h"
#include "host/admission/admission_routes.hpp"
#include "tests/support/paths.hpp"

namespace dynop::host::admission {
namespace {

using ::testing::ElementsAre;

std::map<std::string, YAML::Node> documents_by_kind() {
  std::map<std::string, YAML::Node> out;
  for (const auto& doc :
       YAML::LoadAllFromFile(test::source_path("packaging/webhook/webhook.yaml"))) {
    out[doc["kind"].as<std::string>()] = doc;
  }
  return out;
}

std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(item.as<std::string>());
  return out;
}

TEST(WebhookManifest, WebhooksFollowTheContract) {
  auto docs = documents_by_kind();
  ASSERT_TRUE(docs.count("ValidatingWebhookConfiguration"));
  const YAML::Node webhooks = docs["ValidatingWebhookConfiguration"]["webhooks"];
  ASSERT_EQ(webhooks.size(), 2u);
  const std::vector<std::string> resources = {"dynamographdeployments",
                                              "dynamographdeploymentscalingadapters"};
  for (std::size_t i = 0; i < 2; ++i) {
    const YAML::Node w = webhooks[i];
    EXPECT_EQ(w["failurePolicy"].as<std::string>(), "Fail");
    EXPECT_EQ(w["timeoutSeconds"].as<int>(), 10);
    EXPECT_EQ(w["sideEffects"].as<std::string>(), "None");
    EXPECT_THAT(strings(w["admissionReviewVersions"]), ElementsAre("v1"));
    ASSERT_EQ(w["rules"].size(), 1u);
    const YAML::Node rule = w["rules"][0];
    EXPECT_THAT(strings(rule["operations"]), ElementsAre("CREATE", "UPDATE"));
    EXPECT_THAT(strings(rule["apiGroups"]), ElementsAre("nvidia.com"));
    EXPECT_THAT(strings(rule["apiVersions"]), ElementsAre("v1alpha1"));
    EXPECT_THAT(strings(rule["resources"]), ElementsAre(resources[i]));
    // The path is the one the admission server derives for that rule.
    AdmissionRule served{"nvidia.com", "v1alpha1", resources[i], DYNOP_OP_CREATE | DYNOP_OP_UPDATE};
    EXPECT_EQ(w["clientConfig"]["service"]["path"].as<std::string>(), webhook_path(served));
    EXPECT_EQ(w["clientConfig"]["service"]["name"].as<std::string>(),
              docs["Service"]["metadata"]["name"].as<std::string>());
  }
  EXPECT_EQ(webhooks[0]["clientConfig"]["service"]["path"].as<std::string>(),
            "/validate-nvidia-com-v1alpha1-dynamographdeployment");
}

TEST(WebhookManifest, TwoReplicasAndADisruptionBudget) {
  auto docs = documents_by_kind();
  EXPECT_EQ(docs["Deployment"]["spec"]["replicas"].as<int>(), 2);
  EXPECT_EQ(docs["PodDisruptionBudget"]["spec"]["minAvailable"].as<int>(), 1);
  EXPECT_EQ(docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
                .as<std::string>(),
            "dynop");
  // The Service reaches the container's admission port.
  const YAML::Node container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0];
  EXPECT_THAT(strings(container["args"]), ::testing::Contains("--admission-address=:9443"));
  EXPECT_EQ(container["ports"][0]["containerPort"].as<int>(), 9443);
}

}  // namespace
}  // namespace dynop::host::admission
