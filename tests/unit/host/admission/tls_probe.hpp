#pragma once
// A TLS client for tests that need what HttpClient hides: which certificate
// the server presented (subject CN, serial) and one connection kept open
// across a certificate rotation. It verifies nothing; tests check the
// certificate themselves. Every operation is bounded by `timeout`.

#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace dynop::test {

struct ProbedCertificate {
  std::string common_name;
  std::string serial_hex;
};

struct ProbedResponse {
  unsigned status = 0;
  std::string body;
};

class TlsProbe {
 public:
  // Connects to 127.0.0.1:port and completes the TLS handshake. nullptr and
  // `error` on failure.
  static std::unique_ptr<TlsProbe> open(
      std::uint16_t port, std::string& error,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_ptr<TlsProbe> probe(new TlsProbe(timeout));
    namespace asio = boost::asio;
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    boost::system::error_code ec;
    if (!probe->run([&](auto done) { probe->stream_.next_layer().async_connect(endpoint, done); },
                    ec)) {
      error = "connect: " + ec.message();
      return nullptr;
    }
    if (!probe->run(
            [&](auto done) {
              probe->stream_.async_handshake(asio::ssl::stream_base::client, done);
            },
            ec)) {
      error = "handshake: " + ec.message();
      return nullptr;
    }
    return probe;
  }

  ProbedCertificate certificate() {
    ProbedCertificate out;
    X509* cert = SSL_get1_peer_certificate(stream_.native_handle());
    if (cert == nullptr) return out;
    char cn[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn)) >
        0) {
      out.common_name = cn;
    }
    BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
    if (serial != nullptr) {
      char* hex = BN_bn2hex(serial);
      if (hex != nullptr) out.serial_hex = hex;
      OPENSSL_free(hex);
      BN_free(serial);
    }
    X509_free(cert);
    return out;
  }

  // One HTTP/1.1 POST on this connection (kept alive).
  std::optional<ProbedResponse> post(const std::string& target, const std::string& body,
                                     std::string& error) {
    namespace http = boost::beast::http;
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    boost::system::error_code ec;
    if (!run([&](auto done) { http::async_write(stream_, request, done); }, ec)) {
      error = "write: " + ec.message();
      return std::nullopt;
    }
    http::response<http::string_body> response;
    if (!run([&](auto done) { http::async_read(stream_, buffer_, response, done); }, ec)) {
      error = "read: " + ec.message();
      return std::nullopt;
    }
    return ProbedResponse{response.result_int(), response.body()};
  }

 private:
  explicit TlsProbe(std::chrono::milliseconds timeout)
      : ssl_context_(boost::asio::ssl::context::tls_client),
        stream_(io_, ssl_context_),
        timeout_(timeout) {
    ssl_context_.set_verify_mode(boost::asio::ssl::verify_none);
  }

  // Starts `op` with a completion handler and runs the io_context until it
  // completes or the timeout passes (then the socket is closed).
  template <class Op>
  bool run(Op op, boost::system::error_code& ec) {
    bool done = false;
    io_.restart();
    op([&](boost::system::error_code e, auto&&...) {
      ec = e;
      done = true;
    });
    io_.run_for(timeout_);
    if (!done) {
      boost::system::error_code ignored;
      stream_.next_layer().close(ignored);
      io_.restart();
      io_.run_for(std::chrono::seconds(1));
      ec = boost::asio::error::timed_out;
      return false;
    }
    return !ec;
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context ssl_context_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::beast::flat_buffer buffer_;
  std::chrono::milliseconds timeout_;
};

}  // namespace dynop::test
