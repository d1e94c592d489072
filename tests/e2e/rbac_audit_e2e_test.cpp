// packaging/rbac against what the host and its default plugins really ask of
// the API server. `make run`'s own setup (packaging/run-local.sh: the host
// with every default plugin, acting as the operator's service account
// system:serviceaccount:dynop-system:dynop through client-go's `as`) runs
// with dynop-localcluster's audit log on; a user's session follows (the
// guide's sglang-agg example that make run applies, `kubectl scale dgdsa`,
// upstream's sglang-disagg_planner example, then deleting both DGDs). Then
// every request the operator's identity made, read back from the audit log,
// is evaluated as kube-apiserver's RBAC authorizer would evaluate it against
// the Roles, ClusterRoles and bindings of packaging/rbac/ (plus the
// discovery roles every cluster binds to system:authenticated), and so is
// RBAC's escalation check on each RoleBinding it writes. The test
// fails listing each request no rule allows, and prints the rules no
// request used (least privilege candidates; not a failure, since a session
// this short does not reach every path, e.g. a planner's /scale decision).

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "plugins/dgd/planner_rbac.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/manifests.hpp"
#include "tests/support/rbac_authorizer.hpp"
#include "tests/support/reference_dir.hpp"
#include "tests/support/run_local_setup.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_lines.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;

constexpr char kOperator[] = "system:serviceaccount:dynop-system:dynop";
constexpr char kPlannedNamespace[] = "planned";

// kube-apiserver's bootstrap policy binds these to every authenticated user
// (system:discovery, system:public-info-viewer, system:basic-user).
constexpr char kBootstrapDiscovery[] = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:discovery"}
rules:
  - nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*,
                      /readyz, /version, /version/]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:discovery"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:discovery"}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]
)";

std::string text(const json::object& object, const char* key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

// The request an audit Event records, as the RBAC authorizer sees it: the
// impersonated user when there is one.
test::RbacRequest rbac_request(const json::object& event) {
  test::RbacRequest request;
  const json::object& user = event.contains("impersonatedUser")
                                 ? event.at("impersonatedUser").as_object()
                                 : event.at("user").as_object();
  request.username = text(user, "username");
  if (const json::value* groups = user.if_contains("groups"))
    for (const json::value& group : groups->as_array())
      request.groups.emplace_back(group.as_string());
  request.verb = text(event, "verb");
  if (const json::value* ref = event.if_contains("objectRef")) {
    const json::object& object_ref = ref->as_object();
    request.api_group = text(object_ref, "apiGroup");
    request.resource = text(object_ref, "resource");
    request.subresource = text(object_ref, "subresource");
    request.namespace_name = text(object_ref, "namespace");
    request.name = text(object_ref, "name");
  } else {
    request.is_resource_request = false;
    const std::string uri = text(event, "requestURI");
    request.path = uri.substr(0, uri.find('?'));
  }
  return request;
}

std::string describe(const test::RbacRequest& r) {
  if (!r.is_resource_request) return r.verb + " " + r.path;
  std::string out = r.verb + " " + (r.api_group.empty() ? "core" : r.api_group) + " " + r.resource;
  if (!r.subresource.empty()) out += "/" + r.subresource;
  out += r.namespace_name.empty() ? " (cluster)" : " in " + r.namespace_name;
  return out;
}

class RbacAudit : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto missing = test::RunLocalSetup::missing_prerequisite(); !missing.empty())
      GTEST_SKIP() << missing;
    test::RunLocalSetup::Options options;
    options.localcluster_flags = {"--audit-log-path", audit_log_.string()};
    setup_ = std::make_unique<test::RunLocalSetup>(options);
    ASSERT_TRUE(setup_->ready()) << setup_->log();
  }

  bool adapter_exists(const std::string& ns, const std::string& name) {
    return setup_->kubectl({"get", "dgdsa", name, "-n", ns}).exit_code == 0;
  }
  std::size_t pod_count(const std::string& ns, const std::string& selector) {
    auto r = setup_->kubectl({"get", "pods", "-n", ns, "-l", selector, "-o", "name"});
    return r.exit_code == 0 ? test::lines_of(r.out).size() : 0;
  }

  test::TempDir dir_{"dynop-rbac-audit"};
  std::filesystem::path audit_log_ = dir_.path() / "audit.log";
  std::unique_ptr<test::RunLocalSetup> setup_;
};

