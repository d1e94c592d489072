#include "localcluster/controllers/crd_controller.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/conditions.hpp"
#include "lib/apimachinery/time.hpp"
#include "localcluster/controllers/object_writes.hpp"
#include "localcluster/registry/crd_resource_types.hpp"
#include "localcluster/server/deletion.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::controllers {

namespace json = boost::json;
using server::metadata;
using server::string_at;

namespace {

json::object accepted_names(const json::object& crd) {
  json::object names;
  const auto* spec = crd.if_contains("spec");
  if (!spec || !spec->is_object()) return names;
  const auto* n = spec->get_object().if_contains("names");
  if (!n || !n->is_object()) return names;
  // kube's key order: plural, singular, shortNames, kind, listKind, categories.
  for (const char* key : {"plural", "singular", "shortNames", "kind", "listKind", "categories"}) {
    if (const auto* v = n->get_object().if_contains(key)) names[key] = *v;
  }
  return names;
}

}  // namespace

CrdController::CrdController(storage::ObjectStore& store, ResourceRegistry& registry)
    : store_(store), registry_(registry) {}

void CrdController::start() {
  // Serve what is already stored before the API server takes requests, so a
  // restart never answers 404 for a custom resource that exists.
  for (const auto& item : store_.list(storage::Selection{kResource, "", nullptr}).items) {
    if (!item.attrs->deleting) {
      registry_.set_crd_types(item.attrs->name, resource_types_from_crd(json::parse(*item.json)));
    }
  }
  loop_ = std::make_unique<ControllerLoop>(
      store_, storage::Selection{kResource, "", nullptr},
      [this](const storage::WatchEvent& event) { on_event(event); });
  loop_->start();
}

void CrdController::stop() {
  if (loop_) loop_->stop();
}

void CrdController::on_event(const storage::WatchEvent& event) {
  const std::string& crd_name = event.attrs->name;
  if (event.type == storage::WatchEventType::kDeleted) {
    registry_.set_crd_types(crd_name, {});
    return;
  }
  json::value doc = json::parse(*event.json);
  const json::object& crd = doc.as_object();
  storage::ObjectRef ref{kResource, "", crd_name};
  if (event.attrs->deleting) {
    // Remove every custom object first, then stop serving, then let the CRD go.
    const auto* spec = crd.if_contains("spec");
    std::string group = spec && spec->is_object() ? string_at(&spec->get_object(), "group") : "";
    std::string plural;
    if (spec && spec->is_object()) {
      if (const auto* names = spec->get_object().if_contains("names");
          names && names->is_object()) {
        plural = string_at(&names->get_object(), "plural");
      }
    }
    std::string resource = storage_resource(group, plural);
    for (const auto& item : store_.list(storage::Selection{resource, "", nullptr}).items) {
      store_.update(resource, item.attrs->namespace_name, item.attrs->name,
                    [](json::object&, storage::WriteAction& action) {
                      action = storage::WriteAction::kDelete;
                      return std::optional<storage::StoreError>();
                    });
    }
    registry_.set_crd_types(crd_name, {});
    modify_object(store_, ref, [](json::object& object) {
      server::remove_finalizer(object, kCleanupFinalizer);
    });
    return;
  }
  registry_.set_crd_types(crd_name, resource_types_from_crd(doc));
  if (apimachinery::status_condition_true(crd, "Established") &&
      apimachinery::status_condition_true(crd, "NamesAccepted")) {
    return;
  }
  modify_object(store_, ref, [](json::object& object) {
    std::string now = apimachinery::format_time(apimachinery::now());
    auto& status = object["status"];
    if (!status.is_object()) status = json::object();
    auto& s = status.get_object();
    s["conditions"] =
        json::array{json::object{{"type", "NamesAccepted"},
                                 {"status", "True"},
                                 {"lastTransitionTime", now},
                                 {"reason", "NoConflicts"},
                                 {"message", "no conflicts found"}},
                    json::object{{"type", "Established"},
                                 {"status", "True"},
                                 {"lastTransitionTime", now},
                                 {"reason", "InitialNamesAccepted"},
                                 {"message", "the initial names have been accepted"}}};
    s["acceptedNames"] = accepted_names(object);
  });
}

}  // namespace dynop::localcluster::controllers
