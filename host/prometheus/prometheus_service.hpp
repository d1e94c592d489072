#pragma once
// The host's Prometheus, behind the plugin callbacks prometheus_query and
// prometheus_query_range (ABI 1.2): one lib/prometheus QueryClient for the
// configured URL (prometheus.url, --prometheus-url), shared by every plugin.
//
// How Prometheus's answers become statuses:
//   400 bad_data, 422 execution      DYNOP_INVALID_ARGUMENT, Prometheus's error text
//   transport error, timeout, 5xx    DYNOP_UNAVAILABLE, naming the URL and the cause
// Every query is counted in dynop_prometheus_queries_total{kind,outcome}.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "host/plugins/prometheus_source.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::metrics {
class Registry;
}
namespace dynop::prometheus {
class QueryClient;
}

namespace dynop::host {

struct PrometheusServiceOptions {
  std::string url;  // http(s)://host:port
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

class PrometheusService final : public PrometheusSource {
 public:
  // Fails on a URL that is not http(s).
  static apimachinery::Result<std::unique_ptr<PrometheusService>> create(
      const PrometheusServiceOptions& options, metrics::Registry& registry);
  ~PrometheusService() override;

  const std::string& url() const { return url_; }
  PromAnswer query(std::string_view promql, double time) override;
  PromAnswer query_range(std::string_view promql, double start, double end, double step) override;

 private:
  PrometheusService(std::string url, std::unique_ptr<prometheus::QueryClient> client,
                    metrics::Registry& registry);
  void count(const char* kind, const PromAnswer& answer);

  std::string url_;
  std::unique_ptr<prometheus::QueryClient> client_;
  metrics::Registry& registry_;
};

}  // namespace dynop::host
