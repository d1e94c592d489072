#include "plugins/webhook/dgd_rules.hpp"

#include <gtest/gtest.h>

#include "tests/unit/plugins/webhook/fixtures.hpp"

namespace dynop::plugins::webhook {
namespace {

using namespace testing;

// The scaling part of the DGD view, which the webhook judges.
common::DgdParseResult view_of(const json::object& dgd) {
  auto result = common::parse_dgd_json(json::serialize(dgd), common::DgdParts::kScaling);
  EXPECT_TRUE(result.ok()) << result.error();
  return result.ok() ? *result : common::DgdParseResult{};
}

common::DgdView facts_of(const json::object& dgd) { return view_of(dgd).view; }

constexpr const char* kGuideMessage =
    "spec.services[decode].replicas cannot be modified directly when scaling adapter is enabled; "
    "use 'kubectl scale dgdsa/sglang-agg-decode --replicas=3' or update the "
    "DynamoGraphDeploymentScalingAdapter instead";

TEST(ReplicaGuardMessage, IsTheGuidesMessage) {
  EXPECT_EQ(replica_guard_message("sglang-agg", "decode", 3), kGuideMessage);
}

TEST(ReplicaGuardMessage, LowerCasesTheServiceInTheAdapterName) {
  EXPECT_EQ(replica_guard_message("sglang-agg", "Frontend", 0),
            "spec.services[Frontend].replicas cannot be modified directly when scaling adapter is "
            "enabled; use 'kubectl scale dgdsa/sglang-agg-frontend --replicas=0' or update the "
            "DynamoGraphDeploymentScalingAdapter instead");
}

Violations guard(const json::object& old_dgd, const json::object& new_dgd, bool authorized) {
  Violations out;
  check_replica_guard(facts_of(old_dgd), facts_of(new_dgd), authorized, out);
  return out;
}

TEST(ReplicaGuard, DeniesADirectEditOfAnAdaptedService) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  service(new_dgd, "decode")["replicas"] = 3;
  EXPECT_EQ(guard(old_dgd, new_dgd, false), Violations{kGuideMessage});
}

TEST(ReplicaGuard, AdmitsAuthorizedWriters) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  service(new_dgd, "decode")["replicas"] = 3;
  EXPECT_TRUE(guard(old_dgd, new_dgd, true).empty());
}

TEST(ReplicaGuard, AdmitsEditsThatLeaveReplicasAlone) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  service(new_dgd, "decode")["envFromSecret"] = "hf-token-secret";
  EXPECT_TRUE(guard(old_dgd, new_dgd, false).empty());
}

TEST(ReplicaGuard, AbsentReplicasMeanOne) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  service(new_dgd, "decode").erase("replicas");  // 1 -> absent: no change
  EXPECT_TRUE(guard(old_dgd, new_dgd, false).empty());
  EXPECT_TRUE(guard(new_dgd, old_dgd, false).empty());  // absent -> 1: no change

  service(old_dgd, "decode")["replicas"] = 4;  // 4 -> absent: a change to 1
  auto denied = guard(old_dgd, new_dgd, false);
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_NE(denied[0].find("--replicas=1'"), std::string::npos) << denied[0];
}

TEST(ReplicaGuard, AdmitsEditsOfAServiceWhoseAdapterIsDisabledBeforeAndAfter) {
  for (json::value off : {json::value{{"disable", true}}, json::value{{"enabled", false}}}) {
    auto old_dgd = sglang_agg();
    service(old_dgd, "Frontend")["scalingAdapter"] = off;
    auto new_dgd = old_dgd;
    service(new_dgd, "Frontend")["replicas"] = 2;
    EXPECT_TRUE(guard(old_dgd, new_dgd, false).empty()) << json::serialize(off);
  }
}

// Upstream's PR 11090: disabling the adapter in the same update must not bypass the guard.
TEST(ReplicaGuard, DisablingTheAdapterInTheSameUpdateDoesNotBypassIt) {
  for (json::value off : {json::value{{"disable", true}}, json::value{{"enabled", false}}}) {
    auto old_dgd = sglang_agg();
    auto new_dgd = old_dgd;
    service(new_dgd, "decode")["scalingAdapter"] = off;
    service(new_dgd, "decode")["replicas"] = 3;
    EXPECT_EQ(guard(old_dgd, new_dgd, false), Violations{kGuideMessage}) << json::serialize(off);
  }
}

TEST(ReplicaGuard, RemovingTheAdapterSettingInTheSameUpdateDoesNotBypassIt) {
  // enabled: true -> section removed (still enabled by default), replicas changed.
  auto old_dgd = sglang_agg();
  service(old_dgd, "decode")["scalingAdapter"] = json::object{{"enabled", true}};
  auto new_dgd = sglang_agg();
  service(new_dgd, "decode")["replicas"] = 3;
  EXPECT_EQ(guard(old_dgd, new_dgd, false), Violations{kGuideMessage});
  // disable: true -> section removed (adapter comes back), replicas changed: the
  // new adapter will own replicas, so they may not be set past it either.
  service(old_dgd, "decode")["scalingAdapter"] = json::object{{"disable", true}};
  EXPECT_EQ(guard(old_dgd, new_dgd, false), Violations{kGuideMessage});
}

TEST(ReplicaGuard, DisablingWithoutTouchingReplicasIsAdmitted) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  service(new_dgd, "decode")["scalingAdapter"] = json::object{{"disable", true}};
  EXPECT_TRUE(guard(old_dgd, new_dgd, false).empty());
}

TEST(ReplicaGuard, AddedAndRemovedServicesAreNotReplicaEdits) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  services(new_dgd)["prefill"] = json::object{{"componentType", "worker"}, {"replicas", 4}};
  EXPECT_TRUE(guard(old_dgd, new_dgd, false).empty());
  EXPECT_TRUE(guard(new_dgd, old_dgd, false).empty());
}

