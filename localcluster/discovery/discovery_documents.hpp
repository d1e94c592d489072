#pragma once
// The discovery documents kube-apiserver 1.26 serves, built from the resource
// types being served right now. Pure: the server builds them once per
// registry revision and serves the cached bytes.
//   /api                 APIVersions
//   /apis                APIGroupList
//   /apis/<g>            APIGroup
//   /api/v1, /apis/<g>/<v>   APIResourceList (with subresources, storageVersionHash)
//   /api, /apis with the aggregated Accept   APIGroupDiscoveryList (v2beta1)

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster::discovery {

inline constexpr std::string_view kAggregatedV2beta1ContentType =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
inline constexpr std::string_view kAggregatedV2ContentType =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

struct AggregatedDocument {
  std::string body;  // compact JSON
  std::string etag;  // quoted, as the ETag header wants it: "\"<SHA-512 hex>\""
};

struct DiscoveryDocuments {
  std::string api_versions;    // GET /api
  std::string api_group_list;  // GET /apis
  // GET /apis/<group>, keyed by the path ("/apis/nvidia.com").
  std::map<std::string, std::string> groups;
  // GET /api/v1 and /apis/<group>/<version>, keyed by the path.
  std::map<std::string, std::string> resource_lists;
  // Aggregated discovery (APIGroupDiscoveryList) for /api and /apis.
  AggregatedDocument aggregated_api_v2beta1, aggregated_apis_v2beta1;
  AggregatedDocument aggregated_api_v2, aggregated_apis_v2;
};

// `server_address` goes into APIVersions.serverAddressByClientCIDRs
// ("127.0.0.1:6443").
DiscoveryDocuments build_discovery(const std::vector<std::shared_ptr<const ResourceType>>& types,
                                   const std::string& server_address);

// How to answer GET /api or /apis for an Accept header.
enum class DiscoveryFormat {
  kLegacy,             // APIVersions / APIGroupList as application/json
  kAggregatedV2beta1,  // Content-Type kAggregatedV2beta1ContentType, ETag, Vary: Accept
  kAggregatedV2,
  kNotAcceptable,  // 406 (only aggregated versions this server does not serve)
};

// kube-apiserver 1.26 with the AggregatedDiscoveryEndpoint gate on serves
// v2beta1 only; `serve_v2` also offers v2 (what kube 1.30+ does).
DiscoveryFormat negotiate_discovery(std::string_view accept, bool serve_v2 = false);

// kube's storageVersionHash: base64 of the first 8 bytes of
// SHA-256("<group>/<version>/<kind>") of the storage version.
std::string storage_version_hash(const ResourceType& type);

}  // namespace dynop::localcluster::discovery
