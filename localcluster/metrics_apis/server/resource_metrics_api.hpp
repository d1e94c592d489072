#pragma once
// metrics.k8s.io/v1beta1 as metrics-server serves it through the aggregator
// (pkg/api/pod.go, node.go): PodMetrics and NodeMetrics from the last two
// kubelet scrapes (ResourceMetricsStore), for the pods and nodes the API
// server holds.
//   GET .../namespaces/{ns}/pods[?labelSelector=&fieldSelector=]  PodMetricsList
//   GET .../namespaces/{ns}/pods/{name}    PodMetrics, or 404
//       pods "x" not found / podmetrics.metrics.k8s.io "ns/x" not found
//   GET .../nodes[/{name}]                 likewise (nodemetrics.metrics.k8s.io "n" not found)
// Lists keep kube's order (namespace, then name) and leave out what has no
// metrics yet; items carry the object's labels, creationTimestamp is now.

#include <vector>

#include "lib/net/message.hpp"
#include "localcluster/metrics_apis/resource/resource_metrics_store.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/server/request_info.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::metrics_apis {

class ResourceMetricsApi {
 public:
  static constexpr const char* kGroupVersion = "metrics.k8s.io/v1beta1";

  ResourceMetricsApi(const ResourceMetricsStore& metrics, const storage::ObjectStore& objects,
                     const ResourceRegistry& registry);

  // The resources discovery lists (pods, nodes: get and list).
  static std::vector<ResourceType> resource_types();

  net::Response handle(const net::Request& request, const server::RequestInfo& info) const;

 private:
  net::Response pods(const server::RequestInfo& info) const;
  net::Response nodes(const server::RequestInfo& info) const;

  const ResourceMetricsStore& metrics_;
  const storage::ObjectStore& objects_;
  const ResourceRegistry& registry_;
};

}  // namespace dynop::localcluster::metrics_apis
