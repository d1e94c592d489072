// Core REST semantics of dynop-localcluster, checked through raw HTTP the way
// kubectl and client-go see them (status codes and Status bodies as
// kube-apiserver v1.26 words them).

#include <gtest/gtest.h>

#include "tests/integration/localcluster/local_cluster.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new LocalCluster(); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(cluster_->ok()) << cluster_->error(); }
  LocalCluster& c() { return *cluster_; }

  static json::object pod(const std::string& name, const std::string& node = "",
                          const std::string& app = "web") {
    json::object spec{
        {"containers", json::array{json::object{{"name", "main"}, {"image", "busybox:1"}}}}};
    if (!node.empty()) spec["nodeName"] = node;
    return json::object{
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata", json::object{{"name", name}, {"labels", json::object{{"app", app}}}}},
        {"spec", spec}};
  }
  static json::object config_map(const std::string& name) {
    return json::object{{"apiVersion", "v1"},
                        {"kind", "ConfigMap"},
                        {"metadata", json::object{{"name", name}}},
                        {"data", json::object{{"k", "v"}}}};
  }
  void make_namespace(const std::string& name) {
    auto r =
        c().post("/api/v1/namespaces", json::object{{"apiVersion", "v1"},
                                                    {"kind", "Namespace"},
                                                    {"metadata", json::object{{"name", name}}}});
    ASSERT_EQ(r.status, 201u) << r.body;
  }

  static LocalCluster* cluster_;
};

LocalCluster* ApiTest::cluster_ = nullptr;

TEST_F(ApiTest, RequestsWithoutTheTokenGet401Status) {
  auto r = c().request("GET", "/api/v1/namespaces", "", "", {}, /*authenticate=*/false);
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(field_text(r.json(), {"reason"}), "Unauthorized");
  EXPECT_EQ(field_text(r.json(), {"kind"}), "Status");
  auto wrong =
      c().request("GET", "/api/v1/namespaces", "", "", {{"Authorization", "Bearer nope"}}, false);
  EXPECT_EQ(wrong.status, 401u);
}

TEST_F(ApiTest, VersionAndHealth) {
  auto v = c().get("/version");
  EXPECT_EQ(v.status, 200u);
  EXPECT_EQ(field_text(v.json(), {"gitVersion"}), "v1.26.1");
  EXPECT_EQ(c().get("/healthz").body, "ok");
  EXPECT_EQ(c().get("/readyz").status, 200u);
  EXPECT_EQ(c().get("/livez").status, 200u);
}

TEST_F(ApiTest, SystemNamespacesExistAtStart) {
  auto r = c().get("/api/v1/namespaces");
  ASSERT_EQ(r.status, 200u);
  std::set<std::string> names;
  for (const auto& item : items(r)) names.insert(field_text(item, {"metadata", "name"}));
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    EXPECT_TRUE(names.count(ns)) << ns;
  }
  EXPECT_EQ(field_text(r.json(), {"kind"}), "NamespaceList");
}

TEST_F(ApiTest, CreateSetsSystemFieldsAndGetReturnsTheObject) {
  auto created = c().post("/api/v1/namespaces/default/pods", pod("create-me"));
  ASSERT_EQ(created.status, 201u) << created.body;
  auto obj = created.json();
  EXPECT_EQ(field_text(obj, {"metadata", "namespace"}), "default");
  EXPECT_EQ(field_text(obj, {"metadata", "uid"}).size(), 36u);
  EXPECT_NE(field_text(obj, {"metadata", "resourceVersion"}), "<missing>");
  EXPECT_NE(field_text(obj, {"metadata", "creationTimestamp"}), "<missing>");
  EXPECT_EQ(field_text(obj, {"metadata", "generation"}), "<missing>");  // pods have none in 1.26
  EXPECT_EQ(field_text(obj, {"status", "phase"}), "Pending");
  auto got = c().get("/api/v1/namespaces/default/pods/create-me");
  ASSERT_EQ(got.status, 200u);
  EXPECT_EQ(field_text(got.json(), {"metadata", "uid"}), field_text(obj, {"metadata", "uid"}));
}

