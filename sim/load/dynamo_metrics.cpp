#include "sim/load/dynamo_metrics.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dynop::sim {

std::vector<double> dynamo_log_buckets(double min, double max, int count) {
  std::vector<double> buckets{0.0};
  // Two significant figures, as the nearest double to that decimal (0.084,
  // not upstream's arithmetic 0.08400000000000001), so le="0.084" as documented.
  auto round2 = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1e", v);
    return std::strtod(text, nullptr);
  };
  for (int i = 1; i < count; ++i) {
    const double lv =
        std::log(min) + (std::log(max) - std::log(min)) * i / static_cast<double>(count - 1);
    const double v = round2(std::exp(lv));
    if (v != buckets.back()) buckets.push_back(v);
  }
  return buckets;
}

FrontendMetrics::FrontendMetrics(const std::string& model, const std::string& dynamo_namespace)
    : registry(std::make_shared<prometheus::Registry>()) {
  const prometheus::Labels labels{{"model", model}, {"dynamo_namespace", dynamo_namespace}};
  auto& requests = prometheus::BuildCounter()
                       .Name("dynamo_frontend_requests_total")
                       .Help("Total number of LLM requests processed")
                       .Register(*registry);
  auto with = [&](const char* status) {
    prometheus::Labels l = labels;
    l["endpoint"] = "chat_completions";
    l["request_type"] = "stream";
    l["status"] = status;
    return &requests.Add(l);
  };
  requests_success = with("success");
  requests_error = with("error");
  inflight = &prometheus::BuildGauge()
                  .Name("dynamo_frontend_inflight_requests")
                  .Help("Number of inflight requests")
                  .Register(*registry)
                  .Add(labels);
  queued = &prometheus::BuildGauge()
                .Name("dynamo_frontend_queued_requests")
                .Help("Number of requests in HTTP processing queue")
                .Register(*registry)
                .Add(labels);
  auto histogram = [&](const char* name, const char* help, std::vector<double> buckets) {
    return &prometheus::BuildHistogram().Name(name).Help(help).Register(*registry).Add(
        labels, std::move(buckets));
  };
  request_duration = histogram("dynamo_frontend_request_duration_seconds",
                               "Duration of LLM requests", dynamo_log_buckets(1.0, 256.0, 10));
  input_tokens =
      histogram("dynamo_frontend_input_sequence_tokens", "Input sequence length in tokens",
                dynamo_log_buckets(50.0, 128000.0, 12));
  output_tokens =
      histogram("dynamo_frontend_output_sequence_tokens", "Output sequence length in tokens",
                dynamo_log_buckets(50.0, 32000.0, 10));
  ttft = histogram("dynamo_frontend_time_to_first_token_seconds", "Time to first token in seconds",
                   dynamo_log_buckets(0.001, 480.0, 18));
  itl_buckets = dynamo_log_buckets(0.001, 2.0, 13);
  itl = histogram("dynamo_frontend_inter_token_latency_seconds", "Inter-token latency in seconds",
                  itl_buckets);
  output_tokens_total = &prometheus::BuildCounter()
                             .Name("dynamo_frontend_output_tokens_total")
                             .Help("Total number of output tokens generated (updates in real-time)")
                             .Register(*registry)
                             .Add(labels);
}

WorkerMetrics::WorkerMetrics(const std::string& model, const std::string& dynamo_namespace,
                             const std::string& component)
    : registry(std::make_shared<prometheus::Registry>()) {
  gpu_cache_usage = &prometheus::BuildGauge()
                         .Name("dynamo_component_gpu_cache_usage_percent")
                         .Help("GPU cache usage as a percentage (0.0-1.0)")
                         .Register(*registry)
                         .Add({{"model", model},
                               {"dynamo_namespace", dynamo_namespace},
                               {"dynamo_component", component},
                               {"dp_rank", "0"}});
  const prometheus::Labels runtime{{"dynamo_namespace", dynamo_namespace},
                                   {"dynamo_component", component},
                                   {"dynamo_endpoint", "generate"}};
  requests_total = &prometheus::BuildCounter()
                        .Name("dynamo_component_requests_total")
                        .Help("Total number of requests processed by work handler")
                        .Register(*registry)
                        .Add(runtime);
  inflight = &prometheus::BuildGauge()
                  .Name("dynamo_component_inflight_requests")
                  .Help("Number of requests currently being processed by work handler")
                  .Register(*registry)
                  .Add(runtime);
}

}  // namespace dynop::sim
