#include "localcluster/controllers/object_writes.hpp"

#include <boost/json.hpp>

#include "localcluster/server/deletion.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::controllers {

ResourceTypePtr type_for_resource(const ResourceRegistry& registry, const std::string& resource) {
  for (const auto& type : registry.all()) {
    if (storage_resource(*type) == resource) return type;
  }
  return nullptr;
}

bool delete_object(storage::ObjectStore& store, const ResourceRegistry& registry,
                   const storage::ObjectRef& ref, const std::string& propagation_policy) {
  ResourceTypePtr type = type_for_resource(registry, ref.resource);
  boost::json::object options{{"propagationPolicy", propagation_policy}};
  auto result = store.update(
      ref.resource, ref.namespace_name, ref.name,
      [&](boost::json::object& object,
          storage::WriteAction& action) -> std::optional<storage::StoreError> {
        if (!type) {
          action = storage::WriteAction::kDelete;
          return std::nullopt;
        }
        auto decided = server::decide_delete(*type, object, options);
        if (auto* error = std::get_if<server::ApiError>(&decided)) {
          return storage::StoreError{storage::StoreErrorCode::kConflict, error->message, {}, 0};
        }
        auto& decision = std::get<server::DeleteDecision>(decided);
        object = std::move(decision.object);
        action = decision.action;
        return std::nullopt;
      });
  return result.ok();
}

void modify_object(storage::ObjectStore& store, const storage::ObjectRef& ref,
                   const std::function<void(boost::json::object&)>& change) {
  store.update(ref.resource, ref.namespace_name, ref.name,
               [&](boost::json::object& object,
                   storage::WriteAction& action) -> std::optional<storage::StoreError> {
                 change(object);
                 ResourceType type;
                 if (ref.resource == "namespaces") type.plural = "namespaces";
                 if (server::deletes_during_update(type, object)) {
                   action = storage::WriteAction::kDelete;
                 }
                 return std::nullopt;
               });
}

}  // namespace dynop::localcluster::controllers
