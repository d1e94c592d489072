// metrics.k8s.io and external.metrics.k8s.io as the aggregator serves them:
// metrics-server's PodMetrics/NodeMetrics for the pods and nodes the server
// holds (from two scrapes of a kubelet's /metrics/resource as dynop-sim
// renders it), the external metrics API's routing to its providers, and
// where metrics-server finds a node's kubelet.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "localcluster/builtin/builtin_resource_types.hpp"
#include "localcluster/metrics_apis/server/external_metrics_api.hpp"
#include "localcluster/metrics_apis/server/kubelet_scraper.hpp"
#include "localcluster/metrics_apis/server/resource_metrics_api.hpp"
#include "sim/load/resource_metrics.hpp"

namespace dynop::localcluster::metrics_apis {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

net::Response call(const auto& api, const std::string& target) {
  auto request = net::Request::make("GET", target);
  auto info = server::parse_request_info("GET", target);
  return api.handle(request, info);
}

class ResourceMetricsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto& type : builtin::builtin_resource_types()) registry_.add(std::move(type));
    add_pod("web-0", "web");
    add_pod("web-1", "web");
    add_pod("db-0", "db");
    store_.create("nodes", "", "gpu-0",
                  json::parse(R"({"kind":"Node","apiVersion":"v1","metadata":{"name":"gpu-0",
                      "labels":{"nvidia.com/gpu.count":"8"}}})")
                      .as_object());
    const auto start = std::chrono::system_clock::now() - 1h;
    const auto t0 = std::chrono::system_clock::now() - 15s;
    auto sample = [&](double cpu, std::chrono::system_clock::time_point at) {
      return sim::ResourceSample{cpu, 12.0 * 1024 * 1024, start, at};
    };
    // web-0 and db-0 report; web-1 has not been scraped (no metrics yet).
    for (auto [cpu_web, cpu_db, at] :
         {std::tuple{10.0, 1.0, t0}, std::tuple{10.675, 1.15, t0 + 15s}}) {
      auto text = sim::render_resource_metrics({{"default", "web-0", "main", sample(cpu_web, at)},
                                                {"default", "db-0", "main", sample(cpu_db, at)}},
                                               sample(100, at));
      ASSERT_TRUE(metrics_.record_scrape("gpu-0", text).ok());
    }
  }
  void add_pod(const std::string& name, const std::string& app) {
    json::object pod{{"kind", "Pod"},
                     {"apiVersion", "v1"},
                     {"metadata", json::object{{"name", name},
                                               {"namespace", "default"},
                                               {"labels", json::object{{"app", app}}}}}};
    store_.create("pods", "default", name, std::move(pod));
  }

  ResourceRegistry registry_;
  storage::ObjectStore store_{storage::StoreOptions{}};
  ResourceMetricsStore metrics_;
  ResourceMetricsApi api_{metrics_, store_, registry_};
};

TEST_F(ResourceMetricsApiTest, PodMetricsListKeepsPodsWithMetricsAndTheirLabels) {
  auto r =
      call(api_, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto list = json::parse(r.body);
  EXPECT_EQ(list.at("kind"), "PodMetricsList");
  EXPECT_EQ(list.at("apiVersion"), "metrics.k8s.io/v1beta1");
  const auto& items = list.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);  // web-1 has no metrics yet
  EXPECT_EQ(items[0].at("metadata").at("name"), "web-0");
  EXPECT_EQ(json::serialize(items[0].at("metadata").at("labels")), R"({"app":"web"})");
  EXPECT_EQ(items[0].at("window"), "15s");
  EXPECT_EQ(json::serialize(items[0].at("containers")),
            R"([{"name":"main","usage":{"cpu":"45m","memory":"12Mi"}}])");

  auto all = json::parse(call(api_, "/apis/metrics.k8s.io/v1beta1/pods").body);
  ASSERT_EQ(all.at("items").as_array().size(), 2u);
  EXPECT_EQ(all.at("items").as_array()[0].at("metadata").at("name"), "db-0");
}

