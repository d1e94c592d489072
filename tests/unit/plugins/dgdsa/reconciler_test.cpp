#include "plugins/dgdsa/reconciler.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "tests/unit/plugins/common/fake_cluster.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgdsa {
namespace {

namespace json = boost::json;
using testing::FakeCluster;

class DgdsaReconcilerTest : public ::testing::Test {
 protected:
  DgdsaReconcilerTest() : reconciler_(cluster_.client(), [] { return std::string("T1"); }) {}

  void put_yaml(std::string_view yaml) { cluster_.put(testing::yaml_to_json(yaml).as_object()); }
  sdk::ReconcileResult reconcile() {
    return reconciler_.reconcile({"default", "sglang-agg-decode"});
  }
  std::vector<FakeCluster::RecordedEvent> events_with(std::string_view reason) {
    std::vector<FakeCluster::RecordedEvent> out;
    for (const auto& e : cluster_.events()) {
      if (e.reason == reason) out.push_back(e);
    }
    return out;
  }

  // A 409 answered as a conflict, which the host retries with backoff and
  // logs at debug: not an error, and the plugin itself warns about nothing.
  void expect_quiet_retry(const sdk::ReconcileResult& result, std::string_view write) {
    EXPECT_EQ(result.status().code(), sdk::StatusCode::kConflict) << result.status().message();
    EXPECT_EQ(result.status().message(), write);
    EXPECT_TRUE(cluster_.logs_at(DYNOP_LOG_WARN).empty());
  }

  FakeCluster cluster_;
  DgdsaReconciler reconciler_;
};

constexpr std::string_view kAdapter = R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeploymentScalingAdapter
metadata: {name: sglang-agg-decode}
spec: {replicas: 3, dgdRef: {name: sglang-agg, serviceName: decode}}
)";

constexpr std::string_view kDgd = R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg}
spec:
  services:
    decode: {componentType: worker, replicas: 1}
)";

TEST_F(DgdsaReconcilerTest, MissingAdapterIsDone) { EXPECT_TRUE(reconcile().status().is_ok()); }

TEST_F(DgdsaReconcilerTest, MissingDgdIsAWarningAndARetry) {
  put_yaml(kAdapter);
  auto result = reconcile();
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kError);
  EXPECT_EQ(result.status().message(),
            "DynamoGraphDeployment sglang-agg not found in namespace default");
  auto events = events_with("UpdateFailed");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "Warning");
  EXPECT_EQ(events[0].kind, "DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(events[0].name, "sglang-agg-decode");
}

TEST_F(DgdsaReconcilerTest, ScalesTheServiceAndRecordsIt) {
  put_yaml(kAdapter);
  put_yaml(kDgd);
  ASSERT_TRUE(reconcile().status().is_ok());
  auto dgd = cluster_.find("DynamoGraphDeployment", "default", "sglang-agg");
  EXPECT_EQ(dgd->at("spec").at("services").at("decode").at("replicas").as_int64(), 3);
  auto scaled = events_with("Scaled");
  ASSERT_EQ(scaled.size(), 1u);
  EXPECT_EQ(scaled[0].type, "Normal");
  EXPECT_EQ(scaled[0].message, "Scaled service decode from 1 to 3 replicas");
  auto adapter =
      cluster_.find("DynamoGraphDeploymentScalingAdapter", "default", "sglang-agg-decode");
  EXPECT_EQ(adapter->at("status").at("lastScaleTime").as_string(), "T1");
  EXPECT_EQ(adapter->at("status").at("replicas").as_int64(), 0);  // no pods yet
  // Again: nothing to do, nothing written, no second event.
  int writes = cluster_.writes();
  ASSERT_TRUE(reconcile().status().is_ok());
  EXPECT_EQ(cluster_.writes(), writes);
  EXPECT_EQ(events_with("Scaled").size(), 1u);
}

TEST_F(DgdsaReconcilerTest, FailedDgdWriteIsUpdateFailedAndRetried) {
  put_yaml(kAdapter);
  put_yaml(kDgd);
  cluster_.fail_next("patch", DYNOP_UNAVAILABLE,
                     "the server is currently unable to handle the request");
  auto result = reconcile();
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kError);
  auto failed = events_with("UpdateFailed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].message,
            "Failed to update replicas of service decode in DynamoGraphDeployment sglang-agg: the "
            "server is currently unable to handle the request");
  EXPECT_TRUE(events_with("Scaled").empty());
  ASSERT_TRUE(reconcile().status().is_ok());
  EXPECT_EQ(events_with("Scaled").size(), 1u);
}

