#include "plugins/webhook/config.hpp"

#include <gtest/gtest.h>

namespace dynop::plugins::webhook {
namespace {

TEST(WebhookPluginConfig, EmptyTextGivesTheDefaults) {
  for (const char* text : {"", "   \n", "~", "{}"}) {
    std::string error;
    auto config = parse_config(text, error);
    ASSERT_TRUE(config.has_value()) << text << ": " << error;
    EXPECT_EQ(config->webhook_name, "validate.dynamographdeployments.nvidia.com");
    EXPECT_EQ(config->operator_service_account, (ServiceAccountRef{"dynop-system", "dynop"}));
    EXPECT_EQ(config->planner_service_accounts,
              (std::vector<ServiceAccountRef>{{"", "planner-serviceaccount"}}));
  }
}

TEST(WebhookPluginConfig, ReadsEverySetting) {
  std::string error;
  auto config = parse_config(R"(
webhookName: dgd.example.com
operatorServiceAccount:
  namespace: ops
  name: dynop-controller
plannerServiceAccounts:
  - planner-serviceaccount
  - namespace: team-a
    name: sla-planner
)",
                             error);
  ASSERT_TRUE(config.has_value()) << error;
  EXPECT_EQ(config->webhook_name, "dgd.example.com");
  EXPECT_EQ(config->operator_service_account, (ServiceAccountRef{"ops", "dynop-controller"}));
  EXPECT_EQ(
      config->planner_service_accounts,
      (std::vector<ServiceAccountRef>{{"", "planner-serviceaccount"}, {"team-a", "sla-planner"}}));
}

TEST(WebhookPluginConfig, AcceptsJson) {
  std::string error;
  auto config = parse_config(
      R"({"operatorServiceAccount": {"namespace": "a", "name": "b"}, "plannerServiceAccounts": []})",
      error);
  ASSERT_TRUE(config.has_value()) << error;
  EXPECT_EQ(config->operator_service_account, (ServiceAccountRef{"a", "b"}));
  EXPECT_TRUE(config->planner_service_accounts.empty());
}

// kube-apiserver's own wording for invalid names.
constexpr const char* kSubdomain =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr const char* kLabel =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

struct BadConfig {
  std::string name;
  std::string text;
  std::string error;
};

void PrintTo(const BadConfig& bad, std::ostream* os) { *os << bad.name; }

class WebhookPluginConfigError : public ::testing::TestWithParam<BadConfig> {};

TEST_P(WebhookPluginConfigError, NamesTheKeyAndWhereItIs) {
  std::string error;
  EXPECT_FALSE(parse_config(GetParam().text, error).has_value());
  EXPECT_EQ(error, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Texts, WebhookPluginConfigError,
    ::testing::Values(
        BadConfig{"NotAMap", "- a\n- b\n",
                  "webhook config line 1, column 1: expected a map of settings"},
        BadConfig{"UnknownKey", "webhookName: x\nplanners: [a]\n",
                  "webhook config line 2, column 1: unknown key \"planners\" (expected "
                  "webhookName, operatorServiceAccount, plannerServiceAccounts)"},
        BadConfig{"EmptyWebhookName", "webhookName: ''\n",
                  "webhook config line 1, column 14: webhookName: must not be empty"},
        BadConfig{"OperatorNotAMap", "operatorServiceAccount: dynop\n",
                  "webhook config line 1, column 25: operatorServiceAccount: expected a map with "
                  "namespace and name"},
        BadConfig{"OperatorWithoutNamespace", "operatorServiceAccount:\n  name: dynop\n",
                  "webhook config line 2, column 3: operatorServiceAccount.namespace is required"},
        BadConfig{"OperatorWithoutName", "operatorServiceAccount:\n  namespace: ops\n",
                  "webhook config line 2, column 3: operatorServiceAccount.name is required"},
        BadConfig{"OperatorUsernameForm",
                  "operatorServiceAccount:\n  namespace: ops\n  name: "
                  "\"system:serviceaccount:ops:dynop\"\n",
                  "webhook config line 3, column 9: operatorServiceAccount.name: Invalid value: "
                  "\"system:serviceaccount:ops:dynop\": " +
                      std::string(kSubdomain)},
        BadConfig{"OperatorBadNamespace", "operatorServiceAccount:\n  namespace: Ops\n  name: d\n",
                  "webhook config line 2, column 14: operatorServiceAccount.namespace: Invalid "
                  "value: \"Ops\": " +
                      std::string(kLabel)},
        BadConfig{"OperatorUnknownKey",
                  "operatorServiceAccount:\n  namespace: a\n  name: b\n  user: c\n",
                  "webhook config line 4, column 3: operatorServiceAccount: unknown key \"user\" "
                  "(expected namespace and name)"},
        BadConfig{"PlannersNotAList", "plannerServiceAccounts: planner-serviceaccount\n",
                  "webhook config line 1, column 25: plannerServiceAccounts: expected a list of "
                  "names or {namespace, name} maps"},
        BadConfig{"PlannerEmptyName", "plannerServiceAccounts: ['']\n",
                  "webhook config line 1, column 26: plannerServiceAccounts[0]: Invalid value: "
                  "\"\": " +
                      std::string(kSubdomain)},
        BadConfig{"PlannerWithoutName", "plannerServiceAccounts:\n  - namespace: a\n",
                  "webhook config line 2, column 5: plannerServiceAccounts[0].name is required"},
        BadConfig{"BadYaml", "webhookName: [\n",
                  "webhook config line 2, column 1: end of sequence flow not found"}),
    [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace dynop::plugins::webhook
