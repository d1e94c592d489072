#include "host/admission/admission_routes.hpp"

#include <gtest/gtest.h>

#include "dynop/abi.h"

namespace dynop::host::admission {
namespace {

using dynop::admission::AdmissionRequest;
using dynop::admission::Operation;

AdmissionRequest request_for(std::string group, std::string version, std::string resource,
                             std::string sub_resource, Operation operation) {
  AdmissionRequest r;
  r.resource = {std::move(group), std::move(version), std::move(resource)};
  r.sub_resource = std::move(sub_resource);
  r.operation = operation;
  return r;
}

TEST(SingularOf, FollowsEnglishPluralsOfKubernetesResources) {
  EXPECT_EQ(singular_of("dynamographdeployments"), "dynamographdeployment");
  EXPECT_EQ(singular_of("dynamographdeploymentscalingadapters"),
            "dynamographdeploymentscalingadapter");
  EXPECT_EQ(singular_of("pods"), "pod");
  EXPECT_EQ(singular_of("networkpolicies"), "networkpolicy");
  EXPECT_EQ(singular_of("ingresses"), "ingress");
  EXPECT_EQ(singular_of("leases"), "lease");
  EXPECT_EQ(singular_of("endpoints"), "endpoint");
}

TEST(WebhookPath, IsUpstreamsPathForTheDgd) {
  AdmissionRule rule{"nvidia.com", "v1alpha1", "dynamographdeployments",
                     DYNOP_OP_CREATE | DYNOP_OP_UPDATE};
  EXPECT_EQ(webhook_path(rule), "/validate-nvidia-com-v1alpha1-dynamographdeployment");
  rule.resource = "dynamographdeploymentscalingadapters";
  EXPECT_EQ(webhook_path(rule),
            "/validate-nvidia-com-v1alpha1-dynamographdeploymentscalingadapter");
}

TEST(WebhookPath, CoreGroupSubresourcesAndWildcards) {
  EXPECT_EQ(webhook_path({"", "v1", "pods", DYNOP_OP_CREATE}), "/validate--v1-pod");
  EXPECT_EQ(webhook_path({"apps", "v1", "deployments/scale", DYNOP_OP_UPDATE}),
            "/validate-apps-v1-deployment");
  EXPECT_EQ(webhook_path({"*", "v1", "pods", DYNOP_OP_CREATE}), std::nullopt);
  EXPECT_EQ(webhook_path({"apps", "*", "deployments", DYNOP_OP_CREATE}), std::nullopt);
  EXPECT_EQ(webhook_path({"apps", "v1", "*", DYNOP_OP_CREATE}), std::nullopt);
  EXPECT_EQ(webhook_path({"apps", "v1", "*/scale", DYNOP_OP_CREATE}), std::nullopt);
}

TEST(RuleMatches, OperationsAreBits) {
  AdmissionRule rule{"nvidia.com", "v1alpha1", "dynamographdeployments",
                     DYNOP_OP_CREATE | DYNOP_OP_UPDATE};
  EXPECT_TRUE(rule_matches(rule, request_for("nvidia.com", "v1alpha1", "dynamographdeployments", "",
                                             Operation::kCreate)));
  EXPECT_TRUE(rule_matches(rule, request_for("nvidia.com", "v1alpha1", "dynamographdeployments", "",
                                             Operation::kUpdate)));
  EXPECT_FALSE(rule_matches(rule, request_for("nvidia.com", "v1alpha1", "dynamographdeployments",
                                              "", Operation::kDelete)));
  EXPECT_FALSE(rule_matches(rule, request_for("nvidia.com", "v1alpha2", "dynamographdeployments",
                                              "", Operation::kCreate)));
  EXPECT_FALSE(rule_matches(rule, request_for("example.com", "v1alpha1", "dynamographdeployments",
                                              "", Operation::kCreate)));
}

TEST(RuleMatches, SubresourcesOnlyWhenTheRuleNamesThem) {
  const auto scale =
      request_for("nvidia.com", "v1alpha1", "dynamographdeployments", "scale", Operation::kUpdate);
  const auto main =
      request_for("nvidia.com", "v1alpha1", "dynamographdeployments", "", Operation::kUpdate);
  const std::uint32_t update = DYNOP_OP_UPDATE;
  EXPECT_FALSE(rule_matches({"nvidia.com", "v1alpha1", "dynamographdeployments", update}, scale));
  EXPECT_TRUE(
      rule_matches({"nvidia.com", "v1alpha1", "dynamographdeployments/scale", update}, scale));
  EXPECT_FALSE(
      rule_matches({"nvidia.com", "v1alpha1", "dynamographdeployments/scale", update}, main));
  EXPECT_TRUE(rule_matches({"nvidia.com", "v1alpha1", "dynamographdeployments/*", update}, scale));
  EXPECT_TRUE(rule_matches({"nvidia.com", "v1alpha1", "*/scale", update}, scale));
  EXPECT_FALSE(
      rule_matches({"nvidia.com", "v1alpha1", "dynamographdeployments/status", update}, scale));
  EXPECT_TRUE(rule_matches({"*", "*", "*/*", update}, scale));
  EXPECT_TRUE(rule_matches({"*", "*", "*/*", update}, main));
  EXPECT_TRUE(rule_matches({"*", "*", "*", update}, main));
  EXPECT_FALSE(rule_matches({"*", "*", "*", update}, scale));
}

}  // namespace
}  // namespace dynop::host::admission