TEST_F(ApiTest, BodiesOfAnotherKindOrVersionGet400) {
  const std::string path = "/api/v1/namespaces/default/configmaps";
  json::object wrong_kind = config_map("kind-check");
  wrong_kind["kind"] = "Secret";
  auto r = c().post(path, wrong_kind);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(field_text(r.json(), {"message"}),
            "the kind in the data (Secret) does not match the expected kind (ConfigMap)");
  json::object wrong_version = config_map("kind-check");
  wrong_version["apiVersion"] = "v2";
  r = c().post(path, wrong_version);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(field_text(r.json(), {"message"}),
            "the API version in the data (v2) does not match the expected API version (v1)");
  json::object no_version = config_map("kind-check");
  no_version.erase("apiVersion");
  r = c().post(path, no_version);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(field_text(r.json(), {"message"}).rfind("Object 'apiVersion' is missing in '", 0), 0u);

  ASSERT_EQ(c().post(path, config_map("kind-check")).status, 201u);
  r = c().put(path + "/kind-check", no_version);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(field_text(r.json(), {"message"}),
            "the API version in the data () does not match the expected API version (v1)");
  r = c().put(path + "/kind-check", wrong_kind);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(field_text(r.json(), {"message"}),
            "the kind in the data (Secret) does not match the expected kind (ConfigMap)");
}

TEST_F(ApiTest, AlreadyExistsAndNotFoundStatusBodies) {
  ASSERT_EQ(c().post("/api/v1/namespaces/default/configmaps", config_map("dup")).status, 201u);
  auto again = c().post("/api/v1/namespaces/default/configmaps", config_map("dup"));
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(field_text(again.json(), {"message"}), "configmaps \"dup\" already exists");
  EXPECT_EQ(field_text(again.json(), {"reason"}), "AlreadyExists");
  auto missing = c().get("/api/v1/namespaces/default/configmaps/nope");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(field_text(missing.json(), {"message"}), "configmaps \"nope\" not found");
  EXPECT_EQ(field_text(missing.json(), {"details", "kind"}), "configmaps");
  auto unknown = c().get("/api/v1/namespaces/default/nothings");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.body, "404 page not found");
}

TEST_F(ApiTest, StaleResourceVersionIsAConflict) {
  auto created = c().post("/api/v1/namespaces/default/configmaps", config_map("stale"));
  ASSERT_EQ(created.status, 201u);
  json::object first = created.json().as_object();
  json::object updated = first;
  updated["data"].as_object()["k"] = "v2";
  ASSERT_EQ(c().put("/api/v1/namespaces/default/configmaps/stale", updated).status, 200u);
  first["data"].as_object()["k"] = "v3";
  auto conflict = c().put("/api/v1/namespaces/default/configmaps/stale", first);
  EXPECT_EQ(conflict.status, 409u);
  EXPECT_EQ(field_text(conflict.json(), {"message"}),
            "Operation cannot be fulfilled on configmaps \"stale\": the object has been modified; "
            "please apply your changes to the latest version and try again");
  EXPECT_EQ(field_text(conflict.json(), {"reason"}), "Conflict");
}

TEST_F(ApiTest, UnchangedUpdateKeepsResourceVersion) {
  auto created = c().post("/api/v1/namespaces/default/configmaps", config_map("same"));
  auto rv = field_text(created.json(), {"metadata", "resourceVersion"});
  auto same = c().put("/api/v1/namespaces/default/configmaps/same", created.json());
  ASSERT_EQ(same.status, 200u);
  EXPECT_EQ(field_text(same.json(), {"metadata", "resourceVersion"}), rv);
}

