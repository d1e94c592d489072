#include "host/scheduler/placement_runtime.hpp"

#include <spdlog/spdlog.h>

#include <map>

namespace dynop::host::scheduler {

std::shared_ptr<const kube::Projection> scheduling_pod_projection() {
  // Only what scheduling reads: reconcilers declare the pod fields they read
  // themselves (dynop_cache_spec), and the informer factory keeps the union.
  static const auto projection =
      std::make_shared<const kube::Projection>(kube::Projection::of_fields(
          {"spec.affinity.nodeAffinity", "spec.tolerations", "spec.initContainers.resources",
           "spec.overhead", "spec.priority", "spec.schedulerName", "spec.nodeName",
           "spec.nodeSelector", "spec.containers.resources", "status.phase", "status.conditions",
           "metadata.labels", "metadata.annotations", "metadata.creationTimestamp",
           "metadata.deletionTimestamp"}));
  return projection;
}

std::shared_ptr<const kube::Projection> scheduling_node_projection() {
  static const auto projection =
      std::make_shared<const kube::Projection>(kube::Projection::of_fields(
          {"metadata.labels", "spec.taints", "spec.unschedulable", "status.allocatable",
           "status.conditions.type", "status.conditions.status"}));
  return projection;
}

std::unique_ptr<PlacementRuntime> PlacementRuntime::create(const std::vector<ActivePlugin>& plugins,
                                                           kube::InformerFactory& informers,
                                                           kube::Client& client,
                                                           metrics::Registry& registry,
                                                           std::string instance,
                                                           SchedulerOptions options) {
  std::vector<const ActivePlugin*> placement;
  std::map<std::string, std::string> claimed;  // scheduler name -> plugin
  bool json_hooks = false;
  for (const ActivePlugin& p : plugins) {
    if (!p.specs.placement) continue;
    const std::string& name = p.specs.placement->scheduler_name;
    if (auto it = claimed.find(name); it != claimed.end()) {
      spdlog::error(
          "plugin {}: scheduler name {} is already served by plugin {}; its placement "
          "capability does not run",
          p.name, name, it->second);
      continue;
    }
    claimed[name] = p.name;
    placement.push_back(&p);
    json_hooks = json_hooks || !p.hooks.placement.filter_nodes;
  }
  if (placement.empty()) return nullptr;

  std::unique_ptr<PlacementRuntime> out(new PlacementRuntime());
  out->informers_ = &informers;
  // A plugin of ABI 1.0/1.1 reads whole objects as JSON: no projection then.
  kube::KindOptions pod_options, node_options;
  if (!json_hooks) {
    pod_options.projection = scheduling_pod_projection();
    node_options.projection = scheduling_node_projection();
  }
  for (auto [kind, kind_options] : {std::pair{"Pod", &pod_options}, {"Node", &node_options}})
    if (auto s = informers.configure("v1", kind, *kind_options); !s)
      spdlog::warn("placement: caching {}s: {}", kind, s.error().message);
  auto pods = informers.informer_for("v1", "Pod");
  auto nodes = informers.informer_for("v1", "Node");
  if (!pods || !nodes) {
    spdlog::error("placement: no informer for {}: placement does not run",
                  !pods ? pods.error().describe() : nodes.error().describe());
    return nullptr;
  }
  out->pods_ = *pods;
  out->nodes_ = *nodes;

  auto lookup = [](kube::Informer* informer) {
    return [informer](std::string_view ns, std::string_view name) -> std::optional<std::string> {
      auto object = informer->cache().get(ns, name);
      if (!object) return std::nullopt;
      return std::string(object->json());
    };
  };
  std::vector<std::unique_ptr<PlacementPlugin>> profiles;
  for (const ActivePlugin* p : placement) {
    PlacementHooksInfo info;
    info.plugin = p->name;
    info.scheduler_name = p->specs.placement->scheduler_name;
    info.nodes_to_score = p->specs.placement->nodes_to_score;
    info.abi_minor = p->hooks.abi_minor;
    info.hooks = p->hooks.placement;
    info.instance = p->instance;
    spdlog::info("placement: plugin {} schedules pods of schedulerName {}{}", p->name,
                 info.scheduler_name,
                 info.hooks.filter_nodes ? "" : " (ABI 1.0 hooks: one call per pod and node)");
    profiles.push_back(
        make_placement_plugin(std::move(info), lookup(out->pods_), lookup(out->nodes_)));
  }
  out->client_ = std::make_unique<KubeSchedulerClient>(client, std::move(instance));
  if (!options.metrics) options.metrics = &registry;
  out->scheduler_ =
      std::make_unique<Scheduler>(std::move(options), *out->client_, std::move(profiles));
  return out;
}

PlacementRuntime::~PlacementRuntime() { stop(); }

void PlacementRuntime::start() {
  if (started_) return;
  started_ = true;
  Scheduler* s = scheduler_.get();
  auto log_bad = [](const char* kind, const kube::ObjectPtr& object, const std::string& why) {
    spdlog::warn("placement: {} {} not understood: {}", kind, object->key(), why);
  };
  kube::EventHandler pods;
  pods.on_add = [s, log_bad](const kube::ObjectPtr& object) {
    auto pod = decode_pod(object->json());
    if (!pod) return log_bad("pod", object, pod.error());
    s->pod_changed(std::move(*pod));
  };
  pods.on_update = [s, log_bad](const kube::ObjectPtr&, const kube::ObjectPtr& now) {
    auto pod = decode_pod(now->json());
    if (!pod) return log_bad("pod", now, pod.error());
    s->pod_changed(std::move(*pod));
  };
  pods.on_delete = [s, log_bad](const kube::ObjectPtr& object) {
    auto pod = decode_pod(object->json());
    if (!pod) return log_bad("pod", object, pod.error());
    s->pod_deleted(std::move(*pod));
  };
  kube::EventHandler nodes;
  nodes.on_add = [s, log_bad](const kube::ObjectPtr& object) {
    auto node = decode_node(object->json());
    if (!node) return log_bad("node", object, node.error());
    s->node_changed(std::move(*node));
  };
  nodes.on_update = [s, log_bad](const kube::ObjectPtr&, const kube::ObjectPtr& now) {
    auto node = decode_node(now->json());
    if (!node) return log_bad("node", now, node.error());
    s->node_changed(std::move(*node));
  };
  nodes.on_delete = [s](const kube::ObjectPtr& object) {
    s->node_deleted(std::string(object->name()));
  };
  // Nodes first, so that the pods' first cycle sees them.
  node_handler_ = nodes_->add_handler(std::move(nodes));
  pod_handler_ = pods_->add_handler(std::move(pods));
  scheduler_->start();
  sync_thread_ = std::thread([this] {
    while (!stopping_) {
      if (nodes_->wait_for_sync(std::chrono::milliseconds(200)) &&
          pods_->wait_for_sync(std::chrono::milliseconds(200))) {
        scheduler_->caches_synced();
        return;
      }
    }
  });
}

void PlacementRuntime::stop() {
  stopping_ = true;
  if (sync_thread_.joinable()) sync_thread_.join();
  if (started_) {
    pods_->remove_handler(pod_handler_);
    nodes_->remove_handler(node_handler_);
  }
  if (scheduler_) scheduler_->stop();
  started_ = false;
}

}  // namespace dynop::host::scheduler
