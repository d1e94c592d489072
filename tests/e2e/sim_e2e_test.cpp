// dynop-sim through `make run`'s own setup (packaging/run-local.sh): the
// real dynop-localcluster, dynop with its default plugins (the dgd plugin, the
// gpu-scheduler) and dynop-sim as processes, driven with the real kubectl and
// plain HTTP, as a user would. The sim runs 10x faster than real time (load
// and start-up delays alike), with a load step on the guide's example: 2
// requests/s of 3,000 input tokens, then 40/s from 150 s of simulated time,
// more than one H200 engine prefills (~47,000 tokens/s), less than four do.
//
// One setup for the whole suite (ONE_PROCESS in CMakeLists.txt), tests in
// order: what the cluster shows, the load step, then faults.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>

#include "lib/net/http_client.hpp"
#include "lib/prometheus/text_format.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_local_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr int kConvergeSeconds = 60;
const char kFrontend[] = "nvidia.com/dynamo-component-type=frontend";
const char kDecode[] = "nvidia.com/dynamo-component=decode";

std::string load_file() {
  return R"(speedup: 10
graphs:
- namespace: default
  dgd: sglang-agg
  model: Qwen/Qwen3-0.6B
  profile: )" +
         test::source_path("sim/profiles/engines/dynamo_h200_llama31_8b_fp8_vllm.json") + R"(
  load:
    step: [{at: 0, rate: 2}, {at: 150s, rate: 40}]
    input_tokens: 3000
    output_tokens: 50
)";
}

class SimE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (auto missing = test::RunLocalSetup::missing_prerequisite(); !missing.empty()) {
      skip_reason_ = new std::string(missing);
      return;
    }
    dir_ = new test::TempDir("sim-e2e");
    test::RunLocalSetup::Options options;
    options.sim_load = dir_->write("load.yaml", load_file());
    setup_ = new test::RunLocalSetup(options);
  }

  static void TearDownTestSuite() {
    if (setup_ != nullptr && setup_->ready()) {
      EXPECT_EQ(setup_->stop(), 0) << "run-local.sh did not stop cleanly\n" << setup_->log();
    }
    delete setup_;
    delete dir_;
    delete skip_reason_;
    setup_ = nullptr;
    dir_ = nullptr;
    skip_reason_ = nullptr;
  }

  void SetUp() override {
    if (skip_reason_ != nullptr) GTEST_SKIP() << *skip_reason_;
    ASSERT_TRUE(setup_ != nullptr && setup_->ready()) << (setup_ ? setup_->log() : "");
    std::string error;
    net::ClientOptions client;
    client.request_timeout = 10s;
    http_ = net::HttpClient::create(client, error);
    ASSERT_TRUE(http_) << error;
  }

  static json::value get_json(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"get"};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(), {"-o", "json"});
    auto r = setup_->kubectl(all);
    if (r.exit_code != 0) return json::value();
    return json::parse(r.out);
  }

  static json::array pods(const std::string& selector) {
    json::value list = get_json({"pods", "-n", "default", "-l", selector});
    return list.is_object() ? list.at("items").as_array() : json::array();
  }

  static std::string condition(const json::value& object, const std::string& type) {
    const json::value* conditions = object.is_object() && object.as_object().contains("status")
                                        ? object.at("status").as_object().if_contains("conditions")
                                        : nullptr;
    if (conditions == nullptr || !conditions->is_array()) return "<none>";
    for (const json::value& c : conditions->as_array()) {
      if (test::field_text(c, {"type"}) == type) return test::field_text(c, {"status"});
    }
    return "<missing>";
  }

  static json::value dgd() { return get_json({"dgd", "sglang-agg", "-n", "default"}); }

  // The DGD's Ready condition is True with every service's pods Ready.
  static bool dgd_ready(int decode_replicas) {
    json::value d = dgd();
    return condition(d, "Ready") == "True" &&
           test::field_text(d, {"status", "services", "decode", "readyReplicas"}) ==
               std::to_string(decode_replicas);
  }

  // The DGD's Ready condition message while `service` is short of Ready pods.
  static std::string dgd_not_ready_message() {
    json::value d = dgd();
    if (condition(d, "Ready") != "False") return "";
    for (const json::value& c : d.at("status").at("conditions").as_array()) {
      if (test::field_text(c, {"type"}) == "Ready") return test::field_text(c, {"message"});
    }
    return "";
  }

  std::string frontend_ip() {
    json::array fe = pods(kFrontend);
    return fe.empty() ? "" : test::field_text(fe[0], {"status", "podIP"});
  }

  net::ClientResult http_get(const std::string& url) {
    net::ClientRequest request;
    request.url = url;
    return http_->request(request);
  }

  net::ClientResult admin(const std::string& method, const std::string& path) {
    net::ClientRequest request;
    request.method = method;
    request.url = setup_->sim_admin_url() + path;
    request.headers.emplace_back("Authorization", "Bearer " + setup_->sim_admin_token());
    return http_->request(request);
  }

  // The frontend's TTFT histogram: (sum of seconds, count), from its /metrics.
  std::pair<double, double> ttft_totals(const std::string& ip) {
    auto r = http_get("http://" + ip + ":8000/metrics");
    if (!r.ok() || r.response->status != 200) return {NAN, NAN};
    auto parsed = prometheus::parse_text_format(r.response->body);
    if (!parsed) return {NAN, NAN};
    double sum = 0, count = 0;
    for (const auto& s : parsed->samples) {
      if (s.name == "dynamo_frontend_time_to_first_token_seconds_sum") sum += s.value;
      if (s.name == "dynamo_frontend_time_to_first_token_seconds_count") count += s.value;
    }
    return {sum, count};
  }

  // The mean TTFT of the requests that got their first token in the next
  // two wall seconds (20 simulated seconds).
  double mean_ttft_over_next_window(const std::string& ip) {
    auto [s0, c0] = ttft_totals(ip);
    std::this_thread::sleep_for(2s);
    auto [s1, c1] = ttft_totals(ip);
    return c1 > c0 ? (s1 - s0) / (c1 - c0) : NAN;
  }

  static inline test::RunLocalSetup* setup_ = nullptr;
  static inline test::TempDir* dir_ = nullptr;
  static inline std::string* skip_reason_ = nullptr;
  std::unique_ptr<net::HttpClient> http_;
};

