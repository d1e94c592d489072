#include "localcluster/discovery/discovery_documents.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "localcluster/builtin/builtin_resource_types.hpp"
#include "localcluster/registry/crd_resource_types.hpp"
#include "tests/unit/localcluster/schema/reference_data.hpp"

namespace dynop::localcluster::discovery {
namespace {

namespace json = boost::json;

std::string traces() { return testing::reference_dir() + "/apiserver-traces/"; }

json::value trace_json(const std::string& name) {
  return json::parse(testing::read_file(traces() + name));
}

class DiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(traces())) GTEST_SKIP() << "no reference traces";
    for (auto& t : builtin::builtin_resource_types())
      types_.push_back(std::make_shared<const ResourceType>(std::move(t)));
    for (const char* f : {"nvidia.com_dynamographdeployments.yaml",
                          "nvidia.com_dynamographdeploymentscalingadapters.yaml"}) {
      auto crd = testing::load_yaml_documents(testing::upstream_dir() + "/" + f).at(0);
      default_crd(crd);
      for (auto& t : resource_types_from_crd(crd))
        types_.push_back(std::make_shared<const ResourceType>(std::move(t)));
    }
    docs_ = build_discovery(types_, "127.0.0.1:6443");
  }

  static const json::object* find_resource(const json::value& list, std::string_view name,
                                           const char* key = "name") {
    for (const auto& r : list.at("resources").as_array())
      if (r.at(key).as_string() == name) return &r.as_object();
    return nullptr;
  }

  std::vector<std::shared_ptr<const ResourceType>> types_;
  DiscoveryDocuments docs_;
};

TEST_F(DiscoveryTest, ApiVersionsMatchesTheTrace) {
  EXPECT_EQ(json::parse(docs_.api_versions), trace_json("01-discovery-api.json"));
}

TEST_F(DiscoveryTest, CustomGroupMatchesTheTrace) {
  ASSERT_TRUE(docs_.groups.count("/apis/nvidia.com"));
  EXPECT_EQ(json::parse(docs_.groups["/apis/nvidia.com"]),
            trace_json("01-discovery-nvidia-group.json"));
}

TEST_F(DiscoveryTest, CustomResourceListHasTheTracesEntries) {
  auto want = trace_json("01-discovery-nvidia-v1alpha1.json");
  auto got = json::parse(docs_.resource_lists.at("/apis/nvidia.com/v1alpha1"));
  EXPECT_EQ(got.at("kind"), "APIResourceList");
  EXPECT_EQ(got.at("apiVersion"), "v1");
  EXPECT_EQ(got.at("groupVersion"), "nvidia.com/v1alpha1");
  ASSERT_EQ(got.at("resources").as_array().size(), want.at("resources").as_array().size());
  for (const auto& r : want.at("resources").as_array()) {
    const auto* mine = find_resource(got, r.at("name").as_string());
    ASSERT_NE(mine, nullptr) << r.at("name");
    EXPECT_EQ(json::value(*mine), r);
    // Key order matters to byte-for-byte comparisons.
    EXPECT_EQ(json::serialize(*mine), json::serialize(r));
  }
}

TEST_F(DiscoveryTest, CoreResourceListKeepsKubesEntries) {
  auto want = trace_json("01-discovery-api-v1.json");
  auto got = json::parse(docs_.resource_lists.at("/api/v1"));
  EXPECT_FALSE(got.as_object().contains("apiVersion"));
  for (const char* name :
       {"pods", "pods/binding", "pods/status", "nodes", "namespaces", "events"}) {
    const auto* w = find_resource(want, name);
    const auto* g = find_resource(got, name);
    ASSERT_NE(g, nullptr) << name;
    EXPECT_EQ(json::serialize(*g), json::serialize(*w)) << name;
  }
}

TEST_F(DiscoveryTest, LeaseHashMatchesTheTrace) {
  auto want = trace_json("01-discovery-coordination-v1.json");
  auto got = json::parse(docs_.resource_lists.at("/apis/coordination.k8s.io/v1"));
  EXPECT_EQ(find_resource(got, "leases")->at("storageVersionHash"),
            find_resource(want, "leases")->at("storageVersionHash"));
}

