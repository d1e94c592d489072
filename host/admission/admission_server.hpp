#pragma once
// The host's admission webhook: HTTPS (TLS 1.2+) serving AdmissionReview
// admission.k8s.io/v1 for the loaded admission plugins, on every replica,
// leader or not (admission_dispatcher.hpp says what it answers).
//
//   AdmissionServerOptions options;
//   options.address = ":9443";
//   options.cert_file = "/etc/dynop/webhook/tls.crt";
//   options.key_file = "/etc/dynop/webhook/tls.key";
//   AdmissionServer server(options, plugins, registry);
//   if (!server.start(error)) ...   // one line: bad address, unreadable certificate
//   ...
//   server.stop();                  // before the plugins stop
//
// Certificate rotation: the files are checked (a stat, at most once per
// reload_check_interval, when a connection arrives) and reloaded when their
// mtime or size changes. New connections get the new certificate; open ones
// keep theirs, so no request in flight is dropped. Files that do not load
// (e.g. a half-written rotation) keep the previous certificate and log a
// warning; the next change is tried again.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/admission/admission_dispatcher.hpp"
#include "host/admission/admission_plugin.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::net {
class Server;
class ReloadingTlsContext;
}  // namespace dynop::net

namespace dynop::host::admission {

struct AdmissionServerOptions {
  std::string address = ":9443";  // host:port; ":9443" is every interface, port 0 any free port
  std::string cert_file;          // PEM chain, leaf first
  std::string key_file;           // PEM private key
  std::chrono::milliseconds reload_check_interval{std::chrono::seconds(1)};
  int threads = 2;
};

class AdmissionServer {
 public:
  // `registry` must outlive the server.
  AdmissionServer(AdmissionServerOptions options,
                  std::vector<std::shared_ptr<AdmissionPlugin>> plugins,
                  metrics::Registry& registry);
  ~AdmissionServer();  // stop() if still running
  AdmissionServer(const AdmissionServer&) = delete;
  AdmissionServer& operator=(const AdmissionServer&) = delete;

  // Loads the certificate, binds and starts serving. false and one line in
  // `error` naming the file or address otherwise.
  bool start(std::string& error);
  // The bound address with the real port, e.g. "0.0.0.0:9443"; "" before start.
  std::string address() const;
  std::uint16_t port() const;
  const AdmissionDispatcher& dispatcher() const { return dispatcher_; }

  // Stops accepting, lets reviews in flight finish (up to `deadline`), joins
  // the threads. Idempotent. The plugins may be stopped afterwards.
  void stop(std::chrono::milliseconds deadline = std::chrono::seconds(5));

 private:
  AdmissionServerOptions options_;
  AdmissionDispatcher dispatcher_;
  std::shared_ptr<net::ReloadingTlsContext> tls_;
  std::unique_ptr<net::Server> server_;
};

}  // namespace dynop::host::admission
