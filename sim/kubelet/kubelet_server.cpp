#include "sim/kubelet/kubelet_server.hpp"

#include <spdlog/spdlog.h>

#include <fstream>

#include "lib/net/certificates.hpp"
#include "lib/net/tls.hpp"

namespace dynop::sim {

KubeletServers::KubeletServers(const NodeAgent& nodes, const Kubelet& kubelet,
                               const NodeProfile& profile)
    : nodes_(nodes), kubelet_(kubelet), profile_(profile) {}

KubeletServers::~KubeletServers() { stop(); }

net::Handler KubeletServers::handler(const std::string& node) const {
  return [this, node](const net::Request& req, net::Responder res) {
    if (req.method() != "GET" && req.method() != "HEAD") {
      return res.respond(net::Response::text(405, "method not allowed\n"));
    }
    if (req.path() == "/healthz") return res.respond(net::Response::text(200, "ok"));
    if (req.path() == "/metrics/resource") {
      const auto now = std::chrono::system_clock::now();
      // The node's own use besides its pods: system daemons, the kubelet.
      ResourceSample overhead;
      overhead.cpu_core_seconds = 0.25 * std::chrono::duration<double>(now - boot_).count();
      overhead.memory_working_set_bytes = 2.0 * 1024 * 1024 * 1024;
      overhead.start_time = boot_;
      overhead.timestamp = now;
      net::Response r =
          net::Response::text(200, render_resource_metrics(kubelet_.resources_on(node), overhead));
      r.headers.clear();
      r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      return res.respond(std::move(r));
    }
    res.respond(net::Response::text(404, "404 page not found\n"));
  };
}

apimachinery::Result<void> KubeletServers::start(const std::string& ca_file) {
  std::string error;
  net::CertificateRequest ca_request;
  ca_request.common_name = profile_.instance + " kubelet CA";
  ca_request.is_ca = true;
  ca_request.server_auth = false;
  auto ca = net::issue_certificate(ca_request, nullptr, error);
  if (!ca) return apimachinery::Error{"issuing the kubelet CA: " + error};
  if (!ca_file.empty()) {
    std::ofstream out(ca_file, std::ios::trunc);
    out << ca->cert_pem;
    if (!out) return apimachinery::Error{ca_file + ": cannot write the kubelet CA"};
  }
  std::string first_error;
  for (const SimNode& node : nodes_.nodes()) {
    net::CertificateRequest request;
    request.common_name = node.name;
    request.dns_names = {node.name};
    request.ip_addresses = {node.ip};
    auto cert = net::issue_certificate(request, &*ca, error);
    if (!cert)
      return apimachinery::Error{"issuing the certificate of node " + node.name + ": " + error};
    net::ServerTlsConfig tls;
    tls.cert_pem = cert->cert_pem;
    tls.key_pem = cert->key_pem;
    auto context = net::make_server_tls_context(tls, error);
    if (!context) return apimachinery::Error{"node " + node.name + ": " + error};
    net::ServerOptions options;
    options.host = node.ip;
    options.port = static_cast<std::uint16_t>(profile_.kubelet.port);
    options.loop = &loop_;
    options.tls = [context] { return context; };
    options.idle_timeout = std::chrono::seconds(60);
    auto server = std::make_unique<net::Server>(options, handler(node.name));
    if (!server->start(error)) {
      const std::string message = "node " + node.name + " kubelet port: " + error;
      spdlog::warn("{}", message);
      if (first_error.empty()) first_error = message;
      continue;
    }
    std::lock_guard lock(mutex_);
    servers_[node.name] = std::move(server);
  }
  if (!first_error.empty()) return apimachinery::Error{first_error};
  return {};
}

void KubeletServers::stop_node(const std::string& name) {
  std::unique_ptr<net::Server> server;
  {
    std::lock_guard lock(mutex_);
    auto it = servers_.find(name);
    if (it == servers_.end()) return;
    server = std::move(it->second);
    servers_.erase(it);
  }
  server->stop(std::chrono::seconds(1));
}

void KubeletServers::stop() {
  std::map<std::string, std::unique_ptr<net::Server>> servers;
  {
    std::lock_guard lock(mutex_);
    servers.swap(servers_);
  }
  for (auto& [name, server] : servers) server->stop(std::chrono::seconds(1));
}

std::size_t KubeletServers::serving() const {
  std::lock_guard lock(mutex_);
  return servers_.size();
}

}  // namespace dynop::sim
