#include "plugins/dgdsa/adapter_sync.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "plugins/common/names.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgdsa {
namespace {

namespace json = boost::json;
using testing::pod;

json::object adapter(std::int32_t replicas, std::string_view service = "decode",
                     std::string_view extra = "") {
  std::string yaml =
      "apiVersion: nvidia.com/v1alpha1\n"
      "kind: DynamoGraphDeploymentScalingAdapter\n"
      "metadata: {name: sglang-agg-" +
      common::to_lower(service) +
      "}\n"
      "spec:\n  replicas: " +
      std::to_string(replicas) +
      "\n  dgdRef: {name: sglang-agg, serviceName: " + std::string(service) + "}\n" +
      std::string(extra);
  return testing::as_stored(testing::yaml_to_json(yaml));
}

json::object dgd(std::string_view decode_extra = "replicas: 1") {
  std::string yaml = R"(
metadata: {name: sglang-agg, resourceVersion: "42"}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1}
    decode: {componentType: worker, )" +
                     std::string(decode_extra) +
                     R"(}
)";
  return testing::dgd_from_yaml(yaml);
}

// The objects as the reconciler has them, read through the plugins' views.
struct Objects {
  const json::object* adapter = nullptr;
  const json::object* dgd = nullptr;
  std::vector<common::ObservedPod> pods;
  std::string now;
};

SyncPlan sync(const Objects& in) {
  common::AdapterParseResult a = testing::parse_adapter_object(*in.adapter);
  std::optional<common::DgdParseResult> d;
  if (in.dgd != nullptr) d = testing::parse_dgd_object(*in.dgd, common::DgdParts::kScaling);
  return plan_adapter_sync({&a, d ? &d->view : nullptr, in.pods, in.now});
}

TEST(AdapterSync, ScaleWritesTheDgdServiceReplicas) {
  json::object a = adapter(3);
  json::object d = dgd();
  SyncPlan plan = sync({&a, &d, {pod("p", "h", 0)}, "2026-01-01T00:05:00Z"});
  ASSERT_TRUE(plan.dgd_patch.has_value());
  EXPECT_EQ(
      json::serialize(*plan.dgd_patch),
      R"({"metadata":{"resourceVersion":"42"},"spec":{"services":{"decode":{"replicas":3}}}})");
  EXPECT_EQ(plan.from_replicas, 1);
  EXPECT_EQ(plan.to_replicas, 3);
  ASSERT_EQ(plan.events_on_success.size(), 1u);
  EXPECT_EQ(plan.events_on_success[0].type, "Normal");
  EXPECT_EQ(plan.events_on_success[0].reason, "Scaled");
  EXPECT_EQ(plan.events_on_success[0].message, "Scaled service decode from 1 to 3 replicas");
  EXPECT_TRUE(plan.events.empty());
  EXPECT_TRUE(plan.retry_reason.empty());
  ASSERT_TRUE(plan.status.has_value());
  EXPECT_EQ(plan.status->at("lastScaleTime").as_string(), "2026-01-01T00:05:00Z");
  EXPECT_EQ(
      plan.status->at("selector").as_string(),
      "nvidia.com/dynamo-graph-deployment-name=sglang-agg,nvidia.com/dynamo-component=decode");
  // status.replicas is what the service has now, not what was asked.
  EXPECT_EQ(plan.status->at("replicas").as_int64(), 1);
}

TEST(AdapterSync, AbsentDgdReplicasCountAsOne) {
  json::object a = adapter(2);
  json::object d = dgd("componentType: worker");
  SyncPlan plan = sync({&a, &d, {}, "t"});
  EXPECT_EQ(plan.from_replicas, 1);
  EXPECT_EQ(plan.events_on_success.at(0).message, "Scaled service decode from 1 to 2 replicas");
}

