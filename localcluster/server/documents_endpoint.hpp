#pragma once
// Serves the discovery (/api, /apis, ...) and OpenAPI (/openapi/v2,
// /openapi/v3/...) documents that localcluster/discovery and
// localcluster/openapi build, rebuilding them when the set of served
// resources changes (a CRD established or removed).

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "localcluster/discovery/discovery_documents.hpp"
#include "localcluster/openapi/openapi_documents.hpp"
#include "localcluster/server/hooks.hpp"

namespace dynop::localcluster::server {

class DocumentsEndpoint {
 public:
  // `server_address` ("127.0.0.1:6443") is asked for when documents are built.
  explicit DocumentsEndpoint(std::function<std::string()> server_address);

  std::optional<net::Response> discovery(const net::Request& request,
                                         const ResourceRegistry& registry);
  std::optional<net::Response> openapi(const net::Request& request,
                                       const ResourceRegistry& registry);

  // Both as NonResourceHandlers for ServerHooks.
  void install(ServerHooks& hooks);

 private:
  struct Snapshot {
    std::uint64_t revision = ~0ull;
    std::shared_ptr<const discovery::DiscoveryDocuments> discovery;
    std::shared_ptr<const openapi::OpenApiV3> openapi_v3;
  };
  std::shared_ptr<const discovery::DiscoveryDocuments> discovery_docs(const ResourceRegistry& registry);
  std::shared_ptr<const openapi::OpenApiV3> openapi_docs(const ResourceRegistry& registry);

  std::function<std::string()> server_address_;
  std::mutex mutex_;
  Snapshot discovery_snapshot_;
  Snapshot openapi_snapshot_;
  std::string openapi_v2_json_;
  std::string openapi_v2_protobuf_;
};

}  // namespace dynop::localcluster::server
