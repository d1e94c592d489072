#include "localcluster/metrics_apis/server/external_metrics_api.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace dynop::localcluster::metrics_apis {

namespace {

net::Response status_response(const apimachinery::Status& status) {
  return net::Response::json(static_cast<unsigned>(status.code), status.serialize());
}

}  // namespace

void ExternalMetricsApi::add_provider(ExternalMetricsProvider* provider, bool first) {
  std::unique_lock lock(providers_mutex_);
  providers_.insert(first ? providers_.begin() : providers_.end(), provider);
}

void ExternalMetricsApi::remove_provider(ExternalMetricsProvider* provider) {
  std::unique_lock lock(providers_mutex_);
  std::erase(providers_, provider);
}

net::Response ExternalMetricsApi::handle(const net::Request&,
                                         const server::RequestInfo& info) const {
  // Only the namespaced collection path exists (custom-metrics-apiserver
  // installs no other route).
  if (info.namespace_name.empty() || !info.name.empty() || !info.subresource.empty() ||
      info.resource == "namespaces") {
    return net::Response::text(404, "404 page not found");
  }
  if (info.verb != "list") {
    apimachinery::Status status;
    status.code = 405;
    status.reason = std::string(apimachinery::reason::kMethodNotAllowed);
    status.message = "the server does not allow this method on the requested resource";
    return status_response(status);
  }
  const auto* text = info.param("labelSelector");
  auto selector = apimachinery::LabelSelector::parse(text ? *text : "");
  if (!selector) return status_response(apimachinery::bad_request(selector.error()));
  std::shared_lock lock(providers_mutex_);
  for (auto* provider : providers_) {
    auto answer = provider->get(info.namespace_name, info.resource, *selector);
    if (!answer) continue;
    if (auto* status = std::get_if<apimachinery::Status>(&*answer)) return status_response(*status);
    return net::Response::json(200, boost::json::serialize(std::get<boost::json::value>(*answer)));
  }
  apimachinery::Status status;
  status.code = 404;
  status.reason = std::string(apimachinery::reason::kNotFound);
  status.message = "the server could not find the metric " + info.resource + " for namespaces";
  return status_response(status);
}

void ExternalMetricsApi::sync_discovery(ResourceRegistry& registry) {
  std::vector<std::string> names;
  {
    std::shared_lock lock(providers_mutex_);
    for (auto* provider : providers_) {
      for (auto& name : provider->metric_names()) names.push_back(std::move(name));
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::lock_guard lock(mutex_);
  if (published_ == names) return;
  std::vector<ResourceType> types;
  for (const auto& name : names) {
    ResourceType t;
    t.group = "external.metrics.k8s.io";
    t.version = "v1beta1";
    t.kind = "ExternalMetricValueList";
    t.list_kind = "ExternalMetricValueListList";
    t.plural = name;
    t.namespaced = true;
    t.verbs = {"get"};
    t.api_service = kApiService;
    types.push_back(std::move(t));
  }
  registry.set_api_service_types(kApiService, std::move(types));
  published_ = std::move(names);
}

}  // namespace dynop::localcluster::metrics_apis
