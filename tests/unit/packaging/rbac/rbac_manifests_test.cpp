// packaging/rbac against what the operator's code asks of the API server.
//
// What this test can catch:
// - any difference between the `dynop` ClusterRole in operator.yaml and the
//   set built below, either way (a grant missing or one too many);
// - a kind the dgd or dgdsa reconciler newly declares as its primary or
//   watched kind: its get/list/watch come from the plugins' own
//   ReconcilerSpecs (the host's informers list and watch exactly those), so
//   operator.yaml must grant it; and the count of those kinds trips when it
//   changes, as a reminder to look at that kind's writes;
// - the planner role, the leader-election Role and the bindings drifting
//   from what planner.yaml / operator.yaml / webhook.yaml must say.
// What it cannot catch: everything else in the set below is a hand-kept
// table, copied from the code it names. A new request in code (a write in
// any plugin or in the host; a read by the host's scheduling loop,
// autoscaler runner, event recorder or leader election; a read by the
// webhook, gpu-scheduler or planner plugins, which have no ReconcilerSpec
// here; a verb changed, e.g. patch -> update) passes this test until
// someone adds its row. Missing grants are caught by
// tests/e2e/rbac_audit_e2e_test.cpp instead, which evaluates every request
// the operator made in a `make run` session (from dynop-localcluster's audit
// log) against these manifests; this test keeps the other direction, a
// grant too many. Keep this table, operator.yaml and the code in step.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "localcluster/builtin/builtin_resource_types.hpp"
#include "plugins/dgd/reconciler.hpp"
#include "plugins/dgdsa/reconciler.hpp"
#include "tests/support/manifests.hpp"
#include "tests/support/paths.hpp"

