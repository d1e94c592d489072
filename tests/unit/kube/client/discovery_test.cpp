#include "lib/kube/client/discovery.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/reference_dir.hpp"

namespace dynop::kube {
namespace {

std::string trace(const std::string& name) {
  std::ifstream in(dynop::test::reference_dir() + "/apiserver-traces/" + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(Discovery, ParsesTheCoreGroupFromARealServer) {
  const std::string body = trace("01-discovery-api-v1.json");
  if (body.empty()) GTEST_SKIP() << "apiserver traces not available";
  auto resources = parse_api_resource_list(body);
  ASSERT_TRUE(resources) << resources.error().describe();
  const ResourceInfo* pods = nullptr;
  const ResourceInfo* nodes = nullptr;
  for (const ResourceInfo& info : *resources) {
    if (info.kind == "Pod") pods = &info;
    if (info.kind == "Node") nodes = &info;
  }
  ASSERT_NE(pods, nullptr);
  EXPECT_EQ(pods->resource, "pods");
  EXPECT_TRUE(pods->namespaced);
  EXPECT_TRUE(pods->has_subresource("binding"));
  EXPECT_TRUE(pods->has_subresource("status"));
  EXPECT_EQ(pods->path("default", "web-0", "binding"),
            "/api/v1/namespaces/default/pods/web-0/binding");
  ASSERT_NE(nodes, nullptr);
  EXPECT_FALSE(nodes->namespaced);
  EXPECT_EQ(nodes->path("ignored", "gpu-1"), "/api/v1/nodes/gpu-1");
}

TEST(Discovery, MapsCustomKindsToTheirPluralWithScale) {
  const std::string body = trace("01-discovery-nvidia-v1alpha1.json");
  if (body.empty()) GTEST_SKIP() << "apiserver traces not available";
  int fetches = 0;
  Discovery discovery([&](const std::string& path) -> Result<std::string> {
    ++fetches;
    if (path == "/apis/nvidia.com/v1alpha1") return body;
    return error_from_response(404, "");
  });
  auto dgdsa = discovery.resource_for("nvidia.com/v1alpha1", "DynamoGraphDeploymentScalingAdapter");
  ASSERT_TRUE(dgdsa) << dgdsa.error().describe();
  EXPECT_EQ(dgdsa->resource, "dynamographdeploymentscalingadapters");
  EXPECT_TRUE(dgdsa->has_subresource("scale"));
  EXPECT_EQ(
      dgdsa->path("default", "a", "scale"),
      "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeploymentscalingadapters/a/scale");
  EXPECT_TRUE(discovery.resource_for("nvidia.com/v1alpha1", "DynamoGraphDeployment"));
  EXPECT_EQ(fetches, 1);  // cached per group-version

  auto missing = discovery.resource_for("nvidia.com/v1alpha1", "Nope");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().not_found());
  EXPECT_EQ(missing.error().message,
            "the server does not serve kind \"Nope\" in version \"nvidia.com/v1alpha1\"");
  EXPECT_EQ(fetches, 2);  // one refresh in case the CRD was just installed
  EXPECT_FALSE(discovery.resource_for("other.io/v1", "Thing"));
}

}  // namespace
}  // namespace dynop::kube
