// The guide's HPA and KEDA autoscaling through the whole chain of `make run`'s
// setup (packaging/run-local.sh), with dynop-sim producing the load and the
// metrics: the real Prometheus discovers and scrapes dynop-sim's frontend and
// worker pods, the local cluster's KEDA, HPA controller, prometheus-adapter
// and metrics-server act on what it holds, the adapter's /scale is written,
// the dgd plugin changes the DGD and its pods, dynop-sim runs the new pods and
// serves more capacity, and the latency a user reads in Prometheus falls back.
// Everything is read with the real kubectl and Prometheus's HTTP API, as a
// user would. Each test has a setup of its own.
//
// Time: dynop-sim runs 10x faster than wall time (its load file's `speedup`):
// the load steps and pod start-up delays below are simulated seconds. TTFT is
// in simulated seconds, so the guide's thresholds mean what they say; rates
// are over wall time and the guide's queries take ratios of rates, which a
// speed-up does not change. The local cluster, Prometheus (5 s scrapes, as
// upstream's PodMonitors) and the autoscalers run on wall time.
//
// What is shortened, and why:
//   - KedaTtftRuleAsWritten applies the guide's ScaledObject exactly as make
//     run copies it (only serverAddress changed) with the cluster's default
//     periods, and checks the scale-up: with the guide's 5-minute PromQL
//     window the metric stays above the target for 5 wall minutes after the
//     step, longer than a test should take, so the way down is the cycle
//     tests'. "TTFT falls back" is read there as a user checks the current
//     latency: the same p95 over the last 30 s.
//   - HpaBehaviorLimitsTheStepSizes applies the guide's TTFT HPA as written
//     (its behavior policies are what it checks); the prometheus-adapter
//     values are the guide's with the PromQL window 5m -> 30s, and the
//     cluster's HPA sync period 15s -> 5s and the adapter's relist interval
//     1m -> 5s, so that the metric follows the load within seconds and the
//     step times show the 30 s policy periods rather than the sync period.
//   - QueueDepthHpaScalesDecodeAndTheQueueEmpties: the guide's queue HPA and
//     adapter rule as written (the rule is an instant sum, nothing to
//     shorten) with the adapter's relist interval 1m -> 5s, so that the
//     metric is listed within seconds of Prometheus starting.
//   - MixedCpuHpaOnFrontendAndKedaOnDecode: the guide's mixed example as
//     written (serverAddress changed) with the cluster's default periods; it
//     checks the scale-up of each service. The example DGD's Frontend has no
//     CPU request, without which no CPU HPA can work (kube's "missing request
//     for cpu"): the test gives it one (250m), as a user following the guide
//     has to.
//   - KedaTtftCycle...: the guide's TTFT ScaledObject with the window
//     5m -> 30s, pollingInterval 15 -> 2 and cooldownPeriod 60 -> 10, and
//     minReplicaCount 1 -> 0 (scale to zero is what it checks); the cluster's
//     downscale stabilization for HPAs without behavior (KEDA's) 5m -> 20s
//     and the HPA sync period 15s -> 5s, so the whole cycle takes 4 minutes.
//   - KedaQueueRuleFromZero...: the guide's queue-depth ScaledObject with
//     pollingInterval 15 -> 2, cooldownPeriod 60 -> 10, minReplicaCount
//     1 -> 0, and the sync period 15s -> 5s.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <functional>
#include <regex>
#include <string>
#include <thread>

#include "lib/files/read_file.hpp"
#include "lib/prometheus/query_client.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/run_local_setup.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::field_text;
using ::testing::Contains;

const char kGuidePrometheus[] = "http://prometheus-kube-prometheus-prometheus.monitoring.svc:9090";
const char kDecodeAdapter[] = "sglang-agg-decode";
const char kFrontendAdapter[] = "sglang-agg-frontend";
const char kKedaHpa[] = "keda-hpa-sglang-agg-decode-scaler";
const char kDecodePods[] = "nvidia.com/dynamo-component=decode";
const char kFrontendPods[] = "nvidia.com/dynamo-component-type=frontend";
// KEDA's event when its operator takes the decode adapter to zero.
const char kDeactivatedToZero[] =
    "Deactivated nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter default/sglang-agg-decode "
    "from 1 to 0";
// The guide's TTFT p95, over the last 30 s: the latency now, as a user reads it.
const char kTtftNow[] =
    "histogram_quantile(0.95, sum(rate(dynamo_frontend_time_to_first_token_seconds_bucket"
    "{dynamo_namespace=\"default-sglang-agg\"}[30s])) by (le))";

