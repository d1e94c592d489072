#include "lib/net/http_client.hpp"

#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace dynop::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct Url {
  bool tls = false;
  std::string host;  // without brackets
  std::string port;
  std::string target;
  std::string host_header;
  std::string pool_key;
};

bool parse_url(const std::string& text, Url& out, std::string& error) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) {
    error = "invalid URL: " + parsed.error().message();
    return false;
  }
  const auto& u = *parsed;
  std::string scheme(u.scheme());
  if (iequals(scheme, "https")) {
    out.tls = true;
  } else if (!iequals(scheme, "http")) {
    error = "unsupported URL scheme \"" + scheme + "\" (expected http or https)";
    return false;
  }
  out.host = std::string(u.host_address());
  if (out.host.empty()) {
    error = "URL has no host";
    return false;
  }
  bool ipv6 = u.host_type() == boost::urls::host_type::ipv6;
  std::string default_port = out.tls ? "443" : "80";
  out.port = u.has_port() ? std::string(u.port()) : default_port;
  std::string host_part = ipv6 ? "[" + out.host + "]" : out.host;
  out.host_header = out.port == default_port ? host_part : host_part + ":" + out.port;
  out.target = std::string(u.encoded_path());
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
  out.pool_key = (out.tls ? "https://" : "http://") + host_part + ":" + out.port;
  return true;
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

std::string describe(const error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  if (ec == http::error::end_of_stream || ec == asio::error::eof) {
    return "connection closed by the server";
  }
  return ec.message();
}

// One connection with its own io_context: a synchronous call runs that
// io_context on the calling thread until the operation (or its timeout) ends.
struct Connection {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::string key;
  bool reused = false;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  template <class Fn>
  decltype(auto) with_stream(Fn&& fn) {
    if (secure) return fn(*secure);
    return fn(*plain);
  }

  // Starts `initiate(handler)` and runs until it completes.
  template <class Initiate>
  error_code run(Initiate&& initiate) {
    error_code result = asio::error::would_block;
    initiate([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  // An idle pooled connection the server has closed reads as EOF (or has
  // unexpected bytes): never reuse it.
  bool looks_alive() {
    auto& socket = lowest().socket();
    if (!socket.is_open()) return false;
    error_code ec;
    char byte;
    socket.non_blocking(true, ec);
    std::size_t n = socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    bool alive = ec == asio::error::would_block && n == 0;
    socket.non_blocking(false, ec);
    return alive;
  }

  void close() {
    error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
  }
};

class LineStreamImpl final : public LineStream {
 public:
  LineStreamImpl(std::unique_ptr<Connection> conn,
                 std::unique_ptr<http::response_parser<http::buffer_body>> parser,
                 std::chrono::milliseconds idle_timeout)
      : conn_(std::move(conn)), parser_(std::move(parser)), idle_timeout_(idle_timeout) {
    done_ = parser_->is_done();
  }

  ~LineStreamImpl() override { conn_->close(); }

  bool next_line(std::string& line) override {
    for (;;) {
      auto pos = pending_.find('\n', start_);
      if (pos != std::string::npos) {
        line.assign(pending_, start_, pos - start_);
        start_ = pos + 1;
        if (start_ > 64 * 1024 && start_ * 2 > pending_.size()) {
          pending_.erase(0, start_);
          start_ = 0;
        }
        return true;
      }
      if (done_) {
        if (error_.empty() && start_ < pending_.size()) {
          line.assign(pending_, start_);
          pending_.clear();
          start_ = 0;
          return true;
        }
        return false;
      }
      read_more();
    }
  }

  const std::string& error() const override { return error_; }

  void cancel() override {
    cancelled_ = true;
    asio::post(conn_->ioc, [c = conn_.get()] { c->lowest().close(); });
  }

  // Reads the rest of the body into `out` (for non-2xx heads).
  void read_all(std::string& out, std::size_t limit) {
    while (!done_ && pending_.size() < limit) read_more();
    out = pending_.substr(start_);
  }

 private:
  void read_more() {
    if (cancelled_) {
      error_ = "cancelled";
      done_ = true;
      return;
    }
    auto& body = parser_->get().body();
    body.data = buf_.data();
    body.size = buf_.size();
    if (idle_timeout_.count() > 0) {
      conn_->lowest().expires_after(idle_timeout_);
    } else {
      conn_->lowest().expires_never();
    }
    error_code ec = conn_->run([&](auto handler) {
      conn_->with_stream(
          [&](auto& s) { http::async_read_some(s, conn_->buffer, *parser_, handler); });
    });
    pending_.append(buf_.data(), buf_.size() - body.size);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      done_ = true;
      if (cancelled_) {
        error_ = "cancelled";
      } else if (ec == beast::error::timeout) {
        error_ = "no data received for " + std::to_string(idle_timeout_.count()) + " ms";
      } else {
        error_ = describe(ec);
      }
      return;
    }
    if (parser_->is_done()) done_ = true;
  }

  std::unique_ptr<Connection> conn_;
  std::unique_ptr<http::response_parser<http::buffer_body>> parser_;
  std::chrono::milliseconds idle_timeout_;
  std::array<char, 64 * 1024> buf_{};
  std::string pending_;
  std::size_t start_ = 0;
  bool done_ = false;
  std::string error_;
  std::atomic<bool> cancelled_{false};
};

void copy_headers(const http::fields& fields, Headers& out) {
  for (const auto& f : fields) out.emplace_back(f.name_string(), f.value());
}

}  // namespace

std::string_view ClientResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

struct HttpClient::Impl {
  ClientOptions options;
  std::shared_ptr<ssl::context> tls;
  std::mutex mutex;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle;

