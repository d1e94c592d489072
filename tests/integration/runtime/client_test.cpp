// The REST client against the real dynop-localcluster: kubeconfig auth,
// discovery, CRUD with optimistic concurrency, pagination, patches, typed
// errors, subresources.

#include <gtest/gtest.h>

#include "tests/integration/runtime/runtime_cluster.hpp"

namespace dynop::runtime_test {
namespace {

using kube::ErrorKind;
using kube::ListOptions;
using kube::PatchType;

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    client = client_for(cluster);
    ASSERT_NE(client, nullptr);
    auto resource = client->resource_for("v1", "ConfigMap");
    ASSERT_TRUE(resource) << resource.error().describe();
    config_maps = *resource;
  }
  test::LocalCluster cluster;
  std::unique_ptr<kube::Client> client;
  kube::ResourceInfo config_maps;
};

TEST_F(ClientTest, DiscoveryMapsKindsToResources) {
  EXPECT_EQ(config_maps.resource, "configmaps");
  auto leases = client->resource_for("coordination.k8s.io/v1", "Lease");
  ASSERT_TRUE(leases) << leases.error().describe();
  EXPECT_EQ(leases->resource, "leases");
  auto nodes = client->resource_for("v1", "Node");
  ASSERT_TRUE(nodes);
  EXPECT_FALSE(nodes->namespaced);
  auto pods = client->resource_for("v1", "Pod");
  ASSERT_TRUE(pods);
  EXPECT_TRUE(pods->has_subresource("binding"));
  EXPECT_TRUE(pods->has_subresource("status"));
  auto missing = client->resource_for("v1", "NoSuchKind");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().not_found());
}

TEST_F(ClientTest, CreateGetUpdatePatchDelete) {
  auto created = client->create(config_maps, "default", config_map("cm", "1"));
  ASSERT_TRUE(created) << created.error().describe();
  const std::string rv = field(*created, {"metadata", "resourceVersion"});
  ASSERT_FALSE(rv.empty());

  auto again = client->create(config_maps, "default", config_map("cm", "1"));
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().already_exists());
  EXPECT_EQ(again.error().http_status, 409);

  auto updated = client->update(config_maps, "default", "cm", config_map("cm", "2", rv));
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_EQ(field(*updated, {"data", "value"}), "2");

  // The same resourceVersion again is stale now: optimistic concurrency.
  auto stale = client->update(config_maps, "default", "cm", config_map("cm", "3", rv));
  ASSERT_FALSE(stale);
  EXPECT_TRUE(stale.error().conflict());
  EXPECT_NE(stale.error().message.find("the object has been modified"), std::string::npos)
      << stale.error().message;

  auto merged =
      client->patch(config_maps, "default", "cm", PatchType::kMerge, R"({"data":{"extra":"x"}})");
  ASSERT_TRUE(merged) << merged.error().describe();
  EXPECT_EQ(field(*merged, {"data", "extra"}), "x");
  auto json_patched = client->patch(config_maps, "default", "cm", PatchType::kJson,
                                    R"([{"op":"replace","path":"/data/value","value":"4"}])");
  ASSERT_TRUE(json_patched) << json_patched.error().describe();
  EXPECT_EQ(field(*json_patched, {"data", "value"}), "4");
  auto strategic = client->patch(config_maps, "default", "cm", PatchType::kStrategicMerge,
                                 R"({"metadata":{"labels":{"app":"web"}}})");
  ASSERT_TRUE(strategic) << strategic.error().describe();
  EXPECT_EQ(field(*strategic, {"metadata", "labels", "app"}), "web");

  auto got = client->get(config_maps, "default", "cm");
  ASSERT_TRUE(got);
  EXPECT_EQ(field(*got, {"data", "value"}), "4");

  ASSERT_TRUE(client->remove(config_maps, "default", "cm"));
  auto gone = client->get(config_maps, "default", "cm");
  ASSERT_FALSE(gone);
  EXPECT_TRUE(gone.error().not_found());
  EXPECT_EQ(gone.error().message, "configmaps \"cm\" not found");
  auto gone_again = client->remove(config_maps, "default", "cm");
  ASSERT_FALSE(gone_again);
  EXPECT_TRUE(gone_again.error().not_found());
}