TEST(ReplicaGuard, ReportsEveryEditedService) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  service(new_dgd, "Frontend")["replicas"] = 2;
  service(new_dgd, "decode")["replicas"] = 3;
  auto denied = guard(old_dgd, new_dgd, false);
  ASSERT_EQ(denied.size(), 2u);
  EXPECT_EQ(join_violations(denied), "[" + denied[0] + ", " + denied[1] + "]");
  EXPECT_NE(denied[0].find("dgdsa/sglang-agg-frontend --replicas=2"), std::string::npos);
}

TEST(ReplicaGuard, ScaleToZeroIsAnEditToo) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  service(new_dgd, "decode")["replicas"] = 0;
  auto denied = guard(old_dgd, new_dgd, false);
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_NE(denied[0].find("--replicas=0'"), std::string::npos);
}

TEST(ViewErrors, EachFieldErrorIsAViolation) {
  Violations out;
  check_view_errors(view_of(sglang_agg()), out);
  EXPECT_TRUE(out.empty());
  auto dgd = sglang_agg();
  services(dgd).clear();
  check_view_errors(view_of(dgd), out);
  EXPECT_EQ(out, Violations{"spec.services: Required value: at least one service is required"});
  out.clear();
  dgd = sglang_agg();
  service(dgd, "decode")["replicas"] = -1;
  service(dgd, "Frontend")["replicas"] = 0;
  service(dgd, "Frontend")["scalingAdapter"] = json::object{{"disable", "yes"}};
  check_view_errors(view_of(dgd), out);
  EXPECT_EQ(out, (Violations{"spec.services[Frontend].scalingAdapter.disable: Invalid value: "
                             "\"yes\": must be a boolean",
                             "spec.services[decode].replicas: Invalid value: -1: must be greater "
                             "than or equal to 0"}));
}

TEST(BackendFramework, MayBeSetOnceButNeverChanged) {
  auto unset = sglang_agg();
  auto sglang = sglang_agg();
  sglang["spec"].as_object()["backendFramework"] = "sglang";
  auto vllm = sglang_agg();
  vllm["spec"].as_object()["backendFramework"] = "vllm";
  Violations out;
  check_backend_framework_immutable(facts_of(unset), facts_of(sglang), out);   // set it
  check_backend_framework_immutable(facts_of(sglang), facts_of(sglang), out);  // keep it
  EXPECT_TRUE(out.empty());
  check_backend_framework_immutable(facts_of(sglang), facts_of(vllm), out);
  EXPECT_EQ(out, Violations{"spec.backendFramework is immutable once set: it cannot change from "
                            "\"sglang\" to \"vllm\""});
  out.clear();
  check_backend_framework_immutable(facts_of(sglang), facts_of(unset), out);
  EXPECT_EQ(out, Violations{"spec.backendFramework is immutable once set: it cannot be removed "
                            "(it is \"sglang\")"});
}

TEST(Multinode, AServiceMayNotSwitch) {
  auto single = sglang_agg();
  auto multi = sglang_agg();
  service(multi, "decode")["multinode"] = json::object{{"nodeCount", 2}};
  auto multi4 = multi;
  service(multi4, "decode")["multinode"] = json::object{{"nodeCount", 4}};
  Violations out;
  check_no_multinode_switch(facts_of(multi), facts_of(multi4), out);  // still multinode
  check_no_multinode_switch(facts_of(single), facts_of(single), out);
  EXPECT_TRUE(out.empty());
  check_no_multinode_switch(facts_of(single), facts_of(multi), out);
  EXPECT_EQ(out, Violations{"spec.services[decode].multinode cannot be added: a service may not "
                            "switch from single-node to multinode; add a new service instead"});
  out.clear();
  check_no_multinode_switch(facts_of(multi), facts_of(single), out);
  EXPECT_EQ(out, Violations{"spec.services[decode].multinode cannot be removed: a service may not "
                            "switch from multinode to single-node; add a new service instead"});
}

TEST(Multinode, NewServicesMayBeEither) {
  auto old_dgd = sglang_agg();
  auto new_dgd = old_dgd;
  services(new_dgd)["big"] = json::object{{"multinode", {{"nodeCount", 2}}}};
  Violations out;
  check_no_multinode_switch(facts_of(old_dgd), facts_of(new_dgd), out);
  EXPECT_TRUE(out.empty());
}

TEST(AutoscalingWarnings, OnePerServiceThatSetsIt) {
  auto dgd = sglang_agg();
  EXPECT_TRUE(autoscaling_warnings(facts_of(dgd)).empty());
  service(dgd, "decode")["autoscaling"] = json::object{{"enabled", true}, {"minReplicas", 1}};
  service(dgd, "Frontend")["autoscaling"] = json::object{};
  EXPECT_EQ(autoscaling_warnings(facts_of(dgd)),
            (std::vector<std::string>{
                "spec.services[Frontend].autoscaling is deprecated and ignored. Use "
                "DynamoGraphDeploymentScalingAdapter with HPA, KEDA, or Planner for autoscaling "
                "instead",
                "spec.services[decode].autoscaling is deprecated and ignored. Use "
                "DynamoGraphDeploymentScalingAdapter with HPA, KEDA, or Planner for autoscaling "
                "instead"}));
}

TEST(JoinViolations, OneIsItselfSeveralAreBracketed) {
  EXPECT_EQ(join_violations({"a"}), "a");
  EXPECT_EQ(join_violations({"a", "b"}), "[a, b]");
}

}  // namespace
}  // namespace dynop::plugins::webhook
