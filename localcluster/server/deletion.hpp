#pragma once
// What deleting an object does, shared by the DELETE handler and the
// controllers (garbage collector, namespace cleanup): preconditions,
// propagation finalizers (orphan, foregroundDeletion), graceful pod deletion
// (a pod on a node waits out its grace period; trace 10-delete-*), and
// finalizers keeping an object with a deletionTimestamp.

#include <boost/json/object.hpp>
#include <string_view>
#include <variant>

#include "localcluster/registry/resource_type.hpp"
#include "localcluster/server/api_error.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::server {

struct DeleteDecision {
  boost::json::object object;  // the object to store (kWrite) or its last state (kDelete)
  storage::WriteAction action = storage::WriteAction::kDelete;
};

// `options` is a DeleteOptions object (propagationPolicy, gracePeriodSeconds,
// preconditions); query parameters already merged in.
std::variant<DeleteDecision, ApiError> decide_delete(const ResourceType& type,
                                                     const boost::json::object& current,
                                                     const boost::json::object& options);

bool has_finalizer(const boost::json::object& object, std::string_view finalizer);
bool has_finalizers(const boost::json::object& object);
void add_finalizer(boost::json::object& object, std::string_view finalizer);
void remove_finalizer(boost::json::object& object, std::string_view finalizer);

// Whether a write of `object` deletes it instead (kube's ShouldDeleteDuringUpdate):
// it has a deletionTimestamp and no finalizers left, no grace period still
// running (deletionGracePeriodSeconds > 0) and, for a namespace, no
// spec.finalizers left either (the namespace controller's "kubernetes").
bool deletes_during_update(const ResourceType& type, const boost::json::object& object);
bool is_namespace(const ResourceType& type);

}  // namespace dynop::localcluster::server
