#pragma once
// A small synchronous HTTP/1.1 client over Beast + OpenSSL, for the kube
// client (API calls and watches), the simulation and tests.
//
//   dynop::net::ClientOptions options;
//   options.tls.ca_file = "/etc/dynop/ca.crt";          // or ca_pem; neither: system CAs
//   options.tls.cert_file = ...; options.tls.key_file = ...;  // client certificate
//   std::string error;
//   auto client = dynop::net::HttpClient::create(options, error);   // null + error if TLS files
//   are bad
//
//   dynop::net::ClientRequest req;
//   req.url = "https://127.0.0.1:6443/api/v1/pods";       // method defaults to GET
//   req.headers.emplace_back("Authorization", "Bearer " + token);
//   dynop::net::ClientResult r = client->request(req);
//   if (!r.ok()) ... r.error: "GET https://127.0.0.1:6443/api/v1/pods: connect: Connection refused"
//   else         ... r.response->status, r.response->body, r.response->header("Content-Type")
//
//   // Watches: the response body is read line by line as it arrives.
//   req.url = ".../api/v1/pods?watch=1";
//   auto watch = client->stream(req);
//   if (!watch.ok()) ...                       // transport error (watch.error)
//   else if (watch.head.status != 200) ...     // watch.head.body holds the whole error body
//   std::string line;
//   while (watch.stream->next_line(line)) handle(line);   // blocks until a line or the end
//   watch.stream->error();                     // "" when the server ended the response
//
// Threads: one HttpClient may be used from many threads at once; each call
// uses its own connection. Keep-alive connections are pooled per
// scheme://host:port and reused. A request on a reused connection that fails
// before any response byte is retried once on a new connection when the
// method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS).
//
// Errors: transport failures (DNS, connect, TLS, timeout, reset, malformed
// response) come back as ClientResult::error, one line naming the method,
// URL and cause. HTTP error statuses are not transport errors.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lib/net/message.hpp"

namespace dynop::net {

struct ClientTlsOptions {
  // Trust: PEM text wins over a file; with neither, the system CA store.
  std::string ca_file;
  std::string ca_pem;
  // Client certificate (mutual TLS): PEM text wins over files.
  std::string cert_file;
  std::string key_file;
  std::string cert_pem;
  std::string key_pem;
  bool insecure_skip_verify = false;
  // Name to verify the server certificate against (and send as SNI) instead
  // of the URL's host; kubeconfig's tls-server-name.
  std::string server_name;
};

struct ClientOptions {
  ClientTlsOptions tls;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};  // DNS + TCP + TLS
  // Whole exchange (send, then the complete response) unless a request sets its own.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  // A stream that receives nothing for this long ends with an error; 0 = never.
  std::chrono::milliseconds stream_idle_timeout{0};
  std::size_t max_idle_per_host = 8;
  std::size_t max_response_body = 1024ull * 1024 * 1024;
  std::string user_agent = "dynop";
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http:// or https://, path and query already percent-encoded
  Headers headers;
  std::string body;  // sent with Content-Length when non-empty (or method is POST/PUT/PATCH)
  std::optional<std::chrono::milliseconds> timeout;  // overrides request_timeout
};

struct ClientResponse {
  unsigned status = 0;
  Headers headers;
  std::string body;
  std::string_view header(std::string_view name) const;  // case-insensitive; "" when absent
};

struct ClientResult {
  std::optional<ClientResponse> response;
  std::string error;
  bool ok() const { return response.has_value(); }
};

// A response body read incrementally. Not thread-safe, except cancel().
class LineStream {
 public:
  virtual ~LineStream() = default;
  // Blocks for the next '\n'-terminated line (returned without the '\n').
  // false at the end: error() is "" if the server ended the response (a
  // final unterminated fragment is returned as a last line first), else the
  // cause (reset, timeout, cancelled).
  virtual bool next_line(std::string& line) = 0;
  virtual const std::string& error() const = 0;
  // From any thread: makes a blocked or later next_line() return false with
  // error() "cancelled". The connection is closed, never reused.
  virtual void cancel() = 0;
};

struct StreamResult {
  std::string error;  // transport error; empty when `head` is valid
  // Status and headers; for a non-2xx status also the complete body, and
  // `stream` is null.
  ClientResponse head;
  std::unique_ptr<LineStream> stream;
  bool ok() const { return error.empty(); }
};

class HttpClient {
 public:
  // null and a one-line `error` when the TLS settings do not load
  // ("TLS CA file /x/ca.crt: No such file or directory").
  static std::unique_ptr<HttpClient> create(ClientOptions options, std::string& error);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  ClientResult request(const ClientRequest& request);
  // For watches and other long responses; the request timeout covers only
  // connecting and receiving the response head.
  StreamResult stream(const ClientRequest& request);

  // Closes pooled idle connections (e.g. after credentials changed).
  void close_idle();

  const ClientOptions& options() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dynop::net