TEST_F(ClientTest, InvalidObjectsAreTypedInvalid) {
  auto bad = client->create(config_maps, "default", config_map("Not_A_Valid_Name", "1"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(bad.error().http_status, 422);
  EXPECT_NE(bad.error().message.find("Not_A_Valid_Name"), std::string::npos);
}

TEST_F(ClientTest, ListsPageByPageWithSelectors) {
  for (int i = 0; i < 5; ++i) {
    std::string body = config_map("page-" + std::to_string(i), "v");
    auto object = boost::json::parse(body).as_object();
    object["metadata"].as_object()["labels"] =
        boost::json::object{{"parity", i % 2 ? "odd" : "even"}};
    ASSERT_TRUE(client->create(config_maps, "default", boost::json::serialize(object)));
  }
  ListOptions options;
  options.limit = 2;
  int pages = 0;
  int items = 0;
  do {
    auto page = client->list(config_maps, "default", options);
    ASSERT_TRUE(page) << page.error().describe();
    ++pages;
    auto list = boost::json::parse(*page).as_object();
    items += static_cast<int>(list["items"].as_array().size());
    const auto& metadata = list["metadata"].as_object();
    options.continue_token =
        metadata.contains("continue") ? std::string(metadata.at("continue").as_string()) : "";
  } while (!options.continue_token.empty() && pages < 10);
  EXPECT_EQ(items, 5);
  EXPECT_EQ(pages, 3);

  ListOptions selected;
  selected.label_selector = "parity in (odd)";
  auto odd = client->list(config_maps, "default", selected);
  ASSERT_TRUE(odd) << odd.error().describe();
  EXPECT_EQ(boost::json::parse(*odd).as_object()["items"].as_array().size(), 2u);
}

TEST_F(ClientTest, PodBindingAndStatus) {
  auto pods = client->resource_for("v1", "Pod");
  ASSERT_TRUE(pods);
  const std::string pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
      "spec":{"containers":[{"name":"main","image":"busybox:1"}]}})";
  ASSERT_TRUE(client->create(*pods, "default", pod));
  auto bound = client->bind("default", "p", "gpu-node-1");
  ASSERT_TRUE(bound) << bound.error().describe();
  auto again = client->bind("default", "p", "gpu-node-2");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().http_status, 409);
  auto got = client->get(*pods, "default", "p");
  ASSERT_TRUE(got);
  EXPECT_EQ(field(*got, {"spec", "nodeName"}), "gpu-node-1");
  auto status = client->patch(*pods, "default", "p", PatchType::kMerge,
                              R"({"status":{"phase":"Running"}})", "status");
  ASSERT_TRUE(status) << status.error().describe();
  EXPECT_EQ(field(*status, {"status", "phase"}), "Running");
}

TEST_F(ClientTest, WatchStreamsEvents) {
  auto list = client->list(config_maps, "default");
  ASSERT_TRUE(list);
  ListOptions options;
  options.resource_version = field(*list, {"metadata", "resourceVersion"});
  options.timeout_seconds = 30;
  auto watch = client->watch(config_maps, "default", options);
  ASSERT_TRUE(watch) << watch.error().describe();
  ASSERT_TRUE(client->create(config_maps, "default", config_map("watched", "1")));
  std::string line;
  ASSERT_TRUE((*watch)->next_line(line)) << (*watch)->error();
  EXPECT_EQ(field(line, {"type"}), "ADDED");
  EXPECT_EQ(field(line, {"object", "metadata", "name"}), "watched");
  (*watch)->cancel();
}

}  // namespace
}  // namespace dynop::runtime_test
