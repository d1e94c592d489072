// Cases ported from kube's pkg/controller/podautoscaler/replica_calculator_test.go:
// the same pods, levels, requests and expectations, run through a fake
// metrics client and pod lister built like upstream's test fixtures (two
// containers per pod, Ready condition without a transition time, metric
// windows of one minute).

#include "localcluster/controllers/hpa/replica_calculator.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dynop::localcluster::hpa {
namespace {

namespace json = boost::json;
using apimachinery::Quantity;
using namespace std::chrono_literals;

constexpr int kContainersPerPod = 2;
const Timestamp kNow = Timestamp{} + std::chrono::hours(24 * 365 * 50);

Timestamp hot() { return kNow; }                             // within the CPU initialization period
Timestamp cool() { return kNow - std::chrono::minutes(3); }  // past it

struct ResourceCase {
  std::vector<std::string> requests;   // per container, for pod i
  std::vector<int64_t> levels;         // milli per container, for pod i
  std::vector<std::string> pod_names;  // metric pod names overriding test-pod-i
  int32_t target_utilization = 0;
};

struct Fixture : MetricsClient, PodLister {
  int32_t current_replicas = 0;
  std::vector<std::string> readiness;  // "True"/"False"; default True
  std::vector<Timestamp> start_times;  // default: long ago
  std::vector<std::string> phases;     // default Running
  std::vector<bool> deleting;
  std::optional<ResourceCase> resource;
  std::vector<int64_t> metric_levels;  // custom or external metric levels
  json::value seen_external_selector;
  std::string seen_external_metric;

  std::string pod_name(std::size_t i) const { return "test-pod-" + std::to_string(i); }

  Result<std::vector<PodInfo>> list(const std::string&, const LabelSelector&) override {
    std::size_t count = static_cast<std::size_t>(current_replicas);
    count = std::max(count, phases.size());
    std::vector<PodInfo> pods;
    for (std::size_t i = 0; i < count; ++i) {
      PodInfo pod;
      pod.name = pod_name(i);
      pod.phase = i < phases.size() ? phases[i] : "Running";
      pod.start_time = i < start_times.size() ? start_times[i] : Timestamp{};
      pod.ready = PodCondition{i < readiness.size() ? readiness[i] : "True", Timestamp{}};
      pod.deleting = i < deleting.size() && deleting[i];
      for (int c = 0; c < kContainersPerPod; ++c) {
        ContainerRequests container{"container" + std::to_string(c), {}};
        if (resource && i < resource->requests.size()) {
          container.requests.emplace("cpu", *Quantity::parse(resource->requests[i]));
        }
        pod.containers.push_back(container);
      }
      pods.push_back(pod);
    }
    return pods;
  }

  Result<PodMetrics> resource_metric(const std::string&, const std::string&, const LabelSelector&,
                                     const std::string&) override {
    PodMetrics out;
    for (std::size_t i = 0; i < resource->levels.size(); ++i) {
      std::string name = i < resource->pod_names.size() ? resource->pod_names[i] : pod_name(i);
      out.metrics[name] = PodMetric{resource->levels[i] * kContainersPerPod, Timestamp{}, 60s};
    }
    return out;
  }

  Result<PodMetrics> raw_metric(const std::string&, const std::string&, const LabelSelector&,
                                const LabelSelector&) override {
    PodMetrics out;
    for (std::size_t i = 0; i < metric_levels.size(); ++i) {
      out.metrics[pod_name(i)] = PodMetric{metric_levels[i], Timestamp{}, 60s};
    }
    return out;
  }

  Result<ObjectMetric> object_metric(const std::string&, const std::string&,
                                     const autoscaling::CrossVersionObjectReference&,
                                     const LabelSelector&) override {
    return ObjectMetric{metric_levels.at(0), Timestamp{}};
  }