std::string source(const std::string& relative) {
  auto text = files::read_file(test::source_path(relative), "source");
  EXPECT_TRUE(text.ok()) << relative;
  return text.ok() ? *text : "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  std::size_t count = 0;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
    ++count;
  }
  EXPECT_GT(count, 0u) << "no '" << from << "' to replace";
  return text;
}

// dynop-sim's load on the guide's example: requests of 1,000 input and 50
// output tokens (a bare prefill takes ~38 ms on the H200 profile, so the
// light load's p95 sits in the 22-47 ms bucket, under KEDA's activation
// threshold), at the given steps of simulated time after the load starts.
// It starts at 150 s, once the example's worker is Ready (requests that
// arrive before would wait for it and start with a TTFT of a minute).
std::string load_file(const std::string& steps) {
  return "speedup: 10\ngraphs:\n- namespace: default\n  dgd: sglang-agg\n"
         "  model: Qwen/Qwen3-0.6B\n  profile: " +
         test::source_path("sim/profiles/engines/dynamo_h200_llama31_8b_fp8_vllm.json") +
         "\n  load:\n    start: 150s\n    step: " + steps +
         "\n    input_tokens: 1000\n    output_tokens: 50\n";
}

// A Go quantity as kubectl prints a metric ("45m", "2", "1500m") as a number.
double quantity(const std::string& text) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-'))
    return NAN;
  std::size_t used = 0;
  double v = std::stod(text, &used);
  const std::string suffix = text.substr(used);
  if (suffix == "m") return v / 1000;
  if (suffix == "k") return v * 1000;
  if (suffix.empty()) return v;
  return NAN;
}

struct ReplicaChange {
  double at;  // wall seconds since the test's clock started
  int from;
  int to;
};

class GuideAutoscalingSim : public ::testing::Test {
 protected:
  void TearDown() override {
    if (setup_ && setup_->ready()) {
      EXPECT_EQ(setup_->stop(), 0) << "run-local.sh did not stop cleanly\n" << setup_->log();
    }
  }

  // make run's setup with this load and these cluster flags; false (and a
  // failure) when it does not come up or Prometheus is not there.
  bool start(const std::string& load, const std::vector<std::string>& localcluster_flags,
             const std::string& adapter_values = "") {
    if (auto missing = test::RunLocalSetup::missing_prerequisite(); !missing.empty()) {
      skipped_ = missing;
      return false;
    }
    test::RunLocalSetup::Options options;
    options.sim_load = dir_.write("load.yaml", load);
    options.localcluster_flags = localcluster_flags;
    if (!adapter_values.empty()) {
      options.prometheus_adapter_config = dir_.write("prometheus-adapter-values.yaml", adapter_values);
    }
    setup_ = std::make_unique<test::RunLocalSetup>(options);
    EXPECT_TRUE(setup_->ready()) << setup_->log();
    if (!setup_->ready()) return false;
    std::smatch match;
    const std::string printed = setup_->printed();
    if (!std::regex_search(printed, match, std::regex(R"(prometheus: (http://\S+))"))) {
      ADD_FAILURE() << "make run started no Prometheus\n" << printed;
      return false;
    }
    prometheus_url_ = match[1].str();
    auto client = prometheus::QueryClient::create({prometheus_url_, 10s, false});
    EXPECT_TRUE(client.ok()) << (client.ok() ? "" : client.error());
    if (!client.ok()) return false;
    prometheus_ = std::move(*client);
    started_ = std::chrono::steady_clock::now();
    return true;
  }

  // The guide's example with its serverAddress pointed at make run's Prometheus.
  std::string guide_example(const std::string& file) const {
    return replaced(source("examples/autoscaling/" + file), kGuidePrometheus, prometheus_url_);
  }

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