TEST_F(ResourceMetricsApiTest, GetOfOnePodAsMetricsServerWordsItsErrors) {
  auto one = call(api_, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/db-0");
  ASSERT_EQ(one.status, 200u);
  EXPECT_EQ(json::parse(one.body).at("kind"), "PodMetrics");
  auto no_metrics = call(api_, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-1");
  EXPECT_EQ(no_metrics.status, 404u);
  EXPECT_EQ(json::parse(no_metrics.body).at("message"),
            "podmetrics.metrics.k8s.io \"default/web-1\" not found");
  auto no_pod = call(api_, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope");
  EXPECT_EQ(json::parse(no_pod.body).at("message"), "pods \"nope\" not found");
  auto bad =
      call(api_, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=a%3D%3D%3D");
  EXPECT_EQ(bad.status, 400u) << bad.body;
}

TEST_F(ResourceMetricsApiTest, NodeMetrics) {
  auto r = call(api_, "/apis/metrics.k8s.io/v1beta1/nodes/gpu-0");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto node = json::parse(r.body);
  EXPECT_EQ(node.at("kind"), "NodeMetrics");
  EXPECT_EQ(json::serialize(node.at("metadata").at("labels")), R"({"nvidia.com/gpu.count":"8"})");
  EXPECT_EQ(node.at("window"), "15s");
  auto list = json::parse(call(api_, "/apis/metrics.k8s.io/v1beta1/nodes").body);
  EXPECT_EQ(list.at("items").as_array().size(), 1u);
  EXPECT_EQ(json::parse(call(api_, "/apis/metrics.k8s.io/v1beta1/nodes/gpu-9").body).at("message"),
            "nodes \"gpu-9\" not found");
}

TEST(ResourceMetricsApiTypes, DiscoveryListsPodsAndNodesAsMetricsServer) {
  auto types = ResourceMetricsApi::resource_types();
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[1].kind, "PodMetrics");
  EXPECT_TRUE(types[1].namespaced);
  EXPECT_EQ(types[0].kind, "NodeMetrics");
  EXPECT_FALSE(types[0].namespaced);
  EXPECT_EQ(types[0].verbs, (std::vector<std::string>{"get", "list"}));
  EXPECT_EQ(types[0].api_service, "v1beta1.metrics.k8s.io");
}

class FakeProvider : public ExternalMetricsProvider {
 public:
  explicit FakeProvider(std::string label) : label_(std::move(label)) {}
  std::vector<std::string> metric_names() const override { return {label_ + "_metric"}; }
  std::optional<ExternalMetricAnswer> get(const std::string& ns, const std::string& metric,
                                          const apimachinery::LabelSelector& selector) override {
    if (!selector.requires_exact_match(label_)) return std::nullopt;
    return json::value(json::object{{"from", label_}, {"ns", ns}, {"metric", metric}});
  }

 private:
  std::string label_;
};

TEST(ExternalMetricsApi, TheFirstProviderTakingTheRequestAnswers) {
  FakeProvider keda("scaledobject.keda.sh/name"), other("app");
  ExternalMetricsApi api;
  api.add_provider(&keda);
  api.add_provider(&other);
  auto r = call(api,
                "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/s0-prometheus"
                "?labelSelector=scaledobject.keda.sh%2Fname%3Dscaler");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body,
            R"({"from":"scaledobject.keda.sh/name","ns":"default","metric":"s0-prometheus"})");
  r = call(api, "/apis/external.metrics.k8s.io/v1beta1/namespaces/prod/m?labelSelector=app%3Dx");
  EXPECT_EQ(json::parse(r.body).at("from"), "app");
  r = call(api, "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/dynamo_ttft_p95_seconds");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(json::parse(r.body).at("message"),
            "the server could not find the metric dynamo_ttft_p95_seconds for namespaces");
  EXPECT_EQ(call(api, "/apis/external.metrics.k8s.io/v1beta1/m").status, 404u);
  api.remove_provider(&keda);
  r = call(api,
           "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/s0-prometheus"
           "?labelSelector=scaledobject.keda.sh%2Fname%3Dscaler");
  EXPECT_EQ(r.status, 404u);
}

TEST(ExternalMetricsApi, DiscoveryFollowsTheProvidersMetricNames) {
  FakeProvider a("a"), b("b");
  ExternalMetricsApi api;
  ResourceRegistry registry;
  api.add_provider(&a);
  api.sync_discovery(registry);
  auto revision = registry.revision();
  api.sync_discovery(registry);
  EXPECT_EQ(registry.revision(), revision);  // unchanged names publish nothing
  api.add_provider(&b);
  api.sync_discovery(registry);
  auto type = registry.find("external.metrics.k8s.io", "v1beta1", "b_metric");
  ASSERT_TRUE(type);
  EXPECT_EQ(type->kind, "ExternalMetricValueList");
  EXPECT_EQ(type->verbs, std::vector<std::string>{"get"});
  EXPECT_TRUE(registry.find("external.metrics.k8s.io", "v1beta1", "a_metric"));
}

TEST(KubeletScraper, ScrapesTheInternalIpAtTheNodeStatusPort) {
  auto node = [](const char* text) { return json::parse(text).as_object(); };
  EXPECT_EQ(
      kubelet_resource_url(node(R"({"status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":10350}},
      "addresses":[{"type":"Hostname","address":"gpu-0"},{"type":"InternalIP","address":"127.0.2.1"}]}})")),
      "https://127.0.2.1:10350/metrics/resource");
  EXPECT_EQ(kubelet_resource_url(
                node(R"({"status":{"addresses":[{"type":"Hostname","address":"gpu-0"}]}})")),
            "https://gpu-0:10250/metrics/resource");
  EXPECT_EQ(kubelet_resource_url(
                node(R"({"status":{"addresses":[{"type":"InternalIP","address":"fd00::1"}]}})")),
            "https://[fd00::1]:10250/metrics/resource");
  EXPECT_EQ(kubelet_resource_url(node(R"({"status":{}})")), std::nullopt);
}

}  // namespace
}  // namespace dynop::localcluster::metrics_apis
