// The dispatcher's decisions that need no webhook server: which requests
// reach a webhook at all, dryRun refusals, unusable configurations, and the
// Scale sent for /scale. Calls over HTTPS are covered by
// tests/integration/localcluster/admission_webhook_test.cpp.
#include "localcluster/admission/webhook_dispatcher.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::admission {
namespace {

namespace json = boost::json;

const std::string kConfigurations = "validatingwebhookconfigurations.admissionregistration.k8s.io";

ResourceType configmaps() {
  ResourceType type;
  type.version = "v1";
  type.kind = "ConfigMap";
  type.plural = "configmaps";
  return type;
}

class DispatcherTest : public ::testing::Test {
 protected:
  void add_configuration(const std::string& name, const std::string& webhooks_json) {
    auto object =
        json::parse(
            R"({"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":")" +
            name + R"("},"webhooks":)" + webhooks_json + "}")
            .as_object();
    ASSERT_TRUE(store_.create(kConfigurations, "", name, std::move(object)).ok());
  }

  std::optional<server::ApiError> admit(const ResourceType& type, bool dry_run = false) {
    server::AdmissionAttributes attributes;
    attributes.type = &type;
    attributes.operation = "CREATE";
    attributes.namespace_name = "default";
    attributes.name = "cm";
    attributes.object = &object_;
    attributes.dry_run = dry_run;
    return dispatcher_.admit(attributes, warnings_);
  }

  storage::ObjectStore store_{storage::StoreOptions{}};
  WebhookDispatcher dispatcher_{store_};
  json::value object_ = json::parse(R"({"metadata":{"name":"cm","namespace":"default"}})");
  std::vector<std::string> warnings_;
};

constexpr const char* kDownWebhook =
    R"([{"name":"down.example.com","clientConfig":{"url":"https://127.0.0.1:1/v"},"timeoutSeconds":2,
        "rules":[{"operations":["*"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]}])";

TEST_F(DispatcherTest, NoConfigurationAdmitsEverything) { EXPECT_FALSE(admit(configmaps())); }

TEST_F(DispatcherTest, UnreachableWebhookFailsClosedByDefault) {
  add_configuration("down", kDownWebhook);
  auto error = admit(configmaps());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, 500);
  EXPECT_TRUE(error->message.starts_with(
      "Internal error occurred: failed calling webhook \"down.example.com\": failed to call "
      "webhook: Post \"https://127.0.0.1:1/v?timeout=2s\": "))
      << error->message;
}

TEST_F(DispatcherTest, RequestsTheRulesDoNotCoverAreNotSent) {
  add_configuration("down", kDownWebhook);
  ResourceType secrets = configmaps();
  secrets.plural = "secrets";
  secrets.kind = "Secret";
  EXPECT_FALSE(admit(secrets));
}

TEST_F(DispatcherTest, WebhookConfigurationsThemselvesAreExempt) {
  add_configuration("all",
                    R"([{"name":"all.example.com","clientConfig":{"url":"https://127.0.0.1:1/v"},
                  "rules":[{"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*"]}]}])");
  ResourceType vwc;
  vwc.group = "admissionregistration.k8s.io";
  vwc.version = "v1";
  vwc.kind = "ValidatingWebhookConfiguration";
  vwc.plural = "validatingwebhookconfigurations";
  vwc.namespaced = false;
  EXPECT_FALSE(admit(vwc));
  EXPECT_TRUE(admit(configmaps()));
}

TEST_F(DispatcherTest, DryRunIsRefusedByWebhooksWithSideEffects) {
  add_configuration("down", kDownWebhook);  // sideEffects absent: Unknown
  auto error = admit(configmaps(), true);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, 400);
  EXPECT_EQ(error->message, "admission webhook \"down.example.com\" does not support dry run");
}

TEST_F(DispatcherTest, UnusableWebhookFollowsFailurePolicy) {
  add_configuration(
      "broken",
      R"([{"name":"broken.example.com","clientConfig":{"url":"https://x","caBundle":"%%%"},
                     "rules":[{"operations":["*"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]}])");
  auto error = admit(configmaps());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message,
            "Internal error occurred: failed calling webhook \"broken.example.com\": "
            "clientConfig.caBundle is not valid base64");
  auto changed = store_.update(
      kConfigurations, "", "broken",
      [](json::object& object, storage::WriteAction&) -> std::optional<storage::StoreError> {
        object["webhooks"].as_array()[0].as_object()["failurePolicy"] = "Ignore";
        return std::nullopt;
      });
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(admit(configmaps()));  // the changed configuration applies at once
}

TEST_F(DispatcherTest, WebhooksInConfigurationNameOrder) {
  add_configuration("b", kDownWebhook);
  add_configuration("a", R"([{"name":"first.example.com","clientConfig":{"url":"https://x"}}])");
  auto webhooks = dispatcher_.webhooks();
  ASSERT_EQ(webhooks.size(), 2u);
  EXPECT_EQ(webhooks[0]->name, "first.example.com");
  EXPECT_EQ(webhooks[1]->name, "down.example.com");
}

TEST(ScaleOf, BuildsTheAutoscalingV1Scale) {
  ResourceType type;
  type.scale = ScaleSubresource{".spec.replicas", ".status.replicas", ".status.selector"};
  auto object = json::parse(
      R"({"metadata":{"name":"a","namespace":"default","uid":"u","resourceVersion":"7","creationTimestamp":"2026-11-28T00:00:00Z","labels":{"x":"y"}},
          "spec":{"replicas":3},"status":{"replicas":1,"selector":"app=a"}})");
  EXPECT_EQ(scale_of(type, object), json::parse(R"({"kind":"Scale","apiVersion":"autoscaling/v1",
      "metadata":{"name":"a","namespace":"default","uid":"u","resourceVersion":"7","creationTimestamp":"2026-11-28T00:00:00Z"},
      "spec":{"replicas":3},"status":{"replicas":1,"selector":"app=a"}})"));
  auto bare = json::parse(R"({"metadata":{"name":"b"}})");
  EXPECT_EQ(scale_of(type, bare).at("spec").at("replicas"), 0);
  EXPECT_EQ(scale_of(type, bare).at("status"), json::parse(R"({"replicas":0})"));
}

}  // namespace
}  // namespace dynop::localcluster::admission
