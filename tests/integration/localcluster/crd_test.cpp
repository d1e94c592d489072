// CustomResourceDefinitions and custom objects: establishment, schema errors
// with field paths, status and scale subresources, generation, and the
// custom-resource-only rules (415 for strategic merge patch, 422 for a PUT
// without resourceVersion) recorded in the apiserver traces.

#include <gtest/gtest.h>

#include "tests/integration/localcluster/local_cluster.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;

constexpr const char* kWidgetCrd = R"({
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.example.com"},
  "spec": {
    "group": "example.com",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList", "shortNames": ["wd"]},
    "scope": "Namespaced",
    "versions": [{
      "name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector"}},
      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object", "required": ["size"], "properties": {
          "replicas": {"type": "integer", "minimum": 0},
          "size": {"type": "string", "enum": ["small", "large"]},
          "ports": {"type": "object", "minProperties": 1, "maxProperties": 2,
                    "additionalProperties": {"type": "integer"}}}},
        "status": {"type": "object", "properties": {
          "replicas": {"type": "integer"}, "selector": {"type": "string"}}}}}}
    }]
  }
})";

json::object widget(const std::string& name, int replicas, const std::string& size = "small") {
  return json::object{
      {"apiVersion", "example.com/v1"},
      {"kind", "Widget"},
      {"metadata", json::object{{"name", name}, {"labels", json::object{{"app", "w"}}}}},
      {"spec", json::object{{"replicas", replicas}, {"size", size}}}};
}

class CrdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new LocalCluster();
    if (!cluster_->ok()) return;
    auto r = cluster_->request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                               kWidgetCrd);
    created_ = r.json();
    established_ = eventually([] {
      auto crd = cluster_->get(
          "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
      return crd.body.find("\"Established\"") != std::string::npos &&
             cluster_->get("/apis/example.com/v1/namespaces/default/widgets").status == 200;
    });
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
    ASSERT_TRUE(established_);
  }
  LocalCluster& c() { return *cluster_; }
  const std::string base = "/apis/example.com/v1/namespaces/default/widgets";

  static LocalCluster* cluster_;
  static json::value created_;
  static bool established_;
};

LocalCluster* CrdTest::cluster_ = nullptr;
json::value CrdTest::created_;
bool CrdTest::established_ = false;

TEST_F(CrdTest, CreateAnswersWithEmptyStatusThenTheControllerEstablishesIt) {
  EXPECT_EQ(field_text(created_, {"status", "conditions"}), "null");
  EXPECT_EQ(field_text(created_, {"status", "storedVersions"}), "[\"v1\"]");
  EXPECT_EQ(field_text(created_, {"metadata", "generation"}), "1");
  auto crd =
      c().get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").json();
  EXPECT_EQ(field_text(crd, {"status", "acceptedNames", "kind"}), "Widget");
  json::array conditions = crd.at("status").at("conditions").as_array();
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(field_text(conditions[0], {"type"}), "NamesAccepted");
  EXPECT_EQ(field_text(conditions[1], {"type"}), "Established");
  EXPECT_EQ(field_text(conditions[1], {"status"}), "True");
  auto discovery = c().get("/apis/example.com/v1");
  EXPECT_EQ(discovery.status, 200u);
  EXPECT_NE(discovery.body.find("widgets/scale"), std::string::npos);
}

TEST_F(CrdTest, SchemaViolationsAre422WithFieldPaths) {
  auto r = c().post(base, widget("bad-replicas", -1));
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(field_text(r.json(), {"message"}),
            "Widget.example.com \"bad-replicas\" is invalid: [spec.replicas: Invalid value: -1: "
            "spec.replicas in body should be greater than or equal to 0, .spec.replicas: Invalid "
            "value: -1: should be a non-negative integer]");
  json::value body = r.json();
  json::array causes = body.at("details").at("causes").as_array();
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(field_text(causes[0], {"field"}), "spec.replicas");
  EXPECT_EQ(field_text(causes[1], {"field"}), ".spec.replicas");
  auto missing = c().post(base, json::object{{"apiVersion", "example.com/v1"},
                                             {"kind", "Widget"},
                                             {"metadata", json::object{{"name", "no-size"}}},
                                             {"spec", json::object{{"replicas", 1}}}});
  EXPECT_EQ(missing.status, 422u);
  EXPECT_NE(field_text(missing.json(), {"message"}).find("spec.size: Required value"),
            std::string::npos);
}

