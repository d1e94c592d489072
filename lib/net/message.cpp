#include "lib/net/message.hpp"

#include "lib/net/message_impl.hpp"

namespace dynop::net {

namespace http = boost::beast::http;

Request::Request(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Request::Request(Request&&) noexcept = default;
Request& Request::operator=(Request&&) noexcept = default;
Request::~Request() = default;

Request Request::make(std::string_view method, std::string_view target, const Headers& headers,
                      std::string body) {
  auto impl = std::make_unique<Impl>();
  impl->msg.method_string(method);
  impl->msg.target(target);
  impl->msg.version(11);
  for (const auto& [name, value] : headers) impl->msg.insert(name, value);
  impl->msg.body() = std::move(body);
  return Request(std::move(impl));
}

std::string_view Request::method() const { return impl_->msg.method_string(); }
std::string_view Request::target() const { return impl_->msg.target(); }

std::string_view Request::path() const {
  std::string_view t = target();
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  std::string_view t = target();
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::string_view Request::header(std::string_view name) const { return impl_->msg[name]; }

bool Request::has_header(std::string_view name) const {
  return impl_->msg.find(name) != impl_->msg.end();
}

void Request::for_each_header(
    const std::function<void(std::string_view, std::string_view)>& fn) const {
  for (const auto& field : impl_->msg) fn(field.name_string(), field.value());
}

const std::string& Request::body() const { return impl_->msg.body(); }
std::string& Request::body() { return impl_->msg.body(); }
unsigned Request::version() const { return impl_->msg.version(); }
bool Request::keep_alive() const { return impl_->msg.keep_alive(); }
const std::string& Request::remote_address() const { return impl_->remote; }
const std::optional<PeerCertificate>& Request::client_certificate() const { return impl_->peer; }

Response Response::text(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

Response Response::json(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response& Response::set_header(std::string name, std::string value) {
  for (auto& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

}  // namespace dynop::net
