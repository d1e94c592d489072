#include "localcluster/controllers/hpa/hpa_controller.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "lib/apimachinery/json_path.hpp"
#include "lib/apimachinery/object_meta.hpp"
#include "lib/kube/cache/indexer.hpp"

namespace dynop::localcluster::hpa {

namespace json = boost::json;

namespace {

std::string message_of(const kube::Error& error) {
  if (error.message.empty() && error.http_status == 404) {
    return "the server could not find the requested resource";
  }
  return error.message;
}

}  // namespace

KubeHpaApi::KubeHpaApi(kube::Client& client, record::EventRecorder& recorder)
    : client_(client), recorder_(recorder) {}

Result<kube::ResourceInfo> KubeHpaApi::resource_for(
    const autoscaling::CrossVersionObjectReference& target) {
  auto resource = client_.resource_for(target.api_version, target.kind);
  if (!resource) {
    // The RESTMapper's NoKindMatchError.
    auto gv = apimachinery::parse_group_version(target.api_version);
    return apimachinery::Error{"no matches for kind \"" + target.kind + "\" in group \"" +
                               (gv ? gv->group : std::string()) + "\""};
  }
  return resource.value();
}

Result<Scale> KubeHpaApi::get_scale(const std::string& ns,
                                    const autoscaling::CrossVersionObjectReference& target) {
  auto resource = resource_for(target);
  if (!resource) return apimachinery::Error{resource.error()};
  auto body = client_.get_scale(*resource, ns, target.name);
  if (!body) return apimachinery::Error{message_of(body.error())};
  json::value parsed;
  try {
    parsed = json::parse(body.value());
  } catch (const std::exception& e) {
    return apimachinery::Error{std::string("decoding the scale: ") + e.what()};
  }
  if (!parsed.is_object()) return apimachinery::Error{"the scale is not an object"};
  Scale scale;
  scale.raw = parsed.as_object();
  auto int_at = [&](const char* part, const char* key) -> int32_t {
    const auto* section = scale.raw.if_contains(part);
    if (!section || !section->is_object()) return 0;
    const auto* v = section->get_object().if_contains(key);
    return v && v->is_int64() ? static_cast<int32_t>(v->get_int64()) : 0;
  };
  scale.spec_replicas = int_at("spec", "replicas");
  scale.status_replicas = int_at("status", "replicas");
  scale.selector = apimachinery::get_simple_string(scale.raw, "status.selector");
  return scale;
}

Result<void> KubeHpaApi::update_scale(const std::string& ns,
                                      const autoscaling::CrossVersionObjectReference& target,
                                      const Scale& scale, int32_t replicas) {
  auto resource = resource_for(target);
  if (!resource) return apimachinery::Error{resource.error()};
  json::object body = scale.raw;
  auto& spec = body["spec"];
  if (!spec.is_object()) spec = json::object();
  spec.as_object()["replicas"] = replicas;
  auto written = client_.update(*resource, ns, target.name, json::serialize(body), "scale");
  if (!written) return apimachinery::Error{message_of(written.error())};
  return {};
}

Result<void> KubeHpaApi::update_status(const json::object& hpa) {
  auto resource = client_.resource_for("autoscaling/v2", "HorizontalPodAutoscaler");
  if (!resource) return apimachinery::Error{message_of(resource.error())};
  auto written = client_.update_status(*resource, std::string(apimachinery::namespace_of(hpa)),
                                       std::string(apimachinery::name(hpa)), json::serialize(hpa));
  if (!written) return apimachinery::Error{message_of(written.error())};
  return {};
}

void KubeHpaApi::record_event(const json::object& hpa, const std::string& type,
                              const std::string& reason, const std::string& message) {
  record::InvolvedObject object{"autoscaling/v2",
                                "HorizontalPodAutoscaler",
                                std::string(apimachinery::namespace_of(hpa)),
                                std::string(apimachinery::name(hpa)),
                                std::string(apimachinery::uid(hpa)),
                                std::string(apimachinery::resource_version(hpa))};
  recorder_.record(object, type, reason, message);
}

Result<std::vector<PodInfo>> InformerPodLister::list(const std::string& ns,
                                                     const LabelSelector& selector) {
  std::vector<PodInfo> out;
  for (const auto& pod : pods_.cache().by_index(kube::kNamespaceIndex, ns)) {
    // The cache keeps each pod's labels decoded: only selected pods are parsed.
    if (!selector.matches_with([&](const std::string& key) { return pod->label(key); })) continue;
    try {
      out.push_back(pod_info_from_json(json::parse(pod->json())));
    } catch (const std::exception&) {
      continue;
    }
  }
  return out;
}

Result<std::string> get_for_metrics(kube::Client& client, const std::string& path_and_query) {
  auto response = client.request("GET", path_and_query);
  if (!response) return apimachinery::Error{message_of(response.error())};
  if (response->status < 200 || response->status > 299) {
    return apimachinery::Error{
        message_of(kube::error_from_response(response->status, response->body))};
  }
  return std::move(response->body);
}

// Queue keys to reconciles: the HPA from the informer cache, again after a
// sync period whatever happened (upstream requeues every key with a fixed
// interval rate limiter).
class HpaController::KeyReconciler : public controller::Reconciler {
 public:
  KeyReconciler(const kube::Informer& hpas, HpaReconciler& reconciler,
                std::chrono::seconds sync_period)
      : hpas_(hpas), reconciler_(reconciler), sync_period_(sync_period) {}

