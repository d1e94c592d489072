// The identity admission webhooks see (server/impersonation.hpp), tested
// here because userInfo exists for admission.
#include "localcluster/server/impersonation.hpp"

#include <gtest/gtest.h>

namespace dynop::localcluster::server {
namespace {

using UserInfo = ::dynop::admission::UserInfo;

UserInfo resolve(const net::Headers& headers) {
  auto request = net::Request::make("GET", "/api/v1/pods", headers);
  auto user = resolve_user(request);
  EXPECT_TRUE(std::holds_alternative<UserInfo>(user));
  return std::holds_alternative<UserInfo>(user) ? std::get<UserInfo>(user) : UserInfo{};
}

TEST(Impersonation, AdminWithoutHeaders) {
  auto user = resolve({});
  EXPECT_EQ(user.username, "admin");
  EXPECT_EQ(user.groups, (std::vector<std::string>{"system:masters", "system:authenticated"}));
}

TEST(Impersonation, ServiceAccountGetsItsGroups) {
  auto user = resolve({{"Impersonate-User", "system:serviceaccount:dynop-system:dynop"}});
  EXPECT_EQ(user.username, "system:serviceaccount:dynop-system:dynop");
  EXPECT_EQ(user.groups, (std::vector<std::string>{"system:serviceaccounts",
                                                   "system:serviceaccounts:dynop-system",
                                                   "system:authenticated"}));
}

TEST(Impersonation, ExplicitGroupsReplaceTheServiceAccountGroups) {
  auto user = resolve({{"Impersonate-User", "system:serviceaccount:ns:planner-serviceaccount"},
                       {"Impersonate-Group", "team-a"},
                       {"Impersonate-Group", "team-b"}});
  EXPECT_EQ(user.groups, (std::vector<std::string>{"team-a", "team-b", "system:authenticated"}));
}

TEST(Impersonation, PlainUserUidAndExtra) {
  auto user = resolve({{"impersonate-user", "jane"},
                       {"Impersonate-Uid", "1234"},
                       {"Impersonate-Extra-Scopes", "view"},
                       {"Impersonate-Extra-Scopes", "edit"},
                       {"Impersonate-Extra-Example.com%2fteam", "a"}});
  EXPECT_EQ(user.username, "jane");
  EXPECT_EQ(user.uid, "1234");
  EXPECT_EQ(user.groups, (std::vector<std::string>{"system:authenticated"}));
  EXPECT_EQ(user.extra.at("scopes"), (std::vector<std::string>{"view", "edit"}));
  EXPECT_EQ(user.extra.at("example.com/team"), (std::vector<std::string>{"a"}));
}

TEST(Impersonation, GroupWithoutUserIsRefused) {
  auto request = net::Request::make("GET", "/api/v1/pods", {{"Impersonate-Group", "x"}});
  auto user = resolve_user(request);
  ASSERT_TRUE(std::holds_alternative<ApiError>(user));
  EXPECT_EQ(std::get<ApiError>(user).code, 500);
  EXPECT_EQ(std::get<ApiError>(user).message,
            "Internal error occurred: requested [{Group}] without impersonating a user");
}

}  // namespace
}  // namespace dynop::localcluster::server
