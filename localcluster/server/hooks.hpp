#pragma once
// Where the other parts of dynop-localcluster plug into the API server, one
// call site each: discovery and OpenAPI documents (non-resource paths), Table
// rendering for `kubectl get`, admission (built-in plugins and validating
// webhooks), the fault-injection admin endpoint with its faults
// (localcluster/faults), and aggregated API services (localcluster/metrics_apis).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/message.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/server/api_error.hpp"
#include "localcluster/server/request_info.hpp"

namespace dynop::localcluster::server {

// A non-resource endpoint (/api, /apis, /openapi/v2, ...): nullopt when the
// path is not theirs.
using NonResourceHandler =
    std::function<std::optional<net::Response>(const net::Request&, const ResourceRegistry&)>;

// What `kubectl get` asked for with its Table Accept header.
struct TableRequest {
  bool include_object = false;          // includeObject=Object: full objects in rows
  bool with_column_definitions = true;  // false for watch events after the first
  std::string resource_version;         // list metadata
  std::string continue_token;
  std::optional<std::int64_t> remaining_item_count;
};

// Renders `objects` (all of `type`) as a meta.k8s.io/v1 Table.
using TableRenderer = std::function<boost::json::value(
    const ResourceType& type, const std::vector<boost::json::value>& objects,
    const TableRequest& request)>;

// One write as admission sees it (AdmissionReview's request).
struct AdmissionAttributes {
  const ResourceType* type = nullptr;
  std::string operation;  // CREATE | UPDATE | DELETE | CONNECT
  std::string subresource;
  std::string namespace_name;
  std::string name;
  const boost::json::value* object = nullptr;      // new object (null for DELETE)
  const boost::json::value* old_object = nullptr;  // null for CREATE
  bool dry_run = false;
  std::string user_agent;
  // The request being admitted: its user (after impersonation) and query
  // parameters (fieldManager, ...). Null only in tests that build attributes.
  const RequestInfo* request_info = nullptr;
};

// Returns an error to deny the write; may append Warning header texts.
using AdmissionHook = std::function<std::optional<ApiError>(const AdmissionAttributes&,
                                                            std::vector<std::string>& warnings)>;

// A built-in admission plugin of kube-apiserver's mutating phase
// (NamespaceLifecycle, ServiceAccount: localcluster/admission). Called for
// creates (`object` is the new object before defaulting of system fields and
// validation, and the plugin may change it; null for subresources such as
// pods/binding) and deletes (`object` null), before validation and webhooks.
// `attributes.name` is the object's name, empty when it only has a
// generateName; `attributes.object`/`old_object` are null. Returns an error
// to refuse the request.
using MutatingAdmissionHook =
    std::function<std::optional<ApiError>(const AdmissionAttributes&, boost::json::object* object)>;

// Faults a test asks for (localcluster/faults). `latency` is waited before
// serving each authenticated request but the admin ones; `write_failure` may
// answer a create/update/patch/delete/deletecollection (subresources too)
// instead of performing it, so storage is never touched.
struct FaultHooks {
  std::function<std::chrono::milliseconds()> latency;
  std::function<std::optional<net::Response>(const net::Request&, const RequestInfo&,
                                             const ResourceType&)>
      write_failure;
};

// An extension API server's group version, as kube-aggregator proxies it:
// every resource request under /apis/<group>/<version>/.
using ApiServiceHandler = std::function<net::Response(const net::Request&, const RequestInfo&)>;

struct ServerHooks {
  std::vector<NonResourceHandler> non_resource;
  TableRenderer render_table;                             // empty: Table requests get plain JSON
  AdmissionHook admission;                                // empty: everything admitted
  std::vector<MutatingAdmissionHook> mutating_admission;  // run in this order
  // Asked right after authentication, before faults and routing (/admin/...).
  std::vector<NonResourceHandler> admin;
  FaultHooks faults;
  // By "group/version" (metrics.k8s.io/v1beta1): answered instead of storage.
  std::map<std::string, ApiServiceHandler> api_services;
};

}  // namespace dynop::localcluster::server