  bool setup_tls(std::string& error) {
    tls = std::make_shared<ssl::context>(ssl::context::tls_client);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    const ClientTlsOptions& o = options.tls;
    error_code ec;
    if (!o.ca_pem.empty()) {
      tls->add_certificate_authority(asio::buffer(o.ca_pem), ec);
      if (ec) return error = "TLS CA (PEM): " + ec.message(), false;
    } else if (!o.ca_file.empty()) {
      tls->load_verify_file(o.ca_file, ec);
      if (ec) return error = "TLS CA file " + o.ca_file + ": " + ec.message(), false;
    } else {
      tls->set_default_verify_paths(ec);
      if (ec) return error = "TLS system CA store: " + ec.message(), false;
    }
    if (!o.cert_pem.empty()) {
      tls->use_certificate_chain(asio::buffer(o.cert_pem), ec);
      if (ec) return error = "TLS client certificate (PEM): " + ec.message(), false;
    } else if (!o.cert_file.empty()) {
      tls->use_certificate_chain_file(o.cert_file, ec);
      if (ec) return error = "TLS client certificate " + o.cert_file + ": " + ec.message(), false;
    }
    if (!o.key_pem.empty()) {
      tls->use_private_key(asio::buffer(o.key_pem), ssl::context::pem, ec);
      if (ec) return error = "TLS client key (PEM): " + ec.message(), false;
    } else if (!o.key_file.empty()) {
      tls->use_private_key_file(o.key_file, ssl::context::pem, ec);
      if (ec) return error = "TLS client key " + o.key_file + ": " + ec.message(), false;
    }
    return true;
  }

  std::unique_ptr<Connection> take_idle(const std::string& key) {
    for (;;) {
      std::unique_ptr<Connection> c;
      {
        std::lock_guard lock(mutex);
        auto it = idle.find(key);
        if (it == idle.end() || it->second.empty()) return nullptr;
        c = std::move(it->second.back());
        it->second.pop_back();
      }
      if (c->looks_alive()) {
        c->reused = true;
        return c;
      }
      c->close();
    }
  }

  void give_back(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mutex);
    auto& list = idle[c->key];
    if (list.size() >= options.max_idle_per_host) {
      c->close();
      return;
    }
    list.push_back(std::move(c));
  }