  json::value get_json(const std::vector<std::string>& args) const {
    std::vector<std::string> all = {"get"};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(), {"-n", "default", "-o", "json"});
    auto r = setup_->kubectl(all);
    if (r.exit_code != 0) return json::value();
    try {
      return json::parse(r.out);
    } catch (const std::exception&) {
      return json::value();
    }
  }

  static int number(const std::string& text) {
    return !text.empty() && std::isdigit(static_cast<unsigned char>(text[0])) ? std::stoi(text)
                                                                              : -1;
  }

  // The adapter's spec.replicas, -1 when it cannot be read.
  int adapter_replicas(const std::string& adapter) const {
    return number(field_text(get_json({"dgdsa", adapter}), {"spec", "replicas"}));
  }

  // The DGD's replicas for a service, -1 when it cannot be read.
  int dgd_replicas(const std::string& service) const {
    json::value d = get_json({"dgd", "sglang-agg"});
    const json::value* services = d.is_object() ? d.at("spec").as_object().if_contains("services")
                                                : nullptr;
    if (services == nullptr || !services->as_object().contains(service)) return -1;
    return number(field_text(services->at(service), {"replicas"}));
  }

  // The pods matching `selector` that are Running and Ready and not being deleted.
  int serving_pods(const std::string& selector) const {
    json::value list = get_json({"pods", "-l", selector});
    if (!list.is_object()) return -1;
    int n = 0;
    for (const json::value& pod : list.at("items").as_array()) {
      if (field_text(pod, {"metadata", "deletionTimestamp"}) != "<missing>") continue;
      if (field_text(pod, {"status", "phase"}) != "Running") continue;
      const json::value* conditions = pod.at("status").as_object().if_contains("conditions");
      if (conditions == nullptr) continue;
      for (const json::value& c : conditions->as_array()) {
        if (field_text(c, {"type"}) == "Ready" && field_text(c, {"status"}) == "True") ++n;
      }
    }
    return n;
  }

  // A PromQL instant query's single value, NaN when there is none.
  double query(const std::string& expr) const {
    auto result = prometheus_->query(expr);
    if (!result.ok() || result->samples.size() != 1) return NAN;
    return result->samples.front().value;
  }

  // The messages of the events on `object` with `reason`, oldest first.
  std::vector<std::string> event_messages(const std::string& object,
                                          const std::string& reason) const {
    std::vector<std::string> out;
    json::value list = get_json({"events", "--field-selector",
                                 "involvedObject.name=" + object + ",reason=" + reason});
    if (!list.is_object()) return out;
    for (const json::value& e : list.at("items").as_array()) {
      out.push_back(field_text(e, {"message"}));
    }
    return out;
  }

  std::string describe(const std::string& kind, const std::string& name) const {
    return setup_->kubectl({"describe", kind, name, "-n", "default"}).out;
  }

  // `condition` polled once a second (each poll runs kubectl) for up to `seconds`.
  static bool within(int seconds, const std::function<bool()>& condition) {
    return test::eventually(condition, seconds, 1s);
  }

  // The adapter's spec.replicas polled once a second until `done` holds or
  // `seconds` pass; each change with the time it was first seen (what
  // `kubectl get dgdsa -w` shows).
  bool watch_replicas(const std::string& adapter, int seconds,
                      const std::function<bool(int replicas)>& done) {
    return within(seconds, [&] {
      const int now = adapter_replicas(adapter);
      if (now < 0) return false;
      if (last_seen_ >= 0 && now != last_seen_) history_.push_back({elapsed(), last_seen_, now});
      last_seen_ = now;
      return done(now);
    });
  }

  std::string history_text() const {
    std::string out;
    for (const ReplicaChange& c : history_) {
      out += std::to_string(c.from) + " -> " + std::to_string(c.to) + " at " +
             std::to_string(static_cast<int>(c.at)) + " s\n";
    }
    return out;
  }

  // The ScaledObject's, the HPA's and the adapter's description, for failures.
  std::string state() const {
    return setup_->kubectl({"get", "hpa,so,dgdsa,pods", "-n", "default"}).out +
           setup_->kubectl({"describe", "hpa", "-n", "default"}).out +
           "TTFT p95 now: " + std::to_string(query(kTtftNow)) + "\n" + history_text();
  }

  // The guide's refused edit, during the scaling.
  void expect_direct_dgd_patch_refused() const {
    auto patch = setup_->kubectl({"patch", "dgd", "sglang-agg", "-n", "default", "--type=merge",
                                  "-p", R"({"spec":{"services":{"decode":{"replicas":3}}}})"});
    EXPECT_EQ(patch.exit_code, 1) << patch.out;
    EXPECT_NE(patch.err.find("denied the request: spec.services[decode].replicas cannot be "
                             "modified directly when scaling adapter is enabled; use 'kubectl "
                             "scale dgdsa/sglang-agg-decode --replicas=3' or update the "
                             "DynamoGraphDeploymentScalingAdapter instead"),
              std::string::npos)
        << patch.err;
  }

  test::TempDir dir_{"guide-autoscaling-sim"};
  std::unique_ptr<test::RunLocalSetup> setup_;
  std::unique_ptr<prometheus::QueryClient> prometheus_;
  std::string prometheus_url_;
  std::string skipped_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::vector<ReplicaChange> history_;
  int last_seen_ = -1;
};

#define START_OR_RETURN(...)                       \
  do {                                             \
    if (!start(__VA_ARGS__)) {                     \
      if (!skipped_.empty()) GTEST_SKIP() << skipped_; \
      return;                                      \
    }                                              \
  } while (0)

