// Object lifecycles that span several writes or a restart: finalizers,
// owner-reference garbage collection (background, foreground, orphan),
// namespace termination, durability across SIGTERM and SIGKILL.

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;

json::object config_map(const std::string& name, json::array owners = {}, json::array finalizers = {}) {
  json::object meta{{"name", name}};
  if (!owners.empty()) meta["ownerReferences"] = owners;
  if (!finalizers.empty()) meta["finalizers"] = finalizers;
  return json::object{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", meta}};
}

json::object owner_ref(const json::value& owner) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"name", field_text(owner, {"metadata", "name"})},
                      {"uid", field_text(owner, {"metadata", "uid"})}};
}

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(c.ok()) << c.error(); }
  LocalCluster c;
  const std::string cms = "/api/v1/namespaces/default/configmaps";
};

TEST_F(LifecycleTest, FinalizersKeepAnObjectUntilRemoved) {
  ASSERT_EQ(c.post(cms, config_map("held", {}, {"example.com/hold"})).status, 201u);
  auto deleted = c.del(cms + "/held");
  EXPECT_EQ(deleted.status, 200u);
  EXPECT_NE(field_text(deleted.json(), {"metadata", "deletionTimestamp"}), "<missing>");
  auto still = c.get(cms + "/held");
  ASSERT_EQ(still.status, 200u);
  EXPECT_NE(field_text(still.json(), {"metadata", "deletionTimestamp"}), "<missing>");
  auto released = c.patch(cms + "/held", R"({"metadata":{"finalizers":null}})");
  EXPECT_EQ(released.status, 200u) << released.body;
  EXPECT_EQ(c.get(cms + "/held").status, 404u);
}

TEST_F(LifecycleTest, BackgroundDeletionCollectsDependents) {
  auto owner = c.post(cms, config_map("owner-bg"));
  ASSERT_EQ(owner.status, 201u);
  ASSERT_EQ(c.post(cms, config_map("dep-bg", {owner_ref(owner.json())})).status, 201u);
  ASSERT_EQ(c.del(cms + "/owner-bg", R"({"propagationPolicy":"Background"})").status, 200u);
  EXPECT_EQ(c.get(cms + "/owner-bg").status, 404u);
  EXPECT_TRUE(eventually([&] { return c.get(cms + "/dep-bg").status == 404; }));
}

TEST_F(LifecycleTest, ForegroundDeletionWaitsForDependents) {
  auto owner = c.post(cms, config_map("owner-fg"));
  ASSERT_EQ(owner.status, 201u);
  ASSERT_EQ(c.post(cms, config_map("dep-fg", {owner_ref(owner.json())}, {"example.com/slow"})).status, 201u);
  auto deleted = c.del(cms + "/owner-fg", R"({"propagationPolicy":"Foreground"})");
  EXPECT_EQ(deleted.status, 200u);
  EXPECT_NE(deleted.body.find("foregroundDeletion"), std::string::npos);
  // The dependent is being deleted but its finalizer holds it, so the owner waits.
  EXPECT_TRUE(eventually([&] {
    return field_text(c.get(cms + "/dep-fg").json(), {"metadata", "deletionTimestamp"}) != "<missing>";
  }));
  EXPECT_EQ(c.get(cms + "/owner-fg").status, 200u);
  ASSERT_EQ(c.patch(cms + "/dep-fg", R"({"metadata":{"finalizers":null}})").status, 200u);
  EXPECT_TRUE(eventually([&] { return c.get(cms + "/owner-fg").status == 404; }));
}

TEST_F(LifecycleTest, DependentCreatedAfterItsOwnerWentIsCollected) {
  auto owner = c.post(cms, config_map("owner-late"));
  ASSERT_EQ(owner.status, 201u);
  ASSERT_EQ(c.del(cms + "/owner-late").status, 200u);
  // A controller whose cache still shows the owner creates a dependent.
  ASSERT_EQ(c.post(cms, config_map("dep-late", {owner_ref(owner.json())})).status, 201u);
  EXPECT_TRUE(eventually([&] { return c.get(cms + "/dep-late").status == 404; }));
  // With another owner still there, only the dangling reference goes.
  auto alive = c.post(cms, config_map("owner-alive"));
  ASSERT_EQ(alive.status, 201u);
  ASSERT_EQ(
      c.post(cms, config_map("dep-two", {owner_ref(owner.json()), owner_ref(alive.json())})).status,
      201u);
  EXPECT_TRUE(eventually([&] {
    auto dep = c.get(cms + "/dep-two");
    return dep.status == 200u && field_text(dep.json(), {"metadata", "ownerReferences"}) ==
                                     "[" + json::serialize(owner_ref(alive.json())) + "]";
  })) << c.get(cms + "/dep-two").body;
}

