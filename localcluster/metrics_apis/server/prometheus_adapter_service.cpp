#include "localcluster/metrics_apis/server/prometheus_adapter_service.hpp"

#include <spdlog/spdlog.h>

#include "lib/files/read_file.hpp"

namespace dynop::localcluster::metrics_apis {

PrometheusAdapterService::PrometheusAdapterService(Options options, std::function<void()> on_relist)
    : options_(std::move(options)), on_relist_(std::move(on_relist)) {}

PrometheusAdapterService::~PrometheusAdapterService() { stop(); }

void PrometheusAdapterService::start() {
  refresh();
  thread_ = std::thread([this] {
    std::unique_lock lock(refresh_mutex_);
    while (!wake_.wait_for(lock, options_.relist_interval, [this] { return stopping_; })) {
      lock.unlock();
      refresh();
      lock.lock();
    }
  });
}

void PrometheusAdapterService::stop() {
  {
    std::lock_guard lock(refresh_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PrometheusAdapterService::reload_if_changed() {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(options_.config_path, ec);
  if (ec) {
    if (!loaded_mtime_ || *loaded_mtime_ != std::filesystem::file_time_type::min()) {
      spdlog::warn("prometheus-adapter: cannot read {}: {}", options_.config_path, ec.message());
      loaded_mtime_ = std::filesystem::file_time_type::min();
    }
    return;
  }
  if (loaded_mtime_ == mtime) return;
  loaded_mtime_ = mtime;
  auto text = files::read_file(options_.config_path, "prometheus-adapter config");
  if (!text) {
    spdlog::warn("prometheus-adapter: {}", text.error());
    return;
  }
  auto config = parse_adapter_config(*text);
  if (!config) {
    spdlog::warn("prometheus-adapter: {}: {} (keeping the previous rules)", options_.config_path,
                 config.error());
    return;
  }
  const std::string url =
      options_.prometheus_url.empty() ? config->prometheus_url : options_.prometheus_url;
  if (url.empty()) {
    spdlog::warn("prometheus-adapter: {} names no Prometheus URL and none was given",
                 options_.config_path);
    return;
  }
  prometheus::QueryClientOptions client_options;
  client_options.base_url = url;
  client_options.insecure_skip_verify = true;
  auto client = prometheus::QueryClient::create(client_options);
  if (!client) {
    spdlog::warn("prometheus-adapter: {}", client.error());
    return;
  }
  PrometheusAdapter::Options adapter_options;
  adapter_options.max_age = options_.max_age;
  auto adapter = PrometheusAdapter::create(
      *config, std::shared_ptr<prometheus::QueryClient>(std::move(*client)), adapter_options);
  if (!adapter) {
    spdlog::warn("prometheus-adapter: {}: {} (keeping the previous rules)", options_.config_path,
                 adapter.error());
    return;
  }
  spdlog::info("prometheus-adapter: {} external rules from {}, Prometheus at {}",
               config->external_rules.size(), options_.config_path, url);
  std::lock_guard lock(mutex_);
  adapter_ = std::shared_ptr<PrometheusAdapter>(std::move(*adapter));
}

void PrometheusAdapterService::refresh() {
  std::lock_guard pass(pass_mutex_);
  reload_if_changed();
  if (auto current = adapter()) {
    if (auto relisted = current->relist(); !relisted) {
      spdlog::warn("prometheus-adapter: {}", relisted.error());
    }
  }
  if (on_relist_) on_relist_();
}

std::shared_ptr<PrometheusAdapter> PrometheusAdapterService::adapter() const {
  std::lock_guard lock(mutex_);
  return adapter_;
}

std::vector<std::string> PrometheusAdapterService::metric_names() const {
  auto current = adapter();
  return current ? current->metric_names() : std::vector<std::string>{};
}

std::optional<ExternalMetricAnswer> PrometheusAdapterService::get(
    const std::string& ns, const std::string& metric, const apimachinery::LabelSelector& selector) {
  if (auto current = adapter()) return current->get(ns, metric, selector);
  return std::nullopt;
}

}  // namespace dynop::localcluster::metrics_apis
