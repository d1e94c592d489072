#pragma once
// Serves CustomResourceDefinitions as kube-apiextensions-apiserver does:
// registers each CRD's served versions as ResourceTypes (so REST, discovery
// and OpenAPI see them), sets NamesAccepted/Established, acceptedNames and
// storedVersions (trace 03-crd-lifecycle-2), and on deletion removes every
// custom object, the registration, then the cleanup finalizer.

#include <memory>

#include "localcluster/controllers/controller_loop.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::controllers {

class CrdController {
 public:
  static constexpr const char* kResource = "customresourcedefinitions.apiextensions.k8s.io";
  static constexpr const char* kCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

  CrdController(storage::ObjectStore& store, ResourceRegistry& registry);
  void start();
  void stop();

 private:
  void on_event(const storage::WatchEvent& event);

  storage::ObjectStore& store_;
  ResourceRegistry& registry_;
  std::unique_ptr<ControllerLoop> loop_;
};

}  // namespace dynop::localcluster::controllers