namespace dynop::packaging {
namespace {

// (apiGroup, resource, verb)
using Grant = std::tuple<std::string, std::string, std::string>;

using test::find_object;

// The grants of rules without resourceNames (the operator's objects have
// user-chosen names); named_grants() reads the others.
std::set<Grant> grants(const YAML::Node& role) {
  std::set<Grant> out;
  for (const YAML::Node& rule : role["rules"]) {
    if (!rule["resources"] || rule["resourceNames"]) continue;  // nonResourceURLs, named
    for (const YAML::Node& group : rule["apiGroups"])
      for (const YAML::Node& resource : rule["resources"])
        for (const YAML::Node& verb : rule["verbs"])
          out.insert({group.as<std::string>(), resource.as<std::string>(), verb.as<std::string>()});
  }
  return out;
}

// (apiGroup, resource, verb, resourceName)
using NamedGrant = std::tuple<std::string, std::string, std::string, std::string>;

std::set<NamedGrant> named_grants(const YAML::Node& role) {
  std::set<NamedGrant> out;
  for (const YAML::Node& rule : role["rules"]) {
    if (!rule["resources"] || !rule["resourceNames"]) continue;
    for (const YAML::Node& group : rule["apiGroups"])
      for (const YAML::Node& resource : rule["resources"])
        for (const YAML::Node& verb : rule["verbs"])
          for (const YAML::Node& name : rule["resourceNames"])
            out.insert({group.as<std::string>(), resource.as<std::string>(), verb.as<std::string>(),
                        name.as<std::string>()});
  }
  return out;
}

// The plural of a kind, from the served built-in kinds and from crds/.
std::string plural_of(const sdk::Gvk& gvk) {
  for (const auto& t : localcluster::builtin::builtin_resource_types())
    if (t.group == gvk.group && t.kind == gvk.kind) return t.plural;
  for (const auto& entry : std::filesystem::directory_iterator(test::source_path("crds"))) {
    const YAML::Node crd = YAML::LoadFile(entry.path().string());
    if (crd["spec"]["group"].as<std::string>() == gvk.group &&
        crd["spec"]["names"]["kind"].as<std::string>() == gvk.kind)
      return crd["spec"]["names"]["plural"].as<std::string>();
  }
  ADD_FAILURE() << "no resource for kind " << gvk.kind;
  return "";
}

std::set<Grant> operator_needs() {
  std::set<Grant> need;
  // Read: every kind a default plugin reconciles or watches.
  std::vector<sdk::Gvk> read;
  for (const sdk::ReconcilerSpec& spec :
       {plugins::dgd::dgd_reconciler_spec({}), plugins::dgdsa::dgdsa_reconciler_spec({})}) {
    read.push_back(spec.primary);
    for (const auto& watch : spec.watches) read.push_back(watch.gvk);
  }
  for (const sdk::Gvk& gvk : read)
    for (const char* verb : {"get", "list", "watch"})
      need.insert({gvk.group, plural_of(gvk), verb});
  EXPECT_EQ(read.size(), 11u) << "a plugin declares a new kind: check its writes below";

  // Write: not declared anywhere, hence listed.
  const std::string dgds = "dynamographdeployments";
  const std::string dgdsas = "dynamographdeploymentscalingadapters";
  need.insert({
      {"nvidia.com", dgds, "patch"},                   // dgdsa reconciler: replicas merge patch
      {"nvidia.com", dgds + "/status", "update"},      // dgd reconciler: update_status
      {"nvidia.com", dgds + "/finalizers", "update"},  // blockOwnerDeletion (common/names.cpp)
      {"nvidia.com", dgdsas, "create"},                // dgd reconciler: one adapter a service
      {"nvidia.com", dgdsas, "delete"},                // dgd reconciler: disabled adapters
      {"nvidia.com", dgdsas + "/status", "update"},    // dgdsa reconciler: update_status
      {"nvidia.com", dgdsas + "/scale", "get"},        // host autoscaler runner (planner.so)
      {"nvidia.com", dgdsas + "/scale", "patch"},      // host autoscaler runner: decisions
      {"", "pods", "create"},                          // dgd reconciler
      {"", "pods", "delete"},                          // dgd reconciler: scale down, rollout
      {"", "persistentvolumeclaims", "create"},        // dgd reconciler: spec.pvcs
      {"", "services", "create"},                      // dgd reconciler: one a service
      {"", "services", "patch"},                       // dgd reconciler: drifted ones put back
      {"", "services", "delete"},                      // dgd reconciler: removed services
      {"", "events", "create"},                        // host event recorder
      {"", "events", "patch"},                         // host event recorder: repeats
      // The host's scheduling loop (host/scheduler), which the gpu-scheduler runs in.
      {"", "nodes", "get"},
      {"", "nodes", "list"},
      {"", "nodes", "watch"},          // the inventory
      {"", "pods/binding", "create"},  // kube_scheduler_client: bind
      {"", "pods/status", "patch"},    // PodScheduled=False/Unschedulable
      {"", "pods", "patch"},           // the group plan annotation
      // planner plugin (planner_plugin.cpp): the profile ConfigMap, through the cache.
      {"", "configmaps", "get"},
      {"", "configmaps", "list"},
      {"", "configmaps", "watch"},
  });
  // dgd reconciler (planner_rbac.hpp): the planner's ServiceAccount and
  // RoleBinding, created, their owner lists updated, deleted by the last owner.
  for (const auto& [group, resource] : std::vector<std::pair<std::string, std::string>>{
           {"", "serviceaccounts"}, {"rbac.authorization.k8s.io", "rolebindings"}}) {
    for (const char* verb : {"create", "update", "delete"}) need.insert({group, resource, verb});
  }
  return need;
}

TEST(RbacManifests, EveryManifestIsAKnownRbacOrCoreKind) {
  for (const char* file : {"packaging/rbac/operator.yaml", "packaging/rbac/planner.yaml"}) {
    const auto docs = test::manifest_file_objects(file);
    EXPECT_FALSE(docs.empty()) << file;
    for (const YAML::Node& doc : docs) {
      const auto api_version = doc["apiVersion"].as<std::string>();
      const auto kind = doc["kind"].as<std::string>();
      const bool rbac = api_version == "rbac.authorization.k8s.io/v1" &&
                        (kind == "ClusterRole" || kind == "ClusterRoleBinding" || kind == "Role" ||
                         kind == "RoleBinding");
      const bool core = api_version == "v1" && (kind == "ServiceAccount" || kind == "Namespace");
      EXPECT_TRUE(rbac || core) << file << ": " << api_version << " " << kind;
    }
  }
}

TEST(RbacManifests, OperatorClusterRoleGrantsExactlyWhatTheDefaultPluginsUse) {
  const auto docs = test::manifest_file_objects("packaging/rbac/operator.yaml");
  EXPECT_EQ(grants(find_object(docs, "ClusterRole", "dynop")), operator_needs());
  // Binding the planner's ClusterRole (RBAC's escalation check): `bind` on
  // exactly the role the dgd plugin binds by default, which planner.yaml ships.
  const std::string planner_role = plugins::dgd::DgdPluginConfig{}.planner_cluster_role;
  EXPECT_EQ(
      named_grants(find_object(docs, "ClusterRole", "dynop")),
      (std::set<NamedGrant>{{"rbac.authorization.k8s.io", "clusterroles", "bind", planner_role}}));
  find_object(test::manifest_file_objects("packaging/rbac/planner.yaml"), "ClusterRole",
              planner_role);
}

TEST(RbacManifests, OperatorIdentityIsBoundAndIsTheWebhookDeploymentsServiceAccount) {
  const auto docs = test::manifest_file_objects("packaging/rbac/operator.yaml");
  const YAML::Node sa = find_object(docs, "ServiceAccount", "dynop");
  EXPECT_EQ(sa["metadata"]["namespace"].as<std::string>(), "dynop-system");
  for (const auto& [kind, role_kind, name] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"ClusterRoleBinding", "ClusterRole", "dynop"},
           {"RoleBinding", "Role", "dynop-leader-election"}}) {
    const YAML::Node binding = find_object(docs, kind, name);
    EXPECT_EQ(binding["roleRef"]["kind"].as<std::string>(), role_kind);
    EXPECT_EQ(binding["roleRef"]["name"].as<std::string>(), name);
    ASSERT_EQ(binding["subjects"].size(), 1u);
    EXPECT_EQ(binding["subjects"][0]["kind"].as<std::string>(), "ServiceAccount");
    EXPECT_EQ(binding["subjects"][0]["name"].as<std::string>(), "dynop");
    EXPECT_EQ(binding["subjects"][0]["namespace"].as<std::string>(), "dynop-system");
  }
  // Leader election (lib/leaderelection/leader_elector.cpp): get, create and
  // update of the Lease, and a watch on it, in the pod's namespace.
  const YAML::Node role = find_object(docs, "Role", "dynop-leader-election");
  EXPECT_EQ(role["metadata"]["namespace"].as<std::string>(), "dynop-system");
  EXPECT_EQ(grants(role), (std::set<Grant>{{"coordination.k8s.io", "leases", "get"},
                                           {"coordination.k8s.io", "leases", "create"},
                                           {"coordination.k8s.io", "leases", "update"},
                                           {"coordination.k8s.io", "leases", "watch"}}));

