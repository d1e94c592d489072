#pragma once
// The planner's view of the last interval, from the frontends' metrics in
// Prometheus, as upstream's planner reads them (prometheus.py): request count
// `sum(increase(dynamo_frontend_requests_total{...}[Ns]))`, and the means of
// the input and output lengths, TTFT, ITL and request duration as
// `sum(increase(<hist>_sum{...}[Ns])) / sum(increase(<hist>_count{...}[Ns]))`,
// filtered by `dynamo_namespace` (and `model` when --model-name is given).
// Unlike upstream, the request count is what arrived, not only what ended: the
// ended count plus the growth of `dynamo_frontend_inflight_requests`.

#include <functional>
#include <optional>
#include <string>

#include "lib/apimachinery/result.hpp"
#include "plugins/planner/replica_calculator.hpp"

namespace dynop::plugins::planner {

// One instant query; nullopt when it yields no series (or NaN: 0/0).
using ScalarQuery = std::function<apimachinery::Result<std::optional<double>>(const std::string&)>;

struct MetricsWindow {
  std::string dynamo_namespace;
  std::string model;        // "" : any
  int window_seconds = 15;  // [Ns], wall time
  double time_speedup = 1;  // simulated seconds per wall second (dynop-sim); 1 in a cluster
};

// The PromQL for `metric` (a frontend histogram such as
// "time_to_first_token_seconds", or "requests_total" for the count).
std::string frontend_query(const MetricsWindow& window, std::string_view metric);

// How much more the frontends hold at the window's end than at its start:
// `sum(delta(dynamo_frontend_inflight_requests{...}[Ns]))`.
std::string inflight_query(const MetricsWindow& window);

// The interval's observation. The request rate is per (simulated) second:
// the requests that ended plus the growth of those in flight (a frontend
// without the gauge: those that ended), never less than those that ended.
// Without requests the lengths and latencies are 0 (nothing was measured).
// Errors name the metric and why: "no dynamo_frontend_requests_total series
// for dynamo_namespace=\"default-g\" (are the frontends scraped?)", or
// Prometheus's own error.
apimachinery::Result<ObservedInterval> read_interval(const MetricsWindow& window,
                                                     const ScalarQuery& query);

}  // namespace dynop::plugins::planner
