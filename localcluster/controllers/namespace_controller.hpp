#pragma once
// Namespace lifecycle: the namespaces kube-apiserver creates at start
// (default, kube-system, kube-public, kube-node-lease, plus the `kubernetes`
// Service in default), and the deletion of a Terminating namespace's
// contents, after which the namespace itself goes.

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "localcluster/controllers/controller_loop.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::controllers {

// Creates the system namespaces that are missing (idempotent; at startup).
void bootstrap_namespaces(storage::ObjectStore& store);

class NamespaceController {
 public:
  NamespaceController(storage::ObjectStore& store, const ResourceRegistry& registry);
  void start();
  void stop();

 private:
  void on_event(const storage::WatchEvent& event);
  void on_tick();

  storage::ObjectStore& store_;
  const ResourceRegistry& registry_;
  std::set<std::string> terminating_;
  std::unique_ptr<ControllerLoop> loop_;
};

}  // namespace dynop::localcluster::controllers
