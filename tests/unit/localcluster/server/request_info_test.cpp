#include "localcluster/server/request_info.hpp"

#include <gtest/gtest.h>

namespace dynop::localcluster::server {
namespace {

TEST(RequestInfo, CoreNamespacedObject) {
  auto info = parse_request_info("GET", "/api/v1/namespaces/default/pods/web-0");
  EXPECT_TRUE(info.is_resource_request);
  EXPECT_EQ(info.group, "");
  EXPECT_EQ(info.version, "v1");
  EXPECT_EQ(info.namespace_name, "default");
  EXPECT_EQ(info.resource, "pods");
  EXPECT_EQ(info.name, "web-0");
  EXPECT_EQ(info.verb, "get");
}

TEST(RequestInfo, GroupSubresourceAndVerbs) {
  auto scale = parse_request_info(
      "PATCH", "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeploymentscalingadapters/a/scale");
  EXPECT_EQ(scale.group, "nvidia.com");
  EXPECT_EQ(scale.subresource, "scale");
  EXPECT_EQ(scale.verb, "patch");
  EXPECT_EQ(parse_request_info("GET", "/api/v1/pods?watch=1").verb, "watch");
  EXPECT_EQ(parse_request_info("GET", "/api/v1/pods?watch=true").verb, "watch");
  EXPECT_EQ(parse_request_info("GET", "/api/v1/pods").verb, "list");
  EXPECT_EQ(parse_request_info("DELETE", "/api/v1/namespaces/x/pods").verb, "deletecollection");
  EXPECT_EQ(parse_request_info("POST", "/api/v1/namespaces/x/pods").verb, "create");
  EXPECT_EQ(parse_request_info("PUT", "/api/v1/namespaces/x/pods/p/status").verb, "update");
}

TEST(RequestInfo, NamespaceObjectsAreClusterScoped) {
  auto ns = parse_request_info("GET", "/api/v1/namespaces/team-a");
  EXPECT_EQ(ns.resource, "namespaces");
  EXPECT_EQ(ns.name, "team-a");
  EXPECT_EQ(ns.namespace_name, "");
  auto status = parse_request_info("PUT", "/api/v1/namespaces/team-a/status");
  EXPECT_EQ(status.resource, "namespaces");
  EXPECT_EQ(status.subresource, "status");
  auto list = parse_request_info("GET", "/api/v1/namespaces");
  EXPECT_EQ(list.verb, "list");
}

TEST(RequestInfo, QueryParametersAreDecoded) {
  auto info = parse_request_info(
      "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,status.phase!%3DFailed&limit=500");
  ASSERT_TRUE(info.param("fieldSelector"));
  EXPECT_EQ(*info.param("fieldSelector"), "spec.nodeName=n1,status.phase!=Failed");
  EXPECT_EQ(*info.param("limit"), "500");
}

TEST(RequestInfo, NonResourcePaths) {
  EXPECT_FALSE(parse_request_info("GET", "/version").is_resource_request);
  EXPECT_FALSE(parse_request_info("GET", "/apis").is_resource_request);
  EXPECT_FALSE(parse_request_info("GET", "/apis/nvidia.com/v1alpha1").is_resource_request);
  EXPECT_FALSE(parse_request_info("GET", "/api/v1/namespaces/a/pods/b/c/d").is_resource_request);
}

}  // namespace
}  // namespace dynop::localcluster::server
