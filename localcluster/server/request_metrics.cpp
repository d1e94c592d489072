#include "localcluster/server/request_metrics.hpp"

#include <chrono>

namespace dynop::localcluster::server {
namespace {

constexpr int kReadOnly = 0;
constexpr int kMutating = 1;

// kube-apiserver's request_duration_seconds buckets (tuned there for the
// API call latency SLOs).
const std::vector<double> kDurationBuckets = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8,
                                              1.0,   1.25,  1.5,  2,   3,   4,   5,   6,
                                              8,     10,    15,   20,  30,  45,  60};

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool valid_verb(std::string_view verb) {
  for (std::string_view v : {"APPLY", "CONNECT", "CREATE", "DELETE", "DELETECOLLECTION", "GET",
                             "LIST", "PATCH", "POST", "PROXY", "PUT", "UPDATE", "WATCH"}) {
    if (verb == v) return true;
  }
  return false;
}

metrics::Labels series_labels(const RequestLabels& labels, bool with_dry_run) {
  metrics::Labels out{{"verb", labels.verb},
                      {"group", labels.group},
                      {"version", labels.version},
                      {"resource", labels.resource},
                      {"subresource", labels.subresource},
                      {"scope", labels.scope},
                      {"component", "apiserver"}};
  if (with_dry_run) out.emplace("dry_run", labels.dry_run);
  return out;
}

}  // namespace

RequestLabels request_labels(std::string_view method, std::string_view content_type,
                             const RequestInfo& info) {
  RequestLabels labels;
  labels.group = info.group;
  labels.version = info.version;
  labels.resource = info.resource;
  labels.subresource = info.subresource;
  // CleanScope: a create names the object it makes.
  if (!info.name.empty() || info.verb == "create") {
    labels.scope = "resource";
  } else if (!info.namespace_name.empty()) {
    labels.scope = "namespace";
  } else {
    labels.scope = "cluster";
  }
  // CanonicalVerb then CleanVerb: from the HTTP method, not the API verb.
  labels.verb = upper(method);
  if (labels.verb == "GET" || labels.verb == "HEAD") {
    labels.verb = labels.scope == "resource" ? "GET" : "LIST";
  }
  if (info.verb == "watch") labels.verb = "WATCH";
  if (labels.verb == "PATCH" && content_type == "application/apply-patch+yaml") {
    labels.verb = "APPLY";
  }
  if (!valid_verb(labels.verb)) labels.verb = "other";
  // cleanDryRun: "All" is the only valid value.
  if (const std::string* dry_run = info.param("dryRun")) {
    labels.dry_run = *dry_run == "All" ? "All" : "invalid";
  }
  labels.long_running = labels.verb == "WATCH";
  labels.mutating = info.verb != "get" && info.verb != "list" && info.verb != "watch";
  return labels;
}

struct RequestMetrics::Series {
  RequestLabels labels;
  metrics::Gauge* long_running = nullptr;  // watches only

  // Created on the first answer, as kube's WithLabelValues at MonitorRequest.
  std::mutex mutex;
  metrics::Histogram* duration = nullptr;
  std::vector<std::pair<unsigned, metrics::Counter*>> totals;  // by status code
};

RequestMetrics::RequestMetrics(metrics::Registry& registry)
    : total_(registry.counter("apiserver_request_total",
                              "[STABLE] Counter of apiserver requests broken out for each verb, "
                              "dry run value, group, version, resource, scope, component, and HTTP "
                              "response code.")),
      duration_(registry.histogram(
          "apiserver_request_duration_seconds",
          "[STABLE] Response latency distribution in seconds for each verb, dry run value, group, "
          "version, resource, subresource, scope and component.",
          kDurationBuckets)),
      long_running_(registry.gauge(
          "apiserver_longrunning_requests",
          "[STABLE] Gauge of all active long-running apiserver requests broken out by verb, "
          "group, version, resource, scope and component. Not all requests are tracked this "
          "way.")) {
  auto in_flight = registry.gauge("apiserver_current_inflight_requests",
                                  "[STABLE] Maximal number of currently used inflight request "
                                  "limit of this apiserver per request kind in last second.");
  in_flight_gauges_[kReadOnly] = &in_flight.with({{"request_kind", "readOnly"}});
  in_flight_gauges_[kMutating] = &in_flight.with({{"request_kind", "mutating"}});
  sampler_ = std::thread([this] { sample_in_flight(); });
}

