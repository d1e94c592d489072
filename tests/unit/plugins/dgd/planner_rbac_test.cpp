#include "plugins/dgd/planner_rbac.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;
using Kind = RbacObjectAction::Kind;

const PlannerRbacConfig kConfig{"planner-serviceaccount", "dynop-planner"};

common::DgdView dgd_view(std::string_view name, bool planner, std::string_view extra_meta = "") {
  std::string yaml = "metadata: {name: " + std::string(name) + ", uid: uid-" + std::string(name) +
                     std::string(extra_meta) +
                     "}\nspec:\n  services:\n    Frontend: {componentType: frontend}\n";
  if (planner) yaml += "    Planner: {componentType: planner}\n";
  return testing::parse_dgd_object(testing::dgd_from_yaml(yaml, "team-a")).view;
}

json::object owner(std::string_view dgd) {
  return {{"apiVersion", "nvidia.com/v1alpha1"},
          {"kind", "DynamoGraphDeployment"},
          {"name", dgd},
          {"uid", "uid-" + std::string(dgd)}};
}

// An object as a previous pass made it, owned by `owners`.
json::object made(const RbacObjectAction& created, std::initializer_list<std::string_view> owners) {
  json::object o = created.object;
  json::array refs;
  for (std::string_view dgd : owners) refs.push_back(owner(dgd));
  json::object& meta = o["metadata"].as_object();
  meta["ownerReferences"] = std::move(refs);
  meta["uid"] = "obj-uid";
  meta["resourceVersion"] = "7";
  return o;
}

TEST(PlannerRbac, ADgdWithAPlannerGetsTheServiceAccountAndItsBinding) {
  PlannerRbacPlan plan = plan_planner_rbac(dgd_view("a", true), kConfig, nullptr, nullptr);
  ASSERT_EQ(plan.service_account.kind, Kind::kCreate);
  EXPECT_EQ(
      json::serialize(plan.service_account.object),
      R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"planner-serviceaccount",)"
      R"("namespace":"team-a","labels":{"app.kubernetes.io/managed-by":"dynop"},)"
      R"("ownerReferences":[{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment",)"
      R"("name":"a","uid":"uid-a"}]}})");
  ASSERT_EQ(plan.role_binding.kind, Kind::kCreate);
  const json::object& binding = plan.role_binding.object;
  EXPECT_EQ(binding.at("metadata").at("name").as_string(), "planner-serviceaccount-binding");
  EXPECT_EQ(
      json::serialize(binding.at("roleRef")),
      R"({"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"dynop-planner"})");
  EXPECT_EQ(json::serialize(binding.at("subjects")),
            R"([{"kind":"ServiceAccount","name":"planner-serviceaccount","namespace":"team-a"}])");
  EXPECT_EQ(binding.at("metadata").at("ownerReferences"), json::array{owner("a")});
}

TEST(PlannerRbac, ASecondDgdJoinsTheOwnersAndAnOwnerChangesNothing) {
  PlannerRbacPlan first = plan_planner_rbac(dgd_view("a", true), kConfig, nullptr, nullptr);
  json::object sa = made(first.service_account, {"a"});
  json::object rb = made(first.role_binding, {"a"});
  PlannerRbacPlan again = plan_planner_rbac(dgd_view("a", true), kConfig, &sa, &rb);
  EXPECT_EQ(again.service_account.kind, Kind::kNone);
  EXPECT_EQ(again.role_binding.kind, Kind::kNone);

  PlannerRbacPlan second = plan_planner_rbac(dgd_view("b", true), kConfig, &sa, &rb);
  ASSERT_EQ(second.service_account.kind, Kind::kUpdate);
  EXPECT_EQ(second.service_account.object.at("metadata").at("ownerReferences"),
            (json::array{owner("a"), owner("b")}));
  // The update carries what was read, so a concurrent change is a conflict.
  EXPECT_EQ(second.service_account.object.at("metadata").at("resourceVersion"), "7");
  ASSERT_EQ(second.role_binding.kind, Kind::kUpdate);
  EXPECT_EQ(second.role_binding.object.at("metadata").at("ownerReferences"),
            (json::array{owner("a"), owner("b")}));
}

