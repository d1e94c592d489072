#include "host/admission/admission_server.hpp"

#include <utility>

#include "host/config/host_port.hpp"
#include "lib/net/server.hpp"
#include "lib/net/tls.hpp"

namespace dynop::host::admission {

AdmissionServer::AdmissionServer(AdmissionServerOptions options,
                                 std::vector<std::shared_ptr<AdmissionPlugin>> plugins,
                                 metrics::Registry& registry)
    : options_(std::move(options)), dispatcher_(std::move(plugins), registry) {}

AdmissionServer::~AdmissionServer() { stop(); }

bool AdmissionServer::start(std::string& error) {
  if (server_) return true;
  HostPort hp;
  if (!parse_host_port(options_.address, hp, error)) {
    error = "admission address \"" + options_.address + "\": " + error;
    return false;
  }
  if (options_.cert_file.empty() || options_.key_file.empty()) {
    error = "the admission server needs a certificate file and a key file";
    return false;
  }
  net::ServerTlsConfig tls_config;
  tls_config.cert_file = options_.cert_file;
  tls_config.key_file = options_.key_file;
  std::string tls_error;
  tls_ = net::ReloadingTlsContext::create(tls_config, tls_error, options_.reload_check_interval);
  if (!tls_) {
    error = "admission server certificate: " + tls_error;
    return false;
  }

  net::ServerOptions server_options;
  server_options.host = hp.host.empty() ? "0.0.0.0" : hp.host;
  server_options.port = hp.port;
  server_options.threads = options_.threads;
  // Reviews are short and do not block (a plugin that must look something up
  // reads the host's cache), so each connection stays on one thread.
  server_options.pin_connections = true;
  server_options.tls = tls_->provider();
  // Two objects of at most 1.5 MiB each (etcd's limit) plus the envelope.
  server_options.body_limit = 7 * 1024 * 1024;
  // kube-apiserver's webhook timeout is at most 30 s.
  server_options.read_timeout = std::chrono::seconds(30);
  server_options.write_timeout = std::chrono::seconds(30);
  server_ = std::make_unique<net::Server>(
      server_options, [this](const net::Request& request, net::Responder responder) {
        responder.respond(dispatcher_.handle(request));
      });
  if (!server_->start(error)) {
    error = "admission server: " + error;
    server_.reset();
    return false;
  }
  return true;
}

std::string AdmissionServer::address() const {
  return server_ ? server_->address() : std::string();
}

std::uint16_t AdmissionServer::port() const { return server_ ? server_->port() : 0; }

void AdmissionServer::stop(std::chrono::milliseconds deadline) {
  if (!server_) return;
  server_->stop(deadline);
  server_.reset();
}

}  // namespace dynop::host::admission
