#include "localcluster/faults/admin_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <cctype>
#include <string>

#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/status.hpp"
#include "localcluster/faults/write_failure.hpp"

namespace dynop::localcluster::faults {

namespace json = boost::json;
namespace ap = dynop::apimachinery;

namespace {

constexpr std::string_view kPrefix = "/admin/";

net::Response status_response(const ap::Status& status) {
  auto response = net::Response::json(static_cast<unsigned>(status.code), status.serialize());
  response.set_header("Cache-Control", "no-cache, private");
  return response;
}

net::Response json_response(unsigned status, const json::object& body) {
  auto response = net::Response::json(status, json::serialize(body));
  response.set_header("Cache-Control", "no-cache, private");
  return response;
}

net::Response method_not_allowed(std::string_view path, std::string_view allowed) {
  ap::Status status;
  status.code = 405;
  status.reason = std::string(ap::reason::kMethodNotAllowed);
  status.message = "the server does not allow this method on the requested resource (" +
                   std::string(path) + " accepts " + std::string(allowed) + ")";
  auto response = status_response(status);
  response.set_header("Allow", std::string(allowed));
  return response;
}

// The user a request impersonates, or nullopt when it acts as the admin.
std::optional<std::string> impersonated_user(const net::Request& request) {
  bool impersonating = false;
  request.for_each_header([&](std::string_view name, std::string_view) {
    constexpr std::string_view kImpersonate = "impersonate-";
    if (name.size() < kImpersonate.size()) return;
    for (std::size_t i = 0; i < kImpersonate.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(name[i])) != kImpersonate[i]) return;
    }
    impersonating = true;
  });
  if (!impersonating) return std::nullopt;
  return std::string(request.header("Impersonate-User"));
}

std::string_view kube_verb(std::string_view method) {
  if (method == "GET" || method == "HEAD") return "get";
  if (method == "PUT") return "update";
  if (method == "POST") return "create";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return "delete";
  return method;
}

}  // namespace

AdminEndpoint::AdminEndpoint(FaultInjector& injector, ClusterControls controls)
    : injector_(injector), controls_(std::move(controls)) {}

net::Response AdminEndpoint::faults_document(unsigned status) const {
  json::object doc = to_json(injector_.config());
  doc["injectedFailures"] = injector_.injected_failures();
  return json_response(status, doc);
}

std::optional<net::Response> AdminEndpoint::handle(const net::Request& request) {
  std::string_view path = request.path();
  if (!path.starts_with(kPrefix)) return std::nullopt;
  if (auto user = impersonated_user(request)) {
    // As kube-apiserver denies a non-resource URL.
    return status_response(ap::forbidden({}, "",
                                         "User " + ap::go_quote(*user) + " cannot " +
                                             std::string(kube_verb(request.method())) + " path " +
                                             ap::go_quote(path)));
  }
  std::string_view method = request.method();
  if (path == "/admin/faults") {
    if (method == "GET") return faults_document(200);
    if (method != "PUT") return method_not_allowed(path, "GET, PUT");
    auto updated = apply_json(injector_.config(), request.body());
    if (!updated) return status_response(ap::bad_request(updated.error()));
    injector_.set_config(std::move(updated).value());
    return faults_document(200);
  }
  if (path == "/admin/faults/drop-watches") {
    if (method != "POST") return method_not_allowed(path, "POST");
    std::size_t dropped = controls_.drop_watches();
    spdlog::info("faults: dropped {} watch stream(s)", dropped);
    return json_response(200, {{"dropped", dropped}});
  }
  if (path == "/admin/faults/compact") {
    if (method != "POST") return method_not_allowed(path, "POST");
    std::uint64_t rv = controls_.compact();
    // Resuming clients must come back and meet the 410, as after a real
    // compaction that their watch cache window no longer covers.
    std::size_t dropped = controls_.drop_watches();
    spdlog::info(
        "faults: compacted watch history to resourceVersion {}, dropped {} watch stream(s)", rv,
        dropped);
    return json_response(200, {{"compactedTo", std::to_string(rv)}});
  }
  if (path == "/admin/restart") {
    if (method != "POST") return method_not_allowed(path, "POST");
    if (!restarting_.exchange(true)) controls_.restart();
    return json_response(202, {{"restarting", true}});
  }
  return net::Response::text(404, "404 page not found");
}

void AdminEndpoint::install(server::ServerHooks& hooks) {
  hooks.admin.push_back(
      [this](const net::Request& request, const ResourceRegistry&) { return handle(request); });
  FaultInjector* injector = &injector_;
  hooks.faults.latency = [injector] { return injector->latency(); };
  hooks.faults.write_failure = [injector](
                                   const net::Request& request, const server::RequestInfo& info,
                                   const ResourceType& type) -> std::optional<net::Response> {
    auto fault = injector->write_fault(info.resource, info.subresource, info.name);
    if (!fault) return std::nullopt;
    spdlog::debug("faults: {} {} failed with {} (injected)", request.method(), request.target(),
                  fault->code);
    return write_failure_response(*fault, type, info, request.body());
  };
}

}  // namespace dynop::localcluster::faults
