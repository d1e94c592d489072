#include "host/manager/plugin_runtime.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>
#include <utility>

#include "host/plugins/plugin_abi.hpp"
#include "lib/apimachinery/label_selector.hpp"
#include "lib/kube/cache/object_decoder.hpp"
#include "lib/record/kube_event_sink.hpp"

namespace dynop::host::manager {
namespace {

std::string api_version_of(std::string_view group, std::string_view version) {
  return group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
}

std::string str(dynop_str s) { return s.data ? std::string(s.data, s.size) : std::string(); }
dynop_str view(const std::string& s) { return dynop_str{s.data(), s.size()}; }

ServiceResult from(kube::Result<std::string> result) {
  if (!result) return ServiceResult::error(status_code_for(result.error()), result.error().message);
  return ServiceResult::ok(std::move(result.value()));
}

// Calls the plugin's reconcile hook and turns its status into a result.
class PluginReconciler final : public controller::Reconciler {
 public:
  PluginReconciler(const dynop_reconciler_hooks& hooks, dynop_plugin* instance)
      : hooks_(hooks), instance_(instance) {}
  controller::ReconcileResult reconcile(const controller::Request& request) override {
    dynop_key key{view(request.ns), view(request.name)};
    auto out = out_struct<dynop_reconcile_result>();
    const dynop_status status = hooks_.reconcile(instance_, key, &out);
    std::string message = str(status.message);  // [plugin-out]: copy before anything else
    switch (status.code) {
      case DYNOP_OK:
        return out.requeue_after_ms > 0 ? controller::ReconcileResult::requeue(
                                              std::chrono::milliseconds(out.requeue_after_ms))
                                        : controller::ReconcileResult::done();
      case DYNOP_TERMINAL_ERROR:
        return controller::ReconcileResult::terminal(std::move(message));
      case DYNOP_CONFLICT:
        return controller::ReconcileResult::conflict(std::move(message));
      default:
        return controller::ReconcileResult::error(std::move(message));
    }
  }

