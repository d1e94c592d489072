// The guide's autoscaling through the real path, without the simulator: a
// real Prometheus (Debian's /usr/bin/prometheus, configured by
// packaging/prometheus/prometheus-config.sh) discovers pods from
// dynop-localcluster and scrapes a stand-in frontend serving the guide's
// TTFT histogram; the local cluster runs prometheus-adapter with the guide's
// values file (only the Prometheus URL given on the command line), the HPA
// controller and KEDA; the real kubectl applies the guide's HPA and
// ScaledObject and reads what a user reads. A stand-in kubelet serves
// /metrics/resource as dynop-sim renders it, for metrics-server's API and
// the CPU HPA. The guide's KEDA rule also runs as a dynop autoscaler plugin
// (sdk/examples/promql-scaler) in the real host on the same Prometheus. One
// cluster and one Prometheus for the whole suite.

#include <gtest/gtest.h>
#include <signal.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "lib/files/read_file.hpp"
#include "lib/net/certificates.hpp"
#include "lib/net/server.hpp"
#include "lib/net/tls.hpp"
#include "sim/load/resource_metrics.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/kubectl.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/reference_dir.hpp"
#include "tests/support/run_local_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::field_text;

constexpr const char* kPrometheus = "/usr/bin/prometheus";
// The stand-in pods' loopback address (dynop-sim uses 127.0.1.x).
constexpr const char* kPodIp = "127.0.213.7";

std::string source(const std::string& relative) {
  auto text = files::read_file(test::source_path(relative), "source");
  EXPECT_TRUE(text.ok()) << relative;
  return text.ok() ? *text : "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A frontend's /metrics: every request's time to first token is `ttft_`
// seconds, ten requests a second since the server started, so the guide's
// histogram_quantile(0.95, rate(..._bucket[5m])) reads the 0.95 point of
// the bucket holding it (1 + 0.95 x 1.5 = 2.425 for 2 s in (1, 2.5]).
class StandInFrontend {
 public:
  bool start(std::string& error) {
    net::ServerOptions options;
    options.host = kPodIp;
    server_ = std::make_unique<net::Server>(
        options, [this](const net::Request& request, net::Responder responder) {
          responder.respond(request.path() == "/metrics" ? net::Response::text(200, render())
                                                         : net::Response::text(404, "not found"));
        });
    return server_->start(error);
  }
  std::uint16_t port() const { return server_->port(); }

 private:
  std::string render() const {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - born_).count();
    const long long count = static_cast<long long>(elapsed * 10) + 1;
    const double ttft = 2.0;
    std::string out =
        "# HELP dynamo_frontend_time_to_first_token_seconds Time to first token\n"
        "# TYPE dynamo_frontend_time_to_first_token_seconds histogram\n";
    for (const char* le : {"0.1", "0.5", "1", "2.5", "5", "+Inf"}) {
      const double bound = std::string(le) == "+Inf" ? INFINITY : std::stod(le);
      out +=
          "dynamo_frontend_time_to_first_token_seconds_bucket{dynamo_namespace=\"default-sglang-"
          "agg\","
          "model=\"Qwen/Qwen3-0.6B\",le=\"" +
          std::string(le) + "\"} " + std::to_string(ttft <= bound ? count : 0) + "\n";
    }
    out +=
        "dynamo_frontend_time_to_first_token_seconds_sum{dynamo_namespace=\"default-sglang-agg\","
        "model=\"Qwen/Qwen3-0.6B\"} " +
        std::to_string(count * ttft) + "\n";
    out +=
        "dynamo_frontend_time_to_first_token_seconds_count{dynamo_namespace=\"default-sglang-agg\","
        "model=\"Qwen/Qwen3-0.6B\"} " +
        std::to_string(count) + "\n";
    out +=
        "# TYPE dynamo_frontend_queued_requests gauge\n"
        "dynamo_frontend_queued_requests{dynamo_namespace=\"default-sglang-agg\","
        "model=\"Qwen/Qwen3-0.6B\"} 4\n";
    return out;
  }

  std::chrono::steady_clock::time_point born_ = std::chrono::steady_clock::now();
  std::unique_ptr<net::Server> server_;
};

