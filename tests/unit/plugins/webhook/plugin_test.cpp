// The webhook plugin driven through the C ABI as the host drives it, with the
// SDK's FakeHost on the other side; and the built webhook.so's entry symbol.

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>

#include "dynop/abi.h"
#include "dynop/sdk/export.hpp"
#include "dynop/sdk/testing/fake_host.hpp"
#include "plugins/webhook/webhook_plugin.hpp"
#include "tests/unit/plugins/webhook/fixtures.hpp"

namespace dynop::plugins::webhook {
namespace {

using namespace testing;

std::string str(dynop_str s) { return std::string(s.data == nullptr ? "" : s.data, s.size); }

const dynop_plugin_descriptor& descriptor() {
  return *sdk::detail::Exported<WebhookPlugin>::entry();
}

// The review's `request` object as the host hands it to the plugin.
std::string request_json(const admission::AdmissionRequest& request) {
  auto encoded = admission::encode_request(request);
  EXPECT_TRUE(encoded.ok()) << encoded.error;
  return json::serialize(json::parse(encoded.body).at("request"));
}

struct Answer {
  bool allowed;
  int32_t code;
  std::string message;
  std::vector<std::string> warnings;
};

class WebhookPluginTest : public ::testing::Test {
 protected:
  ~WebhookPluginTest() override {
    if (plugin_ != nullptr) descriptor().lifecycle.destroy(plugin_);
  }

  void init(std::string_view config = "") {
    dynop_status error{};
    plugin_ = descriptor().lifecycle.init(host_.raw(), config.data(), config.size(), &error);
    ASSERT_NE(plugin_, nullptr) << str(error.message);
  }

  Answer review(const std::string& request) {
    auto out = sdk::testing::out_struct<dynop_admission_response>();
    auto status =
        descriptor().admission->review(plugin_, dynop_str{request.data(), request.size()}, &out);
    EXPECT_EQ(status.code, DYNOP_OK) << str(status.message);
    Answer answer{out.allowed != 0, out.http_code, str(out.message), {}};
    for (size_t i = 0; i < out.warning_count; ++i) answer.warnings.push_back(str(out.warnings[i]));
    return answer;
  }

  void put_dgd(const json::object& dgd) {
    host_.put({{"nvidia.com", "v1alpha1", "DynamoGraphDeployment"},
               "default",
               std::string(dgd.at("metadata").at("name").as_string())},
              json::serialize(dgd));
  }