RequestMetrics::~RequestMetrics() {
  {
    std::lock_guard lock(sampler_mutex_);
    stopping_ = true;
  }
  sampler_cv_.notify_all();
  sampler_.join();
}

void RequestMetrics::sample_in_flight() {
  std::unique_lock lock(sampler_mutex_);
  while (!sampler_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    for (int kind : {kReadOnly, kMutating}) {
      // The most seen in the period that ends; the next starts from what is in flight now.
      int most = watermark_[kind].exchange(in_flight_[kind].load());
      in_flight_gauges_[kind]->Set(most);
    }
  }
}

RequestMetrics::Series& RequestMetrics::series_for(const RequestLabels& labels) {
  thread_local std::string key;
  key.clear();
  for (const std::string* part : {&labels.verb, &labels.dry_run, &labels.group, &labels.version,
                                  &labels.resource, &labels.subresource, &labels.scope}) {
    key += *part;
    key += '\x1f';
  }
  {
    std::shared_lock lock(series_mutex_);
    if (auto it = series_.find(key); it != series_.end()) return *it->second;
  }
  std::unique_lock lock(series_mutex_);
  auto& slot = series_[key];
  if (!slot) {
    slot = std::make_unique<Series>();
    slot->labels = labels;
    if (labels.long_running) slot->long_running = &long_running_.with(series_labels(labels, false));
  }
  return *slot;
}

void RequestMetrics::track(const net::Request& request, const RequestInfo& info,
                           const net::Responder& responder) {
  RequestLabels labels = request_labels(request.method(), request.header("Content-Type"), info);
  Series& series = series_for(labels);
  const bool long_running = labels.long_running;
  const int kind = labels.mutating ? kMutating : kReadOnly;
  if (long_running) {
    series.long_running->Increment();
  } else {
    int now = in_flight_[kind].fetch_add(1) + 1;
    int most = watermark_[kind].load();
    while (now > most && !watermark_[kind].compare_exchange_weak(most, now)) {
    }
  }
  const auto start = std::chrono::steady_clock::now();
  responder.observe(
      [this, &series, kind, long_running, start](
          const net::Response& response, const std::shared_ptr<net::ResponseStream>& stream) {
        auto done = [this, &series, kind, long_running, start, code = response.status] {
          std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
          finish(series, kind == kMutating, long_running, code, elapsed.count());
        };
        if (stream) {
          stream->on_close(std::move(done));
        } else {
          done();
        }
      });
}

void RequestMetrics::finish(Series& series, bool mutating, bool long_running, unsigned code,
                            double seconds) {
  if (long_running) {
    series.long_running->Decrement();
  } else {
    in_flight_[mutating ? kMutating : kReadOnly].fetch_sub(1);
  }
  metrics::Counter* total = nullptr;
  metrics::Histogram* duration = nullptr;
  {
    std::lock_guard lock(series.mutex);
    for (const auto& [c, counter] : series.totals) {
      if (c == code) total = counter;
    }
    if (!total) {
      auto labels = series_labels(series.labels, true);
      labels.emplace("code", std::to_string(code));
      total = &total_.with(labels);
      series.totals.emplace_back(code, total);
    }
    if (!series.duration) series.duration = &duration_.with(series_labels(series.labels, true));
    duration = series.duration;
  }
  total->Increment();
  duration->Observe(seconds);
}

}  // namespace dynop::localcluster::server
