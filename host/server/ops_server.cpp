#include "host/server/ops_server.hpp"

#include <chrono>

#include "host/config/host_port.hpp"

namespace dynop::host {

OpsServer::OpsServer(metrics::Registry& registry) : registry_(registry), process_(registry) {}

OpsServer::~OpsServer() { stop(); }

bool OpsServer::start(const std::string& address, std::string& error) {
  HostPort hp;
  if (!parse_host_port(address, hp, error)) return false;
  net::ServerOptions options;
  options.host = hp.host.empty() ? "0.0.0.0" : hp.host;
  options.port = hp.port;
  options.threads = 1;  // probes and scrapes are light
  options.body_limit = 64 * 1024;
  server_ = std::make_unique<net::Server>(
      options,
      [this](const net::Request& req, net::Responder res) { handle(req, std::move(res)); });
  if (!server_->start(error)) {
    server_.reset();
    return false;
  }
  return true;
}

void OpsServer::add_endpoint(std::string path,
                             std::function<net::Response(const net::Request&)> handler) {
  endpoints_[std::move(path)] = std::move(handler);
}

std::string OpsServer::address() const { return server_ ? server_->address() : std::string(); }

void OpsServer::stop() {
  if (server_) {
    server_->stop(std::chrono::seconds(2));
    server_.reset();
  }
}

void OpsServer::handle(const net::Request& req, net::Responder res) {
  if (req.method() != "GET" && req.method() != "HEAD") {
    net::Response r = net::Response::text(405, "method not allowed\n");
    r.set_header("Allow", "GET, HEAD");
    return res.respond(std::move(r));
  }
  std::string_view path = req.path();
  bool verbose = req.query().find("verbose") != std::string_view::npos;
  if (path == "/metrics") {
    net::Response r;
    r.status = 200;
    r.set_header("Content-Type", metrics::Registry::kContentType);
    process_.update();
    r.body = registry_.serialize();
    return res.respond(std::move(r));
  }
  if (path == "/healthz" || path == "/livez") {
    auto report = liveness_.run(std::string(path.substr(1)), verbose);
    return res.respond(
        net::Response::text(report.ok ? 200 : 503, verbose || !report.ok ? report.text : "ok"));
  }
  if (path == "/readyz") {
    auto report = readiness_.run("readyz", verbose);
    return res.respond(
        net::Response::text(report.ok ? 200 : 503, verbose || !report.ok ? report.text : "ok"));
  }
  if (auto it = endpoints_.find(path); it != endpoints_.end()) {
    return res.respond(it->second(req));
  }
  res.respond(net::Response::text(404, "404 page not found\n"));
}

}  // namespace dynop::host
