#pragma once
// Owner-reference garbage collection as kube-controller-manager's garbage
// collector does it: when an owner is deleted its dependents go too
// (background), a `foregroundDeletion` owner waits until its dependents are
// gone, and an `orphan` owner first removes itself from its dependents'
// ownerReferences.

#include <memory>
#include <set>
#include <string>

#include "localcluster/controllers/controller_loop.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::controllers {

class GarbageCollector {
 public:
  GarbageCollector(storage::ObjectStore& store, const ResourceRegistry& registry);
  void start();
  void stop();

 private:
  void on_event(const storage::WatchEvent& event);
  void on_tick();
  void owner_gone(const std::string& uid);
  // Returns true when the owner needs another look later.
  bool process_deleting_owner(const storage::ObjectRef& ref);

  storage::ObjectStore& store_;
  const ResourceRegistry& registry_;
  std::set<std::string> pending_uids_;  // foreground owners waiting for dependents
  std::unique_ptr<ControllerLoop> loop_;
};

}  // namespace dynop::localcluster::controllers
