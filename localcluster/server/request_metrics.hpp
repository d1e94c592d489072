#pragma once
// kube-apiserver's request metrics (k8s.io/apiserver/pkg/endpoints/metrics,
// v1.26), with the same names, labels, HELP texts and buckets, so that
// dashboards, `kubectl get --raw /metrics` readers and the benches (API
// writes per second, binds per second) read dynop-localcluster as they read
// a real server:
//   apiserver_request_total{verb,dry_run,group,version,resource,subresource,scope,component,code}
//   apiserver_request_duration_seconds{verb,dry_run,group,version,resource,subresource,scope,component}
//   apiserver_longrunning_requests{verb,group,version,resource,subresource,scope,component}
//   apiserver_current_inflight_requests{request_kind}
//
// Only resource requests of served types are recorded (kube-apiserver's
// instrumented REST routes); /healthz, discovery, OpenAPI and unknown paths
// are not. A request counts when its answer is handed to the connection, a
// watch when its stream ends (as kube counts a watch when its handler
// returns), with the status the client got (injected faults included).
//
// The hot path is a lookup of the request's label set in a hash map under a
// shared lock, then atomic adds on prometheus-cpp series kept from the first
// request with those labels.

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/metrics/registry.hpp"
#include "lib/net/handler.hpp"
#include "localcluster/server/request_info.hpp"

namespace dynop::localcluster::server {

// The labels kube-apiserver's MonitorRequest derives from a request, but the code.
struct RequestLabels {
  std::string verb;     // GET LIST WATCH POST PUT PATCH APPLY DELETE (kube's reported verb)
  std::string dry_run;  // "", "All" or "invalid"
  std::string group;
  std::string version;
  std::string resource;
  std::string subresource;
  std::string scope;          // resource | namespace | cluster
  bool long_running = false;  // a watch
  bool mutating = false;      // not get/list/watch
};

// As kube-apiserver 1.26's CleanScope, CanonicalVerb, CleanVerb and cleanDryRun.
RequestLabels request_labels(std::string_view method, std::string_view content_type,
                             const RequestInfo& info);

class RequestMetrics {
 public:
  explicit RequestMetrics(metrics::Registry& registry);
  ~RequestMetrics();  // stops the in-flight sampler
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  // Starts recording one resource request; its answer, through `responder`,
  // completes the record. Call before the request is handled.
  void track(const net::Request& request, const RequestInfo& info, const net::Responder& responder);

 private:
  struct Series;
  Series& series_for(const RequestLabels& labels);
  void finish(Series& series, bool mutating, bool long_running, unsigned code, double seconds);
  void sample_in_flight();

  metrics::Family<metrics::Counter> total_;
  metrics::Family<metrics::Histogram> duration_;
  metrics::Family<metrics::Gauge> long_running_;
  std::array<metrics::Gauge*, 2> in_flight_gauges_{};  // readOnly, mutating

  std::shared_mutex series_mutex_;
  std::unordered_map<std::string, std::unique_ptr<Series>> series_;

  // In flight now and the most since the last sample, per kind; the gauges
  // show the most of each one-second period, as kube's watermarks do.
  std::array<std::atomic<int>, 2> in_flight_{};
  std::array<std::atomic<int>, 2> watermark_{};
  std::mutex sampler_mutex_;
  std::condition_variable sampler_cv_;
  bool stopping_ = false;
  std::thread sampler_;
};

}  // namespace dynop::localcluster::server
