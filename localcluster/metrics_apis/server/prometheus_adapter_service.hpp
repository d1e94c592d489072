#pragma once
// prometheus-adapter as a running service: its rules file (the Helm chart's
// values, or the adapter's own config) loaded at start and again whenever the
// file changes, series discovery every relist interval
// (--metrics-relist-interval), and external metric values on request.
//
// The Prometheus URL is the file's (values prometheus.url:port/path) unless
// `prometheus_url` overrides it, as the chart turns values into the
// adapter's --prometheus-url. A file that does not load or compile keeps
// the previous rules (logged); before any good file, every metric is 404.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "localcluster/metrics_apis/adapter/prometheus_adapter.hpp"
#include "localcluster/metrics_apis/external_metrics_provider.hpp"

namespace dynop::localcluster::metrics_apis {

class PrometheusAdapterService : public ExternalMetricsProvider {
 public:
  struct Options {
    std::string config_path;
    std::string prometheus_url;  // overrides the file's; may be empty
    std::chrono::milliseconds relist_interval{std::chrono::minutes(1)};
    std::chrono::seconds max_age{60};
  };

  // `on_relist` runs after each discovery pass (discovery documents follow).
  PrometheusAdapterService(Options options, std::function<void()> on_relist);
  ~PrometheusAdapterService() override;

  void start();
  void stop();

  // One pass now: reload the file when it changed, then relist (tests, start).
  void refresh();

  std::vector<std::string> metric_names() const override;
  std::optional<ExternalMetricAnswer> get(const std::string& ns, const std::string& metric,
                                          const apimachinery::LabelSelector& selector) override;

 private:
  void reload_if_changed();
  std::shared_ptr<PrometheusAdapter> adapter() const;

  Options options_;
  std::function<void()> on_relist_;
  mutable std::mutex mutex_;
  std::shared_ptr<PrometheusAdapter> adapter_;
  std::mutex pass_mutex_;  // one refresh at a time
  std::optional<std::filesystem::file_time_type> loaded_mtime_;
  std::mutex refresh_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dynop::localcluster::metrics_apis