TEST_F(ApiTest, PatchesMergeJsonAndStrategic) {
  ASSERT_EQ(c().post("/api/v1/namespaces/default/pods", pod("patched")).status, 201u);
  auto merge = c().patch("/api/v1/namespaces/default/pods/patched",
                         R"({"metadata":{"labels":{"tier":"a"}}})");
  ASSERT_EQ(merge.status, 200u) << merge.body;
  EXPECT_EQ(field_text(merge.json(), {"metadata", "labels", "tier"}), "a");
  EXPECT_EQ(field_text(merge.json(), {"metadata", "labels", "app"}), "web");
  auto json_patch = c().patch("/api/v1/namespaces/default/pods/patched",
                              R"([{"op":"replace","path":"/metadata/labels/tier","value":"b"}])",
                              "application/json-patch+json");
  ASSERT_EQ(json_patch.status, 200u) << json_patch.body;
  EXPECT_EQ(field_text(json_patch.json(), {"metadata", "labels", "tier"}), "b");
  auto smp = c().patch("/api/v1/namespaces/default/pods/patched/status",
                       R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})",
                       "application/strategic-merge-patch+json");
  ASSERT_EQ(smp.status, 200u) << smp.body;
  EXPECT_EQ(field_text(smp.json(), {"status", "phase"}), "Pending");
}

TEST_F(ApiTest, ListPaginatesWithContinueTokens) {
  make_namespace("paging");
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(
        c().post("/api/v1/namespaces/paging/configmaps", config_map("cm-" + std::to_string(i)))
            .status,
        201u);
  }
  auto page1 = c().get("/api/v1/namespaces/paging/configmaps?limit=2");
  ASSERT_EQ(page1.status, 200u);
  auto p1 = page1.json();
  ASSERT_EQ(p1.at("items").as_array().size(), 2u);
  EXPECT_EQ(field_text(p1, {"metadata", "remainingItemCount"}), "3");
  std::string token = field_text(p1, {"metadata", "continue"});
  ASSERT_NE(token, "<missing>");
  std::vector<std::string> names;
  for (const auto& item : p1.at("items").as_array())
    names.push_back(field_text(item, {"metadata", "name"}));
  while (!token.empty() && token != "<missing>") {
    auto page = c().get("/api/v1/namespaces/paging/configmaps?limit=2&continue=" + token);
    ASSERT_EQ(page.status, 200u);
    for (const auto& item : items(page)) {
      names.push_back(field_text(item, {"metadata", "name"}));
    }
    token = field_text(page.json(), {"metadata", "continue"});
  }
  EXPECT_EQ(names, (std::vector<std::string>{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4"}));
  EXPECT_EQ(c().get("/api/v1/namespaces/paging/configmaps?limit=2&continue=garbage").status, 400u);
}

// As kube-apiserver, every page of a list reads the first page's
// resourceVersion: later creates, updates and deletes do not show up.
TEST_F(ApiTest, ContinuedPagesShowTheFirstPagesSnapshot) {
  make_namespace("snapshot");
  const std::string path = "/api/v1/namespaces/snapshot/configmaps";
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(c().post(path, config_map("cm-" + std::to_string(i))).status, 201u);
  }
  auto page1 = c().get(path + "?limit=2");
  ASSERT_EQ(page1.status, 200u) << page1.body;
  const std::string rv = field_text(page1.json(), {"metadata", "resourceVersion"});
  ASSERT_EQ(c().patch(path + "/cm-2", R"({"data":{"k":"changed"}})").status, 200u);
  ASSERT_EQ(c().del(path + "/cm-3").status, 200u);
  ASSERT_EQ(c().post(path, config_map("cm-4")).status, 201u);
  auto page2 =
      c().get(path + "?limit=2&continue=" + field_text(page1.json(), {"metadata", "continue"}));
  ASSERT_EQ(page2.status, 200u) << page2.body;
  EXPECT_EQ(field_text(page2.json(), {"metadata", "resourceVersion"}), rv);
  std::vector<std::string> seen;
  for (const auto& item : items(page2)) {
    seen.push_back(field_text(item, {"metadata", "name"}) + "=" + field_text(item, {"data", "k"}));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"cm-2=v", "cm-3=v"}));
  EXPECT_EQ(field_text(page2.json(), {"metadata", "continue"}), "<missing>");
  // A new list sees the changes.
  auto fresh = c().get(path);
  ASSERT_EQ(fresh.status, 200u);
  EXPECT_EQ(items(fresh).size(), 4u);
}

