#include "localcluster/autoscaling/autoscaling_stack.hpp"

#include <spdlog/spdlog.h>

#include "lib/record/kube_event_sink.hpp"
#include "localcluster/controllers/keda/scaled_object_crd.hpp"

namespace dynop::localcluster::autoscaling {

using apimachinery::Error;
using apimachinery::Result;

namespace {

std::chrono::seconds whole_seconds(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d);
}

}  // namespace

AutoscalingStack::AutoscalingStack(AutoscalingFlags flags, storage::ObjectStore& store,
                                   ResourceRegistry& registry)
    : flags_(std::move(flags)), store_(store), registry_(registry) {}

AutoscalingStack::~AutoscalingStack() { stop(); }

void AutoscalingStack::install(server::ServerHooks& hooks) {
  resource_api_ =
      std::make_unique<metrics_apis::ResourceMetricsApi>(resource_metrics_, store_, registry_);
  for (auto& type : metrics_apis::ResourceMetricsApi::resource_types())
    registry_.add(std::move(type));
  hooks.api_services[metrics_apis::ResourceMetricsApi::kGroupVersion] =
      [this](const net::Request& request, const server::RequestInfo& info) {
        return resource_api_->handle(request, info);
      };

  external_api_ = std::make_unique<metrics_apis::ExternalMetricsApi>();
  if (!flags_.prometheus_adapter_config.empty()) {
    metrics_apis::PrometheusAdapterService::Options options;
    options.config_path = flags_.prometheus_adapter_config;
    options.prometheus_url = flags_.prometheus_url;
    options.relist_interval = flags_.metrics_relist_interval;
    adapter_ = std::make_unique<metrics_apis::PrometheusAdapterService>(
        options, [this] { external_api_->sync_discovery(registry_); });
    external_api_->add_provider(adapter_.get());
  }
  hooks.api_services[metrics_apis::ExternalMetricsApi::kGroupVersion] =
      [this](const net::Request& request, const server::RequestInfo& info) {
        return external_api_->handle(request, info);
      };
  external_api_->sync_discovery(registry_);
}

Result<AutoscalingStack::Identity> AutoscalingStack::make_identity(
    const ClusterAccess& access, const std::string& service_account, const std::string& component) {
  kube::RestConfig config;
  config.server = access.server;
  config.bearer_token = access.token;
  config.certificate_authority_pem = access.ca_pem;
  config.impersonate.user = service_account;
  kube::ClientOptions options;
  options.user_agent = component;
  Identity identity;
  auto client = kube::Client::create(config, options);
  if (!client) return Error{client.error().message};
  identity.client = std::move(client.value());
  identity.informers = kube::make_informer_factory(*identity.client);
  auto sink = record::make_kube_event_sink(*identity.client);
  if (!sink) return Error{sink.error().message};
  identity.sink = std::move(sink.value());
  record::EventRecorderOptions recorder_options;
  recorder_options.component = component;
  identity.recorder = std::make_unique<record::EventRecorder>(recorder_options, *identity.sink);
  return identity;
}

Result<void> AutoscalingStack::start(const ClusterAccess& access) {
  metrics_apis::KubeletScraper::Options scraper_options;
  scraper_options.resolution = flags_.metric_resolution;
  scraper_ =
      std::make_unique<metrics_apis::KubeletScraper>(resource_metrics_, store_, scraper_options);
  scraper_->start();
  if (adapter_) adapter_->start();

  if (flags_.keda) {
    auto identity =
        make_identity(access, "system:serviceaccount:keda:keda-operator", "keda-operator");
    if (!identity) return Error{"keda: " + identity.error()};
    keda_identity_ = std::move(*identity);
    if (auto crd = keda::ensure_scaled_object_crd(*keda_identity_.client, std::chrono::seconds(10));
        !crd) {
      return Error{"keda: " + crd.error()};
    }
    auto op = keda::KedaOperator::create(*keda_identity_.client, *keda_identity_.informers,
                                         *keda_identity_.recorder, {});
    if (!op) return Error{"keda: " + op.error()};
    keda_ = std::move(*op);
    keda_identity_.informers->start();
    keda_identity_.informers->wait_for_sync(std::chrono::seconds(10));
    keda_->start();
    // KEDA answers only requests selecting a ScaledObject; the adapter, all others.
    external_api_->add_provider(keda_.get(), /*first=*/true);
    external_api_->sync_discovery(registry_);
  }

  auto identity =
      make_identity(access, "system:serviceaccount:kube-system:horizontal-pod-autoscaler",
                    "horizontal-pod-autoscaler");
  if (!identity) return Error{"horizontal-pod-autoscaler: " + identity.error()};
  hpa_identity_ = std::move(*identity);
  hpa::HpaControllerOptions options;
  options.sync_period = whole_seconds(flags_.hpa_sync_period);
  options.downscale_stabilization = whole_seconds(flags_.downscale_stabilization);
  options.calculator.tolerance = flags_.tolerance;
  options.calculator.cpu_initialization_period = whole_seconds(flags_.cpu_initialization_period);
  options.calculator.delay_of_initial_readiness_status =
      whole_seconds(flags_.initial_readiness_delay);
  auto controller = hpa::HpaController::create(*hpa_identity_.client, *hpa_identity_.informers,
                                               *hpa_identity_.recorder, options);
  if (!controller) return Error{"horizontal-pod-autoscaler: " + controller.error()};
  hpa_controller_ = std::move(*controller);
  hpa_identity_.informers->start();
  hpa_identity_.informers->wait_for_sync(std::chrono::seconds(10));
  hpa_controller_->start();
  spdlog::info("autoscaling: HPA controller (sync period {}s){}{}", options.sync_period.count(),
               keda_ ? ", KEDA" : "", adapter_ ? ", prometheus-adapter" : "");
  return {};
}

void AutoscalingStack::stop() {
  if (hpa_controller_) hpa_controller_->stop();
  if (keda_) {
    if (external_api_) external_api_->remove_provider(keda_.get());
    keda_->stop();
  }
  for (auto* identity : {&hpa_identity_, &keda_identity_}) {
    if (identity->informers) identity->informers->stop();
    if (identity->recorder) identity->recorder->flush();
  }
  hpa_controller_.reset();
  keda_.reset();
  if (adapter_) adapter_->stop();
  if (scraper_) scraper_->stop();
}

}  // namespace dynop::localcluster::autoscaling
