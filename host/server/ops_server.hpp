#pragma once
// The host's plain-HTTP endpoints for operators and kubelet probes:
//   GET /metrics  Prometheus text from the registry, with the process_* series
//                 (CPU, memory, descriptors) read at scrape time, as
//                 controller-runtime's managers export them
//   GET /healthz  liveness: 200 while the process serves
//   GET /livez    the same checks, under Kubernetes' newer name (probed by
//                 the Deployment in packaging/webhook/webhook.yaml)
//   GET /readyz   readiness: 200 when every readiness check passes, else 503
// Append "?verbose" to /healthz, /livez or /readyz to list every check.
// Other parts of the host add their own GET endpoints with add_endpoint (the
// autoscaling decision log: GET /autoscaling/decisions; the timeline page:
// GET /ui/, host/ui/ui_endpoints.hpp).

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "host/server/health_checks.hpp"
#include "lib/metrics/process_metrics.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/net/server.hpp"

namespace dynop::host {

class OpsServer {
 public:
  // `registry` must outlive the server.
  explicit OpsServer(metrics::Registry& registry);
  ~OpsServer();

  HealthChecks& liveness() { return liveness_; }
  HealthChecks& readiness() { return readiness_; }
  // Serves GET `path` with `handler` (called on a server thread). Before start().
  void add_endpoint(std::string path, std::function<net::Response(const net::Request&)> handler);

  // `address` as host:port ("0.0.0.0:8080", "127.0.0.1:0"). false and one
  // line in `error` when it cannot listen.
  bool start(const std::string& address, std::string& error);
  // The bound address with the real port, e.g. "127.0.0.1:41235".
  std::string address() const;
  void stop();

 private:
  void handle(const net::Request& request, net::Responder responder);

  metrics::Registry& registry_;
  metrics::ProcessMetrics process_;
  HealthChecks liveness_;
  HealthChecks readiness_;
  std::map<std::string, std::function<net::Response(const net::Request&)>, std::less<>> endpoints_;
  std::unique_ptr<net::Server> server_;
};

}  // namespace dynop::host
