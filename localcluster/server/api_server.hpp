#pragma once
// The HTTP face of dynop-localcluster: bearer-token authentication, health,
// version and metrics endpoints, non-resource documents (discovery, OpenAPI)
// from hooks, and resource requests to the RestHandler (recorded in
// kube-apiserver's request metrics); served over TLS with lib/net's server.

#include <cstdint>
#include <memory>
#include <string>

#include "lib/metrics/registry.hpp"
#include "lib/net/server.hpp"
#include "localcluster/audit/audit_log.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/server/hooks.hpp"
#include "localcluster/server/metrics_endpoint.hpp"
#include "localcluster/server/request_metrics.hpp"
#include "localcluster/server/rest_handler.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::server {

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string token;  // required bearer token
  std::string cert_file;
  std::string key_file;  // plain HTTP when both are empty (unit tests)
  int threads = 4;
  RestOptions rest;
  // Every authenticated request is recorded here when set (--audit-log-path);
  // owned by the caller, outlives the server.
  audit::AuditLog* audit_log = nullptr;
};

class ApiServer {
 public:
  ApiServer(ApiServerOptions options, storage::ObjectStore& store, ResourceRegistry& registry,
            ServerHooks hooks);
  ~ApiServer();

  // Binds and serves; false and a one-line `error` when it cannot.
  bool start(std::string& error);
  void stop();
  std::uint16_t port() const;
  // Ends every open watch stream (clients see the stream end); how many.
  std::size_t close_watches();

  // The whole request path without a socket (tests, benchmarks).
  void handle(const net::Request& request, net::Responder responder);

  ServerHooks& hooks() { return hooks_; }

 private:
  ApiServerOptions options_;
  storage::ObjectStore& store_;
  ResourceRegistry& registry_;
  ServerHooks hooks_;
  // Before rest_ and server_: a watch's end, recorded from a server thread,
  // may come while they stop. A restart in place starts the series anew, as
  // a restarted kube-apiserver does.
  metrics::Registry metrics_;
  RequestMetrics request_metrics_;
  MetricsEndpoint metrics_endpoint_;
  RestHandler rest_;
  std::unique_ptr<net::Server> server_;
};

// kube-apiserver's /version document for v1.26.1.
std::string version_document();

}  // namespace dynop::localcluster::server
