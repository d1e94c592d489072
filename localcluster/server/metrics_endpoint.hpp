#pragma once
// GET /metrics of dynop-localcluster, authenticated as every request
// (kube-apiserver serves /metrics only to a user allowed the non-resource
// URL; here that is the bearer token's admin). Prometheus text from the API
// server's registry: the request series (request_metrics.hpp), the stored
// object counts and the process series, both read when scraped:
//   apiserver_storage_objects{resource}   "pods", "leases.coordination.k8s.io",
//                                         "dynamographdeployments.nvidia.com"
//   process_cpu_seconds_total, process_resident_memory_bytes, ...
//
// Not exported: etcd_* series (storage is SQLite written through inside the
// store's lock, not etcd; no series here would mean what etcd's do).

#include <map>
#include <mutex>
#include <string>

#include "lib/metrics/process_metrics.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/net/message.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::server {

class MetricsEndpoint {
 public:
  MetricsEndpoint(metrics::Registry& registry, const storage::ObjectStore& store,
                  const ResourceRegistry& resources);

  // The scrape's answer. Thread-safe.
  net::Response serve();

 private:
  void count_stored_objects();

  metrics::Registry& registry_;
  const storage::ObjectStore& store_;
  const ResourceRegistry& resources_;
  metrics::Family<metrics::Gauge> storage_objects_;
  metrics::ProcessMetrics process_;
  std::mutex mutex_;
  std::map<std::string, metrics::Gauge*> counted_;  // by resource label
};

}  // namespace dynop::localcluster::server
