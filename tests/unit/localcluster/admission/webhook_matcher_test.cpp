#include "localcluster/admission/webhook_matcher.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "localcluster/admission/webhook_config.hpp"

namespace dynop::localcluster::admission {
namespace {

namespace json = boost::json;

// One webhook from a configuration written as a user would write it.
Webhook webhook_from(const std::string& webhook_json) {
  auto config = json::parse(R"({"metadata":{"name":"cfg"},"webhooks":[)" + webhook_json + "]}");
  auto parsed = parse_configuration(config);
  EXPECT_EQ(parsed.size(), 1u);
  return *parsed.at(0);
}

Webhook with_rule(const std::string& rule) {
  return webhook_from(R"({"name":"w","clientConfig":{"url":"https://127.0.0.1:1/x"},"rules":[)" +
                      rule + "]}");
}

MatchRequest dgd(std::string operation, std::string subresource = "") {
  return MatchRequest{std::move(operation),   "nvidia.com", "v1alpha1", "dynamographdeployments",
                      std::move(subresource), "default",    nullptr,    nullptr};
}

MatchRequest adapter_scale() {
  return MatchRequest{"UPDATE", "nvidia.com", "v1alpha1", "dynamographdeploymentscalingadapters",
                      "scale",  "default",    nullptr,    nullptr};
}

constexpr const char* kDgdRule =
    R"({"operations":["CREATE","UPDATE"],"apiGroups":["nvidia.com"],"apiVersions":["v1alpha1"],"resources":["dynamographdeployments"],"scope":"Namespaced"})";

TEST(RuleMatching, TraceRuleMatchesCreateAndUpdateOfTheMainResourceOnly) {
  auto w = with_rule(kDgdRule);
  EXPECT_TRUE(rules_match(w, dgd("CREATE")));
  EXPECT_TRUE(rules_match(w, dgd("UPDATE")));
  EXPECT_FALSE(rules_match(w, dgd("DELETE")));
  EXPECT_FALSE(rules_match(w, dgd("CONNECT")));
  EXPECT_FALSE(rules_match(w, dgd("UPDATE", "status")));
  EXPECT_FALSE(rules_match(w, dgd("UPDATE", "scale")));
}

TEST(RuleMatching, OperationsStar) {
  auto w = with_rule(
      R"({"operations":["*"],"apiGroups":["nvidia.com"],"apiVersions":["v1alpha1"],"resources":["dynamographdeployments"]})");
  for (const char* op : {"CREATE", "UPDATE", "DELETE", "CONNECT"}) {
    EXPECT_TRUE(rules_match(w, dgd(op))) << op;
  }
}

TEST(RuleMatching, GroupsAndVersions) {
  auto w = with_rule(
      R"({"operations":["*"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]})");
  MatchRequest pod{"CREATE", "", "v1", "pods", "", "default", nullptr, nullptr};
  EXPECT_TRUE(rules_match(w, pod));
  MatchRequest other_group = pod;
  other_group.group = "example.com";
  EXPECT_FALSE(rules_match(w, other_group));
  MatchRequest other_version = pod;
  other_version.version = "v2";
  EXPECT_FALSE(rules_match(w, other_version));
  auto any = with_rule(
      R"({"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["pods"]})");
  EXPECT_TRUE(rules_match(any, other_group));
  EXPECT_TRUE(rules_match(any, other_version));
}

TEST(RuleMatching, ResourceWildcardsAndSubresources) {
  auto star =
      with_rule(R"({"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*"]})");
  EXPECT_TRUE(rules_match(star, dgd("UPDATE")));
  EXPECT_FALSE(rules_match(star, dgd("UPDATE", "status")));  // "*" is main resources only

  auto all = with_rule(
      R"({"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*/*"]})");
  EXPECT_TRUE(rules_match(all, dgd("UPDATE")));
  EXPECT_TRUE(rules_match(all, dgd("UPDATE", "status")));
  EXPECT_TRUE(rules_match(all, adapter_scale()));

  auto status = with_rule(
      R"({"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*/status"]})");
  EXPECT_TRUE(rules_match(status, dgd("UPDATE", "status")));
  EXPECT_FALSE(rules_match(status, dgd("UPDATE")));
  EXPECT_FALSE(rules_match(status, adapter_scale()));

  auto scale = with_rule(
      R"({"operations":["UPDATE"],"apiGroups":["nvidia.com"],"apiVersions":["*"],"resources":["dynamographdeploymentscalingadapters/scale"]})");
  EXPECT_TRUE(rules_match(scale, adapter_scale()));
  MatchRequest adapter_main = adapter_scale();
  adapter_main.subresource = "";
  EXPECT_FALSE(rules_match(scale, adapter_main));
  EXPECT_FALSE(rules_match(scale, dgd("UPDATE", "scale")));

  auto every_sub = with_rule(
      R"({"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["dynamographdeployments/*"]})");
  EXPECT_TRUE(rules_match(every_sub, dgd("UPDATE", "status")));
  EXPECT_TRUE(rules_match(every_sub, dgd("UPDATE")));
  EXPECT_FALSE(rules_match(every_sub, adapter_scale()));
}

