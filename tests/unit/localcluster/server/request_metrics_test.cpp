// The labels kube-apiserver 1.26 puts on a request's series (CleanScope,
// CanonicalVerb, CleanVerb, cleanDryRun), from the request line as the
// server parses it.

#include "localcluster/server/request_metrics.hpp"

#include <gtest/gtest.h>

namespace dynop::localcluster::server {
namespace {

RequestLabels labels_of(const std::string& method, const std::string& target,
                        const std::string& content_type = "application/json") {
  return request_labels(method, content_type, parse_request_info(method, target));
}

TEST(RequestLabels, ScopeAndVerbFollowKubeApiserver) {
  auto get = labels_of("GET", "/api/v1/namespaces/default/pods/p");
  EXPECT_EQ(get.verb, "GET");
  EXPECT_EQ(get.scope, "resource");
  EXPECT_FALSE(get.mutating);

  auto list = labels_of("GET", "/api/v1/namespaces/default/pods");
  EXPECT_EQ(list.verb, "LIST");
  EXPECT_EQ(list.scope, "namespace");
  auto cluster = labels_of("GET", "/api/v1/pods");
  EXPECT_EQ(cluster.verb, "LIST");
  EXPECT_EQ(cluster.scope, "cluster");

  auto watch =
      labels_of("GET", "/apis/nvidia.com/v1alpha1/namespaces/ns/dynamographdeployments?watch=1");
  EXPECT_EQ(watch.verb, "WATCH");
  EXPECT_EQ(watch.group, "nvidia.com");
  EXPECT_EQ(watch.version, "v1alpha1");
  EXPECT_EQ(watch.resource, "dynamographdeployments");
  EXPECT_TRUE(watch.long_running);
  EXPECT_FALSE(labels_of("GET", "/api/v1/pods?watch=false").long_running);

  // A create names the object it makes: scope resource, verb from the method.
  auto create = labels_of("POST", "/api/v1/namespaces/default/configmaps");
  EXPECT_EQ(create.verb, "POST");
  EXPECT_EQ(create.scope, "resource");
  EXPECT_TRUE(create.mutating);
  auto binding = labels_of("POST", "/api/v1/namespaces/default/pods/p/binding");
  EXPECT_EQ(binding.subresource, "binding");
  EXPECT_EQ(binding.scope, "resource");

  EXPECT_EQ(labels_of("PUT", "/api/v1/namespaces/default/pods/p/status").verb, "PUT");
  auto collection = labels_of("DELETE", "/api/v1/namespaces/default/pods");
  EXPECT_EQ(collection.verb, "DELETE");
  EXPECT_EQ(collection.scope, "namespace");
  EXPECT_EQ(labels_of("PATCH", "/apis/apps/v1/namespaces/d/deployments/x/scale",
                      "application/merge-patch+json")
                .verb,
            "PATCH");
  EXPECT_EQ(labels_of("PATCH", "/api/v1/namespaces/d/pods/p", "application/apply-patch+yaml").verb,
            "APPLY");
}

TEST(RequestLabels, DryRunIsAllOrInvalid) {
  EXPECT_EQ(labels_of("POST", "/api/v1/namespaces/d/pods").dry_run, "");
  EXPECT_EQ(labels_of("POST", "/api/v1/namespaces/d/pods?dryRun=All").dry_run, "All");
  EXPECT_EQ(labels_of("POST", "/api/v1/namespaces/d/pods?dryRun=Some").dry_run, "invalid");
}

}  // namespace
}  // namespace dynop::localcluster::server