// A node's kubelet /metrics/resource over HTTPS (any certificate, as
// metrics-server runs with --kubelet-insecure-tls), rendered as dynop-sim
// does: the frontend pod uses 0.315 cores of its 450m request (70%).
class StandInKubelet {
 public:
  bool start(std::string& error) {
    net::CertificateRequest certificate;
    certificate.common_name = "kubelet";
    certificate.ip_addresses = {"127.0.0.1"};
    auto cert = net::issue_certificate(certificate, nullptr, error);
    if (!cert) return false;
    net::ServerTlsConfig tls_config;
    tls_config.cert_pem = cert->cert_pem;
    tls_config.key_pem = cert->key_pem;
    auto tls = net::make_server_tls_context(tls_config, error);
    if (!tls) return false;
    net::ServerOptions options;
    options.tls = [tls] { return tls; };
    server_ = std::make_unique<net::Server>(
        options, [this](const net::Request& request, net::Responder responder) {
          responder.respond(request.path() == "/metrics/resource"
                                ? net::Response::text(200, render())
                                : net::Response::text(404, "not found"));
        });
    return server_->start(error);
  }
  std::uint16_t port() const { return server_->port(); }

 private:
  std::string render() const {
    const auto now = std::chrono::system_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    sim::ResourceSample pod{seconds * 0.315, 64.0 * 1024 * 1024, start_, now};
    sim::ResourceSample node{seconds * 2, 1024.0 * 1024 * 1024, start_, now};
    return sim::render_resource_metrics({{"default", "sglang-agg-frontend-0", "main", pod}}, node);
  }

  std::chrono::system_clock::time_point start_ = std::chrono::system_clock::now() - 1h;
  std::unique_ptr<net::Server> server_;
};