TEST_F(CrdTest, PropertyCountErrorsShowTheCountTheObjectHas) {
  // kube-apiserver's value is the number of properties found, not the limit
  // (as for a DGD's empty spec.services).
  auto none = widget("no-ports", 1);
  none["spec"].as_object()["ports"] = json::object();
  auto r = c().post(base, none);
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(field_text(r.json(), {"message"}),
            "Widget.example.com \"no-ports\" is invalid: spec.ports: Invalid value: 0: "
            "spec.ports in body should have at least 1 properties");
  auto many = widget("many-ports", 1);
  many["spec"].as_object()["ports"] = json::object{{"a", 1}, {"b", 2}, {"c", 3}};
  r = c().post(base, many);
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(field_text(r.json(), {"message"}),
            "Widget.example.com \"many-ports\" is invalid: spec.ports: Invalid value: 3: "
            "spec.ports in body should have at most 2 properties");
}

TEST_F(CrdTest, GenerationFollowsSpecChangesOnly) {
  auto created = c().post(base, widget("gen", 1));
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(field_text(created.json(), {"metadata", "generation"}), "1");
  // Status writes never bump generation and ignore spec changes.
  json::object with_status = created.json().as_object();
  with_status["status"] = json::object{{"replicas", 1}, {"selector", "app=w"}};
  with_status["spec"].as_object()["replicas"] = 99;
  auto status = c().put(base + "/gen/status", with_status);
  ASSERT_EQ(status.status, 200u) << status.body;
  EXPECT_EQ(field_text(status.json(), {"metadata", "generation"}), "1");
  EXPECT_EQ(field_text(status.json(), {"spec", "replicas"}), "1");
  EXPECT_EQ(field_text(status.json(), {"status", "replicas"}), "1");
  // Main resource writes ignore status and bump generation on spec change.
  json::object spec_change = status.json().as_object();
  spec_change["spec"].as_object()["replicas"] = 2;
  spec_change["status"].as_object()["replicas"] = 42;
  auto updated = c().put(base + "/gen", spec_change);
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(field_text(updated.json(), {"metadata", "generation"}), "2");
  EXPECT_EQ(field_text(updated.json(), {"status", "replicas"}), "1");
  // Metadata-only changes keep it.
  auto labels = c().patch(base + "/gen", R"({"metadata":{"labels":{"extra":"x"}}})");
  ASSERT_EQ(labels.status, 200u);
  EXPECT_EQ(field_text(labels.json(), {"metadata", "generation"}), "2");
  EXPECT_NE(field_text(labels.json(), {"metadata", "resourceVersion"}),
            field_text(updated.json(), {"metadata", "resourceVersion"}));
}

TEST_F(CrdTest, ScaleSubresource) {
  ASSERT_EQ(c().post(base, widget("scaled", 1)).status, 201u);
  auto scale = c().get(base + "/scaled/scale");
  ASSERT_EQ(scale.status, 200u);
  EXPECT_EQ(field_text(scale.json(), {"kind"}), "Scale");
  EXPECT_EQ(field_text(scale.json(), {"apiVersion"}), "autoscaling/v1");
  EXPECT_EQ(field_text(scale.json(), {"spec", "replicas"}), "1");
  EXPECT_EQ(field_text(scale.json(), {"status", "replicas"}), "0");
  auto patched = c().patch(base + "/scaled/scale", R"({"spec":{"replicas":3}})");
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_EQ(field_text(patched.json(), {"spec", "replicas"}), "3");
  auto object = c().get(base + "/scaled").json();
  EXPECT_EQ(field_text(object, {"spec", "replicas"}), "3");
  EXPECT_EQ(field_text(object, {"metadata", "generation"}), "2");
  auto negative = c().patch(base + "/scaled/scale", R"({"spec":{"replicas":-1}})");
  EXPECT_EQ(negative.status, 422u);
  // The selector comes from the status path, as a string.
  c().patch(base + "/scaled/status", R"({"status":{"replicas":3,"selector":"app=w"}})");
  EXPECT_EQ(field_text(c().get(base + "/scaled/scale").json(), {"status", "selector"}), "app=w");
  // At 0 replicas the Scale's spec is empty (ScaleSpec.replicas is omitempty),
  // in the PATCH answer and in a GET; the object itself keeps replicas: 0.
  auto zero = c().patch(base + "/scaled/scale", R"({"spec":{"replicas":0}})");
  ASSERT_EQ(zero.status, 200u) << zero.body;
  EXPECT_NE(zero.body.find(R"("spec":{},"status":{"replicas":3,"selector":"app=w"})"),
            std::string::npos)
      << zero.body;
  EXPECT_EQ(field_text(c().get(base + "/scaled/scale").json(), {"spec"}), "{}");
  EXPECT_EQ(field_text(c().get(base + "/scaled").json(), {"spec", "replicas"}), "0");
}

