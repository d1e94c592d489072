#include "localcluster/controllers/service_backends.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::controllers {
namespace {

namespace json = boost::json;

const char kService[] = R"({"apiVersion":"v1","kind":"Service",
  "metadata":{"name":"sglang-agg-frontend","namespace":"default","uid":"svc-uid",
              "labels":{"nvidia.com/dynamo-graph-deployment-name":"sglang-agg"}},
  "spec":{"selector":{"nvidia.com/dynamo-component-type":"frontend"},
          "ports":[{"name":"http","port":8000,"targetPort":"http","protocol":"TCP"}],
          "clusterIP":"10.0.0.12"}})";

json::object pod(const std::string& name, const std::string& ip, bool ready, bool deleting = false,
                 const std::string& phase = "Running", bool has_port = true) {
  json::object meta{{"name", name}, {"namespace", "default"}, {"uid", name + "-uid"}};
  if (deleting) meta["deletionTimestamp"] = "2026-01-01T00:00:30Z";
  json::array ports;
  if (has_port) ports.push_back(json::object{{"name", "http"}, {"containerPort", 8000}});
  json::object status{
      {"phase", phase},
      {"conditions",
       json::array{json::object{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}};
  if (!ip.empty()) status["podIP"] = ip;
  return json::object{
      {"metadata", std::move(meta)},
      {"spec", json::object{{"nodeName", "h100-0"},
                            {"containers", json::array{json::object{
                                               {"name", "main"}, {"ports", std::move(ports)}}}}}},
      {"status", std::move(status)}};
}

const json::object& service() {
  static const json::object s = json::parse(kService).as_object();
  return s;
}

TEST(ServiceBackends, NamedTargetPortsResolveAgainstEachPod) {
  auto backends = service_backends(
      service(), {pod("b", "127.128.0.3", true), pod("a", "127.128.0.2", false),
                  pod("no-ip", "", true), pod("done", "127.128.0.9", false, false, "Succeeded"),
                  pod("no-port", "127.128.0.4", true, false, "Running", false)});
  ASSERT_EQ(backends.size(), 3u);
  EXPECT_EQ(backends[0].pod, "a");  // sorted by name
  EXPECT_EQ(backends[1].pod, "b");
  ASSERT_EQ(backends[1].ports.size(), 1u);
  EXPECT_EQ(backends[1].ports[0].port, 8000);
  EXPECT_EQ(backends[1].ports[0].name, "http");
  EXPECT_TRUE(backends[2].ports.empty());  // no container port named http
}

TEST(ServiceBackends, EndpointsSplitReadyAndNotReadyAndLeaveTerminatingOut) {
  auto backends =
      service_backends(service(), {pod("a", "127.128.0.3", true), pod("b", "127.128.0.2", false),
                                   pod("c", "127.128.0.4", true, true)});
  json::object e = render_endpoints(service(), backends);
  EXPECT_EQ(
      json::serialize(e["metadata"]),
      R"({"name":"sglang-agg-frontend","namespace":"default","labels":{"nvidia.com/dynamo-graph-deployment-name":"sglang-agg"}})");
  ASSERT_EQ(e["subsets"].as_array().size(), 1u);
  const json::object& subset = e["subsets"].as_array()[0].as_object();
  EXPECT_EQ(
      json::serialize(subset.at("addresses")),
      R"([{"ip":"127.128.0.3","nodeName":"h100-0","targetRef":{"kind":"Pod","namespace":"default","name":"a","uid":"a-uid"}}])");
  EXPECT_EQ(subset.at("notReadyAddresses").as_array().size(), 1u);
  EXPECT_EQ(json::serialize(subset.at("ports")),
            R"([{"name":"http","port":8000,"protocol":"TCP"}])");
  // No pods: an Endpoints object without subsets.
  EXPECT_FALSE(render_endpoints(service(), {}).contains("subsets"));
}

TEST(ServiceBackends, SlicesCarryConditionsAndBelongToTheService) {
  auto backends = service_backends(
      service(), {pod("a", "127.128.0.3", true), pod("c", "127.128.0.4", true, true)});
  auto slices = render_endpoint_slices(service(), backends);
  ASSERT_EQ(slices.size(), 1u);
  const json::object& s = slices[0];
  EXPECT_EQ(s.at("addressType").as_string(), "IPv4");
  const json::object& labels = s.at("metadata").at("labels").as_object();
  EXPECT_EQ(labels.at("kubernetes.io/service-name").as_string(), "sglang-agg-frontend");
  EXPECT_EQ(labels.at("endpointslice.kubernetes.io/managed-by").as_string(),
            "endpointslice-controller.k8s.io");
  EXPECT_EQ(s.at("metadata").at("ownerReferences").as_array()[0].at("uid").as_string(), "svc-uid");
  const json::array& endpoints = s.at("endpoints").as_array();
  ASSERT_EQ(endpoints.size(), 2u);
  EXPECT_EQ(json::serialize(endpoints[0].at("conditions")),
            R"({"ready":true,"serving":true,"terminating":false})");
  EXPECT_EQ(json::serialize(endpoints[1].at("conditions")),
            R"({"ready":false,"serving":true,"terminating":true})");
  EXPECT_EQ(json::serialize(s.at("ports")), R"([{"name":"http","port":8000,"protocol":"TCP"}])");
  // A hundred endpoints a slice.
  std::vector<json::object> many;
  for (int i = 0; i < 150; ++i) {
    many.push_back(pod("p" + std::to_string(1000 + i), "127.128.1." + std::to_string(i), true));
  }
  auto split = render_endpoint_slices(service(), service_backends(service(), many));
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].at("endpoints").as_array().size(), 100u);
  EXPECT_EQ(split[1].at("endpoints").as_array().size(), 50u);
  // None: one empty slice, as kube's placeholder.
  auto placeholder = render_endpoint_slices(service(), {});
  ASSERT_EQ(placeholder.size(), 1u);
  EXPECT_TRUE(placeholder[0].at("endpoints").as_array().empty());
}

}  // namespace
}  // namespace dynop::localcluster::controllers
