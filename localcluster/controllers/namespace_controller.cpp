#include "localcluster/controllers/namespace_controller.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <string_view>
#include <vector>

#include "lib/apimachinery/conditions.hpp"
#include "lib/apimachinery/time.hpp"
#include "localcluster/controllers/object_writes.hpp"
#include "localcluster/server/deletion.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::controllers {

namespace json = boost::json;

namespace {

// The namespace controller's token in spec.finalizers.
constexpr const char* kFinalizer = "kubernetes";

bool has_spec_finalizer(const json::object& ns, std::string_view finalizer) {
  const auto* spec = ns.if_contains("spec");
  const auto* list =
      spec && spec->is_object() ? spec->get_object().if_contains("finalizers") : nullptr;
  if (!list || !list->is_array()) return false;
  for (const auto& f : list->get_array()) {
    if (f.is_string() && f.get_string() == finalizer) return true;
  }
  return false;
}

void remove_spec_finalizer(json::object& ns, std::string_view finalizer) {
  auto* spec = ns.if_contains("spec");
  auto* list = spec && spec->is_object() ? spec->get_object().if_contains("finalizers") : nullptr;
  if (!list || !list->is_array()) return;
  auto& array = list->get_array();
  array.erase(std::remove_if(array.begin(), array.end(),
                             [&](const json::value& f) {
                               return f.is_string() && f.get_string() == finalizer;
                             }),
              array.end());
}

}  // namespace

void bootstrap_namespaces(storage::ObjectStore& store) {
  for (const char* name : {"default", "kube-node-lease", "kube-public", "kube-system"}) {
    if (store.get("namespaces", "", name).ok()) continue;
    json::object ns{
        {"kind", "Namespace"},
        {"apiVersion", "v1"},
        {"metadata",
         json::object{{"name", name},
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
         json::object{
             {"name", "kubernetes"},
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
    if (sync_terminating(*it)) {
      it = terminating_.erase(it);
    } else {
      ++it;
    }
  }
}

bool NamespaceController::sync_terminating(const std::string& ns) {
  auto current = store_.get("namespaces", "", ns);
  if (!current.ok() || !current.value().attrs->deleting) return true;
  if (!has_spec_finalizer(json::parse(*current.value().json).as_object(), kFinalizer)) {
    return true;  // finalized: what is left waits for other finalizers
  }
  for (const auto& ref : store_.in_namespace(ns)) {
    auto object = store_.get(ref.resource, ref.namespace_name, ref.name);
    if (!object.ok() || object.value().attrs->deleting) continue;
    delete_object(store_, registry_, ref, "Background");
  }
  // Pods waiting out a grace period have no kubelet to finish them here:
  // namespace deletion removes them, as the namespace controller's final
  // force deletion does.
  for (const auto& ref : store_.in_namespace(ns)) {
    auto object = store_.get(ref.resource, ref.namespace_name, ref.name);
    if (object.ok() && object.value().attrs->deleting && !object.value().attrs->has_finalizers) {
      store_.update(ref.resource, ref.namespace_name, ref.name,
                    [](json::object&, storage::WriteAction& action) {
                      action = storage::WriteAction::kDelete;
                      return std::optional<storage::StoreError>();
                    });
    }
  }
  // What is still there: objects whose finalizers have not run yet.
  Remaining remaining;
  for (const auto& ref : store_.in_namespace(ns)) {
    auto object = store_.get(ref.resource, ref.namespace_name, ref.name);
    if (!object.ok()) continue;
    // kube counts by group and resource: "pods." for core, "widgets.example.com".
    ++remaining.by_resource[ref.resource.find('.') == std::string::npos ? ref.resource + "."
                                                                        : ref.resource];
    if (!object.value().attrs->has_finalizers) continue;
    const auto parsed = json::parse(*object.value().json);
    const auto* finalizers = server::metadata(parsed.as_object())->if_contains("finalizers");
    for (const auto& finalizer : finalizers->as_array()) {
      if (finalizer.is_string()) ++remaining.by_finalizer[std::string(finalizer.get_string())];
    }
  }
  update_conditions(ns, remaining);
  if (!remaining.by_resource.empty()) return false;
  // Empty: remove our finalizer, as PUT namespaces/<ns>/finalize does; the
  // namespace goes unless something else still finalizes it.
  ResourceTypePtr type = type_for_resource(registry_, "namespaces");
  store_.update("namespaces", "", ns,
                [&](json::object& object,
                    storage::WriteAction& action) -> std::optional<storage::StoreError> {
                  remove_spec_finalizer(object, kFinalizer);
                  if (type && server::deletes_during_update(*type, object)) {
                    action = storage::WriteAction::kDelete;
                  }
                  return std::nullopt;
                });
  return true;
}

void NamespaceController::update_conditions(const std::string& ns, const Remaining& remaining) {
  auto describe = [](const std::map<std::string, int>& counts, const char* unit) {
    std::string out;
    for (const auto& [what, count] : counts) {  // sorted, as kube sorts them
      if (!out.empty()) out += ", ";
      out += what + " " + unit + std::to_string(count) + " resource instances";
    }
    return out;
  };
  const std::vector<apimachinery::Condition> wanted = {
      {"NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
       "All resources successfully discovered"},
      {"NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
       "All legacy kube types successfully parsed"},
      {"NamespaceDeletionContentFailure", "False", "ContentDeleted",
       "All content successfully deleted, may be waiting on finalization"},
      remaining.by_resource.empty()
          ? apimachinery::Condition{"NamespaceContentRemaining", "False", "ContentRemoved",
                                    "All content successfully removed"}
          : apimachinery::Condition{"NamespaceContentRemaining", "True", "SomeResourcesRemain",
                                    "Some resources are remaining: " +
                                        describe(remaining.by_resource, "has ")},
      remaining.by_finalizer.empty()
          ? apimachinery::Condition{"NamespaceFinalizersRemaining", "False",
                                    "ContentHasNoFinalizers",
                                    "All content-preserving finalizers finished"}
          : apimachinery::Condition{"NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                                    "Some content in the namespace has finalizers remaining: " +
                                        describe(remaining.by_finalizer, "in ")},
  };
  store_.update("namespaces", "", ns,
                [&](json::object& object,
                    storage::WriteAction& action) -> std::optional<storage::StoreError> {
                  auto& status = object["status"];
                  if (!status.is_object()) status = json::object();
                  auto& conditions_value = status.get_object()["conditions"];
                  if (!conditions_value.is_array()) conditions_value = json::array();
                  auto& conditions = conditions_value.get_array();
                  bool changed = false;
                  const std::string now = apimachinery::format_time(apimachinery::now());
                  for (const auto& want : wanted) {
                    changed = apimachinery::set_status_condition(conditions, want, now) || changed;
                  }
                  if (!changed) action = storage::WriteAction::kSkip;
                  return std::nullopt;
                });
}

}  // namespace dynop::localcluster::controllers