// When the history no longer reaches back to the first page (kube: etcd
// compacted that revision), continuing is 410 Expired with kube's message.
TEST(ApiPagination, ContinueOlderThanTheHistoryIs410Expired) {
  LocalCluster cluster(LocalCluster::Options{true, {"--watch-history", "2"}});
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  const std::string path = "/api/v1/namespaces/default/configmaps";
  for (int i = 0; i < 3; ++i) {
    json::object cm{{"apiVersion", "v1"},
                    {"kind", "ConfigMap"},
                    {"metadata", json::object{{"name", "cm-" + std::to_string(i)}}}};
    ASSERT_EQ(cluster.post(path, cm).status, 201u);
  }
  auto page1 = cluster.get(path + "?limit=1");
  ASSERT_EQ(page1.status, 200u) << page1.body;
  const std::string token = field_text(page1.json(), {"metadata", "continue"});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(
        cluster.patch(path + "/cm-0", R"({"data":{"i":")" + std::to_string(i) + R"("}})").status,
        200u);
  }
  auto expired = cluster.get(path + "?limit=1&continue=" + token);
  EXPECT_EQ(expired.status, 410u);
  EXPECT_EQ(field_text(expired.json(), {"reason"}), "Expired");
  EXPECT_EQ(field_text(expired.json(), {"message"}),
            "The provided continue parameter is too old to display a consistent list result. "
            "You can start a new list without the continue parameter.");
  // Starting over works.
  auto again = cluster.get(path + "?limit=1");
  EXPECT_EQ(again.status, 200u);
}

