// The Endpoints and EndpointSlices dynop-localcluster keeps for Services with
// a selector, as kube-controller-manager's controllers do, seen through the
// API.

#include <gtest/gtest.h>

#include "tests/integration/localcluster/local_cluster.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;

json::object service() {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", json::object{{"name", "web"}, {"labels", json::object{{"tier", "front"}}}}},
      {"spec",
       json::object{{"selector", json::object{{"app", "web"}}},
                    {"ports", json::array{json::object{
                                  {"name", "http"}, {"port", 80}, {"targetPort", "http"}}}}}}};
}

json::object pod(const std::string& name) {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", json::object{{"name", name}, {"labels", json::object{{"app", "web"}}}}},
      {"spec", json::object{{"nodeName", "node-1"},
                            {"containers",
                             json::array{json::object{
                                 {"name", "main"},
                                 {"image", "busybox:1"},
                                 {"ports", json::array{json::object{
                                               {"name", "http"}, {"containerPort", 8080}}}}}}}}}};
}

// What a kubelet writes once the pod runs.
std::string running(const std::string& ip, bool ready) {
  return std::string(R"({"status":{"phase":"Running","podIP":")") + ip +
         R"(","conditions":[{"type":"Ready","status":")" + (ready ? "True" : "False") + R"("}]}})";
}

TEST(Endpoints, FollowTheSelectedPodsAddressesAndReadiness) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  // Pods need the namespace's default service account (its controller makes it).
  ASSERT_TRUE(eventually(
      [&] { return c.get("/api/v1/namespaces/default/serviceaccounts/default").status == 200u; }));
  ASSERT_EQ(c.post("/api/v1/namespaces/default/services", service()).status, 201u);
  // No pods yet: an Endpoints object without subsets, one empty slice.
  ASSERT_TRUE(
      eventually([&] { return c.get("/api/v1/namespaces/default/endpoints/web").status == 200u; }));
  EXPECT_EQ(field_text(c.get("/api/v1/namespaces/default/endpoints/web").json(), {"subsets"}),
            "<missing>");
  const std::string slices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";
  ASSERT_TRUE(eventually([&] { return items(c.get(slices)).size() == 1; }));

  for (const char* name : {"web-a", "web-b"}) {
    ASSERT_EQ(c.post("/api/v1/namespaces/default/pods", pod(name)).status, 201u);
  }
  ASSERT_EQ(
      c.patch("/api/v1/namespaces/default/pods/web-a/status", running("10.1.0.5", true)).status,
      200u);
  ASSERT_EQ(
      c.patch("/api/v1/namespaces/default/pods/web-b/status", running("10.1.0.6", false)).status,
      200u);
  json::value endpoints;
  ASSERT_TRUE(eventually([&] {
    endpoints = c.get("/api/v1/namespaces/default/endpoints/web").json();
    return field_text(endpoints, {"subsets"}) != "<missing>" &&
           endpoints.at("subsets").as_array()[0].as_object().contains("notReadyAddresses");
  })) << json::serialize(endpoints);
  const json::value& subset = endpoints.at("subsets").as_array()[0];
  EXPECT_EQ(field_text(subset.at("addresses").as_array()[0], {"ip"}), "10.1.0.5");
  EXPECT_EQ(field_text(subset.at("addresses").as_array()[0], {"targetRef", "name"}), "web-a");
  EXPECT_EQ(field_text(subset.at("notReadyAddresses").as_array()[0], {"ip"}), "10.1.0.6");
  // The named targetPort resolves to the container's port.
  EXPECT_EQ(field_text(subset.at("ports").as_array()[0], {"port"}), "8080");
  EXPECT_EQ(field_text(endpoints, {"metadata", "labels", "tier"}), "front");

  json::array list = items(c.get(slices));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(field_text(list[0], {"metadata", "labels", "kubernetes.io/service-name"}), "web");
  const json::value& owner = list[0].at("metadata").at("ownerReferences").as_array()[0];
  EXPECT_EQ(field_text(owner, {"kind"}), "Service");
  EXPECT_EQ(field_text(owner, {"name"}), "web");
  EXPECT_EQ(field_text(owner, {"controller"}), "true");
  EXPECT_EQ(list[0].at("endpoints").as_array().size(), 2u);

  // A pod that goes away leaves the endpoints; the Service's deletion takes
  // its Endpoints and (through its owner reference) its slices along.
  ASSERT_EQ(c.del("/api/v1/namespaces/default/pods/web-a",
                  R"({"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0})")
                .status,
            200u);
  EXPECT_TRUE(eventually([&] {
    auto e = c.get("/api/v1/namespaces/default/endpoints/web").json();
    return json::serialize(e).find("10.1.0.5") == std::string::npos;
  }));
  ASSERT_EQ(c.del("/api/v1/namespaces/default/services/web").status, 200u);
  EXPECT_TRUE(eventually([&] {
    return c.get("/api/v1/namespaces/default/endpoints/web").status == 404u &&
           items(c.get(slices)).empty();
  }));
}

}  // namespace
}  // namespace dynop::test