  Result<ExternalMetrics> external_metric(const std::string& metric, const std::string&,
                                          const LabelSelector& selector) override {
    seen_external_metric = metric;
    seen_external_selector = *selector.to_json();
    return ExternalMetrics{metric_levels, Timestamp{}};
  }

  ReplicaCalculator calculator() {
    ReplicaCalculatorOptions options;
    options.tolerance = 0.1;
    options.cpu_initialization_period = 2min;
    options.delay_of_initial_readiness_status = 10s;
    return ReplicaCalculator(*this, *this, options, [] { return kNow; });
  }
};

const LabelSelector kPods = *LabelSelector::parse("name=test-pod");

struct ResourceExpectation {
  int32_t replicas;
  int32_t utilization;
  int64_t raw;
};

void expect_resource(Fixture& f, ResourceExpectation want) {
  auto calc = f.calculator();
  auto got = calc.resource_replicas(f.current_replicas, f.resource->target_utilization, "cpu",
                                    "test-namespace", kPods, "");
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->replicas, want.replicas);
  EXPECT_EQ(got->utilization, want.utilization);
  EXPECT_EQ(got->raw_utilization, want.raw);
}

ResourceCase one_core(std::size_t pods, std::vector<int64_t> levels, int32_t target) {
  return ResourceCase{std::vector<std::string>(pods, "1.0"), std::move(levels), {}, target};
}

TEST(ReplicaCalcResource, ScaleUp) {
  Fixture f;
  f.current_replicas = 3;
  f.resource = one_core(3, {300, 500, 700}, 30);
  expect_resource(f, {5, 50, kContainersPerPod * 500});
}

TEST(ReplicaCalcResource, ScaleUpUnreadyLessScale) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"False", "True", "True"};
  f.resource = one_core(3, {300, 500, 700}, 30);
  expect_resource(f, {4, 60, kContainersPerPod * 600});
}

TEST(ReplicaCalcResource, ScaleUpHotCpuLessScale) {
  Fixture f;
  f.current_replicas = 3;
  f.start_times = {hot(), cool(), cool()};
  f.resource = one_core(3, {300, 500, 700}, 30);
  expect_resource(f, {4, 60, kContainersPerPod * 600});
}

TEST(ReplicaCalcResource, ScaleUpUnreadyNoScale) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"True", "False", "False"};
  f.resource = one_core(3, {400, 500, 700}, 30);
  expect_resource(f, {3, 40, kContainersPerPod * 400});
}

TEST(ReplicaCalcResource, ScaleHotCpuNoScale) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"True", "False", "False"};
  f.start_times = {cool(), hot(), hot()};
  f.resource = one_core(3, {400, 500, 700}, 30);
  expect_resource(f, {3, 40, kContainersPerPod * 400});
}

TEST(ReplicaCalcResource, ScaleUpIgnoresFailedPods) {
  Fixture f;
  f.current_replicas = 2;
  f.readiness = {"True", "True", "False", "False"};
  f.phases = {"Running", "Running", "Failed", "Failed"};
  f.resource = one_core(4, {500, 700}, 30);
  expect_resource(f, {4, 60, kContainersPerPod * 600});
}

TEST(ReplicaCalcResource, ScaleUpIgnoresDeletionPods) {
  Fixture f;
  f.current_replicas = 2;
  f.readiness = {"True", "True", "False", "False"};
  f.phases = {"Running", "Running", "Running", "Running"};
  f.deleting = {false, false, true, true};
  f.resource = one_core(4, {500, 700}, 30);
  expect_resource(f, {4, 60, kContainersPerPod * 600});
}

TEST(ReplicaCalcResource, ScaleDown) {
  Fixture f;
  f.current_replicas = 5;
  f.resource = one_core(5, {100, 300, 500, 250, 250}, 50);
  expect_resource(f, {3, 28, kContainersPerPod * 280});
}

