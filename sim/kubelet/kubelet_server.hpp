#pragma once
// Each simulated node's kubelet port (daemonEndpoints, 10250 by default) at
// the node's own loopback address, over HTTPS as a kubelet serves it:
//   GET /metrics/resource  the node's and its pods' CPU and memory
//                          (resource_metrics.hpp), what metrics-server scrapes
//   GET /healthz           "ok"
// Certificates: a CA of the sim's own signs one serving certificate per node
// (its name and InternalIP); the CA is written to a file when asked, so a
// scraper can verify it (metrics-server otherwise runs with
// --kubelet-insecure-tls, as on kind). All nodes share one event-loop thread.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "lib/apimachinery/result.hpp"
#include "lib/net/event_loop.hpp"
#include "lib/net/server.hpp"
#include "sim/kubelet/kubelet.hpp"
#include "sim/nodes/node_agent.hpp"

namespace dynop::sim {

class KubeletServers {
 public:
  KubeletServers(const NodeAgent& nodes, const Kubelet& kubelet, const NodeProfile& profile);
  ~KubeletServers();  // stop()

  // Starts every node's server. A node whose address cannot be used is
  // logged and left out; the error names the first such node (the others
  // still serve). `ca_file`: where to write the CA certificate ("" = nowhere).
  apimachinery::Result<void> start(const std::string& ca_file);
  // Stops the server of a node that is gone.
  void stop_node(const std::string& name);
  void stop();
  std::size_t serving() const;

 private:
  net::Handler handler(const std::string& node) const;

  const NodeAgent& nodes_;
  const Kubelet& kubelet_;
  const NodeProfile& profile_;
  const std::chrono::system_clock::time_point boot_ = std::chrono::system_clock::now();
  net::EventLoop loop_{1};  // before servers_: outlives them
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<net::Server>> servers_;
};

}  // namespace dynop::sim