// The guide's KEDA example as make run copies it: light load (TTFT p95 ~45 ms,
// under the activation threshold), then 400 s (simulated) after the load starts 60
// requests/s, more than one engine serves, so the queue and TTFT grow:
// KEDA's HPA scales the decode adapter up on the guide's query, the DGD and
// its Running pods follow, and with the new engines the TTFT falls back.
TEST_F(GuideAutoscalingSim, KedaTtftRuleAsWrittenScalesDecodeUpAndTtftFallsBack) {
  START_OR_RETURN(load_file("[{at: 0, rate: 2}, {at: 400s, rate: 60}]"), {});
  const std::string so_file =
      (setup_->dir() / "logs" / "autoscaling" / "sglang-agg-decode-scaler.yaml").string();
  EXPECT_EQ(setup_->kubectl_ok({"apply", "-f", so_file}),
            "scaledobject.keda.sh/sglang-agg-decode-scaler created\n");

  // Before the step: the guide's `kubectl get hpa` shows KEDA's HPA on the
  // adapter with the light load's TTFT against the 500m target, one replica.
  std::vector<std::vector<std::string>> rows;
  ASSERT_TRUE(within(90, [&] {
    rows = test::table_rows(setup_->kubectl({"get", "hpa", "-n", "default"}).out);
    return rows.size() == 2 && rows[1].size() == 8 && rows[1][2].ends_with("/500m") &&
           quantity(rows[1][2].substr(0, rows[1][2].find('/'))) > 0;
  })) << state();
  EXPECT_EQ(rows[0], (std::vector<std::string>{"NAME", "REFERENCE", "TARGETS", "MINPODS",
                                               "MAXPODS", "REPLICAS", "AGE"}));
  EXPECT_EQ(rows[1][0], kKedaHpa);
  EXPECT_EQ(rows[1][1], "DynamoGraphDeploymentScalingAdapter/sglang-agg-decode");
  const double light = quantity(rows[1][2].substr(0, rows[1][2].find('/')));
  EXPECT_LT(light, 0.1) << rows[1][2];  // under activationThreshold
  EXPECT_EQ(rows[1][3], "(avg)");
  EXPECT_EQ(rows[1][4], "1");   // MINPODS
  EXPECT_EQ(rows[1][5], "10");  // MAXPODS
  EXPECT_EQ(rows[1][6], "1");   // REPLICAS
  auto so_rows = test::table_rows(setup_->kubectl_ok({"get", "scaledobject", "-n", "default"}));
  ASSERT_EQ(so_rows.size(), 2u);
  EXPECT_EQ(so_rows[0], (std::vector<std::string>{"NAME", "SCALETARGETKIND", "SCALETARGETNAME",
                                                  "MIN", "MAX", "READY", "ACTIVE", "FALLBACK",
                                                  "PAUSED", "TRIGGERS", "AUTHENTICATIONS", "AGE"}));
  EXPECT_EQ(so_rows[1][0], "sglang-agg-decode-scaler");
  EXPECT_EQ(so_rows[1][1], "nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(so_rows[1][2], kDecodeAdapter);
  EXPECT_EQ(so_rows[1][3], "1");
  EXPECT_EQ(so_rows[1][4], "10");
  EXPECT_EQ(so_rows[1][5], "True");   // READY
  EXPECT_EQ(so_rows[1][6], "False");  // ACTIVE: under the activation threshold
  EXPECT_EQ(so_rows[1][9], "prometheus");

  // The step: KEDA's metric (the guide's p95 over 5 minutes) goes over the
  // threshold and its HPA scales the adapter up.
  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 150, [](int r) { return r > 1; })) << state();
  json::value metric = json::parse(setup_->kubectl_ok(
      {"get", "--raw",
       "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/s0-prometheus"
       "?labelSelector=scaledobject.keda.sh%2Fname%3Dsglang-agg-decode-scaler"}));
  ASSERT_FALSE(metric.at("items").as_array().empty()) << json::serialize(metric);
  EXPECT_GT(quantity(field_text(metric.at("items").as_array()[0], {"value"})), 0.5)
      << json::serialize(metric);
  expect_direct_dgd_patch_refused();
  auto active = test::table_rows(setup_->kubectl_ok({"get", "scaledobject", "-n", "default"}));
  EXPECT_EQ(active.at(1).at(6), "True") << "ACTIVE over the activation threshold";

  // The adapter settles (KEDA's HPA without behavior doubles or adds 4 per
  // 15 s up to maxReplicaCount) and the DGD's decode replicas and its
  // Running, Ready pods follow it.
  int settled = -1;
  EXPECT_TRUE(watch_replicas(kDecodeAdapter, 120, [&](int r) {
    settled = r;
    return r > 1 && dgd_replicas("decode") == r && serving_pods(kDecodePods) == r;
  })) << "adapter " << settled << ", DGD " << dgd_replicas("decode") << ", serving "
      << serving_pods(kDecodePods) << "\n"
      << state();
  auto rescales = event_messages(kKedaHpa, "SuccessfulRescale");
  ASSERT_FALSE(rescales.empty()) << state();
  EXPECT_TRUE(rescales.front().starts_with("New size: ")) << rescales.front();
  EXPECT_NE(rescales.front().find("; reason: external metric s0-prometheus(&LabelSelector{"
                                  "MatchLabels:map[string]string{scaledobject.keda.sh/name: "
                                  "sglang-agg-decode-scaler,},MatchExpressions:[]"
                                  "LabelSelectorRequirement{},}) above target"),
            std::string::npos)
      << rescales.front();
  rows = test::table_rows(setup_->kubectl_ok({"get", "hpa", "-n", "default"}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_GT(quantity(rows[1][2].substr(0, rows[1][2].find('/'))), 0.5) << rows[1][2];

  // With the new engines the backlog is worked off: TTFT p95 falls back under
  // the guide's 500 ms.
  double ttft = NAN;
  EXPECT_TRUE(within(120, [&] {
    ttft = query(kTtftNow);
    return ttft < 0.5;
  })) << "TTFT p95 over the last 30 s: " << ttft << "\n"
      << state();
  expect_direct_dgd_patch_refused();
  std::cout << "decode scaled 1 -> " << settled << ":\n" << history_text();
}

// The guide's TTFT HPA as written, through the guide's prometheus-adapter
// rule (window 30 s): 400 s (simulated) after the load starts 60 requests/s, then from
// 1,000 s 2 again. The HPA wants up to maxReplicas at once; its behavior lets
// it add at most 2 pods per 30 s, and after the load drops (and its 60 s
// stabilization window) remove 1 per 30 s, as the adapter's history and the
// HPA's events show.
TEST_F(GuideAutoscalingSim, HpaBehaviorLimitsTheStepSizes) {
  const std::string values =
      replaced(source("examples/autoscaling/prometheus-adapter-values.yaml"), "[5m]", "[30s]");
  START_OR_RETURN(
      load_file("[{at: 0, rate: 2}, {at: 400s, rate: 60}, {at: 1000s, rate: 2}]"),
      {"--horizontal-pod-autoscaler-sync-period", "5s", "--metrics-relist-interval", "5s"}, values);
  EXPECT_EQ(setup_->kubectl_ok({"apply", "-n", "default", "-f", "-"},
                               source("examples/autoscaling/sglang-agg-decode-hpa.yaml")),
            "horizontalpodautoscaler.autoscaling/sglang-agg-decode-hpa created\n");
  // The guide's step 3: the adapter's metric answers.
  json::value metric;
  EXPECT_TRUE(within(60, [&] {
    auto r = setup_->kubectl(
        {"get", "--raw",
         "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/dynamo_ttft_p95_seconds"});
    if (r.exit_code != 0) return false;
    metric = json::parse(r.out);
    return !metric.at("items").as_array().empty();
  })) << json::serialize(metric) << state();

  // Up: two steps of 2 at least (1 -> 3 -> 5), 30 s apart.
  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 200, [](int r) { return r >= 5; })) << state();
  expect_direct_dgd_patch_refused();
  // Down, once the load has dropped: two steps of 1, 30 s apart.
  auto downs = [&] {
    int n = 0;
    for (const ReplicaChange& c : history_) n += c.to < c.from;
    return n;
  };
  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 240, [&](int) { return downs() >= 2; })) << state();

  int ups = 0;
  for (std::size_t i = 0; i < history_.size(); ++i) {
    const ReplicaChange& c = history_[i];
    if (c.to > c.from) {
      ++ups;
      // No more than 2 pods added within any 30 s (a poll a second: 25 s
      // leaves room for when each change was seen).
      int added = 0;
      for (std::size_t j = i; j < history_.size() && history_[j].at - c.at < 25; ++j) {
        if (history_[j].to > history_[j].from) added += history_[j].to - history_[j].from;
      }
      EXPECT_LE(added, 2) << "from " << c.at << " s\n" << history_text();
    } else {
      EXPECT_EQ(c.from - c.to, 1) << history_text();
    }
  }
  EXPECT_GE(ups, 2) << history_text();
  for (std::size_t i = 1; i < history_.size(); ++i) {
    if (history_[i].to < history_[i].from && history_[i - 1].to < history_[i - 1].from) {
      EXPECT_GE(history_[i].at - history_[i - 1].at, 25) << history_text();
    }
  }
  // The HPA's events say the same, in kube-controller-manager's words.
  const auto rescales = event_messages("sglang-agg-decode-hpa", "SuccessfulRescale");
  const std::string above =
      "; reason: external metric dynamo_ttft_p95_seconds(&LabelSelector{MatchLabels:map[string]"
      "string{dynamo_namespace: default-sglang-agg,},MatchExpressions:[]LabelSelectorRequirement{"
      "},}) above target";
  bool saw_three = false, saw_five = false, saw_below = false;
  for (const std::string& m : rescales) {
    saw_three = saw_three || m == "New size: 3" + above;
    saw_five = saw_five || m == "New size: 5" + above;
    saw_below = saw_below || m.ends_with("; reason: All metrics below target");
  }
  EXPECT_TRUE(saw_three && saw_five && saw_below) << ::testing::PrintToString(rescales);
  // The DGD and its pods follow the adapter.
  EXPECT_TRUE(within(60, [&] {
    const int r = adapter_replicas(kDecodeAdapter);
    return dgd_replicas("decode") == r && serving_pods(kDecodePods) == r;
  })) << state();
  std::cout << "decode adapter:\n" << history_text();
}

