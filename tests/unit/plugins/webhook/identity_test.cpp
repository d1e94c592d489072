#include "plugins/webhook/identity.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace dynop::plugins::webhook {
namespace {

admission::UserInfo user(std::string username) {
  admission::UserInfo info;
  info.username = std::move(username);
  return info;
}

TEST(ServiceAccountUsername, ParsesExactlyTheServiceAccountForm) {
  EXPECT_EQ(parse_service_account_username("system:serviceaccount:default:planner-serviceaccount"),
            (ServiceAccountRef{"default", "planner-serviceaccount"}));
  for (const char* not_an_account :
       {"planner-serviceaccount", "admin", "system:serviceaccount:", "system:serviceaccount:ns",
        "system:serviceaccount:ns:", "system:serviceaccount::name", "system:serviceaccount:a:b:c",
        "system:serviceaccounts:ns:name", "System:serviceaccount:ns:name",
        "xsystem:serviceaccount:ns:name", "serviceaccount:ns:name", ""}) {
    EXPECT_FALSE(parse_service_account_username(not_an_account).has_value()) << not_an_account;
  }
}

struct Case {
  std::string username;
  bool authorized;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.username; }

class ReplicaWriters : public ::testing::TestWithParam<Case> {};

// Default config: operator dynop-system/dynop; planner-serviceaccount in any namespace.
TEST_P(ReplicaWriters, AreMatchedExactly) {
  EXPECT_EQ(may_write_replicas(user(GetParam().username), WebhookConfig{}), GetParam().authorized);
}

INSTANTIATE_TEST_SUITE_P(
    DefaultConfig, ReplicaWriters,
    ::testing::Values(
        // The operator, exactly.
        Case{"system:serviceaccount:dynop-system:dynop", true},
        Case{"system:serviceaccount:default:dynop", false},         // right name, wrong namespace
        Case{"system:serviceaccount:dynop-system:dynop-x", false},  // suffix look-alike
        Case{"system:serviceaccount:dynop-system:evil-dynop", false},  // prefix look-alike
        Case{"system:serviceaccount:dynop-system-x:dynop", false},
        Case{"dynop", false},  // a user named like the account
        Case{"system:serviceaccount:dynop-system:dynop:x", false},
        // Planners, any namespace, exact name.
        Case{"system:serviceaccount:default:planner-serviceaccount", true},
        Case{"system:serviceaccount:team-b:planner-serviceaccount", true},
        Case{"system:serviceaccount:default:evil-planner-serviceaccount", false},
        Case{"system:serviceaccount:default:planner-serviceaccount-x", false},
        Case{"system:serviceaccount:default:my-release-planner-serviceaccount", false},
        Case{"system:serviceaccount:default:Planner-serviceaccount", false},
        Case{"planner-serviceaccount", false},
        Case{"system:serviceaccount:planner-serviceaccount", false},
        Case{"system:serviceaccounts:default:planner-serviceaccount", false},
        Case{"system:serviceaccount:default:planner-serviceaccount ", false},
        // Everyone else.
        Case{"admin", false}, Case{"system:admin", false}, Case{"", false},
        Case{"system:serviceaccount:kube-system:replicaset-controller", false}),
    [](const auto& param_info) {
      std::string name;
      for (char c : param_info.param.username) {
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      }
      return name.empty() ? std::string("empty") : name + "_" + std::to_string(param_info.index);
    });

TEST(ReplicaWriters, GroupsDoNotAuthorize) {
  auto info = user("admin");
  info.groups = {"system:masters", "system:serviceaccounts",
                 "system:serviceaccount:default:planner-serviceaccount"};
  EXPECT_FALSE(may_write_replicas(info, WebhookConfig{}));
}

TEST(ReplicaWriters, PlannerEntryWithNamespaceMatchesOnlyThere) {
  WebhookConfig config;
  config.planner_service_accounts = {{"team-a", "sla-planner"}};
  EXPECT_TRUE(may_write_replicas(user("system:serviceaccount:team-a:sla-planner"), config));
  EXPECT_FALSE(may_write_replicas(user("system:serviceaccount:team-b:sla-planner"), config));
  // The default planner name is no longer trusted once the list is configured.
  EXPECT_FALSE(
      may_write_replicas(user("system:serviceaccount:team-a:planner-serviceaccount"), config));
}

TEST(ReplicaWriters, EmptyPlannerListTrustsOnlyTheOperator) {
  WebhookConfig config;
  config.planner_service_accounts.clear();
  config.operator_service_account = {"ops", "op"};
  EXPECT_TRUE(may_write_replicas(user("system:serviceaccount:ops:op"), config));
  EXPECT_FALSE(
      may_write_replicas(user("system:serviceaccount:default:planner-serviceaccount"), config));
}

}  // namespace
}  // namespace dynop::plugins::webhook
