#include "sim/load/resource_metrics.hpp"

#include <prometheus/metric_family.h>

#include "lib/metrics/exposition.hpp"

namespace dynop::sim {
namespace {

std::int64_t millis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

prometheus::MetricFamily family(const char* name, const char* help, prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

prometheus::ClientMetric sample(std::vector<prometheus::ClientMetric::Label> labels, double value,
                                prometheus::MetricType type, std::int64_t timestamp_ms) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  m.timestamp_ms = timestamp_ms;
  return m;
}

}  // namespace

std::string render_resource_metrics(const std::vector<PodResources>& pods,
                                    const ResourceSample& node_overhead) {
  using prometheus::MetricType;
  auto container_cpu =
      family("container_cpu_usage_seconds_total",
             "[STABLE] Cumulative cpu time consumed by the container in core-seconds",
             MetricType::Counter);
  auto container_memory =
      family("container_memory_working_set_bytes",
             "[STABLE] Current working set of the container in bytes", MetricType::Gauge);
  auto container_start =
      family("container_start_time_seconds",
             "[STABLE] Start time of the container since unix epoch in seconds", MetricType::Gauge);
  auto node_cpu = family("node_cpu_usage_seconds_total",
                         "[STABLE] Cumulative cpu time consumed by the node in core-seconds",
                         MetricType::Counter);
  auto node_memory = family("node_memory_working_set_bytes",
                            "[STABLE] Current working set of the node in bytes", MetricType::Gauge);
  auto pod_cpu = family("pod_cpu_usage_seconds_total",
                        "[STABLE] Cumulative cpu time consumed by the pod in core-seconds",
                        MetricType::Counter);
  auto pod_memory = family("pod_memory_working_set_bytes",
                           "[STABLE] Current working set of the pod in bytes", MetricType::Gauge);
  auto scrape_error =
      family("resource_scrape_error",
             "[STABLE] 1 if there was an error while getting container metrics, 0 otherwise",
             MetricType::Gauge);

  double cpu = node_overhead.cpu_core_seconds;
  double memory = node_overhead.memory_working_set_bytes;
  std::int64_t newest = millis(node_overhead.timestamp);
  for (const auto& p : pods) {
    const std::int64_t ts = millis(p.sample.timestamp);
    newest = std::max(newest, ts);
    const std::vector<prometheus::ClientMetric::Label> c{
        {"container", p.container}, {"namespace", p.namespace_}, {"pod", p.name}};
    const std::vector<prometheus::ClientMetric::Label> pl{{"namespace", p.namespace_},
                                                          {"pod", p.name}};
    container_cpu.metric.push_back(sample(c, p.sample.cpu_core_seconds, MetricType::Counter, ts));
    container_memory.metric.push_back(
        sample(c, p.sample.memory_working_set_bytes, MetricType::Gauge, ts));
    const double start = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 p.sample.start_time.time_since_epoch())
                                                 .count()) /
                         1000.0;
    container_start.metric.push_back(
        sample(c, start, MetricType::Gauge, millis(p.sample.start_time)));
    pod_cpu.metric.push_back(sample(pl, p.sample.cpu_core_seconds, MetricType::Counter, ts));
    pod_memory.metric.push_back(
        sample(pl, p.sample.memory_working_set_bytes, MetricType::Gauge, ts));
    cpu += p.sample.cpu_core_seconds;
    memory += p.sample.memory_working_set_bytes;
  }
  node_cpu.metric.push_back(sample({}, cpu, MetricType::Counter, newest));
  node_memory.metric.push_back(sample({}, memory, MetricType::Gauge, newest));
  scrape_error.metric.push_back(sample({}, 0, MetricType::Gauge, 0));
  return metrics::text_exposition({container_cpu, container_memory, container_start, node_cpu,
                                   node_memory, pod_cpu, pod_memory, scrape_error});
}

}  // namespace dynop::sim
