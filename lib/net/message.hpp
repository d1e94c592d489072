#pragma once
// HTTP request and response as the server hands them to handlers. Beast stays
// behind Request's pimpl so that embedders don't pay for its headers.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynop::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The verified TLS client certificate of the peer, when it sent one.
// Kubernetes maps common_name to the user and organizations to groups.
struct PeerCertificate {
  std::string subject;  // RFC 2253, e.g. "O=system:masters,CN=admin"
  std::string common_name;
  std::vector<std::string> organizations;
};

class Request {
 public:
  struct Impl;
  explicit Request(std::unique_ptr<Impl> impl);
  Request(Request&&) noexcept;
  Request& operator=(Request&&) noexcept;
  ~Request();

  // For handler unit tests and fakes: a request that never saw a socket.
  static Request make(std::string_view method, std::string_view target, const Headers& headers = {},
                      std::string body = {});

  std::string_view method() const;  // "GET", "PATCH", ...
  std::string_view target() const;  // "/api/v1/pods?watch=1", as sent (still percent-encoded)
  std::string_view path() const;    // target up to '?'
  std::string_view query() const;   // after '?', "" when none
  // Case-insensitive; "" when absent. Repeated headers: the first one.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  void for_each_header(const std::function<void(std::string_view, std::string_view)>& fn) const;
  const std::string& body() const;
  std::string& body();       // handlers may move it out
  unsigned version() const;  // 11 for HTTP/1.1
  bool keep_alive() const;
  const std::string& remote_address() const;  // "127.0.0.1:53122"; "" for Request::make
  const std::optional<PeerCertificate>& client_certificate() const;

  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct Response {
  unsigned status = 200;
  Headers headers;  // Content-Length and Connection are set by the server
  std::string body;

  static Response text(unsigned status, std::string body);  // text/plain; charset=utf-8
  static Response json(unsigned status, std::string body);  // application/json
  Response& set_header(std::string name, std::string value);
};

}  // namespace dynop::net
