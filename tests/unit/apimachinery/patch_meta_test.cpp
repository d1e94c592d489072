#include "lib/apimachinery/patch_meta.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lib/apimachinery/strategic_merge_patch.hpp"

// What `kubectl apply` of a changed manifest does to each built-in kind: the
// patch metadata (k8s.io/api's patchStrategy/patchMergeKey tags) decides
// whether a list merges element by element or is replaced.
namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

std::string smp(std::string_view kind, std::string_view original, std::string_view patch) {
  auto r = strategic_merge_patch(json::parse(original), json::parse(patch), kind);
  if (!r) return "ERROR: " + r.error();
  return json::serialize(*r);
}

TEST(PatchMeta, ValidatingWebhookConfigurationMergesWebhooksByName) {
  // Changing one webhook's timeout keeps the other webhook and the fields the
  // patch does not name (the caBundle a cert injector filled in).
  EXPECT_EQ(smp("ValidatingWebhookConfiguration",
                R"({"webhooks":[{"name":"a","timeoutSeconds":10,"clientConfig":{"caBundle":"Q0E="}},
                                {"name":"b","timeoutSeconds":10}]})",
                R"({"webhooks":[{"name":"a","timeoutSeconds":5}]})"),
            R"({"webhooks":[{"name":"a","timeoutSeconds":5,"clientConfig":{"caBundle":"Q0E="}},)"
            R"({"name":"b","timeoutSeconds":10}]})");
  // Rules inside a webhook have no tag: the patch's list replaces them.
  EXPECT_EQ(
      smp("MutatingWebhookConfiguration",
          R"({"webhooks":[{"name":"a","rules":[{"operations":["CREATE"]},{"operations":["DELETE"]}]}]})",
          R"({"webhooks":[{"name":"a","rules":[{"operations":["UPDATE"]}]}]})"),
      R"({"webhooks":[{"name":"a","rules":[{"operations":["UPDATE"]}]}]})");
  // matchConditions merge by name.
  EXPECT_EQ(smp("ValidatingWebhookConfiguration",
                R"({"webhooks":[{"name":"a","matchConditions":[{"name":"x","expression":"1"}]}]})",
                R"({"webhooks":[{"name":"a","matchConditions":[{"name":"y","expression":"2"}]}]})"),
            R"({"webhooks":[{"name":"a","matchConditions":[{"name":"y","expression":"2"},)"
            R"({"name":"x","expression":"1"}]}]})");
  // A webhook without its merge key is refused as kube refuses it.
  EXPECT_EQ(smp("ValidatingWebhookConfiguration", R"({"webhooks":[{"name":"a"}]})",
                R"({"webhooks":[{"timeoutSeconds":5}]})"),
            "ERROR: map: map[timeoutSeconds:5] does not contain declared merge key: name");
}

TEST(PatchMeta, HorizontalPodAutoscalerMetricsReplaceConditionsMergeByType) {
  // spec.metrics carries no tag (listType=atomic): the applied list wins.
  EXPECT_EQ(
      smp("HorizontalPodAutoscaler",
          R"({"spec":{"maxReplicas":10,"metrics":[{"type":"External"},{"type":"Resource"}]}})",
          R"({"spec":{"maxReplicas":12,"metrics":[{"type":"Pods"}]}})"),
      R"({"spec":{"maxReplicas":12,"metrics":[{"type":"Pods"}]}})");
  // Behavior policies too.
  EXPECT_EQ(
      smp("HorizontalPodAutoscaler",
          R"({"spec":{"behavior":{"scaleUp":{"policies":[{"type":"Pods","value":2}],"stabilizationWindowSeconds":0}}}})",
          R"({"spec":{"behavior":{"scaleUp":{"policies":[{"type":"Percent","value":50}]}}}})"),
      R"({"spec":{"behavior":{"scaleUp":{"policies":[{"type":"Percent","value":50}],)"
      R"("stabilizationWindowSeconds":0}}}})");
  EXPECT_EQ(
      smp("HorizontalPodAutoscaler",
          R"({"status":{"conditions":[{"type":"AbleToScale","status":"True"},{"type":"ScalingActive","status":"False"}]}})",
          R"({"status":{"conditions":[{"type":"ScalingActive","status":"True"}]}})"),
      R"({"status":{"conditions":[{"type":"AbleToScale","status":"True"},)"
      R"({"type":"ScalingActive","status":"True"}]}})");
}