TEST_F(CrdTest, CustomResourceRules) {
  ASSERT_EQ(c().post(base, widget("rules", 1)).status, 201u);
  auto smp = c().patch(base + "/rules", R"({"spec":{"replicas":2}})",
                       "application/strategic-merge-patch+json");
  EXPECT_EQ(smp.status, 415u);
  EXPECT_EQ(
      field_text(smp.json(), {"message"}),
      "the body of the request was in an unknown format - accepted media types include: "
      "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
  auto no_rv = c().put(base + "/rules", widget("rules", 2));
  EXPECT_EQ(no_rv.status, 422u);
  EXPECT_EQ(field_text(no_rv.json(), {"message"}),
            "widgets.example.com \"rules\" is invalid: metadata.resourceVersion: Invalid value: "
            "0x0: must be specified for an update");
  auto missing = c().get(base + "/does-not-exist");
  EXPECT_EQ(field_text(missing.json(), {"message"}),
            "widgets.example.com \"does-not-exist\" not found");
  EXPECT_EQ(c().get("/apis/example.com/v2/namespaces/default/widgets").status, 404u);
}

TEST_F(CrdTest, DeletingACrdRemovesItsObjectsAndStopsServingIt) {
  const char* gadgets =
      R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"gadgets.example.com"},
    "spec":{"group":"example.com","names":{"plural":"gadgets","singular":"gadget","kind":"Gadget","listKind":"GadgetList"},
    "scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,
    "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}})";
  ASSERT_EQ(c().request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", gadgets)
                .status,
            201u);
  const std::string gadget_base = "/apis/example.com/v1/namespaces/default/gadgets";
  ASSERT_TRUE(eventually([&] { return c().get(gadget_base).status == 200; }));
  ASSERT_EQ(
      c().request(
             "POST", gadget_base,
             R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g1"},"anything":{"goes":1}})")
          .status,
      201u);
  auto deleted =
      c().del("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com");
  EXPECT_EQ(deleted.status, 200u);
  EXPECT_EQ(field_text(deleted.json(), {"kind"}), "CustomResourceDefinition");
  EXPECT_NE(field_text(deleted.json(), {"metadata", "deletionTimestamp"}), "<missing>");
  EXPECT_TRUE(eventually([&] {
    return c().get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com")
               .status == 404;
  }));
  EXPECT_EQ(c().get(gadget_base).status, 404u);
}

TEST_F(CrdTest, CustomObjectDeleteAnswersSuccessStatus) {
  auto created = c().post(base, widget("to-delete", 1));
  ASSERT_EQ(created.status, 201u);
  auto r = c().del(base + "/to-delete", R"({"propagationPolicy":"Background"})");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(field_text(r.json(), {"status"}), "Success");
  EXPECT_EQ(field_text(r.json(), {"details", "kind"}), "widgets");
  EXPECT_EQ(field_text(r.json(), {"details", "uid"}),
            field_text(created.json(), {"metadata", "uid"}));
  EXPECT_EQ(c().get(base + "/to-delete").status, 404u);
}

// Custom resource lists carry "continue" even when it is empty, as the
// unstructured lists of kube-apiserver do (traces 04-dgdsa-03d, 11, 11b).
TEST_F(CrdTest, CustomListsPaginateAndKeepAnEmptyContinue) {
  auto ns = c().post("/api/v1/namespaces",
                     json::object{{"apiVersion", "v1"},
                                  {"kind", "Namespace"},
                                  {"metadata", json::object{{"name", "widget-pages"}}}});
  ASSERT_EQ(ns.status, 201u) << ns.body;
  const std::string path = "/apis/example.com/v1/namespaces/widget-pages/widgets";
  for (const char* name : {"w-a", "w-b"}) ASSERT_EQ(c().post(path, widget(name, 1)).status, 201u);
  auto page1 = c().get(path + "?limit=1");
  ASSERT_EQ(page1.status, 200u) << page1.body;
  EXPECT_EQ(field_text(page1.json(), {"metadata", "remainingItemCount"}), "1");
  const std::string token = field_text(page1.json(), {"metadata", "continue"});
  ASSERT_FALSE(token.empty());
  auto page2 = c().get(path + "?limit=1&continue=" + token);
  ASSERT_EQ(page2.status, 200u) << page2.body;
  ASSERT_EQ(items(page2).size(), 1u);
  EXPECT_EQ(field_text(items(page2)[0], {"metadata", "name"}), "w-b");
  EXPECT_EQ(field_text(page2.json(), {"metadata", "continue"}), "");
  EXPECT_EQ(field_text(page2.json(), {"metadata", "remainingItemCount"}), "<missing>");
  EXPECT_EQ(field_text(c().get(path).json(), {"metadata", "continue"}), "");
}

}  // namespace
}  // namespace dynop::test
