#include "tests/support/reference_dir.hpp"
#include "localcluster/admission/webhook_config.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace dynop::localcluster::admission {
namespace {

namespace json = boost::json;

// The shared reference traces (DYNOP_REFERENCE_DIR, as the other localcluster tests).
std::string read_trace(const std::string& name) {
  const std::string dir = dynop::test::reference_dir();
  std::ifstream in(dir + "/apiserver-traces/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(WebhookConfig, TheTraceConfigurationAsKubeReturnedIt) {
  std::string text = read_trace("07-webhook-01-register-vwc-post.json");
  if (text.empty()) GTEST_SKIP() << "reference traces not available";
  auto webhooks = parse_configuration(json::parse(text));
  ASSERT_EQ(webhooks.size(), 1u);
  const Webhook& w = *webhooks[0];
  EXPECT_EQ(w.name, "validate.dynamographdeployments.nvidia.com");
  EXPECT_EQ(w.configuration, "dgd-validator");
  EXPECT_EQ(w.client.url, "https://127.0.0.1:9443/validate");
  EXPECT_TRUE(w.client.ca_pem.starts_with("-----BEGIN CERTIFICATE-----\n")) << w.client.ca_pem;
  EXPECT_TRUE(w.client.ca_pem.ends_with("-----END CERTIFICATE-----\n"));
  ASSERT_EQ(w.rules.size(), 1u);
  EXPECT_EQ(w.rules[0].operations, (std::vector<std::string>{"CREATE", "UPDATE"}));
  EXPECT_EQ(w.rules[0].scope, "Namespaced");
  EXPECT_EQ(w.failure_policy, FailurePolicy::kFail);
  EXPECT_EQ(w.side_effects, "None");
  EXPECT_EQ(w.timeout_seconds, 5);
  EXPECT_TRUE(w.error.empty()) << w.error;
  EXPECT_EQ(call_url(w), "https://127.0.0.1:9443/validate?timeout=5s");
}

TEST(WebhookConfig, Defaults) {
  auto webhooks = parse_configuration(json::parse(
      R"({"metadata":{"name":"c"},"webhooks":[{"name":"w","clientConfig":{"url":"https://127.0.0.1:8443/v?x=1"},"rules":[{"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*"]}]}]})"));
  ASSERT_EQ(webhooks.size(), 1u);
  const Webhook& w = *webhooks[0];
  EXPECT_EQ(w.failure_policy, FailurePolicy::kFail);
  EXPECT_EQ(w.timeout_seconds, 10);
  EXPECT_EQ(w.rules[0].scope, "*");
  EXPECT_TRUE(w.namespace_selector.empty());
  EXPECT_TRUE(w.object_selector.empty());
  EXPECT_FALSE(w.supports_dry_run());
  EXPECT_EQ(call_url(w), "https://127.0.0.1:8443/v?x=1&timeout=10s");
}

TEST(WebhookConfig, ServiceReferenceGoesToLoopback) {
  auto webhooks = parse_configuration(json::parse(
      R"({"metadata":{"name":"c"},"webhooks":[{"name":"w","failurePolicy":"Ignore","sideEffects":"NoneOnDryRun","timeoutSeconds":3,
          "clientConfig":{"service":{"namespace":"dynop-system","name":"dynop-webhook","path":"/validate-nvidia-com-v1alpha1-dynamographdeployment","port":9443}}}]})"));
  ASSERT_EQ(webhooks.size(), 1u);
  const Webhook& w = *webhooks[0];
  EXPECT_EQ(w.failure_policy, FailurePolicy::kIgnore);
  EXPECT_TRUE(w.supports_dry_run());
  EXPECT_EQ(call_url(w),
            "https://127.0.0.1:9443/validate-nvidia-com-v1alpha1-dynamographdeployment?timeout=3s");
  auto default_port = parse_configuration(json::parse(
      R"({"webhooks":[{"name":"w","clientConfig":{"service":{"namespace":"n","name":"s"}}}]})"));
  EXPECT_EQ(call_url(*default_port.at(0)), "https://127.0.0.1:443/?timeout=10s");
}

TEST(WebhookConfig, UnusableWebhooksCarryAnError) {
  auto webhooks = parse_configuration(json::parse(
      R"({"webhooks":[{"name":"a","clientConfig":{"url":"https://x","caBundle":"***"}},
                      {"name":"b","clientConfig":{}},
                      {"name":"c","clientConfig":{"url":"https://x"},"objectSelector":{"matchExpressions":[{"key":"k","operator":"Bogus"}]}},
                      {"name":"d","clientConfig":{"url":"https://x"},"admissionReviewVersions":["v1beta1"]}]})"));
  ASSERT_EQ(webhooks.size(), 4u);
  EXPECT_EQ(webhooks[0]->error, "clientConfig.caBundle is not valid base64");
  EXPECT_EQ(webhooks[1]->error, "clientConfig: exactly one of url or service is required");
  EXPECT_TRUE(webhooks[2]->error.starts_with("objectSelector: ")) << webhooks[2]->error;
  EXPECT_EQ(webhooks[3]->error, "webhook does not accept known AdmissionReview versions");
}

}  // namespace
}  // namespace dynop::localcluster::admission
