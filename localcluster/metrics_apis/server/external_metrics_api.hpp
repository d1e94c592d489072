#pragma once
// external.metrics.k8s.io/v1beta1 as custom-metrics-apiserver serves it
// through the aggregator:
//   GET /apis/external.metrics.k8s.io/v1beta1/namespaces/{ns}/{metric}[?labelSelector=...]
// answered by the first provider that takes the request. Discovery lists
// every provider's metric names (ExternalMetricValueList, verb get), and
// follows them as they change (sync_discovery).

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "lib/net/message.hpp"
#include "localcluster/metrics_apis/external_metrics_provider.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/server/request_info.hpp"

namespace dynop::localcluster::metrics_apis {

class ExternalMetricsApi {
 public:
  static constexpr const char* kGroupVersion = "external.metrics.k8s.io/v1beta1";
  static constexpr const char* kApiService = "v1beta1.external.metrics.k8s.io";

  // Providers are asked in the order they were added; one is removed before
  // it goes (remove waits for requests it is answering).
  // `first`: asked before those added earlier.
  void add_provider(ExternalMetricsProvider* provider, bool first = false);
  void remove_provider(ExternalMetricsProvider* provider);

  net::Response handle(const net::Request& request, const server::RequestInfo& info) const;

  // Puts the providers' metric names into `registry` for discovery when they
  // changed since the last call.
  void sync_discovery(ResourceRegistry& registry);

 private:
  mutable std::shared_mutex providers_mutex_;
  std::vector<ExternalMetricsProvider*> providers_;
  std::mutex mutex_;
  std::optional<std::vector<std::string>> published_;
};

}  // namespace dynop::localcluster::metrics_apis