  controller::ReconcileResult reconcile(const controller::Request& request) override {
    auto object = hpas_.cache().get(request.ns, request.name);
    if (!object) {
      reconciler_.forget(request.ns, request.name);
      return controller::ReconcileResult::done();
    }
    json::value hpa = json::parse(object->json());
    if (!hpa.is_object()) return controller::ReconcileResult::done();
    if (auto error = reconciler_.reconcile(hpa.as_object()); !error.empty()) {
      spdlog::info("horizontal-pod-autoscaler: {}", error);
    }
    return controller::ReconcileResult::requeue(sync_period_);
  }

 private:
  const kube::Informer& hpas_;
  HpaReconciler& reconciler_;
  std::chrono::seconds sync_period_;
};

Result<std::unique_ptr<HpaController>> HpaController::create(kube::Client& client,
                                                             kube::InformerFactory& informers,
                                                             record::EventRecorder& recorder,
                                                             HpaControllerOptions options) {
  auto hpas = informers.informer_for("autoscaling/v2", "HorizontalPodAutoscaler");
  if (!hpas) return apimachinery::Error{hpas.error().message};
  auto pods = informers.informer_for("v1", "Pod");
  if (!pods) return apimachinery::Error{pods.error().message};
  std::unique_ptr<HpaController> c(new HpaController());
  c->api_ = std::make_unique<KubeHpaApi>(client, recorder);
  c->metrics_ = std::make_unique<RestMetricsClient>(
      [&client](const std::string& path) { return get_for_metrics(client, path); });
  c->pods_ = std::make_unique<InformerPodLister>(*pods.value());
  c->reconciler_ = std::make_unique<HpaReconciler>(*c->api_, *c->metrics_, *c->pods_, options,
                                                   [] { return apimachinery::now(); });
  c->key_reconciler_ =
      std::make_unique<KeyReconciler>(*hpas.value(), *c->reconciler_, options.sync_period);
  controller::ControllerOptions controller_options;
  controller_options.name = "horizontal-pod-autoscaler";
  controller_options.workers = 1;
  c->controller_ =
      std::make_unique<controller::Controller>(controller_options, *c->key_reconciler_);
  // Every change is queued a sync period later, never at once (upstream's
  // enqueueHPA: AddRateLimited with a fixed interval), so an HPA is synced
  // once per period, including right after it was created or its status
  // was written; a deletion is acted on at once.
  auto& queue = c->controller_->queue();
  const auto period = std::chrono::duration_cast<clock::Duration>(options.sync_period);
  auto key_of = [](const kube::ObjectPtr& o) {
    return controller::Request{std::string(o->ns()), std::string(o->name())};
  };
  kube::EventHandler handler;
  handler.on_add = [&queue, period, key_of](const kube::ObjectPtr& o) {
    queue.add_after(key_of(o), period);
  };
  handler.on_update = [&queue, period, key_of](const kube::ObjectPtr&, const kube::ObjectPtr& o) {
    queue.add_after(key_of(o), period);
  };
  handler.on_delete = [&queue, key_of](const kube::ObjectPtr& o) { queue.add(key_of(o)); };
  c->hpas_ = hpas.value();
  c->handler_id_ = c->hpas_->add_handler(std::move(handler));
  return c;
}

HpaController::~HpaController() {
  stop();
  if (hpas_) hpas_->remove_handler(handler_id_);
}

void HpaController::start() { controller_->start(); }

void HpaController::stop() {
  if (controller_) controller_->stop();
}

}  // namespace dynop::localcluster::hpa