class AutoscalingE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(test::kKubectlPath) || !std::filesystem::exists(kPrometheus)) {
      return;
    }
    dir_ = new test::TempDir("dynop-autoscaling-e2e");
    frontend_ = new StandInFrontend();
    kubelet_ = new StandInKubelet();
    std::string error;
    if (!frontend_->start(error) || !kubelet_->start(error)) {
      setup_error_ = new std::string("stand-in servers: " + error);
      return;
    }
    prometheus_port_ = test::free_loopback_port();
    const std::string prometheus_url = "http://127.0.0.1:" + std::to_string(prometheus_port_);
    test::LocalCluster::Options options;
    options.extra_args = {"--prometheus-adapter-config",
                          test::source_path("examples/autoscaling/prometheus-adapter-values.yaml"),
                          "--prometheus-url",
                          prometheus_url,
                          "--metrics-relist-interval",
                          "2s",
                          "--horizontal-pod-autoscaler-sync-period",
                          "1s",
                          "--metric-resolution",
                          "1s",
                          "--horizontal-pod-autoscaler-cpu-initialization-period",
                          "0s",
                          "--horizontal-pod-autoscaler-initial-readiness-delay",
                          "0s"};
    cluster_ = new test::LocalCluster(options);
    if (!cluster_->ok()) {
      setup_error_ = new std::string(cluster_->error());
      return;
    }
    kubectl_ = new test::Kubectl(cluster_->kubeconfig(), dir_->path() / "kube-cache");

    // Prometheus, configured as make run configures it.
    const auto config = dir_->path() / "prometheus.yml";
    auto generated = test::Process::spawn(
        test::source_path("packaging/prometheus/prometheus-config.sh"),
        {"--api-server", cluster_->url(), "--ca-file", cluster_->data_dir() + "/pki/ca.crt",
         "--token-file", cluster_->data_dir() + "/token", "--interval", "1s"},
        error);
    if (!generated || generated->wait(20s) != 0) {
      setup_error_ = new std::string("prometheus-config.sh failed: " +
                                     (generated ? generated->stderr_text() : error));
      return;
    }
    std::ofstream(config) << generated->stdout_text();
    prometheus_ =
        test::Process::spawn(kPrometheus,
                             {"--config.file=" + config.string(),
                              "--storage.tsdb.path=" + (dir_->path() / "prometheus-data").string(),
                              "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_),
                              "--log.level=warn"},
                             error)
            .release();
    if (!prometheus_) setup_error_ = new std::string("prometheus: " + error);
  }
  static void TearDownTestSuite() {
    delete prometheus_;
    delete kubectl_;
    delete cluster_;
    delete kubelet_;
    delete frontend_;
    delete dir_;
    delete setup_error_;
  }
  void SetUp() override {
    if (!std::filesystem::exists(test::kKubectlPath)) GTEST_SKIP() << "no kubectl";
    if (!std::filesystem::exists(kPrometheus)) GTEST_SKIP() << "no " << kPrometheus;
    ASSERT_EQ(setup_error_, nullptr) << *setup_error_;
  }

  static std::string ok(const std::vector<std::string>& args, const std::string& input = "") {
    return kubectl_->ok(args, input);
  }
  static test::RunResult kubectl(const std::vector<std::string>& args,
                                 const std::string& input = "") {
    return kubectl_->run(args, input);
  }
  static json::value raw(const std::string& path) {
    auto r = kubectl({"get", "--raw", path});
    if (r.exit_code != 0) return nullptr;
    return json::parse(r.out);
  }

  // The guide's sglang-agg frontend pod, running at the stand-in's address,
  // and the decode adapter (the upstream CRD) whose /scale the HPAs drive.
  static void make_workload() {
    static std::once_flag once;
    std::call_once(once, [] {
      ok({"apply", "-f",
          test::reference_dir() +
              "/upstream-dynamo-0.8/nvidia.com_dynamographdeploymentscalingadapters.yaml"});
      ok({"wait", "--for=condition=Established", "crd",
          "dynamographdeploymentscalingadapters.nvidia.com", "--timeout=30s"});
      const std::string port = std::to_string(frontend_->port());
      ok({"apply", "-f", "-"}, R"(apiVersion: v1
kind: Pod
metadata:
  name: sglang-agg-frontend-0
  namespace: default
  labels:
    nvidia.com/metrics-enabled: "true"
    nvidia.com/dynamo-component-type: frontend
    nvidia.com/dynamo-namespace: default-sglang-agg
    nvidia.com/selector: sglang-agg-frontend
spec:
  nodeName: gpu-0
  containers:
  - name: main
    image: frontend:1
    resources: {requests: {cpu: 450m}}
    ports: [{name: http, containerPort: )" +
                                   port + R"(}]
)");
      ok({"patch", "pod", "sglang-agg-frontend-0", "-n", "default", "--subresource=status",
          "--type=merge", "-p",
          std::string(R"({"status":{"phase":"Running","podIP":")") + kPodIp +
              R"(","startTime":"2026-01-01T00:00:00Z","conditions":[{"type":"Ready","status":"True",)"
              R"("lastTransitionTime":"2026-01-01T00:00:00Z"}]}})"});
      // A decode worker: an HPA with a Value target counts the target's ready pods.
      ok({"apply", "-f", "-"}, R"(apiVersion: v1
kind: Pod
metadata:
  name: sglang-agg-decode-0
  namespace: default
  labels: {nvidia.com/selector: sglang-agg-decode}
spec:
  containers: [{name: main, image: worker:1}]
)");
      ok({"patch", "pod", "sglang-agg-decode-0", "-n", "default", "--subresource=status",
          "--type=merge", "-p",
          R"({"status":{"phase":"Running","startTime":"2026-01-01T00:00:00Z",)"
          R"("conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"}]}})"});
      for (const char* service : {"decode", "frontend"}) {
        const std::string name = std::string("sglang-agg-") + service;
        ok({"apply", "-f", "-"},
           "apiVersion: nvidia.com/v1alpha1\n"
           "kind: DynamoGraphDeploymentScalingAdapter\n"
           "metadata: {name: " +
               name +
               ", namespace: default}\n"
               "spec:\n  replicas: 1\n  dgdRef: {name: sglang-agg, serviceName: " +
               service + "}\n");
        ok({"patch", "dgdsa", name, "-n", "default", "--subresource=status", "--type=merge", "-p",
            R"({"status":{"replicas":1,"selector":"nvidia.com/selector=)" + name + R"("}})"});
      }
    });
  }

  static test::TempDir* dir_;
  static StandInFrontend* frontend_;
  static StandInKubelet* kubelet_;
  static test::LocalCluster* cluster_;
  static test::Kubectl* kubectl_;
  static test::Process* prometheus_;
  static std::uint16_t prometheus_port_;
  static std::string* setup_error_;
};

test::TempDir* AutoscalingE2E::dir_ = nullptr;
StandInFrontend* AutoscalingE2E::frontend_ = nullptr;
StandInKubelet* AutoscalingE2E::kubelet_ = nullptr;
test::LocalCluster* AutoscalingE2E::cluster_ = nullptr;
test::Kubectl* AutoscalingE2E::kubectl_ = nullptr;
test::Process* AutoscalingE2E::prometheus_ = nullptr;
std::uint16_t AutoscalingE2E::prometheus_port_ = 0;
std::string* AutoscalingE2E::setup_error_ = nullptr;

TEST_F(AutoscalingE2E, GuideExternalMetricFromARealPrometheus) {
  make_workload();
  // Once Prometheus has found the pod and scraped it twice, and the adapter
  // has relisted, the guide's command answers.
  const std::string path =
      "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/dynamo_ttft_p95_seconds";
  json::value list;
  ASSERT_TRUE(test::eventually(
      [&] {
        list = raw(path);
        return list.is_object() && !list.at("items").as_array().empty();
      },
      90))
      << "no value; prometheus: " << prometheus_->stderr_text();
  EXPECT_EQ(field_text(list, {"kind"}), "ExternalMetricValueList");
  const auto& item = list.at("items").as_array()[0];
  EXPECT_EQ(field_text(item, {"metricName"}), "dynamo_ttft_p95_seconds");
  EXPECT_EQ(field_text(item, {"value"}), "2425m");
  EXPECT_EQ(field_text(item, {"metricLabels"}),
            R"({"dynamo_namespace":"default-sglang-agg","namespace":"default"})");

  // Discovery lists the adapter's metrics and KEDA's, as the aggregator does.
  auto discovery = raw("/apis/external.metrics.k8s.io/v1beta1");
  std::set<std::string> names;
  for (const auto& r : discovery.at("resources").as_array()) {
    names.insert(std::string(r.at("name").as_string()));
    EXPECT_EQ(field_text(r, {"kind"}), "ExternalMetricValueList");
  }
  EXPECT_EQ(names, (std::set<std::string>{"dynamo_queued_requests", "dynamo_ttft_p95_seconds",
                                          "externalmetrics"}));
  auto queued =
      raw("/apis/external.metrics.k8s.io/v1beta1/namespaces/default/"
          "dynamo_queued_requests?labelSelector=dynamo_namespace%3Ddefault-sglang-agg");
  ASSERT_TRUE(queued.is_object());
  EXPECT_EQ(field_text(queued.at("items").as_array().at(0), {"value"}), "4");
  auto missing =
      kubectl({"get", "--raw", "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/nope"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("the server could not find the metric nope for namespaces"),
            std::string::npos)
      << missing.err;
}

TEST_F(AutoscalingE2E, GuideHpaScalesTheDecodeAdapterOnTtft) {
  make_workload();
  ok({"apply", "-f", "-"}, source("examples/autoscaling/sglang-agg-decode-hpa.yaml"));
  // p95 2.425 s against 500m: 1 -> 5 wanted, 2 pods per 30 s allowed -> 3.
  ASSERT_TRUE(test::eventually(
      [&] {
        return field_text(kubectl_->get_json({"dgdsa", "sglang-agg-decode", "-n", "default"}),
                          {"spec", "replicas"}) == "3";
      },
      90))
      << ok({"describe", "hpa", "sglang-agg-decode-hpa", "-n", "default"});
  auto hpa = kubectl_->get_json({"hpa", "sglang-agg-decode-hpa", "-n", "default"});
  EXPECT_EQ(field_text(hpa, {"status", "desiredReplicas"}), "3");
  EXPECT_EQ(field_text(hpa.at("status").at("currentMetrics").as_array().at(0),
                       {"external", "current", "value"}),
            "2425m");
  auto events =
      ok({"get", "events", "-n", "default", "--field-selector",
          "involvedObject.name=sglang-agg-decode-hpa", "-o",
          "jsonpath={range .items[*]}{.source.component} {.reason} {.message}{\"\\n\"}{end}"});
  EXPECT_NE(
      events.find("horizontal-pod-autoscaler SuccessfulRescale New size: 3; reason: external "
                  "metric dynamo_ttft_p95_seconds(&LabelSelector{MatchLabels:map[string]string{"
                  "dynamo_namespace: default-sglang-agg,},MatchExpressions:[]"
                  "LabelSelectorRequirement{},}) above target"),
      std::string::npos)
      << events;
  auto rows = test::table_rows(ok({"get", "hpa", "sglang-agg-decode-hpa", "-n", "default"}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][2], "2425m/500m");
  auto described = ok({"describe", "hpa", "sglang-agg-decode-hpa", "-n", "default"});
  EXPECT_NE(described.find("ScalingActive   True    ValidMetricFound"), std::string::npos)
      << described;
  ok({"delete", "hpa", "sglang-agg-decode-hpa", "-n", "default"});
}

TEST_F(AutoscalingE2E, GuideScaledObjectMakesKedasHpa) {
  make_workload();
  const std::string prometheus = "http://127.0.0.1:" + std::to_string(prometheus_port_);
  ok({"apply", "-f", "-"},
     replaced(source("examples/autoscaling/sglang-agg-decode-scaler.yaml"),
              "http://prometheus-kube-prometheus-prometheus.monitoring.svc:9090", prometheus));
  ASSERT_TRUE(test::eventually(
      [&] {
        auto so = kubectl_->get_json({"so", "sglang-agg-decode-scaler", "-n", "default"});
        return field_text(so, {"status", "hpaName"}) == "keda-hpa-sglang-agg-decode-scaler";
      },
      60));
  auto so_rows = test::table_rows(ok({"get", "scaledobject", "-n", "default"}));
  ASSERT_EQ(so_rows.size(), 2u);
  EXPECT_EQ(std::vector<std::string>(so_rows[0].begin(), so_rows[0].end()),
            (std::vector<std::string>{"NAME", "SCALETARGETKIND", "SCALETARGETNAME", "MIN", "MAX",
                                      "READY", "ACTIVE", "FALLBACK", "PAUSED", "TRIGGERS",
                                      "AUTHENTICATIONS", "AGE"}));
  EXPECT_EQ(so_rows[1][1], "nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(so_rows[1][2], "sglang-agg-decode");
  EXPECT_EQ(so_rows[1][5], "True");  // Ready

  // The guide's `kubectl get hpa`: KEDA's HPA on the adapter with its
  // External metric, an average value target of the threshold.
  ASSERT_TRUE(test::eventually(
      [&] {
        auto rows = test::table_rows(
            ok({"get", "hpa", "keda-hpa-sglang-agg-decode-scaler", "-n", "default"}));
        return rows.size() == 2 && rows[1][2].find("<unknown>") == std::string::npos;
      },
      60))
      << ok({"describe", "hpa", "keda-hpa-sglang-agg-decode-scaler", "-n", "default"})
      << ok({"describe", "so", "sglang-agg-decode-scaler", "-n", "default"});
  auto rows =
      test::table_rows(ok({"get", "hpa", "keda-hpa-sglang-agg-decode-scaler", "-n", "default"}));
  EXPECT_EQ(rows[1][1], "DynamoGraphDeploymentScalingAdapter/sglang-agg-decode");
  EXPECT_EQ(rows[1][3], "(avg)");
  EXPECT_EQ(rows[1][4], "1");   // MINPODS
  EXPECT_EQ(rows[1][5], "10");  // MAXPODS
  // KEDA's metric: an empty query result is 0 until Prometheus has scraped
  // the frontend twice (rate() needs two samples), then the guide's p95.
  json::value value;
  EXPECT_TRUE(test::eventually(
      [&] {
        value =
            raw("/apis/external.metrics.k8s.io/v1beta1/namespaces/default/s0-prometheus"
                "?labelSelector=scaledobject.keda.sh%2Fname%3Dsglang-agg-decode-scaler");
        return value.is_object() && !value.at("items").as_array().empty() &&
               field_text(value.at("items").as_array()[0], {"value"}) == "2425m";
      },
      90))
      << json::serialize(value);
  auto described = ok({"describe", "scaledobject", "sglang-agg-decode-scaler", "-n", "default"});
  EXPECT_NE(described.find("ScaledObjectReady"), std::string::npos) << described;

  // Paused: KEDA removes its HPA and says so.
  ok({"annotate", "so", "sglang-agg-decode-scaler", "-n", "default",
      "autoscaling.keda.sh/paused=true"});
  ASSERT_TRUE(test::eventually(
      [&] {
        return kubectl({"get", "hpa", "keda-hpa-sglang-agg-decode-scaler", "-n", "default"})
                   .exit_code != 0;
      },
      30));
  // kubectl -o json sorts keys.
  const std::string paused =
      R"({"message":"ScaledObject is paused","reason":"ScaledObjectPaused","status":"True",)"
      R"("type":"Paused"})";
  EXPECT_TRUE(test::eventually(
      [&] {
        auto so = kubectl_->get_json({"so", "sglang-agg-decode-scaler", "-n", "default"});
        return field_text(so, {"status", "conditions"}).find(paused) != std::string::npos;
      },
      30));
  ok({"delete", "so", "sglang-agg-decode-scaler", "-n", "default", "--timeout=30s"});
}

// KEDA scales to zero after the cooldown when the trigger is not active
// (TTFT 2.425 s below an activation threshold of 100 s) and back up to one
// when it is again (threshold 1 s), with KEDA's events.
TEST_F(AutoscalingE2E, ScaledObjectScalesToZeroAndBack) {
  make_workload();
  const std::string prometheus = "http://127.0.0.1:" + std::to_string(prometheus_port_);
  std::string manifest =
      replaced(source("examples/autoscaling/sglang-agg-decode-scaler.yaml"),
               "http://prometheus-kube-prometheus-prometheus.monitoring.svc:9090", prometheus);
  manifest = replaced(manifest, "name: sglang-agg-decode-scaler", "name: to-zero");
  manifest = replaced(manifest, "minReplicaCount: 1", "minReplicaCount: 0");
  manifest = replaced(manifest, "pollingInterval: 15", "pollingInterval: 1");
  manifest = replaced(manifest, "cooldownPeriod: 60 ", "cooldownPeriod: 2 ");
  ok({"apply", "-f", "-"},
     replaced(manifest, "activationThreshold: \"0.1\"", "activationThreshold: \"100\""));
  auto replicas = [] {
    return field_text(kubectl_->get_json({"dgdsa", "sglang-agg-decode", "-n", "default"}),
                      {"spec", "replicas"});
  };
  ASSERT_TRUE(test::eventually([&] { return replicas() == "0"; }, 60))
      << ok({"describe", "so", "to-zero", "-n", "default"});
  auto so = kubectl_->get_json({"so", "to-zero", "-n", "default"});
  EXPECT_NE(field_text(so, {"status", "conditions"})
                .find(R"({"message":"Scaling is not performed because triggers are not active",)"
                      R"("reason":"ScalerNotActive","status":"False","type":"Active"})"),
            std::string::npos)
      << field_text(so, {"status", "conditions"});

  ok({"apply", "-f", "-"},
     replaced(manifest, "activationThreshold: \"0.1\"", "activationThreshold: \"1\""));
  ASSERT_TRUE(test::eventually([&] { return replicas() != "0"; }, 60))
      << ok({"describe", "so", "to-zero", "-n", "default"});
  auto events =
      ok({"get", "events", "-n", "default", "--field-selector", "involvedObject.name=to-zero", "-o",
          "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"});
  EXPECT_NE(events.find("KEDAScaleTargetDeactivated: Deactivated "
                        "nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter "
                        "default/sglang-agg-decode from "),
            std::string::npos)
      << events;
  EXPECT_NE(events.find("KEDAScaleTargetActivated: Scaled "
                        "nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter "
                        "default/sglang-agg-decode from 0 to 1, triggered by prometheusScaler"),
            std::string::npos)
      << events;
  ok({"delete", "so", "to-zero", "-n", "default", "--timeout=30s"});
}

// The guide's KEDA rule written as a dynop autoscaler plugin: promql-scaler,
// built against the installed SDK (tests/CMakeLists.txt), in the real host,
// configured from the guide's ScaledObject (query, threshold, activation,
// min/max) with the host's prometheus.url pointing at this suite's real
// Prometheus. The p95 the stand-in frontend produces is 2.425 s, so the rule
// wants ceil(2.425 / 0.5) = 5 replicas. Its own namespace keeps it from
// fighting the HPA and KEDA tests over the default namespace's adapter.
TEST_F(AutoscalingE2E, GuideKedaRuleAsADynopPluginScalesOnTheRealPrometheus) {
  const char* built = std::getenv("DYNOP_OUT_OF_TREE_PLUGIN_DIR");
  ASSERT_NE(built, nullptr) << "DYNOP_OUT_OF_TREE_PLUGIN_DIR is not set (ctest sets it)";
  make_workload();
  ok({"create", "namespace", "plugin-scaled"});
  ok({"apply", "-f", "-"}, R"(apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeploymentScalingAdapter
metadata: {name: sglang-agg-decode, namespace: plugin-scaled}
spec:
  replicas: 1
  dgdRef: {name: sglang-agg, serviceName: decode}
)");

  const YAML::Node rule =
      YAML::LoadFile(test::source_path("examples/autoscaling/sglang-agg-decode-scaler.yaml"));
  const YAML::Node trigger = rule["spec"]["triggers"][0]["metadata"];
  YAML::Node plugin;
  plugin["target"]["namespace"] = "plugin-scaled";
  plugin["target"]["name"] = rule["spec"]["scaleTargetRef"]["name"].as<std::string>();
  plugin["query"] = trigger["query"].as<std::string>();
  plugin["threshold"] = std::stod(trigger["threshold"].as<std::string>());
  plugin["activationThreshold"] = std::stod(trigger["activationThreshold"].as<std::string>());
  plugin["minReplicas"] = rule["spec"]["minReplicaCount"].as<int>();
  plugin["maxReplicas"] = rule["spec"]["maxReplicaCount"].as<int>();
  plugin["intervalSeconds"] = 1;  // the guide polls every 15 s
  plugin["cooldownSeconds"] = rule["spec"]["cooldownPeriod"].as<int>();
  YAML::Node config;
  const auto plugins = dir_->path() / "promql-plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::create_symlink(std::filesystem::path(built) / "promql_scaler.so",
                                  plugins / "promql_scaler.so");
  config["pluginDir"] = plugins.string();
  config["metricsAddress"] = "127.0.0.1:0";
  config["prometheus"]["url"] = "http://127.0.0.1:" + std::to_string(prometheus_port_);
  config["autoscaling"]["identities"]["promql-scaler"] =
      "system:serviceaccount:plugin-scaled:promql-scaler";
  config["pluginConfig"]["promql-scaler"] = plugin;
  YAML::Emitter emitted;
  emitted << config;
  const std::string config_file = dir_->write("promql-dynop.yaml", emitted.c_str());

  test::SpawnOptions spawn;
  spawn.unset_env = {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"};
  std::string error;
  auto host = test::Process::spawn(test::binary_path("bin/dynop"),
                                   {"--config", config_file, "--kubeconfig", cluster_->kubeconfig(),
                                    "--leader-election-namespace", "plugin-scaled"},
                                   error, spawn);
  ASSERT_TRUE(host) << error;
  const std::string adapter = "dgdsa/sglang-agg-decode";
  EXPECT_TRUE(test::eventually(
      [&] {
        return ok({"get", adapter, "-n", "plugin-scaled", "-o", "jsonpath={.spec.replicas}"}) ==
               "5";
      },
      90))
      << host->stderr_text();
  auto described = ok({"describe", adapter, "-n", "plugin-scaled"});
  EXPECT_TRUE(std::regex_search(
      described, std::regex(R"(Normal +ScaledByPlugin +\S+ +dynop +promql-scaler: 1 -> 5: )"
                            R"(query 2\.42[0-9]+, threshold 0\.500000 per replica)")))
      << described << host->stderr_text();
  // The write went through /scale as the configured identity's field manager.
  EXPECT_NE(ok({"get", adapter, "-n", "plugin-scaled", "--show-managed-fields", "-o",
                "jsonpath={.metadata.managedFields[*].manager}"})
                .find("dynop-promql-scaler"),
            std::string::npos);
  ASSERT_TRUE(host->signal(SIGTERM));
  EXPECT_EQ(host->wait(60s), 0) << host->stderr_text();
  ok({"delete", "namespace", "plugin-scaled"});
}

TEST_F(AutoscalingE2E, MetricsServerApiAndTheGuideCpuHpa) {
  make_workload();
  ok({"apply", "-f", "-"}, R"(apiVersion: v1
kind: Node
metadata: {name: gpu-0}
)");
  ok({"patch", "node", "gpu-0", "--subresource=status", "--type=merge", "-p",
      R"({"status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"}],)"
      R"("daemonEndpoints":{"kubeletEndpoint":{"Port":)" +
          std::to_string(kubelet_->port()) + "}}}}"});
  json::value pod;
  ASSERT_TRUE(test::eventually(
      [&] {
        pod = raw("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/sglang-agg-frontend-0");
        return pod.is_object();
      },
      30));
  EXPECT_EQ(field_text(pod, {"kind"}), "PodMetrics");
  const auto usage = field_text(pod.at("containers").as_array().at(0), {"usage", "cpu"});
  EXPECT_TRUE(std::regex_match(usage, std::regex(R"(31[0-9]m|31[0-9]{7}n)"))) << usage;  // ~315m
  auto top = ok({"top", "pod", "sglang-agg-frontend-0", "-n", "default"});
  EXPECT_NE(top.find("sglang-agg-frontend-0"), std::string::npos) << top;

  ok({"apply", "-f", "-"}, source("examples/autoscaling/sglang-agg-frontend-hpa.yaml"));
  ASSERT_TRUE(test::eventually(
      [&] {
        auto rows =
            test::table_rows(ok({"get", "hpa", "sglang-agg-frontend-hpa", "-n", "default"}));
        return rows.size() == 2 && rows[1][3].find("<unknown>") == std::string::npos;
      },
      30));
  auto rows = test::table_rows(ok({"get", "hpa", "sglang-agg-frontend-hpa", "-n", "default"}));
  EXPECT_EQ(rows[1][2], "cpu:");
  // 0.315 cores of a 450m request; the rate's last nanocore may round either way.
  EXPECT_TRUE(std::regex_match(rows[1][3], std::regex("(69|70)%/70%"))) << rows[1][3];
  ok({"delete", "hpa", "sglang-agg-frontend-hpa", "-n", "default"});
}

}  // namespace
}  // namespace dynop::e2e
