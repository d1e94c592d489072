#pragma once
// metrics-server's scraper: every resolution period, each node's kubelet
// /metrics/resource, fetched at the node's address and kubelet port as
// metrics-server finds them with the flags its manifest sets
// (--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname,
// --kubelet-use-node-status-port, --kubelet-insecure-tls):
//   https://<InternalIP>:<status.daemonEndpoints.kubeletEndpoint.Port>/metrics/resource
// into the ResourceMetricsStore. A node that fails keeps its last samples
// until it succeeds again; a node that is gone is forgotten.

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "lib/net/http_client.hpp"
#include "localcluster/metrics_apis/resource/resource_metrics_store.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::metrics_apis {

// The URL metrics-server scrapes for a Node object; nullopt when the node
// has no usable address.
std::optional<std::string> kubelet_resource_url(const boost::json::object& node);

class KubeletScraper {
 public:
  struct Options {
    std::chrono::milliseconds resolution{std::chrono::seconds(15)};  // --metric-resolution
    std::chrono::milliseconds timeout{std::chrono::seconds(10)};     // --kubelet-request-timeout
  };

  KubeletScraper(ResourceMetricsStore& metrics, const storage::ObjectStore& objects,
                 Options options);
  ~KubeletScraper();

  void start();
  void stop();
  // One pass over every node now.
  void scrape_all();

 private:
  ResourceMetricsStore& metrics_;
  const storage::ObjectStore& objects_;
  Options options_;
  std::unique_ptr<net::HttpClient> http_;
  std::set<std::string> known_nodes_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dynop::localcluster::metrics_apis
