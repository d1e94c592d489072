#pragma once
// dynop-localcluster's validating admission: on every write the REST layer
// admits (create, update, patch, the status and scale subresources, delete),
// calls each ValidatingWebhookConfiguration webhook whose rules and selectors
// match, over HTTPS with the AdmissionReview v1 of lib/admission, and answers
// as kube-apiserver does (webhook_response.hpp).
//
// Where the configurations come from: the dispatcher reads them from the
// object store on each admitted write (a pointer-copying list) and parses a
// configuration again only when its resourceVersion changed. So a webhook
// applies to the very next write after its configuration is stored, with no
// watch thread and no lag (kube-apiserver's informer lags a little).
//
// Threads: admit() runs on the API server's request threads, concurrently;
// it blocks for the webhook calls (each bounded by its timeoutSeconds).
// Webhooks are called one after the other, configurations sorted by name as
// kube sorts them, and the first denial or failure answers the request.
//
//   admission::WebhookDispatcher webhooks(store);
//   hooks.admission = webhooks.hook();   // before constructing the ApiServer

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/http_client.hpp"
#include "localcluster/admission/webhook_config.hpp"
#include "localcluster/server/hooks.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::admission {

class WebhookDispatcher {
 public:
  explicit WebhookDispatcher(storage::ObjectStore& store);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // The ServerHooks::admission callback; the dispatcher must outlive it.
  server::AdmissionHook hook();

  std::optional<server::ApiError> admit(const server::AdmissionAttributes& attributes,
                                        std::vector<std::string>& warnings);

  // Every webhook of every stored configuration, in calling order.
  std::vector<WebhookPtr> webhooks();

 private:
  struct CachedConfiguration {
    std::uint64_t resource_version = 0;
    std::vector<WebhookPtr> webhooks;
  };
  net::HttpClient* client_for(const Webhook& webhook, std::string& error);

  storage::ObjectStore& store_;
  std::mutex mutex_;
  std::map<std::string, CachedConfiguration> configurations_;        // by name
  std::map<std::string, std::unique_ptr<net::HttpClient>> clients_;  // by trust + server name
};

// The autoscaling/v1 Scale that kube sends for a `/scale` write, built from
// the object with the type's scale paths.
boost::json::value scale_of(const ResourceType& type, const boost::json::value& object);

}  // namespace dynop::localcluster::admission