  const auto webhook = test::manifest_file_objects("packaging/webhook/webhook.yaml");
  const YAML::Node deployment = find_object(webhook, "Deployment", "dynop");
  EXPECT_EQ(deployment["metadata"]["namespace"].as<std::string>(), "dynop-system");
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>(),
            "dynop");
}

TEST(RbacManifests, PlannerRoleReadsDgdsAndPodsAndScalesAdaptersAndNothingElse) {
  const auto docs = test::manifest_file_objects("packaging/rbac/planner.yaml");
  const std::string dgdsas = "dynamographdeploymentscalingadapters";
  const YAML::Node role = find_object(docs, "ClusterRole", "dynop-planner");
  EXPECT_EQ(grants(role), (std::set<Grant>{{"nvidia.com", "dynamographdeployments", "get"},
                                           {"nvidia.com", "dynamographdeployments", "list"},
                                           {"nvidia.com", "dynamographdeployments", "watch"},
                                           {"", "pods", "get"},
                                           {"", "pods", "list"},
                                           {"", "pods", "watch"},
                                           {"nvidia.com", dgdsas, "get"},
                                           {"nvidia.com", dgdsas, "list"},
                                           {"nvidia.com", dgdsas, "watch"},
                                           {"nvidia.com", dgdsas + "/scale", "get"},
                                           {"nvidia.com", dgdsas + "/scale", "update"},
                                           {"nvidia.com", dgdsas + "/scale", "patch"}}));
  EXPECT_TRUE(named_grants(role).empty());
  // The ServiceAccount and its binding are the dgd plugin's to make, per namespace.
  EXPECT_EQ(docs.size(), 1u);
}

}  // namespace
}  // namespace dynop::packaging
