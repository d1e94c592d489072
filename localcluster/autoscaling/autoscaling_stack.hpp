#pragma once
// What a real cluster runs for autoscaling, run by dynop-localcluster:
// - metrics-server: kubelet scrapes (KubeletScraper) and metrics.k8s.io/v1beta1
//   (ResourceMetricsApi);
// - prometheus-adapter: external rules over a real Prometheus
//   (PrometheusAdapterService) in external.metrics.k8s.io/v1beta1
//   (ExternalMetricsApi), which KEDA's metrics server shares;
// - kube-controller-manager's HPA controller (hpa::HpaController);
// - KEDA's operator and metrics server (keda::KedaOperator), with the
//   ScaledObject CRD installed at start.
// The metrics APIs are served as the aggregator serves extension API
// servers (install(), before the server starts); the controllers are API
// clients of the server with their service accounts' identities (start(),
// once it serves), so their writes go through validation, admission and
// webhooks like any client's.

#include <memory>
#include <string>

#include "lib/apimachinery/result.hpp"
#include "lib/kube/cache/informer_factory.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/record/event_recorder.hpp"
#include "localcluster/autoscaling/autoscaling_flags.hpp"
#include "localcluster/controllers/hpa/hpa_controller.hpp"
#include "localcluster/controllers/keda/keda_operator.hpp"
#include "localcluster/metrics_apis/resource/resource_metrics_store.hpp"
#include "localcluster/metrics_apis/server/external_metrics_api.hpp"
#include "localcluster/metrics_apis/server/kubelet_scraper.hpp"
#include "localcluster/metrics_apis/server/prometheus_adapter_service.hpp"
#include "localcluster/metrics_apis/server/resource_metrics_api.hpp"
#include "localcluster/server/hooks.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::autoscaling {

// How the controllers reach the server.
struct ClusterAccess {
  std::string server;  // "https://127.0.0.1:PORT"
  std::string ca_pem;
  std::string token;
};

class AutoscalingStack {
 public:
  AutoscalingStack(AutoscalingFlags flags, storage::ObjectStore& store, ResourceRegistry& registry);
  ~AutoscalingStack();

  void install(server::ServerHooks& hooks);
  apimachinery::Result<void> start(const ClusterAccess& access);
  void stop();

 private:
  // One controller's API identity: client, informers and event recorder.
  struct Identity {
    std::unique_ptr<kube::Client> client;
    std::unique_ptr<kube::InformerFactory> informers;
    std::unique_ptr<record::EventSink> sink;
    std::unique_ptr<record::EventRecorder> recorder;
  };
  static apimachinery::Result<Identity> make_identity(const ClusterAccess& access,
                                                      const std::string& service_account,
                                                      const std::string& component);

  AutoscalingFlags flags_;
  storage::ObjectStore& store_;
  ResourceRegistry& registry_;
  metrics_apis::ResourceMetricsStore resource_metrics_;
  std::unique_ptr<metrics_apis::ResourceMetricsApi> resource_api_;
  std::unique_ptr<metrics_apis::KubeletScraper> scraper_;
  std::unique_ptr<metrics_apis::PrometheusAdapterService> adapter_;
  std::unique_ptr<metrics_apis::ExternalMetricsApi> external_api_;
  Identity hpa_identity_;
  std::unique_ptr<hpa::HpaController> hpa_controller_;
  Identity keda_identity_;
  std::unique_ptr<keda::KedaOperator> keda_;
};

}  // namespace dynop::localcluster::autoscaling
