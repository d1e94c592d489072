#pragma once
// The data behind the timeline page (/ui/): GET /ui/api/timeline answers, per
// DGD, the request rate, TTFT p95 and ITL p95 of its frontend, and per
// service the desired and ready replicas, over a window ending now, from
// Prometheus range queries through the host's configured Prometheus
// (prometheus.url). Series it reads:
//   dynamo_frontend_requests_total, dynamo_frontend_time_to_first_token_seconds,
//   dynamo_frontend_inter_token_latency_seconds (upstream's frontend metrics,
//   per dynamo_namespace "<namespace>-<graph>"), and the host's own
//   dynop_scale_target_replicas and dynop_graph_service_ready_replicas
//   (host/autoscaling/replica_gauges.hpp), scraped by that Prometheus.
// Scaling decisions are not here: the page reads GET /autoscaling/decisions.
//
// Query string: window=15m|1h|6h (default 15m), namespace, graph (filters),
// ttft and itl (SLA targets in seconds, default 0.5 and 0.05, the guide's).

#include <optional>
#include <string>
#include <string_view>

namespace dynop::host {
class PrometheusSource;
}

namespace dynop::host::ui {

struct TimelineQuery {
  std::string window = "15m";
  double window_seconds = 900;
  double step_seconds = 5;
  std::string rate_range = "30s";  // the rate() range for this step
  std::string ns;                  // "" any
  std::string graph;               // "" any
  double ttft_target = 0.5;
  double itl_target = 0.05;
};

// nullopt and `error` naming the parameter on a bad value or an unknown one.
std::optional<TimelineQuery> parse_timeline_query(std::string_view query_string,
                                                  std::string& error);

// The JSON answer for `query` over [now - window, now]. Without a Prometheus
// (`prometheus` null), or when a query fails, the graphs found so far and
// "errors" naming each failed query.
std::string timeline_json(PrometheusSource* prometheus, const TimelineQuery& query,
                          double now_seconds);

}  // namespace dynop::host::ui
