// The RBAC evaluation the audit check (tests/e2e/rbac_audit_e2e_test.cpp)
// relies on, case by case as kube-apiserver's RBAC authorizer decides.

#include "tests/support/rbac_authorizer.hpp"

#include <gtest/gtest.h>

namespace dynop::test {
namespace {

constexpr char kPolicy[] = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: op}
rules:
  - apiGroups: [nvidia.com]
    resources: [adapters, adapters/scale]
    verbs: [get, patch]
  - apiGroups: [""]
    resources: ["*/status"]
    verbs: [update]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [clusterroles]
    resourceNames: [planner]
    verbs: [bind]
  - nonResourceURLs: [/apis/*]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: op}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: op}
subjects: [{kind: ServiceAccount, name: op, namespace: sys}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: lease, namespace: sys}
rules:
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: ["*"]
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: lease, namespace: sys}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: lease}
subjects: [{kind: ServiceAccount, name: op}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: op}
subjects: [{kind: Group, name: readers}]
)";

RbacRequest as_operator(std::string verb, std::string group, std::string resource,
                        std::string subresource = "", std::string ns = "default",
                        std::string name = "x") {
  RbacRequest r;
  r.username = "system:serviceaccount:sys:op";
  r.verb = std::move(verb);
  r.api_group = std::move(group);
  r.resource = std::move(resource);
  r.subresource = std::move(subresource);
  r.namespace_name = std::move(ns);
  r.name = std::move(name);
  return r;
}

class RbacAuthorizerTest : public ::testing::Test {
 protected:
  void SetUp() override { rbac_.add(YAML::LoadAll(kPolicy)); }
  bool allows(const RbacRequest& r) { return !rbac_.allowing_rules(r).empty(); }
  RbacAuthorizer rbac_;
};

TEST_F(RbacAuthorizerTest, ResourcesSubresourcesAndVerbsMatchExactly) {
  EXPECT_TRUE(allows(as_operator("patch", "nvidia.com", "adapters", "scale")));
  EXPECT_FALSE(allows(as_operator("update", "nvidia.com", "adapters", "scale")));
  EXPECT_FALSE(allows(as_operator("get", "nvidia.com", "adapters", "status")))
      << "adapters does not grant adapters/status";
  EXPECT_FALSE(allows(as_operator("get", "other.io", "adapters")));
  EXPECT_TRUE(allows(as_operator("update", "", "pods", "status"))) << "*/status";
  EXPECT_FALSE(allows(as_operator("update", "", "pods")));
}

TEST_F(RbacAuthorizerTest, ResourceNamesLimitTheObject) {
  EXPECT_TRUE(
      allows(as_operator("bind", "rbac.authorization.k8s.io", "clusterroles", "", "", "planner")));
  EXPECT_FALSE(
      allows(as_operator("bind", "rbac.authorization.k8s.io", "clusterroles", "", "", "admin")));
}

TEST_F(RbacAuthorizerTest, RoleBindingsGrantOnlyInTheirNamespaceToTheirSubjects) {
  EXPECT_TRUE(allows(as_operator("watch", "coordination.k8s.io", "leases", "", "sys")));
  EXPECT_FALSE(allows(as_operator("watch", "coordination.k8s.io", "leases", "", "default")));
  EXPECT_FALSE(allows(as_operator("get", "", "configmaps", "", "default")));

  RbacRequest reader = as_operator("get", "nvidia.com", "adapters", "", "team");
  reader.username = "jane";
  EXPECT_FALSE(allows(reader)) << "not a subject";
  reader.groups = {"readers"};
  EXPECT_TRUE(allows(reader)) << "ClusterRole bound in team, by group";
  reader.namespace_name = "default";
  EXPECT_FALSE(allows(reader));
}

TEST_F(RbacAuthorizerTest, NonResourceUrlsAndUnusedRules) {
  RbacRequest discovery = as_operator("get", "", "");
  discovery.is_resource_request = false;
  discovery.path = "/apis/nvidia.com/v1alpha1";
  EXPECT_TRUE(allows(discovery));
  discovery.path = "/version";
  EXPECT_FALSE(allows(discovery));
  EXPECT_EQ(rbac_.unused_rules(),
            (std::vector<std::string>{
                "ClusterRole/op rule #1 (nvidia.com adapters,adapters/scale: get,patch)",
                "ClusterRole/op rule #2 (core */status: update)",
                "ClusterRole/op rule #3 (rbac.authorization.k8s.io clusterroles named planner: "
                "bind)",
                "Role/lease rule #1 (coordination.k8s.io leases: *)",
                "Role/lease rule #2 (core configmaps: get)"}));
}

}  // namespace
}  // namespace dynop::test