TEST_F(RbacAudit, EveryRequestOfTheOperatorIsAllowedByPackagingRbac) {
  // The user's session, each step bounded.
  ASSERT_TRUE(test::eventually([&] { return adapter_exists("default", "sglang-agg-decode"); }, 60))
      << setup_->log();
  setup_->kubectl_ok({"scale", "dgdsa", "sglang-agg-decode", "-n", "default", "--replicas=2"});
  EXPECT_TRUE(test::eventually(
      [&] { return pod_count("default", "nvidia.com/dynamo-component=decode") == 2; }, 60))
      << setup_->log();
  const std::string planner_example =
      test::reference_dir() + "/upstream-dynamo-0.8/examples/sglang-disagg_planner.yaml";
  setup_->kubectl_ok({"create", "namespace", kPlannedNamespace});
  setup_->kubectl_ok({"apply", "-n", kPlannedNamespace, "-f", planner_example});
  EXPECT_TRUE(test::eventually(
      [&] {
        return setup_->kubectl({"get", "rolebinding", "planner-serviceaccount-binding", "-n",
                                kPlannedNamespace})
                       .exit_code == 0 &&
               pod_count(kPlannedNamespace, "nvidia.com/dynamo-component-type=planner") == 1;
      },
      60))
      << setup_->log();
  // One planner round (every 15 s): the planner plugin reads the DGD's
  // profile ConfigMap through the host's cache, and without one (upstream's
  // profiler makes it) reports InvalidProfile in the DGD's status.
  EXPECT_TRUE(test::eventually(
      [&] {
        auto r = setup_->kubectl(
            {"get", "dgd", "sglang-disagg-planner", "-n", kPlannedNamespace, "-o", "json"});
        return r.out.find("InvalidProfile") != std::string::npos ||
               r.out.find("\"Planning\"") != std::string::npos;
      },
      40))
      << setup_->log();
  setup_->kubectl_ok({"delete", "dgd", "--all", "-n", kPlannedNamespace, "--timeout=60s"});
  setup_->kubectl_ok({"delete", "dgd", "--all", "-n", "default", "--timeout=60s"});
  EXPECT_TRUE(test::eventually(
      [&] {
        return pod_count("default", "nvidia.com/dynamo-component") == 0 &&
               pod_count(kPlannedNamespace, "nvidia.com/dynamo-component") == 0 &&
               setup_->kubectl({"get", "serviceaccount", "planner-serviceaccount", "-n",
                                kPlannedNamespace})
                       .exit_code != 0;
      },
      60))
      << setup_->log();
  // The cluster writes its audit log out when it stops.
  ASSERT_EQ(setup_->stop(), 0) << setup_->log();

  test::RbacAuthorizer rbac;
  rbac.add(test::manifest_file_objects("packaging/rbac/operator.yaml"));
  rbac.add(test::manifest_file_objects("packaging/rbac/planner.yaml"));
  rbac.add(YAML::LoadAll(kBootstrapDiscovery));

  std::map<std::string, std::size_t> denied;  // request -> how many times
  std::set<std::string> made;                 // distinct requests, allowed or not
  std::size_t operator_requests = 0;
  for (const std::string& line : test::lines_of(test::file_text(audit_log_))) {
    const json::object event = json::parse(line).as_object();
    if (text(event, "stage") != "ResponseComplete") continue;  // a watch's head: its end counts
    const test::RbacRequest request = rbac_request(event);
    if (request.username != kOperator) continue;
    ++operator_requests;
    made.insert(describe(request));
    if (rbac.allowing_rules(request).empty()) ++denied[describe(request)];
    // RBAC's escalation check on a RoleBinding write: `bind` on the role it
    // references (or every permission of it, which the operator does not
    // hold). The audit log has no bodies; the only RoleBindings the operator
    // writes are the planner's, to the dgd plugin's planner_cluster_role.
    if (request.resource == "rolebindings" &&
        (request.verb == "create" || request.verb == "update")) {
      test::RbacRequest bind = request;
      bind.verb = "bind";
      bind.resource = "clusterroles";
      bind.name = std::string(plugins::dgd::kDefaultPlannerClusterRole);
      if (rbac.allowing_rules(bind).empty())
        ++denied[describe(bind) + " named " + bind.name + " (escalation check of a RoleBinding " +
                 request.verb + ")"];
    }
  }
  ASSERT_GT(operator_requests, 0u) << "no request of " << kOperator << " in " << audit_log_;
  std::string denied_list;
  for (const auto& [request, count] : denied)
    denied_list += "  " + request + " (" + std::to_string(count) + "x)\n";
  EXPECT_TRUE(denied.empty()) << "requests of " << kOperator
                              << " that no rule in packaging/rbac/ allows:\n"
                              << denied_list;
  // The session reached the paths that matter: not a vacuous pass.
  std::string made_list;
  for (const std::string& request : made) made_list += "  " + request + "\n";
  for (const char* expected :
       {"patch nvidia.com dynamographdeployments in default",        // dgdsa: /scale -> DGD
        "create core pods/binding in default",                       // gpu-scheduler
        "create core pods in planned",                               // dgd
        "create rbac.authorization.k8s.io rolebindings in planned",  // dgd: planner identity
        "watch coordination.k8s.io leases in dynop-system"})         // leader election
    EXPECT_EQ(made.count(expected), 1u) << expected << " not made; made:\n" << made_list;

  std::cout << "[rbac-audit] " << operator_requests << " requests of " << kOperator << ", "
            << made.size() << " distinct, all checked against packaging/rbac/\n";
  for (const std::string& rule : rbac.unused_rules())
    std::cout << "[rbac-audit] not used in this session: " << rule << "\n";
}

}  // namespace
}  // namespace dynop::e2e
