#pragma once
// Namespace lifecycle: the namespaces kube-apiserver creates at start
// (default, kube-system, kube-public, kube-node-lease, plus the `kubernetes`
// Service in default), and what kube-controller-manager's namespace
// controller does with a Terminating namespace: delete its contents, report
// progress in status.conditions (NamespaceContentRemaining,
// NamespaceFinalizersRemaining, ... with kube's reasons and messages), and
// once it is empty remove `kubernetes` from spec.finalizers, after which the
// namespace goes (unless other finalizers still hold it).

#include <map>
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
  // What a terminating namespace still holds.
  struct Remaining {
    std::map<std::string, int> by_resource;   // "pods.", "widgets.example.com"
    std::map<std::string, int> by_finalizer;  // over the remaining objects
  };
  void on_event(const storage::WatchEvent& event);
  void on_tick();
  // One pass over a terminating namespace; true when this controller is done
  // with it (finalized or gone).
  bool sync_terminating(const std::string& ns);
  void update_conditions(const std::string& ns, const Remaining& remaining);

  storage::ObjectStore& store_;
  const ResourceRegistry& registry_;
  std::set<std::string> terminating_;
  std::unique_ptr<ControllerLoop> loop_;
};

}  // namespace dynop::localcluster::controllers