TEST(ReplicaCalcResource, ScaleDownIncludeUnreadyPods) {
  Fixture f;
  f.current_replicas = 5;
  f.readiness = {"True", "True", "True", "False", "False"};
  f.resource = one_core(5, {100, 300, 500, 250, 250}, 50);
  expect_resource(f, {2, 30, kContainersPerPod * 300});
}

TEST(ReplicaCalcResource, ScaleDownExcludeUnscheduledPods) {
  Fixture f;
  f.current_replicas = 5;
  f.readiness = {"True", "False", "False", "False", "False"};
  f.phases = {"Running", "Pending", "Pending", "Pending", "Pending"};
  f.resource = one_core(5, {100}, 50);
  expect_resource(f, {1, 10, kContainersPerPod * 100});
}

TEST(ReplicaCalcResource, ScaleDownIgnoreHotCpuPods) {
  Fixture f;
  f.current_replicas = 5;
  f.start_times = {cool(), cool(), cool(), hot(), hot()};
  f.resource = one_core(5, {100, 300, 500, 250, 250}, 50);
  expect_resource(f, {2, 30, kContainersPerPod * 300});
}

TEST(ReplicaCalcResource, ScaleDownIgnoresFailedPods) {
  Fixture f;
  f.current_replicas = 5;
  f.readiness = {"True", "True", "True", "True", "True", "False", "False"};
  f.phases = {"Running", "Running", "Running", "Running", "Running", "Failed", "Failed"};
  f.resource = one_core(7, {100, 300, 500, 250, 250}, 50);
  expect_resource(f, {3, 28, kContainersPerPod * 280});
}

TEST(ReplicaCalcResource, Tolerance) {
  Fixture f;
  f.current_replicas = 3;
  f.resource = ResourceCase{{"0.9", "1.0", "1.1"}, {1010, 1030, 1020}, {}, 100};
  expect_resource(f, {3, 102, kContainersPerPod * 1020});
}

TEST(ReplicaCalcResource, SuperfluousMetrics) {
  Fixture f;
  f.current_replicas = 4;
  f.resource = one_core(4, {4000, 9500, 3000, 7000, 3200, 2000}, 100);
  expect_resource(f, {24, 587, kContainersPerPod * 5875});
}

TEST(ReplicaCalcResource, MissingMetrics) {
  Fixture f;
  f.current_replicas = 4;
  f.resource = one_core(4, {400, 95}, 100);
  expect_resource(f, {3, 24, 495});
}

TEST(ReplicaCalcResource, MissingMetricsNoChange) {
  for (auto [level, utilization] :
       {std::pair<int64_t, int32_t>{1000, 100}, {1900, 190}, {600, 60}}) {
    Fixture f;
    f.current_replicas = 2;
    f.resource = one_core(2, {level}, 100);
    expect_resource(f, {2, utilization, kContainersPerPod * level});
  }
}

TEST(ReplicaCalcResource, MissingMetricsUnreadyChange) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"False", "True", "True"};
  f.resource = one_core(3, {100, 450}, 50);
  expect_resource(f, {3, 45, kContainersPerPod * 450});
}

TEST(ReplicaCalcResource, MissingMetricsHotCpuNoChange) {
  Fixture f;
  f.current_replicas = 3;
  f.start_times = {hot(), cool(), cool()};
  f.resource = one_core(3, {100, 450}, 50);
  expect_resource(f, {3, 45, kContainersPerPod * 450});
}

TEST(ReplicaCalcResource, MissingMetricsUnreadyScaleUp) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"False", "True", "True"};
  f.resource = one_core(3, {100, 2000}, 50);
  expect_resource(f, {4, 200, kContainersPerPod * 2000});
}

TEST(ReplicaCalcResource, MissingMetricsHotCpuScaleUp) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"False", "True", "True"};
  f.start_times = {hot(), cool(), cool()};
  f.resource = one_core(3, {100, 2000}, 50);
  expect_resource(f, {4, 200, kContainersPerPod * 2000});
}