TEST(RuleMatching, Scope) {
  MatchRequest node{"CREATE", "", "v1", "nodes", "", "", nullptr, nullptr};
  MatchRequest ns{"CREATE", "", "v1", "namespaces", "", "", nullptr, nullptr};
  MatchRequest pod{"CREATE", "", "v1", "pods", "", "default", nullptr, nullptr};
  auto rule = [](const char* scope) {
    return with_rule(
        std::string(
            R"({"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*"],"scope":")") +
        scope + "\"}");
  };
  EXPECT_TRUE(rules_match(rule("Cluster"), node));
  EXPECT_TRUE(rules_match(rule("Cluster"), ns));
  EXPECT_FALSE(rules_match(rule("Cluster"), pod));
  EXPECT_FALSE(rules_match(rule("Namespaced"), node));
  EXPECT_FALSE(rules_match(rule("Namespaced"), ns));
  EXPECT_TRUE(rules_match(rule("Namespaced"), pod));
  for (const char* r : {"*"}) {
    EXPECT_TRUE(rules_match(rule(r), node));
    EXPECT_TRUE(rules_match(rule(r), pod));
  }
  auto no_scope =
      with_rule(R"({"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*"]})");
  EXPECT_TRUE(rules_match(no_scope, node));
  EXPECT_TRUE(rules_match(no_scope, pod));
}

TEST(RuleMatching, AnyOfSeveralRules) {
  auto w = with_rule(
      R"({"operations":["DELETE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]},)"
      R"({"operations":["CREATE"],"apiGroups":["nvidia.com"],"apiVersions":["v1alpha1"],"resources":["dynamographdeployments"]})");
  EXPECT_TRUE(rules_match(w, dgd("CREATE")));
  EXPECT_FALSE(rules_match(w, dgd("DELETE")));
}

TEST(NamespaceSelector, MatchesTheNamespaceLabels) {
  auto w = webhook_from(
      R"({"name":"w","clientConfig":{"url":"https://x"},"namespaceSelector":{"matchLabels":{"team":"a"}}})");
  std::map<std::string, std::string> team_a{{"team", "a"}};
  std::map<std::string, std::string> team_b{{"team", "b"}};
  auto request = dgd("CREATE");
  EXPECT_TRUE(namespace_selector_matches(w, request, &team_a));
  EXPECT_FALSE(namespace_selector_matches(w, request, &team_b));
  EXPECT_FALSE(namespace_selector_matches(w, request, nullptr));
}

TEST(NamespaceSelector, ExpressionsAndEmptySelector) {
  auto w = webhook_from(
      R"({"name":"w","clientConfig":{"url":"https://x"},"namespaceSelector":{"matchExpressions":[{"key":"skip-webhooks","operator":"DoesNotExist"}]}})");
  std::map<std::string, std::string> plain;
  std::map<std::string, std::string> skipped{{"skip-webhooks", "true"}};
  EXPECT_TRUE(namespace_selector_matches(w, dgd("CREATE"), &plain));
  EXPECT_FALSE(namespace_selector_matches(w, dgd("CREATE"), &skipped));
  auto empty =
      webhook_from(R"({"name":"w","clientConfig":{"url":"https://x"},"namespaceSelector":{}})");
  EXPECT_TRUE(namespace_selector_matches(empty, dgd("CREATE"), &skipped));
}

TEST(NamespaceSelector, ClusterScopedAlwaysMatchesAndNamespacesUseTheirOwnLabels) {
  auto w = webhook_from(
      R"({"name":"w","clientConfig":{"url":"https://x"},"namespaceSelector":{"matchLabels":{"team":"a"}}})");
  MatchRequest node{"CREATE", "", "v1", "nodes", "", "", nullptr, nullptr};
  EXPECT_TRUE(namespace_selector_matches(w, node, nullptr));
  auto labelled = json::parse(R"({"metadata":{"name":"x","labels":{"team":"a"}}})");
  auto unlabelled = json::parse(R"({"metadata":{"name":"x"}})");
  MatchRequest ns{"CREATE", "", "v1", "namespaces", "", "", &labelled, nullptr};
  EXPECT_TRUE(namespace_selector_matches(w, ns, nullptr));
  ns.object = &unlabelled;
  EXPECT_FALSE(namespace_selector_matches(w, ns, nullptr));
  MatchRequest deleted{"DELETE", "", "v1", "namespaces", "", "", nullptr, &labelled};
  EXPECT_TRUE(namespace_selector_matches(w, deleted, nullptr));
}

TEST(ObjectSelector, NewOrOldObjectLabels) {
  auto w = webhook_from(
      R"({"name":"w","clientConfig":{"url":"https://x"},"objectSelector":{"matchLabels":{"guard":"on"}}})");
  auto on = json::parse(R"({"metadata":{"labels":{"guard":"on"}}})");
  auto off = json::parse(R"({"metadata":{"labels":{"guard":"off"}}})");
  auto none = json::parse(R"({"metadata":{}})");
  auto request = dgd("UPDATE");
  request.object = &on;
  request.old_object = &none;
  EXPECT_TRUE(object_selector_matches(w, request));
  request.object = &off;
  request.old_object = &on;  // removing the label does not escape the webhook
  EXPECT_TRUE(object_selector_matches(w, request));
  request.old_object = &none;
  EXPECT_FALSE(object_selector_matches(w, request));
  MatchRequest deleted = dgd("DELETE");
  deleted.old_object = &on;
  EXPECT_TRUE(object_selector_matches(w, deleted));
  MatchRequest created = dgd("CREATE");
  created.object = &none;
  EXPECT_FALSE(object_selector_matches(w, created));
}

TEST(ObjectSelector, AbsentSelectorMatchesEverything) {
  auto w = webhook_from(R"({"name":"w","clientConfig":{"url":"https://x"}})");
  EXPECT_TRUE(object_selector_matches(w, dgd("CREATE")));
}

}  // namespace
}  // namespace dynop::localcluster::admission