TEST(AdapterSync, ServiceNameKeepsItsCase) {
  json::object a = adapter(2, "Frontend");
  json::object d = dgd();
  SyncPlan plan = sync({&a, &d, {}, "t"});
  ASSERT_TRUE(plan.dgd_patch.has_value());
  EXPECT_EQ(plan.dgd_patch->at("spec").at("services").as_object().begin()->key(), "Frontend");
  EXPECT_EQ(plan.status->at("selector").as_string(),
            "nvidia.com/dynamo-graph-deployment-name=sglang-agg,"
            "nvidia.com/dynamo-component=Frontend");
}

TEST(AdapterSync, InSyncMeansNoDgdWrite) {
  json::object a = adapter(1, "decode",
                           "status: {replicas: 1, selector: \"nvidia.com/dynamo-graph-deployment-"
                           "name=sglang-agg,nvidia.com/dynamo-component=decode\", lastScaleTime: "
                           "\"2026-01-01T00:00:00Z\"}\n");
  json::object d = dgd();
  SyncPlan plan = sync({&a, &d, {pod("p", "h", 0)}, "2026-06-01T00:00:00Z"});
  EXPECT_FALSE(plan.dgd_patch.has_value());
  EXPECT_TRUE(plan.events_on_success.empty());
  EXPECT_FALSE(plan.status.has_value());  // unchanged, lastScaleTime kept
}

TEST(AdapterSync, StatusFollowsThePodsAsTheyAppear) {
  json::object a = adapter(3, "decode", "status: {replicas: 1}\n");
  json::object d = dgd("replicas: 3");
  SyncPlan plan = sync(
      {&a, &d, {pod("a", "h", 0), pod("b", "h", 1, 0, false), pod("c", "h", 2, 0, false)}, "t"});
  EXPECT_FALSE(plan.dgd_patch.has_value());
  ASSERT_TRUE(plan.status.has_value());
  EXPECT_EQ(plan.status->at("replicas").as_int64(), 3);
  EXPECT_FALSE(plan.status->contains("lastScaleTime"));
}

TEST(AdapterSync, MultinodeGroupCountsOnce) {
  json::object a = adapter(2);
  json::object d = dgd("replicas: 2, multinode: {nodeCount: 2}");
  SyncPlan plan = sync({&a,
                        &d,
                        {pod("g0-0", "h", 0, 0), pod("g0-1", "h", 0, 1), pod("g1-0", "h", 1, 0),
                         pod("g1-1", "h", 1, 1)},
                        "t"});
  ASSERT_TRUE(plan.status.has_value());
  EXPECT_EQ(plan.status->at("replicas").as_int64(), 2);
}

TEST(AdapterSync, ScaleToZeroAndBack) {
  json::object zero = adapter(0);
  json::object d = dgd("replicas: 3");
  SyncPlan down = sync({&zero, &d, {pod("a", "h", 0)}, "t1"});
  EXPECT_EQ(down.events_on_success.at(0).message, "Scaled service decode from 3 to 0 replicas");
  EXPECT_EQ(down.dgd_patch->at("spec").at("services").at("decode").at("replicas").as_int64(), 0);

  json::object up = adapter(2);
  json::object d0 = dgd("replicas: 0");
  SyncPlan back = sync({&up, &d0, {}, "t2"});
  EXPECT_EQ(back.events_on_success.at(0).message, "Scaled service decode from 0 to 2 replicas");
  EXPECT_EQ(back.status->at("replicas").as_int64(), 0);
}

TEST(AdapterSync, MissingDgdIsAnEventAndARetry) {
  json::object a = adapter(3);
  SyncPlan plan = sync({&a, nullptr, {}, "t"});
  EXPECT_FALSE(plan.dgd_patch.has_value());
  EXPECT_EQ(plan.retry_reason, "DynamoGraphDeployment sglang-agg not found in namespace default");
  ASSERT_EQ(plan.events.size(), 1u);
  EXPECT_EQ(plan.events[0].type, "Warning");
  EXPECT_EQ(plan.events[0].reason, "UpdateFailed");
  EXPECT_EQ(plan.events[0].message, plan.retry_reason);
}