TEST(PlannerRbac, ADgdThatDropsItsPlannerLeavesAndTheLastOneDeletes) {
  PlannerRbacPlan first = plan_planner_rbac(dgd_view("a", true), kConfig, nullptr, nullptr);
  json::object sa = made(first.service_account, {"a", "b"});
  json::object rb = made(first.role_binding, {"a", "b"});
  PlannerRbacPlan leave = plan_planner_rbac(dgd_view("a", false), kConfig, &sa, &rb);
  ASSERT_EQ(leave.service_account.kind, Kind::kUpdate);
  EXPECT_EQ(leave.service_account.object.at("metadata").at("ownerReferences"),
            json::array{owner("b")});
  EXPECT_EQ(leave.role_binding.kind, Kind::kUpdate);

  json::object sa_b = made(first.service_account, {"b"});
  json::object rb_b = made(first.role_binding, {"b"});
  PlannerRbacPlan last = plan_planner_rbac(dgd_view("b", false), kConfig, &sa_b, &rb_b);
  EXPECT_EQ(last.service_account.kind, Kind::kDelete);
  EXPECT_EQ(last.service_account.uid, "obj-uid");
  EXPECT_EQ(last.role_binding.kind, Kind::kDelete);
  // A DGD without a planner that never owned them leaves them alone.
  PlannerRbacPlan other = plan_planner_rbac(dgd_view("c", false), kConfig, &sa_b, &rb_b);
  EXPECT_EQ(other.service_account.kind, Kind::kNone);
  EXPECT_EQ(other.role_binding.kind, Kind::kNone);
}

TEST(PlannerRbac, ObjectsDynopDidNotMakeAreUsedAsTheyAre) {
  json::object users_sa = {{"apiVersion", "v1"},
                           {"kind", "ServiceAccount"},
                           {"metadata", {{"name", "planner-serviceaccount"}, {"uid", "u"}}}};
  json::object users_rb = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                           {"kind", "RoleBinding"},
                           {"metadata", {{"name", "planner-serviceaccount-binding"}}},
                           {"roleRef", {{"kind", "ClusterRole"}, {"name", "their-role"}}}};
  for (bool planner : {true, false}) {
    PlannerRbacPlan plan = plan_planner_rbac(dgd_view("a", planner), kConfig, &users_sa, &users_rb);
    EXPECT_EQ(plan.service_account.kind, Kind::kNone);
    EXPECT_EQ(plan.role_binding.kind, Kind::kNone);
  }
}

TEST(PlannerRbac, ABindingToAnotherRoleIsMadeAgainAndSubjectsAreFixedInPlace) {
  PlannerRbacPlan first = plan_planner_rbac(dgd_view("a", true), kConfig, nullptr, nullptr);
  json::object sa = made(first.service_account, {"a"});
  json::object rb = made(first.role_binding, {"a"});
  PlannerRbacConfig renamed = kConfig;
  renamed.cluster_role = "planner-v2";
  PlannerRbacPlan plan = plan_planner_rbac(dgd_view("a", true), renamed, &sa, &rb);
  EXPECT_EQ(plan.role_binding.kind, Kind::kDelete);  // roleRef cannot change

  rb["subjects"] = json::array{};
  plan = plan_planner_rbac(dgd_view("a", true), kConfig, &sa, &rb);
  ASSERT_EQ(plan.role_binding.kind, Kind::kUpdate);
  EXPECT_EQ(plan.role_binding.object.at("subjects").as_array().size(), 1u);
}

TEST(PlannerRbac, ADeletingDgdPlansNothing) {
  PlannerRbacPlan plan =
      plan_planner_rbac(dgd_view("a", true, ", deletionTimestamp: \"2026-01-01T00:00:00Z\""),
                        kConfig, nullptr, nullptr);
  EXPECT_EQ(plan.service_account.kind, Kind::kNone);
  EXPECT_EQ(plan.role_binding.kind, Kind::kNone);
}

}  // namespace
}  // namespace dynop::plugins::dgd
