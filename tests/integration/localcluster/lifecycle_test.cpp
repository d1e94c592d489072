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

json::object config_map(const std::string& name, json::array owners = {},
                        json::array finalizers = {}) {
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
  ASSERT_EQ(
      c.post(cms, config_map("dep-fg", {owner_ref(owner.json())}, {"example.com/slow"})).status,
      201u);
  auto deleted = c.del(cms + "/owner-fg", R"({"propagationPolicy":"Foreground"})");
  EXPECT_EQ(deleted.status, 200u);
  EXPECT_NE(deleted.body.find("foregroundDeletion"), std::string::npos);
  // The dependent is being deleted but its finalizer holds it, so the owner waits.
  EXPECT_TRUE(eventually([&] {
    return field_text(c.get(cms + "/dep-fg").json(), {"metadata", "deletionTimestamp"}) !=
           "<missing>";
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

json::object namespace_named(const std::string& name) {
  return json::object{
      {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", json::object{{"name", name}}}};
}

// The namespace's status.conditions entry of `type` ("<missing>" when absent).
json::value condition(const json::value& ns, const std::string& type) {
  const auto* status = ns.as_object().if_contains("status");
  const auto* conditions = status ? status->as_object().if_contains("conditions") : nullptr;
  if (conditions) {
    for (const auto& c : conditions->as_array()) {
      if (field_text(c, {"type"}) == type) return c;
    }
  }
  return "<missing>";
}

TEST_F(LifecycleTest, NamespaceDeletionRemovesItsContents) {
  ASSERT_EQ(c.post("/api/v1/namespaces", namespace_named("doomed")).status, 201u);
  ASSERT_EQ(c.post("/api/v1/namespaces/doomed/configmaps", config_map("inside")).status, 201u);
  auto deleted = c.del("/api/v1/namespaces/doomed");
  EXPECT_EQ(deleted.status, 200u);
  EXPECT_EQ(field_text(deleted.json(), {"status", "phase"}), "Terminating");
  EXPECT_TRUE(eventually([&] { return c.get("/api/v1/namespaces/doomed").status == 404; }));
  EXPECT_EQ(c.get("/api/v1/namespaces/doomed/configmaps/inside").status, 404u);
}

// What kube-apiserver and kube-controller-manager's namespace controller do:
// DELETE marks the namespace Terminating (deletionTimestamp, phase, spec
// finalizer kept, no deletionGracePeriodSeconds), creates in it are refused,
// the controller deletes the content and reports what remains in
// status.conditions, and the namespace goes once the last finalizer is done.
TEST_F(LifecycleTest, ATerminatingNamespaceRefusesNewContentUntilItsFinalizersAreDone) {
  const std::string ns = "/api/v1/namespaces/winding-down";
  ASSERT_EQ(c.post("/api/v1/namespaces", namespace_named("winding-down")).status, 201u);
  ASSERT_EQ(c.post(ns + "/configmaps", config_map("plain")).status, 201u);
  ASSERT_EQ(
      c.post(ns + "/configmaps", config_map("held", {}, json::array{"example.com/hold"})).status,
      201u);

  auto deleted = c.del(ns);
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  EXPECT_EQ(field_text(deleted.json(), {"status", "phase"}), "Terminating");
  EXPECT_NE(field_text(deleted.json(), {"metadata", "deletionTimestamp"}), "<missing>");
  EXPECT_EQ(field_text(deleted.json(), {"metadata", "deletionGracePeriodSeconds"}), "<missing>");
  EXPECT_EQ(field_text(deleted.json(), {"spec", "finalizers"}), R"(["kubernetes"])");

  // Creating in it is NamespaceLifecycle's 403, with the cause clients test for.
  auto refused = c.post(ns + "/configmaps", config_map("late"));
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.json(), json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},
    "status":"Failure",
    "message":"configmaps \"late\" is forbidden: unable to create new content in namespace winding-down because it is being terminated",
    "reason":"Forbidden",
    "details":{"name":"late","kind":"configmaps","causes":[{"reason":"NamespaceTerminating",
      "message":"namespace winding-down is being terminated","field":"metadata.namespace"}]},
    "code":403})"));
  // Before a name is generated, the message names the generateName.
  auto generated = c.post(ns + "/configmaps",
                          json::object{{"apiVersion", "v1"},
                                       {"kind", "ConfigMap"},
                                       {"metadata", json::object{{"generateName", "late-"}}}});
  EXPECT_EQ(generated.status, 403u);
  EXPECT_EQ(field_text(generated.json(), {"message"}),
            "configmaps \"late-\" is forbidden: unable to create new content in namespace "
            "winding-down because it is being terminated");

  // The controller deletes what it can and reports what is left.
  EXPECT_TRUE(eventually([&] {
    auto now = c.get(ns).json();
    return field_text(condition(now, "NamespaceContentRemaining"), {"message"}) ==
               "Some resources are remaining: configmaps. has 1 resource instances" &&
           field_text(condition(now, "NamespaceFinalizersRemaining"), {"message"}) ==
               "Some content in the namespace has finalizers remaining: example.com/hold in 1 "
               "resource instances";
  })) << c.get(ns).body;
  auto terminating = c.get(ns).json();
  EXPECT_EQ(field_text(condition(terminating, "NamespaceContentRemaining"), {"status"}), "True");
  EXPECT_EQ(field_text(condition(terminating, "NamespaceContentRemaining"), {"reason"}),
            "SomeResourcesRemain");
  EXPECT_EQ(field_text(condition(terminating, "NamespaceFinalizersRemaining"), {"reason"}),
            "SomeFinalizersRemain");
  EXPECT_EQ(field_text(condition(terminating, "NamespaceDeletionContentFailure"), {"message"}),
            "All content successfully deleted, may be waiting on finalization");
  EXPECT_EQ(field_text(terminating, {"spec", "finalizers"}), R"(["kubernetes"])");
  EXPECT_EQ(c.get(ns + "/configmaps/plain").status, 404u);
  EXPECT_NE(field_text(c.get(ns + "/configmaps/held").json(), {"metadata", "deletionTimestamp"}),
            "<missing>");
  // Updating the namespace meanwhile neither deletes it nor changes its
  // spec.finalizers (only the finalize subresource does).
  auto relabelled = c.patch(ns, R"({"metadata":{"labels":{"a":"b"}},"spec":{"finalizers":[]}})");
  ASSERT_EQ(relabelled.status, 200u) << relabelled.body;
  EXPECT_EQ(field_text(relabelled.json(), {"spec", "finalizers"}), R"(["kubernetes"])");

  // The finalizer's owner lets go: the content goes, then the namespace.
  ASSERT_EQ(c.patch(ns + "/configmaps/held", R"({"metadata":{"finalizers":null}})").status, 200u);
  EXPECT_TRUE(eventually([&] { return c.get(ns).status == 404; })) << c.get(ns).body;
}

TEST_F(LifecycleTest, TheSystemNamespacesMayNotBeDeleted) {
  for (const char* name : {"default", "kube-system", "kube-public"}) {
    auto refused = c.del(std::string("/api/v1/namespaces/") + name);
    EXPECT_EQ(refused.status, 403u) << name;
    EXPECT_EQ(refused.json(), json::parse(std::string(R"({"kind":"Status","apiVersion":"v1",
      "metadata":{},"status":"Failure","message":"namespaces \")") +
                                          name +
                                          R"(\" is forbidden: this namespace may not be deleted",
      "reason":"Forbidden","details":{"name":")" +
                                          name + R"(","kind":"namespaces"},"code":403})"));
    EXPECT_EQ(
        field_text(c.get(std::string("/api/v1/namespaces/") + name).json(), {"status", "phase"}),
        "Active");
  }
}

TEST_F(LifecycleTest, TheFinalizeSubresourceReleasesAStuckNamespace) {
  const std::string ns = "/api/v1/namespaces/stuck";
  ASSERT_EQ(c.post("/api/v1/namespaces", namespace_named("stuck")).status, 201u);
  ASSERT_EQ(
      c.post(ns + "/configmaps", config_map("held", {}, json::array{"example.com/hold"})).status,
      201u);
  ASSERT_EQ(c.del(ns).status, 200u);
  // Stuck: the controller has reported why (its last write to the namespace).
  ASSERT_TRUE(eventually([&] {
    return field_text(condition(c.get(ns).json(), "NamespaceFinalizersRemaining"), {"status"}) ==
           "True";
  }));
  // What users do with a namespace stuck in Terminating (kubectl replace --raw
  // .../finalize): spec.finalizers emptied, the namespace goes at once.
  auto current = c.get(ns).json().as_object();
  current["spec"] = json::object{{"finalizers", json::array()}};
  auto finalized = c.put(ns + "/finalize", current);
  EXPECT_EQ(finalized.status, 200u) << finalized.body;
  EXPECT_EQ(field_text(finalized.json(), {"spec", "finalizers"}), "[]");
  EXPECT_EQ(c.get(ns).status, 404u);
  // Discovery lists the subresource as kube-apiserver does.
  bool listed = false;
  const json::value discovery = c.get("/api/v1").json();
  for (const auto& r : discovery.at("resources").as_array()) {
    if (field_text(r, {"name"}) == "namespaces/finalize") {
      listed = true;
      EXPECT_EQ(field_text(r, {"verbs"}), R"(["update"])");
      EXPECT_EQ(field_text(r, {"kind"}), "Namespace");
    }
  }
  EXPECT_TRUE(listed);
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
  EXPECT_GT(std::stoull(field_text(next.json(), {"metadata", "resourceVersion"})),
            std::stoull(rv_before));
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