TEST(PatchMeta, PodDisruptionBudgetSelectorIsReplacedConditionsMergeByType) {
  // patchStrategy=replace: the old matchLabels do not survive next to the new.
  EXPECT_EQ(smp("PodDisruptionBudget",
                R"({"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"a"}}}})",
                R"({"spec":{"selector":{"matchLabels":{"tier":"b"}}}})"),
            R"({"spec":{"minAvailable":1,"selector":{"matchLabels":{"tier":"b"}}}})");
  // Switching minAvailable for maxUnavailable: null deletes as in any map.
  EXPECT_EQ(smp("PodDisruptionBudget", R"({"spec":{"minAvailable":1}})",
                R"({"spec":{"minAvailable":null,"maxUnavailable":1}})"),
            R"({"spec":{"maxUnavailable":1}})");
  EXPECT_EQ(smp("PodDisruptionBudget",
                R"({"status":{"conditions":[{"type":"DisruptionAllowed","status":"False"}]}})",
                R"({"status":{"conditions":[{"type":"DisruptionAllowed","status":"True"}]}})"),
            R"({"status":{"conditions":[{"type":"DisruptionAllowed","status":"True"}]}})");
}

TEST(PatchMeta, KindsWithoutTagsMergeMapsAndReplaceLists) {
  // RBAC rules and subjects, Lease spec, CRD versions: the default.
  EXPECT_EQ(
      smp("ClusterRole",
          R"({"metadata":{"labels":{"a":"1"}},"rules":[{"verbs":["get"]},{"verbs":["list"]}]})",
          R"({"metadata":{"labels":{"b":"2"}},"rules":[{"verbs":["watch"]}]})"),
      R"({"metadata":{"labels":{"a":"1","b":"2"}},"rules":[{"verbs":["watch"]}]})");
  EXPECT_EQ(smp("RoleBinding", R"({"subjects":[{"kind":"User","name":"a"}]})",
                R"({"subjects":[{"kind":"User","name":"b"}]})"),
            R"({"subjects":[{"kind":"User","name":"b"}]})");
  EXPECT_EQ(smp("Lease", R"({"spec":{"holderIdentity":"a","leaseDurationSeconds":15}})",
                R"({"spec":{"holderIdentity":"b"}})"),
            R"({"spec":{"holderIdentity":"b","leaseDurationSeconds":15}})");
  EXPECT_EQ(smp("CustomResourceDefinition",
                R"({"spec":{"group":"g","versions":[{"name":"v1"},{"name":"v2"}]}})",
                R"({"spec":{"versions":[{"name":"v2"}]}})"),
            R"({"spec":{"group":"g","versions":[{"name":"v2"}]}})");
  // metadata is ObjectMeta everywhere: finalizers and ownerReferences merge.
  EXPECT_EQ(
      smp("Role", R"({"metadata":{"finalizers":["a"]}})", R"({"metadata":{"finalizers":["b"]}})"),
      R"({"metadata":{"finalizers":["b","a"]}})");
}

TEST(PatchMeta, EveryBuiltinKindHasARootTypeCustomKindsDoNot) {
  const auto& reg = PatchMetaRegistry::builtin();
  for (const char* kind :
       {"HorizontalPodAutoscaler", "PodDisruptionBudget", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration", "CustomResourceDefinition", "Lease", "Event", "Role",
        "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Endpoints"}) {
    EXPECT_TRUE(reg.root_type(kind).has_value()) << kind;
  }
  EXPECT_FALSE(reg.root_type("DynamoGraphDeploymentScalingAdapter").has_value());
  const PatchField* webhooks = reg.lookup("ValidatingWebhookConfiguration", "webhooks");
  ASSERT_NE(webhooks, nullptr);
  EXPECT_EQ(webhooks->merge_key, "name");
}

}  // namespace
}  // namespace dynop::apimachinery
