#pragma once
// The host side of the callback table (dynop_host) handed to one plugin.
// Logging and metrics are implemented here; the Kubernetes slots (reads,
// writes, events, requeue) are forwarded to PluginServices, whose defaults
// answer DYNOP_NOT_IMPLEMENTED, and the Prometheus slots to a
// PrometheusSource (none: DYNOP_NOT_IMPLEMENTED). One instance per plugin, so every callback
// knows which plugin calls.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dynop/abi.h"
#include "host/plugins/plugin_services.hpp"
#include "host/plugins/prometheus_source.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::host {

class PluginHostApi {
 public:
  // `services` may be null (every Kubernetes slot then answers
  // DYNOP_NOT_IMPLEMENTED); otherwise it must outlive this object.
  PluginHostApi(std::string plugin_name, metrics::Registry& registry,
                PluginServices* services = nullptr, PrometheusSource* prometheus = nullptr);
  PluginHostApi(const PluginHostApi&) = delete;
  PluginHostApi& operator=(const PluginHostApi&) = delete;

  // Valid as long as this object; pass it to the plugin's init.
  const dynop_host* table() const { return &table_; }
  const std::string& plugin_name() const { return plugin_name_; }

 private:
  struct MetricFamily {
    int32_t type;
    std::string name;
    std::optional<metrics::Family<metrics::Counter>> counter;
    std::optional<metrics::Family<metrics::Gauge>> gauge;
    std::optional<metrics::Family<metrics::Histogram>> histogram;
  };

  static PluginHostApi& self(dynop_host_context* ctx);
  static void log(dynop_host_context* ctx, int32_t level, dynop_str message);
  static dynop_status metric_register(dynop_host_context* ctx, int32_t type, dynop_str name,
                                      dynop_str help, const double* buckets, size_t bucket_count,
                                      dynop_metric* out);
  static dynop_status metric_update(dynop_host_context* ctx, dynop_metric metric, int32_t op,
                                    const dynop_label* labels, size_t label_count, double value);

  void install_service_slots();
  void install_prometheus_slots();

  std::string plugin_name_;
  metrics::Registry& registry_;
  PluginServices* services_;
  PrometheusSource* prometheus_;
  std::mutex mutex_;
  std::vector<MetricFamily> families_;  // handle = index + 1
  dynop_host table_{};
};

}  // namespace dynop::host