TEST(AdapterSync, AdapterOfADeletedDgdGoesQuietlyWithIt) {
  // Owned by the DGD it names: the garbage collector removes it with the DGD.
  json::object owned = adapter(3);
  owned["metadata"].as_object()["ownerReferences"] =
      json::array{json::object{{"apiVersion", "nvidia.com/v1alpha1"},
                               {"kind", "DynamoGraphDeployment"},
                               {"name", "sglang-agg"},
                               {"uid", "u1"},
                               {"controller", true}}};
  SyncPlan plan = sync({&owned, nullptr, {}, "t"});
  EXPECT_TRUE(plan.retry_reason.empty());
  EXPECT_TRUE(plan.events.empty());
  EXPECT_FALSE(plan.dgd_patch.has_value());
  EXPECT_FALSE(plan.status.has_value());

  // Controlled by something else (or a DGD of another name): still reported.
  owned["metadata"].as_object()["ownerReferences"].as_array()[0].as_object()["name"] = "other";
  EXPECT_FALSE(sync({&owned, nullptr, {}, "t"}).retry_reason.empty());
}

TEST(AdapterSync, MissingServiceIsAnEventAndARetry) {
  json::object a = adapter(3, "prefill");
  json::object d = dgd();
  SyncPlan plan = sync({&a, &d, {}, "t"});
  EXPECT_FALSE(plan.dgd_patch.has_value());
  EXPECT_EQ(plan.retry_reason, "service prefill not found in DynamoGraphDeployment sglang-agg");
  ASSERT_EQ(plan.events.size(), 1u);
  EXPECT_EQ(plan.events[0].reason, "UpdateFailed");
}

TEST(AdapterSync, DisabledAdapterNeverOverridesDirectEdits) {
  json::object a = adapter(1);
  json::object d = dgd("replicas: 3, scalingAdapter: {disable: true}");
  SyncPlan plan = sync({&a, &d, {}, "t"});
  EXPECT_FALSE(plan.dgd_patch.has_value());
  EXPECT_TRUE(plan.events_on_success.empty());
  EXPECT_TRUE(plan.retry_reason.empty());
}

TEST(AdapterSync, DeletingAdapterOrDgdDoesNothing) {
  json::object a = adapter(3, "decode", "");
  a["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  json::object d = dgd();
  SyncPlan plan = sync({&a, &d, {}, "t"});
  EXPECT_FALSE(plan.dgd_patch.has_value());
  EXPECT_FALSE(plan.status.has_value());

  json::object live = adapter(3);
  d["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  SyncPlan plan2 = sync({&live, &d, {}, "t"});
  EXPECT_FALSE(plan2.dgd_patch.has_value());
}

TEST(AdapterSync, InvalidAdapterIsReportedNotRetried) {
  json::object a = testing::as_stored(testing::yaml_to_json(
      "metadata: {name: x}\nspec: {replicas: -1, dgdRef: {name: \"\", serviceName: s}}\n"));
  json::object d = dgd();
  SyncPlan plan = sync({&a, &d, {}, "t"});
  EXPECT_FALSE(plan.dgd_patch.has_value());
  EXPECT_TRUE(plan.retry_reason.empty());
  ASSERT_EQ(plan.events.size(), 1u);
  EXPECT_NE(plan.events[0].message.find("spec.replicas"), std::string::npos);
  EXPECT_NE(plan.events[0].message.find("spec.dgdRef.name: Required value"), std::string::npos);
}

TEST(AdapterSync, UpdateFailedEventCarriesTheServerMessage) {
  common::AdapterView a;
  a.dgd_name = "sglang-agg";
  a.service = "decode";
  Event e = update_failed_event(a, "the object has been modified");
  EXPECT_EQ(e.type, "Warning");
  EXPECT_EQ(e.reason, "UpdateFailed");
  EXPECT_EQ(e.message,
            "Failed to update replicas of service decode in DynamoGraphDeployment sglang-agg: "
            "the object has been modified");
}

}  // namespace
}  // namespace dynop::plugins::dgdsa
