// GET /metrics of the real dynop-localcluster binary over HTTPS: kube-apiserver's
// request, storage and process series with its names, labels, HELP texts and
// buckets, read back with lib/prometheus' parser and Prometheus' own
// (promtool check metrics, from Debian's prometheus package); the endpoint
// wants the token, as kube-apiserver's wants an authorized user.

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <set>
#include <string>

#include "lib/prometheus/text_format.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/process.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;
using Labels = std::map<std::string, std::string>;

json::object config_map(const std::string& name) {
  return json::object{
      {"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", json::object{{"name", name}}}};
}

// A series' labels as kube-apiserver writes them for a core/v1 request.
Labels core_v1(const std::string& resource, const std::string& subresource, const std::string& verb,
               const std::string& scope, const std::string& code = "") {
  Labels labels{{"verb", verb},    {"dry_run", ""},           {"group", ""},
                {"version", "v1"}, {"resource", resource},    {"subresource", subresource},
                {"scope", scope},  {"component", "apiserver"}};
  if (!code.empty()) labels["code"] = code;
  return labels;
}

Labels configmaps(const std::string& verb, const std::string& scope, const std::string& code = "") {
  return core_v1("configmaps", "", verb, scope, code);
}

// apiserver_longrunning_requests' labels for a namespaced configmaps watch (no dry_run).
Labels watching_configmaps() {
  Labels labels = configmaps("WATCH", "namespace");
  labels.erase("dry_run");
  return labels;
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(c.ok()) << c.error(); }

  prometheus::TextExposition scrape() {
    auto r = c.get("/metrics");
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    body = r.body;
    auto parsed = prometheus::parse_text_format(r.body);
    EXPECT_TRUE(parsed.ok()) << parsed.error() << "\n" << r.body;
    return parsed.ok() ? *parsed : prometheus::TextExposition{};
  }

  // The value of the one sample with exactly these labels; -1 when there is none.
  double value(const prometheus::TextExposition& e, const std::string& name, const Labels& labels) {
    for (const auto& s : e.samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return -1;
  }

  LocalCluster c;
  std::string body;
  const std::string cms = "/api/v1/namespaces/default/configmaps";
};

TEST_F(MetricsTest, CountsRequestsByVerbScopeAndCodeAsKubeApiserver) {
  ASSERT_EQ(c.post(cms, config_map("a")).status, 201u);
  ASSERT_EQ(c.post(cms, config_map("a")).status, 409u);
  ASSERT_EQ(c.post(cms + "?dryRun=All", config_map("b")).status, 201u);
  ASSERT_EQ(c.get(cms + "/a").status, 200u);
  ASSERT_EQ(c.get(cms + "/missing").status, 404u);
  ASSERT_EQ(c.get(cms).status, 200u);
  ASSERT_EQ(c.get("/api/v1/configmaps").status, 200u);
  ASSERT_EQ(c.patch(cms + "/a", R"({"data":{"k":"v"}})").status, 200u);
  ASSERT_EQ(c.del(cms + "/a").status, 200u);

  auto e = scrape();
  const std::string total = "apiserver_request_total";
  EXPECT_EQ(value(e, total, configmaps("POST", "resource", "201")), 1) << body;
  EXPECT_EQ(value(e, total, configmaps("POST", "resource", "409")), 1) << body;
  auto dry_run = configmaps("POST", "resource", "201");
  dry_run["dry_run"] = "All";
  EXPECT_EQ(value(e, total, dry_run), 1) << body;
  EXPECT_EQ(value(e, total, configmaps("GET", "resource", "200")), 1) << body;
  EXPECT_EQ(value(e, total, configmaps("GET", "resource", "404")), 1) << body;
  EXPECT_EQ(value(e, total, configmaps("LIST", "namespace", "200")), 1) << body;
  EXPECT_EQ(value(e, total, configmaps("LIST", "cluster", "200")), 1) << body;
  EXPECT_EQ(value(e, total, configmaps("PATCH", "resource", "200")), 1) << body;
  EXPECT_EQ(value(e, total, configmaps("DELETE", "resource", "200")), 1) << body;
  EXPECT_EQ(e.types["apiserver_request_total"], "counter");
  EXPECT_EQ(e.help["apiserver_request_total"],
            "[STABLE] Counter of apiserver requests broken out for each verb, dry run value, "
            "group, version, resource, scope, component, and HTTP response code.");

  // One duration series per label set but the code, with kube's buckets.
  const std::string duration = "apiserver_request_duration_seconds";
  EXPECT_EQ(e.types[duration], "histogram");
  EXPECT_EQ(value(e, duration + "_count", configmaps("POST", "resource")), 2) << body;
  EXPECT_EQ(value(e, duration + "_count", configmaps("GET", "resource")), 2) << body;
  std::vector<std::string> buckets;
  for (const auto& s : e.samples) {
    if (s.name != duration + "_bucket") continue;
    Labels labels = s.labels;
    std::string le = labels["le"];
    labels.erase("le");
    if (labels == configmaps("LIST", "cluster")) buckets.push_back(le);
  }
  EXPECT_EQ(buckets, (std::vector<std::string>{"0.005", "0.025", "0.05", "0.1",  "0.2", "0.4",
                                               "0.6",   "0.8",   "1",    "1.25", "1.5", "2",
                                               "3",     "4",     "5",    "6",    "8",   "10",
                                               "15",    "20",    "30",   "45",   "60",  "+Inf"}))
      << body;
  EXPECT_EQ(value(e, duration + "_bucket",
                  [] {
                    auto l = configmaps("LIST", "cluster");
                    l["le"] = "+Inf";
                    return l;
                  }()),
            1);

  // The scrape itself, health checks and unknown resources are not resource
  // requests of served types: no other configmaps request was counted. (The
  // cluster's own controllers -- HPA, KEDA, metrics-server -- list their kinds
  // through the API too and are counted, as kube-apiserver counts its loopback
  // clients, so the sum is over what this test asked for.)
  ASSERT_EQ(c.get("/healthz").status, 200u);
  ASSERT_EQ(c.get("/api/v1/namespaces/default/widgets").status, 404u);
  double all = 0;
  for (const auto& s : scrape().samples) {
    const auto resource = s.labels.find("resource");
    if (s.name == total && resource != s.labels.end() && resource->second == "configmaps") {
      all += s.value;
    }
  }
  EXPECT_EQ(all, 9) << body;
}