  std::unique_ptr<Connection> connect(const Url& url, std::string& error) {
    auto c = std::make_unique<Connection>();
    c->key = url.pool_key;
    error_code ec;
    // An IP literal (a simulated kubelet, 127.0.0.1) needs no lookup: asio
    // resolves asynchronously on a thread it starts for each io_context, so
    // every new connection would start and join a thread for nothing.
    std::optional<tcp::endpoint> literal;
    if (auto address = asio::ip::make_address(url.host, ec); !ec) {
      unsigned short port = 0;
      auto [end, parse_ec] =
          std::from_chars(url.port.data(), url.port.data() + url.port.size(), port);
      if (parse_ec == std::errc() && end == url.port.data() + url.port.size()) {
        literal.emplace(address, port);
      }
    }
    tcp::resolver::results_type endpoints;
    if (!literal) {
      tcp::resolver resolver(c->ioc);
      asio::steady_timer timer(c->ioc, options.connect_timeout);
      ec = asio::error::would_block;
      bool timed_out = false;
      timer.async_wait([&](error_code e) {
        if (!e) {
          timed_out = true;
          resolver.cancel();
        }
      });
      resolver.async_resolve(url.host, url.port, [&](error_code e, tcp::resolver::results_type r) {
        ec = e;
        endpoints = std::move(r);
        timer.cancel();
      });
      c->ioc.run();
      if (ec) {
        error = "resolve " + url.host + ": " + (timed_out ? "timed out" : ec.message());
        return nullptr;
      }
    }
    c->plain.emplace(c->ioc);
    c->plain->expires_after(options.connect_timeout);
    ec = c->run([&](auto handler) {
      if (literal) {
        c->plain->async_connect(*literal, handler);
      } else {
        c->plain->async_connect(endpoints, handler);
      }
    });
    if (ec) {
      error = "connect: " + describe(ec);
      return nullptr;
    }
    error_code ignored;
    c->plain->socket().set_option(tcp::no_delay(true), ignored);
    if (!url.tls) return c;

    c->secure.emplace(std::move(*c->plain), *tls);
    c->plain.reset();
    const ClientTlsOptions& o = options.tls;
    std::string verify_name = o.server_name.empty() ? url.host : o.server_name;
    error_code addr_ec;
    asio::ip::make_address(verify_name, addr_ec);
    if (addr_ec) {  // SNI carries names only, never IP literals
      SSL_ctrl(c->secure->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               static_cast<void*>(verify_name.data()));
    }
    if (o.insecure_skip_verify) {
      c->secure->set_verify_mode(ssl::verify_none);
    } else {
      c->secure->set_verify_mode(ssl::verify_peer);
      c->secure->set_verify_callback(ssl::host_name_verification(verify_name));
    }
    c->lowest().expires_after(options.connect_timeout);
    ec = c->run(
        [&](auto handler) { c->secure->async_handshake(ssl::stream_base::client, handler); });
    if (ec) {
      error = "TLS handshake: " + describe(ec);
      long verify = SSL_get_verify_result(c->secure->native_handle());
      if (verify != X509_V_OK) {
        error += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
      }
      return nullptr;
    }
    return c;
  }

  std::unique_ptr<Connection> acquire(const Url& url, std::string& error) {
    if (auto c = take_idle(url.pool_key)) return c;
    return connect(url, error);
  }

