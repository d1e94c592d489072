#pragma once
// The HTTP side of simulated pods: each pod's container ports answer on the
// pod's own loopback address (127.x.y.z; the whole 127.0.0.0/8 is local on
// Linux), so Prometheus scrapes pod IPs as in a cluster. A frontend's `http`
// port and a worker's `system` port serve:
//   GET /metrics  Prometheus text of that pod's registry (LoadSimulator::registry)
//   GET /health   200 {"status":"healthy"} while the pod serves, else 503 {"status":"notready"}
// All pods share one EventLoop (net/event_loop.hpp): thousands of pods, one thread.
//
//   PodEndpoints endpoints(load);
//   auto started = endpoints.start("default", "sglang-agg-frontend-x1", "127.0.1.5",
//                                  {{"http", 8000}});
//   if (!started) ... started.error(): "cannot listen on 127.0.1.5:8000: Address already in use"
//   endpoints.stop("default", "sglang-agg-frontend-x1");

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/apimachinery/result.hpp"
#include "lib/net/event_loop.hpp"
#include "lib/net/server.hpp"
#include "sim/load/load_simulator.hpp"

namespace dynop::sim {

struct ContainerPort {
  std::string name;  // "http", "system"
  std::uint16_t port;
};

// Prometheus text exposition (0.0.4) of a registry.
std::string serialize_registry(prometheus::Registry& registry);

class PodEndpoints {
 public:
  explicit PodEndpoints(const LoadSimulator& load, int threads = 1);
  ~PodEndpoints();  // stops every pod's servers

  // Serves the pod's ports on `address`. All or nothing: on error nothing is
  // left listening and the message names the address and port. Starting a
  // pod that is already started replaces its servers.
  apimachinery::Result<void> start(const std::string& ns, const std::string& name,
                                   const std::string& address,
                                   const std::vector<ContainerPort>& ports);
  void stop(const std::string& ns, const std::string& name);
  std::size_t pods() const;

 private:
  net::Handler handler(const std::string& ns, const std::string& name) const;

  const LoadSimulator& load_;
  net::EventLoop loop_;  // before servers_: outlives them
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<net::Server>>> servers_;
};

}  // namespace dynop::sim