TEST_F(DiscoveryTest, GroupListOrdersBuiltinGroupsLikeKubeAndCustomLast) {
  auto got = json::parse(docs_.api_group_list);
  std::vector<std::string> names;
  for (const auto& g : got.at("groups").as_array()) names.emplace_back(g.at("name").as_string());
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names.front(), "apps");
  EXPECT_EQ(names.back(), "nvidia.com");
  const auto& autoscaling =
      *std::find_if(got.at("groups").as_array().begin(), got.at("groups").as_array().end(),
                    [](const json::value& g) { return g.at("name") == "autoscaling"; });
  EXPECT_EQ(autoscaling.at("preferredVersion").at("version"), "v2");
  EXPECT_EQ(autoscaling.at("versions").at(1).at("version"), "v1");
}

TEST_F(DiscoveryTest, AggregatedCustomGroupMatchesTheTrace) {
  auto want = trace_json("01x-featuregate-on-apis-aggregated-v2beta1.json");
  auto got = json::parse(docs_.aggregated_apis_v2beta1.body);
  EXPECT_EQ(got.at("kind"), "APIGroupDiscoveryList");
  EXPECT_EQ(got.at("apiVersion"), "apidiscovery.k8s.io/v2beta1");
  auto find_group = [](const json::value& doc, std::string_view name) -> const json::value* {
    for (const auto& it : doc.at("items").as_array())
      if (it.at("metadata").as_object().contains("name") &&
          it.at("metadata").at("name").as_string() == name)
        return &it;
    return nullptr;
  };
  for (const char* g : {"nvidia.com", "coordination.k8s.io"}) {
    ASSERT_NE(find_group(got, g), nullptr) << g;
    EXPECT_EQ(json::serialize(*find_group(got, g)), json::serialize(*find_group(want, g))) << g;
  }
  EXPECT_EQ(docs_.aggregated_apis_v2beta1.etag.size(), 130u);
}

TEST_F(DiscoveryTest, AggregatedCoreGroupHasPodsLikeKube) {
  auto want = trace_json("01x-featuregate-on-api-aggregated-v2beta1.json");
  auto got = json::parse(docs_.aggregated_api_v2beta1.body);
  const auto& wv = want.at("items").at(0).at("versions").at(0);
  const auto& gv = got.at("items").at(0).at("versions").at(0);
  EXPECT_EQ(json::serialize(got.at("items").at(0).at("metadata")),
            json::serialize(want.at("items").at(0).at("metadata")));
  for (const char* name : {"configmaps", "events", "secrets", "persistentvolumeclaims", "nodes"}) {
    const auto* w = find_resource(wv, name, "resource");
    const auto* g = find_resource(gv, name, "resource");
    ASSERT_NE(g, nullptr) << name;
    json::object wc = *w;
    json::object gc = *g;
    // We serve fewer subresources (no proxy); compare the rest.
    wc.erase("subresources");
    gc.erase("subresources");
    EXPECT_EQ(json::serialize(gc), json::serialize(wc)) << name;
  }
}

TEST(DiscoveryNegotiation, PicksWhatKubeApiserver126Picks) {
  EXPECT_EQ(negotiate_discovery(""), DiscoveryFormat::kLegacy);
  EXPECT_EQ(negotiate_discovery("application/json, */*"), DiscoveryFormat::kLegacy);
  EXPECT_EQ(negotiate_discovery(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                "application/json"),
            DiscoveryFormat::kAggregatedV2beta1);
  EXPECT_EQ(
      negotiate_discovery("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),
      DiscoveryFormat::kNotAcceptable);
  EXPECT_EQ(
      negotiate_discovery("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
                          /*serve_v2=*/true),
      DiscoveryFormat::kAggregatedV2);
}

}  // namespace
}  // namespace dynop::localcluster::discovery
