#include "localcluster/controllers/hpa/replica_calculator.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "lib/apimachinery/go_format.hpp"

namespace dynop::localcluster::hpa {

using apimachinery::Error;

namespace {

// metricsclient.GetResourceUtilizationRatio.
struct UtilizationRatio {
  double ratio = 0;
  int32_t utilization = 0;
  int64_t raw_average = 0;
};

Result<UtilizationRatio> resource_utilization_ratio(const PodMetricsInfo& metrics,
                                                    const std::map<std::string, int64_t>& requests,
                                                    int32_t target_utilization) {
  int64_t metrics_total = 0;
  int64_t requests_total = 0;
  int64_t entries = 0;
  for (const auto& [pod, metric] : metrics) {
    auto request = requests.find(pod);
    // Requests are checked elsewhere: a metric without one is extraneous.
    if (request == requests.end()) continue;
    metrics_total += metric.value;
    requests_total += request->second;
    ++entries;
  }
  // Disjoint sets of requests and metrics leave nothing to divide by.
  if (requests_total == 0) return Error{"no metrics returned matched known pods"};
  UtilizationRatio out;
  out.utilization = static_cast<int32_t>((metrics_total * 100) / requests_total);
  out.ratio = static_cast<double>(out.utilization) / static_cast<double>(target_utilization);
  out.raw_average = metrics_total / entries;
  return out;
}

// metricsclient.GetMetricUsageRatio.
std::pair<double, int64_t> metric_usage_ratio(const PodMetricsInfo& metrics, int64_t target_usage) {
  int64_t total = 0;
  for (const auto& [pod, metric] : metrics) total += metric.value;
  const int64_t usage = total / static_cast<int64_t>(metrics.size());
  return {static_cast<double>(usage) / static_cast<double>(target_usage), usage};
}

// calculatePodRequests: milli-units per pod of `resource` over its
// containers (or just `container`); every counted container needs one.
Result<std::map<std::string, int64_t>> pod_requests(const std::vector<PodInfo>& pods,
                                                    const std::string& container,
                                                    const std::string& resource) {
  std::map<std::string, int64_t> requests;
  for (const auto& pod : pods) {
    int64_t sum = 0;
    for (const auto& c : pod.containers) {
      if (!container.empty() && container != c.name) continue;
      auto found = c.requests.find(resource);
      if (found == c.requests.end()) {
        return Error{"missing request for " + resource + " in container " + c.name + " of Pod " +
                     pod.name};
      }
      sum += found->second.milli_value();
    }
    requests[pod.name] = sum;
  }
  return requests;
}

void remove_metrics(PodMetricsInfo& metrics, const std::vector<std::string>& pods) {
  for (const auto& pod : pods) metrics.erase(pod);
}

// int32(math.Ceil(x)) on amd64: the conversion goes through int64.
int32_t ceil_replicas(double value) {
  return static_cast<int32_t>(apimachinery::go_float64_to_int64(std::ceil(value)));
}

// fmt.Errorf("... %s/%s/%+v: %s", namespace, metricName, metricSelector, err).
std::string external_metric_error(const std::string& ns, const std::string& metric,
                                  const boost::json::value& selector, const std::string& cause) {
  return "unable to get external metric " + ns + "/" + metric + "/" +
         apimachinery::go_label_selector_string(selector) + ": " + cause;
}

}  // namespace

ReplicaCalculator::ReplicaCalculator(MetricsClient& metrics, PodLister& pods,
                                     ReplicaCalculatorOptions options, Now now)
    : metrics_(metrics), pods_(pods), options_(options), now_(std::move(now)) {}

ReplicaCalculator::Groups ReplicaCalculator::group_pods(const std::vector<PodInfo>& pods,
                                                        const PodMetricsInfo& metrics,
                                                        const std::string& resource) const {
  Groups groups;
  const Timestamp now = now_();
  for (const auto& pod : pods) {
    if (pod.deleting || pod.phase == "Failed") {
      groups.ignored.push_back(pod.name);
      continue;
    }
    if (pod.phase == "Pending") {
      groups.unready.push_back(pod.name);
      continue;
    }
    auto metric = metrics.find(pod.name);
    if (metric == metrics.end()) {
      groups.missing.push_back(pod.name);
      continue;
    }
    if (resource == "cpu") {
      bool unready = false;
      if (!pod.ready || !pod.start_time) {
        unready = true;
      } else if (*pod.start_time + options_.cpu_initialization_period > now) {
        // Still initializing: ignore the sample if the pod is unready, or if a
        // whole metric window has not passed since it became ready.
        unready =
            pod.ready->status == "False" ||
            metric->second.timestamp < pod.ready->last_transition_time + metric->second.window;
      } else {
        // Ignore the sample of a pod that is unready and has never been ready.
        unready = pod.ready->status == "False" &&
                  *pod.start_time + options_.delay_of_initial_readiness_status >
                      pod.ready->last_transition_time;
      }
      if (unready) {
        groups.unready.push_back(pod.name);
        continue;
      }
    }
    ++groups.ready_count;
  }
  return groups;
}

Result<ResourceReplicas> ReplicaCalculator::resource_replicas(
    int32_t current_replicas, int32_t target_utilization, const std::string& resource,
    const std::string& ns, const LabelSelector& selector, const std::string& container) {
  auto fetched = metrics_.resource_metric(resource, ns, selector, container);
  if (!fetched) {
    return Error{"unable to get metrics for resource " + resource + ": " + fetched.error()};
  }
  PodMetricsInfo metrics = std::move(fetched->metrics);
  const Timestamp timestamp = fetched->timestamp;
  auto listed = pods_.list(ns, selector);
  if (!listed) {
    return Error{"unable to get pods while calculating replica count: " + listed.error()};
  }
  const auto& pods = *listed;
  if (pods.empty()) {
    return Error{"no pods returned by selector while calculating replica count"};
  }
  Groups groups = group_pods(pods, metrics, resource);
  remove_metrics(metrics, groups.ignored);
  remove_metrics(metrics, groups.unready);
  if (metrics.empty()) {
    return Error{"did not receive metrics for targeted pods (pods might be unready)"};
  }
  auto requests = pod_requests(pods, container, resource);
  if (!requests) return Error{requests.error()};
  auto ratio = resource_utilization_ratio(metrics, *requests, target_utilization);
  if (!ratio) return Error{ratio.error()};
  const double usage_ratio = ratio->ratio;
  ResourceReplicas out{current_replicas, ratio->utilization, ratio->raw_average, timestamp};

  const bool scale_up_with_unready = !groups.unready.empty() && usage_ratio > 1.0;
  if (!scale_up_with_unready && groups.missing.empty()) {
    if (std::abs(1.0 - usage_ratio) <= options_.tolerance) return out;
    out.replicas = ceil_replicas(usage_ratio * groups.ready_count);
    return out;
  }
  if (!groups.missing.empty()) {
    for (const auto& pod : groups.missing) {
      // Scale-down: missing pods use their whole request; scale-up: nothing.
      if (usage_ratio < 1.0) {
        metrics[pod] = PodMetric{requests->at(pod), {}, {}};
      } else if (usage_ratio > 1.0) {
        metrics[pod] = PodMetric{0, {}, {}};
      }
    }
  }
  if (scale_up_with_unready) {
    for (const auto& pod : groups.unready) metrics[pod] = PodMetric{0, {}, {}};
  }
  auto recomputed = resource_utilization_ratio(metrics, *requests, target_utilization);
  if (!recomputed) return Error{recomputed.error()};
  const double new_ratio = recomputed->ratio;
  if (std::abs(1.0 - new_ratio) <= options_.tolerance || (usage_ratio < 1.0 && new_ratio > 1.0) ||
      (usage_ratio > 1.0 && new_ratio < 1.0)) {
    return out;  // too small a change, or the unknowns flip the direction
  }
  const int32_t replicas = ceil_replicas(new_ratio * static_cast<double>(metrics.size()));
  if ((new_ratio < 1.0 && replicas > current_replicas) ||
      (new_ratio > 1.0 && replicas < current_replicas)) {
    return out;  // counting more pods would flip the direction
  }
  out.replicas = replicas;
  return out;
}

Result<UsageReplicas> ReplicaCalculator::raw_resource_replicas(
    int32_t current_replicas, int64_t target_usage, const std::string& resource,
    const std::string& ns, const LabelSelector& selector, const std::string& container) {
  auto fetched = metrics_.resource_metric(resource, ns, selector, container);
  if (!fetched) {
    return Error{"unable to get metrics for resource " + resource + ": " + fetched.error()};
  }
  auto out = plain_metric_replicas(std::move(fetched->metrics), current_replicas, target_usage, ns,
                                   selector, resource);
  if (out) out->timestamp = fetched->timestamp;
  return out;
}

Result<UsageReplicas> ReplicaCalculator::metric_replicas(
    int32_t current_replicas, int64_t target_usage, const std::string& metric,
    const std::string& ns, const LabelSelector& selector, const LabelSelector& metric_selector) {
  auto fetched = metrics_.raw_metric(metric, ns, selector, metric_selector);
  if (!fetched) return Error{"unable to get metric " + metric + ": " + fetched.error()};
  auto out = plain_metric_replicas(std::move(fetched->metrics), current_replicas, target_usage, ns,
                                   selector, "");
  if (out) out->timestamp = fetched->timestamp;
  return out;
}

Result<UsageReplicas> ReplicaCalculator::plain_metric_replicas(
    PodMetricsInfo metrics, int32_t current_replicas, int64_t target_usage, const std::string& ns,
    const LabelSelector& selector, const std::string& resource) {
  auto listed = pods_.list(ns, selector);
  if (!listed) {
    return Error{"unable to get pods while calculating replica count: " + listed.error()};
  }
  if (listed->empty()) {
    return Error{"no pods returned by selector while calculating replica count"};
  }
  Groups groups = group_pods(*listed, metrics, resource);
  remove_metrics(metrics, groups.ignored);
  remove_metrics(metrics, groups.unready);
  if (metrics.empty()) {
    return Error{"did not receive metrics for targeted pods (pods might be unready)"};
  }
  auto [usage_ratio, usage] = metric_usage_ratio(metrics, target_usage);
  UsageReplicas out{current_replicas, usage, {}};
  const bool scale_up_with_unready = !groups.unready.empty() && usage_ratio > 1.0;
  if (!scale_up_with_unready && groups.missing.empty()) {
    if (std::abs(1.0 - usage_ratio) <= options_.tolerance) return out;
    out.replicas = ceil_replicas(usage_ratio * groups.ready_count);
    return out;
  }
  for (const auto& pod : groups.missing) {
    // Scale-down: missing pods use exactly the target; scale-up: nothing.
    if (usage_ratio < 1.0) {
      metrics[pod] = PodMetric{target_usage, {}, {}};
    } else if (usage_ratio > 1.0) {
      metrics[pod] = PodMetric{0, {}, {}};
    }
  }
  if (scale_up_with_unready) {
    for (const auto& pod : groups.unready) metrics[pod] = PodMetric{0, {}, {}};
  }
  const double new_ratio = metric_usage_ratio(metrics, target_usage).first;
  if (std::abs(1.0 - new_ratio) <= options_.tolerance || (usage_ratio < 1.0 && new_ratio > 1.0) ||
      (usage_ratio > 1.0 && new_ratio < 1.0)) {
    return out;
  }
  const int32_t replicas = ceil_replicas(new_ratio * static_cast<double>(metrics.size()));
  if ((new_ratio < 1.0 && replicas > current_replicas) ||
      (new_ratio > 1.0 && replicas < current_replicas)) {
    return out;
  }
  out.replicas = replicas;
  return out;
}

Result<UsageReplicas> ReplicaCalculator::object_metric_replicas(
    int32_t current_replicas, int64_t target_usage, const std::string& metric,
    const std::string& ns, const autoscaling::CrossVersionObjectReference& object,
    const LabelSelector& selector, const LabelSelector& metric_selector) {
  auto fetched = metrics_.object_metric(metric, ns, object, metric_selector);
  if (!fetched) {
    return Error{"unable to get metric " + metric + ": " + object.kind + " on " + ns + " " +
                 object.name + "/" + fetched.error()};
  }
  const double usage_ratio =
      static_cast<double>(fetched->value) / static_cast<double>(target_usage);
  auto out = usage_ratio_replica_count(current_replicas, usage_ratio, ns, selector);
  if (out) out->usage = fetched->value;
  return out;
}

Result<UsageReplicas> ReplicaCalculator::object_per_pod_metric_replicas(
    int32_t status_replicas, int64_t target_average_usage, const std::string& metric,
    const std::string& ns, const autoscaling::CrossVersionObjectReference& object,
    const LabelSelector& metric_selector) {
  auto fetched = metrics_.object_metric(metric, ns, object, metric_selector);
  if (!fetched) {
    return Error{"unable to get metric " + metric + ": " + object.kind + " on " + ns + " " +
                 object.name + "/" + fetched.error()};
  }
  UsageReplicas out{status_replicas, 0, fetched->timestamp};
  const double usage = static_cast<double>(fetched->value);
  const double usage_ratio =
      usage / (static_cast<double>(target_average_usage) * static_cast<double>(status_replicas));
  if (std::abs(1.0 - usage_ratio) > options_.tolerance) {
    out.replicas = ceil_replicas(usage / static_cast<double>(target_average_usage));
  }
  out.usage =
      apimachinery::go_float64_to_int64(std::ceil(usage / static_cast<double>(status_replicas)));
  return out;
}

Result<int64_t> ReplicaCalculator::ready_pods_count(const std::string& ns,
                                                    const LabelSelector& selector) {
  auto listed = pods_.list(ns, selector);
  if (!listed) {
    return Error{"unable to get pods while calculating replica count: " + listed.error()};
  }
  if (listed->empty()) {
    return Error{"no pods returned by selector while calculating replica count"};
  }
  int64_t ready = 0;
  for (const auto& pod : *listed) {
    if (pod.running_and_ready()) ++ready;
  }
  return ready;
}

Result<UsageReplicas> ReplicaCalculator::usage_ratio_replica_count(int32_t current_replicas,
                                                                   double usage_ratio,
                                                                   const std::string& ns,
                                                                   const LabelSelector& selector) {
  UsageReplicas out{current_replicas, 0, {}};
  if (current_replicas != 0) {
    if (std::abs(1.0 - usage_ratio) <= options_.tolerance) return out;
    auto ready = ready_pods_count(ns, selector);
    if (!ready) return Error{"unable to calculate ready pods: " + ready.error()};
    out.replicas = ceil_replicas(usage_ratio * static_cast<double>(*ready));
  } else {
    // At zero replicas neither ready pods nor tolerance apply: scale to
    // zero or to however many pods the ratio asks for.
    out.replicas = ceil_replicas(usage_ratio);
  }
  return out;
}

Result<UsageReplicas> ReplicaCalculator::external_metric_replicas(
    int32_t current_replicas, int64_t target_usage, const std::string& metric,
    const std::string& ns, const boost::json::value& metric_selector,
    const LabelSelector& pod_selector) {
  auto selector = LabelSelector::from_json(metric_selector);
  if (!selector) return Error{selector.error()};
  auto fetched = metrics_.external_metric(metric, ns, *selector);
  if (!fetched) return Error{external_metric_error(ns, metric, metric_selector, fetched.error())};
  int64_t usage = 0;
  for (int64_t v : fetched->values) usage += v;
  const double usage_ratio = static_cast<double>(usage) / static_cast<double>(target_usage);
  auto out = usage_ratio_replica_count(current_replicas, usage_ratio, ns, pod_selector);
  if (out) out->usage = usage;
  return out;
}

Result<UsageReplicas> ReplicaCalculator::external_per_pod_metric_replicas(
    int32_t status_replicas, int64_t target_usage_per_pod, const std::string& metric,
    const std::string& ns, const boost::json::value& metric_selector) {
  auto selector = LabelSelector::from_json(metric_selector);
  if (!selector) return Error{selector.error()};
  auto fetched = metrics_.external_metric(metric, ns, *selector);
  if (!fetched) return Error{external_metric_error(ns, metric, metric_selector, fetched.error())};
  int64_t usage = 0;
  for (int64_t v : fetched->values) usage += v;
  UsageReplicas out{status_replicas, 0, fetched->timestamp};
  const double usage_ratio =
      static_cast<double>(usage) /
      (static_cast<double>(target_usage_per_pod) * static_cast<double>(status_replicas));
  if (std::abs(1.0 - usage_ratio) > options_.tolerance) {
    out.replicas =
        ceil_replicas(static_cast<double>(usage) / static_cast<double>(target_usage_per_pod));
  }
  out.usage = apimachinery::go_float64_to_int64(
      std::ceil(static_cast<double>(usage) / static_cast<double>(status_replicas)));
  return out;
}

}  // namespace dynop::localcluster::hpa