TEST_F(DgdsaReconcilerTest, DgdChangedMeanwhileIsAQuietRetryNotAFailure) {
  put_yaml(kAdapter);
  put_yaml(kDgd);
  cluster_.fail_next("patch", DYNOP_CONFLICT, "the object has been modified");
  expect_quiet_retry(reconcile(), "the DGD replicas write: the object has been modified");
  EXPECT_TRUE(events_with("UpdateFailed").empty());
  ASSERT_TRUE(reconcile().status().is_ok());
  EXPECT_EQ(events_with("Scaled").size(), 1u);
}

TEST_F(DgdsaReconcilerTest, StatusConflictIsAQuietRetry) {
  put_yaml(kAdapter);
  put_yaml(kDgd);
  cluster_.fail_next("update_status", DYNOP_CONFLICT, "the object has been modified");
  expect_quiet_retry(reconcile(), "the adapter status write: the object has been modified");
  ASSERT_TRUE(reconcile().status().is_ok());
  auto adapter =
      cluster_.find("DynamoGraphDeploymentScalingAdapter", "default", "sglang-agg-decode");
  EXPECT_EQ(adapter->at("status").at("replicas").as_int64(), 0);
}

TEST_F(DgdsaReconcilerTest, AdapterDeletedBeforeItsStatusWriteIsDone) {
  // Deleted with its DGD or namespace between the read and the write.
  put_yaml(kAdapter);
  put_yaml(kDgd);
  cluster_.fail_next("update_status", DYNOP_NOT_FOUND,
                     "dynamographdeploymentscalingadapters.nvidia.com \"sglang-agg-decode\" not "
                     "found");
  auto result = reconcile();
  EXPECT_TRUE(result.status().is_ok()) << result.status().message();
  EXPECT_TRUE(cluster_.logs_at(DYNOP_LOG_WARN).empty());
}

TEST_F(DgdsaReconcilerTest, MissingServiceIsAWarningAndARetry) {
  put_yaml(kAdapter);
  put_yaml(R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg}
spec: {services: {prefill: {}}}
)");
  auto result = reconcile();
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kError);
  EXPECT_EQ(events_with("UpdateFailed").at(0).message,
            "service decode not found in DynamoGraphDeployment sglang-agg");
}

TEST(DgdsaMapping, DgdMapsToTheAdaptersOfItsServices) {
  std::string dgd = R"({"metadata":{"name":"sglang-agg","namespace":"ns1"},
    "spec":{"services":{"Frontend":{},"decode":{"scalingAdapter":{"disable":true}}}}})";
  auto keys = map_adapters_of(0, dgd);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], (sdk::Key{"ns1", "sglang-agg-frontend"}));
  EXPECT_EQ(keys[1], (sdk::Key{"ns1", "sglang-agg-decode"}));
}

TEST(DgdsaMapping, PodMapsToItsServiceAdapter) {
  std::string pod = R"({"metadata":{"name":"p","namespace":"default",
    "labels":{"nvidia.com/dynamo-component":"Frontend"},
    "ownerReferences":[{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment",
      "name":"sglang-agg","uid":"u","controller":true}]}})";
  auto keys = map_adapters_of(1, pod);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0], (sdk::Key{"default", "sglang-agg-frontend"}));
  EXPECT_TRUE(map_adapters_of(1, R"({"metadata":{"name":"other","labels":{"app":"x"}}})").empty());
  EXPECT_TRUE(map_adapters_of(1, "not json").empty());
}

TEST(DgdsaConfig, WorkersAndUnknownKeys) {
  EXPECT_EQ(parse_dgdsa_plugin_config("workers: 3").workers, 3u);
  EXPECT_EQ(parse_dgdsa_plugin_config("").workers, 2u);
  EXPECT_THROW(parse_dgdsa_plugin_config("speed: fast"), std::invalid_argument);
  sdk::ReconcilerSpec spec = dgdsa_reconciler_spec({});
  EXPECT_EQ(spec.primary.kind, "DynamoGraphDeploymentScalingAdapter");
  ASSERT_EQ(spec.watches.size(), 2u);
  EXPECT_EQ(spec.watches[0].mapping, sdk::WatchMapping::kFunction);
}

}  // namespace
}  // namespace dynop::plugins::dgdsa
