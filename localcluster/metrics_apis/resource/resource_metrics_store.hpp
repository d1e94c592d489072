#pragma once
// metrics-server's storage (pkg/storage): the last two scrapes of each
// kubelet's /metrics/resource, turned into usage the way metrics-server
// reports it:
//   cpu    = (cumulative cpu seconds now - before) / (time now - before),
//            in nanocores ("45123456n"); window = time now - before
//   memory = the latest working set bytes (binary SI, "12056Ki")
// A container needs two samples with a later timestamp and no restart in
// between (its start time unchanged) before it reports; a pod reports only
// when all its containers do. Nodes likewise from node_* series.

#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/result.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::localcluster::metrics_apis {

struct ContainerUsage {
  std::string name;
  int64_t cpu_nanocores = 0;
  int64_t memory_bytes = 0;
};

struct PodUsage {
  std::string ns;
  std::string name;
  apimachinery::Timestamp timestamp{};
  std::chrono::nanoseconds window{0};
  std::vector<ContainerUsage> containers;  // sorted by name
};

struct NodeUsage {
  std::string name;
  apimachinery::Timestamp timestamp{};
  std::chrono::nanoseconds window{0};
  int64_t cpu_nanocores = 0;
  int64_t memory_bytes = 0;
};

class ResourceMetricsStore {
 public:
  // Records one scrape of `node`'s /metrics/resource (text format). A body
  // that does not parse is an error and changes nothing.
  apimachinery::Result<void> record_scrape(const std::string& node, std::string_view body);
  // Forgets a node that is gone, with its pods' samples.
  void forget_node(const std::string& node);

  std::optional<PodUsage> pod(const std::string& ns, const std::string& name) const;
  std::vector<PodUsage> pods() const;
  std::optional<NodeUsage> node(const std::string& name) const;
  std::vector<NodeUsage> nodes() const;

 private:
  struct Point {
    double cpu_seconds = 0;
    int64_t memory_bytes = 0;
    apimachinery::Timestamp cpu_at{};
    std::optional<double> start_time;
  };
  struct Series {
    std::optional<Point> last, previous;
  };
  using ContainerKey = std::tuple<std::string, std::string, std::string>;  // ns, pod, container

  mutable std::mutex mutex_;
  std::map<std::string, std::map<ContainerKey, Series>> containers_;  // by node
  std::map<std::string, Series> nodes_;
};

// metrics.k8s.io/v1beta1 objects as metrics-server writes them.
// `labels` are the pod's labels (metrics-server copies them).
boost::json::value pod_metrics_json(const PodUsage& usage, const boost::json::value& labels,
                                    apimachinery::Timestamp created);
boost::json::value node_metrics_json(const NodeUsage& usage, const boost::json::value& labels,
                                     apimachinery::Timestamp created);

}  // namespace dynop::localcluster::metrics_apis
