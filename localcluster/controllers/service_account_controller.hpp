#pragma once
// What kube-controller-manager's serviceaccounts controller does: every
// active namespace has a ServiceAccount `default`, created when the
// namespace appears (the bootstrap namespaces included) and again when
// someone deletes it. Terminating namespaces get none. Pods that name no
// service account run as it (ServiceAccount admission).

#include <memory>
#include <string>

#include "localcluster/controllers/controller_loop.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::controllers {

class ServiceAccountController {
 public:
  explicit ServiceAccountController(storage::ObjectStore& store) : store_(store) {}
  void start();
  void stop();

 private:
  // Creates `default` in `ns` when the namespace is active and has none.
  void ensure_default(const std::string& ns);

  storage::ObjectStore& store_;
  std::unique_ptr<ControllerLoop> namespaces_;
  std::unique_ptr<ControllerLoop> accounts_;
};

}  // namespace dynop::localcluster::controllers
