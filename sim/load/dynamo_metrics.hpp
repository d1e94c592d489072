#pragma once
// The metrics a Dynamo frontend and worker export, named, labelled and
// bucketed as upstream (lib/llm/src/http/service/metrics.rs, the runtime's
// prometheus_names.rs), one prometheus-cpp registry per simulated pod.
//
// Every series also carries dynamo_namespace = "<k8s namespace>-<dgd>": the
// guide's PromQL selects on it (dynamo_namespace="default-sglang-agg") and a
// plain pod scrape adds only namespace/pod, so the pod exports it itself, as
// upstream's runtime does for its dynamo_component_* series. A Prometheus
// that also copies the pod label nvidia.com/dynamo-namespace into
// dynamo_namespace gets the same value (the scraped one is kept as
// exported_dynamo_namespace unless honor_labels is set).

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

namespace dynop::sim {

// Upstream's generate_log_buckets(min, max, count): 0, then count-1 values
// log-spaced from min to max rounded to two significant figures, duplicates removed.
std::vector<double> dynamo_log_buckets(double min, double max, int count);

struct FrontendMetrics {
  FrontendMetrics(const std::string& model, const std::string& dynamo_namespace);

  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Counter* requests_success;  // requests_total{status="success"}
  prometheus::Counter* requests_error;    // requests_total{status="error"}
  prometheus::Gauge* inflight;
  prometheus::Gauge* queued;
  prometheus::Histogram* ttft;
  prometheus::Histogram* itl;
  prometheus::Histogram* request_duration;
  prometheus::Histogram* input_tokens;
  prometheus::Histogram* output_tokens;
  prometheus::Counter* output_tokens_total;
  std::vector<double> itl_buckets;  // finite upper bounds, for batched observations
};

struct WorkerMetrics {
  WorkerMetrics(const std::string& model, const std::string& dynamo_namespace,
                const std::string& component);

  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Gauge* gpu_cache_usage;  // 0..1
  prometheus::Counter* requests_total;
  prometheus::Gauge* inflight;
};

}  // namespace dynop::sim