// The guide's queue-depth HPA as written, through the guide's
// prometheus-adapter rule as written (an instant sum, no window; the
// adapter's relist interval 1m -> 5s so the metric is listed soon after
// Prometheus starts). Under the same step the frontend's queue grows past 10
// and the HPA (no behavior: the default policies) scales decode up; with the
// new engines the queue is worked off, as the guide's get --raw shows.
TEST_F(GuideAutoscalingSim, QueueDepthHpaScalesDecodeAndTheQueueEmpties) {
  START_OR_RETURN(load_file("[{at: 0, rate: 2}, {at: 400s, rate: 60}]"),
                  {"--metrics-relist-interval", "5s"});
  EXPECT_EQ(setup_->kubectl_ok({"apply", "-f", "-"},
                               source("examples/autoscaling/sglang-agg-decode-queue-hpa.yaml")),
            "horizontalpodautoscaler.autoscaling/sglang-agg-decode-queue-hpa created\n");
  const std::vector<std::string> queued = {
      "get", "--raw",
      "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/dynamo_queued_requests"
      "?labelSelector=dynamo_namespace%3Ddefault-sglang-agg"};
  auto queue_now = [&]() -> double {
    auto r = setup_->kubectl(queued);
    if (r.exit_code != 0) return NAN;
    json::value list = json::parse(r.out);
    const json::array& items = list.at("items").as_array();
    return items.size() == 1 ? quantity(field_text(items[0], {"value"})) : NAN;
  };
  double queue = NAN;
  ASSERT_TRUE(within(120, [&] {
    queue = queue_now();
    return queue > 10;
  })) << queue << "\n"
      << state();
  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 90, [](int r) { return r > 1; })) << state();
  expect_direct_dgd_patch_refused();
  auto rows = test::table_rows(setup_->kubectl_ok({"get", "hpa", "-n", "default"}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "sglang-agg-decode-queue-hpa");
  EXPECT_EQ(rows[1][1], "DynamoGraphDeploymentScalingAdapter/sglang-agg-decode");
  EXPECT_TRUE(rows[1][2].ends_with("/10")) << rows[1][2];
  const auto rescales = event_messages("sglang-agg-decode-queue-hpa", "SuccessfulRescale");
  ASSERT_FALSE(rescales.empty()) << state();
  EXPECT_TRUE(rescales.front().ends_with(
      "; reason: external metric dynamo_queued_requests(&LabelSelector{MatchLabels:map[string]"
      "string{dynamo_namespace: default-sglang-agg,},MatchExpressions:[]LabelSelectorRequirement{"
      "},}) above target"))
      << rescales.front();
  // The DGD and its serving pods follow; the queue is worked off.
  EXPECT_TRUE(within(120, [&] {
    const int r = adapter_replicas(kDecodeAdapter);
    return r > 1 && dgd_replicas("decode") == r && serving_pods(kDecodePods) == r;
  })) << state();
  EXPECT_TRUE(within(120, [&] {
    queue = queue_now();
    return queue < 10;
  })) << queue << "\n"
      << state();
}

