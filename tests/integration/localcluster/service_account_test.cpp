// Service accounts as kube-controller-manager's serviceaccounts controller
// keeps them: a `default` ServiceAccount in every active namespace, made again
// when deleted.

#include <gtest/gtest.h>

#include "tests/integration/localcluster/local_cluster.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;

class ServiceAccountTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(c.ok()) << c.error(); }
  LocalCluster c;
};

TEST_F(ServiceAccountTest, EveryNamespaceHasADefaultServiceAccount) {
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    EXPECT_TRUE(eventually([&] {
      return c.get(std::string("/api/v1/namespaces/") + ns + "/serviceaccounts/default").status ==
             200;
    })) << ns;
  }
  ASSERT_EQ(c.post("/api/v1/namespaces", json::object{{"apiVersion", "v1"},
                                                      {"kind", "Namespace"},
                                                      {"metadata", json::object{{"name", "team"}}}})
                .status,
            201u);
  const std::string account = "/api/v1/namespaces/team/serviceaccounts/default";
  ASSERT_TRUE(eventually([&] { return c.get(account).status == 200; }));
  auto created = c.get(account).json();
  EXPECT_EQ(field_text(created, {"kind"}), "ServiceAccount");
  EXPECT_EQ(field_text(created, {"metadata", "namespace"}), "team");
  const std::string uid = field_text(created, {"metadata", "uid"});
  // Deleted, it comes back (a new object).
  ASSERT_EQ(c.del(account).status, 200u);
  EXPECT_TRUE(eventually([&] {
    auto again = c.get(account);
    return again.status == 200 && field_text(again.json(), {"metadata", "uid"}) != uid;
  }));
  // A terminating namespace gets none back.
  ASSERT_EQ(c.del("/api/v1/namespaces/team").status, 200u);
  EXPECT_TRUE(eventually([&] { return c.get("/api/v1/namespaces/team").status == 404; }));
  EXPECT_EQ(c.get(account).status, 404u);
}

}  // namespace
}  // namespace dynop::test