  http::request<http::string_body> build(const Url& url, const ClientRequest& req) {
    http::request<http::string_body> msg;
    msg.method_string(req.method);
    msg.target(url.target);
    msg.version(11);
    msg.set(http::field::host, url.host_header);
    msg.set(http::field::user_agent, options.user_agent);
    for (const auto& [name, value] : req.headers) msg.set(name, value);
    msg.body() = req.body;
    msg.keep_alive(true);
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
      msg.prepare_payload();
    }
    return msg;
  }

  // Writes `msg` on a pooled connection, then `read(conn, parser)` into a
  // fresh parser from `make_parser`. A reused keep-alive connection that the
  // server closed before answering is retried once on a new one (idempotent
  // methods only). Returns the connection and the parser, or nullopt with
  // `error` set to "<prefix><reason>".
  template <class MakeParser, class Read>
  auto exchange(const Url& url, const ClientRequest& req, http::request<http::string_body>& msg,
                const std::string& prefix, MakeParser make_parser, Read read, std::string& error)
      -> std::optional<std::pair<std::unique_ptr<Connection>, decltype(make_parser())>> {
    auto timeout = req.timeout.value_or(options.request_timeout);
    for (int attempt = 0;; ++attempt) {
      std::string acquire_error;
      auto conn = acquire(url, acquire_error);
      if (!conn) {
        error = prefix + acquire_error;
        return std::nullopt;
      }
      auto parser = make_parser();
      conn->lowest().expires_after(timeout);
      error_code ec = conn->run([&](auto handler) {
        conn->with_stream([&](auto& s) { http::async_write(s, msg, handler); });
      });
      if (!ec) ec = read(*conn, *parser);
      if (ec) {
        bool stale = conn->reused && !parser->got_some() && ec != beast::error::timeout;
        conn->close();
        if (stale && attempt == 0 && idempotent(req.method)) continue;
        error = prefix + describe(ec);
        return std::nullopt;
      }
      return std::make_pair(std::move(conn), std::move(parser));
    }
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() { close_idle(); }

std::unique_ptr<HttpClient> HttpClient::create(ClientOptions options, std::string& error) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  if (!impl->setup_tls(error)) return nullptr;
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

const ClientOptions& HttpClient::options() const { return impl_->options; }

void HttpClient::close_idle() {
  std::lock_guard lock(impl_->mutex);
  for (auto& [key, list] : impl_->idle) {
    for (auto& c : list) c->close();
  }
  impl_->idle.clear();
}

ClientResult HttpClient::request(const ClientRequest& req) {
  ClientResult result;
  std::string prefix = req.method + " " + req.url + ": ";
  Url url;
  if (!parse_url(req.url, url, result.error)) {
    result.error = prefix + result.error;
    return result;
  }
  auto msg = impl_->build(url, req);
  auto sent = impl_->exchange(
      url, req, msg, prefix,
      [&] {
        auto parser = std::make_unique<http::response_parser<http::string_body>>();
        parser->body_limit(impl_->options.max_response_body);
        if (req.method == "HEAD") parser->skip(true);  // Content-Length without a body
        return parser;
      },
      [](Connection& conn, auto& parser) {
        return conn.run([&](auto handler) {
          conn.with_stream([&](auto& s) { http::async_read(s, conn.buffer, parser, handler); });
        });
      },
      result.error);
  if (!sent) return result;
  auto& [conn, parser] = *sent;
  auto res = parser->release();
  ClientResponse out;
  out.status = res.result_int();
  copy_headers(res.base(), out.headers);
  out.body = std::move(res.body());
  if (res.keep_alive()) {
    conn->reused = false;
    impl_->give_back(std::move(conn));
  } else {
    conn->close();
  }
  result.response = std::move(out);
  return result;
}

StreamResult HttpClient::stream(const ClientRequest& req) {
  StreamResult result;
  std::string prefix = req.method + " " + req.url + ": ";
  Url url;
  if (!parse_url(req.url, url, result.error)) {
    result.error = prefix + result.error;
    return result;
  }
  auto msg = impl_->build(url, req);
  auto sent = impl_->exchange(
      url, req, msg, prefix,
      [] {
        auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
        parser->body_limit(boost::none);
        return parser;
      },
      [](Connection& conn, auto& parser) {
        return conn.run([&](auto handler) {
          conn.with_stream(
              [&](auto& s) { http::async_read_header(s, conn.buffer, parser, handler); });
        });
      },
      result.error);
  if (!sent) return result;
  auto& [conn, parser] = *sent;
  const auto& head = parser->get();
  result.head.status = head.result_int();
  copy_headers(head.base(), result.head.headers);
  auto lines = std::make_unique<LineStreamImpl>(std::move(conn), std::move(parser),
                                                impl_->options.stream_idle_timeout);
  if (result.head.status < 200 || result.head.status >= 300) {
    lines->read_all(result.head.body, impl_->options.max_response_body);
    return result;
  }
  result.stream = std::move(lines);
  return result;
}

}  // namespace dynop::net
