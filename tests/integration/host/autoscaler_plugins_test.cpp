// Autoscaler plugins in the real host against the real dynop-localcluster:
// the two SDK examples (file-scaler and promql-scaler, built out of tree
// against the installed SDK) scale the sglang example's adapters through
// /scale as their configured identities; the host records Events, its
// decision log (GET /autoscaling/decisions) and metrics, answers the
// plugin's Prometheus queries (a small server speaking Prometheus's HTTP API
// stands in for Prometheus here; tests/e2e uses the real one), and warns
// when a second writer (kubectl scale) fights a plugin over one adapter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "lib/net/server.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/running_host.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

constexpr const char* kKubectl = "/usr/bin/kubectl";
const std::string kAdapters =
    "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeploymentscalingadapters/";

test::RunResult kubectl(const test::LocalCluster& cluster, std::vector<std::string> args) {
  args.insert(args.begin(), {"--kubeconfig", cluster.kubeconfig()});
  return test::run(kKubectl, args, 60s);
}

// Answers /api/v1/query as Prometheus does: the value set by the test, or
// Prometheus's 400 for a query it cannot parse.
class FakePrometheus {
 public:
  FakePrometheus() {
    net::ServerOptions options;
    server_ = std::make_unique<net::Server>(options, [this](const net::Request& r,
                                                            net::Responder out) {
      std::lock_guard lock(mutex_);
      queries_.push_back(std::string(r.target()));
      if (r.path() != "/api/v1/query") return out.respond(net::Response::text(404, "not found"));
      if (broken_) {
        return out.respond(net::Response::json(
            400,
            R"({"status":"error","errorType":"bad_data","error":"1:1: parse error: unexpected character"})"));
      }
      out.respond(net::Response::json(
          200, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},)"
               R"("value":[1767225600,")" +
                   value_ + R"("]}]}})"));
    });
    std::string error;
    EXPECT_TRUE(server_->start(error)) << error;
  }
  ~FakePrometheus() { server_->stop(1s); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void set_value(std::string v) {
    std::lock_guard lock(mutex_);
    value_ = std::move(v);
  }
  void set_broken(bool b) {
    std::lock_guard lock(mutex_);
    broken_ = b;
  }
  std::size_t queries() {
    std::lock_guard lock(mutex_);
    return queries_.size();
  }
  std::string last_query() {
    std::lock_guard lock(mutex_);
    return queries_.empty() ? "" : queries_.back();
  }

 private:
  std::mutex mutex_;
  std::string value_ = "0";
  bool broken_ = false;
  std::vector<std::string> queries_;
  std::unique_ptr<net::Server> server_;
};

std::int64_t adapter_replicas(test::LocalCluster& cluster, const std::string& name) {
  auto r = cluster.get(kAdapters + name);
  if (r.status != 200) return -1;
  const json::value object = r.json();
  const auto* spec = object.as_object().if_contains("spec");
  if (!spec || !spec->is_object()) return -1;
  const auto* replicas = spec->as_object().if_contains("replicas");
  return replicas && replicas->is_int64() ? replicas->as_int64() : -1;
}

// The Events on one adapter, as "Type Reason: message" lines.
std::vector<std::string> adapter_events(test::LocalCluster& cluster, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& e : test::items(cluster.get(
           "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D" + name))) {
    const auto& o = e.as_object();
    out.push_back(std::string(o.at("type").as_string()) + " " +
                  std::string(o.at("reason").as_string()) + ": " +
                  std::string(o.at("message").as_string()));
  }
  return out;
}