TEST_F(SimE2E, NodesAppearWithGpuLabelsAndAllocatable) {
  json::value nodes = get_json({"nodes"});
  ASSERT_TRUE(nodes.is_object());
  int h100 = 0, h200 = 0;
  for (const json::value& node : nodes.at("items").as_array()) {
    const std::string product =
        test::field_text(node, {"metadata", "labels", "nvidia.com/gpu.product"});
    h100 += product == "NVIDIA-H100-80GB-HBM3";
    h200 += product == "NVIDIA-H200";
    EXPECT_EQ(test::field_text(node, {"metadata", "labels", "nvidia.com/gpu.count"}), "8");
    EXPECT_EQ(test::field_text(node, {"status", "allocatable", "nvidia.com/gpu"}), "8");
    EXPECT_EQ(test::field_text(node, {"status", "capacity", "nvidia.com/gpu"}), "8");
    EXPECT_EQ(condition(node, "Ready"), "True");
  }
  EXPECT_EQ(h100, 4);
  EXPECT_EQ(h200, 2);
  // Each has its renewed Lease, as a kubelet keeps one.
  json::value leases = get_json({"leases", "-n", "kube-node-lease"});
  ASSERT_TRUE(leases.is_object());
  EXPECT_EQ(leases.at("items").as_array().size(), 6u);
}

TEST_F(SimE2E, TheExamplesPodsRunOnGpuNodesAndTheDgdIsReady) {
  ASSERT_TRUE(test::eventually([] { return dgd_ready(1); }, kConvergeSeconds))
      << json::serialize(dgd()) << setup_->log();
  for (const char* selector : {kFrontend, kDecode}) {
    json::array list = pods(selector);
    ASSERT_EQ(list.size(), 1u) << selector;
    const json::value& pod = list[0];
    EXPECT_EQ(test::field_text(pod, {"status", "phase"}), "Running");
    EXPECT_EQ(condition(pod, "Ready"), "True");
    EXPECT_EQ(condition(pod, "PodScheduled"), "True");
    EXPECT_NE(test::field_text(pod, {"spec", "nodeName"}), "<missing>");
    EXPECT_NE(test::field_text(pod, {"status", "podIP"}), "<missing>");
  }
  // `kubectl get pods -o wide`: Running, 1/1, on a simulated node.
  auto rows = test::table_rows(setup_->kubectl_ok({"get", "pods", "-n", "default", "-o", "wide"}));
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][1], "1/1");
    EXPECT_EQ(rows[i][2], "Running");
    EXPECT_TRUE(rows[i][6].rfind("h100-", 0) == 0 || rows[i][6].rfind("h200-", 0) == 0)
        << rows[i][6];
  }
  // `kubectl get events`: each pod's Scheduled event, from dynop-gpu-scheduler, names the
  // node the pod runs on.
  for (const char* selector : {kFrontend, kDecode}) {
    const json::value pod = pods(selector).at(0);
    const std::string name = test::field_text(pod, {"metadata", "name"});
    const std::string events = setup_->kubectl_ok(
        {"get", "events", "-n", "default", "--field-selector",
         "reason=Scheduled,involvedObject.name=" + name, "-o",
         "jsonpath={range .items[*]}{.source.component} {.type} {.message}{\"\\n\"}{end}"});
    EXPECT_EQ(events, "dynop-gpu-scheduler Normal Successfully assigned default/" + name + " to " +
                          test::field_text(pod, {"spec", "nodeName"}) + "\n");
  }
}

