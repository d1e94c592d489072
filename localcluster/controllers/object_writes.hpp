#pragma once
// Writes controllers make straight to storage (no HTTP): deleting an object
// with kube's delete semantics, and read-modify-write of one object.

#include <boost/json/object.hpp>

#include <functional>
#include <string>

#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::controllers {

// Deletes like a DELETE request with `propagation_policy` (finalizers keep
// the object with a deletionTimestamp; bound pods wait out their grace
// period). Returns false when the object is gone or could not be found.
bool delete_object(storage::ObjectStore& store, const ResourceRegistry& registry,
                   const storage::ObjectRef& ref, const std::string& propagation_policy);

// Applies `change` to the current object; no write when it changes nothing.
// If the result has a deletionTimestamp and no finalizers, deletes it.
void modify_object(storage::ObjectStore& store, const storage::ObjectRef& ref,
                   const std::function<void(boost::json::object&)>& change);

// The ResourceType serving a storage resource key ("pods", "x.example.com").
ResourceTypePtr type_for_resource(const ResourceRegistry& registry, const std::string& resource);

}  // namespace dynop::localcluster::controllers
