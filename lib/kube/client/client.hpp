#pragma once
// The Kubernetes REST client: typed errors, discovery, CRUD, patches,
// subresources and watches over lib/net's HTTP client (TLS, client
// certificates, pooled keep-alive connections).
//
//   auto config = load_default_config(flags.kubeconfig);
//   auto client = Client::create(*config);
//   auto pods = (*client)->resource_for("v1", "Pod");
//   auto pod = (*client)->get(*pods, "default", "web-0");   // JSON text or an Error
//   if (!pod && pod.error().not_found()) ...
//
// Objects go in and out as JSON text; the informer cache is the read path,
// this is the write path. Every call is synchronous and thread-safe.
// 429 responses, and 5xx responses carrying Retry-After, are retried after
// the delay the server asks for (up to `max_retries`), as client-go does;
// the final error keeps retry_after for the caller.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/kube/client/api_error.hpp"
#include "lib/kube/client/discovery.hpp"
#include "lib/kube/client/kubeconfig.hpp"
#include "lib/kube/client/list_watch.hpp"
#include "lib/kube/client/resource.hpp"

namespace dynop::net {
class HttpClient;
}

namespace dynop::kube {

enum class PatchType { kMerge, kJson, kStrategicMerge };

// The Content-Type a patch is sent with.
const char* content_type(PatchType type);

struct DeleteOptions {
  std::string propagation_policy;  // "Foreground", "Background", "Orphan" or "" (server default)
  std::optional<long long> grace_period_seconds;
  std::string precondition_uid;
  std::string precondition_resource_version;
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  int max_retries = 5;  // for 429 / Retry-After
  std::chrono::seconds max_retry_after{30};
  std::string user_agent = "dynop";
};

struct RawResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

class Client {
 public:
  // Fails when the TLS material in `config` does not load.
  static Result<std::unique_ptr<Client>> create(const RestConfig& config,
                                                const ClientOptions& options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const RestConfig& config() const;

  // Discovery: the resource serving `kind` in `api_version` ("apps/v1").
  Result<ResourceInfo> resource_for(std::string_view api_version, std::string_view kind);
  Discovery& discovery();

  Result<std::string> get(const ResourceInfo& resource, std::string_view ns, std::string_view name,
                          std::string_view subresource = {});
  // One page (options.limit / continue_token); the raw List body.
  Result<std::string> list(const ResourceInfo& resource, std::string_view ns,
                           const ListOptions& options = {});
  Result<std::string> create(const ResourceInfo& resource, std::string_view ns,
                             std::string_view body);
  // PUT; the body carries metadata.resourceVersion for optimistic concurrency
  // (409 Conflict when stale).
  Result<std::string> update(const ResourceInfo& resource, std::string_view ns,
                             std::string_view name, std::string_view body,
                             std::string_view subresource = {});
  Result<std::string> patch(const ResourceInfo& resource, std::string_view ns,
                            std::string_view name, PatchType type, std::string_view patch,
                            std::string_view subresource = {});
  // The server's response: the deleted object, or a Status.
  Result<std::string> remove(const ResourceInfo& resource, std::string_view ns,
                             std::string_view name, const DeleteOptions& options = {});

  // Subresources.
  Result<std::string> update_status(const ResourceInfo& resource, std::string_view ns,
                                    std::string_view name, std::string_view body) {
    return update(resource, ns, name, body, "status");
  }
  Result<std::string> get_scale(const ResourceInfo& resource, std::string_view ns,
                                std::string_view name) {
    return get(resource, ns, name, "scale");
  }
  // PATCHes spec.replicas of the scale subresource (what `kubectl scale` does).
  Result<std::string> scale(const ResourceInfo& resource, std::string_view ns,
                            std::string_view name, long long replicas);
  // POST pods/<pod>/binding: assigns the pod to `node`. With `uid`, only the
  // pod of that uid (kube-scheduler sends it: a pod deleted and created again
  // under the same name is not bound by mistake).
  Status bind(std::string_view ns, std::string_view pod, std::string_view node,
              std::string_view uid = {});

  // A watch stream (one JSON event per line).
  Result<std::unique_ptr<EventStream>> watch(const ResourceInfo& resource, std::string_view ns,
                                             const ListOptions& options);
  // List and watch of one resource (all namespaces when `ns` is empty), for an Informer.
  std::unique_ptr<ListerWatcher> lister_watcher(const ResourceInfo& resource, std::string ns = {});

  // Any request; `path_and_query` is already encoded ("/version").
  Result<RawResponse> request(std::string_view method, std::string_view path_and_query,
                              std::string_view body = {}, std::string_view content_type = {});

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The Impersonate-User/-Uid/-Group/-Extra-<key> headers client-go sends for
// `who` (none when who.user is empty): one Impersonate-Group per group, one
// Impersonate-Extra-<key> per value, keys percent-encoded where a header name
// cannot carry them ("acme.com/project" -> "acme.com%2Fproject").
std::vector<std::pair<std::string, std::string>> impersonation_headers(const Impersonation& who);

// "?labelSelector=a%3Db&limit=5..." for the options that are set.
std::string encode_list_query(const ListOptions& options, bool watch);

}  // namespace dynop::kube