TEST_F(SimE2E, TheFrontendsMetricsAnswerOnItsPodIpWithUpstreamNamesAndBuckets) {
  ASSERT_TRUE(test::eventually([] { return dgd_ready(1); }, kConvergeSeconds));
  const std::string ip = frontend_ip();
  std::optional<prometheus::TextExposition> metrics;
  // The load has started and requests have completed.
  ASSERT_TRUE(test::eventually(
      [&] {
        auto r = http_get("http://" + ip + ":8000/metrics");
        if (!r.ok() || r.response->status != 200) return false;
        auto parsed = prometheus::parse_text_format(r.response->body);
        if (!parsed) return false;
        metrics = std::move(*parsed);
        const auto* done = metrics->find("dynamo_frontend_requests_total", {{"status", "success"}});
        return done != nullptr && done->value > 0;
      },
      kConvergeSeconds));
  for (const char* histogram :
       {"dynamo_frontend_time_to_first_token_seconds",
        "dynamo_frontend_inter_token_latency_seconds", "dynamo_frontend_request_duration_seconds",
        "dynamo_frontend_input_sequence_tokens", "dynamo_frontend_output_sequence_tokens"}) {
    EXPECT_EQ(metrics->types[histogram], "histogram") << histogram;
  }
  for (const char* gauge : {"dynamo_frontend_inflight_requests", "dynamo_frontend_queued_requests"})
    EXPECT_EQ(metrics->types[gauge], "gauge") << gauge;
  EXPECT_EQ(metrics->types["dynamo_frontend_output_tokens_total"], "counter");
  const auto* requests =
      metrics->find("dynamo_frontend_requests_total", {{"dynamo_namespace", "default-sglang-agg"},
                                                       {"model", "Qwen/Qwen3-0.6B"},
                                                       {"endpoint", "chat_completions"},
                                                       {"request_type", "stream"},
                                                       {"status", "success"}});
  EXPECT_NE(requests, nullptr);
  // Upstream's TTFT buckets (log-spaced 0.001 s to 480 s, two significant figures).
  const std::vector<double> upstream = {0, 0.0022, 0.0047, 0.01, 0.022, 0.047, 0.1, 0.22, 0.47,
                                        1, 2.2,    4.7,    10,   22,    48,    100, 220,  480};
  std::vector<double> seen;
  for (const auto& s : metrics->samples) {
    if (s.name == "dynamo_frontend_time_to_first_token_seconds_bucket" &&
        s.labels.at("le") != "+Inf")
      seen.push_back(std::stod(s.labels.at("le")));
  }
  ASSERT_EQ(seen.size(), upstream.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_NEAR(seen[i], upstream[i], 1e-12) << i;
  auto health = http_get("http://" + ip + ":8000/health");
  ASSERT_TRUE(health.ok()) << health.error;
  EXPECT_EQ(health.response->status, 200);
}

TEST_F(SimE2E, TtftRisesWhileCapacityIsShortAndFallsOnceTheScaleUpsPodsAreReady) {
  ASSERT_TRUE(test::eventually([] { return dgd_ready(1); }, kConvergeSeconds));
  const std::string ip = frontend_ip();
  // Before the step (or just after it): a bare prefill, well under a second.
  // Then the step to 40 requests/s: one engine falls behind and the TTFT of
  // each window is longer than the one before.
  std::vector<double> windows;
  ASSERT_TRUE(test::eventually(
      [&] {
        windows.push_back(mean_ttft_over_next_window(ip));
        return windows.size() >= 2 && windows.back() > 5.0;
      },
      kConvergeSeconds))
      << ::testing::PrintToString(windows);
  EXPECT_LT(windows.front(), 1.0) << ::testing::PrintToString(windows);
  const double short_late = mean_ttft_over_next_window(ip);
  EXPECT_GT(short_late, windows.back()) << "the backlog grows while capacity is short";

  // The guide's manual scale-up: three more decode workers; TTFT falls only
  // once they are Ready and have worked off the backlog.
  setup_->kubectl_ok({"scale", "dgdsa", "sglang-agg-decode", "-n", "default", "--replicas=4"});
  ASSERT_TRUE(test::eventually([] { return dgd_ready(4); }, kConvergeSeconds))
      << json::serialize(dgd());
  std::vector<double> after;
  EXPECT_TRUE(test::eventually(
      [&] {
        after.push_back(mean_ttft_over_next_window(ip));
        return after.back() < 0.5;
      },
      90))
      << ::testing::PrintToString(after);
}

// Graceful deletion, a crashed container and a NotReady node: each takes a
// pod out of service, the dgd plugin's DGD status says which service is short
// (Ready=False, "Services not ready: ..."), then the DGD is Ready again.
TEST_F(SimE2E, DeletionACrashAndANotReadyNodeShowInTheDgdStatus) {
  ASSERT_TRUE(test::eventually([] { return dgd_ready(1) || dgd_ready(4); }, kConvergeSeconds));
  json::array decode = pods(kDecode);
  ASSERT_FALSE(decode.empty());
  const int replicas = static_cast<int>(decode.size());
  const std::string short_decode = "Services not ready: decode (" + std::to_string(replicas - 1) +
                                   "/" + std::to_string(replicas) + " ready)";

  // Graceful deletion: the kubelet (the sim) ends the pod and deletes it;
  // the dgd plugin replaces it.
  const std::string deleted = test::field_text(decode[0], {"metadata", "name"});
  const std::string deleted_uid = test::field_text(decode[0], {"metadata", "uid"});
  setup_->kubectl_ok({"delete", "pod", deleted, "-n", "default", "--wait=false"});
  EXPECT_TRUE(test::eventually([&] { return dgd_not_ready_message() == short_decode; }, 30))
      << json::serialize(dgd());
  EXPECT_TRUE(test::eventually(
      [&] {
        for (const json::value& p : pods(kDecode))
          if (test::field_text(p, {"metadata", "uid"}) == deleted_uid) return false;
        return true;
      },
      30));
  ASSERT_TRUE(test::eventually([&] { return dgd_ready(replicas); }, kConvergeSeconds))
      << json::serialize(dgd());

  // A crashed container: restartCount 1, not Ready until it has started again.
  const std::string crashed = test::field_text(pods(kDecode)[0], {"metadata", "name"});
  auto crash = admin("POST", "/admin/pods/default/" + crashed + "/crash");
  ASSERT_TRUE(crash.ok()) << crash.error;
  EXPECT_EQ(crash.response->status, 200) << crash.response->body;
  EXPECT_TRUE(test::eventually([&] { return dgd_not_ready_message() == short_decode; }, 30))
      << json::serialize(dgd());
  ASSERT_TRUE(test::eventually([&] { return dgd_ready(replicas); }, kConvergeSeconds))
      << json::serialize(dgd());
  json::value restarted = get_json({"pod", crashed, "-n", "default"});
  EXPECT_EQ(test::field_text(restarted.at("status").at("containerStatuses").as_array()[0],
                             {"restartCount"}),
            "1");

  // The frontend's node goes NotReady: its pods are not Ready, nor is the DGD.
  const std::string node = test::field_text(pods(kFrontend)[0], {"spec", "nodeName"});
  auto not_ready = admin("POST", "/admin/nodes/" + node + "/not-ready");
  ASSERT_TRUE(not_ready.ok()) << not_ready.error;
  EXPECT_EQ(not_ready.response->status, 200) << not_ready.response->body;
  EXPECT_TRUE(test::eventually(
      [&] { return dgd_not_ready_message().find("Frontend (0/1 ready)") != std::string::npos; },
      30))
      << json::serialize(dgd());
  EXPECT_EQ(condition(get_json({"node", node}), "Ready"), "False");
  auto ready = admin("POST", "/admin/nodes/" + node + "/ready");
  ASSERT_TRUE(ready.ok()) << ready.error;
  EXPECT_TRUE(test::eventually([&] { return dgd_ready(replicas); }, kConvergeSeconds))
      << json::serialize(dgd());
}

}  // namespace
}  // namespace dynop::e2e
