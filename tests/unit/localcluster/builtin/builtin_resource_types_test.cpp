#include "localcluster/builtin/builtin_resource_types.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "lib/apimachinery/patch_meta.hpp"
#include "localcluster/schema/custom_object.hpp"

namespace dynop::localcluster::builtin {
namespace {

const ResourceType* find(const std::vector<ResourceType>& all, const std::string& group,
                         const std::string& version, const std::string& plural) {
  for (const auto& t : all)
    if (t.group == group && t.version == version && t.plural == plural) return &t;
  return nullptr;
}

TEST(BuiltinResourceTypes, ServeTheKindsKubectlAndTheHostUse) {
  const auto all = builtin_resource_types();
  for (const auto& [g, v, p] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"", "v1", "namespaces"},
           {"", "v1", "pods"},
           {"", "v1", "nodes"},
           {"", "v1", "events"},
           {"", "v1", "configmaps"},
           {"", "v1", "secrets"},
           {"", "v1", "persistentvolumeclaims"},
           {"", "v1", "services"},
           {"", "v1", "serviceaccounts"},
           {"coordination.k8s.io", "v1", "leases"},
           {"events.k8s.io", "v1", "events"},
           {"apiextensions.k8s.io", "v1", "customresourcedefinitions"},
           {"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations"},
           {"autoscaling", "v2", "horizontalpodautoscalers"},
           {"apps", "v1", "deployments"},
           {"policy", "v1", "poddisruptionbudgets"},
           {"rbac.authorization.k8s.io", "v1", "clusterroles"},
           {"rbac.authorization.k8s.io", "v1", "clusterrolebindings"},
           {"rbac.authorization.k8s.io", "v1", "roles"},
           {"rbac.authorization.k8s.io", "v1", "rolebindings"}}) {
    const auto* t = find(all, g, v, p);
    ASSERT_NE(t, nullptr) << g << "/" << v << "/" << p;
    EXPECT_TRUE(t->schema) << p;
    EXPECT_TRUE(t->structural_schema) << p;
    EXPECT_FALSE(t->is_custom());
  }
}

TEST(BuiltinResourceTypes, DiscoveryAttributesMatchKubeApiserver) {
  const auto all = builtin_resource_types();
  const auto* pods = find(all, "", "v1", "pods");
  ASSERT_NE(pods, nullptr);
  EXPECT_EQ(pods->kind, "Pod");
  EXPECT_EQ(pods->short_names, std::vector<std::string>{"po"});
  EXPECT_EQ(pods->categories, std::vector<std::string>{"all"});
  EXPECT_EQ(pods->verbs, (std::vector<std::string>{"create", "delete", "deletecollection", "get",
                                                   "list", "patch", "update", "watch"}));
  EXPECT_TRUE(pods->has_status_subresource);
  EXPECT_EQ(pods->extra_subresources, std::vector<std::string>{"binding"});
  const auto* ns = find(all, "", "v1", "namespaces");
  EXPECT_FALSE(ns->namespaced);
  EXPECT_EQ(ns->verbs, (std::vector<std::string>{"create", "delete", "get", "list", "patch",
                                                 "update", "watch"}));
  for (const auto& [p, s] :
       std::vector<std::pair<std::string, std::string>>{{"nodes", "no"},
                                                        {"configmaps", "cm"},
                                                        {"services", "svc"},
                                                        {"serviceaccounts", "sa"},
                                                        {"persistentvolumeclaims", "pvc"},
                                                        {"events", "ev"},
                                                        {"namespaces", "ns"}}) {
    EXPECT_EQ(find(all, "", "v1", p)->short_names, std::vector<std::string>{s}) << p;
  }
  const auto* crd = find(all, "apiextensions.k8s.io", "v1", "customresourcedefinitions");
  EXPECT_EQ(crd->short_names, (std::vector<std::string>{"crd", "crds"}));
  EXPECT_TRUE(find(all, "apps", "v1", "deployments")->scale.has_value());
}

