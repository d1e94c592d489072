#include "host/ui/timeline.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <map>
#include <tuple>

#include "host/plugins/prometheus_source.hpp"
#include "lib/net/query_params.hpp"

namespace dynop::host::ui {
namespace json = boost::json;

namespace {

struct Window {
  const char* name;
  double seconds;
  double step;
  const char* rate_range;
};
// About 200-360 points per chart; rate() over a few scrapes (5 s apart in make run).
constexpr Window kWindows[] = {
    {"15m", 900, 5, "30s"},
    {"1h", 3600, 15, "1m"},
    {"6h", 21600, 60, "2m"},
};

std::optional<double> positive_seconds(const std::string& text) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !(v > 0) || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::string label(const PromSeriesData& s, std::string_view key) {
  for (const auto& [k, v] : s.labels)
    if (k == key) return v;
  return "";
}

// [[t, v], ...] with null for NaN/Inf (no requests: no quantile).
json::array points(const PromSeriesData& s) {
  json::array out;
  out.reserve(s.points.size());
  for (const auto& p : s.points) {
    json::array point{p.timestamp};
    if (std::isfinite(p.value))
      point.push_back(p.value);
    else
      point.push_back(nullptr);
    out.push_back(std::move(point));
  }
  return out;
}

}  // namespace

std::optional<TimelineQuery> parse_timeline_query(std::string_view query_string,
                                                  std::string& error) {
  TimelineQuery q;
  auto params = net::parse_query_params(query_string, error);
  if (!params) return std::nullopt;
  for (const auto& [key, value] : *params) {
    if (key == "window") {
      const Window* found = nullptr;
      for (const Window& w : kWindows)
        if (value == w.name) found = &w;
      if (found == nullptr) {
        error = "window: \"" + value + "\" is not one of 15m, 1h, 6h";
        return std::nullopt;
      }
      q.window = found->name;
      q.window_seconds = found->seconds;
      q.step_seconds = found->step;
      q.rate_range = found->rate_range;
    } else if (key == "namespace") {
      q.ns = value;
    } else if (key == "graph") {
      q.graph = value;
    } else if (key == "ttft" || key == "itl") {
      auto seconds = positive_seconds(value);
      if (!seconds) {
        error = key + ": \"" + value + "\" is not a positive number of seconds";
        return std::nullopt;
      }
      (key == "ttft" ? q.ttft_target : q.itl_target) = *seconds;
    } else {
      error = "unknown parameter \"" + key + "\" (known: window, namespace, graph, ttft, itl)";
      return std::nullopt;
    }
  }
  return q;
}

std::string timeline_json(PrometheusSource* prometheus, const TimelineQuery& q,
                          double now_seconds) {
  const double end = std::floor(now_seconds / q.step_seconds) * q.step_seconds;
  const double start = end - q.window_seconds;
  json::array errors;
  auto range = [&](const std::string& promql) -> std::vector<PromSeriesData> {
    if (prometheus == nullptr) return {};
    PromAnswer a = prometheus->query_range(promql, start, end, q.step_seconds);
    if (a.code != DYNOP_OK) {
      errors.push_back(json::string(promql + ": " + a.message));
      return {};
    }
    return std::move(a.series);
  };
  if (prometheus == nullptr)
    errors.push_back("no Prometheus configured (prometheus.url, --prometheus-url)");

  // Graphs keyed by (namespace, graph); services by name inside each.
  struct Service {
    std::string adapter;
    json::array desired, ready;
  };
  struct Graph {
    json::array rate, ttft, itl;
    std::map<std::string, Service> services;
  };
  std::map<std::pair<std::string, std::string>, Graph> graphs;
  auto wanted = [&](const std::string& ns, const std::string& graph) {
    return (q.ns.empty() || ns == q.ns) && (q.graph.empty() || graph == q.graph) && !graph.empty();
  };
  // Frontend series carry dynamo_namespace "<namespace>-<graph>".
  auto frontend = [&](const std::string& promql, json::array Graph::*field) {
    for (const auto& s : range(promql)) {
      const std::string ns = label(s, "namespace");
      std::string graph = label(s, "dynamo_namespace");
      if (graph.starts_with(ns + "-")) graph.erase(0, ns.size() + 1);
      if (wanted(ns, graph)) graphs[{ns, graph}].*field = points(s);
    }
  };
  const std::string r = "[" + q.rate_range + "]";
  frontend("sum by (namespace, dynamo_namespace) (rate(dynamo_frontend_requests_total" + r + "))",
           &Graph::rate);
  auto p95 = [&](const std::string& histogram) {
    return "histogram_quantile(0.95, sum by (namespace, dynamo_namespace, le) (rate(" + histogram +
           "_bucket" + r + ")))";
  };
  frontend(p95("dynamo_frontend_time_to_first_token_seconds"), &Graph::ttft);
  frontend(p95("dynamo_frontend_inter_token_latency_seconds"), &Graph::itl);
  for (const auto& s :
       range("max by (namespace, graph, service, name) (dynop_scale_target_replicas)")) {
    const std::string ns = label(s, "namespace"), graph = label(s, "graph");
    if (!wanted(ns, graph)) continue;
    Service& service = graphs[{ns, graph}].services[label(s, "service")];
    service.adapter = label(s, "name");
    service.desired = points(s);
  }
  for (const auto& s :
       range("max by (namespace, graph, service) (dynop_graph_service_ready_replicas)")) {
    const std::string ns = label(s, "namespace"), graph = label(s, "graph");
    if (wanted(ns, graph)) graphs[{ns, graph}].services[label(s, "service")].ready = points(s);
  }

  json::array out;
  for (auto& [key, g] : graphs) {
    json::array services;
    for (auto& [name, s] : g.services) {
      services.push_back(json::object{{"service", name},
                                      {"adapter", s.adapter},
                                      {"desired", std::move(s.desired)},
                                      {"ready", std::move(s.ready)}});
    }
    out.push_back(json::object{{"namespace", key.first},
                               {"graph", key.second},
                               {"requestRate", std::move(g.rate)},
                               {"ttftP95", std::move(g.ttft)},
                               {"itlP95", std::move(g.itl)},
                               {"services", std::move(services)}});
  }
  return json::serialize(json::object{
      {"window", q.window},
      {"start", start},
      {"end", end},
      {"step", q.step_seconds},
      {"sla", json::object{{"ttftP95", q.ttft_target}, {"itlP95", q.itl_target}}},
      {"graphs", std::move(out)},
      {"errors", std::move(errors)},
  });
}

}  // namespace dynop::host::ui