 private:
  const dynop_reconciler_hooks hooks_;  // a copy: ActivePlugin values are short-lived
  dynop_plugin* instance_;
};

}  // namespace

int32_t status_code_for(const kube::Error& error) {
  switch (error.kind) {
    case kube::ErrorKind::kNotFound:
      return DYNOP_NOT_FOUND;
    case kube::ErrorKind::kConflict:
      return DYNOP_CONFLICT;
    case kube::ErrorKind::kBadRequest:
    case kube::ErrorKind::kInvalid:
    case kube::ErrorKind::kUnsupportedMediaType:
      return DYNOP_INVALID_ARGUMENT;
    case kube::ErrorKind::kTooManyRequests:
    case kube::ErrorKind::kServerError:
    case kube::ErrorKind::kTransport:
      return DYNOP_UNAVAILABLE;
    default:
      return DYNOP_ERROR;
  }
}

struct PluginRuntime::PluginAutoscaler {
  std::unique_ptr<kube::Client> client;  // as the plugin's identity
  std::unique_ptr<autoscaling::ScaleClient> scale;
  std::unique_ptr<autoscaling::AutoscalerRunner> runner;
};

struct PluginRuntime::PluginController {
  std::unique_ptr<PluginReconciler> reconciler;
  std::unique_ptr<controller::Controller> controller;
};

PluginRuntime::PluginRuntime(kube::Client& client, metrics::Registry& registry,
                             PluginRuntimeOptions options)
    : client_(client),
      registry_(registry),
      options_(std::move(options)),
      informers_(kube::make_informer_factory(client)) {
  informers_->set_metrics(registry_);
  if (auto sink = record::make_kube_event_sink(client)) {
    event_sink_ = std::move(sink.value());
    record::EventRecorderOptions event_options;
    event_options.instance = options_.instance;
    events_ = std::make_unique<record::EventRecorder>(event_options, *event_sink_);
  } else {
    spdlog::warn("events will not be recorded: {}", sink.error().describe());
  }
}

PluginRuntime::~PluginRuntime() {
  stop_controllers();
  conflicts_.reset();
  replica_gauges_.reset();
  autoscalers_.clear();
  controllers_.clear();
  events_.reset();
  informers_->stop();
}

namespace {

std::shared_ptr<const kube::Projection> projection_for(const CacheSpec& cache) {
  switch (cache.mode) {
    case DYNOP_CACHE_METADATA:
      return std::make_shared<kube::Projection>(kube::Projection::metadata_only());
    case DYNOP_CACHE_FIELDS:
      return std::make_shared<kube::Projection>(kube::Projection::of_fields(cache.fields));
    default:
      return nullptr;
  }
}

}  // namespace

void PluginRuntime::configure_caches(const std::vector<ActivePlugin>& plugins) {
  std::set<std::pair<std::string, std::string>> kinds;  // (apiVersion, kind)
  for (const ActivePlugin& plugin : plugins) {
    if (!plugin.specs.reconciler) continue;
    const ReconcilerSpec& spec = *plugin.specs.reconciler;
    auto configure = [&](const KindSpec& kind, const CacheSpec& cache) {
      const std::string api_version = api_version_of(kind.group, kind.version);
      kube::KindOptions options;
      options.projection = projection_for(cache);
      // The factory keeps the union of what the plugins ask of one kind.
      auto status = informers_->configure(api_version, kind.kind, options);
      if (!status) {
        spdlog::error("plugin {}: the cache of {}: {}", plugin.name, kind.kind,
                      status.error().message);
      }
      kinds.emplace(api_version, kind.kind);
    };
    configure(spec.primary, spec.primary_cache);
    for (const WatchSpec& watch : spec.watches) configure(watch.kind, watch.cache);
  }
  for (const auto& [api_version, kind] : kinds) {
    auto projection = informers_->projection_of(api_version, kind);
    if (!projection) continue;
    spdlog::info("caching {} {} projected to what its plugins read: {}", api_version, kind,
                 fmt::join(projection->paths(), ", "));
  }
}

kube::Status PluginRuntime::add_reconciler(const ActivePlugin& plugin) {
  // The loader called describe once at load and kept the checked answer.
  const dynop_reconciler_hooks hooks = plugin.hooks.reconciler;
  if (!hooks.reconcile || !plugin.specs.reconciler) return kube::Ok{};
  const ReconcilerSpec& spec = *plugin.specs.reconciler;
  const std::string primary_api_version = api_version_of(spec.primary.group, spec.primary.version);
  const std::string primary_kind = spec.primary.kind;
  auto primary = informers_->informer_for(primary_api_version, primary_kind);
  if (!primary)
    return kube::config_error("plugin " + plugin.name + ": primary kind " + primary_api_version +
                              " " + primary_kind + ": " + primary.error().describe());

  auto entry = std::make_unique<PluginController>();
  entry->reconciler = std::make_unique<PluginReconciler>(hooks, plugin.instance);
  controller::ControllerOptions controller_options;
  controller_options.name = plugin.name;
  controller_options.workers = spec.workers == 0 ? 1 : static_cast<int>(spec.workers);
  controller_options.rate_limiter = options_.rate_limiter;
  controller_options.metrics = &registry_;
  const std::string name = plugin.name;
  controller_options.on_failure = [name](const controller::Request& request,
                                         const controller::ReconcileResult& result) {
    if (result.outcome == controller::ReconcileResult::Outcome::kConflict) {
      spdlog::debug("plugin {}: reconcile {} conflicted, retrying: {}", name, request.key(),
                    result.message);
      return;
    }
    spdlog::warn(
        "plugin {}: reconcile {} failed{}: {}", name, request.key(),
        result.outcome == controller::ReconcileResult::Outcome::kTerminalError ? " (terminal)" : "",
        result.message);
  };
  entry->controller =
      std::make_unique<controller::Controller>(controller_options, *entry->reconciler);
  entry->controller->watch(**primary, controller::map_same_key());

  for (std::size_t i = 0; i < spec.watches.size(); ++i) {
    const WatchSpec& watch = spec.watches[i];
    const std::string api_version = api_version_of(watch.kind.group, watch.kind.version);
    const std::string kind = watch.kind.kind;
    auto informer = informers_->informer_for(api_version, kind);
    if (!informer)
      return kube::config_error("plugin " + plugin.name + ": watched kind " + api_version + " " +
                                kind + ": " + informer.error().describe());
    controller::MapFunc map;
    switch (watch.mapping) {
      case DYNOP_MAP_SAME_KEY:
        map = controller::map_same_key();
        break;
      case DYNOP_MAP_FUNCTION: {
        if (!hooks.map_to_primary)
          return kube::config_error("plugin " + plugin.name + ": watch of " + kind +
                                    " maps by function but map_to_primary is missing");
        dynop_plugin* instance = plugin.instance;
        map = [hooks, instance, i](const kube::ObjectPtr& object) {
          dynop_key_list keys{nullptr, 0};
          const std::string_view json = object->json();
          const dynop_status status =
              hooks.map_to_primary(instance, i, dynop_str{json.data(), json.size()}, &keys);
          std::vector<controller::Request> out;
          if (status.code != DYNOP_OK) return out;
          for (std::size_t k = 0; k < keys.count; ++k)
            out.push_back(controller::Request{str(keys.keys[k].ns), str(keys.keys[k].name)});
          return out;
        };
        break;
      }
      default:
        map = controller::map_controller_owner(primary_api_version, primary_kind);
        break;
    }
    entry->controller->watch(**informer, std::move(map));
  }
  std::lock_guard guard(mutex_);
  controllers_[plugin.name] = std::move(entry);
  return kube::Ok{};
}

kube::Status PluginRuntime::add_autoscaler(const ActivePlugin& plugin) {
  if (!plugin.specs.autoscaler || plugin.hooks.autoscaler.evaluate == nullptr ||
      options_.decisions == nullptr) {
    return kube::Ok{};
  }
  // Each plugin writes with a client of its own: Impersonate-User when the
  // configuration names an identity (so RBAC and audit see that account),
  // and a User-Agent the API server makes its field manager of.
  kube::RestConfig config = client_.config();
  std::string identity;
  if (auto it = options_.autoscaler_identities.find(plugin.name);
      it != options_.autoscaler_identities.end()) {
    identity = it->second;
    config.impersonate = kube::Impersonation{identity, {}, {}, {}};
  }
  kube::ClientOptions client_options;
  client_options.user_agent = "dynop-" + plugin.name + "/" + options_.host_version;
  auto client = kube::Client::create(config, client_options);
  if (!client) {
    return kube::config_error("plugin " + plugin.name +
                              ": its /scale client: " + client.error().describe());
  }
  auto entry = std::make_unique<PluginAutoscaler>();
  entry->client = std::move(*client);
  entry->scale = autoscaling::make_kube_scale_client(*entry->client);
  autoscaling::AutoscalerRunnerOptions runner_options;
  runner_options.plugin = plugin.name;
  runner_options.interval = std::chrono::milliseconds(plugin.specs.autoscaler->interval_ms);
  runner_options.identity = identity;
  entry->runner = std::make_unique<autoscaling::AutoscalerRunner>(
      runner_options, plugin.hooks, plugin.instance, *entry->scale, *options_.decisions,
      [this](const autoscaling::ScaleTarget& target, const std::string& type,
             const std::string& reason, const std::string& message) {
        record_autoscaling_event(target, type, reason, message);
      },
      registry_);
  spdlog::info("plugin {}: autoscaler every {}ms, writing /scale as {}", plugin.name,
               plugin.specs.autoscaler->interval_ms,
               identity.empty() ? std::string("the host's own identity") : identity);
  std::lock_guard guard(mutex_);
  autoscalers_[plugin.name] = std::move(entry);
  return kube::Ok{};
}

void PluginRuntime::record_autoscaling_event(const autoscaling::ScaleTarget& target,
                                             const std::string& type, const std::string& reason,
                                             const std::string& message) {
  const auto slash = target.api_version.find('/');
  const std::string group =
      slash == std::string::npos ? std::string() : target.api_version.substr(0, slash);
  const std::string version =
      slash == std::string::npos ? target.api_version : target.api_version.substr(slash + 1);
  record_event("", ObjectRefView{group, version, target.kind, target.ns, target.name},
               type == "Warning" ? DYNOP_EVENT_WARNING : DYNOP_EVENT_NORMAL, reason, message);
}

void PluginRuntime::start_controllers() {
  std::lock_guard guard(mutex_);
  for (auto& [name, entry] : controllers_) entry->controller->start();
  for (auto& [name, entry] : autoscalers_) entry->runner->start();
  if (options_.decisions != nullptr && options_.scale_conflict_window.count() > 0 && !conflicts_) {
    autoscaling::ScaleConflictDetectorOptions detector;
    detector.window = options_.scale_conflict_window;
    for (const auto& [name, entry] : autoscalers_) detector.own_managers.insert("dynop-" + name);
    conflicts_ = std::make_unique<autoscaling::ScaleConflictDetector>(
        detector, *informers_, client_, *options_.decisions,
        [this](const autoscaling::ScaleTarget& target, const std::string& type,
               const std::string& reason, const std::string& message) {
          record_autoscaling_event(target, type, reason, message);
        },
        registry_);
    conflicts_->start();
  }
  if (!replica_gauges_) {
    replica_gauges_ = std::make_unique<autoscaling::ReplicaGauges>(*informers_, registry_);
    replica_gauges_->start();
  }
}

void PluginRuntime::stop_controllers() {
  // Autoscaler threads are joined without mutex_ held: an evaluate() in
  // flight may call back into the runtime (requeue_after takes mutex_).
  std::vector<autoscaling::AutoscalerRunner*> runners;
  {
    std::lock_guard guard(mutex_);
    for (auto& [name, entry] : autoscalers_) runners.push_back(entry->runner.get());
  }
  if (conflicts_) conflicts_->stop();
  replica_gauges_.reset();  // stops it; the next start_controllers makes a new one
  for (auto* runner : runners) runner->stop();
  std::lock_guard guard(mutex_);
  for (auto& [name, entry] : controllers_) entry->controller->stop();
}

controller::Controller* PluginRuntime::controller(const std::string& plugin) {
  std::lock_guard guard(mutex_);
  auto it = controllers_.find(plugin);
  return it == controllers_.end() ? nullptr : it->second->controller.get();
}

kube::Result<kube::ResourceInfo> PluginRuntime::resource(const ObjectRefView& ref) {
  return client_.resource_for(api_version_of(ref.group, ref.version), ref.kind);
}

kube::Result<kube::Informer*> PluginRuntime::synced_informer(const ObjectRefView& ref) {
  auto informer =
      informers_->informer_for(api_version_of(ref.group, ref.version), std::string(ref.kind));
  if (!informer) return std::move(informer).error();
  if (!(*informer)->has_synced()) {
    kube::Error error;
    error.kind = kube::ErrorKind::kServerError;  // maps to DYNOP_UNAVAILABLE
    error.message = "the cache of " + std::string(ref.kind) + " has not synced yet";
    return error;
  }
  return *informer;
}

ServiceResult PluginRuntime::get_object(std::string_view, const ObjectRefView& ref) {
  auto informer = synced_informer(ref);
  if (!informer)
    return ServiceResult::error(status_code_for(informer.error()), informer.error().message);
  auto object = (*informer)->cache().get(ref.ns, ref.name);
  if (!object) {
    std::string key =
        ref.ns.empty() ? std::string(ref.name) : std::string(ref.ns) + "/" + std::string(ref.name);
    return ServiceResult::error(DYNOP_NOT_FOUND, std::string(ref.kind) + " " + key + " not found");
  }
  return ServiceResult::ok(std::string(object->json()));
}

std::vector<kube::ObjectPtr> PluginRuntime::selector_candidates(
    kube::Informer& informer, std::string_view ns, const apimachinery::LabelSelector& selector) {
  // Reading every object's labels of a namespace per list made each reconcile
  // O(namespace): with 1,000 DGDs (3,000 pods) in one namespace a pod list
  // cost ~10 ms and the host ran ~25% of a core long after converging
  // (bench/dgd). An equality requirement narrows the list to one index
  // bucket instead; the smallest bucket wins.
  std::optional<std::vector<kube::ObjectPtr>> best;
  for (const apimachinery::LabelRequirement& requirement : selector.requirements()) {
    const bool equality = requirement.op() == apimachinery::SelectorOperator::kEquals ||
                          requirement.op() == apimachinery::SelectorOperator::kDoubleEquals ||
                          (requirement.op() == apimachinery::SelectorOperator::kIn &&
                           requirement.values().size() == 1);
    if (!equality) continue;
    const std::string index = "label:" + requirement.key();
    if (!informer.cache().has_index(index)) {
      std::lock_guard guard(label_index_mutex_);
      if (!informer.cache().has_index(index))
        informer.cache().add_index(index, kube::index_by_label(requirement.key()));
    }
    auto bucket = informer.cache().by_index(index, requirement.values().front());
    if (!best || bucket.size() < best->size()) best = std::move(bucket);
  }
  if (!best)
    return ns.empty() ? informer.cache().list()
                      : informer.cache().by_index(kube::kNamespaceIndex, ns);
  // Label buckets span namespaces.
  if (!ns.empty())
    std::erase_if(*best, [ns](const kube::ObjectPtr& object) { return object->ns() != ns; });
  return std::move(*best);
}

ServiceResult PluginRuntime::list_objects(std::string_view, const ObjectRefView& ref,
                                          std::string_view label_selector) {
  auto selector = apimachinery::LabelSelector::parse(label_selector);
  if (!selector) return ServiceResult::error(DYNOP_INVALID_ARGUMENT, selector.error());
  auto informer = synced_informer(ref);
  if (!informer)
    return ServiceResult::error(status_code_for(informer.error()), informer.error().message);
  const auto objects = selector_candidates(**informer, ref.ns, *selector);
  std::string out = "[";
  for (const kube::ObjectPtr& object : objects) {
    if (!selector->empty()) {
      // The labels the decoder kept beside the JSON (a projection may have
      // left them out of the JSON itself).
      const bool match =
          selector->matches_with([&](const std::string& key) { return object->label(key); });
      if (!match) continue;
    }
    if (out.size() > 1) out.push_back(',');
    out.append(object->json());
  }
  out.push_back(']');
  return ServiceResult::ok(std::move(out));
}

ServiceResult PluginRuntime::create_object(std::string_view, const ObjectRefView& ref,
                                           std::string_view json) {
  auto info = resource(ref);
  if (!info) return ServiceResult::error(status_code_for(info.error()), info.error().message);
  return from(client_.create(*info, ref.ns, json));
}

std::optional<ServiceResult> PluginRuntime::refuse_projected_write(std::string_view plugin,
                                                                   const char* call,
                                                                   const ObjectRefView& ref) {
  auto projection =
      informers_->projection_of(api_version_of(ref.group, ref.version), std::string(ref.kind));
  if (!projection) return std::nullopt;
  const std::string kept = fmt::format("{}", fmt::join(projection->paths(), ", "));
  const std::string key =
      ref.ns.empty() ? std::string(ref.name) : std::string(ref.ns) + "/" + std::string(ref.name);
  return ServiceResult::error(
      DYNOP_INVALID_ARGUMENT,
      std::string(call) + " of " + std::string(ref.kind) + " " + key + " by plugin " +
          std::string(plugin) + " refused: the host caches " + std::string(ref.kind) +
          " projected (" + kept +
          "), so an object read from the cache and written back would drop the fields the cache "
          "leaves out; a plugin that writes " +
          std::string(ref.kind) + " declares writes on its watch of it, which caches it whole");
}

ServiceResult PluginRuntime::update_object(std::string_view plugin, const ObjectRefView& ref,
                                           std::string_view json) {
  if (auto refused = refuse_projected_write(plugin, "update_object", ref)) return *refused;
  auto info = resource(ref);
  if (!info) return ServiceResult::error(status_code_for(info.error()), info.error().message);
  return from(client_.update(*info, ref.ns, ref.name, json));
}

ServiceResult PluginRuntime::patch_object(std::string_view, const ObjectRefView& ref,
                                          dynop_patch_type type, std::string_view patch) {
  auto info = resource(ref);
  if (!info) return ServiceResult::error(status_code_for(info.error()), info.error().message);
  const kube::PatchType patch_type = type == DYNOP_PATCH_JSON ? kube::PatchType::kJson
                                     : type == DYNOP_PATCH_STRATEGIC_MERGE
                                         ? kube::PatchType::kStrategicMerge
                                         : kube::PatchType::kMerge;
  return from(client_.patch(*info, ref.ns, ref.name, patch_type, patch));
}

ServiceResult PluginRuntime::delete_object(std::string_view, const ObjectRefView& ref) {
  auto info = resource(ref);
  if (!info) return ServiceResult::error(status_code_for(info.error()), info.error().message);
  kube::DeleteOptions options;
  options.propagation_policy = "Background";
  return from(client_.remove(*info, ref.ns, ref.name, options));
}

ServiceResult PluginRuntime::update_status(std::string_view plugin, const ObjectRefView& ref,
                                           std::string_view json) {
  if (auto refused = refuse_projected_write(plugin, "update_status", ref)) return *refused;
  auto info = resource(ref);
  if (!info) return ServiceResult::error(status_code_for(info.error()), info.error().message);
  return from(client_.update_status(*info, ref.ns, ref.name, json));
}

ServiceResult PluginRuntime::get_scale(std::string_view, const ObjectRefView& ref) {
  auto info = resource(ref);
  if (!info) return ServiceResult::error(status_code_for(info.error()), info.error().message);
  return from(client_.get_scale(*info, ref.ns, ref.name));
}

ServiceResult PluginRuntime::update_scale(std::string_view, const ObjectRefView& ref,
                                          int32_t replicas) {
  auto info = resource(ref);
  if (!info) return ServiceResult::error(status_code_for(info.error()), info.error().message);
  return from(client_.scale(*info, ref.ns, ref.name, replicas));
}

ServiceResult PluginRuntime::record_event(std::string_view, const ObjectRefView& involved,
                                          dynop_event_type type, std::string_view reason,
                                          std::string_view message) {
  if (!events_) return ServiceResult::ok();  // best effort
  record::InvolvedObject object{api_version_of(involved.group, involved.version),
                                std::string(involved.kind),
                                std::string(involved.ns),
                                std::string(involved.name),
                                {},
                                {}};
  for (const auto& [key, informer] : informers_->informers()) {
    if (informer->options().kind != involved.kind ||
        informer->options().api_version != object.api_version)
      continue;
    if (auto cached = informer->cache().get(involved.ns, involved.name)) {
      object.uid = std::string(cached->uid());
      object.resource_version = std::string(cached->resource_version());
    }
  }
  events_->record(object, type == DYNOP_EVENT_WARNING ? "Warning" : "Normal", std::string(reason),
                  std::string(message));
  return ServiceResult::ok();
}

ServiceResult PluginRuntime::requeue_after(std::string_view plugin, std::string_view ns,
                                           std::string_view name, uint64_t delay_ms) {
  std::lock_guard guard(mutex_);
  auto it = controllers_.find(plugin);
  if (it == controllers_.end())
    return ServiceResult::error(DYNOP_INVALID_ARGUMENT,
                                "plugin " + std::string(plugin) + " has no reconciler");
  it->second->controller->queue().add_after(controller::Request{std::string(ns), std::string(name)},
                                            std::chrono::milliseconds(delay_ms));
  return ServiceResult::ok();
}

}  // namespace dynop::host::manager