TEST(ReplicaCalcResource, MissingMetricsUnreadyScaleDown) {
  Fixture f;
  f.current_replicas = 4;
  f.readiness = {"False", "True", "True", "True"};
  f.resource = one_core(4, {100, 100, 100}, 50);
  expect_resource(f, {3, 10, kContainersPerPod * 100});
}

TEST(ReplicaCalcResource, DuringRollingUpdateWithMaxSurge) {
  Fixture f;
  f.current_replicas = 2;
  f.phases = {"Running", "Running", "Running"};
  f.resource = one_core(3, {100, 100}, 50);
  expect_resource(f, {2, 10, kContainersPerPod * 100});
}

TEST(ReplicaCalcResource, DisjointMetricsAndPodsIsAnError) {
  Fixture f;
  f.current_replicas = 1;
  f.resource = ResourceCase{{"1.0"}, {100}, {"an-older-pod-name"}, 100};
  auto calc = f.calculator();
  auto got = calc.resource_replicas(1, 100, "cpu", "test-namespace", kPods, "");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "no metrics returned matched known pods");
}

TEST(ReplicaCalcResource, MissingRequestNamesContainerAndPod) {
  Fixture f;
  f.current_replicas = 1;
  f.resource = ResourceCase{{}, {200}, {}, 100};
  auto calc = f.calculator();
  auto got = calc.resource_replicas(1, 100, "cpu", "test-namespace", kPods, "");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "missing request for cpu in container container0 of Pod test-pod-0");
}

TEST(ReplicaCalcResource, AllPodsUnreadyIsAnError) {
  Fixture f;
  f.current_replicas = 2;
  f.phases = {"Pending", "Pending"};
  f.resource = one_core(2, {100, 100}, 50);
  auto calc = f.calculator();
  auto got = calc.resource_replicas(2, 50, "cpu", "test-namespace", kPods, "");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "did not receive metrics for targeted pods (pods might be unready)");
}

struct UsageExpectation {
  int32_t replicas;
  int64_t usage;
};

void expect_pods_metric(Fixture& f, int64_t target, UsageExpectation want) {
  auto calc = f.calculator();
  auto got = calc.metric_replicas(f.current_replicas, target, "qps", "test-namespace", kPods,
                                  LabelSelector());
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->replicas, want.replicas);
  EXPECT_EQ(got->usage, want.usage);
}

TEST(ReplicaCalcPodsMetric, ScaleUp) {
  Fixture f;
  f.current_replicas = 3;
  f.metric_levels = {20000, 10000, 30000};
  expect_pods_metric(f, 15000, {4, 20000});
}

TEST(ReplicaCalcPodsMetric, UnreadyHotCpuNoLessScale) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"True", "True", "False"};
  f.start_times = {cool(), cool(), hot()};
  f.metric_levels = {50000, 10000, 30000};
  expect_pods_metric(f, 15000, {6, 30000});
}

TEST(ReplicaCalcPodsMetric, UnreadyHotCpuScaleWouldScaleDown) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"False", "True", "False"};
  f.start_times = {hot(), cool(), hot()};
  f.metric_levels = {50000, 15000, 30000};
  expect_pods_metric(f, 15000, {7, 31666});
}

TEST(ReplicaCalcPodsMetric, ScaleDown) {
  Fixture f;
  f.current_replicas = 5;
  f.metric_levels = {12000, 12000, 12000, 12000, 12000};
  expect_pods_metric(f, 20000, {3, 12000});
}

TEST(ReplicaCalcPodsMetric, Tolerance) {
  Fixture f;
  f.current_replicas = 3;
  f.metric_levels = {20000, 21000, 21000};
  expect_pods_metric(f, 20000, {3, 20666});
}

const json::value kLabelValue = json::parse(R"({"matchLabels":{"label":"value"}})");