// The guide's mixed example as written (serverAddress changed): the CPU HPA
// on the Frontend adapter and KEDA's TTFT rule on decode. From 400 s of
// simulated time 60 requests/s: the frontend's CPU (dynop-sim's load model,
// through metrics-server) goes over 70% of its request and the decode TTFT
// over 0.5 s; each autoscaler scales its own service, and each service's DGD
// replicas and Running pods follow.
TEST_F(GuideAutoscalingSim, MixedCpuHpaOnFrontendAndKedaOnDecode) {
  START_OR_RETURN(load_file("[{at: 0, rate: 2}, {at: 400s, rate: 60}]"), {});
  // The example's Frontend requests no CPU; a CPU utilization target needs
  // one. dynop-sim's frontend uses 0.05 cores idle and ~0.4 at 60 requests/s.
  EXPECT_EQ(setup_->kubectl_ok({"patch", "dgd", "sglang-agg", "-n", "default", "--type=merge", "-p",
                                R"({"spec":{"services":{"Frontend":{"resources":)"
                                R"({"requests":{"cpu":"250m"}}}}}})"}),
            "dynamographdeployment.nvidia.com/sglang-agg patched\n");
  EXPECT_EQ(setup_->kubectl_ok({"apply", "-f", "-"}, guide_example("mixed-autoscaling.yaml")),
            "horizontalpodautoscaler.autoscaling/sglang-agg-frontend-hpa created\n"
            "scaledobject.keda.sh/sglang-agg-decode-scaler created\n");

  int frontend = -1, decode = -1;
  ASSERT_TRUE(within(180, [&] {
    frontend = adapter_replicas(kFrontendAdapter);
    decode = adapter_replicas(kDecodeAdapter);
    return frontend > 1 && decode > 1;
  })) << "frontend " << frontend << ", decode " << decode << "\n"
      << state();
  expect_direct_dgd_patch_refused();
  // `kubectl get hpa`: each HPA on its own adapter, the CPU one with kubectl's
  // "cpu: N%/70%" target.
  auto rows = test::table_rows(setup_->kubectl_ok({"get", "hpa", "-n", "default"}));
  ASSERT_EQ(rows.size(), 3u) << setup_->kubectl_ok({"get", "hpa", "-n", "default"});
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][0] == "sglang-agg-frontend-hpa") {
      EXPECT_EQ(rows[i][1], "DynamoGraphDeploymentScalingAdapter/sglang-agg-frontend");
      EXPECT_EQ(rows[i][2], "cpu:");
      EXPECT_TRUE(std::regex_match(rows[i][3], std::regex(R"(\d+%/70%)"))) << rows[i][3];
    } else {
      EXPECT_EQ(rows[i][0], kKedaHpa);
      EXPECT_EQ(rows[i][1], "DynamoGraphDeploymentScalingAdapter/sglang-agg-decode");
    }
  }
  const auto cpu_rescales = event_messages("sglang-agg-frontend-hpa", "SuccessfulRescale");
  ASSERT_FALSE(cpu_rescales.empty()) << state();
  EXPECT_TRUE(cpu_rescales.front().ends_with(
      "; reason: cpu resource utilization (percentage of request) above target"))
      << cpu_rescales.front();
  // Each service's DGD replicas and serving pods follow its own adapter.
  EXPECT_TRUE(within(90, [&] {
    frontend = adapter_replicas(kFrontendAdapter);
    decode = adapter_replicas(kDecodeAdapter);
    return dgd_replicas("Frontend") == frontend && serving_pods(kFrontendPods) == frontend &&
           dgd_replicas("decode") == decode && serving_pods(kDecodePods) == decode;
  })) << state();
}

