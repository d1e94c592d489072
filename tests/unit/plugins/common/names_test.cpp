#include "plugins/common/names.hpp"

#include <gtest/gtest.h>

#include <string>

#include "lib/apimachinery/validation.hpp"

namespace dynop::plugins::common {
namespace {

bool is_label_value(std::string_view s) { return apimachinery::is_valid_label_value(s).empty(); }
bool is_dns1123_label(std::string_view s) { return apimachinery::is_dns1123_label(s).empty(); }
bool is_dns1123_subdomain(std::string_view s) {
  return apimachinery::is_dns1123_subdomain(s).empty();
}

TEST(Names, AdapterNameIsDgdDashLowerCasedService) {
  EXPECT_EQ(adapter_name("sglang-agg", "Frontend"), "sglang-agg-frontend");
  EXPECT_EQ(adapter_name("sglang-agg", "decode"), "sglang-agg-decode");
  EXPECT_EQ(adapter_name("sglang-disagg-planner", "Planner"), "sglang-disagg-planner-planner");
}

TEST(Names, ServiceNamePartReplacesWhatDnsForbids) {
  EXPECT_EQ(service_name_part("VllmDecodeWorker"), "vllmdecodeworker");
  EXPECT_EQ(service_name_part("my_worker.v2"), "my-worker-v2");
}

TEST(Names, EffectiveDynamoNamespaceIsNamespaceDashDgd) {
  EXPECT_EQ(dynamo_namespace("default", "sglang-agg"), "default-sglang-agg");
}

TEST(Names, AdapterSelectorIsTheContractString) {
  EXPECT_EQ(adapter_selector("sglang-agg", "decode"),
            "nvidia.com/dynamo-graph-deployment-name=sglang-agg,"
            "nvidia.com/dynamo-component=decode");
  EXPECT_EQ(adapter_selector("sglang-agg", "Frontend"),
            "nvidia.com/dynamo-graph-deployment-name=sglang-agg,"
            "nvidia.com/dynamo-component=Frontend");
}

TEST(Names, PodLabelsOfTheContract) {
  auto labels = service_pod_labels({"default", "sglang-disagg", "decode", "worker", "decode"});
  EXPECT_EQ(labels.at("nvidia.com/dynamo-graph-deployment-name"), "sglang-disagg");
  EXPECT_EQ(labels.at("nvidia.com/dynamo-component"), "decode");
  EXPECT_EQ(labels.at("nvidia.com/dynamo-namespace"), "default-sglang-disagg");
  EXPECT_EQ(labels.at("nvidia.com/dynamo-component-type"), "worker");
  EXPECT_EQ(labels.at("nvidia.com/dynamo-sub-component-type"), "decode");
  EXPECT_EQ(labels.at("nvidia.com/selector"), "sglang-disagg-decode");
  EXPECT_EQ(labels.at("nvidia.com/metrics-enabled"), "true");
}

TEST(Names, NoSubComponentLabelWhenUnset) {
  auto labels = service_pod_labels({"default", "sglang-agg", "Frontend", "frontend", ""});
  EXPECT_EQ(labels.count("nvidia.com/dynamo-sub-component-type"), 0u);
  EXPECT_EQ(labels.at("nvidia.com/selector"), "sglang-agg-frontend");
}

TEST(Names, SelectorLabelsSelectOnlyTheirService) {
  // The selector labels are a subset of the pod labels of that service only.
  auto decode = service_pod_labels({"default", "d", "decode", "worker", ""});
  auto prefill = service_pod_labels({"default", "d", "prefill", "worker", ""});
  for (const auto& [k, v] : service_selector_labels("d", "decode")) {
    EXPECT_EQ(decode.at(k), v);
  }
  EXPECT_NE(prefill.at("nvidia.com/dynamo-component"),
            service_selector_labels("d", "decode").at("nvidia.com/dynamo-component"));
}

TEST(Names, TooLongValuesAreCutWithAHashSuffix) {
  std::string dgd(70, 'a');
  std::string ns = "team-with-a-rather-long-namespace";
  std::string v = dynamo_namespace(ns, dgd);
  EXPECT_LE(v.size(), kMaxLabelValueLength);
  EXPECT_TRUE(is_label_value(v));
  // Two long inputs sharing a prefix stay distinct.
  EXPECT_NE(dynamo_namespace(ns, dgd + "x"), dynamo_namespace(ns, dgd + "y"));
  // Stable.
  EXPECT_EQ(v, dynamo_namespace(ns, dgd));

  std::string sel = selector_label_value(dgd, "decode");
  EXPECT_LE(sel.size(), kMaxLabelValueLength);
  EXPECT_TRUE(is_dns1123_label(sel));

  std::string long_dgd(250, 'b');
  std::string adapter = adapter_name(long_dgd, "Decode");
  EXPECT_LE(adapter.size(), kMaxNameLength);
  EXPECT_TRUE(is_dns1123_subdomain(adapter));

  std::string base = pod_base_name(long_dgd, "decode");
  EXPECT_LE(base.size(), kMaxPodBaseNameLength);
  EXPECT_TRUE(is_dns1123_label(base));
}

TEST(Names, ShortValuesAreUnchanged) {
  EXPECT_EQ(truncate_with_hash("abc", 63), "abc");
  std::string exact(63, 'a');
  EXPECT_EQ(truncate_with_hash(exact, 63), exact);
}

TEST(Names, TruncationNeverLeavesADashBeforeTheSuffix) {
  std::string s = std::string(50, 'a') + "-" + std::string(20, 'b');
  std::string t = truncate_with_hash(s, 60);
  EXPECT_LE(t.size(), 60u);
  EXPECT_EQ(t.find("--"), std::string::npos);
  EXPECT_TRUE(is_dns1123_label(t));
}

TEST(Names, ControllerReferenceToTheDgd) {
  auto ref = dgd_controller_reference("sglang-agg", "u-1");
  EXPECT_EQ(ref.at("apiVersion").as_string(), "nvidia.com/v1alpha1");
  EXPECT_EQ(ref.at("kind").as_string(), "DynamoGraphDeployment");
  EXPECT_EQ(ref.at("name").as_string(), "sglang-agg");
  EXPECT_EQ(ref.at("uid").as_string(), "u-1");
  EXPECT_TRUE(ref.at("controller").as_bool());
  EXPECT_TRUE(ref.at("blockOwnerDeletion").as_bool());
}

}  // namespace
}  // namespace dynop::plugins::common