bool has_event(test::LocalCluster& cluster, const std::string& adapter,
               const std::string& fragment) {
  for (const auto& e : adapter_events(cluster, adapter))
    if (e.find(fragment) != std::string::npos) return true;
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(AutoscalerPlugins, ExamplesScaleAdaptersAsTheirIdentitiesAndFightsAreWarned) {
  const char* built = std::getenv("DYNOP_OUT_OF_TREE_PLUGIN_DIR");
  // Set by ctest (tests/integration/host/CMakeLists.txt) after the examples
  // were built against the installed SDK.
  ASSERT_NE(built, nullptr) << "DYNOP_OUT_OF_TREE_PLUGIN_DIR is not set";
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  ASSERT_EQ(kubectl(cluster, {"apply", "-f", test::source_path("crds")}).exit_code, 0);
  ASSERT_EQ(kubectl(cluster, {"create", "namespace", "dynop-system"}).exit_code, 0);
  ASSERT_EQ(kubectl(cluster,
                    {"apply", "-f", test::source_path("examples/backends/sglang/deploy/agg.yaml")})
                .exit_code,
            0);
  FakePrometheus prometheus;
  prometheus.set_value("1.2");  // ceil(1.2 / 0.5) = 3 frontends

  test::TempDir tmp("dynop-autoscalers");
  const fs::path plugins = tmp.path() / "plugins";
  fs::create_directories(plugins);
  for (const char* so : {"dgd.so", "dgdsa.so"})
    fs::create_symlink(test::binary_path(std::string("plugins/") + so), plugins / so);
  for (const char* so : {"file_scaler.so", "promql_scaler.so"})
    fs::create_symlink(fs::path(built) / so, plugins / so);
  const fs::path wanted = tmp.path() / "decode-replicas";
  std::ofstream(wanted) << "2\n";
  const std::string config = tmp.write("dynop.yaml", R"(pluginDir: )" + plugins.string() + R"(
metricsAddress: 127.0.0.1:0
prometheus:
  url: )" + prometheus.url() + R"(
autoscaling:
  identities:
    file-scaler: system:serviceaccount:dynop-system:file-scaler
  conflictWindow: 60s
pluginConfig:
  file-scaler:
    file: )" + wanted.string() + R"(
    target: {name: sglang-agg-decode}
    max_replicas: 4
    interval_seconds: 1
  promql-scaler:
    target: {namespace: default, name: sglang-agg-frontend}
    query: histogram_quantile(0.95, sum(rate(dynamo_frontend_time_to_first_token_seconds_bucket{dynamo_namespace="default-sglang-agg"}[5m])) by (le))
    threshold: 0.5
    activationThreshold: 0.1
    maxReplicas: 5
    intervalSeconds: 1
    cooldownSeconds: 0
)");
  test::RunningHost host({"--config", config, "--kubeconfig", cluster.kubeconfig()});
  ASSERT_TRUE(host.ready()) << host.log();
  ASSERT_TRUE(host.process().wait_for_output("became the leader", 60s)) << host.log();
  EXPECT_THAT(host.log(),
              HasSubstr("plugin file-scaler: autoscaler every 1000ms, writing /scale as "
                        "system:serviceaccount:dynop-system:file-scaler"));

  // file-scaler: the file says 2.
  EXPECT_TRUE(
      test::eventually([&] { return adapter_replicas(cluster, "sglang-agg-decode") == 2; }, 60))
      << host.log();
  EXPECT_TRUE(test::eventually(
      [&] {
        return has_event(
            cluster, "sglang-agg-decode",
            "Normal ScaledByPlugin: file-scaler: 1 -> 2: file " + wanted.string() + " asks for 2");
      },
      30))
      << joined(adapter_events(cluster, "sglang-agg-decode"));
  // The write was the plugin's, on /scale: kube-apiserver's field manager
  // entry names it.
  auto adapter = cluster.get(kAdapters + "sglang-agg-decode").json();
  EXPECT_THAT(json::serialize(adapter.at("metadata").at("managedFields")),
              HasSubstr(R"("manager":"dynop-file-scaler","operation":"Update")"));

  // promql-scaler: the host's Prometheus answered 1.2, at 0.5 per replica.
  EXPECT_TRUE(
      test::eventually([&] { return adapter_replicas(cluster, "sglang-agg-frontend") == 3; }, 60))
      << host.log();
  EXPECT_THAT(prometheus.last_query(),
              HasSubstr("/api/v1/query?query=histogram_quantile%280.95%2C"));
  EXPECT_TRUE(test::eventually(
      [&] {
        return has_event(cluster, "sglang-agg-frontend",
                         "Normal ScaledByPlugin: promql-scaler: 1 -> 3: query 1.200000, threshold "
                         "0.500000 per replica");
      },
      30))
      << joined(adapter_events(cluster, "sglang-agg-frontend"));

  // The decision log, as the planner and the timeline UI read it.
  auto log = json::parse(host.get("/autoscaling/decisions?name=sglang-agg-decode").body);
  bool found = false;
  for (const auto& d : log.at("decisions").as_array()) {
    const auto& o = d.as_object();
    if (o.at("outcome").as_string() == "scaled" &&
        o.at("writer").as_string() == "plugin/file-scaler") {
      found = true;
      EXPECT_EQ(o.at("identity").as_string(), "system:serviceaccount:dynop-system:file-scaler");
      EXPECT_EQ(o.at("from").to_number<int>(), 1);
      EXPECT_EQ(o.at("to").to_number<int>(), 2);
      EXPECT_EQ(o.at("target").at("kind").as_string(), "DynamoGraphDeploymentScalingAdapter");
    }
  }
  EXPECT_TRUE(found) << json::serialize(log);
  EXPECT_THAT(host.get("/autoscaling/decisions?limit=x").body, HasSubstr("limit: \"x\""));
  const std::string metrics = host.get("/metrics").body;
  EXPECT_THAT(
      metrics,
      HasSubstr(R"(dynop_autoscaler_decisions_total{outcome="scaled",plugin="file-scaler"} 1)"));
  EXPECT_THAT(metrics,
              HasSubstr(R"(dynop_prometheus_queries_total{kind="instant",outcome="success"})"));

  // A query Prometheus refuses reaches the plugin as its error, and the
  // adapter is left alone.
  prometheus.set_broken(true);
  EXPECT_TRUE(host.process().wait_for_output(
      "plugin promql-scaler: query failed, leaving sglang-agg-frontend alone: GET " +
          prometheus.url() + "/api/v1/query: bad_data: 1:1: parse error: unexpected character",
      30s))
      << host.log();
  EXPECT_EQ(adapter_replicas(cluster, "sglang-agg-frontend"), 3);
  prometheus.set_broken(false);

  // A second writer: kubectl scale fights file-scaler, which puts 2 back.
  auto scale = kubectl(cluster, {"scale", "dgdsa", "sglang-agg-decode", "--replicas=4"});
  ASSERT_EQ(scale.exit_code, 0) << scale.err;
  EXPECT_TRUE(test::eventually(
      [&] {
        for (const auto& e : adapter_events(cluster, "sglang-agg-decode")) {
          if (e.starts_with("Warning ScalingConflict: /scale written by ") &&
              e.find("kubectl") != std::string::npos &&
              e.find("dynop-file-scaler") != std::string::npos)
            return true;
        }
        return false;
      },
      60))
      << joined(adapter_events(cluster, "sglang-agg-decode")) << host.log();
  EXPECT_TRUE(
      test::eventually([&] { return adapter_replicas(cluster, "sglang-agg-decode") == 2; }, 30));
  auto observed = json::parse(host.get("/autoscaling/decisions?writer=kubectl").body);
  ASSERT_FALSE(observed.at("decisions").as_array().empty()) << json::serialize(observed);
  EXPECT_EQ(observed.at("decisions").as_array()[0].at("outcome").as_string(), "observed");
  EXPECT_EQ(observed.at("decisions").as_array()[0].at("to").to_number<int>(), 4);

  // The guide's troubleshooting commands show what happened: describe lists
  // the adapter's events (the plugin's scale, the conflict), the DGD its
  // services, and an HPA on the adapter its reference and behavior.
  auto describe_adapter = kubectl(cluster, {"describe", "dgdsa", "sglang-agg-decode"});
  ASSERT_EQ(describe_adapter.exit_code, 0) << describe_adapter.err;
  EXPECT_THAT(describe_adapter.out, ContainsRegex(R"(Dgd Ref:\s+Name:\s+sglang-agg)"));
  EXPECT_THAT(describe_adapter.out,
              ContainsRegex(R"(Normal +ScaledByPlugin +[0-9a-z]+ +dynop +file-scaler: 1 -> 2)"));
  EXPECT_THAT(describe_adapter.out,
              ContainsRegex(R"(Warning +ScalingConflict +[0-9a-z]+ +dynop +/scale written by )"));
  auto describe_graph = kubectl(cluster, {"describe", "dgd", "sglang-agg"});
  ASSERT_EQ(describe_graph.exit_code, 0) << describe_graph.err;
  EXPECT_THAT(describe_graph.out, HasSubstr("Kind:         DynamoGraphDeployment"));
  EXPECT_THAT(describe_graph.out, ContainsRegex(R"(Decode:\s+Component Type:\s+worker)"));
  ASSERT_EQ(kubectl(cluster, {"apply", "-f",
                              test::source_path("examples/autoscaling/sglang-agg-decode-hpa.yaml")})
                .exit_code,
            0);
  auto describe_hpa = kubectl(cluster, {"describe", "hpa", "sglang-agg-decode-hpa"});
  ASSERT_EQ(describe_hpa.exit_code, 0) << describe_hpa.err;
  EXPECT_THAT(
      describe_hpa.out,
      ContainsRegex(R"(Reference:\s+DynamoGraphDeploymentScalingAdapter/sglang-agg-decode)"));
  EXPECT_THAT(describe_hpa.out, ContainsRegex(R"("dynamo_ttft_p95_seconds" \(target value\):)"));
  EXPECT_THAT(describe_hpa.out, HasSubstr("- Type: Pods  Value: 2  Period: 30 seconds"));

  EXPECT_EQ(host.stop(), 0) << host.log();
}

}  // namespace
}  // namespace dynop