TEST(BuiltinResourceTypes, PodColumnsAreKubesWithWideOnes) {
  const auto all = builtin_resource_types();
  const auto* pods = find(all, "", "v1", "pods");
  std::vector<std::string> names;
  for (const auto& c : pods->printer_columns)
    names.push_back(c.name + ":" + std::to_string(c.priority));
  EXPECT_EQ(names,
            (std::vector<std::string>{"Name:0", "Ready:0", "Status:0", "Restarts:0", "Age:0",
                                      "IP:1", "Node:1", "Nominated Node:1", "Readiness Gates:1"}));
  EXPECT_EQ(pods->printer_columns[0].format, "name");
}

TEST(BuiltinResourceTypes, StrictDetectsUnknownFieldsWhereSchemasAreComplete) {
  const auto all = builtin_resource_types();
  const auto* cm = find(all, "", "v1", "configmaps");
  auto obj = boost::json::parse(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"},"dta":{}})");
  auto r = schema::prepare_custom_object(*cm, cm->structural_schema.get(), obj,
                                         schema::FieldValidation::kStrict);
  EXPECT_EQ(r.bad_request,
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
            "unknown field \"dta\"");
  // A pod with fields the partial schema does not list is kept whole.
  const auto* pods = find(all, "", "v1", "pods");
  auto pod = boost::json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "spec":{"containers":[{"name":"c","image":"i","stdin":true,"resources":{"limits":{"nvidia.com/gpu":1,"cpu":"500m"}}}],
            "priorityClassName":"x"}})");
  auto pr = schema::prepare_custom_object(*pods, pods->structural_schema.get(), pod,
                                          schema::FieldValidation::kStrict);
  EXPECT_TRUE(pr.bad_request.empty()) << pr.bad_request;
  EXPECT_TRUE(pr.errors.empty());
  EXPECT_EQ(pod.at("spec").at("containers").at(0).at("stdin"), true);
}

// kubectl apply sends a strategic merge patch for every built-in kind, as
// kube-apiserver accepts one for each; only custom resources answer 415.
TEST(BuiltinResourceTypes, EveryBuiltinKindTakesAStrategicMergePatch) {
  for (const auto& t : builtin_resource_types()) {
    EXPECT_TRUE(apimachinery::PatchMetaRegistry::builtin().root_type(t.kind).has_value())
        << t.group << "/" << t.version << " " << t.kind;
  }
}

TEST(BuiltinResourceTypes, RbacObjectsPassStrictValidation) {
  const auto all = builtin_resource_types();
  const auto* role = find(all, "rbac.authorization.k8s.io", "v1", "clusterroles");
  auto obj = boost::json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1",
    "kind":"ClusterRole","metadata":{"name":"dynop"},
    "rules":[{"apiGroups":["nvidia.com"],"resources":["dynamographdeployments"],
              "verbs":["get","list","watch"]}]})");
  auto r = schema::prepare_custom_object(*role, role->structural_schema.get(), obj,
                                         schema::FieldValidation::kStrict);
  EXPECT_TRUE(r.bad_request.empty()) << r.bad_request;
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(obj.at("rules").at(0).at("verbs").as_array().size(), 3u);
  const auto* binding = find(all, "rbac.authorization.k8s.io", "v1", "clusterrolebindings");
  auto b = boost::json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1",
    "kind":"ClusterRoleBinding","metadata":{"name":"dynop"},
    "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"dynop"},
    "subjects":[{"kind":"ServiceAccount","name":"dynop","namespace":"dynop-system"}],"x":1})");
  auto br = schema::prepare_custom_object(*binding, binding->structural_schema.get(), b,
                                          schema::FieldValidation::kStrict);
  EXPECT_NE(br.bad_request.find("unknown field \"x\""), std::string::npos) << br.bad_request;
}

}  // namespace
}  // namespace dynop::localcluster::builtin