// KEDA's cycle on the guide's TTFT rule (window 30 s, polling every 2 s,
// cooldown 10 s, minReplicaCount 0). The prompts are 5,000 tokens, so the
// light load's p95 (~0.2 s) is above the activation threshold (0.1) and
// under the threshold (0.5): one replica. From 500 s of simulated time 30
// requests/s scale decode up; from 1,000 s the light load again brings it
// back to 1 (KEDA's HPA has no behavior: the cluster's downscale
// stabilization); from 1,800 s no load at all: no TTFT, the trigger is inactive and after
// the cooldown KEDA takes the adapter to zero pods.
TEST_F(GuideAutoscalingSim, KedaTtftCycleUpDownAndToZeroAfterTheCooldown) {
  std::string load = load_file(
      "[{at: 0, rate: 2}, {at: 500s, rate: 30}, {at: 1000s, rate: 2}, {at: 1800s, rate: 0}]");
  load = replaced(load, "input_tokens: 1000", "input_tokens: 5000");
  START_OR_RETURN(load, {"--horizontal-pod-autoscaler-sync-period", "5s",
                         "--horizontal-pod-autoscaler-downscale-stabilization", "20s"});
  std::string so = guide_example("sglang-agg-decode-scaler.yaml");
  so = replaced(so, "[5m]", "[30s]");
  so = replaced(so, "pollingInterval: 15", "pollingInterval: 2");
  so = replaced(so, "cooldownPeriod: 60", "cooldownPeriod: 10");
  so = replaced(so, "minReplicaCount: 1", "minReplicaCount: 0");
  // Applied once the query has a value: an inactive trigger on a new
  // ScaledObject with minReplicaCount 0 scales to zero at once (KEDA's
  // initialCooldownPeriod is 0), and at zero pods there is no TTFT.
  double light = NAN;
  ASSERT_TRUE(within(90, [&] {
    light = query(kTtftNow);
    return light > 0.1;
  })) << light << "\n"
      << state();
  EXPECT_LT(light, 0.5);
  setup_->kubectl_ok({"apply", "-f", "-"}, so);

  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 120, [](int r) { return r > 1; })) << state();
  int peak = 0;
  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 150, [&](int r) {
    peak = std::max(peak, r);
    return peak > 1 && r == 1;
  })) << state();
  EXPECT_TRUE(within(30, [&] { return serving_pods(kDecodePods) == 1; })) << state();
  // No load: zero pods after the cooldown.
  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 150, [](int r) { return r == 0; })) << state();
  EXPECT_TRUE(within(60, [&] {
    return dgd_replicas("decode") == 0 && serving_pods(kDecodePods) == 0 &&
           setup_->kubectl_ok({"get", "pods", "-n", "default", "-l", kDecodePods, "-o", "name"})
               .empty();
  })) << state();
  EXPECT_THAT(event_messages("sglang-agg-decode-scaler", "KEDAScaleTargetDeactivated"),
              Contains(kDeactivatedToZero));
  // KEDA's operator (1 -> 0) and its HPA (10 -> 1) wrote the adapter's
  // /scale within two minutes: one autoscaler, which the host must not
  // report as two fighting.
  EXPECT_EQ(event_messages(kDecodeAdapter, "ScalingConflict"), std::vector<std::string>{});
  std::cout << "decode adapter:\n" << history_text();
}