TEST_F(MetricsTest, PodBindingsAreCountedAsTheirSubresource) {
  json::object pod{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", json::object{{"name", "p"}}},
      {"spec",
       json::object{{"containers", json::array{json::object{{"name", "c"}, {"image", "i"}}}}}}};
  ASSERT_EQ(c.post("/api/v1/namespaces/default/pods", pod).status, 201u);
  json::object binding{{"apiVersion", "v1"},
                       {"kind", "Binding"},
                       {"metadata", json::object{{"name", "p"}}},
                       {"target", json::object{{"kind", "Node"}, {"name", "node-1"}}}};
  auto bound = c.post("/api/v1/namespaces/default/pods/p/binding", binding);
  ASSERT_EQ(bound.status, 201u) << bound.body;

  auto e = scrape();
  EXPECT_EQ(
      value(e, "apiserver_request_total", core_v1("pods", "binding", "POST", "resource", "201")), 1)
      << body;
}

TEST_F(MetricsTest, AWatchIsLongRunningUntilItEndsThenCounted) {
  auto w = c.watch(cms + "?watch=true&timeoutSeconds=2");
  ASSERT_TRUE(w.ok()) << w.error;
  ASSERT_EQ(w.head.status, 200u);
  auto open = scrape();
  EXPECT_EQ(value(open, "apiserver_longrunning_requests", watching_configmaps()), 1) << body;
  EXPECT_EQ(value(open, "apiserver_request_total", configmaps("WATCH", "namespace", "200")), -1)
      << body;

  EXPECT_TRUE(read_to_end(*w.stream));  // the server ends it after timeoutSeconds
  EXPECT_TRUE(eventually([&] {
    auto ended = scrape();
    return value(ended, "apiserver_request_total", configmaps("WATCH", "namespace", "200")) == 1 &&
           value(ended, "apiserver_longrunning_requests", watching_configmaps()) == 0;
  })) << body;
}

TEST_F(MetricsTest, StoredObjectsProcessAndInflightSeriesAndPromtoolAcceptsIt) {
  ASSERT_EQ(c.post(cms, config_map("x")).status, 201u);
  ASSERT_EQ(c.post(cms, config_map("y")).status, 201u);
  auto namespaces = items(c.get("/api/v1/namespaces")).size();
  auto configmap_count = items(c.get("/api/v1/configmaps")).size();

  auto e = scrape();
  EXPECT_EQ(value(e, "apiserver_storage_objects", {{"resource", "configmaps"}}), configmap_count)
      << body;
  EXPECT_EQ(value(e, "apiserver_storage_objects", {{"resource", "namespaces"}}), namespaces);
  EXPECT_EQ(value(e, "apiserver_storage_objects", {{"resource", "pods"}}), 0);
  EXPECT_EQ(value(e, "apiserver_storage_objects", {{"resource", "leases.coordination.k8s.io"}}), 0)
      << body;
  EXPECT_EQ(e.types["apiserver_storage_objects"], "gauge");

  EXPECT_GE(value(e, "apiserver_current_inflight_requests", {{"request_kind", "readOnly"}}), 0);
  EXPECT_GE(value(e, "apiserver_current_inflight_requests", {{"request_kind", "mutating"}}), 0);

  EXPECT_GT(value(e, "process_resident_memory_bytes", {}), 1 << 20);
  EXPECT_GT(value(e, "process_virtual_memory_bytes", {}),
            value(e, "process_resident_memory_bytes", {}));
  EXPECT_GT(value(e, "process_open_fds", {}), 3);
  EXPECT_GT(value(e, "process_max_fds", {}), value(e, "process_open_fds", {}));
  EXPECT_GE(value(e, "process_cpu_seconds_total", {}), 0);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(value(e, "process_start_time_seconds", {}), now - 600);
  EXPECT_LE(value(e, "process_start_time_seconds", {}), now + 1);
  EXPECT_EQ(e.types["process_cpu_seconds_total"], "counter");

  SpawnOptions stdin_body;
  stdin_body.stdin_text = body;
  auto promtool =
      run("/usr/bin/promtool", {"check", "metrics"}, std::chrono::seconds(30), stdin_body);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
}

TEST_F(MetricsTest, WantsTheToken) {
  auto anonymous = c.request("GET", "/metrics", "", "application/json", {}, false);
  EXPECT_EQ(anonymous.status, 401u);
  EXPECT_EQ(field_text(anonymous.json(), {"reason"}), "Unauthorized");
  auto wrong = c.request("GET", "/metrics", "", "application/json",
                         {{"Authorization", "Bearer not-the-token"}}, false);
  EXPECT_EQ(wrong.status, 401u);
}

}  // namespace
}  // namespace dynop::test
