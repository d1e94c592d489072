#include "lib/kube/cache/informer_factory.hpp"

#include "lib/kube/client/client.hpp"

namespace dynop::kube {
namespace {

std::string kind_key(const std::string& api_version, const std::string& kind) {
  return api_version + "/" + kind;
}

}  // namespace

InformerFactory::InformerFactory(Resolve resolve, MakeListerWatcher make)
    : resolve_(std::move(resolve)), make_(std::move(make)) {}

InformerFactory::~InformerFactory() { stop(); }

void InformerFactory::set_metrics(metrics::Registry& registry) {
  std::lock_guard guard(mutex_);
  defaults_.metrics = &registry;
}

Status InformerFactory::configure(const std::string& api_version, const std::string& kind,
                                  const KindOptions& options) {
  std::lock_guard guard(mutex_);
  const std::string key = kind_key(api_version, kind);
  if (informers_.count(key))
    return config_error("informer for " + key + " already exists; configure kinds before use");
  auto [it, inserted] = kind_options_.emplace(key, options);
  if (inserted) return Ok{};
  KindOptions& existing = it->second;
  if (existing.label_selector != options.label_selector ||
      existing.field_selector != options.field_selector)
    return config_error("conflicting selectors for " + key + ": \"" + existing.label_selector +
                        "\"/\"" + existing.field_selector + "\" and \"" + options.label_selector +
                        "\"/\"" + options.field_selector + "\"");
  if (!existing.projection || !options.projection) {
    existing.projection = nullptr;
  } else {
    auto merged = std::make_shared<Projection>(*existing.projection);
    merged->merge(*options.projection);
    existing.projection = std::move(merged);
  }
  return Ok{};
}

std::shared_ptr<const Projection> InformerFactory::projection_of(const std::string& api_version,
                                                                 const std::string& kind) const {
  std::lock_guard guard(mutex_);
  auto it = kind_options_.find(kind_key(api_version, kind));
  return it == kind_options_.end() ? nullptr : it->second.projection;
}

Result<Informer*> InformerFactory::informer_for(const std::string& api_version,
                                                const std::string& kind) {
  const std::string key = kind_key(api_version, kind);
  {
    std::lock_guard guard(mutex_);
    auto it = informers_.find(key);
    if (it != informers_.end()) return it->second.get();
  }
  auto resource = resolve_(api_version, kind);
  if (!resource) return std::move(resource).error();
  std::lock_guard guard(mutex_);
  auto it = informers_.find(key);
  if (it != informers_.end()) return it->second.get();
  InformerOptions options = defaults_;
  options.api_version = api_version;
  options.kind = kind;
  options.resource = resource_label(*resource);
  if (auto configured = kind_options_.find(key); configured != kind_options_.end()) {
    options.label_selector = configured->second.label_selector;
    options.field_selector = configured->second.field_selector;
    options.projection = configured->second.projection;
  }
  auto informer = std::make_unique<Informer>(std::move(options), make_(*resource));
  Informer* raw = informer.get();
  informers_.emplace(key, std::move(informer));
  if (started_) raw->start();
  return raw;
}

void InformerFactory::start() {
  std::lock_guard guard(mutex_);
  started_ = true;
  for (auto& [key, informer] : informers_) informer->start();
}

void InformerFactory::stop() {
  std::vector<Informer*> all;
  {
    std::lock_guard guard(mutex_);
    started_ = false;
    for (auto& [key, informer] : informers_) all.push_back(informer.get());
  }
  for (Informer* informer : all) informer->stop();
}

bool InformerFactory::has_synced() const {
  std::lock_guard guard(mutex_);
  for (const auto& [key, informer] : informers_)
    if (!informer->has_synced()) return false;
  return true;
}

bool InformerFactory::wait_for_sync(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& [key, informer] : informers()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !informer->wait_for_sync(left)) return informer->has_synced();
  }
  return true;
}

std::vector<std::pair<std::string, Informer*>> InformerFactory::informers() const {
  std::lock_guard guard(mutex_);
  std::vector<std::pair<std::string, Informer*>> out;
  for (const auto& [key, informer] : informers_) out.emplace_back(key, informer.get());
  return out;
}

std::unique_ptr<InformerFactory> make_informer_factory(Client& client) {
  return std::make_unique<InformerFactory>(
      [&client](const std::string& api_version, const std::string& kind) {
        return client.resource_for(api_version, kind);
      },
      [&client](const ResourceInfo& resource) { return client.lister_watcher(resource); });
}

}  // namespace dynop::kube