TEST_F(LifecycleTest, OrphanDeletionKeepsDependentsWithoutTheOwnerReference) {
  auto owner = c.post(cms, config_map("owner-or"));
  ASSERT_EQ(owner.status, 201u);
  ASSERT_EQ(c.post(cms, config_map("dep-or", {owner_ref(owner.json())})).status, 201u);
  ASSERT_EQ(c.del(cms + "/owner-or", R"({"propagationPolicy":"Orphan"})").status, 200u);
  EXPECT_TRUE(eventually([&] { return c.get(cms + "/owner-or").status == 404; }));
  auto dependent = c.get(cms + "/dep-or");
  ASSERT_EQ(dependent.status, 200u);
  EXPECT_EQ(field_text(dependent.json(), {"metadata", "ownerReferences"}), "<missing>");
}

TEST_F(LifecycleTest, NamespaceDeletionRemovesItsContents) {
  ASSERT_EQ(c.post("/api/v1/namespaces", json::object{{"apiVersion", "v1"},
                                                       {"kind", "Namespace"},
                                                       {"metadata", json::object{{"name", "doomed"}}}})
                .status,
            201u);
  ASSERT_EQ(c.post("/api/v1/namespaces/doomed/configmaps", config_map("inside")).status, 201u);
  auto deleted = c.del("/api/v1/namespaces/doomed");
  EXPECT_EQ(deleted.status, 200u);
  EXPECT_EQ(field_text(deleted.json(), {"status", "phase"}), "Terminating");
  EXPECT_TRUE(eventually([&] { return c.get("/api/v1/namespaces/doomed").status == 404; }));
  EXPECT_EQ(c.get("/api/v1/namespaces/doomed/configmaps/inside").status, 404u);
}

TEST(Durability, ObjectsAndResourceVersionsSurviveRestartAndSigkill) {
  TempDir dir("localcluster-durable");
  std::string data = dir.path().string();
  std::string rv_before;
  {
    LocalCluster first(LocalCluster::Options{false, {}}, data);
    ASSERT_TRUE(first.ok()) << first.error();
    auto created = first.post("/api/v1/namespaces/default/configmaps", config_map("durable"));
    ASSERT_EQ(created.status, 201u);
    EXPECT_EQ(first.stop(), 0);
  }
  {
    LocalCluster second(LocalCluster::Options{false, {}}, data);
    ASSERT_TRUE(second.ok()) << second.error();
    ASSERT_EQ(second.get("/api/v1/namespaces/default/configmaps/durable").status, 200u);
    auto acked = second.post("/api/v1/namespaces/default/configmaps", config_map("acked"));
    ASSERT_EQ(acked.status, 201u);
    rv_before = field_text(acked.json(), {"metadata", "resourceVersion"});
    second.kill();  // SIGKILL right after the acknowledged write
  }
  LocalCluster third(LocalCluster::Options{false, {}}, data);
  ASSERT_TRUE(third.ok()) << third.error();
  auto acked = third.get("/api/v1/namespaces/default/configmaps/acked");
  ASSERT_EQ(acked.status, 200u);
  EXPECT_EQ(field_text(acked.json(), {"metadata", "resourceVersion"}), rv_before);
  auto next = third.post("/api/v1/namespaces/default/configmaps", config_map("after"));
  EXPECT_GT(std::stoull(field_text(next.json(), {"metadata", "resourceVersion"})), std::stoull(rv_before));
  // The kubeconfig and token stay valid across restarts.
  EXPECT_EQ(third.get("/api/v1/namespaces").status, 200u);
}

TEST(Binary, SigtermAndSigintExitCleanly) {
  LocalCluster a;
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a.stop(), 0);
  LocalCluster b;
  ASSERT_TRUE(b.ok()) << b.error();
  b.process().signal(SIGINT);
  EXPECT_EQ(b.process().wait(std::chrono::seconds(15)), 0);
}

TEST(Binary, WritesAKubeconfigWithTokenAndCa) {
  LocalCluster a;
  ASSERT_TRUE(a.ok()) << a.error();
  std::ifstream in(a.kubeconfig());
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("server: " + a.url()), std::string::npos);
  EXPECT_NE(text.str().find("token: " + a.token()), std::string::npos);
  EXPECT_NE(text.str().find("certificate-authority-data:"), std::string::npos);
  EXPECT_NE(text.str().find("current-context: dynop-localcluster"), std::string::npos);
}

TEST(Binary, RejectsBadFlags) {
  auto r = run(binary_path("bin/dynop-localcluster"), {"--port", "x"}, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--port: invalid value \"x\""), std::string::npos);
}

}  // namespace
}  // namespace dynop::test