// From zero on the next burst: the guide's queue-depth ScaledObject
// (minReplicaCount 0, polling every 2 s, cooldown 10 s). No load at first:
// the queue is empty, KEDA takes decode to zero pods. From 600 s of
// simulated time 20 requests/s: with no worker they wait at the frontend
// (dynamo_frontend_queued_requests), the trigger is active, KEDA scales the
// adapter from 0, the pods run and the queue is served. (The TTFT rule
// cannot do this: without a worker no request gets a first token, so there
// is no TTFT to read.)
TEST_F(GuideAutoscalingSim, KedaQueueRuleFromZeroPodsOnTheNextBurst) {
  START_OR_RETURN(load_file("[{at: 0, rate: 0}, {at: 600s, rate: 20}]"),
                  {"--horizontal-pod-autoscaler-sync-period", "5s"});
  std::string so = guide_example("sglang-agg-decode-queue-scaler.yaml");
  so = replaced(so, "pollingInterval: 15", "pollingInterval: 2");
  so = replaced(so, "cooldownPeriod: 60", "cooldownPeriod: 10");
  so = replaced(so, "minReplicaCount: 1", "minReplicaCount: 0");
  // make run's example: one decode pod serving.
  ASSERT_TRUE(within(60, [&] { return serving_pods(kDecodePods) == 1; })) << state();
  last_seen_ = adapter_replicas(kDecodeAdapter);
  EXPECT_EQ(last_seen_, 1);
  setup_->kubectl_ok({"apply", "-f", "-"}, so);
  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 50, [](int r) { return r == 0; })) << state();
  EXPECT_TRUE(within(30, [&] { return serving_pods(kDecodePods) == 0; })) << state();
  // The burst: back from zero, pods serving, the queue worked off.
  ASSERT_TRUE(watch_replicas(kDecodeAdapter, 90, [](int r) { return r >= 1; })) << state();
  EXPECT_TRUE(within(60, [&] {
    const int r = adapter_replicas(kDecodeAdapter);
    return r >= 1 && dgd_replicas("decode") == r && serving_pods(kDecodePods) == r;
  })) << state();
  EXPECT_THAT(event_messages("sglang-agg-decode-queue-scaler", "KEDAScaleTargetDeactivated"),
              Contains(kDeactivatedToZero));
  EXPECT_THAT(event_messages("sglang-agg-decode-queue-scaler", "KEDAScaleTargetActivated"),
              Contains("Scaled nvidia.com/v1alpha1.DynamoGraphDeploymentScalingAdapter "
                       "default/sglang-agg-decode from 0 to 1, triggered by prometheusScaler"));
  double served = NAN;
  EXPECT_TRUE(within(60, [&] {
    served = query(
        "sum(increase(dynamo_frontend_requests_total{dynamo_namespace=\"default-sglang-agg\","
        "status=\"success\"}[30s]))");
    return served > 0;
  })) << served << "\n"
      << state();
  std::cout << "decode adapter:\n" << history_text();
}

}  // namespace
}  // namespace dynop::e2e
