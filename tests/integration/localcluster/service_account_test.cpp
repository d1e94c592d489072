// Service accounts as kube-controller-manager's serviceaccounts controller
// keeps them (a `default` ServiceAccount in every active namespace, made again
// when deleted) and as kube-apiserver's ServiceAccount admission checks pods
// against them (trace 09-pod-00).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/reference_dir.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;

json::object pod(const std::string& name, const std::string& service_account = "") {
  json::object spec{
      {"containers", json::array{json::object{{"name", "main"}, {"image", "busybox"}}}}};
  if (!service_account.empty()) spec["serviceAccountName"] = service_account;
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", json::object{{"name", name}}},
                      {"spec", std::move(spec)}};
}

json::object service_account(const std::string& name) {
  return json::object{
      {"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", json::object{{"name", name}}}};
}

class ServiceAccountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_EQ(
        c.post("/api/v1/namespaces", json::object{{"apiVersion", "v1"},
                                                  {"kind", "Namespace"},
                                                  {"metadata", json::object{{"name", "team"}}}})
            .status,
        201u);
  }
  LocalCluster c;
  const std::string pods = "/api/v1/namespaces/team/pods";
};

TEST_F(ServiceAccountTest, EveryNamespaceHasADefaultServiceAccount) {
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    EXPECT_TRUE(eventually([&] {
      return c.get(std::string("/api/v1/namespaces/") + ns + "/serviceaccounts/default").status ==
             200;
    })) << ns;
  }
  // Namespaces created later (the fixture's "team") get theirs.
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

TEST_F(ServiceAccountTest, APodNamingNoServiceAccountRunsAsDefault) {
  // Right after its namespace: admission waits for the controller's `default`.
  auto created = c.post(pods, pod("plain"));
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(field_text(created.json(), {"spec", "serviceAccountName"}), "default");
  EXPECT_EQ(field_text(created.json(), {"spec", "serviceAccount"}), "default");
  // The deprecated field alone names the account too.
  ASSERT_EQ(c.post("/api/v1/namespaces/team/serviceaccounts", service_account("legacy")).status,
            201u);
  auto legacy = pod("legacy");
  legacy["spec"].as_object()["serviceAccount"] = "legacy";
  created = c.post(pods, legacy);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(field_text(created.json(), {"spec", "serviceAccountName"}), "legacy");
}

TEST_F(ServiceAccountTest, APodNamingAMissingServiceAccountIsRefusedAsKubeApiserverRefusesIt) {
  auto refused = c.post(pods, pod("planner-0", "planner-serviceaccount"));
  EXPECT_EQ(refused.status, 403u);
  // The trace's Status, for this pod, namespace and account.
  const auto trace = std::filesystem::path(reference_dir()) / "apiserver-traces" /
                     "09-pod-00-create-without-default-serviceaccount.json";
  if (std::filesystem::exists(trace)) {
    std::ifstream in(trace);
    std::stringstream text;
    text << in.rdbuf();
    json::value want = json::parse(text.str());
    EXPECT_EQ(field_text(want, {"message"}),
              "pods \"sglang-agg-decode-0\" is forbidden: error looking up service account "
              "default/default: serviceaccount \"default\" not found");
    want.as_object()["message"] =
        "pods \"planner-0\" is forbidden: error looking up service account "
        "team/planner-serviceaccount: serviceaccount \"planner-serviceaccount\" not found";
    want.at("details").as_object()["name"] = "planner-0";
    EXPECT_EQ(refused.json(), want);
  } else {
    EXPECT_EQ(field_text(refused.json(), {"reason"}), "Forbidden");
  }
  EXPECT_EQ(c.get(pods + "/planner-0").status, 404u);
  // Once the account exists the same pod is admitted, with its pull secrets.
  auto account = service_account("planner-serviceaccount");
  account["imagePullSecrets"] = json::array{json::object{{"name", "registry"}}};
  ASSERT_EQ(c.post("/api/v1/namespaces/team/serviceaccounts", account).status, 201u);
  auto admitted = c.post(pods, pod("planner-0", "planner-serviceaccount"));
  ASSERT_EQ(admitted.status, 201u) << admitted.body;
  EXPECT_EQ(field_text(admitted.json(), {"spec", "imagePullSecrets"}), R"([{"name":"registry"}])");
}

}  // namespace
}  // namespace dynop::test
