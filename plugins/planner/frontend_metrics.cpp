#include "plugins/planner/frontend_metrics.hpp"

#include <cmath>

namespace dynop::plugins::planner {

using apimachinery::Error;
using apimachinery::Result;

namespace {

std::string selector(const MetricsWindow& w) {
  std::string s = "{dynamo_namespace=\"" + w.dynamo_namespace + "\"";
  if (!w.model.empty()) s += ",model=\"" + w.model + "\"";
  return s + "}";
}

std::string increase(const MetricsWindow& w, std::string_view series) {
  return "sum(increase(dynamo_frontend_" + std::string(series) + selector(w) + "[" +
         std::to_string(w.window_seconds) + "s]))";
}

}  // namespace

std::string inflight_query(const MetricsWindow& window) {
  return "sum(delta(dynamo_frontend_inflight_requests" + selector(window) + "[" +
         std::to_string(window.window_seconds) + "s]))";
}

std::string frontend_query(const MetricsWindow& window, std::string_view metric) {
  if (metric == "requests_total") return increase(window, metric);
  return increase(window, std::string(metric) + "_sum") + " / " +
         increase(window, std::string(metric) + "_count");
}

Result<ObservedInterval> read_interval(const MetricsWindow& window, const ScalarQuery& query) {
  auto count = query(frontend_query(window, "requests_total"));
  if (!count) return Error{"dynamo_frontend_requests_total: " + count.error()};
  if (!count->has_value() || std::isnan(**count)) {
    return Error{"no dynamo_frontend_requests_total series for dynamo_namespace=\"" +
                 window.dynamo_namespace + "\"" +
                 (window.model.empty() ? "" : " model=\"" + window.model + "\"") +
                 " (are the frontends scraped?)"};
  }
  ObservedInterval o;
  const double completed = std::max(0.0, **count);
  if (completed <= 0) return o;
  // A frontend counts a request when it ends: while capacity is short the
  // count is what the graph served, not what arrived, and sizing for it
  // would climb one round at a time behind the load. What arrived is what
  // ended plus what the frontends hold more than at the window's start;
  // while a backlog drains, what ended (the capacity draining it is needed).
  auto held = query(inflight_query(window));
  if (!held) return Error{"dynamo_frontend_inflight_requests: " + held.error()};
  const double more_held = held->has_value() && !std::isnan(**held) ? **held : 0.0;
  o.request_rate =
      std::max(completed, completed + more_held) / (window.window_seconds * window.time_speedup);
  struct Mean {
    const char* metric;
    double* into;
  };
  for (Mean m : {Mean{"input_sequence_tokens", &o.isl}, Mean{"output_sequence_tokens", &o.osl},
                 Mean{"time_to_first_token_seconds", &o.ttft_seconds},
                 Mean{"inter_token_latency_seconds", &o.itl_seconds},
                 Mean{"request_duration_seconds", &o.request_duration_seconds}}) {
    auto value = query(frontend_query(window, m.metric));
    if (!value) return Error{std::string("dynamo_frontend_") + m.metric + ": " + value.error()};
    if (!value->has_value() || std::isnan(**value)) {
      return Error{std::string("no dynamo_frontend_") + m.metric +
                   " observations although requests were counted"};
    }
    *m.into = **value;
  }
  return o;
}

}  // namespace dynop::plugins::planner