void expect_external(Fixture& f, int64_t target, UsageExpectation want) {
  auto calc = f.calculator();
  auto got = calc.external_metric_replicas(f.current_replicas, target, "qps", "test-namespace",
                                           kLabelValue, kPods);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->replicas, want.replicas);
  EXPECT_EQ(got->usage, want.usage);
  EXPECT_EQ(f.seen_external_metric, "qps");
  EXPECT_EQ(f.seen_external_selector, kLabelValue);
}

void expect_external_per_pod(Fixture& f, int64_t target, UsageExpectation want) {
  auto calc = f.calculator();
  auto got = calc.external_per_pod_metric_replicas(f.current_replicas, target, "qps",
                                                   "test-namespace", kLabelValue);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->replicas, want.replicas);
  EXPECT_EQ(got->usage, want.usage);
}

TEST(ReplicaCalcExternal, ScaleUp) {
  Fixture f;
  f.current_replicas = 1;
  f.metric_levels = {8600};
  expect_external(f, 4400, {2, 8600});
}

TEST(ReplicaCalcExternal, ScaleUpIgnoresUnreadyPods) {
  Fixture f;
  f.current_replicas = 3;
  f.readiness = {"False", "True", "False"};
  f.metric_levels = {8600};
  expect_external(f, 4400, {2, 8600});  // 6 if unready pods were counted
}

TEST(ReplicaCalcExternal, SumsEverySeries) {
  Fixture f;
  f.current_replicas = 2;
  f.metric_levels = {3000, 5600};
  expect_external(f, 4400, {4, 8600});
}

TEST(ReplicaCalcExternal, FromZeroUsesTheRatioAlone) {
  Fixture f;
  f.current_replicas = 0;
  f.metric_levels = {8600};
  expect_external(f, 4400, {2, 8600});
}

TEST(ReplicaCalcExternal, ScaleDown) {
  Fixture f;
  f.current_replicas = 5;
  f.metric_levels = {8600};
  expect_external(f, 14334, {3, 8600});
}

TEST(ReplicaCalcExternal, Tolerance) {
  Fixture f;
  f.current_replicas = 3;
  f.metric_levels = {8600};
  expect_external(f, 8888, {3, 8600});
}

TEST(ReplicaCalcExternal, PerPodScaleUp) {
  Fixture f;
  f.current_replicas = 3;
  f.metric_levels = {8600};
  expect_external_per_pod(f, 2150, {4, 2867});
}

TEST(ReplicaCalcExternal, PerPodScaleDown) {
  Fixture f;
  f.current_replicas = 5;
  f.metric_levels = {8600};
  expect_external_per_pod(f, 2867, {3, 1720});
}

TEST(ReplicaCalcExternal, PerPodTolerance) {
  Fixture f;
  f.current_replicas = 3;
  f.metric_levels = {8600};
  expect_external_per_pod(f, 2900, {3, 2867});
}

struct FailingExternal : Fixture {
  Result<ExternalMetrics> external_metric(const std::string&, const std::string&,
                                          const LabelSelector&) override {
    return apimachinery::Error{"unable to fetch metrics from external metrics API: boom"};
  }
};

TEST(ReplicaCalcExternal, ErrorNamesNamespaceMetricAndSelectorAsGoPrintsThem) {
  FailingExternal f;
  f.current_replicas = 1;
  auto calc = f.calculator();
  auto got = calc.external_metric_replicas(
      1, 500, "dynamo_ttft_p95_seconds", "default",
      json::parse(R"({"matchLabels":{"dynamo_namespace":"default-sglang-agg"}})"), kPods);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(),
            "unable to get external metric default/dynamo_ttft_p95_seconds/"
            "&LabelSelector{MatchLabels:map[string]string{dynamo_namespace: default-sglang-agg,},"
            "MatchExpressions:[]LabelSelectorRequirement{},}: unable to fetch metrics from "
            "external metrics API: boom");
}

}  // namespace
}  // namespace dynop::localcluster::hpa
