#pragma once
// The OpenAPI documents kube-apiserver 1.26 publishes, built from the resource
// types served right now (pure; the server caches them per registry
// revision):
//   GET /openapi/v3                  index:
//   {"paths":{"apis/g/v":{"serverRelativeURL":"/openapi/v3/apis/g/v?hash=H"}}} GET
//   /openapi/v3/apis/g/v[?hash=] one group-version: paths with the query
//                                    parameters kubectl looks for
//                                    (fieldValidation on every PATCH), and
//                                    components.schemas with
//                                    x-kubernetes-group-version-kind (what
//                                    `kubectl explain` and `kubectl apply` read)
//   GET /openapi/v2                  minimal Swagger 2.0 (JSON or gnostic protobuf)
// All JSON bodies are served as `text/plain; charset=utf-8`, as 1.26 does.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster::openapi {

inline constexpr char kContentType[] = "text/plain; charset=utf-8";
inline constexpr char kV2ProtobufMediaType[] =
    "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
inline constexpr char kV3ProtobufMediaType[] =
    "application/com.github.proto-openapi.spec.v3@v1.0+protobuf";

struct Document {
  std::string body;  // compact JSON
  std::string hash;  // uppercase hex SHA-512 of body; the ETag is "\"" + hash + "\""
};

struct OpenApiV3 {
  std::string index;                        // GET /openapi/v3
  std::map<std::string, Document> by_path;  // "api/v1", "apis/nvidia.com/v1alpha1", "apis", ...
};

OpenApiV3 build_openapi_v3(const std::vector<std::shared_ptr<const ResourceType>>& types);

// How to answer GET /openapi/v3/<path>?hash=<h> (kube's behaviour).
enum class HashCheck {
  kNoHash,    // 200, Cache-Control: no-cache, private; ETag
  kMatches,   // 200, Cache-Control: public, immutable; Expires: now + 1 year; ETag
  kMismatch,  // 301 to /openapi/v3/<path>?hash=<current> (text/html)
};
HashCheck check_hash(const Document& doc, const std::string& requested_hash);

// /openapi/v2 with Accept: application/json (kube labels it text/plain too).
std::string build_openapi_v2_json();
// /openapi/v2 with kubectl's protobuf Accept: a gnostic openapi_v2.Document
// carrying only swagger "2.0" and info, so kubectl finds no schema for
// custom kinds and falls back to JSON merge patch, as it does on a real
// cluster for CRDs.
std::string build_openapi_v2_protobuf();

}  // namespace dynop::localcluster::openapi
