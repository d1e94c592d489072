#include "host/prometheus/prometheus_service.hpp"

#include <optional>
#include <utility>

#include "lib/metrics/registry.hpp"
#include "lib/prometheus/query_client.hpp"

namespace dynop::host {
namespace {

PromAnswer failure(unsigned http_status, const std::string& message) {
  // Prometheus answers 400 (bad_data) for a query it cannot parse and 422
  // (execution) for one it cannot run: the plugin's query is wrong. Anything
  // else (no answer, 503 timeout, 500) is Prometheus's trouble.
  const bool refused = http_status == 400 || http_status == 422;
  return PromAnswer::error(refused ? DYNOP_INVALID_ARGUMENT : DYNOP_UNAVAILABLE, message);
}

PromAnswer answer_of(prometheus::QueryResult result) {
  PromAnswer a;
  a.warnings = std::move(result.warnings);
  if (result.result_type == "matrix") {
    a.result_type = DYNOP_PROM_MATRIX;
    for (prometheus::Series& s : result.matrix) {
      PromSeriesData data;
      data.labels.assign(s.metric.begin(), s.metric.end());
      for (const auto& [t, v] : s.points) data.points.push_back(dynop_prom_point{t, v});
      a.series.push_back(std::move(data));
    }
    return a;
  }
  if (result.result_type == "string") {
    a.result_type = DYNOP_PROM_STRING;
    a.string_value = std::move(result.string_value);
    return a;
  }
  a.result_type = result.result_type == "scalar" ? DYNOP_PROM_SCALAR : DYNOP_PROM_VECTOR;
  for (prometheus::Sample& s : result.samples) {
    PromSeriesData data;
    data.labels.assign(s.metric.begin(), s.metric.end());
    data.points.push_back(dynop_prom_point{s.timestamp, s.value});
    a.series.push_back(std::move(data));
  }
  return a;
}

const char* outcome_of(const PromAnswer& a) {
  switch (a.code) {
    case DYNOP_OK:
      return "success";
    case DYNOP_INVALID_ARGUMENT:
      return "invalid_query";
    default:
      return "unavailable";
  }
}

}  // namespace

apimachinery::Result<std::unique_ptr<PrometheusService>> PrometheusService::create(
    const PrometheusServiceOptions& options, metrics::Registry& registry) {
  auto client = prometheus::QueryClient::create({options.url, options.timeout});
  if (!client) return apimachinery::Error{client.error()};
  const std::string url = (*client)->base_url();
  return std::unique_ptr<PrometheusService>(
      new PrometheusService(url, std::move(*client), registry));
}

PrometheusService::PrometheusService(std::string url,
                                     std::unique_ptr<prometheus::QueryClient> client,
                                     metrics::Registry& registry)
    : url_(std::move(url)), client_(std::move(client)), registry_(registry) {}

PrometheusService::~PrometheusService() = default;

void PrometheusService::count(const char* kind, const PromAnswer& answer) {
  registry_
      .counter("dynop_prometheus_queries_total",
               "Prometheus queries plugins made through the host, by kind (instant, range) "
               "and outcome (success, invalid_query, unavailable).")
      .with({{"kind", kind}, {"outcome", outcome_of(answer)}})
      .Increment();
}

PromAnswer PrometheusService::query(std::string_view promql, double time) {
  unsigned http_status = 0;
  auto result =
      client_->query(std::string(promql), time > 0 ? std::optional<double>(time) : std::nullopt, {},
                     {}, &http_status);
  PromAnswer answer = result ? answer_of(std::move(*result)) : failure(http_status, result.error());
  count("instant", answer);
  return answer;
}

PromAnswer PrometheusService::query_range(std::string_view promql, double start, double end,
                                          double step) {
  unsigned http_status = 0;
  auto result = client_->query_range(std::string(promql), start, end, step, &http_status);
  PromAnswer answer = result ? answer_of(std::move(*result)) : failure(http_status, result.error());
  count("range", answer);
  return answer;
}

}  // namespace dynop::host
