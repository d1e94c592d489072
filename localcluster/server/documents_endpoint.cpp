#include "localcluster/server/documents_endpoint.hpp"

#include "localcluster/server/api_error.hpp"

namespace dynop::localcluster::server {

namespace {

// Extension API servers publish their own OpenAPI; the local ones publish none.
std::vector<ResourceTypePtr> stored_types(const ResourceRegistry& registry) {
  auto types = registry.all();
  std::erase_if(types, [](const ResourceTypePtr& t) { return !t->api_service.empty(); });
  return types;
}

}  // namespace

DocumentsEndpoint::DocumentsEndpoint(std::function<std::string()> server_address)
    : server_address_(std::move(server_address)) {}

void DocumentsEndpoint::install(ServerHooks& hooks) {
  hooks.non_resource.push_back(
      [this](const net::Request& r, const ResourceRegistry& reg) { return discovery(r, reg); });
  hooks.non_resource.push_back(
      [this](const net::Request& r, const ResourceRegistry& reg) { return openapi(r, reg); });
}

std::shared_ptr<const discovery::DiscoveryDocuments> DocumentsEndpoint::discovery_docs(
    const ResourceRegistry& registry) {
  std::lock_guard lock(mutex_);
  auto revision = registry.revision();
  if (discovery_snapshot_.revision != revision || !discovery_snapshot_.discovery) {
    discovery_snapshot_.discovery = std::make_shared<const discovery::DiscoveryDocuments>(
        discovery::build_discovery(registry.all(), server_address_()));
    discovery_snapshot_.revision = revision;
  }
  return discovery_snapshot_.discovery;
}

std::shared_ptr<const openapi::OpenApiV3> DocumentsEndpoint::openapi_docs(
    const ResourceRegistry& registry) {
  std::lock_guard lock(mutex_);
  auto revision = registry.revision();
  if (openapi_snapshot_.revision != revision || !openapi_snapshot_.openapi_v3) {
    openapi_snapshot_.openapi_v3 = std::make_shared<const openapi::OpenApiV3>(
        openapi::build_openapi_v3(stored_types(registry)));
    openapi_snapshot_.revision = revision;
  }
  return openapi_snapshot_.openapi_v3;
}

std::optional<net::Response> DocumentsEndpoint::discovery(const net::Request& request,
                                                          const ResourceRegistry& registry) {
  std::string path(request.path());
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path != "/api" && path != "/apis" && !path.starts_with("/api/") &&
      !path.starts_with("/apis/")) {
    return std::nullopt;
  }
  auto docs = discovery_docs(registry);
  auto plain = [](const std::string& body) {
    auto response = net::Response::json(200, body);
    response.set_header("Cache-Control", "no-cache, private");
    return response;
  };
  if (path == "/api" || path == "/apis") {
    auto format = discovery::negotiate_discovery(request.header("Accept"));
    const discovery::AggregatedDocument* aggregated = nullptr;
    std::string_view content_type;
    if (format == discovery::DiscoveryFormat::kAggregatedV2beta1) {
      aggregated = path == "/api" ? &docs->aggregated_api_v2beta1 : &docs->aggregated_apis_v2beta1;
      content_type = discovery::kAggregatedV2beta1ContentType;
    } else if (format == discovery::DiscoveryFormat::kAggregatedV2) {
      aggregated = path == "/api" ? &docs->aggregated_api_v2 : &docs->aggregated_apis_v2;
      content_type = discovery::kAggregatedV2ContentType;
    } else if (format == discovery::DiscoveryFormat::kNotAcceptable) {
      ApiError error;
      error.code = 406;
      error.reason = "NotAcceptable";
      error.message =
          "only the following media types are accepted: application/json, application/yaml, "
          "application/vnd.kubernetes.protobuf";
      auto response = net::Response::json(406, error.to_json());
      response.set_header("Cache-Control", "no-cache, private");
      return response;
    }
    if (aggregated) {
      net::Response response;
      response.status = 200;
      response.body = aggregated->body;
      response.set_header("Content-Type", std::string(content_type));
      response.set_header("Cache-Control", "public");
      response.set_header("ETag", aggregated->etag);
      response.set_header("Vary", "Accept");
      return response;
    }
    return plain(path == "/api" ? docs->api_versions : docs->api_group_list);
  }
  if (auto it = docs->groups.find(path); it != docs->groups.end()) return plain(it->second);
  if (auto it = docs->resource_lists.find(path); it != docs->resource_lists.end()) {
    return plain(it->second);
  }
  return std::nullopt;
}

std::optional<net::Response> DocumentsEndpoint::openapi(const net::Request& request,
                                                        const ResourceRegistry& registry) {
  std::string path(request.path());
  if (path == "/openapi/v2") {
    bool protobuf = request.header("Accept").find("protobuf") != std::string_view::npos;
    std::lock_guard lock(mutex_);
    if (protobuf) {
      if (openapi_v2_protobuf_.empty()) openapi_v2_protobuf_ = openapi::build_openapi_v2_protobuf();
      net::Response response;
      response.status = 200;
      response.body = openapi_v2_protobuf_;
      response.set_header("Content-Type", "application/octet-stream");
      return response;
    }
    if (openapi_v2_json_.empty()) openapi_v2_json_ = openapi::build_openapi_v2_json();
    return net::Response{200, {{"Content-Type", openapi::kContentType}}, openapi_v2_json_};
  }
  if (path != "/openapi/v3" && !path.starts_with("/openapi/v3/")) return std::nullopt;
  auto docs = openapi_docs(registry);
  if (path == "/openapi/v3") {
    return net::Response{200, {{"Content-Type", openapi::kContentType}}, docs->index};
  }
  auto it = docs->by_path.find(path.substr(std::string("/openapi/v3/").size()));
  if (it == docs->by_path.end()) return net::Response::text(404, "404 page not found");
  std::string query(request.query());
  std::string hash;
  if (auto pos = query.find("hash="); pos != std::string::npos) {
    hash = query.substr(pos + 5, query.find('&', pos) - pos - 5);
  }
  const auto& doc = it->second;
  switch (openapi::check_hash(doc, hash)) {
    case openapi::HashCheck::kMismatch: {
      net::Response response;
      response.status = 301;
      response.set_header("Location", path + "?hash=" + doc.hash);
      response.set_header("Content-Type", "text/html; charset=utf-8");
      return response;
    }
    case openapi::HashCheck::kMatches: {
      net::Response response{200, {{"Content-Type", openapi::kContentType}}, doc.body};
      response.set_header("Cache-Control", "public, immutable");
      response.set_header("ETag", "\"" + doc.hash + "\"");
      return response;
    }
    case openapi::HashCheck::kNoHash:
    default: {
      net::Response response{200, {{"Content-Type", openapi::kContentType}}, doc.body};
      response.set_header("Cache-Control", "no-cache, private");
      response.set_header("ETag", "\"" + doc.hash + "\"");
      return response;
    }
  }
}

}  // namespace dynop::localcluster::server
