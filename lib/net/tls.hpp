#pragma once
// TLS contexts for the server and the client, and certificate reloading.
// Contexts are handed around as shared_ptr: a server asks its provider for a
// context per new connection, so replacing the context (new certificate
// files) never touches connections that are already open.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "lib/net/message.hpp"

namespace boost::asio::ssl {
class context;
}
typedef struct ssl_st SSL;

namespace dynop::net {

using TlsContextPtr = std::shared_ptr<boost::asio::ssl::context>;
// Called once per accepted connection, on a server thread. Returning nullptr
// refuses that connection.
using TlsContextProvider = std::function<TlsContextPtr()>;

// Certificate and key either as files or as PEM text (PEM wins when both).
struct ServerTlsConfig {
  std::string cert_file;  // chain: leaf first
  std::string key_file;
  std::string cert_pem;
  std::string key_pem;
  // When set, clients are asked for a certificate, verified against these
  // CAs; a missing one is accepted unless require_client_cert.
  std::string client_ca_file;
  std::string client_ca_pem;
  bool require_client_cert = false;
};

// TLS 1.2 or newer. nullptr and a one-line `error` (naming the file) on failure.
TlsContextPtr make_server_tls_context(const ServerTlsConfig& config, std::string& error);

// Reloads certificate files when they change (mtime or size, checked at most
// once per `check_interval`). A change that does not load keeps the previous
// context and logs one warning, so a half-written rotation never breaks the
// server.
class ReloadingTlsContext : public std::enable_shared_from_this<ReloadingTlsContext> {
 public:
  // The first load must succeed; nullptr and `error` otherwise.
  static std::shared_ptr<ReloadingTlsContext> create(
      ServerTlsConfig config, std::string& error,
      std::chrono::milliseconds check_interval = std::chrono::seconds(1));

  TlsContextPtr current();
  TlsContextProvider provider();

 private:
  struct Stamp {
    std::optional<std::filesystem::file_time_type> mtime;
    std::uintmax_t size = 0;
    bool operator==(const Stamp&) const = default;
  };
  std::vector<Stamp> stamps() const;

  ServerTlsConfig config_;
  std::chrono::milliseconds check_interval_{1000};
  std::mutex mutex_;
  TlsContextPtr context_;
  std::vector<Stamp> stamps_;
  std::chrono::steady_clock::time_point last_check_;
};

// The peer's certificate after a successful handshake, if it sent one.
std::optional<PeerCertificate> peer_certificate(SSL* ssl);

}  // namespace dynop::net
