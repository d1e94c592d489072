#pragma once
// The HPA controller as kube-controller-manager runs it: an informer on
// autoscaling/v2 HorizontalPodAutoscalers and one on pods, every HPA
// reconciled once per sync period (--horizontal-pod-autoscaler-sync-period),
// the first time one period after it appears, through the API server only:
// the target's /scale (any kind serving it), HPA status writes, Events
// (source horizontal-pod-autoscaler) and the aggregated metrics APIs. The
// client given should act as kube-system's horizontal-pod-autoscaler
// service account, as KCM's --use-service-account-credentials does.

#include <memory>

#include "lib/controller/controller.hpp"
#include "lib/kube/cache/informer_factory.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/record/event_recorder.hpp"
#include "localcluster/controllers/hpa/hpa_reconciler.hpp"
#include "localcluster/controllers/hpa/rest_metrics_client.hpp"

namespace dynop::localcluster::hpa {

// HpaApi over the REST client: discovery maps the target's kind to its
// resource, /scale is read and written as autoscaling/v1 Scale.
class KubeHpaApi : public HpaApi {
 public:
  KubeHpaApi(kube::Client& client, record::EventRecorder& recorder);

  Result<Scale> get_scale(const std::string& ns,
                          const autoscaling::CrossVersionObjectReference& target) override;
  Result<void> update_scale(const std::string& ns,
                            const autoscaling::CrossVersionObjectReference& target,
                            const Scale& scale, int32_t replicas) override;
  Result<void> update_status(const boost::json::object& hpa) override;
  void record_event(const boost::json::object& hpa, const std::string& type,
                    const std::string& reason, const std::string& message) override;

 private:
  Result<kube::ResourceInfo> resource_for(const autoscaling::CrossVersionObjectReference& target);

  kube::Client& client_;
  record::EventRecorder& recorder_;
};

// Pods of a namespace matching a selector, from the pod informer's cache.
class InformerPodLister : public PodLister {
 public:
  explicit InformerPodLister(const kube::Informer& pods) : pods_(pods) {}
  Result<std::vector<PodInfo>> list(const std::string& ns, const LabelSelector& selector) override;

 private:
  const kube::Informer& pods_;
};

// client-go's error text for a failed GET (the Status message, or "the
// server could not find the requested resource" for a bare 404).
Result<std::string> get_for_metrics(kube::Client& client, const std::string& path_and_query);

class HpaController {
 public:
  // `client`, `informers` and `recorder` must outlive the controller.
  static Result<std::unique_ptr<HpaController>> create(kube::Client& client,
                                                       kube::InformerFactory& informers,
                                                       record::EventRecorder& recorder,
                                                       HpaControllerOptions options);
  ~HpaController();

  void start();
  void stop();

 private:
  class KeyReconciler;
  HpaController() = default;

  std::unique_ptr<KubeHpaApi> api_;
  std::unique_ptr<RestMetricsClient> metrics_;
  std::unique_ptr<InformerPodLister> pods_;
  std::unique_ptr<HpaReconciler> reconciler_;
  std::unique_ptr<KeyReconciler> key_reconciler_;
  std::unique_ptr<controller::Controller> controller_;
  kube::Informer* hpas_ = nullptr;
  int handler_id_ = 0;
};

}  // namespace dynop::localcluster::hpa
