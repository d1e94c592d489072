#include "localcluster/controllers/namespace_controller.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/time.hpp"
#include "localcluster/controllers/object_writes.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::controllers {

namespace json = boost::json;

void bootstrap_namespaces(storage::ObjectStore& store) {
  for (const char* name : {"default", "kube-node-lease", "kube-public", "kube-system"}) {
    if (store.get("namespaces", "", name).ok()) continue;
    json::object ns{
        {"kind", "Namespace"},
        {"apiVersion", "v1"},
        {"metadata", json::object{{"name", name},
                                  {"uid", server::new_uid()},
                                  {"creationTimestamp", apimachinery::format_time(apimachinery::now())},
                                  {"labels", json::object{{"kubernetes.io/metadata.name", name}}}}},
        {"spec", json::object{{"finalizers", json::array{"kubernetes"}}}},
        {"status", json::object{{"phase", "Active"}}}};
    store.create("namespaces", "", name, std::move(ns));
  }
  if (!store.get("services", "default", "kubernetes").ok()) {
    json::object service{
        {"kind", "Service"},
        {"apiVersion", "v1"},
        {"metadata",
         json::object{{"name", "kubernetes"},
                      {"namespace", "default"},
                      {"uid", server::new_uid()},
                      {"creationTimestamp", apimachinery::format_time(apimachinery::now())},
                      {"labels", json::object{{"component", "apiserver"}, {"provider", "kubernetes"}}}}},
        {"spec", json::object{{"ports", json::array{json::object{{"name", "https"},
                                                                 {"protocol", "TCP"},
                                                                 {"port", 443},
                                                                 {"targetPort", 6443}}}},
                              {"clusterIP", "10.0.0.1"},
                              {"clusterIPs", json::array{"10.0.0.1"}},
                              {"type", "ClusterIP"},
                              {"sessionAffinity", "None"},
                              {"ipFamilies", json::array{"IPv4"}},
                              {"ipFamilyPolicy", "SingleStack"},
                              {"internalTrafficPolicy", "Cluster"}}},
        {"status", json::object{{"loadBalancer", json::object()}}}};
    store.create("services", "default", "kubernetes", std::move(service));
  }
}

NamespaceController::NamespaceController(storage::ObjectStore& store,
                                         const ResourceRegistry& registry)
    : store_(store), registry_(registry) {}

void NamespaceController::start() {
  loop_ = std::make_unique<ControllerLoop>(
      store_, storage::Selection{"namespaces", "", nullptr},
      [this](const storage::WatchEvent& event) { on_event(event); }, [this] { on_tick(); },
      std::chrono::milliseconds(200));
  loop_->start();
}

void NamespaceController::stop() {
  if (loop_) loop_->stop();
}

void NamespaceController::on_event(const storage::WatchEvent& event) {
  if (event.type == storage::WatchEventType::kDeleted) {
    terminating_.erase(event.attrs->name);
    return;
  }
  if (event.attrs->deleting) {
    terminating_.insert(event.attrs->name);
    on_tick();
  }
}

void NamespaceController::on_tick() {
  for (auto it = terminating_.begin(); it != terminating_.end();) {
    const std::string& ns = *it;
    auto contents = store_.in_namespace(ns);
    for (const auto& ref : contents) {
      auto current = store_.get(ref.resource, ref.namespace_name, ref.name);
      if (!current.ok() || current.value().attrs->deleting) continue;
      delete_object(store_, registry_, ref, "Background");
    }
    // Pods waiting out a grace period have no kubelet to finish them here:
    // namespace deletion removes them, as the namespace controller's final
    // force deletion does.
    for (const auto& ref : store_.in_namespace(ns)) {
      auto current = store_.get(ref.resource, ref.namespace_name, ref.name);
      if (current.ok() && current.value().attrs->deleting && !current.value().attrs->has_finalizers) {
        store_.update(ref.resource, ref.namespace_name, ref.name,
                      [](json::object&, storage::WriteAction& action) {
                        action = storage::WriteAction::kDelete;
                        return std::optional<storage::StoreError>();
                      });
      }
    }
    if (!store_.in_namespace(ns).empty()) {
      ++it;
      continue;
    }
    storage::ObjectRef ref{"namespaces", "", ns};
    store_.update("namespaces", "", ns, [](json::object&, storage::WriteAction& action) {
      action = storage::WriteAction::kDelete;
      return std::optional<storage::StoreError>();
    });
    it = terminating_.erase(it);
  }
}

}  // namespace dynop::localcluster::controllers