TEST_F(ApiTest, LabelAndFieldSelectors) {
  make_namespace("selectors");
  ASSERT_EQ(c().post("/api/v1/namespaces/selectors/pods", pod("a", "node-1", "web")).status, 201u);
  ASSERT_EQ(c().post("/api/v1/namespaces/selectors/pods", pod("b", "", "web")).status, 201u);
  ASSERT_EQ(c().post("/api/v1/namespaces/selectors/pods", pod("c", "node-1", "db")).status, 201u);
  auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    auto r = c().get("/api/v1/namespaces/selectors/pods?" + query);
    EXPECT_EQ(r.status, 200u) << r.body;
    for (const auto& item : items(r)) out.push_back(field_text(item, {"metadata", "name"}));
    return out;
  };
  EXPECT_EQ(names("labelSelector=app%3Dweb"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names("labelSelector=app%20in%20(db)"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(names("labelSelector=app!%3Dweb"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(names("fieldSelector=spec.nodeName%3Dnode-1"), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(names("fieldSelector=spec.nodeName%3D"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(names("fieldSelector=metadata.name%3Db"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(names("fieldSelector=status.phase%3DPending,spec.nodeName!%3Dnode-1"),
            (std::vector<std::string>{"b"}));
  auto bad = c().get("/api/v1/namespaces/selectors/pods?fieldSelector=spec.image%3Dx");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(field_text(bad.json(), {"message"}).find("field label not supported: spec.image"),
            std::string::npos);
}

TEST_F(ApiTest, MissingNamespaceIsNotFound) {
  auto r = c().post("/api/v1/namespaces/nowhere/configmaps", config_map("x"));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(field_text(r.json(), {"message"}), "namespaces \"nowhere\" not found");
}

TEST_F(ApiTest, BodyNamespaceMustMatchTheUrl) {
  auto cm = config_map("wrong-ns");
  cm["metadata"].as_object()["namespace"] = "kube-system";
  auto r = c().post("/api/v1/namespaces/default/configmaps", cm);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(
      field_text(r.json(), {"message"}),
      "the namespace of the provided object does not match the namespace sent on the request");
}

TEST_F(ApiTest, WrongKindOrApiVersionIsBadRequest) {
  auto cm = config_map("wrong-kind");
  cm["kind"] = "Secret";
  EXPECT_EQ(c().post("/api/v1/namespaces/default/configmaps", cm).status, 400u);
  cm["kind"] = "ConfigMap";
  cm["apiVersion"] = "v2";
  EXPECT_EQ(c().post("/api/v1/namespaces/default/configmaps", cm).status, 400u);
}

TEST_F(ApiTest, MalformedBodiesAreRejectedAndTheServerKeepsServing) {
  auto r = c().request("POST", "/api/v1/namespaces/default/configmaps", "{\"kind\": ");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(field_text(r.json(), {"reason"}), "BadRequest");
  auto yaml =
      c().request("POST", "/api/v1/namespaces/default/configmaps", "a: [b", "application/yaml");
  EXPECT_EQ(yaml.status, 400u);
  EXPECT_EQ(c().get("/api/v1/namespaces/default/configmaps").status, 200u);
}

TEST_F(ApiTest, YamlBodiesAreAccepted) {
  auto r = c().request(
      "POST", "/api/v1/namespaces/default/configmaps",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  n: \"1\"\n",
      "application/yaml");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(field_text(r.json(), {"data", "n"}), "1");
}

TEST_F(ApiTest, BodiesOver3MiBAre413) {
  std::string big(3 * 1024 * 1024 + 100, 'x');
  auto r = c().request("POST", "/api/v1/namespaces/default/configmaps", big);
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(field_text(r.json(), {"reason"}), "RequestEntityTooLarge");
  EXPECT_EQ(c().get("/api/v1/namespaces").status, 200u);
}

TEST_F(ApiTest, InvalidNamesLabelsAndAnnotationsAre422) {
  auto bad_name = config_map("Bad_Name");
  auto r = c().post("/api/v1/namespaces/default/configmaps", bad_name);
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(field_text(r.json(), {"details", "causes"}).find("metadata.name") != std::string::npos,
            true);
  auto bad_label = config_map("bad-label");
  bad_label["metadata"].as_object()["labels"] = json::object{{"a", "-x-"}};
  EXPECT_EQ(c().post("/api/v1/namespaces/default/configmaps", bad_label).status, 422u);
  auto big = config_map("big-annotations");
  big["metadata"].as_object()["annotations"] = json::object{{"a", std::string(262145, 'x')}};
  auto too_long = c().post("/api/v1/namespaces/default/configmaps", big);
  EXPECT_EQ(too_long.status, 422u);
  EXPECT_NE(field_text(too_long.json(), {"message"})
                .find("metadata.annotations: Too long: must have at most 262144 bytes"),
            std::string::npos);
}

TEST_F(ApiTest, DryRunStoresNothing) {
  auto r = c().post("/api/v1/namespaces/default/configmaps?dryRun=All", config_map("dry"));
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(c().get("/api/v1/namespaces/default/configmaps/dry").status, 404u);
}

TEST_F(ApiTest, BindingAssignsANodeOnce) {
  ASSERT_EQ(c().post("/api/v1/namespaces/default/pods", pod("to-bind")).status, 201u);
  json::object binding{
      {"apiVersion", "v1"},
      {"kind", "Binding"},
      {"metadata", json::object{{"name", "to-bind"}}},
      {"target", json::object{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", "gpu-node-1"}}}};
  auto first = c().post("/api/v1/namespaces/default/pods/to-bind/binding", binding);
  EXPECT_EQ(first.status, 201u) << first.body;
  EXPECT_EQ(field_text(first.json(), {"status"}), "Success");
  auto got = c().get("/api/v1/namespaces/default/pods/to-bind");
  EXPECT_EQ(field_text(got.json(), {"spec", "nodeName"}), "gpu-node-1");
  EXPECT_NE(got.body.find("PodScheduled"), std::string::npos);
  auto again = c().post("/api/v1/namespaces/default/pods/to-bind/binding", binding);
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(field_text(again.json(), {"message"}),
            "Operation cannot be fulfilled on pods/binding \"to-bind\": pod to-bind is already "
            "assigned to node \"gpu-node-1\"");
}

TEST_F(ApiTest, PodDeletionHonoursGracePeriods) {
  ASSERT_EQ(c().post("/api/v1/namespaces/default/pods", pod("bound", "node-1")).status, 201u);
  auto graceful = c().del("/api/v1/namespaces/default/pods/bound");
  EXPECT_EQ(graceful.status, 200u);
  EXPECT_EQ(field_text(graceful.json(), {"metadata", "deletionGracePeriodSeconds"}), "30");
  EXPECT_EQ(c().get("/api/v1/namespaces/default/pods/bound").status, 200u);
  // Its kubelet writes the terminated status while the grace period runs: the
  // pod stays (an update ends a deletion only when no grace period is left).
  auto status = c().patch("/api/v1/namespaces/default/pods/bound/status",
                          R"({"status":{"phase":"Running"}})");
  EXPECT_EQ(status.status, 200u) << status.body;
  EXPECT_EQ(field_text(status.json(), {"status", "phase"}), "Running");
  EXPECT_EQ(c().get("/api/v1/namespaces/default/pods/bound").status, 200u);
  auto now = c().del("/api/v1/namespaces/default/pods/bound",
                     R"({"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0})");
  EXPECT_EQ(now.status, 200u);
  EXPECT_EQ(field_text(now.json(), {"kind"}), "Pod");
  EXPECT_EQ(c().get("/api/v1/namespaces/default/pods/bound").status, 404u);
  ASSERT_EQ(c().post("/api/v1/namespaces/default/pods", pod("unbound")).status, 201u);
  auto unbound = c().del("/api/v1/namespaces/default/pods/unbound");
  EXPECT_EQ(unbound.status, 200u);
  EXPECT_EQ(field_text(unbound.json(), {"metadata", "deletionGracePeriodSeconds"}), "0");
  EXPECT_EQ(c().get("/api/v1/namespaces/default/pods/unbound").status, 404u);
}

TEST_F(ApiTest, DeleteCollectionBySelector) {
  make_namespace("collection");
  for (const char* name : {"x1", "x2"}) {
    auto cm = config_map(name);
    cm["metadata"].as_object()["labels"] = json::object{{"group", "x"}};
    ASSERT_EQ(c().post("/api/v1/namespaces/collection/configmaps", cm).status, 201u);
  }
  ASSERT_EQ(c().post("/api/v1/namespaces/collection/configmaps", config_map("keep")).status, 201u);
  auto r = c().del("/api/v1/namespaces/collection/configmaps?labelSelector=group%3Dx");
  EXPECT_EQ(r.status, 200u) << r.body;
  auto left = items(c().get("/api/v1/namespaces/collection/configmaps"));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(field_text(left[0], {"metadata", "name"}), "keep");
}

TEST_F(ApiTest, LeaseMicroTimeNeedsSixFractionDigitsAndIsNormalisedToUtc) {
  auto lease = [](const std::string& name, const std::string& renew) {
    return json::object{{"apiVersion", "coordination.k8s.io/v1"},
                        {"kind", "Lease"},
                        {"metadata", json::object{{"name", name}}},
                        {"spec", json::object{{"holderIdentity", "a"}, {"renewTime", renew}}}};
  };
  const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
  auto no_fraction = c().post(leases, lease("l1", "2026-01-01T00:00:00Z"));
  EXPECT_EQ(no_fraction.status, 400u);
  EXPECT_EQ(field_text(no_fraction.json(), {"message"})
                .rfind("Lease in version \"v1\" cannot be handled as a Lease: ", 0),
            0u);
  EXPECT_EQ(c().post(leases, lease("l2", "2026-01-01T00:00:00.123456789Z")).status, 400u);
  auto offset = c().post(leases, lease("l3", "2026-01-01T00:00:00.123456+02:00"));
  ASSERT_EQ(offset.status, 201u) << offset.body;
  EXPECT_EQ(field_text(offset.json(), {"spec", "renewTime"}), "2025-12-31T22:00:00.123456Z");
  EXPECT_EQ(field_text(offset.json(), {"metadata", "generation"}), "<missing>");
}

}  // namespace
}  // namespace dynop::test
