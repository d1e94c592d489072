#include "localcluster/metrics_apis/resource/resource_metrics_store.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <set>
#include <tuple>

#include "lib/apimachinery/quantity.hpp"
#include "lib/prometheus/text_format.hpp"

namespace dynop::localcluster::metrics_apis {
namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Quantity;
using apimachinery::Result;
using apimachinery::Timestamp;

namespace {

Timestamp from_ms(int64_t ms) { return Timestamp{} + std::chrono::milliseconds(ms); }

// Rate between two points, as metrics-server's resourceUsage.
struct Rate {
  int64_t nanocores = 0;
  std::chrono::nanoseconds window{0};
};
std::optional<Rate> rate(const std::optional<double>& last_start,
                         const std::optional<double>& prev_start, double last_cpu, double prev_cpu,
                         Timestamp last_at, Timestamp prev_at) {
  if (!(last_at > prev_at)) return std::nullopt;
  if (last_start && prev_start && *last_start != *prev_start) return std::nullopt;  // restarted
  if (last_cpu < prev_cpu) return std::nullopt;                                     // counter reset
  const auto window = std::chrono::duration_cast<std::chrono::nanoseconds>(last_at - prev_at);
  const double seconds = std::chrono::duration<double>(window).count();
  return Rate{static_cast<int64_t>((last_cpu - prev_cpu) / seconds * 1e9), window};
}

}  // namespace

Result<void> ResourceMetricsStore::record_scrape(const std::string& node, std::string_view body) {
  auto parsed = prometheus::parse_text_format(body);
  if (!parsed) return Error{parsed.error()};
  std::map<ContainerKey, Point> fresh;
  std::optional<Point> node_point;
  for (const auto& s : parsed->samples) {
    auto label = [&](const char* key) {
      auto it = s.labels.find(key);
      return it == s.labels.end() ? std::string() : it->second;
    };
    const Timestamp at = s.timestamp_ms ? from_ms(*s.timestamp_ms) : apimachinery::now();
    if (s.name == "container_cpu_usage_seconds_total") {
      auto& p = fresh[{label("namespace"), label("pod"), label("container")}];
      p.cpu_seconds = s.value;
      p.cpu_at = at;
    } else if (s.name == "container_memory_working_set_bytes") {
      fresh[{label("namespace"), label("pod"), label("container")}].memory_bytes =
          static_cast<int64_t>(s.value);
    } else if (s.name == "container_start_time_seconds") {
      fresh[{label("namespace"), label("pod"), label("container")}].start_time = s.value;
    } else if (s.name == "node_cpu_usage_seconds_total") {
      if (!node_point) node_point = Point{};
      node_point->cpu_seconds = s.value;
      node_point->cpu_at = at;
    } else if (s.name == "node_memory_working_set_bytes") {
      if (!node_point) node_point = Point{};
      node_point->memory_bytes = static_cast<int64_t>(s.value);
    }
  }
  std::lock_guard lock(mutex_);
  auto& containers = containers_[node];
  std::map<ContainerKey, Series> next;
  // Containers missing from this scrape are gone (their pods deleted).
  for (auto& [key, point] : fresh) {
    Series series;
    auto it = containers.find(key);
    if (it != containers.end() && it->second.last) {
      if (point.cpu_at > it->second.last->cpu_at) {
        series.previous = it->second.last;
        series.last = point;
      } else {
        series = it->second;  // the kubelet has no newer sample yet
      }
    } else {
      series.last = point;
    }
    next[key] = series;
  }
  containers = std::move(next);
  if (node_point) {
    auto& series = nodes_[node];
    if (series.last && node_point->cpu_at > series.last->cpu_at) {
      series.previous = series.last;
      series.last = node_point;
    } else if (!series.last) {
      series.last = node_point;
    }
  }
  return {};
}

void ResourceMetricsStore::forget_node(const std::string& node) {
  std::lock_guard lock(mutex_);
  containers_.erase(node);
  nodes_.erase(node);
}

std::vector<PodUsage> ResourceMetricsStore::pods() const {
  std::lock_guard lock(mutex_);
  std::map<std::pair<std::string, std::string>, PodUsage> pods;
  std::set<std::pair<std::string, std::string>> incomplete;
  for (const auto& [node, containers] : containers_) {
    for (const auto& [key, series] : containers) {
      const auto& [ns, pod, container] = key;
      const std::pair<std::string, std::string> id{ns, pod};
      if (!series.last || !series.previous) {
        incomplete.insert(id);
        continue;
      }
      auto r = rate(series.last->start_time, series.previous->start_time, series.last->cpu_seconds,
                    series.previous->cpu_seconds, series.last->cpu_at, series.previous->cpu_at);
      if (!r) {
        incomplete.insert(id);
        continue;
      }
      auto& usage = pods[id];
      usage.ns = ns;
      usage.name = pod;
      // The pod's timestamp and window are its latest container's.
      if (series.last->cpu_at > usage.timestamp) {
        usage.timestamp = series.last->cpu_at;
        usage.window = r->window;
      }
      usage.containers.push_back({container, r->nanocores, series.last->memory_bytes});
    }
  }
  std::vector<PodUsage> out;
  for (auto& [id, usage] : pods) {
    if (incomplete.count(id)) continue;
    out.push_back(std::move(usage));
  }
  return out;
}

std::optional<PodUsage> ResourceMetricsStore::pod(const std::string& ns,
                                                  const std::string& name) const {
  for (auto& usage : pods()) {
    if (usage.ns == ns && usage.name == name) return usage;
  }
  return std::nullopt;
}

std::vector<NodeUsage> ResourceMetricsStore::nodes() const {
  std::lock_guard lock(mutex_);
  std::vector<NodeUsage> out;
  for (const auto& [name, series] : nodes_) {
    if (!series.last || !series.previous) continue;
    auto r = rate(std::nullopt, std::nullopt, series.last->cpu_seconds,
                  series.previous->cpu_seconds, series.last->cpu_at, series.previous->cpu_at);
    if (!r) continue;
    out.push_back({name, series.last->cpu_at, r->window, r->nanocores, series.last->memory_bytes});
  }
  return out;
}

std::optional<NodeUsage> ResourceMetricsStore::node(const std::string& name) const {
  for (auto& usage : nodes()) {
    if (usage.name == name) return usage;
  }
  return std::nullopt;
}

namespace {

json::object usage_json(int64_t nanocores, int64_t memory_bytes) {
  return json::object{
      {"cpu", Quantity::parse(std::to_string(nanocores) + "n")->to_string()},
      {"memory", Quantity::from_int(memory_bytes, Quantity::Format::kBinarySI).to_string()}};
}

json::object metadata_json(const std::string& name, const std::string& ns,
                           const json::value& labels, Timestamp created) {
  json::object meta{{"name", name}};
  if (!ns.empty()) meta["namespace"] = ns;
  meta["creationTimestamp"] = apimachinery::format_time(created);
  if (labels.is_object() && !labels.get_object().empty()) meta["labels"] = labels;
  return meta;
}

}  // namespace

json::value pod_metrics_json(const PodUsage& usage, const json::value& labels, Timestamp created) {
  json::array containers;
  for (const auto& c : usage.containers) {
    containers.push_back(
        json::object{{"name", c.name}, {"usage", usage_json(c.cpu_nanocores, c.memory_bytes)}});
  }
  return json::object{{"kind", "PodMetrics"},
                      {"apiVersion", "metrics.k8s.io/v1beta1"},
                      {"metadata", metadata_json(usage.name, usage.ns, labels, created)},
                      {"timestamp", apimachinery::format_time(usage.timestamp)},
                      {"window", apimachinery::go_duration_string(usage.window)},
                      {"containers", std::move(containers)}};
}

json::value node_metrics_json(const NodeUsage& usage, const json::value& labels,
                              Timestamp created) {
  return json::object{{"kind", "NodeMetrics"},
                      {"apiVersion", "metrics.k8s.io/v1beta1"},
                      {"metadata", metadata_json(usage.name, "", labels, created)},
                      {"timestamp", apimachinery::format_time(usage.timestamp)},
                      {"window", apimachinery::go_duration_string(usage.window)},
                      {"usage", usage_json(usage.cpu_nanocores, usage.memory_bytes)}};
}

}  // namespace dynop::localcluster::metrics_apis
