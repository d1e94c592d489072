// KEDA's metrics server side (pkg/provider, scale_handler
// GetScaledObjectMetrics, pkg/fallback): the value of s<i>-prometheus for the
// ScaledObject the request selects, with the fallback applied and the
// trigger's health kept in status.health.

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/time.hpp"
#include "localcluster/controllers/keda/keda_operator.hpp"
#include "localcluster/metrics_apis/adapter/prometheus_adapter.hpp"

namespace dynop::localcluster::keda {

namespace json = boost::json;

namespace {

// What the API server answers for an error KEDA's metrics server got back
// from the operator over gRPC.
apimachinery::Status grpc_error(const std::string& message) {
  apimachinery::Status status;
  status.code = 500;
  status.message = "rpc error: code = Unknown desc = " + message;
  return status;
}

Health health_of(const json::object& so) {
  Health out;
  const auto* status = so.if_contains("status");
  const auto* health =
      status && status->is_object() ? status->get_object().if_contains("health") : nullptr;
  if (!health || !health->is_object()) return out;
  for (const auto& [metric, value] : health->get_object()) {
    if (!value.is_object()) continue;
    HealthStatus h;
    if (const auto* n = value.get_object().if_contains("numberOfFailures"); n && n->is_int64()) {
      h.number_of_failures = static_cast<int32_t>(n->get_int64());
    }
    if (const auto* s = value.get_object().if_contains("status"); s && s->is_string()) {
      h.status = std::string(s->get_string());
    }
    out[std::string(metric)] = h;
  }
  return out;
}

json::object health_json(const Health& health) {
  json::object out;
  for (const auto& [metric, h] : health) {
    out[metric] = json::object{{"numberOfFailures", h.number_of_failures}, {"status", h.status}};
  }
  return out;
}

}  // namespace

std::vector<std::string> KedaOperator::metric_names() const { return {"externalmetrics"}; }

std::optional<metrics_apis::ExternalMetricAnswer> KedaOperator::get(
    const std::string& ns, const std::string& metric, const apimachinery::LabelSelector& selector) {
  auto name = selector.requires_exact_match(kScaledObjectNameLabel);
  if (!name) return std::nullopt;
  auto so = cached_scaled_object(ns, *name);
  if (!so) {
    return grpc_error("error getting scalers scaledobjects.keda.sh \"" + *name + "\" not found");
  }
  const ScaledObjectSpec spec = scaled_object_spec(*so);
  auto scalers = build_scalers(spec);
  if (!scalers) return grpc_error("error getting scalers " + scalers.error());
  const Scaler* scaler = nullptr;
  for (const auto& s : *scalers) {
    if (metric_name(s.metadata) == metric) scaler = &s;
  }
  if (!scaler) return grpc_error("no matching metrics found for " + metric);

  auto value = query(scaler->metadata);
  if (!value) {
    spdlog::info("keda-operator: {}/{}: error getting metric for scaler {}: {}", ns, *name,
                 scaler->name, value.error());
  }
  const Health before = health_of(*so);
  auto outcome =
      apply_fallback(spec, hpa_metric_spec(scaler->metadata, *name), before, metric, !value.ok());
  // Only a configured fallback tracks health (upstream returns early without one).
  if (spec.fallback) {
    std::lock_guard lock(loops_mutex_);
    pending_health_[ns + "/" + *name] =
        PendingHealth{health_json(outcome.health), outcome.fallback_condition};
    loops_wake_.notify_all();
  }

  std::int64_t milli = 0;
  if (outcome.fallback_milli_value) {
    milli = *outcome.fallback_milli_value;
  } else if (!value) {
    return grpc_error("no matching metrics found for " + metric);
  } else {
    milli = metrics_apis::milli_value_of(value->value);
  }
  json::array items{json::object{{"metricName", metric},
                                 {"metricLabels", nullptr},
                                 {"timestamp", apimachinery::format_time(apimachinery::now())},
                                 {"value", apimachinery::Quantity::from_milli(milli).to_string()}}};
  return json::value(json::object{{"kind", "ExternalMetricValueList"},
                                  {"apiVersion", "external.metrics.k8s.io/v1beta1"},
                                  {"metadata", json::object()},
                                  {"items", std::move(items)}});
}

void KedaOperator::write_pending_health() {
  std::map<std::string, PendingHealth> pending;
  {
    std::lock_guard lock(loops_mutex_);
    pending.swap(pending_health_);
  }
  for (auto& [key, update] : pending) {
    const auto slash = key.find('/');
    std::vector<KedaCondition> conditions;
    if (update.fallback) conditions.push_back(*update.fallback);
    if (auto updated = update_status(key.substr(0, slash), key.substr(slash + 1), conditions,
                                     json::object{{"health", update.health}});
        !updated) {
      spdlog::info("keda-operator: {}: error updating the health status: {}", key, updated.error());
    }
  }
}

}  // namespace dynop::localcluster::keda