  sdk::testing::FakeHost host_;
  dynop_plugin* plugin_ = nullptr;
};

TEST_F(WebhookPluginTest, DescribesItselfAsAnAdmissionPlugin) {
  EXPECT_STREQ(descriptor().name, "webhook");
  EXPECT_EQ(descriptor().capabilities, DYNOP_CAP_ADMISSION);
  ASSERT_NE(descriptor().admission, nullptr);
  init();
  auto spec = sdk::testing::out_struct<dynop_admission_spec>();
  ASSERT_EQ(descriptor().admission->describe(plugin_, &spec).code, DYNOP_OK);
  ASSERT_EQ(spec.rule_count, 2u);
  EXPECT_EQ(str(spec.rules[0].group), "nvidia.com");
  EXPECT_EQ(str(spec.rules[0].version), "v1alpha1");
  EXPECT_EQ(str(spec.rules[0].resource), "dynamographdeployments");
  EXPECT_EQ(spec.rules[0].operations, DYNOP_OP_CREATE | DYNOP_OP_UPDATE);
  EXPECT_EQ(str(spec.rules[1].resource), "dynamographdeploymentscalingadapters");
  EXPECT_EQ(spec.rules[1].operations, DYNOP_OP_CREATE | DYNOP_OP_UPDATE);
}

TEST_F(WebhookPluginTest, ABadConfigFailsInitWithTheReason) {
  const std::string config = "operatorServiceAccount: dynop\n";
  dynop_status error{};
  EXPECT_EQ(descriptor().lifecycle.init(host_.raw(), config.data(), config.size(), &error),
            nullptr);
  EXPECT_NE(error.code, DYNOP_OK);
  EXPECT_EQ(
      str(error.message),
      "init threw: webhook config line 1, column 25: operatorServiceAccount: expected a map with "
      "namespace and name");
}

TEST_F(WebhookPluginTest, DeniesTheGuidesBlockedPatch) {
  init();
  auto new_dgd = sglang_agg();
  service(new_dgd, "decode")["replicas"] = 3;
  auto answer = review(request_json(dgd_update(sglang_agg(), new_dgd)));
  EXPECT_FALSE(answer.allowed);
  EXPECT_EQ(answer.code, 403);
  EXPECT_EQ(answer.message,
            "spec.services[decode].replicas cannot be modified directly when scaling adapter is "
            "enabled; use 'kubectl scale dgdsa/sglang-agg-decode --replicas=3' or update the "
            "DynamoGraphDeploymentScalingAdapter instead");
}

TEST_F(WebhookPluginTest, AdmitsTheConfiguredOperator) {
  init("operatorServiceAccount: {namespace: ops, name: dynop-controller}\n");
  auto new_dgd = sglang_agg();
  service(new_dgd, "decode")["replicas"] = 3;
  EXPECT_TRUE(review(request_json(dgd_update(sglang_agg(), new_dgd,
                                             "system:serviceaccount:ops:dynop-controller")))
                  .allowed);
  EXPECT_FALSE(review(request_json(dgd_update(sglang_agg(), new_dgd,
                                              "system:serviceaccount:dynop-system:dynop")))
                   .allowed);
}

TEST_F(WebhookPluginTest, WarningsCrossTheBoundary) {
  init();
  auto dgd = sglang_agg();
  service(dgd, "decode")["autoscaling"] = json::object{{"enabled", true}};
  auto answer = review(request_json(dgd_create(dgd)));
  EXPECT_TRUE(answer.allowed);
  EXPECT_EQ(answer.warnings,
            (std::vector<std::string>{
                "spec.services[decode].autoscaling is deprecated and ignored. Use "
                "DynamoGraphDeploymentScalingAdapter with HPA, KEDA, or Planner for autoscaling "
                "instead"}));
}

TEST_F(WebhookPluginTest, AdapterCreateReadsTheDgdFromTheHostCache) {
  init();
  auto a = adapter("sglang-agg", "decode");
  const std::string create = request_json(
      request(admission::Operation::kCreate, "DynamoGraphDeploymentScalingAdapter", nullptr, &a));
  auto missing = review(create);
  EXPECT_FALSE(missing.allowed);
  EXPECT_EQ(missing.message,
            "spec.dgdRef.name: DynamoGraphDeployment \"sglang-agg\" not found in namespace "
            "\"default\"");
  put_dgd(sglang_agg());
  EXPECT_TRUE(review(create).allowed);
}

TEST_F(WebhookPluginTest, AdapterCreateFailsClosedWhenTheCacheCannotAnswer) {
  init();
  host_.table().get_object = [](dynop_host_context*, const dynop_object_ref*, dynop_str*) {
    static constexpr char kMessage[] = "cache not synced";
    return dynop_status{DYNOP_UNAVAILABLE, {kMessage, sizeof(kMessage) - 1}};
  };
  auto a = adapter("sglang-agg", "decode");
  auto answer = review(request_json(
      request(admission::Operation::kCreate, "DynamoGraphDeploymentScalingAdapter", nullptr, &a)));
  EXPECT_FALSE(answer.allowed);
  EXPECT_EQ(answer.message,
            "spec.dgdRef.name: cannot read DynamoGraphDeployment \"sglang-agg\" to check the "
            "reference (cache not synced); try again");
}

TEST_F(WebhookPluginTest, AnUnreadableRequestIsDeniedAndLogged) {
  init();
  auto answer = review(R"({"uid":"abc","kind":{},"resource":{},"operation":"MUTATE"})");
  EXPECT_FALSE(answer.allowed);
  EXPECT_EQ(answer.code, 400);
  EXPECT_EQ(answer.message,
            "AdmissionReview request.operation: unsupported value \"MUTATE\"; expected CREATE, "
            "UPDATE, DELETE or CONNECT");
  ASSERT_FALSE(host_.logs().empty());
  EXPECT_EQ(host_.logs().back().level, DYNOP_LOG_WARN);
  EXPECT_EQ(host_.logs().back().message,
            "webhook validate.dynamographdeployments.nvidia.com: denied an unreadable "
            "AdmissionReview (uid abc): AdmissionReview request.operation: unsupported value "
            "\"MUTATE\"; expected CREATE, UPDATE, DELETE or CONNECT");
}

// The shared library the host loads exports the entry function (and its ABI
// 1.0 form), and only its descriptor's name identifies it.
TEST(WebhookPluginLibrary, ExportsTheEntrySymbol) {
  const std::string path = DYNOP_WEBHOOK_PLUGIN_PATH;
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  auto entry_function =
      reinterpret_cast<dynop_plugin_entry_fn>(dlsym(library, DYNOP_PLUGIN_ENTRY_FUNCTION));
  ASSERT_NE(entry_function, nullptr) << dlerror();
  EXPECT_STREQ(entry_function()->name, "webhook");
  auto* entry =
      static_cast<const dynop_plugin_entry_fn*>(dlsym(library, DYNOP_PLUGIN_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr) << dlerror();
  EXPECT_STREQ((*entry)()->name, "webhook");
  EXPECT_EQ(dlsym(library,
                  "_ZN5dynop7plugins7webhook14may_write_replicasERKNS_9admission8UserInfoERKNS1_"
                  "13WebhookConfigE"),
            nullptr);  // the rules' own symbols stay inside
  dlclose(library);
}

}  // namespace
}  // namespace dynop::plugins::webhook
