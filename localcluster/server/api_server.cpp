#include "localcluster/server/api_server.hpp"

#include <openssl/crypto.h>

#include <boost/json.hpp>
#include <thread>

#include "lib/net/tls.hpp"
#include "localcluster/server/api_error.hpp"
#include "localcluster/server/impersonation.hpp"
#include "localcluster/server/request_audit.hpp"
#include "localcluster/server/request_info.hpp"

namespace dynop::localcluster::server {

namespace {

bool token_matches(std::string_view header, const std::string& token) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() != kBearer.size() + token.size()) return false;
  if (header.substr(0, kBearer.size()) != kBearer) return false;
  return CRYPTO_memcmp(header.data() + kBearer.size(), token.data(), token.size()) == 0;
}

net::Response status_response(const ApiError& error) {
  auto response = net::Response::json(static_cast<unsigned>(error.code), error.to_json());
  response.set_header("Cache-Control", "no-cache, private");
  return response;
}

bool is_write(const std::string& verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete" ||
         verb == "deletecollection";
}

}  // namespace

std::string version_document() {
  boost::json::object v{{"major", "1"},
                        {"minor", "26"},
                        {"gitVersion", "v1.26.1"},
                        {"gitCommit", "8f94681cd294aa8cfd3407b8191f6c70214973a4"},
                        {"gitTreeState", "clean"},
                        {"buildDate", "2023-01-18T15:51:25Z"},
                        {"goVersion", "go1.19.5"},
                        {"compiler", "gc"},
                        {"platform", "linux/amd64"}};
  return boost::json::serialize(v);
}

ApiServer::ApiServer(ApiServerOptions options, storage::ObjectStore& store,
                     ResourceRegistry& registry, ServerHooks hooks)
    : options_(std::move(options)),
      store_(store),
      registry_(registry),
      hooks_(std::move(hooks)),
      request_metrics_(metrics_),
      metrics_endpoint_(metrics_, store, registry),
      rest_(store, registry, hooks_, options_.rest) {}

ApiServer::~ApiServer() { stop(); }

bool ApiServer::start(std::string& error) {
  net::ServerOptions options;
  options.host = options_.host;
  options.port = options_.port;
  options.threads = options_.threads;
  options.body_limit = 3 * 1024 * 1024;
  options.body_too_large = status_response(too_large(options.body_limit));
  // Watches stay open for up to timeoutSeconds; kube-apiserver never times
  // out an idle watch stream, so neither do we at the connection level.
  options.write_timeout = std::chrono::seconds(60);
  if (!options_.cert_file.empty()) {
    net::ServerTlsConfig tls;
    tls.cert_file = options_.cert_file;
    tls.key_file = options_.key_file;
    auto context = net::make_server_tls_context(tls, error);
    if (!context) return false;
    options.tls = [context] { return context; };
  }
  server_ = std::make_unique<net::Server>(
      options, [this](const net::Request& request, net::Responder responder) {
        handle(request, std::move(responder));
      });
  return server_->start(error);
}

void ApiServer::stop() {
  // Stop accepting first, so that once a client's watch ends nothing more is
  // answered by this server (a restart in place must not look half-done);
  // the net server ends the open watch streams, then the handler's threads.
  if (server_) server_->stop(std::chrono::seconds(2));
  rest_.stop();
  // What the stopped server answered (its closed watches included) is on disk.
  if (options_.audit_log) options_.audit_log->flush();
}

std::uint16_t ApiServer::port() const { return server_ ? server_->port() : 0; }

std::size_t ApiServer::close_watches() { return rest_.close_watches(); }

void ApiServer::handle(const net::Request& request, net::Responder responder) {
  std::string_view path = request.path();
  if (path == "/healthz" || path == "/livez" || path == "/readyz") {
    return responder.respond(net::Response::text(200, "ok"));
  }
  if (!token_matches(request.header("Authorization"), options_.token)) {
    return responder.respond(status_response(unauthorized()));
  }
  if (request.body().size() > 3 * 1024 * 1024) {
    return responder.respond(status_response(too_large(3 * 1024 * 1024)));
  }
  RequestInfo info = parse_request_info(request.method(), request.target());
  auto user = resolve_user(request);
  if (auto* resolved = std::get_if<admission::UserInfo>(&user)) info.user = std::move(*resolved);
  if (options_.audit_log) audit_request(*options_.audit_log, request, info, responder);
  if (path == "/metrics") return responder.respond(metrics_endpoint_.serve());
  for (const auto& handler : hooks_.admin) {
    if (auto response = handler(request, registry_)) return responder.respond(std::move(*response));
  }
  if (hooks_.faults.latency) {
    // Blocking this server thread is the point: the client waits as it would
    // for a slow apiserver.
    if (auto delay = hooks_.faults.latency(); delay.count() > 0) std::this_thread::sleep_for(delay);
  }
  if (path == "/version" || path == "/version/") {
    return responder.respond(net::Response::json(200, version_document()));
  }
  if (info.is_resource_request) {
    if (auto* error = std::get_if<ApiError>(&user))
      return responder.respond(status_response(*error));
    if (auto it = hooks_.api_services.find(info.group + "/" + info.version);
        it != hooks_.api_services.end()) {
      return responder.respond(it->second(request, info));
    }
    if (auto type = registry_.find(info.group, info.version, info.resource)) {
      request_metrics_.track(request, info, responder);
      if (hooks_.faults.write_failure && is_write(info.verb)) {
        if (auto failure = hooks_.faults.write_failure(request, info, *type)) {
          return responder.respond(std::move(*failure));
        }
      }
      return rest_.handle(request, info, std::move(responder));
    }
  }
  for (const auto& handler : hooks_.non_resource) {
    if (auto response = handler(request, registry_)) return responder.respond(std::move(*response));
  }
  responder.respond(net::Response::text(404, "404 page not found"));
}

}  // namespace dynop::localcluster::server
