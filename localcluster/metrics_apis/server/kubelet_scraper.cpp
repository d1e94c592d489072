#include "localcluster/metrics_apis/server/kubelet_scraper.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace dynop::localcluster::metrics_apis {

namespace json = boost::json;

namespace {

const json::object* object_at(const json::object& parent, const char* key) {
  const auto* v = parent.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

}  // namespace

std::optional<std::string> kubelet_resource_url(const json::object& node) {
  const auto* status = object_at(node, "status");
  if (!status) return std::nullopt;
  std::int64_t port = 10250;
  if (const auto* endpoints = object_at(*status, "daemonEndpoints")) {
    if (const auto* kubelet = object_at(*endpoints, "kubeletEndpoint")) {
      if (const auto* p = kubelet->if_contains("Port"); p && p->is_int64() && p->get_int64() > 0) {
        port = p->get_int64();
      }
    }
  }
  const auto* addresses = status->if_contains("addresses");
  if (!addresses || !addresses->is_array()) return std::nullopt;
  for (const char* wanted : {"InternalIP", "ExternalIP", "Hostname"}) {
    for (const auto& a : addresses->get_array()) {
      if (!a.is_object()) continue;
      const auto* type = a.get_object().if_contains("type");
      const auto* address = a.get_object().if_contains("address");
      if (!type || !address || !type->is_string() || !address->is_string()) continue;
      if (type->get_string() != wanted || address->get_string().empty()) continue;
      std::string host(address->get_string());
      if (host.find(':') != std::string::npos) host = "[" + host + "]";
      return "https://" + host + ":" + std::to_string(port) + "/metrics/resource";
    }
  }
  return std::nullopt;
}

KubeletScraper::KubeletScraper(ResourceMetricsStore& metrics, const storage::ObjectStore& objects,
                               Options options)
    : metrics_(metrics), objects_(objects), options_(options) {
  net::ClientOptions client_options;
  client_options.tls.insecure_skip_verify = true;
  client_options.connect_timeout = options_.timeout;
  client_options.request_timeout = options_.timeout;
  client_options.user_agent = "metrics-server/v0.7.2 (linux/amd64) kubernetes/dynop";
  std::string error;
  http_ = net::HttpClient::create(client_options, error);
  if (!http_) spdlog::error("metrics-server: no HTTP client: {}", error);
}

KubeletScraper::~KubeletScraper() { stop(); }

void KubeletScraper::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      scrape_all();
      lock.lock();
      wake_.wait_for(lock, options_.resolution, [this] { return stopping_; });
    }
  });
}

void KubeletScraper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void KubeletScraper::scrape_all() {
  if (!http_) return;
  std::set<std::string> seen;
  for (const auto& node : objects_.list(storage::Selection{"nodes", "", {}}).items) {
    const std::string& name = node.attrs->name;
    seen.insert(name);
    auto parsed = json::parse(*node.json);
    auto url = kubelet_resource_url(parsed.as_object());
    if (!url) {
      spdlog::debug("metrics-server: node {} has no address to scrape", name);
      continue;
    }
    net::ClientRequest request;
    request.url = *url;
    auto result = http_->request(request);
    if (!result.ok()) {
      spdlog::debug("metrics-server: failed scraping node {}: {}", name, result.error);
      continue;
    }
    if (result.response->status != 200) {
      spdlog::debug("metrics-server: failed scraping node {}: {} answered {}", name, *url,
                    result.response->status);
      continue;
    }
    if (auto recorded = metrics_.record_scrape(name, result.response->body); !recorded) {
      spdlog::debug("metrics-server: node {}: {}", name, recorded.error());
    }
  }
  for (const auto& name : known_nodes_) {
    if (!seen.count(name)) metrics_.forget_node(name);
  }
  known_nodes_ = std::move(seen);
}

}  // namespace dynop::localcluster::metrics_apis
